/* fp_debug.c — the extractor's view of an image as a PNG (fp_debug.h). */
#include "bio/fp_debug.h"

#include <math.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "bio/fp_extract.h"
#include "bio/fp_extract_int.h"
#include "bio/fp_image.h"

static void put(uint8_t *rgb, int w, int h, int x, int y, int r, int g, int b)
{
	if (x < 0 || y < 0 || x >= w || y >= h)
		return;
	uint8_t *p = rgb + 3 * ((size_t)y * w + x);
	p[0] = (uint8_t)r;
	p[1] = (uint8_t)g;
	p[2] = (uint8_t)b;
}

int fp_debug_png(const struct fp_image *img, const char *path, struct fp_template *out,
		 struct sh_err *err)
{
	struct fp_image im = {0};
	struct fp_work wk = {0};
	struct fp_template *t = malloc(sizeof *t);
	uint8_t *rgb = NULL;
	int rc = SH_OK;
	if (!t) {
		rc = sh_err_set(err, SH_ENOMEM, "FP_NOMEM", "no memory for a template");
		goto out;
	}
	rc = fp_extract(img, t, err);
	if (rc != SH_OK)
		goto out;
	/* The minutiae come from fp_extract itself; the mask and skeleton are
	 * not kept by it, so the stages run again on the same 500-dpi image
	 * (deterministic: the same planes). */
	rc = fp_image_from_raw(img->pixels, img->width, img->height,
			       img->dpi ? img->dpi : FP_DPI, &im, err);
	if (rc != SH_OK)
		goto out;
	rc = fp_image_resample(&im, FP_DPI, err);
	if (rc != SH_OK)
		goto out;
	int w = im.width, h = im.height, have_work = w >= 3 * FP_BLOCK && h >= 3 * FP_BLOCK;
	if (have_work) {
		rc = fp_work_init(&wk, im.pixels, w, h, err);
		if (rc != SH_OK)
			goto out;
		fp_segment_stats(&wk);
		fp_orient_estimate(&wk);
		fp_segment_mask(&wk);
		fp_freq_estimate(&wk);
		fp_quality_blocks(&wk);
		fp_enhance_gabor(&wk);
		fp_orient_refine(&wk);
		fp_thin(&wk);
	}
	int W = 2 * w;
	rgb = malloc((size_t)W * h * 3);
	if (!rgb) {
		rc = sh_err_set(err, SH_ENOMEM, "FP_NOMEM", "no memory for a %dx%d picture", W, h);
		goto out;
	}
	int lo = 255, hi = 0;
	for (size_t i = 0; i < (size_t)w * h; i++) {
		lo = im.pixels[i] < lo ? im.pixels[i] : lo;
		hi = im.pixels[i] > hi ? im.pixels[i] : hi;
	}
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			int p = im.pixels[(size_t)y * w + x];
			int v = (p - lo) * 255 / (hi > lo ? hi - lo : 1);
			put(rgb, W, h, w + x, y, v, v, v);
			/* the overlay's background is a light gray copy, so the
			 * coloured marks stand out */
			v = 128 + p / 2;
			if (!have_work || !fp_in_mask(&wk, x, y))
				v = v * 3 / 4;
			put(rgb, W, h, x, y, v, v, v);
			if (have_work && wk.bin[(size_t)y * w + x])
				put(rgb, W, h, x, y, 40, 40, 220);
		}
	for (int i = 0; i < t->count; i++) {
		const struct fp_minutia *m = &t->minutiae[i];
		int s = 120 + m->quality * 135 / 100;
		int r = m->type == FP_ENDING ? s : 0, g = m->type == FP_ENDING ? 0 : s * 3 / 4;
		for (int dy = -3; dy <= 3; dy++)
			for (int dx = -3; dx <= 3; dx++)
				if (abs(dx) == 3 || abs(dy) == 3)
					put(rgb, W, h, (int)m->x + dx, (int)m->y + dy, r, g, 0);
		for (int k = 3; k < 14; k++)
			put(rgb, W, h, (int)lrintf(m->x + k * cosf(m->angle)),
			    (int)lrintf(m->y - k * sinf(m->angle)), r, g, 0);
	}
	png_image pi;
	memset(&pi, 0, sizeof pi);
	pi.version = PNG_IMAGE_VERSION;
	pi.width = (png_uint_32)W;
	pi.height = (png_uint_32)h;
	pi.format = PNG_FORMAT_RGB;
	if (!png_image_write_to_file(&pi, path, 0, rgb, 0, NULL)) {
		rc = sh_err_set(err, SH_EIO, "FP_DEBUG_WRITE", "cannot write %s: %s", path,
				pi.message);
		png_image_free(&pi);
		goto out;
	}
	if (out)
		*out = *t;
out:
	free(rgb);
	fp_work_free(&wk);
	fp_image_free(&im);
	free(t);
	return rc;
}
