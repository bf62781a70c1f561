/* test_face_match.c — descriptor scores and the int8 1:N gallery on
 * synthetic descriptors with known mates. */
#include <math.h>

#include "bio/face_match.h"
#include "face_test_util.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static float uniform(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (float)((rng >> 11) / 9007199254740992.0);
}

static void random_desc(float *d, float amp)
{
	for (int i = 0; i < FACE_DESC_DIM; i++)
		d[i] = (uniform() * 2 - 1) * amp;
}

Test(face_match, scores)
{
	float a[FACE_DESC_DIM] = {0}, b[FACE_DESC_DIM] = {0};
	a[0] = 0.3f;
	b[0] = -0.3f;
	b[1] = 0.8f;
	cr_expect_float_eq(face_match_distance(a, b), 1.0f, 1e-6f);
	cr_expect_float_eq(face_match_score(a, b), 0.0f, 1e-6f);
	cr_expect_float_eq(face_match_score(a, a), 1.0f, 1e-6f);
	cr_expect_float_eq(face_match_cosine(a, a), 1.0f, 1e-6f);
	cr_expect_float_eq(face_match_cosine(a, b), -0.09f / (0.3f * sqrtf(0.73f)), 1e-6f);
}

Test(face_match, int8_scores_follow_float_scores)
{
	float a[FACE_DESC_DIM], b[FACE_DESC_DIM];
	int8_t qa[FACE_DESC_DIM], qb[FACE_DESC_DIM];
	for (int t = 0; t < 200; t++) {
		random_desc(a, 0.25f);
		random_desc(b, 0.25f);
		face_match_quantize(a, qa);
		face_match_quantize(b, qb);
		/* rounding moves each value by <= 1/512: the distance by <= sqrt(128)/512 */
		float e = fabsf(face_match_qscore(qa, qb) - face_match_score(a, b));
		cr_assert_leq(e, 0.023f, "int8 score off by %f", e);
	}
	a[0] = 3.0f; /* clamps, no wrap */
	face_match_quantize(a, qa);
	cr_expect_eq(qa[0], 127);
}

Test(face_match, gallery_finds_planted_mates)
{
	struct face_gallery g;
	struct sh_err err;
	enum { N = 5000 };
	cr_assert_eq(face_gallery_init(&g, N, &err), 0);
	static float d[N][FACE_DESC_DIM];
	for (int i = 0; i < N; i++) {
		random_desc(d[i], 0.2f);
		cr_assert_eq(face_gallery_add(&g, 1000 + (uint64_t)i, d[i], &err), 0);
	}
	cr_expect_neq(face_gallery_add(&g, 1, d[0], &err), 0);
	cr_expect_str_eq(err.code, "FACE_GALLERY_FULL");
	for (int m = 0; m < 20; m++) {
		int mate = (m * 977) % N;
		float probe[FACE_DESC_DIM];
		for (int k = 0; k < FACE_DESC_DIM; k++)
			probe[k] = d[mate][k] + (uniform() - 0.5f) * 0.02f;
		struct face_hit hits[10];
		int n = face_gallery_search(&g, probe, 10, hits);
		cr_assert_eq(n, 10);
		cr_expect_eq(hits[0].id, 1000 + (uint64_t)mate);
		for (int j = 1; j < n; j++)
			cr_expect_geq(hits[j - 1].score, hits[j].score);
		cr_expect_float_eq(hits[0].score, face_match_score(probe, d[mate]), 0.03f);
	}
	face_gallery_free(&g);
}
