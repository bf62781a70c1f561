/* crvs_divorce.c — divorce decrees and talaq notices from the courts. The
 * parties must be married to each other. A decree (or khula) takes effect
 * on its date; a talaq takes effect when the waiting period after the
 * notice ends (MFLO 1961 s.7(3): 90 days, configurable) unless revoked
 * before (s.7(4)). Until then the marriage stands. */
#include <stdio.h>
#include <string.h>

#include "crvs/crvs_internal.h"

void crvs_divorce_from_json(json_t *o, struct crvs_divorce_notice *n)
{
	memset(n, 0, sizeof *n);
	crvs_json_copy(o, "husband_id", n->husband_id, sizeof n->husband_id);
	crvs_json_copy(o, "wife_id", n->wife_id, sizeof n->wife_id);
	int t = crvs_divorce_type_parse(crvs_json_str(o, "type"));
	n->type = t < 0 ? DIVORCE_DECREE : (enum crvs_divorce_type)t;
	if (sh_parse_date(crvs_json_str(o, "date"), &n->date) != SH_OK)
		memset(&n->date, 0, sizeof n->date);
	crvs_json_copy(o, "decree_ref", n->decree_ref, sizeof n->decree_ref);
	crvs_json_copy(o, "council_code", n->council_code, sizeof n->council_code);
}

int crvs_divorce_rules(store_tx *tx, const struct crvs_ctx *c,
		       const struct crvs_divorce_notice *n, struct crvs_marriage *m,
		       struct sh_err *err)
{
	int rc;
	struct person h, w;
	struct address_council place;
	if ((int)n->type < DIVORCE_TALAQ || n->type > DIVORCE_KHULA)
		return sh_err_set(err, SH_EINVAL, "DIVORCE_TYPE_INVALID",
				  "type must be talaq, decree or khula");
	if (n->type != DIVORCE_TALAQ && !n->decree_ref[0])
		return sh_err_set(err, SH_EINVAL, "DECREE_REF_REQUIRED",
				  "a court decree needs its reference");
	if ((rc = crvs_check_date(c, n->date, err)) ||
	    (rc = crvs_council(tx, n->council_code, &place, err)) ||
	    (rc = crvs_party(tx, n->husband_id, "husband", n->date, &h, err)) ||
	    (rc = crvs_party(tx, n->wife_id, "wife", n->date, &w, err)))
		return rc;
	store_stmt *st;
	rc = store_query(tx, &st, err,
			 "SELECT id, status FROM crvs_marriages WHERE husband_id = ? AND wife_id = ?"
			 " AND status IN ('active', 'talaq_pending') ORDER BY id DESC",
			 "tt", h.id_number, w.id_number);
	if (rc)
		return rc;
	rc = store_step(st, err);
	int64_t mid = rc == STORE_ROW ? store_col_int(st, 0) : 0;
	int pending = rc == STORE_ROW && !strcmp(store_col_text(st, 1), "talaq_pending");
	store_finalize(st);
	if (rc < 0)
		return rc;
	if (!mid)
		return sh_err_set(err, SH_ERULE, "NOT_MARRIED_TO_EACH_OTHER",
				  "the parties are not married to each other");
	if (pending)
		return sh_err_set(err, SH_ERULE, "TALAQ_PENDING",
				  "a talaq between the parties is already in its waiting period");
	if ((rc = crvs_marriage_get(tx, mid, m, err)))
		return rc;
	char date[11];
	crvs_date_str(n->date, date);
	if (strcmp(date, m->date) < 0)
		return sh_err_set(err, SH_ERULE, "DIVORCE_BEFORE_MARRIAGE",
				  "the divorce is dated before the marriage (%s)", m->date);
	return SH_OK;
}

