/* test_rules.c — every quality rule on a planted case and a clean control
 * (the rule fires on the first and not on the second), case
 * de-duplication across runs, decisions, and the telco import. The rows
 * are planted straight into each domain's tables: what is tested is the
 * rule and the views it reads, on both backends. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "api/app.h"
#include "quality/quality.h"
#include "store/store.h"
#include "testdb.h"

#define NOW 1780000000 /* 2026-05-28 20:26 UTC */
#define YEAR_S (365 * 86400)

static store *db;
static char *url;
static const struct audit_actor officer = {"operator", 7, "officer1", "case_officer", NULL,
					   NULL};

static void setup(void)
{
	struct sh_err e = {0};
	url = testdb_url();
	cr_assert(url);
	cr_assert_eq(store_open(url, 2, &db, &e), 0, "%s", e.msg);
	cr_assert_eq(app_migrate(db, &e), 0, "%s", e.msg);
}

static void teardown(void)
{
	store_close(db);
	testdb_drop(url);
}

TestSuite(quality, .init = setup, .fini = teardown);

struct p {
	const char *idn, *gender;
	int year;
	const char *precision, *status, *dod, *council, *address, *mother, *father;
	long long updated_at;
};

static long long next_id = 1;

static void person(const struct p *x)
{
	char sql[1400];
	char m[32], f[32], d[32], a[80];
	snprintf(m, sizeof m, x->mother ? "'%s'" : "NULL", x->mother);
	snprintf(f, sizeof f, x->father ? "'%s'" : "NULL", x->father);
	snprintf(d, sizeof d, x->dod ? "'%s'" : "NULL", x->dod);
	snprintf(a, sizeof a, x->address ? "'%s'" : "NULL", x->address);
	long long id = next_id++;
	long long upd = x->updated_at ? x->updated_at : NOW - 86400;
	snprintf(sql, sizeof sql,
		 "INSERT INTO persons(id, id_number, legacy_number, version, name_en,"
		 " guardian_relation, gender, dob, dob_year, dob_precision, council_code,"
		 " address_line, status, date_of_death, citizenship, marital, mother_id,"
		 " father_id, updated_at, created_at) VALUES (%lld, '%s', 0, 1, 'X', 'father',"
		 " '%s', '%d-01-01', %d, '%s', '%s', %s, '%s', %s, 'citizen', 'single', %s, %s,"
		 " %lld, %lld);"
		 "INSERT INTO person_versions(person_id, id_number, legacy_number, version,"
		 " guardian_relation, gender, dob, dob_year, dob_precision, council_code, status,"
		 " citizenship, marital, mother_id, father_id, updated_at, actor_kind, actor_name,"
		 " fields, at) SELECT id, id_number, 0, 1, guardian_relation, gender, dob,"
		 " dob_year, dob_precision, council_code, status, citizenship, marital, mother_id,"
		 " father_id, updated_at, 'system', 'test', 0, updated_at FROM persons WHERE id = %lld;",
		 id, x->idn, x->gender ? x->gender : "male", x->year ? x->year : 1990, x->year ? x->year : 1990,
		 x->precision ? x->precision : "full", x->council ? x->council : "PB-LHR-01-001", a,
		 x->status ? x->status : "alive", d, m, f, upd, upd, id);
	testdb_exec(db, sql);
}

/* A later version of idn naming `mother` as its mother. */
static void gain_mother(const char *idn, const char *mother)
{
	char sql[900];
	snprintf(sql, sizeof sql,
		 "UPDATE persons SET mother_id = '%s', version = 2 WHERE id_number = '%s';"
		 "INSERT INTO person_versions(person_id, id_number, legacy_number, version,"
		 " guardian_relation, gender, dob, dob_year, dob_precision, council_code, status,"
		 " citizenship, marital, mother_id, father_id, updated_at, actor_kind, actor_name,"
		 " fields, at) SELECT id, id_number, 0, 2, guardian_relation, gender, dob,"
		 " dob_year, dob_precision, council_code, status, citizenship, marital, mother_id,"
		 " father_id, updated_at, 'operator', 'x', 0, updated_at FROM persons"
		 " WHERE id_number = '%s';",
		 mother, idn, idn);
	testdb_exec(db, sql);
}

