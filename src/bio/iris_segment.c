/* iris_segment.c — pupil and limbus by Daugman's integro-differential
 * operator, with specular reflections masked and filled (iris_segment.h). */
#include "bio/iris_segment.h"

#include "bio/iris_eyelid.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PI_F 3.14159265358979f
#define MAX_SAMPLES 256
#define MAX_RADII 1024
#define IRIS_GLINT_LEVEL 230
/* the limbus's inner side lies within this fraction of the way from the
 * iris level to its outer side (the iris brightens towards its rim in NIR,
 * so not the half-way point) */
#define IRIS_LIMBUS_INNER 0.67f

struct plane {
	int w, h;
	float *v;
};

/* Bilinear sample; returns 0 when (x, y) is off the image. */
static int sample(const struct plane *p, float x, float y, float *out)
{
	if (x < 0 || y < 0 || x > (float)(p->w - 1) || y > (float)(p->h - 1))
		return 0;
	int x0 = (int)x, y0 = (int)y;
	int x1 = x0 + 1 < p->w ? x0 + 1 : x0, y1 = y0 + 1 < p->h ? y0 + 1 : y0;
	float fx = x - (float)x0, fy = y - (float)y0;
	const float *r0 = p->v + (size_t)y0 * (size_t)p->w, *r1 = p->v + (size_t)y1 * (size_t)p->w;
	*out = (1 - fy) * ((1 - fx) * r0[x0] + fx * r0[x1]) + fy * ((1 - fx) * r1[x0] + fx * r1[x1]);
	return 1;
}

/* The sampling directions of a circle: n angles, optionally only those in
 * the two lateral cones [lo, hi] and [pi - hi, pi - lo] (radians, theta
 * from +x towards +y, i.e. positive = below the centre on screen). */
struct dirs {
	int n;
	float c[MAX_SAMPLES], s[MAX_SAMPLES];
};

static void dirs_full(struct dirs *d, int n)
{
	d->n = n;
	for (int k = 0; k < n; k++) {
		float t = 2 * PI_F * (float)k / (float)n;
		d->c[k] = cosf(t);
		d->s[k] = sinf(t);
	}
}

static void dirs_lateral(struct dirs *d, int n, float lo, float hi)
{
	int half = n / 2;
	d->n = 2 * half;
	for (int k = 0; k < half; k++) {
		float t = lo + (hi - lo) * ((float)k + 0.5f) / (float)half;
		d->c[2 * k] = cosf(t);
		d->s[2 * k] = sinf(t);
		d->c[2 * k + 1] = -cosf(t); /* mirrored: pi - t */
		d->s[2 * k + 1] = sinf(t);
	}
}

/* Mean intensity on the circle (cx, cy, r), skipping samples off the
 * image and, when `avoid` is given, inside that circle (the pupil when
 * looking for the limbus). Returns the number of samples used. */
static int circle_mean(const struct plane *p, const struct dirs *d, float cx, float cy, float r,
		       const struct iris_circle *avoid, float *mean)
{
	float sum = 0;
	int n = 0;
	for (int k = 0; k < d->n; k++) {
		float x = cx + r * d->c[k], y = cy + r * d->s[k], v;
		if (avoid) {
			float dx = x - avoid->x, dy = y - avoid->y;
			if (dx * dx + dy * dy < avoid->r * avoid->r)
				continue;
		}
		if (sample(p, x, y, &v)) {
			sum += v;
			n++;
		}
	}
	*mean = n ? sum / (float)n : 0;
	return n;
}

/* Means at radii r_in and r_out on one side of a lateral dirs set, over
 * only the directions where both points are on the image and outside
 * `avoid`: an iris cut by the image border is compared like with like
 * (the same angles inside and outside the edge), so the border and the
 * change of which angles are left are never read as an edge. Returns the
 * number of directions used. */
