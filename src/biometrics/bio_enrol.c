/* bio_enrol.c — fingerprint enrolment with de-duplication (bio_enrol.h). */
#include <jansson.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bio/fp_extract.h"
#include "bio/fp_image.h"
#include "bio/fp_iso.h"
#include "bio/fp_iso_image.h"
#include "biometrics/bio_enrol.h"
#include "biometrics/bio_internal.h"
#include "biometrics/bio_policy.h"
#include "lib/buf.h"
#include "lib/parse.h"
#include "registry/person.h"

static const char *const missing_reasons[] = {"amputated", "bandaged", "unprintable"};

int bio_image_decode(const uint8_t *bytes, size_t len, struct fp_image *img, struct sh_err *err)
{
	return bio_image_decode_at(bytes, len, 0, img, err);
}

int bio_image_decode_at(const uint8_t *bytes, size_t len, int position, struct fp_image *img,
			struct sh_err *err)
{
	memset(img, 0, sizeof *img);
	if (len > BIO_IMAGE_MAX)
		return sh_err_set(err, SH_ETOOBIG, "IMAGE_TOO_LARGE",
				  "image of %zu bytes over the %u-byte cap", len, BIO_IMAGE_MAX);
	int declared = 0, rc, iso = 0;
	static const uint8_t png_sig[8] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
	struct sh_err e = {0};
	struct fp_iso_image_info info = {0};
	/* Decoded by format so that the declared resolution is seen: the
	 * engine treats an implausible one as absent, the repository refuses
	 * it (a 72-dpi header on a scanner's output is a wrong device setting). */
	if (fp_iso_image_sniff(bytes, len)) {
		iso = 1;
		rc = fp_iso_image_decode(bytes, len, img, &info, &e);
		declared = img->dpi;
	} else if (len >= 4 && (!memcmp(bytes, "II*\0", 4) || !memcmp(bytes, "MM\0*", 4)))
		rc = fp_image_decode_tiff(bytes, len, img, &declared, &e);
	else if (len >= 8 && !memcmp(bytes, png_sig, 8))
		rc = fp_image_decode_png(bytes, len, img, &declared, &e);
	else if (len >= 3 && bytes[0] == 0xff && bytes[1] == 0xd8 && bytes[2] == 0xff)
		rc = fp_image_decode_jpeg(bytes, len, img, &declared, &e);
	else
		return sh_err_set(err, SH_EINVAL, "IMAGE_FORMAT",
				  "not a TIFF, PNG or JPEG image nor an ISO/IEC 19794-4 record");
	if (rc != SH_OK) {
		fp_image_free(img);
		if (rc == SH_ETOOBIG)
			return sh_err_set(err, SH_ETOOBIG, "IMAGE_TOO_LARGE", "%s", e.msg);
		if (rc == SH_ENOMEM)
			return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "%s", e.msg);
		if (!strcmp(e.code, "FP_ISO_IMAGE_UNSUPPORTED"))
			return sh_err_set(err, SH_EINVAL, "IMAGE_FORMAT", "%s", e.msg);
		return sh_err_set(err, SH_EINVAL, "IMAGE_CORRUPT", "%s", e.msg);
	}
	/* An ISO/IEC 19794-4 record names its finger; a record whose
	 * position is not the one it is filed under (or unknown, 0) is refused
	 * rather than relabelled — the label is what de-duplication trusts. */
	if (iso && position && info.position != position) {
		fp_image_free(img);
		return sh_err_set(err, SH_EINVAL, "CAPTURE_POSITION",
				  "the ISO/IEC 19794-4 record is of finger position %d, given as %d",
				  info.position, position);
	}
	if (declared && (declared < FP_IMAGE_MIN_DPI || declared > FP_IMAGE_MAX_DPI)) {
		fp_image_free(img);
		return sh_err_set(err, SH_ERULE, "IMAGE_RESOLUTION",
				  "image declares %d dpi; fingerprints are taken at 500 dpi "
				  "(%d..%d accepted and resampled)",
				  declared, FP_IMAGE_MIN_DPI, FP_IMAGE_MAX_DPI);
	}
	img->dpi = declared ? declared : FP_DPI;
	return SH_OK;
}

