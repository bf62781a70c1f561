/* session_cache.c — per-thread cache of validated bearer tokens (see
 * session_cache.h). Thread-local, so a hit takes no lock; one global atomic
 * epoch invalidates every thread's entries at once. */
#include "auth/session_cache.h"

#include <sodium.h>
#include <stdatomic.h>
#include <string.h>

#include "auth/sessions.h"
#include "lib/parse.h"

struct slot {
	unsigned char th[32];
	uint64_t epoch;   /* 0: empty */
	int64_t filled_ms; /* CLOCK_MONOTONIC */
	int64_t expires_at;
	struct principal who;
};

static _Thread_local struct slot cache[AUTH_SESSION_CACHE_SLOTS];
static atomic_uint_fast64_t epoch_now = 1;

/* The hash is keyed (KEY_TOKEN_PEPPER), so its bytes are uniform. */
static struct slot *slot_of(const unsigned char th[32])
{
	return &cache[th[0] % AUTH_SESSION_CACHE_SLOTS];
}

uint64_t session_cache_epoch(void)
{
	return atomic_load(&epoch_now);
}

void auth_session_cache_invalidate(void)
{
	atomic_fetch_add(&epoch_now, 1);
}

int session_cache_get(const unsigned char th[32], int64_t now, int64_t mono_ms,
		      struct principal *out, int64_t *expires_at)
{
	struct slot *s = slot_of(th);
	if (s->epoch != atomic_load(&epoch_now) || sodium_memcmp(s->th, th, 32) != 0)
		return 0;
	int64_t age = mono_ms - s->filled_ms;
	if (age < 0 || age >= AUTH_SESSION_CACHE_MS || now >= s->expires_at) {
		s->epoch = 0;
		return 0;
	}
	*out = s->who;
	*expires_at = s->expires_at;
	return 1;
}

void session_cache_put(const unsigned char th[32], uint64_t epoch, int64_t mono_ms,
		       int64_t expires_at, const struct principal *who)
{
	/* An invalidation during the lookup makes its answer suspect. */
	if (epoch != atomic_load(&epoch_now))
		return;
	struct slot *s = slot_of(th);
	memcpy(s->th, th, 32);
	s->epoch = epoch;
	s->filled_ms = mono_ms;
	s->expires_at = expires_at;
	s->who = *who;
}
