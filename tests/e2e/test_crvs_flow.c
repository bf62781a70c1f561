/* test_crvs_flow.c — civil registration end to end through the real
 * `shanakht serve`: a birth notified by a facility and registered by the
 * council, the child's certificate verified offline (PDF -> pdftoppm ->
 * zbarimg, and `shanakht cert verify`); a marriage and a divorce with their
 * rule violations; a death followed by rejected later events. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "e2e.h"

#define LHR1 "PB-LHR-01-001"
#define LHR2 "PB-LHR-01-002"

static struct e2e_server srv;
static char t_health[80], t_reg[80], t_reg_other[80], t_nikah[80], t_court[80];

static void start(void)
{
	cr_assert_eq(e2e_start(&srv, NULL), 0, "server starts");
	cr_assert_eq(e2e_operator(&srv, "hospital1", "health_notifier", NULL, t_health), 0);
	cr_assert_eq(e2e_operator(&srv, "registrar1", "uc_registrar", LHR1, t_reg), 0);
	cr_assert_eq(e2e_operator(&srv, "registrar9", "uc_registrar", "SD-KHC-01-001",
				  t_reg_other), 0);
	cr_assert_eq(e2e_operator(&srv, "nikahkhwan1", "nikah_registrar", NULL, t_nikah), 0);
	cr_assert_eq(e2e_operator(&srv, "clerk1", "court_clerk", NULL, t_court), 0);
}

static void stop(void)
{
	cr_assert_eq(e2e_stop(&srv), 0);
}

TestSuite(crvs_flow, .init = start, .fini = stop, .timeout = 300);

static void date_ago(int days, char out[11])
{
	time_t t = time(NULL) - (time_t)days * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static char *person(const char *name_en, const char *name_ur, const char *gender, int age)
{
	char dob[11];
	date_ago(age * 366, dob);
	json_t *b = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "name_en", name_en,
			      "name_ur", name_ur, "guardian_name_en", "Akbar Ali",
			      "guardian_relation", "father", "gender", gender, "dob", dob,
			      "place_of_birth", "Lahore", "council_code", LHR1, "citizenship",
			      "citizen", "reason", "test");
	struct e2e_resp r;
	e2e_request_json(&srv, "POST", "/api/v1/persons", srv.admin_token, b, &r);
	json_decref(b);
	cr_assert_eq(r.status, 201, "create person: %ld %s", r.status, r.body);
	char *id = strdup(json_string_value(json_object_get(r.json, "id_number")));
	e2e_resp_free(&r);
	return id;
}

/* POST and expect a status (and an error code when code is not NULL);
 * returns the response (caller frees). */
static struct e2e_resp post(const char *path, const char *token, json_t *body, long want,
			    const char *code)
{
	struct e2e_resp r;
	e2e_request_json(&srv, "POST", path, token, body, &r);
	json_decref(body);
	cr_assert_eq(r.status, want, "POST %s: want %ld got %ld %s", path, want, r.status, r.body);
	if (code)
		cr_assert_str_eq(e2e_error_code(&r), code, "%s", r.body);
	return r;
}

static long long event_id(struct e2e_resp *r)
{
	return (long long)json_integer_value(json_object_get(r->json, "id"));
}

static struct e2e_resp register_event(long long id, const char *token, json_t *body, long want,
				      const char *code)
{
	char path[96];
	snprintf(path, sizeof path, "/api/v1/notifications/%lld/register", id);
	return post(path, token, body ? body : json_object(), want, code);
}