static int paired_side(const struct plane *p, const struct dirs *d, int side, float cx, float cy,
		       float r_in, float r_out, const struct iris_circle *avoid, float *in,
		       float *out)
{
	float si = 0, so = 0;
	int n = 0;
	for (int k = side; k < d->n; k += 2) {
		float xi = cx + r_in * d->c[k], yi = cy + r_in * d->s[k];
		float xo = cx + r_out * d->c[k], yo = cy + r_out * d->s[k], vi, vo;
		if (avoid) {
			float dx = xi - avoid->x, dy = yi - avoid->y;
			if (dx * dx + dy * dy < avoid->r * avoid->r)
				continue;
		}
		if (sample(p, xi, yi, &vi) && sample(p, xo, yo, &vo)) {
			si += vi;
			so += vo;
			n++;
		}
	}
	*in = n ? si / (float)n : 0;
	*out = n ? so / (float)n : 0;
	return n;
}

/* Is the limbus candidate (cx, cy, r) a step and not a ridge? The limbus
 * is the end of the iris: well inside it, at IRIS_LIMBUS_DEEP r, each side
 * still sees iris, nearer the iris level than the outside is (the same test
 * as at the edge, IRIS_LIMBUS_INNER). The rim of a soft contact lens is a
 * thin line on the sclera at ~1.2 x the limbus radius (lens diameters
 * 13.8-14.5 mm over visible iris diameters of 11-12.5 mm): inside it, at
 * 0.88 r ~ 1.06 limbus radii, lies bright sclera, so the rim fails. */
#define IRIS_LIMBUS_DEEP 0.88f
static int limbus_step(const struct plane *p, const struct dirs *d, float cx, float cy, float r,
		       const struct iris_circle *avoid, float level)
{
	for (int sd = 0; sd < 2; sd++) {
		float in, out;
		if (paired_side(p, d, sd, cx, cy, IRIS_LIMBUS_DEEP * r, 1.06f * r, avoid, &in,
				&out) < d->n / 4)
			continue; /* this side off the image: the edge test stands alone */
		if (!(in - level <= IRIS_LIMBUS_INNER * (out - level)))
			return 0;
	}
	return 1;
}

/* The integro-differential operator at one centre: the radius in
 * [r0, r1] (step dr) where the blurred radial derivative of the circle
 * mean is largest, and that derivative (grey levels per edge, positive =
 * brighter outside). `half` is the half-width, in steps, of the derivative
 * (a wider one for the softer limbus).
 *
 * With a `level` (the limbus search on lateral arcs) each side is measured
 * on its own, and both must show an edge: the limbus shows on
 * both sides of the eye, while the edges of the eye opening (sclera to
 * skin, lid corners) are one-sided; and each side's inner level must be
 * nearer the iris's grey level than its outer level is, since iris lies
 * inside the limbus. The edge is the mean of the two sides, provided the
 * weaker is at least a quarter of the stronger. Returns 0 when no radius qualifies. */
