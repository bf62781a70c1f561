/* test_write.c — store_write: a write transaction as a function, run by
 * whichever writer holds SQLite's gate (combined writes). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/store.h"
#include "testdb.h"

static char *url;
static store *db;

static void setup(void)
{
	struct sh_err err = {0};
	url = testdb_url();
	cr_assert_not_null(url);
	cr_assert_eq(store_open(url, 8, &db, &err), SH_OK, "%s", err.msg);
	testdb_exec(db, "CREATE TABLE w (id BIGINT PRIMARY KEY, who BIGINT NOT NULL);"
			"CREATE TABLE c (id BIGINT PRIMARY KEY, n BIGINT NOT NULL);"
			"INSERT INTO w VALUES (0, 0); INSERT INTO c VALUES (1, 0)");
}

static void teardown(void)
{
	store_close(db);
	testdb_drop(url);
}

TestSuite(write, .init = setup, .fini = teardown);

static int64_t count_where(const char *sql)
{
	struct sh_err err = {0};
	store_tx *tx;
	store_stmt *st;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_query(tx, &st, &err, sql, ""), SH_OK, "%s", err.msg);
	cr_assert_eq(store_step(st, &err), STORE_ROW, "%s", err.msg);
	int64_t n = store_col_int(st, 0);
	store_finalize(st);
	store_rollback(tx);
	return n;
}

/* What a job does: insert row id; "refuse" = commit but say why in err
 * (as a verification refusal does); "fail" = return an error after the
 * insert; "break" = a statement fails (duplicate key) and fn says OK. */
struct job {
	int64_t id, who;
	enum { KEEP, REFUSE, FAIL, BREAK } mode;
	unsigned sleep_us; /* inside the transaction, so that others queue */
	pthread_t ran_on;
	int runs;
};

static int job_fn(store_tx *tx, void *ctx, struct sh_err *err)
{
	struct job *j = ctx;
	j->ran_on = pthread_self();
	j->runs++;
	int rc = store_run(tx, err, "INSERT INTO w (id, who) VALUES (?, ?)", "ii", j->id, j->who);
	if (rc != 1)
		return rc < 0 ? rc : sh_err_set(err, SH_EINTERNAL, "T_INSERT", "no row");
	rc = store_run(tx, err, "UPDATE c SET n = n + 1 WHERE id = 1", "");
	if (rc != 1)
		return rc < 0 ? rc : sh_err_set(err, SH_EINTERNAL, "T_UPDATE", "no row");
	if (j->sleep_us) {
		struct timespec d = {0, (long)j->sleep_us * 1000L};
		nanosleep(&d, NULL);
	}
	switch (j->mode) {
	case REFUSE:
		sh_err_set(err, SH_EGONE, "T_REFUSED", "refused, and recorded");
		return SH_OK;
	case FAIL:
		return sh_err_set(err, SH_ECONFLICT, "T_FAILED", "job %lld failed", (long long)j->id);
	case BREAK:
		(void)store_run(tx, err, "INSERT INTO w (id, who) VALUES (0, 0)", "");
		return SH_OK;
	default:
		return SH_OK;
	}
}

Test(write, commits_on_ok_and_rolls_back_on_error)
{
	struct sh_err err = {0};
	struct job keep = {.id = 1, .who = 1, .mode = KEEP};
	cr_assert_eq(store_write(db, job_fn, &keep, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(keep.runs, 1);

	struct job refuse = {.id = 2, .who = 1, .mode = REFUSE};
	memset(&err, 0, sizeof err);
	cr_assert_eq(store_write(db, job_fn, &refuse, &err), SH_OK, "%s", err.msg);
	cr_assert_str_eq(err.code, "T_REFUSED", "what fn said on success reaches its caller");

	struct job fail = {.id = 3, .who = 1, .mode = FAIL};
	memset(&err, 0, sizeof err);
	cr_assert_eq(store_write(db, job_fn, &fail, &err), SH_ECONFLICT);
	cr_assert_str_eq(err.code, "T_FAILED");

	struct job broken = {.id = 4, .who = 1, .mode = BREAK};
	memset(&err, 0, sizeof err);
	cr_assert_eq(store_write(db, job_fn, &broken, &err), SH_EDB);
	cr_assert_str_eq(err.code, "STORE_TX_FAILED");

	cr_assert_eq(count_where("SELECT COUNT(*) FROM w WHERE id > 0"), 2);
	cr_assert_eq(count_where("SELECT COUNT(*) FROM w WHERE id IN (1, 2)"), 2);
	cr_assert_eq(count_where("SELECT n FROM c WHERE id = 1"), 2);
}

/* Many threads, each job inserting its own row and bumping a shared
 * counter; some fail or break. Whatever a caller was told is what the
 * database holds, and each job ran exactly once. */
#define THREADS 8
#define JOBS 60
/* A job that waits past the busy timeout (5 s by default) is retried, but
 * not forever: a writer that keeps being refused is a failure to report,
 * not a loop that hangs the test until Criterion's timeout. */
#define BUSY_RETRIES 3

struct worker {
	int64_t who;
	int kept, wrong;
	int busy; /* SH_EBUSY answers (retried, at most BUSY_RETRIES per job) */
	int foreign; /* jobs of this thread run on another thread */
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	for (int i = 1, tries = 0; i <= JOBS; i++) {
		struct sh_err err = {0};
		struct job j = {.id = w->who * 1000 + i, .who = w->who, .sleep_us = 200};
		j.mode = i % 5 == 0 ? FAIL : i % 7 == 0 ? BREAK : i % 3 == 0 ? REFUSE : KEEP;
		int rc = store_write(db, job_fn, &j, &err);
		if (rc == SH_EBUSY) { /* queued past the busy timeout: never ran */
			w->busy++;
			if (j.runs != 0 || ++tries > BUSY_RETRIES) {
				w->wrong++;
				return NULL;
			}
			i--;
			continue;
		}
		tries = 0;
		int want_ok = j.mode == KEEP || j.mode == REFUSE;
		if ((rc == SH_OK) != want_ok || j.runs != 1)
			w->wrong++;
		if (j.mode == REFUSE && strcmp(err.code, "T_REFUSED") != 0)
			w->wrong++;
		w->kept += rc == SH_OK;
		w->foreign += !pthread_equal(j.ran_on, pthread_self());
	}
	return NULL;
}

Test(write, concurrent_jobs_are_each_kept_or_not_as_told)
{
	struct worker w[THREADS];
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){.who = i + 1};
		cr_assert_eq(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
	}
	int kept = 0, foreign = 0;
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		cr_assert_eq(w[i].wrong, 0, "thread %d saw %d wrong outcomes (%d busy answers)", i + 1,
			     w[i].wrong, w[i].busy);
		kept += w[i].kept;
		foreign += w[i].foreign;
	}
	int per_thread = 0;
	for (int i = 1; i <= JOBS; i++)
		per_thread += !(i % 5 == 0 || i % 7 == 0);
	cr_assert_eq(kept, THREADS * per_thread);
	cr_assert_eq(count_where("SELECT COUNT(*) FROM w WHERE id > 0"), kept);
	cr_assert_eq(count_where("SELECT n FROM c WHERE id = 1"), kept);
	if (store_backend_of(db) == STORE_SQLITE) {
		/* Eight threads, each job 200 us inside the gate: jobs queue, and
		 * the writer holding the gate runs them for their callers. */
		cr_assert_gt(foreign, 0, "no job was run by another writer");
		struct store_pool_stats ps;
		store_pool_stats(db, &ps);
		cr_assert_lt(ps.group_commits, ps.group_members, "no two jobs shared a COMMIT");
	}
}

