/* test_person.c — the person registry on the store: create, get, update
 * with optimistic concurrency, history, search, family links, and that
 * invalid input changes nothing. Runs on SQLite and PostgreSQL. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "registry/idnum.h"
#include "registry/person.h"
#include "store/store.h"
#include "testdb.h"

static store *db;
static char *url;
static const struct audit_actor actor = {"operator", 7, "registrar1", "uc_registrar", "req-1",
					 "127.0.0.1"};

static void setup(void)
{
	struct sh_err e = {0};
	url = testdb_url();
	cr_assert(url);
	cr_assert_eq(store_open(url, 2, &db, &e), 0, "%s", e.msg);
	cr_assert_eq(audit_migrate(db, &e), 0, "%s", e.msg);
	cr_assert_eq(registry_migrate(db, &e), 0, "%s", e.msg);
}

static void teardown(void)
{
	store_close(db);
	testdb_drop(url);
}

TestSuite(person, .init = setup, .fini = teardown, .timeout = 60);

static struct person sample(const char *ur, const char *en, enum person_gender g,
			    const char *dob)
{
	struct person p;
	memset(&p, 0, sizeof p);
	snprintf(p.name_ur, sizeof p.name_ur, "%s", ur ? ur : "");
	snprintf(p.name_en, sizeof p.name_en, "%s", en ? en : "");
	snprintf(p.guardian_name_en, sizeof p.guardian_name_en, "Ahmed Khan");
	p.gender = g;
	cr_assert_eq(sh_parse_date(dob, &p.dob), 0);
	snprintf(p.council_code, sizeof p.council_code, "PB-LHR-01-001");
	snprintf(p.address_line, sizeof p.address_line, "House 12, Street 4, Shadman");
	return p;
}

/* Create in a transaction of its own; returns the status. */
static int create(struct person *p, struct sh_err *e)
{
	store_tx *tx;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, e), 0);
	int rc = person_create(tx, &actor, p, "registration", e);
	if (rc != SH_OK) {
		store_rollback(tx);
		return rc;
	}
	cr_assert_eq(store_commit(tx, e), 0, "%s", e->msg);
	return SH_OK;
}

static void create_ok(struct person *p)
{
	struct sh_err e;
	cr_assert_eq(create(p, &e), 0, "%s: %s", e.code, e.msg);
}

static int64_t count(const char *sql)
{
	store_tx *tx;
	store_stmt *st;
	struct sh_err e;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &e), 0);
	cr_assert_eq(store_query(tx, &st, &e, sql, ""), 0, "%s", e.msg);
	cr_assert_eq(store_step(st, &e), STORE_ROW);
	int64_t n = store_col_int(st, 0);
	store_finalize(st);
	store_rollback(tx);
	return n;
}

static int get(const char *id, struct person *out, struct sh_err *e)
{
	store_tx *tx;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, e), 0);
	int rc = person_get(tx, id, out, e);
	store_rollback(tx);
	return rc;
}

Test(person, create_and_get)
{
	struct person p = sample("محمد علی", "Muhammad Ali", GENDER_MALE, "1990-05-14");
	snprintf(p.mobile, sizeof p.mobile, "+923001234567");
	create_ok(&p);
	cr_assert_eq(strlen(p.id_number), 13);
	cr_assert(idnum_verhoeff_valid(p.id_number, 13));
	cr_assert_eq(p.version, 1);
	cr_assert_gt(p.row_id, 0);

	char dashed[16];
	idnum_format(p.id_number, dashed, sizeof dashed);
	struct person g;
	struct sh_err e;
	cr_assert_eq(get(dashed, &g, &e), 0, "%s", e.msg);
	cr_assert_str_eq(g.id_number, p.id_number);
	cr_assert_str_eq(g.name_ur, "محمد علی");
	cr_assert_str_eq(g.name_en, "Muhammad Ali");
	cr_assert_str_eq(g.guardian_name_en, "Ahmed Khan");
	cr_assert_eq(g.gender, GENDER_MALE);
	cr_assert_eq(g.dob.year, 1990);
	cr_assert_eq(g.dob.month, 5);
	cr_assert_eq(g.dob.day, 14);
	cr_assert_eq(g.status, PERSON_ALIVE);
	cr_assert_str_eq(g.mobile, "+923001234567");
	cr_assert_str_eq(g.council_code, "PB-LHR-01-001");
	cr_assert_eq(g.version, 1);
	cr_assert_eq(g.legacy_number, 0);

	/* one version, one audit entry, tokens from both scripts */
	cr_assert_eq(count("SELECT COUNT(*) FROM person_versions"), 1);
	cr_assert_eq(count("SELECT COUNT(*) FROM audit_log WHERE action = 'person.create'"
			   " AND actor_name = 'registrar1'"), 1);
	/* the audit detail names fields, never values */
	cr_assert_eq(count("SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%Ali%'"), 0);
	cr_assert_eq(count("SELECT COUNT(*) FROM person_name_tokens"), 4);

	/* unknown and malformed numbers */
	char other[14] = "861937250481";
	other[12] = (char)('0' + idnum_verhoeff_digit(other, 12));
	other[13] = '\0';
	cr_assert_eq(get(other, &g, &e), SH_ENOTFOUND);
	cr_assert_str_eq(e.code, "PERSON_NOT_FOUND");
	cr_assert_eq(get("12345", &g, &e), SH_EINVAL);
	cr_assert_str_eq(e.code, "IDNUM_INVALID");
}

