/* test_biometrics.c — the biometric repository end to end through the real
 * `shanakht serve` and the software device (`shanakht device`): a device
 * registered, a person enrolled from FVC2002 images, a second person with
 * other impressions of the same fingers -> hit -> adjudication -> blocked,
 * an unrelated person -> no hit; forged, replayed, stale, revoked-device and
 * other-person captures refused with nothing stored; sealed data not
 * readable in the store file. FVC2002 DB1_B: BioLab, University of Bologna. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "e2e.h"

#define LHR1 "PB-LHR-01-001"

static struct e2e_server srv;
static char t_enrol[80], t_adj[80], t_exam[80], key_path[400], fvc[512];

static void start(void)
{
	const char *root = getenv("SHANAKHT_SHARED_DATA");
	cr_assert_not_null(root, "SHANAKHT_SHARED_DATA is set by CTest");
	snprintf(fvc, sizeof fvc, "%s/fingerprints/fvc2002/DB1_B", root);
	cr_assert_eq(e2e_start(&srv, NULL), 0, "server starts");
	cr_assert_eq(e2e_operator(&srv, "enrol1", "enrolment_operator", LHR1, t_enrol), 0);
	cr_assert_eq(e2e_operator(&srv, "adj1", "biometric_adjudicator", NULL, t_adj), 0);
	cr_assert_eq(e2e_operator(&srv, "exam1", "biometric_examiner", NULL, t_exam), 0);
}

static void stop(void)
{
	cr_assert_eq(e2e_stop(&srv), 0);
}

TestSuite(biometrics, .init = start, .fini = stop, .timeout = 300);

static char *person(const char *name_en)
{
	json_t *b = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "name_en", name_en,
			      "name_ur", "علی", "guardian_name_en", "Akbar Ali", "guardian_relation",
			      "father", "gender", "male", "dob", "1990-05-01", "place_of_birth",
			      "Lahore", "council_code", LHR1, "citizenship", "citizen", "reason",
			      "test");
	struct e2e_resp r;
	e2e_request_json(&srv, "POST", "/api/v1/persons", srv.admin_token, b, &r);
	json_decref(b);
	cr_assert_eq(r.status, 201, "create person: %ld %s", r.status, r.body);
	const char *printed = json_string_value(json_object_get(r.json, "id_number"));
	char *id = calloc(1, 16);
	cr_assert_not_null(id);
	e2e_idnum_digits(printed, id);
	e2e_resp_free(&r);
	return id;
}

/* keygen + POST /biometrics/devices; returns nothing, key at key_path. */
static void device(const char *id, const char *council)
{
	e2e_bio_device(&srv, id, "SN-1", council, key_path, sizeof key_path);
}

/* A signed enrolment body for fingers `subjects` (FVC finger numbers) at
 * impression `imp`, positions 1.. in order. extra: more CLI args or NULL. */
static char *sign_as(const char *op, const char *dev, const char *idn, const int *subjects,
		     int n, int imp, const char *const *extra)
{
	return e2e_bio_sign(key_path, dev, op, idn, fvc, subjects, n, imp, extra);
}

