/* sessions.h — operator login, bearer-token sessions, logout.
 *
 * A token is 32 random bytes shown once to the client as 64 lower-case hex
 * characters; the database keeps only keyring_hash(KEY_TOKEN_PEPPER, bytes),
 * so a copy of the database does not yield usable tokens. */
#ifndef SH_AUTH_SESSIONS_H
#define SH_AUTH_SESSIONS_H

#include <stdint.h>

#include "audit/audit.h"
#include "crypto/keyring.h"
#include "auth/password.h"
#include "auth/principal.h"
#include "lib/err.h"
#include "store/store.h"

#define AUTH_TOKEN_BYTES 32
#define AUTH_TOKEN_CHARS (2 * AUTH_TOKEN_BYTES)

struct auth_login_result {
	char token[AUTH_TOKEN_CHARS + 1];
	int64_t expires_at;
	struct principal who;
	int64_t retry_after; /* seconds, set with SH_ETHROTTLE */
};

/* Check a username and password and open a session of ttl_seconds.
 * Errors: 401 INVALID_CREDENTIALS for an unknown user or a wrong password
 * alike (same Argon2id work either way); 429 LOGIN_THROTTLED with
 * res->retry_after; 403 ACCOUNT_LOCKED after AUTH_LOCK_AFTER failures; 403
 * ACCOUNT_DISABLED only after a correct password. Every outcome is audited.
 * `now` is the clock (Unix seconds), injectable for tests. */
int auth_login_at(store *db, const struct keyring *kr, const struct auth_pwcost *cost,
		  const char *username,
		  const char *password, const char *client_addr, const char *request_id,
		  int ttl_seconds, int64_t now, struct auth_login_result *res,
		  struct sh_err *err) __attribute__((warn_unused_result));
/* The same at the wall clock; token_out has AUTH_TOKEN_CHARS + 1 bytes. */
int auth_login(store *db, const struct keyring *kr, const struct auth_pwcost *cost,
	       const char *username, const char *password,
	       const char *client_addr, const char *request_id, int ttl_seconds,
	       char token_out[AUTH_TOKEN_CHARS + 1], struct principal *who,
	       struct sh_err *err) __attribute__((warn_unused_result));

/* The operator behind a bearer token: one indexed lookup (or a hit in the
 * per-thread cache, at most 1 s old; expiry is checked either way). 401
 * INVALID_SESSION (unknown, malformed, revoked, or the user is disabled) or
 * SESSION_EXPIRED. expires_at may be NULL. */
int auth_session_check_at(store *db, const struct keyring *kr, const char *bearer_token,
			  int64_t now, struct principal *out, int64_t *expires_at,
			  struct sh_err *err) __attribute__((warn_unused_result));
int auth_session_check(store *db, const struct keyring *kr, const char *bearer_token,
		       struct principal *out, struct sh_err *err)
	__attribute__((warn_unused_result));
/* The same with both clocks injected: now (Unix seconds, for expiry) and
 * mono_ms (a monotonic clock in ms, for the cache's age bound); the others
 * read sh_mono_ns(). */
int auth_session_check_clock(store *db, const struct keyring *kr, const char *bearer_token,
			     int64_t now, int64_t mono_ms, struct principal *out,
			     int64_t *expires_at, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Checks are remembered per thread for up to 1 s (auth/session_cache.h):
 * every change that revokes sessions in this process calls this, when the
 * change is made and again once it is committed. */
void auth_session_cache_invalidate(void);

/* Revoke a token (audited as auth.logout). 401 INVALID_SESSION when it is
 * not a live token. */
int auth_logout(store *db, const struct keyring *kr, const char *bearer_token,
		const struct audit_actor *actor, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Delete sessions that expired before `before` (housekeeping, not audited:
 * they were already unusable). Rows deleted or a negative status. */
int auth_sessions_purge(store *db, int64_t before, struct sh_err *err);

#endif
