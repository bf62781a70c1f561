/* test_pool.c — concurrent writers and the connection pool. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "lib/parse.h" /* sh_mono_ns */
#include "store/store.h"
#include "store/store_int.h" /* wal_restart_frames */
#include "testdb.h"

static char *url;
static store *db;


static void setup(void)
{
	struct sh_err err = {0};
	url = testdb_url();
	cr_assert_not_null(url);
	cr_assert_eq(store_open(url, 4, &db, &err), SH_OK, "%s", err.msg);
	testdb_exec(db, "CREATE TABLE c (id BIGINT PRIMARY KEY, n BIGINT NOT NULL);"
		       "INSERT INTO c VALUES (1, 0), (2, 0)");
}

static void teardown(void)
{
	store_close(db);
	testdb_drop(url);
}

TestSuite(pool, .init = setup, .fini = teardown);

#define THREADS 4
#define ROUNDS 200

/* Each round: an atomic UPDATE of row 1 and a read-then-write of row 2 that
 * is only correct with the FOR UPDATE lock (PostgreSQL) or the write lock
 * of BEGIN IMMEDIATE (SQLite). A busy failure is retried, as callers do. */
static void *writer(void *arg)
{
	int *failures = arg;
	for (int i = 0; i < ROUNDS; i++) {
		for (;;) {
			struct sh_err err = {0};
			store_tx *tx;
			store_stmt *st;
			int rc = store_begin(db, STORE_WRITE, &tx, &err);
			if (rc == SH_EBUSY)
				continue;
			if (rc != SH_OK)
				goto fail;
			rc = store_run(tx, &err, "UPDATE c SET n = n + 1 WHERE id = 1", "");
			if (rc == 1)
				rc = store_query(tx, &st, &err, "SELECT n FROM c WHERE id = ? FOR UPDATE",
						 "i", (int64_t)2);
			if (rc == SH_OK) {
				rc = store_step(st, &err);
				int64_t n = store_col_int(st, 0);
				store_finalize(st);
				if (rc == STORE_ROW)
					rc = store_run(tx, &err, "UPDATE c SET n = ? WHERE id = 2", "i",
						       n + 1);
			}
			if (rc == 1)
				rc = store_commit(tx, &err);
			else
				store_rollback(tx);
			if (rc == SH_OK)
				break;
			if (rc != SH_EBUSY)
				goto fail;
		}
	}
	return NULL;
fail:
	__atomic_add_fetch(failures, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

Test(pool, concurrent_writers_keep_counts_exact)
{
	pthread_t t[THREADS];
	int failures = 0;
	for (int i = 0; i < THREADS; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, writer, &failures), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	cr_assert_eq(failures, 0);
	struct sh_err err = {0};
	store_tx *tx;
	store_stmt *st;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_query(tx, &st, &err, "SELECT id, n FROM c ORDER BY id", ""), SH_OK);
	for (int id = 1; id <= 2; id++) {
		cr_assert_eq(store_step(st, &err), STORE_ROW, "%s", err.msg);
		cr_assert_eq(store_col_int(st, 1), THREADS * ROUNDS, "row %d", id);
	}
	store_finalize(st);
	store_rollback(tx);
	struct store_pool_stats ps;
	store_pool_stats(db, &ps);
	cr_assert_eq(ps.size, 4);
	cr_assert_eq(ps.in_use, 0);
	cr_assert_geq(ps.acquired, THREADS * ROUNDS);
}

static void *late_begin(void *arg)
{
	int *rc = arg;
	struct sh_err err = {0};
	store_tx *tx;
	*rc = store_begin(db, STORE_READ, &tx, &err);
	if (*rc == SH_OK) {
		*rc = store_run(tx, &err, "SELECT 1", "") >= 0 ? SH_OK : SH_EDB;
		store_rollback(tx);
	}
	return NULL;
}

Test(pool, exhausted_pool_waits_then_works)
{
	struct sh_err err = {0};
	store_tx *tx[4];
	for (int i = 0; i < 4; i++)
		cr_assert_eq(store_begin(db, STORE_READ, &tx[i], &err), SH_OK, "%s", err.msg);
	int rc = -99;
	pthread_t t;
	cr_assert_eq(pthread_create(&t, NULL, late_begin, &rc), 0);
	struct store_pool_stats ps;
	do {
		sched_yield();
		store_pool_stats(db, &ps);
	} while (ps.waiting == 0);
	cr_assert_eq(ps.in_use, 4);
	store_rollback(tx[2]);
	pthread_join(t, NULL);
	cr_assert_eq(rc, SH_OK);
	for (int i = 0; i < 4; i++)
		if (i != 2)
			store_rollback(tx[i]);
	store_pool_stats(db, &ps);
	cr_assert_eq(ps.waited, 1);
	cr_assert_eq(ps.timeouts, 0);
	cr_assert_eq(ps.in_use, 0);
}

Test(pool, exhausted_pool_times_out_busy)
{
	struct sh_err err = {0};
	store_tx *tx[4], *extra = NULL;
	store_set_busy_timeout(db, 50);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(store_begin(db, STORE_READ, &tx[i], &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_begin(db, STORE_READ, &extra, &err), SH_EBUSY);
	cr_assert_str_eq(err.code, "STORE_BUSY");
	cr_assert_null(extra);
	for (int i = 0; i < 4; i++)
		store_rollback(tx[i]);
	struct store_pool_stats ps;
	store_pool_stats(db, &ps);
	cr_assert_eq(ps.timeouts, 1);
}

/* A writer that cannot get its lock within the busy timeout gets SH_EBUSY:
 * on SQLite at BEGIN IMMEDIATE, on PostgreSQL at the row (lock_timeout). */
Test(pool, lock_wait_times_out_busy)
{
	struct sh_err err = {0};
	store_tx *a, *b = NULL;
	store_set_busy_timeout(db, 100);
	cr_assert_eq(store_begin(db, STORE_WRITE, &a, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_run(a, &err, "UPDATE c SET n = n + 1 WHERE id = 1", ""), 1, "%s",
		     err.msg);
	int rc = store_begin(db, STORE_WRITE, &b, &err);
	if (store_backend_of(db) == STORE_POSTGRES) {
		cr_assert_eq(rc, SH_OK, "%s", err.msg);
		rc = store_run(b, &err, "UPDATE c SET n = n + 1 WHERE id = 1", "");
		store_rollback(b);
	} else {
		cr_assert_null(b);
	}
	cr_assert_eq(rc, SH_EBUSY, "%s", err.msg);
	cr_assert_str_eq(err.code, "STORE_BUSY");
	cr_assert_eq(store_commit(a, &err), SH_OK, "%s", err.msg);
	/* The lock is free again. */
	cr_assert_eq(store_begin(db, STORE_WRITE, &b, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_run(b, &err, "UPDATE c SET n = n + 1 WHERE id = 1", ""), 1, "%s",
		     err.msg);
	cr_assert_eq(store_commit(b, &err), SH_OK, "%s", err.msg);
}

/* SQLite writers of one process queue first come first served at the
 * store's write gate (store_int.h). A thread that writes in a loop, as the
 * SMS sender does while draining a backlog, cannot keep the gate from
 * another writer: with a plain mutex it took the gate back before a woken
 * waiter ran, and the waiter timed out. */
static volatile int loop_stop;

static void *loop_writer(void *arg)
{
	atomic_long *n = arg;
	while (!loop_stop) {
		struct sh_err err = {0};
		store_tx *tx;
		if (store_begin(db, STORE_WRITE, &tx, &err) != SH_OK)
			continue;
		if (store_run(tx, &err, "UPDATE c SET n = n + 1 WHERE id = 2", "") == 1 &&
		    store_commit(tx, &err) == SH_OK)
			(*n)++;
		else
			store_rollback(tx);
	}
	return NULL;
}

Test(pool, a_looping_writer_cannot_starve_another)
{
	if (store_backend_of(db) != STORE_SQLITE)
		cr_skip_test("the write gate is SQLite's");
	atomic_long looped = 0;
	pthread_t t;
	loop_stop = 0;
	store_set_busy_timeout(db, 2000);
	cr_assert_eq(pthread_create(&t, NULL, loop_writer, &looped), 0);
	while (atomic_load(&looped) < 3) /* the loop is running */
		sched_yield();
	for (int i = 0; i < 100; i++) {
		struct sh_err err = {0};
		store_tx *tx;
		cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK, "round %d: %s", i,
			     err.msg);
		cr_assert_eq(store_run(tx, &err, "UPDATE c SET n = n + 1 WHERE id = 1", ""), 1);
		cr_assert_eq(store_commit(tx, &err), SH_OK, "%s", err.msg);
	}
	loop_stop = 1;
	pthread_join(t, NULL);
}

struct gate_try {
	int ms, rc;
};

static void *gate_try(void *arg)
{
	struct gate_try *g = arg;
	struct sh_err err = {0};
	store_tx *tx;
	/* The timeout is per store: each thread sets it before its begin. */
	store_set_busy_timeout(db, g->ms);
	g->rc = store_begin(db, STORE_WRITE, &tx, &err);
	if (g->rc == SH_OK)
		store_rollback(tx);
	return NULL;
}

/* A writer that gives up its place leaves the queue working for the next. */
Test(pool, a_timed_out_writer_leaves_the_queue_usable)
{
	if (store_backend_of(db) != STORE_SQLITE)
		cr_skip_test("the write gate is SQLite's");
	struct sh_err err = {0};
	store_tx *a;
	cr_assert_eq(store_begin(db, STORE_WRITE, &a, &err), SH_OK, "%s", err.msg);
	struct gate_try b = {50, -99};
	pthread_t tb;
	cr_assert_eq(pthread_create(&tb, NULL, gate_try, &b), 0);
	pthread_join(tb, NULL);
	cr_assert_eq(b.rc, SH_EBUSY);
	struct gate_try c = {5000, -99};
	pthread_t tc;
	cr_assert_eq(pthread_create(&tc, NULL, gate_try, &c), 0);
	cr_assert_eq(store_commit(a, &err), SH_OK, "%s", err.msg);
	pthread_join(tc, NULL);
	cr_assert_eq(c.rc, SH_OK);
}

/* Group commit (SQLite: members of one COMMIT; PostgreSQL: plain
 * transactions, the same contract). Each writer inserts its own rows; every
 * fifth transaction also breaks a unique key and so cannot commit, every
 * seventh is rolled back. What committed is visible to a fresh read at
 * once; what failed or rolled back is absent; the others in its group are
 * untouched by it. */
#define GROUP_THREADS 8
#define GROUP_ROUNDS 150

static int row_visible(int64_t id, struct sh_err *err)
{
	store_tx *tx;
	store_stmt *st;
	if (store_begin(db, STORE_READ, &tx, err) != SH_OK)
		return -1;
	int rc = store_query(tx, &st, err, "SELECT 1 FROM g WHERE id = ?", "i", id);
	if (rc == SH_OK) {
		rc = store_step(st, err);
		store_finalize(st);
	}
	store_rollback(tx);
	return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : -1;
}

static void *group_writer(void *arg)
{
	int64_t who = (int64_t)(intptr_t)arg;
	for (int i = 1; i <= GROUP_ROUNDS; i++) {
		struct sh_err err = {0};
		store_tx *tx;
		int64_t id = who * 100000 + i;
		int rc = store_begin(db, STORE_WRITE, &tx, &err);
		if (rc == SH_EBUSY) {
			i--;
			continue;
		}
		if (rc != SH_OK)
			return (void *)(intptr_t)__LINE__;
		rc = store_run(tx, &err, "INSERT INTO g (id) VALUES (?)", "i", id);
		if (rc != 1)
			return (void *)(intptr_t)__LINE__;
		int want = 1;
		if (i % 5 == 0) {
			/* breaks the key: the statement fails, the tx cannot commit */
			if (store_run(tx, &err, "INSERT INTO g (id) VALUES (0)", "") >= 0)
				return (void *)(intptr_t)__LINE__;
			rc = store_commit(tx, &err);
			if (rc == SH_OK)
				return (void *)(intptr_t)__LINE__;
			want = 0;
		} else if (i % 7 == 0) {
			store_rollback(tx);
			want = 0;
		} else if (store_commit(tx, &err) != SH_OK) {
			return (void *)(intptr_t)__LINE__;
		}
		if (row_visible(id, &err) != want)
			return (void *)(intptr_t)__LINE__;
	}
	return NULL;
}

Test(pool, group_commit_keeps_each_writer_whole)
{
	struct sh_err err = {0};
	store_tx *tx;
	testdb_exec(db, "CREATE TABLE g (id BIGINT PRIMARY KEY); INSERT INTO g VALUES (0)");
	struct store_pool_stats before;
	store_pool_stats(db, &before);

	pthread_t t[GROUP_THREADS];
	for (intptr_t i = 0; i < GROUP_THREADS; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, group_writer, (void *)(i + 1)), 0);
	for (int i = 0; i < GROUP_THREADS; i++) {
		void *line = NULL;
		pthread_join(t[i], &line);
		cr_assert_null(line, "writer %d failed at test_pool.c line %d", i + 1,
			       (int)(intptr_t)line);
	}

	int kept = 0;
	for (int i = 1; i <= GROUP_ROUNDS; i++)
		kept += i % 5 != 0 && i % 7 != 0;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &err), SH_OK, "%s", err.msg);
	store_stmt *st;
	cr_assert_eq(store_query(tx, &st, &err, "SELECT COUNT(*) FROM g WHERE id > 0", ""), SH_OK);
	cr_assert_eq(store_step(st, &err), STORE_ROW, "%s", err.msg);
	cr_assert_eq(store_col_int(st, 0), GROUP_THREADS * kept);
	store_finalize(st);
	store_rollback(tx);

	struct store_pool_stats after;
	store_pool_stats(db, &after);
	if (store_backend_of(db) == STORE_SQLITE) {
		/* every write transaction was a member of exactly one group */
		cr_assert_eq(after.group_members - before.group_members,
			     (uint64_t)GROUP_THREADS * GROUP_ROUNDS);
		cr_assert_leq(after.group_commits - before.group_commits,
			      (uint64_t)GROUP_THREADS * GROUP_ROUNDS);
	}
}

