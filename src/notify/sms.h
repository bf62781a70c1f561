/* sms.h — outbound SMS: a durable outbox, gateways, and a sender thread.
 *
 * A message is first written to the sms_outbox table inside the caller's
 * transaction (sms_enqueue), so it commits or rolls back together with the
 * record that caused it (a consent, a registration). A background sender
 * (sms_sender_start) claims due rows, hands them to a gateway and marks them
 * sent; a failure schedules a retry with exponential backoff. An API request
 * therefore never waits for a gateway, and a gateway outage never loses a
 * message: rows stay pending until sent, or until their expiry passes (a
 * passcode that can no longer be used), when they are marked expired.
 *
 * A text is kept only while delivery needs it: the transaction that marks
 * a row sent (or expired) replaces its text by SMS_REDACTED, so a copy of
 * the database holds no passcode that was ever delivered (security.md).
 *
 * Gateways:
 *   - "file" (the embedded default, for demonstrations only): appends one
 *     JSON object per line to VAR/sms-outbox.log (created mode 0600),
 *     {"to":...,"text":...,"at":...,"delivered":false,"note":"DEMO ONLY..."},
 *     so that nobody mistakes the file for delivered mail. It holds the
 *     texts, passcodes included, in the clear: never use it in production.
 *   - "kannel:URL": Kannel's smsbox sendsms interface over HTTP (libcurl),
 *     URL like http://127.0.0.1:13013/cgi-bin/sendsms?username=u&password=p&from=8300
 *     (to, text, charset and coding are appended). */
#ifndef SH_NOTIFY_SMS_H
#define SH_NOTIFY_SMS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"
#include "store/store.h"

#define SMS_TEXT_MAX 1024 /* bytes of UTF-8; Kannel splits into parts */
#define SMS_NUMBER_MAX 24
#define SMS_PUMP_BATCH 32 /* rows claimed per sender pass */

/* The module's schema (table sms_outbox). */
int notify_migrate(store *db, struct sh_err *err) __attribute__((warn_unused_result));

/* Queue one message inside `tx`. to: E.164 ("+923001234567"); kind: a short
 * label for operators ("consent.passcode", "mobile.confirm", "sms.reply");
 * expires_at: Unix seconds after which sending is pointless (0 = never).
 * *id_out (may be NULL) receives the row id. */
int sms_enqueue(store_tx *tx, const char *to, const char *text, const char *kind,
		int64_t expires_at, int64_t *id_out, struct sh_err *err)
	__attribute__((warn_unused_result));

/* What a delivered or expired row's text becomes. */
#define SMS_REDACTED "(redacted after delivery)"

/* Record, inside tx, that a message of `kind` was NOT sent: one outbox row
 * in state 'withheld', with no number and no text, that the sender never
 * claims. Callers that must do the same work whether or not a message goes
 * out (consent requests, docs/decisions.md D5) write this instead. */
int sms_withhold(store_tx *tx, const char *kind, int64_t expires_at, struct sh_err *err)
	__attribute__((warn_unused_result));

/* A gateway sends one message now, or fails (the sender retries). */
struct sms_gateway {
	const char *name; /* "file", "kannel" */
	int (*send)(struct sms_gateway *gw, const char *to, const char *text,
		    struct sh_err *err);
	void (*free)(struct sms_gateway *gw);
};

/* spec: NULL, "" or "file" for the embedded gateway writing to
 * var_dir/sms-outbox.log; "kannel:URL" for Kannel. The caller frees the
 * gateway with sms_gateway_free(). */
int sms_gateway_open(const char *spec, const char *var_dir, struct sms_gateway **out,
		     struct sh_err *err) __attribute__((warn_unused_result));
void sms_gateway_free(struct sms_gateway *gw);

/* The individual constructors (sms_gateway_open picks one). */
int sms_gateway_file(const char *path, struct sms_gateway **out, struct sh_err *err)
	__attribute__((warn_unused_result));
int sms_gateway_kannel(const char *sendsms_url, struct sms_gateway **out, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Claim and send every due message once (one pass of the sender). Returns
 * the number sent (>= 0) or a negative status for a store failure. `now` is
 * Unix seconds. Exposed so that tests can drive the sender step by step. */
int sms_outbox_pump(store *db, struct sms_gateway *gw, int64_t now, struct sh_err *err);

/* Retry schedule: seconds to wait after the n-th failed attempt (n >= 1):
 * 2, 4, 8, ... capped at 300. */
int64_t sms_backoff_seconds(int attempts);

struct sms_outbox_counts {
	int64_t pending, sent, expired;
};
int sms_outbox_counts(store *db, struct sms_outbox_counts *out, struct sh_err *err)
	__attribute__((warn_unused_result));

/* The background sender: a thread that pumps the outbox every poll_ms
 * (0 = 200 ms) and on sms_sender_wake(). Takes ownership of `gw`. */
struct sms_sender;
int sms_sender_start(store *db, struct sms_gateway *gw, int poll_ms, struct sms_sender **out,
		     struct sh_err *err) __attribute__((warn_unused_result));
void sms_sender_wake(struct sms_sender *s);
/* Stops the thread after its current pass and frees the gateway. */
void sms_sender_stop(struct sms_sender *s);

/* For `shanakht serve`: the gateway named by SHANAKHT_SMS_GATEWAY (unset =
 * the embedded file gateway under var_dir) and a started sender. Stop it
 * with sms_sender_stop(). */
int sms_service_start(store *db, const char *var_dir, struct sms_sender **out,
		      struct sh_err *err) __attribute__((warn_unused_result));

#endif
