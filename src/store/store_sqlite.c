/* store_sqlite.c — the SQLite backend: one connection per pool slot, WAL,
 * foreign keys on, and a prepared-statement cache per connection.
 *
 * Connections are opened with SQLITE_OPEN_NOMUTEX ("multi-thread" mode,
 * sqlite.org/threadsafe.html): the pool guarantees that one thread at a time
 * uses a connection, so SQLite's own per-connection mutex is not needed. */
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/bytes.h"
#include "store/store_int.h"

/* Transaction control runs on every request: prepared once per connection. */
enum {
	SQ_BEGIN_READ,
	SQ_BEGIN_WRITE,
	SQ_COMMIT,
	SQ_ROLLBACK,
	SQ_SAVEPOINT,
	SQ_RELEASE,
	SQ_ROLLBACK_TO,
	SQ_NCTL
};
static const char *const sq_ctl_sql[SQ_NCTL] = {
	"BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK",
	"SAVEPOINT member", "RELEASE member", "ROLLBACK TO member"};

struct sq_conn {
	sqlite3 *h;
	struct store_cache cache;
	sqlite3_stmt *ctl[SQ_NCTL];
};

struct sq_stmt {
	store_stmt base;
	struct sq_conn *c;
	sqlite3_stmt *s;
	struct store_cache_entry *ce; /* NULL: not cached, finalize on release */
	int started;
	int64_t total0; /* sqlite3_total_changes64 before the first step */
};

static int sq_err(sqlite3 *h, int rc, struct sh_err *err, const char *what)
{
	int ext = h ? sqlite3_extended_errcode(h) : rc;
	const char *msg = h ? sqlite3_errmsg(h) : sqlite3_errstr(rc);
	switch (ext) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return sh_err_set(err, SH_ECONFLICT, "STORE_UNIQUE", "%s: %s", what, msg);
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		return sh_err_set(err, SH_ECONFLICT, "STORE_FOREIGN_KEY", "%s: %s", what, msg);
	}
	switch (ext & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return sh_err_set(err, SH_EBUSY, "STORE_BUSY", "%s: %s", what, msg);
	case SQLITE_NOMEM:
		return sh_err_set(err, SH_ENOMEM, "STORE_NOMEM", "%s: %s", what, msg);
	case SQLITE_CONSTRAINT:
		return sh_err_set(err, SH_EDB, "STORE_CONSTRAINT", "%s: %s", what, msg);
	}
	return sh_err_set(err, SH_EDB, "STORE_ERROR", "%s: %s", what, msg);
}

/* mkdir -p for the directory part of path. */
static int make_parents(const char *path, struct sh_err *err)
{
	char dir[4096];
	int n = snprintf(dir, sizeof dir, "%s", path);
	if (n < 0 || (size_t)n >= sizeof dir)
		return sh_err_set(err, SH_EINVAL, "STORE_URL", "database path too long");
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return SH_OK;
	*slash = '\0';
	for (char *p = dir + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (mkdir(dir, 0750) != 0 && errno != EEXIST)
				return sh_err_set(err, SH_EIO, "STORE_OPEN", "cannot create %s: %s",
						  dir, strerror(errno));
			*p = c;
			if (c == '\0')
				break;
		}
	}
	return SH_OK;
}

static void drop_stmt(void *v)
{
	sqlite3_finalize(v);
}

static void sq_conn_close(void *conn)
{
	struct sq_conn *c = conn;
	if (!c)
		return;
	store_cache_clear(&c->cache, drop_stmt);
	for (int i = 0; i < SQ_NCTL; i++)
		sqlite3_finalize(c->ctl[i]);
	sqlite3_close_v2(c->h);
	free(c);
}

/* Before SQLite initializes: no global memory statistics. They are on by
 * default and every sqlite3_malloc then takes one process-wide mutex, which
 * the read threads contended on. Fails harmlessly (SQLITE_MISUSE) when
 * something in the process initialized SQLite first. */
