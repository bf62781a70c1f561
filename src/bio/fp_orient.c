/* fp_orient.c — the ridge orientation field: gradient structure tensor per
 * block, doubled-angle smoothing, coherence. */
#include "bio/fp_extract_int.h"
#include "bio/fp_tune.h"

#include <math.h>
#include <string.h>

#define PI_F 3.14159265358979f

float fp_orient_at(const struct fp_work *wk, float x, float y)
{
	/* Interpolate (cos 2t, sin 2t): orientations are defined modulo pi. */
	struct fp_block_pos p;
	fp_block_locate(wk, x, y, &p);
	float ax = p.ax, ay = p.ay;
	float wts[4] = {(1 - ax) * (1 - ay), ax * (1 - ay), (1 - ax) * ay,
			ax * ay};
	int idx[4] = {p.i00, p.i01, p.i10, p.i11};
	float c = 0, s = 0;
	for (int k = 0; k < 4; k++) {
		float t = 2 * wk->orient[idx[k]];
		c += wts[k] * cosf(t);
		s += wts[k] * sinf(t);
	}
	float t = 0.5f * atan2f(s, c);
	return t < 0 ? t + PI_F : t;
}

void fp_orient_estimate(struct fp_work *wk)
{
	int w = wk->w, h = wk->h, bw = wk->bw, bh = wk->bh, n = bw * bh;
	const float *im = wk->norm;
	/* Sobel gradients (border pixels: 0). */
	memset(wk->gx, 0, sizeof *wk->gx * (size_t)w * h);
	memset(wk->gy, 0, sizeof *wk->gy * (size_t)w * h);
	for (int y = 1; y < h - 1; y++) {
		const float *a = im + (size_t)(y - 1) * w, *b = a + w, *c = b + w;
		float *gx = wk->gx + (size_t)y * w, *gy = wk->gy + (size_t)y * w;
		for (int x = 1; x < w - 1; x++) {
			gx[x] = (a[x + 1] + 2 * b[x + 1] + c[x + 1]) -
				(a[x - 1] + 2 * b[x - 1] + c[x - 1]);
			gy[x] = (c[x - 1] + 2 * c[x] + c[x + 1]) -
				(a[x - 1] + 2 * a[x] + a[x + 1]);
		}
	}
	/* Structure tensor sums per block: Gxx, Gyy, Gxy. orient/coh/period
	 * are used as scratch for them here. */
	float *sxx = wk->orient, *syy = wk->coh, *sxy = wk->period;
	memset(sxx, 0, sizeof *sxx * (size_t)n);
	memset(syy, 0, sizeof *syy * (size_t)n);
	memset(sxy, 0, sizeof *sxy * (size_t)n);
	for (int y = 0; y < h; y++) {
		const float *gx = wk->gx + (size_t)y * w, *gy = wk->gy + (size_t)y * w;
		int by = y / FP_BLOCK;
		for (int x = 0; x < w; x++) {
			int b = by * bw + x / FP_BLOCK;
			sxx[b] += gx[x] * gx[x];
			syy[b] += gy[x] * gy[x];
			sxy[b] += gx[x] * gy[x];
		}
	}
	/* Over 3x3 blocks: (Gxx - Gyy, 2 Gxy) / (Gxx + Gyy) is the doubled
	 * gradient angle with magnitude = coherence (Kass & Witkin 1987;
	 * Bazen & Gerez 2002). */
	float *vc = wk->tmpb, *vs = wk->tmpb + n;
	for (int by = 0; by < bh; by++)
		for (int bx = 0; bx < bw; bx++) {
			double xx = 0, yy = 0, xy = 0;
			for (int j = by - 1; j <= by + 1; j++)
				for (int i = bx - 1; i <= bx + 1; i++) {
					if (i < 0 || j < 0 || i >= bw || j >= bh)
						continue;
					xx += sxx[j * bw + i];
					yy += syy[j * bw + i];
					xy += sxy[j * bw + i];
				}
			double e = xx + yy;
			int b = by * bw + bx;
			vc[b] = e > 1e-6 ? (float)((xx - yy) / e) : 0;
			vs[b] = e > 1e-6 ? (float)(2 * xy / e) : 0;
		}
	for (int b = 0; b < n; b++)
		wk->coh[b] = sqrtf(vc[b] * vc[b] + vs[b] * vs[b]);
	/* Gaussian smoothing of the vectors over 5x5 blocks (sigma 1.25
	 * blocks = 10 px): fills in noisy blocks from their neighbours while
	 * keeping curvature near cores. Separable. */
	static const float g[5] = {0.0702f, 0.2408f, 0.3780f, 0.2408f, 0.0702f};
	float *tc = wk->period, *ts = wk->orient;  /* scratch again */
	int npass = 2 * (int)FPK(osmooth, 1.0f);
	for (int pass = 0; pass < npass; pass++) {
		for (int by = 0; by < bh; by++)
			for (int bx = 0; bx < bw; bx++) {
				float c = 0, s = 0, ww = 0;
				for (int k = -2; k <= 2; k++) {
					int i = pass % 2 == 0 ? bx + k : bx;
					int j = pass % 2 == 0 ? by : by + k;
					if (i < 0 || j < 0 || i >= bw || j >= bh)
						continue;
					c += g[k + 2] * vc[j * bw + i];
					s += g[k + 2] * vs[j * bw + i];
					ww += g[k + 2];
				}
				tc[by * bw + bx] = c / ww;
				ts[by * bw + bx] = s / ww;
			}
		memcpy(vc, tc, sizeof *vc * (size_t)n);
		memcpy(vs, ts, sizeof *vs * (size_t)n);
	}
	for (int b = 0; b < n; b++) {
		/* Gradient angle = atan2/2; the ridge runs at right angles. */
		float t = 0.5f * atan2f(vs[b], vc[b]) + 0.5f * PI_F;
		if (t >= PI_F)
			t -= PI_F;
		if (t < 0)
			t += PI_F;
		wk->orient[b] = t;
	}
}
