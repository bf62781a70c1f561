/* store_migrate.c — versioned schema migrations per module, recorded in
 * schema_migrations(module, version, name, applied_at).
 *
 * Each migration runs in its own write transaction together with the row
 * that records it, so a crash leaves either both or neither. Concurrent
 * start-ups (several API nodes, or threads) serialize on the write lock:
 * BEGIN IMMEDIATE on SQLite, a transaction-scoped advisory lock on
 * PostgreSQL, and re-check the version under that lock. */
#include <stdio.h>

#include "lib/log.h"
#include "lib/parse.h"
#include "store/store_int.h"

/* "SHMIGRAT" as a 64-bit key for pg_advisory_xact_lock: one lock for all
 * modules, since migrations are rare and short. */
#define MIGRATE_LOCK_KEY INT64_C(0x53484d4947524154)

static int migrate_lock(store_tx *tx, struct sh_err *err)
{
	if (store_backend_of(store_tx_db(tx)) != STORE_POSTGRES)
		return SH_OK; /* BEGIN IMMEDIATE holds the lock already */
	store_stmt *st;
	int rc = store_query(tx, &st, err, "SELECT pg_advisory_xact_lock(?)", "i",
			     MIGRATE_LOCK_KEY);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}

static int migrate_table(store *db, struct sh_err *err)
{
	store_tx *tx;
	int rc = store_begin(db, STORE_WRITE, &tx, err);
	if (rc != SH_OK)
		return rc;
	rc = migrate_lock(tx, err);
	if (rc == SH_OK)
		rc = store_exec(tx,
				"CREATE TABLE IF NOT EXISTS schema_migrations ("
				" module TEXT NOT NULL, version BIGINT NOT NULL,"
				" name TEXT NOT NULL, applied_at BIGINT NOT NULL,"
				" PRIMARY KEY (module, version))",
				err);
	if (rc != SH_OK) {
		store_rollback(tx);
		return rc;
	}
	return store_commit(tx, err);
}

/* 1 when applied, 0 when not, or a negative status. */
static int migrate_applied(store_tx *tx, const char *module, int version, struct sh_err *err)
{
	store_stmt *st;
	int rc = store_query(tx, &st, err,
			     "SELECT 1 FROM schema_migrations WHERE module = ? AND version = ?",
			     "ti", module, (int64_t)version);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	store_finalize(st);
	return rc < 0 ? rc : rc == STORE_ROW;
}

static int migrate_one(store *db, const char *module, const struct store_migration *m,
		       struct sh_err *err)
{
	store_tx *tx;
	int rc = store_begin(db, STORE_WRITE, &tx, err);
	if (rc != SH_OK)
		return rc;
	rc = migrate_lock(tx, err);
	if (rc == SH_OK)
		rc = migrate_applied(tx, module, m->version, err);
	if (rc == 1) {
		store_rollback(tx); /* another process applied it first */
		return SH_OK;
	}
	if (rc == SH_OK)
		rc = store_exec(tx, m->sql, err);
	if (rc == SH_OK) {
		rc = store_run(tx, err,
			       "INSERT INTO schema_migrations (module, version, name, applied_at)"
			       " VALUES (?, ?, ?, ?)",
			       "titi", module, (int64_t)m->version, m->name ? m->name : "",
			       sh_now());
		rc = rc < 0 ? rc : SH_OK;
	}
	if (rc != SH_OK) {
		store_rollback(tx);
		char ctx[160];
		snprintf(ctx, sizeof ctx, "migration %s %d (%s)", module, m->version,
			 m->name ? m->name : "");
		sh_err_wrap(err, ctx);
		return rc;
	}
	rc = store_commit(tx, err);
	if (rc == SH_OK)
		sh_info("store: applied migration %s %d %s", module, m->version,
			m->name ? m->name : "");
	return rc;
}

int store_migrate(store *db, const char *module, const struct store_migration *m,
		  size_t n, struct sh_err *err)
{
	if (!module || !*module)
		return sh_err_set(err, SH_EINVAL, "STORE_MIGRATION", "migration module name empty");
	for (size_t i = 0; i < n; i++) {
		if (m[i].version <= 0 || (i > 0 && m[i].version <= m[i - 1].version) || !m[i].sql)
			return sh_err_set(err, SH_EINVAL, "STORE_MIGRATION",
					  "migrations of %s must have increasing positive "
					  "versions and SQL (at index %zu)",
					  module, i);
	}
	int rc = migrate_table(db, err);
	if (rc != SH_OK)
		return rc;
	/* A read first, so an up-to-date database costs no write locks. */
	store_tx *tx;
	rc = store_begin(db, STORE_READ, &tx, err);
	if (rc != SH_OK)
		return rc;
	for (size_t i = 0; i < n && rc >= 0; i++) {
		rc = migrate_applied(tx, module, m[i].version, err);
		if (rc == 0)
			break;
	}
	store_rollback(tx);
	if (rc < 0)
		return rc;
	if (rc == 1)
		return SH_OK; /* all applied */
	for (size_t i = 0; i < n; i++) {
		rc = migrate_one(db, module, &m[i], err);
		if (rc != SH_OK)
			return rc;
	}
	return SH_OK;
}
