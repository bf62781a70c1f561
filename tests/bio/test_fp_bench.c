/* test_fp_bench.c — the benchmark's statistics and protocol: pair counts of
 * the FVC-B all-pairs protocol, thresholds at a target FMR, EER. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "bio/fp_bench.h"

Test(fp_bench, fvc_all_pairs_counts)
{
	/* ../shared/data/README.md: 280 genuine and 2,880 impostor pairs */
	size_t n = fp_bench_fvc_pairs(10, 8, NULL);
	cr_assert_eq(n, 280 + 2880);
	struct fp_bench_pair *p = malloc(n * sizeof *p);
	cr_assert_not_null(p);
	cr_assert_eq(fp_bench_fvc_pairs(10, 8, p), n);
	size_t g = 0;
	for (size_t k = 0; k < n; k++) {
		cr_assert_lt(p[k].a, p[k].b);
		int same = p[k].a / 8 == p[k].b / 8;
		cr_assert_eq(same, p[k].genuine);
		g += p[k].genuine;
	}
	cr_assert_eq(g, 280);
	free(p);
}

Test(fp_bench, threshold_at_fmr)
{
	float imp[1000];
	for (int i = 0; i < 1000; i++)
		imp[i] = (float)i / 1000.0f; /* 0.000 .. 0.999 */
	int ok;
	float t = fp_bench_threshold_at_fmr(imp, 1000, 0.01, &ok);
	cr_assert(ok);
	/* 10 impostors (0.990..0.999) may pass, the 11th (0.989) must not */
	cr_assert_gt(t, 0.989f);
	cr_assert_leq(t, 0.990f);
	cr_assert_float_eq(fp_bench_rate_at_or_above(imp, 1000, t), 0.01, 1e-9);
	t = fp_bench_threshold_at_fmr(imp, 1000, 0.0001, &ok);
	cr_assert_not(ok);
	cr_assert_gt(t, 0.999f);
}

Test(fp_bench, eer_known_answers)
{
	float g[4] = {0.9f, 0.8f, 0.7f, 0.6f}, i[4] = {0.1f, 0.2f, 0.3f, 0.4f};
	cr_assert_float_eq(fp_bench_eer(g, 4, i, 4, NULL), 0.0, 1e-9);
	/* one genuine below one impostor: 25% each side at the crossing */
	float g2[4] = {0.9f, 0.8f, 0.7f, 0.25f}, i2[4] = {0.1f, 0.2f, 0.3f, 0.75f};
	double e = fp_bench_eer(g2, 4, i2, 4, NULL);
	cr_assert_float_eq(e, 0.25, 1e-9);
	float same[2] = {0.5f, 0.5f};
	cr_assert_float_eq(fp_bench_eer(same, 2, same, 2, NULL), 0.5, 1e-9);
}
