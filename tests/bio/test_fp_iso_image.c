/* test_fp_iso_image.c — ISO/IEC 19794-4:2005 finger image records: a
 * record laid out byte by byte here (known answer), raw/PNG/JPEG records
 * built from an FVC2002 image in the test (never a committed copy of the
 * data) decoding to the image's pixels and template, and every way a
 * record can be truncated or corrupt refused with its code. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jpeglib.h>
#include <png.h>

#include "bio/fp_extract.h"
#include "bio/fp_image.h"
#include "bio/fp_iso_image.h"

/* General header + finger header for a w x h image, by clause 8 field
 * order, written out field by field rather than by the encoder. */
static uint8_t *hand_record(int units, int res, int depth, int comp, int pos,
			    int w, int h, const uint8_t *data, size_t n, size_t *len)
{
	size_t total = 32 + 14 + n;
	uint8_t *r = calloc(1, total);
	memcpy(r, "FIR\0" "010\0", 8);
	r[8] = 0, r[9] = 0; /* record length, 48 bits */
	r[10] = (uint8_t)(total >> 24), r[11] = (uint8_t)(total >> 16);
	r[12] = (uint8_t)(total >> 8), r[13] = (uint8_t)total;
	r[14] = 0x12, r[15] = 0x34;           /* capture device id */
	r[16] = 0, r[17] = 31;                /* acquisition level */
	r[18] = 1;                            /* fingers */
	r[19] = (uint8_t)units;
	for (int k = 0; k < 4; k++) {         /* scan h/v, image h/v */
		r[20 + 2 * k] = (uint8_t)(res >> 8);
		r[21 + 2 * k] = (uint8_t)res;
	}
	r[28] = (uint8_t)depth;
	r[29] = (uint8_t)comp;
	uint8_t *f = r + 32;
	size_t bl = 14 + n;
	f[0] = (uint8_t)(bl >> 24), f[1] = (uint8_t)(bl >> 16);
	f[2] = (uint8_t)(bl >> 8), f[3] = (uint8_t)bl;
	f[4] = (uint8_t)pos;
	f[5] = 1, f[6] = 1;                   /* views, view number */
	f[7] = 77;                            /* quality */
	f[8] = 0;                             /* live-scan plain */
	f[9] = (uint8_t)(w >> 8), f[10] = (uint8_t)w;
	f[11] = (uint8_t)(h >> 8), f[12] = (uint8_t)h;
	memcpy(f + 14, data, n);
	*len = total;
	return r;
}

