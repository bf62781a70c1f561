/* test_store.c — store round trips, errors and transactions, on the backend
 * that SHANAKHT_TEST_BACKEND selects. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "testdb.h"

static char *url;
static store *db;

static void setup(void)
{
	struct sh_err err = {0};
	url = testdb_url();
	cr_assert_not_null(url, "no test database");
	cr_assert_eq(store_open(url, 4, &db, &err), SH_OK, "%s", err.msg);
	testdb_exec(db, "CREATE TABLE t (id {{PK}}, name TEXT UNIQUE, n BIGINT, data {{BLOB}});"
			"CREATE TABLE child (id BIGINT PRIMARY KEY,"
			" parent BIGINT NOT NULL REFERENCES t(id))");
}

static void teardown(void)
{
	store_close(db);
	testdb_drop(url);
}

TestSuite(store, .init = setup, .fini = teardown);

static int64_t count_rows(void)
{
	struct sh_err err = {0};
	store_tx *tx;
	store_stmt *st;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_query(tx, &st, &err, "SELECT count(*) FROM t", ""), SH_OK);
	cr_assert_eq(store_step(st, &err), STORE_ROW, "%s", err.msg);
	int64_t n = store_col_int(st, 0);
	store_finalize(st);
	store_rollback(tx);
	return n;
}

Test(store, backend_matches_url)
{
	cr_assert_eq(store_backend_of(db), testdb_is_postgres() ? STORE_POSTGRES : STORE_SQLITE);
}

Test(store, round_trip_text_ints_blobs_nulls)
{
	struct sh_err err = {0};
	/* Urdu: "Shanakht" (identity) and a name, 3-byte UTF-8 sequences. */
	const char *urdu = "\xd8\xb4\xd9\x86\xd8\xa7\xd8\xae\xd8\xaa \xd9\x85\xd8\xad\xd9\x85\xd8\xaf";
	const unsigned char blob[] = {0x00, 0x01, 0xff, 0x00, 0x5c, 0x78, 0x00};
	const int64_t ints[] = {INT64_MIN, -1, 0, 1, INT64_MAX};
	store_tx *tx;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK, "%s", err.msg);
	for (int i = 0; i < 5; i++) {
		char name[32];
		snprintf(name, sizeof name, "%s-%d", urdu, i);
		cr_assert_eq(store_run(tx, &err, "INSERT INTO t (name, n, data) VALUES (?, ?, ?)",
				       "tib", name, ints[i], blob, sizeof blob),
			     1, "%s", err.msg);
	}
	cr_assert_eq(store_run(tx, &err, "INSERT INTO t (name, n, data) VALUES (?, ?, ?)", "nnn"),
		     1, "%s", err.msg);
	cr_assert_eq(store_run(tx, &err, "INSERT INTO t (name, n, data) VALUES (?, ?, ?)", "tib",
			       "empty", (int64_t)7, "", (size_t)0),
		     1, "%s", err.msg);
	cr_assert_eq(store_commit(tx, &err), SH_OK, "%s", err.msg);

	store_stmt *st;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_query(tx, &st, &err, "SELECT id, name, n, data FROM t ORDER BY id", ""),
		     SH_OK, "%s", err.msg);
	for (int i = 0; i < 5; i++) {
		char name[32];
		snprintf(name, sizeof name, "%s-%d", urdu, i);
		cr_assert_eq(store_step(st, &err), STORE_ROW, "%s", err.msg);
		cr_assert_eq(store_col_count(st), 4);
		cr_assert_eq(store_col_int(st, 0), i + 1);
		cr_assert_str_eq(store_col_text(st, 1), name);
		cr_assert_eq(store_col_int(st, 2), ints[i]);
		size_t len = 0;
		const void *p = store_col_blob(st, 3, &len);
		cr_assert_eq(len, sizeof blob);
		cr_assert_eq(memcmp(p, blob, len), 0);
		cr_assert_not(store_col_is_null(st, 3));
	}
	cr_assert_eq(store_step(st, &err), STORE_ROW, "%s", err.msg);
	for (int c = 1; c < 4; c++)
		cr_assert(store_col_is_null(st, c));
	cr_assert_null(store_col_text(st, 1));
	cr_assert_eq(store_col_int(st, 2), 0);
	size_t len = 99;
	cr_assert_null(store_col_blob(st, 3, &len));
	cr_assert_eq(len, 0);
	cr_assert_eq(store_step(st, &err), STORE_ROW, "%s", err.msg);
	const void *p = store_col_blob(st, 3, &len);
	cr_assert_not_null(p, "an empty blob is not NULL");
	cr_assert_eq(len, 0);
	cr_assert_eq(store_step(st, &err), STORE_DONE, "%s", err.msg);
	cr_assert_eq(store_step(st, &err), STORE_DONE, "a finished statement stays done");
	store_finalize(st);
	store_rollback(tx);
}

