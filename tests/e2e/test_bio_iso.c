/* test_bio_iso.c — ISO/IEC 19794-4 finger image records and the quality
 * floor end to end through the real `shanakht serve` and the software
 * device: records built here from FVC2002 DB2_B images (raw and PNG data)
 * enrol a person; a record filed under another position, a truncated one
 * and a WSQ one are refused with nothing stored; a finger under the
 * engine's recapture floor (FP_QUALITY_RECAPTURE) is asked again until
 * its last attempt and then kept with the low-quality flag; a thumb sent on
 * the other hand's slot is caught by the cross-position pass. FVC2002:
 * BioLab, University of Bologna. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#include "bio/fp.h"
#include "bio/fp_image.h"
#include "bio/fp_iso_image.h"
#include "biometrics/bio_enrol.h"
#include "e2e.h"

#define LHR1 "PB-LHR-01-001"

static struct e2e_server srv;
static char t_enrol[80], t_adj[80], key_path[400], fvc[512];

static void start(void)
{
	const char *root = getenv("SHANAKHT_SHARED_DATA");
	cr_assert_not_null(root, "SHANAKHT_SHARED_DATA is set by CTest");
	snprintf(fvc, sizeof fvc, "%s/fingerprints/fvc2002/DB2_B", root);
	cr_assert_eq(e2e_start(&srv, NULL), 0, "server starts");
	cr_assert_eq(e2e_operator(&srv, "enrol1", "enrolment_operator", LHR1, t_enrol), 0);
	cr_assert_eq(e2e_operator(&srv, "adj1", "biometric_adjudicator", NULL, t_adj), 0);
	e2e_bio_device(&srv, "DEV-ISO-1", "SN-ISO", LHR1, key_path, sizeof key_path);
}

static void stop(void)
{
	cr_assert_eq(e2e_stop(&srv), 0);
}

TestSuite(bio_iso, .init = start, .fini = stop, .timeout = 300);

static char *person(const char *name_en)
{
	json_t *b = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "name_en", name_en,
			      "name_ur", "علی", "guardian_name_en", "Akbar Ali", "guardian_relation",
			      "father", "gender", "male", "dob", "1985-03-02", "place_of_birth",
			      "Lahore", "council_code", LHR1, "citizenship", "citizen", "reason",
			      "test");
	struct e2e_resp r;
	e2e_request_json(&srv, "POST", "/api/v1/persons", srv.admin_token, b, &r);
	json_decref(b);
	cr_assert_eq(r.status, 201, "create person: %ld %s", r.status, r.body);
	char *id = calloc(1, 16);
	cr_assert_not_null(id);
	e2e_idnum_digits(json_string_value(json_object_get(r.json, "id_number")), id);
	e2e_resp_free(&r);
	return id;
}

static void load(int subject, int imp, struct fp_image *img)
{
	char p[600];
	struct sh_err err = {0};
	snprintf(p, sizeof p, "%s/%d_%d.tif", fvc, subject, imp);
	cr_assert_eq(fp_image_load(p, 500, img, &err), SH_OK, "%s: %s", p, err.msg);
}

static uint8_t *png_of(const struct fp_image *im, size_t *len)
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

static void write_file(const char *path, const uint8_t *b, size_t n)
{
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f, "%s", path);
	cr_assert_eq(fwrite(b, 1, n, f), n);
	cr_assert_eq(fclose(f), 0);
}

/* An ISO record of FVC finger `subject` (impression imp) naming `pos`,
 * raw or PNG data, written to the server's directory; `cut` bytes off the
 * end and `comp_byte` >= 0 overwriting the compression field make bad ones. */
static void iso_file(const char *name, int subject, int imp, int pos, int png, size_t cut,
		     int comp_byte, char *path, size_t pathn)
{
	struct fp_image img;
	load(subject, imp, &img);
	size_t dl = (size_t)img.width * img.height, rl = 0;
	uint8_t *data = png ? png_of(&img, &dl) : img.pixels, *rec = NULL;
	struct sh_err err = {0};
	cr_assert_eq(fp_iso_image_encode(data, dl, png ? FP_ISO_IMAGE_PNG : FP_ISO_IMAGE_RAW,
					 img.width, img.height, 500, pos, 0, &rec, &rl, &err),
		     SH_OK, "%s", err.msg);
	if (comp_byte >= 0)
		rec[29] = (uint8_t)comp_byte;
	snprintf(path, pathn, "%s/%s", srv.dir, name);
	write_file(path, rec, rl - cut);
	free(rec);
	if (png)
		free(data);
	fp_image_free(&img);
}

/* `shanakht device sign` over files: pos=path pairs. */
static char *sign(const char *idn, const char *const *files, int n)
{
	const char *args[32] = {"device", "sign", "--key", key_path, "--device-id", "DEV-ISO-1",
				"--operator", "enrol1", "--id-number", idn};
	int k = 10;
	char pairs[10][700];
	for (int i = 0; i < n; i++) {
		snprintf(pairs[i], sizeof pairs[i], "%d=%s", i + 1, files[i]);
		args[k++] = pairs[i];
	}
	args[k] = NULL;
	char *out = NULL;
	cr_assert_eq(e2e_run_cli(args, &out), 0, "device sign: %s", out);
	return out;
}

