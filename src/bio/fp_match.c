/* fp_match.c — 1:1 comparison of two prepared templates: bit-packed MCC
 * local similarities, then Local Similarity Sort with Relaxation (LSS-R). */
#include "bio/fp_match.h"

#include <math.h>
#include <pthread.h>
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
#define MAX_NP 12
/* Cap on the pairs entering relaxation (the paper uses min(n_A, n_B));
 * relaxation costs n_R^2 and pairs past the 24th best rarely change the
 * final n_P <= 12. */
#define NR_MAX 24

#define NCELL (FP_MCC_NS * FP_MCC_NS)
#define Z1_STEPS 4   /* table steps per pixel */
#define Z1_N (24 * Z1_STEPS)

static float sqrt_tab[FP_MCC_ND * NCELL + 1];
static float z1_tab[Z1_N + 1];
static float z23_tab[129];
static float np_tab[FP_MATCH_MAX + 1];
static int min_me_cells;
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
}

/* A hash of one minutia's content; pair keys xor the two hashes, so equal
 * similarities are ordered the same way whichever template comes first. */
static uint32_t minutia_hash(const struct fp_mtemplate *t, int i)
{
	uint32_t h = (uint32_t)(uint16_t)t->x[i] * 0x9e3779b1u;
	h ^= (uint32_t)(uint16_t)t->y[i] * 0x85ebca77u;
	h ^= (uint32_t)t->angle[i] * 0xc2b2ae3du;
	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	h ^= h >> 13;
	return h;
}

struct cand {
	uint32_t key; /* similarity in the high 16 bits, tie hash below */
	uint8_t i, j;
};

/* Local similarity of every compatible cylinder pair (paper eq. 16, bit
 * version: 1 - ||a^b|| / (||a|| + ||b||) on the common valid cells, with
 * ||v|| = sqrt(popcount v)). Returns the number of candidates written. */
__attribute__((target_clones("popcnt", "default")))
static int local_pairs(const struct fp_mtemplate *a, const struct fp_mtemplate *b,
		       const uint32_t *ha, const uint32_t *hb, struct cand *out)
{
	int n = 0;
	const int na = a->count, nb = b->count, me = min_me_cells;
	for (int i = 0; i < na; i++) {
		const uint64_t va = a->valid[i];
		const uint64_t *ca = a->bits[i];
		const int aa = a->angle[i];
		for (int j = 0; j < nb; j++) {
			int dth = (int8_t)(uint8_t)(aa - b->angle[j]);
			if (dth > DTHETA_Q8 || dth < -DTHETA_Q8)
				continue;
			uint64_t m = va & b->valid[j];
			if (__builtin_popcountll(m) < me)
				continue;
			const uint64_t *cb = b->bits[j];
			int pa = 0, pb = 0, px = 0;
			for (int k = 0; k < FP_MCC_ND; k++) {
				pa += __builtin_popcountll(ca[k] & m);
				pb += __builtin_popcountll(cb[k] & m);
				px += __builtin_popcountll((ca[k] ^ cb[k]) & m);
			}
			if (pa + pb == 0)
				continue;
			float s = 1.0f - sqrt_tab[px] / (sqrt_tab[pa] + sqrt_tab[pb]);
			if (s <= 0.0f)
				continue;
			uint32_t q = (uint32_t)(s * 65535.0f);
			out[n].key = q << 16 | ((ha[i] ^ hb[j]) & 0xffffu);
			out[n].i = (uint8_t)i;
			out[n].j = (uint8_t)j;
			n++;
		}
	}
	return n;
}

static int cand_before(const struct cand *x, const struct cand *y)
{
	if (x->key != y->key)
		return x->key > y->key;
	if (x->i != y->i)
		return x->i < y->i;
	return x->j < y->j;
}

/* Greedy one-to-one pairing in order of decreasing similarity: a bucket pass
 * on the top 8 bits of the similarity, each bucket then ordered fully. */
static int select_pairs(struct cand *c, int n, struct cand *sorted, int nr_max,
			uint8_t *si, uint8_t *sj, float *sim)
{
	int count[257] = {0};
	for (int t = 0; t < n; t++)
		count[c[t].key >> 24]++;
	int start[256];
	int pos = 0;
	for (int b = 255; b >= 0; b--) {
		start[b] = pos;
		pos += count[b];
	}
	int fill[256];
	memcpy(fill, start, sizeof fill);
	for (int t = 0; t < n; t++)
		sorted[fill[c[t].key >> 24]++] = c[t];
	uint64_t used_a = 0, used_b = 0;
	int nr = 0;
	for (int b = 255; b >= 0 && nr < nr_max; b--) {
		int lo = start[b], hi = start[b] + count[b];
		for (int p = lo + 1; p < hi; p++) { /* buckets hold a few pairs */
			struct cand v = sorted[p];
			int q = p - 1;
			while (q >= lo && cand_before(&v, &sorted[q])) {
				sorted[q + 1] = sorted[q];
				q--;
			}
			sorted[q + 1] = v;
		}
		for (int p = lo; p < hi && nr < nr_max; p++) {
			uint64_t bi = 1ull << sorted[p].i, bj = 1ull << sorted[p].j;
			if ((used_a & bi) || (used_b & bj))
				continue;
			used_a |= bi;
			used_b |= bj;
			si[nr] = sorted[p].i;
			sj[nr] = sorted[p].j;
			sim[nr] = (float)(sorted[p].key >> 16) / 65535.0f;
			nr++;
		}
	}
	return nr;
}

