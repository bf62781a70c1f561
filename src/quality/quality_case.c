/* quality_case.c — the cases fraud signals open (quality.h): listed for the
 * case officer and decided confirmed or dismissed with a reason, audited.
 * A decision records the officer's finding only: it changes no record of
 * any domain (the officer acts on a confirmed case through that domain). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/parse.h"
#include "quality/quality.h"

#define CASE_COLS                                                                        \
	"id, rule, subject, id_number, detail, state, first_run, last_run, opened_at,"      \
	" decided_at, decided_by, reason"

static void col(store_stmt *st, int c, char *out, size_t n)
{
	const char *s = store_col_text(st, c);
	snprintf(out, n, "%s", s ? s : "");
}

static void case_read(store_stmt *st, struct quality_case *c)
{
	memset(c, 0, sizeof *c);
	c->id = store_col_int(st, 0);
	col(st, 1, c->rule, sizeof c->rule);
	col(st, 2, c->subject, sizeof c->subject);
	col(st, 3, c->id_number, sizeof c->id_number);
	col(st, 4, c->detail, sizeof c->detail);
	col(st, 5, c->state, sizeof c->state);
	c->first_run = store_col_int(st, 6);
	c->last_run = store_col_int(st, 7);
	c->opened_at = store_col_int(st, 8);
	c->decided_at = store_col_int(st, 9);
	col(st, 10, c->decided_by, sizeof c->decided_by);
	col(st, 11, c->reason, sizeof c->reason);
}

int quality_cases_list(store_tx *tx, const char *state, const char *rule, int64_t after,
		       int limit, struct quality_case *out, int *n, struct sh_err *err)
{
	*n = 0;
	if (limit < 1 || limit > QUALITY_CASE_LIST_MAX)
		limit = QUALITY_CASE_LIST_MAX;
	store_stmt *st;
	int rc = store_query(tx, &st, err,
			     "SELECT " CASE_COLS " FROM quality_cases WHERE id > ?"
			     " AND (CAST(? AS TEXT) IS NULL OR state = ?)"
			     " AND (CAST(? AS TEXT) IS NULL OR rule = ?) ORDER BY id LIMIT ?",
			     "itttti", after, state, state, rule, rule, (int64_t)limit);
	if (rc != SH_OK)
		return rc;
	while ((rc = store_step(st, err)) == STORE_ROW && *n < limit)
		case_read(st, &out[(*n)++]);
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}

int quality_case_get(store_tx *tx, int64_t id, struct quality_case *out, struct sh_err *err)
{
	store_stmt *st;
	int rc = store_query(tx, &st, err, "SELECT " CASE_COLS " FROM quality_cases WHERE id = ?",
			     "i", id);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		case_read(st, out);
	store_finalize(st);
	if (rc == STORE_DONE)
		return sh_err_set(err, SH_ENOTFOUND, "CASE_NOT_FOUND", "no quality case %lld",
				  (long long)id);
	return rc < 0 ? rc : SH_OK;
}

int quality_case_decide(store_tx *tx, const struct audit_actor *actor, int64_t id,
			const char *decision, const char *reason, struct quality_case *out,
			struct sh_err *err)
{
	if (!decision || (strcmp(decision, "confirmed") && strcmp(decision, "dismissed")))
		return sh_err_set(err, SH_EINVAL, "DECISION_INVALID",
				  "decision is confirmed or dismissed");
	if (!reason || !*reason || strlen(reason) > 250)
		return sh_err_set(err, SH_EINVAL, "REASON_REQUIRED",
				  "a decision needs a reason (up to 250 bytes)");
	const char *who = actor && actor->name ? actor->name : "system";
	int rc = store_run(tx, err,
			   "UPDATE quality_cases SET state = ?, decided_by = ?, decided_at = ?,"
			   " reason = ? WHERE id = ? AND state = 'open'",
			   "ttiti", decision, who, sh_now(), reason, id);
	if (rc < 0)
		return rc;
	int changed = rc;
	if ((rc = quality_case_get(tx, id, out, err)) != SH_OK)
		return rc; /* CASE_NOT_FOUND */
	if (!changed)
		return sh_err_set(err, SH_ECONFLICT, "CASE_DECIDED",
				  "quality case %lld was decided already (%s)", (long long)id,
				  out->state);
	char obj[40];
	snprintf(obj, sizeof obj, "quality_case:%lld", (long long)id);
	json_t *d = json_pack("{s:s, s:s, s:s, s:s}", "rule", out->rule, "decision", decision,
			      "reason", reason, "person", out->id_number);
	char *detail = d ? json_dumps(d, JSON_COMPACT) : NULL;
	json_decref(d);
	if (!detail)
		return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "decision");
	rc = audit_append(tx, actor, "quality.case.decide", obj, detail, err);
	free(detail);
	return rc;
}
