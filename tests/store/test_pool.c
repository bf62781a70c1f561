/* test_pool.c — concurrent writers and the connection pool. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>

#include "store/store.h"
#include "testdb.h"

static char *url;
static store *db;

static void setup(void)
{
	struct sh_err err = {0};
	url = testdb_url();
	cr_assert_not_null(url);
	cr_assert_eq(store_open(url, 4, &db, &err), SH_OK, "%s", err.msg);
	store_tx *tx;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_exec(tx, "CREATE TABLE c (id BIGINT PRIMARY KEY, n BIGINT NOT NULL);"
				    "INSERT INTO c VALUES (1, 0), (2, 0)",
				&err),
		     SH_OK, "%s", err.msg);
	cr_assert_eq(store_commit(tx, &err), SH_OK, "%s", err.msg);
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
