/* test_bio_ekyc.c — biometric eKYC for relying parties end to end through
 * the real `shanakht serve`: a bank whose policy allows `fingerprint` asks
 * for the citizen's consent, the passcode reaches the citizen (the SMS
 * outbox), and the bank sends a capture signed by its own approved device.
 * A genuine finger answers yes (with the attributes asked for, by policy),
 * an impostor no; a replayed capture, a wrong passcode, a capture without
 * consent, a locked modality and a held record are refused with their codes;
 * every attempt is in the citizen's verification history. FVC2002 DB1_B:
 * BioLab, University of Bologna. */
#include <criterion/criterion.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "e2e.h"

#define LHR1 "PB-LHR-01-001"
#define MOBILE_A "+923001112223"
#define MOBILE_B "+923004445556"
#define BANK "Biometric Bank"

static struct e2e_server srv;
static char t_enrol[80], key_path[400], fvc[512], key_id[64], secret[80];

static void start(void)
{
	const char *root = getenv("SHANAKHT_SHARED_DATA");
	cr_assert_not_null(root, "SHANAKHT_SHARED_DATA is set by CTest");
	snprintf(fvc, sizeof fvc, "%s/fingerprints/fvc2002/DB1_B", root);
	cr_assert_eq(e2e_start(&srv, NULL), 0, "server starts");
	cr_assert_eq(e2e_operator(&srv, "enrol1", "enrolment_operator", LHR1, t_enrol), 0);
}

static void stop(void)
{
	cr_assert_eq(e2e_stop(&srv), 0);
}

TestSuite(bio_ekyc, .init = start, .fini = stop, .timeout = 300);

static char *person(const char *name_en, const char *mobile)
{
	json_t *b = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "name_en", name_en,
			      "name_ur", "علی", "guardian_name_en", "Akbar Ali", "guardian_relation",
			      "father", "gender", "male", "dob", "1990-05-01", "place_of_birth",
			      "Lahore", "council_code", LHR1, "citizenship", "citizen", "reason",
			      "test", "mobile", mobile);
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

static void device(const char *id)
{
	e2e_bio_device(&srv, id, "SN-9", LHR1, key_path, sizeof key_path);
}

/* `shanakht device sign` for FVC fingers `subjects` at impression imp,
 * positions 1.. in order: the capture's JSON (envelope, signature, images). */
static char *sign(const char *op, const char *idn, const int *subjects, int n, int imp)
{
	return e2e_bio_sign(key_path, "DEV-EKYC-1", op, idn, fvc, subjects, n, imp, NULL);
}

/* A capture the device signs whose one image no decoder reads: the bytes
 * are hashed and signed like any image, so only decoding can refuse them. */
static char *sign_unreadable(const char *idn)
{
	char dir[] = "/tmp/sh-ekyc-XXXXXX", file[64];
	cr_assert_not_null(mkdtemp(dir));
	snprintf(file, sizeof file, "%s/101_9.tif", dir);
	FILE *f = fopen(file, "wb");
	cr_assert_not_null(f);
	fputs("II*\0 not a fingerprint, though the device signed it", f);
	fclose(f);
	const int subject[] = {101};
	char *out = e2e_bio_sign(key_path, "DEV-EKYC-1", "teller-7", idn, dir, subject, 1, 9, NULL);
	unlink(file);
	rmdir(dir);
	return out;
}

/* Lines of the SMS outbox to `mobile`. */
static int sms_count(const char *mobile)
{
	char path[400], line[2048];
	snprintf(path, sizeof path, "%s/sms-outbox.log", srv.dir);
	FILE *f = fopen(path, "r");
	int n = 0;
	while (f && fgets(line, sizeof line, f))
		n += strstr(line, mobile + 3) != NULL;
	if (f)
		fclose(f);
	return n;
}

/* The passcode of the SMS to `mobile` after the first `before` ones. */
static void sms_code(const char *mobile, int before, char code[8])
{
	char path[400], line[2048];
	snprintf(path, sizeof path, "%s/sms-outbox.log", srv.dir);
	for (int tries = 0; tries < 300; tries++) {
		FILE *f = fopen(path, "r");
		int seen = 0;
		while (f && fgets(line, sizeof line, f)) {
			if (!strstr(line, mobile + 3) || seen++ != before)
				continue;
			regex_t re;
			regmatch_t m[2];
			cr_assert_eq(regcomp(&re, "[^0-9-]([0-9]{6})[^0-9-]", REG_EXTENDED), 0);
			int found = regexec(&re, line, 2, m, 0) == 0;
			regfree(&re);
			cr_assert(found, "no passcode in %s", line);
			snprintf(code, 8, "%.*s", (int)(m[1].rm_eo - m[1].rm_so), line + m[1].rm_so);
			fclose(f);
			return;
		}
		if (f)
			fclose(f);
		usleep(100 * 1000);
	}
	cr_assert_fail("no SMS number %d to %s", before + 1, mobile);
}

