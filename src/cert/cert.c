/* cert.c — certificate records: serial numbers, copy counts, storage of
 * the printed facts and signed payload, PDF and online verification. */
#include "cert/cert.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/roles.h"
#include "cert/docsig.h"
#include "crvs/crvs.h"
#include "registry/address.h"

static const struct store_migration migrations[] = {
	{1, "certificates",
	 "CREATE TABLE certificates (id {{PK}}, serial TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,"
	 " subject TEXT NOT NULL, copy_no BIGINT NOT NULL, issued_on TEXT NOT NULL,"
	 " issued_at BIGINT NOT NULL, issued_by TEXT NOT NULL, issuer TEXT NOT NULL,"
	 " status TEXT NOT NULL, payload TEXT NOT NULL, doc TEXT NOT NULL,"
	 " UNIQUE (kind, subject, copy_no));"
	 "CREATE INDEX certificates_subject ON certificates(kind, subject);"},
	/* Issue 13 item 3: the issuing council as a code, for the operator's
	 * scope. Certificates issued before it printed the code as the
	 * issuer's "(...)" suffix, so they take it from there. */
	{2, "certificates_council",
	 "ALTER TABLE certificates ADD COLUMN council TEXT NOT NULL DEFAULT '';"
	 "UPDATE certificates SET council = COALESCE((SELECT c.code FROM addr_councils c"
	 " WHERE certificates.issuer LIKE '%(' || c.code || ')' LIMIT 1), '');"},
};

int cert_migrate(store *db, struct sh_err *err)
{
	return store_migrate(db, "cert", migrations, sizeof migrations / sizeof migrations[0], err);
}

static void kr_sign(void *ctx, const void *msg, size_t len, unsigned char sig[CERT_SIG_BYTES])
{
	keyring_sign(ctx, msg, len, sig);
}

int cert_sign_keyring(const struct keyring *kr, struct cert_payload *p, char *out, size_t n,
		      struct sh_err *err)
{
	unsigned char pk[KEYRING_PK_BYTES];
	keyring_public_key(kr, pk);
	return cert_payload_sign(p, pk, kr_sign, (void *)kr, out, n, err);
}

static json_t *doc_json(const struct cert_doc *d)
{
	json_t *rows = json_array();
	for (int i = 0; rows && i < d->nrows; i++)
		json_array_append_new(rows, json_pack("[ssss]", d->rows[i].label_en,
						      d->rows[i].label_ur, d->rows[i].value,
						      d->rows[i].value_ur));
	return json_pack("{s:o,s:s,s:s}", "rows", rows, "note_en", d->note_en, "note_ur",
			 d->note_ur);
}

static void doc_from_json(json_t *o, struct cert_doc *d)
{
	json_t *rows = json_object_get(o, "rows"), *r;
	size_t i;
	json_array_foreach(rows, i, r)
		cert_doc_row(d, json_string_value(json_array_get(r, 0)),
			     json_string_value(json_array_get(r, 1)),
			     json_string_value(json_array_get(r, 2)),
			     json_string_value(json_array_get(r, 3)));
	const char *s = json_string_value(json_object_get(o, "note_en"));
	snprintf(d->note_en, sizeof d->note_en, "%s", s ? s : "");
	s = json_string_value(json_object_get(o, "note_ur"));
	snprintf(d->note_ur, sizeof d->note_ur, "%s", s ? s : "");
}

