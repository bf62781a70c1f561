/* fp_enhance.c — contextual enhancement: a bank of even-symmetric Gabor
 * filters tuned to the local ridge orientation and period (Hong, Wan & Jain
 * 1998), then binarisation by the sign of the response. */
#include "bio/fp_extract_int.h"
#include "bio/fp_tune.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

#define PI_F 3.14159265358979f
#define N_ORIENT 16                      /* 11.25 degree steps */
#define P_STEP 0.5f
#define N_PERIOD 25                      /* 4.0 .. 16.0 px */
#define SIDE (2 * FP_GABOR_R + 1)
#define HALF ((SIDE * SIDE - 1) / 2)     /* taps before the centre */

/* The bank, computed once per process: for each kernel the centre weight
 * and the weights of the HALF taps before the centre in raster order; a
 * Gabor kernel is point-symmetric (g(-x,-y) = g(x,y)), so each of those
 * weights also applies to the mirrored tap. */
static float bank_center[N_ORIENT][N_PERIOD];
static float bank[N_ORIENT][N_PERIOD][HALF];
static pthread_once_t bank_once = PTHREAD_ONCE_INIT;

static void bank_build(void)
{
	for (int o = 0; o < N_ORIENT; o++)
		for (int p = 0; p < N_PERIOD; p++) {
			float t = o * PI_F / N_ORIENT;
			float period = FP_PERIOD_MIN + p * P_STEP;
			/* Envelope: across the ridges about half a period
			 * (one ridge and its valleys), along the ridges a
			 * little longer to bridge small gaps; capped so that
			 * the kernel fits its support. */
			float sa = FPK(gsa, 0.45f) * period, sl = FPK(gsl, 0.55f) * period;
			if (sa > FPK(gsamax, 3.5f))
				sa = FPK(gsamax, 3.5f);
			if (sl > FPK(gslmax, 4.5f))
				sl = FPK(gslmax, 4.5f);
			float k[SIDE * SIDE], sum = 0, norm = 0;
			for (int dy = -FP_GABOR_R; dy <= FP_GABOR_R; dy++)
				for (int dx = -FP_GABOR_R; dx <= FP_GABOR_R; dx++) {
					float along = dx * cosf(t) + dy * sinf(t);
					float across = -dx * sinf(t) + dy * cosf(t);
					float v = expf(-0.5f * (across * across / (sa * sa) +
								along * along / (sl * sl))) *
						  cosf(2 * PI_F * across / period);
					k[(dy + FP_GABOR_R) * SIDE + dx + FP_GABOR_R] = v;
					sum += v;
				}
			/* Zero DC: a flat patch gives 0, so the sign of the
			 * response separates ridges from valleys. */
			float mean = sum / (SIDE * SIDE);
			for (int i = 0; i < SIDE * SIDE; i++) {
				k[i] -= mean;
				norm += fabsf(k[i]);
			}
			for (int i = 0; i < SIDE * SIDE; i++)
				k[i] /= norm;
			bank_center[o][p] = k[HALF];
			memcpy(bank[o][p], k, sizeof bank[o][p]);
		}
}

void fp_enhance_gabor(struct fp_work *wk)
{
	pthread_once(&bank_once, bank_build);
	int w = wk->w, h = wk->h, R = FP_GABOR_R, pw = w + 2 * R;
	memset(wk->pad, 0, sizeof *wk->pad * (size_t)pw * (h + 2 * R));
	for (int y = 0; y < h; y++)
		memcpy(wk->pad + (size_t)(y + R) * pw + R, wk->norm + (size_t)y * w,
		       sizeof *wk->pad * (size_t)w);
	int off[HALF];
	for (int i = 0; i < HALF; i++)
		off[i] = (i / SIDE - R) * pw + (i % SIDE - R);
	memset(wk->enh, 0, sizeof *wk->enh * (size_t)w * h);
	memset(wk->bin, 0, (size_t)w * h);
	/* Filter choice per 4x4 cell, from the interpolated orientation and
	 * period at the cell centre. */
	const int C = 4;
	for (int cy = 0; cy < h; cy += C)
		for (int cx = 0; cx < w; cx += C) {
			float t = fp_orient_at(wk, cx + 1.5f, cy + 1.5f);
			float per = fp_block_sample(wk, wk->period, cx + 1.5f, cy + 1.5f);
			int o = (int)lrintf(t * N_ORIENT / PI_F) % N_ORIENT;
			int p = (int)lrintf((per - FP_PERIOD_MIN) / P_STEP);
			if (p < 0)
				p = 0;
			if (p >= N_PERIOD)
				p = N_PERIOD - 1;
			const float *kw = bank[o][p];
			float kc = bank_center[o][p];
			for (int y = cy; y < cy + C && y < h; y++)
				for (int x = cx; x < cx + C && x < w; x++) {
					if (!fp_in_mask(wk, x, y))
						continue;
					const float *s = wk->pad + (size_t)(y + R) * pw + x + R;
					float acc = kc * s[0];
					for (int i = 0; i < HALF; i++)
						acc += kw[i] * (s[off[i]] + s[-off[i]]);
					wk->enh[(size_t)y * w + x] = acc;
					wk->bin[(size_t)y * w + x] = acc > 0;
				}
		}
}
