/* fp_extract_draw.c — debug view of the extractor: draws the foreground
 * mask edge, the ridge skeleton and the minutiae (endings red, bifurcations
 * green, with a tick along their direction) onto the 500-dpi image.
 * Usage: fp_extract_draw IN_IMAGE OUT.png [DPI] */
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bio/fp_extract.h"
#include "bio/fp_extract_int.h"
#include "bio/fp_image.h"
#include "lib/parse.h"

static void put(uint8_t *rgb, int w, int h, int x, int y, int r, int g, int b)
{
	if (x < 0 || y < 0 || x >= w || y >= h)
		return;
	uint8_t *p = rgb + 3 * ((size_t)y * w + x);
	p[0] = (uint8_t)r;
	p[1] = (uint8_t)g;
	p[2] = (uint8_t)b;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s IN OUT.png [DPI]\n", argv[0]);
		return 2;
	}
	int64_t dpi = 0;
	if (argc > 3 && sh_parse_i64(argv[3], 0, 2000, &dpi) != 0)
		return 2;
	struct fp_image img;
	struct sh_err err;
	if (fp_image_load(argv[1], (int)dpi, &img, &err) ||
	    fp_image_resample(&img, FP_DPI, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	struct fp_template t;
	if (fp_extract(&img, &t, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	/* Re-run the stages to get at the skeleton and mask. */
	struct fp_work wk;
	if (fp_work_init(&wk, img.pixels, img.width, img.height, &err))
		return 1;
	fp_segment_stats(&wk);
	fp_orient_estimate(&wk);
	fp_segment_mask(&wk);
	fp_freq_estimate(&wk);
	fp_quality_blocks(&wk);
	fp_enhance_gabor(&wk);
	fp_thin(&wk);
	int w = img.width, h = img.height;
	/* Left half: the overlay; right half: the image, contrast-stretched. */
	int W = 2 * w;
	uint8_t *rgb = malloc((size_t)W * h * 3);
	int lo = 255, hi = 0;
	for (size_t i = 0; i < (size_t)w * h; i++) {
		if (img.pixels[i] < lo)
			lo = img.pixels[i];
		if (img.pixels[i] > hi)
			hi = img.pixels[i];
	}
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			int v = (img.pixels[(size_t)y * w + x] - lo) * 255 /
				(hi > lo ? hi - lo : 1);
			put(rgb, W, h, w + x, y, v, v, v);
		}
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			int v = 128 + img.pixels[(size_t)y * w + x] / 2;
			int m = fp_in_mask(&wk, x, y);
			if (!m)
				v = v * 3 / 4;
			put(rgb, W, h, x, y, v, v, v);
			if (wk.bin[(size_t)y * w + x])
				put(rgb, W, h, x, y, 40, 40, 220);
		}
	for (int i = 0; i < t.count; i++) {
		const struct fp_minutia *m = &t.minutiae[i];
		int r = m->type == FP_ENDING ? 230 : 0;
		int g = m->type == FP_ENDING ? 0 : 180;
		for (int dy = -3; dy <= 3; dy++)
			for (int dx = -3; dx <= 3; dx++)
				if (abs(dx) == 3 || abs(dy) == 3)
					put(rgb, W, h, (int)m->x + dx, (int)m->y + dy,
					    r, g, 0);
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
	int ok = png_image_write_to_file(&pi, argv[2], 0, rgb, 0, NULL);
	printf("%s: %dx%d minutiae %d quality %d\n", argv[1], w, h, t.count,
	       t.quality);
	free(rgb);
	fp_work_free(&wk);
	fp_image_free(&img);
	return ok ? 0 : 1;
}
