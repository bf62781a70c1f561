/* test_divorce.c — divorces: the parties must be married to each other; a
 * decree takes effect on its date; a talaq after the waiting period unless
 * revoked; deaths widow the surviving spouse. */
#include <stdlib.h>

#include "crvs_fixture.h"

TestSuite(divorce, .init = fx_setup, .fini = fx_teardown, .timeout = 120);

static char h[14], w[14], w1[14], w2[14];

static void married(void)
{
	fx_wedding_party(26, h, w, w1, w2);
	struct crvs_ctx r = REG(LHR1), k = NIKAH;
	struct crvs_licence l;
	EXPECT_OK(crvs_licence_grant(&r, "nikahkhwan1", LHR1, &l, &e));
	struct crvs_marriage_notice n = fx_marriage_notice(h, w, w1, w2, ago(400), LHR1);
	snprintf(n.late_reason, sizeof n.late_reason, "registrar's backlog");
	struct crvs_outcome o, reg;
	EXPECT_OK(crvs_submit_marriage(&k, &n, &o, &e));
	cr_assert_eq(o.late, 1);
	EXPECT_OK(crvs_register(&r, o.event_id, NULL, &reg, &e));
}

static struct crvs_divorce_notice dnotice(enum crvs_divorce_type t, int days_ago)
{
	struct crvs_divorce_notice n;
	memset(&n, 0, sizeof n);
	snprintf(n.husband_id, sizeof n.husband_id, "%s", h);
	snprintf(n.wife_id, sizeof n.wife_id, "%s", w);
	n.type = t;
	n.date = ago(days_ago);
	snprintf(n.council_code, sizeof n.council_code, LHR1);
	if (t != DIVORCE_TALAQ)
		snprintf(n.decree_ref, sizeof n.decree_ref, "FC-LHR-2026-4411");
	return n;
}

static struct crvs_marriage marriage1(void)
{
	store_tx *tx;
	struct sh_err err = {0};
	struct crvs_marriage m;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &err), 0);
	cr_assert_eq(crvs_marriage_get(tx, 1, &m, &err), 0, "%s", err.msg);
	store_rollback(tx);
	return m;
}

Test(divorce, parties_must_be_married_to_each_other)
{
	married();
	char stranger[14];
	fx_person("Other Woman", GENDER_FEMALE, 30, LHR1, stranger);
	struct crvs_ctx c = COURT;
	struct crvs_outcome o;
	struct crvs_divorce_notice n = dnotice(DIVORCE_DECREE, 1);
	snprintf(n.wife_id, sizeof n.wife_id, "%s", stranger);
	EXPECT_ERR(SH_ERULE, "NOT_MARRIED_TO_EACH_OTHER", crvs_submit_divorce(&c, &n, &o, &e));
	n = dnotice(DIVORCE_DECREE, 1);
	n.decree_ref[0] = '\0';
	EXPECT_ERR(SH_EINVAL, "DECREE_REF_REQUIRED", crvs_submit_divorce(&c, &n, &o, &e));
	n = dnotice(DIVORCE_DECREE, 500);
	EXPECT_ERR(SH_ERULE, "DIVORCE_BEFORE_MARRIAGE", crvs_submit_divorce(&c, &n, &o, &e));
}

Test(divorce, decree_takes_effect_at_once)
{
	married();
	struct crvs_ctx c = COURT, r = REG(LHR1);
	struct crvs_outcome o, reg;
	struct crvs_divorce_notice n = dnotice(DIVORCE_DECREE, 2);
	EXPECT_OK(crvs_submit_divorce(&c, &n, &o, &e));
	int64_t id = o.event_id;
	EXPECT_ERR(SH_ERULE, "DUPLICATE_DIVORCE", crvs_submit_divorce(&c, &n, &o, &e));
	EXPECT_OK(crvs_register(&r, id, NULL, &reg, &e));
	cr_assert_eq(fx_get(h).marital, MARITAL_DIVORCED);
	cr_assert_eq(fx_get(w).marital, MARITAL_DIVORCED);
	cr_assert_eq(marriage1().status, MARRIAGE_DIVORCED);
	/* Now they are not married to each other any more. */
	EXPECT_ERR(SH_ERULE, "NOT_MARRIED_TO_EACH_OTHER", crvs_submit_divorce(&c, &n, &o, &e));
}

