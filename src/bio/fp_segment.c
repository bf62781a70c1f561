/* fp_segment.c — local gray statistics, normalisation and the foreground
 * (fingerprint area) mask. */
#include "bio/fp_extract_int.h"
#include "bio/fp_tune.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void fp_block_locate(const struct fp_work *wk, float x, float y, struct fp_block_pos *p)
{
	/* Block b's value sits at its centre, pixel b*B + (B-1)/2. */
	float fx = (x - (FP_BLOCK - 1) * 0.5f) / FP_BLOCK;
	float fy = (y - (FP_BLOCK - 1) * 0.5f) / FP_BLOCK;
	if (fx < 0)
		fx = 0;
	if (fy < 0)
		fy = 0;
	if (fx > wk->bw - 1)
		fx = (float)(wk->bw - 1);
	if (fy > wk->bh - 1)
		fy = (float)(wk->bh - 1);
	int x0 = (int)fx, y0 = (int)fy;
	int x1 = x0 + 1 < wk->bw ? x0 + 1 : x0;
	int y1 = y0 + 1 < wk->bh ? y0 + 1 : y0;
	p->ax = fx - x0;
	p->ay = fy - y0;
	p->i00 = y0 * wk->bw + x0;
	p->i01 = y0 * wk->bw + x1;
	p->i10 = y1 * wk->bw + x0;
	p->i11 = y1 * wk->bw + x1;
}

float fp_block_sample(const struct fp_work *wk, const float *field, float x,
		      float y)
{
	struct fp_block_pos p;
	fp_block_locate(wk, x, y, &p);
	float ax = p.ax, ay = p.ay;
	return (1 - ay) * ((1 - ax) * field[p.i00] + ax * field[p.i01]) +
	       ay * ((1 - ax) * field[p.i10] + ax * field[p.i11]);
}

void fp_segment_stats(struct fp_work *wk)
{
	int bw = wk->bw, bh = wk->bh, w = wk->w, h = wk->h;
	float *sum = wk->tmpb, *sq = wk->tmpb + bw * bh;
	float *cnt = wk->clarity;  /* scratch until fp_freq_estimate */
	memset(sum, 0, sizeof *sum * (size_t)bw * bh);
	memset(sq, 0, sizeof *sq * (size_t)bw * bh);
	memset(cnt, 0, sizeof *cnt * (size_t)bw * bh);
	for (int y = 0; y < h; y++) {
		const uint8_t *row = wk->gray + (size_t)y * w;
		int by = y / FP_BLOCK;
		for (int x = 0; x < w; x++) {
			int b = by * bw + x / FP_BLOCK;
			float v = row[x];
			sum[b] += v;
			sq[b] += v * v;
			cnt[b] += 1;
		}
	}
	/* Statistics over 3x3 blocks (24x24 px, ~2.5 ridge periods): enough
	 * ridges for a stable variance, small enough to follow pressure
	 * changes across the finger. */
	for (int by = 0; by < bh; by++)
		for (int bx = 0; bx < bw; bx++) {
			double s = 0, q = 0, n = 0;
			for (int j = by - 1; j <= by + 1; j++)
				for (int i = bx - 1; i <= bx + 1; i++) {
					if (i < 0 || j < 0 || i >= bw || j >= bh)
						continue;
					s += sum[j * bw + i];
					q += sq[j * bw + i];
					n += cnt[j * bw + i];
				}
			double m = s / n, var = q / n - m * m;
			wk->bmean[by * bw + bx] = (float)m;
			wk->bstd[by * bw + bx] = (float)sqrt(var > 0 ? var : 0);
		}
	/* Normalise each pixel by the interpolated local mean and deviation
	 * (ridges positive), clipped so that specks do not dominate. */
	for (int y = 0; y < h; y++) {
		const uint8_t *row = wk->gray + (size_t)y * w;
		float *out = wk->norm + (size_t)y * w;
		for (int x = 0; x < w; x++) {
			float m = fp_block_sample(wk, wk->bmean, (float)x, (float)y);
			float s = fp_block_sample(wk, wk->bstd, (float)x, (float)y);
			if (s < 4.0f)
				s = 4.0f;
			float v = (m - row[x]) / s;
			out[x] = v > 2.5f ? 2.5f : v < -2.5f ? -2.5f : v;
		}
	}
}

