/* bio_identify.h — 1:N identification of an unknown person for the
 * biometric_examiner role: a device-signed capture (its id_number is the
 * word "unknown") searched against the whole gallery, with a legal reason;
 * the capture's nonce is committed before the search, and the search, its
 * reason and what it disclosed are audited before the answer is given. The answer names
 * candidates with a band ("strong": a finger at FMR 0.01%, "possible": two
 * at FMR 0.1%), never a score or a template. */
#ifndef SH_BIOMETRICS_BIO_IDENTIFY_H
#define SH_BIOMETRICS_BIO_IDENTIFY_H

#include "biometrics/bio_enrol.h"

struct bio_identify_result {
	int n;
	struct {
		char id_number[16];
		const char *band;
		int fingers;     /* probe fingers at FMR 0.1% or better */
	} cand[BIO_HITS_MAX];
	size_t gallery_fingers;
};

/* r->id_number is ignored; legal_reason required (LEGAL_REASON_REQUIRED). */
int bio_identify(store *db, struct bio_gallery *g, const struct audit_actor *actor,
		 const struct bio_enrol_req *r, const char *legal_reason,
		 struct bio_identify_result *out, struct sh_err *err)
	__attribute__((warn_unused_result));

#endif