static struct e2e_resp enrol(const char *idn, const char *body, long want, const char *code)
{
	char path[96];
	snprintf(path, sizeof path, "/api/v1/persons/%s/fingerprints", idn);
	struct e2e_resp r;
	e2e_request(&srv, "POST", path, t_enrol, body, NULL, &r);
	cr_assert_eq(r.status, want, "enrol %s: want %ld got %ld %s", idn, want, r.status,
		     r.body);
	if (code)
		cr_assert_str_eq(e2e_error_code(&r), code, "%s", r.body);
	return r;
}

static void refused(const char *idn, const char *const *files, int n, long want,
		    const char *code)
{
	char *body = sign(idn, files, n);
	struct e2e_resp r = enrol(idn, body, want, code);
	e2e_resp_free(&r);
	free(body);
}

static json_t *status_of(const char *idn, struct e2e_resp *r)
{
	char path[96];
	snprintf(path, sizeof path, "/api/v1/persons/%s/biometrics", idn);
	e2e_request(&srv, "GET", path, t_enrol, NULL, NULL, r);
	cr_assert_eq(r->status, 200, "%s", r->body);
	return r->json;
}

Test(bio_iso, records_enrol_and_bad_records_store_nothing)
{
	char *a = person("Iso Record");
	char raw1[600], png2[600], wrong[600], cut[600], wsq[600];
	iso_file("a1.fir", 101, 1, 1, 0, 0, -1, raw1, sizeof raw1);
	iso_file("a2.fir", 102, 1, 2, 1, 0, -1, png2, sizeof png2);
	iso_file("wrong.fir", 102, 1, 3, 0, 0, -1, wrong, sizeof wrong);
	iso_file("cut.fir", 102, 1, 2, 0, 1000, -1, cut, sizeof cut);
	iso_file("wsq.fir", 102, 1, 2, 0, 0, FP_ISO_IMAGE_WSQ, wsq, sizeof wsq);

	/* finger 3's record filed as position 2 */
	const char *w[] = {raw1, wrong};
	refused(a, w, 2, 400, "CAPTURE_POSITION");
	const char *c[] = {raw1, cut};
	refused(a, c, 2, 400, "IMAGE_CORRUPT");
	const char *q[] = {raw1, wsq};
	refused(a, q, 2, 400, "IMAGE_FORMAT");
	struct e2e_resp r;
	cr_assert_null(json_object_get(status_of(a, &r), "state"), "nothing stored: %s", r.body);
	e2e_resp_free(&r);

	const char *good[] = {raw1, png2};
	char *body = sign(a, good, 2);
	r = enrol(a, body, 201, NULL);
	free(body);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "state")), "unique", "%s",
			 r.body);
	json_t *fingers = json_object_get(r.json, "fingers");
	cr_assert_eq(json_array_size(fingers), 2);
	for (size_t i = 0; i < 2; i++) {
		json_t *f = json_array_get(fingers, i);
		cr_assert_geq(json_integer_value(json_object_get(f, "quality")),
			      FP_QUALITY_RECAPTURE, "%s", r.body);
	}
	e2e_resp_free(&r);
	free(a);
}

/* The centre crop of a DB2_B print whose engine quality (fp_quality) lies
 * between the old floor (20) and FP_QUALITY_RECAPTURE: smaller prints score
 * lower (fp_quality.c scales by ridge area), so shrinking the crop finds
 * one without tuning to a particular image. */
static uint8_t *low_quality_png(size_t *len, int *quality)
{
	struct fp_image src;
	load(104, 1, &src);
	struct sh_err err = {0};
	uint8_t *out = NULL;
	for (int side = 240; side >= 60 && !out; side -= 8) {
		int x0 = (src.width - side) / 2, y0 = (src.height - side) / 2;
		if (x0 < 0 || y0 < 0)
			continue;
		struct fp_image c = {.width = side, .height = side, .dpi = 500};
		c.pixels = malloc((size_t)side * side);
		cr_assert_not_null(c.pixels);
		for (int y = 0; y < side; y++)
			memcpy(c.pixels + (size_t)y * side, src.pixels + (size_t)(y0 + y) * src.width + x0,
			       (size_t)side);
		int q = 0;
		cr_assert_eq(fp_quality(&c, &q, &err), SH_OK, "%s", err.msg);
		if (q >= 20 && q < FP_QUALITY_RECAPTURE) {
			*quality = q;
			out = png_of(&c, len);
		}
		free(c.pixels);
	}
	fp_image_free(&src);
	cr_assert_not_null(out, "no crop with quality in 20..%d", FP_QUALITY_RECAPTURE - 1);
	return out;
}