static int ido_at(const struct plane *p, const struct dirs *d, float cx, float cy, float r0,
		  float r1, float dr, int half, const struct iris_circle *avoid, float level,
		  int inside, float *best_r, float *best_d, float *best_sig)
{
	float m[2][MAX_RADII];
	int split = !isnan(level), sides = split ? 2 : 1;
	int nr = (int)((r1 - r0) / dr) + 1 + 2 * half;
	if (nr > MAX_RADII)
		nr = MAX_RADII;
	if (nr < 2 * half + 3)
		return 0;
	for (int i = 0; i < nr; i++) {
		float r = r0 + (float)(i - half) * dr;
		r = r > 1 ? r : 1;
		if (!split) {
			int used = circle_mean(p, d, cx, cy, r, avoid, &m[0][i]);
			if (used < (inside ? d->n : d->n / 2))
				m[0][i] = NAN;
			continue;
		}
		m[0][i] = m[1][i] = 0; /* split: paired per derivative, below */
	}
	float bd = -1e9f, bs = -1e9f, br = r0;
	float prev = NAN, cur = NAN;
	/* derivative at i: m[i + half] - m[i - half]; blurred [1 2 1] */
	for (int i = half; i < nr - half; i++) {
		float e[2] = {NAN, NAN};
		for (int sd = 0; sd < sides; sd++) {
			float in = m[sd][i - half], out = m[sd][i + half];
			if (split) {
				float ri = fmaxf(1, r0 + (float)(i - 2 * half) * dr);
				float ro = r0 + (float)i * dr;
				if (paired_side(p, d, sd, cx, cy, ri, ro, avoid, &in, &out) < d->n / 4)
					in = out = NAN;
			}
			e[sd] = out - in;
			if (split && !(in - level <= IRIS_LIMBUS_INNER * (out - level)))
				e[sd] = NAN;
		}
		float dv = e[0];
		if (split) {
			float lo = fminf(e[0], e[1]), hi = fmaxf(e[0], e[1]);
			dv = isnan(e[0]) || isnan(e[1]) || lo < 0.25f * hi ? NAN : (e[0] + e[1]) / 2;
		}
		float next = dv;
		if (!isnan(prev) && !isnan(cur) && !isnan(next)) {
			float b = (prev + 2 * cur + next) / 4;
			float r = r0 + (float)(i - 1 - half) * dr;
			/* rank by significance: an edge of contrast b seen
			 * along a circle of radius r has ~2 pi r independent
			 * samples, so its evidence over noise grows as
			 * b sqrt(r) (a matched filter's statistic); the plain
			 * mean would let a small gap between eyelashes beat
			 * a lower-contrast pupil. Not for the limbus: there
			 * it would favour the eye opening's edges outside
			 * the iris over the softer limbus itself */
			float sig = split ? b : b * sqrtf(r);
			if (sig > bs && split && !limbus_step(p, d, cx, cy, r, avoid, level))
				sig = -1e9f;
			if (sig > bs) {
				bs = sig;
				bd = b;
				br = r;
			}
		}
		prev = cur;
		cur = next;
	}
	if (bd <= -1e8f)
		return 0;
	*best_r = br;
	*best_d = bd;
	*best_sig = bs;
	return 1;
}

/* Search centres on a grid of `step` within [x0, x1] x [y0, y1] (and, if
 * `cand` is given, only where cand[] is set); returns the best circle. */
struct search {
	const struct plane *p;
	const struct dirs *d;
	float r0, r1, dr;
	int half;
	const struct iris_circle *avoid;
	const uint8_t *cand; /* w*h or NULL */
	float level;         /* iris grey level (limbus search) or NAN */
	int inside;          /* every sample must be on the image (pupil) */
};

#define TOPK 8

/* The TOPK best circles with distinct centres (more than half the smaller
 * radius apart),
 * best first; returns how many. */
static int ido_search(const struct search *s, float x0, float x1, float y0, float y1, float step,
		      struct iris_circle *best, float *best_d, int k_max)
{
	int found = 0;
	float best_s[TOPK];
	if (k_max > TOPK)
		k_max = TOPK;
	for (int k = 0; k < k_max; k++)
		best_d[k] = best_s[k] = -1e9f;
	for (float y = y0; y <= y1 + 1e-4f; y += step)
		for (float x = x0; x <= x1 + 1e-4f; x += step) {
			if (s->cand) {
				int ix = (int)lroundf(x), iy = (int)lroundf(y);
				if (ix < 0 || iy < 0 || ix >= s->p->w || iy >= s->p->h ||
				    !s->cand[(size_t)iy * (size_t)s->p->w + (size_t)ix])
					continue;
			}
			float r, dv, sig, r0 = s->r0;
			if (s->avoid) {
				/* limbus: the pupil centre lies within
				 * IRIS_MAX_CENTRE_OFFSET of the iris radius */
				float ox = x - s->avoid->x, oy = y - s->avoid->y;
				r0 = fmaxf(r0, sqrtf(ox * ox + oy * oy) / IRIS_MAX_CENTRE_OFFSET);
				if (r0 > s->r1)
					continue;
			}
			if (!ido_at(s->p, s->d, x, y, r0, s->r1, s->dr, s->half, s->avoid, s->level,
				    s->inside, &r, &dv, &sig))
				continue;
			if (sig <= best_s[k_max - 1])
				continue;
			/* replace a near duplicate if this one is better, else insert */
			int at = -1;
			for (int k = 0; k < found; k++) {
				float dx = best[k].x - x, dy = best[k].y - y;
				float near = 0.5f * fminf(best[k].r, r);
				if (dx * dx + dy * dy < near * near) {
					at = k;
					break;
				}
			}
			if (at >= 0 && sig <= best_s[at])
				continue;
			if (at < 0)
				at = found < k_max ? found++ : k_max - 1;
			best[at] = (struct iris_circle){x, y, r};
			best_d[at] = dv;
			best_s[at] = sig;
			while (at > 0 && best_s[at] > best_s[at - 1]) {
				struct iris_circle tc = best[at];
				float td = best_d[at], ts = best_s[at];
				best[at] = best[at - 1];
				best_d[at] = best_d[at - 1];
				best_s[at] = best_s[at - 1];
				best[at - 1] = tc;
				best_d[at - 1] = td;
				best_s[at - 1] = ts;
				at--;
			}
		}
	return found;
}

