/* h_persons.c — HTTP handlers for the person registry (/api/v1/persons).
 * Thin: decode JSON, one registry call in one transaction, encode. Every
 * read of a person is audited (queued, see audit.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/roles.h"
#include "auth/scope.h"
#include "api/json_idnum.h"
#include "api/json_person.h"
#include "api/routes.h"
#include "lib/buf.h"
#include "registry/address.h"
#include "registry/idnum.h"
#include "registry/person.h"
#include "api/app.h"

#define PERSON_READ_ROLES                                                                  \
	(ROLE_ADMIN | ROLE_UC_REGISTRAR | ROLE_CASE_OFFICER | ROLE_ENROLMENT_OPERATOR |     \
	 ROLE_AUDITOR)
#define PERSON_CREATE_ROLES (ROLE_ADMIN | ROLE_UC_REGISTRAR | ROLE_ENROLMENT_OPERATOR)
#define PERSON_UPDATE_ROLES (ROLE_ADMIN | ROLE_UC_REGISTRAR)

/* "person:<13 digits>" for a valid number, else NULL (nothing to name). */
static const char *person_object(const char *raw, char *buf, size_t n)
{
	char id[IDNUM_DIGITS + 1];
	if (idnum_lookup_normalize(raw, id, NULL) != SH_OK)
		return NULL;
	snprintf(buf, n, "person:%s", id);
	return buf;
}

/* Written straight into the reply buffer (json_person_write): building a
 * jansson tree and dumping it was half the cost of a GET. */
static void reply_person(struct http_resp *resp, int status, const struct person *p,
			 const struct address_council *addr)
{
	struct sh_buf b;
	sh_buf_init(&b, (size_t)64 << 10);
	if (json_person_write(&b, p, addr) != SH_OK) { /* as json_person_encode's NULL */
		sh_buf_free(&b);
		http_reply_error(resp, 503, "OUT_OF_MEMORY", "cannot encode the person");
		return;
	}
	char etag[24];
	snprintf(etag, sizeof etag, "\"%d\"", p->version);
	http_reply_header(resp, "ETag", etag);
	http_reply_json_text(resp, status, &b);
}