static void birth(long long id, const char *mother, const char *child, const char *sex,
		  const char *date, const char *council, const char *status)
{
	char sql[700], c[32];
	snprintf(c, sizeof c, child ? "'%s'" : "NULL", child);
	snprintf(sql, sizeof sql,
		 "INSERT INTO crvs_events(id, kind, status, source, event_date, council_code,"
		 " subject_a, sex, birth_order, details, submitted_by, submitted_at, person_id)"
		 " VALUES (%lld, 'birth', '%s', 'facility', '%s', '%s', '%s', '%s', 1, '{}', 'h',"
		 " 0, %s);",
		 id, status, date, council, mother, sex, c);
	testdb_exec(db, sql);
}

static struct quality_run run;

static const struct quality_result *do_run(void)
{
	struct sh_err e = {0};
	quality_run_free(&run);
	cr_assert_eq(quality_run(db, &officer, NOW, &run, &e), 0, "%s %s", e.code, e.msg);
	return run.results;
}

static const struct quality_result *res(const char *rule)
{
	for (int i = 0; i < run.nresults; i++)
		if (!strcmp(run.results[i].rule->name, rule))
			return &run.results[i];
	cr_assert_fail("no rule %s", rule);
	return NULL;
}

static int cases_of(const char *rule, struct quality_case *cs, int max)
{
	struct sh_err e = {0};
	store_tx *tx;
	int n = 0;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &e), 0);
	cr_assert_eq(quality_cases_list(tx, NULL, rule, 0, max, cs, &n, &e), 0, "%s", e.msg);
	store_rollback(tx);
	return n;
}

static void expect(const char *rule, long long value, long long denominator)
{
	const struct quality_result *r = res(rule);
	cr_expect_eq(r->value, value, "%s value %lld, expected %lld", rule, (long long)r->value,
		     value);
	cr_expect_eq(r->denominator, denominator, "%s denominator %lld, expected %lld", rule,
		     (long long)r->denominator, denominator);
}

Test(quality, empty_store_breaches_nothing)
{
	do_run();
	cr_assert_eq(run.nresults, (int)quality_rules_count);
	for (int i = 0; i < run.nresults; i++) {
		cr_expect_eq(run.results[i].value, 0, "%s", run.results[i].rule->name);
		cr_expect_eq(run.results[i].breach, 0, "%s", run.results[i].rule->name);
	}
	cr_expect_eq(run.cases_opened, 0);
	quality_run_free(&run);
}

Test(quality, birth_year_only)
{
	person(&(struct p){.idn = "1000000000001", .precision = "year"});      /* planted */
	person(&(struct p){.idn = "1000000000002"});                           /* control */
	person(&(struct p){.idn = "1000000000003", .precision = "year", .status = "deceased",
			   .dod = "2020-01-01"});                       /* not living */
	do_run();
	expect("birth_year_only", 1, 2);
	cr_expect(res("birth_year_only")->breach);
	quality_run_free(&run);
}

Test(quality, expired_cards)
{
	person(&(struct p){.idn = "1000000000001", .updated_at = NOW - 11LL * YEAR_S}); /* planted */
	person(&(struct p){.idn = "1000000000002", .updated_at = NOW - 1LL * YEAR_S});  /* control */
	person(&(struct p){.idn = "1000000000003", .year = 2015});                      /* a minor */
	do_run();
	expect("expired_cards", 1, 2);
	quality_run_free(&run);
}