Test(divorce, talaq_takes_effect_after_the_waiting_period)
{
	married();
	struct crvs_ctx c = COURT, r = REG(LHR1);
	struct crvs_outcome o, reg;
	struct crvs_divorce_notice n = dnotice(DIVORCE_TALAQ, 10);
	EXPECT_OK(crvs_submit_divorce(&c, &n, &o, &e));
	EXPECT_OK(crvs_register(&r, o.event_id, NULL, &reg, &e));
	char want[11];
	sh_date_format(ago(10 - 90), want, sizeof want);
	cr_assert_str_eq(reg.effective_date, want);
	/* Within the waiting period: still married; no second talaq. */
	cr_assert_eq(fx_get(w).marital, MARITAL_MARRIED);
	cr_assert_eq(marriage1().status, MARRIAGE_TALAQ_PENDING);
	EXPECT_ERR(SH_ERULE, "TALAQ_PENDING", crvs_submit_divorce(&c, &n, &o, &e));
	/* Day 89 after notice: nothing yet; day 90: effective. */
	store_tx *tx;
	struct sh_err err = {0};
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), 0);
	cr_assert_eq(crvs_talaq_settle(tx, &a_reg, ago(10 - 89), &err), 0, "%s", err.msg);
	cr_assert_eq(crvs_talaq_settle(tx, &a_reg, ago(10 - 90), &err), 1, "%s", err.msg);
	cr_assert_eq(store_commit(tx, &err), 0);
	cr_assert_eq(fx_get(h).marital, MARITAL_DIVORCED);
	cr_assert_eq(fx_get(w).marital, MARITAL_DIVORCED);
	cr_assert_eq(marriage1().status, MARRIAGE_DIVORCED);
	/* Too late to revoke. */
	EXPECT_ERR(SH_ERULE, "TALAQ_ALREADY_EFFECTIVE", crvs_talaq_revoke(&r, reg.record_id, &e));
}

/* Issue 14 item 2: a talaq's effect shows from its date in every read —
 * the person (marital status, as KYC answers it), the marriage register,
 * the spouses of a family tree and the divorce record — with no write in
 * between to settle it. */
Test(divorce, talaq_effect_shows_at_read_time)
{
	married();
	struct crvs_ctx c = COURT, r = REG(LHR1);
	/* Registered 85 days after the notice: 5 days still to wait then;
	 * today, 95 days after the notice, the talaq has taken effect. */
	c.today = r.today = ago(10);
	struct crvs_outcome o, reg;
	struct crvs_divorce_notice n = dnotice(DIVORCE_TALAQ, 95);
	EXPECT_OK(crvs_submit_divorce(&c, &n, &o, &e));
	EXPECT_OK(crvs_register(&r, o.event_id, NULL, &reg, &e));
	char want[11];
	sh_date_format(ago(5), want, sizeof want);
	cr_assert_str_eq(reg.effective_date, want);
	cr_assert_eq(fx_get(h).marital, MARITAL_DIVORCED);
	cr_assert_eq(fx_get(w).marital, MARITAL_DIVORCED);
	struct crvs_marriage m = marriage1();
	cr_assert_eq(m.status, MARRIAGE_DIVORCED);
	cr_assert_str_eq(m.ended_on, want);
	store_tx *tx;
	struct sh_err err = {0};
	struct crvs_divorce dv;
	struct crvs_family *f = calloc(1, sizeof *f);
	cr_assert_not_null(f);
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &err), 0);
	cr_assert_eq(crvs_divorce_get(tx, reg.record_id, &dv, &err), 0, "%s", err.msg);
	cr_assert_str_eq(dv.status, "effective");
	cr_assert_eq(crvs_family(tx, h, f, &err), 0, "%s", err.msg);
	cr_assert_eq(f->nspouses, 0);
	store_rollback(tx);
	free(f);
	/* The next write records it: a version of the person, same status. */
	struct person before = fx_get(w);
	struct crvs_ctx now = REG(LHR1);
	EXPECT_ERR(SH_ERULE, "TALAQ_ALREADY_EFFECTIVE", crvs_talaq_revoke(&now, reg.record_id, &e));
	struct person after = fx_get(w);
	cr_assert_eq(after.marital, MARITAL_DIVORCED);
	cr_assert_eq(after.version, before.version);
}

