/* face_quality.c — the quality measures (see face_quality.h). */
#include "bio/face_quality.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bio/face_align.h"

#define Q_SIDE 128
#define PI_D 3.14159265358979323846

static double dist(struct face_point a, struct face_point b)
{
	return hypot((double)a.x - b.x, (double)a.y - b.y);
}

/* Eye aspect ratio of the six points from..from+5 (corner, two upper,
 * corner, two lower). */
static float ear(const struct face_landmarks *lm, int f)
{
	const struct face_point *p = lm->p + f;
	double wdt = dist(p[0], p[3]);
	return wdt > 0 ? (float)((dist(p[1], p[5]) + dist(p[2], p[4])) / (2 * wdt)) : 0;
}

static double gray_at(const uint8_t *rgb, int w, int h, double x, double y)
{
	int xi = (int)floor(x), yi = (int)floor(y);
	if (xi < 0)
		xi = 0;
	if (yi < 0)
		yi = 0;
	if (xi >= w)
		xi = w - 1;
	if (yi >= h)
		yi = h - 1;
	const uint8_t *p = rgb + ((size_t)yi * w + xi) * 3;
	return 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2]; /* ITU-R BT.601 luma */
}

void face_quality_measure(const uint8_t *rgb, int w, int h, const struct face_landmarks *lm,
			  struct face_quality *q)
{
	memset(q, 0, sizeof *q);
	struct face_point le = face_align_centre(lm, 36, 42), re = face_align_centre(lm, 42, 48);
	q->eye_px = (float)dist(le, re);
	q->roll = (float)(atan2((double)re.y - le.y, (double)re.x - le.x) * 180 / PI_D);
	/* yaw from the nose tip's place between the jaw ends, along the eye line */
	double ux = re.x - le.x, uy = re.y - le.y, un = hypot(ux, uy);
	if (un > 0) {
		ux /= un;
		uy /= un;
	}
	double j0 = lm->p[0].x * ux + lm->p[0].y * uy, j16 = lm->p[16].x * ux + lm->p[16].y * uy;
	double nt = lm->p[30].x * ux + lm->p[30].y * uy;
	double r = j16 != j0 ? (nt - j0) / (j16 - j0) : 0.5;
	r = fmin(1, fmax(0, r));
	q->yaw = (float)(asin(2 * r - 1) * 180 / PI_D);
	/* pitch: the nose tip's height between the eye line and the chin */
	double ey = (le.y + re.y) / 2.0, vx = -uy, vy = ux; /* down the face */
	double e_d = (le.x + re.x) / 2.0 * vx + ey * vy;
	double n_d = lm->p[30].x * vx + lm->p[30].y * vy, c_d = lm->p[8].x * vx + lm->p[8].y * vy;
	double pr = c_d != e_d ? (n_d - e_d) / (c_d - e_d) : 0.4;
	pr = fmin(1, fmax(0, pr));
	q->pitch = (float)(asin(fmin(1, fmax(-1, (pr - 0.40) / 0.40))) * 180 / PI_D);
	q->ear_left = ear(lm, 42); /* the subject's left eye: image right */
	q->ear_right = ear(lm, 36);

	/* the face square: the alignment crop's square, resampled */
	struct face_crop c;
	double cx = (le.x + re.x) / 2.0, cy = ey, side = 2.2 * fmax(un, 1);
	if (face_align_rect(lm, w, h, &c, NULL) == SH_OK) {
		cx = c.cx;
		cy = c.cy;
		side = c.side;
	}
	float gbuf[Q_SIDE * Q_SIDE];
	double sum = 0, sum2 = 0;
	int dark = 0, bright = 0;
	for (int v = 0; v < Q_SIDE; v++)
		for (int u = 0; u < Q_SIDE; u++) {
			double x = cx - side / 2 + (u + 0.5) * side / Q_SIDE;
			double y = cy - side / 2 + (v + 0.5) * side / Q_SIDE;
			double val = gray_at(rgb, w, h, x, y);
			gbuf[v * Q_SIDE + u] = (float)val;
			sum += val;
			sum2 += val * val;
			dark += val <= 5;
			bright += val >= 250;
		}
	double n = Q_SIDE * Q_SIDE, mean = sum / n, var = fmax(sum2 / n - mean * mean, 1e-6);
	double ls = 0, ls2 = 0;
	int ln = 0;
	for (int v = 1; v < Q_SIDE - 1; v++)
		for (int u = 1; u < Q_SIDE - 1; u++) {
			const float *p = gbuf + v * Q_SIDE + u;
			double lap = 4.0 * p[0] - p[-1] - p[1] - p[-Q_SIDE] - p[Q_SIDE];
			ls += lap;
			ls2 += lap * lap;
			ln++;
		}
	double lmean = ls / ln;
	q->sharpness = (float)((ls2 / ln - lmean * lmean) / var);
	q->brightness = (float)mean;
	q->dark = (float)(dark / n);
	q->bright = (float)(bright / n);

	int score = 100;
	if (fabsf(q->yaw) > FACE_Q_MAX_YAW || fabsf(q->pitch) > FACE_Q_MAX_PITCH ||
	    fabsf(q->roll) > FACE_Q_MAX_ROLL) {
		q->flags |= FACE_Q_POSE;
		score -= 25;
	}
	if (q->sharpness < FACE_Q_MIN_SHARPNESS) {
		q->flags |= FACE_Q_BLUR;
		score -= 25;
	}
	if (q->brightness < 40 || q->brightness > 215 || q->dark > 0.2f || q->bright > 0.2f) {
		q->flags |= FACE_Q_EXPOSURE;
		score -= 20;
	}
	if (q->ear_left < FACE_Q_MIN_EAR || q->ear_right < FACE_Q_MIN_EAR) {
		q->flags |= FACE_Q_EYES_CLOSED;
		score -= 20;
	}
	if (q->eye_px < FACE_Q_MIN_EYE_PX) {
		q->flags |= FACE_Q_SMALL;
		score -= 10;
	}
	q->score = score < 0 ? 0 : score;
}

void face_quality_flags_str(unsigned flags, char *buf, int len)
{
	static const char *names[] = {"pose", "blur", "exposure", "eyes_closed", "small"};
	int off = 0;
	buf[0] = 0;
	for (int i = 0; i < 5 && off < len; i++)
		if (flags & (1u << i))
			off += snprintf(buf + off, (size_t)(len - off), "%s%s", off ? "," : "", names[i]);
	if (!off && len > 0)
		snprintf(buf, (size_t)len, "ok");
}