Test(bio_iso, a_finger_under_the_engine_floor_is_recaptured_then_flagged)
{
	cr_assert_eq(BIO_QUALITY_FLOOR, FP_QUALITY_RECAPTURE, "enrolment uses the engine's floor");
	char *b = person("Low Quality");
	char good[600], low[600];
	iso_file("b1.fir", 105, 1, 1, 0, 0, -1, good, sizeof good);
	size_t n = 0;
	int want_q = 0;
	uint8_t *png = low_quality_png(&n, &want_q);
	snprintf(low, sizeof low, "%s/low.png", srv.dir);
	write_file(low, png, n);
	free(png);
	const char *files[] = {good, low};
	for (int attempt = 1; attempt <= BIO_MAX_ATTEMPTS; attempt++) {
		char *body = sign(b, files, 2);
		struct e2e_resp r = enrol(b, body, attempt < BIO_MAX_ATTEMPTS ? 422 : 201,
					  attempt < BIO_MAX_ATTEMPTS ? "RECAPTURE_NEEDED" : NULL);
		free(body);
		json_t *f2 = json_array_get(json_object_get(r.json, "fingers"), 1);
		cr_assert_not_null(f2, "%s", r.body);
		/* the repository's figure is the engine's fp_quality() */
		cr_assert_eq(json_integer_value(json_object_get(f2, "quality")), want_q, "%s",
			     r.body);
		cr_assert_eq(json_integer_value(json_object_get(f2, "attempts")), attempt, "%s",
			     r.body);
		cr_assert_eq(json_is_true(json_object_get(f2, "recapture")),
			     attempt < BIO_MAX_ATTEMPTS, "%s", r.body);
		cr_assert_eq(json_is_true(json_object_get(f2, "low_quality")),
			     attempt == BIO_MAX_ATTEMPTS, "%s", r.body);
		e2e_resp_free(&r);
	}
	struct e2e_resp r;
	json_t *st = status_of(b, &r);
	cr_assert_str_eq(json_string_value(json_object_get(st, "state")), "unique", "%s", r.body);
	json_t *kept = json_object_get(st, "fingers");
	int flagged = 0;
	for (size_t i = 0; i < json_array_size(kept); i++) {
		json_t *f = json_array_get(kept, i);
		if (json_integer_value(json_object_get(f, "position")) == 2)
			flagged = json_is_true(json_object_get(f, "low_quality")) &&
				  json_integer_value(json_object_get(f, "attempts")) == BIO_MAX_ATTEMPTS;
	}
	cr_assert(flagged, "position 2 kept with the low-quality flag: %s", r.body);
	e2e_resp_free(&r);
	free(b);
}

/* Mislabelled positions: B's right thumb (FVC 106) was enrolled by A's
 * operator as it should be; B comes back with that thumb on the left-thumb
 * slot (6) — the same-position search cannot see it, the cross-position
 * pass holds the enrolment and the case names the positions. */
Test(bio_iso, a_thumb_under_the_wrong_position_is_held)
{
	char *a = person("Right Thumb"), *b = person("Left Slot");
	char f[4][700];
	snprintf(f[0], sizeof f[0], "%s/106_1.tif", fvc);
	snprintf(f[1], sizeof f[1], "%s/107_1.tif", fvc);
	snprintf(f[2], sizeof f[2], "%s/106_3.tif", fvc);
	snprintf(f[3], sizeof f[3], "%s/108_1.tif", fvc);
	const char *fa[] = {f[0], f[1]};
	char *body = sign(a, fa, 2);
	struct e2e_resp r = enrol(a, body, 201, NULL);
	free(body);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "state")), "unique", "%s",
			 r.body);
	e2e_resp_free(&r);
	/* positions 6 and 7: a capture of the left hand */
	const char *args[] = {"device", "sign", "--key", key_path, "--device-id", "DEV-ISO-1",
			      "--operator", "enrol1", "--id-number", b, NULL, NULL, NULL};
	char p6[720], p7[720];
	snprintf(p6, sizeof p6, "6=%s", f[2]);
	snprintf(p7, sizeof p7, "7=%s", f[3]);
	args[10] = p6;
	args[11] = p7;
	char *out = NULL;
	cr_assert_eq(e2e_run_cli(args, &out), 0, "device sign: %s", out);
	r = enrol(b, out, 201, NULL);
	free(out);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "state")), "held", "%s",
			 r.body);
	json_t *cases = json_object_get(r.json, "cases");
	cr_assert_eq(json_array_size(cases), 1, "%s", r.body);
	json_int_t id = json_integer_value(json_object_get(json_array_get(cases, 0), "case_id"));
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(cases, 0), "candidate")),
			 a);
	e2e_resp_free(&r);
	char path[96];
	snprintf(path, sizeof path, "/api/v1/biometrics/cases/%lld", (long long)id);
	e2e_request(&srv, "GET", path, t_adj, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	json_t *cross = json_object_get(json_object_get(r.json, "scores"), "cross");
	cr_assert_not_null(cross, "%s", r.body);
	cr_assert_eq(json_integer_value(json_object_get(cross, "position")), 6, "%s", r.body);
	cr_assert_eq(json_integer_value(json_object_get(cross, "candidate_position")), 1, "%s",
		     r.body);
	e2e_resp_free(&r);
	free(a);
	free(b);
}
