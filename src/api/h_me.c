/* h_me.c — the citizen's own record for the portal (issue 16 item 2): the
 * family registration (FRC: self, parents, spouses, children) and the
 * birth and family registration certificates issued about them, with their
 * PDFs. Only ever about the signed-in citizen (principal.name is their
 * identity number): there is no identity number in these paths. Every read
 * is audited like an operator's read of the same record. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/app.h"
#include "api/json_idnum.h"
#include "api/routes.h"
#include "cert/cert.h"
#include "crvs/crvs.h"
#include "lib/buf.h"
#include "registry/idnum.h"

#define ME_CERTS_MAX 100

static json_t *member(const struct person *p, const char *relation)
{
	char printed[IDNUM_PRINTED + 1], dob[11];
	json_idnum_text(p->id_number, printed, sizeof printed);
	sh_date_format(p->dob, dob, sizeof dob);
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "relation", relation,
			 "id_number", printed, "id_number_printed", printed, "name_en", p->name_en, "name_ur", p->name_ur, "gender",
			 person_gender_name(p->gender), "dob", dob, "status",
			 person_status_name(p->status), "marital",
			 person_marital_name(p->marital));
}

static void h_family(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	struct audit_actor actor = app_actor(req);
	store_tx *tx = NULL;
	struct crvs_family *f = calloc(1, sizeof *f);
	if (!f) {
		http_reply_error(resp, 503, "OUT_OF_MEMORY", "family");
		return;
	}
	int rc = store_begin(app->db, STORE_READ, &tx, &err);
	if (rc == SH_OK) {
		rc = crvs_family(tx, req->principal.name, f, &err);
		store_rollback(tx);
	}
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		goto out;
	}
	char object[80];
	snprintf(object, sizeof object, "person:%s", req->principal.name);
	audit_enqueue(&actor, "me.family.read", object, NULL);
	json_t *sp = json_array(), *ch = json_array(), *parents = json_array();
	for (int i = 0; i < f->nspouses; i++)
		json_array_append_new(sp, member(&f->spouses[i], "spouse"));
	for (int i = 0; i < f->nchildren; i++)
		json_array_append_new(ch, member(&f->children[i], "child"));
	if (f->has_father)
		json_array_append_new(parents, member(&f->father, "father"));
	if (f->has_mother)
		json_array_append_new(parents, member(&f->mother, "mother"));
	http_reply_json(resp, 200,
			json_pack("{s:o,s:o,s:o,s:o}", "head", member(&f->head, "self"), "parents",
				  parents, "spouses", sp, "children", ch));
out:
	free(f);
}

static int cert_one(void *ctx, const struct cert_record *r)
{
	char issued[11], pdf[96];
	sh_date_format(r->issued, issued, sizeof issued);
	snprintf(pdf, sizeof pdf, "/api/v1/me/certificates/%s/pdf", r->serial);
	json_t *o = json_pack("{s:s,s:s,s:i,s:s,s:s,s:s,s:s}", "serial", r->serial, "kind",
			      cert_kind_name(r->kind), "copy_no", r->copy_no, "issued", issued,
			      "issuer", r->issuer, "status", r->status, "pdf", pdf);
	return !o || json_array_append_new(ctx, o) != 0;
}

static void h_certs(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	store_tx *tx = NULL;
	json_t *arr = json_array();
	int rc = arr ? store_begin(app->db, STORE_READ, &tx, &err)
		     : sh_err_set(&err, SH_ENOMEM, "OUT_OF_MEMORY", "certificates");
	if (rc == SH_OK) {
		rc = cert_list_person(tx, req->principal.name, ME_CERTS_MAX, cert_one, arr, &err);
		store_rollback(tx);
	}
	if (rc != SH_OK) {
		json_decref(arr);
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200, json_pack("{s:o}", "certificates", arr));
}

/* The PDF of one of the citizen's own certificates. Another person's serial
 * answers 404 like an unknown one: a citizen learns nothing about serials
 * that are not theirs. */
static void h_cert_pdf(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	struct audit_actor actor = app_actor(req);
	store_tx *tx = NULL;
	struct cert_record r;
	int rc = store_begin(app->db, STORE_READ, &tx, &err);
	if (rc == SH_OK) {
		rc = cert_get(tx, req->params[0], &r, &err);
		store_rollback(tx);
	}
	if (rc == SH_OK && ((r.kind != CERT_BIRTH && r.kind != CERT_FRC) ||
			    strcmp(r.subject, req->principal.name) != 0))
		rc = sh_err_set(&err, SH_ENOTFOUND, "CERT_NOT_FOUND", "no such certificate of yours");
	if (rc == SH_EINVAL)
		rc = sh_err_set(&err, SH_ENOTFOUND, "CERT_NOT_FOUND", "no such certificate of yours");
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	struct sh_buf buf;
	sh_buf_init(&buf, 16u << 20);
	if (cert_pdf(app->db, app->keys, r.serial, &buf, &err)) {
		sh_buf_free(&buf);
		http_reply_err(resp, &err);
		return;
	}
	char object[80], disp[96];
	snprintf(object, sizeof object, "certificate:%s", r.serial);
	audit_enqueue(&actor, "me.cert.pdf.read", object, NULL);
	snprintf(disp, sizeof disp, "attachment; filename=\"%s.pdf\"", r.serial);
	http_reply_header(resp, "Content-Disposition", disp);
	http_reply_bytes(resp, 200, "application/pdf", buf.data, buf.len);
	sh_buf_free(&buf);
}

const struct http_route me_routes[] = {
	{"GET", "/api/v1/me/family", h_family, HTTP_AUTH_CITIZEN, 0},
	{"GET", "/api/v1/me/certificates", h_certs, HTTP_AUTH_CITIZEN, 0},
	{"GET", "/api/v1/me/certificates/{serial}/pdf", h_cert_pdf, HTTP_AUTH_CITIZEN, 0},
};
const size_t me_routes_count = sizeof me_routes / sizeof me_routes[0];
