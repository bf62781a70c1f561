/* fp_match.h — 1:1 fingerprint comparison: bit-packed Minutia Cylinder-Code
 * (MCC) local descriptors consolidated by relaxation (LSS-R).
 *
 * Method: R. Cappelli, M. Ferrara, D. Maltoni, "Minutia Cylinder-Code: a new
 * representation and matching technique for fingerprint recognition", IEEE
 * TPAMI 32(12), 2010 — our own implementation, bit-based variant, with the
 * relaxation-based consolidation (LSS-R) of the same paper. Why MCC and not
 * triangles: docs/decisions.md, "Fingerprint matcher".
 *
 * A template is turned once into a matching form (struct fp_mtemplate,
 * fp_match_prepare): one cylinder per usable minutia, each a 64-cell
 * validity mask and FP_MCC_ND 64-bit direction planes, plus the minutia's
 * quantized position and angle. The struct is fixed-size, pointer-free and
 * 64-byte aligned, so a gallery is one flat array of them (fp_search.h).
 *
 * Scores are in [0, 1]: about 1 for a template against itself, near 0 for
 * unrelated fingers. Decision thresholds: fp_thresholds.h. fp_match(a, b)
 * equals fp_match(b, a): the pair is put in a canonical order (by a hash of
 * each template's content) before comparing. */
#ifndef SH_BIO_FP_MATCH_H
#define SH_BIO_FP_MATCH_H

#include <stdint.h>

#include "bio/fp.h"

/* Cylinder geometry (MCC paper, section 3): radius R, Ns x Ns spatial cells,
 * Nd direction sections. Ns = 8 puts the 64 cells of one direction plane in
 * one machine word: one AND gives the pair's common validity mask and each
 * plane is three popcounts. */
#define FP_MCC_R 70.0f
#ifndef FP_MCC_NS
#define FP_MCC_NS 8
#endif
#define FP_MCC_NW ((FP_MCC_NS * FP_MCC_NS + 63) / 64) /* words per plane */
#define FP_MCC_ND 6
/* At most this many minutiae (the best by quality) enter the matching form;
 * FVC-class images at 500 dpi carry 20-60 true minutiae. */
#define FP_MATCH_MAX 64
/* Convex-hull vertices kept per template; a longer hull is thinned evenly
 * (still convex, slightly inside the true one). */
#define FP_HULL_MAX 16

struct fp_mtemplate {
	/* cylinder t: bits[k][t] bit c = cell c of direction section k is on
	 * (plane-major, so eight consecutive cylinders load as one vector) */
	uint64_t bits[FP_MCC_ND][FP_MCC_NW][FP_MATCH_MAX];
	uint64_t valid[FP_MCC_NW][FP_MATCH_MAX]; /* bit c = cell c is inside the print */
	/* orientation descriptors (fp.h), one 32-byte row per cylinder, and
	 * their validity masks (0 = the template has none) */
	uint8_t odesc[FP_MATCH_MAX][FP_ODESC_N];
	uint32_t omask[FP_MATCH_MAX];
	int16_t x[FP_MATCH_MAX], y[FP_MATCH_MAX]; /* pixels, 500 dpi */
	uint8_t angle[FP_MATCH_MAX];  /* ISO angle in 1/256 of a turn */
	uint8_t mq[FP_MATCH_MAX];     /* minutia quality 0..100 (kept for callers; weighting
				       * local similarities by it hurt: docs/fingerprint-matching.md) */
	int16_t hull[FP_HULL_MAX][2]; /* convex hull of the minutiae, px */
	uint16_t count;               /* cylinders in use, 0..FP_MATCH_MAX */
	uint8_t quality;              /* image quality 0..100, copied */
	uint8_t version;              /* FP_MTEMPLATE_VERSION */
	uint8_t nhull;                /* vertices in hull */
	uint8_t pad_[51];
	uint64_t key;                 /* content hash: canonical argument order */
} __attribute__((aligned(64)));

#define FP_MTEMPLATE_VERSION 4
#define FP_MTEMPLATE_BYTES ((int)sizeof(struct fp_mtemplate))

/* Build the matching form of `t` into *out (caller-owned, overwritten).
 * Fails with SH_EINVAL (FP_TEMPLATE_INVALID) on a count out of range or a
 * non-finite coordinate. A template with fewer than 2 minutiae yields
 * count 0, which scores 0 against everything. */
int fp_match_prepare(const struct fp_template *t, struct fp_mtemplate *out,
		     struct sh_err *err) __attribute__((warn_unused_result));

/* The probe side of many comparisons, computed once per search: the
 * probe's half of every relaxation geometry (pairwise distances and segment
 * directions between its minutiae), which fp_match would otherwise redo in
 * each comparison. Scores are bit-identical to fp_match. About 20 KB; points
 * into `t`, which must outlive it. */
struct fp_match_probe {
	const struct fp_mtemplate *t;
	float dist[FP_MATCH_MAX][FP_MATCH_MAX];
	uint8_t seg[FP_MATCH_MAX][FP_MATCH_MAX];
};
void fp_match_probe_init(struct fp_match_probe *p, const struct fp_mtemplate *t);
/* fp_match(p->t, g), without recomputing the probe side. */
float fp_match_probed(const struct fp_match_probe *p, const struct fp_mtemplate *g);

/* Similarity of two prepared templates, in [0, 1]. Pure, thread-safe, no
 * allocation (about 78 KB of stack). Uses AVX-512
 * VPOPCNTDQ where the CPU has it, plain popcount otherwise (same scores). */
float fp_match(const struct fp_mtemplate *a, const struct fp_mtemplate *b);

#endif