static void enrol(long long id, const char *idn, const char *device, int templates)
{
	char sql[900];
	snprintf(sql, sizeof sql,
		 "INSERT INTO bio_enrolments(id, id_number, version, state, current, device_id,"
		 " operator, captured_at, liveness, document, exemption, created_at) VALUES"
		 " (%lld, '%s', 1, 'unique', 1, '%s', 'op', 0, 'pass', 'x', 'none', 0);",
		 id, idn, device);
	testdb_exec(db, sql);
	for (int i = 1; i <= 2; i++) {
		snprintf(sql, sizeof sql,
			 "INSERT INTO bio_samples(enrolment_id, position, kind) VALUES (%lld, %d, '%s');",
			 id, i, templates ? "template" : "missing");
		testdb_exec(db, sql);
	}
}

static void device(const char *id, const char *modality)
{
	struct sh_err e = {0};
	store_tx *tx;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &e), 0);
	cr_assert(store_run(tx, &e,
			    "INSERT INTO bio_devices(device_id, make, model, serial, modality, status,"
			    " approved_on, council_code, public_key, registered_at) VALUES"
			    " (?, 'm', 'm', ?, ?, 'approved', '2024-01-01', 'PB-LHR-01-001', ?, 0)",
			    "tttb", id, id, modality, "k", (size_t)1) == 1, "%s", e.msg);
	cr_assert_eq(store_commit(tx, &e), 0);
}

Test(quality, fingerprints_and_photographs_by_sex_and_age)
{
	device("fp1", "fingerprint");
	device("face1", "face");
	person(&(struct p){.idn = "1000000000001", .gender = "male", .year = 1990}); /* enrolled */
	person(&(struct p){.idn = "1000000000002", .gender = "male", .year = 1990}); /* none */
	person(&(struct p){.idn = "1000000000003", .gender = "female", .year = 2010}); /* all missing */
	person(&(struct p){.idn = "1000000000004", .gender = "female", .year = 1950}); /* face device */
	enrol(1, "1000000000001", "fp1", 1);
	enrol(2, "1000000000003", "fp1", 0);
	enrol(3, "1000000000004", "face1", 1);
	do_run();
	expect("no_fingerprints", 2, 4);
	expect("no_photograph", 3, 4);
	const struct quality_result *r = res("no_fingerprints");
	int seen = 0;
	for (int g = 0; g < r->ngroups; g++) {
		if (!strcmp(r->groups[g].grp, "male 30-44")) {
			cr_expect_eq(r->groups[g].value, 1);
			cr_expect_eq(r->groups[g].denominator, 2);
			seen++;
		}
		if (!strcmp(r->groups[g].grp, "female 0-17")) {
			cr_expect_eq(r->groups[g].value, 1);
			seen++;
		}
		if (!strcmp(r->groups[g].grp, "female 60+")) {
			cr_expect_eq(r->groups[g].value, 0);
			seen++;
		}
	}
	cr_expect_eq(seen, 3, "the breakdown has the three groups");
	quality_run_free(&run);
}

Test(quality, spouses_unregistered)
{
	person(&(struct p){.idn = "1000000000001", .gender = "female"});
	person(&(struct p){.idn = "1000000000002", .year = 2015, .mother = "1000000000001"}); /* planted */
	person(&(struct p){.idn = "1000000000003", .gender = "female"});
	person(&(struct p){.idn = "1000000000004"});
	person(&(struct p){.idn = "1000000000005", .year = 2016, .mother = "1000000000003",
			   .father = "1000000000004"}); /* control: both parents */
	do_run();
	expect("spouses_unregistered", 1, 3);
	quality_run_free(&run);
}

Test(quality, single_person_households)
{
	person(&(struct p){.idn = "1000000000001", .address = "House 1"}); /* planted: alone */
	person(&(struct p){.idn = "1000000000002", .address = "House 2"}); /* control: two */
	person(&(struct p){.idn = "1000000000003", .address = "House 2"});
	person(&(struct p){.idn = "1000000000004", .address = "House 1", .status = "deceased",
			   .dod = "2020-01-01"}); /* the dead are no household */
	do_run();
	expect("single_person_households", 1, 2);
	quality_run_free(&run);
}