Test(person, invalid_input_changes_nothing)
{
	struct sh_err e;
	struct {
		const char *what;
		int status;
		const char *code;
		void (*mutate)(struct person *p);
	} cases[] = {
		{"no names", SH_EINVAL, "NAME_REQUIRED", NULL},
		{"future dob", SH_ERULE, "DOB_FUTURE", NULL},
		{"unknown council", SH_ERULE, "UNKNOWN_COUNCIL", NULL},
		{"bad mobile", SH_EINVAL, "MOBILE_INVALID", NULL},
		{"death before birth", SH_ERULE, "DEATH_BEFORE_BIRTH", NULL},
		{"latin in urdu name", SH_EINVAL, "NAME_INVALID", NULL},
		{"missing mother", SH_ERULE, "PARENT_NOT_FOUND", NULL},
		{"dob before 1880", SH_EINVAL, "DOB_INVALID", NULL},
		{"bad check digit", SH_EINVAL, "IDNUM_CHECK_DIGIT", NULL},
		{"death date while alive", SH_EINVAL, "DEATH_DATE_UNEXPECTED", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct person p = sample("علی", "Ali", GENDER_MALE, "1980-01-02");
		switch (i) {
		case 0: p.name_ur[0] = p.name_en[0] = '\0'; break;
		case 1: p.dob = sh_date_today(); p.dob.year += 1; break;
		case 2: snprintf(p.council_code, sizeof p.council_code, "PB-LHR-01-999"); break;
		case 3: snprintf(p.mobile, sizeof p.mobile, "+924201234567"); break;
		case 4:
			p.status = PERSON_DECEASED;
			cr_assert_eq(sh_parse_date("1979-12-31", &p.date_of_death), 0);
			break;
		case 5: snprintf(p.name_ur, sizeof p.name_ur, "Ali"); break;
		case 6: {
			char m[14] = "861937250481";
			m[12] = (char)('0' + idnum_verhoeff_digit(m, 12));
			m[13] = '\0';
			memcpy(p.mother_id, m, 14);
			break;
		}
		case 7: p.dob.year = 1870; break;
		case 8: snprintf(p.id_number, sizeof p.id_number, "8619372504810"); 
			if (idnum_verhoeff_valid(p.id_number, 13))
				p.id_number[12] = '1';
			break;
		case 9: cr_assert_eq(sh_parse_date("2000-01-01", &p.date_of_death), 0); break;
		}
		cr_assert_eq(create(&p, &e), cases[i].status, "%s: got %s", cases[i].what, e.code);
		cr_assert_str_eq(e.code, cases[i].code, "%s", cases[i].what);
	}
	cr_assert_eq(count("SELECT COUNT(*) FROM persons"), 0);
	cr_assert_eq(count("SELECT COUNT(*) FROM person_versions"), 0);
	cr_assert_eq(count("SELECT COUNT(*) FROM person_name_tokens"), 0);
	cr_assert_eq(count("SELECT COUNT(*) FROM audit_log"), 0);
}

Test(person, legacy_numbers)
{
	struct person p = sample(NULL, "Zainab Bibi", GENDER_UNKNOWN, "1961-03-01");
	snprintf(p.id_number, sizeof p.id_number, "3520212345678");
	p.legacy_number = 1;
	create_ok(&p);
	cr_assert_str_eq(p.id_number, "3520212345678");
	cr_assert_eq(p.gender, GENDER_FEMALE); /* even last digit */

	struct sh_err e;
	struct person dup = sample(NULL, "Other Person", GENDER_FEMALE, "1970-01-01");
	snprintf(dup.id_number, sizeof dup.id_number, "3520212345678");
	dup.legacy_number = 1;
	cr_assert_eq(create(&dup, &e), SH_ECONFLICT);
	cr_assert_str_eq(e.code, "PERSON_EXISTS");

	struct person bad = sample(NULL, "Third Person", GENDER_FEMALE, "1970-01-01");
	snprintf(bad.id_number, sizeof bad.id_number, "3520212345671"); /* odd: male */
	bad.legacy_number = 1;
	cr_assert_eq(create(&bad, &e), SH_ERULE);
	cr_assert_str_eq(e.code, "LEGACY_GENDER_MISMATCH");
	cr_assert_eq(count("SELECT COUNT(*) FROM persons"), 1);

	struct person g;
	cr_assert_eq(get("35202-1234567-8", &g, &e), 0, "%s", e.msg);
	cr_assert_eq(g.legacy_number, 1);
}

static int update(const char *id, int expected, const struct person *ch, unsigned fields,
		  const char *reason, struct person *out, struct sh_err *e)
{
	store_tx *tx;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, e), 0);
	int rc = person_update(tx, &actor, id, expected, ch, fields, reason, out, e);
	if (rc != SH_OK) {
		store_rollback(tx);
		return rc;
	}
	cr_assert_eq(store_commit(tx, e), 0, "%s", e->msg);
	return SH_OK;
}

