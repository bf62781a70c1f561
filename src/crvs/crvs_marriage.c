/* crvs_marriage.c — marriages submitted by licensed nikah registrars and
 * registered by the council: parties alive and of age (per province), a
 * woman married to one man at a time, and a man's further marriage only
 * with the arbitration council's permission (Muslim Family Laws Ordinance
 * 1961, s.6). Registering sets both parties' marital status. */
#include <stdio.h>
#include <string.h>

#include "crvs/crvs_internal.h"

static json_t *marriage_json(const struct crvs_marriage_notice *n)
{
	char date[11];
	crvs_date_str(n->date, date);
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:s}", "husband_id",
			 n->husband_id, "wife_id", n->wife_id, "witness1_id", n->witness1_id,
			 "witness2_id", n->witness2_id, "date", date, "place", n->place,
			 "council_code", n->council_code, "dower", n->dower, "husband_consent",
			 n->husband_consent, "wife_consent", n->wife_consent, "arbitration_ref",
			 n->arbitration_ref);
}

void crvs_marriage_from_json(json_t *o, struct crvs_marriage_notice *n)
{
	memset(n, 0, sizeof *n);
	crvs_json_copy(o, "husband_id", n->husband_id, sizeof n->husband_id);
	crvs_json_copy(o, "wife_id", n->wife_id, sizeof n->wife_id);
	crvs_json_copy(o, "witness1_id", n->witness1_id, sizeof n->witness1_id);
	crvs_json_copy(o, "witness2_id", n->witness2_id, sizeof n->witness2_id);
	if (sh_parse_date(crvs_json_str(o, "date"), &n->date) != SH_OK)
		memset(&n->date, 0, sizeof n->date);
	crvs_json_copy(o, "place", n->place, sizeof n->place);
	crvs_json_copy(o, "council_code", n->council_code, sizeof n->council_code);
	crvs_json_copy(o, "dower", n->dower, sizeof n->dower);
	n->husband_consent = json_is_true(json_object_get(o, "husband_consent"));
	n->wife_consent = json_is_true(json_object_get(o, "wife_consent"));
	crvs_json_copy(o, "arbitration_ref", n->arbitration_ref, sizeof n->arbitration_ref);
}

static int count_live(store_tx *tx, const char *col, const char *id, int64_t *n,
		      struct sh_err *err)
{
	char sql[160];
	snprintf(sql, sizeof sql,
		 "SELECT COUNT(*) FROM crvs_marriages WHERE %s = ? AND status IN"
		 " ('active', 'talaq_pending')",
		 col);
	store_stmt *st;
	int rc = store_query(tx, &st, err, sql, "t", id);
	if (rc)
		return rc;
	rc = store_step(st, err);
	*n = rc == STORE_ROW ? store_col_int(st, 0) : 0;
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}

static int check_age(store_tx *tx, const struct person *p, const char *label,
		     const char *province, struct sh_date on, struct sh_err *err)
{
	int min;
	int rc = crvs_min_age_get(tx, province, p->gender, &min, err);
	if (rc)
		return rc;
	int age = sh_date_years_between(p->dob, on);
	if (age < min)
		return sh_err_set(err, SH_ERULE, "UNDER_MINIMUM_AGE",
				  "the %s is %d; the minimum age of marriage in %s is %d", label,
				  age, province, min);
	return SH_OK;
}

static int check_witness(store_tx *tx, const char *id, const struct crvs_marriage_notice *n,
			 int min_age, struct sh_err *err)
{
	struct person w;
	if (!id[0])
		return sh_err_set(err, SH_ERULE, "WITNESSES_REQUIRED", "two witnesses are required");
	if (!strcmp(id, n->husband_id) || !strcmp(id, n->wife_id))
		return sh_err_set(err, SH_ERULE, "WITNESS_INVALID", "a party cannot be a witness");
	int rc = crvs_party(tx, id, "witness", n->date, &w, err);
	if (rc)
		return rc;
	if (w.status == PERSON_DECEASED)
		return sh_err_set(err, SH_ERULE, "WITNESS_INVALID", "witness %s is deceased", id);
	if (sh_date_years_between(w.dob, n->date) < min_age)
		return sh_err_set(err, SH_ERULE, "WITNESS_INVALID",
				  "witness %s is under %d", id, min_age);
	return SH_OK;
}

