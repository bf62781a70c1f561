/* verify.h — verifications by relying parties: yes/no demographic matches
 * and eKYC, each gated by the citizen's passcode consent.
 *
 * yesno compares the fields the party gives with the registry using the
 * registry's normalized names (registry/names.h) and answers only "yes" or
 * "no" with a reason code. kyc answers exactly the attributes of the party's
 * policy (or the subset it asks for; asking for anything outside the policy
 * returns nothing at all). Biometric types (fingerprint, face, iris,
 * multimodal) are accepted in requests and ledger records. `fingerprint` is
 * biometric eKYC: the request carries a device-signed capture (`capture`)
 * matched 1:1 against the person's sealed templates by the biometric
 * repository (bio_verify_person, in the same transaction, so the consent,
 * the capture's nonce and the ledger record commit together); the answer is
 * yes/no with a band, never a score or a template. face, iris and
 * multimodal answer TYPE_NOT_AVAILABLE. The ledger keeps only named
 * metadata (verify_biometric_meta), for a capture taken from its envelope:
 * modality, positions, device: no biometric data.
 *
 * Relations are matched each against itself: father_name against the
 * father (the guardian when the guardian is the father, else the linked
 * father's record), husband_name against the husband (the guardian when the
 * guardian is the husband). A dead or cancelled identity is named as such
 * only after its passcode was right, and only to a party whose policy holds
 * life_status (docs/security.md). */
#ifndef SH_VERIFY_VERIFY_H
#define SH_VERIFY_VERIFY_H

#include <jansson.h>
#include <stdint.h>

#include "audit/audit.h"
#include "biometrics/bio_verify.h"
#include "consent/config.h"
#include "consent/consent.h"
#include "consent/party.h"
#include "crypto/keyring.h"
#include "lib/err.h"
#include "registry/person.h"
#include "store/store.h"

struct verify_request {
	const char *consent_id;
	const char *passcode;
	const char *type;         /* "yesno", "kyc", "fingerprint", ... */
	/* yesno: the fields to compare (NULL = not asked) */
	const char *name;         /* Urdu or Latin script */
	const char *father_name;  /* the father's name */
	const char *husband_name; /* the husband's name */
	const char *dob;          /* YYYY-MM-DD */
	const char *gender;       /* male, female, other */
	/* kyc: the attributes wanted (KA_* bits); 0 = everything the policy allows */
	unsigned attrs;
	/* biometric types: descriptive metadata (finger positions, capture
	 * device); borrowed, may be NULL */
	const json_t *biometric;
	/* fingerprint: the device-signed capture (id_number is taken from
	 * the consent; borrowed, NULL for other types) */
	const struct bio_enrol_req *capture;
	/* fingerprint: the capture as verify_prepare checked it, outside the
	 * write transaction (borrowed); NULL: verify_run checks it itself */
	const struct bio_checked *checked;
};

/* A person's relations by name, each from its own source ("" unknown). */
struct verify_relations {
	char father_en[PERSON_NAME_MAX], father_ur[PERSON_NAME_MAX];
	char husband_en[PERSON_NAME_MAX], husband_ur[PERSON_NAME_MAX];
};

/* From the person's guardian (by its relation) and, when the guardian is
 * the husband, the linked father's record (NULL when none). */
void verify_relations_of(const struct person *p, const struct person *father,
			 struct verify_relations *out);

struct verify_result {
	int ok;                  /* 1: answered (yes/no or attributes) */
	char result[8];          /* "yes" / "no" for yesno, "ok" for kyc */
	char reason[32];         /* ALL_MATCH, NAME_MISMATCH, ... */
	unsigned attrs;          /* kyc: the attributes returned */
	struct person person;    /* kyc: the record the attributes come from */
	struct verify_relations rel;
	int64_t retry_after;     /* PASSCODE_THROTTLED: Unix seconds */
	char band[8];            /* fingerprint: "high", "medium", "none" */
	int fingers;             /* fingerprint: fingers compared */
};

