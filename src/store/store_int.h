/* store_int.h — private to src/store/: the backend interface, the pool slot,
 * and the shape of transactions and statements shared by both backends. */
#ifndef SH_STORE_STORE_INT_H
#define SH_STORE_STORE_INT_H

#include <pthread.h>
#include <stdint.h>

#include "store/store.h"

#define STORE_DEFAULT_POOL 8
#define STORE_DEFAULT_BUSY_MS 5000
/* A hard cap on one statement's placeholders; both engines allow far more
 * (SQLite 32766, PostgreSQL 65535) but no query of ours needs that. */
#define STORE_MAX_PARAMS 4096

/* A connection as the common code sees it: the backend's handle plus the
 * transaction that runs on it (one at a time, so it is embedded). */
struct store_slot;

struct store_tx {
	store *db;
	struct store_slot *slot;
	int failed;          /* a statement failed: commit refuses */
	int gated;           /* holds the store's write gate (SQLite) */
	int grouped;         /* a member of the writer's group commit */
	store_stmt *stmts;   /* live statements, detached when the tx ends */
};

struct store_slot {
	void *conn;          /* backend connection, NULL until first use */
	int busy_ms;         /* timeout applied to conn, -1 none yet */
	int want_ms;         /* the store's timeout when the slot was taken */
	struct store_tx tx;
};

/* Common part of a statement; each backend embeds it first in its own. */
struct store_stmt {
	store_tx *tx;        /* NULL once the tx ended (statement is dead) */
	store_stmt *next, *prev;
	int nparams;
	int bind_err;        /* first bind failure, reported by step */
	int done;            /* stepped to STORE_DONE: further steps say DONE */
	int64_t changes;
};

enum store_val { STORE_V_NULL, STORE_V_INT, STORE_V_TEXT, STORE_V_BLOB };

enum store_ckpt {
	STORE_CKPT_PASSIVE, /* copy what readers allow; blocks nobody */
	STORE_CKPT_SYNC,    /* flush the database file: what passes copied */
	STORE_CKPT_RESTART, /* copy the rest, then start the WAL over (gate held) */
};

struct store_ops {
	/* Open a connection to db->target. */
	int (*conn_open)(store *db, void **out, struct sh_err *err);
	void (*conn_close)(void *conn);
	/* Before reuse: repair a lost connection, apply the busy timeout. */
	int (*conn_ready)(store *db, struct store_slot *slot, struct sh_err *err);
	int (*begin)(void *conn, enum store_mode mode, struct sh_err *err);
	int (*commit)(void *conn, struct sh_err *err);
	void (*rollback)(void *conn);
	int (*exec)(void *conn, const char *sql, struct sh_err *err);
	/* Allocate a statement (common part zeroed except nparams). */
	int (*prepare)(void *conn, const char *sql, store_stmt **out, struct sh_err *err);
	int (*bind)(store_stmt *st, int idx, enum store_val kind, int64_t i,
		    const void *p, size_t n);
	int (*step)(store_stmt *st, struct sh_err *err);
	int (*col_count)(store_stmt *st);
	int (*col_is_null)(store_stmt *st, int col);
	const char *(*col_text)(store_stmt *st, int col);
	int64_t (*col_int)(store_stmt *st, int col);
	const void *(*col_blob)(store_stmt *st, int col, size_t *len);
	void (*reset)(store_stmt *st);
	/* Give back the backend's resources (the prepared statement goes back
	 * to the connection's cache); the common code then free()s st. */
	void (*release)(store_stmt *st);
	/* A checkpoint (SQLite; NULL for backends without one): see enum
	 * store_ckpt. Returns the frames the WAL still holds that are not yet
	 * in the database file (0 for STORE_CKPT_SYNC), or -1 when it failed;
	 * *log_frames (may be NULL) is the WAL's length in frames. */
	int (*checkpoint)(void *conn, enum store_ckpt mode, int *log_frames);
	/* The WAL's checkpoint sequence number (SQLite; NULL elsewhere): it
	 * goes up by one each time the WAL starts over. 0, or -1 when the WAL
	 * has no valid header yet. */
	int (*wal_sequence)(void *conn, uint32_t *seq);
	/* Group commit (SQLite; NULL elsewhere): a member's savepoint inside
	 * the open transaction, released (keep) or rolled back; and whether
	 * the connection is still inside a transaction. */
	int (*member_begin)(void *conn, struct sh_err *err);
	int (*member_end)(void *conn, int keep, struct sh_err *err);
	int (*in_tx)(void *conn);
};

