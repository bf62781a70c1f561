/* bench_consent_timing.c — do consent answers cost the same for every
 * number? (issue 14 item 6, docs/decisions.md D5)
 *
 *   bench_consent_timing URL [--requests N] [--persons P]
 *
 * URL is a store to create the bench's persons in (a fresh one:
 * sqlite:/tmp/x.db or a PostgreSQL URL). It registers a relying party and
 * P persons of each kind — alive with a mobile, deceased (with a mobile),
 * alive without a mobile — then times N consent requests per case, the
 * four cases interleaved round robin so that the store's growth weighs on
 * each alike, each request one write transaction as the API runs it
 * (begin, consent_request, commit). Unknown numbers are fresh valid
 * numbers (idnum_generate). Budgets are raised so that every request
 * takes the main path. Prints the median, p99 and mean per case, and the
 * difference of each median from the alive case's; never asserts on time. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "consent/consent.h"
#include "consent/party.h"
#include "consent/policy.h"
#include "lib/parse.h"
#include "notify/sms.h"
#include "registry/idnum.h"
#include "registry/person.h"
#include "ledger/ledger.h"

enum { C_ALIVE, C_DECEASED, C_NO_MOBILE, C_UNKNOWN, C_N };
static const char *const label[C_N] = {"alive, with mobile", "deceased", "no mobile",
				       "unknown number"};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, const struct sh_err *e)
{
	fprintf(stderr, "bench_consent_timing: %s: %s %s\n", what, e ? e->code : "",
		e ? e->msg : "");
	exit(1);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* P persons of one kind, ids into out[]. Deceased ones are made alive and
 * then marked by a bench-only UPDATE: the bench measures consents, not
 * the civil events that record a death. */