int crvs_marriage_rules(store_tx *tx, const struct crvs_ctx *c,
			const struct crvs_marriage_notice *n, int64_t self_id, struct sh_err *err)
{
	int rc;
	struct person h, w;
	struct address_council place;
	struct crvs_rules rules;
	if ((rc = crvs_check_date(c, n->date, err)) ||
	    (rc = crvs_council(tx, n->council_code, &place, err)) ||
	    (rc = crvs_rules_get(tx, &rules, err)))
		return rc;
	if (!n->husband_consent || !n->wife_consent)
		return sh_err_set(err, SH_ERULE, "CONSENT_REQUIRED",
				  "the consent of both parties must be recorded");
	if ((rc = crvs_party(tx, n->husband_id, "husband", n->date, &h, err)) ||
	    (rc = crvs_party(tx, n->wife_id, "wife", n->date, &w, err)))
		return rc;
	if (!strcmp(h.id_number, w.id_number))
		return sh_err_set(err, SH_ERULE, "PARTY_GENDER", "the parties are the same person");
	if (h.status == PERSON_DECEASED || w.status == PERSON_DECEASED)
		return sh_err_set(err, SH_ERULE, "PARTY_DECEASED", "both parties must be alive");
	if (h.gender != GENDER_MALE || w.gender != GENDER_FEMALE)
		return sh_err_set(err, SH_ERULE, "PARTY_GENDER",
				  "the husband must be a man and the wife a woman");
	if ((rc = check_age(tx, &h, "husband", place.province.code, n->date, err)) ||
	    (rc = check_age(tx, &w, "wife", place.province.code, n->date, err)) ||
	    (rc = check_witness(tx, n->witness1_id, n, rules.witness_min_age, err)) ||
	    (rc = check_witness(tx, n->witness2_id, n, rules.witness_min_age, err)))
		return rc;
	if (!strcmp(n->witness1_id, n->witness2_id))
		return sh_err_set(err, SH_ERULE, "WITNESS_INVALID", "the two witnesses must differ");
	int64_t wife_live, husband_live;
	if ((rc = count_live(tx, "wife_id", w.id_number, &wife_live, err)) ||
	    (rc = count_live(tx, "husband_id", h.id_number, &husband_live, err)))
		return rc;
	/* A talaq in its waiting period has not yet dissolved the marriage. */
	if (wife_live > 0)
		return sh_err_set(err, SH_ERULE, "WIFE_ALREADY_MARRIED",
				  "the wife is married; a woman cannot be married to two men");
	if (husband_live > 0 && !n->arbitration_ref[0])
		return sh_err_set(err, SH_ERULE, "ARBITRATION_PERMISSION_REQUIRED",
				  "the husband is married: a further marriage needs the arbitration "
				  "council's permission reference (MFLO 1961 s.6)");
	if (husband_live >= 4)
		return sh_err_set(err, SH_ERULE, "TOO_MANY_SPOUSES",
				  "the husband already has four wives");
	store_stmt *st;
	rc = store_query(tx, &st, err,
			 "SELECT id FROM crvs_events WHERE kind = 'marriage' AND status = 'pending'"
			 " AND subject_a = ? AND subject_b = ? AND id <> ?",
			 "tti", h.id_number, w.id_number, self_id);
	if (rc)
		return rc;
	return crvs_refuse_duplicate(st, "DUPLICATE_MARRIAGE",
				     "this marriage is already submitted", err);
}

