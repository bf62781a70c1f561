/* h_parties.c — admin endpoints for relying parties: register, list, show,
 * policy, suspend/reinstate, rotate keys. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "auth/roles.h"
#include "consent/config.h"
#include "consent/party.h"
#include "consent/policy.h"
#include "api/h_consent_util.h"
#include "api/routes.h"
#include "lib/parse.h"
#include "api/app.h"

static json_t *party_json(const struct party *p)
{
	char at[32];
	sh_time_format(p->created_at, at, sizeof at);
	return json_pack("{s:I, s:s, s:s, s:o, s:o, s:s, s:s}", "id", (json_int_t)p->id, "name",
			 p->name, "sector", p->sector, "types", hc_names(p->types, vtype_name),
			 "kyc_attributes", hc_names(p->kyc_attrs, policy_attr_name), "status",
			 p->suspended ? "suspended" : "active", "created_at", at);
}

static int party_id_param(struct http_req *req, int64_t *id, struct sh_err *err)
{
	if (req->nparams < 1 || sh_parse_i64(req->params[0], 1, INT64_MAX, id) != 0)
		return sh_err_set(err, SH_EINVAL, "PARTY_ID", "party id must be a positive integer");
	return SH_OK;
}

/* Parse types / kyc_attributes from a body into *p. */
static int policy_from_body(json_t *body, unsigned *types, unsigned *attrs, struct sh_err *err)
{
	const char *bad = NULL;
	if (hc_bits(json_object_get(body, "types"), vtype_parse, types, &bad) != 0)
		return sh_err_set(err, SH_EINVAL, "PARTY_TYPES",
				  "types must be an array of yesno, kyc, fingerprint, face, iris, "
				  "multimodal%s%s",
				  bad ? "; unknown: " : "", bad ? bad : "");
	json_t *a = json_object_get(body, "kyc_attributes");
	*attrs = 0;
	if (a && hc_bits(a, policy_attr_parse, attrs, &bad) != 0)
		return sh_err_set(err, SH_EINVAL, "PARTY_ATTRIBUTES",
				  "kyc_attributes: unknown attribute %s", bad ? bad : "");
	return SH_OK;
}

static json_t *key_json(const struct party_key_issued *k)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "key_id", k->key_id, "secret", k->secret, "note",
			      "the secret is shown only now: store it safely; sign requests as "
			      "described in docs/relying-parties.md");
	if (o && k->previous_expires_at) {
		char at[32];
		sh_time_format(k->previous_expires_at, at, sizeof at);
		json_object_set_new(o, "previous_keys_expire_at", json_string(at));
	}
	return o;
}

static void h_party_create(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	json_t *body = NULL;
	store_tx *tx = NULL;
	struct party p = {0};
	struct party_key_issued key = {0};
	struct audit_actor actor = app_actor(req);
	int rc = http_json_body(req, &body, &err);
	if (rc != SH_OK)
		goto out;
	const char *name = hc_str(body, "name"), *sector = hc_str(body, "sector");
	if (!name || !sector) {
		rc = sh_err_set(&err, SH_EINVAL, "PARTY_FIELDS", "name and sector are required");
		goto out;
	}
	snprintf(p.name, sizeof p.name, "%s", name);
	snprintf(p.sector, sizeof p.sector, "%s", sector);
	if (strlen(name) >= sizeof p.name) {
		rc = sh_err_set(&err, SH_EINVAL, "PARTY_NAME", "name too long");
		goto out;
	}
	rc = policy_from_body(body, &p.types, &p.kyc_attrs, &err);
	if (rc != SH_OK)
		goto out;
	rc = store_begin(app->db, STORE_WRITE, &tx, &err);
	if (rc != SH_OK)
		goto out;
	rc = party_create(tx, app->keys, &actor, &p, &key, &err);
	rc = h_tx_end(tx, rc, &err);
	tx = NULL;
	if (rc != SH_OK)
		goto out;
	json_t *o = party_json(&p);
	json_object_set_new(o, "key", key_json(&key));
	http_reply_json(resp, 201, o);
out:
	sodium_memzero(&key, sizeof key);
	if (rc != SH_OK)
		http_reply_err(resp, &err);
}

static int list_one(void *ctx, const struct party *p)
{
	return json_array_append_new(ctx, party_json(p)) != 0;
}

static void h_party_list(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	store_tx *tx = NULL;
	json_t *arr = json_array();
	int rc = arr ? store_begin(app->db, STORE_READ, &tx, &err)
		     : sh_err_set(&err, SH_ENOMEM, "OOM", "out of memory");
	if (rc == SH_OK) {
		rc = party_list(tx, list_one, arr, &err);
		store_rollback(tx);
	}
	if (rc != SH_OK) {
		json_decref(arr);
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200, json_pack("{s:o}", "parties", arr));
}

