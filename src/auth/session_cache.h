/* session_cache.h — internal to auth/: a per-thread memory, at most
 * AUTH_SESSION_CACHE_MS old, of bearer tokens that auth_session_check found
 * valid, so that a busy operator does not cost a database transaction per
 * request.
 *
 * What it keeps is honoured as strictly as the database is, with one bound:
 *  - expiry is checked on every hit against the caller's clock;
 *  - logout, disable and password changes in this process call
 *    auth_session_cache_invalidate(), which empties every thread's cache
 *    (an epoch number) at once — both when the change is made and after it
 *    commits, so a check racing the commit cannot keep the old answer;
 *  - a revocation this process does not see (another API node on the same
 *    PostgreSQL, the CLI, a hand-made UPDATE) takes effect within
 *    AUTH_SESSION_CACHE_MS.
 * docs/decisions.md has the measurements behind it. */
#ifndef SH_AUTH_SESSION_CACHE_H
#define SH_AUTH_SESSION_CACHE_H

#include <stdint.h>

#include "auth/principal.h"

#define AUTH_SESSION_CACHE_MS 1000
#define AUTH_SESSION_CACHE_SLOTS 64 /* per thread, direct-mapped */

/* The epoch to pass to session_cache_put: read it before the lookup. */
uint64_t session_cache_epoch(void);
/* 1 and *out, *expires_at filled on a live hit; 0 otherwise. now: Unix
 * seconds (expiry); mono_ms: the caller's monotonic clock in ms (age), the
 * same clock as the put's. */
int session_cache_get(const unsigned char token_hash[32], int64_t now, int64_t mono_ms,
		      struct principal *out, int64_t *expires_at);
void session_cache_put(const unsigned char token_hash[32], uint64_t epoch, int64_t mono_ms,
		       int64_t expires_at, const struct principal *who);

#endif
