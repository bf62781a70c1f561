/* test_foundation.c — end-to-end: the real `shanakht` binary over HTTP, on
 * the backend under test (SQLite or PostgreSQL). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "e2e.h"
#include "store/store.h"

static struct e2e_server srv;

static void start(void)
{
	cr_assert_eq(e2e_start(&srv, NULL), 0, "server starts");
}

static void stop(void)
{
	cr_assert_eq(e2e_stop(&srv), 0, "server stops cleanly on SIGTERM");
}

/* A valid person body with a council from the seeded address library. */
static json_t *person_body(const char *name_en, const char *dob)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "name_en", name_en,
			 "name_ur", "محمد علی", "guardian_name_en", "Akbar Ali", "guardian_relation",
			 "father", "gender", "male", "dob", dob, "place_of_birth", "Lahore",
			 "council_code", "PB-LHR-01-001", "citizenship", "citizen");
}

static char *create_person(const char *name_en, const char *dob)
{
	json_t *b = person_body(name_en, dob);
	struct e2e_resp r;
	e2e_request_json(&srv, "POST", "/api/v1/persons", srv.admin_token, b, &r);
	json_decref(b);
	cr_assert_eq(r.status, 201, "create person: %ld %s", r.status, r.body);
	char *id = strdup(json_string_value(json_object_get(r.json, "id_number")));
	e2e_resp_free(&r);
	return id;
}

TestSuite(foundation, .init = start, .fini = stop, .timeout = 240);

Test(foundation, health_metrics_and_request_ids)
{
	struct e2e_resp r;
	e2e_request(&srv, "GET", "/healthz", NULL, NULL, NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "ok");
	cr_assert(strlen(r.request_id) > 0, "every response has X-Request-Id");
	e2e_resp_free(&r);

	const char *hdr[] = {"X-Request-Id: trace-abc.123", NULL};
	e2e_request(&srv, "GET", "/no/such/path", NULL, NULL, hdr, &r);
	cr_assert_eq(r.status, 404);
	cr_assert_str_eq(r.request_id, "trace-abc.123", "a valid client id is echoed");
	cr_assert_str_eq(e2e_error_code(&r), "NOT_FOUND");
	e2e_resp_free(&r);

	e2e_request(&srv, "GET", "/metrics", NULL, NULL, NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert(strstr(r.body, "shanakht_http_requests_total"), "%s", r.body);
	cr_assert(strstr(r.body, "shanakht_http_request_duration_seconds_bucket"));
	cr_assert(strstr(r.body, "shanakht_db_pool_size"));
	e2e_resp_free(&r);
}

Test(foundation, authentication_and_roles)
{
	struct e2e_resp r;
	e2e_request(&srv, "GET", "/api/v1/persons?name=ali", NULL, NULL, NULL, &r);
	cr_assert_eq(r.status, 401);
	e2e_resp_free(&r);
	e2e_request(&srv, "GET", "/api/v1/persons?name=ali", "not-a-token", NULL, NULL, &r);
	cr_assert_eq(r.status, 401);
	e2e_resp_free(&r);

	/* A health notifier may not create persons nor operators: 403, audited. */
	char tok[80];
	cr_assert_eq(e2e_operator(&srv, "nurse.one", "health_notifier", NULL, tok), 0);
	json_t *b = person_body("Nurse Made", "1990-01-01");
	e2e_request_json(&srv, "POST", "/api/v1/persons", tok, b, &r);
	json_decref(b);
	cr_assert_eq(r.status, 403, "%s", r.body);
	e2e_resp_free(&r);
	e2e_request(&srv, "POST", "/api/v1/users", tok,
		    "{\"username\":\"evil\",\"password\":\"x-password-123456\",\"role\":\"admin\"}",
		    NULL, &r);
	cr_assert_eq(r.status, 403);
	e2e_resp_free(&r);

	/* The refusals reached the audit log. */
	char auditor[80];
	cr_assert_eq(e2e_operator(&srv, "auditor.one", "auditor", NULL, auditor), 0);
	int found = 0;
	for (int tries = 0; tries < 50 && !found; tries++) {
		e2e_request(&srv, "GET", "/api/v1/audit/entries?from=0&limit=1000", auditor, NULL,
			    NULL, &r);
		cr_assert_eq(r.status, 200, "%s", r.body);
		found = strstr(r.body, "authz.deny") != NULL;
		e2e_resp_free(&r);
		if (!found)
			usleep(100 * 1000); /* the read-audit writer batches (~50 ms) */
	}
	cr_assert(found, "a 403 is audited as authz.deny");

	/* Disabled operators lose their sessions. */
	e2e_request(&srv, "POST", "/api/v1/users/nurse.one/disable", srv.admin_token, "{}", NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	e2e_resp_free(&r);
	e2e_request(&srv, "GET", "/api/v1/councils?district=PB-LHR", tok, NULL, NULL, &r);
	cr_assert_eq(r.status, 401);
	e2e_resp_free(&r);
}

Test(foundation, login_failures_look_alike_and_are_throttled)
{
	struct e2e_resp a, b;
	e2e_request(&srv, "POST", "/api/v1/session", NULL,
		    "{\"username\":\"nobody.here\",\"password\":\"wrong-password-1\"}", NULL, &a);
	e2e_request(&srv, "POST", "/api/v1/session", NULL,
		    "{\"username\":\"admin\",\"password\":\"wrong-password-1\"}", NULL, &b);
	cr_assert_eq(a.status, 401);
	cr_assert_eq(b.status, 401);
	cr_assert_str_eq(e2e_error_code(&a), e2e_error_code(&b));
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(a.json, "error"), "message")),
			 json_string_value(json_object_get(json_object_get(b.json, "error"), "message")),
			 "unknown user and wrong password get the same answer");
	e2e_resp_free(&a);
	e2e_resp_free(&b);

	long last = 0;
	for (int i = 0; i < 8 && last != 429; i++) {
		e2e_request(&srv, "POST", "/api/v1/session", NULL,
			    "{\"username\":\"victim.x\",\"password\":\"wrong-password-1\"}", NULL, &a);
		last = a.status;
		e2e_resp_free(&a);
	}
	cr_assert_eq(last, 429, "repeated failures are throttled");
}

