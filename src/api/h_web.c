/* h_web.c — the web pages' sign-in and sign-out (issue 16):
 *   POST   /api/v1/web/session      operator: username + password -> cookies
 *   DELETE /api/v1/web/session      operator: revoke, clear the cookies
 *   POST   /api/v1/web/me/session   citizen: login_id + passcode -> cookies
 *   DELETE /api/v1/web/me/session   citizen: revoke, clear the cookies
 * They open the same sessions as POST /api/v1/session and /me/session, but
 * the token goes into an HttpOnly cookie, never into the answer's body, so
 * no script of the page can read or leak it (docs/web.md). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/app.h"
#include "api/h_common.h"
#include "api/routes.h"
#include "api/web_cookie.h"
#include "auth/passwd.h"
#include "auth/roles.h"
#include "auth/sessions.h"
#include "consent/citizen_auth.h"
#include "consent/config.h"

#define WEB_SESSION_TTL (8 * 3600)

/* ---- cookies and the CSRF token ---------------------------------------- */

static bool token_char(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       ch == '-' || ch == '_' || ch == '.' || ch == '~';
}

const char *web_cookie_get(struct http_req *req, const char *name)
{
	const char *h = http_header(req, "Cookie");
	size_t nl = strlen(name);
	while (h && *h) {
		while (*h == ' ' || *h == ';')
			h++;
		const char *end = strchr(h, ';');
		size_t len = end ? (size_t)(end - h) : strlen(h);
		if (len > nl && strncmp(h, name, nl) == 0 && h[nl] == '=') {
			const char *v = h + nl + 1;
			size_t vl = len - nl - 1;
			if (vl == 0 || vl > 256)
				return NULL;
			for (size_t i = 0; i < vl; i++)
				if (!token_char(v[i]))
					return NULL;
			return arena_strndup(req->arena, v, vl);
		}
		h = end;
	}
	return NULL;
}

void web_csrf_of(const char *token, char out[WEB_CSRF_HEX])
{
	/* The personalisation keeps this hash from being any other hash of
	 * the token that the stores keep (a session table of token hashes). */
	static const unsigned char key[32] = "shanakht web csrf token, v1....";
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), key,
			   sizeof key);
	sodium_bin2hex(out, WEB_CSRF_HEX, h, sizeof h);
}

bool web_csrf_ok(struct http_req *req, const char *token)
{
	const char *got = http_header(req, WEB_CSRF_HEADER);
	char want[WEB_CSRF_HEX];
	web_csrf_of(token, want);
	bool ok = got && strlen(got) == WEB_CSRF_HEX - 1 &&
		  sodium_memcmp(got, want, WEB_CSRF_HEX - 1) == 0;
	sodium_memzero(want, sizeof want);
	return ok;
}

/* Secure when the page came over TLS (a terminating proxy says so) or the
 * deployment says every page does. */
static bool want_secure(struct http_req *req)
{
	const char *p = http_header(req, "X-Forwarded-Proto");
	const char *env = getenv("SHANAKHT_WEB_SECURE_COOKIES");
	return (p && strcmp(p, "https") == 0) || (env && strcmp(env, "1") == 0);
}

/* Set-Cookie for the session (HttpOnly) and its CSRF token (readable by
 * the page's script); value NULL clears both. */
static void set_cookies(struct http_req *req, struct http_resp *resp, const char *name,
			const char *token, int64_t max_age)
{
	char csrf[WEB_CSRF_HEX] = "";
	char line[512];
	const char *sec = want_secure(req) ? "; Secure" : "";
	if (token)
		web_csrf_of(token, csrf);
	if (max_age < 0)
		max_age = 0;
	snprintf(line, sizeof line, "%s=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Strict%s",
		 name, token ? token : "", (long long)max_age, sec);
	http_reply_header(resp, "Set-Cookie", line);
	snprintf(line, sizeof line, "%s_csrf=%s; Path=/; Max-Age=%lld; SameSite=Strict%s", name,
		 csrf, (long long)max_age, sec);
	http_reply_header(resp, "Set-Cookie", line);
	sodium_memzero(line, sizeof line);
	http_reply_header(resp, "Cache-Control", "no-store");
}

/* ---- operator ----------------------------------------------------------- */

