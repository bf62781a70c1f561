/* test_lk_scale.c — the parts that make linkage scale keep their answers:
 * the thread count changes nothing, a big block gives a bounded number of
 * pairs per record but still its neighbours, the guard's binary search
 * and its hash map agree, the one-pass OSA agrees with the full table. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "linkage/lk_link.h"
#include "linkage/lk_text.h"

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static const char *given[] = {"muhammad", "ali", "fatima", "ayesha", "usman", "zainab",
			      "bilal", "hina", "imran", "sana", "kamran", "nadia", "tariq",
			      "saima", "asad", "rabia"};
static const char *sur[] = {"khan", "qureshi", "malik", "butt", "chaudhry", "sheikh"};

/* n people in the registry (source 0), a council copy of most of them
 * (source 1) with a vowel changed or the year of birth only */
static void population(struct lk_table *t, int n, uint64_t s)
{
	for (int i = 0; i < n; i++) {
		char dob[16], g2[32], pc[8];
		const char *g = given[rnd(&s) % 16], *su = sur[rnd(&s) % 6];
		const char *fa = given[rnd(&s) % 16];
		snprintf(dob, sizeof dob, "19%02d%02d%02d", (int)(rnd(&s) % 20 + 60),
			 (int)(rnd(&s) % 12 + 1), (int)(rnd(&s) % 28 + 1));
		snprintf(pc, sizeof pc, "%d", (int)(44000 + rnd(&s) % 20));
		const char *raw[LK_NF] = {0};
		raw[LK_GIVEN] = g;
		raw[LK_SURNAME] = su;
		raw[LK_FATHER] = fa;
		raw[LK_DOB] = dob;
		raw[LK_POSTCODE] = pc;
		raw[LK_SEX] = i % 2 ? "m" : "f";
		cr_assert_eq(lk_table_add(t, raw, 0, i, NULL), SH_OK);
		if (i % 5 == 4)
			continue; /* not in the council register */
		snprintf(g2, sizeof g2, "%s", g);
		if (i % 2)
			g2[1] = g2[1] == 'a' ? 'e' : 'a';
		raw[LK_GIVEN] = g2;
		if (i % 3 == 0)
			dob[4] = '\0';
		cr_assert_eq(lk_table_add(t, raw, 1, i, NULL), SH_OK);
	}
}

Test(lk_scale, thread_count_does_not_change_the_result)
{
	struct lk_table t;
	lk_table_init(&t);
	population(&t, 3000, 7);
	struct lk_params p;
	struct lk_result r[3];
	lk_params_default(&p);
	p.unique_sources = 0x1;
	static const int threads[3] = {1, 2, 5};
	for (int k = 0; k < 3; k++) {
		p.threads = threads[k];
		cr_assert_eq(lk_run(&t, 1, &p, &r[k], NULL), SH_OK);
	}
	for (int k = 1; k < 3; k++) {
		cr_assert_eq(r[k].npairs, r[0].npairs);
		cr_assert_eq(r[k].npatterns, r[0].npatterns);
		cr_assert_eq(r[k].nlinks, r[0].nlinks);
		for (size_t i = 0; i < r[0].npairs; i++) {
			cr_assert_eq(r[k].pairs[i].a, r[0].pairs[i].a);
			cr_assert_eq(r[k].pairs[i].b, r[0].pairs[i].b);
			cr_assert_eq(r[k].pairs[i].p, r[0].pairs[i].p);
		}
		cr_assert_eq(memcmp(r[k].cluster, r[0].cluster, t.n * sizeof *r[0].cluster), 0);
	}
	struct lk_quality q;
	cr_assert_eq(lk_evaluate(&t, r[0].cluster, 1, &q, NULL), SH_OK);
	cr_assert(q.recall > 0.9, "recall %f", q.recall);
	for (int k = 0; k < 3; k++)
		lk_result_free(&r[k]);
	lk_table_free(&t);
}

/* 400 records in one block of every name key (one surname, one given
 * name, one year): all pairs would be 80,000; the window keeps each
 * record to a few neighbours, and the copies (same father's name, next
 * in the order inside the block) are still among them. */
Test(lk_scale, a_big_block_gives_neighbours_not_a_square)
{
	struct lk_table t;
	lk_table_init(&t);
	for (int i = 0; i < 200; i++) {
		char fa[32], dob[16];
		snprintf(fa, sizeof fa, "f%03dx%c", i, 'a' + i % 26);
		snprintf(dob, sizeof dob, "1970%02d%02d", 1 + i % 12, 1 + i % 28);
		const char *raw[LK_NF] = {0};
		raw[LK_GIVEN] = "bilal";
		raw[LK_SURNAME] = "khan";
		raw[LK_FATHER] = fa;
		raw[LK_DOB] = dob;
		cr_assert_eq(lk_table_add(&t, raw, 0, i, NULL), SH_OK);
		raw[LK_DOB] = "1970";
		cr_assert_eq(lk_table_add(&t, raw, 1, i, NULL), SH_OK);
	}
	uint64_t *pairs;
	size_t n;
	cr_assert_eq(lk_block(&t, 1, 1000, &pairs, &n, NULL), SH_OK);
	cr_assert(n < 400 * 40, "%zu pairs", n);
	size_t found = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t a = (uint32_t)(pairs[i] >> 32), b = (uint32_t)pairs[i];
		cr_assert(a < b);
		cr_assert(i == 0 || pairs[i - 1] < pairs[i]); /* sorted, unique */
		found += t.r[a].entity == t.r[b].entity;
	}
	cr_assert_eq(found, 200);
	free(pairs);
	lk_table_free(&t);
}

