/* consent.h — the citizen's consent: a 6-digit passcode sent by SMS.
 *
 * consent_request() makes a passcode with the CSPRNG, stores only a keyed
 * hash of it bound to (consent id, party, person, purpose), and queues the
 * SMS (English and Urdu, naming the party and the purpose) to the person's
 * registered mobile in the same transaction. It answers identically for
 * unknown numbers, numbers without a mobile and dead or cancelled identities
 * (a consent that can never verify is stored all the same), so the API cannot
 * be used to learn who is registered.
 *
 * consent_redeem() checks a passcode: constant-time comparison, single use,
 * expiry (default 5 min, never over 10: NIST SP 800-63B 5.1.3.2), at most
 * otp_max_tries wrong tries per passcode, and per person escalating delays
 * after person_free_failures consecutive failures and a lock of the factor at
 * person_max_failures (<= 100, SP 800-63B 5.2.2). The per-person counters
 * are kept apart for relying parties' consents and for the citizen's own
 * sign-in (party 0), so anonymous sign-in failures never throttle a bank. */
#ifndef SH_CONSENT_CONSENT_H
#define SH_CONSENT_CONSENT_H

#include <jansson.h>
#include <stdint.h>

#include "audit/audit.h"
#include "consent/config.h"
#include "crypto/keyring.h"
#include "lib/err.h"
#include "store/store.h"

#define CONSENT_ID_MAX 32     /* "cs_" + 24 hex */
#define CONSENT_PURPOSE_MAX 101
#define CONSENT_CODE_DIGITS 6

/* Who asks: a relying party, or the citizen logging in (party_id 0). */
enum consent_kind { CONSENT_FOR_PARTY = 0, CONSENT_FOR_LOGIN = 1 };

struct consent_issued {
	char consent_id[CONSENT_ID_MAX]; /* "" when refused for a budget */
	int64_t expires_at;
	/* Internal, never shown to a party: 1 when an SMS was queued. */
	int delivered;
	/* Internal: why nothing was sent ("unknown", "no_mobile", "deceased",
	 * "cancelled") or "" when delivered; "rate_limited" with refused. */
	char undelivered_reason[16];
	/* 1: a budget was spent; no consent was made, err holds the refusal
	 * (SH_ETHROTTLE) and retry_after when the window renews. Budgets count
	 * alike for every number, so this tells nothing about the number. */
	int refused;
	int64_t retry_after;
};

/* What is asked (consent_request's input). */
struct consent_ask {
	enum consent_kind kind;
	int64_t party_id;        /* 0 for a citizen signing in */
	const char *party_name;  /* shown in the SMS (ignored for logins) */
	const char *id_number;   /* 13 digits, dashes allowed */
	const char *purpose;     /* 3..100 printable bytes (ignored for logins) */
	const char *source_addr; /* the caller's address: the sign-in budget */
	int64_t now;
};

/* Runs inside tx, in steps: input, recipient check, budgets, code issue,
 * delivery (or its withheld twin), ledger, audit. Every number takes the
 * same steps with the same statements (docs/decisions.md D5, D17).
 * Errors: SH_EINVAL ID_NUMBER / PURPOSE (roll back). SH_OK means commit;
 * out->refused then says a budget was spent and err holds the refusal:
 *   SH_ETHROTTLE PARTY_RATE_LIMITED    the party's consents this window
 *   SH_ETHROTTLE CONSENT_RATE_LIMITED  consents for this number this window
 *   SH_ETHROTTLE ADDRESS_RATE_LIMITED  sign-ins from this address
 *   SH_ETHROTTLE LOGIN_RATE_LIMITED    sign-ins for this number
 * The caller's own budget (party, address) is checked first and counts a
 * refused request; the number's budget counts only requests that pass it.
 * The passcode itself leaves this function only inside the queued SMS. */
int consent_request(store_tx *tx, const struct keyring *kr, const struct consent_config *cfg,
		    const struct audit_actor *actor, const struct consent_ask *ask,
		    struct consent_issued *out, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Budgets are counted in fixed windows of this many seconds. */
#define CONSENT_BUDGET_WINDOW 600

struct consent_redeemed {
	int ok;                      /* 1: the passcode was right and is now used */
	int tries_left;              /* when !ok and the passcode may be retried */
	int64_t retry_after;         /* when throttled: Unix seconds */
	char consent_id[CONSENT_ID_MAX];
	char id_number[14];
	char purpose[CONSENT_PURPOSE_MAX];
};

/* Check `passcode` against consent `consent_id` of `party_id`, inside tx.
 * Returns SH_OK when tx must be COMMITTED (the attempt changed counters),
 * with out->ok telling the outcome and, when !ok, err filled with:
 *   SH_ERULE     PASSCODE_INVALID      wrong passcode (tries_left says more)
 *   SH_EGONE     CONSENT_EXPIRED / CONSENT_USED / CONSENT_SPENT (tries used up)
 *   SH_ETHROTTLE PASSCODE_THROTTLED    wait until retry_after
 *   SH_ETHROTTLE PASSCODE_LOCKED       100 consecutive failures: factor locked
 * Returns a negative status (tx to be rolled back) for CONSENT_NOT_FOUND
 * (SH_ENOTFOUND: no such consent for this party), bad input, or store
 * errors. */
int consent_redeem(store_tx *tx, const struct keyring *kr, const struct consent_config *cfg,
		   int64_t party_id, const char *consent_id, const char *passcode, int64_t now,
		   struct consent_redeemed *out, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Look a consent of `party_id` up without touching it: its person and
 * purpose (for refusals recorded before any passcode is checked).
 * SH_ENOTFOUND CONSENT_NOT_FOUND. */
int consent_peek(store_tx *tx, int64_t party_id, const char *consent_id, char id_number[14],
		 char purpose[CONSENT_PURPOSE_MAX], struct sh_err *err)
	__attribute__((warn_unused_result));

/* The one answer every consent request gets, whoever the number belongs
 * to: the API must not tell registered numbers, numbers without a mobile,
 * and unknown numbers apart. The notice is the "clear error" for the
 * no-mobile case, given to every request because the server may not say
 * which case applies (docs/consent.md). Caller owns the result. */
json_t *consent_answer_json(const struct consent_issued *c, const struct consent_config *cfg);

/* Clear a locked factor, for relying parties' consents and for the
 * citizen's own sign-in (an admin or a union council registrar, after
 * checking the citizen in person: the route's roles). */
int consent_factor_unlock(store_tx *tx, const struct audit_actor *actor, const char *id_number,
			  struct sh_err *err) __attribute__((warn_unused_result));

/* "12345-1234567-1" or "1234512345671" -> 13 bare digits; SH_EINVAL
 * ID_NUMBER otherwise. (Format only: unknown numbers must not be told
 * apart from known ones by their check digit either.) */
int consent_idnum_clean(const char *in, char out[14], struct sh_err *err)
	__attribute__((warn_unused_result));

/* The 6-digit passcode hash: keyed BLAKE2b (KEY_OTP_PEPPER) over the code and
 * everything it is bound to. Exposed for tests (known answers). */
void consent_code_hash(const struct keyring *kr, const char *consent_id, int64_t party_id,
		       const char *id_number, const char *purpose, const char *code,
		       unsigned char out[32]);

#endif