static void pubkey_hex(char out[65])
{
	struct e2e_resp r;
	e2e_request(&srv, "GET", "/api/v1/keys", NULL, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	json_t *k = json_array_get(json_object_get(r.json, "keys"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(k, "alg")), "Ed25519");
	snprintf(out, 65, "%s", json_string_value(json_object_get(k, "public_key_hex")));
	e2e_resp_free(&r);
}

Test(crvs_flow, birth_registered_and_certificate_verified_offline)
{
	char *mother = person("Sana Imran", "ثناء عمران", "female", 28);
	char *father = person("Imran Khan", "عمران خان", "male", 32);
	char d[11];
	date_ago(2, d);
	json_t *n = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:i,s:s}", "mother_id", mother,
			      "father_id", father, "sex", "female", "date", d, "time", "08:15",
			      "place", "Services Hospital, Lahore", "facility", "Services Hospital",
			      "weight_grams", 3100, "birth_order", 1, "council_code", LHR2);
	/* Only feeders may notify. */
	struct e2e_resp r = post("/api/v1/notifications/birth", t_nikah, json_deep_copy(n), 403,
				 NULL);
	e2e_resp_free(&r);
	r = post("/api/v1/notifications/birth", t_health, json_deep_copy(n), 201, NULL);
	long long id = event_id(&r);
	e2e_resp_free(&r);
	r = post("/api/v1/notifications/birth", t_health, n, 422, "DUPLICATE_BIRTH");
	e2e_resp_free(&r);

	/* The mother's council sees it pending; another council cannot act. */
	e2e_request(&srv, "GET", "/api/v1/councils/" LHR1 "/pending", t_reg, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_eq(json_array_size(json_object_get(r.json, "pending")), 1, "%s", r.body);
	e2e_resp_free(&r);
	/* A bad limit is refused, not replaced by the default. */
	const char *bad_limits[] = {"abc", "0", "1001", "5x"};
	for (size_t i = 0; i < sizeof bad_limits / sizeof bad_limits[0]; i++) {
		char path[96];
		snprintf(path, sizeof path, "/api/v1/councils/" LHR1 "/pending?limit=%s",
			 bad_limits[i]);
		e2e_request(&srv, "GET", path, t_reg, NULL, NULL, &r);
		cr_assert_eq(r.status, 400, "limit=%s: %s", bad_limits[i], r.body);
		cr_assert_str_eq(e2e_error_code(&r), "BAD_QUERY");
		e2e_resp_free(&r);
	}
	e2e_request(&srv, "GET", "/api/v1/councils/" LHR1 "/pending?limit=1", t_reg, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	e2e_resp_free(&r);
	e2e_request(&srv, "GET", "/api/v1/councils/" LHR1 "/pending", t_reg_other, NULL, NULL, &r);
	cr_assert_eq(r.status, 403);
	e2e_resp_free(&r);
	json_t *names = json_pack("{s:s,s:s}", "name_en", "Ayesha Khan", "name_ur", "عائشہ خان");
	r = register_event(id, t_reg_other, json_deep_copy(names), 422, "WRONG_COUNCIL");
	e2e_resp_free(&r);
	r = register_event(id, t_reg, names, 200, NULL);
	char child[16];
	snprintf(child, sizeof child, "%s", json_string_value(json_object_get(r.json, "id_number")));
	/* Issue 14 item 11: dashed, as person reads show it. */
	cr_assert_eq(strlen(child), 15, "%s", r.body);
	cr_assert_eq(child[5], '-', "%s", r.body);
	e2e_resp_free(&r);

	/* Issue 13 item 6: another council reads the notification no more
	 * than it sees it pending; its own council and its sender do. */
	char npath[64];
	snprintf(npath, sizeof npath, "/api/v1/notifications/%lld", id);
	e2e_request(&srv, "GET", npath, t_reg_other, NULL, NULL, &r);
	cr_assert_eq(r.status, 403, "%s", r.body);
	cr_assert_str_eq(e2e_error_code(&r), "WRONG_COUNCIL");
	e2e_resp_free(&r);
	e2e_request(&srv, "GET", npath, t_nikah, NULL, NULL, &r);
	cr_assert_eq(r.status, 403, "%s", r.body);
	cr_assert_str_eq(e2e_error_code(&r), "NOT_SUBMITTER");
	e2e_resp_free(&r);
	e2e_request(&srv, "GET", npath, t_health, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	e2e_resp_free(&r);
	e2e_request(&srv, "GET", npath, t_reg, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "id_number")), child);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(r.json, "details"),
							   "mother_id")),
			 mother);
	e2e_resp_free(&r);

	/* The registry has the child, linked to both parents. */
	char path[128];
	snprintf(path, sizeof path, "/api/v1/persons/%s/family", mother);
	e2e_request(&srv, "GET", path, t_reg, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	json_t *kids = json_object_get(r.json, "children");
	cr_assert_eq(json_array_size(kids), 1, "%s", r.body);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(kids, 0), "id_number")),
			 child);
	e2e_resp_free(&r);

	/* Certificate: issue, fetch the PDF, verify offline. */
	r = post("/api/v1/certificates", t_reg,
		 json_pack("{s:s,s:s}", "kind", "birth", "subject", child), 201, NULL);
	char serial[40], payload[2400];
	snprintf(serial, sizeof serial, "%s", json_string_value(json_object_get(r.json, "serial")));
	snprintf(payload, sizeof payload, "%s",
		 json_string_value(json_object_get(r.json, "payload")));
	e2e_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/certificates/%s.pdf", serial);
	e2e_request(&srv, "GET", path, t_reg, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(r.content_type, "application/pdf");
	char pdf[400], cmd[1200], out[4096];
	snprintf(pdf, sizeof pdf, "%s/birth.pdf", srv.dir);
	FILE *f = fopen(pdf, "wb");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(r.body, 1, r.len, f), r.len);
	fclose(f);
	e2e_resp_free(&r);
	snprintf(cmd, sizeof cmd,
		 "pdftoppm -r 150 -png -singlefile %s %s/birth && zbarimg --quiet --raw "
		 "-Sdisable -Sqrcode.enable %s/birth.png 2>/dev/null",
		 pdf, srv.dir, srv.dir);
	FILE *z = popen(cmd, "r");
	size_t k = fread(out, 1, sizeof out - 1, z);
	cr_assert_eq(pclose(z), 0, "QR decodes");
	out[k] = '\0';
	while (k && out[k - 1] == '\n')
		out[--k] = '\0';
	cr_assert_str_eq(out, payload);

	char hex[65];
	pubkey_hex(hex);
	char *output = NULL;
	const char *verify_pdf[] = {"cert", "verify", pdf, "--key", hex, NULL};
	cr_assert_eq(e2e_run_cli(verify_pdf, &output), 0, "%s", output);
	cr_assert(strstr(output, "VALID"), "%s", output);
	char digits[14]; /* the signed payload (and the CLI) carry the bare digits */
	snprintf(digits, sizeof digits, "%.5s%.7s%c", child, child + 6, child[14]);
	cr_assert(strstr(output, digits), "%s", output);
	free(output);
	const char *verify_qr[] = {"cert", "verify", "--payload", out, "--key", hex, NULL};
	cr_assert_eq(e2e_run_cli(verify_qr, &output), 0, "%s", output);
	free(output);
	out[k - 7] = out[k - 7] == 'Q' ? 'R' : 'Q'; /* tamper */
	cr_assert_eq(e2e_run_cli(verify_qr, &output), 1, "%s", output);
	cr_assert(strstr(output, "INVALID"), "%s", output);
	free(output);

	/* Online, without credentials. */
	snprintf(path, sizeof path, "/api/v1/certificates/%s/verify", serial);
	e2e_request(&srv, "GET", path, NULL, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert(json_is_true(json_object_get(r.json, "valid")), "%s", r.body);
	e2e_resp_free(&r);
	/* A reissue is a counted duplicate. */
	r = post("/api/v1/certificates", t_reg,
		 json_pack("{s:s,s:s}", "kind", "birth", "subject", child), 201, NULL);
	cr_assert_eq(json_integer_value(json_object_get(r.json, "copy_no")), 2);
	cr_assert(json_is_true(json_object_get(r.json, "duplicate")));
	e2e_resp_free(&r);
	free(mother);
	free(father);
}

