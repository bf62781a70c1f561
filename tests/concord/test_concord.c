/* test_concord.c — data concordance on the store: an import with broken
 * rows (line numbers right, the rest imported), re-import idempotent, a
 * small registry linked with planted differences giving the expected
 * report, and review decisions remembered across linkage runs. Runs on
 * SQLite and PostgreSQL. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "concord/concord.h"
#include "registry/person.h"
#include "store/store.h"
#include "testdb.h"

static store *db;
static char *url;
static const struct audit_actor actor = {"operator", 7, "registrar3", "uc_registrar", "req-1",
					 "127.0.0.1"};
#define UC "PB-LHR-01-003"
#define UC_OTHER "PB-LHR-01-001"

/* Twenty persons of UC; five of them (15..19) have no council record. */
static const struct {
	const char *name, *father, *dob, *sex;
} people[] = {
	{"Ali Raza", "Ahmed Raza", "1980-03-14", "m"},     {"Bilal Khan", "Tariq Khan", "1975-07-02", "m"},
	{"Sana Malik", "Imran Malik", "1990-11-23", "f"},  {"Usman Butt", "Javed Butt", "1968-01-30", "m"},
	{"Ayesha Iqbal", "Zafar Iqbal", "1985-05-05", "f"}, {"Hamza Qureshi", "Naeem Qureshi", "2001-09-17", "m"},
	{"Fatima Sheikh", "Rashid Sheikh", "1995-12-08", "f"}, {"Omar Farooq", "Khalid Farooq", "1972-04-19", "m"},
	{"Zainab Anwar", "Pervez Anwar", "1988-02-27", "f"}, {"Imran Siddiqui", "Aslam Siddiqui", "1979-06-11", "m"},
	{"Nadia Chaudhry", "Saleem Chaudhry", "1993-08-03", "f"}, {"Kamran Akhtar", "Shahid Akhtar", "1983-10-29", "m"},
	{"Hina Rafiq", "Mushtaq Rafiq", "1998-03-01", "f"},  {"Faisal Mirza", "Arshad Mirza", "1966-12-15", "m"},
	{"Rabia Hassan", "Nasir Hassan", "1991-07-21", "f"}, {"Adnan Javed", "Majid Javed", "1987-09-09", "m"},
	{"Saima Yousaf", "Ghulam Yousaf", "1977-05-16", "f"}, {"Waqas Aziz", "Abdul Aziz", "1999-01-12", "m"},
	{"Mehwish Latif", "Abdul Latif", "1984-11-04", "f"}, {"Shoaib Nawaz", "Rab Nawaz", "1970-02-22", "m"},
};
#define NPEOPLE (sizeof people / sizeof people[0])
static char ids[NPEOPLE][PERSON_IDNUM_LEN + 1];

static void setup(void)
{
	struct sh_err e = {0};
	url = testdb_url();
	cr_assert(url);
	cr_assert_eq(store_open(url, 2, &db, &e), 0, "%s", e.msg);
	cr_assert_eq(audit_migrate(db, &e), 0, "%s", e.msg);
	cr_assert_eq(registry_migrate(db, &e), 0, "%s", e.msg);
	cr_assert_eq(concord_migrate(db, &e), 0, "%s", e.msg);
}

static void teardown(void)
{
	store_close(db);
	testdb_drop(url);
}

TestSuite(concord, .init = setup, .fini = teardown, .timeout = 120);

