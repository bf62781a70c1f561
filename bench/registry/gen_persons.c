/* gen_persons.c — load N synthetic persons through person_create (batches
 * of B per transaction) into a store, print the load rate; optionally then
 * read random persons back (person_get_full, one READ transaction each) from
 * T threads for S seconds and print reads/s.
 *
 *   gen_persons URL N [--batch B] [--read-seconds S] [--threads T] [--cache-mib M]
 *
 * --cache-mib gives the loading SQLite connection an M MiB page cache (the
 * server's is 32 MiB): past a few hundred thousand persons the random-key
 * indexes (id_number, dob, mobile, audit object) outgrow 32 MiB and every
 * batch then re-reads and re-writes most of their pages. The rows still go
 * through person_create, one audit entry each, exactly as the server writes
 * them.
 *
 * Names come from ../shared/data/linkage/names (faker en_PK and ur lists;
 * override the folder with SHANAKHT_SHARED_DATA). Synthetic: Latin and Urdu
 * names are drawn independently, they are not transliterations. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "lib/parse.h"
#include "registry/address.h"
#include "registry/person.h"
#include "store/store.h"

struct list {
	char **v;
	size_t n, cap;
};

static int list_add(struct list *l, const char *s)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		char **v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n] = strdup(s);
	if (!l->v[l->n])
		return -1;
	l->n++;
	return 0;
}

static void list_free(struct list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/* One name per line; with `kind`, lines are "kind<TAB>name" (fakerjs tsv). */
static void load_names(const char *path, const char *kind, struct list *out)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "gen_persons: %s: cannot open (using built-in names)\n", path);
		return;
	}
	char line[512];
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		const char *name = line;
		if (kind) {
			char *tab = strchr(line, '\t');
			if (!tab)
				continue;
			*tab = '\0';
			if (strcmp(line, kind) != 0)
				continue;
			name = tab + 1;
		}
		if (list_add(out, name) != 0)
			break;
	}
	fclose(f);
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd(void)
{
	uint64_t x = rng_state; /* xorshift64*: synthetic data needs no CSPRNG */
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static const char *pick(const struct list *l, const char *fallback)
{
	return l->n ? l->v[rnd() % l->n] : fallback;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int council_add(void *ctx, const struct address_place *p)
{
	return list_add(ctx, p->code) != 0;
}

struct reader {
	store *db;
	char (*ids)[14];
	size_t nids;
	double until;
	atomic_ullong *reads, *errors;
	uint64_t seed;
};

static void *read_loop(void *arg)
{
	struct reader *r = arg;
	uint64_t s = r->seed;
	struct person p;
	struct address_council a;
	struct sh_err e;
	unsigned long long n = 0, bad = 0;
	while (1) {
		if ((n & 255) == 0 && now_s() >= r->until)
			break;
		s ^= s << 13, s ^= s >> 7, s ^= s << 17;
		store_tx *tx;
		if (store_begin(r->db, STORE_READ, &tx, &e) != SH_OK) {
			bad++;
			continue;
		}
		if (person_get_full(tx, r->ids[s % r->nids], &p, &a, &e) != SH_OK)
			bad++;
		store_rollback(tx);
		n++;
	}
	atomic_fetch_add(r->reads, n);
	atomic_fetch_add(r->errors, bad);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s URL N [--batch B] [--read-seconds S] [--threads T] [--cache-mib M]\n",
			argv[0]);
		return 2;
	}
	const char *url = argv[1];
	int64_t n = 0, batch = 1000, read_s = 0, threads = 2, cache_mib = 0;
	if (sh_parse_i64(argv[2], 1, 1000000000, &n) != 0) {
		fprintf(stderr, "N must be a positive integer\n");
		return 2;
	}
	for (int i = 3; i + 1 < argc; i += 2) {
		int64_t *dst = strcmp(argv[i], "--batch") == 0          ? &batch
			       : strcmp(argv[i], "--read-seconds") == 0 ? &read_s
			       : strcmp(argv[i], "--threads") == 0      ? &threads
			       : strcmp(argv[i], "--cache-mib") == 0    ? &cache_mib
									: NULL;
		if (!dst || sh_parse_i64(argv[i + 1], 0, 1000000, dst) != 0) {
			fprintf(stderr, "bad option %s\n", argv[i]);
			return 2;
		}
	}
	if (batch < 1)
		batch = 1;
	if (threads < 1)
		threads = 1;

	const char *data = getenv("SHANAKHT_SHARED_DATA");
	if (!data)
		data = SH_SHARED_DATA_DEFAULT;
	char path[1024];
	struct list first = {0}, last = {0}, ur_m = {0}, ur_f = {0}, ur_last = {0}, councils = {0};
	snprintf(path, sizeof path, "%s/linkage/names/faker_en_PK_first_names.txt", data);
	load_names(path, NULL, &first);
	snprintf(path, sizeof path, "%s/linkage/names/faker_en_PK_last_names.txt", data);
	load_names(path, NULL, &last);
	snprintf(path, sizeof path, "%s/linkage/names/fakerjs_ur_person.tsv", data);
	load_names(path, "male_first", &ur_m);
	load_names(path, "female_first", &ur_f);
	load_names(path, "last", &ur_last);

	store *db = NULL;
	struct sh_err e = {0};
	int rc = 1;
	char (*ids)[14] = NULL;
	if (store_open(url, (int)threads + 2, &db, &e) != SH_OK ||
	    audit_migrate(db, &e) != SH_OK || registry_migrate(db, &e) != SH_OK) {
		fprintf(stderr, "gen_persons: %s: %s\n", e.code, e.msg);
		goto out;
	}
	store_tx *tx;
	if (store_begin(db, STORE_READ, &tx, &e) != SH_OK ||
	    address_list_councils(tx, "PB", NULL, council_add, &councils, &e) != SH_OK) {
		fprintf(stderr, "gen_persons: councils: %s\n", e.msg);
		goto out;
	}
	store_rollback(tx);
	size_t keep = n < 100000 ? (size_t)n : 100000; /* ids sampled for reads */
	ids = calloc(keep, sizeof *ids);
	if (!ids)
		goto out;

	const struct audit_actor actor = {"system", 0, "gen_persons", NULL, NULL, NULL};
	struct sh_date today = sh_date_today();
	double t0 = now_s(), tb = t0;
	int64_t done = 0, failed = 0;
	printf("loading %lld persons into %s, %lld per transaction\n", (long long)n, url,
	       (long long)batch);
	while (done < n) {
		int64_t m = n - done < batch ? n - done : batch;
		if (store_begin(db, STORE_WRITE, &tx, &e) != SH_OK) {
			fprintf(stderr, "begin: %s\n", e.msg);
			goto out;
		}
		if (cache_mib > 0 && store_backend_of(db) == STORE_SQLITE) {
			/* Per connection, so set it on whichever one this batch got. */
			char pragma[64];
			snprintf(pragma, sizeof pragma, "PRAGMA cache_size=-%lld",
				 (long long)cache_mib * 1024);
			if (store_exec(tx, pragma, &e) != SH_OK) {
				fprintf(stderr, "cache_size: %s\n", e.msg);
				store_rollback(tx);
				goto out;
			}
		}
		for (int64_t i = 0; i < m; i++) {
			struct person p;
			memset(&p, 0, sizeof p);
			int female = rnd() & 1;
			p.gender = female ? GENDER_FEMALE : GENDER_MALE;
			const char *fn = pick(&first, "Ali"), *ln = pick(&last, "Khan");
			snprintf(p.name_en, sizeof p.name_en, "%s %s", fn, ln);
			snprintf(p.name_ur, sizeof p.name_ur, "%s %s",
				 pick(female ? &ur_f : &ur_m, "علی"), pick(&ur_last, "خان"));
			snprintf(p.guardian_name_en, sizeof p.guardian_name_en, "%s %s",
				 pick(&first, "Ahmed"), ln);
			p.dob.year = 1940 + (int)(rnd() % (uint64_t)(today.year - 1940));
			p.dob.month = 1 + (int)(rnd() % 12);
			p.dob.day = 1 + (int)(rnd() % 28);
			if (rnd() % 50 == 0) {
				p.dob_precision = DOB_YEAR_ONLY;
				p.dob.month = p.dob.day = 1;
			}
			snprintf(p.council_code, sizeof p.council_code, "%s",
				 pick(&councils, "PB-LHR-01-001"));
			snprintf(p.address_line, sizeof p.address_line, "House %u, Street %u",
				 (unsigned)(rnd() % 900 + 1), (unsigned)(rnd() % 60 + 1));
			if (rnd() % 3)
				snprintf(p.mobile, sizeof p.mobile, "+923%09llu",
					 (unsigned long long)(rnd() % 1000000000ULL));
			if (person_create(tx, &actor, &p, "synthetic load", &e) != SH_OK) {
				/* names from the lists may fail validation: count them */
				failed++;
				if (failed <= 5)
					fprintf(stderr, "skip %s (%s): %s\n", p.name_en, e.code, e.msg);
				if (e.status == SH_EDB || e.status == SH_EBUSY) {
					store_rollback(tx);
					goto out;
				}
				continue;
			}
			size_t slot = (size_t)(done + i) < keep ? (size_t)(done + i)
								: (size_t)(rnd() % keep);
			memcpy(ids[slot], p.id_number, 14);
		}
		if (store_commit(tx, &e) != SH_OK) {
			fprintf(stderr, "commit: %s\n", e.msg);
			goto out;
		}
		done += m;
		double t = now_s();
		if (t - tb >= 5.0 || done == n) {
			printf("  %12lld persons  %10.0f persons/s overall\n", (long long)done,
			       (double)done / (t - t0));
			fflush(stdout);
			tb = t;
		}
	}
	double total = now_s() - t0;
	printf("loaded %lld persons (%lld rejected by validation) in %.1f s: %.0f persons/s\n",
	       (long long)(done - failed), (long long)failed, total, (double)done / total);

	if (read_s > 0) {
		size_t nids = 0;
		while (nids < keep && ids[nids][0])
			nids++;
		atomic_ullong reads = 0, errors = 0;
		pthread_t th[64];
		struct reader rd[64];
		int nt = threads > 64 ? 64 : (int)threads;
		double until = now_s() + (double)read_s;
		for (int i = 0; i < nt; i++) {
			rd[i] = (struct reader){db, ids, nids, until, &reads, &errors,
						0x12345ULL * (uint64_t)(i + 1)};
			pthread_create(&th[i], NULL, read_loop, &rd[i]);
		}
		for (int i = 0; i < nt; i++)
			pthread_join(th[i], NULL);
		printf("read: %d threads, %lld s: %llu reads (%llu errors), %.0f reads/s\n", nt,
		       (long long)read_s, (unsigned long long)reads, (unsigned long long)errors,
		       (double)reads / (double)read_s);
	}
	rc = 0;
out:
	free(ids);
	if (db)
		store_close(db);
	list_free(&first);
	list_free(&last);
	list_free(&ur_m);
	list_free(&ur_f);
	list_free(&ur_last);
	list_free(&councils);
	return rc;
}
