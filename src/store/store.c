/* store.c — store_open/close, the connection pool, transactions, and the
 * statement calls that dispatch to the SQLite or PostgreSQL backend. */
#include <errno.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"
#include "store/store_int.h"

static int parse_url(const char *url, enum store_backend *backend, const char **target,
		     struct sh_err *err)
{
	if (!url || !*url)
		return sh_err_set(err, SH_EINVAL, "STORE_URL", "empty database URL");
	if (strncmp(url, "sqlite:", 7) == 0) {
		*backend = STORE_SQLITE;
		*target = url + 7;
		if (!**target)
			return sh_err_set(err, SH_EINVAL, "STORE_URL",
					  "sqlite URL needs a path: sqlite:PATH");
		return SH_OK;
	}
	if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
		*backend = STORE_POSTGRES;
		*target = url;
		return SH_OK;
	}
	const char *colon = strchr(url, ':');
	return sh_err_set(err, SH_EINVAL, "STORE_URL",
			  "unsupported database URL scheme '%.*s' (use sqlite:PATH or "
			  "postgresql://...)",
			  colon ? (int)(colon - url) : 16, url);
}

/* Timed waits here measure against the monotonic clock: a wall-clock
 * step must not cut a wait short or stretch it. */
static void cond_init_monotonic(pthread_cond_t *cv)
{
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(cv, &ca);
	pthread_condattr_destroy(&ca);
}

/* Checkpoint passes until one leaves little behind: what a pass could not
 * copy, and what was committed while it ran, is what a restart would copy
 * under the gate, with its fsync, while writers wait. Each pass is shorter
 * than the one before, as it has less to copy. With flush, each pass comes
 * after a flush of the database file, so that the restart's fsync has only
 * the last pages to write; one flush and one pass left the frames
 * committed during the flush (40-100 ms of verifications, ~2,000 frames)
 * to that fsync, and the restart held the gate 6-32 ms. *log_frames: the
 * WAL's length at the last pass, in and out. 1: caught up; 0: not within
 * `passes`; -1: a checkpoint failed. */
static int wal_catch_up(store *db, int flush, int passes, int *log_frames)
{
	for (int pass = 0; pass < passes; pass++) {
		if (flush && db->ops->checkpoint(db->ckpt_conn, STORE_CKPT_SYNC, NULL) != 0)
			return -1;
		int before = *log_frames;
		int left = db->ops->checkpoint(db->ckpt_conn, STORE_CKPT_PASSIVE, log_frames);
		if (left < 0)
			return -1;
		if (*log_frames - before + left <= STORE_WAL_CATCHUP_FRAMES)
			return 1;
	}
	return 0;
}

/* Start the WAL over, holding the write gate.
 *
 * Why: SQLite starts the WAL over only when a writer begins after a
 * checkpoint copied every frame and no reader still reads from the WAL;
 * with readers always in flight (every GET) that never happened, and the
 * WAL grew without bound (1.2 GB in a read benchmark, 72 MB/s). A long
 * WAL costs every reader a longer search of the WAL index for each page,
 * and every frame written lands on a block the page cache may have given
 * back, which the kernel then reads from disk first (the frames are not
 * block-aligned). So once the WAL is long, the checkpointer takes the
 * gate (writers of this process queue behind it as behind any writer; an
 * open group is committed for its members first) and runs a RESTART
 * checkpoint: with no commits coming, the readers move to the newest
 * snapshot within one transaction each, the frames the passive pass could
 * not copy for them are copied, and the WAL starts over. It waits at most
 * STORE_WAL_RESTART_WAIT_MS for each lock readers hold; if they do not
 * let go, the next pass tries again. Waiting for a complete passive pass
 * first was not enough: under steady writes some reader nearly always
 * holds an older snapshot. What the writers wait for is the copy of the
 * last frames and SQLite's fsync of the database file; passive passes
 * first shrink what is left to copy and the database file is flushed
 * before the gate is taken (wal_catch_up), so that the fsync under the gate
 * has only those last pages to write (it was 50-150 ms with no flush
 * first, 6-32 ms with one, 1.3-3.1 ms with flushes until caught up). After
 * STORE_WAL_FLUSH_PASSES rounds the restart goes ahead caught up or not. */