static void make_people(void)
{
	store_tx *tx;
	struct sh_err e = {0};
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &e), 0, "%s", e.msg);
	for (size_t i = 0; i < NPEOPLE; i++) {
		struct person p;
		memset(&p, 0, sizeof p);
		snprintf(p.name_en, sizeof p.name_en, "%s", people[i].name);
		snprintf(p.guardian_name_en, sizeof p.guardian_name_en, "%s", people[i].father);
		p.gender = people[i].sex[0] == 'm' ? GENDER_MALE : GENDER_FEMALE;
		cr_assert_eq(sh_parse_date(people[i].dob, &p.dob), 0);
		snprintf(p.council_code, sizeof p.council_code, "%s", UC);
		snprintf(p.address_line, sizeof p.address_line, "House %zu, Street 4", i + 1);
		cr_assert_eq(person_create(tx, &actor, &p, "registration", &e), 0, "%s", e.msg);
		snprintf(ids[i], sizeof ids[i], "%s", p.id_number);
	}
	/* A person of another council of the district, with a name near one of
	 * ours: a candidate the linkage must not take. */
	struct person q;
	memset(&q, 0, sizeof q);
	snprintf(q.name_en, sizeof q.name_en, "Ali Raza");
	snprintf(q.guardian_name_en, sizeof q.guardian_name_en, "Karim Bakhsh");
	q.gender = GENDER_MALE;
	cr_assert_eq(sh_parse_date("1958-08-08", &q.dob), 0);
	snprintf(q.council_code, sizeof q.council_code, "%s", UC_OTHER);
	cr_assert_eq(person_create(tx, &actor, &q, "registration", &e), 0, "%s", e.msg);
	cr_assert_eq(store_commit(tx, &e), 0, "%s", e.msg);
}

static const char *mapping = "register_no = RegNo\n"
			     "name = Name\n"
			     "father = Father\n"
			     "dob = Date of birth\n"
			     "sex = Sex\n"
			     "council_code = " UC "\n";

/* The council's register: people 0..14, with planted differences in 1
 * (year only), 2 (father spelled otherwise), 3 (a different birth date),
 * 4 (sex); three council-only records; and broken rows on lines 19, 20,
 * 22 and 23. */
static char *register_csv(void)
{
	static char buf[8192];
	size_t n = 0;
	n += (size_t)snprintf(buf + n, sizeof buf - n, "RegNo,Name,Father,Date of birth,Sex\r\n");
	for (size_t i = 0; i < 15; i++) {
		int y, m, d;
		cr_assert_eq(sscanf(people[i].dob, "%d-%d-%d", &y, &m, &d), 3);
		char dob[48], father[64];
		const char *sex = people[i].sex;
		snprintf(dob, sizeof dob, "%02d-%02d-%04d", d, m, y);
		snprintf(father, sizeof father, "%s", people[i].father);
		if (i == 1)
			snprintf(dob, sizeof dob, "01-01-%04d", y);
		if (i == 2)
			snprintf(father, sizeof father, "Imraan Malick");
		if (i == 3)
			snprintf(dob, sizeof dob, "%02d/%02d/%04d", d + 1, m, y);
		if (i == 4)
			sex = "m";
		n += (size_t)snprintf(buf + n, sizeof buf - n, "R%zu,\"%s\",%s,%s,%s\r\n", i + 1,
				      people[i].name, father, dob, sex);
	}
	/* line 17, 18: council-only */
	n += (size_t)snprintf(buf + n, sizeof buf - n, "R101,Gulnaz Bibi,Fazal Din,1950,f\r\n");
	n += (size_t)snprintf(buf + n, sizeof buf - n, "R102,Yasir Arafat,Mehboob Alam,12-06-2012,m\r\n");
	/* 19: no day 31 in June; 20: unknown sex */
	n += (size_t)snprintf(buf + n, sizeof buf - n, "R103,Noor Jahan,Karam Din,31-06-1960,f\r\n");
	n += (size_t)snprintf(buf + n, sizeof buf - n, "R104,Asif Ali,Liaqat Ali,1961,q\r\n");
	/* 21: council-only, an address with a line break (lines 21-22 are one record) */
	n += (size_t)snprintf(buf + n, sizeof buf - n, "R105,\"Parveen\r\nAkhtar\",Din Muhammad,1955,f\r\n");
	/* 23: a stray quote; 24: no name */
	n += (size_t)snprintf(buf + n, sizeof buf - n, "R106,Sha\"hid,X,1960,m\r\n");
	n += (size_t)snprintf(buf + n, sizeof buf - n, "R107,,X,1960,m\r\n");
	return buf;
}

