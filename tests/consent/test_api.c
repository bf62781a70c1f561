/* test_api.c — the consent, verification, citizen and inbound-SMS endpoints
 * over real HTTP (in-process server with these routes and a hook that does
 * what src/server/app.c does for parties and citizens). */
#include "fixture.h"

#include <regex.h>
#include <strings.h>

#include "consent/citizen_auth.h"
#include "consent/party_auth.h"
#include "auth/roles.h"
#include "e2e.h"
#include "api/routes.h"
#include "registry/idnum.h"
#include "api/app.h"

static struct fx f;
static struct app app;
static struct http_server *srv;
static struct e2e_server s;
static char alive[14], nomobile[14];
static char key_id[64], secret[80];
static int64_t party_id;

static int authenticate(void *ctx, enum http_auth auth, struct http_req *req,
			struct sh_err *err)
{
	struct app *a = ctx;
	const char *h = http_header(req, "Authorization");
	const char *tok = h && strncasecmp(h, "Bearer ", 7) == 0 ? h + 7 : NULL;
	switch (auth) {
	case HTTP_AUTH_NONE:
		return SH_OK;
	case HTTP_AUTH_OPERATOR: /* test stand-in for operator sessions */
		if (!tok || strcmp(tok, "admin-token") != 0)
			return sh_err_set(err, SH_EUNAUTH, "AUTH_REQUIRED", "operator token required");
		req->principal.kind = PRINCIPAL_OPERATOR;
		req->principal.id = 1;
		req->principal.role_bit = ROLE_ADMIN;
		snprintf(req->principal.name, sizeof req->principal.name, "admin");
		return SH_OK;
	case HTTP_AUTH_APPLICANT: /* no applicant routes in these tests */
		return sh_err_set(err, SH_EUNAUTH, "AUTH_REQUIRED", "applicant token required");
	case HTTP_AUTH_CITIZEN:
		if (!tok)
			return sh_err_set(err, SH_EUNAUTH, "AUTH_REQUIRED", "citizen token required");
		return citizen_session_check(a->db, a->keys, tok, &req->principal, err);
	case HTTP_AUTH_PARTY:
		return party_authenticate(a->db, a->keys, consent_config_env(), req->method, req->path,
					  http_header(req, "X-Party-Key"),
					  http_header(req, "X-Timestamp"), http_header(req, "X-Nonce"),
					  http_header(req, "X-Signature"), req->body, req->body_len,
					  sh_now(), &req->principal, err);
	}
	return SH_EINTERNAL;
}

static long req(const char *method, const char *path, const char *tok, const char *body,
		struct e2e_resp *r)
{
	cr_assert_eq(e2e_request(&s, method, path, tok, body, NULL, r), 0, "%s %s", method, path);
	return r->status;
}

/* A signed party request; nonce_override replays a given nonce. */
static long signed_req(const char *method, const char *path, const char *body,
		       const char *nonce_override, struct e2e_resp *r)
{
	cr_assert_eq(e2e_party_request(&s, key_id, secret, method, path, body, nonce_override, r),
		     0);
	return r->status;
}

/* The passcode in the newest SMS to `to`. */
static void passcode_for(const char *to, char code[8])
{
	char text[2048];
	fx_last_sms(&f, to, text, sizeof text);
	regex_t re;
	regmatch_t m[3];
	/* exactly six digits, not part of a longer (identity) number */
	cr_assert_eq(regcomp(&re, "(^|[^0-9-])([0-9]{6})([^0-9-]|$)", REG_EXTENDED), 0);
	cr_assert_eq(regexec(&re, text, 3, m, 0), 0, "no passcode in %s", text);
	snprintf(code, 8, "%.*s", (int)(m[2].rm_eo - m[2].rm_so), text + m[2].rm_so);
	regfree(&re);
}

