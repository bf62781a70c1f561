/* email_outbox.c — the durable e-mail outbox: schema, enqueue, one pass.
 *
 * Delivery is at least once, as for SMS (sms_outbox.c): rows are claimed
 * ("sending") in a short transaction, sent with none open (a slow SMTP
 * server never holds the write lock), then marked; a claim older than
 * EMAIL_CLAIM_TIMEOUT is taken again, so a sender that died mid-send loses
 * nothing. */
#include "notify/email.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/parse.h"
#include "notify/sms.h"

#define EMAIL_CLAIM_TIMEOUT 120
#define EMAIL_PUMP_BATCH 16

static const struct store_migration email_migrations[] = {
	{1, "email outbox",
	 "CREATE TABLE email_outbox ("
	 " id {{PK}},"
	 " to_addr TEXT NOT NULL,"
	 " subject TEXT NOT NULL,"
	 " body TEXT NOT NULL,"
	 " kind TEXT NOT NULL,"
	 " state TEXT NOT NULL DEFAULT 'pending'," /* pending|sending|sent|expired */
	 " attempts BIGINT NOT NULL DEFAULT 0,"
	 " next_at BIGINT NOT NULL,"
	 " expires_at BIGINT NOT NULL DEFAULT 0,"
	 " claimed_at BIGINT NOT NULL DEFAULT 0,"
	 " last_error TEXT,"
	 " created_at BIGINT NOT NULL,"
	 " sent_at BIGINT);"
	 "CREATE INDEX email_outbox_due ON email_outbox(state, next_at);"},
};

int email_migrate(store *db, struct sh_err *err)
{
	return store_migrate(db, "notify_email", email_migrations,
			     sizeof email_migrations / sizeof email_migrations[0], err);
}

int email_addr_valid(const char *addr)
{
	size_t n = addr ? strlen(addr) : 0;
	if (n < 5 || n > EMAIL_ADDR_MAX)
		return 0;
	const char *at = strchr(addr, '@');
	if (!at || at == addr || strchr(at + 1, '@'))
		return 0;
	const char *dot = strrchr(at + 1, '.');
	if (!dot || dot == at + 1 || dot[1] == '\0')
		return 0;
	for (const unsigned char *p = (const unsigned char *)addr; *p; p++)
		if (*p <= 0x20 || *p == 0x7f || *p == '<' || *p == '>' || *p == ',' ||
		    *p == ';' || *p == '"' || *p == '\\')
			return 0;
	return 1;
}

static int text_clean(const char *s, size_t max, int allow_newlines)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n >= max)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && !(allow_newlines && (*p == '\n'))) || *p == 0x7f)
			return 0;
	return 1;
}

