/* make_fp_image_seeds.c — seeds for fuzz_fp_image, cut from a real print.
 *
 *   make_fp_image_seeds FVC_TIFF OUT_DIR
 *
 * The FVC2002 images in ../shared/data are 90-166 KB, over the fuzzer's
 * 64 KiB input cap, and the set holds no PNG or JPEG. So scripts/fuzz cuts a
 * 96x96 patch from the middle of one and writes it as seed.tif, seed.png and
 * seed.jpg: every decoder starts from a valid file of real ridges, and no
 * fingerprint image is kept in the repository. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h> /* after stdio.h: it uses FILE and size_t */
#include <png.h>
#include <tiffio.h>

#include "bio/fp_image.h"

#define PATCH 96

static int write_tiff(const char *path, const uint8_t *px, int n)
{
	TIFF *t = TIFFOpen(path, "w");
	if (!t)
		return -1;
	TIFFSetField(t, TIFFTAG_IMAGEWIDTH, (uint32_t)n);
	TIFFSetField(t, TIFFTAG_IMAGELENGTH, (uint32_t)n);
	TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 8);
	TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
	TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
	TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
	TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, (uint32_t)n);
	int rc = 0;
	for (int y = 0; y < n && rc == 0; y++)
		rc = TIFFWriteScanline(t, (void *)(px + (size_t)y * n), (uint32_t)y, 0) == 1 ? 0 : -1;
	TIFFClose(t);
	return rc;
}

static int write_png(const char *path, const uint8_t *px, int n)
{
	png_image pi;
	memset(&pi, 0, sizeof pi);
	pi.version = PNG_IMAGE_VERSION;
	pi.width = (png_uint_32)n;
	pi.height = (png_uint_32)n;
	pi.format = PNG_FORMAT_GRAY;
	int ok = png_image_write_to_file(&pi, path, 0, px, 0, NULL);
	png_image_free(&pi);
	return ok ? 0 : -1;
}

static int write_jpeg(const char *path, const uint8_t *px, int n)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr jerr;
	c.err = jpeg_std_error(&jerr); /* errors exit: acceptable for a seed tool */
	jpeg_create_compress(&c);
	jpeg_stdio_dest(&c, f);
	c.image_width = (JDIMENSION)n;
	c.image_height = (JDIMENSION)n;
	c.input_components = 1;
	c.in_color_space = JCS_GRAYSCALE;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, 90, TRUE);
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < c.image_height) {
		JSAMPROW row = (JSAMPROW)(px + (size_t)c.next_scanline * n);
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	return fclose(f) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: make_fp_image_seeds FVC_TIFF OUT_DIR\n");
		return 2;
	}
	struct fp_image img;
	struct sh_err err = {0};
	if (fp_image_load(argv[1], 500, &img, &err) != SH_OK) {
		fprintf(stderr, "make_fp_image_seeds: %s: %s\n", argv[1], err.msg);
		return 1;
	}
	if (img.width < PATCH || img.height < PATCH) {
		fprintf(stderr, "make_fp_image_seeds: %s is smaller than %d px\n", argv[1], PATCH);
		fp_image_free(&img);
		return 1;
	}
	uint8_t patch[PATCH * PATCH];
	int x0 = (img.width - PATCH) / 2, y0 = (img.height - PATCH) / 2;
	for (int y = 0; y < PATCH; y++)
		memcpy(patch + y * PATCH, img.pixels + (size_t)(y0 + y) * img.width + x0, PATCH);
	fp_image_free(&img);

	const char *names[] = {"seed.tif", "seed.png", "seed.jpg"};
	int (*writers[])(const char *, const uint8_t *, int) = {write_tiff, write_png, write_jpeg};
	int status = 0;
	for (int i = 0; i < 3; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", argv[2], names[i]);
		if (writers[i](path, patch, PATCH) != 0) {
			fprintf(stderr, "make_fp_image_seeds: cannot write %s\n", path);
			status = 1;
		}
	}
	return status;
}