static void wal_restart(store *db)
{
	struct sh_err e = {0};
	int log_frames = 0; /* the first round never counts as caught up */
	if (wal_catch_up(db, 1, STORE_WAL_FLUSH_PASSES, &log_frames) < 0)
		return;
	if (store_gate_enter(db, &e) != SH_OK)
		return;
	store_group_close(db);
	log_frames = 0;
	int left = db->ops->checkpoint(db->ckpt_conn, STORE_CKPT_RESTART, &log_frames);
	pthread_mutex_lock(&db->gate_mu);
	if (left == 0)
		db->ckpt_restart_commits = db->group_commits;
	pthread_mutex_unlock(&db->gate_mu);
	store_gate_leave(db);
}

/* Count the WAL's starts over by its header's sequence number, not by the
 * restarts that succeeded: a restart that copied every frame but found a
 * reader still on an older snapshot reports busy, and the next writer then
 * starts the WAL over itself (the count missed those, and a test waiting
 * for it waited in vain); a successful one takes effect only at the next
 * commit. */
static void wal_count_restarts(store *db)
{
	uint32_t seq;
	if (db->ops->wal_sequence(db->ckpt_conn, &seq) != 0)
		return;
	if (db->wal_seq_known && seq != db->wal_seq) {
		/* lower: the WAL file was made anew (another process, closing
		 * last, removed it), which is one start over */
		int32_t delta = (int32_t)(seq - db->wal_seq);
		pthread_mutex_lock(&db->gate_mu);
		db->wal_restarts += delta > 0 ? (uint64_t)delta : 1;
		pthread_mutex_unlock(&db->gate_mu);
	}
	db->wal_seq = seq;
	db->wal_seq_known = 1;
}

/* Whether to restart now: a long WAL once the passes have caught up, or
 * one twice as long in any case, since a writer that outpaces the passes
 * would otherwise keep the WAL from ever restarting. */
static int wal_restart_due(store *db, int log_frames)
{
	int threshold = atomic_load(&db->wal_restart_frames);
	if (log_frames < threshold)
		return 0;
	/* SQLite goes on reporting the old length until a commit after the
	 * last restart actually starts the WAL over. */
	pthread_mutex_lock(&db->gate_mu);
	int pending = db->group_commits == db->ckpt_restart_commits;
	pthread_mutex_unlock(&db->gate_mu);
	if (pending)
		return 0;
	return wal_catch_up(db, 0, STORE_WAL_CATCHUP_PASSES, &log_frames) > 0 ||
	       log_frames >= 2 * threshold;
}

static void *ckpt_main(void *arg)
{
	store *db = arg;
	pthread_mutex_lock(&db->ckpt_mu);
	while (!db->ckpt_stop) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += STORE_CHECKPOINT_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		while (!db->ckpt_stop &&
		       pthread_cond_timedwait(&db->ckpt_cv, &db->ckpt_mu, &until) != ETIMEDOUT)
			;
		if (db->ckpt_stop)
			break;
		pthread_mutex_unlock(&db->ckpt_mu);
		int log_frames = 0;
		if (db->ops->checkpoint(db->ckpt_conn, STORE_CKPT_PASSIVE, &log_frames) >= 0) {
			wal_count_restarts(db);
			if (wal_restart_due(db, log_frames))
				wal_restart(db);
		}
		pthread_mutex_lock(&db->ckpt_mu);
	}
	pthread_mutex_unlock(&db->ckpt_mu);
	return NULL;
}