Test(store, reset_rebinds_and_changes_counts)
{
	struct sh_err err = {0};
	store_tx *tx;
	store_stmt *st;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_prepare(tx, "INSERT INTO t (name, n) VALUES (?, ?)", &st, &err), SH_OK,
		     "%s", err.msg);
	for (int i = 0; i < 10; i++) {
		char name[16];
		snprintf(name, sizeof name, "r%d", i);
		cr_assert_eq(store_bind_text(st, 1, name), SH_OK);
		cr_assert_eq(store_bind_int(st, 2, i % 3), SH_OK);
		cr_assert_eq(store_step(st, &err), STORE_DONE, "%s", err.msg);
		cr_assert_eq(store_changes(st), 1);
		cr_assert_eq(store_reset(st), SH_OK);
	}
	cr_assert_eq(store_bind_int(st, 3, 1), SH_EINVAL, "index past the last parameter");
	cr_assert_eq(store_bind_int(st, 0, 1), SH_EINVAL, "indexes are 1-based");
	store_finalize(st);
	cr_assert_eq(store_run(tx, &err, "UPDATE t SET n = n + 10 WHERE n = ?", "i", (int64_t)0), 4,
		     "%s", err.msg);
	cr_assert_eq(store_run(tx, &err, "DELETE FROM t WHERE n = ?", "i", (int64_t)12345), 0,
		     "%s", err.msg);
	/* DDL and SELECT change no rows, even right after an UPDATE. */
	cr_assert_eq(store_run(tx, &err, "UPDATE t SET n = n WHERE n = 1", ""), 3, "%s", err.msg);
	cr_assert_eq(store_run(tx, &err, "CREATE TABLE u (a BIGINT)", ""), 0, "%s", err.msg);
	cr_assert_eq(store_run(tx, &err, "UPDATE t SET n = n WHERE n = 1", ""), 3, "%s", err.msg);
	cr_assert_eq(store_run(tx, &err, "SELECT n FROM t", ""), 0, "%s", err.msg);
	/* RETURNING works on both backends. */
	cr_assert_eq(store_query(tx, &st, &err,
				 "INSERT INTO t (name, n) VALUES (?, ?) RETURNING id, n", "ti",
				 "ret", (int64_t)42),
		     SH_OK, "%s", err.msg);
	cr_assert_eq(store_step(st, &err), STORE_ROW, "%s", err.msg);
	cr_assert_eq(store_col_int(st, 0), 11);
	cr_assert_eq(store_col_int(st, 1), 42);
	store_finalize(st);
	cr_assert_eq(store_commit(tx, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(count_rows(), 11);
}

Test(store, placeholders_in_literals_are_text)
{
	struct sh_err err = {0};
	store_tx *tx;
	store_stmt *st;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_query(tx, &st, &err,
				 "SELECT 'a?b', 'it''s ?', ? /* ? */, -- ?\n"
				 " 'x' || CAST(? AS TEXT) AS \"q?\"",
				 "it", (int64_t)5, "{{PK}}"),
		     SH_OK, "%s", err.msg);
	cr_assert_eq(store_step(st, &err), STORE_ROW, "%s", err.msg);
	cr_assert_str_eq(store_col_text(st, 0), "a?b");
	cr_assert_str_eq(store_col_text(st, 1), "it's ?");
	cr_assert_eq(store_col_int(st, 2), 5);
	cr_assert_str_eq(store_col_text(st, 3), "x{{PK}}");
	store_finalize(st);
	store_rollback(tx);
}

Test(store, unique_violation_is_conflict_and_tx_cannot_commit)
{
	struct sh_err err = {0};
	store_tx *tx;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_run(tx, &err, "INSERT INTO t (name) VALUES (?)", "t", "dup"), 1);
	cr_assert_eq(store_run(tx, &err, "INSERT INTO t (name) VALUES (?)", "t", "dup"),
		     SH_ECONFLICT);
	cr_assert_str_eq(err.code, "STORE_UNIQUE");
	cr_assert_eq(store_commit(tx, &err), SH_EDB, "a failed tx must not commit");
	cr_assert_str_eq(err.code, "STORE_TX_FAILED");
	cr_assert_eq(count_rows(), 0, "nothing half-done is visible");
}