static void persons_get(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct audit_actor actor = app_actor(req);
	struct sh_err err = {0};
	struct person p;
	struct address_council addr;
	store_tx *tx = NULL;
	char obj[40];
	const char *object = person_object(req->params[0], obj, sizeof obj);
	if (!object) {
		http_reply_error(resp, 400, "IDNUM_INVALID", "not a valid identity number");
		return;
	}
	if (store_begin(app->db, STORE_READ, &tx, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	int rc = person_get_full(tx, req->params[0], &p, &addr, &err);
	store_rollback(tx); /* read-only: nothing to commit */
	/* The attempt is the decision: audit found and not-found alike, so that
	 * enumeration of numbers shows in the log. */
	audit_enqueue(&actor, "person.read", object, rc == SH_OK ? NULL : "{\"found\":false}");
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	reply_person(resp, 200, &p, &addr);
}

static void persons_create(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct audit_actor actor = app_actor(req);
	struct sh_err err = {0};
	json_t *body;
	const char *reason = NULL;
	struct person p;
	struct address_council addr;
	store_tx *tx = NULL;
	if (http_json_body(req, &body, &err) != SH_OK ||
	    json_person_decode_create(body, &p, &reason, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	if (store_begin(app->db, STORE_WRITE, &tx, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	if (auth_scope_person(&req->principal, p.council_code, &err) != SH_OK ||
	    person_create(tx, &actor, &p, reason, &err) != SH_OK ||
	    address_council_get(tx, p.council_code, &addr, &err) != SH_OK) {
		store_rollback(tx);
		http_reply_err(resp, &err);
		return;
	}
	if (store_commit(tx, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	char printed[IDNUM_PRINTED + 1], loc[64];
	idnum_format(p.id_number, printed, sizeof printed);
	snprintf(loc, sizeof loc, "/api/v1/persons/%s", printed);
	http_reply_header(resp, "Location", loc);
	reply_person(resp, 201, &p, &addr);
}

static void persons_update(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct audit_actor actor = app_actor(req);
	struct sh_err err = {0};
	json_t *body;
	struct person cur, changes, next;
	struct address_council addr;
	unsigned fields = 0;
	int version = 0;
	const char *reason = NULL;
	store_tx *tx = NULL;
	if (http_json_body(req, &body, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	if (store_begin(app->db, STORE_WRITE, &tx, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	/* The body is applied over the current record, so that a partial group
	 * (one guardian name) keeps the rest of the group. */
	if (person_get(tx, req->params[0], &cur, &err) != SH_OK)
		goto fail;
	/* A council's registrar changes the records of its council only (an
	 * address change moves a person out; the new council cannot pull
	 * them in). */
	if (auth_scope_person(&req->principal, cur.council_code, &err) != SH_OK)
		goto fail;
	changes = cur;
	if (json_person_decode_patch(body, &changes, &fields, &version, &reason, &err) != SH_OK ||
	    person_update(tx, &actor, cur.id_number, version, &changes, fields, reason, &next,
			  &err) != SH_OK ||
	    address_council_get(tx, next.council_code, &addr, &err) != SH_OK)
		goto fail;
	if (store_commit(tx, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	reply_person(resp, 200, &next, &addr);
	return;
fail:
	store_rollback(tx);
	http_reply_err(resp, &err);
}

static const char *const field_names[] = {"name_ur", "name_en", "guardian", "gender", "dob",
					  "place_of_birth", "address", "status", "citizenship",
					  "marital", "mobile", "parents"};

struct history_ctx {
	json_t *versions;
	int failed;
};

static int history_one(void *vctx, const struct person *p, const struct person_version_meta *m)
{
	struct history_ctx *h = vctx;
	char at[32];
	sh_time_format(m->at, at, sizeof at);
	json_t *fields = json_array();
	for (unsigned i = 0; fields && i < sizeof field_names / sizeof field_names[0]; i++)
		if (m->fields & (1u << i))
			json_array_append_new(fields, json_string(field_names[i]));
	json_t *v = json_pack("{s:i, s:s, s:s, s:s?, s:o?, s:o?}", "version", m->version, "at", at,
			      "actor", m->actor, "reason", m->reason[0] ? m->reason : NULL,
			      "fields", fields, "record", json_person_encode(p, NULL));
	if (!v || json_array_append_new(h->versions, v) != 0) {
		h->failed = 1;
		return 1;
	}
	return 0;
}

static void persons_history(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct audit_actor actor = app_actor(req);
	struct sh_err err = {0};
	store_tx *tx = NULL;
	char obj[40];
	const char *object = person_object(req->params[0], obj, sizeof obj);
	if (!object) {
		http_reply_error(resp, 400, "IDNUM_INVALID", "not a valid identity number");
		return;
	}
	struct history_ctx h = {json_array(), 0};
	if (!h.versions) {
		http_reply_error(resp, 503, "OUT_OF_MEMORY", "out of memory");
		return;
	}
	if (store_begin(app->db, STORE_READ, &tx, &err) != SH_OK) {
		json_decref(h.versions);
		http_reply_err(resp, &err);
		return;
	}
	int rc = person_history(tx, req->params[0], history_one, &h, &err);
	store_rollback(tx);
	audit_enqueue(&actor, "person.history", object, rc == SH_OK ? NULL : "{\"found\":false}");
	if (rc != SH_OK || h.failed) {
		json_decref(h.versions);
		if (rc == SH_OK)
			http_reply_error(resp, 503, "OUT_OF_MEMORY", "cannot encode the history");
		else
			http_reply_err(resp, &err);
		return;
	}
	char printed[IDNUM_PRINTED + 1];
	idnum_format(obj + 7, printed, sizeof printed);
	http_reply_json(resp, 200, json_pack("{s:s, s:o}", "id_number", printed, "versions",
					     h.versions));
}

#define SEARCH_LIMIT_MAX 100

static void persons_search(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct audit_actor actor = app_actor(req);
	struct sh_err err = {0};
	const char *name = http_query(req, "name");
	const char *dob_s = http_query(req, "dob");
	const char *limit_s = http_query(req, "limit");
	struct sh_date dob;
	int64_t limit = 20;
	if (limit_s && sh_parse_i64(limit_s, 1, SEARCH_LIMIT_MAX, &limit) != 0) {
		http_reply_error(resp, 400, "LIMIT_INVALID", "limit must be 1..100");
		return;
	}
	if (dob_s && sh_parse_date(dob_s, &dob) != 0) {
		http_reply_error(resp, 400, "DOB_INVALID", "dob must be YYYY-MM-DD");
		return;
	}
	if (name && strlen(name) > 256) {
		http_reply_error(resp, 400, "FIELD_TOO_LONG", "name is over 256 bytes");
		return;
	}
	struct person *out = arena_calloc(req->arena, SEARCH_LIMIT_MAX, sizeof *out);
	if (!out) {
		http_reply_error(resp, 503, "OUT_OF_MEMORY", "out of memory");
		return;
	}
	int n = 0;
	store_tx *tx = NULL;
	if (store_begin(app->db, STORE_READ, &tx, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	int rc = person_search(tx, name, dob_s ? &dob : NULL, (int)limit, out, &n, &err);
	store_rollback(tx);
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	/* Which records a search disclosed is part of the decision. */
	struct sh_buf d, b;
	sh_buf_init(&d, 1u << 16);
	int bad = sh_buf_puts(&d, "{\"results\":[");
	for (int i = 0; !bad && i < n; i++)
		bad = sh_buf_printf(&d, "%s\"%s\"", i ? "," : "", out[i].id_number);
	if (!bad && sh_buf_puts(&d, "]}") == 0)
		audit_enqueue(&actor, "person.search", NULL, d.data);
	else
		audit_enqueue(&actor, "person.search", NULL, "{\"results\":\"(not recorded: out of memory)\"}");
	sh_buf_free(&d);
	/* {"count":n,"results":[...]} written directly (json_person_write). */
	sh_buf_init(&b, (size_t)4 << 20);
	bad = sh_buf_printf(&b, "{\"count\":%d,\"results\":[", n);
	for (int i = 0; !bad && i < n; i++)
		bad = (i && sh_buf_puts(&b, ",")) || json_person_write(&b, &out[i], NULL) != SH_OK;
	if (bad || sh_buf_puts(&b, "]}") != 0) {
		sh_buf_free(&b);
		http_reply_error(resp, 503, "OUT_OF_MEMORY", "out of memory");
		return;
	}
	http_reply_json_text(resp, 200, &b);
}

struct children_ctx {
	json_t *arr;
};

static int child_one(void *vctx, const struct person *c)
{
	struct children_ctx *cc = vctx;
	return json_array_append_new(cc->arr, json_person_encode(c, NULL)) != 0;
}

static void persons_children(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct audit_actor actor = app_actor(req);
	struct sh_err err = {0};
	store_tx *tx = NULL;
	struct person parent;
	char obj[40];
	const char *object = person_object(req->params[0], obj, sizeof obj);
	if (!object) {
		http_reply_error(resp, 400, "IDNUM_INVALID", "not a valid identity number");
		return;
	}
	struct children_ctx cc = {json_array()};
	if (!cc.arr) {
		http_reply_error(resp, 503, "OUT_OF_MEMORY", "out of memory");
		return;
	}
	if (store_begin(app->db, STORE_READ, &tx, &err) != SH_OK) {
		json_decref(cc.arr);
		http_reply_err(resp, &err);
		return;
	}
	int rc = person_get(tx, req->params[0], &parent, &err);
	if (rc == SH_OK)
		rc = person_children(tx, parent.id_number, child_one, &cc, &err);
	store_rollback(tx);
	audit_enqueue(&actor, "person.children", object, NULL);
	if (rc != SH_OK) {
		json_decref(cc.arr);
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200, json_pack("{s:o}", "children", cc.arr));
}

/* ---- a change of mobile: request, confirm with the code, cancel ---- */

/* The person of req->params[0], within the operator's scope, in tx. */
static int scoped_person(struct http_req *req, store_tx *tx, struct person *p,
			 struct sh_err *err)
{
	int rc = person_get(tx, req->params[0], p, err);
	if (rc == SH_OK)
		rc = auth_scope_person(&req->principal, p->council_code, err);
	return rc;
}

static void reply_mobile(struct http_resp *resp, int status, const char *id,
			 const char *state, const struct person_mobile_change *c)
{
	char at[32];
	json_t *o = json_pack("{s:o,s:s,s:s,s:b}", "id_number", json_idnum(id), "status", state,
			      "mobile", c->mobile, "old_mobile_notified", c->old_notified);
	if (o && c->expires_at) {
		sh_time_format(c->expires_at, at, sizeof at);
		json_object_set_new(o, "code_expires_at", json_string(at));
	}
	if (o && c->effective_at) {
		sh_time_format(c->effective_at, at, sizeof at);
		json_object_set_new(o, "effective_at", json_string(at));
	}
	http_reply_json(resp, status, o);
}

static void mobile_request(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct audit_actor actor = app_actor(req);
	struct sh_err err = {0};
	json_t *body;
	struct person p;
	struct person_mobile_change c;
	store_tx *tx = NULL;
	if (http_json_body(req, &body, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	const char *mobile = json_string_value(json_object_get(body, "mobile"));
	const char *reason = json_string_value(json_object_get(body, "reason"));
	if (!mobile || !*mobile) {
		http_reply_error(resp, 400, "MOBILE_REQUIRED", "field 'mobile' is required");
		return;
	}
	if (store_begin(app->db, STORE_WRITE, &tx, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	if (scoped_person(req, tx, &p, &err) != SH_OK ||
	    person_mobile_request(tx, &actor, app->keys, p.id_number, mobile, reason, sh_now(), &c,
				  &err) != SH_OK) {
		store_rollback(tx);
		http_reply_err(resp, &err);
		return;
	}
	if (store_commit(tx, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	reply_mobile(resp, 202, p.id_number, "confirmation_sent", &c);
}

static void mobile_confirm(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct audit_actor actor = app_actor(req);
	struct sh_err err = {0};
	json_t *body;
	struct person p;
	struct person_mobile_change c;
	store_tx *tx = NULL;
	if (http_json_body(req, &body, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	const char *code = json_string_value(json_object_get(body, "code"));
	if (store_begin(app->db, STORE_WRITE, &tx, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	if (scoped_person(req, tx, &p, &err) != SH_OK ||
	    person_mobile_confirm(tx, &actor, app->keys, p.id_number, code, sh_now(), &c, &err) !=
		    SH_OK) {
		store_rollback(tx);
		http_reply_err(resp, &err);
		return;
	}
	/* A wrong code commits too: the try is counted. */
	if (store_commit(tx, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	if (!c.confirmed) {
		char msg[64];
		snprintf(msg, sizeof msg, "wrong code; %d tries left", c.tries_left);
		http_reply_error(resp, 422, "MOBILE_CODE_WRONG", msg);
		return;
	}
	reply_mobile(resp, 200, p.id_number,
		     c.effective_at > sh_now() ? "scheduled" : "in_effect", &c);
}

static void mobile_cancel(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct audit_actor actor = app_actor(req);
	struct sh_err err = {0};
	struct person p;
	store_tx *tx = NULL;
	int cancelled = 0;
	if (store_begin(app->db, STORE_WRITE, &tx, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	if (scoped_person(req, tx, &p, &err) != SH_OK ||
	    person_mobile_cancel(tx, &actor, p.id_number, "mobile change withdrawn", &cancelled,
				 &err) != SH_OK) {
		store_rollback(tx);
		http_reply_err(resp, &err);
		return;
	}
	if (store_commit(tx, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	if (!cancelled) {
		http_reply_error(resp, 404, "NO_MOBILE_CHANGE", "no change of mobile is pending");
		return;
	}
	http_reply_json(resp, 200, json_pack("{s:o,s:s}", "id_number", json_idnum(p.id_number),
					     "status", "cancelled"));
}

const struct http_route persons_routes[] = {
	{"POST", "/api/v1/persons", persons_create, HTTP_AUTH_OPERATOR, PERSON_CREATE_ROLES},
	{"GET", "/api/v1/persons", persons_search, HTTP_AUTH_OPERATOR, PERSON_READ_ROLES},
	{"GET", "/api/v1/persons/{id_number}", persons_get, HTTP_AUTH_OPERATOR,
	 PERSON_READ_ROLES},
	{"PATCH", "/api/v1/persons/{id_number}", persons_update, HTTP_AUTH_OPERATOR,
	 PERSON_UPDATE_ROLES},
	{"GET", "/api/v1/persons/{id_number}/history", persons_history, HTTP_AUTH_OPERATOR,
	 PERSON_READ_ROLES},
	{"GET", "/api/v1/persons/{id_number}/children", persons_children, HTTP_AUTH_OPERATOR,
	 PERSON_READ_ROLES},
	{"POST", "/api/v1/persons/{id_number}/mobile", mobile_request, HTTP_AUTH_OPERATOR,
	 PERSON_UPDATE_ROLES},
	{"POST", "/api/v1/persons/{id_number}/mobile/confirm", mobile_confirm, HTTP_AUTH_OPERATOR,
	 PERSON_UPDATE_ROLES},
	{"DELETE", "/api/v1/persons/{id_number}/mobile", mobile_cancel, HTTP_AUTH_OPERATOR,
	 PERSON_UPDATE_ROLES},
};
const size_t persons_routes_count = sizeof persons_routes / sizeof persons_routes[0];
