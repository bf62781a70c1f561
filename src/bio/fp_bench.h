/* fp_bench.h — what the fingerprint benchmarks and tests share: error-rate
 * statistics over genuine/impostor score sets (EER, FNMR at a target FMR,
 * thresholds) and synthetic minutiae sets with known mates. */
#ifndef SH_BIO_FP_BENCH_H
#define SH_BIO_FP_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "bio/fp.h"

/* --- error rates. A comparison is accepted when score >= threshold. --- */

/* Fraction of `scores` (n of them) at or above / below `thr`. */
double fp_bench_rate_at_or_above(const float *scores, size_t n, float thr);
double fp_bench_rate_below(const float *scores, size_t n, float thr);

/* The smallest threshold whose false match rate over `impostor` is <= fmr
 * (a score strictly above the k-th highest impostor, k = floor(fmr * n)).
 * With too few impostors for `fmr` (fmr * n < 1) this is just above the
 * highest impostor score: an optimistic bound, flagged by *resolved = 0. */
float fp_bench_threshold_at_fmr(const float *impostor, size_t n, double fmr,
				int *resolved);

/* Equal error rate in [0, 1]: the threshold sweep over all observed scores,
 * taking the point where FMR and FNMR cross (their mean at the crossing). */
double fp_bench_eer(const float *genuine, size_t ng, const float *impostor,
		    size_t ni, float *eer_threshold);

/* --- the "FVC-B all pairs" protocol (../shared/data/README.md) --- */

/* One database: nf fingers x ni impressions, sample index = f * ni + i. */
struct fp_bench_pair {
	int a, b;     /* sample indices, a < b */
	float score;
	uint8_t genuine;
};

/* All pairs of the protocol: genuine = same finger, impressions i < j
 * (nf * ni*(ni-1)/2: 280 for 10 x 8); impostor = two different fingers
 * fa < fb, every impression of each (nf*(nf-1)/2 * ni^2: 2,880). Returns
 * the count written to `out` (NULL to count only). */
size_t fp_bench_fvc_pairs(int nf, int ni, struct fp_bench_pair *out);

struct fp_mtemplate;
/* Score pairs[0..n) over templates t[] on `threads` threads (1..64);
 * returns the wall-clock seconds taken and, in *cpu_seconds (may be NULL),
 * the CPU time the scoring threads used in all: on a shared machine the
 * per-core rate n / *cpu_seconds is the figure that does not depend on
 * what else runs. */
double fp_bench_score_pairs(const struct fp_mtemplate *t, struct fp_bench_pair *pairs,
			    size_t n, int threads, double *cpu_seconds);

/* --- synthetic minutiae (for tests and the 1:N throughput benchmark) --- */

/* A synthetic finger: minutiae whose directions follow a smooth
 * core/delta orientation field, `count` of them spread over a w x h
 * area with at least 10 px between any two. Deterministic in `seed`. */
void fp_bench_synth_finger(uint64_t seed, int count, int w, int h,
			   struct fp_template *out);

/* Another impression of `finger`: rotated by `rot` radians about the
 * centre, shifted by (dx, dy), each minutia jittered by up to `jitter` px
 * (and its direction by min(0.03 * jitter, 0.1) rad), a fraction `drop` removed and `spurious` random minutiae
 * added. Minutiae leaving the w x h area are dropped. */
void fp_bench_synth_impression(const struct fp_template *finger, uint64_t seed,
			       float rot, float dx, float dy, float jitter,
			       float drop, int spurious, struct fp_template *out);

#endif
