/* crvs_event.c — the civil event register: storing notices, reading them
 * back, who may see one, and the pending list of a council. The council's
 * decision on an event is crvs_register.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/roles.h"
#include "crvs/crvs_internal.h"

int crvs_event_insert(store_tx *tx, const struct crvs_ctx *c, const struct crvs_new_event *e,
		      int64_t *id, struct sh_err *err)
{
	char date[11];
	crvs_date_str(e->date, date);
	char *details = json_dumps(e->details, JSON_COMPACT | JSON_SORT_KEYS);
	if (!details)
		return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "event details");
	store_stmt *st;
	int rc = store_query(tx, &st, err,
			     "INSERT INTO crvs_events(kind, status, source, event_date, council_code,"
			     " council_a, council_b, subject_a, subject_b, sex, birth_order, late,"
			     " late_reason, details, submitted_by, submitted_at)"
			     " VALUES (?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			     " RETURNING id",
			     "tttttttttiittti", crvs_kind_name(e->kind), e->source, date, e->council,
			     e->council_a, e->council_b, e->subject_a, e->subject_b, e->sex,
			     (int64_t)e->birth_order, (int64_t)e->late,
			     e->late ? e->late_reason : NULL, details,
			     crvs_actor_name(c), sh_now());
	free(details);
	if (rc)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		*id = store_col_int(st, 0);
		rc = SH_OK;
	} else if (rc == STORE_DONE) {
		rc = sh_err_set(err, SH_EDB, "STORE_NO_ROW", "INSERT returned no id");
	}
	store_finalize(st);
	if (rc)
		return rc;
	json_t *d = json_pack("{s:s,s:s,s:s,s:b}", "source", e->source, "council", e->council,
			      "date", date, "late", e->late);
	return crvs_event_audit(tx, c, *id, e->kind, "notify", d, err);
}

int crvs_event_mark_registered(store_tx *tx, const struct crvs_ctx *c, int64_t id,
			       const char *reg_no, const char *person_id, struct sh_err *err)
{
	int rc = store_run(tx, err,
			   "UPDATE crvs_events SET status = 'registered', decided_by = ?,"
			   " decided_at = ?, reg_no = ?, person_id = ? WHERE id = ? AND status = 'pending'",
			   "titti", crvs_actor_name(c), sh_now(),
			   reg_no, person_id, id);
	if (rc == 0)
		return sh_err_set(err, SH_ECONFLICT, "NOT_PENDING", "event %lld is not pending",
				  (long long)id);
	return rc < 0 ? rc : SH_OK;
}

void crvs_event_free(struct crvs_event *e)
{
	if (e) {
		free(e->details);
		e->details = NULL;
	}
}

#define EVENT_COLS                                                                         \
	"id, kind, status, source, event_date, council_code, subject_a, subject_b, late,"  \
	" late_reason, submitted_by, submitted_at, decided_by, reject_reason, person_id,"  \
	" reg_no, details, COALESCE(council_a, ''), COALESCE(council_b, '')"

static void text_col(store_stmt *st, int col, char *out, size_t n)
{
	const char *s = store_col_text(st, col);
	snprintf(out, n, "%s", s ? s : "");
}

static int event_row(store_stmt *st, struct crvs_event *e, struct sh_err *err)
{
	memset(e, 0, sizeof *e);
	e->id = store_col_int(st, 0);
	e->kind = (enum crvs_kind)crvs_kind_parse(store_col_text(st, 1));
	const char *status = store_col_text(st, 2);
	e->status = !strcmp(status, "registered") ? CRVS_REGISTERED
		    : !strcmp(status, "rejected") ? CRVS_REJECTED : CRVS_PENDING;
	text_col(st, 3, e->source, sizeof e->source);
	text_col(st, 4, e->event_date, sizeof e->event_date);
	text_col(st, 5, e->council_code, sizeof e->council_code);
	text_col(st, 6, e->subject_a, sizeof e->subject_a);
	text_col(st, 7, e->subject_b, sizeof e->subject_b);
	e->late = (int)store_col_int(st, 8);
	text_col(st, 9, e->late_reason, sizeof e->late_reason);
	text_col(st, 10, e->submitted_by, sizeof e->submitted_by);
	e->submitted_at = store_col_int(st, 11);
	text_col(st, 12, e->decided_by, sizeof e->decided_by);
	text_col(st, 13, e->reject_reason, sizeof e->reject_reason);
	text_col(st, 14, e->person_id, sizeof e->person_id);
	text_col(st, 15, e->reg_no, sizeof e->reg_no);
	const char *d = store_col_text(st, 16);
	text_col(st, 17, e->council_a, sizeof e->council_a);
	text_col(st, 18, e->council_b, sizeof e->council_b);
	e->details = strdup(d ? d : "{}");
	if (!e->details)
		return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "event details");
	return SH_OK;
}

static int event_one(store_tx *tx, struct crvs_event *out, struct sh_err *err, const char *sql,
		     const char *types, const char *a, int64_t id)
{
	store_stmt *st;
	int rc = types[0] == 'i' ? store_query(tx, &st, err, sql, "i", id)
				 : store_query(tx, &st, err, sql, "t", a);
	if (rc)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		rc = event_row(st, out, err);
	else if (rc == STORE_DONE)
		rc = sh_err_set(err, SH_ENOTFOUND, "EVENT_NOT_FOUND", "no such civil event");
	store_finalize(st);
	return rc;
}

int crvs_event_get(store_tx *tx, int64_t id, struct crvs_event *out, struct sh_err *err)
{
	return event_one(tx, out, err, "SELECT " EVENT_COLS " FROM crvs_events WHERE id = ?", "i",
			 NULL, id);
}

int crvs_event_find(store_tx *tx, enum crvs_kind kind, const char *person_id,
		    struct crvs_event *out, struct sh_err *err)
{
	if (kind == CRVS_BIRTH)
		return event_one(tx, out, err,
				 "SELECT " EVENT_COLS " FROM crvs_events WHERE person_id = ?"
				 " AND kind = 'birth' AND status = 'registered'",
				 "t", person_id, 0);
	return event_one(tx, out, err,
			 "SELECT " EVENT_COLS " FROM crvs_events WHERE subject_a = ?"
			 " AND kind = 'death' AND status = 'registered'",
			 "t", person_id, 0);
}

int crvs_pending(store_tx *tx, const char *council, int limit,
		 int (*fn)(void *ctx, const struct crvs_event *e), void *ctx, struct sh_err *err)
{
	store_stmt *st;
	int rc = store_query(tx, &st, err,
			     "SELECT " EVENT_COLS " FROM crvs_events WHERE status = 'pending' AND"
			     " (council_code = ? OR council_a = ? OR council_b = ?)"
			     " ORDER BY id LIMIT ?",
			     "ttti", council, council, council, (int64_t)(limit > 0 ? limit : 100));
	if (rc)
		return rc;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		struct crvs_event e;
		if ((rc = event_row(st, &e, err)) != SH_OK)
			break;
		int stop = fn(ctx, &e);
		crvs_event_free(&e);
		if (stop) {
			rc = STORE_DONE;
			break;
		}
	}
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}

int crvs_event_visible(const struct crvs_ctx *c, const struct crvs_event *e, struct sh_err *err)
{
	if (c->role_bit == ROLE_ADMIN)
		return SH_OK;
	const char *mine = c->council_code ? c->council_code : "";
	if (c->role_bit == ROLE_UC_REGISTRAR) {
		/* The councils that see it in their pending list. */
		if (*mine && (!strcmp(e->council_code, mine) || !strcmp(e->council_a, mine) ||
			      !strcmp(e->council_b, mine)))
			return SH_OK;
		return sh_err_set(err, SH_EFORBIDDEN, "WRONG_COUNCIL",
				  "event %lld is not in the jurisdiction of council %s",
				  (long long)e->id, *mine ? mine : "(none)");
	}
	/* A feeder (facility, nikah registrar, court) follows what it sent. */
	if (!strcmp(e->submitted_by, crvs_actor_name(c)))
		return SH_OK;
	return sh_err_set(err, SH_EFORBIDDEN, "NOT_SUBMITTER",
			  "event %lld was not submitted by %s", (long long)e->id,
			  crvs_actor_name(c));
}
