/* test_birth.c — birth notifications and registration: the child gets an
 * identity number linked to the parents in the same transaction as the
 * event and audit; duplicates, birth orders, late registration,
 * self-declaration, jurisdiction and death rules. */
#include "crvs_fixture.h"

TestSuite(birth, .init = fx_setup, .fini = fx_teardown, .timeout = 120);

static char mother[14], father[14];

static struct crvs_birth_notice notice(struct sh_date d, enum person_gender sex, int order)
{
	struct crvs_birth_notice n;
	memset(&n, 0, sizeof n);
	snprintf(n.mother_id, sizeof n.mother_id, "%s", mother);
	snprintf(n.father_id, sizeof n.father_id, "%s", father);
	n.sex = sex;
	n.date = d;
	snprintf(n.time, sizeof n.time, "10:45");
	snprintf(n.place, sizeof n.place, "Services Hospital, Lahore");
	snprintf(n.facility, sizeof n.facility, "Services Hospital");
	n.weight_grams = 3200;
	n.birth_order = order;
	snprintf(n.council_code, sizeof n.council_code, LHR2);
	return n;
}

static void parents(void)
{
	fx_person("Sana Imran", GENDER_FEMALE, 28, LHR1, mother);
	fx_person("Imran Khan", GENDER_MALE, 32, LHR1, father);
}

static struct crvs_registration child_names(const char *en)
{
	struct crvs_registration r;
	memset(&r, 0, sizeof r);
	snprintf(r.name_en, sizeof r.name_en, "%s", en);
	snprintf(r.name_ur, sizeof r.name_ur, "عائشہ خان");
	return r;
}

Test(birth, facility_notice_registered_creates_linked_child)
{
	parents();
	struct crvs_outcome o, reg;
	struct crvs_ctx h = HEALTH, r = REG(LHR2);
	struct crvs_birth_notice n = notice(ago(3), GENDER_FEMALE, 1);
	EXPECT_OK(crvs_notify_birth(&h, &n, &o, &e));
	cr_assert_gt(o.event_id, 0);
	cr_assert_eq(o.late, 0);
	struct crvs_event ev = fx_event(o.event_id);
	cr_assert_eq(ev.status, CRVS_PENDING);
	cr_assert_str_eq(ev.source, "facility");
	crvs_event_free(&ev);

	uint64_t before = fx_audit_size();
	struct crvs_registration names = child_names("Ayesha Khan");
	EXPECT_OK(crvs_register(&r, o.event_id, &names, &reg, &e));
	cr_assert_eq(strlen(reg.person_id), 13);
	cr_assert_str_eq(reg.reg_no[0] == 'B' ? "B" : reg.reg_no, "B");
	struct person child = fx_get(reg.person_id);
	cr_assert_str_eq(child.name_en, "Ayesha Khan");
	cr_assert_str_eq(child.mother_id, mother);
	cr_assert_str_eq(child.father_id, father);
	cr_assert_eq(child.gender, GENDER_FEMALE);
	cr_assert_eq(sh_date_to_days(child.dob), sh_date_to_days(ago(3)));
	cr_assert_str_eq(child.council_code, LHR1); /* the mother's council */
	cr_assert_str_eq(child.guardian_name_en, "Imran Khan");
	/* person.create and crvs.birth.register at least, in one transaction. */
	cr_assert_geq(fx_audit_size(), before + 2);
	ev = fx_event(o.event_id);
	cr_assert_eq(ev.status, CRVS_REGISTERED);
	cr_assert_str_eq(ev.person_id, reg.person_id);
	crvs_event_free(&ev);
	/* Registering twice is refused. */
	EXPECT_ERR(SH_ECONFLICT, "NOT_PENDING", crvs_register(&r, o.event_id, &names, &reg, &e));
}

Test(birth, same_birth_notified_twice_is_a_duplicate)
{
	parents();
	struct crvs_outcome o;
	struct crvs_ctx h = HEALTH;
	struct crvs_birth_notice n = notice(ago(2), GENDER_MALE, 1);
	EXPECT_OK(crvs_notify_birth(&h, &n, &o, &e));
	EXPECT_ERR(SH_ERULE, "DUPLICATE_BIRTH", crvs_notify_birth(&h, &n, &o, &e));
	/* Also after it is registered. */
	struct crvs_ctx r = REG(LHR2);
	struct crvs_registration names = child_names("Ali Khan");
	struct crvs_outcome reg;
	EXPECT_OK(crvs_register(&r, 1, &names, &reg, &e));
	EXPECT_ERR(SH_ERULE, "DUPLICATE_BIRTH", crvs_notify_birth(&h, &n, &o, &e));
}