Test(fp_iso_image, hand_built_raw_record_decodes_exactly)
{
	const uint8_t px[6] = {0, 10, 20, 200, 254, 255};
	size_t len;
	uint8_t *r = hand_record(1, 500, 8, 0, 3, 3, 2, px, 6, &len);
	struct fp_image img;
	struct fp_iso_image_info info;
	struct sh_err err = {0};
	cr_assert(fp_iso_image_sniff(r, len));
	cr_assert_eq(fp_iso_image_decode(r, len, &img, &info, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(img.width, 3);
	cr_assert_eq(img.height, 2);
	cr_assert_eq(img.dpi, 500);
	cr_assert_arr_eq(img.pixels, px, 6);
	cr_assert_eq(info.position, 3);
	cr_assert_eq(info.quality, 77);
	cr_assert_eq(info.compression, FP_ISO_IMAGE_RAW);
	fp_image_free(&img);
	free(r);
	/* 197 pixels/cm is 500 dpi (ISO/IEC 19794-4 scale units 2) */
	r = hand_record(2, 197, 8, 0, 3, 3, 2, px, 6, &len);
	cr_assert_eq(fp_iso_image_decode(r, len, &img, &info, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(img.dpi, 500);
	fp_image_free(&img);
	free(r);
}

Test(fp_iso_image, depths_and_bit_packing_scale_to_eight_bits)
{
	/* 4 pixels at 4 bits packed: 0x0, 0xF, 0x8, 0x1 */
	const uint8_t packed[2] = {0x0f, 0x81};
	size_t len;
	uint8_t *r = hand_record(1, 500, 4, 1, 1, 2, 2, packed, 2, &len);
	struct fp_image img;
	struct sh_err err = {0};
	cr_assert_eq(fp_iso_image_decode(r, len, &img, NULL, &err), SH_OK, "%s", err.msg);
	const uint8_t want[4] = {0, 255, 136, 17};
	cr_assert_arr_eq(img.pixels, want, 4);
	fp_image_free(&img);
	free(r);
	/* 16 bits, two bytes a pixel, big-endian */
	const uint8_t wide[4] = {0xff, 0xff, 0x00, 0x00};
	r = hand_record(1, 500, 16, 0, 1, 2, 1, wide, 4, &len);
	cr_assert_eq(fp_iso_image_decode(r, len, &img, NULL, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(img.pixels[0], 255);
	cr_assert_eq(img.pixels[1], 0);
	fp_image_free(&img);
	free(r);
	/* a 4-bit pixel of 0x1f in one byte exceeds its depth */
	const uint8_t over[1] = {0x1f};
	r = hand_record(1, 500, 4, 0, 1, 1, 1, over, 1, &len);
	cr_assert_neq(fp_iso_image_decode(r, len, &img, NULL, &err), SH_OK);
	cr_assert_str_eq(err.code, "FP_ISO_IMAGE_MALFORMED");
	free(r);
}

static int fvc_image(struct fp_image *img)
{
	const char *root = getenv("SHANAKHT_SHARED_DATA");
	char p[1024];
	snprintf(p, sizeof p, "%s/fingerprints/fvc2002/DB1_B/101_1.tif",
		 root ? root : "../shared/data");
	if (access(p, R_OK) != 0)
		return -1;
	struct sh_err err = {0};
	cr_assert_eq(fp_image_load(p, 500, img, &err), SH_OK, "%s", err.msg);
	return 0;
}

static uint8_t *make_png(const struct fp_image *im, size_t *len)
{
	png_image pi;
	memset(&pi, 0, sizeof pi);
	pi.version = PNG_IMAGE_VERSION;
	pi.width = (png_uint_32)im->width;
	pi.height = (png_uint_32)im->height;
	pi.format = PNG_FORMAT_GRAY;
	png_alloc_size_t n = 0;
	cr_assert(png_image_write_to_memory(&pi, NULL, &n, 0, im->pixels, 0, NULL));
	uint8_t *b = malloc(n);
	cr_assert(png_image_write_to_memory(&pi, b, &n, 0, im->pixels, 0, NULL));
	*len = n;
	return b;
}

static uint8_t *make_jpeg(const struct fp_image *im, size_t *len)
{
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr e;
	c.err = jpeg_std_error(&e);
	jpeg_create_compress(&c);
	unsigned char *mem = NULL;
	unsigned long n = 0;
	jpeg_mem_dest(&c, &mem, &n);
	c.image_width = (JDIMENSION)im->width;
	c.image_height = (JDIMENSION)im->height;
	c.input_components = 1;
	c.in_color_space = JCS_GRAYSCALE;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, 95, TRUE);
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < c.image_height) {
		JSAMPROW row = (JSAMPROW)(im->pixels + (size_t)c.next_scanline * im->width);
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

static void extract(const struct fp_image *im, struct fp_template *t)
{
	struct sh_err err = {0};
	cr_assert_eq(fp_extract(im, t, &err), SH_OK, "%s", err.msg);
}

Test(fp_iso_image, fvc_image_in_raw_png_and_jpeg_records, .timeout = 60)
{
	struct fp_image src;
	if (fvc_image(&src) != 0)
		cr_skip_test("FVC2002 not found");
	static struct fp_template t0, t1;
	extract(&src, &t0);
	struct sh_err err = {0};
	const int comp[3] = {FP_ISO_IMAGE_RAW, FP_ISO_IMAGE_PNG, FP_ISO_IMAGE_JPEG};
	for (int k = 0; k < 3; k++) {
		size_t dl = (size_t)src.width * src.height, rl;
		uint8_t *data = k == 0 ? src.pixels : k == 1 ? make_png(&src, &dl) : make_jpeg(&src, &dl);
		uint8_t *rec = NULL;
		cr_assert_eq(fp_iso_image_encode(data, dl, comp[k], src.width, src.height, 500, 2,
						 60, &rec, &rl, &err),
			     SH_OK, "%s", err.msg);
		cr_assert_eq(rl, 32 + 14 + dl);
		struct fp_image img;
		struct fp_iso_image_info info;
		cr_assert_eq(fp_iso_image_decode(rec, rl, &img, &info, &err), SH_OK, "%d: %s", k,
			     err.msg);
		cr_assert_eq(info.compression, comp[k]);
		cr_assert_eq(info.position, 2);
		cr_assert_eq(img.width, src.width);
		cr_assert_eq(img.height, src.height);
		cr_assert_eq(img.dpi, 500);
		extract(&img, &t1);
		if (k < 2) {
			/* lossless: the same pixels, the same template */
			cr_assert_arr_eq(img.pixels, src.pixels, (size_t)src.width * src.height);
			cr_assert_eq(t1.count, t0.count);
			cr_assert_eq(t1.quality, t0.quality);
		} else {
			/* JPEG at quality 95: close, not equal */
			cr_assert(abs(t1.quality - t0.quality) <= 10, "%d vs %d", t1.quality,
				  t0.quality);
		}
		fp_image_free(&img);
		free(rec);
		if (k)
			free(data);
	}
	fp_image_free(&src);
}

static void refused_at(const uint8_t *r, size_t len, const char *code, int line)
{
	struct fp_image img;
	struct sh_err err = {0};
	int rc = fp_iso_image_decode(r, len, &img, NULL, &err);
	cr_assert_neq(rc, SH_OK, "line %d: accepted a bad record (want %s)", line, code);
	cr_assert_str_eq(err.code, code, "line %d: %s", line, err.msg);
	cr_assert_null(img.pixels);
}
#define refused(r, len, code) refused_at(r, len, code, __LINE__)

Test(fp_iso_image, truncated_and_corrupt_records_are_refused)
{
	uint8_t px[64];
	for (int i = 0; i < 64; i++)
		px[i] = (uint8_t)(i * 4);
	size_t len;
	uint8_t *r = hand_record(1, 500, 8, 0, 1, 8, 8, px, 64, &len);
	uint8_t *c = malloc(len);
	/* every truncation */
	for (size_t n = 0; n < len; n++)
		refused(r, n, "FP_ISO_IMAGE_MALFORMED");
	/* a byte more than the record says */
	uint8_t *longer = calloc(1, len + 1);
	memcpy(longer, r, len);
	refused(longer, len + 1, "FP_ISO_IMAGE_MALFORMED");
	free(longer);
#define MUTATE(off, val, code)                 \
	do {                                   \
		memcpy(c, r, len);             \
		c[off] = (uint8_t)(val);       \
		refused(c, len, code);         \
	} while (0)
	MUTATE(0, 'X', "FP_ISO_IMAGE_MALFORMED");   /* magic */
	MUTATE(5, '2', "FP_ISO_IMAGE_UNSUPPORTED"); /* version 020 */
	MUTATE(5, '9', "FP_ISO_IMAGE_MALFORMED");   /* unknown version */
	MUTATE(13, 0xff, "FP_ISO_IMAGE_MALFORMED"); /* record length */
	MUTATE(18, 0, "FP_ISO_IMAGE_MALFORMED");    /* no fingers */
	MUTATE(18, 2, "FP_ISO_IMAGE_UNSUPPORTED");  /* two fingers */
	MUTATE(19, 3, "FP_ISO_IMAGE_MALFORMED");    /* scale units */
	MUTATE(25, 0x2c, "FP_ISO_IMAGE_UNSUPPORTED"); /* image h 300 vs v 500 */
	MUTATE(24, 0, "FP_ISO_IMAGE_UNSUPPORTED");  /* h 244, non-square */
	MUTATE(28, 0, "FP_ISO_IMAGE_MALFORMED");    /* depth 0 */
	MUTATE(28, 17, "FP_ISO_IMAGE_MALFORMED");   /* depth 17 */
	MUTATE(29, 2, "FP_ISO_IMAGE_UNSUPPORTED");  /* WSQ */
	MUTATE(29, 4, "FP_ISO_IMAGE_UNSUPPORTED");  /* JPEG 2000 */
	MUTATE(29, 9, "FP_ISO_IMAGE_MALFORMED");    /* unknown compression */
	MUTATE(35, 0x10, "FP_ISO_IMAGE_MALFORMED"); /* finger block length */
	MUTATE(36, 13, "FP_ISO_IMAGE_UNSUPPORTED"); /* multi-finger position */
	MUTATE(37, 2, "FP_ISO_IMAGE_UNSUPPORTED");  /* two views */
	MUTATE(39, 150, "FP_ISO_IMAGE_MALFORMED");  /* quality */
	MUTATE(40, 4, "FP_ISO_IMAGE_UNSUPPORTED");  /* latent */
	MUTATE(42, 0, "FP_ISO_IMAGE_MALFORMED");    /* width 0 */
	MUTATE(42, 9, "FP_ISO_IMAGE_MALFORMED");    /* width 9: data too short */
	MUTATE(44, 4, "FP_ISO_IMAGE_MALFORMED");    /* height 4: data too long */
	free(r);
	/* a side over the cap, refused before any allocation */
	r = hand_record(1, 500, 8, 0, 1, 8, 8, px, 64, &len);
	r[41] = 0x40; /* width 16392 */
	refused(r, len, "FP_IMAGE_TOO_LARGE");
	free(r);
	/* PNG data that is not PNG, and a PNG of another size than declared */
	r = hand_record(1, 500, 8, 5, 1, 8, 8, px, 64, &len);
	refused(r, len, "FP_ISO_IMAGE_MALFORMED");
	free(r);
	struct fp_image im = {.width = 8, .height = 8, .dpi = 500, .pixels = px};
	size_t pl;
	uint8_t *png = make_png(&im, &pl);
	r = hand_record(1, 500, 8, 5, 1, 8, 7, png, pl, &len);
	refused(r, len, "FP_ISO_IMAGE_MALFORMED");
	free(r);
	/* a PNG cut short (inside its image data) inside the record */
	r = hand_record(1, 500, 8, 5, 1, 8, 8, png, pl / 2, &len);
	refused(r, len, "FP_ISO_IMAGE_MALFORMED");
	free(r);
	free(png);
	free(c);
}