struct hist {
	int n;
	int versions[8];
	unsigned fields[8];
	char names[8][64];
	char reasons[8][64];
};

static int hist_one(void *ctx, const struct person *p, const struct person_version_meta *m)
{
	struct hist *h = ctx;
	cr_assert_lt(h->n, 8);
	h->versions[h->n] = m->version;
	h->fields[h->n] = m->fields;
	snprintf(h->names[h->n], 64, "%.60s", p->name_en);
	snprintf(h->reasons[h->n], 64, "%.60s", m->reason);
	cr_assert_str_eq(m->actor, "registrar1");
	h->n++;
	return 0;
}

Test(person, update_versions_and_history)
{
	struct person p = sample("عائشہ", "Ayesha Khan", GENDER_FEMALE, "1995-07-01");
	create_ok(&p);
	struct person ch = p, out;
	struct sh_err e;
	snprintf(ch.name_en, sizeof ch.name_en, "Ayesha Siddiqui");
	ch.marital = MARITAL_MARRIED;
	snprintf(ch.mobile, sizeof ch.mobile, "+923331234567");
	unsigned f = PERSON_F_NAME_EN | PERSON_F_MARITAL | PERSON_F_MOBILE;

	cr_assert_eq(update(p.id_number, 1, &ch, f, "", &out, &e), SH_EINVAL);
	cr_assert_str_eq(e.code, "REASON_REQUIRED");
	cr_assert_eq(update(p.id_number, 1, &ch, f, "marriage", &out, &e), 0, "%s", e.msg);
	cr_assert_eq(out.version, 2);
	cr_assert_str_eq(out.name_en, "Ayesha Siddiqui");
	cr_assert_str_eq(out.name_ur, "عائشہ"); /* not selected: kept */

	/* stale version: 409, nothing written */
	snprintf(ch.name_en, sizeof ch.name_en, "Ayesha Ahmed");
	cr_assert_eq(update(p.id_number, 1, &ch, PERSON_F_NAME_EN, "typo", &out, &e), SH_ECONFLICT);
	cr_assert_str_eq(e.code, "VERSION_CONFLICT");
	/* invalid change: nothing written */
	struct person bad = ch;
	bad.dob.year = 2999;
	cr_assert_eq(update(p.id_number, 2, &bad, PERSON_F_DOB, "typo", &out, &e), SH_ERULE);
	cr_assert_eq(update(p.id_number, 2, &ch, PERSON_F_ADDRESS, "moved", &out, &e), 0);
	cr_assert_eq(out.version, 2); /* same values: no new version */
	struct person moved = ch;
	snprintf(moved.council_code, sizeof moved.council_code, "XX");
	cr_assert_eq(update(p.id_number, 2, &moved, PERSON_F_ADDRESS, "moved", &out, &e), SH_ERULE);
	cr_assert_str_eq(e.code, "UNKNOWN_COUNCIL");

	struct person g;
	cr_assert_eq(get(p.id_number, &g, &e), 0);
	cr_assert_eq(g.version, 2);
	cr_assert_str_eq(g.name_en, "Ayesha Siddiqui");
	cr_assert_eq(g.marital, MARITAL_MARRIED);

	/* deceased */
	struct person d = g;
	d.status = PERSON_DECEASED;
	cr_assert_eq(sh_parse_date("2020-02-02", &d.date_of_death), 0);
	cr_assert_eq(update(p.id_number, 2, &d, PERSON_F_STATUS, "death registered", &out, &e), 0,
		     "%s", e.msg);
	cr_assert_eq(out.version, 3);

	struct hist h = {0};
	store_tx *tx;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &e), 0);
	cr_assert_eq(person_history(tx, p.id_number, hist_one, &h, &e), 0, "%s", e.msg);
	store_rollback(tx);
	cr_assert_eq(h.n, 3);
	cr_assert_eq(h.versions[0], 1);
	cr_assert_eq(h.versions[2], 3);
	cr_assert_str_eq(h.names[0], "Ayesha Khan");
	cr_assert_str_eq(h.names[1], "Ayesha Siddiqui");
	cr_assert_eq(h.fields[0], PERSON_F_ALL);
	cr_assert_eq(h.fields[1], f);
	cr_assert_eq(h.fields[2], PERSON_F_STATUS);
	cr_assert_str_eq(h.reasons[1], "marriage");
	cr_assert_eq(count("SELECT COUNT(*) FROM audit_log WHERE action = 'person.update'"), 2);

	/* the search tokens follow the new name */
	struct person res[10];
	int n;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &e), 0);
	cr_assert_eq(person_search(tx, "siddiqui", NULL, 10, res, &n, &e), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(person_search(tx, "ayesha khan", NULL, 10, res, &n, &e), 0);
	cr_assert_eq(n, 0);
	store_rollback(tx);
}

