/* email.h — outbound e-mail: a durable outbox and an SMTP sender (libcurl).
 *
 * Like the SMS outbox (sms.h): a message is written to email_outbox inside
 * the caller's transaction (email_enqueue), so it commits or rolls back with
 * the record that caused it; email_outbox_pump() claims due rows, sends each
 * through SMTP with no transaction open, and marks it sent, or schedules a
 * retry with the SMS backoff (2, 4, ... 300 s) so a failed send is retried
 * and nothing is lost. A delivered row's body is replaced by SMS_REDACTED
 * (verification codes do not stay in the database).
 *
 * The SMTP server comes from the configuration: SHANAKHT_SMTP_URL
 * ("smtp://host:port", or "smtps://..."), SHANAKHT_SMTP_FROM (the envelope
 * and From: address; default "no-reply@shanakht.invalid"). */
#ifndef SH_NOTIFY_EMAIL_H
#define SH_NOTIFY_EMAIL_H

#include <stdint.h>

#include "lib/err.h"
#include "store/store.h"

#define EMAIL_ADDR_MAX 255
#define EMAIL_SUBJECT_MAX 200
#define EMAIL_BODY_MAX 8192

/* The schema (table email_outbox), module "notify_email". */
int email_migrate(store *db, struct sh_err *err) __attribute__((warn_unused_result));

/* 1 when `addr` looks like a deliverable address: one '@', a non-empty
 * local part and a domain with a dot, no spaces or control characters,
 * no CR/LF (header injection), at most EMAIL_ADDR_MAX bytes. */
int email_addr_valid(const char *addr);

/* Queue one message inside tx. kind: a label ("apps.verify"). */
int email_enqueue(store_tx *tx, const char *to, const char *subject, const char *body,
		  const char *kind, int64_t expires_at, struct sh_err *err)
	__attribute__((warn_unused_result));

struct email_smtp {
	char url[256];  /* smtp://host:port */
	char from[EMAIL_ADDR_MAX + 1];
	long timeout_s; /* per message; 0 = 10 */
};
/* From the environment; SH_ERULE SMTP_UNCONFIGURED when no URL is set. */
int email_smtp_env(struct email_smtp *out, struct sh_err *err)
	__attribute__((warn_unused_result));
/* Send one message now (RFC 5322 text, UTF-8 body). */
int email_smtp_send(const struct email_smtp *cfg, const char *to, const char *subject,
		    const char *body, struct sh_err *err) __attribute__((warn_unused_result));

/* Claim and send every due message once; the number sent or a negative
 * status. Exposed so that tests drive the sender step by step. */
int email_outbox_pump(store *db, const struct email_smtp *cfg, int64_t now, struct sh_err *err);

struct email_outbox_counts {
	int64_t pending, sent, expired;
};
int email_outbox_counts(store *db, struct email_outbox_counts *out, struct sh_err *err)
	__attribute__((warn_unused_result));

/* The sender thread of `shanakht serve`: started only when SHANAKHT_SMTP_URL
 * is set (*out stays NULL otherwise, and SH_OK). Stop it with
 * email_service_stop() (NULL is fine). */
struct email_sender;
int email_service_start(store *db, struct email_sender **out, struct sh_err *err)
	__attribute__((warn_unused_result));
void email_service_stop(struct email_sender *s);

#endif
