/* fp_bench_synth.c — synthetic minutiae sets with known mates, for tests and
 * the 1:N throughput benchmark (fp_bench.h). Not a fingerprint generator:
 * just enough structure (a smooth orientation field) that unrelated
 * synthetic fingers resemble each other the way real ones do. */
#include "bio/fp_bench.h"

#include <math.h>
#include <string.h>

#define TWO_PI (2.0 * M_PI)

/* splitmix64: a small, well-mixed deterministic generator */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double rng_unit(uint64_t *s)
{
	return (double)(rng_next(s) >> 11) / (double)(1ull << 53);
}

static double wrap(double a)
{
	a = fmod(a, TWO_PI);
	return a < 0 ? a + TWO_PI : a;
}

/* ISO-sense ridge orientation of the synthetic field at (x, y). */
static double field_at(const double *f, double x, double y)
{
	return f[4] + 0.5 * (atan2(-(y - f[1]), x - f[0]) - atan2(-(y - f[3]), x - f[2]));
}

/* The orientation descriptor (fp.h) the extractor would compute on the
 * synthetic field, samples off the canvas invalid. */
static void describe(const double *f, int w, int h, struct fp_minutia *m)
{
	double d = -m->angle; /* image-coordinate direction */
	m->omask = 0;
	for (int k = 0; k < FP_ODESC_N; k++) {
		double r = FP_ODESC_R0 * (k / FP_ODESC_PER_RING + 1);
		double phi = d + (k % FP_ODESC_PER_RING) * (TWO_PI / FP_ODESC_PER_RING);
		double x = m->x + r * cos(phi), y = m->y + r * sin(phi);
		m->odesc[k] = 0;
		if (x < 0 || y < 0 || x >= w || y >= h)
			continue;
		double rel = m->angle - field_at(f, x, y);
		m->odesc[k] = (uint8_t)((long)lround(rel * 256.0 / M_PI) & 255);
		m->omask |= 1u << k;
	}
}

void fp_bench_synth_finger(uint64_t seed, int count, int w, int h,
			   struct fp_template *out)
{
	uint64_t s = seed * 0x2545f4914f6cdd1dull + 1;
	memset(out, 0, sizeof *out);
	out->width = w;
	out->height = h;
	out->quality = 60;
	if (count > FP_MAX_MINUTIAE)
		count = FP_MAX_MINUTIAE;
	/* core and delta (Sherlock-Monro style zero-pole field) */
	double cx = w * (0.35 + 0.3 * rng_unit(&s)), cy = h * (0.3 + 0.2 * rng_unit(&s));
	double ex = w * (0.2 + 0.6 * rng_unit(&s)), ey = h * (0.7 + 0.2 * rng_unit(&s));
	double base = (rng_unit(&s) - 0.5) * 0.6;
	int tries = 0;
	while (out->count < count && tries++ < 20000) {
		double x = 16 + (w - 32) * rng_unit(&s), y = 16 + (h - 32) * rng_unit(&s);
		int ok = 1;
		for (int i = 0; i < out->count && ok; i++) {
			double ddx = out->minutiae[i].x - x, ddy = out->minutiae[i].y - y;
			ok = ddx * ddx + ddy * ddy >= 100.0;
		}
		if (!ok)
			continue;
		const double field[5] = {cx, cy, ex, ey, base};
		double o = field_at(field, x, y);
		double a = o + (rng_next(&s) & 1 ? M_PI : 0.0) + (rng_unit(&s) - 0.5) * 0.2;
		struct fp_minutia *m = &out->minutiae[out->count++];
		m->x = (float)x;
		m->y = (float)y;
		m->angle = (float)wrap(a);
		m->type = rng_next(&s) & 1 ? FP_ENDING : FP_BIFURCATION;
		m->quality = (uint8_t)(40 + rng_next(&s) % 60);
		describe(field, w, h, m);
	}
}

void fp_bench_synth_impression(const struct fp_template *finger, uint64_t seed,
			       float rot, float dx, float dy, float jitter,
			       float drop, int spurious, struct fp_template *out)
{
	uint64_t s = seed * 0x9e3779b97f4a7c15ull + 7;
	int w = finger->width, h = finger->height;
	double cx = w / 2.0, cy = h / 2.0;
	double c = cos(rot), sn = sin(rot);
	/* 0.1 rad of direction noise for a typical 3-4 px jitter, none without */
	double angle_noise = jitter * 0.03 < 0.1 ? jitter * 0.03 : 0.1;
	struct fp_template t;
	memset(&t, 0, sizeof t);
	t.width = w;
	t.height = h;
	t.quality = finger->quality;
	for (int i = 0; i < finger->count; i++) {
		const struct fp_minutia *m = &finger->minutiae[i];
		if (rng_unit(&s) < drop)
			continue;
		/* a counter-clockwise turn as seen on the image (y down) */
		double px = m->x - cx, py = m->y - cy;
		double x = cx + c * px + sn * py + dx + (rng_unit(&s) - 0.5) * 2 * jitter;
		double y = cy - sn * px + c * py + dy + (rng_unit(&s) - 0.5) * 2 * jitter;
		if (x < 0 || y < 0 || x >= w || y >= h)
			continue;
		struct fp_minutia *o = &t.minutiae[t.count++];
		*o = *m;
		o->x = (float)x;
		o->y = (float)y;
		o->angle = (float)wrap(m->angle + rot + (rng_unit(&s) - 0.5) * 2 * angle_noise);
	}
	for (int k = 0; k < spurious && t.count < FP_MAX_MINUTIAE; k++) {
		struct fp_minutia *o = &t.minutiae[t.count++];
		o->x = (float)(w * rng_unit(&s));
		o->y = (float)(h * rng_unit(&s));
		o->angle = (float)(TWO_PI * rng_unit(&s));
		o->type = FP_ENDING;
		o->quality = 30;
		/* a spurious minutia's surroundings: unrelated flow */
		for (int b = 0; b < FP_ODESC_N; b++)
			o->odesc[b] = (uint8_t)rng_next(&s);
		o->omask = 0xffffffffu;
	}
	*out = t;
}
