/* person_schedule.c — changes of a person that take effect later: the
 * marital status a pending talaq will give on its date of effect, and a
 * confirmed new mobile after its cooling-off period.
 *
 * Every read applies a due change at once (person_get joins the schedule),
 * so nothing waits for a job or for the next write; the next write of the
 * person records it as a version of its own, under the reason and actor
 * that scheduled it. */
#include <stdio.h>
#include <string.h>

#include "registry/idnum.h"
#include "registry/person_internal.h"

static const char *field_name(unsigned field)
{
	return field == PERSON_F_MARITAL ? "marital" : field == PERSON_F_MOBILE ? "mobile" : NULL;
}

/* Write value (as stored) of `field` into p. */
static void field_apply(unsigned field, const char *value, struct person *p)
{
	if (field == PERSON_F_MARITAL) {
		int m = person_marital_parse(value);
		if (m >= 0)
			p->marital = (enum person_marital)m;
	} else if (field == PERSON_F_MOBILE) {
		snprintf(p->mobile, sizeof p->mobile, "%s", value);
	}
}

void person_sched_overlay(store_stmt *st, int first, struct person *p, int64_t now)
{
	static const unsigned fields[2] = {PERSON_F_MARITAL, PERSON_F_MOBILE};
	for (int i = 0; i < 2; i++) {
		const char *v = store_col_text(st, first + 2 * i);
		if (v && store_col_int(st, first + 2 * i + 1) <= now)
			field_apply(fields[i], v, p);
	}
}

struct due {
	unsigned field;
	char value[PERSON_MOBILE_MAX];
	char reason[128];
	char kind[16], name[64];
};

int person_sched_fold(store_tx *tx, const char *id_number, unsigned fields, int *versions,
		      struct sh_err *err)
{
	char id[IDNUM_DIGITS + 1];
	int rc = idnum_lookup_normalize(id_number, id, err);
	*versions = 0;
	if (rc != SH_OK)
		return rc;
	int64_t now = sh_now();
	struct due due[2];
	int n = 0;
	store_stmt *st;
	rc = store_query(tx, &st, err,
			 "SELECT field, value, reason, actor_kind, actor_name FROM person_scheduled"
			 " WHERE id_number = ? AND effective_at <= ? ORDER BY effective_at",
			 "ti", id, now);
	if (rc)
		return rc;
	while (n < 2 && (rc = store_step(st, err)) == STORE_ROW) {
		const char *f = store_col_text(st, 0);
		due[n].field = !strcmp(f, "marital") ? PERSON_F_MARITAL : PERSON_F_MOBILE;
		snprintf(due[n].value, sizeof due[n].value, "%s", store_col_text(st, 1));
		snprintf(due[n].reason, sizeof due[n].reason, "%s", store_col_text(st, 2));
		snprintf(due[n].kind, sizeof due[n].kind, "%s", store_col_text(st, 3));
		snprintf(due[n].name, sizeof due[n].name, "%s", store_col_text(st, 4));
		n++;
	}
	store_finalize(st);
	if (rc < 0)
		return rc;
	const char *mar = (fields & PERSON_F_MARITAL) ? "marital" : "";
	const char *mob = (fields & PERSON_F_MOBILE) ? "mobile" : "";
	rc = store_run(tx, err,
		       "DELETE FROM person_scheduled WHERE id_number = ? AND (effective_at <= ? OR"
		       " field = ? OR field = ?)",
		       "titt", id, now, mar, mob);
	if (rc < 0)
		return rc;
	for (int i = 0; i < n; i++) {
		if (fields & due[i].field)
			continue; /* the write sets it anyway */
		struct person ch;
		memset(&ch, 0, sizeof ch);
		field_apply(due[i].field, due[i].value, &ch);
		struct audit_actor a = {.kind = due[i].kind, .name = due[i].name};
		char reason[160];
		snprintf(reason, sizeof reason, "%s (took effect as scheduled)", due[i].reason);
		if ((rc = person_update_now(tx, &a, id, 0, &ch, due[i].field, reason, NULL, err)) !=
		    SH_OK)
			return rc;
		++*versions;
	}
	return SH_OK;
}

