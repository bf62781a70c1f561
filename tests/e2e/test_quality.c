/* test_quality.c — the registry-quality API end to end against the real
 * binary behind the validating proxy: no run yet, a run, the latest
 * indicators, a planted fraud signal's case listed and decided, the telco
 * list, and the role refusals. The planted rows go straight into the
 * server's store (as test_rules.c does); what is tested is the HTTP face. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"
#include "store/store.h"
#include "testdb.h"

static struct e2e_server srv;
static char t_officer[80], t_auditor[80], t_enrol[80];

static void start(void)
{
	cr_assert_eq(e2e_start(&srv, NULL), 0, "server did not start");
	cr_assert_eq(e2e_operator(&srv, "officer1", "case_officer", NULL, t_officer), 0);
	cr_assert_eq(e2e_operator(&srv, "auditor1", "auditor", NULL, t_auditor), 0);
	cr_assert_eq(e2e_operator(&srv, "enrol1", "enrolment_operator", "PB-LHR-01-001", t_enrol),
		     0);
}

static void stop(void)
{
	cr_expect_eq(e2e_stop(&srv), 0);
}

TestSuite(quality_e2e, .init = start, .fini = stop, .timeout = 120);

/* A mother with two registered births 60 days apart. */
static void plant(void)
{
	struct sh_err e = {0};
	store *db;
	cr_assert_eq(store_open(srv.db_url, 1, &db, &e), 0, "%s", e.msg);
	testdb_exec(db,
		    "INSERT INTO persons(id_number, legacy_number, version, name_en,"
		    " guardian_relation, gender, dob, dob_year, dob_precision, council_code,"
		    " status, citizenship, marital, updated_at, created_at) VALUES"
		    " ('1000000000001', 0, 1, 'M', 'father', 'female', '1990-01-01', 1990,"
		    " 'year', 'PB-LHR-01-001', 'alive', 'citizen', 'married', 0, 0);"
		    "INSERT INTO crvs_events(kind, status, source, event_date, council_code,"
		    " subject_a, sex, birth_order, details, submitted_by, submitted_at) VALUES"
		    " ('birth', 'registered', 'facility', '2024-01-01', 'PB-LHR-01-001',"
		    " '1000000000001', 'male', 1, '{}', 'h', 0),"
		    " ('birth', 'registered', 'facility', '2024-03-01', 'PB-LHR-01-001',"
		    " '1000000000001', 'male', 1, '{}', 'h', 0);");
	store_close(db);
}

static long req(const char *method, const char *path, const char *token, const char *body,
		struct e2e_resp *r)
{
	cr_assert_eq(e2e_request(&srv, method, path, token, body, NULL, r), 0);
	cr_expect_str_empty(r->violation, "%s %s: %s", method, path, r->violation);
	return r->status;
}

