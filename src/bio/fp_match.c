/* fp_match.c — 1:1 comparison of two prepared templates: bit-packed MCC
 * local similarities, then Local Similarity Sort with Relaxation (LSS-R). */
#include "bio/fp_match.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* MCC paper, Table 1: delta_theta = pi/2 (pairs whose directions differ more
 * are not compared), min_ME = 60% matchable cells; LSS-R: n_rel = 5
 * iterations, w_R = 0.5, rho's sigmoids (mu, tau) = (5, -8/5) on distance,
 * (pi/12, -30) on both angle terms; n_P from 4 to 12 by a sigmoid of
 * min(n_A, n_B) with (mu, tau) = (20, 2/5). */
#define DTHETA_Q8 64 /* pi/2 in 1/256 of a turn */
#define MIN_ME 0.60f
#define N_REL 5
#define W_R 0.5f
#define MIN_NP 4
/* The print extends past its outermost minutiae (the extractor drops those
 * within ~1.3 ridge periods of the border, and ridges run on beyond the
 * last minutia): about two ridge periods. Pooled EER with 10 / 20 / 40 px:
 * 1.79 / 1.77 / 1.79%. */
#define OV_MARGIN 20.0f
#define MAX_NP 12
/* Cap on the pairs entering relaxation (the paper uses min(n_A, n_B));
 * relaxation costs n_R^2 and the final score takes n_P <= 12 of them.
 * With cylinder similarity alone true pairs were often ranked past the
 * 16th (pooled EER on FVC2002 B: 3.66% at 16, 3.12% at 32, 3.21%
 * uncapped); with the orientation-descriptor factor they rank near the
 * top, and the cap no longer matters within the benchmark's resolution:
 * 1.96% at 16, 2.14% at 20, 2.03% at 24, 2.06% at 32, 1.89% at 40, 1.96%
 * at 48. 16 is the fastest (1.8x the rate at 32). */
#define NR_MAX 16
#define NRV (NR_MAX / 8)

typedef float v8f __attribute__((vector_size(32)));

#define NCELL (FP_MCC_NS * FP_MCC_NS)
#define Z1_STEPS 4   /* table steps per pixel */
#define Z1_N (24 * Z1_STEPS)
#define Z1_FAR (11 * Z1_STEPS) /* Z(11 px) < 1e-4 */
#define Z23_FAR 24            /* Z(34 degrees) < 1e-4 */

static float sqrt_tab[FP_MCC_ND * NCELL + 1];
static float z1_tab[Z1_N + 1];
static float z23_tab[129];
static float np_tab[FP_MATCH_MAX + 1];
static int min_me_cells;
static int use_avx512; /* set once in tables_init */
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static float sigmoid(float v, float mu, float tau)
{
	return 1.0f / (1.0f + expf(-tau * (v - mu)));
}

static void tables_init(void)
{
	for (int i = 0; i <= FP_MCC_ND * NCELL; i++)
		sqrt_tab[i] = sqrtf((float)i);
	for (int i = 0; i < Z1_N; i++)
		z1_tab[i] = sigmoid((float)i / Z1_STEPS, 5.0f, -8.0f / 5.0f);
	z1_tab[Z1_N] = 0.0f;
	for (int i = 0; i <= 128; i++)
		z23_tab[i] = sigmoid(i * 2.0f * (float)M_PI / 256.0f,
				     (float)M_PI / 12.0f, -30.0f);
	for (int n = 0; n <= FP_MATCH_MAX; n++)
		np_tab[n] = (float)(MIN_NP + lroundf(sigmoid((float)n, 20.0f, 0.4f) *
						     (MAX_NP - MIN_NP)));
	const float ds = 2.0f * FP_MCC_R / FP_MCC_NS;
	int cells = 0;
	for (int i = 0; i < FP_MCC_NS; i++)
		for (int j = 0; j < FP_MCC_NS; j++) {
			float ci = (i - (FP_MCC_NS - 1) / 2.0f) * ds;
			float cj = (j - (FP_MCC_NS - 1) / 2.0f) * ds;
			cells += ci * ci + cj * cj <= FP_MCC_R * FP_MCC_R;
		}
	min_me_cells = (int)ceilf(MIN_ME * cells);
#if defined(__x86_64__)
	__builtin_cpu_init();
	use_avx512 = __builtin_cpu_supports("avx512vpopcntdq") &&
		     __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
		     __builtin_cpu_supports("avx512bw") && getenv("SHANAKHT_FP_NO_AVX512") == NULL;
#endif
}

/* A candidate pair packed in one 32-bit word: the key it is ordered by
 * (distinct_pairs, 16 bits) at 16..31, then i and j; the similarity itself
 * is read back from the matrix for the few pairs taken. Candidates are generated in (i, j)
 * order and the bucket pass keeps that order among keys of the same 1/512
 * bucket; fp_match puts its arguments in a canonical order first, so the
 * result does not depend on which template is called the probe. */