/* store_write and store_begin writers side by side: both kinds queue at
 * the same gate and join the same groups. */
static void *begin_writer(void *arg)
{
	int64_t who = (int64_t)(intptr_t)arg;
	for (int i = 1, tries = 0; i <= JOBS; i++) {
		struct sh_err err = {0};
		store_tx *tx;
		int rc = store_begin(db, STORE_WRITE, &tx, &err);
		if (rc == SH_EBUSY) {
			if (++tries > BUSY_RETRIES)
				return (void *)(intptr_t)__LINE__;
			i--;
			continue;
		}
		tries = 0;
		if (rc != SH_OK ||
		    store_run(tx, &err, "INSERT INTO w (id, who) VALUES (?, ?)", "ii",
			      who * 1000 + i, who) != 1 ||
		    store_run(tx, &err, "UPDATE c SET n = n + 1 WHERE id = 1", "") != 1 ||
		    store_commit(tx, &err) != SH_OK)
			return (void *)(intptr_t)__LINE__;
	}
	return NULL;
}

Test(write, jobs_and_transactions_share_the_gate)
{
	struct worker w[THREADS / 2];
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS / 2; i++) {
		w[i] = (struct worker){.who = i + 1};
		cr_assert_eq(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
	}
	for (int i = THREADS / 2; i < THREADS; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, begin_writer, (void *)(intptr_t)(i + 1)),
			     0);
	int kept = 0;
	for (int i = 0; i < THREADS; i++) {
		void *line = NULL;
		pthread_join(t[i], &line);
		if (i < THREADS / 2) {
			cr_assert_eq(w[i].wrong, 0);
			kept += w[i].kept;
		} else {
			cr_assert_null(line, "store_begin writer failed at line %d",
				       (int)(intptr_t)line);
			kept += JOBS;
		}
	}
	cr_assert_eq(count_where("SELECT COUNT(*) FROM w WHERE id > 0"), kept);
	cr_assert_eq(count_where("SELECT n FROM c WHERE id = 1"), kept);
}

/* A job queued behind a writer that holds the gate past the busy timeout
 * gives up with STORE_BUSY and never runs; the queue still works after. */
struct late {
	struct job j;
	int rc;
	char code[64];
};

static void *late_job(void *arg)
{
	struct late *l = arg;
	struct sh_err err = {0};
	l->rc = store_write(db, job_fn, &l->j, &err);
	snprintf(l->code, sizeof l->code, "%s", err.code);
	return NULL;
}

Test(write, a_queued_job_times_out_busy_and_never_runs)
{
	if (store_backend_of(db) != STORE_SQLITE)
		cr_skip_test("the write gate is SQLite's");
	struct sh_err err = {0};
	store_tx *holder;
	store_set_busy_timeout(db, 100);
	cr_assert_eq(store_begin(db, STORE_WRITE, &holder, &err), SH_OK, "%s", err.msg);
	struct late l = {.j = {.id = 7, .who = 7, .mode = KEEP}, .rc = -99};
	pthread_t t;
	cr_assert_eq(pthread_create(&t, NULL, late_job, &l), 0);
	pthread_join(t, NULL);
	cr_assert_eq(l.rc, SH_EBUSY);
	cr_assert_str_eq(l.code, "STORE_BUSY");
	cr_assert_eq(l.j.runs, 0);
	store_rollback(holder);

	store_set_busy_timeout(db, 5000);
	struct late again = {.j = {.id = 8, .who = 7, .mode = KEEP}, .rc = -99};
	cr_assert_eq(pthread_create(&t, NULL, late_job, &again), 0);
	pthread_join(t, NULL);
	cr_assert_eq(again.rc, SH_OK, "%s", again.code);
	cr_assert_eq(count_where("SELECT COUNT(*) FROM w WHERE id IN (7, 8)"), 1);
}