struct work *bio_work_new(void)
{
	/* The probe's matching forms are 64-byte aligned (fp_match.h); sizeof
	 * a struct holding them is a multiple of 64, as aligned_alloc wants. */
	struct work *w = aligned_alloc(_Alignof(struct work), sizeof *w);
	if (w)
		memset(w, 0, sizeof *w);
	return w;
}

void bio_work_free(struct work *w)
{
	if (!w)
		return;
	for (int i = 0; i < BIO_MAX_ITEMS; i++)
		free(w->iso[i]);
	free(w);
}

int bio_check_request(const struct bio_enrol_req *r, const struct audit_actor *actor,
			 struct work *w, struct sh_err *err)
{
	const struct bio_capture *c = &w->cap;
	if (strcmp(c->modality, "fingerprint") != 0)
		return sh_err_set(err, SH_ERULE, "CAPTURE_MODALITY",
				  "a fingerprint enrolment needs a fingerprint capture");
	/* A relying party's capture names the bank's own operator, whom the
	 * registry does not know; the party itself is the caller (its key). */
	int party = actor->kind && !strcmp(actor->kind, "party");
	if (!party && (!actor->name || strcmp(c->operator_name, actor->name) != 0))
		return sh_err_set(err, SH_EFORBIDDEN, "CAPTURE_OPERATOR",
				  "the capture names operator %s, not the caller", c->operator_name);
	if (r->nimages < 1)
		return sh_err_set(err, SH_EINVAL, "ENROL_NO_FINGERS", "no finger images given");
	if (r->nimages + r->nmissing > BIO_MAX_ITEMS)
		return sh_err_set(err, SH_EINVAL, "CAPTURE_TOO_MANY",
				  "at most ten fingers, captured and missing together");
	if (r->nimages != c->count)
		return sh_err_set(err, SH_ERULE, "CAPTURE_MISMATCH",
				  "%d images for a capture of %d", r->nimages, c->count);
	unsigned seen = 0;
	for (int i = 0; i < r->nimages; i++) {
		int p = r->image[i].position, k;
		if (p < 1 || p > 10 || (seen & (1u << p)))
			return sh_err_set(err, SH_EINVAL, "CAPTURE_POSITION",
					  "finger position %d is invalid or given twice", p);
		seen |= 1u << p;
		for (k = 0; k < c->count && c->position[k] != p; k++)
			;
		if (k == c->count)
			return sh_err_set(err, SH_ERULE, "CAPTURE_MISMATCH",
					  "position %d is not in the signed capture", p);
		if (r->image[i].len > BIO_IMAGE_MAX)
			return sh_err_set(err, SH_ETOOBIG, "IMAGE_TOO_LARGE",
					  "image of position %d is over %u bytes", p, BIO_IMAGE_MAX);
		unsigned char h[32];
		crypto_hash_sha256(h, r->image[i].bytes, r->image[i].len);
		if (sodium_memcmp(h, c->sha256[k], 32) != 0)
			return sh_err_set(err, SH_ERULE, "CAPTURE_HASH",
					  "image of position %d is not the one the device signed", p);
	}
	for (int i = 0; i < r->nmissing; i++) {
		int p = r->missing[i].position, ok = 0;
		if (p < 1 || p > 10 || (seen & (1u << p)))
			return sh_err_set(err, SH_EINVAL, "CAPTURE_POSITION",
					  "missing finger position %d is invalid or given twice", p);
		seen |= 1u << p;
		for (int k = 0; k < 3; k++)
			ok |= r->missing[i].reason && !strcmp(r->missing[i].reason, missing_reasons[k]);
		if (!ok)
			return sh_err_set(err, SH_EINVAL, "MISSING_REASON",
					  "missing finger %d needs a reason: amputated, bandaged or "
					  "unprintable", p);
	}
	return SH_OK;
}