Test(foundation, person_lifecycle)
{
	char *id = create_person("Muhammad Ali", "1990-05-17");
	cr_assert_eq(strlen(id), 15, "printed #####-#######-#: %s", id);
	cr_assert_eq(id[5], '-');
	cr_assert_eq(id[13], '-');

	char path[128];
	struct e2e_resp r;
	snprintf(path, sizeof path, "/api/v1/persons/%s", id);
	e2e_request(&srv, "GET", path, srv.admin_token, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "name_en")), "Muhammad Ali");
	cr_assert_eq(json_integer_value(json_object_get(r.json, "version")), 1);
	e2e_resp_free(&r);

	/* A change is a new version with a reason; the old one stays. */
	e2e_request(&srv, "PATCH", path, srv.admin_token,
		    "{\"version\":1,\"reason\":\"moved\",\"address_line\":\"House 5, Street 2\"}",
		    NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_eq(json_integer_value(json_object_get(r.json, "version")), 2);
	e2e_resp_free(&r);
	/* A stale version conflicts. */
	e2e_request(&srv, "PATCH", path, srv.admin_token,
		    "{\"version\":1,\"reason\":\"stale\",\"address_line\":\"elsewhere\"}", NULL, &r);
	cr_assert_eq(r.status, 409, "%s", r.body);
	cr_assert_str_eq(e2e_error_code(&r), "VERSION_CONFLICT");
	e2e_resp_free(&r);

	snprintf(path, sizeof path, "/api/v1/persons/%s/history", id);
	e2e_request(&srv, "GET", path, srv.admin_token, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	json_t *versions = json_object_get(r.json, "versions");
	cr_assert_eq(json_array_size(versions), 2, "%s", r.body);
	e2e_resp_free(&r);

	/* Search by normalized name: Urdu variants and Latin case fold. */
	e2e_request(&srv, "GET", "/api/v1/persons?name=MUHAMMAD%20ali&dob=1990-05-17",
		    srv.admin_token, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_geq(json_array_size(json_object_get(r.json, "results")), 1, "%s", r.body);
	e2e_resp_free(&r);
	/* محمد علي: Arabic yeh instead of Urdu yeh, with a shadda: same person. */
	e2e_request(&srv, "GET",
		    "/api/v1/persons?name=%D9%85%D8%AD%D9%85%D9%91%D8%AF%20%D8%B9%D9%84%D9%8A",
		    srv.admin_token, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_geq(json_array_size(json_object_get(r.json, "results")), 1, "%s", r.body);
	e2e_resp_free(&r);
	free(id);
}

Test(foundation, bad_input_gets_clear_errors_and_changes_nothing)
{
	struct e2e_resp r;
	e2e_request(&srv, "POST", "/api/v1/persons", srv.admin_token, "{\"name_en\": ", NULL, &r);
	cr_assert_eq(r.status, 400);
	cr_assert_str_eq(e2e_error_code(&r), "BAD_JSON");
	e2e_resp_free(&r);

	e2e_request(&srv, "POST", "/api/v1/persons", srv.admin_token, "[1,2]", NULL, &r);
	cr_assert_eq(r.status, 400);
	e2e_resp_free(&r);

	json_t *b = person_body("Wrong Type", "1990-01-01");
	json_object_set_new(b, "gender", json_integer(3));
	e2e_request_json(&srv, "POST", "/api/v1/persons", srv.admin_token, b, &r);
	cr_assert_eq(r.status, 400, "%s", r.body);
	e2e_resp_free(&r);

	json_object_set_new(b, "gender", json_string("male"));
	json_object_set_new(b, "council_code", json_string("XX-NOPE-99-999"));
	e2e_request_json(&srv, "POST", "/api/v1/persons", srv.admin_token, b, &r);
	cr_assert_eq(r.status, 422, "%s", r.body);
	cr_assert_str_eq(e2e_error_code(&r), "UNKNOWN_COUNCIL");
	e2e_resp_free(&r);

	json_object_set_new(b, "council_code", json_string("PB-LHR-01-001"));
	json_object_set_new(b, "dob", json_string("2999-01-01"));
	e2e_request_json(&srv, "POST", "/api/v1/persons", srv.admin_token, b, &r);
	cr_assert_geq(r.status, 400, "%s", r.body);
	cr_assert_leq(r.status, 422);
	e2e_resp_free(&r);
	json_decref(b);

	e2e_request(&srv, "GET", "/api/v1/persons/91234-5678901-3", srv.admin_token, NULL, NULL, &r);
	cr_assert_eq(r.status, 400, "a wrong check digit (and no legacy province) is malformed: %s", r.body);
	e2e_resp_free(&r);
	e2e_request(&srv, "GET", "/api/v1/persons/abc", srv.admin_token, NULL, NULL, &r);
	cr_assert_eq(r.status, 400);
	e2e_resp_free(&r);

	/* 9 MiB body over the 8 MiB cap. */
	size_t big = 9u << 20;
	char *huge = malloc(big + 1);
	memset(huge, ' ', big);
	huge[0] = '{';
	huge[big - 1] = '}';
	huge[big] = '\0';
	e2e_request(&srv, "POST", "/api/v1/persons", srv.admin_token, huge, NULL, &r);
	cr_assert_eq(r.status, 413, "%ld", r.status);
	e2e_resp_free(&r);
	free(huge);

	/* Nothing above created a person. */
	e2e_request(&srv, "GET", "/api/v1/persons?name=wrong%20type", srv.admin_token, NULL, NULL, &r);
	cr_assert_eq(json_array_size(json_object_get(r.json, "results")), 0, "%s", r.body);
	e2e_resp_free(&r);
}

Test(foundation, duplicate_legacy_import_conflicts)
{
	json_t *b = person_body("Legacy Import", "1960-01-01");
	json_object_set_new(b, "id_number", json_string("35202-1234567-1"));
	json_object_set_new(b, "legacy_number", json_true());
	struct e2e_resp r;
	e2e_request_json(&srv, "POST", "/api/v1/persons", srv.admin_token, b, &r);
	cr_assert_eq(r.status, 201, "%s", r.body);
	e2e_resp_free(&r);
	e2e_request_json(&srv, "POST", "/api/v1/persons", srv.admin_token, b, &r);
	cr_assert_eq(r.status, 409, "%s", r.body);
	e2e_resp_free(&r);
	json_decref(b);
}

struct racer {
	const char *path;
	long status;
};

static void *race_patch(void *arg)
{
	struct racer *rc = arg;
	struct e2e_resp r;
	e2e_request(&srv, "PATCH", rc->path, srv.admin_token,
		    "{\"version\":1,\"reason\":\"race\",\"address_line\":\"racing\"}", NULL, &r);
	rc->status = r.status;
	e2e_resp_free(&r);
	return NULL;
}

Test(foundation, concurrent_updates_one_wins)
{
	char *id = create_person("Race Condition", "1985-03-03");
	char path[128];
	snprintf(path, sizeof path, "/api/v1/persons/%s", id);
	struct racer r[4];
	pthread_t t[4];
	for (int i = 0; i < 4; i++) {
		r[i].path = path;
		pthread_create(&t[i], NULL, race_patch, &r[i]);
	}
	int ok = 0, conflict = 0;
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		ok += r[i].status == 200;
		conflict += r[i].status == 409;
	}
	cr_assert_eq(ok, 1, "exactly one update of version 1 wins");
	cr_assert_eq(conflict, 3);
	free(id);
}

Test(foundation, audit_log_verifies_and_detects_tampering)
{
	create_person("Audit Trail", "1970-07-07");
	struct e2e_resp r;
	e2e_request(&srv, "GET", "/api/v1/audit/root", srv.admin_token, NULL, NULL, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_gt(json_integer_value(json_object_get(r.json, "size")), 1);
	e2e_resp_free(&r);

	const char *verify[] = {"audit", "verify", "--db", srv.db_url, NULL};
	char *out = NULL;
	cr_assert_eq(e2e_run_cli(verify, &out), 0, "%s", out);
	free(out);

	/* Change one stored entry behind the server's back. */
	store *db;
	struct sh_err err;
	store_tx *tx;
	cr_assert_eq(store_open(srv.db_url, 1, &db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_geq(store_run(tx, &err, "UPDATE audit_log SET action = 'forged' WHERE idx = 1", ""),
		      1, "%s", err.msg);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	store_close(db);

	cr_assert_neq(e2e_run_cli(verify, &out), 0, "tampering is detected: %s", out);
	cr_assert(strstr(out, "TAMPERED"), "%s", out);
	free(out);
}