Test(store, foreign_key_violation_is_conflict)
{
	struct sh_err err = {0};
	store_tx *tx;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_run(tx, &err, "INSERT INTO child (id, parent) VALUES (1, ?)", "i",
			       (int64_t)999),
		     SH_ECONFLICT);
	cr_assert_str_eq(err.code, "STORE_FOREIGN_KEY");
	store_rollback(tx);
}

Test(store, rollback_leaves_nothing)
{
	struct sh_err err = {0};
	store_tx *tx;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK, "%s", err.msg);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(store_run(tx, &err, "INSERT INTO t (n) VALUES (?)", "i", (int64_t)i), 1);
	store_rollback(tx);
	cr_assert_eq(count_rows(), 0);
}

Test(store, error_then_rollback_then_work_again)
{
	struct sh_err err = {0};
	store_tx *tx;
	store_stmt *st;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_run(tx, &err, "INSERT INTO t (n) VALUES (1)", ""), 1);
	/* A statement left open is released by the rollback, freed later. */
	cr_assert_eq(store_query(tx, &st, &err, "SELECT n FROM t", ""), SH_OK, "%s", err.msg);
	store_stmt *bad = (store_stmt *)1;
	cr_assert_eq(store_prepare(tx, "SELECT nope FROM missing", &bad, &err), SH_EDB);
	cr_assert_null(bad);
	cr_assert_str_eq(err.code, "STORE_ERROR");
	cr_assert(strstr(err.msg, "missing"), "%s", err.msg);
	store_rollback(tx);
	cr_assert_eq(store_step(st, &err), SH_EINTERNAL, "statement of an ended tx");
	store_finalize(st);
	cr_assert_eq(count_rows(), 0);
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_run(tx, &err, "INSERT INTO t (n) VALUES (2)", ""), 1, "%s", err.msg);
	cr_assert_eq(store_commit(tx, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(count_rows(), 1);
}

Test(store, bind_errors_reach_step)
{
	struct sh_err err = {0};
	store_tx *tx;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK, "%s", err.msg);
	cr_assert_lt(store_run(tx, &err, "INSERT INTO t (n) VALUES (?)", "ii", (int64_t)1,
			       (int64_t)2),
		     0, "too many arguments");
	cr_assert_lt(store_run(tx, &err, "INSERT INTO t (n, name) VALUES (?, ?)", "i", (int64_t)1),
		     0, "too few arguments");
	store_rollback(tx);
	cr_assert_eq(count_rows(), 0);
}

Test(store, for_update_works_on_both)
{
	struct sh_err err = {0};
	store_tx *tx;
	store_stmt *st;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_run(tx, &err, "INSERT INTO t (name, n) VALUES ('c', 1)", ""), 1);
	cr_assert_eq(store_query(tx, &st, &err, "SELECT n FROM t WHERE name = ? FOR UPDATE;", "t",
				 "c"),
		     SH_OK, "%s", err.msg);
	cr_assert_eq(store_step(st, &err), STORE_ROW, "%s", err.msg);
	cr_assert_eq(store_col_int(st, 0), 1);
	store_finalize(st);
	cr_assert_eq(store_commit(tx, &err), SH_OK, "%s", err.msg);
}

Test(store, same_statement_nested_in_one_tx)
{
	struct sh_err err = {0};
	store_tx *tx;
	store_stmt *a, *b;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK, "%s", err.msg);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(store_run(tx, &err, "INSERT INTO t (n) VALUES (?)", "i", (int64_t)i), 1);
	const char *q = "SELECT n FROM t WHERE n >= ? ORDER BY n";
	cr_assert_eq(store_query(tx, &a, &err, q, "i", (int64_t)0), SH_OK);
	cr_assert_eq(store_query(tx, &b, &err, q, "i", (int64_t)2), SH_OK);
	cr_assert_eq(store_step(a, &err), STORE_ROW);
	cr_assert_eq(store_step(b, &err), STORE_ROW);
	cr_assert_eq(store_col_int(a, 0), 0);
	cr_assert_eq(store_col_int(b, 0), 2);
	cr_assert_eq(store_step(b, &err), STORE_DONE);
	cr_assert_eq(store_step(a, &err), STORE_ROW);
	cr_assert_eq(store_col_int(a, 0), 1);
	store_finalize(a);
	store_finalize(b);
	cr_assert_eq(store_commit(tx, &err), SH_OK, "%s", err.msg);
}

