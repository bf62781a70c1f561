/* sms_outbox.c — the durable SMS outbox: schema, enqueue, and one sender pass.
 *
 * Delivery is at-least-once: a row is claimed ("sending") in one short
 * transaction, sent with no transaction open (a slow gateway never holds the
 * write lock), then marked in another. A process that dies between claim and
 * mark leaves the row "sending"; any sender re-claims it after
 * SMS_CLAIM_TIMEOUT seconds. */
#include "notify/sms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/parse.h"

#define SMS_CLAIM_TIMEOUT 60


static const struct store_migration notify_migrations[] = {
	{1, "sms outbox",
	 "CREATE TABLE sms_outbox ("
	 " id {{PK}},"
	 " to_number TEXT NOT NULL,"
	 " text TEXT NOT NULL,"
	 " kind TEXT NOT NULL,"
	 " state TEXT NOT NULL DEFAULT 'pending'," /* pending|sending|sent|expired|withheld */
	 " attempts BIGINT NOT NULL DEFAULT 0,"
	 " next_at BIGINT NOT NULL,"
	 " expires_at BIGINT NOT NULL DEFAULT 0,"
	 " claimed_at BIGINT NOT NULL DEFAULT 0,"
	 " last_error TEXT,"
	 " created_at BIGINT NOT NULL,"
	 " sent_at BIGINT);"
	 "CREATE INDEX sms_outbox_due ON sms_outbox(state, next_at);"},
};

int notify_migrate(store *db, struct sh_err *err)
{
	return store_migrate(db, "notify", notify_migrations,
			     sizeof notify_migrations / sizeof notify_migrations[0], err);
}

int sms_enqueue(store_tx *tx, const char *to, const char *text, const char *kind,
		int64_t expires_at, int64_t *id_out, struct sh_err *err)
{
	if (!to || !*to || strlen(to) >= SMS_NUMBER_MAX)
		return sh_err_set(err, SH_EINVAL, "SMS_BAD_NUMBER", "bad SMS destination");
	if (!text || !*text || strlen(text) >= SMS_TEXT_MAX)
		return sh_err_set(err, SH_EINVAL, "SMS_BAD_TEXT", "SMS text empty or too long");
	int64_t now = sh_now();
	store_stmt *st = NULL;
	int rc = store_query(tx, &st, err,
			     "INSERT INTO sms_outbox(to_number, text, kind, next_at, expires_at,"
			     " created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
			     "tttiii", to, text, kind ? kind : "sms", now, expires_at, now);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		if (id_out)
			*id_out = store_col_int(st, 0);
		rc = SH_OK;
	} else if (rc == STORE_DONE) {
		rc = sh_err_set(err, SH_EDB, "SMS_ENQUEUE", "no id returned");
	}
	store_finalize(st);
	return rc;
}

int sms_withhold(store_tx *tx, const char *kind, int64_t expires_at, struct sh_err *err)
{
	int64_t now = sh_now();
	int rc = store_run(tx, err,
			   "INSERT INTO sms_outbox(to_number, text, kind, state, next_at, expires_at,"
			   " created_at) VALUES ('', '', ?, 'withheld', ?, ?, ?)",
			   "tiii", kind ? kind : "sms", now, expires_at, now);
	return rc < 0 ? rc : SH_OK;
}

int64_t sms_backoff_seconds(int attempts)
{
	if (attempts < 1)
		return 0;
	if (attempts >= 9)
		return 300;
	int64_t s = (int64_t)1 << attempts; /* 2, 4, 8, ... */
	return s > 300 ? 300 : s;
}

struct claimed {
	int64_t id;
	int attempts;
	int64_t expires_at;
	char to[SMS_NUMBER_MAX];
	char *text;
};

