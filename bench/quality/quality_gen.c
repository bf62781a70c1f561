/* quality_gen.c — a synthetic population for the quality benchmark:
 * `quality_gen URL N` migrates a new store and writes about N persons in
 * one transaction through the store API (no SQL file, no server):
 * households of a couple married by a registered marriage (with both
 * person records, version 1), their 0..5 children born of registered
 * births 1.5..4 years apart; some single-person households (widowed or
 * alone); a share of fathers unregistered (the child names the mother
 * only); birth-year-only dates for a share of those born before 1980; some
 * deceased; fingerprint enrolments (two templates) for most adults;
 * verification transactions; and planted anomalies at fixed small rates
 * (births too close, a second registration at another council, a parent
 * link gained later, a deceased's biometric hit on a living person, a
 * telco list). A fixed-seed xorshift makes every run the same store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/app.h"
#include "lib/parse.h"
#include "store/store.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}
static int pct(int p) { return (int)(next() % 1000) < p * 10; }
static int permille(int p) { return (int)(next() % 1000) < p; }
static int64_t between(int64_t a, int64_t b) { return a + (int64_t)(next() % (uint64_t)(b - a + 1)); }

/* days since 1970-01-01 to YYYY-MM-DD (the proleptic Gregorian calendar) */
static int day_str(int64_t z, char out[11])
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	snprintf(out, 11, "%04d-%02d-%02d", (int)(y + (m <= 2)), (int)m, (int)d);
	return (int)(y + (m <= 2));
}

#define NOW 1780000000LL
#define DAY0_1950 (-7305)
#define TODAY (NOW / 86400)

static store_stmt *s_person, *s_version, *s_event, *s_marriage, *s_enrol, *s_sample,
	*s_verify;
static int64_t n_persons, n_events, n_enrol;
static struct sh_err err;

static void die(const char *what)
{
	fprintf(stderr, "quality_gen: %s: %s\n", what, err.msg);
	exit(1);
}

static void step(store_stmt *st, const char *what)
{
	if (store_step(st, &err) < 0)
		die(what);
	store_reset(st);
}

struct person_row {
	char idn[24], dob[11], dod[11];
	const char *gender, *precision, *status, *council, *mother, *father, *marital;
	char address[48];
	int64_t dob_day, updated_at;
};

static void person(struct person_row *p)
{
	int64_t id = ++n_persons;
	snprintf(p->idn, sizeof p->idn, "%013lld", 1000000000000LL + (long long)id);
	int year = day_str(p->dob_day, p->dob);
	store_stmt *st = s_person;
	store_bind_int(st, 1, id);
	store_bind_text(st, 2, p->idn);
	store_bind_text(st, 3, p->gender);
	store_bind_text(st, 4, p->dob);
	store_bind_int(st, 5, year);
	store_bind_text(st, 6, p->precision ? p->precision : "full");
	store_bind_text(st, 7, p->council);
	store_bind_text(st, 8, p->address);
	store_bind_text(st, 9, p->status ? p->status : "alive");
	store_bind_text(st, 10, p->dod[0] ? p->dod : NULL);
	store_bind_text(st, 11, p->marital ? p->marital : "single");
	store_bind_text(st, 12, p->mother);
	store_bind_text(st, 13, p->father);
	store_bind_int(st, 14, p->updated_at);
	step(st, "person");
	store_bind_int(s_version, 1, 1);
	store_bind_int(s_version, 2, id);
	step(s_version, "version");
}

static int64_t event(const char *kind, int64_t day, const char *council, const char *a,
		     const char *b, const char *sex, const char *child)
{
	char d[11];
	day_str(day, d);
	int64_t id = ++n_events;
	store_bind_int(s_event, 1, id);
	store_bind_text(s_event, 2, kind);
	store_bind_text(s_event, 3, d);
	store_bind_text(s_event, 4, council);
	store_bind_text(s_event, 5, a);
	store_bind_text(s_event, 6, b);
	store_bind_text(s_event, 7, sex);
	store_bind_text(s_event, 8, child);
	step(s_event, "event");
	return id;
}

static void enrol(const char *idn)
{
	int64_t id = ++n_enrol;
	store_bind_int(s_enrol, 1, id);
	store_bind_text(s_enrol, 2, idn);
	step(s_enrol, "enrolment");
	for (int pos = 1; pos <= 2; pos++) {
		store_bind_int(s_sample, 1, id);
		store_bind_int(s_sample, 2, pos);
		step(s_sample, "sample");
	}
}

static void verify(const char *idn, int64_t at)
{
	store_bind_text(s_verify, 1, idn);
	store_bind_int(s_verify, 2, at);
	step(s_verify, "verify");
}