static void make_persons(store *db, const struct audit_actor *admin, int kind, int64_t n,
			 char (*out)[14])
{
	struct sh_err err = {0};
	struct person *p = calloc(1, sizeof *p);
	if (!p)
		die("oom", NULL);
	for (int64_t i = 0; i < n;) {
		store_tx *tx = NULL;
		if (store_begin(db, STORE_WRITE, &tx, &err) != SH_OK)
			die("begin", &err);
		for (int j = 0; j < 500 && i < n; j++, i++) {
			memset(p, 0, sizeof *p);
			snprintf(p->name_en, sizeof p->name_en, "Ayesha Khan");
			snprintf(p->name_ur, sizeof p->name_ur, "عائشہ خان");
			snprintf(p->guardian_name_en, sizeof p->guardian_name_en, "Imran Khan");
			snprintf(p->guardian_name_ur, sizeof p->guardian_name_ur, "عمران خان");
			p->gender = GENDER_FEMALE;
			p->dob = (struct sh_date){1980 + (int)(i % 30), 1 + (int)(i % 12), 1 + (int)(i % 28)};
			snprintf(p->place_of_birth, sizeof p->place_of_birth, "Lahore");
			snprintf(p->council_code, sizeof p->council_code, "PB-LHR-01-001");
			snprintf(p->address_line, sizeof p->address_line, "House %lld, Street 4",
				 (long long)i);
			if (kind != C_NO_MOBILE)
				snprintf(p->mobile, sizeof p->mobile, "+92300%07lld",
					 (long long)(kind * 2000000 + i));
			if (person_create(tx, admin, p, "timing bench", &err) != SH_OK)
				die("person", &err);
			snprintf(out[i], 14, "%s", p->id_number);
			if (kind == C_DECEASED &&
			    store_run(tx, &err,
				      "UPDATE persons SET status = 'deceased' WHERE id_number = ?", "t",
				      p->id_number) < 0)
				die("mark deceased", &err);
		}
		if (store_commit(tx, &err) != SH_OK)
			die("commit", &err);
	}
	free(p);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s URL [--requests N] [--persons P]\n", argv[0]);
		return 2;
	}
	int64_t n = 10000, np = 2000;
	for (int i = 2; i < argc; i++) {
		int64_t *dst = !strcmp(argv[i], "--requests") ? &n
			       : !strcmp(argv[i], "--persons") ? &np
							       : NULL;
		if (!dst || i + 1 >= argc || sh_parse_i64(argv[++i], 1, 10000000, dst) != 0) {
			fprintf(stderr, "bad option %s\n", argv[i]);
			return 2;
		}
	}
	struct sh_err err = {0};
	struct keyring *kr = NULL;
	store *db = NULL;
	unsigned char master[32];
	if (sodium_init() < 0)
		die("sodium", NULL);
	randombytes_buf(master, sizeof master);
	if (keyring_from_master(master, &kr, &err) != SH_OK)
		die("keyring", &err);
	if (store_open(argv[1], 4, &db, &err) != SH_OK)
		die("store", &err);
	if (audit_migrate(db, &err) || registry_migrate(db, &err) || notify_migrate(db, &err) ||
	    consent_migrate(db, &err) || ledger_migrate(db, &err))
		die("migrate", &err);
	if (audit_writer_start(db, &err) != SH_OK)
		die("audit writer", &err);
	struct consent_config cfg;
	consent_config_defaults(&cfg);
	/* Every request of the run on the main path: no budget refusals. */
	cfg.person_sms_per_window = 100;
	cfg.party_sms_per_window = 100000000;
	consent_config_clamp(&cfg);
	int64_t per_person = (n + np - 1) / np;
	if (per_person > cfg.person_sms_per_window)
		die("too few persons for the per-person budget: raise --persons", NULL);

	struct audit_actor admin = {.kind = "operator", .id = 1, .name = "bench"};
	struct party p = {0};
	struct party_key_issued key;
	snprintf(p.name, sizeof p.name, "Timing Bank %ld", (long)time(NULL));
	snprintf(p.sector, sizeof p.sector, "bank");
	p.types = VT_YESNO;
	store_tx *tx = NULL;
	if (store_begin(db, STORE_WRITE, &tx, &err) ||
	    party_create(tx, kr, &admin, &p, &key, &err) || store_commit(tx, &err))
		die("party", &err);
	struct audit_actor pa = {.kind = "party", .id = p.id, .name = key.key_id};

	char(*ids[C_N])[14];
	double *us[C_N];
	for (int c = 0; c < C_N; c++) {
		ids[c] = calloc((size_t)(c == C_UNKNOWN ? n : np), 14);
		us[c] = calloc((size_t)n, sizeof(double));
		if (!ids[c] || !us[c])
			die("oom", NULL);
	}
	double t0 = now_s();
	make_persons(db, &admin, C_ALIVE, np, ids[C_ALIVE]);
	make_persons(db, &admin, C_DECEASED, np, ids[C_DECEASED]);
	make_persons(db, &admin, C_NO_MOBILE, np, ids[C_NO_MOBILE]);
	for (int64_t i = 0; i < n; i++)
		if (idnum_generate(ids[C_UNKNOWN][i], &err) != SH_OK)
			die("idnum", &err);
	printf("made %lld persons of each kind in %.1f s; %lld requests per case, interleaved\n",
	       (long long)np, now_s() - t0, (long long)n);

	for (int64_t i = 0; i < n; i++) {
		for (int c = 0; c < C_N; c++) {
			struct consent_issued ci;
			struct consent_ask ask = {
				.kind = CONSENT_FOR_PARTY, .party_id = p.id, .party_name = p.name,
				.id_number = ids[c][c == C_UNKNOWN ? i : i % np],
				.purpose = "bench timing", .source_addr = "127.0.0.1",
				.now = sh_now(),
			};
			double a = now_s();
			if (store_begin(db, STORE_WRITE, &tx, &err) ||
			    consent_request(tx, kr, &cfg, &pa, &ask, &ci, &err) ||
			    store_commit(tx, &err))
				die("consent", &err);
			us[c][i] = (now_s() - a) * 1e6;
			if (ci.refused)
				die("a budget refused a bench request", &err);
		}
	}
	printf("%-20s %8s %10s %10s %10s %12s\n", "case", "n", "median us", "p99 us", "mean us",
	       "median - alive");
	double med_alive = 0;
	for (int c = 0; c < C_N; c++) {
		double sum = 0;
		for (int64_t i = 0; i < n; i++)
			sum += us[c][i];
		qsort(us[c], (size_t)n, sizeof(double), cmp_double);
		double med = us[c][n / 2], p99 = us[c][(n * 99) / 100];
		if (c == C_ALIVE)
			med_alive = med;
		printf("%-20s %8lld %10.1f %10.1f %10.1f %+12.1f\n", label[c], (long long)n, med, p99,
		       sum / n, med - med_alive);
	}
	for (int c = 0; c < C_N; c++) {
		free(ids[c]);
		free(us[c]);
	}
	audit_writer_stop();
	store_close(db);
	keyring_free(kr);
	return 0;
}
