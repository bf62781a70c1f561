/* app.c — the glue between the HTTP server and the domains: who is calling
 * (authenticate hook), what was refused (denied hook), and the audit actor of
 * a request. */
#include "api/app.h"
#include "api/web_cookie.h"

#include <string.h>
#include <strings.h>

#include "audit/audit.h"
#include "auth/sessions.h"
#include "apps/apps.h"
#include "consent/citizen_auth.h"
#include "consent/party_auth.h"
#include "lib/log.h"
#include "lib/parse.h"

struct audit_actor app_actor(const struct http_req *req)
{
	struct audit_actor a = {0};
	switch (req->principal.kind) {
	case PRINCIPAL_OPERATOR: a.kind = "operator"; break;
	case PRINCIPAL_PARTY: a.kind = "party"; break;
	case PRINCIPAL_CITIZEN: a.kind = "citizen"; break;
	case PRINCIPAL_APPLICANT: a.kind = "applicant"; break;
	default: a.kind = "anonymous"; break;
	}
	a.id = req->principal.id;
	a.name = req->principal.name[0] ? req->principal.name : NULL;
	a.role = req->principal.role[0] ? req->principal.role : NULL;
	a.request_id = req->request_id;
	a.client_addr = req->client_addr;
	return a;
}

/* "Authorization: Bearer <token>" -> token, or NULL. */
static const char *bearer_token(struct http_req *req)
{
	const char *h = http_header(req, "Authorization");
	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return *h ? h : NULL;
}

/* No bearer token: the web pages' session cookie, which counts only with
 * its CSRF token in the X-CSRF-Token header (a request another site made
 * the browser send carries the cookie but cannot know the token). *token:
 * the session token, or NULL when there is no cookie; 401 CSRF_TOKEN when
 * the cookie came without its CSRF token. */
static int cookie_token(struct http_req *req, const char *cookie, const char **token,
			struct sh_err *err)
{
	*token = web_cookie_get(req, cookie);
	if (*token && !web_csrf_ok(req, *token)) {
		*token = NULL;
		return sh_err_set(err, SH_EUNAUTH, "CSRF_TOKEN",
				  "the request has no valid X-CSRF-Token header for its session "
				  "cookie: reload the page, or sign in again");
	}
	return SH_OK;
}

int app_authenticate(void *ctx, enum http_auth auth, struct http_req *req, struct sh_err *err)
{
	struct app *app = ctx;
	int rc;
	switch (auth) {
	case HTTP_AUTH_NONE:
		return SH_OK;
	case HTTP_AUTH_OPERATOR: {
		const char *token = bearer_token(req);
		rc = token ? SH_OK : cookie_token(req, WEB_COOKIE_OPERATOR, &token, err);
		if (rc == SH_OK && !token)
			return sh_err_set(err, SH_EUNAUTH, "AUTH_REQUIRED",
					  "this endpoint needs an operator bearer token "
					  "(POST /api/v1/session)");
		if (rc == SH_OK)
			rc = auth_session_check(app->db, app->keys, token, &req->principal, err);
		break;
	}
	case HTTP_AUTH_PARTY:
		rc = party_authenticate(app->db, app->keys, consent_config_env(), req->method, req->path,
					http_header(req, "X-Party-Key"),
					http_header(req, "X-Timestamp"), http_header(req, "X-Nonce"),
					http_header(req, "X-Signature"), req->body, req->body_len,
					sh_now(), &req->principal, err);
		break;
	case HTTP_AUTH_CITIZEN: {
		const char *token = bearer_token(req);
		rc = token ? SH_OK : cookie_token(req, WEB_COOKIE_CITIZEN, &token, err);
		if (rc == SH_OK && !token)
			return sh_err_set(err, SH_EUNAUTH, "AUTH_REQUIRED",
					  "this endpoint needs a citizen session token "
					  "(POST /api/v1/me/session)");
		if (rc == SH_OK)
			rc = citizen_session_check(app->db, app->keys, token, &req->principal, err);
		break;
	}
	case HTTP_AUTH_APPLICANT: {
		const char *token = bearer_token(req);
		if (!token)
			return sh_err_set(err, SH_EUNAUTH, "AUTH_REQUIRED",
					  "this endpoint needs an applicant session token "
					  "(POST /api/v1/apps/session)");
		rc = apps_session_check(app->db, app->keys, token, sh_now(), &req->principal, err);
		break;
	}
	default:
		return sh_err_set(err, SH_EINTERNAL, "AUTH_KIND", "unknown route protection");
	}
	if (rc != SH_OK) {
		struct audit_actor actor = app_actor(req);
		audit_enqueue(&actor, "authn.fail", req->route, err->code);
	}
	return rc;
}

struct app_write_job {
	int64_t party_id;
	const char *nonce; /* NULL: not a relying party's request */
	int64_t signed_at; /* its X-Timestamp */
	store_write_fn fn;
	void *ctx;
};

static int app_write_run(store_tx *tx, void *ctx, struct sh_err *err)
{
	struct app_write_job *j = ctx;
	if (j->nonce) {
		int rc = party_nonce_record(tx, j->party_id, j->nonce, j->signed_at, err);
		if (rc != SH_OK)
			return rc;
	}
	return j->fn(tx, j->ctx, err);
}

int app_write(struct http_req *req, store_write_fn fn, void *ctx, struct sh_err *err)
{
	struct app *app = req->app;
	struct app_write_job j = {.party_id = req->principal.id,
				  .signed_at = req->principal.replay_ts,
				  .fn = fn,
				  .ctx = ctx};
	if (req->principal.kind == PRINCIPAL_PARTY) {
		/* From here the nonce is the write's business: committed with
		 * it, or recorded after a failure by app_finished. */
		j.nonce = req->principal.replay_nonce;
		req->principal.replay_nonce = NULL;
	}
	return store_write(app->db, app_write_run, &j, err);
}

int app_finished(void *ctx, struct http_req *req, int status, struct sh_err *err)
{
	struct app *app = ctx;
	if (req->principal.kind != PRINCIPAL_PARTY)
		return SH_OK;
	const char *nonce = req->principal.replay_nonce;
	if (nonce) { /* never written: the replay check is still to come */
		req->principal.replay_nonce = NULL;
		return party_nonce_record_alone(app->db, req->principal.id, nonce,
						req->principal.replay_ts, err);
	}
	if (status >= 200 && status < 300)
		return SH_OK; /* recorded with the request's committed write */
	/* The handler's transaction may have rolled back with its nonce: a
	 * failed request is not to be replayed either. Recorded before, this
	 * is a replay of a failure, already answered as such. */
	struct sh_err ignore = {0};
	const char *again = http_header(req, "X-Nonce");
	if (again && party_nonce_record_alone(app->db, req->principal.id, again,
					      req->principal.replay_ts, &ignore) != SH_OK)
		sh_debug("party nonce after a failed request: %s", ignore.code);
	return SH_OK;
}

void app_denied(void *ctx, struct http_req *req, const struct sh_err *why)
{
	(void)ctx;
	struct audit_actor actor = app_actor(req);
	char object[300];
	snprintf(object, sizeof object, "%s %s", req->method, req->path);
	audit_enqueue(&actor, "authz.deny", object, why ? why->code : NULL);
}