typedef uint32_t cand_t;
#define CAND_I(c) ((int)(((c) >> 8) & 255))
#define CAND_J(c) ((int)((c) & 255))
#define NBUCKET_BITS 9
#define NBUCKET (1 << NBUCKET_BITS)
#define CAND_BUCKET(c) ((int)(((c) >> (32 - NBUCKET_BITS)) & (NBUCKET - 1)))

/* Orientation-descriptor similarity of minutiae i of a and j of b (fp.h):
 * 1 - mean |orientation difference| / 45 degrees over the samples valid in
 * both (random flow gives ~0, the same flow ~1), floored at 0; -1 when
 * either template has no descriptors, 0.5 (no evidence either way) when
 * fewer than ODESC_MIN samples are common. */
#define ODESC_MIN 8
static float osim_scalar(const struct fp_mtemplate *a, int i, const struct fp_mtemplate *b,
			 int j)
{
	uint32_t ma = a->omask[i], mb = b->omask[j];
	if (!ma || !mb)
		return -1.0f;
	uint32_t mk = ma & mb;
	int n = __builtin_popcount(mk);
	if (n < ODESC_MIN)
		return 0.5f;
	int sum = 0;
	for (int k = 0; k < FP_ODESC_N; k++)
		if (mk >> k & 1) {
			int d = (int8_t)(uint8_t)(a->odesc[i][k] - b->odesc[j][k]);
			sum += d < 0 ? -d : d;
		}
	float v = 1.0f - (float)sum / (64.0f * (float)n);
	return v < 0 ? 0 : v;
}

/* Local similarity of a minutiae pair: the cylinder similarity s times the
 * orientation-descriptor similarity o (when both templates carry
 * descriptors). A product, not a mean: a pair must agree in both the
 * minutiae around it and the ridge flow around it; impostor pairs often
 * agree in one by chance, rarely in both. Measured on FVC2002 B (pooled
 * EER, docs/fingerprint-matching.md): 3.04% without, 2.06% product, 2.31%
 * mean, 2.23% s * (1 + o) / 2. */
static inline float combine(float s, float o)
{
	return o < 0 ? s : s * o;
}

/* Local similarity of every compatible cylinder pair (paper eq. 16, bit
 * version: 1 - ||a^b|| / (||a|| + ||b||) on the common valid cells, with
 * ||v|| = sqrt(popcount v)), times the descriptor similarity, quantized to
 * 1/65535 into q[i][j] (0: not a candidate). While the matrix is filled, the
 * sums and counts of candidates per row and per column (distinct_pairs)
 * are taken in the same pass, and blk[i] marks the 8-column blocks of row
 * i that were written: the others hold stale data and are never read.
 * Columns past b->count are 0 in every written block. */
#define NBLK (FP_MATCH_MAX / 8)
struct lsim {
	uint16_t q[FP_MATCH_MAX][FP_MATCH_MAX];
	uint32_t rs[FP_MATCH_MAX], rn[FP_MATCH_MAX], cs[FP_MATCH_MAX], cn[FP_MATCH_MAX];
	uint8_t blk[FP_MATCH_MAX];
};

__attribute__((target_clones("popcnt", "default")))
static void local_pairs_scalar(const struct fp_mtemplate *a, const struct fp_mtemplate *b,
			       struct lsim *l)
{
	const int na = a->count, nb = b->count, me = min_me_cells;
	memset(l->cs, 0, sizeof l->cs);
	memset(l->cn, 0, sizeof l->cn);
	for (int i = 0; i < na; i++) {
		const int aa = a->angle[i];
		uint16_t *q = l->q[i];
		uint32_t rs = 0, rn = 0;
		memset(q, 0, sizeof l->q[i]);
		l->blk[i] = (uint8_t)((1u << ((nb + 7) / 8)) - 1);
		for (int j = 0; j < nb; j++) {
			int dth = (int8_t)(uint8_t)(aa - b->angle[j]);
			if (dth > DTHETA_Q8 || dth < -DTHETA_Q8)
				continue;
			uint64_t m[FP_MCC_NW];
			int nm = 0;
			for (int w = 0; w < FP_MCC_NW; w++) {
				m[w] = a->valid[w][i] & b->valid[w][j];
				nm += __builtin_popcountll(m[w]);
			}
			if (nm < me)
				continue;
			int pa = 0, pb = 0, px = 0;
			for (int k = 0; k < FP_MCC_ND; k++)
				for (int w = 0; w < FP_MCC_NW; w++) {
					uint64_t ca = a->bits[k][w][i], cb = b->bits[k][w][j];
					pa += __builtin_popcountll(ca & m[w]);
					pb += __builtin_popcountll(cb & m[w]);
					px += __builtin_popcountll((ca ^ cb) & m[w]);
				}
			if (pa + pb == 0)
				continue;
			float s = 1.0f - sqrt_tab[px] / (sqrt_tab[pa] + sqrt_tab[pb]);
			s = combine(s, osim_scalar(a, i, b, j));
			if (!(s > 0.0f))
				continue;
			uint32_t v = (uint32_t)(s * 65535.0f);
			q[j] = (uint16_t)v;
			rs += v;
			rn += v > 0;
			l->cs[j] += v;
			l->cn[j] += v > 0;
		}
		l->rs[i] = rs;
		l->rn[i] = rn;
	}
}

