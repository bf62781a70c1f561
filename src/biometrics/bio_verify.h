/* bio_verify.h — biometric 1:1 verification: is the person at the device
 * the person of this identity number? A device-signed capture is matched
 * finger by finger against the person's current sealed templates at the
 * same positions; the answer is yes/no with a band, never a score or a
 * template. Used at union councils (a registrar verifying an informant,
 * the nikah registrar verifying bride and groom, with a device of the
 * council) and meant for the relying parties' eKYC once verify_run calls it
 * for the `fingerprint` type. */
#ifndef SH_BIOMETRICS_BIO_VERIFY_H
#define SH_BIOMETRICS_BIO_VERIFY_H

#include "biometrics/bio_enrol.h"

struct bio_verify_result {
	int match;            /* 1: yes */
	const char *band;     /* "high" (a finger at FMR 0.01%), "medium" (two at FMR 0.1%
			       * or one at FMR 0.1% when one finger was given), "none" */
	int fingers;          /* fingers compared */
};

/* A relying party's capture, checked before its transaction: see
 * bio_verify_precheck. Owned by the caller, freed by bio_checked_free. */
struct bio_checked;

/* The checks of a capture that need no storage: the envelope parsed, the
 * request against it (modality, counts, positions, each image's SHA-256),
 * and every image decoded and its template extracted, so a caller can
 * refuse bad input before it spends anything (a relying party's consent):
 * an image the device signed but no decoder reads is bad input, not an
 * attempt on the citizen's consent. CAPTURE_INVALID, CAPTURE_POSITION,
 * CAPTURE_TOO_MANY (400), CAPTURE_OPERATOR (403), CAPTURE_MISMATCH,
 * CAPTURE_HASH, CAPTURE_MODALITY (422), IMAGE_TOO_LARGE (413), the image
 * codes of decoding (IMAGE_FORMAT, IMAGE_INVALID, FP_IMAGE_*: 400) and
 * IMAGE_CORRUPT (400: no template could be extracted). For a relying party
 * (actor kind "party") the operator the capture names is the party's own
 * staff and is not compared with the caller. On success *out is the checked
 * capture (the caller frees it); on failure *out is NULL. */
int bio_verify_precheck(const struct bio_enrol_req *r, const struct audit_actor *actor,
			struct bio_checked **out, struct sh_err *err)
	__attribute__((warn_unused_result));
void bio_checked_free(struct bio_checked *c);

/* Runs in the caller's write transaction: records the capture's nonce and
 * the audit entry ("bio.verify"). checked: what bio_verify_precheck
 * gave for this request (its envelope is then not parsed, nor its images
 * hashed, decoded or extracted again), or NULL to run those checks here. Refusals: the capture codes of
 * bio_capture_check and bio_enrol, BIO_NOT_ENROLLED (404), BIO_NOT_VERIFIABLE
 * (422: the record is held or blocked), BIO_NO_COMMON_FINGER (422). */
int bio_verify_person(store_tx *tx, const struct keyring *kr, const struct audit_actor *actor,
		      const struct bio_enrol_req *r, const struct bio_checked *checked,
		      int64_t now, struct bio_verify_result *out, struct sh_err *err)
	__attribute__((warn_unused_result));

#endif