static int ckpt_start(store *db, struct sh_err *err)
{
	int rc = db->ops->conn_open(db, &db->ckpt_conn, err);
	if (rc != SH_OK)
		return rc;
	db->wal_restart_frames = STORE_WAL_RESTART_FRAMES;
	db->ckpt_restart_commits = UINT64_MAX; /* no restart yet */
	cond_init_monotonic(&db->ckpt_cv);
	pthread_mutex_init(&db->ckpt_mu, NULL);
	int e = pthread_create(&db->ckpt_thread, NULL, ckpt_main, db);
	if (e != 0) {
		pthread_cond_destroy(&db->ckpt_cv);
		pthread_mutex_destroy(&db->ckpt_mu);
		return sh_err_set(err, SH_EINTERNAL, "STORE_THREAD",
				  "cannot start the checkpoint thread: %s", strerror(e));
	}
	db->ckpt_running = 1;
	return SH_OK;
}

/* Stop the thread, then one last checkpoint so that a closed store leaves
 * a short WAL behind. */
static void ckpt_stop(store *db)
{
	if (db->ckpt_running) {
		pthread_mutex_lock(&db->ckpt_mu);
		db->ckpt_stop = 1;
		pthread_cond_signal(&db->ckpt_cv);
		pthread_mutex_unlock(&db->ckpt_mu);
		pthread_join(db->ckpt_thread, NULL);
		(void)db->ops->checkpoint(db->ckpt_conn, STORE_CKPT_PASSIVE, NULL);
		pthread_cond_destroy(&db->ckpt_cv);
		pthread_mutex_destroy(&db->ckpt_mu);
		db->ckpt_running = 0;
	}
	if (db->ckpt_conn)
		db->ops->conn_close(db->ckpt_conn);
	db->ckpt_conn = NULL;
}

int store_open(const char *url, int pool_size, store **out, struct sh_err *err)
{
	enum store_backend backend = STORE_SQLITE;
	const char *target = NULL;
	*out = NULL;
	int rc = parse_url(url, &backend, &target, err);
	if (rc != SH_OK)
		return rc;
	if (pool_size < 0 || pool_size > 1024)
		return sh_err_set(err, SH_EINVAL, "STORE_POOL", "pool size %d out of range",
				  pool_size);
	if (pool_size == 0)
		pool_size = STORE_DEFAULT_POOL;
	/* Each SQLite connection to ":memory:" is its own database. */
	if (backend == STORE_SQLITE && strcmp(target, ":memory:") == 0)
		pool_size = 1;

	store *db = calloc(1, sizeof *db);
	if (!db)
		return sh_err_set(err, SH_ENOMEM, "STORE_NOMEM", "out of memory");
	db->backend = backend;
	db->ops = backend == STORE_SQLITE ? &store_sqlite_ops : &store_pg_ops;
	db->busy_ms = STORE_DEFAULT_BUSY_MS;
	db->size = pool_size;
	db->target = strdup(target);
	/* The writer slot (SQLite, not ":memory:", where every connection is
	 * a database of its own) follows the pool's slots. */
	db->has_writer = backend == STORE_SQLITE && strcmp(target, ":memory:") != 0;
	db->slots = calloc((size_t)pool_size + 1, sizeof *db->slots);
	db->free_stack = calloc((size_t)pool_size, sizeof *db->free_stack);
	if (!db->target || !db->slots || !db->free_stack) {
		rc = sh_err_set(err, SH_ENOMEM, "STORE_NOMEM", "out of memory");
		goto fail;
	}
	cond_init_monotonic(&db->cv);
	pthread_mutex_init(&db->mu, NULL);
	pthread_mutex_init(&db->gate_mu, NULL);
	/* Stack order: slot 0 is handed out first, and it is opened now so
	 * that a bad path or unreachable server fails here, not later. The
	 * others open on first use. */
	for (int i = 0; i < pool_size; i++)
		db->free_stack[i] = pool_size - 1 - i;
	db->nfree = pool_size;
	rc = db->ops->conn_open(db, &db->slots[0].conn, err);
	if (rc != SH_OK) {
		store_close(db);
		return rc;
	}
	db->slots[0].busy_ms = -1;
	if (db->has_writer && db->ops->checkpoint && (rc = ckpt_start(db, err)) != SH_OK) {
		store_close(db);
		return rc;
	}
	*out = db;
	return SH_OK;
fail:
	free(db->target);
	free(db->slots);
	free(db->free_stack);
	free(db);
	return rc;
}

