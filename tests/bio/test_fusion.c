/* test_fusion.c — likelihood-ratio fusion on synthetic score distributions
 * whose optimum is known in closed form: two independent modalities with
 * Gaussian genuine N(d, 1) and impostor N(0, 1) scores. The Bayes-optimal
 * statistic is the sum of the LLRs, each d s - d^2 / 2; its separation is
 * d' = sqrt(d1^2 + d2^2) and its EER Phi(-d'/2). The fitted LLR must follow
 * the line, the fused EER must reach the optimum (and beat each modality),
 * thresholds must give the named FMR on fresh impostors for every subset
 * of modalities, and a decision with none present is refused. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "bio/fp_bench.h"
#include "bio/fusion.h"

static uint64_t st;

static double unif(void)
{
	st = st * 6364136223846793005ull + 1442695040888963407ull;
	return ((double)(st >> 11) + 0.5) / 9007199254740992.0;
}

static float gauss(double mu, double sd)
{
	return (float)(mu + sd * sqrt(-2 * log(unif())) * cos(2 * M_PI * unif()));
}

static double phi(double x)
{
	return 0.5 * erfc(-x / sqrt(2));
}

enum { NG = 4000, NI = 40000 };
static const double D1 = 2.0, D2 = 1.5;

static void fit(struct fusion *f)
{
	static float g[NG], im[NI];
	struct sh_err err;
	st = 42;
	for (int k = 0; k < 2; k++) {
		double d = k ? D2 : D1;
		for (int i = 0; i < NG; i++)
			g[i] = gauss(d, 1);
		for (int i = 0; i < NI; i++)
			im[i] = gauss(0, 1);
		cr_assert_eq(fusion_fit(f, k, k ? "b" : "a", g, NG, im, NI, &err), SH_OK, "%s", err.msg);
	}
}

Test(fusion, llr_follows_the_analytic_line)
{
	static struct fusion f;
	fit(&f);
	cr_assert_eq(f.n, 2);
	for (float s = -0.5f; s <= 3.0f; s += 0.25f) { /* where both densities have data */
		float want = (float)(D1 * s - D1 * D1 / 2);
		cr_expect(fabsf(fusion_llr(&f.m[0], s) - want) < 0.3f, "a: llr(%.2f) = %.3f, want %.3f",
			  s, fusion_llr(&f.m[0], s), want);
	}
	cr_expect(fabsf(f.m[0].imp_mean) < 0.05f);
	cr_expect(fabsf(f.m[0].imp_sd - 1) < 0.05f);
}

Test(fusion, fused_eer_reaches_the_optimum_and_thresholds_hold)
{
	static struct fusion f;
	fit(&f);
	/* fresh test scores */
	enum { TG = 20000, TI = 200000, TE = 8000 };
	float *sg[3], *si[3];
	for (int k = 0; k < 3; k++) {
		sg[k] = malloc(TG * sizeof(float));
		si[k] = malloc(TI * sizeof(float));
		cr_assert(sg[k] && si[k]);
	}
	st = 777;
	for (int i = 0; i < TG; i++) {
		float s[2] = {gauss(D1, 1), gauss(D2, 1)};
		sg[0][i] = s[0];
		sg[1][i] = s[1];
		sg[2][i] = fusion_score(&f, s, 3);
	}
	for (int i = 0; i < TI; i++) {
		float s[2] = {gauss(0, 1), gauss(0, 1)};
		si[0][i] = s[0];
		si[1][i] = s[1];
		si[2][i] = fusion_score(&f, s, 3);
	}
	/* (EER on the first TE impostors: fp_bench_eer sweeps in O(n^2)) */
	double e1 = fp_bench_eer(sg[0], TE, si[0], TE, NULL);
	double e2 = fp_bench_eer(sg[1], TE, si[1], TE, NULL);
	double ef = fp_bench_eer(sg[2], TE, si[2], TE, NULL);
	double opt = phi(-sqrt(D1 * D1 + D2 * D2) / 2);
	cr_expect(fabs(e1 - phi(-D1 / 2)) < 0.01, "modality a EER %.4f, theory %.4f", e1, phi(-D1 / 2));
	cr_expect(fabs(ef - opt) < 0.01, "fused EER %.4f, optimum %.4f", ef, opt);
	cr_expect_lt(ef, e1);
	cr_expect_lt(ef, e2);

	/* thresholds at a named FMR, for each subset (exemptions) */
	struct sh_err err;
	static const double fmrs[] = {0.01, 0.001};
	for (unsigned present = 1; present <= 3; present++)
		for (size_t q = 0; q < 2; q++) {
			float thr;
			int resolved;
			cr_assert_eq(fusion_threshold(&f, present, fmrs[q], &thr, &resolved, &err), SH_OK);
			cr_expect(resolved);
			size_t fa = 0, fr = 0;
			for (int i = 0; i < TI; i++) {
				float s[2] = {si[0][i], si[1][i]};
				fa += fusion_score(&f, s, present) >= thr;
			}
			for (int i = 0; i < TG; i++) {
				float s[2] = {sg[0][i], sg[1][i]};
				fr += fusion_score(&f, s, present) < thr;
			}
			double fmr = (double)fa / TI;
			cr_expect(fmr <= fmrs[q] * 1.3 && fmr >= fmrs[q] * 0.6,
				  "subset %u at FMR %.3f: measured %.5f", present, fmrs[q], fmr);
			/* the Neyman-Pearson optimum's FNMR at the measured
			 * FMR: Phi(z_fmr - d') with z_fmr the impostor
			 * threshold, found by bisection on 1 - Phi */
			double d = present == 1 ? D1 : present == 2 ? D2 : sqrt(D1 * D1 + D2 * D2);
			double lo = -10, hi = 10;
			for (int it = 0; it < 100; it++) {
				double mid = (lo + hi) / 2;
				if (1 - phi(mid) > fmr)
					lo = mid;
				else
					hi = mid;
			}
			double want = phi(lo - d), got = (double)fr / TG;
			cr_expect(fabs(got - want) < 0.02 + 0.1 * want,
				  "subset %u at FMR %.3f: FNMR %.4f, optimum %.4f", present, fmrs[q],
				  got, want);
		}
	int match;
	float s[2] = {2.5f, 2.0f};
	cr_expect_eq(fusion_decide(&f, s, 0, 0.001, &match, NULL, &err), SH_ERULE);
	cr_expect_str_eq(err.code, "FUSION_NO_MODALITY");
	cr_expect_eq(fusion_decide(&f, s, 3, 0.001, &match, NULL, &err), SH_OK);
	cr_expect(match);
	float bad[2] = {-1.0f, -1.0f};
	cr_expect_eq(fusion_decide(&f, bad, 3, 0.001, &match, NULL, &err), SH_OK);
	cr_expect(!match);
	for (int k = 0; k < 3; k++) {
		free(sg[k]);
		free(si[k]);
	}
}

Test(fusion, bad_input_refused)
{
	static struct fusion f;
	float few[3] = {1, 2, 3}, many[20] = {0};
	struct sh_err err;
	cr_expect_eq(fusion_fit(&f, 0, "x", few, 3, many, 20, &err), SH_EINVAL);
	cr_expect_str_eq(err.code, "FUSION_BAD_INPUT");
	cr_expect_eq(fusion_fit(&f, 9, "x", many, 20, many, 20, &err), SH_EINVAL);
	many[5] = NAN;
	cr_expect_eq(fusion_fit(&f, 0, "x", many, 20, many, 20, &err), SH_EINVAL);
}
