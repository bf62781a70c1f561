/* h_verify.c — POST /api/v1/verifications: yes/no and eKYC for relying
 * parties, with the citizen's passcode. */
#include <stdlib.h>
#include <string.h>

#include "consent/config.h"
#include "consent/policy.h"
#include "api/h_bio_capture.h"
#include "api/h_consent_util.h"
#include "api/routes.h"
#include "lib/parse.h"
#include "api/app.h"
#include "verify/verify.h"

struct verify_job {
	struct app *app;
	int64_t party_id;
	const struct audit_actor *actor;
	const struct verify_request *request;
	struct verify_result *result;
};

static int verify_job_run(store_tx *tx, void *ctx, struct sh_err *err)
{
	struct verify_job *j = ctx;
	struct party p;
	int rc = party_get(tx, j->party_id, &p, err);
	if (rc == SH_OK)
		rc = verify_run(tx, j->app->keys, consent_config_env(), j->actor, &p, j->request,
				sh_now(), j->result, err);
	return rc;
}

static void h_verify(struct http_req *req, struct http_resp *resp)
{
	struct sh_err err = {0};
	json_t *body = NULL;
	struct verify_result *r = NULL;
	struct bio_checked *checked = NULL;
	struct audit_actor actor = app_actor(req);
	int rc = http_json_body(req, &body, &err);
	if (rc != SH_OK)
		goto out;
	struct verify_request vr = {
		.consent_id = hc_str(body, "consent_id"),
		.passcode = hc_str(body, "passcode"),
		.type = hc_str(body, "type"),
		.name = hc_str(body, "name"),
		.father_name = hc_str(body, "father_name"),
		.husband_name = hc_str(body, "husband_name"),
		.dob = hc_str(body, "dob"),
		.gender = hc_str(body, "gender"),
		.biometric = json_object_get(body, "biometric"),
	};
	json_t *attrs = json_object_get(body, "attributes");
	if (attrs) {
		const char *bad = NULL;
		/* Unknown names are outside every policy: refuse them whole. */
		if (hc_bits(attrs, policy_attr_parse, &vr.attrs, &bad) != 0) {
			rc = sh_err_set(&err, SH_EFORBIDDEN, "ATTRIBUTE_NOT_ALLOWED",
					"unknown attribute %s (nothing was returned)", bad ? bad : "");
			goto out;
		}
		if (!vr.attrs) {
			rc = sh_err_set(&err, SH_EINVAL, "ATTRIBUTES_EMPTY",
					"attributes, when given, must name at least one");
			goto out;
		}
	}
	/* fingerprint eKYC: the device-signed capture, decoded as at enrolment */
	struct bio_enrol_req *cap = NULL;
	json_t *capture = json_object_get(body, "capture");
	if (capture) {
		cap = arena_calloc(req->arena, 1, sizeof *cap);
		if (!cap) {
			rc = sh_err_set(&err, SH_ENOMEM, "OOM", "out of memory");
			goto out;
		}
		if (!json_is_object(capture)) {
			rc = sh_err_set(&err, SH_EINVAL, "CAPTURE_INVALID",
					"capture must be an object {envelope, signature, images}");
			goto out;
		}
		if ((rc = h_bio_decode_capture(req, capture, cap, &err)) != SH_OK)
			goto out;
		vr.capture = cap;
		/* decoded and extracted here, outside the write transaction */
		if ((rc = verify_prepare(&actor, &vr, &checked, &err)) != SH_OK)
			goto out;
		vr.checked = checked;
	}
	r = malloc(sizeof *r);
	if (!r) {
		rc = sh_err_set(&err, SH_ENOMEM, "OOM", "out of memory");
		goto out;
	}
	struct verify_job job = {.app = req->app, .party_id = req->principal.id, .actor = &actor,
				 .request = &vr, .result = r};
	rc = app_write(req, verify_job_run, &job, &err);
	if (rc != SH_OK)
		goto out;
	if (!r->ok) {
		rc = err.status;
		goto out;
	}
	json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "consent_id", vr.consent_id, "type", vr.type,
			      "result", r->result, "reason", r->reason);
	if (o && r->band[0]) {
		json_object_set_new(o, "band", json_string(r->band));
		json_object_set_new(o, "fingers", json_integer(r->fingers));
	}
	if (o && r->attrs)
		json_object_set_new(o, "attributes", verify_kyc_json(&r->person, &r->rel, r->attrs));
	http_reply_json(resp, 200, o);
out:;
	int64_t wait = r && r->retry_after ? r->retry_after - sh_now() : 0;
	free(r);
	bio_checked_free(checked);
	if (rc != SH_OK)
		hc_reply_err(resp, &err, wait > 0 ? wait : 1);
}

const struct http_route verify_routes[] = {
	{"POST", "/api/v1/verifications", h_verify, HTTP_AUTH_PARTY, 0},
};
const size_t verify_routes_count = sizeof verify_routes / sizeof verify_routes[0];