static int sched_audit(store_tx *tx, const struct audit_actor *actor, const char *action,
		       const char *id, const char *field, int64_t at, struct sh_err *err)
{
	char object[32], detail[96];
	snprintf(object, sizeof object, "person:%s", id);
	snprintf(detail, sizeof detail, "{\"field\":\"%s\",\"effective_at\":%lld}", field,
		 (long long)at);
	return audit_append(tx, actor, action, object, detail, err);
}

int person_schedule(store_tx *tx, const struct audit_actor *actor, const char *id_number,
		    unsigned field, const struct person *value, int64_t effective_at,
		    const char *reason, struct sh_err *err)
{
	const char *name = field_name(field);
	if (!name)
		return sh_err_set(err, SH_EINVAL, "FIELD_NOT_SCHEDULABLE",
				  "only marital status and mobile can be scheduled");
	if (!reason || !*reason)
		return sh_err_set(err, SH_EINVAL, "REASON_REQUIRED", "a reason is required");
	struct person cur;
	int versions = 0;
	int rc = person_sched_fold(tx, id_number, 0, &versions, err);
	if (rc == SH_OK)
		rc = person_get(tx, id_number, &cur, err);
	if (rc != SH_OK)
		return rc;
	const char *v = field == PERSON_F_MARITAL ? person_marital_name(value->marital)
						  : value->mobile;
	rc = store_run(tx, err,
		       "INSERT INTO person_scheduled(id_number, field, value, effective_at, reason,"
		       " actor_kind, actor_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
		       " ON CONFLICT (id_number, field) DO UPDATE SET value = excluded.value,"
		       " effective_at = excluded.effective_at, reason = excluded.reason,"
		       " actor_kind = excluded.actor_kind, actor_name = excluded.actor_name,"
		       " created_at = excluded.created_at",
		       "tttittti", cur.id_number, name, v, effective_at, reason,
		       actor && actor->kind ? actor->kind : "system",
		       actor && actor->name ? actor->name : "system", sh_now());
	if (rc < 0)
		return rc;
	return sched_audit(tx, actor, "person.schedule", cur.id_number, name, effective_at, err);
}

int person_schedule_cancel(store_tx *tx, const struct audit_actor *actor, const char *id_number,
			   unsigned field, const char *reason, struct sh_err *err)
{
	(void)reason;
	const char *name = field_name(field);
	if (!name)
		return sh_err_set(err, SH_EINVAL, "FIELD_NOT_SCHEDULABLE",
				  "only marital status and mobile can be scheduled");
	int versions = 0;
	char id[IDNUM_DIGITS + 1];
	int rc = person_sched_fold(tx, id_number, 0, &versions, err);
	if (rc == SH_OK)
		rc = idnum_lookup_normalize(id_number, id, err);
	if (rc != SH_OK)
		return rc;
	rc = store_run(tx, err, "DELETE FROM person_scheduled WHERE id_number = ? AND field = ?",
		       "tt", id, name);
	if (rc <= 0) /* nothing was scheduled: nothing to record */
		return rc < 0 ? rc : SH_OK;
	return sched_audit(tx, actor, "person.schedule_cancel", id, name, 0, err);
}

int person_schedule_get(store_tx *tx, const char *id_number, unsigned field,
			struct person *value, int64_t *effective_at, struct sh_err *err)
{
	const char *name = field_name(field);
	char id[IDNUM_DIGITS + 1];
	int rc = idnum_lookup_normalize(id_number, id, err);
	if (rc != SH_OK)
		return rc;
	if (!name)
		return sh_err_set(err, SH_EINVAL, "FIELD_NOT_SCHEDULABLE", "not schedulable");
	store_stmt *st;
	rc = store_query(tx, &st, err,
			 "SELECT value, effective_at FROM person_scheduled WHERE id_number = ? AND"
			 " field = ? AND effective_at > ?",
			 "tti", id, name, sh_now());
	if (rc)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		memset(value, 0, sizeof *value);
		field_apply(field, store_col_text(st, 0), value);
		*effective_at = store_col_int(st, 1);
		rc = SH_OK;
	} else if (rc == STORE_DONE) {
		rc = SH_ENOTFOUND;
	}
	store_finalize(st);
	return rc;
}