static char *sign(const char *dev, const char *idn, const int *subjects, int n, int imp,
		  const char *const *extra)
{
	return sign_as("enrol1", dev, idn, subjects, n, imp, extra);
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

static const char *state_of(const char *idn, char *buf, size_t n)
{
	char path[96];
	snprintf(path, sizeof path, "/api/v1/persons/%s/biometrics", idn);
	struct e2e_resp r;
	e2e_request(&srv, "GET", path, t_enrol, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_null(strstr(r.body, "template\""), "no template in a read");
	const char *s = json_string_value(json_object_get(r.json, "state"));
	snprintf(buf, n, "%s", s ? s : "not_enrolled");
	e2e_resp_free(&r);
	return buf;
}

Test(biometrics, duplicate_identity_is_held_adjudicated_and_blocked)
{
	device("DEV-LHR-1", LHR1);
	char *a = person("First Person"), *b = person("Second Person"), *c = person("Third Person");
	const int fingers[] = {101, 102, 103, 104};
	const int others[] = {105, 106, 107, 108};
	char st[24];

	char *body = sign("DEV-LHR-1", a, fingers, 4, 1, NULL);
	struct e2e_resp r = enrol(a, body, 201, NULL);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "state")), "unique", "%s", r.body);
	cr_assert_eq(json_array_size(json_object_get(r.json, "fingers")), 4);
	e2e_resp_free(&r);
	/* the same capture again: a replay */
	r = enrol(a, body, 409, "CAPTURE_REPLAY");
	e2e_resp_free(&r);
	free(body);

	/* other impressions of the same four fingers, under another identity */
	body = sign("DEV-LHR-1", b, fingers, 4, 3, NULL);
	r = enrol(b, body, 201, NULL);
	free(body);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "state")), "held", "%s", r.body);
	json_t *cases = json_object_get(r.json, "cases");
	cr_assert_eq(json_array_size(cases), 1, "%s", r.body);
	json_int_t case_id = json_integer_value(json_object_get(json_array_get(cases, 0), "case_id"));
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(cases, 0), "candidate")), a);
	e2e_resp_free(&r);
	cr_assert_str_eq(state_of(b, st, sizeof st), "held");

	/* an unrelated person: no hit */
	body = sign("DEV-LHR-1", c, others, 4, 1, NULL);
	r = enrol(c, body, 201, NULL);
	free(body);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "state")), "unique", "%s", r.body);
	cr_assert_eq(json_array_size(json_object_get(r.json, "cases")), 0);
	e2e_resp_free(&r);

	/* 1:1 at the council: a genuine finger, an impostor, a held record */
	char vpath[96];
	snprintf(vpath, sizeof vpath, "/api/v1/persons/%s/fingerprints/verify", c);
	body = sign("DEV-LHR-1", c, others, 2, 2, NULL);
	e2e_request(&srv, "POST", vpath, t_enrol, body, NULL, &r);
	free(body);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "result")), "yes", "%s", r.body);
	cr_assert_null(strstr(r.body, "score"), "a band, never a score");
	e2e_resp_free(&r);
	body = sign("DEV-LHR-1", c, fingers, 2, 2, NULL);
	e2e_request(&srv, "POST", vpath, t_enrol, body, NULL, &r);
	free(body);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "result")), "no", "%s", r.body);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "band")), "none");
	e2e_resp_free(&r);
	snprintf(vpath, sizeof vpath, "/api/v1/persons/%s/fingerprints/verify", b);
	body = sign("DEV-LHR-1", b, fingers, 2, 2, NULL);
	e2e_request(&srv, "POST", vpath, t_enrol, body, NULL, &r);
	free(body);
	cr_assert_eq(r.status, 422, "%s", r.body);
	cr_assert_str_eq(e2e_error_code(&r), "BIO_NOT_VERIFIABLE");
	e2e_resp_free(&r);

	/* 1:N identification by the examiner, with a legal reason */
	body = sign_as("exam1", "DEV-LHR-1", "unknown", fingers, 2, 5, NULL);
	e2e_request(&srv, "POST", "/api/v1/biometrics/identify", t_exam, body, NULL, &r);
	cr_assert_eq(r.status, 400, "%s", r.body);
	cr_assert_str_eq(e2e_error_code(&r), "LEGAL_REASON_REQUIRED");
	e2e_resp_free(&r);
	json_error_t je;
	json_t *jb = json_loads(body, 0, &je);
	json_object_set_new(jb, "legal_reason", json_string("court order 12/2026"));
	char *withreason = json_dumps(jb, JSON_COMPACT);
	json_decref(jb);
	e2e_request(&srv, "POST", "/api/v1/biometrics/identify", t_enrol, withreason, NULL, &r);
	cr_assert_eq(r.status, 403, "only the examiner role");
	e2e_resp_free(&r);
	e2e_request(&srv, "POST", "/api/v1/biometrics/identify", t_exam, withreason, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_null(strstr(r.body, "score"), "a band, never a score");
	json_t *cand = json_object_get(r.json, "candidates");
	int found_a = 0;
	for (size_t i = 0; i < json_array_size(cand); i++)
		found_a |= !strcmp(json_string_value(json_object_get(json_array_get(cand, i),
								     "id_number")), a);
	cr_assert(found_a, "the enrolled person is identified: %s", r.body);
	e2e_resp_free(&r);
	free(withreason);
	free(body);

	/* the queue: only the adjudicator */
	e2e_request(&srv, "GET", "/api/v1/biometrics/cases", t_enrol, NULL, NULL, &r);
	cr_assert_eq(r.status, 403);
	e2e_resp_free(&r);
	e2e_request(&srv, "GET", "/api/v1/biometrics/cases", t_adj, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_eq(json_integer_value(json_object_get(r.json, "count")), 1);
	e2e_resp_free(&r);
	/* an unknown state or a bad limit is refused, not an empty queue */
	e2e_request(&srv, "GET", "/api/v1/biometrics/cases?state=opened", t_adj, NULL, NULL, &r);
	cr_assert_eq(r.status, 400, "%s", r.body);
	cr_assert_str_eq(e2e_error_code(&r), "BAD_QUERY");
	e2e_resp_free(&r);
	e2e_request(&srv, "GET", "/api/v1/biometrics/cases?limit=0", t_adj, NULL, NULL, &r);
	cr_assert_eq(r.status, 400, "%s", r.body);
	e2e_resp_free(&r);
	e2e_request(&srv, "GET", "/api/v1/biometrics/cases?state=same_person", t_adj, NULL, NULL,
		    &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_eq(json_integer_value(json_object_get(r.json, "count")), 0);
	e2e_resp_free(&r);
	char path[160];
	snprintf(path, sizeof path, "/api/v1/biometrics/cases/%lld", (long long)case_id);
	e2e_request(&srv, "GET", path, t_adj, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_not_null(json_object_get(json_object_get(r.json, "probe"), "person"));
	cr_assert_not_null(json_object_get(json_object_get(r.json, "candidate"), "person"));
	cr_assert_eq(json_array_size(json_object_get(json_object_get(r.json, "scores"), "fingers")),
		     4, "%s", r.body);
	e2e_resp_free(&r);

	/* an image view needs a reason; with one it is the captured image */
	snprintf(path, sizeof path, "/api/v1/biometrics/cases/%lld/image?side=candidate&position=1",
		 (long long)case_id);
	e2e_request(&srv, "GET", path, t_adj, NULL, NULL, &r);
	cr_assert_eq(r.status, 400);
	cr_assert_str_eq(e2e_error_code(&r), "REASON_REQUIRED");
	e2e_resp_free(&r);
	snprintf(path, sizeof path,
		 "/api/v1/biometrics/cases/%lld/image?side=candidate&position=1&reason=compare%%20ridges",
		 (long long)case_id);
	e2e_request(&srv, "GET", path, t_adj, NULL, NULL, &r);
	cr_assert_eq(r.status, 200);
	char file[600];
	snprintf(file, sizeof file, "%s/101_1.tif", fvc);
	FILE *f = fopen(file, "rb");
	cr_assert_not_null(f);
	char *orig = malloc(r.len + 1);
	size_t on = fread(orig, 1, r.len + 1, f);
	fclose(f);
	cr_assert_eq(on, r.len, "the image as captured");
	cr_assert_eq(memcmp(orig, r.body, r.len), 0);
	free(orig);
	e2e_resp_free(&r);

	/* decision: same person */
	snprintf(path, sizeof path, "/api/v1/biometrics/cases/%lld/decision", (long long)case_id);
	e2e_request(&srv, "POST", path, t_adj, "{\"decision\":\"same_person\",\"reason\":\"x\"}",
		    NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	e2e_resp_free(&r);
	e2e_request(&srv, "POST", path, t_adj, "{\"decision\":\"different_persons\",\"reason\":\"x\"}",
		    NULL, &r);
	cr_assert_eq(r.status, 409);
	cr_assert_str_eq(e2e_error_code(&r), "CASE_DECIDED");
	e2e_resp_free(&r);
	cr_assert_str_eq(state_of(b, st, sizeof st), "blocked");
	cr_assert_str_eq(state_of(a, st, sizeof st), "duplicate");
	/* a blocked record cannot re-enrol */
	body = sign("DEV-LHR-1", b, others, 2, 2, NULL);
	r = enrol(b, body, 422, "BIO_BLOCKED");
	e2e_resp_free(&r);
	free(body);

	/* the audit log holds the steps */
	e2e_request(&srv, "GET", "/api/v1/audit/entries?limit=500", srv.admin_token, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_not_null(strstr(r.body, "bio.case.open"));
	cr_assert_not_null(strstr(r.body, "bio.image.view"));
	cr_assert_not_null(strstr(r.body, "bio.case.decide"));
	cr_assert_not_null(strstr(r.body, "bio.identify"));
	e2e_resp_free(&r);

	/* sealed: neither image bytes nor ISO templates are in the store file */
	if (!strncmp(srv.db_url, "sqlite:", 7)) {
		FILE *db = fopen(srv.db_url + 7, "rb");
		cr_assert_not_null(db);
		fseek(db, 0, SEEK_END);
		long n = ftell(db);
		rewind(db);
		char *all = malloc((size_t)n);
		cr_assert_eq(fread(all, 1, (size_t)n, db), (size_t)n);
		fclose(db);
		f = fopen(file, "rb");
		char img[4096];
		cr_assert_eq(fread(img, 1, sizeof img, f), sizeof img);
		fclose(f);
		cr_assert_null(memmem(all, (size_t)n, img + 2048, 64), "image bytes in the store");
		cr_assert_null(memmem(all, (size_t)n, "FMR\0 20\0", 8), "an ISO template in the store");
		free(all);
	}
	free(a);
	free(b);
	free(c);
}

Test(biometrics, bad_captures_are_refused_and_store_nothing)
{
	device("DEV-LHR-2", LHR1);
	char *a = person("Fourth Person"), *b = person("Fifth Person");
	const int fingers[] = {101, 102};
	char st[24];
	/* forged: the envelope changed after signing */
	char *body = sign("DEV-LHR-2", a, fingers, 2, 1, NULL);
	json_error_t je;
	json_t *j = json_loads(body, 0, &je);
	char *env = strdup(json_string_value(json_object_get(j, "envelope")));
	char *n = strstr(env, "\"nonce\":\"");
	cr_assert_not_null(n);
	n[9] = n[9] == 'a' ? 'b' : 'a';
	json_object_set_new(j, "envelope", json_string(env));
	char *forged = json_dumps(j, JSON_COMPACT);
	struct e2e_resp r = enrol(a, forged, 401, "CAPTURE_SIGNATURE");
	e2e_resp_free(&r);
	free(forged);
	free(env);
	json_decref(j);
	/* a capture signed for another person */
	r = enrol(b, body, 422, "CAPTURE_PERSON");
	e2e_resp_free(&r);
	free(body);
	/* stale: ten minutes old */
	char ts[32];
	snprintf(ts, sizeof ts, "%lld", (long long)time(NULL) - 600);
	const char *stale[] = {"--time", ts, NULL};
	body = sign("DEV-LHR-2", a, fingers, 2, 1, stale);
	r = enrol(a, body, 422, "CAPTURE_STALE");
	e2e_resp_free(&r);
	free(body);
	/* a position twice is refused by the device's own envelope check */
	const int twice[] = {101, 102};
	const char *dup[] = {"--nonce", "00112233445566778899aabbccddeeff", NULL};
	body = sign("DEV-LHR-2", a, twice, 2, 1, dup);
	char *p2 = strstr(body, "\"position\":2");
	cr_assert_not_null(p2);
	p2[11] = '1'; /* in the images list only: the signed items disagree */
	r = enrol(a, body, 400, "CAPTURE_POSITION");
	e2e_resp_free(&r);
	free(body);
	/* a revoked device */
	struct e2e_resp rv;
	e2e_request(&srv, "POST", "/api/v1/biometrics/devices/DEV-LHR-2/revoke", srv.admin_token,
		    "{\"reason\":\"lost\"}", NULL, &rv);
	cr_assert_eq(rv.status, 200, "%s", rv.body);
	e2e_resp_free(&rv);
	body = sign("DEV-LHR-2", a, fingers, 2, 1, NULL);
	r = enrol(a, body, 403, "DEVICE_REVOKED");
	e2e_resp_free(&r);
	free(body);
	/* a device of another council */
	device("DEV-KHI-1", "SD-KHC-01-001");
	body = sign("DEV-KHI-1", a, fingers, 2, 1, NULL);
	r = enrol(a, body, 403, "DEVICE_STATION");
	e2e_resp_free(&r);
	free(body);
	/* nothing was stored for either person */
	cr_assert_str_eq(state_of(a, st, sizeof st), "not_enrolled");
	cr_assert_str_eq(state_of(b, st, sizeof st), "not_enrolled");
	free(a);
	free(b);
}