/* Specular reflections: near-saturated pixels (a specular glint of the
 * illuminator saturates the sensor: IRIS_GLINT_LEVEL, 90% of full scale)
 * far brighter than their 15x15 surround (glints are up to ~10 px across) (the sclera and skin can be as
 * bright but are smooth), dilated by 2 px. Fills them
 * in `f` by interpolating along the row between the unmasked pixels at
 * either end of each run. */
static void reflections(const struct iris_image *img, float *f, uint8_t *noise)
{
	int w = img->width, h = img->height;
	size_t n = (size_t)w * (size_t)h;
	uint32_t *ii = malloc((size_t)(w + 1) * (size_t)(h + 1) * sizeof *ii);
	uint8_t *m = calloc(n, 1);
	if (!ii || !m) { /* no mask: reflections stay; segmentation may still work */
		free(ii);
		free(m);
		return;
	}
	for (int x = 0; x <= w; x++)
		ii[x] = 0;
	for (int y = 1; y <= h; y++) {
		uint32_t row = 0;
		ii[(size_t)y * (size_t)(w + 1)] = 0;
		for (int x = 1; x <= w; x++) {
			row += img->pixels[(size_t)(y - 1) * (size_t)w + (size_t)(x - 1)];
			ii[(size_t)y * (size_t)(w + 1) + (size_t)x] =
				ii[(size_t)(y - 1) * (size_t)(w + 1) + (size_t)x] + row;
		}
	}
	const int R = 7;
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			int v = img->pixels[(size_t)y * (size_t)w + (size_t)x];
			if (v < IRIS_GLINT_LEVEL)
				continue;
			int xa = x - R < 0 ? 0 : x - R, xb = x + R + 1 > w ? w : x + R + 1;
			int ya = y - R < 0 ? 0 : y - R, yb = y + R + 1 > h ? h : y + R + 1;
			size_t W = (size_t)(w + 1);
			uint32_t s = ii[(size_t)yb * W + (size_t)xb] - ii[(size_t)ya * W + (size_t)xb] -
				     ii[(size_t)yb * W + (size_t)xa] + ii[(size_t)ya * W + (size_t)xa];
			float mean = (float)s / (float)((xb - xa) * (yb - ya));
			if ((float)v - mean > 40.0f)
				m[(size_t)y * (size_t)w + (size_t)x] = 1;
		}
	/* dilate by 2 (the glint's halo) */
	for (int pass = 0; pass < 2; pass++) {
		memcpy(noise, m, n);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				if (noise[(size_t)y * (size_t)w + (size_t)x])
					continue;
				int on = 0;
				for (int dy = -1; dy <= 1 && !on; dy++)
					for (int dx = -1; dx <= 1 && !on; dx++) {
						int xx = x + dx, yy = y + dy;
						if (xx >= 0 && yy >= 0 && xx < w && yy < h)
							on = noise[(size_t)yy * (size_t)w + (size_t)xx];
					}
				m[(size_t)y * (size_t)w + (size_t)x] = (uint8_t)on;
			}
	}
	memcpy(noise, m, n);
	for (int y = 0; y < h; y++) {
		float *row = f + (size_t)y * (size_t)w;
		const uint8_t *mr = noise + (size_t)y * (size_t)w;
		int x = 0;
		while (x < w) {
			if (!mr[x]) {
				x++;
				continue;
			}
			int a = x;
			while (x < w && mr[x])
				x++;
			float left = a > 0 ? row[a - 1] : (x < w ? row[x] : 128.0f);
			float right = x < w ? row[x] : left;
			for (int k = a; k < x; k++) {
				float t = (float)(k - a + 1) / (float)(x - a + 1);
				row[k] = (1 - t) * left + t * right;
			}
		}
	}
	free(ii);
	free(m);
}