#if defined(__x86_64__) && FP_MCC_NW == 1
#define HAVE_AVX512_PATH 1
#include <immintrin.h>
#define AVX512_TARGET "avx512f,avx512dq,avx512vl,avx512bw,avx512vpopcntdq"

/* The same computation, eight B cylinders per step: one vector AND for the
 * common masks, 19 vector popcounts for eight pairs. Results are bit-equal
 * to the scalar path (same integer counts, same IEEE float operations). */
/* s times osim_scalar for the eight B cylinders j0..j0+7 against a's
 * cylinder i, bit-equal to the scalar path: two descriptors per 64-byte
 * vector, a masked byte-abs of the differences, SAD to eight partial sums
 * per pair of cylinders, then the partial sums (under 2^14 each) packed
 * four to a 64-bit lane and added across lanes. */
__attribute__((target(AVX512_TARGET)))
static inline __m256 osim8_apply(const struct fp_mtemplate *a, int i,
				 const struct fp_mtemplate *b, int j0, __m256 s)
{
	const uint32_t ma = a->omask[i];
	if (!ma)
		return s;
	const __m512i da =
		_mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)a->odesc[i]));
	const __m512i zero = _mm512_setzero_si512();
	__m512i x = zero;
	for (int q = 0; q < 4; q++) {
		const int j = j0 + 2 * q;
		__m512i db = _mm512_loadu_si512(b->odesc[j]);
		__mmask64 k = (uint64_t)(ma & b->omask[j]) | (uint64_t)(ma & b->omask[j + 1]) << 32;
		__m512i ad = _mm512_maskz_abs_epi8(k, _mm512_sub_epi8(da, db));
		x = _mm512_or_si512(x, _mm512_slli_epi64(_mm512_sad_epu8(ad, zero), 16 * q));
	}
	/* lanes 0-3 hold (j0, j0+2, j0+4, j0+6), lanes 4-7 the odd ones */
	x = _mm512_add_epi64(x, _mm512_shuffle_epi32(x, _MM_PERM_BADC));
	x = _mm512_add_epi64(x, _mm512_shuffle_i64x2(x, x, _MM_SHUFFLE(2, 3, 0, 1)));
	uint64_t ev = (uint64_t)_mm_cvtsi128_si64(_mm512_castsi512_si128(x));
	uint64_t od = (uint64_t)_mm_cvtsi128_si64(_mm512_extracti64x2_epi64(x, 2));
	__m256i sum = _mm256_setr_epi32((int)(ev & 0xffff), (int)(od & 0xffff),
					(int)(ev >> 16 & 0xffff), (int)(od >> 16 & 0xffff),
					(int)(ev >> 32 & 0xffff), (int)(od >> 32 & 0xffff),
					(int)(ev >> 48), (int)(od >> 48));
	__m256i mb = _mm256_loadu_si256((const __m256i *)&b->omask[j0]);
	__m256i n = _mm256_popcnt_epi32(_mm256_and_si256(mb, _mm256_set1_epi32((int)ma)));
	__m256 nf = _mm256_cvtepi32_ps(n);
	__m256 o = _mm256_sub_ps(_mm256_set1_ps(1.0f),
				 _mm256_div_ps(_mm256_cvtepi32_ps(sum),
					       _mm256_mul_ps(_mm256_set1_ps(64.0f), nf)));
	o = _mm256_max_ps(o, _mm256_setzero_ps());
	__mmask8 few = _mm256_cmplt_epi32_mask(n, _mm256_set1_epi32(ODESC_MIN));
	o = _mm256_mask_blend_ps(few, o, _mm256_set1_ps(0.5f));
	__mmask8 none = _mm256_cmpeq_epi32_mask(mb, _mm256_setzero_si256());
	return _mm256_mask_blend_ps(none, _mm256_mul_ps(s, o), s);
}