/* --- The checkpointer starts a busy WAL over (SQLite) --- */

#define WAL_READERS 3
#define WAL_BLOB (32 * 1024)
static atomic_int wal_stop;

static void *wal_reader(void *arg)
{
	(void)arg;
	while (!atomic_load(&wal_stop)) {
		struct sh_err err = {0};
		store_tx *tx;
		store_stmt *st;
		if (store_begin(db, STORE_READ, &tx, &err) != SH_OK)
			return (void *)(intptr_t)__LINE__;
		if (store_query(tx, &st, &err, "SELECT length(v) FROM w", "") != SH_OK)
			return (void *)(intptr_t)__LINE__;
		int rc = store_step(st, &err);
		store_finalize(st);
		store_rollback(tx);
		if (rc != STORE_ROW)
			return (void *)(intptr_t)__LINE__;
	}
	return NULL;
}

static int write_blob(const unsigned char *blob, struct sh_err *err)
{
	store_tx *tx;
	int rc = store_begin(db, STORE_WRITE, &tx, err);
	if (rc != SH_OK)
		return rc;
	rc = store_run(tx, err, "UPDATE w SET v = ? WHERE id = 1", "b", blob, (size_t)WAL_BLOB);
	if (rc != 1) {
		store_rollback(tx);
		return rc < 0 ? rc : SH_EINTERNAL;
	}
	return store_commit(tx, err);
}

