/* test_lk_model.c — EM recovers known parameters of a synthetic
 * population; the clustering guard refuses chains; the whole pipeline on a
 * small planted file. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "linkage/lk_link.h"

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static int draw(uint64_t *s, const double *p, int n)
{
	double x = (double)(rnd(s) >> 11) / 9007199254740992.0, c = 0;
	for (int l = 0; l < n; l++) {
		c += p[l];
		if (x < c)
			return l;
	}
	return n - 1;
}

Test(lk_model, em_recovers_known_parameters)
{
	/* three fields with 4, 4 and 3 levels; lambda 0.2 */
	static const int fields[3] = {LK_GIVEN, LK_SURNAME, LK_POSTCODE};
	static const double m[3][4] = {{0.05, 0.05, 0.10, 0.80}, {0.03, 0.07, 0.15, 0.75},
				       {0.10, 0.10, 0.80, 0}};
	static const double u[3][4] = {{0.85, 0.10, 0.04, 0.01}, {0.80, 0.12, 0.06, 0.02},
				       {0.97, 0.02, 0.01, 0}};
	const double lambda = 0.2;
	struct lk_patterns p;
	lk_patterns_init(&p);
	uint64_t s = 12345;
	for (int i = 0; i < 200000; i++) {
		uint8_t g[LK_NF];
		memset(g, LK_MISSING, sizeof g);
		int match = (double)(rnd(&s) >> 11) / 9007199254740992.0 < lambda;
		for (int k = 0; k < 3; k++) {
			int nl = lk_field_levels(fields[k]);
			g[fields[k]] = (uint8_t)draw(&s, match ? m[k] : u[k], nl);
		}
		cr_assert_geq(lk_patterns_add(&p, g, 1.0), 0);
	}
	cr_assert_leq(p.n, 4 * 4 * 3);
	struct lk_model md;
	lk_model_start(&md, NULL);
	lk_em_fit(&md, &p, 500, 1e-12);
	cr_assert_float_eq(md.lambda, lambda, 0.01, "lambda %f", md.lambda);
	for (int k = 0; k < 3; k++) {
		int nl = lk_field_levels(fields[k]);
		for (int l = 0; l < nl; l++) {
			cr_assert_float_eq(md.m[fields[k]][l], m[k][l], 0.02, "m[%d][%d] %f", k, l,
					   md.m[fields[k]][l]);
			cr_assert_float_eq(md.u[fields[k]][l], u[k][l], 0.01, "u[%d][%d] %f", k, l,
					   md.u[fields[k]][l]);
		}
	}
	/* a full agreement outweighs a full disagreement */
	uint8_t agree[LK_NF], differ[LK_NF];
	memset(agree, LK_MISSING, sizeof agree);
	memset(differ, LK_MISSING, sizeof differ);
	for (int k = 0; k < 3; k++) {
		agree[fields[k]] = (uint8_t)(lk_field_levels(fields[k]) - 1);
		differ[fields[k]] = 0;
	}
	cr_assert(lk_model_weight(&md, agree) > 10.0);
	cr_assert(lk_model_weight(&md, differ) < -5.0);
	cr_assert(lk_model_posterior(&md, agree) > 0.99);
	lk_patterns_free(&p);
}

static void add3(struct lk_table *t, const char *given, const char *sur, const char *dob,
		 uint32_t src, int64_t ent)
{
	const char *raw[LK_NF] = {0};
	raw[LK_GIVEN] = given;
	raw[LK_SURNAME] = sur;
	raw[LK_DOB] = dob;
	cr_assert_eq(lk_table_add(t, raw, src, ent, NULL), SH_OK);
}

Test(lk_model, cluster_guard_refuses_a_chain)
{
	struct lk_table t;
	lk_table_init(&t);
	add3(&t, "a", "x", "", 0, 1);
	add3(&t, "b", "x", "", 0, 1);
	add3(&t, "c", "x", "", 0, 2);
	uint32_t cl[3];
	/* A~B strong, B~C link, A vs C compared and clearly different */
	struct lk_pair pr[3] = {{0, 1, 20.0f, 0.99f}, {1, 2, 10.0f, 0.9f}, {0, 2, -20.0f, 0.001f}};
	cr_assert_eq(lk_cluster(&t, pr, 3, 0.5, 0.05, 0, 64, cl, NULL), SH_OK);
	cr_assert_eq(cl[0], cl[1]);
	cr_assert_neq(cl[1], cl[2]);
	/* without the A-C comparison the closure joins all three */
	cr_assert_eq(lk_cluster(&t, pr, 2, 0.5, 0.05, 0, 64, cl, NULL), SH_OK);
	cr_assert(cl[0] == cl[1] && cl[1] == cl[2]);
	/* a size cap of 2 stops it too */
	cr_assert_eq(lk_cluster(&t, pr, 2, 0.5, 0.05, 0, 2, cl, NULL), SH_OK);
	cr_assert(cl[0] == cl[1] && cl[1] != cl[2]);
	struct lk_quality q;
	cr_assert_eq(lk_evaluate(&t, cl, 0, &q, NULL), SH_OK);
	cr_assert_float_eq(q.tp, 1.0, 1e-9);
	cr_assert_float_eq(q.truth, 1.0, 1e-9);
	cr_assert_float_eq(q.f1, 1.0, 1e-9);
	lk_table_free(&t);
}

