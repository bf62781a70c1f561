/* test_face_iso.c — ISO/IEC 19794-5:2005 face image records: the layout
 * of a written record byte by byte, a round trip (record -> image ->
 * the same face), and refusal of malformed records. */
#include <math.h>

#include "bio/face_extract.h"
#include "bio/face_iso.h"
#include "bio/face_match.h"
#include "face_test_util.h"

static void small_image(struct face_image *img)
{
	static uint8_t px[64 * 48 * 3];
	for (size_t i = 0; i < sizeof px; i++)
		px[i] = (uint8_t)(i * 31 % 251);
	struct sh_err err;
	cr_assert_eq(face_image_from_raw(px, 64, 48, 3, img, &err), 0);
}

Test(face_iso, writes_the_2005_layout)
{
	struct face_image img;
	struct face_landmarks lm;
	struct face_quality q = {.score = 77, .yaw = 10, .pitch = -4, .roll = 0};
	small_image(&img);
	for (int i = 0; i < FACE_LANDMARKS; i++)
		lm.p[i] = (struct face_point){(float)(i % 60), (float)(i % 40)};
	uint8_t *r;
	size_t len;
	struct sh_err err;
	cr_assert_eq(face_iso_write(&img, &lm, &q, &r, &len, &err), 0, "%s", err.msg);
	cr_assert_gt(len, 14 + 20 + 6 * 8 + 12);
	cr_expect_eq(memcmp(r, "FAC\0" "010\0", 8), 0);
	cr_expect_eq(((uint32_t)r[8] << 24 | r[9] << 16 | r[10] << 8 | r[11]), len);
	cr_expect_eq(r[12], 0);
	cr_expect_eq(r[13], 1); /* one image */
	const uint8_t *f = r + 14;
	cr_expect_eq(((uint32_t)f[0] << 24 | f[1] << 16 | f[2] << 8 | f[3]), len - 14);
	cr_expect_eq(f[5], 6); /* feature points */
	cr_expect_eq(f[14], 96); /* yaw 10 deg: 10 / 2 + 91 */
	cr_expect_eq(f[15], 89); /* pitch -4 */
	cr_expect_eq(f[16], 91); /* roll 0 */
	const uint8_t *p = f + 20;
	cr_expect_eq(p[0], 1);    /* 2-D point */
	cr_expect_eq(p[1], 0x35); /* MPEG-4 3.5: the subject's left eye centre */
	const uint8_t *ii = f + 20 + 6 * 8;
	cr_expect_eq(ii[0], 0);                  /* basic */
	cr_expect_eq(ii[1], 0);                  /* JPEG */
	cr_expect_eq(ii[2] << 8 | ii[3], 64);     /* width */
	cr_expect_eq(ii[4] << 8 | ii[5], 48);     /* height */
	cr_expect_eq(ii[6], 1);                  /* 24-bit RGB */
	cr_expect_eq(ii[10] << 8 | ii[11], 77);   /* quality */
	cr_expect_eq(ii[12], 0xff);              /* JPEG SOI */
	cr_expect_eq(ii[13], 0xd8);

	struct face_iso iso;
	cr_assert_eq(face_iso_parse(r, len, &iso, &err), 0, "%s", err.msg);
	cr_expect_eq(iso.width, 64);
	cr_expect_eq(iso.height, 48);
	cr_expect_eq(iso.quality, 77);
	cr_expect_eq(iso.pose_known, 1);
	cr_expect_eq(iso.yaw, 10);
	cr_expect_eq(iso.pitch, -4);
	cr_expect_eq(iso.npoints, 6);
	cr_expect_eq(iso.points[2].code, 0x93); /* nose tip = landmark 30 */
	cr_expect_eq(iso.points[2].x, 30);
	cr_expect_eq(iso.points[2].y, 30);
	struct face_image back;
	cr_assert_eq(face_image_decode(iso.jpeg, iso.jpeg_len, &back, &err), 0, "%s", err.msg);
	cr_expect_eq(back.w, 64);
	cr_expect_eq(back.h, 48);
	face_image_free(&back);
	free(r);
	face_image_free(&img);
}

static void expect_bad(const uint8_t *r, size_t len, const char *code)
{
	struct face_iso iso;
	struct sh_err err;
	cr_assert_neq(face_iso_parse(r, len, &iso, &err), 0);
	cr_expect_str_eq(err.code, code, "%s", err.msg);
}

Test(face_iso, refuses_malformed_records)
{
	struct face_image img;
	small_image(&img);
	uint8_t *r;
	size_t len;
	struct sh_err err;
	cr_assert_eq(face_iso_write(&img, NULL, NULL, &r, &len, &err), 0);
	expect_bad(r, len - 1, "FACE_ISO_MALFORMED");   /* length field disagrees */
	expect_bad(r, 20, "FACE_ISO_MALFORMED");        /* too short */
	uint8_t *c = malloc(len);
	cr_assert_not_null(c);
	memcpy(c, r, len);
	c[0] = 'X';
	expect_bad(c, len, "FACE_ISO_MALFORMED");
	memcpy(c, r, len);
	c[5] = '3'; /* version 030 */
	expect_bad(c, len, "FACE_ISO_UNSUPPORTED");
	memcpy(c, r, len);
	c[13] = 2; /* two images */
	expect_bad(c, len, "FACE_ISO_UNSUPPORTED");
	memcpy(c, r, len);
	c[14 + 20 + 1] = 1; /* JPEG 2000 */
	expect_bad(c, len, "FACE_ISO_UNSUPPORTED");
	memcpy(c, r, len);
	c[14 + 4] = c[14 + 5] = 0xff; /* 65,535 feature points do not fit */
	expect_bad(c, len, "FACE_ISO_MALFORMED");
	memcpy(c, r, len);
	c[14 + 14] = 200; /* pose code over 181 */
	c[14 + 15] = c[14 + 16] = 91;
	expect_bad(c, len, "FACE_ISO_MALFORMED");
	free(c);
	free(r);
	face_image_free(&img);
}

/* A demo photo through a record and back gives the same face (JPEG at
 * quality 95 moves the descriptor a little, far less than another face). */
Test(face_iso, round_trip_keeps_the_face)
{
	char p[1024];
	face_demo_path("sample2.jpg", p, sizeof p);
	struct face_engine e;
	struct face_image img, back;
	struct face_result a, b;
	struct sh_err err;
	cr_assert_eq(face_engine_load(NULL, &e, &err), 0, "%s", err.msg);
	cr_assert_eq(face_image_load(p, &img, &err), 0);
	cr_assert_eq(face_extract(&e, &img, NULL, &a, &err), 0, "%s", err.msg);
	uint8_t *r;
	size_t len;
	cr_assert_eq(face_iso_write(&img, &a.lm, &a.quality, &r, &len, &err), 0);
	struct face_iso iso;
	cr_assert_eq(face_iso_parse(r, len, &iso, &err), 0, "%s", err.msg);
	cr_assert_eq(face_image_decode(iso.jpeg, iso.jpeg_len, &back, &err), 0);
	cr_assert_eq(face_extract(&e, &back, NULL, &b, &err), 0, "%s", err.msg);
	float d = face_match_distance(a.desc, b.desc);
	cr_expect_lt(d, 0.1f, "distance after the round trip %f", d);
	cr_expect_eq(iso.quality, a.quality.score);
	free(r);
	face_image_free(&img);
	face_image_free(&back);
	face_engine_free(&e);
}
