/* crvs_talaq.c — the effect of a divorce on the marriage register and on
 * the parties' marital status: a talaq's settlement when its waiting period
 * ends (MFLO 1961 s.7(3)), its revocation before (s.7(4)), and the status a
 * party has after a marriage ends. Marriage and divorce both call this
 * file, never each other.
 *
 * A talaq's effect does not wait for a write: readers compute it
 * (crvs_record.c for the registers; the registry's scheduled change, set by
 * crvs_marital_sync, for a person's marital status). crvs_talaq_settle
 * records it in the tables on the next civil registration write. */
#include <stdio.h>
#include <string.h>

#include "crvs/crvs_internal.h"

/* End marriage m as divorced on `on`; each party is divorced unless
 * married to someone else too. */
int crvs_talaq_dissolve(store_tx *tx, const struct crvs_ctx *c, const struct crvs_marriage *m,
		    const char *on, const char *reason, struct sh_err *err)
{
	int rc = store_run(tx, err,
			   "UPDATE crvs_marriages SET status = 'divorced', ended_on = ? WHERE id = ?",
			   "ti", on, m->id);
	if (rc < 0)
		return rc;
	const char *ids[2] = {m->husband_id, m->wife_id};
	for (int i = 0; i < 2; i++) {
		enum person_marital ms;
		if ((rc = crvs_marital_after(tx, ids[i], m->id, MARITAL_DIVORCED, &ms, err)) ||
		    (rc = crvs_set_marital(tx, c, ids[i], ms, reason, err)) ||
		    (rc = crvs_marital_sync(tx, c, ids[i], reason, err)))
			return rc;
	}
	return SH_OK;
}

int crvs_talaq_revoke(const struct crvs_ctx *c, int64_t divorce_id, struct sh_err *err)
{
	store_tx *tx;
	int rc = crvs_tx_begin(c, &tx, err);
	if (rc)
		return rc;
	struct crvs_divorce d;
	if ((rc = crvs_talaq_settle(tx, c->actor, crvs_today(c), err)) < 0 ||
	    (rc = crvs_divorce_get(tx, divorce_id, &d, err)))
		goto out;
	if (d.type != DIVORCE_TALAQ) {
		rc = sh_err_set(err, SH_ERULE, "NOT_REVOCABLE", "only a talaq can be revoked");
		goto out;
	}
	if (!strcmp(d.status, "revoked")) {
		rc = sh_err_set(err, SH_ERULE, "TALAQ_ALREADY_REVOKED",
				"the talaq was already revoked (its waiting period would have ended"
				" on %s)",
				d.effective_date);
		goto out;
	}
	if (strcmp(d.status, "pending_effect") != 0) {
		rc = sh_err_set(err, SH_ERULE, "TALAQ_ALREADY_EFFECTIVE",
				"the talaq is effective since %s and can no longer be revoked",
				d.effective_date);
		goto out;
	}
	rc = store_run(tx, err,
		       "UPDATE crvs_divorces SET status = 'revoked', revoked_at = ? WHERE id = ?",
		       "ii", sh_now(), d.id);
	if (rc >= 0)
		rc = store_run(tx, err,
			       "UPDATE crvs_marriages SET status = 'active' WHERE id = ? AND"
			       " status = 'talaq_pending'",
			       "i", d.marriage_id);
	if (rc >= 0) {
		char reason[96];
		snprintf(reason, sizeof reason, "talaq %s revoked", d.reg_no);
		if ((rc = crvs_marital_sync(tx, c, d.husband_id, reason, err)) == SH_OK)
			rc = crvs_marital_sync(tx, c, d.wife_id, reason, err);
	}
	if (rc >= 0) {
		char object[48];
		snprintf(object, sizeof object, "crvs_divorce:%lld", (long long)d.id);
		rc = crvs_audit(tx, c, "crvs.talaq.revoke", object, NULL, err);
	}
out:
	return crvs_tx_end(c, tx, rc, err);
}

