/* fuzz_face_weights.c — libFuzzer driver for face_model_parse (a tfjs
 * weights manifest and its shard): the input is split at its first NUL
 * into manifest JSON and shard bytes. Tensors that parse must cover the
 * shard exactly. */
#include <stdint.h>
#include <string.h>

#include "bio/face_weights.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t jlen = nul ? (size_t)(nul - data) : size;
	const uint8_t *bin = nul ? nul + 1 : data + size;
	size_t blen = size - jlen - (nul ? 1 : 0);
	struct face_model m;
	if (face_model_parse((const char *)data, jlen, bin, blen, &m, NULL) != SH_OK)
		return 0;
	size_t values = 0;
	for (int i = 0; i < m.n; i++)
		values += m.t[i].count;
	if (values != m.nvalues || m.bin_bytes != blen)
		__builtin_trap();
	face_model_free(&m);
	return 0;
}
