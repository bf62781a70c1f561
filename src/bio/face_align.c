/* face_align.c — crops from landmarks (see face_align.h). */
#include "bio/face_align.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* alignDlib's constants (classes/FaceLandmarks.ts) */
#define REL_X 0.5
#define REL_Y 0.43
#define REL_SCALE 0.45

struct face_point face_align_centre(const struct face_landmarks *lm, int from, int to)
{
	double x = 0, y = 0;
	for (int i = from; i < to; i++) {
		x += lm->p[i].x;
		y += lm->p[i].y;
	}
	return (struct face_point){(float)(x / (to - from)), (float)(y / (to - from))};
}

int face_align_rect(const struct face_landmarks *lm, int img_w, int img_h,
		    struct face_crop *out, struct sh_err *err)
{
	memset(out, 0, sizeof *out);
	struct face_point le = face_align_centre(lm, 36, 42), re = face_align_centre(lm, 42, 48),
			  mo = face_align_centre(lm, 48, 68);
	double d = (hypot(mo.x - le.x, mo.y - le.y) + hypot(mo.x - re.x, mo.y - re.y)) / 2;
	double side = floor(d / REL_SCALE);
	double rx = ((double)le.x + re.x + mo.x) / 3, ry = ((double)le.y + re.y + mo.y) / 3;
	if (!(side >= 8) || !isfinite(rx) || !isfinite(ry))
		return sh_err_set(err, SH_ERULE, "FACE_TOO_SMALL",
				  "face too small to align (%.0f px)", side);
	double x = floor(fmax(0, rx - REL_X * side)), y = floor(fmax(0, ry - REL_Y * side));
	/* Rect(x, y, min(size, W + x), ...) then clipAtImageBorders + floor */
	double wd = fmin(side, img_w + x), ht = fmin(side, img_h + y);
	double cw = fmin(wd, img_w - x), ch = fmin(ht, img_h - y);
	if (cw < 1 || ch < 1)
		return sh_err_set(err, SH_ERULE, "FACE_OUTSIDE", "face crop outside the image");
	out->x = (int)x;
	out->y = (int)y;
	out->w = (int)floor(cw);
	out->h = (int)floor(ch);
	out->side = (int)side;
	out->cx = (float)(rx - REL_X * side + side / 2);
	out->cy = (float)(ry - REL_Y * side + side / 2);
	out->angle = atan2f(re.y - le.y, re.x - le.x);
	return SH_OK;
}

int face_align_crop(const uint8_t *rgb, int w, int h, const struct face_landmarks *lm,
		    struct face_crop *out, struct sh_err *err)
{
	int rc = face_align_rect(lm, w, h, out, err);
	if (rc)
		return rc;
	out->rgb = malloc((size_t)out->w * out->h * 3);
	if (!out->rgb)
		return sh_err_set(err, SH_ENOMEM, "FACE_NOMEM", "out of memory");
	for (int y = 0; y < out->h; y++)
		memcpy(out->rgb + (size_t)y * out->w * 3, rgb + ((size_t)(y + out->y) * w + out->x) * 3,
		       (size_t)out->w * 3);
	return SH_OK;
}

int face_align_rotated(const uint8_t *rgb, int w, int h, const struct face_landmarks *lm,
		       struct face_crop *out, struct sh_err *err)
{
	int rc = face_align_rect(lm, w, h, out, err);
	if (rc)
		return rc;
	int s = out->side;
	out->rgb = malloc((size_t)s * s * 3);
	if (!out->rgb)
		return sh_err_set(err, SH_ENOMEM, "FACE_NOMEM", "out of memory");
	/* the square's centre stays; the eye line comes out level */
	double ca = cos(out->angle), sa = sin(out->angle);
	double half = s / 2.0;
	for (int v = 0; v < s; v++)
		for (int u = 0; u < s; u++) {
			double du = u + 0.5 - half, dv = v + 0.5 - half;
			double sx = out->cx + du * ca - dv * sa - 0.5;
			double sy = out->cy + du * sa + dv * ca - 0.5;
			int x0 = (int)floor(sx), y0 = (int)floor(sy);
			double fx = sx - x0, fy = sy - y0;
			uint8_t *o = out->rgb + ((size_t)v * s + u) * 3;
			for (int c = 0; c < 3; c++) {
				double acc = 0;
				for (int k = 0; k < 4; k++) {
					int xx = x0 + (k & 1), yy = y0 + (k >> 1);
					double wgt = ((k & 1) ? fx : 1 - fx) * ((k >> 1) ? fy : 1 - fy);
					if (xx >= 0 && yy >= 0 && xx < w && yy < h)
						acc += wgt * rgb[((size_t)yy * w + xx) * 3 + c];
				}
				o[c] = (uint8_t)lround(fmin(255, fmax(0, acc)));
			}
		}
	out->x = (int)lround(out->cx - half);
	out->y = (int)lround(out->cy - half);
	out->w = s;
	out->h = s;
	return SH_OK;
}

void face_crop_free(struct face_crop *c)
{
	free(c->rgb);
	memset(c, 0, sizeof *c);
}