int bio_extract_all(const struct bio_enrol_req *r, struct work *w, struct sh_err *err)
{
	w->probe.count = 0;
	for (int i = 0; i < r->nimages; i++) {
		struct fp_image img;
		int rc = bio_image_decode_at(r->image[i].bytes, r->image[i].len,
					     r->image[i].position, &img, err);
		if (rc != SH_OK) {
			sh_err_wrap(err, "position");
			return rc;
		}
		struct sh_err e = {0};
		rc = fp_extract(&img, &w->tpl, &e);
		fp_image_free(&img);
		if (rc != SH_OK)
			return sh_err_set(err, rc == SH_ENOMEM ? SH_ENOMEM : SH_EINVAL,
					  rc == SH_ENOMEM ? "OUT_OF_MEMORY" : "IMAGE_CORRUPT",
					  "position %d: %s", r->image[i].position, e.msg);
		w->quality[i] = w->tpl.quality;
		if ((rc = fp_iso_encode(&w->tpl, &w->iso[i], &w->isolen[i], err)) != SH_OK ||
		    (rc = fp_match_prepare(&w->tpl, &w->probe.tpl[i], err)) != SH_OK)
			return rc;
		w->probe.finger[i] = r->image[i].position;
		w->probe.count++;
	}
	return SH_OK;
}

/* Person checks and the policy (read or write tx). */
static int check_person(store_tx *tx, const struct bio_enrol_req *r, const struct work *w,
			struct person *p, struct sh_err *err)
{
	int rc = person_get(tx, r->id_number, p, err);
	if (rc != SH_OK)
		return rc;
	if (strcmp(w->cap.id_number, p->id_number) != 0)
		return sh_err_set(err, SH_ERULE, "CAPTURE_PERSON",
				  "the capture was signed for another person");
	if (p->status == PERSON_DECEASED)
		return sh_err_set(err, SH_ERULE, "PERSON_DECEASED",
				  "no enrolment for a deceased person");
	if (p->status != PERSON_ALIVE)
		return sh_err_set(err, SH_ERULE, "PERSON_CANCELLED",
				  "no enrolment for a cancelled record");
	int doc = bio_document_parse(r->document), ex = bio_exemption_parse(r->exemption);
	if (doc < 0 || ex < 0)
		return sh_err_set(err, SH_EINVAL, "BIO_POLICY_INVALID",
				  "document is id_card or crc; exemption none, elderly, skin or "
				  "amputee");
	int age = sh_date_years_between(p->dob, sh_date_today());
	unsigned m = bio_policy_modalities(doc, age, ex);
	if (!(m & BIO_M_FINGERPRINT))
		return sh_err_set(err, SH_ERULE, "BIO_POLICY_AGE",
				  "fingerprints are not taken at age %d for this document%s", age,
				  ex ? " and exemption (face and iris instead)" : "");
	struct bio_status st;
	if ((rc = bio_status_get(tx, p->id_number, &st, err)) != SH_OK)
		return rc;
	if (st.enrolled && !strcmp(st.state, "blocked"))
		return sh_err_set(err, SH_ERULE, "BIO_BLOCKED",
				  "this record is blocked as a duplicate identity");
	if (st.enrolled && !strcmp(st.state, "held"))
		return sh_err_set(err, SH_ECONFLICT, "BIO_HELD",
				  "an enrolment of this person awaits adjudication");
	return SH_OK;
}

static int distinct_pair(store_tx *tx, const char *x, const char *y, int *out,
			 struct sh_err *err)
{
	const char *a = strcmp(x, y) < 0 ? x : y, *b = a == x ? y : x;
	store_stmt *st = NULL;
	int rc = store_query(tx, &st, err, "SELECT 1 FROM bio_distinct_pairs WHERE a = ? AND b = ?",
			     "tt", a, b);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	*out = rc == STORE_ROW;
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}