static void setup(void)
{
	struct sh_err err = {0};
	fx_open(&f);
	fx_person(&f, "Ayesha Khan", "Imran Khan", "1990-04-12", "+923001234567", PERSON_ALIVE,
		  alive);
	fx_person(&f, "Bilal Ahmed", "Ahmed Ali", "1985-01-30", "", PERSON_ALIVE, nomobile);
	app.db = f.db;
	app.keys = f.kr;
	app.var_dir = f.keydir;
	setenv("SHANAKHT_SMS_INBOUND_SECRET", "inbound-s3cret", 1);
	static struct http_route routes[64];
	size_t n = 0;
	const struct http_route *tables[] = {parties_routes, consent_routes, verify_routes,
					     citizen_routes, sms_routes};
	const size_t counts[] = {parties_routes_count, consent_routes_count, verify_routes_count,
				 citizen_routes_count, sms_routes_count};
	for (size_t t = 0; t < 5; t++)
		for (size_t i = 0; i < counts[t]; i++)
			routes[n++] = tables[t][i];
	struct http_config cfg = {.listen = "127.0.0.1:0", .threads = 2};
	struct http_hooks hooks = {.authenticate = authenticate, .finished = app_finished};
	cr_assert_eq(http_server_start(&cfg, routes, n, &hooks, &app, &srv, &err), SH_OK, "%s",
		     err.msg);
	/* Every answer goes through the validating proxy (docs/openapi.yaml). */
	cr_assert_eq(e2e_validate(&s, http_server_port(srv)), 0, "the answer validator starts");

	struct e2e_resp r;
	cr_assert_eq(req("POST", "/api/v1/parties", "admin-token",
			 "{\"name\":\"Meezan Bank\",\"sector\":\"bank\",\"types\":[\"yesno\",\"kyc\"],"
			 "\"kyc_attributes\":[\"name_en\",\"father_name_en\",\"dob\"]}",
			 &r),
		     201, "%s", r.body);
	json_t *key = json_object_get(r.json, "key");
	snprintf(key_id, sizeof key_id, "%s", json_string_value(json_object_get(key, "key_id")));
	snprintf(secret, sizeof secret, "%s", json_string_value(json_object_get(key, "secret")));
	party_id = json_integer_value(json_object_get(r.json, "id"));
	e2e_resp_free(&r);
}

static void teardown(void)
{
	e2e_validate_stop(&s);
	http_server_stop(srv);
	fx_close(&f);
}
TestSuite(api, .init = setup, .fini = teardown);

static void consent_for(const char *idn, char cid[64])
{
	struct e2e_resp r;
	char body[160];
	snprintf(body, sizeof body, "{\"id_number\":\"%s\",\"purpose\":\"account opening\"}", idn);
	cr_assert_eq(signed_req("POST", "/api/v1/consents", body, NULL, &r), 202, "%s", r.body);
	snprintf(cid, 64, "%s", json_string_value(json_object_get(r.json, "consent_id")));
	e2e_resp_free(&r);
}

Test(api, party_admin_needs_an_operator_and_validates)
{
	struct e2e_resp r;
	cr_assert_eq(req("POST", "/api/v1/parties", NULL, "{}", &r), 401);
	e2e_resp_free(&r);
	cr_assert_eq(req("POST", "/api/v1/parties", "admin-token",
			 "{\"name\":\"X Co\",\"sector\":\"bank\",\"types\":[\"teleport\"]}", &r),
		     400);
	cr_assert_str_eq(e2e_error_code(&r), "PARTY_TYPES");
	e2e_resp_free(&r);
	cr_assert_eq(req("GET", "/api/v1/parties", "admin-token", NULL, &r), 200);
	json_t *p = json_array_get(json_object_get(r.json, "parties"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(p, "name")), "Meezan Bank");
	cr_assert_null(json_object_get(p, "secret"), "the secret is shown only once");
	e2e_resp_free(&r);
}

Test(api, consent_and_yesno_over_signed_requests)
{
	struct e2e_resp r;
	char cid[64], code[8], body[256];
	consent_for(alive, cid);
	passcode_for("+923001234567", code);
	snprintf(body, sizeof body,
		 "{\"consent_id\":\"%s\",\"passcode\":\"%s\",\"type\":\"yesno\","
		 "\"name\":\"ayesha khan\",\"dob\":\"1990-04-12\"}",
		 cid, code);
	cr_assert_eq(signed_req("POST", "/api/v1/verifications", body, NULL, &r), 200, "%s",
		     r.body);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "result")), "yes");
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "reason")), "ALL_MATCH");
	cr_assert_null(json_object_get(r.json, "attributes"));
	e2e_resp_free(&r);
	/* Single use. */
	cr_assert_eq(signed_req("POST", "/api/v1/verifications", body, NULL, &r), 410);
	cr_assert_str_eq(e2e_error_code(&r), "CONSENT_USED");
	e2e_resp_free(&r);
}

