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

/* SH_OK or SH_ERULE (WEAK_PASSWORD) with the reason. username may be NULL. */
int auth_password_check(const char *password, const char *username, struct sh_err *err)
	__attribute__((warn_unused_result));
/* Argon2id string ("$argon2id$v=19$m=...") into out. */
int auth_password_hash(const char *password, char out[AUTH_HASH_MAX], struct sh_err *err)
	__attribute__((warn_unused_result));
/* 1 when password matches hash; hash NULL checks against a dummy hash of
 * the same cost, so an unknown user costs the same time. */
int auth_password_verify(const char *hash, const char *password);
/* 1 when hash was made with other costs than the current ones. */
int auth_password_needs_rehash(const char *hash);

/* Tests only: lower the cost (e.g. 1, crypto_pwhash_MEMLIMIT_MIN). */
void auth_password_set_cost(unsigned long long opslimit, size_t memlimit);

#endif
