/* face_extract.c — the face pipeline (see face_extract.h). */
#include "bio/face_extract.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static double cpu_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

int face_engine_load(const char *dir, struct face_engine *e, struct sh_err *err)
{
	memset(e, 0, sizeof *e);
	face_nn_single_thread();
	int rc = face_detect_load(dir, &e->det, err);
	if (!rc)
		rc = face_landmark_load(dir, &e->lm, err);
	if (!rc)
		rc = face_recog_load(dir, &e->rec, err);
	if (rc)
		face_engine_free(e);
	return rc;
}

void face_engine_free(struct face_engine *e)
{
	face_detect_free(&e->det);
	face_landmark_free(&e->lm);
	face_recog_free(&e->rec);
}

/* The image on a canvas `f` times its size, its edge pixels repeated
 * outward, the image centred; *ox, *oy its offset. */
static uint8_t *edge_pad(const struct face_image *img, int f, int *pw, int *ph, int *ox, int *oy)
{
	int w = img->w * f, h = img->h * f;
	uint8_t *c = malloc((size_t)w * h * 3);
	if (!c)
		return NULL;
	*ox = (w - img->w) / 2;
	*oy = (h - img->h) / 2;
	for (int y = 0; y < h; y++) {
		int sy = y - *oy;
		sy = sy < 0 ? 0 : sy >= img->h ? img->h - 1 : sy;
		for (int x = 0; x < w; x++) {
			int sx = x - *ox;
			sx = sx < 0 ? 0 : sx >= img->w ? img->w - 1 : sx;
			memcpy(c + ((size_t)y * w + x) * 3, img->rgb + ((size_t)sy * img->w + sx) * 3, 3);
		}
	}
	*pw = w;
	*ph = h;
	return c;
}

/* Edge-padded retries: the canvas 2x, ..., FACE_PAD_MAX x the image. */
#ifndef FACE_PAD_MAX
#define FACE_PAD_MAX 3
#endif

int face_extract(const struct face_engine *e, const struct face_image *img,
		 const struct face_opts *opts, struct face_result *out, struct sh_err *err)
{
	static const struct face_opts none = {0};
	struct face_box boxes[FACE_DETECT_MAX];
	struct face_crop crop = {0};
	uint8_t *pad = NULL;
	int rc;
	if (!opts)
		opts = &none;
	memset(out, 0, sizeof *out);
	double t0 = cpu_ms();
	int n = face_detect_run(&e->det, img->rgb, img->w, img->h, FACE_DETECT_INPUT,
				FACE_DETECT_MIN_SCORE, boxes, FACE_DETECT_MAX, err);
	if (n < 0)
		return n;
	for (int f = 2; n == 0 && f <= FACE_PAD_MAX; f++) {
		int pw, ph, ox, oy;
		if (!(pad = edge_pad(img, f, &pw, &ph, &ox, &oy)))
			return sh_err_set(err, SH_ENOMEM, "FACE_NOMEM", "out of memory");
		n = face_detect_run(&e->det, pad, pw, ph, FACE_DETECT_INPUT, FACE_DETECT_MIN_SCORE,
				    boxes, FACE_DETECT_MAX, err);
		free(pad);
		pad = NULL;
		if (n < 0)
			return n;
		for (int i = 0; i < n; i++) {
			boxes[i].x -= (float)ox;
			boxes[i].y -= (float)oy;
		}
		out->padded = n > 0 ? f : 0;
	}
	out->nfaces = n;
	double t1 = cpu_ms();
	out->ms_detect = t1 - t0;
	if (n == 0 && opts->whole_fallback) {
		boxes[0] = (struct face_box){0, 0, (float)img->w, (float)img->h, 0};
		out->fallback = 1;
		n = 1;
	}
	if (n == 0)
		return sh_err_set(err, SH_ERULE, "FACE_NONE", "no face found in the image");
	if (n > 1 && !opts->allow_many)
		return sh_err_set(err, SH_ERULE, "FACE_MULTIPLE",
				  "%d faces in the image; exactly one is required", n);
	out->box = boxes[0]; /* best score first */
	if ((rc = face_landmark_detect(&e->lm, img->rgb, img->w, img->h, &out->box, &out->lm, err)))
		return rc;
	double t2 = cpu_ms();
	out->ms_landmarks = t2 - t1;
	rc = opts->level_eyes ? face_align_rotated(img->rgb, img->w, img->h, &out->lm, &crop, err)
			      : face_align_crop(img->rgb, img->w, img->h, &out->lm, &crop, err);
	if (rc)
		return rc;
	rc = face_recog_embed(&e->rec, crop.rgb, crop.w, crop.h, out->desc, err);
	out->ms_embed = cpu_ms() - t2;
	free(crop.rgb);
	crop.rgb = NULL;
	out->crop = crop;
	if (rc)
		return rc;
	face_quality_measure(img->rgb, img->w, img->h, &out->lm, &out->quality);
	return SH_OK;
}