/* The bank asks for consent; the passcode the citizen reads into code. */
static void consent(const char *idn, const char *mobile, char cid[64], char code[8])
{
	char body[256];
	struct e2e_resp r;
	int before = sms_count(mobile);
	snprintf(body, sizeof body, "{\"id_number\":\"%s\",\"purpose\":\"account opening\"}", idn);
	cr_assert_eq(e2e_party_request(&srv, key_id, secret, "POST", "/api/v1/consents", body,
				       NULL, &r),
		     0);
	cr_assert_eq(r.status, 202, "%s", r.body);
	snprintf(cid, 64, "%s", json_string_value(json_object_get(r.json, "consent_id")));
	e2e_resp_free(&r);
	sms_code(mobile, before, code);
}

/* POST /verifications of type fingerprint with `capture` (a signed body,
 * NULL for none) and extra members (JSON text after a comma, or ""). */
static struct e2e_resp ekyc(const char *cid, const char *code, const char *capture,
			    const char *extra, long want, const char *err_code)
{
	size_t n = strlen(capture ? capture : "") + 512;
	char *body = malloc(n);
	snprintf(body, n,
		 "{\"consent_id\":\"%s\",\"passcode\":\"%s\",\"type\":\"fingerprint\"%s%s%s}", cid,
		 code, capture ? ",\"capture\":" : "", capture ? capture : "", extra);
	struct e2e_resp r;
	cr_assert_eq(e2e_party_request(&srv, key_id, secret, "POST", "/api/v1/verifications",
				       body, NULL, &r),
		     0);
	free(body);
	cr_assert_eq(r.status, want, "eKYC: want %ld got %ld %s", want, r.status, r.body);
	if (err_code)
		cr_assert_str_eq(e2e_error_code(&r), err_code, "%s", r.body);
	cr_assert_null(strstr(r.body, "score"), "a band, never a score: %s", r.body);
	cr_assert_null(strstr(r.body, "template"), "never a template: %s", r.body);
	return r;
}

/* A citizen session for idn (login passcode to mobile). */
static void citizen(const char *idn, const char *mobile, char token[80])
{
	char body[256], code[8];
	struct e2e_resp r;
	int before = sms_count(mobile);
	snprintf(body, sizeof body, "{\"id_number\":\"%s\"}", idn);
	e2e_request(&srv, "POST", "/api/v1/me/login", NULL, body, NULL, &r);
	cr_assert_eq(r.status, 202, "%s", r.body);
	char lid[64];
	snprintf(lid, sizeof lid, "%s", json_string_value(json_object_get(r.json, "login_id")));
	e2e_resp_free(&r);
	sms_code(mobile, before, code);
	snprintf(body, sizeof body, "{\"login_id\":\"%s\",\"passcode\":\"%s\"}", lid, code);
	e2e_request(&srv, "POST", "/api/v1/me/session", NULL, body, NULL, &r);
	cr_assert_eq(r.status, 201, "%s", r.body);
	snprintf(token, 80, "%s", json_string_value(json_object_get(r.json, "token")));
	e2e_resp_free(&r);
}

