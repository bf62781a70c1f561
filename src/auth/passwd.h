/* passwd.h — changing operator passwords: an administrator's reset, and an
 * operator's own change (which must prove the current password). Both are
 * audited and end the user's other sessions. */
#ifndef SH_AUTH_PASSWD_H
#define SH_AUTH_PASSWD_H

#include <stdint.h>

#include "audit/audit.h"
#include "auth/password.h"
#include "crypto/keyring.h"
#include "lib/err.h"
#include "store/store.h"

/* Admin reset inside the caller's tx: policy check (422 WEAK_PASSWORD),
 * new Argon2id hash, every session of the user revoked, lock-out cleared.
 * 404 USER_NOT_FOUND. */
int auth_user_set_password(store_tx *tx, const struct audit_actor *actor,
			   const struct auth_pwcost *cost, const char *username,
			   const char *password, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Self-service change by the operator `user_id`: current must match (a wrong
 * one counts as a failed login attempt for throttling: 403 WRONG_PASSWORD,
 * 429 LOGIN_THROTTLED with *retry_after). Sessions other than keep_token
 * (the caller's bearer token, may be NULL) are revoked. */
int auth_password_change_at(store *db, const struct keyring *kr,
			    const struct auth_pwcost *cost, int64_t user_id,
			    const char *current, const char *next, const char *keep_token,
			    const struct audit_actor *actor, int64_t now, int64_t *retry_after,
			    struct sh_err *err) __attribute__((warn_unused_result));

#endif
