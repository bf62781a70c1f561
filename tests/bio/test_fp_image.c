/* test_fp_image.c — image input: TIFF/PNG/JPEG decoding from memory (made
 * here with the same libraries), declared resolution, caps, malformed
 * input, raw import and resampling. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jpeglib.h>
#include <png.h>
#include <tiffio.h>

#include "bio/fp_image.h"

static uint8_t *pattern(int w, int h)
{
	uint8_t *p = malloc((size_t)w * h);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			p[y * w + x] = (uint8_t)((x * 7 + y * 3) & 0xff);
	return p;
}

static uint8_t *make_png(const uint8_t *px, int w, int h, size_t *len)
{
	png_image pi;
	memset(&pi, 0, sizeof pi);
	pi.version = PNG_IMAGE_VERSION;
	pi.width = (png_uint_32)w;
	pi.height = (png_uint_32)h;
	pi.format = PNG_FORMAT_GRAY;
	png_alloc_size_t n = 0;
	cr_assert(png_image_write_to_memory(&pi, NULL, &n, 0, px, 0, NULL));
	uint8_t *b = malloc(n);
	cr_assert(png_image_write_to_memory(&pi, b, &n, 0, px, 0, NULL));
	*len = n;
	return b;
}

static uint8_t *make_jpeg(const uint8_t *px, int w, int h, int dpi, size_t *len)
{
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr e;
	c.err = jpeg_std_error(&e);
	jpeg_create_compress(&c);
	unsigned char *mem = NULL;
	unsigned long n = 0;
	jpeg_mem_dest(&c, &mem, &n);
	c.image_width = (JDIMENSION)w;
	c.image_height = (JDIMENSION)h;
	c.input_components = 1;
	c.in_color_space = JCS_GRAYSCALE;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, 95, TRUE);
	c.density_unit = 1;
	c.X_density = c.Y_density = (UINT16)dpi;
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < c.image_height) {
		JSAMPROW row = (JSAMPROW)(px + (size_t)c.next_scanline * w);
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	uint8_t *b = malloc(n);
	memcpy(b, mem, n);
	free(mem);
	*len = n;
	return b;
}

static uint8_t *make_tiff(const uint8_t *px, int w, int h, float dpi, size_t *len)
{
	char path[] = "/tmp/fp_image_test_XXXXXX";
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	close(fd);
	TIFF *t = TIFFOpen(path, "w");
	cr_assert_not_null(t);
	TIFFSetField(t, TIFFTAG_IMAGEWIDTH, (uint32_t)w);
	TIFFSetField(t, TIFFTAG_IMAGELENGTH, (uint32_t)h);
	TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 8);
	TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
	TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
	TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
	TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, 16);
	if (dpi > 0) {
		TIFFSetField(t, TIFFTAG_XRESOLUTION, dpi);
		TIFFSetField(t, TIFFTAG_YRESOLUTION, dpi);
		TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
	}
	for (int y = 0; y < h; y++)
		cr_assert(TIFFWriteScanline(t, (void *)(px + (size_t)y * w),
					    (uint32_t)y, 0) == 1);
	TIFFClose(t);
	FILE *f = fopen(path, "rb");
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *b = malloc((size_t)n);
	cr_assert_eq(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	unlink(path);
	*len = (size_t)n;
	return b;
}

Test(fp_image, tiff_decodes_exactly_with_resolution)
{
	uint8_t *px = pattern(40, 30);
	size_t n;
	uint8_t *b = make_tiff(px, 40, 30, 569, &n);
	struct fp_image img;
	struct sh_err err;
	cr_assert_eq(fp_image_decode(b, n, 0, &img, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(img.width, 40);
	cr_assert_eq(img.height, 30);
	cr_assert_eq(img.dpi, 569);
	cr_assert_arr_eq(img.pixels, px, 40 * 30);
	fp_image_free(&img);
	cr_assert_null(img.pixels);
	/* a given resolution overrides the file's */
	cr_assert_eq(fp_image_decode(b, n, 500, &img, &err), SH_OK);
	cr_assert_eq(img.dpi, 500);
	fp_image_free(&img);
	free(b);
	free(px);
}

