/* password.h — operator password policy and Argon2id hashing.
 *
 * Policy (docs/security.md; NIST SP 800-63B 5.1.1.2 asks for length and a
 * blocklist rather than composition rules — we keep one mild rule): at
 * least 12 characters (Unicode code points), at most 1024 bytes, at least
 * two character classes (lower, upper, digit, other), not one repeated
 * character, not containing the username, not on a short blocklist. */
#ifndef SH_AUTH_PASSWORD_H
#define SH_AUTH_PASSWORD_H

#include <sodium.h>
#include <stddef.h>

#include "lib/err.h"

#define AUTH_PASSWORD_MIN_CHARS 12
#define AUTH_PASSWORD_MAX_BYTES 1024
#define AUTH_HASH_MAX crypto_pwhash_STRBYTES

/* Argon2id cost: ~60 ms on the reference machine (docs/security.md). */
#define AUTH_PWHASH_OPSLIMIT 4ull
#define AUTH_PWHASH_MEMLIMIT ((size_t)32 << 20)

/* An Argon2id cost, passed to every call that hashes or verifies: the
 * server uses auth_pwcost_default; a test passes a cheap one of its own
 * (there is no process-wide setter, so one caller's choice cannot leak into
 * another's). */
struct auth_pwcost {
	unsigned long long opslimit;
	size_t memlimit;
};
extern const struct auth_pwcost auth_pwcost_default;

/* SH_OK or SH_ERULE (WEAK_PASSWORD) with the reason. username may be NULL. */
int auth_password_check(const char *password, const char *username, struct sh_err *err)
	__attribute__((warn_unused_result));
/* Argon2id string ("$argon2id$v=19$m=...") of the given cost into out. */
int auth_password_hash(const struct auth_pwcost *cost, const char *password,
		       char out[AUTH_HASH_MAX], struct sh_err *err)
	__attribute__((warn_unused_result));
/* 1 when password matches hash; hash NULL checks against a dummy hash of
 * `cost`, so an unknown user costs the same time as a known one. */
int auth_password_verify(const struct auth_pwcost *cost, const char *hash,
			 const char *password);
/* 1 when hash was made with another cost than `cost`. */
int auth_password_needs_rehash(const struct auth_pwcost *cost, const char *hash);

#endif