static int insert_id(store_tx *tx, int64_t *id, struct sh_err *err, const char *sql,
		     const char *types, ...);

/* Attempts: a finger under the floor is asked again until its last attempt. */
static int count_attempts(store_tx *tx, const char *idn, const struct bio_enrol_req *r,
			  struct work *w, struct bio_enrol_result *out, int *recapture,
			  struct sh_err *err)
{
	*recapture = 0;
	for (int i = 0; i < r->nimages; i++) {
		struct bio_finger_out *f = &out->finger[i];
		f->position = r->image[i].position;
		f->quality = w->quality[i];
		f->attempts = 1;
		store_stmt *st = NULL;
		int rc = store_query(tx, &st, err,
				     "SELECT attempts FROM bio_attempts WHERE id_number = ? AND position = ?",
				     "ti", idn, (int64_t)f->position);
		if (rc != SH_OK)
			return rc;
		rc = store_step(st, err);
		if (rc == STORE_ROW)
			f->attempts = (int)store_col_int(st, 0) + 1;
		store_finalize(st);
		if (rc < 0)
			return rc;
		if (f->quality < BIO_QUALITY_FLOOR) {
			if (f->attempts < BIO_MAX_ATTEMPTS)
				f->recapture = *recapture = 1;
			else
				f->low_quality = 1;
		}
	}
	out->nfingers = r->nimages;
	if (!*recapture)
		return store_run(tx, err, "DELETE FROM bio_attempts WHERE id_number = ?", "t", idn) < 0
			       ? SH_EDB : SH_OK;
	for (int i = 0; i < r->nimages; i++) {
		if (out->finger[i].quality >= BIO_QUALITY_FLOOR)
			continue;
		int rc = store_run(tx, err,
				   "INSERT INTO bio_attempts(id_number, position, attempts) VALUES (?, ?, ?)"
				   " ON CONFLICT (id_number, position) DO UPDATE SET attempts = excluded.attempts",
				   "tii", idn, (int64_t)out->finger[i].position,
				   (int64_t)out->finger[i].attempts);
		if (rc < 0)
			return rc;
	}
	return SH_OK;
}

static int seal_row(store_tx *tx, const unsigned char *key, const char *idn, int64_t eid,
		    int pos, const char *kind, const void *data, size_t len, int quality,
		    int low, int attempts, struct sh_err *err)
{
	char ad[64];
	unsigned char *s = NULL;
	size_t sl = 0;
	snprintf(ad, sizeof ad, "bio:%s:%lld:%d:%s", idn, (long long)eid, pos, kind);
	int rc = bio_seal(key, data, len, ad, &s, &sl, err);
	if (rc != SH_OK)
		return rc;
	rc = store_run(tx, err,
		       "INSERT INTO bio_samples(enrolment_id, position, kind, quality, low_quality,"
		       " attempts, engine_version, sealed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		       "iitiiiib", eid, (int64_t)pos, kind, (int64_t)quality, (int64_t)low,
		       (int64_t)attempts, (int64_t)FP_MTEMPLATE_VERSION, s, sl);
	free(s);
	return rc < 0 ? rc : SH_OK;
}

