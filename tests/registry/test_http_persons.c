/* test_http_persons.c — the persons and address endpoints over real HTTP
 * (in-process server with this module's routes; a fake bearer hook where
 * the token is the role name, so roles can be exercised without auth). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit/audit.h"
#include "auth/roles.h"
#include "crypto/keyring.h"
#include "notify/sms.h"
#include "e2e.h"
#include "api/routes.h"
#include "registry/person.h"
#include "api/app.h"
#include "testdb.h"

static char *url;
static struct app app;
static struct http_server *srv;
static struct e2e_server s; /* the validating proxy in front of srv */

/* This test's own actor mapping (the server's lives in src/server/). */
struct audit_actor app_actor(const struct http_req *req)
{
	struct audit_actor a = {.kind = "operator"};
	a.id = req->principal.id;
	a.name = req->principal.name[0] ? req->principal.name : NULL;
	a.role = req->principal.role[0] ? req->principal.role : NULL;
	a.request_id = req->request_id;
	a.client_addr = req->client_addr;
	return a;
}

static int authenticate(void *ctx, enum http_auth auth, struct http_req *req,
			struct sh_err *err)
{
	if (auth == HTTP_AUTH_NONE)
		return SH_OK;
	/* The token is "role" (of council PB-LHR-01-003, Ali's) or
	 * "role@COUNCIL". */
	const char *h = http_header(req, "Authorization");
	char role[32] = "";
	const char *at = h ? strchr(h, '@') : NULL;
	if (h && strncasecmp(h, "Bearer ", 7) == 0)
		snprintf(role, sizeof role, "%.*s", at ? (int)(at - h - 7) : 31, h + 7);
	if (!role_from_name(role))
		return sh_err_set(err, SH_EUNAUTH, "AUTH_REQUIRED", "bearer token required");
	req->principal.kind = PRINCIPAL_OPERATOR;
	req->principal.id = 1;
	req->principal.role_bit = role_from_name(role);
	snprintf(req->principal.role, sizeof req->principal.role, "%s", role);
	snprintf(req->principal.name, sizeof req->principal.name, "test-%s", role);
	snprintf(req->principal.council_code, sizeof req->principal.council_code, "%s",
		 at ? at + 1 : "PB-LHR-01-003");
	return SH_OK;
}

