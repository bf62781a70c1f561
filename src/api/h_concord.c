/* h_concord.c — HTTP adapters for data concordance (src/concord):
 *   POST /api/v1/concord/imports                   a council register (CSV, base64) + mapping
 *   POST /api/v1/concord/councils/{code}/link      link the council's records to the registry
 *   GET  /api/v1/concord/councils/{code}/reviews   the review queue (uncertain band)
 *   POST /api/v1/concord/reviews/{record_id}       decide same/different
 *   GET  /api/v1/concord/reports/{area}            discrepancy report, ?format=json|csv
 * Administrators act on every council; a union council registrar on their
 * own council only (auth_scope_person); auditors read reports. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "api/app.h"
#include "api/h_common.h"
#include "api/routes.h"
#include "auth/roles.h"
#include "auth/scope.h"
#include "concord/concord.h"
#include "lib/buf.h"

#define CONCORD_WRITE_ROLES (ROLE_ADMIN | ROLE_UC_REGISTRAR)
#define CONCORD_READ_ROLES (ROLE_ADMIN | ROLE_UC_REGISTRAR | ROLE_AUDITOR)
#define CONCORD_REPORT_CSV_MAX (256u * 1024 * 1024)

static const char *str_member(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void concord_import_h(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct audit_actor actor = app_actor(req);
	struct sh_err err = {0};
	json_t *body;
	if (http_json_body(req, &body, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	const char *council = str_member(body, "council_code");
	const char *mapping = str_member(body, "mapping");
	const char *data64 = str_member(body, "data");
	const char *file_name = str_member(body, "file_name");
	if (!council || !council[0]) {
		http_reply_error(resp, 400, "COUNCIL_REQUIRED", "council_code is required");
		return;
	}
	if (!mapping || !data64) {
		http_reply_error(resp, 400, "FIELD_REQUIRED", "mapping and data are required");
		return;
	}
	if (auth_scope_person(&req->principal, council, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	size_t n64 = strlen(data64), n = 0;
	unsigned char *data = malloc(n64 / 4 * 3 + 3);
	if (!data) {
		http_reply_error(resp, 503, "OUT_OF_MEMORY", "out of memory");
		return;
	}
	if (sodium_base642bin(data, n64 / 4 * 3 + 3, data64, n64, "\r\n", &n, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0) {
		free(data);
		http_reply_error(resp, 400, "DATA_INVALID", "data must be the file in base64");
		return;
	}
	if (n >= 4 && !memcmp(data, "PK\x03\x04", 4)) {
		free(data);
		http_reply_error(resp, 422, "XLSX_UNSUPPORTED",
				 "an XLSX workbook: convert it to CSV first (xlsx2csv)");
		return;
	}
	store_tx *tx = NULL;
	struct concord_import_result r = {0};
	int rc = store_begin(app->db, STORE_WRITE, &tx, &err);
	if (rc == SH_OK)
		rc = concord_import(tx, &actor, mapping, data, n, file_name, council, NULL, NULL, &r,
				    &err);
	free(data);
	rc = h_tx_end(tx, rc, &err);
	if (rc != SH_OK) {
		concord_import_result_free(&r);
		http_reply_err(resp, &err);
		return;
	}
	json_t *bad = json_array();
	for (size_t i = 0; bad && i < r.nbad_rows; i++)
		json_array_append_new(bad, json_pack("{s:I, s:s, s:s}", "line",
						     (json_int_t)r.bad_rows[i].line, "code",
						     r.bad_rows[i].code, "reason", r.bad_rows[i].reason));
	json_t *out = json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:o}", "import_id",
				(json_int_t)r.import_id, "council_code", council, "encoding",
				r.encoding, "rows", (json_int_t)r.rows, "imported",
				(json_int_t)r.imported, "updated", (json_int_t)r.updated, "unchanged",
				(json_int_t)r.unchanged, "bad", (json_int_t)r.bad, "bad_rows", bad);
	concord_import_result_free(&r);
	if (!out) {
		http_reply_error(resp, 503, "OUT_OF_MEMORY", "out of memory");
		return;
	}
	http_reply_json(resp, 200, out);
}

static void concord_link_h(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct audit_actor actor = app_actor(req);
	struct sh_err err = {0};
	const char *council = req->params[0];
	if (auth_scope_person(&req->principal, council, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	store_tx *tx = NULL;
	struct concord_link_summary s;
	int rc = store_begin(app->db, STORE_WRITE, &tx, &err);
	if (rc == SH_OK)
		rc = concord_link(tx, &actor, council, &s, &err);
	rc = h_tx_end(tx, rc, &err);
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200,
			json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "council_code", council,
				  "records", (json_int_t)s.records, "persons", (json_int_t)s.persons,
				  "pairs", (json_int_t)s.pairs, "links", (json_int_t)s.links, "review",
				  (json_int_t)s.review, "nonlinks", (json_int_t)s.nonlinks, "decided",
				  (json_int_t)s.decided));
}

/* Reading: administrators and auditors everywhere; a registrar their own
 * council. */
