/* test_fp_search.c — 1:N search: planted mates are found top-1, threads do
 * not change results, multi-finger fusion, argument checks. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "bio/fp_bench.h"
#include "bio/fp_search.h"

#define N_SUBJECTS 300

static void add_synth(struct fp_gallery *g, uint64_t subject, int finger, uint64_t seed)
{
	struct fp_template t;
	struct fp_mtemplate *m = aligned_alloc(64, sizeof *m);
	struct sh_err err;
	fp_bench_synth_finger(seed, 35, 320, 400, &t);
	cr_assert_eq(fp_match_prepare(&t, m, &err), SH_OK);
	cr_assert_eq(fp_gallery_add(g, subject, finger, m, &err), SH_OK);
	free(m);
}

static void mate_probe(uint64_t seed, int finger, struct fp_probe *p, int slot)
{
	struct fp_template t, u;
	struct sh_err err;
	fp_bench_synth_finger(seed, 35, 320, 400, &t);
	fp_bench_synth_impression(&t, seed + 5, 0.3f, -15, 20, 4, 0.25f, 6, &u);
	cr_assert_eq(fp_match_prepare(&u, &p->tpl[slot], &err), SH_OK);
	p->finger[slot] = finger;
}

/* Subject s has fingers 1 and 2, seeds 2s and 2s+1. */
static void build(struct fp_gallery *g)
{
	struct sh_err err;
	cr_assert_eq(fp_gallery_init(g, 2 * N_SUBJECTS, &err), SH_OK);
	for (uint64_t s = 0; s < N_SUBJECTS; s++) {
		add_synth(g, 1000 + s, 1, 2 * s + 1);
		add_synth(g, 1000 + s, 2, 2 * s + 2);
	}
}

Test(fp_search, planted_mate_is_top1)
{
	struct fp_gallery g;
	build(&g);
	struct fp_probe *p = aligned_alloc(64, sizeof *p);
	struct fp_candidate out[10];
	struct sh_err err;
	int n;
	const uint64_t mates[] = {0, 17, 150, 299};
	for (size_t i = 0; i < sizeof mates / sizeof mates[0]; i++) {
		p->count = 1;
		mate_probe(2 * mates[i] + 2, 2, p, 0);
		cr_assert_eq(fp_search(&g, p, 10, 1, out, &n, &err), SH_OK);
		cr_assert_gt(n, 0);
		cr_assert_eq(out[0].subject, 1000 + mates[i]);
		cr_assert_eq(out[0].index, 2 * mates[i] + 1);
		for (int k = 1; k < n; k++)
			cr_assert_geq(out[k - 1].score, out[k].score);
		cr_assert_gt(out[0].score, out[1].score + 0.1f);
	}
	free(p);
	fp_gallery_free(&g);
}

Test(fp_search, threads_equal_single)
{
	struct fp_gallery g;
	build(&g);
	struct fp_probe *p = aligned_alloc(64, sizeof *p);
	struct fp_candidate a[50], b[50];
	struct sh_err err;
	int na, nb;
	p->count = 1;
	mate_probe(41, 0, p, 0);
	cr_assert_eq(fp_search(&g, p, 50, 1, a, &na, &err), SH_OK);
	for (int t = 2; t <= 4; t++) {
		cr_assert_eq(fp_search(&g, p, 50, t, b, &nb, &err), SH_OK);
		cr_assert_eq(na, nb);
		for (int i = 0; i < na; i++) {
			cr_assert_eq(a[i].subject, b[i].subject);
			cr_assert_eq(a[i].index, b[i].index);
			cr_assert_eq(a[i].score, b[i].score);
		}
	}
	free(p);
	fp_gallery_free(&g);
}

Test(fp_search, two_finger_fusion)
{
	struct fp_gallery g;
	build(&g);
	struct fp_probe *p = aligned_alloc(64, sizeof *p);
	struct fp_candidate out[5];
	struct sh_err err;
	int n;
	p->count = 2;
	mate_probe(2 * 88 + 1, 1, p, 0);
	mate_probe(2 * 88 + 2, 2, p, 1);
	cr_assert_eq(fp_search(&g, p, 5, 2, out, &n, &err), SH_OK);
	cr_assert_eq(out[0].subject, 1088);
	cr_assert_gt(out[0].score, out[0].best); /* both fingers contributed */
	free(p);
	fp_gallery_free(&g);
}

Test(fp_search, finger_position_is_respected)
{
	struct fp_gallery g;
	build(&g);
	struct fp_probe *p = aligned_alloc(64, sizeof *p);
	struct fp_candidate out[5];
	struct sh_err err;
	int n;
	p->count = 1;
	mate_probe(2 * 5 + 2, 1, p, 0); /* finger 2's print, claimed as finger 1 */
	cr_assert_eq(fp_search(&g, p, 5, 1, out, &n, &err), SH_OK);
	cr_assert(n == 0 || out[0].index != 11);
	free(p);
	fp_gallery_free(&g);
}

Test(fp_search, bad_arguments_and_full_gallery)
{
	struct fp_gallery g;
	struct sh_err err;
	struct fp_probe *p = aligned_alloc(64, sizeof *p);
	struct fp_candidate out[1];
	int n;
	memset(p, 0, sizeof *p);
	cr_assert_eq(fp_gallery_init(&g, 1, &err), SH_OK);
	cr_assert_eq(fp_gallery_add(&g, 1, 11, &p->tpl[0], &err), SH_EINVAL);
	cr_assert_eq(fp_gallery_add(&g, 1, 1, &p->tpl[0], &err), SH_OK);
	cr_assert_eq(fp_gallery_add(&g, 2, 1, &p->tpl[0], &err), SH_ETOOBIG);
	cr_assert_str_eq(err.code, "FP_GALLERY_FULL");
	p->count = 1;
	cr_assert_eq(fp_search(&g, p, 0, 1, out, &n, &err), SH_EINVAL);
	cr_assert_eq(fp_search(&g, p, 1, 0, out, &n, &err), SH_EINVAL);
	p->count = 0;
	cr_assert_eq(fp_search(&g, p, 1, 1, out, &n, &err), SH_EINVAL);
	p->count = 1;
	cr_assert_eq(fp_search(&g, p, 1, 1, out, &n, &err), SH_OK);
	cr_assert_eq(n, 0); /* an empty probe matches nothing */
	fp_gallery_free(&g);
	free(p);
}