int email_enqueue(store_tx *tx, const char *to, const char *subject, const char *body,
		  const char *kind, int64_t expires_at, struct sh_err *err)
{
	if (!email_addr_valid(to))
		return sh_err_set(err, SH_EINVAL, "EMAIL_BAD_ADDRESS", "bad e-mail address");
	/* No CR/LF in a subject: it is a header line. */
	if (!text_clean(subject, EMAIL_SUBJECT_MAX, 0) || !text_clean(body, EMAIL_BODY_MAX, 1))
		return sh_err_set(err, SH_EINVAL, "EMAIL_BAD_TEXT", "e-mail subject or body invalid");
	int64_t now = sh_now();
	int rc = store_run(tx, err,
			   "INSERT INTO email_outbox(to_addr, subject, body, kind, next_at, expires_at,"
			   " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			   "ttttiii", to, subject, body, kind ? kind : "email", now, expires_at, now);
	return rc < 0 ? rc : SH_OK;
}

struct claimed {
	int64_t id;
	int attempts;
	int64_t expires_at;
	char to[EMAIL_ADDR_MAX + 1];
	char subject[EMAIL_SUBJECT_MAX];
	char *body;
};

static int claim(store *db, int64_t now, struct claimed *out, int *n, struct sh_err *err)
{
	store_tx *tx = NULL;
	store_stmt *st = NULL;
	*n = 0;
	int rc = store_begin(db, STORE_WRITE, &tx, err);
	if (rc != SH_OK)
		return rc;
	rc = store_query(tx, &st, err,
			 "SELECT id, attempts, expires_at, to_addr, subject, body FROM email_outbox"
			 " WHERE (state = 'pending' AND next_at <= ?)"
			 " OR (state = 'sending' AND claimed_at <= ?)"
			 " ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED",
			 "iii", now, now - EMAIL_CLAIM_TIMEOUT, (int64_t)EMAIL_PUMP_BATCH);
	while (rc == SH_OK && *n < EMAIL_PUMP_BATCH) {
		int s = store_step(st, err);
		if (s != STORE_ROW) {
			rc = s < 0 ? s : SH_OK;
			break;
		}
		struct claimed *c = &out[*n];
		c->id = store_col_int(st, 0);
		c->attempts = (int)store_col_int(st, 1);
		c->expires_at = store_col_int(st, 2);
		snprintf(c->to, sizeof c->to, "%s", store_col_text(st, 3));
		snprintf(c->subject, sizeof c->subject, "%s", store_col_text(st, 4));
		c->body = strdup(store_col_text(st, 5));
		if (!c->body) {
			rc = sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");
			break;
		}
		(*n)++;
	}
	store_finalize(st);
	for (int i = 0; rc == SH_OK && i < *n; i++) {
		int r = store_run(tx, err,
				  "UPDATE email_outbox SET state = 'sending', claimed_at = ? WHERE id = ?",
				  "ii", now, out[i].id);
		rc = r < 0 ? r : SH_OK;
	}
	if (rc == SH_OK)
		rc = store_commit(tx, err);
	else
		store_rollback(tx);
	if (rc != SH_OK) {
		for (int i = 0; i < *n; i++)
			free(out[i].body);
		*n = 0;
	}
	return rc;
}

static int mark(store *db, const struct claimed *c, const char *state, int64_t next_at,
		const char *error, int64_t now, struct sh_err *err)
{
	store_tx *tx = NULL;
	int rc = store_begin(db, STORE_WRITE, &tx, err);
	if (rc != SH_OK)
		return rc;
	int sent = strcmp(state, "sent") == 0;
	int done = sent || strcmp(state, "expired") == 0;
	/* Delivered or past use: the body (often a code) goes now. */
	rc = store_run(tx, err,
		       "UPDATE email_outbox SET state = ?, attempts = ?, next_at = ?, last_error = ?,"
		       " sent_at = ?, body = COALESCE(?, body) WHERE id = ?",
		       "tiititi", state, (int64_t)c->attempts + (sent || !done ? 1 : 0), next_at,
		       error, sent ? now : (int64_t)0, done ? SMS_REDACTED : NULL, c->id);
	if (rc < 0) {
		store_rollback(tx);
		return rc;
	}
	return store_commit(tx, err);
}

int email_outbox_pump(store *db, const struct email_smtp *cfg, int64_t now, struct sh_err *err)
{
	struct claimed batch[EMAIL_PUMP_BATCH];
	int n = 0, sent = 0;
	int rc = claim(db, now, batch, &n, err);
	if (rc != SH_OK)
		return rc;
	for (int i = 0; i < n; i++) {
		struct claimed *c = &batch[i];
		struct sh_err serr = {0};
		if (rc != SH_OK)
			break;
		if (c->expires_at > 0 && c->expires_at <= now) {
			rc = mark(db, c, "expired", now, "expired before delivery", now, err);
		} else if (email_smtp_send(cfg, c->to, c->subject, c->body, &serr) == SH_OK) {
			rc = mark(db, c, "sent", now, NULL, now, err);
			sent++;
		} else {
			int64_t wait = sms_backoff_seconds(c->attempts + 1);
			sh_warn("email: send failed for outbox #%lld (attempt %d, retry in %llds): %s",
				(long long)c->id, c->attempts + 1, (long long)wait, serr.msg);
			rc = mark(db, c, "pending", now + wait, serr.msg, now, err);
		}
	}
	for (int i = 0; i < n; i++)
		free(batch[i].body);
	return rc != SH_OK ? rc : sent;
}

int email_outbox_counts(store *db, struct email_outbox_counts *out, struct sh_err *err)
{
	store_tx *tx = NULL;
	store_stmt *st = NULL;
	memset(out, 0, sizeof *out);
	int rc = store_begin(db, STORE_READ, &tx, err);
	if (rc != SH_OK)
		return rc;
	rc = store_query(tx, &st, err, "SELECT state, COUNT(*) FROM email_outbox GROUP BY state",
			 "");
	while (rc == SH_OK && (rc = store_step(st, err)) == STORE_ROW) {
		const char *s = store_col_text(st, 0);
		int64_t c = store_col_int(st, 1);
		if (!strcmp(s, "pending") || !strcmp(s, "sending"))
			out->pending += c;
		else if (!strcmp(s, "sent"))
			out->sent += c;
		else if (!strcmp(s, "expired"))
			out->expired += c;
		rc = SH_OK;
	}
	store_finalize(st);
	store_rollback(tx);
	return rc < 0 ? rc : SH_OK;
}
