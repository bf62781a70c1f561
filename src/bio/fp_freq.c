/* fp_freq.c — local ridge period (inverse frequency) and ridge clarity from
 * oriented projections ("x-signatures", Hong, Wan & Jain 1998). */
#include "bio/fp_extract_int.h"
#include "bio/fp_tune.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SIG_LEN 32   /* samples across the ridges: ~3.5 periods of 9 px */
#define SIG_HALF 6   /* +-6 samples along the ridge averaged per sample */

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return (x > y) - (x < y);
}

/* Period and clarity of one block; period 0 when no regular ridges. */
static void block_period(const struct fp_work *wk, int bx, int by,
			 float *period, float *clarity)
{
	float cx = bx * FP_BLOCK + (FP_BLOCK - 1) * 0.5f;
	float cy = by * FP_BLOCK + (FP_BLOCK - 1) * 0.5f;
	float t = wk->orient[by * wk->bw + bx];
	float rx = cosf(t), ry = sinf(t);  /* along the ridge */
	float nx = -ry, ny = rx;           /* across */
	float sig[SIG_LEN], sm[SIG_LEN];
	for (int k = 0; k < SIG_LEN; k++) {
		float u = k - (SIG_LEN - 1) * 0.5f;
		float acc = 0;
		int cnt = 0;
		for (int l = -SIG_HALF; l <= SIG_HALF; l++) {
			int x = (int)lrintf(cx + u * nx + l * rx);
			int y = (int)lrintf(cy + u * ny + l * ry);
			if (x < 0 || y < 0 || x >= wk->w || y >= wk->h)
				continue;
			acc += wk->norm[(size_t)y * wk->w + x];
			cnt++;
		}
		sig[k] = cnt ? acc / cnt : 0;
	}
	float mean = 0;
	for (int k = 0; k < SIG_LEN; k++) {
		float a = sig[k > 0 ? k - 1 : 0], c = sig[k < SIG_LEN - 1 ? k + 1 : k];
		sm[k] = 0.25f * a + 0.5f * sig[k] + 0.25f * c;
		mean += sm[k];
	}
	mean /= SIG_LEN;
	float var = 0;
	for (int k = 0; k < SIG_LEN; k++) {
		sm[k] -= mean;
		var += sm[k] * sm[k];
	}
	float sd = sqrtf(var / SIG_LEN);
	/* Averaging along a wrong orientation or over noise flattens the
	 * signature; a clean sinusoid of unit variance keeps sd ~0.7-1. */
	float cl = sd / 0.8f;
	*clarity = cl > 1 ? 1 : cl;
	*period = 0;
	if (sd < 0.08f)
		return;
	/* Peaks (ridge centres) with sub-sample refinement by a parabola; a
	 * peak must rise above a small hysteresis so ripples don't count. */
	float first = -1, last = -1;
	int peaks = 0;
	float hyst = 0.25f * sd;
	for (int k = 1; k < SIG_LEN - 1; k++) {
		if (!(sm[k] > sm[k - 1] && sm[k] >= sm[k + 1] && sm[k] > hyst))
			continue;
		float d = sm[k - 1] - 2 * sm[k] + sm[k + 1];
		float off = d < 0 ? 0.5f * (sm[k - 1] - sm[k + 1]) / d : 0;
		float pos = k + off;
		if (peaks == 0)
			first = pos;
		last = pos;
		peaks++;
	}
	if (peaks < 2)
		return;
	float p = (last - first) / (peaks - 1);
	if (p >= FP_PERIOD_MIN && p <= FP_PERIOD_MAX)
		*period = p;
}

void fp_freq_estimate(struct fp_work *wk)
{
	int bw = wk->bw, bh = wk->bh, n = bw * bh;
	float *per = wk->period;
	for (int by = 0; by < bh; by++)
		for (int bx = 0; bx < bw; bx++) {
			int b = by * bw + bx;
			per[b] = 0;
			wk->clarity[b] = 0;
			if (wk->mask[b])
				block_period(wk, bx, by, &per[b], &wk->clarity[b]);
		}
	/* Global fallback: the median of the valid estimates (9 px, the
	 * typical adult period at 500 dpi, when there are none). */
	float *sorted = wk->tmpb;
	int nv = 0;
	for (int b = 0; b < n; b++)
		if (per[b] > 0)
			sorted[nv++] = per[b];
	float med = 9.0f;
	if (nv > 0) {
		qsort(sorted, (size_t)nv, sizeof *sorted, cmp_float);
		med = sorted[nv / 2];
	}
	/* Reject outliers far from the median (a missed or doubled peak),
	 * then fill the gaps from valid neighbours, growing inwards. */
	for (int b = 0; b < n; b++)
		if (per[b] > 0 && (per[b] < 0.6f * med || per[b] > 1.6f * med))
			per[b] = 0;
	float *tmp = wk->tmpb;
	for (int iter = 0; iter < 8; iter++) {
		int missing = 0;
		memcpy(tmp, per, sizeof *tmp * (size_t)n);
		for (int by = 0; by < bh; by++)
			for (int bx = 0; bx < bw; bx++) {
				int b = by * bw + bx;
				if (per[b] > 0)
					continue;
				float s = 0;
				int c = 0;
				for (int j = by - 1; j <= by + 1; j++)
					for (int i = bx - 1; i <= bx + 1; i++)
						if (i >= 0 && j >= 0 && i < bw &&
						    j < bh && per[j * bw + i] > 0) {
							s += per[j * bw + i];
							c++;
						}
				if (c)
					tmp[b] = s / c;
				else
					missing++;
			}
		memcpy(per, tmp, sizeof *per * (size_t)n);
		if (!missing)
			break;
	}
	for (int b = 0; b < n; b++)
		if (per[b] <= 0)
			per[b] = med;
	/* Smooth over 5x5 blocks: the period changes slowly across a
	 * finger, single-block estimates are noisy. */
	for (int by = 0; by < bh; by++)
		for (int bx = 0; bx < bw; bx++) {
			float s = 0;
			int c = 0;
			for (int j = by - 2; j <= by + 2; j++)
				for (int i = bx - 2; i <= bx + 2; i++)
					if (i >= 0 && j >= 0 && i < bw && j < bh) {
						s += per[j * bw + i];
						c++;
					}
			tmp[by * bw + bx] = s / c;
		}
	memcpy(per, tmp, sizeof *per * (size_t)n);
}