/* Run one verification inside tx for `party` (its policy applies).
 * Like consent_redeem(): SH_OK means "commit tx" (the attempt is recorded in
 * the ledger whatever the outcome); out->ok = 0 then says the request was
 * refused and err holds the refusal:
 *   SH_EFORBIDDEN TYPE_NOT_ALLOWED     type outside the party's policy
 *   SH_EFORBIDDEN ATTRIBUTE_NOT_ALLOWED kyc attributes outside the policy
 *   SH_ERULE      TYPE_NOT_AVAILABLE   face, iris, multimodal
 *   fingerprint: the refusals of bio_verify_person once the consent was
 *   redeemed (CAPTURE_SIGNATURE, CAPTURE_REPLAY, CAPTURE_PERSON,
 *   DEVICE_*, BIO_NOT_ENROLLED, BIO_NOT_VERIFIABLE, BIO_NO_COMMON_FINGER),
 *   recorded like the others; a capture malformed, not matching its
 *   images, or holding an image that does not decode (bio_verify_precheck:
 *   CAPTURE_*, IMAGE_*, FP_IMAGE_*) rolls back before the consent is
 *   touched; a fingerprint request without one: SH_EINVAL
 *   CAPTURE_REQUIRED
 *   SH_ERULE      IDENTITY_DECEASED / IDENTITY_CANCELLED: the passcode was
 *                 right, the party's policy holds life_status (fraud signal kept)
 *   SH_ERULE      IDENTITY_UNVERIFIABLE: the same, without life_status
 *   SH_EFORBIDDEN VERIFICATION_LOCKED  the citizen locked this type
 *   and every refusal of consent_redeem (PASSCODE_INVALID, CONSENT_EXPIRED ...)
 * A negative status means "roll back": bad input (VERIFY_TYPE,
 * YESNO_NO_FIELDS, BIOMETRIC_FIELD, ...), CONSENT_NOT_FOUND, or a store
 * error. */
/* The work of a fingerprint request that needs no storage, done before
 * the write transaction so that decoding and extracting the images (the
 * costliest part, tens of milliseconds a finger) holds no lock: *out is
 * the checked capture for req->checked (the caller frees it with
 * bio_checked_free), NULL for other types or without a capture. Refusals
 * as bio_verify_precheck's; an unknown type is left to verify_run. */
int verify_prepare(const struct audit_actor *actor, const struct verify_request *req,
		   struct bio_checked **out, struct sh_err *err)
	__attribute__((warn_unused_result));

int verify_run(store_tx *tx, const struct keyring *kr, const struct consent_config *cfg,
	       const struct audit_actor *actor, const struct party *party,
	       const struct verify_request *req, int64_t now, struct verify_result *out,
	       struct sh_err *err) __attribute__((warn_unused_result));

/* The yes/no comparison alone (pure, for tests): fills reason, returns 1
 * for yes, 0 for no, negative for bad input (err filled). */
int verify_yesno_compare(const struct person *p, const struct verify_relations *rel,
			 const struct verify_request *req, char reason[32], struct sh_err *err);

/* The kyc answer: a JSON object holding exactly the attributes in `attrs`
 * (a relation the registry does not know is null). */
json_t *verify_kyc_json(const struct person *p, const struct verify_relations *rel,
			unsigned attrs);

/* The ledger's copy of a request's `biometric` object: only the named
 * metadata fields, checked and bounded, rebuilt as compact JSON into out:
 *   modality       "fingerprint" | "face" | "iris"
 *   positions      up to 10 integers 0..10 (ISO/IEC 19794-2 finger
 *                  positions; iris 1 right, 2 left)
 *   device_id      1..64 of [A-Za-z0-9._:-]
 *   quality        integer 0..100
 *   sample_sha256  64 lowercase hex digits (a hash of the sample, never it)
 * Anything else (a template, an image, an unknown key, a wrong type) is
 * refused whole: SH_EINVAL BIOMETRIC_FIELD naming the field, so a client
 * learns at once that samples are not accepted here. in NULL: out = "". */
#define VERIFY_BIO_META_MAX 512
int verify_biometric_meta(const json_t *in, char out[VERIFY_BIO_META_MAX], struct sh_err *err)
	__attribute__((warn_unused_result));

#endif
