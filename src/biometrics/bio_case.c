/* bio_case.c — adjudication cases (bio_case.h). */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "biometrics/bio_case.h"
#include "ledger/ledger.h"

#define CASE_COLS                                                                            \
	"SELECT id, enrolment_id, candidate_enrolment_id, id_number, candidate_id_number,"   \
	" score, detail, state, opened_at, COALESCE(decided_at, 0), COALESCE(decided_by, ''),"\
	" COALESCE(reason, '') FROM bio_cases"

static void read_case(store_stmt *st, struct bio_case *c)
{
	memset(c, 0, sizeof *c);
	c->id = store_col_int(st, 0);
	c->enrolment_id = store_col_int(st, 1);
	c->candidate_enrolment_id = store_col_int(st, 2);
	snprintf(c->id_number, sizeof c->id_number, "%s", store_col_text(st, 3));
	snprintf(c->candidate_id_number, sizeof c->candidate_id_number, "%s", store_col_text(st, 4));
	snprintf(c->score, sizeof c->score, "%s", store_col_text(st, 5));
	snprintf(c->detail, sizeof c->detail, "%s", store_col_text(st, 6));
	snprintf(c->state, sizeof c->state, "%s", store_col_text(st, 7));
	c->opened_at = store_col_int(st, 8);
	c->decided_at = store_col_int(st, 9);
	snprintf(c->decided_by, sizeof c->decided_by, "%s", store_col_text(st, 10));
	snprintf(c->reason, sizeof c->reason, "%s", store_col_text(st, 11));
}

int bio_case_get(store_tx *tx, int64_t id, struct bio_case *out, struct sh_err *err)
{
	store_stmt *st = NULL;
	int rc = store_query(tx, &st, err, CASE_COLS " WHERE id = ?", "i", id);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		read_case(st, out);
	store_finalize(st);
	if (rc == STORE_DONE)
		return sh_err_set(err, SH_ENOTFOUND, "CASE_NOT_FOUND", "no case %lld", (long long)id);
	return rc < 0 ? rc : SH_OK;
}

int bio_case_list(store_tx *tx, const char *state, int64_t after, int limit,
		  struct bio_case *out, int *n, struct sh_err *err)
{
	store_stmt *st = NULL;
	*n = 0;
	int rc = state ? store_query(tx, &st, err, CASE_COLS " WHERE state = ? AND id > ? ORDER BY id"
						   " LIMIT ?",
				     "tii", state, after, (int64_t)limit)
		       : store_query(tx, &st, err, CASE_COLS " WHERE id > ? ORDER BY id LIMIT ?", "ii",
				     after, (int64_t)limit);
	if (rc != SH_OK)
		return rc;
	while (*n < limit && (rc = store_step(st, err)) == STORE_ROW)
		read_case(st, &out[(*n)++]);
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}

static int set_state(store_tx *tx, int64_t enrolment_id, const char *state, struct sh_err *err)
{
	int rc = store_run(tx, err, "UPDATE bio_enrolments SET state = ? WHERE id = ?", "ti", state,
			   enrolment_id);
	return rc < 0 ? rc : SH_OK;
}

int bio_case_decide(store_tx *tx, const struct audit_actor *actor, int64_t id,
		    const char *decision, const char *reason, struct bio_case *out,
		    struct sh_err *err)
{
	int same = decision && !strcmp(decision, "same_person");
	if (!same && !(decision && !strcmp(decision, "different_persons")))
		return sh_err_set(err, SH_EINVAL, "DECISION_INVALID",
				  "decision is same_person or different_persons");
	if (!reason || !*reason || strlen(reason) > 250)
		return sh_err_set(err, SH_EINVAL, "REASON_REQUIRED",
				  "a decision needs a reason (up to 250 bytes)");
	int rc = store_run(tx, err,
			   "UPDATE bio_cases SET state = ?, decided_by = ?, decided_at = ?, reason = ?"
			   " WHERE id = ? AND state = 'open'",
			   "ttiti", decision, actor->name ? actor->name : "system", (int64_t)time(NULL),
			   reason, id);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		if ((rc = bio_case_get(tx, id, out, err)) != SH_OK)
			return rc; /* CASE_NOT_FOUND */
		return sh_err_set(err, SH_ECONFLICT, "CASE_DECIDED", "case %lld was decided already",
				  (long long)id);
	}
	if ((rc = bio_case_get(tx, id, out, err)) != SH_OK)
		return rc;
	char obj[32];
	snprintf(obj, sizeof obj, "bio_case:%lld", (long long)id);
	json_t *d = json_pack("{s:s, s:s, s:s, s:s}", "decision", decision, "reason", reason,
			      "person", out->id_number, "candidate", out->candidate_id_number);
	char *detail = d ? json_dumps(d, JSON_COMPACT) : NULL;
	json_decref(d);
	if (!detail)
		return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "decision");
	if (same) {
		/* The later enrolment is the one that tried to take a second
		 * identity: it is blocked; the earlier record is flagged. */
		if ((rc = set_state(tx, out->enrolment_id, "blocked", err)) != SH_OK ||
		    (rc = store_run(tx, err,
				    "UPDATE bio_enrolments SET state = 'duplicate' WHERE id_number = ?"
				    " AND current = 1 AND state IN ('unique', 'held')",
				    "t", out->candidate_id_number)) < 0 ||
		    (rc = ledger_fraud_signal(tx, "duplicate_identity", out->id_number, 0, NULL,
					      detail, err)) != SH_OK)
			goto out;
		/* Other open cases of the blocked enrolment are moot: closed with it. */
		if ((rc = store_run(tx, err,
				    "UPDATE bio_cases SET state = 'closed_blocked', decided_by = ?,"
				    " decided_at = ?, reason = 'enrolment blocked by case'"
				    " WHERE enrolment_id = ? AND state = 'open'",
				    "tii", actor->name ? actor->name : "system", (int64_t)time(NULL),
				    out->enrolment_id)) < 0)
			goto out;
	} else {
		const char *a = strcmp(out->id_number, out->candidate_id_number) < 0
					? out->id_number : out->candidate_id_number;
		const char *b = a == out->id_number ? out->candidate_id_number : out->id_number;
		if ((rc = store_run(tx, err,
				    "INSERT INTO bio_distinct_pairs(a, b, case_id) VALUES (?, ?, ?)"
				    " ON CONFLICT (a, b) DO NOTHING",
				    "tti", a, b, id)) < 0 ||
		    (rc = store_run(tx, err,
				    "UPDATE bio_enrolments SET state = 'unique' WHERE id = ?"
				    " AND state = 'held' AND NOT EXISTS (SELECT 1 FROM bio_cases"
				    " WHERE enrolment_id = ? AND state = 'open')",
				    "ii", out->enrolment_id, out->enrolment_id)) < 0)
			goto out;
	}
	rc = audit_append(tx, actor, "bio.case.decide", obj, detail, err);