int crvs_submit_divorce(const struct crvs_ctx *c, const struct crvs_divorce_notice *n,
			struct crvs_outcome *out, struct sh_err *err)
{
	memset(out, 0, sizeof *out);
	store_tx *tx;
	int rc = crvs_tx_begin(c, &tx, err);
	if (rc)
		return rc;
	struct crvs_marriage m;
	struct person h, w;
	if ((rc = crvs_talaq_settle(tx, c->actor, crvs_today(c), err)) < 0 ||
	    (rc = crvs_divorce_rules(tx, c, n, &m, err)) ||
	    (rc = person_get(tx, n->husband_id, &h, err)) ||
	    (rc = person_get(tx, n->wife_id, &w, err)))
		goto out;
	store_stmt *st;
	rc = store_query(tx, &st, err,
			 "SELECT id FROM crvs_events WHERE kind = 'divorce' AND status = 'pending'"
			 " AND subject_a = ? AND subject_b = ?",
			 "tt", h.id_number, w.id_number);
	if (rc || (rc = crvs_refuse_duplicate(st, "DUPLICATE_DIVORCE",
					      "a divorce of the parties is already pending", err)))
		goto out;
	char date[11];
	crvs_date_str(n->date, date);
	json_t *d = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I}", "husband_id", h.id_number,
			      "wife_id", w.id_number, "type", crvs_divorce_type_name(n->type),
			      "date", date, "decree_ref", n->decree_ref, "council_code",
			      n->council_code, "marriage_id", (json_int_t)m.id);
	if (!d) {
		rc = sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "divorce");
		goto out;
	}
	struct crvs_new_event e = {
		.kind = CRVS_DIVORCE, .source = "court", .date = n->date,
		.council = n->council_code, .council_a = h.council_code,
		.council_b = w.council_code, .subject_a = h.id_number, .subject_b = w.id_number,
		.details = d,
	};
	rc = crvs_event_insert(tx, c, &e, &out->event_id, err);
	json_decref(d);
out:
	return crvs_tx_end(c, tx, rc, err);
}

int crvs_divorce_register(store_tx *tx, const struct crvs_ctx *c, const struct crvs_event *e,
			  struct crvs_outcome *out, struct sh_err *err)
{
	json_t *o = json_loads(e->details, 0, NULL);
	if (!o)
		return sh_err_set(err, SH_EINTERNAL, "EVENT_DETAILS", "stored notice is not JSON");
	struct crvs_divorce_notice n;
	crvs_divorce_from_json(o, &n);
	json_decref(o);
	struct crvs_marriage m;
	struct crvs_rules rules;
	int rc;
	if ((rc = crvs_divorce_rules(tx, c, &n, &m, err)) || (rc = crvs_rules_get(tx, &rules, err)))
		return rc;
	struct sh_date eff = n.date;
	if (n.type == DIVORCE_TALAQ)
		eff = sh_days_to_date(sh_date_to_days(n.date) + rules.talaq_wait_days);
	char notice[11], effective[11];
	crvs_date_str(n.date, notice);
	crvs_date_str(eff, effective);
	snprintf(out->effective_date, sizeof out->effective_date, "%s", effective);
	int now_effective = sh_date_to_days(eff) <= sh_date_to_days(crvs_today(c));
	crvs_reg_no(CRVS_DIVORCE, n.date, e->id, out->reg_no);
	store_stmt *st;
	rc = store_query(tx, &st, err,
			 "INSERT INTO crvs_divorces(event_id, marriage_id, dtype, notice_date,"
			 " effective_date, status, decree_ref, reg_no, council_code, created_at)"
			 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			 "iittttttti", e->id, m.id,
			 crvs_divorce_type_name(n.type), notice, effective,
			 now_effective ? "effective" : "pending_effect",
			 n.decree_ref[0] ? n.decree_ref : NULL, out->reg_no, n.council_code,
			 sh_now());
	if (rc)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		out->record_id = store_col_int(st, 0);
	store_finalize(st);
	if (rc < 0)
		return rc;
	char reason[96];
	snprintf(reason, sizeof reason, "divorce registration %s", out->reg_no);
	if (now_effective)
		return crvs_talaq_dissolve(tx, c, &m, effective, reason, err);
	rc = store_run(tx, err, "UPDATE crvs_marriages SET status = 'talaq_pending' WHERE id = ?",
		       "i", m.id);
	if (rc < 0)
		return rc;
	/* The parties' marital status changes on the date of effect, by itself
	 * (a scheduled change in the registry, applied by every read). */
	if ((rc = crvs_marital_sync(tx, c, m.husband_id, reason, err)))
		return rc;
	return crvs_marital_sync(tx, c, m.wife_id, reason, err);
}
