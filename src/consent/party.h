/* party.h — relying parties (banks, telcos, agencies): registration by an
 * admin, keys with rotation, suspension, and their policy.
 *
 * A party's secret is 32 random bytes shown once, as 64 lowercase hex
 * characters, when the party or a new key is created; the server keeps it
 * only sealed (XChaCha20-Poly1305 under KEY_SECRET_SEAL, bound to the key id)
 * because it must recompute HMACs. Functions taking a store_tx run inside the
 * caller's transaction and append their audit entry to it. */
#ifndef SH_CONSENT_PARTY_H
#define SH_CONSENT_PARTY_H

#include <stdint.h>

#include "audit/audit.h"
#include "crypto/keyring.h"
#include "lib/err.h"
#include "store/store.h"

#define PARTY_NAME_MAX 128
#define PARTY_KEY_ID_MAX 32       /* "pk_" + 24 hex */
#define PARTY_SECRET_BYTES 32
#define PARTY_SECRET_HEX (2 * PARTY_SECRET_BYTES + 1)

struct party {
	int64_t id;
	char name[PARTY_NAME_MAX];
	char sector[16];      /* bank, telco, government, other */
	unsigned types;       /* VT_* bits (consent/policy.h) */
	unsigned kyc_attrs;   /* KA_* bits */
	int suspended;
	int64_t created_at;
};

/* A key as issued: the secret is in the clear only here, once. */
struct party_key_issued {
	char key_id[PARTY_KEY_ID_MAX];
	char secret[PARTY_SECRET_HEX];
	int64_t previous_expires_at; /* rotation: when the old keys stop (0 if none) */
};

/* The consent module's schema: parties, keys, nonces, consents, passcode
 * failure counters, citizen sessions, mobile registrations. */
int consent_migrate(store *db, struct sh_err *err) __attribute__((warn_unused_result));

/* Register a party (p->name, sector, types, kyc_attrs; fills p->id) and its
 * first key. Errors: SH_EINVAL PARTY_NAME / PARTY_SECTOR / PARTY_TYPES. */
int party_create(store_tx *tx, const struct keyring *kr, const struct audit_actor *actor,
		 struct party *p, struct party_key_issued *key, struct sh_err *err)
	__attribute__((warn_unused_result));

int party_get(store_tx *tx, int64_t id, struct party *out, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Suspend (1) or reinstate (0): a suspended party's requests fail at once
 * with 403 PARTY_SUSPENDED. */
int party_set_suspended(store_tx *tx, const struct audit_actor *actor, int64_t id,
			int suspended, const char *reason, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Issue a new key; every older live key of the party expires at
 * now + overlap_seconds (0 = at once), so clients can switch without
 * downtime. */
int party_rotate_key(store_tx *tx, const struct keyring *kr, const struct audit_actor *actor,
		     int64_t id, int overlap_seconds, int64_t now, struct party_key_issued *key,
		     struct sh_err *err) __attribute__((warn_unused_result));

/* Change the policy (types and attributes). */
int party_set_policy(store_tx *tx, const struct audit_actor *actor, int64_t id, unsigned types,
		     unsigned kyc_attrs, struct sh_err *err) __attribute__((warn_unused_result));

/* List parties, oldest first; fn returns nonzero to stop. */
int party_list(store_tx *tx, int (*fn)(void *ctx, const struct party *p), void *ctx,
	       struct sh_err *err) __attribute__((warn_unused_result));

#endif