static void verify_tx(const char *idn, long long at)
{
	char sql[400];
	snprintf(sql, sizeof sql,
		 "INSERT INTO verify_transactions(party_id, id_number, type, event, result,"
		 " created_at) VALUES (1, '%s', 'yesno', 'verify', 'yes', %lld);",
		 idn, at);
	testdb_exec(db, sql);
}

Test(quality, deceased_verified_after_death)
{
	/* 2025-01-10 is day 20098: 1736467200 its midnight */
	person(&(struct p){.idn = "1000000000001", .status = "deceased", .dod = "2025-01-10"});
	person(&(struct p){.idn = "1000000000002", .status = "deceased", .dod = "2025-01-10"});
	verify_tx("1000000000001", 1736467200LL + 86400 + 3600); /* planted: the day after */
	verify_tx("1000000000002", 1736467200LL + 3600);         /* control: that day */
	do_run();
	expect("deceased_verified_after_death", 1, 2);
	cr_expect(res("deceased_verified_after_death")->breach);
	quality_run_free(&run);
}

Test(quality, deceased_active_sim_from_telco_list)
{
	person(&(struct p){.idn = "1000000000001", .status = "deceased", .dod = "2025-01-10"});
	person(&(struct p){.idn = "1000000000002", .status = "deceased", .dod = "2025-01-10"});
	person(&(struct p){.idn = "1000000000003"});
	do_run();
	expect("deceased_active_sim", 0, 2); /* no list yet */
	static const char csv[] = "id_number,msisdn\n10000-0000000-1,923001234567\n"
				  "1000000000003\nnot-a-number\n\n";
	struct sh_err e = {0};
	struct quality_telco_result t;
	store_tx *tx;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &e), 0);
	cr_assert_eq(quality_telco_import(tx, &officer, "telco-a", csv, strlen(csv), &t, &e), 0,
		     "%s", e.msg);
	cr_assert_eq(store_commit(tx, &e), 0);
	cr_expect_eq(t.imported, 2);
	cr_expect_eq(t.rejected, 1);
	cr_expect(strstr(t.bad_lines, "line 4"), "%s", t.bad_lines);
	do_run();
	expect("deceased_active_sim", 1, 2); /* the alive subscriber is no finding */
	/* the source's next list replaces the last one */
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &e), 0);
	cr_assert_eq(quality_telco_import(tx, &officer, "telco-a", "1000000000003\n", 14, &t, &e), 0);
	cr_assert_eq(store_commit(tx, &e), 0);
	do_run();
	expect("deceased_active_sim", 0, 2);
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &e), 0);
	cr_expect_eq(quality_telco_import(tx, &officer, "", "x", 1, &t, &e), SH_EINVAL);
	store_rollback(tx);
	quality_run_free(&run);
}

Test(quality, births_too_close)
{
	person(&(struct p){.idn = "1000000000001", .gender = "female"});
	person(&(struct p){.idn = "1000000000002", .gender = "female"});
	birth(1, "1000000000001", NULL, "male", "2024-01-01", "PB-LHR-01-001", "registered");
	birth(2, "1000000000001", NULL, "female", "2024-03-01", "PB-LHR-01-001", "registered");
	/* control: twins a day apart, a sibling a year later, a rejected notice */
	birth(3, "1000000000002", NULL, "male", "2024-01-01", "PB-LHR-01-001", "registered");
	birth(4, "1000000000002", NULL, "male", "2024-01-02", "PB-LHR-01-001", "registered");
	birth(5, "1000000000002", NULL, "male", "2025-01-05", "PB-LHR-01-001", "registered");
	birth(6, "1000000000002", NULL, "male", "2025-03-05", "PB-LHR-01-001", "rejected");
	do_run();
	expect("births_too_close", 1, 0);
	struct quality_case cs[4];
	cr_assert_eq(cases_of("births_too_close", cs, 4), 1);
	cr_expect_str_eq(cs[0].id_number, "1000000000001");
	cr_expect_str_eq(cs[0].subject, "1/2");
	cr_expect(strstr(cs[0].detail, "60 days"), "%s", cs[0].detail);
	quality_run_free(&run);
}

