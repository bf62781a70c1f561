/* h_bio.c — HTTP handlers of the biometric repository: capture devices,
 * fingerprint enrolment and a person's biometric status (docs/biometrics.md).
 * Adjudication is in h_bio_case.c. Thin: decode JSON, one domain call,
 * encode. No answer ever carries a template. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "api/h_bio_capture.h"
#include "api/h_common.h"
#include "api/routes.h"
#include "auth/roles.h"
#include "biometrics/bio.h"
#include "biometrics/bio_enrol.h"
#include "biometrics/bio_identify.h"
#include "biometrics/bio_verify.h"

#define DEVICE_ROLES (ROLE_ADMIN)
#define DEVICE_READ_ROLES (ROLE_ADMIN | ROLE_AUDITOR)
#define ENROL_ROLES (ROLE_ADMIN | ROLE_UC_REGISTRAR | ROLE_ENROLMENT_OPERATOR)
#define VERIFY_ROLES                                                                        \
	(ROLE_ADMIN | ROLE_UC_REGISTRAR | ROLE_NIKAH_REGISTRAR | ROLE_ENROLMENT_OPERATOR)
#define STATUS_ROLES                                                                        \
	(ROLE_ADMIN | ROLE_UC_REGISTRAR | ROLE_ENROLMENT_OPERATOR | ROLE_CASE_OFFICER |      \
	 ROLE_AUDITOR | ROLE_BIOMETRIC_ADJUDICATOR)

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void put(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "");
}

static json_t *device_json(const struct bio_device *d)
{
	char pk[KEYRING_PK_BYTES * 2 + 1];
	sodium_bin2hex(pk, sizeof pk, d->public_key, KEYRING_PK_BYTES);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "device_id", d->device_id,
			 "make", d->make, "model", d->model, "serial", d->serial, "modality",
			 d->modality, "status", d->status, "approved_on", d->approved_on,
			 "council_code", d->council_code, "public_key", pk);
}

static void devices_create(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct audit_actor actor = app_actor(req);
	struct sh_err err = {0};
	json_t *body;
	struct bio_device d;
	store_tx *tx = NULL;
	memset(&d, 0, sizeof d);
	if (http_json_body(req, &body, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	const char *pk = jstr(body, "public_key");
	size_t pkl = 0;
	if (!pk || strlen(pk) != 2 * KEYRING_PK_BYTES ||
	    sodium_hex2bin(d.public_key, sizeof d.public_key, pk, strlen(pk), NULL, &pkl, NULL) ||
	    pkl != KEYRING_PK_BYTES) {
		http_reply_error(resp, 400, "DEVICE_INVALID",
				 "public_key must be an Ed25519 key as 64 hex digits");
		return;
	}
	const char *f[] = {jstr(body, "device_id"), jstr(body, "make"), jstr(body, "model"),
			   jstr(body, "serial"), jstr(body, "modality"), jstr(body, "approved_on"),
			   jstr(body, "council_code")};
	char *dst[] = {d.device_id, d.make, d.model, d.serial, d.modality, d.approved_on,
		       d.council_code};
	const size_t cap[] = {sizeof d.device_id, sizeof d.make, sizeof d.model, sizeof d.serial,
			      sizeof d.modality, sizeof d.approved_on, sizeof d.council_code};
	for (int i = 0; i < 7; i++) {
		if (f[i] && strlen(f[i]) >= cap[i]) {
			http_reply_error(resp, 400, "DEVICE_INVALID", "a device field is too long");
			return;
		}
		put(dst[i], cap[i], f[i]);
	}
	struct sh_date ad;
	if (d.approved_on[0] && sh_parse_date(d.approved_on, &ad) != 0) {
		http_reply_error(resp, 400, "DEVICE_INVALID", "approved_on must be YYYY-MM-DD");
		return;
	}
	int rc = store_begin(app->db, STORE_WRITE, &tx, &err);
	if (rc == SH_OK)
		rc = bio_device_register(tx, &actor, &d, &err);
	if (rc == SH_OK)
		rc = bio_device_get(tx, d.device_id, &d, &err);
	if ((rc = h_tx_end(tx, rc, &err)) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 201, device_json(&d));
}

static void devices_get(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	struct bio_device d;
	store_tx *tx = NULL;
	int rc = store_begin(app->db, STORE_READ, &tx, &err);
	if (rc == SH_OK) {
		rc = bio_device_get(tx, req->params[0], &d, &err);
		store_rollback(tx);
	}
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200, device_json(&d));
}

static void devices_revoke(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct audit_actor actor = app_actor(req);
	struct sh_err err = {0};
	json_t *body;
	struct bio_device d;
	store_tx *tx = NULL;
	if (http_json_body(req, &body, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	int rc = store_begin(app->db, STORE_WRITE, &tx, &err);
	if (rc == SH_OK)
		rc = bio_device_revoke(tx, &actor, req->params[0], jstr(body, "reason"), &err);
	if (rc == SH_OK)
		rc = bio_device_get(tx, req->params[0], &d, &err);
	if ((rc = h_tx_end(tx, rc, &err)) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200, device_json(&d));
}

static json_t *fingers_json(const struct bio_finger_out *f, int n)
{
	json_t *a = json_array();
	for (int i = 0; a && i < n; i++)
		json_array_append_new(a, json_pack("{s:i, s:i, s:i, s:b, s:b}", "position",
						   f[i].position, "quality", f[i].quality,
						   "attempts", f[i].attempts, "low_quality",
						   f[i].low_quality, "recapture", f[i].recapture));
	return a;
}

/* Decode the enrolment body into r; strings and bytes live in the request. */
int h_bio_decode_capture(struct http_req *req, json_t *body, struct bio_enrol_req *r,
			 struct sh_err *err)
{
	json_t *images = json_object_get(body, "images"), *missing = json_object_get(body, "missing");
	const char *env = jstr(body, "envelope"), *sig = jstr(body, "signature");
	size_t sl = 0, i;
	json_t *it;
	if (!env || !sig)
		return sh_err_set(err, SH_EINVAL, "CAPTURE_INVALID",
				  "envelope (signed text) and signature (hex) are required");
	r->envelope = env;
	r->envelope_len = strlen(env);
	if (strlen(sig) != 2 * KEYRING_SIG_BYTES ||
	    sodium_hex2bin(r->signature, sizeof r->signature, sig, strlen(sig), NULL, &sl, NULL) ||
	    sl != KEYRING_SIG_BYTES)
		return sh_err_set(err, SH_EUNAUTH, "CAPTURE_SIGNATURE",
				  "signature must be 128 hex digits (Ed25519)");
	if (!json_is_array(images) || (missing && !json_is_array(missing)))
		return sh_err_set(err, SH_EINVAL, "ENROL_NO_FINGERS",
				  "images must be an array of {position, data}");
	if (json_array_size(images) + json_array_size(missing) > BIO_MAX_ITEMS)
		return sh_err_set(err, SH_EINVAL, "CAPTURE_TOO_MANY",
				  "at most ten fingers, captured and missing together");
	json_array_foreach(images, i, it) {
		const char *b64 = jstr(it, "data");
		json_t *pos = json_object_get(it, "position");
		if (!b64 || !json_is_integer(pos))
			return sh_err_set(err, SH_EINVAL, "IMAGE_INVALID",
					  "image %zu needs position and data (base64)", i);
		size_t cap = strlen(b64) / 4 * 3 + 3;
		if (cap > BIO_IMAGE_MAX + 3)
			return sh_err_set(err, SH_ETOOBIG, "IMAGE_TOO_LARGE",
					  "image %zu is over %u bytes", i, BIO_IMAGE_MAX);
		uint8_t *bytes = arena_alloc(req->arena, cap);
		size_t n = 0;
		if (!bytes)
			return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "image");
		if (sodium_base642bin(bytes, cap, b64, strlen(b64), "\n\r ", &n, NULL,
				      sodium_base64_VARIANT_ORIGINAL) != 0)
			return sh_err_set(err, SH_EINVAL, "IMAGE_INVALID", "image %zu: data is not base64",
					  i);
		json_int_t p = json_integer_value(pos);
		r->image[r->nimages].position = p < 0 || p > 10 ? -1 : (int)p;
		r->image[r->nimages].bytes = bytes;
		r->image[r->nimages].len = n;
		r->nimages++;
	}
	json_array_foreach(missing, i, it) {
		json_t *pos = json_object_get(it, "position");
		json_int_t p = json_integer_value(pos);
		r->missing[r->nmissing].position = !json_is_integer(pos) || p < 0 || p > 10 ? -1 : (int)p;
		r->missing[r->nmissing].reason = jstr(it, "reason");
		r->nmissing++;
	}
	r->document = jstr(body, "document");
	r->exemption = jstr(body, "exemption");
	return SH_OK;
}

