/* store.h — one small API over SQLite (embedded default) and PostgreSQL.
 *
 * A `store` is a database and a pool of connections. Work happens in a
 * transaction (`store_tx`): take one with store_begin(), run statements, and
 * end it with store_commit() or store_rollback(); both give the connection
 * back to the pool, so the tx pointer is dead afterwards. A tx that hit an
 * error must be rolled back: nothing half-done ever becomes visible.
 *
 * SQL is written once for both backends:
 *   - parameters are `?` (translated to $1.. for PostgreSQL);
 *   - integers are BIGINT, text is TEXT, booleans are BIGINT 0/1, times are
 *     BIGINT Unix seconds; `RETURNING` and `ON CONFLICT` work on both;
 *   - in migrations only, `{{PK}}` is an auto-increment BIGINT primary key
 *     and `{{BLOB}}` is a byte string column (BLOB / BYTEA);
 *   - `SELECT ... FOR UPDATE` locks rows on PostgreSQL (READ COMMITTED is
 *     the isolation level there) and is dropped on SQLite, where a
 *     STORE_WRITE tx already holds the database write lock. Read-then-write
 *     code must use STORE_WRITE and FOR UPDATE to be correct on both;
 *   - a `?` inside a '...' literal, "..." identifier or comment is text.
 * docs/store.md has the full rules.
 *
 * Errors: a unique or foreign-key violation is SH_ECONFLICT with code
 * STORE_UNIQUE / STORE_FOREIGN_KEY; a lock or serialization failure is
 * SH_EBUSY (STORE_BUSY); other failures are SH_EDB. Domain code may translate
 * these into its own codes. */
#ifndef SH_STORE_STORE_H
#define SH_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

typedef struct store store;
typedef struct store_tx store_tx;
typedef struct store_stmt store_stmt;

enum store_backend { STORE_SQLITE, STORE_POSTGRES };
enum store_mode { STORE_READ, STORE_WRITE };
enum store_step_result { STORE_DONE = 0, STORE_ROW = 1 };

/* url: "sqlite:PATH" or "postgresql://..." (libpq URI). pool_size 0 = 8. */
int store_open(const char *url, int pool_size, store **out, struct sh_err *err)
	__attribute__((warn_unused_result));
void store_close(store *db);
enum store_backend store_backend_of(const store *db);

/* Default 5000 ms: the longest store_begin waits for a pooled connection,
 * SQLite waits for a lock, and PostgreSQL waits for a lock (lock_timeout).
 * Applies to connections as they are next taken from the pool. */
void store_set_busy_timeout(store *db, int ms);

/* Take a pooled connection and BEGIN. STORE_WRITE takes the write lock at
 * once on SQLite (BEGIN IMMEDIATE) so concurrent writers queue instead of
 * failing on upgrade. Waits for a free connection up to the busy timeout. */
int store_begin(store *db, enum store_mode mode, store_tx **out, struct sh_err *err)
	__attribute__((warn_unused_result));
/* On failure the tx is rolled back; either way the tx is gone. A tx in
 * which any statement failed is never committed (STORE_TX_FAILED). */
int store_commit(store_tx *tx, struct sh_err *err)
	__attribute__((warn_unused_result));
void store_rollback(store_tx *tx);
store *store_tx_db(store_tx *tx);

/* One write transaction as a function: fn runs in it, and it is committed
 * when fn returns SH_OK (and no statement failed), rolled back otherwise.
 * Returns fn's result, or the commit's error. On SQLite fn may run on
 * another thread: the writer that holds the write gate runs the jobs
 * queued behind it in its own group commit, one after another, instead of
 * waking each caller to run its own (docs/store.md, "Combined writes").
 * So fn must use only tx and what ctx points to, must not begin another
 * transaction, and its caller waits until it has run and committed. */