static json_t *marriage(const char *h, const char *w, const char *w1, const char *w2,
			const char *arbitration)
{
	char d[11];
	date_ago(3, d);
	json_t *m = json_pack("{s:s,s:s,s:[s,s],s:s,s:s,s:s,s:s,s:b,s:b}", "husband_id", h,
			      "wife_id", w, "witnesses", w1, w2, "date", d, "place",
			      "Badshahi Mosque", "council_code", LHR1, "dower", "PKR 50,000",
			      "husband_consent", 1, "wife_consent", 1);
	if (arbitration)
		json_object_set_new(m, "arbitration_ref", json_string(arbitration));
	return m;
}

Test(crvs_flow, marriage_and_divorce_with_rule_violations)
{
	char *h = person("Bilal Ahmed", "بلال احمد", "male", 30);
	char *w = person("Hina Bibi", "حنا بی بی", "female", 25);
	char *w2nd = person("Rabia Noor", "رابعہ نور", "female", 24);
	char *other = person("Kamran Ali", "کامران علی", "male", 35);
	char *x1 = person("Witness One", "گواہ اول", "male", 50);
	char *x2 = person("Witness Two", "گواہ دوم", "male", 55);
	struct e2e_resp r = post("/api/v1/marriages", t_nikah, marriage(h, w, x1, x2, NULL), 403,
				 "NIKAH_LICENCE_REQUIRED");
	e2e_resp_free(&r);
	r = post("/api/v1/nikah-registrars", t_reg,
		 json_pack("{s:s,s:s}", "username", "nikahkhwan1", "council_code", LHR1), 201, NULL);
	e2e_resp_free(&r);
	json_t *bad = marriage(h, w, x1, x2, NULL);
	json_object_set_new(bad, "wife_consent", json_false());
	r = post("/api/v1/marriages", t_nikah, bad, 422, "CONSENT_REQUIRED");
	e2e_resp_free(&r);
	r = post("/api/v1/marriages", t_nikah, marriage(h, w, x1, x2, NULL), 201, NULL);
	long long id = event_id(&r);
	e2e_resp_free(&r);
	r = register_event(id, t_reg, NULL, 200, NULL);
	char mreg[40];
	snprintf(mreg, sizeof mreg, "%s",
		 json_string_value(json_object_get(r.json, "registration_number")));
	e2e_resp_free(&r);
	/* A woman cannot be married to two men; a further marriage needs the
	 * arbitration council's permission. */
	r = post("/api/v1/marriages", t_nikah, marriage(other, w, x1, x2, NULL), 422,
		 "WIFE_ALREADY_MARRIED");
	e2e_resp_free(&r);
	r = post("/api/v1/marriages", t_nikah, marriage(h, w2nd, x1, x2, NULL), 422,
		 "ARBITRATION_PERMISSION_REQUIRED");
	e2e_resp_free(&r);
	r = post("/api/v1/certificates", t_reg,
		 json_pack("{s:s,s:s}", "kind", "marriage", "subject", mreg), 201, NULL);
	e2e_resp_free(&r);

	char d[11];
	date_ago(1, d);
	r = post("/api/v1/divorces", t_court,
		 json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "husband_id", other, "wife_id", w, "type",
			   "decree", "date", d, "decree_ref", "FC-1", "council_code", LHR1),
		 422, "NOT_MARRIED_TO_EACH_OTHER");
	e2e_resp_free(&r);
	r = post("/api/v1/divorces", t_court,
		 json_pack("{s:s,s:s,s:s,s:s,s:s}", "husband_id", h, "wife_id", w, "type", "decree",
			   "date", d, "council_code", LHR1),
		 400, "DECREE_REF_REQUIRED");
	e2e_resp_free(&r);
	r = post("/api/v1/divorces", t_court,
		 json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "husband_id", h, "wife_id", w, "type",
			   "decree", "date", d, "decree_ref", "FC-LHR-2026-17", "council_code",
			   LHR1),
		 201, NULL);
	id = event_id(&r);
	e2e_resp_free(&r);
	r = register_event(id, t_reg, NULL, 200, NULL);
	char dreg[40];
	snprintf(dreg, sizeof dreg, "%s",
		 json_string_value(json_object_get(r.json, "registration_number")));
	e2e_resp_free(&r);
	char path[96];
	snprintf(path, sizeof path, "/api/v1/persons/%s", w);
	e2e_request(&srv, "GET", path, t_reg, NULL, NULL, &r);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "marital")), "divorced", "%s",
			 r.body);
	e2e_resp_free(&r);
	r = post("/api/v1/certificates", t_reg,
		 json_pack("{s:s,s:s}", "kind", "divorce", "subject", dreg), 201, NULL);
	e2e_resp_free(&r);
	/* Now free to marry again. */
	r = post("/api/v1/marriages", t_nikah, marriage(other, w, x1, x2, NULL), 201, NULL);
	e2e_resp_free(&r);
	free(h), free(w), free(w2nd), free(other), free(x1), free(x2);
}

