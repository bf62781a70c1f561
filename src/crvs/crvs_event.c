/* crvs_event.c — the civil event register: storing notices, listing the
 * pending ones of a council, and the council's register/reject decision. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/roles.h"
#include "crvs/crvs_internal.h"

struct sh_date crvs_today(const struct crvs_ctx *c)
{
	if (c->today.year)
		return c->today;
	return sh_date_today();
}

int crvs_tx_begin(const struct crvs_ctx *c, store_tx **tx, struct sh_err *err)
{
	return store_begin(c->db, STORE_WRITE, tx, err);
}

int crvs_tx_end(store_tx *tx, int rc, struct sh_err *err)
{
	if (rc < 0) {
		store_rollback(tx);
		return rc;
	}
	return store_commit(tx, err);
}

void crvs_date_str(struct sh_date d, char out[11])
{
	sh_date_format(d, out, 11);
}

int crvs_council(store_tx *tx, const char *code, struct address_council *out,
		 struct sh_err *err)
{
	if (!code || !*code)
		return sh_err_set(err, SH_EINVAL, "COUNCIL_REQUIRED", "council_code is required");
	int rc = address_council_get(tx, code, out, err);
	if (rc == SH_ENOTFOUND)
		return sh_err_set(err, SH_ERULE, "UNKNOWN_COUNCIL", "no union council %s", code);
	return rc;
}

int crvs_check_date(const struct crvs_ctx *c, struct sh_date d, struct sh_err *err)
{
	if (!sh_date_valid(d.year, d.month, d.day))
		return sh_err_set(err, SH_EINVAL, "DATE_INVALID", "the event date is not a date");
	if (sh_date_to_days(d) > sh_date_to_days(crvs_today(c)))
		return sh_err_set(err, SH_ERULE, "DATE_FUTURE", "the event date is in the future");
	return SH_OK;
}

int crvs_check_late(store_tx *tx, const struct crvs_ctx *c, struct sh_date d,
		    const char *reason, int *late, struct sh_err *err)
{
	struct crvs_rules rules;
	int rc = crvs_rules_get(tx, &rules, err);
	if (rc)
		return rc;
	int64_t age = sh_date_to_days(crvs_today(c)) - sh_date_to_days(d);
	*late = age > rules.late_days;
	if (*late && (!reason || !*reason))
		return sh_err_set(err, SH_ERULE, "LATE_REASON_REQUIRED",
				  "the event is %lld days old (more than %d): a reason for the "
				  "late registration is required",
				  (long long)age, rules.late_days);
	return SH_OK;
}

int crvs_notice_source(const struct crvs_ctx *c, const char *documents, const char *what,
		       const char **source, struct sh_err *err)
{
	*source = c->role_bit == ROLE_HEALTH_NOTIFIER ? "facility" : "self_declaration";
	if (!strcmp(*source, "self_declaration") && !documents[0])
		return sh_err_set(err, SH_ERULE, "DOCUMENTS_REQUIRED",
				  "a self-declared %s needs supporting documents", what);
	return SH_OK;
}

int crvs_party(store_tx *tx, const char *id, const char *label, struct sh_date on,
	       struct person *out, struct sh_err *err)
{
	if (!id || !*id)
		return sh_err_set(err, SH_EINVAL, "PARTY_REQUIRED", "the %s's identity number is required",
				  label);
	int rc = person_get(tx, id, out, err);
	if (rc == SH_ENOTFOUND)
		return sh_err_set(err, SH_ERULE, "PARTY_NOT_FOUND", "the %s (%s) is not registered",
				  label, id);
	if (rc == SH_EINVAL)
		return sh_err_set(err, SH_EINVAL, "IDNUM_INVALID",
				  "the %s's identity number is not valid", label);
	if (rc)
		return rc;
	if (out->status == PERSON_CANCELLED)
		return sh_err_set(err, SH_ERULE, "PERSON_CANCELLED", "the %s's record is cancelled",
				  label);
	if (sh_date_to_days(on) < sh_date_to_days(out->dob))
		return sh_err_set(err, SH_ERULE, "EVENT_BEFORE_BIRTH",
				  "the event is dated before the %s's birth", label);
	/* No event for a person after their date of death. */
	if (out->status == PERSON_DECEASED &&
	    sh_date_to_days(on) > sh_date_to_days(out->date_of_death))
		return sh_err_set(err, SH_ERULE, "EVENT_AFTER_DEATH",
				  "the event is dated after the %s's death", label);
	return SH_OK;
}

void crvs_reg_no(enum crvs_kind k, struct sh_date d, int64_t id, char out[32])
{
	static const char letters[] = "?BDMT";
	snprintf(out, 32, "%c-%04d-%06lld", letters[(int)k <= 4 ? k : 0], d.year, (long long)id);
}

int crvs_audit(store_tx *tx, const struct crvs_ctx *c, const char *action, const char *object,
	       json_t *detail, struct sh_err *err)
{
	char *text = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if (detail && !text)
		return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "audit detail");
	int rc = audit_append(tx, c->actor, action, object, text, err);
	free(text);
	return rc;
}

const char *crvs_json_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

void crvs_json_copy(json_t *o, const char *key, char *out, size_t n)
{
	snprintf(out, n, "%s", crvs_json_str(o, key));
}

/* Who submitted or decided, as the event register records it. */
static const char *actor_name(const struct crvs_ctx *c)
{
	return c->actor && c->actor->name ? c->actor->name : "system";
}

/* Audit action "crvs.<kind>.<verb>" on object "crvs_event:<id>"; takes
 * detail (may be NULL). */