void store_close(store *db)
{
	if (!db)
		return;
	ckpt_stop(db);
	for (int i = 0; i <= db->size; i++)
		if (db->slots[i].conn)
			db->ops->conn_close(db->slots[i].conn);
	pthread_mutex_destroy(&db->mu);
	pthread_mutex_destroy(&db->gate_mu);
	pthread_cond_destroy(&db->cv);
	free(db->slots);
	free(db->free_stack);
	free(db->target);
	free(db);
}

enum store_backend store_backend_of(const store *db)
{
	return db->backend;
}

void store_set_busy_timeout(store *db, int ms)
{
	pthread_mutex_lock(&db->mu);
	db->busy_ms = ms < 0 ? 0 : ms;
	pthread_mutex_unlock(&db->mu);
}

void store_pool_stats(store *db, struct store_pool_stats *out)
{
	pthread_mutex_lock(&db->mu);
	out->size = db->size;
	out->in_use = db->size - db->nfree;
	out->acquired = db->acquired;
	out->waited = db->waited;
	out->timeouts = db->timeouts;
	out->waiting = db->waiting;
	pthread_mutex_unlock(&db->mu);
	pthread_mutex_lock(&db->gate_mu);
	out->group_commits = db->group_commits;
	out->group_members = db->group_members_total;
	out->wal_restarts = db->wal_restarts;
	pthread_mutex_unlock(&db->gate_mu);
}

/* Take an idle slot, waiting up to the busy timeout. */
static int pool_acquire(store *db, struct store_slot **out, struct sh_err *err)
{
	pthread_mutex_lock(&db->mu);
	if (db->nfree == 0) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += db->busy_ms / 1000;
		until.tv_nsec += (long)(db->busy_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		db->waited++;
		db->waiting++;
		int rc = 0;
		while (db->nfree == 0 && rc != ETIMEDOUT)
			rc = pthread_cond_timedwait(&db->cv, &db->mu, &until);
		db->waiting--;
		if (db->nfree == 0) {
			db->timeouts++;
			int ms = db->busy_ms;
			pthread_mutex_unlock(&db->mu);
			return sh_err_set(err, SH_EBUSY, "STORE_BUSY",
					  "no free database connection after %d ms", ms);
		}
	}
	struct store_slot *s = &db->slots[db->free_stack[--db->nfree]];
	s->want_ms = db->busy_ms;
	db->acquired++;
	pthread_mutex_unlock(&db->mu);
	*out = s;
	return SH_OK;
}

static void pool_release(store *db, struct store_slot *s)
{
	pthread_mutex_lock(&db->mu);
	db->free_stack[db->nfree++] = (int)(s - db->slots);
	pthread_cond_signal(&db->cv);
	pthread_mutex_unlock(&db->mu);
}

/* SQLite's writer slot, for the holder of the write gate: no pool wait. */
static struct store_slot *writer_slot_take(store *db)
{
	struct store_slot *s = &db->slots[db->size];
	pthread_mutex_lock(&db->mu);
	s->want_ms = db->busy_ms;
	db->acquired++;
	pthread_mutex_unlock(&db->mu);
	return s;
}

/* The slot's connection, opened on first use, then made ready (timeouts). */
static int slot_conn_ready(store *db, struct store_slot *s, struct sh_err *err)
{
	if (!s->conn) {
		int rc = db->ops->conn_open(db, &s->conn, err);
		if (rc != SH_OK)
			return rc;
		s->busy_ms = -1;
	}
	return db->ops->conn_ready(db, s, err);
}

