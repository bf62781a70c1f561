/* test_fp_iso.c — ISO/IEC 19794-2:2005 minutiae records: a byte-exact
 * known answer, round trips, and rejection of malformed records. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bio/fp_iso.h"

#define PI_F 3.14159265f

static void small_template(struct fp_template *t)
{
	memset(t, 0, sizeof *t);
	t->width = 300;
	t->height = 400;
	t->quality = 80;
	t->count = 2;
	t->minutiae[0] = (struct fp_minutia){
		.x = 10, .y = 20, .angle = 0, .type = FP_ENDING, .quality = 50};
	t->minutiae[1] = (struct fp_minutia){.x = 100.4f, .y = 200.6f, .angle = PI_F / 2,
					     .type = FP_BIFURCATION, .quality = 90};
}

/* Clause 7: header (24), view header (4), 2 x minutia (6), ext length (2). */
static const uint8_t known[42] = {
	'F', 'M', 'R', 0, ' ', '2', '0', 0,   /* 7.3.1, 7.3.2 */
	0, 0, 0, 42,                          /* 7.3.3 record length */
	0, 0,                                 /* 7.3.4 equipment */
	0x01, 0x2c, 0x01, 0x90,               /* 7.3.5 300 x 400 */
	0x00, 0xc5, 0x00, 0xc5,               /* 7.3.6 197 px/cm */
	1, 0,                                 /* 7.3.7 one view, 7.3.8 reserved */
	0, 0, 80, 2,                          /* 7.4.1 pos, view/imp, q, count */
	0x40, 0x0a, 0x00, 0x14, 0x00, 50,     /* ending (10,20) 0 deg q50 */
	0x80, 0x64, 0x00, 0xc9, 0x40, 90,     /* bifurcation (100,201) 90 deg */
	0, 0,                                 /* 7.4.3 no extended data */
};