static void import(const char *csv, struct concord_import_result *r)
{
	store_tx *tx;
	struct sh_err e = {0};
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &e), 0, "%s", e.msg);
	cr_assert_eq(concord_import(tx, &actor, mapping, (const unsigned char *)csv, strlen(csv),
				    "uc3.csv", UC, NULL, NULL, r, &e),
		     0, "%s", e.msg);
	cr_assert_eq(store_commit(tx, &e), 0, "%s", e.msg);
}

static void link(struct concord_link_summary *s)
{
	store_tx *tx;
	struct sh_err e = {0};
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &e), 0, "%s", e.msg);
	cr_assert_eq(concord_link(tx, &actor, UC, s, &e), 0, "%s", e.msg);
	cr_assert_eq(store_commit(tx, &e), 0, "%s", e.msg);
}

static json_t *report(const char *area)
{
	store_tx *tx;
	struct sh_err e = {0};
	json_t *r = NULL;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &e), 0, "%s", e.msg);
	cr_assert_eq(concord_report(tx, area, &r, &e), 0, "%s", e.msg);
	cr_assert_eq(store_commit(tx, &e), 0, "%s", e.msg);
	return r;
}

Test(concord, import_broken_rows_and_reimport_idempotent)
{
	make_people();
	struct concord_import_result r;
	import(register_csv(), &r);
	cr_assert_eq(r.rows, 22);
	cr_assert_eq(r.imported, 18, "imported %zu", r.imported);
	cr_assert_eq(r.bad, 4);
	cr_assert_eq(r.nbad_rows, 4);
	static const struct {
		size_t line;
		const char *code;
	} want[] = {{19, "DATE_INVALID"}, {20, "SEX_INVALID"}, {23, "CSV_STRAY_QUOTE"},
		    {24, "ROW_NO_NAME"}};
	for (size_t i = 0; i < 4; i++) {
		cr_assert_eq(r.bad_rows[i].line, want[i].line, "bad row %zu: line %zu", i,
			     r.bad_rows[i].line);
		cr_assert_str_eq(r.bad_rows[i].code, want[i].code);
	}
	cr_assert_str_eq(r.encoding, "utf-8");
	concord_import_result_free(&r);
	/* The same file again: nothing new, nothing changed. */
	import(register_csv(), &r);
	cr_assert_eq(r.imported, 0);
	cr_assert_eq(r.updated, 0);
	cr_assert_eq(r.unchanged, 18);
	cr_assert_eq(r.bad, 4);
	concord_import_result_free(&r);
	/* Without register numbers, the content is the identity. */
	const char *nonum = "Name,Father,Date of birth,Sex\nGhazala Noor,Noor Din,1971,f\n";
	static const char *m2 = "name = Name\nfather = Father\ndob = Date of birth\nsex = Sex\n"
				"council_code = " UC "\n";
	for (int k = 0; k < 2; k++) {
		store_tx *tx;
		struct sh_err e = {0};
		cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &e), 0);
		cr_assert_eq(concord_import(tx, &actor, m2, (const unsigned char *)nonum, strlen(nonum),
					    "b.csv", UC, NULL, NULL, &r, &e),
			     0, "%s", e.msg);
		cr_assert_eq(store_commit(tx, &e), 0);
		cr_assert_eq(r.imported, k == 0 ? 1 : 0);
		cr_assert_eq(r.unchanged, k == 0 ? 0 : 1);
		concord_import_result_free(&r);
	}
	/* A changed row of the same register number is an update. */
	char *csv = register_csv();
	char *p = strstr(csv, "Ali Raza\"");
	cr_assert(p);
	memcpy(p, "Aly", 3);
	import(csv, &r);
	cr_assert_eq(r.updated, 1);
	cr_assert_eq(r.unchanged, 17);
	concord_import_result_free(&r);
}

