/* store_writer.c — SQLite's single writer: the FIFO gate that writers of
 * this process queue on, and group commit on the writer connection.
 *
 * Group commit. A write transaction on the writer connection is a member
 * of a group: the first member opens the real transaction (BEGIN
 * IMMEDIATE), each member runs inside a savepoint of its own, and when a
 * member ends, its savepoint is released (kept) or rolled back. If another
 * writer is already waiting at the gate, the member hands it the gate and
 * the still-open transaction, and waits; the member that finds nobody
 * waiting (or a full or old group) commits once for all of them and tells
 * each its result. store_commit therefore still returns only once the
 * member's changes are committed, or with an error if they are not: a
 * failed COMMIT fails every member of the group, and no member has replied
 * anything before.
 *
 * Why: a verification's statements take the writer ~100 us, but its COMMIT
 * writes and appends every touched page (the audit head, the ledger's and
 * the nonce table's last index pages...) to the WAL again. With one COMMIT
 * per group the pages shared by its members are written once, and the
 * single-writer section is no longer the commit's length times the number
 * of requests (docs/benchmarks.md, "Verification").
 *
 * Isolation: a member sees the changes of the members before it in its
 * group, as it would have seen them committed a moment earlier; nothing of
 * a group is visible to readers before its COMMIT. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "lib/parse.h"
#include "store/store_int.h"

static int tx_lost(struct sh_err *err)
{
	return sh_err_set(err, SH_EDB, "STORE_TX_LOST",
			  "the database rolled the write transaction back (I/O error or full "
			  "disk); nothing of it was kept");
}

/* How long a writer waits at the gate: the busy timeout from now. */
static int gate_deadline(store *db, struct timespec *until)
{
	pthread_mutex_lock(&db->mu);
	int ms = db->busy_ms;
	pthread_mutex_unlock(&db->mu);
	clock_gettime(CLOCK_REALTIME, until);
	until->tv_sec += ms / 1000;
	until->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until->tv_nsec >= 1000000000L) {
		until->tv_sec++;
		until->tv_nsec -= 1000000000L;
	}
	return ms;
}

static int gate_timed_out(struct sh_err *err, int ms)
{
	return sh_err_set(err, SH_EBUSY, "STORE_BUSY",
			  "the database is locked by another writer (waited %d ms)", ms);
}

/* With gate_mu held: nobody holds the gate or queues for it. */
static int gate_free_locked(const store *db)
{
	return !db->gate_held && !db->gate_head && !db->jobs_head;
}

/* With gate_mu held: the first queued job came before the first waiting
 * writer (or no writer waits); false when no job is queued. */
static int job_first_locked(const store *db)
{
	return db->jobs_head &&
	       (!db->gate_head || db->jobs_head->arrival < db->gate_head->arrival);
}

/* With gate_mu held: take the first queued job off the queue. */
static struct store_job *job_pop_locked(store *db)
{
	struct store_job *j = db->jobs_head;
	db->jobs_head = j->next;
	if (!db->jobs_head)
		db->jobs_tail = NULL;
	j->next = NULL;
	return j;
}

/* SQLite writers take the gate before a pooled connection, so that writers
 * waiting for it never hold connections that readers need. */
int store_gate_enter(store *db, struct sh_err *err)
{
	pthread_mutex_lock(&db->gate_mu);
	db->gate_arrivals++;
	if (gate_free_locked(db)) {
		db->gate_held = 1;
		pthread_mutex_unlock(&db->gate_mu);
		return SH_OK;
	}
	struct timespec until;
	int ms = gate_deadline(db, &until);
	struct store_gate_waiter w = {.next = NULL, .granted = 0, .arrival = db->gate_arrivals};
	pthread_cond_init(&w.cv, NULL);
	if (db->gate_tail)
		db->gate_tail->next = &w;
	else
		db->gate_head = &w;
	db->gate_tail = &w;
	while (!w.granted)
		if (pthread_cond_timedwait(&w.cv, &db->gate_mu, &until) == ETIMEDOUT && !w.granted)
			break;
	if (!w.granted) { /* give up our place in the queue */
		struct store_gate_waiter **pp = &db->gate_head, *prev = NULL;
		while (*pp != &w) {
			prev = *pp;
			pp = &(*pp)->next;
		}
		*pp = w.next;
		if (db->gate_tail == &w)
			db->gate_tail = prev;
		pthread_mutex_unlock(&db->gate_mu);
		pthread_cond_destroy(&w.cv);
		return gate_timed_out(err, ms);
	}
	pthread_mutex_unlock(&db->gate_mu);
	pthread_cond_destroy(&w.cv);
	return SH_OK;
}

