/* test_http.c — certificates through the real `shanakht serve` (issue 13
 * items 3 and 10): the public check by serial answers only the status; the
 * facts come back for the payload issued under the serial or for an
 * operator in scope; a tampered payload answers "invalid" and valid false
 * together; the served PDF is signed as a file. */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cert/serial.h"
#include "e2e.h"

#define LHR1 "PB-LHR-01-001"
#define KHI1 "SD-KHC-01-001"

static struct e2e_server srv;
static char t_reg[80], t_reg_other[80], t_auditor[80], t_health[80];

static void start(void)
{
	cr_assert_eq(e2e_start(&srv, NULL), 0, "server starts");
	cr_assert_eq(e2e_operator(&srv, "registrar1", "uc_registrar", LHR1, t_reg), 0);
	cr_assert_eq(e2e_operator(&srv, "registrar9", "uc_registrar", KHI1, t_reg_other), 0);
	cr_assert_eq(e2e_operator(&srv, "auditor1", "auditor", NULL, t_auditor), 0);
	cr_assert_eq(e2e_operator(&srv, "hospital1", "health_notifier", NULL, t_health), 0);
}

static void stop(void)
{
	cr_assert_eq(e2e_stop(&srv), 0);
}

TestSuite(cert_http, .init = start, .fini = stop, .timeout = 300);

#define NAME_EN "Zarmeena Gulalai Yousafzai"

static char *person(void)
{
	time_t t = time(NULL) - 20 * 366 * 86400L;
	struct tm tm;
	gmtime_r(&t, &tm);
	char dob[11];
	strftime(dob, sizeof dob, "%Y-%m-%d", &tm);
	json_t *b = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "name_en", NAME_EN,
			      "name_ur", "زرمینہ گلالئی یوسفزئی", "guardian_name_en", "Akbar Ali",
			      "guardian_relation", "father", "gender", "female", "dob", dob,
			      "place_of_birth", "Swat", "council_code", LHR1, "citizenship",
			      "citizen", "reason", "test");
	struct e2e_resp r;
	e2e_request_json(&srv, "POST", "/api/v1/persons", srv.admin_token, b, &r);
	json_decref(b);
	cr_assert_eq(r.status, 201, "create person: %ld %s", r.status, r.body);
	char *id = strdup(json_string_value(json_object_get(r.json, "id_number")));
	e2e_resp_free(&r);
	return id;
}

static void issue(const char *subject, char serial[40], char payload[2400])
{
	json_t *b = json_pack("{s:s,s:s}", "kind", "birth", "subject", subject);
	struct e2e_resp r;
	e2e_request_json(&srv, "POST", "/api/v1/certificates", t_reg, b, &r);
	json_decref(b);
	cr_assert_eq(r.status, 201, "%s", r.body);
	snprintf(serial, 40, "%s", json_string_value(json_object_get(r.json, "serial")));
	snprintf(payload, 2400, "%s", json_string_value(json_object_get(r.json, "payload")));
	e2e_resp_free(&r);
}

/* GET .../verify[?payload=...] with an optional token. */
static void verify(const char *serial, const char *payload, const char *token,
		   struct e2e_resp *r)
{
	char path[3400];
	if (payload) {
		char *q = curl_easy_escape(NULL, payload, 0);
		snprintf(path, sizeof path, "/api/v1/certificates/%s/verify?payload=%s", serial, q);
		curl_free(q);
	} else {
		snprintf(path, sizeof path, "/api/v1/certificates/%s/verify", serial);
	}
	e2e_request(&srv, "GET", path, token, NULL, NULL, r);
}

static int has_key(json_t *o, const char *k)
{
	return json_object_get(o, k) != NULL;
}

Test(cert_http, public_check_by_serial_discloses_nothing_personal)
{
	char *id = person(), serial[40], payload[2400];
	issue(id, serial, payload);
	struct e2e_resp r;
	verify(serial, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "valid", "%s",
			 r.body);
	cr_assert(json_is_true(json_object_get(r.json, "valid")));
	cr_assert(json_is_false(json_object_get(r.json, "facts_shown")));
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "checked")), "serial");
	/* Exactly these keys, and nothing of the person anywhere in the body. */
	cr_assert_eq(json_object_size(r.json), 5, "%s", r.body);
	cr_assert_null(strstr(r.body, id), "%s", r.body);
	cr_assert_null(strstr(r.body, id + 5), "%s", r.body);
	cr_assert_null(strstr(r.body, "Zarmeena"), "%s", r.body);
	cr_assert_null(strstr(r.body, "SHK1:"), "%s", r.body);
	e2e_resp_free(&r);

	/* Serials of the old sequential form, and random ones, are unknown. */
	verify("BRC-2026-00000001", NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "unknown");
	cr_assert(json_is_false(json_object_get(r.json, "valid")));
	e2e_resp_free(&r);
	char other[40];
	struct sh_err e = {0};
	cr_assert_eq(cert_serial_generate(CERT_BIRTH, other, sizeof other, &e), 0);
	verify(other, NULL, NULL, &r);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "unknown");
	e2e_resp_free(&r);
	/* A typo is caught by the check digit. */
	char typo[40];
	snprintf(typo, sizeof typo, "%s", serial);
	typo[6] = typo[6] == '9' ? '0' : (char)(typo[6] + 1);
	verify(typo, NULL, NULL, &r);
	cr_assert_eq(r.status, 400, "%s", r.body);
	cr_assert_str_eq(e2e_error_code(&r), "SERIAL_INVALID");
	e2e_resp_free(&r);
	free(id);
}

