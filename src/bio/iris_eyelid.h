/* iris_eyelid.h — upper and lower eyelid boundaries (iris_eyelid.c).
 *
 * Each lid is modelled as a parabola over the iris, y = y0 + a (x - xv)^2
 * for the upper lid (lowest at its middle) and y = y0 - a (x - xv)^2 for
 * the lower, found as the curve of strongest mean vertical intensity change
 * (|dI/dy|, lid skin or lashes against iris either way round) inside the
 * iris annulus: the arcuate edge search of Daugman's method. A lid counts
 * as present only when that edge is IRIS_LID_EDGE_RATIO times stronger
 * than the iris's own mean |dI/dy|: a lid margin is one long coherent edge,
 * iris texture is many short ones, so the best curve through bare iris
 * scores about the texture's mean and no more. And the part of the iris
 * annulus it covers must differ in mean level from the part it leaves by
 * IRIS_LID_MEAN_RATIO times that same texture measure (lashes are darker,
 * lid skin brighter than iris; a concentric furrow has iris both sides). Curvatures a R in
 * {0 .. 0.5} (R the iris radius) cover the sag of a lid margin over the
 * width of the iris; vertex positions xv within +-0.4 R of the iris
 * centre. */
#ifndef SH_BIO_IRIS_EYELID_H
#define SH_BIO_IRIS_EYELID_H

#include "bio/iris.h"

#define IRIS_LID_EDGE_RATIO 2.0f
#define IRIS_LID_MEAN_RATIO 1.0f

/* f: the w x h reflection-filled, blurred image. Fills seg->upper and
 * seg->lower (present = 0 when no lid crosses the iris). */
void iris_eyelids(const float *f, int w, int h, struct iris_seg *seg);

/* Is (x, y) hidden by a lid? */
int iris_lid_covers(const struct iris_seg *seg, float x, float y);

#endif
