/* bio_gallery.h — the in-memory fingerprint gallery of the repository and
 * the de-duplication decision.
 *
 * The gallery holds the matching form of every finger of every current
 * enrolment (one fp_gallery, bio/fp_search.h, subject = enrolment id). It is
 * loaded at start from sealed storage, grows on each enrolment, and is
 * searched on all cores. A superseded enrolment's records stay in the
 * array until the next start but are retired: hits on them are dropped.
 *
 * Fusion (docs/biometrics.md, "Decision"): per candidate person, each probe
 * finger's score against the candidate's finger at the same ISO position.
 * A candidate is a hit when one finger reaches FP_THRESHOLD_FMR_0_01, or
 * two fingers reach FP_THRESHOLD_FMR_0_1 (named rule BIO_DEDUP_RULE). */
#ifndef SH_BIOMETRICS_BIO_GALLERY_H
#define SH_BIOMETRICS_BIO_GALLERY_H

#include <stddef.h>
#include <stdint.h>

#include "bio/fp_search.h"
#include "bio/fp_thresholds.h"
#include "crypto/keyring.h"
#include "lib/err.h"
#include "store/store.h"

#define BIO_DEDUP_RULE "one finger at FMR 0.01% or two fingers at FMR 0.1%"
#define BIO_SEARCH_K 50
#define BIO_HITS_MAX 10

struct bio_gallery;

struct bio_hit {
	int64_t enrolment_id;
	char id_number[16];
	float fused;               /* sum of the per-finger scores */
	int nfingers;
	int position[FP_PROBE_MAX_FINGERS];
	float score[FP_PROBE_MAX_FINGERS]; /* probe finger i vs the same position */
	/* A hit of the cross-position pass (mislabelled positions): the probe
	 * finger's position, the candidate's position it matched, the score;
	 * all 0 for a same-position hit. */
	int cross_position, cross_candidate_position;
	float cross_score;
};

/* The cross-position pass's threshold: one comparison alone must reach
 * the single-finger FMR 0.01% score, the strictest threshold
 * fp_thresholds.h calibrates (D41). */
#define BIO_CROSS_THRESHOLD FP_THRESHOLD_FMR_0_01

int bio_gallery_create(struct bio_gallery **out, struct sh_err *err)
	__attribute__((warn_unused_result));
void bio_gallery_free(struct bio_gallery *g);

/* Load every current enrolment's templates from sealed storage (opened
 * with kr). Logs progress every 10,000 fingers and the time taken. */
int bio_gallery_load(struct bio_gallery *g, store *db, const struct keyring *kr,
		     struct sh_err *err) __attribute__((warn_unused_result));

/* Add one enrolment's fingers; retire the person's earlier enrolments. */
int bio_gallery_add(struct bio_gallery *g, int64_t enrolment_id, const char *id_number,
		    const struct fp_probe *fingers, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Candidates that pass the fusion rule, best first, excluding `self`
 * (the person's own earlier enrolments), then those the cross-position
 * pass finds (bio_gallery.c, "Mislabelled positions"). At most
 * BIO_HITS_MAX. */
int bio_gallery_search(struct bio_gallery *g, const struct fp_probe *probe, const char *self,
		       struct bio_hit *out, int *nout, struct sh_err *err)
	__attribute__((warn_unused_result));
/* The fusion rule on per-finger scores (exposed for tests). */
int bio_dedup_is_hit(const float *score, int n);

/* The cross-position pass on (1, the default) or off (0: benchmarks
 * measure its cost). Not thread-safe: set before searching. */
void bio_gallery_set_cross(struct bio_gallery *g, int on);

size_t bio_gallery_fingers(struct bio_gallery *g);
/* Serialises enrolments: search, commit and add happen under it, so two
 * enrolments of one person cannot miss each other. */
void bio_gallery_lock(struct bio_gallery *g);
void bio_gallery_unlock(struct bio_gallery *g);

/* Helper shared with the loader and reextract: ISO 19794-2 bytes to a
 * matching form. */
int bio_template_prepare(const uint8_t *iso, size_t len, struct fp_mtemplate *out,
			 struct sh_err *err) __attribute__((warn_unused_result));

#endif