Test(fp_iso, encodes_known_answer)
{
	struct fp_template t;
	small_template(&t);
	uint8_t *b = NULL;
	size_t n = 0;
	struct sh_err err;
	cr_assert_eq(fp_iso_encode(&t, &b, &n, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(n, sizeof known);
	cr_assert_arr_eq(b, known, sizeof known);
	free(b);
}

Test(fp_iso, decodes_known_answer)
{
	struct fp_template t;
	struct sh_err err;
	cr_assert_eq(fp_iso_decode(known, sizeof known, &t, &err), SH_OK, "%s",
		     err.msg);
	cr_assert_eq(t.width, 300);
	cr_assert_eq(t.height, 400);
	cr_assert_eq(t.quality, 80);
	cr_assert_eq(t.count, 2);
	cr_assert_float_eq(t.minutiae[1].x, 100, 0.6);
	cr_assert_float_eq(t.minutiae[1].y, 201, 0.6);
	cr_assert_float_eq(t.minutiae[1].angle, PI_F / 2, 1e-4);
	cr_assert_eq(t.minutiae[1].type, FP_BIFURCATION);
	cr_assert_eq(t.minutiae[0].type, FP_ENDING);
	cr_assert_eq(t.minutiae[1].quality, 90);
}

Test(fp_iso, round_trip_within_quantisation)
{
	struct fp_template t, u;
	memset(&t, 0, sizeof t);
	t.width = 388;
	t.height = 374;
	t.quality = 55;
	srand(7);
	for (int i = 0; i < FP_MAX_MINUTIAE; i++) {
		struct fp_minutia *m = &t.minutiae[t.count++];
		m->x = (float)(rand() % 3870) / 10;
		m->y = (float)(rand() % 3730) / 10;
		m->angle = (float)(rand() % 6283) / 1000;
		m->type = (uint8_t)(rand() % 3);
		m->quality = (uint8_t)(rand() % 101);
	}
	uint8_t *b;
	size_t n;
	struct sh_err err;
	cr_assert_eq(fp_iso_encode(&t, &b, &n, &err), SH_OK);
	cr_assert_eq(n, (size_t)(24 + 4 + 6 * FP_MAX_MINUTIAE + 2));
	cr_assert_eq(fp_iso_decode(b, n, &u, &err), SH_OK, "%s", err.msg);
	free(b);
	cr_assert_eq(u.count, t.count);
	cr_assert_eq(u.width, t.width);
	for (int i = 0; i < t.count; i++) {
		cr_assert_leq(fabsf(u.minutiae[i].x - t.minutiae[i].x), 0.5f);
		cr_assert_leq(fabsf(u.minutiae[i].y - t.minutiae[i].y), 0.5f);
		float d = fabsf(u.minutiae[i].angle - t.minutiae[i].angle);
		if (d > PI_F)
			d = 2 * PI_F - d;
		/* half a unit of 1.40625 degrees */
		cr_assert_leq(d, 0.5f * 2 * PI_F / 256 + 1e-4f);
		cr_assert_eq(u.minutiae[i].type, t.minutiae[i].type);
		cr_assert_eq(u.minutiae[i].quality, t.minutiae[i].quality);
	}
}

Test(fp_iso, other_resolution_scales_to_500_dpi)
{
	uint8_t b[sizeof known];
	memcpy(b, known, sizeof b);
	/* 394 px/cm (~1000 dpi): coordinates halve */
	b[18] = 0x01; b[19] = 0x8a; b[20] = 0x01; b[21] = 0x8a;
	struct fp_template t;
	cr_assert_eq(fp_iso_decode(b, sizeof b, &t, NULL), SH_OK);
	cr_assert_eq(t.width, 150);
	cr_assert_float_eq(t.minutiae[1].x, 50, 0.5);
}

static void expect_bad(const uint8_t *b, size_t n, const char *why)
{
	struct fp_template t;
	struct sh_err err;
	memset(&err, 0, sizeof err);
	int rc = fp_iso_decode(b, n, &t, &err);
	cr_assert_eq(rc, SH_EINVAL, "accepted: %s", why);
	cr_assert(strncmp(err.code, "FP_ISO_", 7) == 0, "%s: code %s", why,
		  err.code);
	cr_assert_eq(t.count, 0);
}

Test(fp_iso, rejects_malformed_records)
{
	uint8_t b[64];
	/* every truncation */
	for (size_t n = 0; n < sizeof known; n++)
		expect_bad(known, n, "truncated");
	expect_bad(NULL, 0, "null");
#define MUTATE(stmt, why) do { memcpy(b, known, sizeof known); stmt; \
	expect_bad(b, sizeof known, why); } while (0)
	MUTATE(b[0] = 'X', "format id");
	MUTATE(b[5] = '1', "version");
	MUTATE(b[11] = 41, "record length");
	MUTATE(b[11] = 200, "record length too big");
	MUTATE((b[14] = 0, b[15] = 0), "zero width");
	MUTATE((b[18] = 0, b[19] = 0), "zero resolution");
	MUTATE(b[22] = 0, "no views");
	MUTATE(b[22] = 2, "two views");
	MUTATE(b[23] = 1, "reserved byte");
	MUTATE(b[24] = 11, "finger position");
	MUTATE(b[25] = 5, "impression type");
	MUTATE(b[26] = 101, "finger quality");
	MUTATE(b[27] = 3, "count past the end");
	MUTATE(b[27] = 1, "count short of the end");
	MUTATE(b[28] |= 0xc0, "minutia type 11");
	MUTATE((b[28] = 0x41, b[29] = 0x2c), "x = width");
	MUTATE((b[30] = 0x01, b[31] = 0x90), "y = height");
	MUTATE(b[30] |= 0x40, "reserved y bits");
	MUTATE(b[33] = 101, "minutia quality");
	MUTATE(b[41] = 4, "extended length past the end");
	/* extended data present but inconsistent: length 4, area length 9 */
	memcpy(b, known, sizeof known);
	b[11] = 46;
	b[41] = 4;
	b[42] = 0; b[43] = 1; b[44] = 0; b[45] = 9;
	expect_bad(b, 46, "extended area length");
	/* and consistent: accepted */
	b[45] = 4;
	struct fp_template t;
	cr_assert_eq(fp_iso_decode(b, 46, &t, NULL), SH_OK);
	cr_assert_eq(t.count, 2);
}

Test(fp_iso, encode_rejects_bad_templates)
{
	struct fp_template t;
	small_template(&t);
	uint8_t *b = (uint8_t *)1;
	size_t n = 1;
	t.width = 0;
	cr_assert_eq(fp_iso_encode(&t, &b, &n, NULL), SH_EINVAL);
	cr_assert_null(b);
	small_template(&t);
	t.count = FP_MAX_MINUTIAE + 1;
	cr_assert_eq(fp_iso_encode(&t, &b, &n, NULL), SH_EINVAL);
}

/* Orientation descriptors travel in our vendor-defined extended data area
 * and come back unchanged; other readers see a well-formed area to skip. */
Test(fp_iso, descriptors_round_trip_in_extended_data)
{
	static struct fp_template t, u;
	small_template(&t);
	for (int i = 0; i < t.count; i++) {
		t.minutiae[i].omask = 0x8000fff1u ^ (uint32_t)i;
		for (int k = 0; k < FP_ODESC_N; k++)
			t.minutiae[i].odesc[k] = (uint8_t)(37 * k + 11 * i);
	}
	uint8_t *b = NULL;
	size_t n = 0;
	struct sh_err err;
	cr_assert_eq(fp_iso_encode(&t, &b, &n, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(n, sizeof known + FP_ISO_ODESC_AREA_BYTES(2));
	/* the fixed part is the plain record's up to the extended data */
	cr_assert_arr_eq(b + 12, known + 12, sizeof known - 2 - 12);
	cr_assert_eq(fp_iso_decode(b, n, &u, &err), SH_OK, "%s", err.msg);
	for (int i = 0; i < t.count; i++) {
		cr_assert_eq(u.minutiae[i].omask, t.minutiae[i].omask);
		cr_assert_arr_eq(u.minutiae[i].odesc, t.minutiae[i].odesc, FP_ODESC_N);
	}
	/* our area with a length that does not fit the minutiae: rejected */
	uint8_t *c = malloc(n);
	cr_assert_not_null(c);
	memcpy(c, b, n);
	size_t area = sizeof known;                 /* after the ext length */
	c[area + 3] = (uint8_t)(c[area + 3] - 36);  /* one minutia short */
	c[area - 1] = (uint8_t)(c[area - 1] - 36);
	c[11] = (uint8_t)(c[11] - 36);
	cr_assert_eq(fp_iso_decode(c, n - 36, &u, &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "FP_ISO_MALFORMED");
	/* a wrong format byte: rejected too */
	memcpy(c, b, n);
	c[area + 4] = 99;
	cr_assert_eq(fp_iso_decode(c, n, &u, &err), SH_EINVAL);
	free(c);
	free(b);
}
