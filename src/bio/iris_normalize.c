/* iris_normalize.c — the rubber-sheet unwrapping of the iris and its noise
 * mask (iris_normalize.h). */
#include "bio/iris_normalize.h"

#include "bio/iris_eyelid.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI_F 3.14159265358979f

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return x < y ? -1 : x > y;
}

/* median of v[0..n) (reorders v) */
static float median(float *v, size_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, cmp_float);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void iris_normalize(const struct iris_image *img, const struct iris_seg *seg,
		    const uint8_t *noise, struct iris_norm *out, float *valid_fraction)
{
	int w = img->width, h = img->height;
	const struct iris_circle *pc = &seg->pupil, *lc = &seg->limbus;
	memset(out->valid, 0, sizeof out->valid);
	for (int c = 0; c < IRIS_NORM_W; c++) {
		float t = 2 * PI_F * (float)c / (float)IRIS_NORM_W;
		float ct = cosf(t), st = sinf(t);
		float xp = pc->x + pc->r * ct, yp = pc->y + pc->r * st;
		float xl = lc->x + lc->r * ct, yl = lc->y + lc->r * st;
		for (int k = 0; k < IRIS_NORM_H; k++) {
			float rho = ((float)k + 0.5f) / (float)IRIS_NORM_H;
			float x = (1 - rho) * xp + rho * xl, y = (1 - rho) * yp + rho * yl;
			size_t i = (size_t)k * IRIS_NORM_W + (size_t)c;
			out->pix[i] = 0;
			if (x < 0 || y < 0 || x > (float)(w - 1) || y > (float)(h - 1) ||
			    iris_lid_covers(seg, x, y))
				continue;
			int x0 = (int)x, y0 = (int)y;
			int x1 = x0 + 1 < w ? x0 + 1 : x0, y1 = y0 + 1 < h ? y0 + 1 : y0;
			float fx = x - (float)x0, fy = y - (float)y0;
			size_t a = (size_t)y0 * (size_t)w, b = (size_t)y1 * (size_t)w;
			if (noise && (noise[a + (size_t)x0] || noise[a + (size_t)x1] ||
				      noise[b + (size_t)x0] || noise[b + (size_t)x1]))
				continue;
			const uint8_t *p = img->pixels;
			out->pix[i] = (1 - fy) * ((1 - fx) * p[a + (size_t)x0] + fx * p[a + (size_t)x1]) +
				      fy * ((1 - fx) * p[b + (size_t)x0] + fx * p[b + (size_t)x1]);
			out->valid[i] = 1;
		}
	}
	/* the reference statistics: the whole band (the median is the
	 * iris's as long as most of the band is iris) */
	static const size_t half = (size_t)IRIS_NORM_H * IRIS_NORM_W;
	float *v = malloc(half * sizeof *v);
	float med = 128, sigma = 255;
	if (v) {
		size_t n = 0;
		for (size_t i = 0; i < half; i++)
			if (out->valid[i])
				v[n++] = out->pix[i];
		if (n > 16) {
			med = median(v, n);
			for (size_t i = 0; i < n; i++)
				v[i] = fabsf(v[i] - med);
			sigma = 1.4826f * median(v, n);
			if (sigma < 1.0f)
				sigma = 1.0f; /* quantization: 8-bit levels */
		}
		free(v);
	}
	/* the pupil's level: eyelashes are nearly as dark as the pupil, iris
	 * crypts are not, so the dark cut lies half-way between the pupil
	 * and the iris median (or lower, if the spread says so) */
	float pl = 0;
	int npl = 0;
	for (int k = 0; k < 32; k++) {
		float t = 2 * PI_F * (float)k / 32;
		int x = (int)lroundf(pc->x + 0.5f * pc->r * cosf(t));
		int y = (int)lroundf(pc->y + 0.5f * pc->r * sinf(t));
		if (x >= 0 && y >= 0 && x < w && y < h &&
		    !(noise && noise[(size_t)y * (size_t)w + (size_t)x])) {
			pl += img->pixels[(size_t)y * (size_t)w + (size_t)x];
			npl++;
		}
	}
	pl = npl ? pl / (float)npl : 0;
	float dark = fminf((pl + med) / 2, med - IRIS_NOISE_K * sigma);
	float bright = med + IRIS_NOISE_K * sigma;
	size_t nvalid = 0;
	for (size_t i = 0; i < (size_t)IRIS_NORM_H * IRIS_NORM_W; i++) {
		if (out->valid[i] && (out->pix[i] < dark || out->pix[i] > bright))
			out->valid[i] = 0;
		if (!out->valid[i])
			out->pix[i] = med;
		nvalid += out->valid[i];
	}
	if (valid_fraction)
		*valid_fraction = (float)nvalid / (float)(IRIS_NORM_H * IRIS_NORM_W);
}
