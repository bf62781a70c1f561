/* h_cert.c — HTTP handlers for certificates: issue, fetch as PDF or JSON,
 * online verification (public), and the registry's public signing key
 * (public) for offline verification. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/roles.h"
#include "cert/cert.h"
#include "api/json_idnum.h"
#include "api/routes.h"
#include "api/app.h"

static json_t *record_json(const struct cert_record *r)
{
	char issued[11], pdf[96], verify[96], subject[64];
	sh_date_format(r->issued, issued, sizeof issued);
	snprintf(pdf, sizeof pdf, "/api/v1/certificates/%s.pdf", r->serial);
	snprintf(verify, sizeof verify, "/api/v1/certificates/%s/verify", r->serial);
	return json_pack("{s:s,s:s,s:s,s:i,s:i,s:b,s:s,s:s,s:s,s:s,s:s}", "serial", r->serial,
			 "kind", cert_kind_name(r->kind), "subject",
			 json_idnum_text(r->subject, subject, sizeof subject), "copy_no",
			 r->copy_no, "copies_issued", r->copies, "duplicate", r->copy_no > 1,
			 "issued", issued, "issuer", r->issuer, "payload", r->payload, "pdf", pdf,
			 "verify", verify);
}

static void h_issue(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	struct audit_actor actor = app_actor(req);
	json_t *b;
	if (http_json_body(req, &b, &err)) {
		http_reply_err(resp, &err);
		return;
	}
	const char *kind = json_string_value(json_object_get(b, "kind"));
	const char *subject = json_string_value(json_object_get(b, "subject"));
	int k = cert_kind_parse(kind);
	if (k < 0) {
		http_reply_error(resp, 400, "CERT_KIND_INVALID",
				 "kind must be birth, death, marriage, divorce or frc");
		return;
	}
	if (!subject) {
		http_reply_error(resp, 400, "SUBJECT_REQUIRED",
				 "subject (identity number or registration number) is required");
		return;
	}
	struct cert_record r;
	const char *council = req->principal.council_code[0] ? req->principal.council_code : NULL;
	if (cert_issue(app->db, app->keys, &actor, council, (enum cert_kind)k, subject,
		       (struct sh_date){0, 0, 0}, &r, &err)) {
		http_reply_err(resp, &err);
		return;
	}
	char loc[96];
	snprintf(loc, sizeof loc, "/api/v1/certificates/%s", r.serial);
	http_reply_header(resp, "Location", loc);
	http_reply_json(resp, 201, record_json(&r));
}

/* The operator's scope over one certificate: 403 CERT_OUT_OF_SCOPE (and an
 * authz.deny audit entry) when cert_may_read says no. */
static int in_scope(struct http_req *req, struct http_resp *resp, const struct cert_record *r)
{
	if (cert_may_read(&req->principal, r))
		return 1;
	struct sh_err why = {0};
	sh_err_set(&why, SH_EFORBIDDEN, "CERT_OUT_OF_SCOPE",
		   "this certificate was issued by another council");
	app_denied(req->app, req, &why);
	http_reply_err(resp, &why);
	return 0;
}

/* GET /api/v1/certificates/{serial} (JSON) and {serial}.pdf (the PDF): the
 * router matches whole segments, so the suffix is read here. */
static void h_get(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	struct audit_actor actor = app_actor(req);
	char serial[CERT_SERIAL_MAX];
	const char *p = req->params[0];
	size_t n = strlen(p);
	int pdf = n > 4 && strcmp(p + n - 4, ".pdf") == 0;
	if (pdf)
		n -= 4;
	if (n == 0 || n >= sizeof serial) {
		http_reply_error(resp, 404, "CERT_NOT_FOUND", "no such certificate");
		return;
	}
	memcpy(serial, p, n);
	serial[n] = '\0';
	store_tx *tx;
	struct cert_record r;
	if (store_begin(app->db, STORE_READ, &tx, &err)) {
		http_reply_err(resp, &err);
		return;
	}
	int rc = cert_get(tx, serial, &r, &err);
	store_rollback(tx);
	if (rc) {
		http_reply_err(resp, &err);
		return;
	}
	if (!in_scope(req, resp, &r))
		return;
	char object[64];
	snprintf(object, sizeof object, "certificate:%s", r.serial);
	audit_enqueue(&actor, pdf ? "cert.pdf.read" : "cert.read", object, NULL);
	if (pdf) {
		struct sh_buf buf;
		sh_buf_init(&buf, 16u << 20);
		if (cert_pdf(app->db, app->keys, r.serial, &buf, &err)) {
			sh_buf_free(&buf);
			http_reply_err(resp, &err);
			return;
		}
		char disp[96];
		snprintf(disp, sizeof disp, "inline; filename=\"%s.pdf\"", r.serial);
		http_reply_header(resp, "Content-Disposition", disp);
		http_reply_bytes(resp, 200, "application/pdf", buf.data, buf.len);
		sh_buf_free(&buf);
		return;
	}
	http_reply_json(resp, 200, record_json(&r));
}