Test(divorce, revoked_talaq_leaves_the_marriage)
{
	married();
	struct crvs_ctx c = COURT, r = REG(LHR1);
	struct crvs_outcome o, reg;
	struct crvs_divorce_notice n = dnotice(DIVORCE_TALAQ, 30);
	EXPECT_OK(crvs_submit_divorce(&c, &n, &o, &e));
	EXPECT_OK(crvs_register(&r, o.event_id, NULL, &reg, &e));
	EXPECT_OK(crvs_talaq_revoke(&r, reg.record_id, &e));
	cr_assert_eq(marriage1().status, MARRIAGE_ACTIVE);
	/* Even far in the future it never takes effect. */
	struct crvs_ctx later = r;
	later.today = ago(-200);
	/* Issue 13 item 10: a second revoke says it was revoked, not "revoked
	 * since <date of effect>". */
	struct sh_err re = {0};
	cr_assert_eq(crvs_talaq_revoke(&later, reg.record_id, &re), SH_ERULE);
	cr_assert_str_eq(re.code, "TALAQ_ALREADY_REVOKED", "%s", re.msg);
	cr_assert_null(strstr(re.msg, "since"), "%s", re.msg);
	cr_assert_eq(fx_get(w).marital, MARITAL_MARRIED);
	/* The waiting period is configuration. */
	EXPECT_OK(crvs_rules_set(&r, "talaq_wait_days", 0, &e));
	n = dnotice(DIVORCE_TALAQ, 1);
	EXPECT_OK(crvs_submit_divorce(&c, &n, &o, &e));
	EXPECT_OK(crvs_register(&r, o.event_id, NULL, &reg, &e));
	cr_assert_eq(fx_get(w).marital, MARITAL_DIVORCED);
}

Test(divorce, death_widows_the_spouse_and_blocks_later_events)
{
	married();
	struct crvs_ctx hl = HEALTH, r = REG(LHR1), c = COURT;
	struct crvs_death_notice d;
	memset(&d, 0, sizeof d);
	snprintf(d.person_id, sizeof d.person_id, "%s", h);
	d.date = ago(5);
	snprintf(d.council_code, sizeof d.council_code, LHR1);
	snprintf(d.cause_icd10, sizeof d.cause_icd10, "I21");
	struct crvs_outcome o, reg;
	EXPECT_OK(crvs_notify_death(&hl, &d, &o, &e));
	int64_t id = o.event_id;
	EXPECT_ERR(SH_ERULE, "DUPLICATE_DEATH", crvs_notify_death(&hl, &d, &o, &e));
	EXPECT_OK(crvs_register(&r, id, NULL, &reg, &e));
	struct person p = fx_get(h);
	cr_assert_eq(p.status, PERSON_DECEASED);
	cr_assert_eq(sh_date_to_days(p.date_of_death), sh_date_to_days(ago(5)));
	cr_assert_eq(fx_get(w).marital, MARITAL_WIDOWED);
	cr_assert_eq(marriage1().status, MARRIAGE_ENDED_BY_DEATH);
	EXPECT_ERR(SH_ERULE, "ALREADY_DECEASED", crvs_notify_death(&hl, &d, &o, &e));
	struct crvs_divorce_notice n = dnotice(DIVORCE_DECREE, 1);
	EXPECT_ERR(SH_ERULE, "EVENT_AFTER_DEATH", crvs_submit_divorce(&c, &n, &o, &e));
}

Test(divorce, death_rules)
{
	married();
	struct crvs_ctx hl = HEALTH, r = REG(LHR1);
	struct crvs_death_notice d;
	memset(&d, 0, sizeof d);
	snprintf(d.person_id, sizeof d.person_id, "%s", w);
	d.date = (struct sh_date){1990, 1, 1};
	snprintf(d.council_code, sizeof d.council_code, LHR1);
	snprintf(d.late_reason, sizeof d.late_reason, "old");
	struct crvs_outcome o;
	EXPECT_ERR(SH_ERULE, "DEATH_BEFORE_BIRTH", crvs_notify_death(&hl, &d, &o, &e));
	d.date = ago(1);
	snprintf(d.cause_icd10, sizeof d.cause_icd10, "heart");
	EXPECT_ERR(SH_EINVAL, "CAUSE_INVALID", crvs_notify_death(&hl, &d, &o, &e));
	d.cause_icd10[0] = '\0';
	EXPECT_ERR(SH_ERULE, "DOCUMENTS_REQUIRED", crvs_notify_death(&r, &d, &o, &e));
}