Test(lk_scale, guard_search_and_map_agree)
{
	struct lk_table t;
	lk_table_init(&t);
	population(&t, 1500, 11);
	struct lk_params p;
	struct lk_result r;
	lk_params_default(&p);
	cr_assert_eq(lk_run(&t, 0, &p, &r, NULL), SH_OK);
	/* the same pairs in reverse order take the hash-map path */
	struct lk_pair *rev = malloc(r.npairs * sizeof *rev);
	uint32_t *cl = malloc(t.n * sizeof *cl);
	cr_assert(rev && cl);
	for (size_t i = 0; i < r.npairs; i++)
		rev[i] = r.pairs[r.npairs - 1 - i];
	cr_assert_eq(lk_cluster(&t, rev, r.npairs, p.link_p, p.review_p, 0, p.max_cluster, cl, NULL),
		     SH_OK);
	cr_assert_eq(memcmp(cl, r.cluster, t.n * sizeof *cl), 0);
	free(rev);
	free(cl);
	lk_result_free(&r);
	lk_table_free(&t);
}

Test(lk_scale, one_pass_osa_agrees_with_the_table)
{
	uint64_t s = 5;
	for (int k = 0; k < 20000; k++) {
		char a[8], b[8];
		size_t na = rnd(&s) % 6, nb = na + rnd(&s) % 3 - (na > 0 ? 1 : 0);
		if (nb > 7)
			nb = 7;
		for (size_t i = 0; i < na; i++)
			a[i] = (char)('a' + rnd(&s) % 3);
		a[na] = '\0';
		/* b: a copy with up to two random edits, or random */
		memcpy(b, a, na + 1);
		if (rnd(&s) % 4 == 0) {
			for (size_t i = 0; i < nb; i++)
				b[i] = (char)('a' + rnd(&s) % 3);
			b[nb] = '\0';
		} else if (na > 1) {
			size_t i = rnd(&s) % (na - 1);
			switch (rnd(&s) % 3) {
			case 0: b[i] = (char)('a' + rnd(&s) % 3); break;
			case 1: b[i] = a[i + 1], b[i + 1] = a[i]; break;
			default: memmove(b + i, b + i + 1, na - i); break;
			}
		}
		int full = lk_osa_distance(a, b, 3);
		int one = lk_osa_distance(a, b, 1);
		cr_assert_eq(one, full <= 1 ? full : 2, "%s %s: %d vs %d", a, b, one, full);
	}
}

/* The bit-parallel Jaro (letters of Latin-1 and the Arabic block) against
 * the scan it replaces: the same strings moved to a plane it does not
 * index take the scan, and the two must agree exactly. */
Test(lk_scale, bit_parallel_jaro_agrees_with_the_scan)
{
	static const uint32_t alpha[6] = {'a', 'b', 'c', 0x0645, 0x062D, 0x06CC};
	uint64_t s = 17;
	for (int k = 0; k < 20000; k++) {
		uint32_t a[70], b[70], a2[70], b2[70];
		size_t na = rnd(&s) % (k % 10 == 0 ? 66 : 12), nb = rnd(&s) % (k % 10 == 0 ? 66 : 12);
		for (size_t i = 0; i < na; i++)
			a[i] = alpha[rnd(&s) % (k % 2 ? 6 : 3)], a2[i] = a[i] + 0x10000;
		for (size_t i = 0; i < nb; i++)
			b[i] = alpha[rnd(&s) % (k % 2 ? 6 : 3)], b2[i] = b[i] + 0x10000;
		double fast = lk_jaro(a, na, b, nb), scan = lk_jaro(a2, na, b2, nb);
		cr_assert_eq(fast, scan, "k %d na %zu nb %zu: %f vs %f", k, na, nb, fast, scan);
	}
	/* and known answers (Winkler's examples) */
	cr_assert_float_eq(lk_jw_str("martha", "marhta"), 0.9611, 1e-4);
	cr_assert_float_eq(lk_jw_str("dwayne", "duane"), 0.84, 1e-4);
	cr_assert_float_eq(lk_jw_str("dixon", "dicksonx"), 0.8133, 1e-4);
}
