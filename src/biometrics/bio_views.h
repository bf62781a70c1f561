/* bio_views.h — the biometric repository's read-only reporting views (D37):
 * coverage and recorded matches, never a sample or a template. */
#ifndef SH_BIOMETRICS_BIO_VIEWS_H
#define SH_BIOMETRICS_BIO_VIEWS_H

#include "store/store.h"

/* v_bio_coverage(id_number, state, fingers, photos) — per person's current
 *   enrolment: fingerprint templates held (positions 1..10), and 1 in
 *   photos when it was captured by a face device (no face sample is
 *   stored yet, so 0 everywhere until one is: docs/quality.md).
 * v_bio_matches(case_id, id_number, candidate_id_number, state, opened_at)
 *   — the 1:N de-duplication's hits between two persons, except pairs an
 *   adjudicator found to be different persons. */
int bio_views_migrate(store *db, struct sh_err *err) __attribute__((warn_unused_result));

#endif
