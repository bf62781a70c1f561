/* bio_internal.h — what enrolment and identification share inside the
 * module (not for other modules): the work of a capture before any
 * transaction. */
#ifndef SH_BIOMETRICS_BIO_INTERNAL_H
#define SH_BIOMETRICS_BIO_INTERNAL_H

#include "bio/fp_search.h"
#include "biometrics/bio_enrol.h"

/* What is computed before any transaction: the images' templates. */
struct work {
	struct bio_capture cap;
	struct fp_template tpl;          /* scratch */
	uint8_t *iso[BIO_MAX_ITEMS];
	size_t isolen[BIO_MAX_ITEMS];
	int quality[BIO_MAX_ITEMS];
	struct fp_probe probe;           /* every finger, image order */
	struct bio_hit hits[BIO_HITS_MAX];
	int nhits;
};

struct work *bio_work_new(void); /* zeroed, aligned; NULL when out of memory */
void bio_work_free(struct work *w);
/* The capture against the request: modality, operator, counts, positions,
 * each image's SHA-256 against the signed item, missing-finger reasons. */
int bio_check_request(const struct bio_enrol_req *r, const struct audit_actor *actor,
		      struct work *w, struct sh_err *err) __attribute__((warn_unused_result));
/* Decode, measure and extract every image into w (templates, ISO bytes,
 * the probe). */
int bio_extract_all(const struct bio_enrol_req *r, struct work *w, struct sh_err *err)
	__attribute__((warn_unused_result));

#endif
