/* fusion.h — multi-modal score fusion by likelihood ratio, and decisions at
 * a named false match rate with any subset of modalities present.
 *
 * Per modality (fingerprint, iris, face: any matcher whose score is higher
 * for more alike), the genuine and impostor score densities are estimated
 * from labelled comparison scores by Gaussian kernel density estimation
 * (bandwidth by Silverman's rule, h = 0.9 min(sd, IQR/1.34) n^-1/5) on a
 * grid spanning the observed scores; each density is mixed with one
 * pseudo-observation spread uniformly over the grid (a Laplace-style prior)
 * so that the log likelihood ratio stays finite beyond the last observed
 * impostor or genuine score, and beyond the grid it is held at its edge
 * value. The LLR is the modality's normalized score: a common, calibrated
 * scale on which modalities add.
 *
 * Fusion is the sum of the present modalities' LLRs (the product of their
 * likelihood ratios): optimal by the Neyman-Pearson lemma when modalities
 * are independent given identity, as different traits are. A decision at a
 * target false match rate needs the threshold on that sum for the subset of
 * modalities the person has (policy exemptions: no readable fingers, an
 * eye missing): the impostor distribution of the summed LLR is the
 * convolution of the per-modality impostor LLR histograms (independence
 * again), and the threshold is where its upper tail first falls to the
 * target. Nothing is assumed about a missing modality: it contributes
 * nothing, and the threshold is that subset's own.
 *
 * Ownership: a struct fusion is plain data (fixed-size tables, no heap);
 * copy it freely. Errors: FUSION_BAD_INPUT (SH_EINVAL) for too few scores,
 * non-finite scores or a modality index out of range; FUSION_NO_MODALITY
 * (SH_ERULE) for a decision with no modality present. */
#ifndef SH_BIO_FUSION_H
#define SH_BIO_FUSION_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

#define FUSION_MAX_MODALITIES 4
#define FUSION_GRID 512          /* density grid points per modality */
#define FUSION_LLR_MAX 40.0f     /* |LLR| cap, natural log units */
#define FUSION_LLR_STEP 0.05f    /* histogram bin of impostor LLRs */
#define FUSION_LLR_BINS 1601     /* 2 * LLR_MAX / STEP + 1 */
#define FUSION_MIN_SCORES 10     /* of each kind, to estimate a density */

struct fusion_modality {
	char name[16];
	float lo, hi;                /* grid range (scores) */
	float llr[FUSION_GRID];      /* log genuine / impostor density */
	double imp_hist[FUSION_LLR_BINS]; /* impostor LLR distribution, sums to 1 */
	float imp_mean, imp_sd;      /* impostor z-normalization (reported) */
	size_t ngen, nimp;
};

struct fusion {
	int n;
	struct fusion_modality m[FUSION_MAX_MODALITIES];
};

/* Fit modality `idx` of *f from labelled scores (f->n grows to cover it). */
int fusion_fit(struct fusion *f, int idx, const char *name, const float *gen, size_t ng,
	       const float *imp, size_t ni, struct sh_err *err)
	__attribute__((warn_unused_result));

/* The modality's log likelihood ratio of a score. */
float fusion_llr(const struct fusion_modality *m, float score);

/* Sum of LLRs of the modalities whose bit is set in `present`. */
float fusion_score(const struct fusion *f, const float *scores, unsigned present);

/* The fused-LLR threshold giving FMR <= fmr for that subset; *resolved
 * (may be NULL) is 0 when the target is below what the fitted impostor
 * data can resolve (the threshold is then the top of the histogram). */
int fusion_threshold(const struct fusion *f, unsigned present, double fmr, float *thr,
		     int *resolved, struct sh_err *err) __attribute__((warn_unused_result));

/* Decide: *match = fused LLR >= the subset's threshold at `fmr`. */
int fusion_decide(const struct fusion *f, const float *scores, unsigned present, double fmr,
		  int *match, float *llr, struct sh_err *err) __attribute__((warn_unused_result));

#endif
