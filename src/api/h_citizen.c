/* h_citizen.c — the citizen's side: sign in with a passcode to their own
 * mobile, see every verification of their identity, lock and unlock
 * verification types. */
#include <string.h>
#include <strings.h>

#include "consent/citizen_auth.h"
#include "consent/config.h"
#include "consent/consent.h"
#include "consent/policy.h"
#include "api/h_consent_util.h"
#include "api/routes.h"
#include "lib/parse.h"
#include "api/app.h"
#include "ledger/ledger.h"

static void h_login(struct http_req *req, struct http_resp *resp)
{
	struct sh_err err = {0};
	struct consent_issued c = {0};
	if (hc_consent_issue(req, CONSENT_FOR_LOGIN, &c, &err) != SH_OK) {
		hc_reply_err(resp, &err, c.retry_after - sh_now() > 0 ? c.retry_after - sh_now() : 1);
		return;
	}
	char at[32];
	sh_time_format(c.expires_at, at, sizeof at);
	/* Same answer for every number (no enumeration). */
	http_reply_json(resp, 202,
			json_pack("{s:s, s:s, s:s}", "login_id", c.consent_id, "expires_at", at,
				  "notice",
				  "If this identity number has a registered mobile, a passcode was "
				  "sent to it. No SMS? Register your mobile by sending your identity "
				  "number to the registration short code."));
}

static void h_session(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	const struct consent_config *cfg = consent_config_env();
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
		rc = citizen_session_create(tx, app->keys, cfg, &actor, hc_str(body, "login_id"),
					    hc_str(body, "passcode"), sh_now(), &ok, &s, &err);
		rc = h_tx_end(tx, rc, &err);
	}
	if (rc == SH_OK && !ok)
		rc = err.status;
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	char at[32];
	sh_time_format(s.expires_at, at, sizeof at);
	http_reply_json(resp, 201, json_pack("{s:s, s:s, s:s}", "token", s.token, "expires_at", at,
					     "id_number", s.id_number));
}

static void h_logout(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	store_tx *tx = NULL;
	const char *h = http_header(req, "Authorization");
	const char *token = h && strncasecmp(h, "Bearer ", 7) == 0 ? h + 7 : NULL;
	int rc = store_begin(app->db, STORE_WRITE, &tx, &err);
	if (rc == SH_OK) {
		rc = citizen_session_revoke(tx, app->keys, token, &err);
		rc = h_tx_end(tx, rc, &err);
	}
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200, json_pack("{s:s}", "status", "signed_out"));
}

static int txn_one(void *ctx, const struct ledger_entry *t)
{
	char at[32];
	sh_time_format(t->at, at, sizeof at);
	json_t *o = json_pack("{s:I, s:s, s:s?, s:s?, s:s, s:s, s:s, s:s?, s:s?}", "id",
			      (json_int_t)t->id, "at", at, "party", t->party_name, "purpose",
			      t->purpose, "type", t->type, "event", t->event, "result", t->result,
			      "reason", t->reason, "consent_id", t->consent_id);
	return json_array_append_new(ctx, o) != 0;
}

static void h_my_verifications(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	store_tx *tx = NULL;
	int64_t limit = 100, before = 0;
	const char *q;
	if ((q = http_query(req, "limit")) && sh_parse_i64(q, 1, 500, &limit) != 0) {
		http_reply_error(resp, 400, "LIMIT", "limit must be 1..500");
		return;
	}
	if ((q = http_query(req, "before")) && sh_parse_i64(q, 1, INT64_MAX, &before) != 0) {
		http_reply_error(resp, 400, "BEFORE", "before must be a record id");
		return;
	}
	json_t *arr = json_array();
	int rc = arr ? store_begin(app->db, STORE_READ, &tx, &err)
		     : sh_err_set(&err, SH_ENOMEM, "OOM", "out of memory");
	if (rc == SH_OK) {
		rc = ledger_list(tx, req->principal.name, (int)limit, before, txn_one, arr,
				     &err);
		store_rollback(tx);
	}
	if (rc != SH_OK) {
		json_decref(arr);
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200, json_pack("{s:s, s:o}", "id_number", req->principal.name,
					     "verifications", arr));
}

static json_t *locks_json(unsigned locks)
{
	return json_pack("{s:o}", "locked", hc_names(locks, vtype_name));
}

static void h_locks_get(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	store_tx *tx = NULL;
	unsigned locks = 0;
	int rc = store_begin(app->db, STORE_READ, &tx, &err);
	if (rc == SH_OK) {
		rc = ledger_locks_get(tx, req->principal.name, &locks, &err);
		store_rollback(tx);
	}
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200, locks_json(locks));
}

static void lock_change(struct http_req *req, struct http_resp *resp, int locked)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	store_tx *tx = NULL;
	unsigned locks = 0;
	struct audit_actor actor = app_actor(req);
	unsigned bit = vtype_parse(req->params[0]);
	if (!bit) {
		http_reply_error(resp, 400, "VERIFY_TYPE",
				 "type must be yesno, kyc, fingerprint, face, iris or multimodal");
		return;
	}
	int rc = store_begin(app->db, STORE_WRITE, &tx, &err);
	if (rc == SH_OK) {
		rc = ledger_lock_set(tx, &actor, req->principal.name, bit, locked, &err);
		if (rc == SH_OK)
			rc = ledger_locks_get(tx, req->principal.name, &locks, &err);
		rc = h_tx_end(tx, rc, &err);
	}
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200, locks_json(locks));
}

static void h_lock(struct http_req *req, struct http_resp *resp)
{
	lock_change(req, resp, 1);
}
static void h_unlock(struct http_req *req, struct http_resp *resp)
{
	lock_change(req, resp, 0);
}

const struct http_route citizen_routes[] = {
	{"POST", "/api/v1/me/login", h_login, HTTP_AUTH_NONE, 0},
	{"POST", "/api/v1/me/session", h_session, HTTP_AUTH_NONE, 0},
	{"DELETE", "/api/v1/me/session", h_logout, HTTP_AUTH_CITIZEN, 0},
	{"GET", "/api/v1/me/verifications", h_my_verifications, HTTP_AUTH_CITIZEN, 0},
	{"GET", "/api/v1/me/locks", h_locks_get, HTTP_AUTH_CITIZEN, 0},
	{"PUT", "/api/v1/me/locks/{type}", h_lock, HTTP_AUTH_CITIZEN, 0},
	{"DELETE", "/api/v1/me/locks/{type}", h_unlock, HTTP_AUTH_CITIZEN, 0},
};
const size_t citizen_routes_count = sizeof citizen_routes / sizeof citizen_routes[0];