static int read_scope(const struct http_req *req, const char *area, struct sh_err *err)
{
	if (req->principal.role_bit == ROLE_AUDITOR)
		return SH_OK;
	return auth_scope_person(&req->principal, area, err);
}

static void concord_reviews_h(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct audit_actor actor = app_actor(req);
	struct sh_err err = {0};
	const char *council = req->params[0];
	int64_t limit;
	if (h_query_i64(req, "limit", 1, 1000, 100, &limit, &err) != SH_OK ||
	    read_scope(req, council, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	store_tx *tx = NULL;
	json_t *items = NULL;
	int rc = store_begin(app->db, STORE_READ, &tx, &err);
	if (rc == SH_OK)
		rc = concord_review_list(tx, council, (size_t)limit, &items, &err);
	rc = h_tx_end(tx, rc, &err);
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	char object[48];
	snprintf(object, sizeof object, "council:%s", council);
	audit_enqueue(&actor, "concord.review_list", object, NULL);
	http_reply_json(resp, 200, json_pack("{s:s, s:o}", "council_code", council, "items", items));
}

static void concord_decide_h(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct audit_actor actor = app_actor(req);
	struct sh_err err = {0};
	int64_t record_id;
	if (sh_parse_i64(req->params[0], 1, INT64_MAX, &record_id) != SH_OK) {
		http_reply_error(resp, 404, "RECORD_NOT_FOUND", "no such council record");
		return;
	}
	json_t *body;
	if (http_json_body(req, &body, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	const char *person = str_member(body, "person_id");
	const char *decision = str_member(body, "decision");
	const char *reason = str_member(body, "reason");
	if (!person) {
		http_reply_error(resp, 400, "FIELD_REQUIRED", "person_id is required");
		return;
	}
	store_tx *tx = NULL;
	char council[32];
	int rc = store_begin(app->db, STORE_WRITE, &tx, &err);
	if (rc == SH_OK)
		rc = concord_record_council(tx, record_id, council, &err);
	if (rc == SH_OK)
		rc = auth_scope_person(&req->principal, council, &err);
	if (rc == SH_OK)
		rc = concord_review_decide(tx, &actor, record_id, person, decision, reason, &err);
	rc = h_tx_end(tx, rc, &err);
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200,
			json_pack("{s:I, s:s, s:s, s:s}", "record_id", (json_int_t)record_id,
				  "council_code", council, "person_id", person, "decision", decision));
}

static void concord_report_h(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct audit_actor actor = app_actor(req);
	struct sh_err err = {0};
	const char *area = req->params[0];
	const char *format = http_query(req, "format");
	int csv = 0;
	if (format && *format) {
		if (!strcmp(format, "csv"))
			csv = 1;
		else if (strcmp(format, "json")) {
			http_reply_error(resp, 400, "BAD_QUERY", "format is json or csv");
			return;
		}
	}
	if (read_scope(req, area, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	store_tx *tx = NULL;
	json_t *rep = NULL;
	int rc = store_begin(app->db, STORE_READ, &tx, &err);
	if (rc == SH_OK)
		rc = concord_report(tx, area, &rep, &err);
	rc = h_tx_end(tx, rc, &err);
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	char object[48];
	snprintf(object, sizeof object, "area:%s", area);
	audit_enqueue(&actor, "concord.report", object, NULL);
	if (!csv) {
		http_reply_json(resp, 200, rep);
		return;
	}
	struct sh_buf b;
	sh_buf_init(&b, CONCORD_REPORT_CSV_MAX);
	if (concord_report_csv(rep, &b, &err) != SH_OK) {
		json_decref(rep);
		sh_buf_free(&b);
		http_reply_err(resp, &err);
		return;
	}
	json_decref(rep);
	http_reply_bytes(resp, 200, "text/csv; charset=utf-8", b.data ? b.data : "", b.len);
	sh_buf_free(&b);
}

const struct http_route concord_routes[] = {
	{"POST", "/api/v1/concord/imports", concord_import_h, HTTP_AUTH_OPERATOR,
	 CONCORD_WRITE_ROLES},
	{"POST", "/api/v1/concord/councils/{code}/link", concord_link_h, HTTP_AUTH_OPERATOR,
	 CONCORD_WRITE_ROLES},
	{"GET", "/api/v1/concord/councils/{code}/reviews", concord_reviews_h, HTTP_AUTH_OPERATOR,
	 CONCORD_READ_ROLES},
	{"POST", "/api/v1/concord/reviews/{record_id}", concord_decide_h, HTTP_AUTH_OPERATOR,
	 CONCORD_WRITE_ROLES},
	{"GET", "/api/v1/concord/reports/{area}", concord_report_h, HTTP_AUTH_OPERATOR,
	 CONCORD_READ_ROLES},
};
const size_t concord_routes_count = sizeof concord_routes / sizeof concord_routes[0];
