/* fp_bench_stats.c — error-rate statistics over genuine and impostor score
 * sets: EER, thresholds at a target FMR, FNMR/FMR at a threshold. */
#include "bio/fp_bench.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double fp_bench_rate_at_or_above(const float *scores, size_t n, float thr)
{
	if (n == 0)
		return 0.0;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += scores[i] >= thr;
	return (double)k / (double)n;
}

double fp_bench_rate_below(const float *scores, size_t n, float thr)
{
	if (n == 0)
		return 0.0;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += scores[i] < thr;
	return (double)k / (double)n;
}

static int float_desc(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return x < y ? 1 : x > y ? -1 : 0;
}

float fp_bench_threshold_at_fmr(const float *impostor, size_t n, double fmr,
				int *resolved)
{
	if (resolved)
		*resolved = 0;
	if (n == 0)
		return 0.0f;
	float *s = malloc(n * sizeof *s);
	if (!s)
		return 1.0f;
	memcpy(s, impostor, n * sizeof *s);
	qsort(s, n, sizeof *s, float_desc);
	/* accept at most k impostors: the threshold lies just above the
	 * (k+1)-th highest impostor score */
	size_t k = (size_t)floor(fmr * (double)n + 1e-9);
	if (resolved)
		*resolved = k >= 1;
	if (k >= n)
		k = n - 1;
	float thr = nextafterf(s[k], 2.0f);
	free(s);
	return thr;
}

double fp_bench_eer(const float *genuine, size_t ng, const float *impostor,
		    size_t ni, float *eer_threshold)
{
	if (ng == 0 || ni == 0) {
		if (eer_threshold)
			*eer_threshold = 0.0f;
		return 0.0;
	}
	size_t n = ng + ni;
	float *all = malloc(n * sizeof *all);
	if (!all)
		return 1.0;
	memcpy(all, genuine, ng * sizeof *all);
	memcpy(all + ng, impostor, ni * sizeof *all);
	qsort(all, n, sizeof *all, float_desc);
	/* Sweep thresholds from high to low; FMR rises and FNMR falls. The EER
	 * is taken at the first threshold where FMR >= FNMR, as the mean of
	 * the two rates there and at the previous threshold (FVC practice:
	 * report the interval's middle). */
	double best = 1.0, prev_fmr = 0.0, prev_fnmr = 1.0;
	float best_thr = all[0];
	for (size_t i = 0; i <= n; i++) {
		float thr = i < n ? all[i] : -1.0f;
		if (i > 0 && i < n && all[i] == all[i - 1])
			continue;
		double fmr = fp_bench_rate_at_or_above(impostor, ni, thr);
		double fnmr = fp_bench_rate_below(genuine, ng, thr);
		if (fmr >= fnmr) {
			double e1 = (fmr + fnmr) / 2, e0 = (prev_fmr + prev_fnmr) / 2;
			/* pick the side whose rates are closer together */
			if (fabs(fmr - fnmr) <= fabs(prev_fmr - prev_fnmr)) {
				best = e1;
				best_thr = thr;
			} else {
				best = e0;
				best_thr = i > 0 ? all[i - 1] : thr;
			}
			break;
		}
		prev_fmr = fmr;
		prev_fnmr = fnmr;
	}
	free(all);
	if (eer_threshold)
		*eer_threshold = best_thr;
	return best;
}
