/* face_nn.c — tensor operations for the face networks (see face_nn.h). */
#include "bio/face_nn.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/err.h"

void face_nn_single_thread(void)
{
	openblas_set_num_threads(1);
}

int face_map_alloc(struct face_map *m, int h, int w, int c)
{
	m->h = h;
	m->w = w;
	m->c = c;
	m->d = calloc((size_t)h * (size_t)w * (size_t)c, sizeof *m->d);
	return m->d ? SH_OK : SH_ENOMEM;
}

void face_map_free(struct face_map *m)
{
	free(m->d);
	memset(m, 0, sizeof *m);
}

static void same_1d(int in, int k, int s, int *before, int *after)
{
	int out = (in + s - 1) / s;
	int total = (out - 1) * s + k - in;
	if (total < 0)
		total = 0;
	*before = total / 2;
	*after = total - *before;
}

struct face_pad face_pad_same(int h, int w, int k, int s)
{
	struct face_pad p;
	same_1d(h, k, s, &p.top, &p.bottom);
	same_1d(w, k, s, &p.left, &p.right);
	return p;
}

struct face_pad face_pad_none(void)
{
	return (struct face_pad){0, 0, 0, 0};
}

static int out_side(int in, int k, int s, int before, int after)
{
	return (in + before + after - k) / s + 1;
}

int face_conv(const struct face_map *in, const float *filt, int k, int cout, int stride,
	      struct face_pad pad, const float *bias, struct face_map *out)
{
	int oh = out_side(in->h, k, stride, pad.top, pad.bottom);
	int ow = out_side(in->w, k, stride, pad.left, pad.right);
	int cin = in->c, kk = k * k * cin;
	if (face_map_alloc(out, oh, ow, cout))
		return SH_ENOMEM;
	const float *a = in->d;
	float *cols = NULL;
	if (!(k == 1 && stride == 1 && pad.top == 0 && pad.left == 0)) {
		/* im2col: row (oy, ox), columns (ky, kx, c) = the HWIO filter's rows */
		cols = calloc((size_t)oh * (size_t)ow * (size_t)kk, sizeof *cols);
		if (!cols) {
			face_map_free(out);
			return SH_ENOMEM;
		}
		for (int oy = 0; oy < oh; oy++)
			for (int ox = 0; ox < ow; ox++) {
				float *row = cols + ((size_t)oy * ow + ox) * kk;
				for (int ky = 0; ky < k; ky++) {
					int iy = oy * stride + ky - pad.top;
					if (iy < 0 || iy >= in->h)
						continue;
					for (int kx = 0; kx < k; kx++) {
						int ix = ox * stride + kx - pad.left;
						if (ix < 0 || ix >= in->w)
							continue;
						memcpy(row + (ky * k + kx) * cin,
						       in->d + ((size_t)iy * in->w + ix) * cin,
						       sizeof(float) * (size_t)cin);
					}
				}
			}
		a = cols;
	}
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, oh * ow, cout, kk, 1.0f, a, kk,
		    filt, cout, 0.0f, out->d, cout);
	free(cols);
	if (bias)
		face_affine(out, NULL, bias);
	return SH_OK;
}

int face_dwconv(const struct face_map *in, const float *filt, int k, int stride,
		struct face_pad pad, struct face_map *out)
{
	int oh = out_side(in->h, k, stride, pad.top, pad.bottom);
	int ow = out_side(in->w, k, stride, pad.left, pad.right);
	int c = in->c;
	if (face_map_alloc(out, oh, ow, c))
		return SH_ENOMEM;
	for (int oy = 0; oy < oh; oy++)
		for (int ox = 0; ox < ow; ox++) {
			float *o = out->d + ((size_t)oy * ow + ox) * c;
			for (int ky = 0; ky < k; ky++) {
				int iy = oy * stride + ky - pad.top;
				if (iy < 0 || iy >= in->h)
					continue;
				for (int kx = 0; kx < k; kx++) {
					int ix = ox * stride + kx - pad.left;
					if (ix < 0 || ix >= in->w)
						continue;
					const float *x = in->d + ((size_t)iy * in->w + ix) * c;
					const float *f = filt + (size_t)(ky * k + kx) * c;
					for (int ch = 0; ch < c; ch++)
						o[ch] += x[ch] * f[ch];
				}
			}
		}
	return SH_OK;
}