Test(api, unsigned_replayed_and_forged_requests_are_refused)
{
	struct e2e_resp r;
	const char *body = "{\"id_number\":\"3520112345671\",\"purpose\":\"account opening\"}";
	cr_assert_eq(req("POST", "/api/v1/consents", NULL, body, &r), 401);
	cr_assert_str_eq(e2e_error_code(&r), "PARTY_AUTH_MISSING");
	e2e_resp_free(&r);
	cr_assert_eq(signed_req("POST", "/api/v1/consents", body, "fixed-nonce-for-replay-1", &r),
		     202);
	e2e_resp_free(&r);
	cr_assert_eq(signed_req("POST", "/api/v1/consents", body, "fixed-nonce-for-replay-1", &r),
		     401);
	cr_assert_str_eq(e2e_error_code(&r), "PARTY_REPLAY");
	e2e_resp_free(&r);
	/* A failed request is used up too: its transaction rolled back with
	 * the nonce in it, and the finished hook records it on its own. */
	const char *bad = "{\"id_number\":\"3520112345671\",\"purpose\":\"\"}";
	cr_assert_eq(signed_req("POST", "/api/v1/consents", bad, "fixed-nonce-for-replay-2", &r),
		     400, "%s", r.body);
	cr_assert_str_eq(e2e_error_code(&r), "PURPOSE");
	e2e_resp_free(&r);
	cr_assert_eq(signed_req("POST", "/api/v1/consents", bad, "fixed-nonce-for-replay-2", &r),
		     401);
	cr_assert_str_eq(e2e_error_code(&r), "PARTY_REPLAY");
	e2e_resp_free(&r);
	char saved[80];
	snprintf(saved, sizeof saved, "%s", secret);
	secret[3] = secret[3] == '0' ? '1' : '0';
	cr_assert_eq(signed_req("POST", "/api/v1/consents", body, NULL, &r), 401);
	cr_assert_str_eq(e2e_error_code(&r), "PARTY_SIGNATURE");
	e2e_resp_free(&r);
	snprintf(secret, sizeof secret, "%s", saved);
}

Test(api, enumeration_gets_identical_answers)
{
	char unregistered[14];
	struct sh_err err = {0};
	cr_assert_eq(idnum_generate(unregistered, &err), SH_OK);
	const char *numbers[] = {alive, nomobile, unregistered};
	char *shapes[3];
	for (int i = 0; i < 3; i++) {
		struct e2e_resp r;
		char body[160];
		snprintf(body, sizeof body, "{\"id_number\":\"%s\",\"purpose\":\"account opening\"}",
			 numbers[i]);
		cr_assert_eq(signed_req("POST", "/api/v1/consents", body, NULL, &r), 202);
		json_object_set_new(r.json, "consent_id", json_string("X"));
		json_object_set_new(r.json, "expires_at", json_string("T"));
		shapes[i] = json_dumps(r.json, JSON_SORT_KEYS | JSON_COMPACT);
		e2e_resp_free(&r);
	}
	cr_assert_str_eq(shapes[0], shapes[1]);
	cr_assert_str_eq(shapes[0], shapes[2]);
	for (int i = 0; i < 3; i++)
		free(shapes[i]);
}

