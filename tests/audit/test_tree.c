/* test_tree.c — RFC 6962 Merkle tree: known answers, an independent naive
 * computation, incremental == batch, and consistency proofs. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "naive_mth.h"
#include "audit/audit_tree.h"

typedef unsigned char hash_t[AUDIT_HASH_BYTES];

static void unhex(const char *s, unsigned char *out, size_t n)
{
	size_t bin_len = 0;
	cr_assert_eq(sodium_hex2bin(out, n, s, strlen(s), NULL, &bin_len, NULL), 0);
	cr_assert_eq(bin_len, n);
}

static void assert_hex(const unsigned char *h, const char *expect, const char *what)
{
	char got[2 * AUDIT_HASH_BYTES + 1];
	sodium_bin2hex(got, sizeof got, h, AUDIT_HASH_BYTES);
	cr_assert_str_eq(got, expect, "%s", what);
}

/* The certificate-transparency reference inputs (RFC 6962 test data). */
static const char *ct_inputs[] = {
	"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
	"606162636465666768696a6b6c6d6e6f",
};
static const char *ct_roots[] = {
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

static void ct_leaves(hash_t leaves[8])
{
	for (int i = 0; i < 8; i++) {
		unsigned char in[16];
		size_t n = strlen(ct_inputs[i]) / 2;
		unhex(ct_inputs[i], in, n);
		audit_tree_leaf(in, n, leaves[i]);
	}
}

Test(tree, rfc6962_known_answers)
{
	hash_t leaves[8], root;
	ct_leaves(leaves);
	audit_merkle_root(NULL, 0, root);
	assert_hex(root, ct_roots[0], "empty tree");
	/* Single leaf: SHA-256(0x00 || "") */
	unsigned char zero = 0;
	unsigned char single[32];
	crypto_hash_sha256(single, &zero, 1);
	cr_assert_eq(memcmp(leaves[0], single, 32), 0);
	for (size_t n = 1; n <= 8; n++) {
		audit_merkle_root((const hash_t *)leaves, n, root);
		char what[32];
		snprintf(what, sizeof what, "size %zu", n);
		assert_hex(root, ct_roots[n], what);
	}
}

Test(tree, matches_naive_for_sizes_1_to_17_and_incremental_equals_batch)
{
	hash_t leaves[17];
	for (int i = 0; i < 17; i++) {
		unsigned char d[2] = {(unsigned char)i, (unsigned char)(i * 7)};
		audit_tree_leaf(d, sizeof d, leaves[i]);
	}
	struct audit_frontier f;
	audit_frontier_init(&f);
	for (size_t n = 1; n <= 17; n++) {
		hash_t batch, naive, inc;
		audit_frontier_push(&f, leaves[n - 1]);
		audit_frontier_root(&f, inc);
		audit_merkle_root((const hash_t *)leaves, n, batch);
		naive_mth(leaves, n, naive);
		cr_assert_eq(memcmp(batch, naive, 32), 0, "size %zu: batch != naive", n);
		cr_assert_eq(memcmp(inc, naive, 32), 0, "size %zu: incremental != naive", n);
		cr_assert_eq(f.size, n);
		/* Reload from the stored form (what audit_state keeps). */
		struct audit_frontier g;
		cr_assert_eq(audit_frontier_load(&g, f.size, f.h, f.count * 32), SH_OK);
		cr_assert_eq(audit_frontier_load(&g, f.size, f.h, f.count * 32 + 32), SH_EINVAL);
	}
}

static const struct {
	uint64_t m, n;
	const char *proof[3];
	size_t len;
} ct_proofs[] = {
	{1, 8,
	 {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	  "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"},
	 3},
	{6, 8,
	 {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
	  "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"},
	 3},
	{2, 5,
	 {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	  "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"},
	 2},
};

Test(tree, consistency_proofs_known_answers)
{
	hash_t leaves[8];
	ct_leaves(leaves);
	for (size_t t = 0; t < sizeof ct_proofs / sizeof ct_proofs[0]; t++) {
		unsigned char (*p)[32] = NULL;
		size_t np = 0;
		struct sh_err err;
		cr_assert_eq(audit_tree_consistency((const hash_t *)leaves, ct_proofs[t].m,
						    ct_proofs[t].n, &p, &np, &err),
			     SH_OK);
		cr_assert_eq(np, ct_proofs[t].len, "proof %zu length %zu", t, np);
		for (size_t i = 0; i < np; i++)
			assert_hex(p[i], ct_proofs[t].proof[i], "proof hash");
		free(p);
	}
}

Test(tree, consistency_proofs_verify_and_tampering_fails)
{
	hash_t leaves[17], roots[18];
	for (int i = 0; i < 17; i++) {
		unsigned char d[3] = {'x', (unsigned char)i, 0};
		audit_tree_leaf(d, sizeof d, leaves[i]);
	}
	for (size_t n = 1; n <= 17; n++)
		naive_mth(leaves, n, roots[n]);
	for (uint64_t m = 1; m <= 17; m++) {
		for (uint64_t n = m; n <= 17; n++) {
			unsigned char (*p)[32] = NULL;
			size_t np = 0;
			struct sh_err err;
			cr_assert_eq(audit_tree_consistency((const hash_t *)leaves, m, n, &p, &np,
							    &err),
				     SH_OK);
			cr_assert_eq(audit_consistency_check(m, n, roots[m], roots[n],
							     (const hash_t *)p, np),
				     SH_OK, "proof %llu -> %llu", (unsigned long long)m,
				     (unsigned long long)n);
			if (m < n) {
				/* A wrong old root, a wrong new root, a flipped proof bit. */
				cr_assert_neq(audit_consistency_check(m, n, roots[m == 1 ? 2 : 1],
								      roots[n], (const hash_t *)p,
								      np),
					      SH_OK);
				cr_assert_neq(audit_consistency_check(m, n, roots[m], roots[m],
								      (const hash_t *)p, np),
					      SH_OK);
				for (size_t i = 0; i < np; i++) {
					p[i][5] ^= 0x20;
					cr_assert_neq(audit_consistency_check(m, n, roots[m],
									      roots[n],
									      (const hash_t *)p,
									      np),
						      SH_OK, "tampered %zu of %llu->%llu", i,
						      (unsigned long long)m,
						      (unsigned long long)n);
					p[i][5] ^= 0x20;
				}
				if (np > 0)
					cr_assert_neq(audit_consistency_check(m, n, roots[m],
									      roots[n],
									      (const hash_t *)p,
									      np - 1),
						      SH_OK);
			}
			free(p);
		}
	}
}

Test(tree, head_message_layout)
{
	struct audit_head h = {.size = 0x0102030405060708ull};
	memset(h.root, 0xAB, sizeof h.root);
	unsigned char m[AUDIT_HEAD_MSG_BYTES];
	audit_head_message(&h, m);
	cr_assert_eq(memcmp(m, "shanakht-audit-v1", 17), 0);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(m[17 + i], i + 1);
	cr_assert_eq(m[25], 0xAB);
	cr_assert_eq(m[AUDIT_HEAD_MSG_BYTES - 1], 0xAB);
}