__attribute__((target(AVX512_TARGET)))
static void local_pairs_avx512(const struct fp_mtemplate *a, const struct fp_mtemplate *b,
			       struct lsim *l)
{
	const int na = a->count, nb = b->count;
	const __m512i me = _mm512_set1_epi64(min_me_cells);
	const __m512i c255 = _mm512_set1_epi64(255), c128 = _mm512_set1_epi64(128);
	const __m256 one = _mm256_set1_ps(1.0f), zero = _mm256_setzero_ps();
	const __m256 q16 = _mm256_set1_ps(65535.0f);
	const __m256i ione = _mm256_set1_epi32(1);
	__m256i cs[NBLK], cn[NBLK];
	for (int v = 0; v < NBLK; v++)
		cs[v] = cn[v] = _mm256_setzero_si256();
	for (int i = 0; i < na; i++) {
		__m256i rs = _mm256_setzero_si256();
		unsigned rn = 0, blk = 0;
		const __m512i va = _mm512_set1_epi64((long long)a->valid[0][i]);
		const __m512i aa = _mm512_set1_epi64(a->angle[i] + DTHETA_Q8);
		__m512i ca[FP_MCC_ND];
		for (int k = 0; k < FP_MCC_ND; k++)
			ca[k] = _mm512_set1_epi64((long long)a->bits[k][0][i]);
		for (int j0 = 0; j0 < nb; j0 += 8) {
			__mmask8 ok = nb - j0 >= 8 ? 0xff : (__mmask8)((1u << (nb - j0)) - 1);
			/* |dphi| <= pi/2  <=>  (a - b + 64) mod 256 <= 128 */
			__m512i bang = _mm512_cvtepu8_epi64(_mm_loadl_epi64((const __m128i *)&b->angle[j0]));
			__m512i d = _mm512_and_si512(_mm512_sub_epi64(aa, bang), c255);
			ok &= _mm512_cmple_epu64_mask(d, c128);
			__m512i m = _mm512_and_si512(va, _mm512_loadu_si512(&b->valid[0][j0]));
			ok &= _mm512_cmpge_epi64_mask(_mm512_popcnt_epi64(m), me);
			if (!ok)
				continue;
			__m512i pa = _mm512_setzero_si512(), pb = pa, px = pa;
			for (int k = 0; k < FP_MCC_ND; k++) {
				__m512i cb = _mm512_loadu_si512(&b->bits[k][0][j0]);
				pa = _mm512_add_epi64(pa, _mm512_popcnt_epi64(_mm512_and_si512(ca[k], m)));
				pb = _mm512_add_epi64(pb, _mm512_popcnt_epi64(_mm512_and_si512(cb, m)));
				px = _mm512_add_epi64(px, _mm512_popcnt_epi64(
					_mm512_and_si512(_mm512_xor_si512(ca[k], cb), m)));
			}
			__m256 fa = _mm256_sqrt_ps(_mm512_cvtepi64_ps(pa));
			__m256 fb = _mm256_sqrt_ps(_mm512_cvtepi64_ps(pb));
			__m256 fx = _mm256_sqrt_ps(_mm512_cvtepi64_ps(px));
			__m256 den = _mm256_add_ps(fa, fb);
			ok &= _mm256_cmp_ps_mask(den, zero, _CMP_GT_OQ);
			__m256 s = _mm256_sub_ps(one, _mm256_div_ps(fx, den));
			ok &= _mm256_cmp_ps_mask(s, zero, _CMP_GT_OQ);
			if (!ok)
				continue;
			s = osim8_apply(a, i, b, j0, s);
			ok &= _mm256_cmp_ps_mask(s, zero, _CMP_GT_OQ);
			if (!ok)
				continue;
			/* ok now also excludes s * 65535 < 1 (a 0 in the matrix) */
			__m256i qv = _mm256_cvttps_epi32(_mm256_mul_ps(s, q16));
			ok &= _mm256_cmpgt_epi32_mask(qv, _mm256_setzero_si256());
			if (!ok)
				continue;
			qv = _mm256_maskz_mov_epi32(ok, qv);
			_mm_storeu_si128((__m128i *)&l->q[i][j0], _mm256_cvtepi32_epi16(qv));
			const int v = j0 >> 3;
			blk |= 1u << v;
			rs = _mm256_add_epi32(rs, qv);
			rn += (unsigned)__builtin_popcount(ok);
			cs[v] = _mm256_add_epi32(cs[v], qv);
			cn[v] = _mm256_mask_add_epi32(cn[v], ok, cn[v], ione);
		}
		__m128i r4 = _mm_add_epi32(_mm256_castsi256_si128(rs), _mm256_extracti128_si256(rs, 1));
		r4 = _mm_add_epi32(r4, _mm_shuffle_epi32(r4, _MM_SHUFFLE(1, 0, 3, 2)));
		r4 = _mm_add_epi32(r4, _mm_shuffle_epi32(r4, _MM_SHUFFLE(2, 3, 0, 1)));
		l->rs[i] = (uint32_t)_mm_cvtsi128_si32(r4);
		l->rn[i] = rn;
		l->blk[i] = (uint8_t)blk;
	}
	for (int v = 0; v < NBLK; v++) {
		_mm256_storeu_si256((__m256i *)&l->cs[8 * v], cs[v]);
		_mm256_storeu_si256((__m256i *)&l->cn[8 * v], cn[v]);
	}
}