#define STORE_CHECKPOINT_MS 200
/* When the WAL has reached this many frames (64 MiB of 4 KiB pages), the
 * checkpointer starts it over (store.c says why); SQLite then truncates a
 * longer file to STORE_WAL_LIMIT_BYTES at the next commit. A restart makes
 * writers wait for its last copy and fsync (tens of milliseconds here), so
 * it should be rare: under the verification benchmark's writes (~80 MB of
 * WAL per second) this is about once a second, under GETs once in minutes. */
#define STORE_WAL_RESTART_FRAMES 16384
#define STORE_WAL_LIMIT_BYTES (128L << 20)
/* A restart waits for passive passes to leave at most this many frames
 * (512 KiB) to copy, trying at most this many passes (store.c). */
#define STORE_WAL_CATCHUP_FRAMES 128
#define STORE_WAL_CATCHUP_PASSES 8
/* At most this many flush-and-copy rounds before a restart (wal_catch_up);
 * three or four were enough under the verification benchmark. */
#define STORE_WAL_FLUSH_PASSES 6
/* How long a restart waits for readers of older snapshots to finish. */
#define STORE_WAL_RESTART_WAIT_MS 10

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;

struct store {
	enum store_backend backend;
	const struct store_ops *ops;
	char *target;        /* SQLite path or libpq URI */
	int busy_ms;
	int size;
	struct store_slot *slots;
	int *free_stack;     /* indexes of idle slots; LIFO keeps warm ones hot */
	int nfree;
	int waiting;
	uint64_t acquired, waited, timeouts;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	/* SQLite has one writer at a time; this process's writers queue here,
	 * first come first served, and the gate is handed to the next one as
	 * it is released, instead of each polling the file lock in SQLite's
	 * busy handler (which sleeps 1..100 ms between tries, and made waits of
	 * tens of milliseconds the norm under load). FIFO, because a plain
	 * mutex let a thread that writes in a loop (the SMS sender draining a
	 * backlog) take it again before any woken waiter ran. Other processes
	 * (the CLI) still meet the busy handler. */
	/* SQLite writers also share one connection of their own (slots[size],
	 * outside the pool): in WAL mode a connection drops its page cache
	 * whenever another one committed, so with writes spread over the pool
	 * every write transaction started cold and re-read its index pages
	 * with pread inside the single-writer section. */
	int has_writer;
	/* With a writer connection, checkpoints run on a thread and
	 * connection of their own every STORE_CHECKPOINT_MS (SQLite's
	 * automatic checkpoint is off): run by the committing connection, a
	 * checkpoint copied pages and fsync'ed inside the single-writer
	 * section, and every writer waited for the disk. */
	pthread_t ckpt_thread;
	int ckpt_running, ckpt_stop;
	pthread_mutex_t ckpt_mu;
	pthread_cond_t ckpt_cv;
	void *ckpt_conn;
	/* group_commits at the last restart (UINT64_MAX before the first):
	 * while it is unchanged, SQLite has not yet acted on that restart. */
	uint64_t ckpt_restart_commits;
	_Atomic int wal_restart_frames; /* STORE_WAL_RESTART_FRAMES; tests set less */
	pthread_mutex_t gate_mu;
	int gate_held;
	struct store_gate_waiter *gate_head, *gate_tail;
	/* store_write's jobs waiting for the gate, and the arrival count that
	 * orders them with the gate's waiters (first come, first served). */
	struct store_job *jobs_head, *jobs_tail;
	uint64_t gate_arrivals;
	/* Group commit on the writer connection (store_writer.c). The gate's
	 * holder owns group_open, group_members and group_started_ns; the
	 * waiters list is under gate_mu. */
	int group_open;
	int group_members;
	int64_t group_started_ns;
	struct store_group_waiter *group_waiters;
	uint64_t group_commits, group_members_total;
	uint64_t wal_restarts; /* under gate_mu */
	/* the WAL's sequence number at the checkpointer's last look (its own) */
	uint32_t wal_seq;
	int wal_seq_known;
};

