/* fp_thresholds.h — decision thresholds on fp_match scores (accept when
 * score >= threshold), one per target false match rate.
 *
 * Derived by `shanakht fp bench` (bench/fp/run.sh, line "derived
 * thresholds") from the pooled impostor scores of the FVC2002 DB1-4_B "all
 * pairs" protocol (11,520 impostor comparisons; FVC2002, BioLab, University
 * of Bologna), re-derived 2026-11-23 after the orientation descriptors
 * were sampled on the field re-estimated from the Gabor-enhanced image
 * (fp_orient_refine; matcher with the distinctiveness-ordered pairing):
 * with the impostor scores sorted high to low and
 * k = floor(FMR * n), each threshold lies just above the (k+1)-th highest,
 * so at most k impostors are accepted. 11,520 impostors resolve FMR 1%
 * (k = 115) and 0.1% (k = 11); FMR 0.01% (k = 1) rests on the two highest
 * impostor scores and is indicative only: re-derive it on a larger impostor
 * set, and re-run the benchmark whenever the extractor or matcher changes
 * (scores move with both). See
 * docs/fingerprint-matching.md. */
#ifndef SH_BIO_FP_THRESHOLDS_H
#define SH_BIO_FP_THRESHOLDS_H

#define FP_THRESHOLD_FMR_1 0.0241f
#define FP_THRESHOLD_FMR_0_1 0.0329f
#define FP_THRESHOLD_FMR_0_01 0.0459f

#endif