static int pool(const struct face_map *in, int k, int stride, struct face_pad pad, int avg,
		struct face_map *out)
{
	int oh = out_side(in->h, k, stride, pad.top, pad.bottom);
	int ow = out_side(in->w, k, stride, pad.left, pad.right);
	int c = in->c;
	if (face_map_alloc(out, oh, ow, c))
		return SH_ENOMEM;
	for (int oy = 0; oy < oh; oy++)
		for (int ox = 0; ox < ow; ox++) {
			float *o = out->d + ((size_t)oy * ow + ox) * c;
			int n = 0;
			for (int ch = 0; ch < c; ch++)
				o[ch] = avg ? 0.0f : -INFINITY;
			for (int ky = 0; ky < k; ky++) {
				int iy = oy * stride + ky - pad.top;
				if (iy < 0 || iy >= in->h)
					continue;
				for (int kx = 0; kx < k; kx++) {
					int ix = ox * stride + kx - pad.left;
					if (ix < 0 || ix >= in->w)
						continue;
					const float *x = in->d + ((size_t)iy * in->w + ix) * c;
					n++;
					for (int ch = 0; ch < c; ch++)
						o[ch] = avg ? o[ch] + x[ch] : fmaxf(o[ch], x[ch]);
				}
			}
			if (avg && n > 0)
				for (int ch = 0; ch < c; ch++)
					o[ch] /= (float)n;
		}
	return SH_OK;
}

int face_maxpool(const struct face_map *in, int k, int stride, struct face_pad pad,
		 struct face_map *out)
{
	return pool(in, k, stride, pad, 0, out);
}

int face_avgpool(const struct face_map *in, int k, int stride, struct face_pad pad,
		 struct face_map *out)
{
	return pool(in, k, stride, pad, 1, out);
}

void face_affine(struct face_map *m, const float *mul, const float *add)
{
	size_t n = (size_t)m->h * (size_t)m->w;
	for (size_t i = 0; i < n; i++) {
		float *x = m->d + i * (size_t)m->c;
		for (int c = 0; c < m->c; c++) {
			if (mul)
				x[c] *= mul[c];
			if (add)
				x[c] += add[c];
		}
	}
}

static size_t map_len(const struct face_map *m)
{
	return (size_t)m->h * (size_t)m->w * (size_t)m->c;
}

void face_relu(struct face_map *m)
{
	for (size_t i = 0, n = map_len(m); i < n; i++)
		m->d[i] = m->d[i] > 0 ? m->d[i] : 0;
}

void face_relu6(struct face_map *m)
{
	for (size_t i = 0, n = map_len(m); i < n; i++)
		m->d[i] = fminf(fmaxf(m->d[i], 0.0f), 6.0f);
}

void face_leaky(struct face_map *m, float slope)
{
	for (size_t i = 0, n = map_len(m); i < n; i++)
		m->d[i] = m->d[i] > 0 ? m->d[i] : m->d[i] * slope;
}

void face_add(struct face_map *a, const struct face_map *b)
{
	for (size_t i = 0, n = map_len(a); i < n; i++)
		a->d[i] += b->d[i];
}

void face_dense(const float *x, int nin, const float *w, int nout, const float *bias, float *y)
{
	for (int j = 0; j < nout; j++)
		y[j] = 0;
	for (int i = 0; i < nin; i++)
		for (int j = 0; j < nout; j++)
			y[j] += x[i] * w[(size_t)i * nout + j];
	if (bias)
		for (int j = 0; j < nout; j++)
			y[j] += bias[j];
}

