/* h_bio_case.c — the adjudication queue of de-duplication hits, for the
 * biometric_adjudicator role: list, both records side by side, image views
 * (each audited with its reason) and the decision (bio_case.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/app.h"
#include "api/h_common.h"
#include "api/json_person.h"
#include "api/routes.h"
#include "auth/roles.h"
#include "biometrics/bio_case.h"
#include "registry/person.h"

#define CASE_ROLES (ROLE_BIOMETRIC_ADJUDICATOR)
#define CASE_LIST_MAX 100

static int case_id(struct http_req *req, int64_t *id, struct http_resp *resp)
{
	if (sh_parse_i64(req->params[0], 1, INT64_MAX, id) != 0) {
		http_reply_error(resp, 400, "CASE_ID_INVALID", "a case id is a positive integer");
		return -1;
	}
	return 0;
}

static json_t *case_json(const struct bio_case *c)
{
	json_error_t je;
	json_t *detail = json_loads(c->detail, 0, &je);
	return json_pack("{s:I, s:s, s:s, s:s, s:o?, s:s, s:I, s:s?, s:s?}", "case_id",
			 (json_int_t)c->id, "id_number", c->id_number, "candidate_id_number",
			 c->candidate_id_number, "score", c->score, "scores", detail, "state",
			 c->state, "opened_at", (json_int_t)c->opened_at, "decided_by",
			 c->decided_by[0] ? c->decided_by : NULL, "reason",
			 c->reason[0] ? c->reason : NULL);
}

/* The states a case can be in (bio_case.h): another ?state= would list
 * nothing, which reads as "no cases" rather than as the typo it is. */
static bool case_state_known(const char *s)
{
	return !strcmp(s, "open") || !strcmp(s, "same_person") ||
	       !strcmp(s, "different_persons") || !strcmp(s, "closed_blocked");
}

static void cases_list(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	int64_t after = 0, limit = 0;
	const char *state = http_query(req, "state");
	if (!state || !*state)
		state = "open";
	if (!case_state_known(state)) {
		http_reply_error(resp, 400, "BAD_QUERY",
				 "state must be open, same_person, different_persons or "
				 "closed_blocked");
		return;
	}
	if (h_query_i64(req, "after", 0, INT64_MAX, 0, &after, &err) != SH_OK ||
	    h_query_i64(req, "limit", 1, CASE_LIST_MAX, 20, &limit, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	struct bio_case *cs = arena_calloc(req->arena, CASE_LIST_MAX, sizeof *cs);
	int n = 0;
	store_tx *tx = NULL;
	if (!cs) {
		http_reply_error(resp, 503, "OUT_OF_MEMORY", "out of memory");
		return;
	}
	int rc = store_begin(app->db, STORE_READ, &tx, &err);
	if (rc == SH_OK) {
		rc = bio_case_list(tx, state, after, (int)limit, cs, &n,
				   &err);
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

static json_t *side_json(store_tx *tx, const char *idn, int64_t eid, struct sh_err *err)
{
	struct person p;
	unsigned mask = 0;
	if (person_get(tx, idn, &p, err) != SH_OK ||
	    bio_enrolment_positions(tx, eid, &mask, err) != SH_OK)
		return NULL;
	json_t *pos = json_array();
	for (int i = 1; pos && i <= 10; i++)
		if (mask & (1u << i))
			json_array_append_new(pos, json_integer(i));
	return json_pack("{s:o, s:I, s:o}", "person", json_person_encode(&p, NULL), "enrolment_id",
			 (json_int_t)eid, "image_positions", pos);
}

static void cases_get(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct audit_actor actor = app_actor(req);
	struct sh_err err = {0};
	struct bio_case c;
	store_tx *tx = NULL;
	int64_t id;
	if (case_id(req, &id, resp))
		return;
	json_t *a = NULL, *b = NULL;
	int rc = store_begin(app->db, STORE_READ, &tx, &err);
	if (rc == SH_OK && (rc = bio_case_get(tx, id, &c, &err)) == SH_OK) {
		a = side_json(tx, c.id_number, c.enrolment_id, &err);
		b = a ? side_json(tx, c.candidate_id_number, c.candidate_enrolment_id, &err) : NULL;
		if (!b)
			rc = err.status ? err.status : SH_ENOMEM;
	}
	if (tx)
		store_rollback(tx);
	char obj[32];
	snprintf(obj, sizeof obj, "bio_case:%lld", (long long)id);
	audit_enqueue(&actor, "bio.case.read", obj, NULL);
	if (rc != SH_OK) {
		json_decref(a);
		http_reply_err(resp, &err);
		return;
	}
	json_t *j = case_json(&c);
	json_object_set_new(j, "probe", a);
	json_object_set_new(j, "candidate", b);
	http_reply_json(resp, 200, j);
}

static void cases_image(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct audit_actor actor = app_actor(req);
	struct sh_err err = {0};
	int64_t id, pos = 0;
	if (case_id(req, &id, resp))
		return;
	if (h_query_i64(req, "position", 1, 10, 0, &pos, &err) != SH_OK || pos == 0) {
		http_reply_error(resp, 400, "BAD_QUERY", "position must be a finger position 1..10");
		return;
	}
	unsigned char *bytes = NULL;
	size_t len = 0;
	store_tx *tx = NULL;
	int rc = store_begin(app->db, STORE_WRITE, &tx, &err);
	if (rc == SH_OK)
		rc = bio_case_image(tx, app->keys, &actor, id, http_query(req, "side"), (int)pos,
				    http_query(req, "reason"), &bytes, &len, &err);
	if ((rc = h_tx_end(tx, rc, &err)) != SH_OK) {
		free(bytes);
		http_reply_err(resp, &err);
		return;
	}
	const char *ct = len >= 4 && (bytes[0] == 'I' || bytes[0] == 'M') ? "image/tiff"
			 : len >= 2 && bytes[0] == 0x89                   ? "image/png"
									  : "image/jpeg";
	http_reply_header(resp, "Cache-Control", "no-store");
	http_reply_bytes(resp, 200, ct, bytes, len);
	free(bytes);
}

static void cases_decide(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct audit_actor actor = app_actor(req);
	struct sh_err err = {0};
	struct bio_case c;
	json_t *body;
	store_tx *tx = NULL;
	int64_t id;
	if (case_id(req, &id, resp))
		return;
	if (http_json_body(req, &body, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	int rc = store_begin(app->db, STORE_WRITE, &tx, &err);
	if (rc == SH_OK)
		rc = bio_case_decide(tx, &actor, id,
				     json_string_value(json_object_get(body, "decision")),
				     json_string_value(json_object_get(body, "reason")), &c, &err);
	if ((rc = h_tx_end(tx, rc, &err)) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200, case_json(&c));
}

const struct http_route bio_case_routes[] = {
	{"GET", "/api/v1/biometrics/cases", cases_list, HTTP_AUTH_OPERATOR, CASE_ROLES},
	{"GET", "/api/v1/biometrics/cases/{case_id}", cases_get, HTTP_AUTH_OPERATOR, CASE_ROLES},
	{"GET", "/api/v1/biometrics/cases/{case_id}/image", cases_image, HTTP_AUTH_OPERATOR,
	 CASE_ROLES},
	{"POST", "/api/v1/biometrics/cases/{case_id}/decision", cases_decide, HTTP_AUTH_OPERATOR,
	 CASE_ROLES},
};
const size_t bio_case_routes_count = sizeof bio_case_routes / sizeof bio_case_routes[0];