/* With readers always in flight and writes back to back, SQLite's own
 * restart of the WAL (by the next writer after a complete checkpoint) almost
 * never finds the readers gone, and the WAL grew without bound; the
 * checkpointer now restarts it under the write gate. Three readers loop
 * while one writer writes without pause (a pause lets SQLite restart the WAL
 * by itself, which would hide a checkpointer that never does) until the WAL
 * has started over WAL_STARTS times, against a lowered threshold (without
 * the checkpointer's restarts: 0-2 times in 30 s and 540 MB). Counted
 * by the WAL header's sequence number: a restart that copied everything but
 * timed out on a reader is acted on by the next writer, and counts too. The
 * WAL file must stay far shorter than all written. */
Test(pool, a_wal_under_constant_reads_is_started_over)
{
	if (strncmp(url, "sqlite:", 7) != 0)
		cr_skip_test("SQLite only: PostgreSQL has no WAL of ours to restart");
	struct sh_err err = {0};
	static unsigned char blob[WAL_BLOB];
	testdb_exec(db, "CREATE TABLE w (id BIGINT PRIMARY KEY, v BLOB);"
		       "INSERT INTO w VALUES (1, zeroblob(32768))");

	/* 4 MiB, not 64. The loop ends at the eighth start (about 10 s on an idle
	 * 2-core machine); MAX_SECONDS only bounds a machine so loaded that the
	 * writer itself crawls (4-5 starts in 20 s were seen at load 20). */
	enum { WAL_STARTS = 8, THRESHOLD = 1024, MAX_SECONDS = 60 };
	atomic_store(&db->wal_restart_frames, THRESHOLD);
	atomic_store(&wal_stop, 0);
	pthread_t t[WAL_READERS];
	for (int i = 0; i < WAL_READERS; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, wal_reader, NULL), 0);
	struct store_pool_stats before, now;
	store_pool_stats(db, &before);
	int64_t deadline = sh_mono_ns() + MAX_SECONDS * 1000000000LL;
	long writes = 0;
	int failed = 0;
	uint64_t starts = 0;
	while (!failed && starts < WAL_STARTS && sh_mono_ns() < deadline) {
		memset(blob, (int)(writes++ & 0xff), sizeof blob);
		failed = write_blob(blob, &err) != SH_OK;
		store_pool_stats(db, &now);
		starts = now.wal_restarts - before.wal_restarts;
	}
	atomic_store(&wal_stop, 1);
	for (int i = 0; i < WAL_READERS; i++) {
		void *line = NULL;
		pthread_join(t[i], &line);
		cr_assert_null(line, "reader %d failed at test_pool.c line %d", i + 1,
			       (int)(intptr_t)line);
	}
	cr_assert_not(failed, "a write failed: %s", err.msg);
	/* Each update writes the blob's 8 overflow pages and the row's page. */
	long frame_bytes = 4096 + 24, frames_per_write = WAL_BLOB / 4096 + 1;
	long written = writes * frames_per_write * frame_bytes;
	cr_assert_eq(starts, WAL_STARTS, "the WAL started over %llu times in %d s (%ld bytes written)",
		     (unsigned long long)starts, MAX_SECONDS, written);
	char wal[4096];
	snprintf(wal, sizeof wal, "%s-wal", url + 7);
	struct stat sb;
	cr_assert_eq(stat(wal, &sb), 0);
	/* its longest, on a loaded machine: a few thresholds (one, plus what
	 * was written while a restart waited for readers that let go late) */
	cr_assert_lt((long)sb.st_size, written / 2, "WAL is %lld bytes after %ld written",
		     (long long)sb.st_size, written);
}