int crvs_talaq_settle(store_tx *tx, const struct audit_actor *actor, struct sh_date today,
		      struct sh_err *err)
{
	char day[11];
	crvs_date_str(today, day);
	int64_t due[64];
	int n = 0;
	store_stmt *st;
	int rc = store_query(tx, &st, err,
			     "SELECT id FROM crvs_divorces WHERE status = 'pending_effect' AND"
			     " effective_date <= ? ORDER BY id LIMIT 64",
			     "t", day);
	if (rc)
		return rc;
	while (n < 64 && (rc = store_step(st, err)) == STORE_ROW)
		due[n++] = store_col_int(st, 0);
	store_finalize(st);
	if (rc < 0)
		return rc;
	struct audit_actor system = {.kind = "system", .name = "system"};
	struct crvs_ctx c = {.actor = actor ? actor : &system, .today = today};
	for (int i = 0; i < n; i++) {
		struct crvs_divorce d;
		struct crvs_marriage m;
		if ((rc = crvs_divorce_get(tx, due[i], &d, err)) ||
		    (rc = crvs_marriage_stored(tx, d.marriage_id, &m, err)))
			return rc;
		rc = store_run(tx, err, "UPDATE crvs_divorces SET status = 'effective' WHERE id = ?",
			       "i", d.id);
		if (rc < 0)
			return rc;
		char reason[96], object[48];
		snprintf(reason, sizeof reason, "talaq %s took effect", d.reg_no);
		snprintf(object, sizeof object, "crvs_divorce:%lld", (long long)d.id);
		if (m.status == MARRIAGE_TALAQ_PENDING &&
		    (rc = crvs_talaq_dissolve(tx, &c, &m, d.effective_date, reason, err)))
			return rc;
		if ((rc = crvs_audit(tx, &c, "crvs.talaq.effective", object, NULL, err)))
			return rc;
	}
	return n;
}

int crvs_set_marital(store_tx *tx, const struct crvs_ctx *c, const char *id,
		     enum person_marital m, const char *reason, struct sh_err *err)
{
	struct person p;
	int rc = person_get(tx, id, &p, err);
	if (rc)
		return rc;
	if (p.marital == m || p.status == PERSON_DECEASED)
		return SH_OK;
	struct person ch;
	memset(&ch, 0, sizeof ch);
	ch.marital = m;
	return person_update(tx, c->actor, id, 0, &ch, PERSON_F_MARITAL, reason, NULL, err);
}

int crvs_marital_after(store_tx *tx, const char *id, int64_t except, enum person_marital otherwise,
		       enum person_marital *out, struct sh_err *err)
{
	store_stmt *st;
	int rc = store_query(tx, &st, err,
			     "SELECT COUNT(*) FROM crvs_marriages WHERE (husband_id = ? OR wife_id = ?)"
			     " AND status IN ('active', 'talaq_pending') AND id <> ?",
			     "tti", id, id, except);
	if (rc)
		return rc;
	rc = store_step(st, err);
	*out = rc == STORE_ROW && store_col_int(st, 0) > 0 ? MARITAL_MARRIED : otherwise;
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}

int crvs_marital_sync(store_tx *tx, const struct crvs_ctx *c, const char *id, const char *reason,
		      struct sh_err *err)
{
	/* Each live marriage and the date its pending talaq, if any, takes
	 * effect. Only when every live marriage is ending does the person's
	 * status change, on the last of those dates. */
	store_stmt *st;
	int rc = store_query(tx, &st, err,
			     "SELECT (SELECT MAX(d.effective_date) FROM crvs_divorces d WHERE"
			     " d.marriage_id = m.id AND d.status = 'pending_effect')"
			     " FROM crvs_marriages m WHERE (m.husband_id = ? OR m.wife_id = ?) AND"
			     " m.status IN ('active', 'talaq_pending')",
			     "tt", id, id);
	if (rc)
		return rc;
	int live = 0, lasting = 0;
	char last[11] = "";
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const char *eff = store_col_text(st, 0);
		live++;
		if (!eff || !*eff)
			lasting = 1;
		else if (strcmp(eff, last) > 0)
			snprintf(last, sizeof last, "%s", eff);
	}
	store_finalize(st);
	if (rc < 0)
		return rc;
	if (!live || lasting)
		return person_schedule_cancel(tx, c->actor, id, PERSON_F_MARITAL, reason, err);
	struct sh_date on;
	if (sh_parse_date(last, &on) != SH_OK)
		return sh_err_set(err, SH_EINTERNAL, "EVENT_DETAILS", "stored date is bad");
	struct person ch;
	memset(&ch, 0, sizeof ch);
	ch.marital = MARITAL_DIVORCED;
	return person_schedule(tx, c->actor, id, PERSON_F_MARITAL, &ch,
			       sh_date_to_days(on) * 86400, reason, err);
}
