/* audit_writer.c — the background audit writer: a bounded queue drained by
 * one thread that appends up to AUDIT_BATCH_MAX entries per transaction,
 * reading and writing the tree head once per batch (audit_append_batch).
 *
 * Group commit: once an entry is queued, the writer waits up to
 * AUDIT_WINDOW_MS for more (less when the batch fills, at once on flush or
 * stop) before it commits. Fewer, larger commits matter beyond the commit
 * cost itself: in WAL mode every commit makes each SQLite reader throw away
 * its page cache and memory map at its next transaction (pager_reset and
 * unixUnmapfile in pagerBeginReadTransaction), so committing per read
 * would keep every reader cold.
 *
 * Nothing is dropped: when the queue is full, audit_enqueue waits up to
 * AUDIT_ENQUEUE_WAIT_MS for room and then appends the entry itself in a
 * transaction of its own (so under overload the caller pays the write, and
 * that entry may land before older queued ones). */
#include "audit/audit.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"

struct qentry {
	struct audit_actor actor;
	const char *action, *object, *detail;
	char data[]; /* the strings, packed */
};

static struct {
	pthread_mutex_t mu;
	pthread_cond_t nonempty, space, idle;
	struct qentry *q[AUDIT_QUEUE_CAP];
	size_t head, count;
	int running, stopping, busy, flushing;
	store *db;
	pthread_t thread;
} W = {
	.mu = PTHREAD_MUTEX_INITIALIZER,
	.nonempty = PTHREAD_COND_INITIALIZER,
	.space = PTHREAD_COND_INITIALIZER,
	.idle = PTHREAD_COND_INITIALIZER,
};

static void log_lost(const struct qentry *e, const struct sh_err *err)
{
	/* The database refused even a single-entry transaction: the log line
	 * is the last record of the event, so it carries everything. */
	sh_error("audit: could not append (%s: %s): kind=%s id=%lld name=%s action=%s "
		 "object=%s detail=%s request=%s",
		 err->code, err->msg, e->actor.kind ? e->actor.kind : "-",
		 (long long)e->actor.id, e->actor.name ? e->actor.name : "-", e->action,
		 e->object ? e->object : "-", e->detail ? e->detail : "-",
		 e->actor.request_id ? e->actor.request_id : "-");
}

/* The whole batch in one transaction with one read and one write of the
 * tree head (audit_append_batch). */
static int write_batch(store *db, struct qentry **b, size_t n, struct sh_err *err)
{
	struct audit_item items[AUDIT_BATCH_MAX];
	for (size_t i = 0; i < n; i++)
		items[i] = (struct audit_item){&b[i]->actor, b[i]->action, b[i]->object,
					       b[i]->detail};
	store_tx *tx = NULL;
	int rc = store_begin(db, STORE_WRITE, &tx, err);
	if (rc != SH_OK)
		return rc;
	rc = audit_append_batch(tx, items, n, err);
	if (rc != SH_OK) {
		store_rollback(tx);
		return rc;
	}
	return store_commit(tx, err);
}

static void write_with_retry(store *db, struct qentry **b, size_t n)
{
	struct sh_err err;
	for (int attempt = 0; attempt < 3; attempt++) {
		if (write_batch(db, b, n, &err) == SH_OK)
			return;
		sh_warn("audit: batch of %zu failed (%s: %s), retrying", n, err.code, err.msg);
		usleep(100000u * (unsigned)(attempt + 1));
	}
	/* One bad entry must not take the batch with it. */
	for (size_t i = 0; i < n; i++)
		if (audit_record(db, &b[i]->actor, b[i]->action, b[i]->object, b[i]->detail,
				 &err) != SH_OK)
			log_lost(b[i], &err);
}

static void deadline_in(struct timespec *t, long ms)
{
	clock_gettime(CLOCK_REALTIME, t);
	t->tv_nsec += ms * 1000000L;
	t->tv_sec += t->tv_nsec / 1000000000L;
	t->tv_nsec %= 1000000000L;
}

static void *writer_main(void *arg)
{
	(void)arg;
	struct qentry *batch[AUDIT_BATCH_MAX];
	pthread_mutex_lock(&W.mu);
	for (;;) {
		while (W.count == 0 && !W.stopping)
			pthread_cond_wait(&W.nonempty, &W.mu);
		if (W.count == 0 && W.stopping)
			break;
		if (W.count < AUDIT_BATCH_MAX && !W.stopping && !W.flushing) {
			/* The group-commit window (audit_enqueue signals when the
			 * batch is full, flush and stop signal too). */
			struct timespec until;
			deadline_in(&until, AUDIT_WINDOW_MS);
			while (W.count < AUDIT_BATCH_MAX && !W.stopping && !W.flushing)
				if (pthread_cond_timedwait(&W.nonempty, &W.mu, &until) == ETIMEDOUT)
					break;
		}
		size_t n = 0;
		while (W.count > 0 && n < AUDIT_BATCH_MAX) {
			batch[n++] = W.q[W.head];
			W.head = (W.head + 1) % AUDIT_QUEUE_CAP;
			W.count--;
		}
		W.busy = 1;
		pthread_cond_broadcast(&W.space);
		store *db = W.db;
		pthread_mutex_unlock(&W.mu);

		write_with_retry(db, batch, n);
		for (size_t i = 0; i < n; i++)
			free(batch[i]);

		pthread_mutex_lock(&W.mu);
		W.busy = 0;
		if (W.count == 0)
			pthread_cond_broadcast(&W.idle);
	}
	/* Stopped with an empty queue: later enqueues append synchronously. */
	W.running = 0;
	pthread_cond_broadcast(&W.idle);
	pthread_mutex_unlock(&W.mu);
	return NULL;
}

