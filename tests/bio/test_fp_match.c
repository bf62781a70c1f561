/* test_fp_match.c — properties of the 1:1 matcher on synthetic minutiae:
 * self-match, symmetry, rotation/translation invariance, impostors low. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "bio/fp_bench.h"
#include "bio/fp_match.h"
#include "bio/fp_thresholds.h"

static struct fp_mtemplate *prep(const struct fp_template *t)
{
	struct fp_mtemplate *m = aligned_alloc(64, sizeof *m);
	cr_assert_not_null(m);
	struct sh_err err;
	cr_assert_eq(fp_match_prepare(t, m, &err), SH_OK);
	return m;
}

static struct fp_mtemplate *synth(uint64_t seed, int n)
{
	struct fp_template t;
	fp_bench_synth_finger(seed, n, 320, 400, &t);
	return prep(&t);
}

Test(fp_match, layout_is_fixed_and_aligned)
{
	cr_assert_eq(FP_MTEMPLATE_BYTES % 64, 0);
	cr_assert_eq(FP_MTEMPLATE_BYTES, 6400);
}

Test(fp_match, self_match_is_high)
{
	for (uint64_t s = 1; s <= 20; s++) {
		struct fp_mtemplate *a = synth(s, 40);
		cr_assert_gt(a->count, 20);
		float v = fp_match(a, a);
		cr_assert_gt(v, 0.95f, "seed %d self %f", (int)s, v);
		free(a);
	}
}

Test(fp_match, symmetric)
{
	struct fp_template f, g;
	for (uint64_t s = 1; s <= 30; s++) {
		fp_bench_synth_finger(s, 35, 320, 400, &f);
		fp_bench_synth_impression(&f, s + 99, 0.2f, 12, -7, 3, 0.2f, 6, &g);
		struct fp_mtemplate *a = prep(&f), *b = prep(&g), *c = synth(s + 500, 35);
		cr_assert_eq(fp_match(a, b), fp_match(b, a), "genuine seed %d", (int)s);
		cr_assert_eq(fp_match(a, c), fp_match(c, a), "impostor seed %d", (int)s);
		free(a);
		free(b);
		free(c);
	}
}

/* Rotating and shifting every minutia (no jitter, no loss) must leave the
 * score unchanged up to the quantization of positions and angles. The
 * matcher compares minutiae whose directions differ by at most 90 degrees
 * (MCC's delta_theta), so relative rotations up to that are covered. */
Test(fp_match, rotation_translation_invariant)
{
	struct fp_template f, g, h;
	fp_bench_synth_finger(7, 40, 320, 400, &f);
	fp_bench_synth_impression(&f, 1, 0.0f, 0, 0, 0, 0.1f, 4, &g); /* a genuine mate */
	struct fp_mtemplate *a = prep(&f), *b = prep(&g);
	float base = fp_match(a, b);
	cr_assert_gt(base, 0.3f);
	const float rots[] = {0.0f, 0.35f, -0.6f, 1.2f, -1.4f};
	for (size_t r = 0; r < sizeof rots / sizeof rots[0]; r++) {
		/* the same impression, turned and moved: widen the canvas so no
		 * minutia falls off */
		struct fp_template big = g;
		big.width = big.height = 1000;
		for (int i = 0; i < big.count; i++) {
			big.minutiae[i].x += 340;
			big.minutiae[i].y += 300;
		}
		fp_bench_synth_impression(&big, 2, rots[r], 25, -30, 0, 0, 0, &h);
		cr_assert_eq(h.count, g.count);
		struct fp_mtemplate *c = prep(&h);
		float v = fp_match(a, c);
		cr_assert(fabsf(v - base) < 0.03f, "rot %f: %f vs %f", rots[r], v, base);
		free(c);
	}
	free(a);
	free(b);
}

Test(fp_match, impostors_score_low)
{
	int above = 0, n = 0;
	for (uint64_t s = 1; s <= 40; s++) {
		struct fp_mtemplate *a = synth(s, 40), *b = synth(s + 1000, 40);
		float v = fp_match(a, b);
		cr_assert_lt(v, 0.2f, "seed %d impostor %f", (int)s, v);
		above += v >= FP_THRESHOLD_FMR_0_1;
		n++;
		free(a);
		free(b);
	}
	cr_assert_leq(above, 1, "%d of %d synthetic impostors accepted", above, n);
}

Test(fp_match, genuine_beats_impostor)
{
	struct fp_template f, g;
	for (uint64_t s = 1; s <= 20; s++) {
		fp_bench_synth_finger(s, 40, 320, 400, &f);
		fp_bench_synth_impression(&f, s, 0.5f, 20, 10, 4, 0.25f, 8, &g);
		struct fp_mtemplate *a = prep(&f), *b = prep(&g), *c = synth(s + 77, 40);
		float gen = fp_match(a, b), imp = fp_match(a, c);
		cr_assert_gt(gen, imp + 0.1f, "seed %d: %f vs %f", (int)s, gen, imp);
		free(a);
		free(b);
		free(c);
	}
}

Test(fp_match, degenerate_templates)
{
	struct fp_template t = {0};
	struct fp_mtemplate *e = prep(&t), *a = synth(3, 40);
	cr_assert_eq(e->count, 0);
	cr_assert_eq(fp_match(e, a), 0.0f);
	cr_assert_eq(fp_match(e, e), 0.0f);
	t.count = 1;
	t.minutiae[0] = (struct fp_minutia){
		.x = 10, .y = 10, .angle = 1, .type = FP_ENDING, .quality = 50};
	free(e);
	e = prep(&t);
	cr_assert_eq(fp_match(e, a), 0.0f);
	free(e);
	free(a);
}

Test(fp_match, rejects_bad_input)
{
	struct fp_template t = {0};
	struct fp_mtemplate *m = aligned_alloc(64, sizeof *m);
	struct sh_err err;
	t.count = 300;
	cr_assert_eq(fp_match_prepare(&t, m, &err), SH_EINVAL);
	t.count = 3;
	t.minutiae[1].x = NAN;
	cr_assert_eq(fp_match_prepare(&t, m, &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "FP_TEMPLATE_INVALID");
	free(m);
}

/* Keeps the best-quality minutiae when a template has too many. */
Test(fp_match, caps_minutiae_by_quality)
{
	struct fp_template t;
	fp_bench_synth_finger(11, 120, 600, 600, &t);
	cr_assert_gt(t.count, FP_MATCH_MAX);
	struct fp_mtemplate *m = prep(&t);
	cr_assert_leq(m->count, FP_MATCH_MAX);
	cr_assert_gt(fp_match(m, m), 0.95f);
	free(m);
}
