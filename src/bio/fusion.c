/* fusion.c — likelihood-ratio score fusion and subset thresholds
 * (fusion.h). */
#include "bio/fusion.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return x < y ? -1 : x > y;
}

/* Silverman's bandwidth from a sorted sample. */
static double bandwidth(const float *s, size_t n)
{
	double mean = 0, var = 0;
	for (size_t i = 0; i < n; i++)
		mean += s[i];
	mean /= (double)n;
	for (size_t i = 0; i < n; i++)
		var += (s[i] - mean) * (s[i] - mean);
	double sd = sqrt(var / (double)(n > 1 ? n - 1 : 1));
	double iqr = (double)(s[(3 * n) / 4] - s[n / 4]) / 1.34;
	double spread = iqr > 0 && iqr < sd ? iqr : sd;
	if (spread <= 0)
		spread = 1e-3;
	return 0.9 * spread * pow((double)n, -0.2);
}

/* Density of sorted sample s on the grid, by binning then Gaussian
 * smoothing (binned KDE: exact enough at FUSION_GRID points, and linear
 * in n), mixed with one uniform pseudo-observation. */
static void density(const float *s, size_t n, float lo, float hi, double *out)
{
	double step = (double)(hi - lo) / (FUSION_GRID - 1);
	double h = bandwidth(s, n);
	static _Thread_local double cnt[FUSION_GRID];
	memset(cnt, 0, sizeof cnt);
	for (size_t i = 0; i < n; i++) {
		double g = ((double)s[i] - lo) / step;
		if (g < 0)
			g = 0;
		if (g > FUSION_GRID - 1)
			g = FUSION_GRID - 1;
		int k = (int)g;
		double fr = g - k;
		cnt[k] += 1 - fr;
		if (k + 1 < FUSION_GRID)
			cnt[k + 1] += fr;
	}
	double hs = h / step; /* bandwidth in grid steps */
	if (hs < 0.5)
		hs = 0.5;
	int reach = (int)ceil(4 * hs);
	double total = 0;
	for (int j = 0; j < FUSION_GRID; j++) {
		double acc = 0;
		int a = j - reach < 0 ? 0 : j - reach, b = j + reach >= FUSION_GRID ? FUSION_GRID - 1 : j + reach;
		for (int k = a; k <= b; k++) {
			double d = (double)(j - k) / hs;
			acc += cnt[k] * exp(-0.5 * d * d);
		}
		out[j] = acc;
		total += acc;
	}
	/* normalize to a density per grid step, add the pseudo-observation */
	for (int j = 0; j < FUSION_GRID; j++)
		out[j] = ((double)n * out[j] / (total > 0 ? total : 1) + 1.0 / FUSION_GRID) /
			 ((double)n + 1);
}

static int llr_bin(float v)
{
	if (v < -FUSION_LLR_MAX)
		v = -FUSION_LLR_MAX;
	if (v > FUSION_LLR_MAX)
		v = FUSION_LLR_MAX;
	return (int)lroundf((v + FUSION_LLR_MAX) / FUSION_LLR_STEP);
}

int fusion_fit(struct fusion *f, int idx, const char *name, const float *gen, size_t ng,
	       const float *imp, size_t ni, struct sh_err *err)
{
	if (idx < 0 || idx >= FUSION_MAX_MODALITIES)
		return sh_err_set(err, SH_EINVAL, "FUSION_BAD_INPUT", "modality %d out of 0..%d", idx,
				  FUSION_MAX_MODALITIES - 1);
	if (ng < FUSION_MIN_SCORES || ni < FUSION_MIN_SCORES)
		return sh_err_set(err, SH_EINVAL, "FUSION_BAD_INPUT",
				  "%s: %zu genuine and %zu impostor scores; need %d of each", name, ng,
				  ni, FUSION_MIN_SCORES);
	int rc = SH_OK;
	float *g = malloc(ng * sizeof *g), *im = malloc(ni * sizeof *im);
	double *dg = malloc(FUSION_GRID * sizeof *dg), *di = malloc(FUSION_GRID * sizeof *di);
	if (!g || !im || !dg || !di) {
		rc = sh_err_set(err, SH_ENOMEM, "FUSION_NOMEM", "no memory to fit %s", name);
		goto out;
	}
	for (size_t i = 0; i < ng; i++)
		if (!isfinite(gen[i])) {
			rc = sh_err_set(err, SH_EINVAL, "FUSION_BAD_INPUT", "%s: a genuine score is not finite", name);
			goto out;
		}
	for (size_t i = 0; i < ni; i++)
		if (!isfinite(imp[i])) {
			rc = sh_err_set(err, SH_EINVAL, "FUSION_BAD_INPUT", "%s: an impostor score is not finite", name);
			goto out;
		}
	memcpy(g, gen, ng * sizeof *g);
	memcpy(im, imp, ni * sizeof *im);
	qsort(g, ng, sizeof *g, cmp_float);
	qsort(im, ni, sizeof *im, cmp_float);
	struct fusion_modality *m = &f->m[idx];
	memset(m, 0, sizeof *m);
	snprintf(m->name, sizeof m->name, "%s", name);
	float lo = fminf(g[0], im[0]), hi = fmaxf(g[ng - 1], im[ni - 1]);
	float pad = 0.05f * (hi - lo > 0 ? hi - lo : 1.0f);
	m->lo = lo - pad;
	m->hi = hi + pad;
	density(g, ng, m->lo, m->hi, dg);
	density(im, ni, m->lo, m->hi, di);
	for (int j = 0; j < FUSION_GRID; j++) {
		double v = log(dg[j] / di[j]);
		m->llr[j] = (float)(v > FUSION_LLR_MAX ? FUSION_LLR_MAX : v < -FUSION_LLR_MAX ? -FUSION_LLR_MAX : v);
	}
	/* the impostor LLR distribution, from the impostor scores themselves */
	double mean = 0, var = 0;
	for (size_t i = 0; i < ni; i++) {
		m->imp_hist[llr_bin(fusion_llr(m, im[i]))] += 1.0 / (double)ni;
		mean += im[i];
	}
	mean /= (double)ni;
	for (size_t i = 0; i < ni; i++)
		var += (im[i] - mean) * (im[i] - mean);
	m->imp_mean = (float)mean;
	m->imp_sd = (float)sqrt(var / (double)(ni > 1 ? ni - 1 : 1));
	m->ngen = ng;
	m->nimp = ni;
	if (f->n < idx + 1)
		f->n = idx + 1;
out:
	free(g);
	free(im);
	free(dg);
	free(di);
	return rc;
}

