/* test_cross_position.c — mislabelled finger positions: a finger enrolled
 * under the wrong ISO position (a left thumb on the right-thumb slot) is
 * missed by the same-position search and caught by the cross-position pass
 * of bio_gallery_search, which reports the positions involved; an
 * unrelated person is not raised by it. FVC2002 DB3_B images (skipped when
 * ../shared/data is absent). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bio/fp_extract.h"
#include "bio/fp_image.h"
#include "biometrics/bio_gallery.h"

static int load(int subject, int imp, struct fp_mtemplate *out)
{
	const char *root = getenv("SHANAKHT_SHARED_DATA");
	char p[1024];
	snprintf(p, sizeof p, "%s/fingerprints/fvc2002/DB3_B/%d_%d.tif",
		 root ? root : "../shared/data", subject, imp);
	if (access(p, R_OK) != 0)
		return -1;
	struct fp_image img;
	struct sh_err err = {0};
	struct fp_template *t = malloc(sizeof *t);
	cr_assert_not_null(t);
	cr_assert_eq(fp_image_load(p, 500, &img, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(fp_extract(&img, t, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(fp_match_prepare(t, out, &err), SH_OK, "%s", err.msg);
	fp_image_free(&img);
	free(t);
	return 0;
}

/* fingers[i] (FVC finger numbers) at positions pos[i]. */
static void probe_of(struct fp_probe *p, const int *fingers, const int *pos, int n, int imp)
{
	p->count = n;
	for (int i = 0; i < n; i++) {
		if (load(fingers[i], imp, &p->tpl[i]) != 0)
			cr_skip_test("FVC2002 DB3_B not found");
		p->finger[i] = pos[i];
	}
}

Test(cross_position, a_finger_under_the_wrong_position_is_caught, .timeout = 120)
{
	struct sh_err err = {0};
	struct bio_gallery *g = NULL;
	cr_assert_eq(bio_gallery_create(&g, &err), SH_OK);
	struct fp_probe *p = aligned_alloc(_Alignof(struct fp_probe), sizeof *p);
	cr_assert_not_null(p);
	/* A: fingers 101 (right thumb, 1) and 102 (right index, 2) */
	const int fa[] = {101, 102}, pa[] = {1, 2};
	probe_of(p, fa, pa, 2, 1);
	cr_assert_eq(bio_gallery_add(g, 1, "1111111111111", p, &err), SH_OK, "%s", err.msg);
	/* B, unrelated: fingers 103, 104 at 1 and 2 */
	const int fb[] = {103, 104};
	probe_of(p, fb, pa, 2, 1);
	cr_assert_eq(bio_gallery_add(g, 2, "2222222222222", p, &err), SH_OK, "%s", err.msg);

	/* A again (other impression), finger 101 captured as the LEFT thumb
	 * (6) and beside it an unrelated finger 105 as the left index (7) */
	const int fc[] = {101, 105}, pc[] = {6, 7};
	probe_of(p, fc, pc, 2, 3);
	struct bio_hit hits[BIO_HITS_MAX];
	int n = -1;
	bio_gallery_set_cross(g, 0);
	cr_assert_eq(bio_gallery_search(g, p, NULL, hits, &n, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(n, 0, "the same-position search alone misses the mislabelled finger");
	bio_gallery_set_cross(g, 1);
	cr_assert_eq(bio_gallery_search(g, p, NULL, hits, &n, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(n, 1, "the cross-position pass catches it");
	cr_assert_str_eq(hits[0].id_number, "1111111111111");
	cr_assert_eq(hits[0].cross_position, 6);
	cr_assert_eq(hits[0].cross_candidate_position, 1);
	cr_assert_geq(hits[0].cross_score, BIO_CROSS_THRESHOLD);
	/* the per-position scores the adjudicator sees stay same-position */
	cr_assert_eq(hits[0].position[0], 6);
	cr_assert_eq(hits[0].score[0], 0.0f);
	/* the person's own earlier enrolment is not a hit */
	cr_assert_eq(bio_gallery_search(g, p, "1111111111111", hits, &n, &err), SH_OK);
	cr_assert_eq(n, 0);

	/* an unrelated person with swapped labels raises nobody */
	const int fd[] = {106, 107}, pd[] = {2, 1};
	probe_of(p, fd, pd, 2, 1);
	cr_assert_eq(bio_gallery_search(g, p, NULL, hits, &n, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(n, 0);
	/* a correctly labelled duplicate is a same-position hit, no cross data */
	probe_of(p, fa, pa, 2, 2);
	cr_assert_eq(bio_gallery_search(g, p, NULL, hits, &n, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(n, 1);
	cr_assert_eq(hits[0].cross_position, 0);
	free(p);
	bio_gallery_free(g);
}
