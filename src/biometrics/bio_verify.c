/* bio_verify.c — biometric 1:1 verification (bio_verify.h). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bio/fp_thresholds.h"
#include "biometrics/bio_internal.h"
#include "biometrics/bio_verify.h"
#include "registry/person.h"

/* The person's sealed template at a position of the current enrolment,
 * as a matching form. 0 and *found = 0 when there is none. */
static int load_template(store_tx *tx, const unsigned char *key, const char *idn, int64_t eid,
			 int pos, struct fp_mtemplate *out, int *found, struct sh_err *err)
{
	store_stmt *st = NULL;
	*found = 0;
	int rc = store_query(tx, &st, err,
			     "SELECT sealed FROM bio_samples WHERE enrolment_id = ? AND position = ?"
			     " AND kind = 'template'",
			     "ii", eid, (int64_t)pos);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		size_t n = 0, il = 0;
		const void *blob = store_col_blob(st, 0, &n);
		unsigned char *iso = NULL;
		char ad[64];
		snprintf(ad, sizeof ad, "bio:%s:%lld:%d:template", idn, (long long)eid, pos);
		rc = bio_unseal(key, blob, n, ad, &iso, &il, err);
		if (rc == SH_OK)
			rc = bio_template_prepare(iso, il, out, err);
		free(iso);
		*found = rc == SH_OK;
	}
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}

struct bio_checked {
	struct work *w; /* the envelope, and the probe extracted from its images */
};

int bio_verify_precheck(const struct bio_enrol_req *r, const struct audit_actor *actor,
			struct bio_checked **out, struct sh_err *err)
{
	*out = NULL;
	struct bio_checked *c = calloc(1, sizeof *c);
	if (!c || !(c->w = bio_work_new())) {
		free(c);
		return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "verification");
	}
	/* Decoding and extraction too: the costliest checks, and the only ones
	 * that can find a signed image unreadable. */
	int rc = bio_capture_parse(r->envelope, r->envelope_len, &c->w->cap, err);
	if (rc == SH_OK)
		rc = bio_check_request(r, actor, c->w, err);
	if (rc == SH_OK)
		rc = bio_extract_all(r, c->w, err);
	if (rc != SH_OK) {
		bio_checked_free(c);
		return rc;
	}
	*out = c;
	return SH_OK;
}

void bio_checked_free(struct bio_checked *c)
{
	if (!c)
		return;
	bio_work_free(c->w);
	free(c);
}

int bio_verify_person(store_tx *tx, const struct keyring *kr, const struct audit_actor *actor,
		      const struct bio_enrol_req *r, const struct bio_checked *checked,
		      int64_t now, struct bio_verify_result *out, struct sh_err *err)
{
	/* w: the checked capture's work when given (borrowed), else our own */
	struct work *own = checked ? NULL : bio_work_new();
	struct work *w = checked ? checked->w : own;
	struct fp_mtemplate *ref = aligned_alloc(64, sizeof *ref);
	unsigned char *key = sodium_malloc(BIO_DATA_KEY_BYTES);
	struct person p;
	struct bio_status st;
	int rc;
	memset(out, 0, sizeof *out);
	out->band = "none";
	if (!w || !ref || !key) {
		rc = sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "verification");
		goto out;
	}
	if (own && ((rc = bio_capture_parse(r->envelope, r->envelope_len, &w->cap, err)) != SH_OK ||
		    (rc = bio_check_request(r, actor, w, err)) != SH_OK))
		goto out;
	if ((rc = person_get(tx, r->id_number, &p, err)) != SH_OK)
		goto out;
	if (strcmp(w->cap.id_number, p.id_number) != 0) {
		rc = sh_err_set(err, SH_ERULE, "CAPTURE_PERSON",
				"the capture was signed for another person");
		goto out;
	}
	if ((rc = bio_capture_check(tx, r->envelope, r->envelope_len, r->signature, &w->cap,
				    r->station, now, err)) != SH_OK ||
	    (rc = bio_status_get(tx, p.id_number, &st, err)) != SH_OK)
		goto out;
	if (!st.enrolled) {
		rc = sh_err_set(err, SH_ENOTFOUND, "BIO_NOT_ENROLLED", "no fingerprints enrolled");
		goto out;
	}
	if (strcmp(st.state, "unique") != 0 && strcmp(st.state, "duplicate") != 0) {
		rc = sh_err_set(err, SH_ERULE, "BIO_NOT_VERIFIABLE",
				"the biometric record is %s: no verification", st.state);
		goto out;
	}
	store_stmt *q = NULL;
	int64_t eid = 0;
	if ((rc = store_query(tx, &q, err,
			      "SELECT id FROM bio_enrolments WHERE id_number = ? AND current = 1", "t",
			      p.id_number)) != SH_OK)
		goto out;
	if ((rc = store_step(q, err)) == STORE_ROW)
		eid = store_col_int(q, 0);
	store_finalize(q);
	if (rc < 0 || (rc = bio_seal_person_key(tx, kr, p.id_number, 0, key, err)) != SH_OK ||
	    (own && (rc = bio_extract_all(r, w, err)) != SH_OK))
		goto out;
	float score[BIO_MAX_ITEMS];
	int n = 0;
	for (int i = 0; i < w->probe.count; i++) {
		int found = 0;
		if ((rc = load_template(tx, key, p.id_number, eid, w->probe.finger[i], ref, &found,
					err)) != SH_OK)
			goto out;
		if (found)
			score[n++] = fp_match(&w->probe.tpl[i], ref);
	}
	if (n == 0) {
		rc = sh_err_set(err, SH_ERULE, "BIO_NO_COMMON_FINGER",
				"none of the captured positions is enrolled");
		goto out;
	}
	int strong = 0, medium = 0;
	for (int i = 0; i < n; i++) {
		strong |= score[i] >= FP_THRESHOLD_FMR_0_01;
		medium += score[i] >= FP_THRESHOLD_FMR_0_1;
	}
	/* The repository's fusion rule; with one finger given, that finger at
	 * FMR 0.1% (a claimed identity is one comparison, not N). */
	out->match = bio_dedup_is_hit(score, n) || (n == 1 && medium == 1);
	out->band = strong ? "high" : out->match ? "medium" : "none";
	out->fingers = n;
	char obj[32], detail[160];
	snprintf(obj, sizeof obj, "person:%s", p.id_number);
	snprintf(detail, sizeof detail,
		 "{\"result\":\"%s\",\"band\":\"%s\",\"fingers\":%d,\"device\":\"%s\"}",
		 out->match ? "yes" : "no", out->band, n, w->cap.device_id);
	rc = audit_append(tx, actor, "bio.verify", obj, detail, err);
out:
	bio_work_free(own);
	free(ref);
	if (key)
		sodium_free(key);
	return rc;
}