Test(concord, scope_refuses_other_councils)
{
	struct concord_import_result r;
	store_tx *tx;
	struct sh_err e = {0};
	const char *csv = "RegNo,Name,Council\n1,Ali,PB-LHR-01-001\n2,Zia," UC "\n3,Ali,XX-NOPE\n";
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &e), 0);
	cr_assert_eq(concord_import(tx, &actor, "register_no=RegNo\nname=Name\ncouncil=Council\n",
				    (const unsigned char *)csv, strlen(csv), "c.csv", UC, NULL, NULL,
				    &r, &e),
		     0, "%s", e.msg);
	cr_assert_eq(store_commit(tx, &e), 0);
	cr_assert_eq(r.imported, 1);
	cr_assert_eq(r.bad, 2);
	cr_assert_str_eq(r.bad_rows[0].code, "ROW_OUT_OF_SCOPE");
	cr_assert_eq(r.bad_rows[0].line, 2);
	cr_assert_str_eq(r.bad_rows[1].code, "ROW_OUT_OF_SCOPE");
	concord_import_result_free(&r);
}

static json_t *find_record(json_t *list, const char *regno)
{
	size_t i;
	json_t *m;
	json_array_foreach(list, i, m) if (!strcmp(json_string_value(json_object_get(m, "register_no")),
						   regno)) return m;
	return NULL;
}

static void expect_diff(json_t *rep, const char *regno, const char *field, const char *cv,
			const char *rv)
{
	json_t *m = find_record(json_object_get(rep, "matched_with_differences"), regno);
	cr_assert(m, "%s not among the matched with differences", regno);
	json_t *d = json_object_get(m, "differences");
	cr_assert_eq(json_array_size(d), 1, "%s: %zu differences", regno, json_array_size(d));
	json_t *x = json_array_get(d, 0);
	cr_assert_str_eq(json_string_value(json_object_get(x, "field")), field);
	cr_assert_str_eq(json_string_value(json_object_get(x, "council_value")), cv);
	cr_assert_str_eq(json_string_value(json_object_get(x, "registry_value")), rv);
}

Test(concord, planted_differences_give_the_expected_report)
{
	make_people();
	struct concord_import_result r;
	import(register_csv(), &r);
	concord_import_result_free(&r);
	struct concord_link_summary s;
	link(&s);
	cr_assert_eq(s.records, 18);
	cr_assert_eq(s.persons, NPEOPLE + 1);
	cr_assert_eq(s.links, 15, "links %zu review %zu nonlinks %zu", s.links, s.review,
		     s.nonlinks);
	cr_assert_eq(s.nonlinks, 3);
	json_t *rep = report(UC);
	json_t *c = json_object_get(rep, "counts");
	cr_assert_eq(json_integer_value(json_object_get(c, "records")), 18);
	cr_assert_eq(json_integer_value(json_object_get(c, "matched")), 15);
	cr_assert_eq(json_integer_value(json_object_get(c, "matched_with_differences")), 4);
	cr_assert_eq(json_integer_value(json_object_get(c, "council_only")), 3);
	cr_assert_eq(json_integer_value(json_object_get(c, "national_only")), 5);
	expect_diff(rep, "R2", "dob", "1975", "1975-07-02");
	expect_diff(rep, "R3", "father", "Imraan Malick", "Imran Malik");
	expect_diff(rep, "R4", "dob", "1968-01-31", "1968-01-30");
	expect_diff(rep, "R5", "sex", "male", "female");
	/* Each matched record is linked to its own person. */
	json_t *m = find_record(json_object_get(rep, "matched_with_differences"), "R3");
	cr_assert_str_eq(json_string_value(json_object_get(m, "person_id")), ids[2]);
	json_t *co = json_object_get(rep, "council_only");
	cr_assert(find_record(co, "R101") && find_record(co, "R102") && find_record(co, "R105"));
	json_t *no = json_object_get(rep, "national_only");
	cr_assert_eq(json_array_size(no), 5);
	for (size_t i = 0; i < 5; i++)
		cr_assert_str_eq(json_string_value(json_object_get(json_array_get(no, i), "person_id")),
				 ids[15 + i]);
	/* The district's report holds the council's findings. */
	json_t *drep = report("PB-LHR");
	cr_assert_str_eq(json_string_value(json_object_get(drep, "kind")), "district");
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(drep, "counts"), "matched")),
		     15);
	cr_assert_eq(
		json_integer_value(json_object_get(json_object_get(drep, "counts"), "national_only")),
		5);
	/* CSV: one row per difference and per one-sided record. */
	struct sh_buf b;
	struct sh_err e = {0};
	sh_buf_init(&b, 1 << 20);
	cr_assert_eq(concord_report_csv(rep, &b, &e), 0);
	cr_assert(strstr(b.data, "matched_with_differences," UC ","));
	cr_assert(strstr(b.data, ",father,Imraan Malick,Imran Malik\r\n"));
	cr_assert(strstr(b.data, "\"Parveen\r\nAkhtar\""));
	size_t lines = 0;
	for (char *q = b.data; (q = strstr(q, "\r\n")); q += 2)
		lines++;
	cr_assert_eq(lines, 1 + 4 + 3 + 5 + 1, "%zu lines:\n%s", lines, b.data); /* +1: Parveen's break */
	sh_buf_free(&b);
	json_decref(drep);
	json_decref(rep);
}