/* With gate_mu held: hand the gate to whoever came first, a writer or a
 * queued job (which then leads the jobs queued behind it), or open it. */
static void gate_pass_locked(store *db)
{
	struct store_gate_waiter *w = db->gate_head;
	if (job_first_locked(db)) {
		struct store_job *j = job_pop_locked(db);
		j->state = JOB_LEAD; /* the gate stays held, now by j's caller */
		pthread_cond_signal(&j->w.cv);
	} else if (w) {
		db->gate_head = w->next;
		if (!db->gate_head)
			db->gate_tail = NULL;
		w->granted = 1; /* the gate stays held, now by w */
		pthread_cond_signal(&w->cv);
	} else {
		db->gate_held = 0;
	}
}

void store_gate_leave(store *db)
{
	pthread_mutex_lock(&db->gate_mu);
	gate_pass_locked(db);
	pthread_mutex_unlock(&db->gate_mu);
}

/* With the gate held: may one more member join the open group? */
static int group_has_room(const store *db)
{
	return db->group_members < STORE_GROUP_MAX &&
	       sh_mono_ns() - db->group_started_ns < STORE_GROUP_MAX_NS;
}

/* With gate_mu held, at a member's end: hand the intact open group on to
 * a waiting writer or job rather than commit it now? */
static int group_pass_due_locked(const store *db, int intact)
{
	return intact && (db->gate_head || db->jobs_head) && group_has_room(db);
}

int store_group_join(store *db, struct sh_err *err)
{
	void *conn = db->slots[db->size].conn;
	int rc;
	if (!db->group_open) {
		if ((rc = db->ops->begin(conn, STORE_WRITE, err)) != SH_OK)
			return rc;
		db->group_open = 1;
		db->group_members = 0;
		db->group_started_ns = sh_mono_ns();
	}
	rc = db->ops->member_begin(conn, err);
	if (rc != SH_OK)
		return rc;
	db->group_members++;
	return SH_OK;
}

/* Finish the open group: one COMMIT for every member waiting on it (or a
 * ROLLBACK when none kept anything, or the transaction is already gone),
 * then each waiter learns the outcome. With the gate held. */
static void group_finish(store *db, int intact)
{
	void *conn = db->slots[db->size].conn;
	struct sh_err e = {0};
	int rc = SH_OK;
	pthread_mutex_lock(&db->gate_mu);
	struct store_group_waiter *w = db->group_waiters;
	db->group_waiters = NULL;
	pthread_mutex_unlock(&db->gate_mu);
	if (!intact) {
		db->ops->rollback(conn);
		rc = tx_lost(&e);
	} else if (w) {
		rc = db->ops->commit(conn, &e);
		if (rc != SH_OK)
			db->ops->rollback(conn);
	} else {
		db->ops->rollback(conn);
	}
	pthread_mutex_lock(&db->gate_mu);
	db->group_open = 0;
	db->group_commits++;
	db->group_members_total += (uint64_t)db->group_members;
	while (w) {
		struct store_group_waiter *next = w->next; /* w may go once done */
		w->rc = rc;
		if (rc != SH_OK) /* else what a store_write job said stays */
			w->err = e;
		w->done = 1;
		pthread_cond_signal(&w->cv);
		w = next;
	}
	pthread_mutex_unlock(&db->gate_mu);
}

