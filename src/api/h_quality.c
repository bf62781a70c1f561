/* h_quality.c — registry-quality indicators and fraud-signal cases on HTTP
 * (quality.h): the latest run, a new run, the telco list, the cases and an
 * officer's decision. Thin: decode, call one quality function, encode. */
#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "api/h_common.h"
#include "api/routes.h"
#include "auth/roles.h"
#include "quality/quality.h"

/* Who reads the figures, who starts a run, who decides a case (D37). */
#define READ_ROLES (ROLE_ADMIN | ROLE_CASE_OFFICER | ROLE_AUDITOR)
#define RUN_ROLES (ROLE_ADMIN | ROLE_CASE_OFFICER)
#define DECIDE_ROLES (ROLE_CASE_OFFICER)
#define TELCO_ROLES (ROLE_ADMIN)

static json_t *result_json(const struct quality_result *r)
{
	json_t *groups = json_array();
	for (int g = 0; groups && g < r->ngroups; g++)
		json_array_append_new(groups,
				      json_pack("{s:s, s:I, s:I}", "group", r->groups[g].grp, "value",
						(json_int_t)r->groups[g].value, "denominator",
						(json_int_t)r->groups[g].denominator));
	return json_pack("{s:s, s:s, s:s, s:I, s:I, s:f, s:s, s:b, s:i, s:o}", "rule",
			 r->rule->name, "description", r->rule->description, "kind",
			 r->rule->kind == QUALITY_SIGNAL ? "signal" : "indicator", "value",
			 (json_int_t)r->value, "denominator", (json_int_t)r->denominator,
			 "threshold", r->rule->threshold, "unit", r->rule->unit, "breach",
			 r->breach, "cases_opened", r->opened, "groups", groups);
}

static json_t *run_json(const struct quality_run *run)
{
	json_t *a = json_array();
	for (int i = 0; a && i < run->nresults; i++)
		json_array_append_new(a, result_json(&run->results[i]));
	return json_pack("{s:I, s:I, s:I, s:I, s:s, s:I, s:o}", "run_id", (json_int_t)run->id,
			 "started_at", (json_int_t)run->started_at, "finished_at",
			 (json_int_t)run->finished_at, "millis", (json_int_t)run->millis, "actor",
			 run->actor, "cases_opened", (json_int_t)run->cases_opened, "results", a);
}

static void indicators_latest(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	struct quality_run run;
	store_tx *tx = NULL;
	int rc = store_begin(app->db, STORE_READ, &tx, &err);
	if (rc == SH_OK) {
		rc = quality_latest(tx, &run, &err);
		store_rollback(tx);
	}
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200, run_json(&run));
	quality_run_free(&run);
}

static void runs_create(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct audit_actor actor = app_actor(req);
	struct sh_err err = {0};
	struct quality_run run;
	if (quality_run(app->db, &actor, 0, &run, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 201, run_json(&run));
	quality_run_free(&run);
}

static json_t *case_json(const struct quality_case *c)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s?, s:o?, s:s?}",
			 "case_id", (json_int_t)c->id, "rule", c->rule, "subject", c->subject,
			 "id_number", c->id_number, "detail", c->detail, "state", c->state,
			 "first_run", (json_int_t)c->first_run, "last_run",
			 (json_int_t)c->last_run, "opened_at", (json_int_t)c->opened_at,
			 "decided_by", c->decided_by[0] ? c->decided_by : NULL, "decided_at",
			 c->decided_at ? json_integer(c->decided_at) : NULL, "reason",
			 c->reason[0] ? c->reason : NULL);
}

static void cases_list(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	int64_t after = 0, limit = 0;
	const char *state = http_query(req, "state"), *rule = http_query(req, "rule");
	if (!state || !*state)
		state = "open";
	if (strcmp(state, "open") && strcmp(state, "confirmed") && strcmp(state, "dismissed")) {
		http_reply_error(resp, 400, "BAD_QUERY", "state must be open, confirmed or dismissed");
		return;
	}
	if (rule && *rule && !quality_rule_find(rule)) {
		http_reply_error(resp, 400, "BAD_QUERY", "rule is not a quality rule's name");
		return;
	}
	if (h_query_i64(req, "after", 0, INT64_MAX, 0, &after, &err) != SH_OK ||
	    h_query_i64(req, "limit", 1, QUALITY_CASE_LIST_MAX, 20, &limit, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	struct quality_case *cs = arena_calloc(req->arena, QUALITY_CASE_LIST_MAX, sizeof *cs);
	if (!cs) {
		http_reply_error(resp, 503, "OUT_OF_MEMORY", "out of memory");
		return;
	}
	int n = 0;
	store_tx *tx = NULL;
	int rc = store_begin(app->db, STORE_READ, &tx, &err);
	if (rc == SH_OK) {
		rc = quality_cases_list(tx, state, rule && *rule ? rule : NULL, after, (int)limit, cs,
					&n, &err);
		store_rollback(tx);
	}
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	json_t *a = json_array();
	for (int i = 0; a && i < n; i++)
		json_array_append_new(a, case_json(&cs[i]));
	http_reply_json(resp, 200, json_pack("{s:i, s:o}", "count", n, "cases", a));
}

static void cases_decide(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct audit_actor actor = app_actor(req);
	struct sh_err err = {0};
	struct quality_case c;
	json_t *body;
	store_tx *tx = NULL;
	int64_t id;
	if (sh_parse_i64(req->params[0], 1, INT64_MAX, &id) != 0) {
		http_reply_error(resp, 400, "CASE_ID_INVALID", "a case id is a positive integer");
		return;
	}
	if (http_json_body(req, &body, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	int rc = store_begin(app->db, STORE_WRITE, &tx, &err);
	if (rc == SH_OK)
		rc = quality_case_decide(tx, &actor, id,
					 json_string_value(json_object_get(body, "decision")),
					 json_string_value(json_object_get(body, "reason")), &c, &err);
	if ((rc = h_tx_end(tx, rc, &err)) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200, case_json(&c));
}

static void telco_import(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct audit_actor actor = app_actor(req);
	struct sh_err err = {0};
	struct quality_telco_result r;
	json_t *body;
	store_tx *tx = NULL;
	if (http_json_body(req, &body, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	const char *csv = json_string_value(json_object_get(body, "csv"));
	int rc = store_begin(app->db, STORE_WRITE, &tx, &err);
	if (rc == SH_OK)
		rc = quality_telco_import(tx, &actor,
					  json_string_value(json_object_get(body, "source")), csv,
					  csv ? strlen(csv) : 0, &r, &err);
	if ((rc = h_tx_end(tx, rc, &err)) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200,
			json_pack("{s:I, s:I, s:s}", "imported", (json_int_t)r.imported, "rejected",
				  (json_int_t)r.rejected, "bad_lines", r.bad_lines));
}

const struct http_route quality_routes[] = {
	{"GET", "/api/v1/quality/indicators", indicators_latest, HTTP_AUTH_OPERATOR, READ_ROLES},
	{"POST", "/api/v1/quality/runs", runs_create, HTTP_AUTH_OPERATOR, RUN_ROLES},
	{"POST", "/api/v1/quality/telco", telco_import, HTTP_AUTH_OPERATOR, TELCO_ROLES},
	{"GET", "/api/v1/quality/cases", cases_list, HTTP_AUTH_OPERATOR, READ_ROLES},
	{"POST", "/api/v1/quality/cases/{case_id}/decision", cases_decide, HTTP_AUTH_OPERATOR,
	 DECIDE_ROLES},
};
const size_t quality_routes_count = sizeof quality_routes / sizeof quality_routes[0];