int crvs_submit_marriage(const struct crvs_ctx *c, const struct crvs_marriage_notice *n,
			 struct crvs_outcome *out, struct sh_err *err)
{
	memset(out, 0, sizeof *out);
	store_tx *tx;
	int rc = crvs_tx_begin(c, &tx, err);
	if (rc)
		return rc;
	int late = 0;
	struct person h, w;
	struct crvs_licence lic;
	if ((rc = crvs_licence_check(tx, c->actor ? c->actor->name : "", &lic, err)))
		goto out;
	/* A licence is for its own council: the marriage is registered there. */
	if (strcmp(lic.council_code, n->council_code) != 0) {
		rc = sh_err_set(err, SH_EFORBIDDEN, "LICENCE_WRONG_COUNCIL",
				"licence %s is for council %s, not %s", lic.licence_no,
				lic.council_code, n->council_code[0] ? n->council_code : "(none)");
		goto out;
	}
	if ((rc = crvs_talaq_settle(tx, c->actor, crvs_today(c), err)) < 0 ||
	    (rc = crvs_marriage_rules(tx, c, n, 0, err)) ||
	    (rc = crvs_check_late(tx, c, n->date, n->late_reason, &late, err)) ||
	    (rc = person_get(tx, n->husband_id, &h, err)) ||
	    (rc = person_get(tx, n->wife_id, &w, err)))
		goto out;
	json_t *d = marriage_json(n);
	if (!d) {
		rc = sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "marriage");
		goto out;
	}
	json_object_set_new(d, "licence_no", json_string(lic.licence_no));
	struct crvs_new_event e = {
		.kind = CRVS_MARRIAGE, .source = "nikah_registrar", .date = n->date,
		.council = n->council_code, .council_a = h.council_code,
		.council_b = w.council_code, .subject_a = h.id_number, .subject_b = w.id_number,
		.late = late, .late_reason = n->late_reason, .details = d,
	};
	rc = crvs_event_insert(tx, c, &e, &out->event_id, err);
	json_decref(d);
	out->late = late;
out:
	return crvs_tx_end(c, tx, rc, err);
}

int crvs_marriage_register(store_tx *tx, const struct crvs_ctx *c, const struct crvs_event *e,
			   struct crvs_outcome *out, struct sh_err *err)
{
	json_t *o = json_loads(e->details, 0, NULL);
	if (!o)
		return sh_err_set(err, SH_EINTERNAL, "EVENT_DETAILS", "stored notice is not JSON");
	struct crvs_marriage_notice n;
	crvs_marriage_from_json(o, &n);
	json_decref(o);
	int rc = crvs_marriage_rules(tx, c, &n, e->id, err);
	if (rc)
		return rc;
	struct person h, w;
	if ((rc = person_get(tx, n.husband_id, &h, err)) || (rc = person_get(tx, n.wife_id, &w, err)))
		return rc;
	crvs_reg_no(CRVS_MARRIAGE, n.date, e->id, out->reg_no);
	char date[11];
	crvs_date_str(n.date, date);
	store_stmt *st;
	rc = store_query(tx, &st, err,
			 "INSERT INTO crvs_marriages(event_id, husband_id, wife_id, marriage_date,"
			 " status, arbitration_ref, reg_no, council_code, dower, place, created_at)"
			 " VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?) RETURNING id",
			 "itttttttti", e->id, h.id_number, w.id_number, date,
			 n.arbitration_ref[0] ? n.arbitration_ref : NULL, out->reg_no,
			 n.council_code, n.dower, n.place, sh_now());
	if (rc)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		out->record_id = store_col_int(st, 0);
	store_finalize(st);
	if (rc < 0)
		return rc;
	char reason[96];
	snprintf(reason, sizeof reason, "marriage registration %s", out->reg_no);
	if ((rc = crvs_set_marital(tx, c, h.id_number, MARITAL_MARRIED, reason, err)) ||
	    (rc = crvs_set_marital(tx, c, w.id_number, MARITAL_MARRIED, reason, err)) ||
	    (rc = crvs_marital_sync(tx, c, h.id_number, reason, err)) ||
	    (rc = crvs_marital_sync(tx, c, w.id_number, reason, err)))
		return rc;
	return SH_OK;
}