int store_begin(store *db, enum store_mode mode, store_tx **out, struct sh_err *err)
{
	struct store_slot *s = NULL;
	struct sh_err e = {0}; /* ours, to see the code even when err is NULL */
	*out = NULL;
	int gated = mode == STORE_WRITE && db->backend == STORE_SQLITE;
	int rc = gated ? store_gate_enter(db, &e) : SH_OK;
	if (rc != SH_OK) {
		gated = 0;
		goto out;
	}
	if (gated && db->has_writer) /* ours alone while the gate is held */
		s = writer_slot_take(db);
	else if ((rc = pool_acquire(db, &s, &e)) != SH_OK)
		goto out;
	rc = slot_conn_ready(db, s, &e);
	if (rc == SH_OK && gated && db->has_writer && db->ops->member_begin) {
		rc = store_group_join(db, &e);
		if (rc != SH_OK) {
			store_group_leave(db, 0, NULL); /* hands the gate on */
			goto out_ungated;
		}
		s->tx = (struct store_tx){.db = db, .slot = s, .gated = 1, .grouped = 1};
		*out = &s->tx;
		return SH_OK;
	}
	if (rc == SH_OK)
		rc = db->ops->begin(s->conn, mode, &e);
	/* A server restart shows only when an idle connection is next used:
	 * BEGIN changed nothing, so reconnect and try once more (a connection
	 * that could not even be opened is not retried). */
	if (rc == SH_EDB && s->conn && strcmp(e.code, "STORE_CONNECTION") == 0) {
		rc = db->ops->conn_ready(db, s, &e);
		if (rc == SH_OK)
			rc = db->ops->begin(s->conn, mode, &e);
	}
	if (rc != SH_OK)
		goto fail;
	s->tx = (struct store_tx){.db = db, .slot = s, .gated = gated};
	*out = &s->tx;
	return SH_OK;
fail:
	if (s != &db->slots[db->size])
		pool_release(db, s);
out:
	if (gated)
		store_gate_leave(db);
out_ungated:
	if (err)
		*err = e;
	return rc;
}

/* Statements outlive their tx only as empty shells that store_finalize frees. */
void store_tx_detach_stmts(store_tx *tx)
{
	store_stmt *st = tx->stmts;
	while (st) {
		store_stmt *next = st->next;
		tx->db->ops->release(st);
		st->tx = NULL;
		st->next = st->prev = NULL;
		st = next;
	}
	tx->stmts = NULL;
}

static void tx_end(store_tx *tx)
{
	store *db = tx->db;
	struct store_slot *s = tx->slot;
	int gated = tx->gated;
	tx->db = NULL;
	tx->slot = NULL;
	tx->gated = 0;
	if (s != &db->slots[db->size])
		pool_release(db, s);
	if (gated)
		store_gate_leave(db);
}

/* A member of the writer's group: its savepoint ends here, and the
 * group's COMMIT decides (store_writer.c). */
static int tx_end_grouped(store_tx *tx, int keep, struct sh_err *err)
{
	store *db = tx->db;
	tx->db = NULL;
	tx->slot = NULL;
	tx->gated = tx->grouped = 0;
	return store_group_leave(db, keep, err);
}

int store_tx_failed_err(struct sh_err *err)
{
	return sh_err_set(err, SH_EDB, "STORE_TX_FAILED",
			  "commit of a transaction whose statement failed; rolled back");
}

int store_commit(store_tx *tx, struct sh_err *err)
{
	store *db = tx->db;
	int rc;
	store_tx_detach_stmts(tx);
	if (tx->grouped) {
		if (!tx->failed)
			return tx_end_grouped(tx, 1, err);
		tx_end_grouped(tx, 0, NULL);
		return store_tx_failed_err(err);
	}
	if (tx->failed) {
		db->ops->rollback(tx->slot->conn);
		rc = store_tx_failed_err(err);
	} else {
		rc = db->ops->commit(tx->slot->conn, err);
		if (rc != SH_OK)
			db->ops->rollback(tx->slot->conn);
	}
	tx_end(tx);
	return rc;
}

void store_rollback(store_tx *tx)
{
	if (!tx || !tx->db)
		return;
	store_tx_detach_stmts(tx);
	if (tx->grouped) {
		tx_end_grouped(tx, 0, NULL);
		return;
	}
	tx->db->ops->rollback(tx->slot->conn);
	tx_end(tx);
}

