/* bio_identify.c — 1:N identification for an examiner (bio_identify.h). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bio/fp_thresholds.h"
#include "biometrics/bio_identify.h"
#include "biometrics/bio_internal.h"

int bio_identify(store *db, struct bio_gallery *g, const struct audit_actor *actor,
		 const struct bio_enrol_req *r, const char *legal_reason,
		 struct bio_identify_result *out, struct sh_err *err)
{
	struct work *w = bio_work_new();
	store_tx *tx = NULL;
	json_t *d = NULL;
	char *detail = NULL;
	int rc;
	memset(out, 0, sizeof *out);
	if (!w)
		return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "identification");
	if (!legal_reason || strlen(legal_reason) < 5 || strlen(legal_reason) > 250) {
		rc = sh_err_set(err, SH_EINVAL, "LEGAL_REASON_REQUIRED",
				"an identification needs its legal reason (5..250 bytes)");
		goto out;
	}
	if ((rc = bio_capture_parse(r->envelope, r->envelope_len, &w->cap, err)) != SH_OK ||
	    (rc = bio_check_request(r, actor, w, err)) != SH_OK)
		goto out;
	if (strcmp(w->cap.id_number, "unknown") != 0) {
		rc = sh_err_set(err, SH_ERULE, "CAPTURE_PERSON",
				"an identification capture names id_number \"unknown\"");
		goto out;
	}
	/* Device, signature and nonce are committed before the search (no
	 * search for a refused capture, and the write lock is not held while
	 * the gallery is scanned); the search itself is audited after it. */
	if ((rc = bio_extract_all(r, w, err)) != SH_OK ||
	    (rc = store_begin(db, STORE_WRITE, &tx, err)) != SH_OK ||
	    (rc = bio_capture_check(tx, r->envelope, r->envelope_len, r->signature, &w->cap,
				    r->station, (int64_t)time(NULL), err)) != SH_OK)
		goto out;
	rc = store_commit(tx, err);
	tx = NULL;
	if (rc != SH_OK ||
	    (rc = bio_gallery_search(g, &w->probe, NULL, w->hits, &w->nhits, err)) != SH_OK)
		goto out;
	out->gallery_fingers = bio_gallery_fingers(g);
	json_t *cands = json_array();
	for (int i = 0; i < w->nhits; i++) {
		int strong = 0, medium = 0;
		for (int k = 0; k < w->hits[i].nfingers; k++) {
			strong |= w->hits[i].score[k] >= FP_THRESHOLD_FMR_0_01;
			medium += w->hits[i].score[k] >= FP_THRESHOLD_FMR_0_1;
		}
		snprintf(out->cand[i].id_number, sizeof out->cand[i].id_number, "%s",
			 w->hits[i].id_number);
		out->cand[i].band = strong ? "strong" : "possible";
		out->cand[i].fingers = medium;
		json_array_append_new(cands, json_string(w->hits[i].id_number));
	}
	out->n = w->nhits;
	d = json_pack("{s:s, s:s, s:i, s:o}", "legal_reason", legal_reason, "device",
		      w->cap.device_id, "fingers", w->probe.count, "candidates", cands);
	detail = d ? json_dumps(d, JSON_COMPACT) : NULL;
	if (!detail) {
		rc = sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "audit");
		goto out;
	}
	/* In a transaction of its own, before the answer leaves: a search
	 * whose record failed is not answered. */
	rc = audit_record(db, actor, "bio.identify", NULL, detail, err);
out:
	if (tx)
		store_rollback(tx);
	json_decref(d);
	free(detail);
	bio_work_free(w);
	return rc;
}