Test(concord, review_decisions_remembered_across_runs)
{
	make_people();
	struct concord_import_result r;
	import(register_csv(), &r);
	concord_import_result_free(&r);
	struct concord_link_summary s;
	link(&s);
	/* Find the records of R1 (linked to ids[0]) and R101 (council-only). */
	store_tx *tx;
	struct sh_err e = {0};
	int64_t r1 = 0, r101 = 0;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &e), 0);
	store_stmt *st;
	cr_assert_eq(store_query(tx, &st, &e,
				 "SELECT id, register_no FROM concord_records ORDER BY id", ""),
		     0);
	while (store_step(st, &e) == STORE_ROW) {
		if (!strcmp(store_col_text(st, 1), "R1"))
			r1 = store_col_int(st, 0);
		if (!strcmp(store_col_text(st, 1), "R101"))
			r101 = store_col_int(st, 0);
	}
	store_finalize(st);
	store_rollback(tx);
	cr_assert(r1 && r101);
	/* An officer says R1 is not ids[0], and that R101 is ids[19]. */
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &e), 0);
	cr_assert_eq(concord_review_decide(tx, &actor, r1, ids[0], "maybe", "x", &e), SH_EINVAL);
	cr_assert_str_eq(e.code, "DECISION_INVALID");
	cr_assert_eq(concord_review_decide(tx, &actor, r1, ids[0], "different", "", &e), SH_EINVAL);
	cr_assert_str_eq(e.code, "REASON_REQUIRED");
	cr_assert_eq(concord_review_decide(tx, &actor, r1, ids[0], "different",
					   "the council's Ali Raza moved here in 2010", &e),
		     0, "%s", e.msg);
	cr_assert_eq(concord_review_decide(tx, &actor, r101, ids[19], "same",
					   "same person, name changed at marriage", &e),
		     0, "%s", e.msg);
	cr_assert_eq(store_commit(tx, &e), 0);
	/* A re-run keeps both. */
	link(&s);
	cr_assert_eq(s.decided, 1);
	json_t *rep = report(UC);
	json_t *co = json_object_get(rep, "council_only");
	cr_assert(!find_record(co, "R101"), "R101 was decided the same as a person");
	json_t *m = find_record(json_object_get(rep, "matched_with_differences"), "R101");
	cr_assert(m);
	cr_assert_str_eq(json_string_value(json_object_get(m, "person_id")), ids[19]);
	cr_assert(json_is_true(json_object_get(m, "decided")));
	/* R1 never links ids[0] again. */
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &e), 0);
	cr_assert_eq(store_query(tx, &st, &e,
				 "SELECT status, person_id FROM concord_links WHERE record_id = ?",
				 "i", r1),
		     0);
	cr_assert_eq(store_step(st, &e), STORE_ROW);
	const char *pid = store_col_text(st, 1);
	cr_assert(!pid || strcmp(pid, ids[0]), "R1 linked to the person decided different");
	store_finalize(st);
	/* Both decisions are audited. */
	cr_assert_eq(store_query(tx, &st, &e,
				 "SELECT count(*) FROM audit_log WHERE action = 'concord.review'", ""),
		     0, "%s", e.msg);
	cr_assert_eq(store_step(st, &e), STORE_ROW);
	cr_assert_eq(store_col_int(st, 0), 2);
	store_finalize(st);
	store_rollback(tx);
	json_decref(rep);
}
