/* iris_encode.c — 2-D Gabor phase quantization into an IrisCode
 * (iris_encode.h). */
#include "bio/iris_encode.h"

#include <math.h>
#include <string.h>

#define PI_F 3.14159265358979f
#define HALF_T 27 /* 3 envelope sigmas of the angular filter, in columns */
#define HALF_R 8  /* 2 sigmas across the radius, in rows */
#define COL_STEP (IRIS_NORM_W / IRIS_COLS)
#define RING_ROWS (IRIS_NORM_H / IRIS_RINGS)

int iris_encode(const struct iris_norm *norm, struct iris_code *code)
{
	float kr[2 * HALF_T + 1], ki[2 * HALF_T + 1], env[2 * HALF_T + 1];
	float sig = 0.56f * IRIS_GABOR_WAVELENGTH, sum_env = 0, sum_re = 0;
	for (int j = -HALF_T; j <= HALF_T; j++) {
		float e = expf(-(float)(j * j) / (2 * sig * sig));
		float ph = 2 * PI_F * (float)j / IRIS_GABOR_WAVELENGTH;
		env[j + HALF_T] = e;
		kr[j + HALF_T] = e * cosf(ph);
		ki[j + HALF_T] = e * sinf(ph);
		sum_env += e;
		sum_re += e * cosf(ph);
	}
	/* zero DC: remove the envelope-weighted mean from the real part */
	for (int j = 0; j <= 2 * HALF_T; j++)
		kr[j] -= env[j] * sum_re / sum_env;
	float wr[2 * HALF_R + 1];
	for (int j = -HALF_R; j <= HALF_R; j++)
		wr[j + HALF_R] = expf(-(float)(j * j) / (2 * IRIS_GABOR_SIGMA_R * IRIS_GABOR_SIGMA_R));

	/* per row and code column: the angular responses and valid weight */
	static _Thread_local float re[IRIS_NORM_H][IRIS_COLS], im[IRIS_NORM_H][IRIS_COLS],
		va[IRIS_NORM_H][IRIS_COLS];
	/* Masked samples (off the image, lid, glint: stored as 0) are filled
	 * with the mean of the valid samples of their own row (the iris's
	 * level at that radius) before filtering: left at 0 they are a black
	 * patch whose edge the filter reads as strong texture, flipping the
	 * bits of every location that still counts as usable beside it. */
	float grand = 0;
	int grand_n = 0;
	for (size_t i = 0; i < (size_t)IRIS_NORM_H * IRIS_NORM_W; i++)
		if (norm->valid[i]) {
			grand += norm->pix[i];
			grand_n++;
		}
	grand = grand_n ? grand / (float)grand_n : 0;
	for (int r = 0; r < IRIS_NORM_H; r++) {
		const float *src = norm->pix + (size_t)r * IRIS_NORM_W;
		const uint8_t *vrow = norm->valid + (size_t)r * IRIS_NORM_W;
		float row[IRIS_NORM_W], mean = 0;
		int nv = 0;
		for (int c = 0; c < IRIS_NORM_W; c++)
			if (vrow[c]) {
				mean += src[c];
				nv++;
			}
		mean = nv ? mean / (float)nv : grand;
		for (int c = 0; c < IRIS_NORM_W; c++)
			row[c] = vrow[c] ? src[c] : mean;
		for (int a = 0; a < IRIS_COLS; a++) {
			int c0 = a * COL_STEP;
			float sr = 0, si = 0, sv = 0;
			for (int j = -HALF_T; j <= HALF_T; j++) {
				int c = (c0 + j + IRIS_NORM_W) % IRIS_NORM_W;
				sr += kr[j + HALF_T] * row[c];
				si += ki[j + HALF_T] * row[c];
				sv += env[j + HALF_T] * (float)vrow[c];
			}
			re[r][a] = sr;
			im[r][a] = si;
			va[r][a] = sv / sum_env;
		}
	}
	memset(code, 0, sizeof *code);
	int usable = 0;
	for (int k = 0; k < IRIS_RINGS; k++) {
		float centre = (float)(k * RING_ROWS) + (float)(RING_ROWS - 1) / 2;
		int rc = (int)lroundf(centre - 0.5f);
		for (int a = 0; a < IRIS_COLS; a++) {
			float sr = 0, si = 0, sv = 0, sw = 0;
			for (int j = -HALF_R; j <= HALF_R; j++) {
				int r = rc + j;
				if (r < 0 || r >= IRIS_NORM_H)
					continue;
				float wgt = wr[j + HALF_R];
				sr += wgt * re[r][a];
				si += wgt * im[r][a];
				sv += wgt * va[r][a];
				sw += wgt;
			}
			int i = k * IRIS_COLS + a, b = 2 * i;
			if (sr > 0)
				code->code[b / 64] |= 1ull << (b % 64);
			if (si > 0)
				code->code[(b + 1) / 64] |= 1ull << ((b + 1) % 64);
			if (sv >= IRIS_MIN_SUPPORT * sw) {
				code->mask[b / 64] |= 3ull << (b % 64);
				usable++;
			}
		}
	}
	return usable;
}
