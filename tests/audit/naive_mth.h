/* naive_mth.h — the audit tests' reference Merkle tree hash, written
 * separately from src/audit: the definition of RFC 6962 2.1, literally, by
 * recursion and with its own hashing, over leaf hashes already computed. */
#ifndef SH_TEST_NAIVE_MTH_H
#define SH_TEST_NAIVE_MTH_H

#include <sodium.h>
#include <stddef.h>
#include <string.h>

static inline void naive_mth(unsigned char (*leaves)[32], size_t n, unsigned char out[32])
{
	if (n == 0) {
		crypto_hash_sha256(out, NULL, 0);
		return;
	}
	if (n == 1) {
		memcpy(out, leaves[0], 32);
		return;
	}
	size_t k = 1;
	while (k * 2 < n)
		k *= 2;
	unsigned char buf[65];
	buf[0] = 0x01;
	naive_mth(leaves, k, buf + 1);
	naive_mth(leaves + k, n - k, buf + 33);
	crypto_hash_sha256(out, buf, sizeof buf);
}

#endif
