/* test_vitals.c — vital statistics on a small store whose answer is
 * computed by hand (docs/vitals.md has the formulas). The events are rows
 * of crvs_events written directly, so each date, status and registration
 * time is exactly what the case needs:
 *
 *  #  kind      status      council          event       registered  note
 *  1  birth     registered  PB-LHR-01-001    2025-01-10  2025-01-20  timely (10 d)
 *  2  birth     registered  PB-LHR-01-002    2025-01-31  2025-04-15  late (74 d), counts in Jan
 *  3  birth     rejected    PB-LHR-01-001    2025-02-01  -           never counts
 *  4  birth     pending     PB-LHR-01-001    2025-02-02  -           never counts
 *  5  death     registered  SD-KHC-01-001    2025-02-28  2025-04-29  60 d: timely (<= late_days)
 *  6  marriage  registered  PB-LHR-01-001    2025-03-15  2025-03-15
 *  7  divorce   registered  SD-KHC-01-001    2025-03-01  2025-03-02
 *  8  birth     registered  IS-ISB-01-001    2025-03-31  2025-04-01  timely
 *  9  birth     registered  PB-LHR-01-001    2024-12-31  2025-01-02  before the period
 * 10  birth     registered  PB-LHR-01-001    2025-04-01  2025-04-02  after the period
 * 11  birth     registered  ZZ-NOP-01-001    2025-02-10  2025-02-11  no such council: national only
 *
 * Period 2025-01..2025-03 (3 months). National: births 4 (1, 2, 8, 11),
 * timely 3; deaths 1 timely 1; marriages 1; divorces 1. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "crvs/crvs.h"
#include "lib/parse.h"
#include "registry/person.h"
#include "store/store.h"
#include "testdb.h"
#include "vitals/vitals.h"

static store *db;
static char *url;

static int64_t at(const char *date)
{
	struct sh_date d;
	cr_assert_eq(sh_parse_date(date, &d), 0);
	return sh_date_to_days(d) * 86400 + 10 * 3600; /* 10:00 UTC */
}

static void event(const char *kind, const char *status, const char *council, const char *date,
		  const char *registered)
{
	struct sh_err e = {0};
	store_tx *tx;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &e), 0, "%s", e.msg);
	int rc = store_run(tx, &e,
			   "INSERT INTO crvs_events (kind, status, source, event_date, council_code,"
			   " details, submitted_by, submitted_at, decided_at)"
			   " VALUES (?, ?, 'facility', ?, ?, '{}', 'test', ?, ?)",
			   registered ? "ttttii" : "ttttin", kind, status, date, council, at(date),
			   registered ? at(registered) : 0);
	cr_assert_eq(rc, 1, "%s", e.msg);
	cr_assert_eq(store_commit(tx, &e), 0, "%s", e.msg);
}

static void setup(void)
{
	struct sh_err e = {0};
	url = testdb_url();
	cr_assert(url);
	cr_assert_eq(store_open(url, 2, &db, &e), 0, "%s", e.msg);
	cr_assert_eq(audit_migrate(db, &e), 0, "%s", e.msg);
	cr_assert_eq(registry_migrate(db, &e), 0, "%s", e.msg);
	cr_assert_eq(crvs_migrate(db, &e), 0, "%s", e.msg);
	cr_assert_eq(vitals_migrate(db, &e), 0, "%s", e.msg);
	event("birth", "registered", "PB-LHR-01-001", "2025-01-10", "2025-01-20");
	event("birth", "registered", "PB-LHR-01-002", "2025-01-31", "2025-04-15");
	event("birth", "rejected", "PB-LHR-01-001", "2025-02-01", "2025-02-03");
	event("birth", "pending", "PB-LHR-01-001", "2025-02-02", NULL);
	event("death", "registered", "SD-KHC-01-001", "2025-02-28", "2025-04-29");
	event("marriage", "registered", "PB-LHR-01-001", "2025-03-15", "2025-03-15");
	event("divorce", "registered", "SD-KHC-01-001", "2025-03-01", "2025-03-02");
	event("birth", "registered", "IS-ISB-01-001", "2025-03-31", "2025-04-01");
	event("birth", "registered", "PB-LHR-01-001", "2024-12-31", "2025-01-02");
	event("birth", "registered", "PB-LHR-01-001", "2025-04-01", "2025-04-02");
	event("birth", "registered", "ZZ-NOP-01-001", "2025-02-10", "2025-02-11");
}

static void teardown(void)
{
	store_close(db);
	testdb_drop(url);
}

static void build(enum vitals_level level, struct vitals_report *r)
{
	struct sh_err e = {0};
	struct vitals_query q = {2025, 1, 2025, 3, level};
	store_tx *tx;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &e), 0, "%s", e.msg);
	cr_assert_eq(vitals_report_build(tx, &q, r, &e), 0, "%s", e.msg);
	store_rollback(tx);
}

