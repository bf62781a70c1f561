/* audit_inclusion.c — RFC 6962 2.1.1 inclusion proofs (audit paths) over
 * the stored leaf hashes, and their check (RFC 9162 2.1.3.2), so that an
 * auditor's page can recompute one entry's path to the signed tree head. */
#include "audit/audit.h"

#include <stdlib.h>
#include <string.h>

#include "audit/audit_tree.h"

#define AUDIT_INCLUSION_MAX_LEAVES ((uint64_t)1 << 22)

/* Largest power of two strictly below n (n >= 2). */
static uint64_t split(uint64_t n)
{
	uint64_t k = 1;
	while (k << 1 < n)
		k <<= 1;
	return k;
}

/* MTH(D[lo:hi]) for hi > lo. */
static void mth(const unsigned char (*leaves)[AUDIT_HASH_BYTES], uint64_t lo, uint64_t hi,
		unsigned char out[AUDIT_HASH_BYTES])
{
	if (hi - lo == 1) {
		memcpy(out, leaves[lo], AUDIT_HASH_BYTES);
		return;
	}
	uint64_t k = split(hi - lo);
	unsigned char l[AUDIT_HASH_BYTES], r[AUDIT_HASH_BYTES];
	mth(leaves, lo, lo + k, l);
	mth(leaves, lo + k, hi, r);
	audit_tree_node(l, r, out);
}

/* PATH(m, D[lo:hi]) appended to proof, deepest sibling first. */
static void path(const unsigned char (*leaves)[AUDIT_HASH_BYTES], uint64_t m, uint64_t lo,
		 uint64_t hi, unsigned char (*proof)[AUDIT_HASH_BYTES], size_t *np)
{
	if (hi - lo <= 1)
		return;
	uint64_t k = split(hi - lo);
	if (m < k) {
		path(leaves, m, lo, lo + k, proof, np);
		mth(leaves, lo + k, hi, proof[(*np)++]);
	} else {
		path(leaves, m - k, lo + k, hi, proof, np);
		mth(leaves, lo, lo + k, proof[(*np)++]);
	}
}

int audit_tree_inclusion(const unsigned char (*leaves)[AUDIT_HASH_BYTES], uint64_t index,
			 uint64_t size, unsigned char (**proof)[AUDIT_HASH_BYTES], size_t *nproof,
			 struct sh_err *err)
{
	*proof = NULL;
	*nproof = 0;
	if (index >= size)
		return sh_err_set(err, SH_EINVAL, "BAD_INDEX", "need index < size (got %llu, %llu)",
				  (unsigned long long)index, (unsigned long long)size);
	/* the path has at most one hash per level: 64 for a 64-bit size */
	*proof = calloc(64, AUDIT_HASH_BYTES);
	if (!*proof)
		return sh_err_set(err, SH_ENOMEM, "NO_MEMORY", "out of memory");
	path(leaves, index, 0, size, *proof, nproof);
	return SH_OK;
}

int audit_inclusion_check(uint64_t index, uint64_t size,
			  const unsigned char leaf[AUDIT_HASH_BYTES],
			  const unsigned char root[AUDIT_HASH_BYTES],
			  const unsigned char (*proof)[AUDIT_HASH_BYTES], size_t nproof)
{
	if (index >= size)
		return SH_EINVAL;
	uint64_t fn = index, sn = size - 1;
	unsigned char r[AUDIT_HASH_BYTES];
	memcpy(r, leaf, sizeof r);
	for (size_t i = 0; i < nproof; i++) {
		if (sn == 0)
			return SH_EINVAL;
		unsigned char next[AUDIT_HASH_BYTES];
		if ((fn & 1) || fn == sn) {
			audit_tree_node(proof[i], r, next);
			if (!(fn & 1))
				while (fn && !(fn & 1)) {
					fn >>= 1;
					sn >>= 1;
				}
		} else {
			audit_tree_node(r, proof[i], next);
		}
		memcpy(r, next, sizeof r);
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && memcmp(r, root, sizeof r) == 0 ? SH_OK : SH_EINVAL;
}

int audit_inclusion_proof(store *db, uint64_t index, uint64_t size,
			  unsigned char leaf[AUDIT_HASH_BYTES], unsigned char root[AUDIT_HASH_BYTES],
			  unsigned char (**proof)[AUDIT_HASH_BYTES], size_t *nproof,
			  struct sh_err *err)
{
	*proof = NULL;
	*nproof = 0;
	if (index >= size)
		return sh_err_set(err, SH_EINVAL, "BAD_INDEX", "need index < size");
	if (size > AUDIT_INCLUSION_MAX_LEAVES)
		return sh_err_set(err, SH_ETOOBIG, "AUDIT_PROOF_TOO_BIG",
				  "proofs are served for trees up to %llu entries",
				  (unsigned long long)AUDIT_INCLUSION_MAX_LEAVES);
	unsigned char (*h)[AUDIT_HASH_BYTES] = calloc((size_t)size, AUDIT_HASH_BYTES);
	if (!h)
		return sh_err_set(err, SH_ENOMEM, "NO_MEMORY", "out of memory");
	store_tx *tx = NULL;
	store_stmt *st = NULL;
	uint64_t n = 0;
	int rc = store_begin(db, STORE_READ, &tx, err);
	if (rc != SH_OK)
		goto out;
	rc = store_query(tx, &st, err,
			 "SELECT idx, leaf_hash FROM audit_log WHERE idx < ? ORDER BY idx", "i",
			 (int64_t)size);
	if (rc != SH_OK)
		goto out;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		size_t len = 0;
		const void *b = store_col_blob(st, 1, &len);
		if ((uint64_t)store_col_int(st, 0) != n || !b || len != AUDIT_HASH_BYTES) {
			rc = sh_err_set(err, SH_ECONFLICT, "AUDIT_TAMPERED",
					"audit log leaf %llu is missing or malformed",
					(unsigned long long)n);
			goto out;
		}
		memcpy(h[n++], b, AUDIT_HASH_BYTES);
	}
	if (rc < 0)
		goto out;
	rc = SH_OK;
	if (n != size) {
		rc = sh_err_set(err, SH_EINVAL, "AUDIT_SIZE_TOO_BIG",
				"the audit log has %llu entries, fewer than %llu",
				(unsigned long long)n, (unsigned long long)size);
		goto out;
	}
	memcpy(leaf, h[index], AUDIT_HASH_BYTES);
	mth((const unsigned char (*)[AUDIT_HASH_BYTES])h, 0, size, root);
	rc = audit_tree_inclusion((const unsigned char (*)[AUDIT_HASH_BYTES])h, index, size, proof,
				  nproof, err);
out:
	store_finalize(st);
	if (tx)
		store_rollback(tx);
	free(h);
	return rc;
}