/* Separable [1 4 6 4 1]/16 blur (sigma ~ 1 px), in place via `tmp`. */
static void blur5(float *v, float *tmp, int w, int h)
{
	static const float k[5] = {1 / 16.f, 4 / 16.f, 6 / 16.f, 4 / 16.f, 1 / 16.f};
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			float s = 0;
			for (int j = -2; j <= 2; j++) {
				int xx = x + j < 0 ? 0 : x + j >= w ? w - 1 : x + j;
				s += k[j + 2] * v[(size_t)y * (size_t)w + (size_t)xx];
			}
			tmp[(size_t)y * (size_t)w + (size_t)x] = s;
		}
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			float s = 0;
			for (int j = -2; j <= 2; j++) {
				int yy = y + j < 0 ? 0 : y + j >= h ? h - 1 : y + j;
				s += k[j + 2] * tmp[(size_t)yy * (size_t)w + (size_t)x];
			}
			v[(size_t)y * (size_t)w + (size_t)x] = s;
		}
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return x < y ? -1 : x > y;
}

static int cmp_u8(const void *a, const void *b)
{
	return (int)*(const uint8_t *)a - (int)*(const uint8_t *)b;
}

/* Is the pupil circle a dark disc? Most of a circle well inside it must be
 * darker than the midpoint between the inside and outside levels, and most
 * of a circle outside it brighter: a dark patch of eyelashes or a lid
 * crease gives a strong edge somewhere but not a disc. */
static int disc_check(const struct plane *p, const struct iris_circle *c)
{
	struct dirs d;
	dirs_full(&d, 64);
	float in_m, out_m;
	if (circle_mean(p, &d, c->x, c->y, 0.6f * c->r, NULL, &in_m) < 32 ||
	    circle_mean(p, &d, c->x, c->y, 1.4f * c->r + 2, NULL, &out_m) < 32)
		return 0;
	float mid = (in_m + out_m) / 2;
	int dark = 0, bright = 0, nin = 0, nout = 0;
	for (int k = 0; k < d.n; k++) {
		float v;
		if (sample(p, c->x + 0.6f * c->r * d.c[k], c->y + 0.6f * c->r * d.s[k], &v)) {
			nin++;
			dark += v < mid;
		}
		if (sample(p, c->x + (1.4f * c->r + 2) * d.c[k], c->y + (1.4f * c->r + 2) * d.s[k], &v)) {
			nout++;
			bright += v > mid;
		}
	}
	return nin && nout && dark >= (nin * 85) / 100 && bright >= (nout * 60) / 100;
}

