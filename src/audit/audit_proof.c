/* audit_proof.c — historical tree heads and consistency proofs
 * (RFC 6962 2.1.2) computed from the stored leaf hashes. */
#include "audit/audit.h"

#include <stdlib.h>
#include <string.h>

#include "audit/audit_tree.h"

/* Proofs hold the needed leaf hashes in memory: 32 bytes a leaf. */
#define AUDIT_PROOF_MAX_LEAVES ((uint64_t)1 << 22)

/* Walk stored leaf hashes idx < size in order. */
static int leaves_walk(store_tx *tx, uint64_t size,
		       void (*fn)(void *ctx, const unsigned char h[AUDIT_HASH_BYTES]), void *ctx,
		       struct sh_err *err)
{
	store_stmt *st = NULL;
	uint64_t n = 0;
	int rc = store_query(tx, &st, err,
			     "SELECT idx, leaf_hash FROM audit_log WHERE idx < ? ORDER BY idx", "i",
			     (int64_t)size);
	if (rc != SH_OK)
		return rc;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		size_t len = 0;
		const void *h = store_col_blob(st, 1, &len);
		if ((uint64_t)store_col_int(st, 0) != n || !h || len != AUDIT_HASH_BYTES) {
			rc = sh_err_set(err, SH_ECONFLICT, "AUDIT_TAMPERED",
					"audit log leaf %llu is missing or malformed",
					(unsigned long long)n);
			goto out;
		}
		fn(ctx, h);
		n++;
	}
	if (rc < 0)
		goto out;
	rc = SH_OK;
	if (n != size)
		rc = sh_err_set(err, SH_EINVAL, "AUDIT_SIZE_TOO_BIG",
				"the audit log has %llu entries, fewer than %llu",
				(unsigned long long)n, (unsigned long long)size);
out:
	store_finalize(st);
	return rc;
}

static void push_frontier(void *ctx, const unsigned char h[AUDIT_HASH_BYTES])
{
	audit_frontier_push(ctx, h);
}

int audit_root_at(store *db, uint64_t size, unsigned char root[AUDIT_HASH_BYTES],
		  struct sh_err *err)
{
	store_tx *tx = NULL;
	struct audit_frontier f;
	audit_frontier_init(&f);
	int rc = store_begin(db, STORE_READ, &tx, err);
	if (rc != SH_OK)
		return rc;
	rc = leaves_walk(tx, size, push_frontier, &f, err);
	if (rc == SH_OK)
		audit_frontier_root(&f, root);
	store_rollback(tx);
	return rc;
}

struct collect {
	unsigned char (*h)[AUDIT_HASH_BYTES];
	uint64_t n;
};

static void push_array(void *ctx, const unsigned char h[AUDIT_HASH_BYTES])
{
	struct collect *c = ctx;
	memcpy(c->h[c->n++], h, AUDIT_HASH_BYTES);
}

int audit_consistency_proof(store *db, uint64_t first, uint64_t second,
			    unsigned char (**proof)[AUDIT_HASH_BYTES], size_t *nproof,
			    struct sh_err *err)
{
	*proof = NULL;
	*nproof = 0;
	if (first == 0 || first > second)
		return sh_err_set(err, SH_EINVAL, "BAD_TREE_SIZES",
				  "need 0 < first <= second (got %llu, %llu)",
				  (unsigned long long)first, (unsigned long long)second);
	if (second > AUDIT_PROOF_MAX_LEAVES)
		return sh_err_set(err, SH_ETOOBIG, "AUDIT_PROOF_TOO_BIG",
				  "proofs are served for trees up to %llu entries",
				  (unsigned long long)AUDIT_PROOF_MAX_LEAVES);
	struct collect c = {calloc((size_t)second, AUDIT_HASH_BYTES), 0};
	if (!c.h)
		return sh_err_set(err, SH_ENOMEM, "NO_MEMORY", "out of memory");
	store_tx *tx = NULL;
	int rc = store_begin(db, STORE_READ, &tx, err);
	if (rc != SH_OK)
		goto out;
	rc = leaves_walk(tx, second, push_array, &c, err);
	store_rollback(tx);
	if (rc != SH_OK)
		goto out;
	rc = audit_tree_consistency((const unsigned char (*)[AUDIT_HASH_BYTES])c.h, first, second,
				    proof, nproof, err);
out:
	free(c.h);
	return rc;
}