static json_t *facts_json(const struct cert_payload *p)
{
	json_t *o = json_object();
	for (int i = 0; o && i < p->nfacts; i++)
		json_object_set_new(o, p->facts[i].key, json_string(p->facts[i].value));
	return o;
}

/* Public (issue 13 item 3). By serial alone the answer is only the status:
 * {"serial","status":"valid|revoked|unknown|invalid","valid","facts_shown":false}.
 * The facts (the record and the signed payload's facts) are shown to who
 * presents the QR payload issued under this serial (?payload=TEXT: they hold
 * the paper) or to an operator in scope (cert_may_read) who sends a bearer
 * token; a bad token is 401, an operator out of scope 403. */
static void h_verify(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	unsigned char pk[KEYRING_PK_BYTES];
	keyring_public_key(app->keys, pk);
	int operator = 0;
	if (http_header(req, "Authorization")) {
		if (app_authenticate(app, HTTP_AUTH_OPERATOR, req, &err)) {
			http_reply_err(resp, &err);
			return;
		}
		operator = 1;
	}
	const char *given = http_query(req, "payload");
	struct cert_check *c = calloc(1, sizeof *c);
	if (!c) {
		http_reply_error(resp, 503, "OUT_OF_MEMORY", "verify");
		return;
	}
	if (cert_check(app->db, pk, req->params[0], given, c, &err)) {
		http_reply_err(resp, &err);
		goto out;
	}
	int show = c->facts_shown;
	if (operator && c->found) {
		if (!in_scope(req, resp, &c->rec))
			goto out;
		struct audit_actor actor = app_actor(req);
		char object[64];
		snprintf(object, sizeof object, "certificate:%s", c->rec.serial);
		audit_enqueue(&actor, "cert.verify.read", object, NULL);
		show = c->signature_valid;
	}
	json_t *o = show ? record_json(&c->rec) : json_object();
	if (!o) {
		http_reply_error(resp, 503, "OUT_OF_MEMORY", "verify");
		goto out;
	}
	json_object_set_new(o, "serial", json_string(c->serial));
	json_object_set_new(o, "status", json_string(c->status));
	json_object_set_new(o, "valid", json_boolean(c->valid));
	json_object_set_new(o, "checked", json_string(operator ? "operator"
						      : given ? "payload" : "serial"));
	json_object_set_new(o, "facts_shown", json_boolean(show));
	if (given) {
		json_object_set_new(o, "payload_valid", json_boolean(c->payload_valid));
		if (c->payload_error[0])
			json_object_set_new(o, "payload_error", json_string(c->payload_error));
	}
	if (show) {
		json_object_set_new(o, "signature_valid", json_boolean(c->signature_valid));
		json_object_set_new(o, "facts", facts_json(&c->facts));
	}
	http_reply_json(resp, 200, o);
out:
	free(c);
}

static void h_keys(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	unsigned char pk[KEYRING_PK_BYTES], id[CERT_KEY_ID_BYTES];
	char hex[2 * KEYRING_PK_BYTES + 1], idhex[2 * CERT_KEY_ID_BYTES + 1];
	char b64[sodium_base64_ENCODED_LEN(KEYRING_PK_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	keyring_public_key(app->keys, pk);
	cert_key_id(pk, id);
	cert_hex(pk, sizeof pk, hex);
	cert_hex(id, sizeof id, idhex);
	sodium_bin2base64(b64, sizeof b64, pk, sizeof pk, sodium_base64_VARIANT_ORIGINAL);
	http_reply_json(resp, 200,
			json_pack("{s:[{s:s,s:s,s:s,s:s,s:s,s:s}]}", "keys", "key_id", idhex, "alg",
				  "Ed25519", "use", "certificates", "public_key_hex", hex,
				  "public_key_base64", b64, "payload_prefix", CERT_PAYLOAD_PREFIX));
}

const struct http_route cert_routes[] = {
	{"POST", "/api/v1/certificates", h_issue, HTTP_AUTH_OPERATOR,
	 ROLE_ADMIN | ROLE_UC_REGISTRAR},
	{"GET", "/api/v1/certificates/{serial}", h_get, HTTP_AUTH_OPERATOR,
	 ROLE_ADMIN | ROLE_UC_REGISTRAR | ROLE_AUDITOR},
	{"GET", "/api/v1/certificates/{serial}/verify", h_verify, HTTP_AUTH_NONE, 0},
	{"GET", "/api/v1/keys", h_keys, HTTP_AUTH_NONE, 0},
};
const size_t cert_routes_count = sizeof cert_routes / sizeof cert_routes[0];