static void enrol_fingerprints(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct audit_actor actor = app_actor(req);
	struct sh_err err = {0};
	json_t *body;
	struct bio_enrol_req r;
	memset(&r, 0, sizeof r);
	struct bio_enrol_result *res = arena_calloc(req->arena, 1, sizeof *res);
	if (!res) {
		http_reply_error(resp, 503, "OUT_OF_MEMORY", "out of memory");
		return;
	}
	if (http_json_body(req, &body, &err) != SH_OK ||
	    h_bio_decode_capture(req, body, &r, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	r.id_number = req->params[0];
	r.station = req->principal.council_code[0] ? req->principal.council_code : NULL;
	int rc = bio_enrol(app->db, app->keys, app->gallery, &actor, &r, res, &err);
	if (rc == SH_ERULE && !strcmp(err.code, "RECAPTURE_NEEDED")) {
		http_reply_json(resp, 422,
				json_pack("{s:{s:s, s:s}, s:o, s:i}", "error", "code", err.code,
					  "message", err.msg, "fingers",
					  fingers_json(res->finger, res->nfingers), "max_attempts",
					  BIO_MAX_ATTEMPTS));
		return;
	}
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	json_t *cases = json_array();
	for (int i = 0; cases && i < res->ncases; i++)
		json_array_append_new(cases, json_pack("{s:I, s:s}", "case_id",
						       (json_int_t)res->case_id[i], "candidate",
						       res->hit[i].id_number));
	http_reply_json(resp, 201,
			json_pack("{s:s, s:i, s:s, s:o, s:o, s:s, s:I, s:f}", "id_number",
				  req->params[0], "version", res->version, "state", res->state,
				  "fingers", fingers_json(res->finger, res->nfingers), "cases",
				  cases, "dedup_rule", BIO_DEDUP_RULE, "gallery_fingers",
				  (json_int_t)res->gallery_fingers, "search_ms", res->search_ms));
}

static void bio_status(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct audit_actor actor = app_actor(req);
	struct sh_err err = {0};
	struct bio_status st;
	store_tx *tx = NULL;
	char id[16];
	const char *s = req->params[0];
	size_t n = 0;
	for (; *s && n + 1 < sizeof id; s++)
		if (*s != '-')
			id[n++] = *s;
	id[n] = 0;
	int rc = store_begin(app->db, STORE_READ, &tx, &err);
	if (rc == SH_OK) {
		rc = bio_status_get(tx, id, &st, &err);
		store_rollback(tx);
	}
	char obj[32];
	snprintf(obj, sizeof obj, "person:%s", id);
	audit_enqueue(&actor, "bio.status.read", obj, NULL);
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	if (!st.enrolled) {
		http_reply_json(resp, 200, json_pack("{s:s, s:b}", "id_number", id, "enrolled", 0));
		return;
	}
	json_t *f = json_array();
	for (int i = 0; f && i < st.nfingers; i++) {
		const struct bio_status_finger *x = &st.finger[i];
		json_array_append_new(
			f, x->missing_reason[0]
				   ? json_pack("{s:i, s:s}", "position", x->position, "missing",
					       x->missing_reason)
				   : json_pack("{s:i, s:i, s:b, s:i, s:i}", "position", x->position,
					       "quality", x->quality, "low_quality", x->low_quality,
					       "attempts", x->attempts, "engine_version",
					       x->engine_version));
	}
	http_reply_json(resp, 200,
			json_pack("{s:s, s:b, s:i, s:s, s:I, s:s, s:o}", "id_number", id, "enrolled",
				  1, "version", st.version, "state", st.state, "enrolled_at",
				  (json_int_t)st.enrolled_at, "device_id", st.device_id, "fingers", f));
}

/* 1:1 at a union council: yes/no and a band, never a score. */
static void bio_verify_h(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct audit_actor actor = app_actor(req);
	struct sh_err err = {0};
	json_t *body;
	struct bio_enrol_req r;
	struct bio_verify_result res;
	store_tx *tx = NULL;
	memset(&r, 0, sizeof r);
	if (http_json_body(req, &body, &err) != SH_OK ||
	    h_bio_decode_capture(req, body, &r, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	r.id_number = req->params[0];
	r.station = req->principal.council_code[0] ? req->principal.council_code : NULL;
	int rc = store_begin(app->db, STORE_WRITE, &tx, &err);
	if (rc == SH_OK)
		rc = bio_verify_person(tx, app->keys, &actor, &r, NULL, sh_now(), &res, &err);
	if ((rc = h_tx_end(tx, rc, &err)) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200, json_pack("{s:s, s:s, s:s, s:i}", "id_number", req->params[0],
					     "result", res.match ? "yes" : "no", "band", res.band,
					     "fingers", res.fingers));
}

/* 1:N identification for the examiner: candidates with a band. */
static void bio_identify_h(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct audit_actor actor = app_actor(req);
	struct sh_err err = {0};
	json_t *body;
	struct bio_enrol_req r;
	memset(&r, 0, sizeof r);
	struct bio_identify_result *res = arena_calloc(req->arena, 1, sizeof *res);
	if (!res) {
		http_reply_error(resp, 503, "OUT_OF_MEMORY", "out of memory");
		return;
	}
	if (http_json_body(req, &body, &err) != SH_OK ||
	    h_bio_decode_capture(req, body, &r, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	r.station = req->principal.council_code[0] ? req->principal.council_code : NULL;
	if (bio_identify(app->db, app->gallery, &actor, &r, jstr(body, "legal_reason"), res,
			 &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	json_t *c = json_array();
	for (int i = 0; c && i < res->n; i++)
		json_array_append_new(c, json_pack("{s:s, s:s, s:i}", "id_number",
						   res->cand[i].id_number, "band",
						   res->cand[i].band, "fingers", res->cand[i].fingers));
	http_reply_json(resp, 200, json_pack("{s:o, s:I, s:s}", "candidates", c, "gallery_fingers",
					     (json_int_t)res->gallery_fingers, "rule",
					     BIO_DEDUP_RULE));
}

const struct http_route bio_routes[] = {
	{"POST", "/api/v1/biometrics/identify", bio_identify_h, HTTP_AUTH_OPERATOR,
	 ROLE_BIOMETRIC_EXAMINER},
	{"POST", "/api/v1/biometrics/devices", devices_create, HTTP_AUTH_OPERATOR, DEVICE_ROLES},
	{"GET", "/api/v1/biometrics/devices/{device_id}", devices_get, HTTP_AUTH_OPERATOR,
	 DEVICE_READ_ROLES},
	{"POST", "/api/v1/biometrics/devices/{device_id}/revoke", devices_revoke,
	 HTTP_AUTH_OPERATOR, DEVICE_ROLES},
	{"POST", "/api/v1/persons/{id_number}/fingerprints", enrol_fingerprints,
	 HTTP_AUTH_OPERATOR, ENROL_ROLES},
	{"POST", "/api/v1/persons/{id_number}/fingerprints/verify", bio_verify_h,
	 HTTP_AUTH_OPERATOR, VERIFY_ROLES},
	{"GET", "/api/v1/persons/{id_number}/biometrics", bio_status, HTTP_AUTH_OPERATOR,
	 STATUS_ROLES},
};
const size_t bio_routes_count = sizeof bio_routes / sizeof bio_routes[0];
