/* crvs_register.c — the council's decision on a pending event: who may
 * decide it (jurisdiction), and the dispatch of a registration to the
 * kind's own step (birth, death, marriage, divorce) or a rejection. */
#include <stdio.h>
#include <string.h>

#include "auth/roles.h"
#include "crvs/crvs_internal.h"

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
	rc = crvs_event_audit(tx, c, event_id, e.kind, "register",
			 json_pack("{s:s,s:s}", "reg_no", out->reg_no, "person", out->person_id), err);
out:
	crvs_event_free(&e);
	return crvs_tx_end(c, tx, rc, err);
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
		       "titi", crvs_actor_name(c), sh_now(),
		       reason, event_id);
	if (rc < 0)
		goto out;
	rc = crvs_event_audit(tx, c, event_id, e.kind, "reject", json_pack("{s:s}", "reason", reason),
			 err);
out:
	crvs_event_free(&e);
	return crvs_tx_end(c, tx, rc, err);
}
