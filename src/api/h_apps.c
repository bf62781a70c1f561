/* h_apps.c — online applications (issue 17): applicant accounts, sessions,
 * passwords, application types and applications. Thin: parse, one
 * transaction around the domain call (src/apps), answer. The codes never
 * appear in an answer; they leave only in the SMS and the e-mail. */
#include <string.h>
#include <strings.h>

#include "api/app.h"
#include "api/h_common.h"
#include "api/routes.h"
#include "apps/apps.h"

static const struct auth_pwcost *pwcost(const struct app *app)
{
	return app->pwcost ? app->pwcost : &auth_pwcost_default;
}

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static const char *bearer(struct http_req *req)
{
	const char *h = http_header(req, "Authorization");
	return h && strncasecmp(h, "Bearer ", 7) == 0 ? h + 7 : NULL;
}

static void fmt_time(int64_t t, char out[32])
{
	sh_time_format(t, out, 32);
}

/* Open a write transaction on the request's body; SH_OK or an answered
 * error (then *body is NULL and nothing is open). */
static int begin(struct http_req *req, struct http_resp *resp, json_t **body, store_tx **tx)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	*body = NULL;
	*tx = NULL;
	int rc = http_json_body(req, body, &err);
	if (rc == SH_OK)
		rc = store_begin(app->db, STORE_WRITE, tx, &err);
	if (rc != SH_OK) {
		*body = NULL; /* owned by the request */
		http_reply_err(resp, &err);
	}
	return rc;
}

static void h_signup(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	json_t *body;
	store_tx *tx;
	int64_t id = 0;
	struct audit_actor actor = app_actor(req);
	if (begin(req, resp, &body, &tx) != SH_OK)
		return;
	int rc = apps_signup(tx, app->keys, pwcost(app), &actor, jstr(body, "username"),
			     jstr(body, "password"), jstr(body, "mobile"), jstr(body, "email"),
			     sh_now(), &id, NULL, &err);
	rc = h_tx_end(tx, rc, &err);
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 201,
			json_pack("{s:s, s:s, s:s}", "username", jstr(body, "username"), "status",
				  "unverified", "notice",
				  "Codes were sent to the mobile number and the e-mail address: "
				  "verify both (POST /api/v1/apps/accounts/verify)."));
}

static void h_verify(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	json_t *body;
	store_tx *tx;
	int ok = 0;
	struct audit_actor actor = app_actor(req);
	if (begin(req, resp, &body, &tx) != SH_OK)
		return;
	int rc = apps_verify(tx, app->keys, &actor, jstr(body, "username"), jstr(body, "channel"),
			     jstr(body, "code"), sh_now(), &ok, &err);
	/* A wrong code is committed too: its try counts. */
	rc = h_tx_end(tx, rc, &err);
	if (rc == SH_OK && !ok)
		rc = err.status;
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200,
			json_pack("{s:s, s:s}", "status", "verified", "channel", jstr(body, "channel")));
}

static void reply_sent(struct http_resp *resp)
{
	/* One answer whether or not the account exists (no enumeration). */
	http_reply_json(resp, 202,
			json_pack("{s:s}", "notice",
				  "If this account exists, a code was sent to its contact details."));
}

static void h_resend(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	json_t *body;
	store_tx *tx;
	if (begin(req, resp, &body, &tx) != SH_OK)
		return;
	int rc = apps_resend(tx, app->keys, jstr(body, "username"), jstr(body, "channel"), sh_now(),
			     NULL, &err);
	rc = h_tx_end(tx, rc, &err);
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	reply_sent(resp);
}

static void h_email_change(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	json_t *body;
	store_tx *tx;
	struct audit_actor actor = app_actor(req);
	if (begin(req, resp, &body, &tx) != SH_OK)
		return;
	int rc = apps_email_change(tx, app->keys, pwcost(app), &actor, jstr(body, "username"),
				   jstr(body, "password"), jstr(body, "email"), sh_now(), NULL,
				   &err);
	rc = h_tx_end(tx, rc, &err);
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 202,
			json_pack("{s:s}", "notice", "A code was sent to the new e-mail address."));
}

static void h_login(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	json_t *body;
	store_tx *tx;
	struct apps_session s;
	struct audit_actor actor = app_actor(req);
	if (begin(req, resp, &body, &tx) != SH_OK)
		return;
	int ok = 0;
	int rc = apps_login(tx, app->keys, pwcost(app), &actor, jstr(body, "username"),
			    jstr(body, "password"), sh_now(), &s, &ok, &err);
	/* A refused attempt is committed too: it counts towards the throttle. */
	rc = h_tx_end(tx, rc, &err);
	if (rc == SH_OK && !ok)
		rc = err.status;
	if (rc != SH_OK) {
		if (rc == SH_ETHROTTLE)
			h_retry_after(resp, s.retry_after);
		http_reply_err(resp, &err);
		return;
	}
	char at[32];
	fmt_time(s.expires_at, at);
	http_reply_json(resp, 201, json_pack("{s:s, s:s}", "token", s.token, "expires_at", at));
}