/* Flood the 8-connected component of `seed` whose blocks hold `from`,
 * setting them to `to`; returns its size. */
static int flood8(uint8_t *m, int bw, int bh, int *stack, int seed,
		  uint8_t from, uint8_t to)
{
	int top = 0, size = 0;
	stack[top++] = seed;
	m[seed] = to;
	while (top) {
		int p = stack[--top];
		size++;
		int px = p % bw, py = p / bw;
		for (int dy = -1; dy <= 1; dy++)
			for (int dx = -1; dx <= 1; dx++) {
				int qx = px + dx, qy = py + dy;
				if (qx < 0 || qy < 0 || qx >= bw || qy >= bh)
					continue;
				int q = qy * bw + qx;
				if (m[q] == from) {
					m[q] = to;
					stack[top++] = q;
				}
			}
	}
	return size;
}

/* Keep the largest 8-connected foreground component and fill its holes
 * (background not connected to the image border), in block units. */
static void mask_clean(uint8_t *m, int bw, int bh, int *stack)
{
	int n = bw * bh;
	/* Visit every component (1 -> 2), remembering the largest's seed,
	 * then mark that one alone (2 -> 3). Each block is pushed at most
	 * once per flood, so the stack needs n entries. */
	int best = -1, bestsize = 0;
	for (int s = 0; s < n; s++) {
		if (m[s] != 1)
			continue;
		int size = flood8(m, bw, bh, stack, s, 1, 2);
		if (size > bestsize) {
			bestsize = size;
			best = s;
		}
	}
	if (best >= 0)
		flood8(m, bw, bh, stack, best, 2, 3);
	for (int p = 0; p < n; p++)
		m[p] = m[p] == 3;
	/* Fill holes: flood the background from the border (4-connected),
	 * then anything background not reached is a hole. */
	int top = 0;
	for (int p = 0; p < n; p++) {
		int px = p % bw, py = p / bw;
		if ((px == 0 || py == 0 || px == bw - 1 || py == bh - 1) &&
		    m[p] == 0) {
			m[p] = 2;
			stack[top++] = p;
		}
	}
	while (top) {
		int p = stack[--top];
		int px = p % bw, py = p / bw;
		static const int d[4][2] = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
		for (int k = 0; k < 4; k++) {
			int qx = px + d[k][0], qy = py + d[k][1];
			if (qx < 0 || qy < 0 || qx >= bw || qy >= bh)
				continue;
			int q = qy * bw + qx;
			if (m[q] == 0) {
				m[q] = 2;
				stack[top++] = q;
			}
		}
	}
	for (int p = 0; p < n; p++)
		m[p] = m[p] != 2;
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return (x > y) - (x < y);
}

void fp_segment_mask(struct fp_work *wk)
{
	int bw = wk->bw, bh = wk->bh, n = bw * bh;
	float *sorted = wk->tmpb;
	memcpy(sorted, wk->bstd, sizeof *sorted * (size_t)n);
	qsort(sorted, (size_t)n, sizeof *sorted, cmp_float);
	/* Contrast threshold relative to the image's own ridge contrast (its
	 * 90th percentile), so dry/light and dark impressions segment alike,
	 * with an absolute floor against sensor noise. */
	float p90 = sorted[(int)(0.9f * (n - 1))];
	float tstd = FPK(segstd, 0.3f) * p90;
	if (tstd < 5.0f)
		tstd = 5.0f;
	uint8_t *m = wk->mask;
	for (int i = 0; i < n; i++)
		m[i] = wk->bstd[i] > tstd && wk->coh[i] > FPK(segcoh, 0.15f);
	/* Majority vote over 3x3 blocks, twice, removes speckle. */
	uint8_t *tmp = (uint8_t *)(wk->tmpb + n);
	for (int pass = 0; pass < 2; pass++) {
		for (int by = 0; by < bh; by++)
			for (int bx = 0; bx < bw; bx++) {
				int c = 0, t = 0;
				for (int j = by - 1; j <= by + 1; j++)
					for (int i = bx - 1; i <= bx + 1; i++) {
						t++;
						if (i >= 0 && j >= 0 && i < bw &&
						    j < bh)
							c += m[j * bw + i];
					}
				tmp[by * bw + bx] = 2 * c > t;
			}
		memcpy(m, tmp, (size_t)n);
	}
	mask_clean(m, bw, bh, (int *)wk->tmpb);
}
