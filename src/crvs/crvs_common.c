/* crvs_common.c — the toolbox every civil registration file uses: the
 * transaction and the date a context means, council and party checks,
 * late registration, registration numbers, audit and JSON helpers. */
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
	if (c->tx) {
		*tx = c->tx;
		return SH_OK;
	}
	return store_begin(c->db, STORE_WRITE, tx, err);
}

int crvs_tx_end(const struct crvs_ctx *c, store_tx *tx, int rc, struct sh_err *err)
{
	if (c->tx) /* the caller's transaction: the caller ends it */
		return rc < 0 ? rc : SH_OK;
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

const char *crvs_actor_name(const struct crvs_ctx *c)
{
	return c->actor && c->actor->name ? c->actor->name : "system";
}

int crvs_event_audit(store_tx *tx, const struct crvs_ctx *c, int64_t id, enum crvs_kind kind,
		     const char *verb, json_t *detail, struct sh_err *err)
{
	char object[48], action[48];
	snprintf(object, sizeof object, "crvs_event:%lld", (long long)id);
	snprintf(action, sizeof action, "crvs.%s.%s", crvs_kind_name(kind), verb);
	int rc = crvs_audit(tx, c, action, object, detail, err);
	json_decref(detail);
	return rc;
}
