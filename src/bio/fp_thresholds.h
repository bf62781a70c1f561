/* fp_thresholds.h — decision thresholds on fp_match scores (accept when
 * score >= threshold), one per target false match rate.
 *
 * Derived by `shanakht fp bench` (bench/fp/run.sh) from the pooled impostor
 * score distribution of the FVC2002 DB1-4_B "all pairs" protocol (11,520
 * impostor comparisons; FVC2002, BioLab, University of Bologna): each is the
 * lowest score strictly above the floor(FMR * n)-th highest impostor score.
 * 11,520 impostors resolve FMR 1% (115 errors) and 0.1% (11 errors); for
 * 0.01% (1.15 errors) the figure is an extrapolation and should be
 * re-derived on a larger impostor set before it is trusted. See
 * docs/fingerprint-matching.md. */
#ifndef SH_BIO_FP_THRESHOLDS_H
#define SH_BIO_FP_THRESHOLDS_H

#define FP_THRESHOLD_FMR_1 0.0207f
#define FP_THRESHOLD_FMR_0_1 0.0264f
#define FP_THRESHOLD_FMR_0_01 0.0395f

#endif