Test(quality, child_two_councils)
{
	person(&(struct p){.idn = "1000000000001", .gender = "female"});
	person(&(struct p){.idn = "1000000000002", .gender = "female"});
	birth(1, "1000000000001", "1000000000011", "male", "2024-05-01", "PB-LHR-01-001",
	      "registered");
	birth(2, "1000000000001", "1000000000012", "male", "2024-05-02", "SD-KHC-01-001",
	      "registered");
	/* control: same-sex twins at one council */
	birth(3, "1000000000002", "1000000000013", "male", "2024-05-01", "PB-LHR-01-001",
	      "registered");
	birth(4, "1000000000002", "1000000000014", "male", "2024-05-01", "PB-LHR-01-001",
	      "registered");
	do_run();
	expect("child_two_councils", 1, 0);
	expect("births_too_close", 0, 0);
	struct quality_case cs[4];
	cr_assert_eq(cases_of("child_two_councils", cs, 4), 1);
	cr_expect_str_eq(cs[0].id_number, "1000000000012");
	quality_run_free(&run);
}

Test(quality, family_tree_intrusion)
{
	person(&(struct p){.idn = "1000000000001", .gender = "female"});
	person(&(struct p){.idn = "1000000000002", .gender = "female"});
	person(&(struct p){.idn = "1000000000003", .year = 2000}); /* planted: gains a mother */
	person(&(struct p){.idn = "1000000000004", .year = 2000}); /* control: with her birth */
	gain_mother("1000000000003", "1000000000001");
	gain_mother("1000000000004", "1000000000002");
	birth(1, "1000000000002", "1000000000004", "male", "2000-01-01", "PB-LHR-01-001",
	      "registered");
	/* a spouse with no marriage event (planted), one with (control) */
	testdb_exec(db,
		    "INSERT INTO crvs_events(id, kind, status, source, event_date, council_code,"
		    " subject_a, subject_b, details, submitted_by, submitted_at) VALUES (7,"
		    " 'marriage', 'registered', 'nikahnama', '2020-01-01', 'PB-LHR-01-001',"
		    " '1000000000005', '1000000000006', '{}', 'n', 0);"
		    "INSERT INTO crvs_marriages(event_id, husband_id, wife_id, marriage_date,"
		    " status, reg_no, council_code, created_at) VALUES (7, '1000000000005',"
		    " '1000000000006', '2020-01-01', 'live', 'M-1', 'PB-LHR-01-001', 0),"
		    " (99, '1000000000007', '1000000000008', '2020-01-01', 'live', 'M-2',"
		    " 'PB-LHR-01-001', 0);");
	do_run();
	expect("family_tree_intrusion", 2, 0);
	struct quality_case cs[4];
	cr_assert_eq(cases_of("family_tree_intrusion", cs, 4), 2);
	int mother = 0, spouse = 0;
	for (int i = 0; i < 2; i++) {
		mother += !strcmp(cs[i].id_number, "1000000000003");
		spouse += !strcmp(cs[i].id_number, "1000000000008");
	}
	cr_expect(mother == 1 && spouse == 1, "%s / %s", cs[0].subject, cs[1].subject);
	quality_run_free(&run);
}

static void bio_case(long long id, long long ea, const char *a, long long eb, const char *b,
		     const char *state)
{
	char sql[600];
	snprintf(sql, sizeof sql,
		 "INSERT INTO bio_cases(id, enrolment_id, id_number, candidate_enrolment_id,"
		 " candidate_id_number, score, detail, state, opened_at) VALUES (%lld, %lld, '%s',"
		 " %lld, '%s', '0.9', '{}', '%s', 0);",
		 id, ea, a, eb, b, state);
	testdb_exec(db, sql);
}

