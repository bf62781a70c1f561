/* fuzz_fp_iso.c — libFuzzer driver for fp_iso_decode (ISO/IEC 19794-2:2005
 * records from untrusted bytes). A record that decodes must re-encode,
 * and the re-encoding must decode to the same minutiae count. */
#include <stdint.h>
#include <stdlib.h>

#include "bio/fp_iso.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fp_template t, u;
	if (fp_iso_decode(data, size, &t, NULL) != SH_OK)
		return 0;
	if (t.count > FP_MAX_MINUTIAE)
		__builtin_trap();
	uint8_t *b;
	size_t n;
	if (fp_iso_encode(&t, &b, &n, NULL) != SH_OK)
		return 0;  /* e.g. a 16383-px image scaled past the 14-bit range */
	if (fp_iso_decode(b, n, &u, NULL) != SH_OK || u.count != t.count)
		__builtin_trap();
	free(b);
	return 0;
}
