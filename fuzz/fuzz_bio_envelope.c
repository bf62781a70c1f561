/* fuzz_bio_envelope.c — libFuzzer driver for bio_capture_parse (a capture
 * device's signed envelope, untrusted JSON text). What parses must hold the
 * invariants the checks rely on: 1..10 items, positions 1..10 each once,
 * a hex nonce of 16..64 digits, liveness in 0..1. */
#include <stdint.h>
#include <string.h>

#include "biometrics/bio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bio_capture c;
	if (bio_capture_parse((const char *)data, size, &c, NULL) != SH_OK)
		return 0;
	if (c.count < 1 || c.count > BIO_MAX_ITEMS || c.liveness < 0 || c.liveness > 1)
		__builtin_trap();
	size_t nl = strlen(c.nonce);
	if (nl < 16 || nl > 64)
		__builtin_trap();
	unsigned seen = 0;
	for (int i = 0; i < c.count; i++) {
		if (c.position[i] < 1 || c.position[i] > 10 || (seen & (1u << c.position[i])))
			__builtin_trap();
		seen |= 1u << c.position[i];
	}
	return 0;
}