Test(birth, multiple_births_need_distinct_orders)
{
	parents();
	struct crvs_outcome o1, o2;
	struct crvs_ctx h = HEALTH;
	struct crvs_birth_notice a = notice(ago(1), GENDER_MALE, 1);
	struct crvs_birth_notice b = notice(ago(1), GENDER_FEMALE, 1);
	EXPECT_OK(crvs_notify_birth(&h, &a, &o1, &e));
	EXPECT_ERR(SH_ERULE, "BIRTH_ORDER_TAKEN", crvs_notify_birth(&h, &b, &o2, &e));
	b.birth_order = 2;
	EXPECT_OK(crvs_notify_birth(&h, &b, &o2, &e));
	/* Both twins register, each with its own number. */
	struct crvs_ctx r = REG(LHR1);
	struct crvs_outcome r1, r2;
	struct crvs_registration n1 = child_names("Hasan Khan"), n2 = child_names("Zainab Khan");
	EXPECT_OK(crvs_register(&r, o1.event_id, &n1, &r1, &e));
	EXPECT_OK(crvs_register(&r, o2.event_id, &n2, &r2, &e));
	cr_assert_str_neq(r1.person_id, r2.person_id);
	EXPECT_ERR(SH_EINVAL, "BIRTH_ORDER_INVALID",
		   (b.birth_order = 0, crvs_notify_birth(&h, &b, &o2, &e)));
}

Test(birth, late_registration_needs_a_reason_and_is_flagged)
{
	parents();
	struct crvs_outcome o;
	struct crvs_ctx h = HEALTH;
	struct crvs_birth_notice n = notice(ago(75), GENDER_MALE, 1);
	EXPECT_ERR(SH_ERULE, "LATE_REASON_REQUIRED", crvs_notify_birth(&h, &n, &o, &e));
	snprintf(n.late_reason, sizeof n.late_reason, "family lived abroad");
	EXPECT_OK(crvs_notify_birth(&h, &n, &o, &e));
	cr_assert_eq(o.late, 1);
	struct crvs_event ev = fx_event(o.event_id);
	cr_assert_eq(ev.late, 1);
	cr_assert_str_eq(ev.late_reason, "family lived abroad");
	crvs_event_free(&ev);
	/* The period is configuration. */
	struct crvs_ctx r = REG(LHR1);
	EXPECT_OK(crvs_rules_set(&r, "late_days", 100, &e));
	struct crvs_birth_notice n2 = notice(ago(80), GENDER_FEMALE, 1);
	EXPECT_OK(crvs_notify_birth(&h, &n2, &o, &e));
	cr_assert_eq(o.late, 0);
}

Test(birth, self_declaration_needs_documents)
{
	parents();
	struct crvs_outcome o;
	struct crvs_ctx r = REG(LHR1), h = HEALTH;
	struct crvs_birth_notice n = notice(ago(5), GENDER_MALE, 1);
	n.facility[0] = '\0';
	EXPECT_ERR(SH_EINVAL, "FACILITY_REQUIRED", crvs_notify_birth(&h, &n, &o, &e));
	EXPECT_ERR(SH_ERULE, "DOCUMENTS_REQUIRED", crvs_notify_birth(&r, &n, &o, &e));
	snprintf(n.documents, sizeof n.documents, "affidavit; vaccination card");
	EXPECT_OK(crvs_notify_birth(&r, &n, &o, &e));
	struct crvs_event ev = fx_event(o.event_id);
	cr_assert_str_eq(ev.source, "self_declaration");
	crvs_event_free(&ev);
}

Test(birth, only_the_competent_council_registers)
{
	parents();
	struct crvs_outcome o, reg;
	struct crvs_ctx h = HEALTH, other = REG(KHI1);
	struct crvs_birth_notice n = notice(ago(3), GENDER_MALE, 1);
	EXPECT_OK(crvs_notify_birth(&h, &n, &o, &e));
	struct crvs_registration names = child_names("Umar Khan");
	EXPECT_ERR(SH_ERULE, "WRONG_COUNCIL", crvs_register(&other, o.event_id, &names, &reg, &e));
	EXPECT_ERR(SH_ERULE, "WRONG_COUNCIL", crvs_reject(&other, o.event_id, "no", &e));
	/* The pending list of each council. */
	store_tx *tx;
	struct sh_err err = {0};
	int count = 0;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &err), 0);
	int cb(void *ctx, const struct crvs_event *ev);
	cr_assert_eq(crvs_pending(tx, LHR1, 10, cb, &count, &err), 0); /* mother's council */
	cr_assert_eq(count, 1);
	count = 0;
	cr_assert_eq(crvs_pending(tx, KHI1, 10, cb, &count, &err), 0);
	cr_assert_eq(count, 0);
	store_rollback(tx);
	/* Where it happened (LHR2) and the mother's council (LHR1) both may. */
	struct crvs_ctx mine = REG(LHR1);
	EXPECT_OK(crvs_register(&mine, o.event_id, &names, &reg, &e));
}