Test(bio_ekyc, genuine_impostor_replay_consent_lock_and_held)
{
	device("DEV-EKYC-1");
	char *a = person("Ekyc Person", MOBILE_A), *b = person("Held Person", MOBILE_B);
	const int fingers[] = {101, 102, 103, 104};
	const int others[] = {105, 106};
	struct e2e_resp r;
	char path[96];

	/* a enrolled; b with other impressions of a's fingers: held */
	snprintf(path, sizeof path, "/api/v1/persons/%s/fingerprints", a);
	char *body = sign("enrol1", a, fingers, 4, 1);
	e2e_request(&srv, "POST", path, t_enrol, body, NULL, &r);
	free(body);
	cr_assert_eq(r.status, 201, "%s", r.body);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "state")), "unique");
	e2e_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/persons/%s/fingerprints", b);
	body = sign("enrol1", b, fingers, 4, 3);
	e2e_request(&srv, "POST", path, t_enrol, body, NULL, &r);
	free(body);
	cr_assert_eq(r.status, 201, "%s", r.body);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "state")), "held");
	e2e_resp_free(&r);

	/* the bank: fingerprint by policy, with name and date of birth */
	e2e_request(&srv, "POST", "/api/v1/parties", srv.admin_token,
		    "{\"name\":\"" BANK "\",\"sector\":\"bank\",\"types\":[\"fingerprint\"],"
		    "\"kyc_attributes\":[\"name_en\",\"dob\"]}",
		    NULL, &r);
	cr_assert_eq(r.status, 201, "party: %s", r.body);
	json_t *key = json_object_get(r.json, "key");
	snprintf(key_id, sizeof key_id, "%s", json_string_value(json_object_get(key, "key_id")));
	snprintf(secret, sizeof secret, "%s", json_string_value(json_object_get(key, "secret")));
	e2e_resp_free(&r);

	char cid[64], code[8];
	/* genuine: two fingers of another impression, with the name asked */
	consent(a, MOBILE_A, cid, code);
	char *genuine = sign("teller-7", a, fingers, 2, 2);
	r = ekyc(cid, code, genuine, ",\"attributes\":[\"name_en\"]", 200, NULL);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "result")), "yes", "%s", r.body);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "reason")), "FINGERPRINT_MATCH");
	const char *band = json_string_value(json_object_get(r.json, "band"));
	cr_assert(band && (!strcmp(band, "high") || !strcmp(band, "medium")), "%s", r.body);
	json_t *at = json_object_get(r.json, "attributes");
	cr_assert_str_eq(json_string_value(json_object_get(at, "name_en")), "Ekyc Person");
	cr_assert_null(json_object_get(at, "dob"), "only what was asked");
	e2e_resp_free(&r);

	/* an image that does not decode is bad input: refused before the
	 * consent is touched, so the same passcode still serves a good capture */
	consent(a, MOBILE_A, cid, code);
	char *unreadable = sign_unreadable(a);
	r = ekyc(cid, code, unreadable, "", 400, NULL);
	free(unreadable);
	const char *ucode = e2e_error_code(&r);
	cr_assert(ucode && strstr(ucode, "IMAGE"), "an image code: %s", r.body);
	e2e_resp_free(&r);
	char *again = sign("teller-7", a, fingers, 2, 3);
	r = ekyc(cid, code, again, "", 200, NULL);
	free(again);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "result")), "yes", "%s", r.body);
	e2e_resp_free(&r);

	/* the same capture again, under a new consent: a replay */
	consent(a, MOBILE_A, cid, code);
	r = ekyc(cid, code, genuine, "", 409, "CAPTURE_REPLAY");
	e2e_resp_free(&r);
	free(genuine);

	/* an impostor's fingers: no, and no attributes */
	consent(a, MOBILE_A, cid, code);
	char *impostor = sign("teller-7", a, others, 2, 2);
	r = ekyc(cid, code, impostor, ",\"attributes\":[\"name_en\"]", 200, NULL);
	free(impostor);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "result")), "no", "%s", r.body);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "band")), "none");
	cr_assert_null(json_object_get(r.json, "attributes"), "%s", r.body);
	e2e_resp_free(&r);

	/* no consent: a wrong passcode, then no capture at all */
	consent(a, MOBILE_A, cid, code);
	char *fresh = sign("teller-7", a, fingers, 1, 4);
	char wrong[8];
	snprintf(wrong, sizeof wrong, "%s", code);
	wrong[5] = wrong[5] == '9' ? '0' : (char)(wrong[5] + 1);
	r = ekyc(cid, wrong, fresh, "", 422, "PASSCODE_INVALID");
	e2e_resp_free(&r);
	r = ekyc(cid, code, NULL, "", 400, "CAPTURE_REQUIRED");
	e2e_resp_free(&r);
	/* a capture signed for another person than the consent's */
	char *other = sign("teller-7", b, fingers, 1, 5);
	r = ekyc(cid, code, other, "", 422, "CAPTURE_PERSON");
	e2e_resp_free(&r);
	free(other);

	/* the citizen sees every attempt and locks the modality */
	char tok[80];
	citizen(a, MOBILE_A, tok);
	e2e_request(&srv, "GET", "/api/v1/me/verifications", tok, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_not_null(strstr(r.body, "FINGERPRINT_MATCH"), "%s", r.body);
	cr_assert_not_null(strstr(r.body, "FINGERPRINT_NO_MATCH"), "%s", r.body);
	cr_assert_not_null(strstr(r.body, "CAPTURE_REPLAY"), "%s", r.body);
	e2e_resp_free(&r);
	e2e_request(&srv, "PUT", "/api/v1/me/locks/fingerprint", tok, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	e2e_resp_free(&r);
	consent(a, MOBILE_A, cid, code);
	r = ekyc(cid, code, fresh, "", 403, "VERIFICATION_LOCKED");
	e2e_resp_free(&r);
	free(fresh);

	/* a held record answers a clear code */
	consent(b, MOBILE_B, cid, code);
	char *held = sign("teller-7", b, fingers, 2, 2);
	r = ekyc(cid, code, held, "", 422, "BIO_NOT_VERIFIABLE");
	e2e_resp_free(&r);
	free(held);
	free(a);
	free(b);
}