int audit_writer_start(store *db, struct sh_err *err)
{
	pthread_mutex_lock(&W.mu);
	if (W.running) {
		pthread_mutex_unlock(&W.mu);
		return sh_err_set(err, SH_ECONFLICT, "AUDIT_WRITER_RUNNING",
				  "the audit writer is already running");
	}
	W.db = db;
	W.head = W.count = 0;
	W.stopping = W.busy = W.flushing = 0;
	W.running = 1;
	int e = pthread_create(&W.thread, NULL, writer_main, NULL);
	if (e != 0) {
		W.running = 0;
		pthread_mutex_unlock(&W.mu);
		return sh_err_set(err, SH_EINTERNAL, "THREAD", "cannot start the audit writer: %s",
				  strerror(e));
	}
	pthread_mutex_unlock(&W.mu);
	return SH_OK;
}

static struct qentry *qentry_new(const struct audit_actor *a, const char *action,
				 const char *object, const char *detail)
{
	const char *s[] = {a ? a->kind : NULL,       a ? a->name : NULL, a ? a->role : NULL,
			   a ? a->request_id : NULL, a ? a->client_addr : NULL,
			   action,                   object,             detail};
	enum { N = sizeof s / sizeof s[0] };
	size_t total = 0;
	for (int i = 0; i < N; i++)
		total += s[i] ? strlen(s[i]) + 1 : 0;
	struct qentry *e = malloc(sizeof *e + total);
	if (!e)
		return NULL;
	const char *copy[N];
	char *p = e->data;
	for (int i = 0; i < N; i++) {
		copy[i] = NULL;
		if (!s[i])
			continue;
		size_t l = strlen(s[i]) + 1;
		memcpy(p, s[i], l);
		copy[i] = p;
		p += l;
	}
	e->actor = (struct audit_actor){copy[0], a ? a->id : 0, copy[1], copy[2], copy[3], copy[4]};
	e->action = copy[5];
	e->object = copy[6];
	e->detail = copy[7];
	return e;
}

void audit_enqueue(const struct audit_actor *actor, const char *action, const char *object,
		   const char *detail)
{
	struct sh_err err;
	struct qentry *e = qentry_new(actor, action, object, detail);
	if (!e) {
		sh_error("audit: out of memory queueing %s %s", action ? action : "-",
			 object ? object : "-");
		return;
	}
	pthread_mutex_lock(&W.mu);
	if (!W.running) {
		pthread_mutex_unlock(&W.mu);
		sh_err_set(&err, SH_EINTERNAL, "AUDIT_WRITER_STOPPED", "audit writer not running");
		log_lost(e, &err);
		free(e);
		return;
	}
	if (W.count == AUDIT_QUEUE_CAP) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += AUDIT_ENQUEUE_WAIT_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		while (W.count == AUDIT_QUEUE_CAP && W.running)
			if (pthread_cond_timedwait(&W.space, &W.mu, &until) == ETIMEDOUT)
				break;
	}
	if (W.running && W.count < AUDIT_QUEUE_CAP) {
		W.q[(W.head + W.count) % AUDIT_QUEUE_CAP] = e;
		W.count++;
		/* Wake the writer for the first entry and for a full batch only:
		 * in between it is waiting out its window anyway. */
		if (W.count == 1 || W.count == AUDIT_BATCH_MAX)
			pthread_cond_signal(&W.nonempty);
		pthread_mutex_unlock(&W.mu);
		return;
	}
	store *db = W.db;
	pthread_mutex_unlock(&W.mu);
	/* Full (or stopped meanwhile): append now rather than drop. */
	if (!db)
		sh_err_set(&err, SH_EINTERNAL, "AUDIT_WRITER_STOPPED", "audit writer stopped");
	if (!db || audit_record(db, &e->actor, e->action, e->object, e->detail, &err) != SH_OK)
		log_lost(e, &err);
	free(e);
}

void audit_writer_flush(void)
{
	pthread_mutex_lock(&W.mu);
	W.flushing++; /* no window while anyone waits here */
	pthread_cond_broadcast(&W.nonempty);
	while (W.running && (W.count > 0 || W.busy))
		pthread_cond_wait(&W.idle, &W.mu);
	W.flushing--;
	pthread_mutex_unlock(&W.mu);
}

void audit_writer_stop(void)
{
	pthread_mutex_lock(&W.mu);
	if (!W.running || W.stopping) {
		pthread_mutex_unlock(&W.mu);
		return;
	}
	W.stopping = 1;
	pthread_cond_broadcast(&W.nonempty);
	pthread_mutex_unlock(&W.mu);
	pthread_join(W.thread, NULL);
	pthread_mutex_lock(&W.mu);
	W.stopping = 0;
	W.db = NULL;
	pthread_mutex_unlock(&W.mu);
}