/* distinct_pairs' keys for the written blocks (eight columns each) of
 * each row; bit-equal to the scalar loop (the same IEEE operations in the
 * same order). */
__attribute__((target(AVX512_TARGET)))
static int distinct_keys_avx512(const struct lsim *l, int na, const float *hr,
				const float *hc, cand_t *out)
{
	int n = 0;
	const __m256i jidx = _mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0);
	for (int i = 0; i < na; i++) {
		const __m256 h = _mm256_set1_ps(hr[i]);
		const __m256i hi = _mm256_set1_epi32(i << 8);
		for (unsigned m = l->blk[i]; m; m &= m - 1) {
			const int j0 = 8 * __builtin_ctz(m);
			__m256i v = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)&l->q[i][j0]));
			__m256 d = _mm256_sub_ps(_mm256_sub_ps(_mm256_cvtepi32_ps(v), h),
						 _mm256_loadu_ps(&hc[j0]));
			__m256i k = _mm256_cvttps_epi32(d);
			__mmask8 keep = _mm256_cmpgt_epi32_mask(k, _mm256_setzero_si256());
			if (!keep)
				continue;
			__m256i key = _mm256_or_si256(_mm256_slli_epi32(k, 16), hi);
			key = _mm256_or_si256(key, _mm256_add_epi32(jidx, _mm256_set1_epi32(j0)));
			_mm256_mask_compressstoreu_epi32(out + n, keep, key);
			n += __builtin_popcount(keep);
		}
	}
	return n;
}

/* Half the mean of each row and column (distinct_pairs), sixteen at a
 * time; IEEE division, so equal to the scalar loop. */
__attribute__((target(AVX512_TARGET)))
static void half_means_avx512(const uint32_t *sum, const uint32_t *cnt, int n, float *h)
{
	for (int k = 0; k < n; k += 16) {
		__m512i c = _mm512_loadu_si512(&cnt[k]);
		__mmask16 nz = _mm512_test_epi32_mask(c, c);
		if (n - k < 16)
			nz &= (__mmask16)((1u << (n - k)) - 1);
		__m512 s = _mm512_mul_ps(_mm512_set1_ps(0.5f),
					 _mm512_cvtepu32_ps(_mm512_loadu_si512(&sum[k])));
		__m512 v = _mm512_maskz_div_ps(nz, s, _mm512_cvtepu32_ps(c));
		_mm512_storeu_ps(&h[k], v);
	}
	for (int k = (n + 15) / 16 * 16; k < FP_MATCH_MAX; k++)
		h[k] = 0.0f;
}

#endif

static void local_pairs(const struct fp_mtemplate *a, const struct fp_mtemplate *b,
			struct lsim *l)
{
#if defined(HAVE_AVX512_PATH)
	if (use_avx512) {
		local_pairs_avx512(a, b, l);
		return;
	}
#endif
	local_pairs_scalar(a, b, l);
}

/* Distinctiveness of each candidate pair: its local similarity minus the
 * mean of the mean similarities of minutia i (over its candidates in b) and
 * of minutia j (over its candidates in a). A minutia in a region of generic
 * structure — a smudge, parallel ridges with no nearby minutiae — is about
 * as similar to many minutiae of the other print as to its true mate, and
 * with raw similarities such pairs crowd the true ones out of the n_R pairs
 * that enter relaxation; a true pair stands out from its row and column.
 * This is the ratio test of local-feature matching (a match counts when it
 * is clearly better than the alternatives), as a difference. The key that
 * orders the greedy pairing becomes this difference, pairs at or below the
 * mean of their row and column are dropped (they are no evidence of a
 * correspondence), and the similarity itself is kept (bits 16..31) as the
 * relaxation's initial value. Measured on FVC2002 B (pooled EER): 1.79% ->
 * 1.52%; subtracting 0.5 / 1.5 / 2 x the means: 1.61 / 1.61 / 3.40%; the
 * larger of the two means: 1.69%; keeping the pairs under the mean at the
 * bottom of the order: 1.61% (docs/fingerprint-matching.md). Returns the
 * candidates kept, compacted in their (i, j) order. */
static int distinct_pairs(const struct lsim *l, int na, int nb, cand_t *out)
{
	/* half the mean of each row and column, in 1/65535 units (the sums
	 * and counts were taken by local_pairs) */
	float hr[FP_MATCH_MAX], hc[FP_MATCH_MAX];
#if defined(HAVE_AVX512_PATH)
	if (use_avx512) {
		half_means_avx512(l->rs, l->rn, na, hr);
		half_means_avx512(l->cs, l->cn, nb, hc);
		return distinct_keys_avx512(l, na, hr, hc, out);
	}
#endif
	for (int k = 0; k < FP_MATCH_MAX; k++) {
		hr[k] = k < na && l->rn[k] ? 0.5f * (float)l->rs[k] / (float)l->rn[k] : 0.0f;
		hc[k] = k < nb && l->cn[k] ? 0.5f * (float)l->cs[k] / (float)l->cn[k] : 0.0f;
	}
	int n = 0;
	for (int i = 0; i < na; i++)
		for (int j = 0; j < nb; j++) {
			uint32_t v = l->q[i][j];
			float d = (float)v - hr[i] - hc[j];
			int32_t k = (int32_t)d; /* |d| < 65536 */
			if (k <= 0)
				continue; /* also every non-candidate: v = 0 */
			out[n++] = (uint32_t)k << 16 | (uint32_t)i << 8 | (uint32_t)j;
		}
	return n;
}