/* A member waiting for its group's COMMIT (each its own condition: the
 * COMMIT wakes its own group's members, not those queued for the next). */
struct store_group_waiter {
	struct store_group_waiter *next;
	pthread_cond_t cv;
	int done, rc;
	struct sh_err err;
};

/* A group commits when no writer waits at the gate, or at this many
 * members, or when it has been open this long: a bound on how long a
 * member waits for the others. */
#define STORE_GROUP_MAX 64
#define STORE_GROUP_MAX_NS (5 * 1000000LL)

int store_gate_enter(store *db, struct sh_err *err);
void store_gate_leave(store *db);
/* With the gate held: join (or open) the writer's group. On failure the
 * caller still holds the gate and leaves with store_group_leave(db, 0). */
int store_group_join(store *db, struct sh_err *err);
/* End this member (keep = release its savepoint, else roll it back), then
 * hand the gate on or commit the group. With keep, returns only when the
 * group's COMMIT is done, with its outcome. Gives up the gate. */
int store_group_leave(store *db, int keep, struct sh_err *err);
/* With the gate held by a non-member (the checkpointer): commit a group
 * the gate was handed over with, for its waiting members. */
void store_group_close(store *db);
/* store_write on the writer connection: queue the job, or run it and the
 * jobs queued behind it as members of one group (store_writer.c). */
int store_write_grouped(store *db, store_write_fn fn, void *ctx, struct sh_err *err);
/* store.c's parts of it: the writer's slot made ready for a member, and a
 * member's statements detached once it ends. */
int store_writer_slot_ready(store *db, struct sh_err *err);
void store_tx_detach_stmts(store_tx *tx);
int store_tx_failed_err(struct sh_err *err);

struct store_gate_waiter {
	struct store_gate_waiter *next;
	pthread_cond_t cv; /* each its own: a release wakes the next writer only */
	int granted;
	uint64_t arrival;
};

/* store_write's unit of work, on its caller's stack. The caller sleeps on
 * w.cv until the job is done (w.done, with w.rc and w.err) or until the
 * gate is handed to it (JOB_LEAD): then it runs the queued jobs itself. */
enum store_job_state { JOB_QUEUED, JOB_LEAD, JOB_TAKEN };
struct store_job {
	struct store_job *next;
	store_write_fn fn;
	void *ctx;
	enum store_job_state state;
	uint64_t arrival;
	struct store_group_waiter w;
};

/* Per-connection cache of prepared statements, keyed by SQL text. in_use
 * counts the store_stmts using an entry; only idle entries are evicted. An
 * SQLite statement has one cursor, so it is lent exclusively; a PostgreSQL
 * named statement may be shared. */
#define STORE_CACHE_SIZE 64
struct store_cache_entry {
	char *key;
	uint64_t hash, last_used;
	void *value;
	int in_use;
};
struct store_cache {
	struct store_cache_entry e[STORE_CACHE_SIZE];
	uint64_t tick;
};
/* The entry for key, or NULL; counts one more user. Unless shared, an entry
 * already in use is not returned. */
struct store_cache_entry *store_cache_get(struct store_cache *c, const char *key, int shared);
/* A slot for a new key: an empty one, or the least recently used idle one
 * (its old value passed to drop() first). NULL when all are in use or OOM. */
struct store_cache_entry *store_cache_put(struct store_cache *c, const char *key,
					  void *value, void (*drop)(void *value));
void store_cache_clear(struct store_cache *c, void (*drop)(void *value));

/* Map an SQL text to the backend's dialect (see sql_dialect.c). flags:
 * STORE_SQL_PARAMS translates `?` to `$n` (PostgreSQL), STORE_SQL_STRIP_LOCK
 * drops a trailing FOR UPDATE (SQLite). *out is malloc'd. */
enum { STORE_SQL_PARAMS = 1, STORE_SQL_STRIP_LOCK = 2 };
int store_sql_translate(const char *sql, enum store_backend b, int flags,
			char **out, int *nparams, struct sh_err *err);

#endif
