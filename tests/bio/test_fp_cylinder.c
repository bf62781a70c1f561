/* test_fp_cylinder.c — known answers for one Minutia Cylinder-Code
 * cylinder (fp_cylinder.h): fixed minutiae in, exact bit planes out. The
 * expected words were taken from the code as it stood when fp_match_prepare
 * was split (commit "fp: cylinder_build"), whose FVC2002 scores were
 * bit-identical before and after; a change to any of them changes every
 * stored matching form and needs FP_MTEMPLATE_VERSION raised. */
#include <criterion/criterion.h>
#include <math.h>

#include "bio/fp_cylinder.h"

/* Five minutiae of a plausible print: a centre one and four neighbours
 * 30-60 px away, angles in radians (ISO sense). */
static const struct fp_cyl_pt PTS[5] = {
	{200, 200}, {240, 190}, {170, 235}, {215, 150}, {160, 170}};
static const float ANG[5] = {0.0f, 0.5f, 2.0f, 4.0f, 5.5f};

static int build(const struct fp_cyl_pt *pts, const float *ang, int n, int m, int width,
		 int height, struct fp_cylinder *c)
{
	struct fp_cyl_pt hull[2 * 8 + 2];
	int nh = fp_cylinder_hull(pts, n, hull);
	const struct fp_cyl_set s = {pts, ang, n, hull, nh, width, height};
	return fp_cylinder_build(&s, m, c);
}

Test(fp_cylinder, hull_of_a_square_and_its_centre)
{
	const struct fp_cyl_pt in[5] = {{0, 0}, {10, 0}, {5, 5}, {10, 10}, {0, 10}};
	struct fp_cyl_pt h[12];
	int n = fp_cylinder_hull(in, 5, h);
	cr_assert_eq(n, 4, "the centre is not a vertex");
	/* counter-clockwise from the lowest x, then y */
	const struct fp_cyl_pt want[4] = {{0, 0}, {10, 0}, {10, 10}, {0, 10}};
	for (int i = 0; i < 4; i++)
		cr_assert(h[i].x == want[i].x && h[i].y == want[i].y, "vertex %d", i);
}

Test(fp_cylinder, known_answer)
{
	static const int want_nvalid[5] = {51, 41, 40, 42, 41};
	static const uint64_t want_valid[5] = {
		0x3c7e7fffffff7e3cull, 0x001e3f7f7f7f7e3cull, 0x3c7cfefefefc7800ull,
		0x3c7effff7f3f1c00ull, 0x3c7effff7f3f1800ull};
	static const uint64_t want_bits[5][FP_MCC_ND] = {
		{0x0000000000600000ull, 0x0008000000600000ull, 0x0008080000000000ull,
		 0x0008000000040600ull, 0x0000020300000400ull, 0x0000020300000000ull},
		{0x0000000202000000ull, 0x0000000000000000ull, 0x0000000000000800ull,
		 0x0000000000080c00ull, 0x0000000002000800ull, 0x0000000203000000ull},
		{0x3000000000000000ull, 0x0000000000000000ull, 0x0000000000000000ull,
		 0x0000000000000000ull, 0x0000404000000000ull, 0x3000404000000000ull},
		{0x042c020200000000ull, 0x202c000200000000ull, 0x2020000000000000ull,
		 0x0000000000000000ull, 0x0000000000000000ull, 0x0000000200000000ull},
		{0x2060000000000000ull, 0x0808000000000000ull, 0x0808000000000000ull,
		 0x0000030000000000ull, 0x0000030000000000ull, 0x0040010000000000ull}};
	for (int m = 0; m < 5; m++) {
		struct fp_cylinder c;
		cr_assert_eq(build(PTS, ANG, 5, m, 400, 400, &c), 1, "cylinder %d kept", m);
		cr_assert_eq(c.nvalid, want_nvalid[m], "cylinder %d: %d valid cells", m, c.nvalid);
		cr_assert_eq(c.nvalid, __builtin_popcountll(c.valid[0]));
		cr_assert_eq(c.valid[0], want_valid[m], "cylinder %d valid 0x%016llx", m,
			     (unsigned long long)c.valid[0]);
		for (int k = 0; k < FP_MCC_ND; k++) {
			cr_assert_eq(c.bits[k][0], want_bits[m][k], "cylinder %d plane %d 0x%016llx", m,
				     k, (unsigned long long)c.bits[k][0]);
			cr_assert_eq(c.bits[k][0] & ~c.valid[0], 0, "on cells are valid cells");
		}
	}
}

/* MCC Table 1, min_M = 2: a minutia with one neighbour has no cylinder. */
Test(fp_cylinder, one_neighbour_is_dropped)
{
	struct fp_cylinder c;
	cr_assert_eq(build(PTS, ANG, 2, 0, 400, 400, &c), 0);
	/* a third minutia beyond R + 3 sigma_S (98 px) does not count */
	const struct fp_cyl_pt far[3] = {{200, 200}, {240, 190}, {320, 320}};
	cr_assert_eq(build(far, ANG, 3, 0, 400, 400, &c), 0);
}

/* min_VC = 75% of the 52 cells in the circle: the same minutiae at the
 * corner of a small image leave too few cells inside it. */
Test(fp_cylinder, too_few_valid_cells_is_dropped)
{
	const struct fp_cyl_pt corner[5] = {
		{5, 5}, {45, 5}, {5, 45}, {40, 40}, {-15, 20}};
	struct fp_cylinder c;
	cr_assert_eq(build(corner, ANG, 5, 0, 40, 40, &c), 0);
	cr_assert_lt(c.nvalid, 39);
}

/* Neighbours with the minutia's own direction put d_theta = 0 on the
 * boundary between sections 2 and 3 (centres -pi/6 and +pi/6), which then
 * get equal contributions: the two planes are the same. */
Test(fp_cylinder, equal_directions_light_the_two_middle_sections_alike)
{
	const float same[5] = {1.0f, 1.0f, 1.0f, 1.0f, 1.0f};
	struct fp_cylinder c;
	cr_assert_eq(build(PTS, same, 5, 0, 400, 400, &c), 1);
	cr_assert_neq(c.bits[2][0], 0);
	cr_assert_eq(c.bits[2][0], c.bits[3][0]);
	cr_assert_eq(c.bits[0][0] & ~c.bits[1][0], 0, "a far section is no wider than a near one");
}