/* atan2 in 1/256 of a turn, ISO orientation (y axis points down, angles
 * counter-clockwise); error < 0.3 degrees, well under one step. */
static int seg_angle_q8(int dx, int dy)
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

float fp_match(const struct fp_mtemplate *a, const struct fp_mtemplate *b)
{
	pthread_once(&tables_once, tables_init);
	if (a->count < 2 || b->count < 2)
		return 0.0f;
	uint32_t ha[FP_MATCH_MAX], hb[FP_MATCH_MAX];
	for (int i = 0; i < a->count; i++)
		ha[i] = minutia_hash(a, i);
	for (int j = 0; j < b->count; j++)
		hb[j] = minutia_hash(b, j);

	struct cand c[FP_MATCH_MAX * FP_MATCH_MAX];
	struct cand sorted[FP_MATCH_MAX * FP_MATCH_MAX];
	int n = local_pairs(a, b, ha, hb, c);
	if (n == 0)
		return 0.0f;

	int nmin = a->count < b->count ? a->count : b->count;
	int nr_max = nmin < NR_MAX ? nmin : NR_MAX;
	uint8_t si[NR_MAX], sj[NR_MAX];
	float lam0[NR_MAX], lam[NR_MAX], nxt[NR_MAX];
	int nr = select_pairs(c, n, sorted, nr_max, si, sj, lam0);
	int np = (int)np_tab[nmin];

	/* Relaxation (paper, section 4.3.2): a pair's similarity is reinforced
	 * by pairs whose relative geometry agrees — distance, direction
	 * difference, and the angle each segment makes with the minutia. */
	float rho[NR_MAX][NR_MAX];
	for (int t = 0; t < nr; t++) {
		rho[t][t] = 0.0f;
		int at = si[t], bt = sj[t];
		for (int k = t + 1; k < nr; k++) {
			int ak = si[k], bk = sj[k];
			int dxa = a->x[ak] - a->x[at], dya = a->y[ak] - a->y[at];
			int dxb = b->x[bk] - b->x[bt], dyb = b->y[bk] - b->y[bt];
			float da = sqrtf((float)(dxa * dxa + dya * dya));
			float db = sqrtf((float)(dxb * dxb + dyb * dyb));
			int q1 = (int)(fabsf(da - db) * Z1_STEPS + 0.5f);
			float z1 = z1_tab[q1 < Z1_N ? q1 : Z1_N];
			int d2 = absq8((a->angle[at] - a->angle[ak]) - (b->angle[bt] - b->angle[bk]));
			float z12 = z1 * z23_tab[d2];
			int sa = seg_angle_q8(dxa, dya), sb = seg_angle_q8(dxb, dyb);
			int d3t = absq8((a->angle[at] - sa) - (b->angle[bt] - sb));
			int d3k = absq8((a->angle[ak] - sa) - (b->angle[bk] - sb));
			rho[t][k] = z12 * z23_tab[d3t];
			rho[k][t] = z12 * z23_tab[d3k];
		}
	}
	memcpy(lam, lam0, sizeof(float) * (size_t)nr);
	float wn = nr > 1 ? (1.0f - W_R) / (float)(nr - 1) : 0.0f;
	for (int it = 0; it < N_REL; it++) {
		for (int t = 0; t < nr; t++) {
			float s = 0.0f;
			for (int k = 0; k < nr; k++)
				s += rho[t][k] * lam[k];
			nxt[t] = W_R * lam[t] + wn * s;
		}
		memcpy(lam, nxt, sizeof(float) * (size_t)nr);
	}
	/* The n_P pairs with the best efficiency (final / initial similarity)
	 * give the score; dividing by n_P, not by the pairs found, keeps a
	 * two-minutia coincidence from scoring high. */
	float eff[NR_MAX];
	for (int t = 0; t < nr; t++)
		eff[t] = lam0[t] > 0 ? lam[t] / lam0[t] : 0.0f;
	float total = 0.0f;
	int take = np < nr ? np : nr;
	for (int p = 0; p < take; p++) {
		int best = -1;
		for (int t = 0; t < nr; t++)
			if (eff[t] >= 0 && (best < 0 || eff[t] > eff[best]))
				best = t;
		total += lam[best];
		eff[best] = -1.0f;
	}
	float score = total / (float)np;
	return score < 0 ? 0 : score > 1 ? 1 : score;
}