static void h_party_get(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	store_tx *tx = NULL;
	struct party p;
	int64_t id;
	int rc = party_id_param(req, &id, &err);
	if (rc == SH_OK)
		rc = store_begin(app->db, STORE_READ, &tx, &err);
	if (rc == SH_OK) {
		rc = party_get(tx, id, &p, &err);
		store_rollback(tx);
	}
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200, party_json(&p));
}

/* suspend / reinstate / policy / rotate share the write-transaction shape. */
enum party_op { OP_SUSPEND, OP_REINSTATE, OP_POLICY, OP_ROTATE };

static void party_change(struct http_req *req, struct http_resp *resp, enum party_op op)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	json_t *body = NULL;
	store_tx *tx = NULL;
	struct party_key_issued key = {0};
	struct audit_actor actor = app_actor(req);
	unsigned types = 0, attrs = 0;
	int overlap = consent_config_env()->key_overlap_seconds;
	int64_t id;
	int rc = party_id_param(req, &id, &err);
	if (rc == SH_OK && (req->body_len || op == OP_SUSPEND || op == OP_REINSTATE ||
			    op == OP_POLICY))
		rc = http_json_body(req, &body, &err);
	if (rc != SH_OK)
		goto out;
	if (op == OP_POLICY) {
		rc = policy_from_body(body, &types, &attrs, &err);
		if (rc != SH_OK)
			goto out;
	}
	if (op == OP_ROTATE && body && json_object_get(body, "overlap_seconds")) {
		json_t *v = json_object_get(body, "overlap_seconds");
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 90 * 86400) {
			rc = sh_err_set(&err, SH_EINVAL, "KEY_OVERLAP",
					"overlap_seconds must be 0..7776000");
			goto out;
		}
		overlap = (int)json_integer_value(v);
	}
	rc = store_begin(app->db, STORE_WRITE, &tx, &err);
	if (rc != SH_OK)
		goto out;
	switch (op) {
	case OP_SUSPEND:
	case OP_REINSTATE:
		rc = party_set_suspended(tx, &actor, id, op == OP_SUSPEND, hc_str(body, "reason"),
					 &err);
		break;
	case OP_POLICY:
		rc = party_set_policy(tx, &actor, id, types, attrs, &err);
		break;
	case OP_ROTATE:
		rc = party_rotate_key(tx, app->keys, &actor, id, overlap, sh_now(), &key, &err);
		break;
	}
	rc = h_tx_end(tx, rc, &err);
	if (rc != SH_OK)
		goto out;
	if (op == OP_ROTATE) {
		http_reply_json(resp, 201, key_json(&key));
	} else {
		struct party p;
		rc = store_begin(app->db, STORE_READ, &tx, &err);
		if (rc == SH_OK) {
			rc = party_get(tx, id, &p, &err);
			store_rollback(tx);
		}
		if (rc == SH_OK)
			http_reply_json(resp, 200, party_json(&p));
	}
out:
	sodium_memzero(&key, sizeof key);
	if (rc != SH_OK)
		http_reply_err(resp, &err);
}

static void h_party_suspend(struct http_req *req, struct http_resp *resp)
{
	party_change(req, resp, OP_SUSPEND);
}
static void h_party_reinstate(struct http_req *req, struct http_resp *resp)
{
	party_change(req, resp, OP_REINSTATE);
}
static void h_party_policy(struct http_req *req, struct http_resp *resp)
{
	party_change(req, resp, OP_POLICY);
}
static void h_party_rotate(struct http_req *req, struct http_resp *resp)
{
	party_change(req, resp, OP_ROTATE);
}

const struct http_route parties_routes[] = {
	{"POST", "/api/v1/parties", h_party_create, HTTP_AUTH_OPERATOR, ROLE_ADMIN},
	{"GET", "/api/v1/parties", h_party_list, HTTP_AUTH_OPERATOR, ROLE_ADMIN | ROLE_AUDITOR},
	{"GET", "/api/v1/parties/{id}", h_party_get, HTTP_AUTH_OPERATOR, ROLE_ADMIN | ROLE_AUDITOR},
	{"PUT", "/api/v1/parties/{id}/policy", h_party_policy, HTTP_AUTH_OPERATOR, ROLE_ADMIN},
	{"POST", "/api/v1/parties/{id}/suspend", h_party_suspend, HTTP_AUTH_OPERATOR, ROLE_ADMIN},
	{"POST", "/api/v1/parties/{id}/reinstate", h_party_reinstate, HTTP_AUTH_OPERATOR,
	 ROLE_ADMIN},
	{"POST", "/api/v1/parties/{id}/keys", h_party_rotate, HTTP_AUTH_OPERATOR, ROLE_ADMIN},
};
const size_t parties_routes_count = sizeof parties_routes / sizeof parties_routes[0];