Test(api, kyc_outside_policy_returns_none)
{
	struct e2e_resp r;
	char cid[64], code[8], body[256];
	consent_for(alive, cid);
	passcode_for("+923001234567", code);
	snprintf(body, sizeof body,
		 "{\"consent_id\":\"%s\",\"passcode\":\"%s\",\"type\":\"kyc\","
		 "\"attributes\":[\"name_en\",\"address\"]}",
		 cid, code);
	cr_assert_eq(signed_req("POST", "/api/v1/verifications", body, NULL, &r), 403);
	cr_assert_str_eq(e2e_error_code(&r), "ATTRIBUTE_NOT_ALLOWED");
	cr_assert(!strstr(r.body, "Ayesha"), "%s", r.body);
	e2e_resp_free(&r);
	snprintf(body, sizeof body,
		 "{\"consent_id\":\"%s\",\"passcode\":\"%s\",\"type\":\"kyc\"}", cid, code);
	cr_assert_eq(signed_req("POST", "/api/v1/verifications", body, NULL, &r), 200, "%s",
		     r.body);
	json_t *a = json_object_get(r.json, "attributes");
	cr_assert_eq(json_object_size(a), 3);
	cr_assert_str_eq(json_string_value(json_object_get(a, "name_en")), "Ayesha Khan");
	cr_assert_str_eq(json_string_value(json_object_get(a, "dob")), "1990-04-12");
	e2e_resp_free(&r);
}

Test(api, citizen_signs_in_sees_verifications_and_locks_kyc)
{
	struct e2e_resp r;
	char body[256], code[8], tok[80], cid[64];
	/* A party verification to see afterwards. */
	consent_for(alive, cid);
	snprintf(body, sizeof body, "{\"id_number\":\"%s\"}", alive);
	cr_assert_eq(req("POST", "/api/v1/me/login", NULL, body, &r), 202);
	char login[64];
	snprintf(login, sizeof login, "%s", json_string_value(json_object_get(r.json, "login_id")));
	e2e_resp_free(&r);
	passcode_for("+923001234567", code);
	snprintf(body, sizeof body, "{\"login_id\":\"%s\",\"passcode\":\"%s\"}", login, code);
	cr_assert_eq(req("POST", "/api/v1/me/session", NULL, body, &r), 201, "%s", r.body);
	snprintf(tok, sizeof tok, "%s", json_string_value(json_object_get(r.json, "token")));
	e2e_resp_free(&r);
	cr_assert_eq(req("GET", "/api/v1/me/verifications", tok, NULL, &r), 200);
	json_t *v = json_object_get(r.json, "verifications");
	cr_assert(json_array_size(v) >= 2);
	int saw_party = 0;
	size_t i;
	json_t *o;
	json_array_foreach(v, i, o) {
		const char *p = json_string_value(json_object_get(o, "party"));
		if (p && !strcmp(p, "Meezan Bank"))
			saw_party = 1;
	}
	cr_assert(saw_party, "%s", r.body);
	e2e_resp_free(&r);
	cr_assert_eq(req("GET", "/api/v1/me/verifications", NULL, NULL, &r), 401);
	e2e_resp_free(&r);

	cr_assert_eq(req("PUT", "/api/v1/me/locks/kyc", tok, NULL, &r), 200);
	cr_assert_str_eq(json_string_value(json_array_get(json_object_get(r.json, "locked"), 0)),
			 "kyc");
	e2e_resp_free(&r);
	passcode_for("+923001234567", code); /* still the login code: ask anew */
	consent_for(alive, cid);
	passcode_for("+923001234567", code);
	snprintf(body, sizeof body, "{\"consent_id\":\"%s\",\"passcode\":\"%s\",\"type\":\"kyc\"}",
		 cid, code);
	cr_assert_eq(signed_req("POST", "/api/v1/verifications", body, NULL, &r), 403);
	cr_assert_str_eq(e2e_error_code(&r), "VERIFICATION_LOCKED");
	e2e_resp_free(&r);
	cr_assert_eq(req("DELETE", "/api/v1/me/locks/kyc", tok, NULL, &r), 200);
	cr_assert_eq(json_array_size(json_object_get(r.json, "locked")), 0);
	e2e_resp_free(&r);
	cr_assert_eq(req("DELETE", "/api/v1/me/session", tok, NULL, &r), 200);
	e2e_resp_free(&r);
	cr_assert_eq(req("GET", "/api/v1/me/locks", tok, NULL, &r), 401);
	e2e_resp_free(&r);
}

