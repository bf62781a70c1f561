/* face_match.c — descriptor comparison and the int8 1:N gallery (see
 * face_match.h). */
#include "bio/face_match.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

float face_match_distance(const float *a, const float *b)
{
	float s = 0;
	for (int i = 0; i < FACE_DESC_DIM; i++) {
		float d = a[i] - b[i];
		s += d * d;
	}
	return sqrtf(s);
}

float face_match_score(const float *a, const float *b)
{
	return 1.0f - face_match_distance(a, b);
}

float face_match_cosine(const float *a, const float *b)
{
	float ab = 0, aa = 0, bb = 0;
	for (int i = 0; i < FACE_DESC_DIM; i++) {
		ab += a[i] * b[i];
		aa += a[i] * a[i];
		bb += b[i] * b[i];
	}
	return aa > 0 && bb > 0 ? ab / sqrtf(aa * bb) : 0;
}

void face_match_quantize(const float *desc, int8_t out[FACE_DESC_DIM])
{
	for (int i = 0; i < FACE_DESC_DIM; i++) {
		long v = lroundf(desc[i] * FACE_Q_SCALE);
		out[i] = (int8_t)(v > 127 ? 127 : v < -127 ? -127 : v);
	}
}

/* Written for the vectorizer: 16-bit differences, 32-bit sums (254^2 *
 * 128 fits). */
int32_t face_match_qdist2(const int8_t *a, const int8_t *b)
{
	int32_t s = 0;
	for (int i = 0; i < FACE_DESC_DIM; i++) {
		int16_t d = (int16_t)(a[i] - b[i]);
		s += (int32_t)d * d;
	}
	return s;
}

float face_match_qscore(const int8_t *a, const int8_t *b)
{
	return 1.0f - sqrtf((float)face_match_qdist2(a, b)) / FACE_Q_SCALE;
}

int face_gallery_init(struct face_gallery *g, size_t cap, struct sh_err *err)
{
	memset(g, 0, sizeof *g);
	if (cap == 0)
		cap = 1;
	g->q = aligned_alloc(64, ((cap * FACE_DESC_DIM + 63) / 64) * 64);
	g->id = malloc(cap * sizeof *g->id);
	if (!g->q || !g->id) {
		face_gallery_free(g);
		return sh_err_set(err, SH_ENOMEM, "FACE_NOMEM", "out of memory for the gallery");
	}
	g->cap = cap;
	return SH_OK;
}

int face_gallery_add(struct face_gallery *g, uint64_t id, const float *desc, struct sh_err *err)
{
	if (g->n == g->cap)
		return sh_err_set(err, SH_ETOOBIG, "FACE_GALLERY_FULL", "gallery full (%zu)", g->cap);
	face_match_quantize(desc, g->q + g->n * FACE_DESC_DIM);
	g->id[g->n++] = id;
	return SH_OK;
}

void face_gallery_free(struct face_gallery *g)
{
	free(g->q);
	free(g->id);
	memset(g, 0, sizeof *g);
}

int face_gallery_search(const struct face_gallery *g, const float *probe, int k,
			struct face_hit *hits)
{
	int8_t pq[FACE_DESC_DIM];
	int32_t best[64];
	size_t bi[64];
	int nb = 0;
	if (k > 64)
		k = 64;
	if (k < 1)
		return 0;
	face_match_quantize(probe, pq);
	/* a sorted top-k of squared distances; the common case (worse than
	 * the k-th) costs one compare */
	for (size_t i = 0; i < g->n; i++) {
		int32_t d = face_match_qdist2(pq, g->q + i * FACE_DESC_DIM);
		if (nb == k && d >= best[nb - 1])
			continue;
		int j = nb < k ? nb++ : k - 1;
		while (j > 0 && best[j - 1] > d) {
			best[j] = best[j - 1];
			bi[j] = bi[j - 1];
			j--;
		}
		best[j] = d;
		bi[j] = i;
	}
	for (int j = 0; j < nb; j++) {
		hits[j].id = g->id[bi[j]];
		hits[j].score = 1.0f - sqrtf((float)best[j]) / FACE_Q_SCALE;
	}
	return nb;
}