/* Greedy one-to-one pairing in order of decreasing key (distinct_pairs): one
 * stable bucket pass on the key quantized to 1/512, then a walk from the
 * top; sim[] gets the pairs' local similarities. (Measured when the key was
 * the similarity itself:) with cylinder similarities alone (crowded into 0.3-0.5) a coarse grid
 * reordered many near-equal pairs; the products with the descriptor
 * similarity spread out, and 1/512 scores as 1/1024 did (pooled EER 1.79%
 * against 1.77%; 1/256: 1.88%) while the bucket loops cost half: 1:N
 * comparisons ~15% faster. */
static int select_pairs(const struct lsim *l, const cand_t *c, int n, cand_t *sorted, int nr_max,
			uint8_t *si, uint8_t *sj, float *sim)
{
	uint16_t count[NBUCKET];
	int start[NBUCKET];
	memset(count, 0, sizeof count);
	for (int t = 0; t < n; t++)
		count[CAND_BUCKET(c[t])]++;
	int pos = 0;
	for (int b = NBUCKET - 1; b >= 0; b--) {
		start[b] = pos;
		pos += count[b];
	}
	for (int t = 0; t < n; t++)
		sorted[start[CAND_BUCKET(c[t])]++] = c[t];
	/* start[b] now points one past bucket b */
	uint64_t used_a = 0, used_b = 0;
	int nr = 0;
	for (int b = NBUCKET - 1; b >= 0 && nr < nr_max; b--) {
		int hi = start[b], lo = hi - count[b];
		for (int p = lo; p < hi && nr < nr_max; p++) {
			int i = CAND_I(sorted[p]), j = CAND_J(sorted[p]);
			uint64_t bi = 1ull << i, bj = 1ull << j;
			if ((used_a & bi) || (used_b & bj))
				continue;
			used_a |= bi;
			used_b |= bj;
			si[nr] = (uint8_t)i;
			sj[nr] = (uint8_t)j;
			sim[nr] = (float)l->q[i][j] / 65535.0f;
			nr++;
		}
	}
	return nr;
}

/* atan2 in 1/256 of a turn, ISO orientation (y axis points down, angles
 * counter-clockwise); error < 0.3 degrees, well under one step. */
static inline int seg_angle_q8(int dx, int dy)
{
	float x = (float)dx, y = (float)-dy;
	float ax = fabsf(x), ay = fabsf(y);
	float mx = ax > ay ? ax : ay, mn = ax > ay ? ay : ax;
	if (mx == 0.0f)
		return 0;
	float z = mn / mx;
	float r = z * (0.7853982f + 0.273f * (1.0f - z));
	if (ay > ax)
		r = 1.5707963f - r;
	if (x < 0)
		r = 3.1415927f - r;
	if (y < 0)
		r = -r;
	return (int)(r * (128.0f / 3.1415927f) + 256.5f) & 255;
}

static int absq8(int d)
{
	int v = (int8_t)(uint8_t)d;
	return v < 0 ? -v : v;
}

void fp_match_probe_init(struct fp_match_probe *p, const struct fp_mtemplate *t)
{
	pthread_once(&tables_once, tables_init);
	p->t = t;
	/* the probe's half of every relaxation geometry: pairwise distances
	 * and segment directions, once instead of once per comparison */
	for (int i = 0; i < t->count; i++)
		for (int k = 0; k < t->count; k++) {
			int dx = t->x[k] - t->x[i], dy = t->y[k] - t->y[i];
			p->dist[i][k] = sqrtf((float)(dx * dx + dy * dy));
			p->seg[i][k] = (uint8_t)seg_angle_q8(dx, dy);
		}
}

static float match_core(const struct fp_mtemplate *a, const struct fp_mtemplate *b,
			const struct fp_match_probe *pa, const struct fp_match_probe *pb);

float fp_match(const struct fp_mtemplate *a, const struct fp_mtemplate *b)
{
	pthread_once(&tables_once, tables_init);
	if (a->count < 2 || b->count < 2)
		return 0.0f;
	/* canonical order: near-equal similarities are taken in (i, j) order of
	 * the first template, so which one is first must not depend on the
	 * caller (symmetry) */
	if (b->key < a->key)
		return match_core(b, a, NULL, NULL);
	return match_core(a, b, NULL, NULL);
}