Test(quality, deceased_biometric_match)
{
	device("fp1", "fingerprint");
	person(&(struct p){.idn = "1000000000001", .status = "deceased", .dod = "2022-02-02"});
	person(&(struct p){.idn = "1000000000002"});
	person(&(struct p){.idn = "1000000000003"});
	person(&(struct p){.idn = "1000000000004"});
	person(&(struct p){.idn = "1000000000005", .status = "deceased", .dod = "2022-02-02"});
	person(&(struct p){.idn = "1000000000006"});
	for (int i = 1; i <= 6; i++) {
		char idn[16];
		snprintf(idn, sizeof idn, "100000000000%d", i);
		enrol(i, idn, "fp1", 1);
	}
	bio_case(1, 2, "1000000000002", 1, "1000000000001", "open");     /* planted */
	bio_case(2, 4, "1000000000004", 3, "1000000000003", "open");     /* both alive */
	bio_case(3, 6, "1000000000006", 5, "1000000000005", "different_persons");
	do_run();
	expect("deceased_biometric_match", 1, 0);
	struct quality_case cs[4];
	cr_assert_eq(cases_of("deceased_biometric_match", cs, 4), 1);
	cr_expect_str_eq(cs[0].id_number, "1000000000001");
	quality_run_free(&run);
}

Test(quality, cases_open_once_across_runs_and_are_decided)
{
	person(&(struct p){.idn = "1000000000001", .gender = "female"});
	birth(1, "1000000000001", NULL, "male", "2024-01-01", "PB-LHR-01-001", "registered");
	birth(2, "1000000000001", NULL, "female", "2024-03-01", "PB-LHR-01-001", "registered");
	do_run();
	cr_expect_eq(run.cases_opened, 1);
	int64_t first = run.id;
	do_run();
	cr_expect_eq(run.cases_opened, 0, "a re-run opens no case twice");
	cr_expect_eq(res("births_too_close")->value, 1, "the hit is still counted");
	struct quality_case cs[4], c;
	cr_assert_eq(cases_of(NULL, cs, 4), 1);
	cr_expect_eq(cs[0].first_run, first);
	cr_expect_eq(cs[0].last_run, run.id);
	struct sh_err e = {0};
	store_tx *tx;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &e), 0);
	cr_expect_eq(quality_case_decide(tx, &officer, cs[0].id, "maybe", "r", &c, &e), SH_EINVAL);
	cr_expect_str_eq(e.code, "DECISION_INVALID");
	cr_expect_eq(quality_case_decide(tx, &officer, cs[0].id, "dismissed", "", &c, &e),
		     SH_EINVAL);
	cr_expect_str_eq(e.code, "REASON_REQUIRED");
	cr_expect_eq(quality_case_decide(tx, &officer, 999, "dismissed", "r", &c, &e),
		     SH_ENOTFOUND);
	cr_assert_eq(quality_case_decide(tx, &officer, cs[0].id, "dismissed",
					 "premature twin recorded late", &c, &e),
		     0, "%s", e.msg);
	cr_expect_str_eq(c.state, "dismissed");
	cr_expect_str_eq(c.decided_by, "officer1");
	cr_assert_eq(store_commit(tx, &e), 0);
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &e), 0);
	cr_expect_eq(quality_case_decide(tx, &officer, cs[0].id, "confirmed", "r", &c, &e),
		     SH_ECONFLICT);
	cr_expect_str_eq(e.code, "CASE_DECIDED");
	store_rollback(tx);
	do_run();
	cr_expect_eq(run.cases_opened, 0, "a dismissed case is not reopened");
	cr_assert_eq(cases_of(NULL, cs, 4), 1);
	cr_expect_str_eq(cs[0].state, "dismissed");
	/* the latest run reads back as it was stored */
	struct quality_run back;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &e), 0);
	cr_assert_eq(quality_latest(tx, &back, &e), 0, "%s", e.msg);
	store_rollback(tx);
	cr_expect_eq(back.id, run.id);
	for (int i = 0; i < back.nresults; i++)
		cr_expect_eq(back.results[i].value, run.results[i].value, "%s",
			     back.results[i].rule->name);
	quality_run_free(&back);
	quality_run_free(&run);
}
