/* test_image_decode.c — bio_image_decode_at, the repository's image gate,
 * on ISO/IEC 19794-4 records made here: the position the record names
 * must be the one it is filed under, its resolution is checked like a
 * file's, and a truncated, corrupt or unsupported record maps to the
 * API's stable codes. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "bio/fp_image.h"
#include "bio/fp_iso_image.h"
#include "biometrics/bio_enrol.h"

static uint8_t *record(int dpi, int position, size_t *len)
{
	uint8_t px[32 * 32];
	for (int i = 0; i < 32 * 32; i++)
		px[i] = (uint8_t)(i * 7);
	uint8_t *r = NULL;
	struct sh_err err = {0};
	cr_assert_eq(fp_iso_image_encode(px, sizeof px, FP_ISO_IMAGE_RAW, 32, 32, dpi, position, 50,
					 &r, len, &err),
		     SH_OK, "%s", err.msg);
	return r;
}

static void want(const uint8_t *b, size_t n, int position, int status, const char *code)
{
	struct fp_image img;
	struct sh_err err = {0};
	int rc = bio_image_decode_at(b, n, position, &img, &err);
	cr_assert_eq(rc, status, "%s: %s", err.code, err.msg);
	if (code)
		cr_assert_str_eq(err.code, code, "%s", err.msg);
	if (rc == SH_OK) {
		cr_assert_eq(img.width, 32);
		fp_image_free(&img);
	} else {
		cr_assert_null(img.pixels);
	}
}

Test(image_decode, iso_records_pass_the_repository_checks)
{
	size_t n;
	uint8_t *r = record(500, 3, &n);
	want(r, n, 3, SH_OK, NULL);
	want(r, n, 0, SH_OK, NULL); /* reextract: no position to check */
	want(r, n, 4, SH_EINVAL, "CAPTURE_POSITION");
	want(r, n - 1, 3, SH_EINVAL, "IMAGE_CORRUPT");
	r[29] = FP_ISO_IMAGE_WSQ;
	want(r, n, 3, SH_EINVAL, "IMAGE_FORMAT");
	free(r);
	/* an unknown position (0) in the record is not the label */
	r = record(500, 0, &n);
	want(r, n, 1, SH_EINVAL, "CAPTURE_POSITION");
	free(r);
	/* 100 dpi and 2000 dpi are outside what the engine resamples */
	r = record(100, 2, &n);
	want(r, n, 2, SH_ERULE, "IMAGE_RESOLUTION");
	free(r);
	r = record(2000, 2, &n);
	want(r, n, 2, SH_ERULE, "IMAGE_RESOLUTION");
	free(r);
	/* 1000 dpi is accepted and resampled later */
	r = record(1000, 2, &n);
	struct fp_image img;
	struct sh_err err = {0};
	cr_assert_eq(bio_image_decode_at(r, n, 2, &img, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(img.dpi, 1000);
	fp_image_free(&img);
	free(r);
}