Test(person, set_mobile)
{
	struct person p = sample(NULL, "Bilal Ahmed", GENDER_MALE, "1988-11-11");
	create_ok(&p);
	store_tx *tx;
	struct sh_err e;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &e), 0);
	cr_assert_eq(person_set_mobile(tx, &actor, p.id_number, "0300-1234567", "citizen request",
				       &e), 0, "%s", e.msg);
	cr_assert_eq(store_commit(tx, &e), 0);
	struct person g;
	cr_assert_eq(get(p.id_number, &g, &e), 0);
	cr_assert_str_eq(g.mobile, "+923001234567");
	cr_assert_eq(g.version, 2);
}

static int search(const char *name, const char *dob, int limit, struct person *out)
{
	store_tx *tx;
	struct sh_err e;
	struct sh_date d;
	int n = -1;
	if (dob)
		cr_assert_eq(sh_parse_date(dob, &d), 0);
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &e), 0);
	int rc = person_search(tx, name, dob ? &d : NULL, limit, out, &n, &e);
	store_rollback(tx);
	cr_assert_eq(rc, 0, "%s: %s", e.code, e.msg);
	return n;
}

Test(person, search_by_name_and_dob)
{
	struct person a = sample("محمّد علي", "Muhammad Ali", GENDER_MALE, "1990-05-14");
	struct person b = sample("محمد علی خان", "Muhammad Ali Khan", GENDER_MALE, "1985-01-01");
	struct person c = sample("فاطمہ", "Fatima Bibi", GENDER_FEMALE, "1985-01-01");
	struct person y = sample(NULL, "Muhammad Aslam", GENDER_MALE, "1950-01-01");
	y.dob_precision = DOB_YEAR_ONLY;
	create_ok(&a);
	create_ok(&b);
	create_ok(&c);
	create_ok(&y);
	struct person r[100];

	cr_assert_eq(search("Muhammad Ali", NULL, 100, r), 2);
	cr_assert_lt(strcmp(r[0].id_number, r[1].id_number), 0); /* deterministic order */
	cr_assert_eq(search("محمد علی", NULL, 100, r), 2);   /* Urdu, folded variants */
	cr_assert_eq(search("محمّد علي خان", NULL, 100, r), 1);
	cr_assert_str_eq(r[0].id_number, b.id_number);
	cr_assert_eq(search("ALI muhammad", NULL, 100, r), 2); /* order of words is free */
	cr_assert_eq(search("muhammad al", NULL, 100, r), 2);  /* prefix: ali */
	cr_assert_eq(search("muhammad asl", NULL, 100, r), 1); /* prefix: aslam */
	cr_assert_eq(search("محمد عل", NULL, 100, r), 2);      /* Urdu prefix */
	cr_assert_eq(search("muhammad a", NULL, 100, r), 0);   /* 1 char: exact word only */
	cr_assert_eq(search("muhammad", "1985-01-01", 100, r), 1);
	cr_assert_eq(search(NULL, "1985-01-01", 100, r), 2);
	cr_assert_eq(search("muhammad", "1950-07-20", 100, r), 1); /* year-only record */
	cr_assert_str_eq(r[0].id_number, y.id_number);
	cr_assert_eq(search("muhammad", NULL, 1, r), 1);          /* limit */
	cr_assert_eq(search("nobody", NULL, 10, r), 0);

	store_tx *tx;
	struct sh_err e;
	int n;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &e), 0);
	cr_assert_eq(person_search(tx, NULL, NULL, 10, r, &n, &e), SH_EINVAL);
	cr_assert_eq(person_search(tx, "ali", NULL, 101, r, &n, &e), SH_EINVAL);
	cr_assert_eq(person_search(tx, " ... ", NULL, 10, r, &n, &e), SH_EINVAL);
	store_rollback(tx);
}