int cert_issue(store *db, const struct keyring *kr, const struct audit_actor *actor,
	       const char *issuer_council, enum cert_kind kind, const char *subject,
	       struct sh_date today, struct cert_record *out, struct sh_err *err)
{
	if (!subject || !*subject || strlen(subject) >= CERT_SUBJECT_MAX)
		return sh_err_set(err, SH_EINVAL, "SUBJECT_REQUIRED", "subject is required");
	if (cert_kind_name(kind)[0] == 'u')
		return sh_err_set(err, SH_EINVAL, "CERT_KIND_INVALID", "unknown certificate kind");
	struct cert_doc *d = calloc(1, sizeof *d);
	struct cert_payload *p = calloc(1, sizeof *p);
	char *doc_text = NULL;
	store_tx *tx = NULL;
	int rc;
	if (!d || !p) {
		rc = sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "certificate");
		goto out;
	}
	if ((rc = store_begin(db, STORE_WRITE, &tx, err)))
		goto out;
	if (!today.year)
		today = sh_date_today();
	/* Marital state must be current before a certificate states it. */
	if ((rc = crvs_talaq_settle(tx, actor, today, err)) < 0)
		goto out;
	if ((rc = cert_facts(tx, kind, subject, d, p, err)))
		goto out;
	/* Numbers are canonical in the payload: a dashed id number and a bare
	 * one are the same subject. */
	char canon[CERT_SUBJECT_MAX];
	snprintf(canon, sizeof canon, "%s", subject);
	if (kind == CERT_BIRTH || kind == CERT_DEATH || kind == CERT_FRC) {
		size_t k = 0;
		for (const char *s = subject; *s && k + 1 < sizeof canon; s++)
			if (*s != '-')
				canon[k++] = *s;
		canon[k] = '\0';
	}
	store_stmt *st;
	if ((rc = store_query(tx, &st, err,
			      "SELECT COUNT(*) FROM certificates WHERE kind = ? AND subject = ?", "tt",
			      cert_kind_name(kind), canon)))
		goto out;
	rc = store_step(st, err);
	int copy = rc == STORE_ROW ? (int)store_col_int(st, 0) + 1 : 1;
	store_finalize(st);
	if (rc < 0)
		goto out;
	char day[11];
	sh_date_format(today, day, sizeof day);
	json_t *dj = doc_json(d);
	doc_text = dj ? json_dumps(dj, JSON_COMPACT) : NULL;
	json_decref(dj);
	if (!doc_text) {
		rc = sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "certificate doc");
		goto out;
	}
	const char *who = actor && actor->name ? actor->name : "system";
	/* The issuing office as people know it: "Union Council X, District (code)". */
	char issuer[128], council[32] = "";
	struct address_council uc;
	if (issuer_council && *issuer_council &&
	    address_council_get(tx, issuer_council, &uc, NULL) == SH_OK) {
		snprintf(issuer, sizeof issuer, "Union Council %.32s, %.32s (%.31s)", uc.council.name_en,
			 uc.district.name_en, uc.council.code);
		snprintf(council, sizeof council, "%s", uc.council.code);
	} else {
		snprintf(issuer, sizeof issuer, "National Registry");
	}
	/* A random serial (serial.h), so that holding one says nothing about
	 * any other; a collision is ~10^-7 even at 10^8 issued, and is drawn
	 * again. */
	memset(out, 0, sizeof *out);
	for (int tries = 0;; tries++) {
		if ((rc = cert_serial_generate(kind, out->serial, sizeof out->serial, err)))
			goto out;
		if ((rc = store_query(tx, &st, err, "SELECT 1 FROM certificates WHERE serial = ?",
				      "t", out->serial)))
			goto out;
		rc = store_step(st, err);
		store_finalize(st);
		if (rc < 0)
			goto out;
		if (rc == STORE_DONE)
			break;
		if (tries >= 8) {
			rc = sh_err_set(err, SH_EINTERNAL, "SERIAL_EXHAUSTED",
					"no free serial after %d draws", tries + 1);
			goto out;
		}
	}
	p->kind = kind;
	snprintf(p->serial, sizeof p->serial, "%s", out->serial);
	snprintf(p->subject, sizeof p->subject, "%s", canon);
	p->issued = today;
	p->copy_no = copy;
	if ((rc = cert_sign_keyring(kr, p, out->payload, sizeof out->payload, err)))
		goto out;
	rc = store_run(tx, err,
		       "INSERT INTO certificates(serial, kind, subject, copy_no, issued_on,"
		       " issued_at, issued_by, issuer, status, payload, doc, council) VALUES"
		       " (?, ?, ?, ?, ?, ?, ?, ?, 'valid', ?, ?, ?)",
		       "tttitittttt", out->serial, cert_kind_name(kind), canon, (int64_t)copy, day,
		       sh_now(), who, issuer, out->payload, doc_text, council);
	if (rc < 0)
		goto out;
	char object[64], detail[160];
	snprintf(object, sizeof object, "certificate:%s", out->serial);
	snprintf(detail, sizeof detail, "{\"kind\":\"%s\",\"copy\":%d}", cert_kind_name(kind), copy);
	if ((rc = audit_append(tx, actor, "cert.issue", object, detail, err)))
		goto out;
	rc = store_commit(tx, err);
	tx = NULL;
	if (rc)
		goto out;
	out->kind = kind;
	snprintf(out->subject, sizeof out->subject, "%s", canon);
	out->copy_no = out->copies = copy;
	out->issued = today;
	snprintf(out->issued_by, sizeof out->issued_by, "%s", who);
	snprintf(out->issuer, sizeof out->issuer, "%s", issuer);
	snprintf(out->council, sizeof out->council, "%s", council);
	snprintf(out->status, sizeof out->status, "valid");
