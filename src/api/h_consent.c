/* h_consent.c — POST /api/v1/consents (relying parties) and the officer's
 * unlock of a citizen's locked passcode factor. */
#include <string.h>

#include "auth/roles.h"
#include "consent/config.h"
#include "consent/consent.h"
#include "consent/party.h"
#include "api/h_consent_util.h"
#include "api/routes.h"
#include "lib/parse.h"
#include "api/app.h"

static void h_consent_create(struct http_req *req, struct http_resp *resp)
{
	struct sh_err err = {0};
	struct consent_issued c = {0};
	if (hc_consent_issue(req, CONSENT_FOR_PARTY, &c, &err) != SH_OK) {
		/* A spent budget is the truth told: 429, nothing was sent. */
		hc_reply_err(resp, &err, c.retry_after - sh_now() > 0 ? c.retry_after - sh_now() : 1);
		return;
	}
	http_reply_json(resp, 202, consent_answer_json(&c, consent_config_env()));
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
		rc = h_tx_end(tx, rc, &err);
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