Test(cert_http, the_payload_holder_sees_the_facts_and_a_tampered_one_is_invalid)
{
	char *id = person(), serial[40], payload[2400];
	issue(id, serial, payload);
	struct e2e_resp r;
	verify(serial, payload, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "valid", "%s",
			 r.body);
	cr_assert(json_is_true(json_object_get(r.json, "valid")));
	cr_assert(json_is_true(json_object_get(r.json, "payload_valid")));
	cr_assert(json_is_true(json_object_get(r.json, "facts_shown")));
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "checked")), "payload");
	json_t *facts = json_object_get(r.json, "facts");
	cr_assert_str_eq(json_string_value(json_object_get(facts, "n")), NAME_EN, "%s", r.body);
	cr_assert(has_key(r.json, "subject") && has_key(r.json, "copies_issued"), "%s", r.body);
	e2e_resp_free(&r);

	/* Issue 13 item 10: "status":"valid" beside "valid":false. */
	char bad[2400];
	snprintf(bad, sizeof bad, "%s", payload);
	size_t n = strlen(bad);
	bad[n - 7] = bad[n - 7] == 'Q' ? 'R' : 'Q';
	verify(serial, bad, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "invalid", "%s",
			 r.body);
	cr_assert(json_is_false(json_object_get(r.json, "valid")), "%s", r.body);
	cr_assert(json_is_false(json_object_get(r.json, "payload_valid")));
	cr_assert(json_is_false(json_object_get(r.json, "facts_shown")));
	cr_assert(has_key(r.json, "payload_error"), "%s", r.body);
	cr_assert_null(strstr(r.body, "Zarmeena"), "%s", r.body);
	cr_assert_null(strstr(r.body, id), "%s", r.body);
	e2e_resp_free(&r);
	free(id);
}

Test(cert_http, operators_see_facts_only_within_scope)
{
	char *id = person(), serial[40], payload[2400];
	issue(id, serial, payload);
	struct e2e_resp r;
	verify(serial, NULL, t_reg, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert(json_is_true(json_object_get(r.json, "facts_shown")), "%s", r.body);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "checked")), "operator");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(r.json, "facts"), "n")),
			 NAME_EN);
	e2e_resp_free(&r);
	verify(serial, NULL, t_auditor, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert(json_is_true(json_object_get(r.json, "facts_shown")), "%s", r.body);
	e2e_resp_free(&r);
	const char *out_of_scope[] = {t_reg_other, t_health};
	for (int i = 0; i < 2; i++) {
		verify(serial, NULL, out_of_scope[i], &r);
		cr_assert_eq(r.status, 403, "%s", r.body);
		cr_assert_str_eq(e2e_error_code(&r), "CERT_OUT_OF_SCOPE");
		e2e_resp_free(&r);
	}
	verify(serial, NULL, "not-a-token", &r);
	cr_assert_eq(r.status, 401, "%s", r.body);
	e2e_resp_free(&r);
	/* The record and the PDF: the other council's registrar is refused. */
	char path[96];
	snprintf(path, sizeof path, "/api/v1/certificates/%s", serial);
	e2e_request(&srv, "GET", path, t_reg_other, NULL, NULL, &r);
	cr_assert_eq(r.status, 403, "%s", r.body);
	cr_assert_str_eq(e2e_error_code(&r), "CERT_OUT_OF_SCOPE");
	e2e_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/certificates/%s.pdf", serial);
	e2e_request(&srv, "GET", path, t_reg_other, NULL, NULL, &r);
	cr_assert_eq(r.status, 403, "%s", r.body);
	e2e_resp_free(&r);
	e2e_request(&srv, "GET", path, t_reg, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(r.content_type, "application/pdf");
	cr_assert_gt(r.len, 200);
	cr_assert_not_null(memmem(r.body + r.len - 200, 200, "%shanakht-docsig-v1 kid=", 24),
			   "the served PDF ends with its document signature");
	e2e_resp_free(&r);
	free(id);
}