out:
	if (tx)
		store_rollback(tx);
	free(doc_text);
	free(d);
	free(p);
	return rc;
}

static int record_row(store_tx *tx, const char *typed, struct cert_record *out, char **doc,
		      struct sh_err *err)
{
	char serial[CERT_SERIAL_MAX];
	int rc = cert_serial_normalize(typed, serial, sizeof serial, err);
	if (rc)
		return rc;
	store_stmt *st;
	rc = store_query(tx, &st, err,
			     "SELECT kind, subject, copy_no, issued_on, issued_by, issuer, status,"
			     " payload, doc, council FROM certificates WHERE serial = ?",
			     "t", serial);
	if (rc)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		memset(out, 0, sizeof *out);
		snprintf(out->serial, sizeof out->serial, "%s", serial);
		out->kind = (enum cert_kind)cert_kind_parse(store_col_text(st, 0));
		snprintf(out->subject, sizeof out->subject, "%s", store_col_text(st, 1));
		out->copy_no = (int)store_col_int(st, 2);
		if (sh_parse_date(store_col_text(st, 3), &out->issued) != SH_OK)
			memset(&out->issued, 0, sizeof out->issued);
		snprintf(out->issued_by, sizeof out->issued_by, "%s", store_col_text(st, 4));
		snprintf(out->issuer, sizeof out->issuer, "%s", store_col_text(st, 5));
		snprintf(out->status, sizeof out->status, "%s", store_col_text(st, 6));
		snprintf(out->payload, sizeof out->payload, "%s", store_col_text(st, 7));
		snprintf(out->council, sizeof out->council, "%s", store_col_text(st, 9));
		if (doc) {
			*doc = strdup(store_col_text(st, 8));
			if (!*doc)
				rc = sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "doc");
		}
		if (rc == STORE_ROW)
			rc = SH_OK;
	} else if (rc == STORE_DONE) {
		rc = sh_err_set(err, SH_ENOTFOUND, "CERT_NOT_FOUND", "no certificate %s", serial);
	}
	store_finalize(st);
	if (rc)
		return rc;
	rc = store_query(tx, &st, err,
			 "SELECT COUNT(*) FROM certificates WHERE kind = ? AND subject = ?", "tt",
			 cert_kind_name(out->kind), out->subject);
	if (rc)
		return rc;
	rc = store_step(st, err);
	out->copies = rc == STORE_ROW ? (int)store_col_int(st, 0) : out->copy_no;
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}

int cert_get(store_tx *tx, const char *serial, struct cert_record *out, struct sh_err *err)
{
	return record_row(tx, serial, out, NULL, err);
}

