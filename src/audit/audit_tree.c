/* audit_tree.c — RFC 6962 Merkle tree hashing: leaves, nodes, the
 * incremental frontier, and consistency proofs (RFC 6962 2.1.2). */
#include "audit/audit_tree.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

void audit_tree_leaf(const void *data, size_t len, unsigned char out[AUDIT_HASH_BYTES])
{
	/* RFC 6962 2.1: MTH({d(0)}) = SHA-256(0x00 || d(0)). */
	static const unsigned char prefix = 0x00;
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &prefix, 1);
	crypto_hash_sha256_update(&st, data, len);
	crypto_hash_sha256_final(&st, out);
}

void audit_tree_node(const unsigned char left[AUDIT_HASH_BYTES],
		     const unsigned char right[AUDIT_HASH_BYTES],
		     unsigned char out[AUDIT_HASH_BYTES])
{
	/* RFC 6962 2.1: MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])). */
	static const unsigned char prefix = 0x01;
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &prefix, 1);
	crypto_hash_sha256_update(&st, left, AUDIT_HASH_BYTES);
	crypto_hash_sha256_update(&st, right, AUDIT_HASH_BYTES);
	crypto_hash_sha256_final(&st, out);
}

void audit_frontier_init(struct audit_frontier *f)
{
	f->size = 0;
	f->count = 0;
}

static size_t popcount64(uint64_t v)
{
	size_t n = 0;
	for (; v; v &= v - 1)
		n++;
	return n;
}

int audit_frontier_load(struct audit_frontier *f, uint64_t size, const void *bytes, size_t len)
{
	size_t count = popcount64(size);
	if (len != count * AUDIT_HASH_BYTES)
		return SH_EINVAL;
	f->size = size;
	f->count = count;
	if (len)
		memcpy(f->h, bytes, len);
	return SH_OK;
}

void audit_frontier_push(struct audit_frontier *f, const unsigned char leaf[AUDIT_HASH_BYTES])
{
	/* Like incrementing a binary counter: every trailing 1 bit of the size
	 * is a perfect subtree of the same height as the carry, so merge it. */
	unsigned char carry[AUDIT_HASH_BYTES];
	memcpy(carry, leaf, AUDIT_HASH_BYTES);
	for (uint64_t s = f->size; s & 1; s >>= 1) {
		f->count--;
		audit_tree_node(f->h[f->count], carry, carry);
	}
	memcpy(f->h[f->count++], carry, AUDIT_HASH_BYTES);
	f->size++;
}

void audit_frontier_root(const struct audit_frontier *f, unsigned char out[AUDIT_HASH_BYTES])
{
	if (f->count == 0) {
		crypto_hash_sha256(out, (const unsigned char *)"", 0);
		return;
	}
	/* The split point k of RFC 6962 is the largest power of two < n, which
	 * is exactly the leftmost frontier subtree; fold from the right. */
	unsigned char r[AUDIT_HASH_BYTES];
	memcpy(r, f->h[f->count - 1], AUDIT_HASH_BYTES);
	for (size_t i = f->count - 1; i-- > 0;)
		audit_tree_node(f->h[i], r, r);
	memcpy(out, r, AUDIT_HASH_BYTES);
}

void audit_merkle_root(const unsigned char (*leaf_hashes)[AUDIT_HASH_BYTES], size_t n,
		       unsigned char out[AUDIT_HASH_BYTES])
{
	struct audit_frontier f;
	audit_frontier_init(&f);
	for (size_t i = 0; i < n; i++)
		audit_frontier_push(&f, leaf_hashes[i]);
	audit_frontier_root(&f, out);
}

/* MTH(D[lo:hi]) for hi > lo, leaves already hashed. */
static void range_root(const unsigned char (*leaves)[AUDIT_HASH_BYTES], uint64_t lo,
		       uint64_t hi, unsigned char out[AUDIT_HASH_BYTES])
{
	audit_merkle_root(leaves + lo, (size_t)(hi - lo), out);
}

static uint64_t split_point(uint64_t n)
{
	/* The largest power of two strictly smaller than n (n >= 2). */
	uint64_t k = 1;
	while (k << 1 < n)
		k <<= 1;
	return k;
}