int cb(void *ctx, const struct crvs_event *ev)
{
	(void)ev;
	(*(int *)ctx)++;
	return 0;
}

Test(birth, rejected_then_not_registrable)
{
	parents();
	struct crvs_outcome o, reg;
	struct crvs_ctx h = HEALTH, r = REG(LHR2);
	struct crvs_birth_notice n = notice(ago(3), GENDER_MALE, 1);
	EXPECT_OK(crvs_notify_birth(&h, &n, &o, &e));
	EXPECT_ERR(SH_EINVAL, "REASON_REQUIRED", crvs_reject(&r, o.event_id, "", &e));
	EXPECT_OK(crvs_reject(&r, o.event_id, "mother not at this facility", &e));
	struct crvs_registration names = child_names("Umar Khan");
	EXPECT_ERR(SH_ECONFLICT, "NOT_PENDING", crvs_register(&r, o.event_id, &names, &reg, &e));
	/* A rejected notice does not block a corrected one. */
	EXPECT_OK(crvs_notify_birth(&h, &n, &o, &e));
}

Test(birth, failed_registration_changes_nothing)
{
	parents();
	struct crvs_outcome o, reg;
	struct crvs_ctx h = HEALTH, r = REG(LHR2);
	struct crvs_birth_notice n = notice(ago(3), GENDER_MALE, 1);
	EXPECT_OK(crvs_notify_birth(&h, &n, &o, &e));
	uint64_t before = fx_audit_size();
	struct crvs_registration bad = child_names("");
	bad.name_ur[0] = '\0';
	EXPECT_ERR(SH_EINVAL, "NAME_REQUIRED", crvs_register(&r, o.event_id, &bad, &reg, &e));
	struct crvs_registration latin_in_urdu = child_names("Umar Khan");
	snprintf(latin_in_urdu.name_ur, sizeof latin_in_urdu.name_ur, "Umar");
	EXPECT_ERR(SH_EINVAL, "NAME_INVALID",
		   crvs_register(&r, o.event_id, &latin_in_urdu, &reg, &e));
	cr_assert_eq(fx_audit_size(), before);
	struct crvs_event ev = fx_event(o.event_id);
	cr_assert_eq(ev.status, CRVS_PENDING);
	crvs_event_free(&ev);
}

Test(birth, dates_and_parents_are_checked)
{
	parents();
	struct crvs_outcome o;
	struct crvs_ctx h = HEALTH;
	struct crvs_birth_notice n = notice(sh_days_to_date(sh_date_to_days(sh_date_today()) + 2),
					    GENDER_MALE, 1);
	EXPECT_ERR(SH_ERULE, "DATE_FUTURE", crvs_notify_birth(&h, &n, &o, &e));
	n = notice(ago(3), GENDER_MALE, 1);
	snprintf(n.mother_id, sizeof n.mother_id, "%s", father);
	EXPECT_ERR(SH_ERULE, "MOTHER_NOT_FEMALE", crvs_notify_birth(&h, &n, &o, &e));
	n = notice(ago(3), GENDER_MALE, 1);
	snprintf(n.council_code, sizeof n.council_code, "PB-XXX-01-001");
	EXPECT_ERR(SH_ERULE, "UNKNOWN_COUNCIL", crvs_notify_birth(&h, &n, &o, &e));
	n = notice(ago(3), GENDER_MALE, 1);
	snprintf(n.mother_id, sizeof n.mother_id, "%s", "4210112345670");
	struct sh_err e2 = {0};
	cr_assert_neq(crvs_notify_birth(&h, &n, &o, &e2), 0);
}

Test(birth, no_birth_after_the_mothers_death)
{
	parents();
	struct crvs_outcome o, reg;
	struct crvs_ctx h = HEALTH, r = REG(LHR1);
	struct crvs_death_notice d;
	memset(&d, 0, sizeof d);
	snprintf(d.person_id, sizeof d.person_id, "%s", mother);
	d.date = ago(20);
	snprintf(d.council_code, sizeof d.council_code, LHR1);
	snprintf(d.place, sizeof d.place, "Lahore");
	EXPECT_OK(crvs_notify_death(&h, &d, &o, &e));
	EXPECT_OK(crvs_register(&r, o.event_id, NULL, &reg, &e));
	struct crvs_birth_notice n = notice(ago(3), GENDER_MALE, 1);
	EXPECT_ERR(SH_ERULE, "EVENT_AFTER_DEATH", crvs_notify_birth(&h, &n, &o, &e));
}
