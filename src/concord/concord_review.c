/* concord_review.c — the review queue of the uncertain band: an operator
 * says whether a council record and its candidate are the same person;
 * the decision is audited and every later linkage run keeps it. */
#include "concord/concord.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/parse.h"
#include "registry/person.h"

int concord_record_council(store_tx *tx, int64_t record_id, char council[32],
			   struct sh_err *err)
{
	store_stmt *st = NULL;
	int rc = store_query(tx, &st, err, "SELECT council_code FROM concord_records WHERE id = ?",
			     "i", record_id);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		snprintf(council, 32, "%s", store_col_text(st, 0));
		rc = SH_OK;
	} else if (rc == STORE_DONE) {
		rc = sh_err_set(err, SH_ENOTFOUND, "RECORD_NOT_FOUND", "no council record %lld",
				(long long)record_id);
	}
	store_finalize(st);
	return rc;
}

int concord_review_list(store_tx *tx, const char *council, size_t limit, json_t **out,
			struct sh_err *err)
{
	*out = NULL;
	json_t *items = json_array();
	if (!items)
		return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "out of memory");
	store_stmt *st = NULL;
	int rc = store_query(tx, &st, err,
			     "SELECT r.id, r.register_no, r.name, r.given, r.family, r.father,"
			     " r.name_ur, r.father_ur, r.dob, r.sex, r.id_number, r.address,"
			     " l.person_id, l.probability_ppm"
			     " FROM concord_links l JOIN concord_records r ON r.id = l.record_id"
			     " WHERE l.council_code = ? AND l.status = 'review' ORDER BY r.id LIMIT ?",
			     "ti", council, (int64_t)limit);
	if (rc != SH_OK)
		goto out;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const char *pid = store_col_text(st, 12);
		struct person p;
		struct sh_err perr = {0};
		json_t *cand = json_null();
		if (pid && person_get(tx, pid, &p, &perr) == SH_OK) {
			char dob[11] = "";
			if (p.dob.year)
				snprintf(dob, sizeof dob,
					 p.dob_precision == DOB_YEAR_ONLY ? "%04u" : "%04u-%02u-%02u",
					 (unsigned)p.dob.year % 10000u, (unsigned)p.dob.month % 100u, (unsigned)p.dob.day % 100u);
			cand = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "person_id",
					 p.id_number, "name_en", p.name_en, "name_ur", p.name_ur,
					 "guardian_name_en", p.guardian_name_en, "guardian_name_ur",
					 p.guardian_name_ur, "dob", dob, "sex", person_gender_name(p.gender),
					 "council_code", p.council_code);
		}
		json_t *rec = json_pack(
			"{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "record_id",
			(json_int_t)store_col_int(st, 0), "council_code", council, "register_no",
			store_col_text(st, 1), "name", store_col_text(st, 2), "given",
			store_col_text(st, 3), "family", store_col_text(st, 4), "father",
			store_col_text(st, 5), "name_ur", store_col_text(st, 6), "father_ur",
			store_col_text(st, 7), "dob", store_col_text(st, 8), "sex",
			store_col_text(st, 9), "id_number", store_col_text(st, 10));
		json_t *item = json_pack("{s:o, s:o, s:f}", "record", rec, "candidate", cand,
					 "probability", (double)store_col_int(st, 13) / 1e6);
		if (!item || json_array_append_new(items, item) != 0) {
			rc = sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "out of memory");
			goto out;
		}
	}
	if (rc != STORE_DONE)
		goto out;
	rc = SH_OK;
	*out = items;
	items = NULL;
out:
	store_finalize(st);
	json_decref(items);
	return rc;
}

int concord_review_decide(store_tx *tx, const struct audit_actor *actor, int64_t record_id,
			  const char *person_id, const char *decision, const char *reason,
			  struct sh_err *err)
{
	int same;
	if (decision && !strcmp(decision, "same"))
		same = 1;
	else if (decision && !strcmp(decision, "different"))
		same = 0;
	else
		return sh_err_set(err, SH_EINVAL, "DECISION_INVALID",
				  "decision is \"same\" or \"different\"");
	if (!reason || !reason[0])
		return sh_err_set(err, SH_EINVAL, "REASON_REQUIRED", "a reason is required");
	if (strlen(reason) > 500)
		return sh_err_set(err, SH_EINVAL, "REASON_TOO_LONG", "a reason of at most 500 bytes");
	char council[32];
	int rc = concord_record_council(tx, record_id, council, err);
	if (rc != SH_OK)
		return rc;
	struct person p;
	rc = person_get(tx, person_id ? person_id : "", &p, err);
	if (rc != SH_OK)
		return rc;
	int64_t now = sh_now();
	const char *who = actor && actor->name ? actor->name : "system";
	rc = store_run(tx, err,
		       "INSERT INTO concord_decisions (record_id, person_id, decision, reason, actor,"
		       " decided_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (record_id, person_id)"
		       " DO UPDATE SET decision = excluded.decision, reason = excluded.reason,"
		       " actor = excluded.actor, decided_at = excluded.decided_at",
		       "itttti", record_id, p.id_number, same ? "same" : "different", reason, who, now);
	if (rc < 0)
		return rc;
	/* The record's current result follows the decision at once; the next
	 * linkage run reaches the same answer from concord_decisions. */
	if (same) {
		rc = store_run(tx, err,
			       "INSERT INTO concord_links (record_id, council_code, status, person_id,"
			       " probability_ppm, decided, linked_at) VALUES (?, ?, 'link', ?, 1000000, 1, ?)"
			       " ON CONFLICT (record_id) DO UPDATE SET status = 'link',"
			       " person_id = excluded.person_id, probability_ppm = 1000000, decided = 1,"
			       " linked_at = excluded.linked_at",
			       "itti", record_id, council, p.id_number, now);
	} else {
		rc = store_run(tx, err,
			       "UPDATE concord_links SET status = 'nonlink', person_id = NULL,"
			       " probability_ppm = 0, decided = 1, linked_at = ?"
			       " WHERE record_id = ? AND person_id = ?",
			       "iit", now, record_id, p.id_number);
	}
	if (rc < 0)
		return rc;
	char object[40];
	snprintf(object, sizeof object, "concord_record:%lld", (long long)record_id);
	json_t *d = json_pack("{s:s, s:s, s:s, s:s}", "person_id", p.id_number, "decision",
			      same ? "same" : "different", "reason", reason, "council_code", council);
	char *detail = d ? json_dumps(d, JSON_COMPACT) : NULL;
	json_decref(d);
	if (!detail)
		return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "out of memory");
	rc = audit_append(tx, actor, "concord.review", object, detail, err);
	free(detail);
	return rc;
}
