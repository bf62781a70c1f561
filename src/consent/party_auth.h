/* party_auth.h — authentication of relying parties' signed requests.
 *
 * Every call carries
 *   X-Party-Key:  the key id ("pk_...")
 *   X-Timestamp:  Unix seconds, within +-5 minutes of the server's clock
 *   X-Nonce:      16..64 characters [A-Za-z0-9_-], never reused by the party
 *   X-Signature:  lowercase hex HMAC-SHA256(secret,
 *                   METHOD "\n" PATH "\n" TIMESTAMP "\n" NONCE "\n" hex(SHA-256(body)))
 * where secret is the 64-character hex string as issued (its ASCII bytes are
 * the HMAC key), PATH is the request path without the query string, and an
 * empty body hashes to e3b0c442...b855. See docs/relying-parties.md. */
#ifndef SH_CONSENT_PARTY_AUTH_H
#define SH_CONSENT_PARTY_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "consent/config.h"
#include "crypto/keyring.h"
#include "auth/principal.h"
#include "lib/err.h"
#include "store/store.h"

#define PARTY_SIG_HEX 65 /* 64 hex digits + NUL */
#define PARTY_NONCE_MIN 16
#define PARTY_NONCE_MAX 64

/* The canonical signature of a request (what clients compute). */
void party_signature(const char *secret, const char *method, const char *path,
		     const char *timestamp, const char *nonce, const void *body, size_t len,
		     char out[PARTY_SIG_HEX]);

/* Check a signed request and fill *out (kind PRINCIPAL_PARTY, id = party id,
 * name = key id, replay_nonce = nonce, replay_ts = timestamp). Errors (all SH_EUNAUTH unless noted):
 *   PARTY_AUTH_MISSING   a header is absent
 *   PARTY_TIMESTAMP      not a number, or outside the window
 *   PARTY_NONCE          malformed nonce
 *   PARTY_KEY_UNKNOWN    no such key, or the key expired after rotation
 *   PARTY_SIGNATURE      the signature does not match (forged or altered)
 *   PARTY_SUSPENDED      SH_EFORBIDDEN: the party is suspended
 * The nonce is not recorded here: the request records it with
 * party_nonce_record in its own write transaction, so that the nonce and
 * the request's effects commit together (one write instead of two), and
 * only after the signature checked, so a forger cannot burn a party's
 * nonces. The window is cfg->clock_skew_seconds (passed by the caller:
 * no global configuration is read here). */
int party_authenticate(store *db, const struct keyring *kr, const struct consent_config *cfg,
		       const char *method, const char *path, const char *key_id,
		       const char *timestamp, const char *nonce, const char *signature,
		       const void *body, size_t len, int64_t now, struct principal *out,
		       struct sh_err *err)
	__attribute__((warn_unused_result));

/* Record a party's nonce in tx, filed under the request's signed timestamp
 * (X-Timestamp): PARTY_REPLAY (SH_EUNAUTH) when the party used it with a
 * timestamp less than PARTY_NONCE_BUCKET_SECONDS away, which makes the
 * whole transaction a replay to roll back. A replayed request carries the
 * same timestamp, so its nonce meets the first one's primary key even when
 * both arrive at once. _alone: in a transaction of its own. */
int party_nonce_record(store_tx *tx, int64_t party_id, const char *nonce, int64_t signed_at,
		       struct sh_err *err) __attribute__((warn_unused_result));
int party_nonce_record_alone(store *db, int64_t party_id, const char *nonce, int64_t signed_at,
			     struct sh_err *err) __attribute__((warn_unused_result));

/* Parties' keys or suspension changed: drop the cached keys at once. */
void party_keys_changed(void);

/* Nonces are kept in buckets of PARTY_NONCE_BUCKET_SECONDS of signed
 * time, the primary key's first column, so that the expired ones are a
 * contiguous range of the key: deleting them frees whole pages instead of
 * rewriting one random page per nonce (half of the nonce table's page
 * writes). Pruning forgets, oldest first, at most PARTY_NONCE_PRUNE_BATCH
 * nonces of buckets that no request can match any more (every timestamp in
 * them is more than twice the window old) in one short write;
 * party_authenticate calls it every PARTY_NONCE_PRUNE_EVERY calls. Returns
 * rows removed or a negative status. */
#define PARTY_NONCE_BUCKET_SECONDS 600 /* consent migration 4 files old rows at 600 too */
#define PARTY_NONCE_PRUNE_EVERY 256
#define PARTY_NONCE_PRUNE_BATCH 1024
int party_nonces_prune(store *db, int clock_skew_seconds, int64_t now, struct sh_err *err);

#endif