static int event_audit(store_tx *tx, const struct crvs_ctx *c, int64_t id, enum crvs_kind kind,
		       const char *verb, json_t *detail, struct sh_err *err)
{
	char object[48], action[48];
	snprintf(object, sizeof object, "crvs_event:%lld", (long long)id);
	snprintf(action, sizeof action, "crvs.%s.%s", crvs_kind_name(kind), verb);
	int rc = crvs_audit(tx, c, action, object, detail, err);
	json_decref(detail);
	return rc;
}

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
			     actor_name(c), sh_now());
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
	return event_audit(tx, c, *id, e->kind, "notify", d, err);
}

int crvs_event_mark_registered(store_tx *tx, const struct crvs_ctx *c, int64_t id,
			       const char *reg_no, const char *person_id, struct sh_err *err)
{
	int rc = store_run(tx, err,
			   "UPDATE crvs_events SET status = 'registered', decided_by = ?,"
			   " decided_at = ?, reg_no = ?, person_id = ? WHERE id = ? AND status = 'pending'",
			   "titti", actor_name(c), sh_now(),
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
	" reg_no, details"

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

/* Only the council where the event happened, or a person's council, may
 * decide it (the jurisdiction rule); an administrator may act for
 * any council. */
static int check_jurisdiction(store_tx *tx, const struct crvs_ctx *c, int64_t id,
			      struct sh_err *err)
{
	if (c->role_bit == ROLE_ADMIN)
		return SH_OK;
	const char *mine = c->council_code ? c->council_code : "";
	store_stmt *st;
	int rc = store_query(tx, &st, err,
			     "SELECT 1 FROM crvs_events WHERE id = ? AND (council_code = ? OR"
			     " council_a = ? OR council_b = ?)",
			     "ittt", id, mine, mine, mine);
	if (rc)
		return rc;
	rc = store_step(st, err);
	store_finalize(st);
	if (rc == STORE_DONE)
		return sh_err_set(err, SH_ERULE, "WRONG_COUNCIL",
				  "council %s is neither where the event happened nor a party's "
				  "council",
				  *mine ? mine : "(none)");
	return rc < 0 ? rc : SH_OK;
}

/* The event `id`, which must still be pending and in c's jurisdiction. */
static int decidable_event(store_tx *tx, const struct crvs_ctx *c, int64_t id,
			   struct crvs_event *e, struct sh_err *err)
{
	int rc = crvs_event_get(tx, id, e, err);
	if (rc != SH_OK)
		return rc;
	if (e->status != CRVS_PENDING)
		return sh_err_set(err, SH_ECONFLICT, "NOT_PENDING", "event %lld is already %s",
				  (long long)id, crvs_status_name(e->status));
	return check_jurisdiction(tx, c, id, err);
}

int crvs_register(const struct crvs_ctx *c, int64_t event_id, const struct crvs_registration *r,
		  struct crvs_outcome *out, struct sh_err *err)
{
	store_tx *tx;
	struct crvs_event e = {0};
	memset(out, 0, sizeof *out);
	int rc = crvs_tx_begin(c, &tx, err);
	if (rc)
		return rc;
	if ((rc = decidable_event(tx, c, event_id, &e, err)) != SH_OK)
		goto out;
	if ((rc = crvs_talaq_settle(tx, c->actor, crvs_today(c), err)) < 0)
		goto out;
	out->event_id = event_id;
	out->late = e.late;
	switch (e.kind) {
	case CRVS_BIRTH: rc = crvs_birth_register(tx, c, &e, r, out, err); break;
	case CRVS_DEATH: rc = crvs_death_register(tx, c, &e, out, err); break;
	case CRVS_MARRIAGE: rc = crvs_marriage_register(tx, c, &e, out, err); break;
	case CRVS_DIVORCE: rc = crvs_divorce_register(tx, c, &e, out, err); break;
	default: rc = sh_err_set(err, SH_EINTERNAL, "EVENT_KIND", "unknown event kind");
	}
	if (rc)
		goto out;
	if ((rc = crvs_event_mark_registered(tx, c, event_id, out->reg_no,
					     out->person_id[0] ? out->person_id : NULL, err)))
		goto out;
	rc = event_audit(tx, c, event_id, e.kind, "register",
			 json_pack("{s:s,s:s}", "reg_no", out->reg_no, "person", out->person_id), err);
out:
	crvs_event_free(&e);
	return crvs_tx_end(tx, rc, err);
}

int crvs_reject(const struct crvs_ctx *c, int64_t event_id, const char *reason,
		struct sh_err *err)
{
	if (!reason || !*reason)
		return sh_err_set(err, SH_EINVAL, "REASON_REQUIRED", "a reason for rejecting is required");
	if (strlen(reason) >= CRVS_TEXT_MAX)
		return sh_err_set(err, SH_ETOOBIG, "REASON_TOO_LONG", "reason too long");
	store_tx *tx;
	int rc = crvs_tx_begin(c, &tx, err);
	if (rc)
		return rc;
	struct crvs_event e = {0};
	if ((rc = decidable_event(tx, c, event_id, &e, err)) != SH_OK)
		goto out;
	rc = store_run(tx, err,
		       "UPDATE crvs_events SET status = 'rejected', decided_by = ?, decided_at = ?,"
		       " reject_reason = ? WHERE id = ?",
		       "titi", actor_name(c), sh_now(),
		       reason, event_id);
	if (rc < 0)
		goto out;
	rc = event_audit(tx, c, event_id, e.kind, "reject", json_pack("{s:s}", "reason", reason),
			 err);
out:
	crvs_event_free(&e);
	return crvs_tx_end(tx, rc, err);
}