int face_resize(const struct face_map *in, int oh, int ow, struct face_map *out)
{
	if (face_map_alloc(out, oh, ow, in->c))
		return SH_ENOMEM;
	/* in double, as tfjs-backend-cpu's ResizeBilinear computes in JavaScript */
	double sy = (double)in->h / (double)oh, sx = (double)in->w / (double)ow;
	int c = in->c;
	for (int y = 0; y < oh; y++) {
		double fy = sy * (double)y;
		int y0 = (int)floor(fy), y1 = (int)ceil(fy);
		if (y1 > in->h - 1)
			y1 = in->h - 1;
		double dy = fy - (double)y0;
		for (int x = 0; x < ow; x++) {
			double fx = sx * (double)x;
			int x0 = (int)floor(fx), x1 = (int)ceil(fx);
			if (x1 > in->w - 1)
				x1 = in->w - 1;
			double dx = fx - (double)x0;
			const float *tl = in->d + ((size_t)y0 * in->w + x0) * c;
			const float *tr = in->d + ((size_t)y0 * in->w + x1) * c;
			const float *bl = in->d + ((size_t)y1 * in->w + x0) * c;
			const float *br = in->d + ((size_t)y1 * in->w + x1) * c;
			float *o = out->d + ((size_t)y * ow + x) * c;
			for (int ch = 0; ch < c; ch++) {
				double top = tl[ch] + (tr[ch] - tl[ch]) * dx;
				double bot = bl[ch] + (br[ch] - bl[ch]) * dx;
				o[ch] = (float)(top + (bot - top) * dy);
			}
		}
	}
	return SH_OK;
}

/* One channel value of the virtual padded square: 0 outside the image. */
static inline float padded_px(const uint8_t *rgb, int w, int h, int ox, int oy, int x, int y,
			      int c)
{
	x -= ox;
	y -= oy;
	return x < 0 || y < 0 || x >= w || y >= h ? 0.0f : (float)rgb[((size_t)y * w + x) * 3 + c];
}

int face_input(const uint8_t *rgb, int w, int h, int side, int centre, const float mean[3],
	       float div, struct face_map *out)
{
	int s = w > h ? w : h, diff = s - (w < h ? w : h);
	int after = centre ? (int)lround(diff * 0.5) : diff, before = diff - after;
	int ox = w < h ? before : 0, oy = h < w ? before : 0;
	if (face_map_alloc(out, side, side, 3))
		return SH_ENOMEM;
	/* padToSquare then the legacy bilinear resize (face_resize's
	 * arithmetic), reading the padded square without building it */
	double sc = (double)s / (double)side;
	for (int y = 0; y < side; y++) {
		double fy = s == side ? y : sc * (double)y;
		int y0 = (int)floor(fy), y1 = (int)ceil(fy);
		if (y1 > s - 1)
			y1 = s - 1;
		double dy = fy - (double)y0;
		for (int x = 0; x < side; x++) {
			double fx = s == side ? x : sc * (double)x;
			int x0 = (int)floor(fx), x1 = (int)ceil(fx);
			if (x1 > s - 1)
				x1 = s - 1;
			double dx = fx - (double)x0;
			float *o = out->d + ((size_t)y * side + x) * 3;
			for (int c = 0; c < 3; c++) {
				double tl = padded_px(rgb, w, h, ox, oy, x0, y0, c);
				double tr = padded_px(rgb, w, h, ox, oy, x1, y0, c);
				double bl = padded_px(rgb, w, h, ox, oy, x0, y1, c);
				double br = padded_px(rgb, w, h, ox, oy, x1, y1, c);
				double top = tl + (tr - tl) * dx, bot = bl + (br - bl) * dx;
				float v = (float)(top + (bot - top) * dy);
				o[c] = (v - mean[c]) / div;
			}
		}
	}
	return SH_OK;
}