static int child_count(void *ctx, const struct person *c)
{
	(*(int *)ctx)++;
	return 0;
}

Test(person, parents_and_children)
{
	struct person mother = sample(NULL, "Amina Bibi", GENDER_FEMALE, "1960-01-01");
	struct person father = sample(NULL, "Rashid Ahmed", GENDER_MALE, "1955-01-01");
	create_ok(&mother);
	create_ok(&father);
	struct person kid = sample(NULL, "Hamza Rashid", GENDER_MALE, "1990-01-01");
	memcpy(kid.mother_id, mother.id_number, 14);
	memcpy(kid.father_id, father.id_number, 14);
	create_ok(&kid);
	struct person kid2 = sample(NULL, "Sana Rashid", GENDER_FEMALE, "1992-01-01");
	memcpy(kid2.mother_id, mother.id_number, 14);
	create_ok(&kid2);

	struct sh_err e;
	struct person wrong = sample(NULL, "Wrong Parent", GENDER_MALE, "1994-01-01");
	memcpy(wrong.mother_id, father.id_number, 14); /* a male mother */
	cr_assert_eq(create(&wrong, &e), SH_ERULE);
	cr_assert_str_eq(e.code, "PARENT_GENDER");
	struct person young = sample(NULL, "Too Old Child", GENDER_MALE, "1950-01-01");
	memcpy(young.father_id, father.id_number, 14);
	cr_assert_eq(create(&young, &e), SH_ERULE);
	cr_assert_str_eq(e.code, "PARENT_DOB");

	store_tx *tx;
	int n = 0;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &e), 0);
	cr_assert_eq(person_children(tx, mother.id_number, child_count, &n, &e), 0);
	cr_assert_eq(n, 2);
	n = 0;
	cr_assert_eq(person_children(tx, father.id_number, child_count, &n, &e), 0);
	cr_assert_eq(n, 1);
	n = 0;
	cr_assert_eq(person_children(tx, kid.id_number, child_count, &n, &e), 0);
	cr_assert_eq(n, 0);
	store_rollback(tx);
}

Test(person, enum_names_round_trip)
{
	for (int g = 0; g < 4; g++)
		cr_assert_eq(person_gender_parse(person_gender_name((enum person_gender)g)), g);
	for (int s = 0; s < 3; s++)
		cr_assert_eq(person_status_parse(person_status_name((enum person_status)s)), s);
	for (int c = 0; c < 6; c++)
		cr_assert_eq(person_citizenship_parse(
				     person_citizenship_name((enum person_citizenship)c)), c);
	for (int m = 0; m < 4; m++)
		cr_assert_eq(person_marital_parse(person_marital_name((enum person_marital)m)), m);
	cr_assert_eq(person_gender_parse("MALE"), -1);
	cr_assert_null(person_gender_name((enum person_gender)9));
	char out[PERSON_MOBILE_MAX];
	struct sh_err e;
	cr_assert_eq(person_mobile_normalize("+92 300 1234567", out, &e), 0);
	cr_assert_str_eq(out, "+923001234567");
	cr_assert_eq(person_mobile_normalize("0092-321-7654321", out, &e), 0);
	cr_assert_str_eq(out, "+923217654321");
	cr_assert_eq(person_mobile_normalize("923001234567", out, &e), 0);
	cr_assert_eq(person_mobile_normalize("0421234567", out, &e), SH_EINVAL);
	cr_assert_eq(person_mobile_normalize("+9230012345678", out, &e), SH_EINVAL);
	cr_assert_eq(person_mobile_normalize("+1 300 1234567", out, &e), SH_EINVAL);
	cr_assert_eq(person_mobile_normalize("", out, &e), SH_EINVAL);
}