static void setup(void)
{
	struct sh_err err;
	url = testdb_url();
	cr_assert_eq(store_open(url, 4, &app.db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(audit_migrate(app.db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(registry_migrate(app.db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(notify_migrate(app.db, &err), SH_OK, "%s", err.msg);
	unsigned char master[KEYRING_KEY_BYTES] = {7};
	cr_assert_eq(keyring_from_master(master, &app.keys, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(audit_writer_start(app.db, &err), SH_OK);
	static struct http_route routes[32];
	size_t n = 0;
	for (size_t i = 0; i < persons_routes_count; i++)
		routes[n++] = persons_routes[i];
	for (size_t i = 0; i < address_routes_count; i++)
		routes[n++] = address_routes[i];
	struct http_config cfg = {.listen = "127.0.0.1:0", .threads = 2};
	struct http_hooks hooks = {.authenticate = authenticate};
	cr_assert_eq(http_server_start(&cfg, routes, n, &hooks, &app, &srv, &err), SH_OK, "%s",
		     err.msg);
	/* Every answer goes through the validating proxy (docs/openapi.yaml). */
	cr_assert_eq(e2e_validate(&s, http_server_port(srv)), 0, "the answer validator starts");
}

static void teardown(void)
{
	e2e_validate_stop(&s);
	http_server_stop(srv);
	audit_writer_stop();
	keyring_free(app.keys);
	store_close(app.db);
	testdb_drop(url);
}

TestSuite(http_persons, .init = setup, .fini = teardown, .timeout = 60);

static long req(const char *method, const char *path, const char *role, const char *body,
		struct e2e_resp *r)
{
	cr_assert_eq(e2e_request(&s, method, path, role, body, NULL, r), 0, "%s %s", method, path);
	return r->status;
}

static const char *jstr(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

#define ALI_BODY                                                                          \
	"{\"name_ur\":\"محمد علی\",\"name_en\":\"Muhammad Ali\",\"gender\":\"male\","   \
	"\"dob\":\"1990-05-14\",\"council_code\":\"PB-LHR-01-003\",\"mobile\":\"0300-1234567\"," \
	"\"guardian_name_en\":\"Ahmed Khan\",\"guardian_relation\":\"father\"}"

static void create_ali(char id[16])
{
	struct e2e_resp r;
	cr_assert_eq(req("POST", "/api/v1/persons", "uc_registrar", ALI_BODY, &r), 201, "%s",
		     r.body);
	snprintf(id, 16, "%s", jstr(r.json, "id_number"));
	e2e_resp_free(&r);
}

Test(http_persons, create_get_patch_history_search)
{
	struct e2e_resp r;
	cr_assert_eq(req("POST", "/api/v1/persons", "uc_registrar", ALI_BODY, &r), 201, "%s",
		     r.body);
	char id[16];
	snprintf(id, sizeof id, "%s", jstr(r.json, "id_number"));
	cr_assert_eq(strlen(id), 15);
	cr_assert_eq(id[5], '-');
	cr_assert_str_eq(jstr(r.json, "mobile"), "+923001234567");
	json_t *addr = json_object_get(r.json, "address");
	cr_assert_str_eq(jstr(json_object_get(addr, "district"), "code"), "PB-LHR");
	cr_assert_str_eq(jstr(json_object_get(addr, "province"), "name_en"), "Punjab");
	cr_assert_str_eq(jstr(json_object_get(addr, "council"), "name_en"), "Lahore City UC-3");
	cr_assert_eq(json_integer_value(json_object_get(r.json, "version")), 1);
	e2e_resp_free(&r);

	char path[96];
	snprintf(path, sizeof path, "/api/v1/persons/%s", id);
	cr_assert_eq(req("GET", path, "auditor", NULL, &r), 200);
	cr_assert_str_eq(jstr(r.json, "name_ur"), "محمد علی");
	cr_assert_str_eq(jstr(r.json, "dob"), "1990-05-14");
	cr_assert_str_eq(jstr(r.json, "status"), "alive");
	cr_assert(json_is_null(json_object_get(r.json, "date_of_death")));
	e2e_resp_free(&r);

	/* PATCH: version and reason required; stale version 409 */
	cr_assert_eq(req("PATCH", path, "uc_registrar", "{\"place_of_birth\":\"Lahore\",\"reason\":\"x\"}", &r), 400);
	cr_assert_str_eq(e2e_error_code(&r), "VERSION_REQUIRED");
	e2e_resp_free(&r);
	cr_assert_eq(req("PATCH", path, "uc_registrar", "{\"version\":1,\"place_of_birth\":\"Lahore\"}", &r), 400);
	cr_assert_str_eq(e2e_error_code(&r), "REASON_REQUIRED");
	e2e_resp_free(&r);
	cr_assert_eq(req("PATCH", path, "uc_registrar",
			 "{\"version\":1,\"reason\":\"birth certificate seen\",\"place_of_birth\":\"Lahore\","
			 "\"guardian_name_en\":\"Imran Siddiqui\"}", &r), 200, "%s", r.body);
	cr_assert_eq(json_integer_value(json_object_get(r.json, "version")), 2);
	cr_assert_str_eq(jstr(r.json, "place_of_birth"), "Lahore");
	cr_assert_str_eq(jstr(r.json, "guardian_relation"), "father"); /* group kept */
	e2e_resp_free(&r);
	cr_assert_eq(req("PATCH", path, "uc_registrar",
			 "{\"version\":1,\"reason\":\"late\",\"place_of_birth\":\"Kasur\"}", &r), 409);
	cr_assert_str_eq(e2e_error_code(&r), "VERSION_CONFLICT");
	e2e_resp_free(&r);
	/* roles: an enrolment operator cannot PATCH, an auditor cannot POST */
	cr_assert_eq(req("PATCH", path, "enrolment_operator",
			 "{\"version\":2,\"reason\":\"r\",\"place_of_birth\":\"Kasur\"}", &r), 403);
	e2e_resp_free(&r);
	cr_assert_eq(req("POST", "/api/v1/persons", "auditor", ALI_BODY, &r), 403);
	e2e_resp_free(&r);

	snprintf(path, sizeof path, "/api/v1/persons/%s/history", id);
	cr_assert_eq(req("GET", path, "case_officer", NULL, &r), 200);
	json_t *v = json_object_get(r.json, "versions");
	cr_assert_eq(json_array_size(v), 2);
	cr_assert_str_eq(jstr(json_array_get(v, 1), "reason"), "birth certificate seen");
	cr_assert_str_eq(jstr(json_array_get(v, 1), "actor"), "test-uc_registrar");
	e2e_resp_free(&r);

	cr_assert_eq(req("GET", "/api/v1/persons?name=%D9%85%D8%AD%D9%85%D9%91%D8%AF%20%D8%B9%D9%84%D9%8A",
			 "admin", NULL, &r), 200, "%s", r.body); /* "محمّد علي" */
	cr_assert_eq(json_integer_value(json_object_get(r.json, "count")), 1);
	e2e_resp_free(&r);
	cr_assert_eq(req("GET", "/api/v1/persons?name=muhammad%20al&dob=1990-05-14&limit=5",
			 "admin", NULL, &r), 200);
	cr_assert_eq(json_integer_value(json_object_get(r.json, "count")), 1);
	e2e_resp_free(&r);
	cr_assert_eq(req("GET", "/api/v1/persons?name=ali&limit=500", "admin", NULL, &r), 400);
	cr_assert_str_eq(e2e_error_code(&r), "LIMIT_INVALID");
	e2e_resp_free(&r);

	/* reads are audited (the writer appends within ~50 ms; flush first) */
	audit_writer_flush();
	store_tx *tx;
	store_stmt *st;
	struct sh_err e;
	cr_assert_eq(store_begin(app.db, STORE_READ, &tx, &e), 0);
	cr_assert_eq(store_query(tx, &st, &e, "SELECT COUNT(*) FROM audit_log WHERE action IN"
			 " ('person.read', 'person.history', 'person.search')", ""), 0);
	cr_assert_eq(store_step(st, &e), STORE_ROW);
	cr_assert_eq(store_col_int(st, 0), 4);
	store_finalize(st);
	store_rollback(tx);
}

Test(http_persons, strict_input)
{
	struct e2e_resp r;
	struct {
		const char *body;
		long status;
		const char *code;
	} cases[] = {
		{"{\"name_en\":\"Ali\",\"dob\":\"1990-01-01\",\"council_code\":\"PB-LHR-01-001\",\"shoe\":1}", 400, "UNKNOWN_FIELD"},
		{"{\"name_en\":7,\"dob\":\"1990-01-01\",\"council_code\":\"PB-LHR-01-001\"}", 400, "FIELD_TYPE"},
		{"{\"name_en\":\"Ali\",\"dob\":\"1990-01-01\",\"council_code\":\"PB-XXX-01-001\"}", 422, "UNKNOWN_COUNCIL"},
		{"{\"name_en\":\"Ali\",\"dob\":\"1990-01-01\",\"council_code\":\"PB-LHR-01-001\",\"mother_id\":\"123\"}", 400, "IDNUM_INVALID"},
		{"{\"name_en\":\"Ali\",\"dob\":\"1990-01-01\",\"council_code\":\"PB-LHR-01-001\",\"id_number\":\"99999-9999999-9\"}", 400, "IDNUM_INVALID"},
		{"{\"name_en\":\"Ali\",\"dob\":\"1990-02-30\",\"council_code\":\"PB-LHR-01-001\"}", 400, "DOB_INVALID"},
		{"{\"name_en\":\"Ali\",\"dob\":\"1990-01-01\",\"council_code\":\"PB-LHR-01-001\",\"gender\":\"M\"}", 400, "GENDER_INVALID"},
		{"{\"name_en\":\"Ali\",\"dob\":\"1990-01-01\",\"council_code\":\"PB-LHR-01-001\",\"updated_at\":\"x\"}", 400, "READ_ONLY_FIELD"},
		{"{\"name_en\":\"Ali\",\"dob\":\"1990-01-01\",\"council_code\":\"PB-LHR-01-001\",\"mobile\":\"12345\"}", 400, "MOBILE_INVALID"},
		{"[1,2]", 400, NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cr_assert_eq(req("POST", "/api/v1/persons", "admin", cases[i].body, &r), cases[i].status,
			     "case %zu: %s", i, r.body);
		if (cases[i].code)
			cr_assert_str_eq(e2e_error_code(&r), cases[i].code, "case %zu", i);
		e2e_resp_free(&r);
	}
	/* legacy import, then the same number again: 409 */
	const char *legacy = "{\"name_en\":\"Zainab Bibi\",\"dob\":\"1961\",\"id_number\":\"35202-1234567-8\","
			     "\"legacy_number\":true,\"council_code\":\"SD-KHS-04-001\"}";
	cr_assert_eq(req("POST", "/api/v1/persons", "admin", legacy, &r), 201, "%s", r.body);
	cr_assert_str_eq(jstr(r.json, "dob_precision"), "year");
	cr_assert_str_eq(jstr(r.json, "gender"), "female");
	e2e_resp_free(&r);
	cr_assert_eq(req("POST", "/api/v1/persons", "admin", legacy, &r), 409);
	cr_assert_str_eq(e2e_error_code(&r), "PERSON_EXISTS");
	e2e_resp_free(&r);

	cr_assert_eq(req("GET", "/api/v1/persons/12345", "admin", NULL, &r), 400);
	cr_assert_str_eq(e2e_error_code(&r), "IDNUM_INVALID");
	e2e_resp_free(&r);
	cr_assert_eq(req("GET", "/api/v1/persons/35202-1234567-1", "admin", NULL, &r), 404);
	cr_assert_str_eq(e2e_error_code(&r), "PERSON_NOT_FOUND");
	e2e_resp_free(&r);
	cr_assert_eq(req("GET", "/api/v1/persons/35202-1234567-8", NULL, NULL, &r), 401);
	e2e_resp_free(&r);
}

Test(http_persons, address_endpoints_and_children)
{
	struct e2e_resp r;
	cr_assert_eq(req("GET", "/api/v1/provinces", "auditor", NULL, &r), 200);
	cr_assert_eq(json_array_size(json_object_get(r.json, "provinces")), 7);
	e2e_resp_free(&r);
	cr_assert_eq(req("GET", "/api/v1/districts?province=KP", "enrolment_operator", NULL, &r), 200);
	cr_assert_eq(json_array_size(json_object_get(r.json, "districts")), 36);
	e2e_resp_free(&r);
	cr_assert_eq(req("GET", "/api/v1/councils?district=PB-LHR", "admin", NULL, &r), 200);
	cr_assert_eq(json_array_size(json_object_get(r.json, "councils")), 15);
	e2e_resp_free(&r);
	cr_assert_eq(req("GET", "/api/v1/councils", "admin", NULL, &r), 400);
	e2e_resp_free(&r);
	cr_assert_eq(req("GET", "/api/v1/councils/PB-LHR-01-003", "admin", NULL, &r), 200);
	cr_assert_str_eq(jstr(json_object_get(r.json, "tehsil"), "name_en"), "Lahore City");
	e2e_resp_free(&r);

	char father[16];
	create_ali(father);
	char body[512], path[96];
	snprintf(body, sizeof body,
		 "{\"name_en\":\"Hamza Ali\",\"dob\":\"2015-03-03\",\"gender\":\"male\","
		 "\"council_code\":\"PB-LHR-01-003\",\"father_id\":\"%s\"}", father);
	cr_assert_eq(req("POST", "/api/v1/persons", "enrolment_operator", body, &r), 201, "%s", r.body);
	cr_assert_str_eq(jstr(r.json, "father_id"), father);
	e2e_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/persons/%s/children", father);
	cr_assert_eq(req("GET", path, "admin", NULL, &r), 200);
	cr_assert_eq(json_array_size(json_object_get(r.json, "children")), 1);
	e2e_resp_free(&r);
}

/* Issue 13 item 1: a registrar acts on the records of its own council;
 * life and marital status are not edits. */
Test(http_persons, scope_and_civil_status)
{
	char id[16], path[96];
	struct e2e_resp r;
	create_ali(id);
	snprintf(path, sizeof path, "/api/v1/persons/%s", id);
	/* Another province's registrar: refused, for every change. */
	cr_assert_eq(req("PATCH", path, "uc_registrar@SD-KHC-01-001",
			 "{\"version\":1,\"reason\":\"r\",\"place_of_birth\":\"Karachi\"}", &r),
		     403, "%s", r.body);
	cr_assert_str_eq(e2e_error_code(&r), "OUT_OF_SCOPE");
	e2e_resp_free(&r);
	char mpath[112];
	snprintf(mpath, sizeof mpath, "%s/mobile", path);
	cr_assert_eq(req("POST", mpath, "uc_registrar@SD-KHC-01-001",
			 "{\"mobile\":\"03219999999\",\"reason\":\"r\"}", &r), 403, "%s", r.body);
	cr_assert_str_eq(e2e_error_code(&r), "OUT_OF_SCOPE");
	e2e_resp_free(&r);
	/* Nor can it register a person into its neighbour's council. */
	cr_assert_eq(req("POST", "/api/v1/persons", "uc_registrar@SD-KHC-01-001", ALI_BODY, &r),
		     403, "%s", r.body);
	cr_assert_str_eq(e2e_error_code(&r), "OUT_OF_SCOPE");
	e2e_resp_free(&r);
	/* Even the person's own council cannot declare a death or a marriage
	 * by an edit, nor bring the dead back. */
	static const char *const edits[] = {
		"{\"version\":1,\"reason\":\"r\",\"status\":\"deceased\",\"date_of_death\":\"2026-01-01\"}",
		"{\"version\":1,\"reason\":\"r\",\"status\":\"alive\"}",
		"{\"version\":1,\"reason\":\"r\",\"date_of_death\":\"2026-01-01\"}",
		"{\"version\":1,\"reason\":\"r\",\"marital\":\"married\"}",
	};
	for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
		cr_assert_eq(req("PATCH", path, "admin", edits[i], &r), 422, "%s", r.body);
		cr_assert_str_eq(e2e_error_code(&r), "CIVIL_EVENT_REQUIRED", "%s", edits[i]);
		e2e_resp_free(&r);
	}
	cr_assert_eq(req("PATCH", path, "uc_registrar",
			 "{\"version\":1,\"reason\":\"r\",\"mobile\":\"03219999999\"}", &r), 422);
	cr_assert_str_eq(e2e_error_code(&r), "MOBILE_CONFIRMATION_REQUIRED");
	e2e_resp_free(&r);
	/* The administrator acts anywhere (audited as any change). */
	cr_assert_eq(req("PATCH", path, "admin@IS-ISB-01-001",
			 "{\"version\":1,\"reason\":\"r\",\"place_of_birth\":\"Lahore\"}", &r),
		     200, "%s", r.body);
	e2e_resp_free(&r);
	cr_assert_eq(req("GET", path, "auditor", NULL, &r), 200);
	cr_assert_str_eq(jstr(r.json, "status"), "alive");
	cr_assert_str_eq(jstr(r.json, "marital"), "single");
	e2e_resp_free(&r);
}

/* The latest text queued to `to`, and how many were. */
static int outbox_last(const char *to, const char *kind, char *text, size_t n)
{
	store_tx *tx;
	store_stmt *st;
	struct sh_err e;
	int count = 0;
	text[0] = '\0';
	cr_assert_eq(store_begin(app.db, STORE_READ, &tx, &e), 0);
	cr_assert_eq(store_query(tx, &st, &e,
				 "SELECT text FROM sms_outbox WHERE to_number = ? AND kind = ?"
				 " ORDER BY id",
				 "tt", to, kind),
		     0);
	while (store_step(st, &e) == STORE_ROW) {
		snprintf(text, n, "%s", store_col_text(st, 0));
		count++;
	}
	store_finalize(st);
	store_rollback(tx);
	return count;
}

static void code_of(const char *text, char code[7])
{
	const char *p = strstr(text, "code ");
	cr_assert_not_null(p, "%s", text);
	snprintf(code, 7, "%.6s", p + 5);
}

static void mobile_is(const char *path, const char *want)
{
	struct e2e_resp r;
	cr_assert_eq(req("GET", path, "auditor", NULL, &r), 200);
	cr_assert_str_eq(jstr(r.json, "mobile"), want);
	e2e_resp_free(&r);
}

/* Issue 13 item 1: a new mobile is confirmed by a code sent to it, the old
 * number is told, and passcodes keep going to the old number until the
 * cooling-off period has passed. */
Test(http_persons, mobile_change_is_confirmed_and_cooled_off)
{
	char id[16], path[96], mpath[112], cpath[128], text[SMS_TEXT_MAX], code[7];
	struct e2e_resp r;
	create_ali(id);
	snprintf(path, sizeof path, "/api/v1/persons/%s", id);
	snprintf(mpath, sizeof mpath, "%s/mobile", path);
	snprintf(cpath, sizeof cpath, "%s/mobile/confirm", path);
	const char *body = "{\"mobile\":\"0321-7654321\",\"reason\":\"new SIM\"}";
	cr_assert_eq(req("POST", mpath, "uc_registrar", body, &r), 202, "%s", r.body);
	cr_assert_str_eq(jstr(r.json, "status"), "confirmation_sent");
	cr_assert_str_eq(jstr(r.json, "mobile"), "+923217654321");
	cr_assert(json_is_true(json_object_get(r.json, "old_mobile_notified")));
	e2e_resp_free(&r);
	cr_assert_eq(outbox_last("+923217654321", "mobile.confirm", text, sizeof text), 1);
	code_of(text, code);
	cr_assert_eq(outbox_last("+923001234567", "mobile.change_notice", text, sizeof text), 1);
	cr_assert_null(strstr(text, code), "the old number never sees the code");
	/* A wrong code is counted and refused. */
	char wrong[64];
	snprintf(wrong, sizeof wrong, "{\"code\":\"%06d\"}", ((int)strtol(code, NULL, 10) + 1) % 1000000);
	cr_assert_eq(req("POST", cpath, "uc_registrar", wrong, &r), 422, "%s", r.body);
	cr_assert_str_eq(e2e_error_code(&r), "MOBILE_CODE_WRONG");
	e2e_resp_free(&r);
	char right[64];
	snprintf(right, sizeof right, "{\"code\":\"%s\"}", code);
	cr_assert_eq(req("POST", cpath, "uc_registrar", right, &r), 200, "%s", r.body);
	cr_assert_str_eq(jstr(r.json, "status"), "scheduled");
	cr_assert(json_is_string(json_object_get(r.json, "effective_at")));
	e2e_resp_free(&r);
	cr_assert_eq(outbox_last("+923001234567", "mobile.change_notice", text, sizeof text), 2);
	/* Cooling off: the record (and so every passcode) keeps the old number. */
	mobile_is(path, "+923001234567");
	/* The holder objected at the council: withdrawn. */
	cr_assert_eq(req("DELETE", mpath, "uc_registrar", NULL, &r), 200, "%s", r.body);
	e2e_resp_free(&r);
	cr_assert_eq(req("DELETE", mpath, "uc_registrar", NULL, &r), 404, "%s", r.body);
	e2e_resp_free(&r);
	cr_assert_eq(req("POST", cpath, "uc_registrar", right, &r), 404, "%s", r.body);
	cr_assert_str_eq(e2e_error_code(&r), "NO_MOBILE_CHANGE");
	e2e_resp_free(&r);
	/* Asked again and confirmed; once the period has passed (moved here
	 * to now, not waited for) the new number is the record's. */
	cr_assert_eq(req("POST", mpath, "uc_registrar", body, &r), 202, "%s", r.body);
	e2e_resp_free(&r);
	cr_assert_eq(outbox_last("+923217654321", "mobile.confirm", text, sizeof text), 2);
	code_of(text, code);
	snprintf(right, sizeof right, "{\"code\":\"%s\"}", code);
	cr_assert_eq(req("POST", cpath, "uc_registrar", right, &r), 200, "%s", r.body);
	e2e_resp_free(&r);
	mobile_is(path, "+923001234567");
	store_tx *tx;
	struct sh_err e;
	cr_assert_eq(store_begin(app.db, STORE_WRITE, &tx, &e), 0);
	cr_assert(store_run(tx, &e, "UPDATE person_scheduled SET effective_at = ?", "i",
			    sh_now() - 1) == 1);
	cr_assert_eq(store_commit(tx, &e), 0);
	mobile_is(path, "+923217654321");
	/* The next write records it as a version of its own. */
	cr_assert_eq(req("PATCH", path, "uc_registrar",
			 "{\"version\":1,\"reason\":\"r\",\"place_of_birth\":\"Lahore\"}", &r),
		     200, "%s", r.body);
	cr_assert_eq(json_integer_value(json_object_get(r.json, "version")), 3);
	cr_assert_str_eq(jstr(r.json, "mobile"), "+923217654321");
	e2e_resp_free(&r);
}

/* Issue 14 item 11: councils by tehsil. */
Test(http_persons, councils_by_tehsil)
{
	struct e2e_resp r;
	cr_assert_eq(req("GET", "/api/v1/councils?district=PB-LHR", "admin", NULL, &r), 200);
	size_t district = json_array_size(json_object_get(r.json, "councils"));
	e2e_resp_free(&r);
	cr_assert_eq(req("GET", "/api/v1/councils?tehsil=PB-LHR-01", "admin", NULL, &r), 200,
		     "%s", r.body);
	json_t *c = json_object_get(r.json, "councils");
	cr_assert_gt(json_array_size(c), 0);
	cr_assert_lt(json_array_size(c), district + 1);
	for (size_t i = 0; i < json_array_size(c); i++)
		cr_assert_str_eq(jstr(json_array_get(c, i), "parent"), "PB-LHR-01");
	e2e_resp_free(&r);
	cr_assert_eq(req("GET", "/api/v1/councils?tehsil=PB-LHR-01&district=SD-KHC", "admin", NULL,
			 &r), 200);
	cr_assert_eq(json_array_size(json_object_get(r.json, "councils")), 0);
	e2e_resp_free(&r);
	cr_assert_eq(req("GET", "/api/v1/councils", "admin", NULL, &r), 400);
	cr_assert_str_eq(e2e_error_code(&r), "FILTER_REQUIRED");
	e2e_resp_free(&r);
}