Test(fp_image, png_decodes_exactly_default_500)
{
	uint8_t *px = pattern(33, 17);
	size_t n;
	uint8_t *b = make_png(px, 33, 17, &n);
	struct fp_image img;
	struct sh_err err;
	cr_assert_eq(fp_image_decode(b, n, 0, &img, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(img.width, 33);
	cr_assert_eq(img.height, 17);
	cr_assert_eq(img.dpi, 500);
	cr_assert_arr_eq(img.pixels, px, 33 * 17);
	fp_image_free(&img);
	free(b);
	free(px);
}

Test(fp_image, jpeg_decodes_close_with_density)
{
	int w = 64, h = 48;
	uint8_t *px = malloc((size_t)w * h);
	for (int i = 0; i < w * h; i++)
		px[i] = (uint8_t)(100 + (i % w));  /* smooth: small JPEG error */
	size_t n;
	uint8_t *b = make_jpeg(px, w, h, 1000, &n);
	struct fp_image img;
	struct sh_err err;
	cr_assert_eq(fp_image_decode(b, n, 0, &img, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(img.width, w);
	cr_assert_eq(img.height, h);
	cr_assert_eq(img.dpi, 1000);
	long diff = 0;
	for (int i = 0; i < w * h; i++)
		diff += labs((long)img.pixels[i] - px[i]);
	cr_assert_lt(diff / (w * h), 3);
	fp_image_free(&img);
	/* 72 dpi (a header default) is not believed: 500 instead */
	free(b);
	b = make_jpeg(px, w, h, 72, &n);
	cr_assert_eq(fp_image_decode(b, n, 0, &img, &err), SH_OK);
	cr_assert_eq(img.dpi, 500);
	fp_image_free(&img);
	free(b);
	free(px);
}

static void expect_error(const uint8_t *b, size_t n, const char *what)
{
	struct fp_image img;
	struct sh_err err;
	memset(&err, 0, sizeof err);
	int rc = fp_image_decode(b, n, 0, &img, &err);
	cr_assert_neq(rc, SH_OK, "accepted %s (%zu bytes)", what, n);
	cr_assert(strncmp(err.code, "FP_IMAGE_", 9) == 0, "%s: %s", what, err.code);
	cr_assert_null(img.pixels);
}

Test(fp_image, truncated_and_garbage_input_is_an_error)
{
	uint8_t *px = pattern(64, 64);
	size_t nt, np, nj;
	uint8_t *t = make_tiff(px, 64, 64, 500, &nt);
	uint8_t *p = make_png(px, 64, 64, &np);
	uint8_t *j = make_jpeg(px, 64, 64, 500, &nj);
	for (int k = 0; k < 8; k++) {
		expect_error(t, nt * k / 8, "truncated TIFF");
		expect_error(p, np * k / 8, "truncated PNG");
		expect_error(j, nj * k / 8, "truncated JPEG");
	}
	/* magic numbers followed by noise */
	uint8_t g[512];
	srand(3);
	for (int round = 0; round < 20; round++) {
		for (size_t i = 0; i < sizeof g; i++)
			g[i] = (uint8_t)rand();
		memcpy(g, "II*\0", 4);
		expect_error(g, sizeof g, "garbage TIFF");
		memcpy(g, p, 8);
		expect_error(g, sizeof g, "garbage PNG");
		g[0] = 0xff; g[1] = 0xd8; g[2] = 0xff;
		expect_error(g, sizeof g, "garbage JPEG");
	}
	expect_error((const uint8_t *)"GIF89a....", 10, "GIF");
	expect_error(NULL, 0, "nothing");
	free(t);
	free(p);
	free(j);
	free(px);
}

Test(fp_image, caps_are_enforced)
{
	struct fp_image img;
	struct sh_err err;
	/* over the byte cap: refused before decoding */
	size_t big = (size_t)FP_MAX_FILE_BYTES + 1;
	uint8_t *b = calloc(1, big);
	memcpy(b, "II*\0", 4);
	cr_assert_eq(fp_image_decode(b, big, 0, &img, &err), SH_ETOOBIG);
	cr_assert_str_eq(err.code, "FP_IMAGE_TOO_LARGE");
	free(b);
	/* over the side cap */
	int w = FP_MAX_IMAGE_SIDE + 1;
	uint8_t *px = calloc(1, (size_t)w);
	size_t n;
	b = make_png(px, w, 1, &n);
	cr_assert_eq(fp_image_decode(b, n, 0, &img, &err), SH_ETOOBIG);
	cr_assert_str_eq(err.code, "FP_IMAGE_TOO_LARGE");
	free(b);
	cr_assert_eq(fp_image_from_raw(px, w, 1, 500, &img, &err), SH_ETOOBIG);
	free(px);
	/* resolution out of range */
	uint8_t one = 0;
	cr_assert_eq(fp_image_from_raw(&one, 1, 1, 100, &img, &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "FP_IMAGE_DPI");
	cr_assert_eq(fp_image_from_raw(&one, 0, 1, 500, &img, &err), SH_EINVAL);
}

Test(fp_image, resample_changes_size_keeps_level)
{
	int w = 200, h = 100;
	uint8_t *px = malloc((size_t)w * h);
	memset(px, 77, (size_t)w * h);
	struct fp_image img;
	struct sh_err err;
	cr_assert_eq(fp_image_from_raw(px, w, h, 1000, &img, &err), SH_OK);
	cr_assert_eq(fp_image_resample(&img, 500, &err), SH_OK);
	cr_assert_eq(img.width, 100);
	cr_assert_eq(img.height, 50);
	cr_assert_eq(img.dpi, 500);
	for (int i = 0; i < 100 * 50; i++)
		cr_assert_eq(img.pixels[i], 77);
	fp_image_free(&img);
	/* a ramp stays a ramp when enlarged 2x: midpoints interpolate */
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			px[y * w + x] = (uint8_t)x;
	cr_assert_eq(fp_image_from_raw(px, w, h, 250, &img, &err), SH_OK);
	cr_assert_eq(fp_image_resample(&img, 500, &err), SH_OK);
	cr_assert_eq(img.width, 400);
	cr_assert_eq(img.height, 200);
	/* output x maps to source (x + 0.5) / 2 - 0.5 */
	cr_assert_eq(img.pixels[100 * 400 + 101], 50);
	cr_assert_eq(img.pixels[100 * 400 + 100], 50);  /* 49.75 rounds */
	fp_image_free(&img);
	/* 569 dpi (FVC2002 DB2): 296 -> 260 */
	cr_assert_eq(fp_image_from_raw(px, 296 > w ? w : 296, h, 569, &img, &err), SH_OK);
	cr_assert_eq(fp_image_resample(&img, 500, &err), SH_OK);
	cr_assert_eq(img.width, 176);
	fp_image_free(&img);
	free(px);
}

Test(fp_image, loads_fvc_file)
{
	const char *root = getenv("SHANAKHT_SHARED_DATA");
	if (!root)
		cr_skip_test("SHANAKHT_SHARED_DATA not set");
	char path[512];
	snprintf(path, sizeof path,
		 "%s/fingerprints/fvc2002/DB1_B/101_1.tif", root);
	if (access(path, R_OK) != 0)
		cr_skip_test("no FVC data");
	struct fp_image img;
	struct sh_err err;
	cr_assert_eq(fp_image_load(path, 0, &img, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(img.width, 388);
	cr_assert_eq(img.height, 374);
	cr_assert_eq(img.dpi, 500);
	fp_image_free(&img);
	cr_assert_eq(fp_image_load("/nonexistent/x.tif", 0, &img, &err), SH_EIO);
}