Test(lk_model, link_mode_keeps_one_record_per_source)
{
	struct lk_table t;
	lk_table_init(&t);
	add3(&t, "a", "x", "", 0, 1);
	add3(&t, "a", "x", "", 1, 1);
	add3(&t, "a", "x", "", 1, 2);
	uint32_t cl[3];
	struct lk_pair pr[2] = {{0, 1, 20.0f, 0.99f}, {0, 2, 19.0f, 0.98f}};
	cr_assert_eq(lk_cluster(&t, pr, 2, 0.5, 0.05, 0x3, 64, cl, NULL), SH_OK);
	cr_assert_eq(cl[0], cl[1]);
	cr_assert_neq(cl[0], cl[2]);
	/* a source that may hold duplicates (a council register) keeps both */
	cr_assert_eq(lk_cluster(&t, pr, 2, 0.5, 0.05, 0x1, 64, cl, NULL), SH_OK);
	cr_assert(cl[0] == cl[1] && cl[0] == cl[2]);
	lk_table_free(&t);
}

/* A planted population: 300 people, each twice, the copy with one typo in
 * one field, plus birth-year-only dates; the pipeline must find them. */
Test(lk_model, pipeline_on_a_planted_population)
{
	static const char *given[] = {"muhammad", "ali", "fatima", "ayesha", "usman", "zainab",
				      "bilal", "hina", "imran", "sana", "kamran", "nadia"};
	static const char *sur[] = {"khan", "qureshi", "malik", "butt", "chaudhry", "sheikh",
				    "awan", "raja", "mirza", "siddiqui", "abbasi", "javed",
				    "hashmi", "baig", "gill", "bhatti", "rana", "shah"};
	struct lk_table t;
	lk_table_init(&t);
	uint64_t s = 99;
	for (int i = 0; i < 300; i++) {
		char dob[16], dob2[16], pc[8], g2[32], id[16];
		const char *g = given[rnd(&s) % 12], *su = sur[rnd(&s) % 18];
		snprintf(dob, sizeof dob, "19%02d%02d%02d", (int)(rnd(&s) % 90 + 10),
			 (int)(rnd(&s) % 12 + 1), (int)(rnd(&s) % 28 + 1));
		snprintf(pc, sizeof pc, "%d", (int)(44000 + rnd(&s) % 900));
		snprintf(id, sizeof id, "%07d", (int)(rnd(&s) % 9000000 + 1000000));
		const char *raw[LK_NF] = {0};
		raw[LK_GIVEN] = g;
		raw[LK_SURNAME] = su;
		raw[LK_DOB] = dob;
		raw[LK_POSTCODE] = pc;
		raw[LK_IDNO] = id;
		cr_assert_eq(lk_table_add(&t, raw, 0, i, NULL), SH_OK);
		/* the copy: a vowel changed in the given name, or the year only */
		snprintf(g2, sizeof g2, "%s", g);
		if (i % 2)
			g2[1] = g2[1] == 'a' ? 'e' : 'a';
		snprintf(dob2, sizeof dob2, "%.4s", dob);
		raw[LK_GIVEN] = g2;
		raw[LK_DOB] = i % 3 ? dob : dob2;
		cr_assert_eq(lk_table_add(&t, raw, 0, i, NULL), SH_OK);
	}
	struct lk_params p;
	struct lk_result r;
	struct lk_quality q;
	lk_params_default(&p);
	cr_assert_eq(lk_run(&t, 0, &p, &r, NULL), SH_OK);
	cr_assert_eq(lk_evaluate(&t, r.cluster, 0, &q, NULL), SH_OK);
	cr_assert_float_eq(q.truth, 300.0, 1e-9);
	cr_assert(q.f1 > 0.97, "f1 %f p %f r %f", q.f1, q.precision, q.recall);
	lk_result_free(&r);
	lk_table_free(&t);
}
