/* fp_cylinder.h — one Minutia Cylinder-Code cylinder (bit-based variant)
 * and the region its cells must lie in: the pieces fp_match_prepare
 * assembles into a matching form (fp_match.h), exposed for known-answer
 * tests.
 *
 * Method: R. Cappelli, M. Ferrara, D. Maltoni, "Minutia Cylinder-Code",
 * IEEE TPAMI 32(12), 2010, section 3 — our own implementation. */
#ifndef SH_BIO_FP_CYLINDER_H
#define SH_BIO_FP_CYLINDER_H

#include <stdint.h>

#include "bio/fp_match.h"

struct fp_cyl_pt {
	float x, y;
};

/* The minutiae a cylinder is built from and the valid region of the
 * print: pts/ang[n] (pixels, ISO angles in radians), the convex hull of
 * the points (fp_cylinder_hull), and the image size (0 = unknown, no
 * image-border test). Borrowed, read only. */
struct fp_cyl_set {
	const struct fp_cyl_pt *pts;
	const float *ang;
	int n;
	const struct fp_cyl_pt *hull;
	int nhull;
	int width, height;
};

/* One cylinder: bit c of valid = cell c lies in the valid region; bit c of
 * bits[k] = cell c of direction section k is on. */
struct fp_cylinder {
	uint64_t valid[FP_MCC_NW];
	uint64_t bits[FP_MCC_ND][FP_MCC_NW];
	int nvalid; /* cells set in valid */
};

/* Convex hull of in[n] (n <= FP_MAX_MINUTIAE) by Andrew's monotone chain,
 * counter-clockwise in the image frame, into hull[] (room for 2n + 2);
 * returns the vertex count (n itself when n < 3). */
int fp_cylinder_hull(const struct fp_cyl_pt *in, int n, struct fp_cyl_pt *hull);

/* Build the cylinder of minutia m of s into *c (overwritten). Returns 1
 * when the cylinder is usable — at least MIN_M other minutiae within
 * R + 3 sigma_S and at least MIN_VC of its cells valid (MCC paper, Table
 * 1) — and 0 when it is to be dropped (*c then holds what was computed,
 * possibly nothing). */
int fp_cylinder_build(const struct fp_cyl_set *s, int m, struct fp_cylinder *c);

#endif