/* Rows of one claim query into out[*n..max). */
static int claim_rows(store_stmt *st, struct claimed *out, int *n, int max, struct sh_err *err)
{
	int rc = STORE_DONE;
	while (*n < max && (rc = store_step(st, err)) == STORE_ROW) {
		struct claimed *c = &out[*n];
		c->id = store_col_int(st, 0);
		c->attempts = (int)store_col_int(st, 1);
		c->expires_at = store_col_int(st, 2);
		snprintf(c->to, sizeof c->to, "%s", store_col_text(st, 3));
		c->text = strdup(store_col_text(st, 4));
		if (!c->text)
			return sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");
		(*n)++;
	}
	return *n < max && rc < 0 ? rc : SH_OK;
}

/* Claim up to SMS_PUMP_BATCH due rows: first claims that timed out (a
 * sender died mid-send), then pending rows in due order.
 *
 * Two queries, each an ordered walk of sms_outbox_due (state, next_at)
 * that stops at the limit. The single query with an OR of both made SQLite
 * collect every due row of both states and sort them (MULTI-INDEX OR): with
 * a backlog of 190,000 pending messages each pass scanned all of them while
 * holding the write lock, and verifications queued behind it. */
static int outbox_claim(store *db, int64_t now, struct claimed *out, int *n, struct sh_err *err)
{
	store_tx *tx = NULL;
	store_stmt *st = NULL;
	*n = 0;
	int rc = store_begin(db, STORE_WRITE, &tx, err);
	if (rc != SH_OK)
		return rc;
	rc = store_query(tx, &st, err,
			 "SELECT id, attempts, expires_at, to_number, text FROM sms_outbox"
			 " WHERE state = 'sending' AND claimed_at <= ?"
			 " ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED",
			 "ii", now - SMS_CLAIM_TIMEOUT, (int64_t)SMS_PUMP_BATCH);
	if (rc == SH_OK)
		rc = claim_rows(st, out, n, SMS_PUMP_BATCH, err);
	store_finalize(st);
	st = NULL;
	if (rc == SH_OK && *n < SMS_PUMP_BATCH) {
		rc = store_query(tx, &st, err,
				 "SELECT id, attempts, expires_at, to_number, text FROM sms_outbox"
				 " WHERE state = 'pending' AND next_at <= ?"
				 " ORDER BY next_at, id LIMIT ? FOR UPDATE SKIP LOCKED",
				 "ii", now, (int64_t)(SMS_PUMP_BATCH - *n));
		if (rc == SH_OK)
			rc = claim_rows(st, out, n, SMS_PUMP_BATCH, err);
		store_finalize(st);
		st = NULL;
	}
	if (rc < 0)
		goto out;
	for (int i = 0; i < *n; i++) {
		rc = store_run(tx, err,
			       "UPDATE sms_outbox SET state = 'sending', claimed_at = ? WHERE id = ?",
			       "ii", now, out[i].id);
		if (rc < 0)
			goto out;
	}
	rc = store_commit(tx, err);
	tx = NULL;
out:
	store_finalize(st);
	if (tx)
		store_rollback(tx);
	if (rc < 0) {
		for (int i = 0; i < *n; i++)
			free(out[i].text);
		*n = 0;
		return rc;
	}
	return SH_OK;
}

/* What became of one claimed row. */
struct outcome {
	const char *state; /* "sent", "pending" (retry), "expired" */
	int64_t next_at;
	char error[sizeof ((struct sh_err *)0)->msg];
};

/* Record a pass's outcomes in one transaction. One write per message made
 * the sender, draining a backlog, take the write lock thousands of times a
 * second; delivery stays at least once either way (a crash after sending
 * and before this commit re-sends once the claims time out). */
