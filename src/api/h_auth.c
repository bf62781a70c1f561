/* h_auth.c — HTTP adapters for operator sessions and accounts:
 *   POST   /api/v1/session                    log in
 *   GET    /api/v1/session                    who am I
 *   DELETE /api/v1/session                    log out (revoke own token)
 *   POST   /api/v1/users                      create an operator (admin)
 *   GET    /api/v1/users                      list operators (admin, auditor)
 *   POST   /api/v1/users/{username}/disable   (admin)
 *   POST   /api/v1/users/{username}/enable    (admin)
 *   POST   /api/v1/users/{username}/password  reset a password (admin)
 *   POST   /api/v1/session/password           change one's own password */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/passwd.h"
#include "auth/roles.h"
#include "auth/sessions.h"
#include "auth/users.h"
#include "api/h_common.h"
#include "api/routes.h"
#include "lib/parse.h"
#include "api/app.h"

#define DEFAULT_SESSION_TTL (8 * 3600)

static const struct auth_pwcost *pwcost(const struct app *app)
{
	return app->pwcost ? app->pwcost : &auth_pwcost_default;
}

static const char *body_string(json_t *body, const char *key)
{
	return json_string_value(json_object_get(body, key));
}

static const char *bearer(struct http_req *req)
{
	const char *h = http_header(req, "Authorization");
	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return *h ? h : NULL;
}

static void session_create(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	json_t *body = NULL;
	struct auth_login_result res;
	if (http_json_body(req, &body, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	const char *user = body_string(body, "username"), *pw = body_string(body, "password");
	if (!user || !pw) {
		http_reply_error(resp, 400, "MISSING_CREDENTIALS",
				 "username and password (strings) are required");
		return;
	}
	int ttl = app->session_ttl_seconds > 0 ? app->session_ttl_seconds : DEFAULT_SESSION_TTL;
	int rc = auth_login_at(app->db, app->keys, pwcost(app), user, pw, req->client_addr,
			       req->request_id, ttl, sh_now(), &res, &err);
	if (rc != SH_OK) {
		if (rc == SH_ETHROTTLE)
			h_retry_after(resp, res.retry_after);
		http_reply_err(resp, &err);
		return;
	}
	char at[32];
	sh_time_format(res.expires_at, at, sizeof at);
	json_t *out = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:I}", "token", res.token,
				"expires_at", (json_int_t)res.expires_at, "expires_at_text", at,
				"username", res.who.name, "role", res.who.role, "council_code",
				res.who.council_code, "user_id", (json_int_t)res.who.id);
	sodium_memzero(res.token, sizeof res.token);
	/* RFC 6749 5.1: responses carrying tokens are not cached. */
	http_reply_header(resp, "Cache-Control", "no-store");
	http_reply_json(resp, 200, out);
}

static void session_show(struct http_req *req, struct http_resp *resp)
{
	const struct principal *p = &req->principal;
	http_reply_json(resp, 200,
			json_pack("{s:I, s:s, s:s, s:s}", "user_id", (json_int_t)p->id, "username",
				  p->name, "role", p->role, "council_code", p->council_code));
}