float fp_match_probed(const struct fp_match_probe *p, const struct fp_mtemplate *g)
{
	const struct fp_mtemplate *t = p->t;
	if (t->count < 2 || g->count < 2)
		return 0.0f;
	if (g->key < t->key)
		return match_core(g, t, NULL, p);
	return match_core(t, g, p, NULL);
}

/* How many of the n points (px, py) lie inside h's convex hull enlarged by
 * OV_MARGIN: each edge's line test over all points at once, which the
 * compiler turns into 16-wide compares (arrays padded to FP_MATCH_MAX).
 * ISO C mode, so no FMA contraction: every clone gives the same count. */
__attribute__((target_clones("avx512f", "avx2", "default")))
static int count_inside(const struct fp_mtemplate *h, const float *px, const float *py, int n)
{
	int nh = h->nhull;
	if (nh < 3)
		return n;
	float ok[FP_MATCH_MAX];
	for (int i = 0; i < FP_MATCH_MAX; i++)
		ok[i] = 1.0f;
	for (int v = 0; v < nh; v++) {
		int w = v + 1 == nh ? 0 : v + 1;
		float x0 = h->hull[v][0], y0 = h->hull[v][1];
		float ex = h->hull[w][0] - x0, ey = h->hull[w][1] - y0;
		float lim = -OV_MARGIN * sqrtf(ex * ex + ey * ey);
		for (int i = 0; i < FP_MATCH_MAX; i++) {
			float cr = ex * (py[i] - y0) - ey * (px[i] - x0);
			ok[i] = cr < lim ? 0.0f : ok[i];
		}
	}
	float c = 0;
	for (int i = 0; i < n; i++)
		c += ok[i];
	return (int)c;
}

/* Minutiae in the common region: the rigid alignment of the k most
 * efficient relaxed pairs (their similarity-weighted mean rotation and
 * translation) maps each template into the other, and the smaller of the two
 * counts of minutiae inside the other's convex hull, enlarged by
 * OV_MARGIN, is returned. */
static int overlap_count(const struct fp_mtemplate *a, const struct fp_mtemplate *b,
			 const uint8_t *si, const uint8_t *sj, const float *lam,
			 const uint8_t *sel, int k)
{
	float wc = 0, ws = 0, wsum = 0;
	for (int q = 0; q < k; q++) {
		int t = sel[q];
		float d = (float)(int8_t)(uint8_t)(b->angle[sj[t]] - a->angle[si[t]]) *
			  (2.0f * (float)M_PI / 256.0f);
		wc += lam[t] * cosf(d);
		ws += lam[t] * sinf(d);
		wsum += lam[t];
	}
	int nmin = a->count < b->count ? a->count : b->count;
	if (!(wsum > 0))
		return nmin;
	float th = atan2f(ws, wc), c = cosf(th), s = sinf(th);
	float tx = 0, ty = 0;
	for (int q = 0; q < k; q++) {
		int t = sel[q];
		float ax = a->x[si[t]], ay = a->y[si[t]];
		tx += lam[t] * (b->x[sj[t]] - (ax * c + ay * s));
		ty += lam[t] * (b->y[sj[t]] - (-ax * s + ay * c));
	}
	tx /= wsum;
	ty /= wsum;
	/* a in b's frame, b in a's frame (rows past count are zero and not
	 * counted) */
	float ax[FP_MATCH_MAX], ay[FP_MATCH_MAX], bx[FP_MATCH_MAX], by[FP_MATCH_MAX];
	for (int i = 0; i < FP_MATCH_MAX; i++) {
		float x = a->x[i], y = a->y[i];
		ax[i] = x * c + y * s + tx;
		ay[i] = -x * s + y * c + ty;
		float dx = b->x[i] - tx, dy = b->y[i] - ty;
		bx[i] = dx * c - dy * s;
		by[i] = dx * s + dy * c;
	}
	int na = count_inside(b, ax, ay, a->count);
	int nb = count_inside(a, bx, by, b->count);
	return na < nb ? na : nb;
}

/* Compare a (first in canonical order) with b; pa / pb, when not NULL, hold
 * precomputed geometry of a / b. */