void store_group_close(store *db)
{
	if (db->group_open)
		group_finish(db, db->ops->in_tx(db->slots[db->size].conn));
}

int store_group_leave(store *db, int keep, struct sh_err *err)
{
	void *conn = db->slots[db->size].conn;
	struct store_group_waiter self = {0};
	int rc = SH_OK;
	pthread_cond_init(&self.cv, NULL);
	if (keep) {
		rc = db->ops->member_end(conn, 1, err);
		if (rc != SH_OK) {
			db->ops->member_end(conn, 0, NULL);
			keep = 0;
		}
	} else {
		db->ops->member_end(conn, 0, NULL);
	}
	/* SQLite may roll the whole transaction back by itself on some errors
	 * (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM): the members before us
	 * lost their changes too, and must hear it. */
	int intact = db->ops->in_tx(conn);
	if (!intact && keep) {
		keep = 0;
		rc = tx_lost(err);
	}
	pthread_mutex_lock(&db->gate_mu);
	if (keep) {
		self.next = db->group_waiters;
		db->group_waiters = &self;
	}
	if (group_pass_due_locked(db, intact)) {
		gate_pass_locked(db); /* the next writer joins the open group */
		while (keep && !self.done)
			pthread_cond_wait(&self.cv, &db->gate_mu);
		pthread_mutex_unlock(&db->gate_mu);
	} else {
		pthread_mutex_unlock(&db->gate_mu);
		/* Not open when this was a join whose BEGIN failed: nothing
		 * to finish, and no COMMIT to count. */
		if (db->group_open)
			group_finish(db, intact);
		store_gate_leave(db);
	}
	pthread_cond_destroy(&self.cv);
	if (keep && self.rc != SH_OK) {
		if (err)
			*err = self.err;
		rc = self.rc;
	}
	return rc;
}

/* Combined writes (store_write). The caller that finds the gate free leads:
 * it runs its own job as a member of the group, then, on its own thread,
 * every job queued meanwhile, and commits once for all of them. A caller
 * that finds the gate held queues its job and sleeps until the job has run
 * and its group committed. Why: handing the gate from writer to writer
 * wakes each in turn, and on two busy cores the woken thread took ~60 us
 * to run, during which the writer did nothing; under the verification
 * benchmark that was a third of the gate's time (docs/store.md). */

/* With the gate held: run one job as a member of the open group (or of a
 * new one). A job that is kept waits for the group's COMMIT; any other is
 * done now, with its error. */
static void job_run(store *db, struct store_job *j)
{
	struct store_slot *s = &db->slots[db->size];
	struct sh_err e = {0};
	int keep = 0;
	int rc = store_writer_slot_ready(db, &e);
	if (rc == SH_OK) {
		rc = store_group_join(db, &e);
		if (rc != SH_OK && db->group_open)
			db->ops->member_end(s->conn, 0, NULL);
	}
	if (rc == SH_OK) {
		s->tx = (struct store_tx){.db = db, .slot = s, .gated = 1, .grouped = 1};
		/* what fn says into err is its caller's, even when it succeeds */
		rc = j->fn(&s->tx, j->ctx, &j->w.err);
		if (rc != SH_OK)
			e = j->w.err;
		store_tx_detach_stmts(&s->tx);
		if (rc == SH_OK && s->tx.failed)
			rc = store_tx_failed_err(&e);
		s->tx = (struct store_tx){0};
		keep = rc == SH_OK;
		if (keep && (rc = db->ops->member_end(s->conn, 1, &e)) != SH_OK)
			keep = 0;
		if (!keep)
			db->ops->member_end(s->conn, 0, NULL);
	}
	int intact = db->group_open && db->ops->in_tx(s->conn);
	if (!intact && keep) { /* SQLite rolled the whole group back */
		keep = 0;
		rc = tx_lost(&e);
	}
	pthread_mutex_lock(&db->gate_mu);
	if (keep) {
		j->w.next = db->group_waiters;
		db->group_waiters = &j->w;
	} else {
		j->w.rc = rc;
		j->w.err = e;
		j->w.done = 1;
		pthread_cond_signal(&j->w.cv);
	}
	pthread_mutex_unlock(&db->gate_mu);
	if (db->group_open && !intact)
		group_finish(db, 0); /* the members before this one lost theirs too */
}

