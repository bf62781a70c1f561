/* test_fp_e2e.c — end to end on real images: FVC2002 DB1_B (BioLab,
 * University of Bologna) decoded, extracted, prepared and compared; genuine
 * pairs must clear FP_THRESHOLD_FMR_0_1 and impostors stay below it, each
 * with a margin. Skipped when SHANAKHT_SHARED_DATA is not set. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "bio/fp_extract.h"
#include "bio/fp_image.h"
#include "bio/fp_match.h"
#include "bio/fp_thresholds.h"

static struct fp_mtemplate *load(const char *name)
{
	const char *root = getenv("SHANAKHT_SHARED_DATA");
	char path[1024];
	snprintf(path, sizeof path, "%s/fingerprints/fvc2002/DB1_B/%s", root, name);
	struct fp_image img = {0};
	struct fp_template *t = malloc(sizeof *t);
	struct fp_mtemplate *m = aligned_alloc(64, sizeof *m);
	struct sh_err err;
	cr_assert_not_null(t);
	cr_assert_not_null(m);
	cr_assert_eq(fp_image_load(path, 0, &img, &err), SH_OK, "%s: %s", path, err.msg);
	cr_assert_eq(fp_extract(&img, t, &err), SH_OK, "%s: %s", path, err.msg);
	cr_assert_gt(t->count, 10, "%s: %d minutiae", name, t->count);
	cr_assert_eq(fp_match_prepare(t, m, &err), SH_OK);
	fp_image_free(&img);
	free(t);
	return m;
}

static void need_data(void)
{
	const char *root = getenv("SHANAKHT_SHARED_DATA");
	char path[1024];
	snprintf(path, sizeof path, "%s/fingerprints/fvc2002/DB1_B/101_1.tif", root ? root : "");
	FILE *f = root ? fopen(path, "rb") : NULL;
	if (!f)
		cr_skip_test("FVC2002 DB1_B not found (SHANAKHT_SHARED_DATA)");
	fclose(f);
}

Test(fp_e2e, fvc2002_db1_genuine_and_impostor)
{
	need_data();
	const char *mates[] = {"101_1.tif", "101_2.tif", "101_3.tif"};
	const char *others[] = {"102_1.tif", "102_2.tif", "103_1.tif", "103_2.tif"};
	struct fp_mtemplate *a[3], *b[4];
	for (int i = 0; i < 3; i++)
		a[i] = load(mates[i]);
	for (int i = 0; i < 4; i++)
		b[i] = load(others[i]);
	for (int i = 0; i < 3; i++) {
		cr_assert_gt(fp_match(a[i], a[i]), 0.9f);
		for (int j = i + 1; j < 3; j++) {
			float s = fp_match(a[i], a[j]);
			cr_assert_gt(s, FP_THRESHOLD_FMR_0_1 * 2.0f, "genuine %s ~ %s: %f (threshold %f)",
				     mates[i], mates[j], s, FP_THRESHOLD_FMR_0_1);
			cr_assert_eq(s, fp_match(a[j], a[i]));
		}
		for (int j = 0; j < 4; j++) {
			float s = fp_match(a[i], b[j]);
			cr_assert_lt(s, FP_THRESHOLD_FMR_0_1 * 0.8f, "impostor %s ~ %s: %f (threshold %f)",
				     mates[i], others[j], s, FP_THRESHOLD_FMR_0_1);
		}
	}
	for (int i = 0; i < 3; i++)
		free(a[i]);
	for (int i = 0; i < 4; i++)
		free(b[i]);
}