int iris_segment(const struct iris_image *img, struct iris_seg *seg, uint8_t *noise,
		 struct sh_err *err)
{
	int rc = SH_OK;
	int w = img->width, h = img->height;
	float *f = NULL, *tmp = NULL;
	uint8_t *refl = NULL, *cand = NULL, *sorted = NULL;
	memset(seg, 0, sizeof *seg);
	if (!img->pixels || w < IRIS_MIN_SIDE || h < IRIS_MIN_SIDE || w > IRIS_MAX_SIDE ||
	    h > IRIS_MAX_SIDE)
		return sh_err_set(err, SH_EINVAL, "IRIS_IMAGE_SIZE",
				  "eye image %dx%d: each side must be %d..%d px", w, h,
				  IRIS_MIN_SIDE, IRIS_MAX_SIDE);
	size_t n = (size_t)w * (size_t)h;
	f = malloc(n * sizeof *f);
	tmp = malloc(n * sizeof *tmp);
	refl = calloc(n, 1);
	cand = calloc(n, 1);
	sorted = malloc(n);
	if (!f || !tmp || !refl || !cand || !sorted) {
		rc = sh_err_set(err, SH_ENOMEM, "IRIS_NOMEM", "no memory to segment the eye");
		goto out;
	}
	memcpy(sorted, img->pixels, n);
	qsort(sorted, n, 1, cmp_u8);
	int p2 = sorted[n / 50], p98 = sorted[n - 1 - n / 50];
	if (p98 - p2 < 2 * (int)IRIS_MIN_PUPIL_CONTRAST) {
		rc = sh_err_set(err, SH_ERULE, "IRIS_NO_CONTRAST",
				"the image is nearly uniform (2-98%% grey range %d..%d): no eye", p2, p98);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		f[i] = img->pixels[i];
	reflections(img, f, refl);
	blur5(f, tmp, w, h);
	struct plane p = {w, h, f};

	/* Pupil: candidate centres are the darkest 10% of the blurred image
	 * (the pupil is the darkest large region of a NIR eye image). */
	int side = w < h ? w : h;
	float rp0 = fmaxf(6.0f, IRIS_MIN_IRIS_RADIUS * IRIS_MIN_RATIO);
	float rp1 = 0.5f * (float)side * IRIS_MAX_RATIO;
	{
		/* the 10th percentile of the blurred image */
		int hist[257] = {0};
		for (size_t i = 0; i < n; i++) {
			int v = (int)f[i];
			hist[v < 0 ? 0 : v > 255 ? 255 : v]++;
		}
		size_t acc = 0;
		int thr = 0;
		while (thr < 255 && acc + (size_t)hist[thr] < n / 10)
			acc += (size_t)hist[thr++];
		for (size_t i = 0; i < n; i++)
			tmp[i] = f[i] <= (float)thr + 0.5f;
		/* dilated by 6 px (separably, a square): the pupil's centre can
		 * sit under a glint that the fill left lighter than the pupil */
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				uint8_t on = 0;
				for (int dx = -6; dx <= 6 && !on; dx++) {
					int xx = x + dx;
					on = xx >= 0 && xx < w && tmp[(size_t)y * (size_t)w + (size_t)xx] > 0;
				}
				cand[(size_t)y * (size_t)w + (size_t)x] = on;
			}
		for (int x = 0; x < w; x++)
			for (int y = 0; y < h; y++) {
				uint8_t on = 0;
				for (int dy = -6; dy <= 6 && !on; dy++) {
					int yy = y + dy;
					on = yy >= 0 && yy < h && cand[(size_t)yy * (size_t)w + (size_t)x];
				}
				tmp[(size_t)y * (size_t)w + (size_t)x] = on;
			}
		for (size_t i = 0; i < n; i++)
			cand[i] = tmp[i] > 0;
	}
	struct dirs dp;
	dirs_full(&dp, 32);
	struct search s = {&p, &dp, rp0, rp1, 1.0f, 1, NULL, cand, NAN, 1};
	struct iris_circle cands[TOPK], pc = {0, 0, 0};
	float cd[TOPK], pd = -1e9f, psig = -1e9f;
	float cstep = (float)side / 120.0f < 2 ? 2 : (float)side / 120.0f;
	int nc = ido_search(&s, rp0, (float)w - 1 - rp0, rp0, (float)h - 1 - rp0, cstep, cands, cd,
			    TOPK);
	/* refine each candidate (centre +-cstep at 0.5 px, radius +-3 px at
	 * 0.5 px, more samples) and keep the strongest that is a dark disc:
	 * gaps between eyelashes can give a stronger edge than the pupil */
	dirs_full(&dp, 128);
	s.cand = NULL;
	s.dr = 0.5f;
	s.half = 2;
	for (int k = 0; k < nc; k++) {
		struct iris_circle c;
		float d;
		s.r0 = fmaxf(rp0, cands[k].r - 3);
		s.r1 = fminf(rp1, cands[k].r + 3);
		if (!ido_search(&s, cands[k].x - cstep, cands[k].x + cstep, cands[k].y - cstep,
				cands[k].y + cstep, 0.5f, &c, &d, 1))
			continue;
		if (getenv("IRIS_DEBUG")) fprintf(stderr, "cand %d: %.1f %.1f %.1f d=%.1f coarse %.1f disc=%d\n", k, c.x, c.y, c.r, d, cd[k], disc_check(&p, &c));
		float sig = d * sqrtf(c.r);
		if (sig > psig && d >= IRIS_MIN_PUPIL_CONTRAST && disc_check(&p, &c)) {
			pc = c;
			pd = d;
			psig = sig;
		}
	}
	if (pc.r <= 0) {
		rc = sh_err_set(err, SH_ERULE, "IRIS_NO_PUPIL",
				"no dark pupil disc with a clear edge (%d candidates)", nc);
		goto out;
	}
	seg->pupil = pc;
	seg->pupil_contrast = pd;

