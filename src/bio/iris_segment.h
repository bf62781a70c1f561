/* iris_segment.h — pupil and limbus localization (iris_segment.c).
 *
 * Daugman's integro-differential operator: the circle (x, y, r) maximizing
 * the radial derivative of the mean intensity along it, first for the
 * pupil (a dark disc: dark inside, brighter outside) over candidate centres
 * among the darkest pixels, then for the limbus (iris -> sclera) near the
 * pupil centre on the two lateral arcs, which eyelids rarely cover.
 * Specular reflections (small spots much brighter than their surround) are
 * found first, filled from their neighbours so they do not make edges, and
 * reported in `noise` for the normalization's mask.
 *
 * Errors (sh_err.code; status SH_EINVAL for a bad image, SH_ERULE for an
 * image that holds no usable eye):
 *   IRIS_IMAGE_SIZE   a side outside IRIS_MIN_SIDE..IRIS_MAX_SIDE
 *   IRIS_NO_CONTRAST  (nearly) uniform image: nothing to segment
 *   IRIS_NO_PUPIL     no dark disc with a clear edge (closed eye, no eye)
 *   IRIS_NO_LIMBUS    no iris boundary around the pupil
 *   IRIS_NOMEM        out of memory (SH_ENOMEM) */
#ifndef SH_BIO_IRIS_SEGMENT_H
#define SH_BIO_IRIS_SEGMENT_H

#include "bio/iris.h"

/* Edge contrast (grey levels, the mean step across the boundary) below
 * which a circle is not accepted. Sensor noise of 8-bit NIR eye cameras is
 * a few grey levels; the pupil edge in NIR is tens of levels (the pupil is
 * nearly black), the limbus is softer but still well above the noise. */
#define IRIS_MIN_PUPIL_CONTRAST 12.0f
#define IRIS_MIN_LIMBUS_CONTRAST 4.0f

/* Segment `img`. noise (may be NULL) receives width*height bytes, 1 where
 * a specular reflection was found. */
int iris_segment(const struct iris_image *img, struct iris_seg *seg, uint8_t *noise,
		 struct sh_err *err) __attribute__((warn_unused_result));

#endif
