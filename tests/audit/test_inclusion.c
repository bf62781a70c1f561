/* test_inclusion.c — RFC 6962 inclusion proofs: for every index of trees of
 * 1..40 leaves the path checks against the naive root, its length is the
 * RFC's, and a changed leaf, sibling, index or root fails. (The size is not
 * bound by the path alone — the leftmost path of 3 leaves also folds for
 * size 4 — but by the signed tree head, which signs size and root.) */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "naive_mth.h"

typedef unsigned char hash_t[AUDIT_HASH_BYTES];

/* Path length of RFC 6962 2.1.1 by its recursion. */
static size_t path_len(uint64_t m, uint64_t n)
{
	if (n <= 1)
		return 0;
	uint64_t k = 1;
	while (k * 2 < n)
		k *= 2;
	return 1 + (m < k ? path_len(m, k) : path_len(m - k, n - k));
}

Test(inclusion, every_index_checks_and_tampering_fails)
{
	hash_t leaves[40];
	for (int i = 0; i < 40; i++) {
		unsigned char b[2] = {0x00, (unsigned char)i};
		crypto_hash_sha256(leaves[i], b, sizeof b);
	}
	for (uint64_t n = 1; n <= 40; n++) {
		hash_t root;
		naive_mth(leaves, (size_t)n, root);
		for (uint64_t m = 0; m < n; m++) {
			struct sh_err err = {0};
			hash_t *proof = NULL;
			size_t np = 0;
			cr_assert_eq(audit_tree_inclusion((const hash_t *)leaves, m, n, &proof, &np, &err),
				     SH_OK);
			cr_assert_eq(np, path_len(m, n), "n=%llu m=%llu", (unsigned long long)n,
				     (unsigned long long)m);
			cr_assert_eq(audit_inclusion_check(m, n, leaves[m], root, (const hash_t *)proof, np),
				     SH_OK, "n=%llu m=%llu", (unsigned long long)n, (unsigned long long)m);
			hash_t bad;
			memcpy(bad, leaves[m], sizeof bad);
			bad[0] ^= 1;
			cr_assert_neq(audit_inclusion_check(m, n, bad, root, (const hash_t *)proof, np), SH_OK);
			cr_assert_neq(audit_inclusion_check(m, n, leaves[m], bad, (const hash_t *)proof, np),
				      SH_OK);
			if (np) {
				proof[np - 1][5] ^= 0x40;
				cr_assert_neq(audit_inclusion_check(m, n, leaves[m], root,
								    (const hash_t *)proof, np),
					      SH_OK);
				proof[np - 1][5] ^= 0x40;
			}
			if (n > 1) {
				uint64_t other = (m + 1) % n;
				if (memcmp(leaves[other], leaves[m], sizeof bad) != 0)
					cr_assert_neq(audit_inclusion_check(other, n, leaves[m], root,
									    (const hash_t *)proof, np),
						      SH_OK, "moved index n=%llu m=%llu",
						      (unsigned long long)n, (unsigned long long)m);
			}
			free(proof);
		}
	}
	struct sh_err err = {0};
	hash_t *proof = NULL;
	size_t np = 0;
	cr_assert_eq(audit_tree_inclusion((const hash_t *)leaves, 5, 5, &proof, &np, &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "BAD_INDEX");
}