Test(store, bad_urls_give_clear_errors)
{
	struct sh_err err = {0};
	store *d = NULL;
	cr_assert_eq(store_open("", 1, &d, &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "STORE_URL");
	cr_assert_eq(store_open("mysql://x/y", 1, &d, &err), SH_EINVAL);
	cr_assert(strstr(err.msg, "mysql"), "%s", err.msg);
	cr_assert_eq(store_open("sqlite:", 1, &d, &err), SH_EINVAL);
	cr_assert_eq(store_open("sqlite:/proc/no/such/dir/x.db", 1, &d, &err), SH_EIO);
	cr_assert_eq(store_open("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", 1, &d,
				&err),
		     SH_EDB);
	cr_assert_str_eq(err.code, "STORE_CONNECT");
	cr_assert_null(d);
}

Test(store, sqlite_creates_parent_directory)
{
	struct sh_err err = {0};
	char dir[] = "/tmp/shanakht-store-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char u[256], path[256];
	snprintf(u, sizeof u, "sqlite:%s/a/b/x.db", dir);
	store *d;
	cr_assert_eq(store_open(u, 1, &d, &err), SH_OK, "%s", err.msg);
	store_close(d);
	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	cr_assert_eq(system(path), 0);
}

static int64_t backend_pid(store_tx *tx)
{
	struct sh_err err = {0};
	store_stmt *st;
	cr_assert_eq(store_query(tx, &st, &err, "SELECT pg_backend_pid()", ""), SH_OK, "%s",
		     err.msg);
	cr_assert_eq(store_step(st, &err), STORE_ROW, "%s", err.msg);
	int64_t pid = store_col_int(st, 0);
	store_finalize(st);
	return pid;
}

/* pg_terminate_backend(pid, timeout) waits until the backend is gone. */
static void kill_backend(store_tx *tx, int64_t pid)
{
	struct sh_err err = {0};
	store_stmt *st;
	cr_assert_eq(store_query(tx, &st, &err, "SELECT pg_terminate_backend(?, 5000)", "i", pid),
		     SH_OK, "%s", err.msg);
	cr_assert_eq(store_step(st, &err), STORE_ROW, "%s", err.msg);
	cr_assert_eq(store_col_int(st, 0), 1, "terminated");
	store_finalize(st);
}

Test(store, postgres_lost_connection_is_reset)
{
	if (!testdb_is_postgres())
		cr_skip_test("PostgreSQL only");
	struct sh_err err = {0};
	store_tx *a, *b, *tx[4];
	/* In a tx: the statement fails, the connection comes back repaired. */
	cr_assert_eq(store_begin(db, STORE_READ, &a, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_begin(db, STORE_READ, &b, &err), SH_OK, "%s", err.msg);
	kill_backend(b, backend_pid(a));
	cr_assert_eq(store_commit(b, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_run(a, &err, "SELECT 1", ""), SH_EDB);
	cr_assert_str_eq(err.code, "STORE_CONNECTION");
	store_rollback(a);
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(store_begin(db, STORE_READ, &tx[i], &err), SH_OK, "%s", err.msg);
		cr_assert_eq(store_run(tx[i], &err, "SELECT 1", ""), 0, "%s", err.msg);
	}
	for (int i = 0; i < 4; i++)
		store_rollback(tx[i]);
	/* Idle: the loss shows at BEGIN, which reconnects and retries. */
	cr_assert_eq(store_begin(db, STORE_READ, &a, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_begin(db, STORE_READ, &b, &err), SH_OK, "%s", err.msg);
	int64_t pid = backend_pid(a);
	store_rollback(a);
	kill_backend(b, pid);
	store_rollback(b);
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(store_begin(db, STORE_READ, &tx[i], &err), SH_OK, "%s", err.msg);
		cr_assert_eq(store_run(tx[i], &err, "SELECT 1", ""), 0, "%s", err.msg);
	}
	for (int i = 0; i < 4; i++)
		store_rollback(tx[i]);
}

Test(store, sqlite_memory_database_has_one_connection)
{
	struct sh_err err = {0};
	store *m;
	store_tx *tx;
	cr_assert_eq(store_open("sqlite::memory:", 4, &m, &err), SH_OK, "%s", err.msg);
	struct store_pool_stats ps;
	store_pool_stats(m, &ps);
	cr_assert_eq(ps.size, 1);
	cr_assert_eq(store_begin(m, STORE_WRITE, &tx, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_exec(tx, "CREATE TABLE x (a BIGINT)", &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_run(tx, &err, "INSERT INTO x VALUES (?)", "i", (int64_t)1), 1);
	cr_assert_eq(store_commit(tx, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_begin(m, STORE_READ, &tx, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_run(tx, &err, "SELECT a FROM x", ""), 0, "%s", err.msg);
	store_rollback(tx);
	store_close(m);
}
