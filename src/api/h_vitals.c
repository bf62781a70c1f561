/* h_vitals.c — HTTP handlers for vital statistics: GET /api/v1/stats/vital
 * (JSON, for the dashboard) and GET /api/v1/stats/vital.csv (the same
 * report as CSV). Aggregates only, no person data: readable by planners,
 * auditors and administrators. */
#include <string.h>

#include "auth/roles.h"
#include "api/routes.h"
#include "api/app.h"
#include "lib/buf.h"
#include "vitals/vitals.h"

#define VITALS_CSV_MAX (32u << 20) /* council level, ten years: well below */

/* ?from=YYYY-MM&to=YYYY-MM&level=province|district|council (default province) */
static int query_parse(struct http_req *req, struct vitals_query *q, struct sh_err *err)
{
	const char *from = http_query(req, "from"), *to = http_query(req, "to");
	const char *level = http_query(req, "level");
	if (!from || !to)
		return sh_err_set(err, SH_EINVAL, "PERIOD_REQUIRED", "give ?from=YYYY-MM&to=YYYY-MM");
	int rc = vitals_month_parse(from, &q->from_year, &q->from_month, err);
	if (rc == SH_OK)
		rc = vitals_month_parse(to, &q->to_year, &q->to_month, err);
	if (rc != SH_OK)
		return rc;
	int l = level && *level ? vitals_level_parse(level) : VITALS_PROVINCE;
	if (l < 0)
		return sh_err_set(err, SH_EINVAL, "BAD_LEVEL",
				  "level must be province, district or council");
	q->level = (enum vitals_level)l;
	return SH_OK;
}

static int report_get(struct http_req *req, struct vitals_report *r, struct sh_err *err)
{
	struct app *app = req->app;
	struct vitals_query q;
	store_tx *tx = NULL;
	int rc = query_parse(req, &q, err);
	if (rc != SH_OK)
		return rc;
	if ((rc = store_begin(app->db, STORE_READ, &tx, err)) != SH_OK)
		return rc;
	rc = vitals_report_build(tx, &q, r, err);
	store_rollback(tx);
	return rc;
}

static void h_vital(struct http_req *req, struct http_resp *resp)
{
	struct sh_err err = {0};
	struct vitals_report r;
	if (report_get(req, &r, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	json_t *body = vitals_report_json(&r);
	vitals_report_free(&r);
	if (!body) {
		http_reply_error(resp, 503, "OUT_OF_MEMORY", "out of memory");
		return;
	}
	http_reply_json(resp, 200, body);
}

static void h_vital_csv(struct http_req *req, struct http_resp *resp)
{
	struct sh_err err = {0};
	struct vitals_report r;
	struct sh_buf b;
	if (report_get(req, &r, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	sh_buf_init(&b, VITALS_CSV_MAX);
	int rc = vitals_report_csv(&r, &b, &err);
	vitals_report_free(&r);
	if (rc != SH_OK) {
		sh_buf_free(&b);
		http_reply_err(resp, &err);
		return;
	}
	http_reply_header(resp, "Content-Disposition", "attachment; filename=\"vital-statistics.csv\"");
	http_reply_bytes(resp, 200, "text/csv; charset=utf-8", b.data, b.len);
	sh_buf_free(&b);
}

const struct http_route vitals_routes[] = {
	{"GET", "/api/v1/stats/vital", h_vital, HTTP_AUTH_OPERATOR,
	 ROLE_PLANNER | ROLE_AUDITOR | ROLE_ADMIN},
	{"GET", "/api/v1/stats/vital.csv", h_vital_csv, HTTP_AUTH_OPERATOR,
	 ROLE_PLANNER | ROLE_AUDITOR | ROLE_ADMIN},
};
const size_t vitals_routes_count = sizeof vitals_routes / sizeof vitals_routes[0];