Test(api, inbound_sms_needs_the_secret)
{
	struct e2e_resp r;
	cr_assert_eq(req("POST", "/sms/inbound?from=%2B923009876543&to=8300", NULL, "hello", &r),
		     401);
	cr_assert_str_eq(e2e_error_code(&r), "SMS_SECRET");
	e2e_resp_free(&r);
	cr_assert_eq(req("POST", "/sms/inbound?secret=wrong&from=%2B923009876543&to=8300", NULL,
			 "hello", &r),
		     401);
	e2e_resp_free(&r);
	char path[200];
	snprintf(path, sizeof path, "/sms/inbound?secret=inbound-s3cret&from=%%2B923009876543&to=8300");
	cr_assert_eq(req("POST", path, NULL, nomobile, &r), 200, "%s", r.body);
	e2e_resp_free(&r);
	char code[8];
	passcode_for("+923009876543", code);
	cr_assert_eq(req("POST", path, NULL, code, &r), 200);
	e2e_resp_free(&r);
	cr_assert_eq(fx_count(&f, "SELECT COUNT(*) FROM mobile_registrations WHERE state = 'bound'",
			      NULL),
		     1);
}

Test(api, suspended_party_is_refused)
{
	struct e2e_resp r;
	char path[64];
	snprintf(path, sizeof path, "/api/v1/parties/%lld/suspend", (long long)party_id);
	cr_assert_eq(req("POST", path, "admin-token", "{\"reason\":\"audit finding\"}", &r), 200);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "suspended");
	e2e_resp_free(&r);
	const char *body = "{\"id_number\":\"3520112345671\",\"purpose\":\"account opening\"}";
	cr_assert_eq(signed_req("POST", "/api/v1/consents", body, NULL, &r), 403);
	cr_assert_str_eq(e2e_error_code(&r), "PARTY_SUSPENDED");
	e2e_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/parties/%lld/keys", (long long)party_id);
	cr_assert_eq(req("POST", path, "admin-token", "{\"overlap_seconds\":0}", &r), 201);
	cr_assert_eq(strlen(json_string_value(json_object_get(r.json, "secret"))), 64);
	e2e_resp_free(&r);
}

/* Issue 13 item 4, as it was found: ten anonymous POST /me/login for an
 * identity number no longer block the bank's consent; and when a budget
 * does stop a passcode, the party is told so (429, a code, Retry-After),
 * never a 202. */
Test(api, anonymous_sign_ins_do_not_block_a_bank_and_refusals_say_so)
{
	struct e2e_resp r;
	char body[160];
	snprintf(body, sizeof body, "{\"id_number\":\"%s\"}", alive);
	int refused = 0;
	for (int i = 0; i < 10; i++) {
		long st = req("POST", "/api/v1/me/login", NULL, body, &r);
		cr_assert(st == 202 || st == 429, "%ld %s", st, r.body);
		if (st == 429) {
			refused++;
			cr_assert(!strcmp(e2e_error_code(&r), "LOGIN_RATE_LIMITED") ||
					  !strcmp(e2e_error_code(&r), "ADDRESS_RATE_LIMITED"),
				  "%s", r.body);
			cr_assert(r.retry_after[0], "429 without Retry-After");
		}
		e2e_resp_free(&r);
	}
	cr_assert(refused > 0, "sign-ins have a budget of their own");
	int64_t before = fx_count(&f, "SELECT COUNT(*) FROM sms_outbox WHERE to_number = ?",
				  "+923001234567");
	char cid[64];
	consent_for(alive, cid); /* 202: and the SMS really went out */
	cr_assert_eq(fx_count(&f, "SELECT COUNT(*) FROM sms_outbox WHERE to_number = ?",
			      "+923001234567"),
		     before + 1);
	/* The bank's own requests for this number: 10 in the window, then 429. */
	long st = 202;
	for (int i = 0; i < 12 && st == 202; i++) {
		snprintf(body, sizeof body, "{\"id_number\":\"%s\",\"purpose\":\"account opening\"}",
			 alive);
		st = signed_req("POST", "/api/v1/consents", body, NULL, &r);
		if (st == 429) {
			cr_assert_str_eq(e2e_error_code(&r), "CONSENT_RATE_LIMITED");
			cr_assert(r.retry_after[0]);
			cr_assert_null(json_object_get(r.json, "consent_id"));
		}
		e2e_resp_free(&r);
	}
	cr_assert_eq(st, 429);
}
