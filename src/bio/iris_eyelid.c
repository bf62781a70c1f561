/* iris_eyelid.c — arcuate eyelid boundary search (iris_eyelid.h). */
#include "bio/iris_eyelid.h"

#include <math.h>
#include <stdlib.h>

static const float curv[] = {0.0f, 0.1f, 0.2f, 0.35f, 0.5f};
static const float vert[] = {-0.4f, -0.2f, 0.0f, 0.2f, 0.4f};

static inline float gy_at(const float *f, int w, int h, int x, int y)
{
	if (x < 0 || x >= w || y < 2 || y >= h - 2)
		return NAN;
	return fabsf(f[(size_t)(y + 2) * (size_t)w + (size_t)x] - f[(size_t)(y - 2) * (size_t)w + (size_t)x]);
}

static inline int in_annulus(const struct iris_seg *s, float x, float y)
{
	float dx = x - s->limbus.x, dy = y - s->limbus.y;
	float px = x - s->pupil.x, py = y - s->pupil.y;
	float ro = s->limbus.r - 2, ri = s->pupil.r + 3;
	return dx * dx + dy * dy < ro * ro && px * px + py * py > ri * ri;
}

/* Mean |dI/dy| along one curve, over its points inside the annulus;
 * 0 when fewer than a quarter of the iris width are. */
static float curve_score(const float *f, int w, int h, const struct iris_seg *s, float y0,
			 float a, float xv, int sign)
{
	float R = s->limbus.r, sum = 0;
	int n = 0, span = 0;
	for (int x = (int)(s->limbus.x - R); x <= (int)(s->limbus.x + R); x++) {
		span++;
		float dx = (float)x - xv;
		float y = y0 + (float)sign * a * dx * dx;
		if (!in_annulus(s, (float)x, y))
			continue;
		float g = gy_at(f, w, h, x, (int)lroundf(y));
		if (isnan(g))
			continue;
		sum += g;
		n++;
	}
	return n >= span / 4 ? sum / (float)n : 0;
}

static void find_lid(const float *f, int w, int h, struct iris_seg *s, int sign, float bg,
		     struct iris_lid *lid)
{
	const struct iris_circle *l = &s->limbus, *p = &s->pupil;
	float best = 0;
	lid->present = 0;
	/* upper (sign +1): vertex from the limbus top down to the pupil's
	 * top; lower (sign -1): from the pupil's bottom down to the limbus
	 * bottom (a lid over the pupil leaves too little iris to use, and
	 * the pupil's own edge must not pass for a lid) */
	float ya = sign > 0 ? l->y - l->r : p->y + p->r + 2;
	float yb = sign > 0 ? p->y - p->r - 2 : l->y + l->r;
	for (float y0 = ya; y0 <= yb; y0 += 1.0f)
		for (size_t ci = 0; ci < sizeof curv / sizeof curv[0]; ci++)
			for (size_t vi = 0; vi < sizeof vert / sizeof vert[0]; vi++) {
				float a = curv[ci] / l->r, xv = l->x + vert[vi] * l->r;
				float sc = curve_score(f, w, h, s, y0, a, xv, sign);
				if (sc > best) {
					best = sc;
					lid->y0 = y0;
					lid->a = a;
					lid->xv = xv;
				}
			}
	lid->edge = best;
	lid->present = best >= IRIS_LID_EDGE_RATIO * bg;
	if (!lid->present)
		return;
	/* and what it covers must differ from what it leaves (lashes darker,
	 * skin brighter): concentric furrows of the iris make long curved
	 * edges too, but with iris on both sides */
	double in = 0, out = 0;
	long nin = 0, nout = 0;
	for (int y = (int)(l->y - l->r); y <= (int)(l->y + l->r); y++)
		for (int x = (int)(l->x - l->r); x <= (int)(l->x + l->r); x++) {
			if (x < 0 || y < 0 || x >= w || y >= h || !in_annulus(s, (float)x, (float)y))
				continue;
			float dx = (float)x - lid->xv, yl = lid->y0 + (float)sign * lid->a * dx * dx;
			int covered = sign > 0 ? (float)y < yl : (float)y > yl;
			float v = f[(size_t)y * (size_t)w + (size_t)x];
			if (covered) {
				in += v;
				nin++;
			} else {
				out += v;
				nout++;
			}
		}
	lid->present = nin > 0 && nout > 0 &&
		       fabs(in / (double)nin - out / (double)nout) >= IRIS_LID_MEAN_RATIO * bg;
}

void iris_eyelids(const float *f, int w, int h, struct iris_seg *seg)
{
	/* the iris's own mean |dI/dy| over the annulus */
	double sum = 0;
	long n = 0;
	const struct iris_circle *l = &seg->limbus;
	for (int y = (int)(l->y - l->r); y <= (int)(l->y + l->r); y++)
		for (int x = (int)(l->x - l->r); x <= (int)(l->x + l->r); x++) {
			if (!in_annulus(seg, (float)x, (float)y))
				continue;
			float g = gy_at(f, w, h, x, y);
			if (!isnan(g)) {
				sum += g;
				n++;
			}
		}
	float bg = n ? (float)(sum / (double)n) : 0;
	find_lid(f, w, h, seg, 1, bg, &seg->upper);
	find_lid(f, w, h, seg, -1, bg, &seg->lower);
}

int iris_lid_covers(const struct iris_seg *seg, float x, float y)
{
	const struct iris_lid *u = &seg->upper, *d = &seg->lower;
	if (u->present) {
		float dx = x - u->xv;
		if (y < u->y0 + u->a * dx * dx)
			return 1;
	}
	if (d->present) {
		float dx = x - d->xv;
		if (y > d->y0 - d->a * dx * dx)
			return 1;
	}
	return 0;
}
