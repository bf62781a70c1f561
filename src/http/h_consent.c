/* h_consent.c — POST /api/v1/consents (relying parties) and the officer's
 * unlock of a citizen's locked passcode factor. */
#include <string.h>

#include "auth/roles.h"
#include "consent/config.h"
#include "consent/consent.h"
#include "consent/party.h"
#include "http/h_consent_util.h"
#include "http/routes.h"
#include "lib/parse.h"
#include "server/app.h"

static void h_consent_create(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	const struct consent_config *cfg = consent_config_env();
	struct sh_err err = {0};
	json_t *body = NULL;
	store_tx *tx = NULL;
	struct consent_issued c;
	struct party p;
	struct audit_actor actor = app_actor(req);
	int rc = http_json_body(req, &body, &err);
	if (rc != SH_OK)
		goto out;
	rc = store_begin(app->db, STORE_WRITE, &tx, &err);
	if (rc != SH_OK)
		goto out;
	rc = party_get(tx, req->principal.id, &p, &err);
	if (rc == SH_OK)
		rc = consent_request(tx, app->keys, cfg, &actor, CONSENT_FOR_PARTY, p.id, p.name,
				     hc_str(body, "id_number"), hc_str(body, "purpose"), sh_now(), 0,
				     &c, &err);
	if (rc == SH_OK)
		rc = store_commit(tx, &err);
	else
		store_rollback(tx);
	if (rc != SH_OK)
		goto out;
	http_reply_json(resp, 202, consent_answer_json(&c, cfg));
out:
	if (rc != SH_OK)
		http_reply_err(resp, &err);
}

static void h_factor_unlock(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	store_tx *tx = NULL;
	struct audit_actor actor = app_actor(req);
	int rc = store_begin(app->db, STORE_WRITE, &tx, &err);
	if (rc == SH_OK) {
		rc = consent_factor_unlock(tx, &actor, req->params[0], &err);
		if (rc == SH_OK)
			rc = store_commit(tx, &err);
		else
			store_rollback(tx);
	}
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200, json_pack("{s:s}", "status", "unlocked"));
}

const struct http_route consent_routes[] = {
	{"POST", "/api/v1/consents", h_consent_create, HTTP_AUTH_PARTY, 0},
	{"POST", "/api/v1/persons/{id_number}/passcode-unlock", h_factor_unlock,
	 HTTP_AUTH_OPERATOR, ROLE_ADMIN | ROLE_UC_REGISTRAR},
};
const size_t consent_routes_count = sizeof consent_routes / sizeof consent_routes[0];