int cert_pdf(store *db, const struct keyring *kr, const char *serial, struct sh_buf *pdf,
	     struct sh_err *err)
{
	store_tx *tx;
	struct cert_record r;
	char *doc = NULL;
	int rc = store_begin(db, STORE_READ, &tx, err);
	if (rc)
		return rc;
	rc = record_row(tx, serial, &r, &doc, err);
	store_rollback(tx);
	if (rc)
		return rc;
	struct cert_doc *d = calloc(1, sizeof *d);
	json_t *o = json_loads(doc, 0, NULL);
	if (!d || !o) {
		rc = sh_err_set(err, d ? SH_EINTERNAL : SH_ENOMEM, "CERT_DOC", "stored doc unreadable");
		goto out;
	}
	d->kind = r.kind;
	snprintf(d->serial, sizeof d->serial, "%s", r.serial);
	d->copy_no = r.copy_no;
	d->issued = r.issued;
	snprintf(d->issuer, sizeof d->issuer, "%s", r.issuer);
	snprintf(d->payload, sizeof d->payload, "%s", r.payload);
	doc_from_json(o, d);
	if ((rc = cert_render_pdf(d, pdf, err)))
		goto out;
	/* The file itself is signed too (docsig.h): the payload alone proves
	 * the facts, not the document that carries it. */
	unsigned char pk[KEYRING_PK_BYTES];
	keyring_public_key(kr, pk);
	rc = cert_docsig_append(pdf, pk, kr_sign, (void *)kr, err);
out:
	json_decref(o);
	free(d);
	free(doc);
	return rc;
}

int cert_verify_serial(store *db, const unsigned char pk[CERT_PK_BYTES], const char *serial,
		       struct cert_record *out, int *sig_ok, struct sh_err *err)
{
	store_tx *tx;
	int rc = store_begin(db, STORE_READ, &tx, err);
	if (rc)
		return rc;
	rc = cert_get(tx, serial, out, err);
	store_rollback(tx);
	if (rc)
		return rc;
	struct cert_payload p;
	*sig_ok = cert_payload_verify(out->payload, pk, &p, NULL) == SH_OK &&
		  strcmp(p.serial, out->serial) == 0;
	return SH_OK;
}

int cert_may_read(const struct principal *who, const struct cert_record *r)
{
	if (!who || who->kind != PRINCIPAL_OPERATOR)
		return 0;
	if (who->role_bit & (ROLE_ADMIN | ROLE_AUDITOR))
		return 1;
	return (who->role_bit & ROLE_UC_REGISTRAR) && who->council_code[0] && r->council[0] &&
	       strcmp(who->council_code, r->council) == 0;
}

int cert_check(store *db, const unsigned char pk[CERT_PK_BYTES], const char *serial,
	       const char *payload, struct cert_check *out, struct sh_err *err)
{
	memset(out, 0, sizeof *out);
	out->payload_given = payload != NULL;
	int rc = cert_serial_normalize(serial, out->serial, sizeof out->serial, err);
	if (rc)
		return rc;
	rc = cert_verify_serial(db, pk, serial, &out->rec, &out->signature_valid, err);
	if (rc == SH_ENOTFOUND) {
		out->status = "unknown";
		return SH_OK;
	}
	if (rc)
		return rc;
	out->found = 1;
	if (out->signature_valid &&
	    cert_payload_verify(out->rec.payload, pk, &out->facts, NULL) != SH_OK)
		out->signature_valid = 0;
	out->status = !out->signature_valid ? "invalid"
		      : strcmp(out->rec.status, "revoked") == 0 ? "revoked" : "valid";
	if (payload) {
		struct cert_payload p;
		struct sh_err perr = {0};
		if (cert_payload_verify(payload, pk, &p, &perr) != SH_OK)
			snprintf(out->payload_error, sizeof out->payload_error, "%s", perr.code);
		else if (strcmp(p.serial, out->rec.serial) != 0)
			snprintf(out->payload_error, sizeof out->payload_error, "SERIAL_MISMATCH");
		/* Signed by us for this serial yet not what is stored: the key
		 * signed something it should not have; never show it. */
		else if (strcmp(payload, out->rec.payload) != 0)
			snprintf(out->payload_error, sizeof out->payload_error, "PAYLOAD_MISMATCH");
		else
			out->payload_valid = 1;
		if (!out->payload_valid)
			out->status = "invalid";
		out->facts_shown = out->payload_valid && out->signature_valid;
	}
	out->valid = strcmp(out->status, "valid") == 0;
	return SH_OK;
}