static void sq_global_config(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int sq_conn_open(store *db, void **out, struct sh_err *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sq_global_config);
	const char *path = db->target;
	int rc;
	if (strcmp(path, ":memory:") != 0 && (rc = make_parents(path, err)) != SH_OK)
		return rc;
	struct sq_conn *c = calloc(1, sizeof *c);
	if (!c)
		return sh_err_set(err, SH_ENOMEM, "STORE_NOMEM", "out of memory");
	rc = sqlite3_open_v2(path, &c->h,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc != SQLITE_OK) {
		rc = sh_err_set(err, SH_EDB, "STORE_OPEN", "cannot open SQLite database %s: %s",
				path, c->h ? sqlite3_errmsg(c->h) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(c->h, 1);
	sqlite3_busy_timeout(c->h, STORE_DEFAULT_BUSY_MS);
	/* WAL: readers never block the writer (sqlite.org/wal.html); with WAL,
	 * synchronous=NORMAL is durable across application crashes and loses at
	 * most the last commits on power loss. A 32 MiB page cache keeps a
	 * large write transaction (bulk loads) from spilling pages into the WAL
	 * before commit.
	 *
	 * No memory map (mmap_size=0): in WAL mode a reader that finds the WAL
	 * changed since its last transaction drops its page cache and unmaps
	 * the whole file (pagerBeginReadTransaction: pager_reset, then
	 * sqlite3OsUnfetch(fd, 0, 0)), and with reads audited there is a commit
	 * every few tens of milliseconds. Each transaction then paid page
	 * faults to map its pages again and munmap to drop them: on 1M persons
	 * a GET cost 168 us of server CPU with a 256 MiB map, 295 us with a
	 * 2 GiB one and 86 us with none (docs/benchmarks.md). */
	rc = sqlite3_exec(c->h,
			  "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
			  " PRAGMA foreign_keys=ON; PRAGMA cache_size=-32768;"
			  " PRAGMA mmap_size=0; PRAGMA temp_store=MEMORY;"
			  " PRAGMA wal_autocheckpoint=0;",
			  NULL, NULL, NULL);
	if (rc == SQLITE_OK) {
		char limit[64];
		snprintf(limit, sizeof limit, "PRAGMA journal_size_limit=%ld;",
			 (long)STORE_WAL_LIMIT_BYTES);
		rc = sqlite3_exec(c->h, limit, NULL, NULL, NULL);
	}
	for (int i = 0; i < SQ_NCTL && rc == SQLITE_OK; i++)
		rc = sqlite3_prepare_v3(c->h, sq_ctl_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
					&c->ctl[i], NULL);
	if (rc != SQLITE_OK) {
		rc = sq_err(c->h, rc, err, "cannot configure SQLite database");
		goto fail;
	}
	*out = c;
	return SH_OK;
fail:
	for (int i = 0; i < SQ_NCTL; i++)
		sqlite3_finalize(c->ctl[i]);
	sqlite3_close_v2(c->h);
	free(c);
	return rc;
}

static int sq_conn_ready(store *db, struct store_slot *slot, struct sh_err *err)
{
	struct sq_conn *c = slot->conn;
	if (slot->busy_ms != slot->want_ms) {
		sqlite3_busy_timeout(c->h, slot->want_ms);
		slot->busy_ms = slot->want_ms;
	}
	return SH_OK;
}

static int sq_exec(void *conn, const char *sql, struct sh_err *err)
{
	struct sq_conn *c = conn;
	int rc = sqlite3_exec(c->h, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? SH_OK : sq_err(c->h, rc, err, "SQL failed");
}

static int sq_ctl(struct sq_conn *c, int which, struct sh_err *err)
{
	sqlite3_stmt *s = c->ctl[which];
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return SH_OK;
	return sq_err(c->h, rc, err, sq_ctl_sql[which]);
}

/* STORE_WRITE takes the write lock now (BEGIN IMMEDIATE), so two writers
 * queue on the busy timeout instead of one failing when a read lock would
 * have to be upgraded (sqlite.org/lang_transaction.html). */
static int sq_begin(void *conn, enum store_mode mode, struct sh_err *err)
{
	return sq_ctl(conn, mode == STORE_WRITE ? SQ_BEGIN_WRITE : SQ_BEGIN_READ, err);
}

static int sq_commit(void *conn, struct sh_err *err)
{
	return sq_ctl(conn, SQ_COMMIT, err);
}

static void sq_rollback(void *conn)
{
	struct sq_conn *c = conn;
	/* Some errors (SQLITE_FULL, SQLITE_IOERR) already rolled back. */
	if (!sqlite3_get_autocommit(c->h))
		sq_ctl(c, SQ_ROLLBACK, NULL);
}

/* A group-commit member (store_writer.c). ROLLBACK TO keeps the savepoint
 * on the stack; the RELEASE after it removes it, having nothing to keep. */
static int sq_member_begin(void *conn, struct sh_err *err)
{
	return sq_ctl(conn, SQ_SAVEPOINT, err);
}

static int sq_member_end(void *conn, int keep, struct sh_err *err)
{
	struct sq_conn *c = conn;
	if (sqlite3_get_autocommit(c->h))
		return sh_err_set(err, SH_EDB, "STORE_TX_LOST", "no transaction is open");
	if (!keep) {
		int rc = sq_ctl(c, SQ_ROLLBACK_TO, err);
		if (rc != SH_OK)
			return rc;
	}
	return sq_ctl(c, SQ_RELEASE, err);
}

static int sq_in_tx(void *conn)
{
	struct sq_conn *c = conn;
	return !sqlite3_get_autocommit(c->h);
}

static int only_blanks(const char *s)
{
	for (; *s; s++)
		if (!strchr(" \t\r\n;", *s))
			return 0;
	return 1;
}

static int sq_prepare(void *conn, const char *sql, store_stmt **out, struct sh_err *err)
{
	struct sq_conn *c = conn;
	struct sq_stmt *st = calloc(1, sizeof *st);
	if (!st)
		return sh_err_set(err, SH_ENOMEM, "STORE_NOMEM", "out of memory");
	st->c = c;
	st->ce = store_cache_get(&c->cache, sql, 0);
	if (st->ce) {
		st->s = st->ce->value;
	} else {
		char *q = NULL;
		const char *tail = NULL;
		int rc = store_sql_translate(sql, STORE_SQLITE, STORE_SQL_STRIP_LOCK, &q, NULL, err);
		if (rc != SH_OK) {
			free(st);
			return rc;
		}
		rc = sqlite3_prepare_v3(c->h, q, -1, SQLITE_PREPARE_PERSISTENT, &st->s, &tail);
		if (rc != SQLITE_OK) {
			rc = sq_err(c->h, rc, err, "cannot prepare SQL");
		} else if (!st->s || !only_blanks(tail)) {
			rc = sh_err_set(err, SH_EINTERNAL, "STORE_MISUSE",
					"store_prepare takes exactly one statement: %.60s", sql);
		}
		free(q);
		if (rc != SH_OK) {
			sqlite3_finalize(st->s);
			free(st);
			return rc;
		}
		/* No cache room (all lent out) just means this one is not cached. */
		st->ce = store_cache_put(&c->cache, sql, st->s, drop_stmt);
	}
	st->base.nparams = sqlite3_bind_parameter_count(st->s);
	*out = &st->base;
	return SH_OK;
}

static int sq_bind(store_stmt *base, int idx, enum store_val kind, int64_t i, const void *p,
		   size_t n)
{
	struct sq_stmt *st = (struct sq_stmt *)base;
	int rc;
	switch (kind) {
	case STORE_V_INT: rc = sqlite3_bind_int64(st->s, idx, i); break;
	case STORE_V_TEXT:
		rc = sqlite3_bind_text64(st->s, idx, p, n, SQLITE_TRANSIENT, SQLITE_UTF8);
		break;
	case STORE_V_BLOB: rc = sqlite3_bind_blob64(st->s, idx, p, n, SQLITE_TRANSIENT); break;
	default: rc = sqlite3_bind_null(st->s, idx); break;
	}
	if (rc == SQLITE_OK)
		return SH_OK;
	return rc == SQLITE_NOMEM ? SH_ENOMEM : rc == SQLITE_TOOBIG ? SH_ETOOBIG : SH_EINVAL;
}

static int sq_step(store_stmt *base, struct sh_err *err)
{
	struct sq_stmt *st = (struct sq_stmt *)base;
	if (!st->started) {
		st->total0 = sqlite3_total_changes64(st->c->h);
		st->started = 1;
	}
	int rc = sqlite3_step(st->s);
	if (rc == SQLITE_ROW)
		return STORE_ROW;
	if (rc == SQLITE_DONE) {
		/* sqlite3_changes64 keeps the count of the last INSERT, UPDATE or
		 * DELETE, also across DDL and SELECTs: trust it only when this
		 * statement changed something. */
		int changed = sqlite3_total_changes64(st->c->h) != st->total0;
		base->changes = changed ? sqlite3_changes64(st->c->h) : 0;
		return STORE_DONE;
	}
	return sq_err(st->c->h, rc, err, "SQL failed");
}

static int sq_col_count(store_stmt *base)
{
	return sqlite3_column_count(((struct sq_stmt *)base)->s);
}

static int sq_col_is_null(store_stmt *base, int col)
{
	return sqlite3_column_type(((struct sq_stmt *)base)->s, col) == SQLITE_NULL;
}

static const char *sq_col_text(store_stmt *base, int col)
{
	return (const char *)sqlite3_column_text(((struct sq_stmt *)base)->s, col);
}

static int64_t sq_col_int(store_stmt *base, int col)
{
	return sqlite3_column_int64(((struct sq_stmt *)base)->s, col);
}

static const void *sq_col_blob(store_stmt *base, int col, size_t *len)
{
	sqlite3_stmt *s = ((struct sq_stmt *)base)->s;
	size_t n = 0;
	const void *p = NULL;
	if (sqlite3_column_type(s, col) != SQLITE_NULL) {
		/* Blob first, then bytes (sqlite.org/c3ref/column_blob.html). */
		p = sqlite3_column_blob(s, col);
		n = (size_t)sqlite3_column_bytes(s, col);
		if (!p)
			p = ""; /* a zero-length blob is not NULL */
	}
	if (len)
		*len = n;
	return p;
}

static void sq_reset(store_stmt *base)
{
	struct sq_stmt *st = (struct sq_stmt *)base;
	sqlite3_reset(st->s);
	st->started = 0;
}

static void sq_release(store_stmt *base)
{
	struct sq_stmt *st = (struct sq_stmt *)base;
	if (!st->s)
		return;
	if (st->ce) {
		sqlite3_reset(st->s);
		sqlite3_clear_bindings(st->s);
		st->ce->in_use--;
	} else {
		sqlite3_finalize(st->s);
	}
	st->s = NULL;
	st->ce = NULL;
}

/* Passive: copy what the WAL holds into the database, as far as readers
 * allow, without blocking anyone (sqlite.org/c3ref/wal_checkpoint_v2.html).
 * A passive pass that cannot copy everything does not sync the database
 * file, so the restart's sync would flush everything the passes copied
 * since the last one, tens of milliseconds with writers waiting: sync
 * flushes it before, through SQLite's own file handle (closing a second
 * descriptor of the file would drop SQLite's POSIX locks). Restart: copy
 * the rest, wait (briefly: the busy timeout) until no reader reads from
 * the WAL, and start it over (store.c wal_restart says why). Errors are
 * left to the next pass. */
static int sq_checkpoint(void *conn, enum store_ckpt mode, int *log_frames)
{
	struct sq_conn *c = conn;
	int nlog = 0, ncopied = 0, rc;
	if (log_frames)
		*log_frames = 0;
	if (mode == STORE_CKPT_SYNC) {
		sqlite3_file *f = NULL;
		rc = sqlite3_file_control(c->h, "main", SQLITE_FCNTL_FILE_POINTER, &f);
		if (rc != SQLITE_OK || !f || !f->pMethods)
			return -1;
		return f->pMethods->xSync(f, SQLITE_SYNC_NORMAL) == SQLITE_OK ? 0 : -1;
	}
	int restart = mode == STORE_CKPT_RESTART;
	if (restart)
		sqlite3_busy_timeout(c->h, STORE_WAL_RESTART_WAIT_MS);
	rc = sqlite3_wal_checkpoint_v2(c->h, NULL,
				       restart ? SQLITE_CHECKPOINT_RESTART : SQLITE_CHECKPOINT_PASSIVE,
				       &nlog, &ncopied);
	if (restart)
		sqlite3_busy_timeout(c->h, STORE_DEFAULT_BUSY_MS);
	if (log_frames)
		*log_frames = nlog;
	if (rc != SQLITE_OK || nlog < 0)
		return -1;
	return nlog - ncopied;
}

/* The WAL header (sqlite.org/fileformat2.html#walformat) is eight
 * big-endian words: magic, version, page size, checkpoint sequence, two
 * salts, and a checksum of the first six, whose byte order the magic's
 * lowest bit gives. SQLite adds one to the sequence each time it starts the
 * WAL over, and writes the header with the first frame after. Read through
 * SQLite's own handle of the WAL (a second descriptor's close would drop
 * the process's locks); the checksum rejects a header read half-written. */
static int sq_wal_sequence(void *conn, uint32_t *seq)
{
	struct sq_conn *c = conn;
	sqlite3_file *f = NULL;
	uint8_t hdr[32];
	if (sqlite3_file_control(c->h, "main", SQLITE_FCNTL_JOURNAL_POINTER, &f) != SQLITE_OK ||
	    !f || !f->pMethods || f->pMethods->xRead(f, hdr, sizeof hdr, 0) != SQLITE_OK)
		return -1;
	uint32_t magic = sh_be32(hdr);
	if ((magic & ~1u) != 0x377f0682u)
		return -1;
	/* the words summed, in the writer's order */
	uint32_t (*word)(const uint8_t *) = magic & 1u ? sh_be32 : sh_le32;
	uint32_t s0 = 0, s1 = 0;
	for (int i = 0; i < 24; i += 8) {
		s0 += word(hdr + i) + s1;
		s1 += word(hdr + i + 4) + s0;
	}
	if (s0 != sh_be32(hdr + 24) || s1 != sh_be32(hdr + 28))
		return -1;
	*seq = sh_be32(hdr + 12);
	return 0;
}

const struct store_ops store_sqlite_ops = {
	.conn_open = sq_conn_open,
	.conn_close = sq_conn_close,
	.conn_ready = sq_conn_ready,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.exec = sq_exec,
	.prepare = sq_prepare,
	.bind = sq_bind,
	.step = sq_step,
	.col_count = sq_col_count,
	.col_is_null = sq_col_is_null,
	.col_text = sq_col_text,
	.col_int = sq_col_int,
	.col_blob = sq_col_blob,
	.reset = sq_reset,
	.release = sq_release,
	.checkpoint = sq_checkpoint,
	.wal_sequence = sq_wal_sequence,
	.member_begin = sq_member_begin,
	.member_end = sq_member_end,
	.in_tx = sq_in_tx,
};