static int write_enrolment(store_tx *tx, const struct keyring *kr,
			   const struct audit_actor *actor, const struct bio_enrol_req *r,
			   const struct person *p, struct work *w, struct bio_enrol_result *out,
			   struct sh_err *err)
{
	const char *idn = p->id_number;
	int64_t version = 1, eid = 0;
	store_stmt *st = NULL;
	unsigned char *key = sodium_malloc(BIO_DATA_KEY_BYTES);
	char liveness[16];
	int rc;
	if (!key)
		return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "data key");
	if ((rc = store_query(tx, &st, err,
			      "SELECT COALESCE(MAX(version), 0) FROM bio_enrolments WHERE id_number = ?",
			      "t", idn)) != SH_OK)
		goto out;
	if ((rc = store_step(st, err)) == STORE_ROW)
		version = store_col_int(st, 0) + 1;
	store_finalize(st);
	st = NULL;
	if (rc < 0)
		goto out;
	if ((rc = store_run(tx, err,
			    "UPDATE bio_enrolments SET current = 0,"
			    " state = CASE WHEN state = 'unique' THEN 'superseded' ELSE state END"
			    " WHERE id_number = ? AND current = 1",
			    "t", idn)) < 0)
		goto out;
	/* Hits on pairs already adjudicated as different persons are dropped. */
	int kept = 0;
	for (int i = 0; i < w->nhits; i++) {
		int known = 0;
		if ((rc = distinct_pair(tx, idn, w->hits[i].id_number, &known, err)) != SH_OK)
			goto out;
		if (!known)
			w->hits[kept++] = w->hits[i];
	}
	w->nhits = kept;
	snprintf(out->state, sizeof out->state, "%s", w->nhits ? "held" : "unique");
	snprintf(liveness, sizeof liveness, "%.3f", w->cap.liveness);
	if ((rc = insert_id(tx, &eid, err,
			    "INSERT INTO bio_enrolments(id_number, version, state, current, device_id,"
			    " operator, captured_at, liveness, document, exemption, created_at)"
			    " VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			    "titttittti", idn, version, out->state, w->cap.device_id,
			    w->cap.operator_name, w->cap.captured_at, liveness,
			    r->document ? r->document : "id_card",
			    r->exemption ? r->exemption : "none", (int64_t)time(NULL))) != SH_OK)
		goto out;
	if ((rc = bio_seal_person_key(tx, kr, idn, 1, key, err)) != SH_OK)
		goto out;
	for (int i = 0; i < r->nimages; i++) {
		const struct bio_finger_out *f = &out->finger[i];
		if ((rc = seal_row(tx, key, idn, eid, f->position, "image", r->image[i].bytes,
				   r->image[i].len, f->quality, f->low_quality, f->attempts,
				   err)) != SH_OK ||
		    (rc = seal_row(tx, key, idn, eid, f->position, "template", w->iso[i],
				   w->isolen[i], f->quality, f->low_quality, f->attempts,
				   err)) != SH_OK)
			goto out;
	}
	for (int i = 0; i < r->nmissing; i++)
		if ((rc = store_run(tx, err,
				    "INSERT INTO bio_samples(enrolment_id, position, kind, missing_reason)"
				    " VALUES (?, ?, 'missing', ?)",
				    "iit", eid, (int64_t)r->missing[i].position,
				    r->missing[i].reason)) < 0)
			goto out;
	char obj[32], detail[256];
	snprintf(obj, sizeof obj, "person:%s", idn);
	for (int i = 0; i < w->nhits; i++) {
		struct sh_buf b;
		sh_buf_init(&b, 4096);
		int bad = sh_buf_puts(&b, "{\"fingers\":[");
		for (int k = 0; !bad && k < w->hits[i].nfingers; k++)
			bad = sh_buf_printf(&b, "%s{\"position\":%d,\"score\":%.4f}", k ? "," : "",
					    w->hits[i].position[k], (double)w->hits[i].score[k]);
		if (!bad && w->hits[i].cross_position)
			bad = sh_buf_printf(&b, "],\"cross\":{\"position\":%d,\"candidate_position\":%d,"
					    "\"score\":%.4f", w->hits[i].cross_position,
					    w->hits[i].cross_candidate_position,
					    (double)w->hits[i].cross_score) ||
			      sh_buf_printf(&b, "},\"rule\":\"cross-position: one finger at FMR "
					    "0.01%%\"}");
		else
			bad = bad || sh_buf_printf(&b, "],\"rule\":\"%s\"}", BIO_DEDUP_RULE);
		char score[16];
		snprintf(score, sizeof score, "%.4f", (double)w->hits[i].fused);
		if (bad) {
			sh_buf_free(&b);
			rc = sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "case detail");
			goto out;
		}
		rc = insert_id(tx, &out->case_id[i], err,
			       "INSERT INTO bio_cases(enrolment_id, id_number, candidate_enrolment_id,"
			       " candidate_id_number, score, detail, state, opened_at)"
			       " VALUES (?, ?, ?, ?, ?, ?, 'open', ?) RETURNING id",
			       "itittti", eid, idn, w->hits[i].enrolment_id, w->hits[i].id_number,
			       score, b.data, (int64_t)time(NULL));
		sh_buf_free(&b);
		if (rc != SH_OK)
			goto out;
		out->hit[i] = w->hits[i];
		snprintf(detail, sizeof detail,
			 "{\"case\":%lld,\"candidate\":\"%s\",\"score\":%s}",
			 (long long)out->case_id[i], w->hits[i].id_number, score);
		if ((rc = audit_append(tx, actor, "bio.case.open", obj, detail, err)) != SH_OK)
			goto out;
	}
	out->ncases = w->nhits;
	snprintf(detail, sizeof detail,
		 "{\"version\":%lld,\"state\":\"%s\",\"fingers\":%d,\"missing\":%d,"
		 "\"device\":\"%s\",\"hits\":%d}",
		 (long long)version, out->state, r->nimages, r->nmissing, w->cap.device_id,
		 w->nhits);
	if ((rc = audit_append(tx, actor, "bio.enrol", obj, detail, err)) != SH_OK)
		goto out;
	out->enrolment_id = eid;
	out->version = (int)version;
	rc = SH_OK;
