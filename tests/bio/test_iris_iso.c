/* test_iris_iso.c — ISO/IEC 19794-6:2005 iris image records: the header
 * bytes of a known record, image round trips (pixels and the IrisCode of a
 * drawn eye unchanged), and malformed or unsupported records refused. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "bio/iris_image.h"
#include "bio/iris_iso.h"

static void small_image(struct iris_image *img, uint8_t *px, int w, int h)
{
	for (int i = 0; i < w * h; i++)
		px[i] = (uint8_t)(i * 37 + 11);
	img->width = w;
	img->height = h;
	img->pixels = px;
}

Test(iris_iso, header_known_answer)
{
	uint8_t px[6 * 4];
	struct iris_image img;
	small_image(&img, px, 6, 4);
	struct iris_iso_info info = {IRIS_EYE_LEFT, 210, 77, 1};
	uint8_t *b = NULL;
	size_t n = 0;
	struct sh_err err;
	cr_assert_eq(iris_iso_encode(&img, &info, &b, &n, &err), SH_OK, "%s", err.msg);
	static const uint8_t head[59] = {
		'I', 'I', 'R', 0, '0', '1', '0', 0, /* format id, version */
		0, 0, 0, 83,                        /* record length 59 + 24 */
		0, 0,                               /* capture device */
		1,                                  /* one eye */
		0, 45,                              /* header length */
		0x01, 0x15,                         /* boundary extracted, progressive, base/base */
		0, 210,                             /* iris diameter */
		0, 2,                               /* mono raw */
		0, 6, 0, 4,                         /* 6 x 4 */
		8, 0,                               /* depth, no transformation */
		'0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0',
		2, 0, 1,                            /* left eye, one image */
		0, 1, 77, 0xff, 0xff, 0xff, 0xff,   /* number, quality, angle, uncertainty */
		0, 0, 0, 24,                        /* image length */
	};
	cr_assert_eq(n, sizeof head + 24);
	cr_assert_arr_eq(b, head, sizeof head);
	cr_assert_arr_eq(b + sizeof head, px, 24);
	struct iris_image out;
	struct iris_iso_info got;
	cr_assert_eq(iris_iso_decode(b, n, &out, &got, &err), SH_OK, "%s", err.msg);
	cr_expect_eq(out.width, 6);
	cr_expect_eq(out.height, 4);
	cr_expect_arr_eq(out.pixels, px, 24);
	cr_expect_eq(got.eye, IRIS_EYE_LEFT);
	cr_expect_eq(got.diameter, 210);
	cr_expect_eq(got.quality, 77);
	cr_expect_eq(got.images, 1);
	iris_image_free(&out);
	/* and through the sniffing decoder */
	cr_assert_eq(iris_image_decode(b, n, &out, &err), SH_OK, "%s", err.msg);
	cr_expect_arr_eq(out.pixels, px, 24);
	iris_image_free(&out);
	free(b);
}

static void expect_refused(const uint8_t *b, size_t n, const char *code, const char *what)
{
	struct iris_image out;
	struct sh_err err;
	cr_expect_neq(iris_iso_decode(b, n, &out, NULL, &err), SH_OK, "%s accepted", what);
	cr_expect_str_eq(err.code, code, "%s: %s", what, err.msg);
	cr_expect_null(out.pixels, "%s", what);
}

Test(iris_iso, malformed_and_unsupported_records_refused)
{
	uint8_t px[8 * 8];
	struct iris_image img;
	small_image(&img, px, 8, 8);
	uint8_t *b = NULL;
	size_t n = 0;
	struct sh_err err;
	cr_assert_eq(iris_iso_encode(&img, NULL, &b, &n, &err), SH_OK);
	uint8_t *m = malloc(n + 4);
	cr_assert(m);

	expect_refused(b, 20, "IRIS_ISO_MALFORMED", "truncated header");
	expect_refused(b, n - 1, "IRIS_ISO_MALFORMED", "one byte short");
	memcpy(m, b, n);
	m[0] = 'X';
	expect_refused(m, n, "IRIS_ISO_MALFORMED", "bad magic");
	memcpy(m, b, n);
	m[5] = '2';
	expect_refused(m, n, "IRIS_ISO_UNSUPPORTED", "version 020");
	memcpy(m, b, n);
	m[14] = 0;
	expect_refused(m, n, "IRIS_ISO_MALFORMED", "no eyes");
	memcpy(m, b, n);
	m[22] = 0x0e; /* mono JPEG 2000 */
	expect_refused(m, n, "IRIS_ISO_UNSUPPORTED", "JPEG 2000");
	memcpy(m, b, n);
	m[27] = 16;
	expect_refused(m, n, "IRIS_ISO_UNSUPPORTED", "16-bit depth");
	memcpy(m, b, n);
	m[24] = 9; /* width 9: image length no longer w x h */
	expect_refused(m, n, "IRIS_ISO_MALFORMED", "width disagrees");
	memcpy(m, b, n);
	m[45] = 7;
	expect_refused(m, n, "IRIS_ISO_MALFORMED", "eye position 7");
	memcpy(m, b, n);
	m[55] = 0x10; /* image length past the record */
	expect_refused(m, n, "IRIS_ISO_MALFORMED", "image length");
	/* trailing bytes after the only image */
	memcpy(m, b, n);
	m[n] = 0;
	m[11] = (uint8_t)(n + 1);
	expect_refused(m, n + 1, "IRIS_ISO_MALFORMED", "trailing bytes");
	free(m);
	free(b);
}