Test(quality_e2e, run_indicators_cases_and_refusals)
{
	struct e2e_resp r;
	cr_expect_eq(req("GET", "/api/v1/quality/indicators", t_officer, NULL, &r), 404);
	cr_expect_str_eq(e2e_error_code(&r), "NO_RUN");
	e2e_resp_free(&r);
	plant();
	/* roles: an enrolment operator neither runs nor reads; an auditor reads */
	cr_expect_eq(req("POST", "/api/v1/quality/runs", t_enrol, NULL, &r), 403);
	e2e_resp_free(&r);
	cr_expect_eq(req("POST", "/api/v1/quality/runs", t_auditor, NULL, &r), 403);
	e2e_resp_free(&r);
	cr_expect_eq(req("POST", "/api/v1/quality/runs", t_officer, NULL, &r), 201, "%s", r.body);
	cr_expect_eq(json_integer_value(json_object_get(r.json, "cases_opened")), 1);
	e2e_resp_free(&r);
	cr_expect_eq(req("POST", "/api/v1/quality/runs", srv.admin_token, NULL, &r), 201);
	cr_expect_eq(json_integer_value(json_object_get(r.json, "cases_opened")), 0,
		     "a re-run opens no case twice");
	e2e_resp_free(&r);
	cr_expect_eq(req("GET", "/api/v1/quality/indicators", t_enrol, NULL, &r), 403);
	e2e_resp_free(&r);
	cr_expect_eq(req("GET", "/api/v1/quality/indicators", t_auditor, NULL, &r), 200);
	json_t *results = json_object_get(r.json, "results");
	int found = 0;
	for (size_t i = 0; i < json_array_size(results); i++) {
		json_t *x = json_array_get(results, i);
		if (!strcmp(json_string_value(json_object_get(x, "rule")), "birth_year_only")) {
			cr_expect_eq(json_integer_value(json_object_get(x, "value")), 1);
			cr_expect(json_is_true(json_object_get(x, "breach")));
			found++;
		}
	}
	cr_expect_eq(found, 1);
	e2e_resp_free(&r);
	/* the case */
	cr_expect_eq(req("GET", "/api/v1/quality/cases?state=bogus", t_officer, NULL, &r), 400);
	e2e_resp_free(&r);
	cr_expect_eq(req("GET", "/api/v1/quality/cases?rule=births_too_close", t_officer, NULL,
			 &r), 200);
	cr_assert_eq(json_integer_value(json_object_get(r.json, "count")), 1, "%s", r.body);
	json_int_t id = json_integer_value(
		json_object_get(json_array_get(json_object_get(r.json, "cases"), 0), "case_id"));
	cr_assert_gt(id, 0, "%s", r.body);
	e2e_resp_free(&r);
	char path[96];
	snprintf(path, sizeof path, "/api/v1/quality/cases/%lld/decision", (long long)id);
	cr_expect_eq(req("POST", path, t_auditor, "{\"decision\":\"confirmed\",\"reason\":\"x\"}",
			 &r), 403);
	e2e_resp_free(&r);
	cr_expect_eq(req("POST", path, t_officer, "{\"decision\":\"maybe\",\"reason\":\"x\"}", &r),
		     400);
	cr_expect_str_eq(e2e_error_code(&r), "DECISION_INVALID");
	e2e_resp_free(&r);
	cr_expect_eq(req("POST", "/api/v1/quality/cases/999/decision", t_officer,
			 "{\"decision\":\"confirmed\",\"reason\":\"x\"}", &r), 404);
	e2e_resp_free(&r);
	cr_expect_eq(req("POST", path, t_officer,
			 "{\"decision\":\"confirmed\",\"reason\":\"two births 60 days apart\"}", &r),
		     200, "%s", r.body);
	cr_expect_str_eq(json_string_value(json_object_get(r.json, "state")), "confirmed");
	e2e_resp_free(&r);
	cr_expect_eq(req("POST", path, t_officer, "{\"decision\":\"dismissed\",\"reason\":\"x\"}",
			 &r), 409);
	cr_expect_str_eq(e2e_error_code(&r), "CASE_DECIDED");
	e2e_resp_free(&r);
	cr_expect_eq(req("GET", "/api/v1/quality/cases?state=confirmed", t_auditor, NULL, &r), 200);
	cr_expect_eq(json_integer_value(json_object_get(r.json, "count")), 1);
	e2e_resp_free(&r);
	/* the telco list: the administrator's */
	const char *telco = "{\"source\":\"telco-a\",\"csv\":\"id_number\\n1000000000001\\nbad\\n\"}";
	cr_expect_eq(req("POST", "/api/v1/quality/telco", t_officer, telco, &r), 403);
	e2e_resp_free(&r);
	cr_expect_eq(req("POST", "/api/v1/quality/telco", srv.admin_token, telco, &r), 200,
		     "%s", r.body);
	cr_expect_eq(json_integer_value(json_object_get(r.json, "imported")), 1);
	cr_expect_eq(json_integer_value(json_object_get(r.json, "rejected")), 1);
	e2e_resp_free(&r);
	cr_expect_eq(req("POST", "/api/v1/quality/telco", srv.admin_token, "{\"csv\":\"1\"}", &r),
		     400);
	cr_expect_str_eq(e2e_error_code(&r), "SOURCE_REQUIRED");
	e2e_resp_free(&r);
}

Test(quality_e2e, cli_run_list_cases)
{
	plant();
	char *out = NULL;
	const char *run[] = {"quality", "run", "--db", srv.db_url, NULL};
	cr_assert_eq(e2e_run_cli(run, &out), 0, "%s", out);
	cr_expect(strstr(out, "births_too_close"), "%s", out);
	cr_expect(strstr(out, "1 cases opened"), "%s", out);
	free(out);
	const char *cases[] = {"quality", "cases", "--db", srv.db_url, NULL};
	cr_assert_eq(e2e_run_cli(cases, &out), 0, "%s", out);
	cr_expect(strstr(out, "births_too_close\t1000000000001"), "%s", out);
	free(out);
	const char *list[] = {"quality", "list", "--db", srv.db_url, NULL};
	cr_assert_eq(e2e_run_cli(list, &out), 0, "%s", out);
	cr_expect(strstr(out, "birth_year_only"), "%s", out);
	free(out);
}