out:
	store_finalize(st);
	sodium_free(key);
	return rc;
}

static int insert_id(store_tx *tx, int64_t *id, struct sh_err *err, const char *sql,
		     const char *types, ...)
{
	/* An INSERT ... RETURNING id, bound from a type string as store_query
	 * binds ('t' text, 'i' int64). */
	store_stmt *st = NULL;
	int rc = store_prepare(tx, sql, &st, err);
	if (rc != SH_OK)
		return rc;
	va_list ap;
	va_start(ap, types);
	for (int i = 0; types[i]; i++) {
		if (types[i] == 't')
			store_bind_text(st, i + 1, va_arg(ap, const char *));
		else
			store_bind_int(st, i + 1, va_arg(ap, int64_t));
	}
	va_end(ap);
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		*id = store_col_int(st, 0);
		rc = SH_OK;
	} else if (rc == STORE_DONE) {
		rc = sh_err_set(err, SH_EDB, "BIO_INSERT", "insert returned no id");
	}
	store_finalize(st);
	return rc;
}

static double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int bio_enrol(store *db, const struct keyring *kr, struct bio_gallery *g,
	      const struct audit_actor *actor, const struct bio_enrol_req *r,
	      struct bio_enrol_result *out, struct sh_err *err)
{
	struct work *w = bio_work_new();
	store_tx *tx = NULL;
	struct person p;
	int rc, locked = 0, recapture = 0;
	memset(out, 0, sizeof *out);
	if (!w)
		return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "enrolment");
	if ((rc = bio_capture_parse(r->envelope, r->envelope_len, &w->cap, err)) != SH_OK ||
	    (rc = bio_check_request(r, actor, w, err)) != SH_OK)
		goto out;
	/* Cheap refusals before the costly extraction: a read of the person,
	 * the policy and the device (the write below checks all again). */
	if ((rc = store_begin(db, STORE_READ, &tx, err)) != SH_OK)
		goto out;
	rc = check_person(tx, r, w, &p, err);
	if (rc == SH_OK) {
		struct bio_device d;
		rc = bio_device_get(tx, w->cap.device_id, &d, err);
		if (rc == SH_ENOTFOUND)
			rc = sh_err_set(err, SH_EFORBIDDEN, "DEVICE_UNKNOWN",
					"device %s is not registered", w->cap.device_id);
		else if (rc == SH_OK && keyring_verify(d.public_key, r->envelope, r->envelope_len,
						       r->signature) != SH_OK)
			rc = sh_err_set(err, SH_EUNAUTH, "CAPTURE_SIGNATURE",
					"the capture is not signed by device %s", w->cap.device_id);
	}
	store_rollback(tx);
	tx = NULL;
	if (rc != SH_OK || (rc = bio_extract_all(r, w, err)) != SH_OK)
		goto out;
	bio_gallery_lock(g);
	locked = 1;
	double t0 = mono_ms();
	if ((rc = bio_gallery_search(g, &w->probe, p.id_number, w->hits, &w->nhits, err)) != SH_OK)
		goto out;
	out->search_ms = mono_ms() - t0;
	out->gallery_fingers = bio_gallery_fingers(g);
	if ((rc = store_begin(db, STORE_WRITE, &tx, err)) != SH_OK)
		goto out;
	if ((rc = check_person(tx, r, w, &p, err)) != SH_OK ||
	    (rc = bio_capture_check(tx, r->envelope, r->envelope_len, r->signature, &w->cap,
				    r->station, (int64_t)time(NULL), err)) != SH_OK ||
	    (rc = count_attempts(tx, p.id_number, r, w, out, &recapture, err)) != SH_OK)
		goto out;
	if (recapture) {
		rc = store_commit(tx, err);
		tx = NULL;
		if (rc == SH_OK)
			rc = sh_err_set(err, SH_ERULE, "RECAPTURE_NEEDED",
					"a finger is below the quality floor (%d): capture it again",
					BIO_QUALITY_FLOOR);
		goto out;
	}
	if ((rc = write_enrolment(tx, kr, actor, r, &p, w, out, err)) != SH_OK)
		goto out;
	rc = store_commit(tx, err);
	tx = NULL;
	if (rc != SH_OK)
		goto out;
	/* Committed: the gallery must now hold it. A failure here (memory) is
	 * logged by the caller; the next start loads it from storage. */
	rc = bio_gallery_add(g, out->enrolment_id, p.id_number, &w->probe, err);
