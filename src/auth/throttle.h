/* throttle.h — consecutive failed logins per account and per client address.
 *
 * From the AUTH_THROTTLE_AFTER-th consecutive failure, the next attempt must
 * wait 2^(n - AUTH_THROTTLE_AFTER) seconds after the last failure, capped at
 * AUTH_THROTTLE_CAP_SECONDS; an account with AUTH_LOCK_AFTER consecutive
 * failures is locked until an administrator enables it again (NIST SP
 * 800-63B 5.2.2: at most 100 consecutive failed attempts on one account).
 * Account counters are kept for any syntactically valid username, known or
 * not, so that throttling reveals nothing about which accounts exist. */
#ifndef SH_AUTH_THROTTLE_H
#define SH_AUTH_THROTTLE_H

#include <stdint.h>

#include "lib/err.h"
#include "store/store.h"

#define AUTH_THROTTLE_AFTER 5
#define AUTH_THROTTLE_CAP_SECONDS 900
#define AUTH_LOCK_AFTER 100

#define AUTH_THROTTLE_ACCOUNT "account"
#define AUTH_THROTTLE_ADDRESS "address"

struct auth_throttle {
	int64_t failures;        /* consecutive */
	int64_t last_failure_at; /* Unix seconds */
	int locked;
};

/* Seconds to wait after the last of n consecutive failures (0 below the
 * threshold). */
int64_t auth_throttle_delay(int64_t failures);
/* Seconds still to wait at `now` (0: an attempt may proceed). */
int64_t auth_throttle_wait(const struct auth_throttle *t, int64_t now);

/* Current counter (zeroes when none). */
int auth_throttle_get(store_tx *tx, const char *kind, const char *subject,
		      struct auth_throttle *out, struct sh_err *err)
	__attribute__((warn_unused_result));
/* Count one more failure at `now`; locks an account at AUTH_LOCK_AFTER. */
int auth_throttle_fail(store_tx *tx, const char *kind, const char *subject, int64_t now,
		       struct auth_throttle *out, struct sh_err *err)
	__attribute__((warn_unused_result));
/* Forget the counter (success, or an administrator's enable): rows removed
 * (0 or 1) or a negative status. */
int auth_throttle_clear(store_tx *tx, const char *kind, const char *subject,
			struct sh_err *err);

#endif
