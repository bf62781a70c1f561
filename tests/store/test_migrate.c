/* test_migrate.c — versioned, idempotent schema migrations. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

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
}

static void teardown(void)
{
	store_close(db);
	testdb_drop(url);
}

TestSuite(migrate, .init = setup, .fini = teardown);

static const struct store_migration v1[] = {
	{1, "people", "CREATE TABLE people (id {{PK}}, name TEXT NOT NULL)"},
	{2, "photos", "CREATE TABLE photos (id {{PK}}, person BIGINT REFERENCES people(id),"
		      " img {{BLOB}})"},
};
static const struct store_migration v2[] = {
	{1, "people", "CREATE TABLE people (id {{PK}}, name TEXT NOT NULL)"},
	{2, "photos", "CREATE TABLE photos (id {{PK}}, person BIGINT REFERENCES people(id),"
		      " img {{BLOB}})"},
	{5, "people.born", "ALTER TABLE people ADD COLUMN born BIGINT"},
};

static int64_t scalar(const char *sql, const char *module)
{
	struct sh_err err = {0};
	store_tx *tx;
	store_stmt *st;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_query(tx, &st, &err, sql, module ? "t" : "", module), SH_OK, "%s",
		     err.msg);
	cr_assert_eq(store_step(st, &err), STORE_ROW, "%s", err.msg);
	int64_t v = store_col_int(st, 0);
	store_finalize(st);
	store_rollback(tx);
	return v;
}

Test(migrate, applies_in_order_and_is_idempotent)
{
	struct sh_err err = {0};
	cr_assert_eq(store_migrate(db, "registry", v1, 2, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_migrate(db, "registry", v1, 2, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(scalar("SELECT count(*) FROM schema_migrations WHERE module = ?", "registry"),
		     2);
	cr_assert_eq(store_migrate(db, "registry", v2, 3, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(scalar("SELECT max(version) FROM schema_migrations WHERE module = ?",
			    "registry"),
		     5);
	cr_assert_gt(scalar("SELECT min(applied_at) FROM schema_migrations WHERE module = ?",
			    "registry"),
		     1700000000);
	/* The new column exists; another module has its own versions. */
	store_tx *tx;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(store_run(tx, &err, "INSERT INTO people (name, born) VALUES (?, ?)", "ti",
			       "a", (int64_t)1),
		     1, "%s", err.msg);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	static const struct store_migration other[] = {{1, "x", "CREATE TABLE x (a BIGINT)"}};
	cr_assert_eq(store_migrate(db, "audit", other, 1, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(scalar("SELECT count(*) FROM schema_migrations WHERE module = ?", "audit"), 1);
}

Test(migrate, failed_migration_leaves_no_record)
{
	struct sh_err err = {0};
	static const struct store_migration bad[] = {
		{1, "ok", "CREATE TABLE a (x BIGINT)"},
		{2, "broken", "CREATE TABLE b (x BIGINT); CREATE TABLE a (y BIGINT)"},
	};
	cr_assert_eq(store_migrate(db, "m", bad, 2, &err), SH_EDB);
	cr_assert(strstr(err.msg, "broken"), "%s", err.msg);
	cr_assert_eq(scalar("SELECT count(*) FROM schema_migrations WHERE module = ?", "m"), 1);
	/* Table b was rolled back with its migration. */
	store_tx *tx;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(store_exec(tx, "CREATE TABLE b (z BIGINT)", &err), SH_OK, "%s", err.msg);
	store_rollback(tx);
}

Test(migrate, rejects_unordered_versions)
{
	struct sh_err err = {0};
	static const struct store_migration bad[] = {
		{2, "b", "SELECT 1"},
		{1, "a", "SELECT 1"},
	};
	cr_assert_eq(store_migrate(db, "m", bad, 2, &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "STORE_MIGRATION");
}

static void *migrator(void *arg)
{
	int *rc = arg;
	struct sh_err err = {0};
	*rc = store_migrate(db, "registry", v2, 3, &err);
	return NULL;
}

Test(migrate, concurrent_startups_apply_once)
{
	pthread_t t[4];
	int rc[4];
	for (int i = 0; i < 4; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, migrator, &rc[i]), 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		cr_assert_eq(rc[i], SH_OK);
	}
	cr_assert_eq(scalar("SELECT count(*) FROM schema_migrations WHERE module = ?", "registry"),
		     3);
}