out:
	free(detail);
	return rc < 0 ? rc : SH_OK;
}

int bio_enrolment_positions(store_tx *tx, int64_t enrolment_id, unsigned *mask,
			    struct sh_err *err)
{
	store_stmt *st = NULL;
	*mask = 0;
	int rc = store_query(tx, &st, err,
			     "SELECT position FROM bio_samples WHERE enrolment_id = ? AND kind = 'image'",
			     "i", enrolment_id);
	if (rc != SH_OK)
		return rc;
	while ((rc = store_step(st, err)) == STORE_ROW)
		*mask |= 1u << (unsigned)store_col_int(st, 0);
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}

int bio_case_image(store_tx *tx, const struct keyring *kr, const struct audit_actor *actor,
		   int64_t case_id, const char *side, int position, const char *reason,
		   unsigned char **bytes, size_t *len, struct sh_err *err)
{
	struct bio_case c;
	store_stmt *st = NULL;
	unsigned char *key = NULL;
	*bytes = NULL;
	if (!reason || !*reason || strlen(reason) > 250)
		return sh_err_set(err, SH_EINVAL, "REASON_REQUIRED",
				  "viewing a biometric image needs a reason (up to 250 bytes)");
	int probe = side && !strcmp(side, "probe");
	if (!probe && !(side && !strcmp(side, "candidate")))
		return sh_err_set(err, SH_EINVAL, "SIDE_INVALID", "side is probe or candidate");
	int rc = bio_case_get(tx, case_id, &c, err);
	if (rc != SH_OK)
		return rc;
	const char *idn = probe ? c.id_number : c.candidate_id_number;
	int64_t eid = probe ? c.enrolment_id : c.candidate_enrolment_id;
	if ((rc = store_query(tx, &st, err,
			      "SELECT sealed FROM bio_samples WHERE enrolment_id = ? AND position = ?"
			      " AND kind = 'image'",
			      "ii", eid, (int64_t)position)) != SH_OK)
		return rc;
	if ((rc = store_step(st, err)) != STORE_ROW) {
		if (rc == STORE_DONE)
			rc = sh_err_set(err, SH_ENOTFOUND, "IMAGE_NOT_FOUND",
					"no image at position %d on that side", position);
		goto out;
	}
	key = sodium_malloc(BIO_DATA_KEY_BYTES);
	if (!key) {
		rc = sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "key");
		goto out;
	}
	if ((rc = bio_seal_person_key(tx, kr, idn, 0, key, err)) != SH_OK)
		goto out;
	size_t n = 0;
	const void *blob = store_col_blob(st, 0, &n);
	char ad[64];
	snprintf(ad, sizeof ad, "bio:%s:%lld:%d:image", idn, (long long)eid, position);
	if ((rc = bio_unseal(key, blob, n, ad, bytes, len, err)) != SH_OK)
		goto out;
	char obj[32];
	snprintf(obj, sizeof obj, "person:%s", idn);
	json_t *d = json_pack("{s:I, s:s, s:i, s:s}", "case", (json_int_t)case_id, "side", side,
			      "position", position, "reason", reason);
	char *detail = d ? json_dumps(d, JSON_COMPACT) : NULL;
	json_decref(d);
	rc = detail ? audit_append(tx, actor, "bio.image.view", obj, detail, err)
		    : sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "audit");
	free(detail);
out:
	if (rc != SH_OK) {
		free(*bytes);
		*bytes = NULL;
	}
	store_finalize(st);
	if (key)
		sodium_free(key);
	return rc;
}
