/* ledger.h — the verification ledger: one record per attempt (consent
 * requested, passcode sent, verified, refused), fraud signals, and the
 * citizen's locks on verification types.
 *
 * The ledger is what citizens see under GET /api/v1/me/verifications and what
 * fraud analytics read (fraud_signals). Biometric verifications use the same
 * record: `type` names the modality and `detail` (JSON) carries what is
 * modality-specific (finger positions, scores, liveness), so nothing changes
 * in the schema when they arrive. All functions run inside the caller's
 * transaction. */
#ifndef SH_LEDGER_LEDGER_H
#define SH_LEDGER_LEDGER_H

#include <stdint.h>

#include "audit/audit.h"
#include "lib/err.h"
#include "store/store.h"

/* The verify module's schema. */
int ledger_migrate(store *db, struct sh_err *err) __attribute__((warn_unused_result));

/* Strings are borrowed; NULL stores NULL. */
struct ledger_entry {
	int64_t id;
	int64_t party_id;        /* 0: the citizen themself */
	const char *party_name;
	const char *id_number;
	const char *consent_id;
	const char *purpose;
	const char *type;        /* "consent", "yesno", "kyc", "fingerprint", ... */
	const char *event;       /* "consent_requested", "passcode_sent", "verified", "refused" */
	const char *result;      /* "yes", "no", "ok", "refused", "failed", "queued" */
	const char *reason;      /* a stable code: "ALL_MATCH", "NAME_MISMATCH", ... */
	const char *detail;      /* JSON or NULL */
	int64_t at;
};

int ledger_record(store_tx *tx, const struct ledger_entry *t, struct sh_err *err)
	__attribute__((warn_unused_result));

/* A person's records, newest first, at most `limit`, with id < before_id
 * when before_id > 0 (paging). fn returns nonzero to stop. */
int ledger_list(store_tx *tx, const char *id_number, int limit, int64_t before_id,
		    int (*fn)(void *ctx, const struct ledger_entry *t), void *ctx,
		    struct sh_err *err) __attribute__((warn_unused_result));

/* Fraud signal (kind e.g. "deceased_attempt", "cancelled_attempt"). */
int ledger_fraud_signal(store_tx *tx, const char *kind, const char *id_number,
			int64_t party_id, const char *consent_id, const char *detail,
			struct sh_err *err) __attribute__((warn_unused_result));
int ledger_fraud_count(store_tx *tx, const char *kind, const char *id_number, int64_t *out,
		       struct sh_err *err) __attribute__((warn_unused_result));

/* The citizen's locks: a bit set of VT_* (consent/policy.h). */
int ledger_locks_get(store_tx *tx, const char *id_number, unsigned *out, struct sh_err *err)
	__attribute__((warn_unused_result));
int ledger_lock_set(store_tx *tx, const struct audit_actor *actor, const char *id_number,
		    unsigned type_bit, int locked, struct sh_err *err)
	__attribute__((warn_unused_result));

#endif
