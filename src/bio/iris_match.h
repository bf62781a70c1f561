/* iris_match.h — IrisCode comparison and 1:N search (iris_match.c).
 *
 * The masked fractional Hamming distance of Daugman: over the bits both
 * masks keep, the fraction that differ; computed at every code-column
 * shift of the probe in +-IRIS_MAX_SHIFT (eye rotation), each normalized
 * for the number of bits compared (iris.h, IRIS_HD_NORM_BITS), and the
 * smallest kept. Lower is more similar: independent irises give about 0.5,
 * the same iris well under 0.35.
 *
 * A probe is prepared once (its IRIS_SHIFTS rotations) and then compared
 * with any number of gallery codes by 64-bit popcounts: a portable path
 * (__builtin_popcountll), one compiled for the POPCNT instruction, and an
 * AVX-512 VPOPCNTDQ path, chosen at run time by what the CPU supports. */
#ifndef SH_BIO_IRIS_MATCH_H
#define SH_BIO_IRIS_MATCH_H

#include <stddef.h>

#include "bio/iris.h"

struct iris_probe {
	_Alignas(64) struct iris_code rot[IRIS_SHIFTS]; /* rot[s + IRIS_MAX_SHIFT] */
};

/* out = in rotated by `shift` code columns: location (k, c) of in is
 * location (k, (c + shift) mod IRIS_COLS) of out. */
void iris_code_rotate(const struct iris_code *in, int shift, struct iris_code *out);

void iris_probe_prepare(const struct iris_code *probe, struct iris_probe *p);

/* Probe against one gallery code. */
struct iris_score iris_compare(const struct iris_probe *p, const struct iris_code *g);

/* Prepare and compare (a is the probe). */
struct iris_score iris_match(const struct iris_code *a, const struct iris_code *b);

/* Similarity for error-rate statistics and fusion (higher = more alike):
 * 1 - normalized HD. */
static inline float iris_similarity(const struct iris_score *s)
{
	return 1.0f - s->hd;
}

/* 1:N: hd[i] receives the normalized HD of the probe against gallery[i]
 * (gallery 64-byte aligned for the SIMD path). Returns the index of the
 * best (lowest) or -1 when n is 0. */
long iris_search(const struct iris_probe *p, const struct iris_code *gallery, size_t n,
		 float *hd);

/* Which kernel iris_search uses: "avx512-vpopcntdq", "popcnt" or "portable";
 * iris_match_force_kernel(name) selects one (for tests and the bench; 0 ok,
 * -1 when this CPU lacks it). */
const char *iris_match_kernel(void);
int iris_match_force_kernel(const char *name);

#endif
