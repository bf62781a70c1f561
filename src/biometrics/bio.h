/* bio.h — the central biometric repository (docs/biometrics.md): capture
 * devices and their signed envelopes, sealed storage, the age and exemption
 * policy, enrolment with 1:N de-duplication, and adjudication.
 *
 * A domain module: it calls the fingerprint engine (bio/) through its public
 * headers, the registry for persons, the ledger for fraud signals, crypto
 * for the master key; never http/ or api/. Functions taking a store_tx run
 * inside the caller's transaction and never commit. Every refusal is a
 * stable code (bio_device.c, bio_enrol.c list them). */
#ifndef SH_BIOMETRICS_BIO_H
#define SH_BIOMETRICS_BIO_H

#include <stddef.h>
#include <stdint.h>

#include "audit/audit.h"
#include "crypto/keyring.h"
#include "lib/err.h"
#include "store/store.h"

#define BIO_MAX_ITEMS 10          /* fingers per capture (ISO positions 1..10) */
#define BIO_ENVELOPE_MAX 8192     /* bytes of signed envelope text */
#define BIO_IMAGE_MAX (5u << 20)  /* bytes of one encoded image */
#define BIO_WINDOW_SECONDS 300    /* capture time within +-5 min of the server's */
#define BIO_NONCE_KEEP_SECONDS 900 /* a nonce is remembered beyond the window */
#define BIO_LIVENESS_MIN 0.5      /* presentation-attack score below: refused */
#define BIO_ID_MAX 64

int biometrics_migrate(store *db, struct sh_err *err) __attribute__((warn_unused_result));

/* ---- Capture devices (bio_device.c) ---- */

struct bio_device {
	char device_id[BIO_ID_MAX];
	char make[BIO_ID_MAX], model[BIO_ID_MAX], serial[BIO_ID_MAX];
	char modality[16];         /* "fingerprint", "face", "iris" */
	char status[16];           /* "approved", "revoked" */
	char approved_on[16];      /* YYYY-MM-DD of the type approval */
	char council_code[32];     /* station the device belongs to */
	unsigned char public_key[KEYRING_PK_BYTES]; /* Ed25519 */
	int64_t registered_at, revoked_at;
};

/* Register an approved device. SH_EINVAL DEVICE_INVALID, SH_ECONFLICT
 * DEVICE_EXISTS. Audited. */
int bio_device_register(store_tx *tx, const struct audit_actor *actor,
			const struct bio_device *d, struct sh_err *err)
	__attribute__((warn_unused_result));
int bio_device_get(store_tx *tx, const char *device_id, struct bio_device *out,
		   struct sh_err *err) __attribute__((warn_unused_result));
/* Revoke: every later capture of the device is refused. Audited. */
int bio_device_revoke(store_tx *tx, const struct audit_actor *actor, const char *device_id,
		      const char *reason, struct sh_err *err) __attribute__((warn_unused_result));

/* A signed capture envelope, parsed (docs/biometrics.md, "Envelope"). The
 * envelope is JSON text signed as bytes by the device's Ed25519 key, so no
 * canonical form is needed: the server checks the signature over exactly
 * the bytes it then parses. */
struct bio_capture {
	char device_id[BIO_ID_MAX];
	char operator_name[BIO_ID_MAX];
	char id_number[16];
	char modality[16];
	char nonce[65];
	int64_t captured_at;
	double liveness;
	int count;
	int position[BIO_MAX_ITEMS];
	unsigned char sha256[BIO_MAX_ITEMS][32];
};

/* Parse envelope text. SH_EINVAL CAPTURE_INVALID on anything malformed
 * (positions outside 1..10 or twice: CAPTURE_POSITION). */
int bio_capture_parse(const char *text, size_t len, struct bio_capture *c, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Check a parsed capture against its device and record its nonce, in tx:
 * DEVICE_UNKNOWN (403), DEVICE_NOT_APPROVED / DEVICE_REVOKED (403),
 * DEVICE_MODALITY (422), DEVICE_STATION (403: the device belongs to another
 * council than `station`, when station is not NULL), CAPTURE_SIGNATURE
 * (401), CAPTURE_STALE (422: outside +-BIO_WINDOW_SECONDS of now),
 * CAPTURE_LIVENESS (422), CAPTURE_REPLAY (409: nonce seen before).
 * The caller rolls tx back on any failure, so a refusal stores nothing. */
int bio_capture_check(store_tx *tx, const char *text, size_t len,
		      const unsigned char sig[KEYRING_SIG_BYTES], const struct bio_capture *c,
		      const char *station, int64_t now, struct sh_err *err)
	__attribute__((warn_unused_result));

/* ---- Sealed storage (bio_seal.c) ---- */

#define BIO_DATA_KEY_BYTES 32
#define BIO_SEAL_OVERHEAD (24 + 16) /* XChaCha20-Poly1305 nonce + tag */

/* The person's data key (created and wrapped on first use, in tx) into
 * key (guarded by the caller; wipe after use). The wrapping key is the
 * repository master key of the current generation, derived from the
 * keyring's KEY_BIOMETRIC_SEAL key. */
int bio_seal_person_key(store_tx *tx, const struct keyring *kr, const char *id_number,
			int create, unsigned char key[BIO_DATA_KEY_BYTES], struct sh_err *err)
	__attribute__((warn_unused_result));
/* Seal / open with a data key; ad binds the ciphertext to its row. *out
 * is malloc'd (caller frees). Opening a forged or mis-bound blob is
 * SH_EINVAL BIO_SEAL_OPEN. */
int bio_seal(const unsigned char key[BIO_DATA_KEY_BYTES], const void *plain, size_t len,
	     const char *ad, unsigned char **out, size_t *outlen, struct sh_err *err)
	__attribute__((warn_unused_result));
int bio_unseal(const unsigned char key[BIO_DATA_KEY_BYTES], const void *sealed, size_t len,
	       const char *ad, unsigned char **out, size_t *outlen, struct sh_err *err)
	__attribute__((warn_unused_result));
/* Key rotation: make generation `to` current and re-wrap every person's
 * data key under it (the sealed data is untouched). *count gets the keys
 * re-wrapped. to must be greater than the current generation. */
int bio_seal_rewrap(store_tx *tx, const struct keyring *kr, int to, int64_t *count,
		    struct sh_err *err) __attribute__((warn_unused_result));
int bio_seal_generation(store_tx *tx, int *out, struct sh_err *err)
	__attribute__((warn_unused_result));

#endif
