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
#include "e2e.h"
#include "api/routes.h"
#include "registry/person.h"
#include "api/app.h"
#include "testdb.h"

static char *url;
static struct app app;
static struct http_server *srv;
static struct e2e_server s; /* only .base is used by e2e_request */

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
	const char *h = http_header(req, "Authorization");
	if (!h || strncasecmp(h, "Bearer ", 7) != 0 || !role_from_name(h + 7))
		return sh_err_set(err, SH_EUNAUTH, "AUTH_REQUIRED", "bearer token required");
	req->principal.kind = PRINCIPAL_OPERATOR;
	req->principal.id = 1;
	req->principal.role_bit = role_from_name(h + 7);
	snprintf(req->principal.role, sizeof req->principal.role, "%s", h + 7);
	snprintf(req->principal.name, sizeof req->principal.name, "test-%s", h + 7);
	return SH_OK;
}

static void setup(void)
{
	struct sh_err err;
	url = testdb_url();
	cr_assert_eq(store_open(url, 4, &app.db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(audit_migrate(app.db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(registry_migrate(app.db, &err), SH_OK, "%s", err.msg);
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
	snprintf(s.base, sizeof s.base, "http://127.0.0.1:%u", http_server_port(srv));
}

static void teardown(void)
{
	http_server_stop(srv);
	audit_writer_stop();
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
	cr_assert_eq(req("PATCH", path, "uc_registrar", "{\"marital\":\"married\",\"reason\":\"x\"}", &r), 400);
	cr_assert_str_eq(e2e_error_code(&r), "VERSION_REQUIRED");
	e2e_resp_free(&r);
	cr_assert_eq(req("PATCH", path, "uc_registrar", "{\"version\":1,\"marital\":\"married\"}", &r), 400);
	cr_assert_str_eq(e2e_error_code(&r), "REASON_REQUIRED");
	e2e_resp_free(&r);
	cr_assert_eq(req("PATCH", path, "uc_registrar",
			 "{\"version\":1,\"reason\":\"nikah registered\",\"marital\":\"married\","
			 "\"guardian_name_en\":\"Imran Siddiqui\"}", &r), 200, "%s", r.body);
	cr_assert_eq(json_integer_value(json_object_get(r.json, "version")), 2);
	cr_assert_str_eq(jstr(r.json, "marital"), "married");
	cr_assert_str_eq(jstr(r.json, "guardian_relation"), "father"); /* group kept */
	e2e_resp_free(&r);
	cr_assert_eq(req("PATCH", path, "uc_registrar",
			 "{\"version\":1,\"reason\":\"late\",\"marital\":\"single\"}", &r), 409);
	cr_assert_str_eq(e2e_error_code(&r), "VERSION_CONFLICT");
	e2e_resp_free(&r);
	/* roles: an enrolment operator cannot PATCH, an auditor cannot POST */
	cr_assert_eq(req("PATCH", path, "enrolment_operator",
			 "{\"version\":2,\"reason\":\"r\",\"marital\":\"single\"}", &r), 403);
	e2e_resp_free(&r);
	cr_assert_eq(req("POST", "/api/v1/persons", "auditor", ALI_BODY, &r), 403);
	e2e_resp_free(&r);

	snprintf(path, sizeof path, "/api/v1/persons/%s/history", id);
	cr_assert_eq(req("GET", path, "case_officer", NULL, &r), 200);
	json_t *v = json_object_get(r.json, "versions");
	cr_assert_eq(json_array_size(v), 2);
	cr_assert_str_eq(jstr(json_array_get(v, 1), "reason"), "nikah registered");
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