store *store_tx_db(store_tx *tx)
{
	return tx->db;
}

int store_writer_slot_ready(store *db, struct sh_err *err)
{
	return slot_conn_ready(db, writer_slot_take(db), err);
}

int store_write(store *db, store_write_fn fn, void *ctx, struct sh_err *err)
{
	if (db->backend == STORE_SQLITE && db->has_writer && db->ops->member_begin)
		return store_write_grouped(db, fn, ctx, err);
	store_tx *tx = NULL;
	int rc = store_begin(db, STORE_WRITE, &tx, err);
	if (rc != SH_OK)
		return rc;
	rc = fn(tx, ctx, err);
	if (rc == SH_OK)
		return store_commit(tx, err);
	store_rollback(tx);
	return rc;
}

static int tx_fail(store_tx *tx, int rc)
{
	if (rc < 0 && tx)
		tx->failed = 1;
	return rc;
}

int store_exec(store_tx *tx, const char *sql, struct sh_err *err)
{
	char *q = NULL;
	int rc = store_sql_translate(sql, tx->db->backend, 0, &q, NULL, err);
	if (rc == SH_OK)
		rc = tx->db->ops->exec(tx->slot->conn, q, err);
	free(q);
	return tx_fail(tx, rc);
}

int store_prepare(store_tx *tx, const char *sql, store_stmt **out, struct sh_err *err)
{
	*out = NULL;
	store_stmt *st;
	int rc = tx->db->ops->prepare(tx->slot->conn, sql, &st, err);
	if (rc != SH_OK)
		return tx_fail(tx, rc);
	st->tx = tx;
	st->next = tx->stmts;
	if (tx->stmts)
		tx->stmts->prev = st;
	tx->stmts = st;
	*out = st;
	return SH_OK;
}

static int bind_any(store_stmt *st, int idx, enum store_val kind, int64_t i, const void *p,
		    size_t n)
{
	int rc;
	if (!st->tx)
		rc = SH_EINVAL;
	else if (idx < 1 || idx > st->nparams)
		rc = SH_EINVAL;
	else
		rc = st->tx->db->ops->bind(st, idx, kind, i, p, n);
	if (rc != SH_OK && st->bind_err == SH_OK)
		st->bind_err = rc;
	return rc;
}

int store_bind_text(store_stmt *st, int idx, const char *s)
{
	if (!s)
		return bind_any(st, idx, STORE_V_NULL, 0, NULL, 0);
	return bind_any(st, idx, STORE_V_TEXT, 0, s, strlen(s));
}

int store_bind_int(store_stmt *st, int idx, int64_t v)
{
	return bind_any(st, idx, STORE_V_INT, v, NULL, 0);
}

int store_bind_blob(store_stmt *st, int idx, const void *p, size_t n)
{
	if (!p)
		return bind_any(st, idx, STORE_V_NULL, 0, NULL, 0);
	return bind_any(st, idx, STORE_V_BLOB, 0, p, n);
}

int store_bind_null(store_stmt *st, int idx)
{
	return bind_any(st, idx, STORE_V_NULL, 0, NULL, 0);
}

int store_step(store_stmt *st, struct sh_err *err)
{
	if (!st->tx)
		return sh_err_set(err, SH_EINTERNAL, "STORE_MISUSE",
				  "step on a statement whose transaction has ended");
	if (st->bind_err != SH_OK)
		return tx_fail(st->tx, sh_err_set(err, st->bind_err, "STORE_BIND",
						  "bad parameter binding (index out of range "
						  "or out of memory)"));
	/* SQLite would silently re-run a finished statement; neither backend
	 * does here, so an INSERT cannot run twice by accident. */
	if (st->done)
		return STORE_DONE;
	int rc = st->tx->db->ops->step(st, err);
	if (rc == STORE_DONE)
		st->done = 1;
	return tx_fail(st->tx, rc);
}