static const struct vitals_area *find(const struct vitals_report *r, const char *code)
{
	for (size_t i = 0; i < r->nareas; i++)
		if (!strcmp(r->areas[i].code, code))
			return &r->areas[i];
	return NULL;
}

TestSuite(vitals, .init = setup, .fini = teardown);

Test(vitals, national_counts_by_event_month)
{
	struct vitals_report r;
	build(VITALS_DISTRICT, &r);
	const struct vitals_counts *t = &r.national.total;
	cr_expect_eq(r.nmonths, 3);
	cr_expect_eq(r.late_days, 60);
	cr_expect_eq(t->n[VITALS_BIRTHS], 4);
	cr_expect_eq(t->births_timely, 3);
	cr_expect_eq(t->n[VITALS_DEATHS], 1);
	cr_expect_eq(t->deaths_timely, 1);
	cr_expect_eq(t->n[VITALS_MARRIAGES], 1);
	cr_expect_eq(t->n[VITALS_DIVORCES], 1);
	cr_expect_eq(r.unplaced, 1);
	cr_expect_eq(r.national.population, 241499431);
	/* Jan: births 1, 2; Feb: birth 11, death 5; Mar: birth 8, marriage, divorce */
	cr_expect_eq(r.national.months[0].n[VITALS_BIRTHS], 2);
	cr_expect_eq(r.national.months[0].births_timely, 1);
	cr_expect_eq(r.national.months[1].n[VITALS_BIRTHS], 1);
	cr_expect_eq(r.national.months[1].n[VITALS_DEATHS], 1);
	cr_expect_eq(r.national.months[2].n[VITALS_BIRTHS], 1);
	cr_expect_eq(r.national.months[2].n[VITALS_MARRIAGES], 1);
	cr_expect_eq(r.national.months[2].n[VITALS_DIVORCES], 1);
	vitals_report_free(&r);
}

Test(vitals, districts)
{
	struct vitals_report r;
	build(VITALS_DISTRICT, &r);
	cr_expect_gt(r.nareas, 100); /* every district, with or without events */
	const struct vitals_area *lhr = find(&r, "PB-LHR"), *khc = find(&r, "SD-KHC");
	const struct vitals_area *isb = find(&r, "IS-ISB"), *atk = find(&r, "PB-ATK");
	cr_assert(lhr && khc && isb && atk);
	cr_expect_eq(lhr->total.n[VITALS_BIRTHS], 2);
	cr_expect_eq(lhr->total.births_timely, 1);
	cr_expect_eq(lhr->total.n[VITALS_MARRIAGES], 1);
	cr_expect_eq(lhr->population, -1); /* no district table loaded */
	cr_expect_eq(khc->total.n[VITALS_DEATHS], 1);
	cr_expect_eq(khc->total.n[VITALS_DIVORCES], 1);
	cr_expect_eq(isb->total.n[VITALS_BIRTHS], 1);
	cr_expect_eq(isb->population, 2363863);
	cr_expect_eq(atk->total.n[VITALS_BIRTHS], 0);
	/* ISB: expected = 2,363,863 x 27/1000 x 3/12 = 15,956.08; completeness 1/that */
	cr_expect_float_eq(vitals_expected_births(&r, isb->population, 3), 15956.07525, 1e-4);
	cr_expect_float_eq(vitals_completeness(&r, 1, isb->population, 3), 1 / 15956.07525,
			   1e-12);
	cr_expect_float_eq(vitals_rate_per_1000(1, isb->population, 3), 12000.0 / (2363863.0 * 3),
			   1e-12);
	cr_expect_float_eq(vitals_timeliness(lhr->total.births_timely, 2), 0.5, 1e-12);
	cr_expect_lt(vitals_rate_per_1000(2, lhr->population, 3), 0); /* not computable */
	vitals_report_free(&r);
}

Test(vitals, councils_with_events_only)
{
	struct vitals_report r;
	build(VITALS_COUNCIL, &r);
	cr_expect_eq(r.nareas, 4);
	const struct vitals_area *c1 = find(&r, "PB-LHR-01-001");
	cr_assert(c1);
	cr_expect_eq(c1->total.n[VITALS_BIRTHS], 1);
	cr_expect_eq(c1->total.n[VITALS_MARRIAGES], 1);
	cr_expect(find(&r, "PB-LHR-01-002") && find(&r, "SD-KHC-01-001") &&
		  find(&r, "IS-ISB-01-001"));
	vitals_report_free(&r);
}

Test(vitals, late_days_rule_is_read)
{
	/* late_days 80: birth 2 (74 days) becomes timely */
	testdb_exec(db, "INSERT INTO crvs_settings (name, value) VALUES ('late_days', 80)");
	struct vitals_report r;
	build(VITALS_PROVINCE, &r);
	cr_expect_eq(r.late_days, 80);
	cr_expect_eq(r.national.total.births_timely, 4);
	vitals_report_free(&r);
}