static void session_delete(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	struct audit_actor actor = app_actor(req);
	if (auth_logout(app->db, app->keys, bearer(req), &actor, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_bytes(resp, 204, "text/plain", "", 0);
}

static json_t *user_json(const struct auth_user *u)
{
	char at[32];
	sh_time_format(u->created_at, at, sizeof at);
	return json_pack("{s:I, s:s, s:s, s:s?, s:b, s:b, s:s}", "id", (json_int_t)u->id,
			 "username", u->username, "role", u->role, "council_code",
			 u->council_code[0] ? u->council_code : NULL, "disabled", u->disabled,
			 "locked", u->locked, "created_at", at);
}

/* Finish an account change begun in tx (rc its status so far): read the
 * account back, commit and reply it with `status`; on any failure roll back
 * and reply the error. */
static void user_change_reply(struct http_resp *resp, store_tx *tx, int rc, const char *name,
			      int status, struct sh_err *err)
{
	struct auth_user u;
	if (rc == SH_OK)
		rc = auth_user_get(tx, name, &u, err);
	rc = h_tx_end(tx, rc, err);
	/* A disable or a password reset revoked sessions: no cached token
	 * check may outlive the commit. */
	auth_session_cache_invalidate();
	if (rc != SH_OK) {
		http_reply_err(resp, err);
		return;
	}
	http_reply_json(resp, status, user_json(&u));
}

static void users_create(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	json_t *body = NULL;
	store_tx *tx = NULL;
	int64_t id = 0;
	if (http_json_body(req, &body, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	const char *user = body_string(body, "username"), *pw = body_string(body, "password");
	const char *role = body_string(body, "role"), *council = body_string(body, "council_code");
	json_t *cj = json_object_get(body, "council_code");
	if (!user || !pw || !role || (cj && !json_is_null(cj) && !council)) {
		http_reply_error(resp, 400, "MISSING_FIELDS",
				 "username, password and role are required strings; council_code "
				 "is an optional string");
		return;
	}
	unsigned bit = role_from_name(role);
	if (!bit) {
		http_reply_error(resp, 400, "BAD_ROLE", "unknown role");
		return;
	}
	struct audit_actor actor = app_actor(req);
	int rc = store_begin(app->db, STORE_WRITE, &tx, &err);
	if (rc == SH_OK)
		rc = auth_user_create(tx, &actor, pwcost(app), user, pw, bit, council, &id, &err);
	user_change_reply(resp, tx, rc, user, 201, &err);
}

static void users_list(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	int64_t after, limit;
	store_tx *tx = NULL;
	struct auth_user *list = NULL;
	size_t n = 0;
	if (h_query_i64(req, "after", 0, INT64_MAX, 0, &after, &err) != SH_OK ||
	    h_query_i64(req, "limit", 1, 1000, 100, &limit, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	int rc = store_begin(app->db, STORE_READ, &tx, &err);
	if (rc == SH_OK) {
		rc = auth_user_list(tx, after, (size_t)limit, &list, &n, &err);
		store_rollback(tx);
	}
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, user_json(&list[i]));
	json_t *out = json_pack("{s:o}", "users", arr);
	if ((int64_t)n == limit)
		json_object_set_new(out, "next_after", json_integer(list[n - 1].id));
	free(list);
	http_reply_json(resp, 200, out);
}

static void users_set_disabled(struct http_req *req, struct http_resp *resp, int disabled)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	store_tx *tx = NULL;
	const char *name = req->nparams > 0 ? req->params[0] : NULL;
	struct audit_actor actor = app_actor(req);
	int rc = store_begin(app->db, STORE_WRITE, &tx, &err);
	if (rc == SH_OK)
		rc = auth_user_disable(tx, &actor, name, disabled, &err);
	user_change_reply(resp, tx, rc, name, 200, &err);
}

static void users_disable(struct http_req *req, struct http_resp *resp)
{
	users_set_disabled(req, resp, 1);
}

static void users_enable(struct http_req *req, struct http_resp *resp)
{
	users_set_disabled(req, resp, 0);
}

static void users_reset_password(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	json_t *body = NULL;
	store_tx *tx = NULL;
	const char *name = req->nparams > 0 ? req->params[0] : NULL;
	if (http_json_body(req, &body, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	const char *pw = body_string(body, "password");
	if (!pw) {
		http_reply_error(resp, 400, "MISSING_FIELDS", "password (string) is required");
		return;
	}
	struct audit_actor actor = app_actor(req);
	int rc = store_begin(app->db, STORE_WRITE, &tx, &err);
	if (rc == SH_OK)
		rc = auth_user_set_password(tx, &actor, pwcost(app), name, pw, &err);
	user_change_reply(resp, tx, rc, name, 200, &err);
}

static void session_change_password(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	json_t *body = NULL;
	int64_t retry = 0;
	if (http_json_body(req, &body, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	struct audit_actor actor = app_actor(req);
	int rc = auth_password_change_at(app->db, app->keys, pwcost(app),
					 req->principal.id,
					 body_string(body, "current_password"),
					 body_string(body, "new_password"), bearer(req), &actor,
					 sh_now(), &retry, &err);
	if (rc != SH_OK) {
		if (rc == SH_ETHROTTLE)
			h_retry_after(resp, retry);
		http_reply_err(resp, &err);
		return;
	}
	http_reply_bytes(resp, 204, "text/plain", "", 0);
}

const struct http_route auth_routes[] = {
	{"POST", "/api/v1/session", session_create, HTTP_AUTH_NONE, 0},
	{"GET", "/api/v1/session", session_show, HTTP_AUTH_OPERATOR, ROLE_ANY_OPERATOR},
	{"DELETE", "/api/v1/session", session_delete, HTTP_AUTH_OPERATOR, ROLE_ANY_OPERATOR},
	{"POST", "/api/v1/users", users_create, HTTP_AUTH_OPERATOR, ROLE_ADMIN},
	{"GET", "/api/v1/users", users_list, HTTP_AUTH_OPERATOR, ROLE_ADMIN | ROLE_AUDITOR},
	{"POST", "/api/v1/users/{username}/disable", users_disable, HTTP_AUTH_OPERATOR, ROLE_ADMIN},
	{"POST", "/api/v1/users/{username}/enable", users_enable, HTTP_AUTH_OPERATOR, ROLE_ADMIN},
	{"POST", "/api/v1/users/{username}/password", users_reset_password, HTTP_AUTH_OPERATOR,
	 ROLE_ADMIN},
	{"POST", "/api/v1/session/password", session_change_password, HTTP_AUTH_OPERATOR,
	 ROLE_ANY_OPERATOR},
};
const size_t auth_routes_count = sizeof auth_routes / sizeof auth_routes[0];