static int outbox_mark(store *db, const struct claimed *c, const struct outcome *o, int n,
		       int64_t now, struct sh_err *err)
{
	store_tx *tx = NULL;
	store_stmt *st = NULL;
	int rc = store_begin(db, STORE_WRITE, &tx, err);
	if (rc != SH_OK)
		return rc;
	rc = store_prepare(tx,
			   "UPDATE sms_outbox SET state = ?, attempts = ?, next_at = ?, last_error = ?,"
			   " sent_at = ?, text = COALESCE(?, text) WHERE id = ?",
			   &st, err);
	for (int i = 0; rc == SH_OK && i < n; i++) {
		int sent = strcmp(o[i].state, "sent") == 0;
		/* Delivered or past use: the text (a passcode, often) goes in the
		 * same transaction; a retry keeps it for the next attempt. */
		int done = sent || strcmp(o[i].state, "expired") == 0;
		int64_t attempts = c[i].attempts + (strcmp(o[i].state, "expired") ? 1 : 0);
		store_reset(st);
		if (store_bind_text(st, 1, o[i].state) || store_bind_int(st, 2, attempts) ||
		    store_bind_int(st, 3, o[i].next_at) ||
		    store_bind_text(st, 4, o[i].error[0] ? o[i].error : NULL) ||
		    store_bind_int(st, 5, sent ? now : 0) ||
		    store_bind_text(st, 6, done ? SMS_REDACTED : NULL) ||
		    store_bind_int(st, 7, c[i].id))
			rc = sh_err_set(err, SH_EDB, "STORE_BIND", "cannot bind outbox update");
		else if ((rc = store_step(st, err)) >= 0)
			rc = SH_OK;
	}
	store_finalize(st);
	if (rc != SH_OK) {
		store_rollback(tx);
		return rc;
	}
	return store_commit(tx, err);
}

int sms_outbox_pump(store *db, struct sms_gateway *gw, int64_t now, struct sh_err *err)
{
	struct claimed batch[SMS_PUMP_BATCH];
	struct outcome res[SMS_PUMP_BATCH];
	int n = 0, sent = 0;
	int rc = outbox_claim(db, now, batch, &n, err);
	if (rc != SH_OK)
		return rc;
	for (int i = 0; i < n; i++) {
		struct claimed *c = &batch[i];
		struct sh_err gerr = {0};
		res[i] = (struct outcome){.state = "sent", .next_at = now};
		if (c->expires_at > 0 && c->expires_at <= now) {
			res[i].state = "expired";
			snprintf(res[i].error, sizeof res[i].error, "expired before delivery");
		} else if (gw->send(gw, c->to, c->text, &gerr) == SH_OK) {
			sent++;
		} else {
			int64_t wait = sms_backoff_seconds(c->attempts + 1);
			sh_warn("sms: %s gateway failed for outbox #%lld (attempt %d, retry in %llds): %s",
				gw->name, (long long)c->id, c->attempts + 1, (long long)wait, gerr.msg);
			res[i].state = "pending";
			res[i].next_at = now + wait;
			snprintf(res[i].error, sizeof res[i].error, "%s", gerr.msg);
		}
	}
	if (n > 0)
		rc = outbox_mark(db, batch, res, n, now, err);
	for (int i = 0; i < n; i++)
		free(batch[i].text);
	return rc != SH_OK ? rc : sent;
}

int sms_outbox_counts(store *db, struct sms_outbox_counts *out, struct sh_err *err)
{
	store_tx *tx = NULL;
	store_stmt *st = NULL;
	memset(out, 0, sizeof *out);
	int rc = store_begin(db, STORE_READ, &tx, err);
	if (rc != SH_OK)
		return rc;
	rc = store_query(tx, &st, err, "SELECT state, COUNT(*) FROM sms_outbox GROUP BY state", "");
	if (rc != SH_OK)
		goto out;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const char *s = store_col_text(st, 0);
		int64_t c = store_col_int(st, 1);
		if (!strcmp(s, "pending") || !strcmp(s, "sending"))
			out->pending += c;
		else if (!strcmp(s, "sent"))
			out->sent += c;
		else if (!strcmp(s, "expired"))
			out->expired += c;
	}
	if (rc > 0)
		rc = SH_OK;
out:
	store_finalize(st);
	store_rollback(tx);
	return rc < 0 ? rc : SH_OK;
}