Test(crvs_flow, death_then_later_events_rejected)
{
	char *p = person("Aslam Pervaiz", "اسلم پرویز", "male", 70);
	char *wife = person("Naseem Akhtar", "نسیم اختر", "female", 65);
	char d[11];
	date_ago(10, d);
	struct e2e_resp r = post("/api/v1/notifications/death", t_health,
				 json_pack("{s:s,s:s,s:s,s:s,s:s}", "person_id", p, "date", d,
					   "place", "Mayo Hospital", "cause_icd10", "I21.9",
					   "council_code", LHR1),
				 201, NULL);
	long long id = event_id(&r);
	e2e_resp_free(&r);
	r = register_event(id, t_reg, NULL, 200, NULL);
	e2e_resp_free(&r);
	r = post("/api/v1/certificates", t_reg,
		 json_pack("{s:s,s:s}", "kind", "death", "subject", p), 201, NULL);
	e2e_resp_free(&r);
	/* A later death notice, a marriage dated after the death: rejected. */
	r = post("/api/v1/notifications/death", t_health,
		 json_pack("{s:s,s:s,s:s}", "person_id", p, "date", d, "council_code", LHR1), 422,
		 "ALREADY_DECEASED");
	e2e_resp_free(&r);
	r = post("/api/v1/nikah-registrars", t_reg,
		 json_pack("{s:s}", "username", "nikahkhwan1"), 201, NULL);
	e2e_resp_free(&r);
	char *x1 = person("Witness Three", "گواہ سوم", "male", 50);
	char *x2 = person("Witness Four", "گواہ چہارم", "male", 55);
	json_t *m = marriage(p, wife, x1, x2, "AC-1");
	r = post("/api/v1/marriages", t_nikah, m, 422, "EVENT_AFTER_DEATH");
	e2e_resp_free(&r);
	/* A self-declared death notice for someone else is rejected by the
	 * council with a reason. */
	r = post("/api/v1/notifications/death", t_reg,
		 json_pack("{s:s,s:s,s:s,s:[s]}", "person_id", wife, "date", d, "council_code",
			   LHR1, "documents", "neighbour's statement"),
		 201, NULL);
	id = event_id(&r);
	e2e_resp_free(&r);
	char path[96];
	snprintf(path, sizeof path, "/api/v1/notifications/%lld/reject", id);
	r = post(path, t_reg, json_pack("{s:s}", "reason", "the person appeared alive"), 200, NULL);
	e2e_resp_free(&r);
	r = register_event(id, t_reg, NULL, 409, "NOT_PENDING");
	e2e_resp_free(&r);
	free(p), free(wife), free(x1), free(x2);
}
