/* test_vitals_api.c — GET /api/v1/stats/vital and its CSV form through the
 * real `shanakht serve` behind the validating proxy (every answer checked
 * against docs/openapi.yaml): a birth notified and registered counts, a
 * rejected one does not; planners, auditors and admins read, other roles
 * and the anonymous are refused; bad periods get their codes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "e2e.h"

#define LHR1 "PB-LHR-01-001"
#define LHR2 "PB-LHR-01-002"

static struct e2e_server srv;
static char t_health[80], t_reg[80], t_plan[80], t_aud[80];

static void start(void)
{
	cr_assert_eq(e2e_start(&srv, NULL), 0, "server starts");
	cr_assert_eq(e2e_operator(&srv, "hospital1", "health_notifier", NULL, t_health), 0);
	cr_assert_eq(e2e_operator(&srv, "registrar1", "uc_registrar", LHR1, t_reg), 0);
	cr_assert_eq(e2e_operator(&srv, "planner1", "planner", NULL, t_plan), 0);
	cr_assert_eq(e2e_operator(&srv, "auditor1", "auditor", NULL, t_aud), 0);
}

static void stop(void)
{
	cr_assert_eq(e2e_stop(&srv), 0);
}

TestSuite(vitals_api, .init = start, .fini = stop, .timeout = 300);

static void date_ago(int days, char out[11])
{
	time_t t = time(NULL) - (time_t)days * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static struct e2e_resp post(const char *path, const char *token, json_t *body, long want)
{
	struct e2e_resp r;
	e2e_request_json(&srv, "POST", path, token, body, &r);
	json_decref(body);
	cr_assert_eq(r.status, want, "POST %s: want %ld got %ld %s", path, want, r.status, r.body);
	return r;
}

static char *mother(void)
{
	char dob[11];
	date_ago(27 * 366, dob);
	struct e2e_resp r = post("/api/v1/persons", srv.admin_token,
				 json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "name_en",
					   "Sana Imran", "name_ur", "ثناء عمران",
					   "guardian_name_en", "Akbar Ali", "guardian_relation",
					   "father", "gender", "female", "dob", dob,
					   "place_of_birth", "Lahore", "council_code", LHR1,
					   "citizenship", "citizen", "reason", "test"),
				 201);
	char *id = strdup(json_string_value(json_object_get(r.json, "id_number")));
	e2e_resp_free(&r);
	return id;
}

static long long notify(const char *m, const char *date, int order)
{
	struct e2e_resp r = post("/api/v1/notifications/birth", t_health,
				 json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:s}", "mother_id", m, "sex",
					   "female", "date", date, "place", "Services Hospital",
					   "facility", "Services Hospital", "birth_order", order,
					   "council_code", LHR2),
				 201);
	long long id = (long long)json_integer_value(json_object_get(r.json, "id"));
	e2e_resp_free(&r);
	return id;
}

static struct e2e_resp get(const char *path, const char *token, long want)
{
	struct e2e_resp r;
	e2e_request(&srv, "GET", path, token, NULL, NULL, &r);
	cr_assert_eq(r.status, want, "GET %s: want %ld got %ld %s", path, want, r.status, r.body);
	cr_assert_str_eq(r.violation, "", "GET %s: %s", path, r.violation);
	return r;
}

static json_t *area(json_t *report, const char *code)
{
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(report, "areas"), i, a)
		if (!strcmp(json_string_value(json_object_get(a, "code")), code))
			return a;
	return NULL;
}

Test(vitals_api, registered_births_count_and_roles)
{
	char *m = mother(), d[11], path[160], month[8];
	date_ago(2, d);
	snprintf(month, sizeof month, "%.7s", d);
	/* twins: the first registered, the second rejected */
	long long a = notify(m, d, 1), b = notify(m, d, 2);
	snprintf(path, sizeof path, "/api/v1/notifications/%lld/register", a);
	struct e2e_resp r = post(path, t_reg,
				 json_pack("{s:s,s:s}", "name_en", "Ayesha Khan", "name_ur",
					   "عائشہ خان"),
				 200);
	e2e_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/notifications/%lld/reject", b);
	r = post(path, t_reg, json_pack("{s:s}", "reason", "notified twice"), 200);
	e2e_resp_free(&r);

	snprintf(path, sizeof path, "/api/v1/stats/vital?from=%s&to=%s&level=district", month,
		 month);
	r = get(path, t_plan, 200);
	json_t *lhr = area(r.json, "PB-LHR");
	cr_assert(lhr, "%s", r.body);
	json_t *t = json_object_get(lhr, "total");
	cr_expect_eq(json_integer_value(json_object_get(t, "births")), 1, "%s", r.body);
	cr_expect_eq(json_integer_value(json_object_get(t, "births_timely")), 1);
	cr_expect(json_is_null(json_object_get(lhr, "population")));
	json_t *nat = json_object_get(json_object_get(r.json, "national"), "total");
	cr_expect_eq(json_integer_value(json_object_get(nat, "births")), 1);
	cr_expect_eq(json_integer_value(json_object_get(r.json, "late_days")), 60);
	e2e_resp_free(&r);

	/* the CSV form: the same figure */
	snprintf(path, sizeof path, "/api/v1/stats/vital.csv?from=%s&to=%s&level=district", month,
		 month);
	r = get(path, t_aud, 200);
	cr_expect(!strncmp(r.content_type, "text/csv", 8), "%s", r.content_type);
	char want[96];
	snprintf(want, sizeof want, "\r\ndistrict,PB-LHR,\"Lahore\",all,,1,0,0,0,");
	cr_expect(strstr(r.body, want), "%s", r.body);
	e2e_resp_free(&r);

	/* admins read; registrars, health facilities and the anonymous do not */
	snprintf(path, sizeof path, "/api/v1/stats/vital?from=%s&to=%s", month, month);
	r = get(path, srv.admin_token, 200);
	cr_expect_str_eq(json_string_value(json_object_get(r.json, "level")), "province");
	e2e_resp_free(&r);
	r = get(path, t_reg, 403);
	cr_expect_str_eq(e2e_error_code(&r), "FORBIDDEN_ROLE");
	e2e_resp_free(&r);
	r = get(path, t_health, 403);
	e2e_resp_free(&r);
	r = get(path, NULL, 401);
	e2e_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/stats/vital.csv?from=%s&to=%s", month, month);
	r = get(path, t_reg, 403);
	e2e_resp_free(&r);
	free(m);
}

Test(vitals_api, bad_queries)
{
	static const struct {
		const char *query, *code;
	} cases[] = {
		{"", "PERIOD_REQUIRED"},
		{"?from=2025-01", "PERIOD_REQUIRED"},
		{"?from=2025-13&to=2025-12", "BAD_MONTH"},
		{"?from=2025-1&to=2025-12", "BAD_MONTH"},
		{"?from=2025-06&to=2025-01", "BAD_PERIOD"},
		{"?from=2000-01&to=2015-01", "BAD_PERIOD"},
		{"?from=2025-01&to=2025-02&level=tehsil", "BAD_LEVEL"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char path[128];
		snprintf(path, sizeof path, "/api/v1/stats/vital%s", cases[i].query);
		struct e2e_resp r = get(path, t_plan, 400);
		cr_expect_str_eq(e2e_error_code(&r), cases[i].code, "%s: %s", path, r.body);
		e2e_resp_free(&r);
	}
}
