/* keyring.h — the master key and the per-purpose keys derived from it.
 *
 * `shanakht init` writes DIR/master.key (32 random bytes, mode 0600). Every
 * other key is derived with libsodium's KDF (BLAKE2b) under the context
 * "shanakht" and a purpose id, so one file backs them all and a purpose's key
 * never serves another. A missing, short, or group/world-readable key file
 * refuses to load with a clear message. Key bytes live in guarded memory
 * (sodium_malloc) and are wiped on free. */
#ifndef SH_CRYPTO_KEYRING_H
#define SH_CRYPTO_KEYRING_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

#define KEYRING_KEY_BYTES 32
#define KEYRING_SIG_BYTES 64
#define KEYRING_PK_BYTES 32
#define KEYRING_SEAL_OVERHEAD (24 + 16) /* XChaCha20-Poly1305 nonce + tag */

enum key_purpose {
	KEY_BIOMETRIC_SEAL = 1,  /* biometric samples and templates at rest */
	KEY_SECRET_SEAL = 2,     /* relying-party secrets, other stored secrets */
	KEY_SIGNING = 3,         /* Ed25519 seed: certificates, audit tree heads */
	KEY_OTP_PEPPER = 4,      /* keyed hash of passcodes */
	KEY_TOKEN_PEPPER = 5,    /* keyed hash of bearer tokens */
};

struct keyring;

/* Create DIR (0700) and DIR/master.key (0600). SH_ECONFLICT if it exists. */
int keyring_create(const char *dir, struct sh_err *err) __attribute__((warn_unused_result));
int keyring_load(const char *dir, struct keyring **out, struct sh_err *err)
	__attribute__((warn_unused_result));
void keyring_free(struct keyring *kr);

/* The derived key for a purpose (KEYRING_KEY_BYTES), owned by the keyring. */
const unsigned char *keyring_key(const struct keyring *kr, enum key_purpose purpose);

/* Ed25519 with the KEY_SIGNING key. */
void keyring_public_key(const struct keyring *kr, unsigned char pk[KEYRING_PK_BYTES]);
void keyring_sign(const struct keyring *kr, const void *msg, size_t len,
		  unsigned char sig[KEYRING_SIG_BYTES]);
/* Checks against a given public key (offline verification needs no keyring). */
int keyring_verify(const unsigned char pk[KEYRING_PK_BYTES], const void *msg, size_t len,
		   const unsigned char sig[KEYRING_SIG_BYTES]);

/* XChaCha20-Poly1305 with a purpose key; out has len + KEYRING_SEAL_OVERHEAD
 * bytes. ad (may be NULL) binds the ciphertext to its context (e.g. a row id). */
int keyring_seal(const struct keyring *kr, enum key_purpose purpose, const void *plain,
		 size_t len, const void *ad, size_t adlen, unsigned char *out)
	__attribute__((warn_unused_result));
int keyring_open(const struct keyring *kr, enum key_purpose purpose, const unsigned char *sealed,
		 size_t len, const void *ad, size_t adlen, unsigned char *plain_out)
	__attribute__((warn_unused_result));

/* Keyed BLAKE2b-256 of a secret (tokens, passcodes) with a purpose pepper. */
void keyring_hash(const struct keyring *kr, enum key_purpose purpose, const void *data,
		  size_t len, unsigned char out[32]);

/* A keyring from given master bytes (tests, known answers, restore tools);
 * keyring_load() reads the file and calls this. */
int keyring_from_master(const unsigned char master[KEYRING_KEY_BYTES], struct keyring **out,
			struct sh_err *err) __attribute__((warn_unused_result));
/* keyring_open() and keyring_verify() return SH_EINVAL for a forged,
 * corrupted or mis-bound input. */

#endif