/* Known answer: the rows of the province CSV, figures by hand:
 *  national: rate 4 x 1000 x 12 / (241,499,431 x 3) = 0.0000663 -> 0.00; expected
 *  241,499,431 x 0.027 / 4 = 1,630,121.2 -> 1630121; completeness 2.5e-6 -> 0.0000;
 *  birth timeliness 3/4; death 1/1.
 *  PB, 2025-01: rate 2 x 12,000 / 127,688,922 = 0.00019 -> 0.00; expected
 *  127,688,922 x 0.027 / 12 = 287,300.1 -> 287300; timeliness 1/2; no deaths: empty. */
Test(vitals, csv_known_answer)
{
	struct vitals_report r;
	struct sh_buf b;
	struct sh_err e = {0};
	build(VITALS_PROVINCE, &r);
	sh_buf_init(&b, 1 << 20);
	cr_assert_eq(vitals_report_csv(&r, &b, &e), 0, "%s", e.msg);
	vitals_report_free(&r);
	const char *want[] = {
		"level,area_code,area_name,month,population,births,deaths,marriages,divorces,"
		"birth_rate,death_rate,marriage_rate,divorce_rate,expected_births,completeness,"
		"births_timely,deaths_timely,birth_timeliness,death_timeliness\r\n"
		"national,PK,\"Pakistan\",all,241499431,4,1,1,1,0.00,0.00,0.00,0.00,1630121,"
		"0.0000,3,1,0.7500,1.0000\r\n",
		"\r\nprovince,PB,\"Punjab\",2025-01,127688922,2,0,0,0,0.00,0.00,0.00,0.00,287300,"
		"0.0000,1,0,0.5000,\r\n",
		"\r\nprovince,IS,\"Islamabad Capital Territory\",all,2363863,1,0,0,0,0.00,0.00,0.00,"
		"0.00,15956,0.0001,1,0,1.0000,\r\n",
		"\r\nprovince,GB,\"Gilgit-Baltistan\",all,,0,0,0,0,,,,,,,0,0,,\r\n",
	};
	cr_expect(!strncmp(b.data, want[0], strlen(want[0])), "%s", b.data);
	for (size_t i = 1; i < sizeof want / sizeof want[0]; i++)
		cr_expect(strstr(b.data, want[i]), "missing %s in\n%s", want[i], b.data);
	/* header + (national + 7 provinces) x (all + 3 months) */
	size_t lines = 0;
	for (size_t i = 0; i < b.len; i++)
		lines += b.data[i] == '\n';
	cr_expect_eq(lines, 1 + 8 * 4);
	sh_buf_free(&b);
}

Test(vitals, json_shape)
{
	struct vitals_report r;
	build(VITALS_PROVINCE, &r);
	json_t *j = vitals_report_json(&r);
	vitals_report_free(&r);
	cr_assert(j);
	cr_expect_str_eq(json_string_value(json_object_get(j, "basis")), "event_date");
	json_t *nat = json_object_get(j, "national");
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(nat, "total"), "births")),
		     4);
	cr_expect_eq(json_array_size(json_object_get(j, "areas")), 7);
	cr_expect_eq(json_array_size(json_object_get(nat, "months")), 3);
	json_t *gb = NULL;
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(j, "areas"), i, a)
		if (!strcmp(json_string_value(json_object_get(a, "code")), "GB"))
			gb = a;
	cr_assert(gb);
	cr_expect(json_is_null(json_object_get(gb, "population")));
	cr_expect(json_is_null(json_object_get(json_object_get(gb, "total"), "completeness")));
	json_decref(j);
}

Test(vitals, bad_input)
{
	struct sh_err e = {0};
	int y, m;
	cr_expect_eq(vitals_month_parse("2025-13", &y, &m, &e), SH_EINVAL);
	cr_expect_str_eq(e.code, "BAD_MONTH");
	cr_expect_eq(vitals_month_parse("2025-1", &y, &m, &e), SH_EINVAL);
	cr_expect_eq(vitals_month_parse("+025-01", &y, &m, &e), SH_EINVAL);
	cr_expect_eq(vitals_month_parse("2025-02", &y, &m, &e), 0);
	cr_expect(y == 2025 && m == 2);
	cr_expect_eq(vitals_level_parse("tehsil"), -1);
	struct vitals_query q = {2025, 3, 2025, 1, VITALS_PROVINCE};
	struct vitals_report r;
	store_tx *tx;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &e), 0);
	cr_expect_eq(vitals_report_build(tx, &q, &r, &e), SH_EINVAL);
	cr_expect_str_eq(e.code, "BAD_PERIOD");
	q = (struct vitals_query){2000, 1, 2010, 1, VITALS_PROVINCE}; /* 121 months */
	cr_expect_eq(vitals_report_build(tx, &q, &r, &e), SH_EINVAL);
	store_rollback(tx);
}