/* RFC 6962 2.1.2 SUBPROOF(m, D[lo:hi], b), appending to proof. */
static void subproof(const unsigned char (*leaves)[AUDIT_HASH_BYTES], uint64_t m, uint64_t lo,
		     uint64_t hi, int b, unsigned char (*proof)[AUDIT_HASH_BYTES], size_t *np)
{
	uint64_t n = hi - lo;
	if (m == n) {
		if (!b)
			range_root(leaves, lo, hi, proof[(*np)++]);
		return;
	}
	uint64_t k = split_point(n);
	if (m <= k) {
		subproof(leaves, m, lo, lo + k, b, proof, np);
		range_root(leaves, lo + k, hi, proof[(*np)++]);
	} else {
		subproof(leaves, m - k, lo + k, hi, 0, proof, np);
		range_root(leaves, lo, lo + k, proof[(*np)++]);
	}
}

int audit_tree_consistency(const unsigned char (*leaves)[AUDIT_HASH_BYTES], uint64_t first,
			   uint64_t second, unsigned char (**proof)[AUDIT_HASH_BYTES],
			   size_t *nproof, struct sh_err *err)
{
	*proof = NULL;
	*nproof = 0;
	if (first == 0 || first > second)
		return sh_err_set(err, SH_EINVAL, "BAD_TREE_SIZES",
				  "need 0 < first <= second (got %llu, %llu)",
				  (unsigned long long)first, (unsigned long long)second);
	if (first == second)
		return SH_OK;
	/* A proof has at most ~2 log2(n) hashes; 130 covers every 64-bit size. */
	unsigned char (*p)[AUDIT_HASH_BYTES] = calloc(130, AUDIT_HASH_BYTES);
	if (!p)
		return sh_err_set(err, SH_ENOMEM, "NO_MEMORY", "out of memory");
	size_t n = 0;
	subproof(leaves, first, 0, second, 1, p, &n);
	*proof = p;
	*nproof = n;
	return SH_OK;
}

int audit_consistency_check(uint64_t first, uint64_t second,
			    const unsigned char first_root[AUDIT_HASH_BYTES],
			    const unsigned char second_root[AUDIT_HASH_BYTES],
			    const unsigned char (*proof)[AUDIT_HASH_BYTES], size_t nproof)
{
	/* RFC 9162 2.1.4.2, the verification algorithm for RFC 6962 proofs. */
	if (first == 0 || first > second)
		return SH_EINVAL;
	if (first == second)
		return (nproof == 0 && sodium_memcmp(first_root, second_root,
						     AUDIT_HASH_BYTES) == 0)
			       ? SH_OK
			       : SH_EINVAL;
	if (nproof == 0)
		return SH_EINVAL;
	size_t i = 0;
	unsigned char fr[AUDIT_HASH_BYTES], sr[AUDIT_HASH_BYTES];
	uint64_t fn = first - 1, sn = second - 1;
	/* If first is a power of two, the first tree's root is itself the
	 * first element of the path (the proof omits it). */
	int pow2 = (first & (first - 1)) == 0;
	const unsigned char *start;
	if (pow2) {
		start = first_root;
	} else {
		start = proof[0];
		i = 1;
	}
	memcpy(fr, start, AUDIT_HASH_BYTES);
	memcpy(sr, start, AUDIT_HASH_BYTES);
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	for (; i < nproof; i++) {
		if (sn == 0)
			return SH_EINVAL;
		if ((fn & 1) || fn == sn) {
			audit_tree_node(proof[i], fr, fr);
			audit_tree_node(proof[i], sr, sr);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			audit_tree_node(sr, proof[i], sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return SH_EINVAL;
	if (sodium_memcmp(fr, first_root, AUDIT_HASH_BYTES) != 0 ||
	    sodium_memcmp(sr, second_root, AUDIT_HASH_BYTES) != 0)
		return SH_EINVAL;
	return SH_OK;
}

void audit_head_message(const struct audit_head *h, unsigned char out[AUDIT_HEAD_MSG_BYTES])
{
	memcpy(out, "shanakht-audit-v1", 17);
	uint64_t v = h->size;
	for (int i = 7; i >= 0; i--) {
		out[17 + i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
	memcpy(out + 25, h->root, AUDIT_HASH_BYTES);
}