typedef int (*store_write_fn)(store_tx *tx, void *ctx, struct sh_err *err);
int store_write(store *db, store_write_fn fn, void *ctx, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Statements with no parameters and no result (DDL, several allowed). */
int store_exec(store_tx *tx, const char *sql, struct sh_err *err)
	__attribute__((warn_unused_result));

int store_prepare(store_tx *tx, const char *sql, store_stmt **out, struct sh_err *err)
	__attribute__((warn_unused_result));
/* Parameter indexes are 1-based; values are copied. */
int store_bind_text(store_stmt *st, int idx, const char *s);  /* NULL binds NULL */
int store_bind_int(store_stmt *st, int idx, int64_t v);
int store_bind_blob(store_stmt *st, int idx, const void *p, size_t n);
int store_bind_null(store_stmt *st, int idx);
/* A bind error (index out of range, out of memory) is also returned by the
 * next store_step, so callers may check binds there. A NULL blob pointer
 * binds NULL; (non-NULL, 0) is the empty byte string. PostgreSQL infers
 * each parameter's type from the SQL around it: where nothing does
 * (`? IS NULL`, `? + 1`), write CAST(? AS BIGINT) / CAST(? AS TEXT). */
/* STORE_ROW, STORE_DONE, or a negative SH_E* status. */
int store_step(store_stmt *st, struct sh_err *err);
/* Column indexes are 0-based; pointers are valid until the next step.
 * Read columns after a step returned STORE_ROW (before the first step,
 * PostgreSQL knows no columns yet). */
int store_col_count(store_stmt *st);
int store_col_is_null(store_stmt *st, int col);
const char *store_col_text(store_stmt *st, int col); /* NULL when NULL */
int64_t store_col_int(store_stmt *st, int col);
const void *store_col_blob(store_stmt *st, int col, size_t *len);
/* Rows changed by the last INSERT/UPDATE/DELETE step. */
int64_t store_changes(store_stmt *st);
/* Reset to run again with new bindings. */
int store_reset(store_stmt *st);
/* Finalize every statement, also after its tx ended: commit and rollback
 * release what a statement holds in the database, but only store_finalize
 * frees it (so "rollback, then finalize" in a cleanup ladder is safe). */
void store_finalize(store_stmt *st);

/* Conveniences: prepare and bind from a type string, one letter a
 * parameter: 't' const char * (NULL binds NULL), 'i' int64_t, 'b' const void *
 * then size_t, 'n' no argument, binds NULL.
 * store_run() steps once and finalizes: for INSERT/UPDATE/DELETE/DDL; returns
 * the rows changed (>= 0) or a negative status.
 * store_query() leaves the bound statement in *out for the caller to step. */
int store_run(store_tx *tx, struct sh_err *err, const char *sql, const char *types, ...);
int store_query(store_tx *tx, store_stmt **out, struct sh_err *err, const char *sql,
		const char *types, ...) __attribute__((warn_unused_result));

/* Versioned schema migrations, per module. Each applied version is recorded
 * in schema_migrations(module, version, name, applied_at) in the same
 * transaction as its SQL; versions must be increasing. */
struct store_migration {
	int version;
	const char *name;
	const char *sql;
};
int store_migrate(store *db, const char *module, const struct store_migration *m,
		  size_t n, struct sh_err *err) __attribute__((warn_unused_result));

struct store_pool_stats {
	int size, in_use;
	uint64_t acquired, waited, timeouts; /* acquired: also SQLite writer-connection uses */
	int waiting; /* threads waiting for a connection now */
	/* SQLite group commit: COMMITs of the writer connection, and the
	 * write transactions they carried (members / commits = group size). */
	uint64_t group_commits, group_members;
	/* SQLite: times the WAL started over (seen by the checkpointer, from
	 * the WAL header's sequence number, within 200 ms). */
	uint64_t wal_restarts;
};
void store_pool_stats(store *db, struct store_pool_stats *out);

/* Online backup of the whole store at url into the new file path
 * (store_backup.c): SQLite's backup API (a consistent copy while the server
 * writes), pg_dump --format=custom on PostgreSQL. Never overwrites
 * (SH_ECONFLICT BACKUP_TARGET_EXISTS). The keyring is not in the store and
 * never in a backup. */
int store_backup(const char *url, const char *path, struct sh_err *err);
/* Restore a backup into url, which must be new (SQLite: no file yet) or an
 * empty PostgreSQL database (pg_restore in one transaction). */
int store_restore(const char *url, const char *path, struct sh_err *err);

#endif
