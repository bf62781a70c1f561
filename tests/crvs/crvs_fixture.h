/* crvs_fixture.h — shared set-up for the civil registration tests: a fresh
 * database with the audit, registry and crvs schemas, people, and contexts
 * for each role. Included by each tests/crvs/test_*.c (static helpers). */
#ifndef SH_TEST_CRVS_FIXTURE_H
#define SH_TEST_CRVS_FIXTURE_H

#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/password.h"
#include "auth/roles.h"
#include "auth/users.h"
#include "crvs/crvs.h"
#include "registry/person.h"
#include "store/store.h"
#include "testdb.h"

#define LHR1 "PB-LHR-01-001"
#define LHR2 "PB-LHR-01-002"
#define KHI1 "SD-KHC-01-001"

static store *db;
static char *url;
static const struct audit_actor a_health = {"operator", 11, "hospital1", "health_notifier",
					    NULL, NULL};
static const struct audit_actor a_reg = {"operator", 12, "registrar1", "uc_registrar", NULL,
					 NULL};
static const struct audit_actor a_reg2 = {"operator", 13, "registrar2", "uc_registrar", NULL,
					  NULL};
static const struct audit_actor a_nikah = {"operator", 14, "nikahkhwan1", "nikah_registrar",
					   NULL, NULL};
static const struct audit_actor a_court = {"operator", 15, "clerk1", "court_clerk", NULL, NULL};

/* An operator account (a licence is granted to one of the nikah
 * registrar role only). council may be NULL. */
__attribute__((unused)) static void fx_operator(const char *name, unsigned role,
						const char *council)
{
	static const struct audit_actor sys = {"system", 0, "system", NULL, NULL, NULL};
	static const struct auth_pwcost cheap = {1, crypto_pwhash_MEMLIMIT_MIN};
	struct sh_err e = {0};
	store_tx *tx;
	int64_t id;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &e), 0);
	cr_assert_eq(auth_user_create(tx, &sys, &cheap, name, "correct horse battery staple",
				      role, council, &id, &e),
		     0, "%s", e.msg);
	cr_assert_eq(store_commit(tx, &e), 0);
}

__attribute__((unused)) static void fx_setup(void)
{
	struct sh_err e = {0};
	url = testdb_url();
	cr_assert(url);
	cr_assert_eq(store_open(url, 2, &db, &e), 0, "%s", e.msg);
	cr_assert_eq(audit_migrate(db, &e), 0, "%s", e.msg);
	cr_assert_eq(registry_migrate(db, &e), 0, "%s", e.msg);
	cr_assert_eq(crvs_migrate(db, &e), 0, "%s", e.msg);
	cr_assert_eq(auth_migrate(db, &e), 0, "%s", e.msg);
	fx_operator("nikahkhwan1", ROLE_NIKAH_REGISTRAR, NULL);
	fx_operator("hospital1", ROLE_HEALTH_NOTIFIER, NULL);
}


__attribute__((unused)) static void fx_teardown(void)
{
	store_close(db);
	testdb_drop(url);
}

/* n days before today. */
__attribute__((unused)) static struct sh_date ago(int days)
{
	return sh_days_to_date(sh_date_to_days(sh_date_today()) - days);
}

__attribute__((unused)) static struct crvs_ctx ctx_of(const struct audit_actor *a, unsigned role, const char *council)
{
	struct crvs_ctx c = {db, a, role, council, sh_date_today(), NULL};
	return c;
}

#define HEALTH ctx_of(&a_health, ROLE_HEALTH_NOTIFIER, "")
#define REG(council) ctx_of(&a_reg, ROLE_UC_REGISTRAR, council)
#define NIKAH ctx_of(&a_nikah, ROLE_NIKAH_REGISTRAR, "")
#define COURT ctx_of(&a_court, ROLE_COURT_CLERK, "")