out:
	if (tx)
		store_rollback(tx);
	if (locked)
		bio_gallery_unlock(g);
	bio_work_free(w);
	return rc;
}

int bio_status_get(store_tx *tx, const char *id_number, struct bio_status *out,
		   struct sh_err *err)
{
	store_stmt *st = NULL;
	memset(out, 0, sizeof *out);
	int64_t eid = 0;
	int rc = store_query(tx, &st, err,
			     "SELECT id, version, state, created_at, device_id FROM bio_enrolments"
			     " WHERE id_number = ? AND current = 1",
			     "t", id_number);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		out->enrolled = 1;
		eid = store_col_int(st, 0);
		out->version = (int)store_col_int(st, 1);
		snprintf(out->state, sizeof out->state, "%s", store_col_text(st, 2));
		out->enrolled_at = store_col_int(st, 3);
		snprintf(out->device_id, sizeof out->device_id, "%s", store_col_text(st, 4));
	}
	store_finalize(st);
	st = NULL;
	if (rc <= 0)
		return rc < 0 ? rc : SH_OK;
	rc = store_query(tx, &st, err,
			 "SELECT position, quality, low_quality, attempts, missing_reason,"
			 " engine_version FROM bio_samples WHERE enrolment_id = ?"
			 " AND kind IN ('template', 'missing') ORDER BY position",
			 "i", eid);
	if (rc != SH_OK)
		return rc;
	while ((rc = store_step(st, err)) == STORE_ROW && out->nfingers < BIO_MAX_ITEMS) {
		struct bio_status_finger *f = &out->finger[out->nfingers++];
		f->position = (int)store_col_int(st, 0);
		f->quality = (int)store_col_int(st, 1);
		f->low_quality = (int)store_col_int(st, 2);
		f->attempts = (int)store_col_int(st, 3);
		snprintf(f->missing_reason, sizeof f->missing_reason, "%s",
			 store_col_text(st, 4) ? store_col_text(st, 4) : "");
		f->engine_version = (int)store_col_int(st, 5);
	}
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}