static void prep(store_tx *tx, store_stmt **st, const char *sql)
{
	if (store_prepare(tx, sql, st, &err) != SH_OK)
		die(sql);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: quality_gen URL N\n");
		return 2;
	}
	int64_t target;
	if (sh_parse_i64(argv[2], 10, 100000000, &target) != SH_OK) {
		fprintf(stderr, "quality_gen: N is an integer in [10, 1e8]\n");
		return 2;
	}
	store *db;
	store_tx *tx;
	if (store_open(argv[1], 2, &db, &err) != SH_OK || app_migrate(db, &err) != SH_OK)
		die("open");
	int64_t t0 = sh_mono_ns();
	if (store_begin(db, STORE_WRITE, &tx, &err) != SH_OK)
		die("begin");
	/* councils: the seeded ones */
	static const char *const councils[] = {"PB-LHR-01-001", "PB-LHR-01-002", "SD-KHC-01-001"};
	if (store_run(tx, &err,
		      "INSERT INTO bio_devices(device_id, make, model, serial, modality, status,"
		      " approved_on, council_code, public_key, registered_at) VALUES ('gen-fp', 'm',"
		      " 'm', 's', 'fingerprint', 'approved', '2024-01-01', 'PB-LHR-01-001', ?, 0)",
		      "b", "k", (size_t)1) < 0)
		die("device");
	prep(tx, &s_person,
	     "INSERT INTO persons(id, id_number, legacy_number, version, name_en,"
	     " guardian_relation, gender, dob, dob_year, dob_precision, council_code, address_line,"
	     " status, date_of_death, citizenship, marital, mother_id, father_id, updated_at,"
	     " created_at) VALUES (?, ?, 0, 1, 'Synthetic', 'father', ?, ?, ?, ?, ?, ?, ?, ?,"
	     " 'citizen', ?, ?, ?, ?, 1500000000)");
	/* binds (version, person id) */
	prep(tx, &s_version,
	     "INSERT INTO person_versions(person_id, id_number, legacy_number, version,"
	     " guardian_relation, gender, dob, dob_year, dob_precision, council_code, status,"
	     " citizenship, marital, mother_id, father_id, updated_at, actor_kind, actor_name,"
	     " fields, at) SELECT id, id_number, 0, ?, guardian_relation, gender, dob, dob_year,"
	     " dob_precision, council_code, status, citizenship, marital, mother_id, father_id,"
	     " updated_at, 'system', 'gen', 0, updated_at FROM persons WHERE id = ?");
	prep(tx, &s_event,
	     "INSERT INTO crvs_events(id, kind, status, source, event_date, council_code,"
	     " subject_a, subject_b, sex, birth_order, details, submitted_by, submitted_at,"
	     " person_id) VALUES (?, ?, 'registered', 'gen', ?, ?, ?, ?, ?, 1, '{}', 'gen', 0, ?)");
	prep(tx, &s_marriage,
	     "INSERT INTO crvs_marriages(event_id, husband_id, wife_id, marriage_date, status,"
	     " reg_no, council_code, created_at) VALUES (?, ?, ?, ?, 'live', 'M', ?, 0)");
	prep(tx, &s_enrol,
	     "INSERT INTO bio_enrolments(id, id_number, version, state, current, device_id,"
	     " operator, captured_at, liveness, document, exemption, created_at) VALUES"
	     " (?, ?, 1, 'unique', 1, 'gen-fp', 'gen', 0, 'pass', 'gen', 'none', 0)");
	prep(tx, &s_sample,
	     "INSERT INTO bio_samples(enrolment_id, position, kind) VALUES (?, ?, 'template')");
	prep(tx, &s_verify,
	     "INSERT INTO verify_transactions(party_id, id_number, type, event, result,"
	     " created_at) VALUES (1, ?, 'yesno', 'verify', 'yes', ?)");
	int64_t households = 0, planted = 0;
	char last_deceased[24] = "";
	while (n_persons < target) {
		const char *council = councils[households % 3];
		struct person_row h = {0}, w = {0};
		households++;
		snprintf(h.address, sizeof h.address, "House %lld", (long long)households);
		memcpy(w.address, h.address, sizeof w.address);
		h.council = w.council = council;
		h.gender = "male";
		w.gender = "female";
		h.dob_day = between(DAY0_1950, DAY0_1950 + 50 * 365);
		h.updated_at = between(NOW - 15LL * 365 * 86400, NOW - 86400);
		if (h.dob_day < 3652 && pct(40))
			h.precision = "year";
		if (pct(5)) { /* a household of one */
			if (pct(30)) {
				h.status = "deceased";
				day_str(between(TODAY - 3000, TODAY - 10), h.dod);
			}
			person(&h);
			if (h.status)
				memcpy(last_deceased, h.idn, sizeof last_deceased);
			else if (pct(70))
				enrol(h.idn);
			continue;
		}
		w.dob_day = h.dob_day + between(0, 8 * 365);
		w.updated_at = between(NOW - 15LL * 365 * 86400, NOW - 86400);
		if (w.dob_day < 3652 && pct(40))
			w.precision = "year";
		int father_registered = !pct(4);
		h.marital = w.marital = "married";
		if (father_registered) {
			if (pct(3)) {
				h.status = "deceased";
				h.marital = "married";
				day_str(between(TODAY - 3000, TODAY - 10), h.dod);
			}
			person(&h);
		}
		person(&w);
		int64_t wed = w.dob_day + between(18 * 365, 26 * 365);
		if (father_registered) {
			char d[11];
			day_str(wed, d);
			int64_t e = event("marriage", wed, council, h.idn, w.idn, NULL, NULL);
			store_bind_int(s_marriage, 1, e);
			store_bind_text(s_marriage, 2, h.idn);
			store_bind_text(s_marriage, 3, w.idn);
			store_bind_text(s_marriage, 4, d);
			store_bind_text(s_marriage, 5, council);
			step(s_marriage, "marriage");
			if (!h.status && pct(75))
				enrol(h.idn);
			if (h.status) {
				memcpy(last_deceased, h.idn, sizeof last_deceased);
				if (pct(10)) /* verified after death */
					verify(h.idn, NOW - between(1, 9) * 86400);
			}
		}
		if (pct(75))
			enrol(w.idn);
		if (pct(20))
			verify(w.idn, NOW - between(1, 300) * 86400);
		int kids = (int)between(0, 5);
		int64_t day = wed + between(300, 700);
		for (int k = 0; k < kids && day < TODAY - 30 && n_persons < target; k++) {
			struct person_row c = {0};
			c.council = council;
			memcpy(c.address, h.address, sizeof c.address);
			c.gender = next() & 1 ? "male" : "female";
			c.dob_day = day;
			c.updated_at = 1500000000;
			c.mother = w.idn;
			c.father = father_registered ? h.idn : NULL;
			person(&c);
			event("birth", day, council, w.idn, c.father, c.gender, c.idn);
			if (TODAY - day > 18 * 365 && pct(70))
				enrol(c.idn);
			/* planted, about 1 in 1000 births: a second birth too soon, or
			 * the same child again at another council */
			if (permille(1)) {
				event("birth", day + between(60, 170), council, w.idn, c.father,
				      c.gender, NULL);
				planted++;
			} else if (permille(1)) {
				event("birth", day + 1, councils[(households + 1) % 3], w.idn, c.father,
				      c.gender, NULL);
				planted++;
			}
			day += between(550, 1500);
		}
		/* planted: a parent link gained later, with no birth (1 in 2000) */
		if (permille(1) && (next() & 1) && kids == 0 && n_persons < target) {
			struct person_row c = {0};
			c.council = council;
			memcpy(c.address, h.address, sizeof c.address);
			c.gender = "male";
			c.dob_day = wed + 400;
			c.updated_at = 1500000000;
			person(&c);
			if (store_run(tx, &err, "UPDATE persons SET mother_id = ? WHERE id = ?", "ti",
				      w.idn, n_persons) < 0)
				die("gain");
			store_bind_int(s_version, 1, 2);
			store_bind_int(s_version, 2, n_persons);
			step(s_version, "version 2");
			planted++;
		}
		/* planted: a deceased's enrolment hit by a living one (1 in 5000) */
		if (last_deceased[0] && permille(1) && (next() % 5) == 0) {
			int64_t living = n_enrol;
			enrol(last_deceased);
			if (store_run(tx, &err,
				      "INSERT INTO bio_cases(enrolment_id, id_number,"
				      " candidate_enrolment_id, candidate_id_number, score, detail,"
				      " state, opened_at) SELECT ?, id_number, ?, ?, '0.9', '{}',"
				      " 'open', 0 FROM bio_enrolments WHERE id = ?",
				      "iiti", living, n_enrol, last_deceased, living) < 0)
				die("bio case");
			last_deceased[0] = 0;
			planted++;
		}
	}
	/* a telco list: every 50th person has an active SIM */
	if (store_run(tx, &err,
		      "INSERT INTO quality_telco_sims(source, id_number, imported_at) SELECT"
		      " 'gen-telco', id_number, 0 FROM persons WHERE id % 50 = 0", "") < 0)
		die("telco");
	store_finalize(s_person);
	store_finalize(s_version);
	store_finalize(s_event);
	store_finalize(s_marriage);
	store_finalize(s_enrol);
	store_finalize(s_sample);
	store_finalize(s_verify);
	if (store_commit(tx, &err) != SH_OK)
		die("commit");
	printf("quality_gen: persons=%lld households=%lld events=%lld enrolments=%lld"
	       " planted=%lld seconds=%.1f\n",
	       (long long)n_persons, (long long)households, (long long)n_events,
	       (long long)n_enrol, (long long)planted, (sh_mono_ns() - t0) / 1e9);
	store_close(db);
	return 0;
}
