/* bench_store.c — point reads and single-row write transactions per second
 * through the store API, at 1..N threads. Prints a table; asserts nothing.
 *
 * usage: bench_store [URL] [ROWS] [SECONDS]   (default: a temporary SQLite
 * file, 100000 rows, 2 s per figure) */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/parse.h"
#include "store/store.h"

static store *db;
static int64_t rows = 100000;
static double seconds = 2;
static atomic_int stop;

struct worker {
	int write;
	unsigned seed;
	uint64_t ops, busy, fails;
	pthread_t t;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int read_one(struct worker *w)
{
	struct sh_err err;
	store_tx *tx;
	store_stmt *st;
	int64_t id = 1 + (int64_t)(rand_r(&w->seed) % rows);
	int rc = store_begin(db, STORE_READ, &tx, &err);
	if (rc != SH_OK)
		return rc;
	rc = store_query(tx, &st, &err,
			 "SELECT id, name, born, photo FROM person WHERE id = ?", "i", id);
	if (rc == SH_OK) {
		rc = store_step(st, &err);
		if (rc == STORE_ROW && store_col_int(st, 0) == id && store_col_text(st, 1))
			rc = SH_OK;
		else if (rc >= 0)
			rc = SH_EINTERNAL;
		store_finalize(st);
	}
	store_rollback(tx);
	return rc;
}

static int write_one(struct worker *w)
{
	struct sh_err err;
	store_tx *tx;
	int64_t id = 1 + (int64_t)(rand_r(&w->seed) % rows);
	int rc = store_begin(db, STORE_WRITE, &tx, &err);
	if (rc != SH_OK)
		return rc;
	rc = store_run(tx, &err, "UPDATE person SET born = born + 1 WHERE id = ?", "i", id);
	if (rc == 1)
		rc = store_run(tx, &err, "INSERT INTO log (person, at) VALUES (?, ?)", "ii", id,
			       sh_now());
	if (rc == 1)
		return store_commit(tx, &err);
	store_rollback(tx);
	return rc < 0 ? rc : SH_EINTERNAL;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	while (!atomic_load(&stop)) {
		int rc = w->write ? write_one(w) : read_one(w);
		if (rc == SH_OK)
			w->ops++;
		else if (rc == SH_EBUSY)
			w->busy++;
		else
			w->fails++;
	}
	return NULL;
}

static void measure(const char *what, int write, int threads)
{
	struct worker w[64];
	memset(w, 0, sizeof w);
	atomic_store(&stop, 0);
	double t0 = now();
	for (int i = 0; i < threads; i++) {
		w[i].write = write;
		w[i].seed = (unsigned)(i * 7919 + 1);
		pthread_create(&w[i].t, NULL, run, &w[i]);
	}
	usleep((useconds_t)(seconds * 1e6));
	atomic_store(&stop, 1);
	uint64_t ops = 0, busy = 0, fails = 0;
	for (int i = 0; i < threads; i++) {
		pthread_join(w[i].t, NULL);
		ops += w[i].ops;
		busy += w[i].busy;
		fails += w[i].fails;
	}
	double dt = now() - t0;
	printf("| %-6s | %7d | %12.0f | %8.1f | %6llu | %5llu |\n", what, threads, ops / dt,
	       dt * 1e6 * threads / (double)(ops ? ops : 1), (unsigned long long)busy,
	       (unsigned long long)fails);
	fflush(stdout);
}

static int load(void)
{
	struct sh_err err;
	store_tx *tx;
	int rc = store_begin(db, STORE_WRITE, &tx, &err);
	if (rc == SH_OK)
		rc = store_exec(tx,
				"DROP TABLE IF EXISTS log; DROP TABLE IF EXISTS person;"
				"CREATE TABLE person (id BIGINT PRIMARY KEY, name TEXT NOT NULL,"
				" born BIGINT NOT NULL, photo {{BLOB}});"
				"CREATE TABLE log (id {{PK}}, person BIGINT NOT NULL"
				" REFERENCES person(id), at BIGINT NOT NULL)",
				&err);
	unsigned char photo[256];
	for (size_t i = 0; i < sizeof photo; i++)
		photo[i] = (unsigned char)i;
	store_stmt *st = NULL;
	if (rc == SH_OK)
		rc = store_prepare(tx, "INSERT INTO person VALUES (?, ?, ?, ?)", &st, &err);
	for (int64_t id = 1; rc == SH_OK && id <= rows; id++) {
		char name[64];
		snprintf(name, sizeof name, "\xd9\x85\xd8\xad\xd9\x85\xd8\xaf %lld", (long long)id);
		store_bind_int(st, 1, id);
		store_bind_text(st, 2, name);
		store_bind_int(st, 3, 1950 + id % 70);
		store_bind_blob(st, 4, photo, sizeof photo);
		rc = store_step(st, &err);
		rc = rc == STORE_DONE ? store_reset(st) : rc;
	}
	store_finalize(st);
	if (rc == SH_OK)
		return store_commit(tx, &err) == SH_OK ? 0 : (fprintf(stderr, "%s\n", err.msg), 1);
	fprintf(stderr, "load: %s\n", err.msg);
	store_rollback(tx);
	return 1;
}

int main(int argc, char **argv)
{
	char tmp[] = "/tmp/shanakht-bench-XXXXXX", url[256];
	const char *u = argc > 1 && argv[1][0] ? argv[1] : NULL;
	if (!u) {
		if (!mkdtemp(tmp))
			return 1;
		snprintf(url, sizeof url, "sqlite:%s/bench.db", tmp);
		u = url;
	}
	if (argc > 2 && sh_parse_i64(argv[2], 1, 100000000, &rows) != 0)
		return 2;
	if (argc > 3)
		seconds = strtod(argv[3], NULL);
	struct sh_err err;
	if (store_open(u, 16, &db, &err) != SH_OK) {
		fprintf(stderr, "bench_store: %s\n", err.msg);
		return 1;
	}
	double t0 = now();
	if (load() != 0)
		return 1;
	printf("store benchmark: %s, %lld rows loaded in %.2f s, %ld CPUs\n\n",
	       store_backend_of(db) == STORE_SQLITE ? "SQLite" : "PostgreSQL", (long long)rows,
	       now() - t0, sysconf(_SC_NPROCESSORS_ONLN));
	printf("| op     | threads |    ops/s     | us/op/th | busy   | fail  |\n");
	printf("|--------|---------|--------------|----------|--------|-------|\n");
	int th[] = {1, 2, 4, 8};
	for (int i = 0; i < 4; i++)
		measure("read", 0, th[i]);
	for (int i = 0; i < 4; i++)
		measure("write", 1, th[i]);
	struct store_pool_stats ps;
	store_pool_stats(db, &ps);
	printf("\npool: size %d, acquired %llu, waited %llu, timeouts %llu\n", ps.size,
	       (unsigned long long)ps.acquired, (unsigned long long)ps.waited,
	       (unsigned long long)ps.timeouts);
	store_close(db);
	if (u == url) {
		char path[300];
		const char *sfx[] = {"", "-wal", "-shm"};
		for (int i = 0; i < 3; i++) {
			snprintf(path, sizeof path, "%s/bench.db%s", tmp, sfx[i]);
			unlink(path);
		}
		rmdir(tmp);
	}
	return 0;
}