static float match_core(const struct fp_mtemplate *a, const struct fp_mtemplate *b,
			const struct fp_match_probe *pa, const struct fp_match_probe *pb)
{
	struct lsim ls;
	cand_t c[FP_MATCH_MAX * FP_MATCH_MAX];
	cand_t sorted[FP_MATCH_MAX * FP_MATCH_MAX];
	local_pairs(a, b, &ls);
	int n = distinct_pairs(&ls, a->count, b->count, c);
	if (n == 0)
		return 0.0f;

	int nmin = a->count < b->count ? a->count : b->count;
	int nr_max = nmin < NR_MAX ? nmin : NR_MAX;
	uint8_t si[NR_MAX], sj[NR_MAX];
	float lam0[NR_MAX], lam[NR_MAX], nxt[NR_MAX];
	int nr = select_pairs(&ls, c, n, sorted, nr_max, si, sj, lam0);
	int np = (int)np_tab[nmin];

	/* Relaxation (paper, section 4.3.2): a pair's similarity is reinforced
	 * by pairs whose relative geometry agrees — distance, direction
	 * difference, and the angle each segment makes with the minutia. */
	/* rows padded with zeros to whole 8-float vectors: the relaxation
	 * sums run as independent vector lanes instead of one serial chain */
	v8f rho[NR_MAX][NRV];
	int nv = (nr + 7) / 8;
	for (int t = 0; t < nr; t++)
		for (int v = 0; v < nv; v++)
			rho[t][v] = (v8f){0};
	float (*rf)[NRV * 8] = (float (*)[NRV * 8])rho;
	for (int t = 0; t < nr; t++) {
		int at = si[t], bt = sj[t];
		for (int k = t + 1; k < nr; k++) {
			int ak = si[k], bk = sj[k];
			int dxa = a->x[ak] - a->x[at], dya = a->y[ak] - a->y[at];
			int dxb = b->x[bk] - b->x[bt], dyb = b->y[bk] - b->y[bt];
			float da = pa ? pa->dist[at][ak] : sqrtf((float)(dxa * dxa + dya * dya));
			float db = pb ? pb->dist[bt][bk] : sqrtf((float)(dxb * dxb + dyb * dyb));
			int q1 = (int)(fabsf(da - db) * Z1_STEPS + 0.5f);
			int d2 = absq8((a->angle[at] - a->angle[ak]) - (b->angle[bt] - b->angle[bk]));
			/* past these the sigmoids are below 1e-4: rho is 0, and most
			 * impostor pairs stop here before the two atan2 */
			if (q1 >= Z1_FAR || d2 >= Z23_FAR) {
				rf[t][k] = rf[k][t] = 0.0f;
				continue;
			}
			float z12 = z1_tab[q1] * z23_tab[d2];
			int sa = pa ? pa->seg[at][ak] : seg_angle_q8(dxa, dya);
			int sb = pb ? pb->seg[bt][bk] : seg_angle_q8(dxb, dyb);
			int d3t = absq8((a->angle[at] - sa) - (b->angle[bt] - sb));
			int d3k = absq8((a->angle[ak] - sa) - (b->angle[bk] - sb));
			rf[t][k] = z12 * z23_tab[d3t];
			rf[k][t] = z12 * z23_tab[d3k];
		}
	}
	union {
		v8f v[NRV];
		float f[NRV * 8];
	} lv = {{{0}}};
	memcpy(lv.f, lam0, sizeof(float) * (size_t)nr);
	float wn = nr > 1 ? (1.0f - W_R) / (float)(nr - 1) : 0.0f;
	for (int it = 0; it < N_REL; it++) {
		for (int t = 0; t < nr; t++) {
			v8f acc = rho[t][0] * lv.v[0];
			for (int v = 1; v < nv; v++)
				acc += rho[t][v] * lv.v[v];
			float s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) +
				  ((acc[2] + acc[6]) + (acc[3] + acc[7]));
			nxt[t] = W_R * lv.f[t] + wn * s;
		}
		memcpy(lv.f, nxt, sizeof(float) * (size_t)nr);
	}
	memcpy(lam, lv.f, sizeof(float) * (size_t)nr);
	/* The n_P pairs with the best efficiency (final / initial similarity)
	 * give the score; dividing by n_P, not by the pairs found, keeps a
	 * two-minutia coincidence from scoring high. */
	float eff[NR_MAX];
	for (int t = 0; t < NR_MAX; t++)
		eff[t] = t >= nr ? -1.0f : lam0[t] > 0 ? lam[t] / lam0[t] : 0.0f;
	/* sel: pairs by decreasing efficiency, the lower index first among
	 * equals; each pair's place is its rank, counted over all pairs at
	 * once (branch-free, vectorised; the padding at -1 never outranks) */
	uint8_t sel[NR_MAX];
	for (int t = 0; t < nr; t++) {
		int r = 0;
		for (int u = 0; u < NR_MAX; u++)
			r += (eff[u] > eff[t]) | ((eff[u] == eff[t]) & (u < t));
		sel[r] = (uint8_t)t;
	}
	/* Overlap normalisation: n_P follows the minutiae in the common
	 * region, not in the whole of the smaller template, so a genuine pair
	 * that overlaps little is not divided by pairs it cannot have. */
	int nov = overlap_count(a, b, si, sj, lam, sel, nr < MIN_NP ? nr : MIN_NP);
	if (np_tab[nov] < np)
		np = (int)np_tab[nov];
	float total = 0.0f;
	int take = np < nr ? np : nr;
	for (int q = 0; q < take; q++)
		total += lam[sel[q]];
	float score = total / (float)np;
	return score < 0 ? 0 : score > 1 ? 1 : score;
}