	/* Limbus: lateral arcs from 30 degrees above to 45 degrees below the
	 * horizontal on each side (the upper lid covers more than the lower),
	 * centres within IRIS_MAX_CENTRE_OFFSET of the largest iris radius
	 * from the pupil centre, radii by the pupil/iris ratio bounds. */
	struct dirs dl;
	dirs_lateral(&dl, 64, -PI_F / 6, PI_F / 4);
	float rl0 = fmaxf((float)IRIS_MIN_IRIS_RADIUS, pc.r / IRIS_MAX_RATIO);
	float rl1 = fminf(pc.r / IRIS_MIN_RATIO, 0.5f * (float)(w > h ? w : h));
	if (rl1 < rl0 + 4) {
		rc = sh_err_set(err, SH_ERULE, "IRIS_NO_LIMBUS",
				"no room for an iris around the pupil (r=%.1f)", pc.r);
		goto out;
	}
	float off = fmaxf(2.0f, IRIS_MAX_CENTRE_OFFSET * rl1);
	struct iris_circle avoid = {pc.x, pc.y, pc.r * 1.15f + 2};
	/* the iris level: median of a thin ring just outside the pupil,
	 * inside any iris the ratio bounds allow */
	float level;
	{
		struct dirs dr;
		dirs_full(&dr, 128);
		float v[3 * 128];
		int nv = 0;
		for (int j = 0; j < 3; j++) {
			float r = pc.r * (1.12f + 0.06f * (float)j) + 2;
			for (int k = 0; k < dr.n; k++)
				if (sample(&p, pc.x + r * dr.c[k], pc.y + r * dr.s[k], &v[nv]))
					nv++;
		}
		if (nv < 64) {
			rc = sh_err_set(err, SH_ERULE, "IRIS_NO_LIMBUS", "the pupil is at the image edge");
			goto out;
		}
		qsort(v, (size_t)nv, sizeof v[0], cmp_float);
		level = v[nv / 2];
	}
	struct search sl = {&p, &dl, rl0, rl1, 1.0f, 3, &avoid, NULL, level, 0};
	struct iris_circle lc;
	float ld;
	if (!ido_search(&sl, pc.x - off, pc.x + off, pc.y - off, pc.y + off, 2.0f, &lc, &ld, 1)) {
		rc = sh_err_set(err, SH_ERULE, "IRIS_NO_LIMBUS", "no iris boundary found");
		goto out;
	}
	dirs_lateral(&dl, 128, -PI_F / 6, PI_F / 4);
	sl.r0 = fmaxf(rl0, lc.r - 3);
	sl.r1 = fminf(rl1, lc.r + 3);
	sl.dr = 0.5f;
	sl.half = 5;
	struct iris_circle fine;
	float fd;
	/* refinement can find nothing where the coarse grid's circle sat
	 * on the limits (offset, ratio): then the coarse one stands */
	if (ido_search(&sl, lc.x - 2, lc.x + 2, lc.y - 2, lc.y + 2, 0.5f, &fine, &fd, 1)) {
		lc = fine;
		ld = fd;
	}
	if (ld < IRIS_MIN_LIMBUS_CONTRAST) {
		rc = sh_err_set(err, SH_ERULE, "IRIS_NO_LIMBUS",
				"no clear iris boundary (best edge %.1f grey levels)", ld);
		goto out;
	}
	seg->limbus = lc;
	seg->limbus_contrast = ld;
	iris_eyelids(f, w, h, seg);
	if (noise)
		memcpy(noise, refl, n);
out:
	free(f);
	free(tmp);
	free(refl);
	free(cand);
	free(sorted);
	return rc;
}