/* With gate_mu held: take the queued jobs that may join the open group,
 * in order, up to its size, but none that came after a waiting writer. */
static struct store_job *jobs_take_locked(store *db)
{
	struct store_job *first = NULL, **tail = &first;
	int room = STORE_GROUP_MAX - db->group_members;
	if (!db->group_open || !group_has_room(db))
		return NULL;
	while (room-- > 0 && job_first_locked(db)) {
		struct store_job *j = job_pop_locked(db);
		j->state = JOB_TAKEN;
		*tail = j;
		tail = &j->next;
	}
	return first;
}

/* The leader's part: its own job and the queued ones, then hand the gate
 * on (the next writer joins the group) or commit and open it. */
static void jobs_lead(store *db, struct store_job *lead)
{
	struct store_job *batch = lead;
	for (;;) {
		while (batch) {
			struct store_job *next = batch->next; /* batch may go once run */
			job_run(db, batch);
			batch = next;
		}
		pthread_mutex_lock(&db->gate_mu);
		batch = jobs_take_locked(db);
		if (!batch)
			break;
		pthread_mutex_unlock(&db->gate_mu);
	}
	void *conn = db->slots[db->size].conn; /* opened by the first job if need be */
	int intact = db->group_open && conn && db->ops->in_tx(conn);
	if (group_pass_due_locked(db, intact)) {
		gate_pass_locked(db);
		while (!lead->w.done)
			pthread_cond_wait(&lead->w.cv, &db->gate_mu);
		pthread_mutex_unlock(&db->gate_mu);
		return;
	}
	pthread_mutex_unlock(&db->gate_mu);
	if (db->group_open)
		group_finish(db, intact);
	store_gate_leave(db);
}

int store_write_grouped(store *db, store_write_fn fn, void *ctx, struct sh_err *err)
{
	struct store_job self = {.fn = fn, .ctx = ctx, .state = JOB_QUEUED};
	pthread_cond_init(&self.w.cv, NULL);
	pthread_mutex_lock(&db->gate_mu);
	self.arrival = ++db->gate_arrivals;
	if (gate_free_locked(db)) {
		db->gate_held = 1;
		self.state = JOB_LEAD;
	} else {
		if (db->jobs_tail)
			db->jobs_tail->next = &self;
		else
			db->jobs_head = &self;
		db->jobs_tail = &self;
		struct timespec until;
		int ms = gate_deadline(db, &until);
		while (self.state == JOB_QUEUED)
			if (pthread_cond_timedwait(&self.w.cv, &db->gate_mu, &until) == ETIMEDOUT &&
			    self.state == JOB_QUEUED)
				break;
		if (self.state == JOB_QUEUED) { /* give up our place in the queue */
			struct store_job **pp = &db->jobs_head, *prev = NULL;
			while (*pp != &self) {
				prev = *pp;
				pp = &(*pp)->next;
			}
			*pp = self.next;
			if (db->jobs_tail == &self)
				db->jobs_tail = prev;
			pthread_mutex_unlock(&db->gate_mu);
			pthread_cond_destroy(&self.w.cv);
			return gate_timed_out(err, ms);
		}
		while (self.state == JOB_TAKEN && !self.w.done)
			pthread_cond_wait(&self.w.cv, &db->gate_mu);
	}
	pthread_mutex_unlock(&db->gate_mu);
	if (self.state == JOB_LEAD)
		jobs_lead(db, &self);
	pthread_cond_destroy(&self.w.cv);
	if (err)
		*err = self.w.err;
	return self.w.rc;
}