static void op_login(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	json_t *body = NULL;
	struct auth_login_result res;
	if (http_json_body(req, &body, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	const char *user = json_string_value(json_object_get(body, "username"));
	const char *pw = json_string_value(json_object_get(body, "password"));
	if (!user || !pw || !*user || !*pw) {
		http_reply_error(resp, 400, "MISSING_CREDENTIALS",
				 "type your user name and your password");
		return;
	}
	int ttl = app->session_ttl_seconds > 0 ? app->session_ttl_seconds : WEB_SESSION_TTL;
	const struct auth_pwcost *cost = app->pwcost ? app->pwcost : &auth_pwcost_default;
	int64_t now = sh_now();
	int rc = auth_login_at(app->db, app->keys, cost, user, pw, req->client_addr,
			       req->request_id, ttl, now, &res, &err);
	if (rc != SH_OK) {
		if (rc == SH_ETHROTTLE)
			h_retry_after(resp, res.retry_after);
		http_reply_err(resp, &err);
		return;
	}
	char csrf[WEB_CSRF_HEX], at[32];
	web_csrf_of(res.token, csrf);
	set_cookies(req, resp, WEB_COOKIE_OPERATOR, res.token, res.expires_at - now);
	sodium_memzero(res.token, sizeof res.token);
	sh_time_format(res.expires_at, at, sizeof at);
	http_reply_json(resp, 200,
			json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "user_id", (json_int_t)res.who.id,
				  "username", res.who.name, "role", res.who.role, "council_code",
				  res.who.council_code, "expires_at", at, "csrf_token", csrf));
}

static void op_logout(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	struct audit_actor actor = app_actor(req);
	const char *token = web_cookie_get(req, WEB_COOKIE_OPERATOR);
	if (!token) {
		http_reply_error(resp, 401, "AUTH_REQUIRED", "you are not signed in: sign in again");
		return;
	}
	if (auth_logout(app->db, app->keys, token, &actor, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	set_cookies(req, resp, WEB_COOKIE_OPERATOR, NULL, 0);
	http_reply_bytes(resp, 204, "text/plain", "", 0);
}

/* ---- citizen ------------------------------------------------------------ */

static void cit_login(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	json_t *body = NULL;
	store_tx *tx = NULL;
	struct citizen_session s;
	int ok = 0;
	struct audit_actor actor = app_actor(req);
	int rc = http_json_body(req, &body, &err);
	if (rc == SH_OK)
		rc = store_begin(app->db, STORE_WRITE, &tx, &err);
	if (rc == SH_OK) {
		rc = citizen_session_create(tx, app->keys, consent_config_env(), &actor,
					    json_string_value(json_object_get(body, "login_id")),
					    json_string_value(json_object_get(body, "passcode")),
					    sh_now(), &ok, &s, &err);
		rc = h_tx_end(tx, rc, &err);
	}
	if (rc == SH_OK && !ok)
		rc = err.status;
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	char csrf[WEB_CSRF_HEX], at[32];
	web_csrf_of(s.token, csrf);
	set_cookies(req, resp, WEB_COOKIE_CITIZEN, s.token, s.expires_at - sh_now());
	sodium_memzero(s.token, sizeof s.token);
	sh_time_format(s.expires_at, at, sizeof at);
	http_reply_json(resp, 201, json_pack("{s:s, s:s, s:s}", "id_number", s.id_number,
					     "expires_at", at, "csrf_token", csrf));
}

static void cit_logout(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	store_tx *tx = NULL;
	const char *token = web_cookie_get(req, WEB_COOKIE_CITIZEN);
	int rc = store_begin(app->db, STORE_WRITE, &tx, &err);
	if (rc == SH_OK) {
		rc = citizen_session_revoke(tx, app->keys, token, &err);
		rc = h_tx_end(tx, rc, &err);
	}
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	set_cookies(req, resp, WEB_COOKIE_CITIZEN, NULL, 0);
	http_reply_bytes(resp, 204, "text/plain", "", 0);
}

const struct http_route web_routes[] = {
	{"POST", "/api/v1/web/session", op_login, HTTP_AUTH_NONE, 0},
	{"DELETE", "/api/v1/web/session", op_logout, HTTP_AUTH_OPERATOR, ROLE_ANY_OPERATOR},
	{"POST", "/api/v1/web/me/session", cit_login, HTTP_AUTH_NONE, 0},
	{"DELETE", "/api/v1/web/me/session", cit_logout, HTTP_AUTH_CITIZEN, 0},
};
const size_t web_routes_count = sizeof web_routes / sizeof web_routes[0];