static void h_logout(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	store_tx *tx = NULL;
	int rc = store_begin(app->db, STORE_WRITE, &tx, &err);
	if (rc == SH_OK) {
		rc = apps_logout(tx, app->keys, bearer(req), &err);
		rc = h_tx_end(tx, rc, &err);
	}
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200, json_pack("{s:s}", "status", "signed_out"));
}

static void h_forgot(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	json_t *body;
	store_tx *tx;
	if (begin(req, resp, &body, &tx) != SH_OK)
		return;
	int rc = apps_password_forgot(tx, app->keys, jstr(body, "username"), sh_now(), NULL, &err);
	rc = h_tx_end(tx, rc, &err);
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	reply_sent(resp);
}

static void h_reset(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	json_t *body;
	store_tx *tx;
	int ok = 0;
	struct audit_actor actor = app_actor(req);
	if (begin(req, resp, &body, &tx) != SH_OK)
		return;
	int rc = apps_password_reset(tx, app->keys, pwcost(app), &actor, jstr(body, "username"),
				     jstr(body, "code"), jstr(body, "password"), sh_now(), &ok,
				     &err);
	rc = h_tx_end(tx, rc, &err);
	if (rc == SH_OK && !ok)
		rc = err.status;
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200, json_pack("{s:s}", "status", "password_changed"));
}

static void h_password_change(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	json_t *body;
	store_tx *tx;
	struct audit_actor actor = app_actor(req);
	if (begin(req, resp, &body, &tx) != SH_OK)
		return;
	int rc = apps_password_change(tx, app->keys, pwcost(app), &actor, req->principal.id,
				      jstr(body, "current_password"), jstr(body, "new_password"),
				      bearer(req), &err);
	rc = h_tx_end(tx, rc, &err);
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200, json_pack("{s:s}", "status", "password_changed"));
}

static void h_me(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	store_tx *tx = NULL;
	struct apps_account a;
	int rc = store_begin(app->db, STORE_READ, &tx, &err);
	if (rc == SH_OK) {
		rc = apps_account_get(tx, req->principal.id, &a, &err);
		store_rollback(tx);
	}
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	char at[32];
	fmt_time(a.created_at, at);
	http_reply_json(resp, 200,
			json_pack("{s:s, s:s, s:s, s:b, s:b, s:s}", "username", a.username, "mobile",
				  a.mobile, "email", a.email, "mobile_verified", a.mobile_verified,
				  "email_verified", a.email_verified, "created_at", at));
}

static json_t *str_array(json_t *arr)
{
	json_t *out = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) json_array_append_new(out, json_string(json_string_value(v)));
	return out;
}

static void h_types(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	size_t n;
	const struct apps_type *t = apps_types(&n);
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++) {
		json_t *rules = json_array();
		size_t j;
		json_t *r;
		json_array_foreach(json_object_get(t[i].def, "rules"), j, r)
			json_array_append_new(rules,
					      json_pack("{s:s, s:s}", "name",
							json_string_value(json_object_get(r, "name")),
							"message",
							json_string_value(json_object_get(r, "message"))));
		json_array_append_new(
			arr, json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "code", t[i].code,
				       "title", t[i].title, "fee_paid",
				       t[i].fee_at_start ? "at_start" : "at_end", "issues",
				       json_string_value(json_object_get(t[i].def, "issues")),
				       "sections", str_array(json_object_get(t[i].def, "sections")),
				       "documents", str_array(json_object_get(t[i].def, "documents")),
				       "rules", rules));
	}
	http_reply_json(resp, 200, json_pack("{s:o}", "types", arr));
}

static json_t *app_json(const struct apps_application *a)
{
	char c[32], u[32];
	fmt_time(a->created_at, c);
	fmt_time(a->updated_at, u);
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "tracking_id", a->tracking_id, "type", a->type,
			 "state", a->state, "created_at", c, "updated_at", u);
}

static void h_app_create(struct http_req *req, struct http_resp *resp)
{
	struct sh_err err = {0};
	json_t *body;
	store_tx *tx;
	struct apps_application a;
	struct audit_actor actor = app_actor(req);
	if (begin(req, resp, &body, &tx) != SH_OK)
		return;
	int rc = apps_application_create(tx, &actor, req->principal.id, jstr(body, "type"),
					 sh_now(), &a, &err);
	rc = h_tx_end(tx, rc, &err);
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 201, app_json(&a));
}

static int list_one(void *ctx, const struct apps_application *a)
{
	return json_array_append_new(ctx, app_json(a)) != 0;
}

static void h_app_list(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	store_tx *tx = NULL;
	json_t *arr = json_array();
	int rc = arr ? store_begin(app->db, STORE_READ, &tx, &err)
		     : sh_err_set(&err, SH_ENOMEM, "OOM", "out of memory");
	if (rc == SH_OK) {
		rc = apps_application_list(tx, req->principal.id, list_one, arr, &err);
		store_rollback(tx);
	}
	if (rc != SH_OK) {
		json_decref(arr);
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200, json_pack("{s:o}", "applications", arr));
}