/* A registered adult: returns the new identity number in out. */
__attribute__((unused)) static void fx_person(const char *name_en, enum person_gender g, int age_years,
		      const char *council, char out[14])
{
	struct person p;
	memset(&p, 0, sizeof p);
	snprintf(p.name_en, sizeof p.name_en, "%s", name_en);
	p.gender = g;
	struct sh_date t = sh_date_today();
	p.dob = (struct sh_date){t.year - age_years, 1, 15};
	if (sh_date_to_days(p.dob) > sh_date_to_days(t))
		p.dob.year--;
	snprintf(p.council_code, sizeof p.council_code, "%s", council);
	snprintf(p.address_line, sizeof p.address_line, "House 1, Street 2");
	store_tx *tx;
	struct sh_err e = {0};
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &e), 0);
	cr_assert_eq(person_create(tx, &a_reg, &p, "test fixture", &e), 0, "%s", e.msg);
	cr_assert_eq(store_commit(tx, &e), 0);
	snprintf(out, 14, "%s", p.id_number);
}

__attribute__((unused)) static struct person fx_get(const char *id)
{
	struct person p;
	store_tx *tx;
	struct sh_err e = {0};
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &e), 0);
	cr_assert_eq(person_get(tx, id, &p, &e), 0, "%s", e.msg);
	store_rollback(tx);
	return p;
}

__attribute__((unused)) static struct crvs_event fx_event(int64_t id)
{
	struct crvs_event ev;
	store_tx *tx;
	struct sh_err e = {0};
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &e), 0);
	cr_assert_eq(crvs_event_get(tx, id, &ev, &e), 0, "%s", e.msg);
	store_rollback(tx);
	return ev;
}

__attribute__((unused)) static uint64_t fx_audit_size(void)
{
	struct audit_head h;
	struct sh_err e = {0};
	cr_assert_eq(audit_head(db, &h, &e), 0, "%s", e.msg);
	return h.size;
}

/* A groom (30), a bride (bride_age) and two witnesses (40 and 45), all of
 * LHR1; their new identity numbers in h, w, w1 and w2. */
__attribute__((unused)) static void fx_wedding_party(int bride_age, char h[14], char w[14],
						     char w1[14], char w2[14])
{
	fx_person("Imran Khan", GENDER_MALE, 30, LHR1, h);
	fx_person("Sana Bibi", GENDER_FEMALE, bride_age, LHR1, w);
	fx_person("Witness One", GENDER_MALE, 40, LHR1, w1);
	fx_person("Witness Two", GENDER_MALE, 45, LHR1, w2);
}

/* The notice of the marriage of h and w before witnesses w1 and w2, both
 * parties consenting, on `date` in `council`. */
__attribute__((unused)) static struct crvs_marriage_notice
fx_marriage_notice(const char *h, const char *w, const char *w1, const char *w2,
		   struct sh_date date, const char *council)
{
	struct crvs_marriage_notice n;
	memset(&n, 0, sizeof n);
	snprintf(n.husband_id, sizeof n.husband_id, "%s", h);
	snprintf(n.wife_id, sizeof n.wife_id, "%s", w);
	snprintf(n.witness1_id, sizeof n.witness1_id, "%s", w1);
	snprintf(n.witness2_id, sizeof n.witness2_id, "%s", w2);
	n.date = date;
	snprintf(n.council_code, sizeof n.council_code, "%s", council);
	n.husband_consent = n.wife_consent = 1;
	return n;
}

/* EXPECT_ERR(status, "CODE", call using &e): the call fails with that
 * status and stable code. */
#define EXPECT_ERR(want_status_, want_code_, ...)                                                     \
	do {                                                                               \
		struct sh_err e = {0};                                                     \
		int rc_ = (__VA_ARGS__);                                                   \
		cr_assert_eq(rc_, want_status_, "want %s: rc %d (%s: %s)", want_code_, rc_, e.code,   \
			     e.msg);                                                       \
		cr_assert_str_eq(e.code, want_code_, "want %s: got %s (%s)", want_code_, e.code,      \
				 e.msg);                                                   \
	} while (0)
#define EXPECT_OK(...)                                                                    \
	do {                                                                               \
		struct sh_err e = {0};                                                     \
		int rc_ = (__VA_ARGS__);                                                   \
		cr_assert_eq(rc_, 0, "rc %d (%s: %s)", rc_, e.code, e.msg);                \
	} while (0)

#endif