float fusion_llr(const struct fusion_modality *m, float score)
{
	if (!(m->hi > m->lo))
		return 0;
	float g = (score - m->lo) / (m->hi - m->lo) * (FUSION_GRID - 1);
	if (!(g > 0))
		return m->llr[0];
	if (g >= FUSION_GRID - 1)
		return m->llr[FUSION_GRID - 1];
	int k = (int)g;
	float fr = g - (float)k;
	return (1 - fr) * m->llr[k] + fr * m->llr[k + 1];
}

float fusion_score(const struct fusion *f, const float *scores, unsigned present)
{
	float s = 0;
	for (int k = 0; k < f->n; k++)
		if (present & (1u << k))
			s += fusion_llr(&f->m[k], scores[k]);
	return s;
}

int fusion_threshold(const struct fusion *f, unsigned present, double fmr, float *thr,
		     int *resolved, struct sh_err *err)
{
	int used = 0;
	for (int k = 0; k < f->n; k++)
		used += (present >> k) & 1u;
	if (used == 0)
		return sh_err_set(err, SH_ERULE, "FUSION_NO_MODALITY", "no modality present to decide on");
	/* the summed LLR's impostor distribution: convolve the histograms;
	 * sums span used * [-MAX, MAX] */
	size_t cap = (size_t)used * (FUSION_LLR_BINS - 1) + 1;
	double *acc = calloc(cap, sizeof *acc), *next = calloc(cap, sizeof *next);
	if (!acc || !next) {
		free(acc);
		free(next);
		return sh_err_set(err, SH_ENOMEM, "FUSION_NOMEM", "no memory for the threshold");
	}
	size_t len = 1;
	acc[0] = 1.0; /* offset: bin 0 = sum of -MAX over the modalities seen */
	for (int k = 0; k < f->n; k++) {
		if (!(present & (1u << k)))
			continue;
		const double *h = f->m[k].imp_hist;
		memset(next, 0, cap * sizeof *next);
		for (size_t i = 0; i < len; i++) {
			if (acc[i] == 0)
				continue;
			for (size_t j = 0; j < FUSION_LLR_BINS; j++)
				if (h[j] != 0)
					next[i + j] += acc[i] * h[j];
		}
		len += FUSION_LLR_BINS - 1;
		double *t = acc;
		acc = next;
		next = t;
	}
	/* the smallest bin whose upper tail (that bin and above) is <= fmr */
	double tail = 0;
	size_t at = len; /* above everything */
	for (size_t i = len; i-- > 0;) {
		if (tail + acc[i] > fmr)
			break;
		tail += acc[i];
		at = i;
	}
	if (resolved)
		*resolved = at < len;
	/* accept when fused >= threshold: put it half a bin below bin `at`'s
	 * centre, so LLRs that round to it pass and those rounding below fail */
	float base = -(float)used * FUSION_LLR_MAX;
	*thr = base + ((float)at - 0.5f) * FUSION_LLR_STEP;
	free(acc);
	free(next);
	return SH_OK;
}

int fusion_decide(const struct fusion *f, const float *scores, unsigned present, double fmr,
		  int *match, float *llr, struct sh_err *err)
{
	float thr;
	*match = 0;
	int rc = fusion_threshold(f, present, fmr, &thr, NULL, err);
	if (rc != SH_OK)
		return rc;
	float s = fusion_score(f, scores, present);
	if (llr)
		*llr = s;
	*match = s >= thr;
	return SH_OK;
}