/* The whole application for review: its fields and apps_review's. */
static void reply_review(struct http_req *req, struct http_resp *resp, int status,
			 const char *tracking_id)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	store_tx *tx = NULL;
	struct apps_application a;
	json_t *r = NULL;
	int rc = store_begin(app->db, STORE_READ, &tx, &err);
	if (rc == SH_OK) {
		rc = apps_review(tx, req->principal.id, tracking_id, sh_now(), &a, &r, &err);
		store_rollback(tx);
	}
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	json_t *out = app_json(&a);
	if (!out || json_object_update(out, r)) {
		json_decref(out);
		json_decref(r);
		sh_err_set(&err, SH_ENOMEM, "OOM", "out of memory");
		http_reply_err(resp, &err);
		return;
	}
	json_decref(r);
	http_reply_json(resp, status, out);
}

static void h_app_get(struct http_req *req, struct http_resp *resp)
{
	reply_review(req, resp, 200, req->params[0]);
}

static void h_section_put(struct http_req *req, struct http_resp *resp)
{
	struct sh_err err = {0};
	json_t *body;
	store_tx *tx;
	struct audit_actor actor = app_actor(req);
	if (begin(req, resp, &body, &tx) != SH_OK)
		return;
	int rc = apps_section_put(tx, &actor, req->principal.id, req->params[0], req->params[1],
				  body, sh_now(), &err);
	rc = h_tx_end(tx, rc, &err);
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	reply_review(req, resp, 200, req->params[0]);
}

static void h_submit(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	store_tx *tx = NULL;
	struct apps_application a;
	struct audit_actor actor = app_actor(req);
	int rc = store_begin(app->db, STORE_WRITE, &tx, &err);
	if (rc == SH_OK) {
		rc = apps_submit(tx, &actor, req->principal.id, req->params[0], sh_now(), &a, &err);
		rc = h_tx_end(tx, rc, &err);
	}
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200, app_json(&a));
}

static void h_app_cancel(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	store_tx *tx = NULL;
	struct apps_application a;
	struct audit_actor actor = app_actor(req);
	int rc = store_begin(app->db, STORE_WRITE, &tx, &err);
	if (rc == SH_OK) {
		rc = apps_application_cancel(tx, &actor, req->principal.id, req->params[0], sh_now(),
					     &a, &err);
		rc = h_tx_end(tx, rc, &err);
	}
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200, app_json(&a));
}

static void h_chip_code(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	json_t *body;
	store_tx *tx;
	struct audit_actor actor = app_actor(req);
	if (begin(req, resp, &body, &tx) != SH_OK)
		return;
	int rc = apps_chip_code_set(tx, app->keys, pwcost(app), &actor, req->principal.id,
				    req->params[0], jstr(body, "chip_code"), &err);
	rc = h_tx_end(tx, rc, &err);
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200, json_pack("{s:s}", "status", "chip_code_set"));
}

const struct http_route apps_routes[] = {
	{"POST", "/api/v1/apps/accounts", h_signup, HTTP_AUTH_NONE, 0},
	{"POST", "/api/v1/apps/accounts/verify", h_verify, HTTP_AUTH_NONE, 0},
	{"POST", "/api/v1/apps/accounts/resend", h_resend, HTTP_AUTH_NONE, 0},
	{"POST", "/api/v1/apps/accounts/email", h_email_change, HTTP_AUTH_NONE, 0},
	{"POST", "/api/v1/apps/session", h_login, HTTP_AUTH_NONE, 0},
	{"DELETE", "/api/v1/apps/session", h_logout, HTTP_AUTH_APPLICANT, 0},
	{"POST", "/api/v1/apps/password/forgot", h_forgot, HTTP_AUTH_NONE, 0},
	{"POST", "/api/v1/apps/password/reset", h_reset, HTTP_AUTH_NONE, 0},
	{"PUT", "/api/v1/apps/me/password", h_password_change, HTTP_AUTH_APPLICANT, 0},
	{"GET", "/api/v1/apps/me", h_me, HTTP_AUTH_APPLICANT, 0},
	{"GET", "/api/v1/apps/types", h_types, HTTP_AUTH_NONE, 0},
	{"POST", "/api/v1/apps/applications", h_app_create, HTTP_AUTH_APPLICANT, 0},
	{"GET", "/api/v1/apps/applications", h_app_list, HTTP_AUTH_APPLICANT, 0},
	{"GET", "/api/v1/apps/applications/{tracking_id}", h_app_get, HTTP_AUTH_APPLICANT, 0},
	{"POST", "/api/v1/apps/applications/{tracking_id}/cancel", h_app_cancel,
	 HTTP_AUTH_APPLICANT, 0},
	{"PUT", "/api/v1/apps/applications/{tracking_id}/chip-code", h_chip_code,
	 HTTP_AUTH_APPLICANT, 0},
	{"PUT", "/api/v1/apps/applications/{tracking_id}/sections/{section}", h_section_put,
	 HTTP_AUTH_APPLICANT, 0},
	{"POST", "/api/v1/apps/applications/{tracking_id}/submit", h_submit, HTTP_AUTH_APPLICANT,
	 0},
};
const size_t apps_routes_count = sizeof apps_routes / sizeof apps_routes[0];