int store_col_count(store_stmt *st)
{
	return st->tx ? st->tx->db->ops->col_count(st) : 0;
}

int store_col_is_null(store_stmt *st, int col)
{
	return st->tx ? st->tx->db->ops->col_is_null(st, col) : 1;
}

const char *store_col_text(store_stmt *st, int col)
{
	return st->tx ? st->tx->db->ops->col_text(st, col) : NULL;
}

int64_t store_col_int(store_stmt *st, int col)
{
	return st->tx ? st->tx->db->ops->col_int(st, col) : 0;
}

const void *store_col_blob(store_stmt *st, int col, size_t *len)
{
	if (!st->tx) {
		if (len)
			*len = 0;
		return NULL;
	}
	return st->tx->db->ops->col_blob(st, col, len);
}

int64_t store_changes(store_stmt *st)
{
	return st->changes;
}

int store_reset(store_stmt *st)
{
	if (!st->tx)
		return SH_EINVAL;
	st->tx->db->ops->reset(st);
	st->done = 0;
	st->changes = 0;
	return SH_OK;
}

void store_finalize(store_stmt *st)
{
	if (!st)
		return;
	store_tx *tx = st->tx;
	if (tx) {
		if (st->prev)
			st->prev->next = st->next;
		else
			tx->stmts = st->next;
		if (st->next)
			st->next->prev = st->prev;
		tx->db->ops->release(st);
	}
	/* A detached statement was released when its tx ended. */
	free(st);
}

static int bind_va(store_stmt *st, const char *types, va_list ap, struct sh_err *err)
{
	int idx = 1;
	for (const char *t = types ? types : ""; *t; t++, idx++) {
		int rc;
		switch (*t) {
		case 't': rc = store_bind_text(st, idx, va_arg(ap, const char *)); break;
		case 'i': rc = store_bind_int(st, idx, va_arg(ap, int64_t)); break;
		case 'b': {
			const void *p = va_arg(ap, const void *);
			size_t n = va_arg(ap, size_t);
			rc = store_bind_blob(st, idx, p, n);
			break;
		}
		case 'n': rc = store_bind_null(st, idx); break;
		default:
			return sh_err_set(err, SH_EINTERNAL, "STORE_MISUSE",
					  "unknown bind type '%c'", *t);
		}
		if (rc != SH_OK)
			return sh_err_set(err, rc, "STORE_BIND", "cannot bind parameter %d of %d",
					  idx, st->nparams);
	}
	if (idx - 1 != st->nparams)
		return sh_err_set(err, SH_EINTERNAL, "STORE_MISUSE",
				  "statement has %d parameters, %d given", st->nparams, idx - 1);
	return SH_OK;
}

int store_run(store_tx *tx, struct sh_err *err, const char *sql, const char *types, ...)
{
	store_stmt *st;
	int rc = store_prepare(tx, sql, &st, err);
	if (rc != SH_OK)
		return rc;
	va_list ap;
	va_start(ap, types);
	rc = bind_va(st, types, ap, err);
	va_end(ap);
	if (rc != SH_OK) {
		tx_fail(tx, rc);
		goto out;
	}
	/* Drain rows (INSERT ... RETURNING) so the change count is final. */
	while ((rc = store_step(st, err)) == STORE_ROW)
		;
	if (rc == STORE_DONE)
		rc = store_changes(st) > INT32_MAX ? INT32_MAX : (int)store_changes(st);
out:
	store_finalize(st);
	return rc;
}

int store_query(store_tx *tx, store_stmt **out, struct sh_err *err, const char *sql,
		const char *types, ...)
{
	store_stmt *st;
	*out = NULL;
	int rc = store_prepare(tx, sql, &st, err);
	if (rc != SH_OK)
		return rc;
	va_list ap;
	va_start(ap, types);
	rc = bind_va(st, types, ap, err);
	va_end(ap);
	if (rc != SH_OK) {
		store_finalize(st);
		return tx_fail(tx, rc);
	}
	*out = st;
	return SH_OK;
}
