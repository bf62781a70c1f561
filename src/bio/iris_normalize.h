/* iris_normalize.h — Daugman's rubber sheet and the noise mask
 * (iris_normalize.c).
 *
 * Each column c (theta = 2 pi c / IRIS_NORM_W) runs from the pupil
 * boundary to the limbus along the straight segment joining the two
 * circles' points at that angle, so pupil dilation and the two circles'
 * offset are taken out; rows are equally spaced along it (Daugman 2004,
 * "the homogeneous rubber sheet model").
 *
 * The mask drops samples off the image, on or next to a specular
 * reflection, and occlusions found by the iris's own intensity statistics:
 * eyelashes are much darker and eyelid skin (in near infrared) much
 * brighter than iris tissue. The reference level and spread are the median
 * and the MAD of the inner half of the iris (the part lids rarely reach);
 * a sample is noise when it lies more than IRIS_NOISE_K robust standard
 * deviations above the median (lid skin, sclera, glare), or below both
 * that far under the median and half-way from the median to the pupil's
 * level (eyelashes are nearly as dark as the pupil; crypts, the darkest
 * iris texture, are not). Masked samples are set to the median so the
 * filters see no edge there. */
#ifndef SH_BIO_IRIS_NORMALIZE_H
#define SH_BIO_IRIS_NORMALIZE_H

#include "bio/iris.h"

#define IRIS_NOISE_K 3.0f

/* noise: width*height bytes from iris_segment (1 = reflection), or NULL.
 * Returns the fraction of valid samples in *valid_fraction (may be NULL). */
void iris_normalize(const struct iris_image *img, const struct iris_seg *seg,
		    const uint8_t *noise, struct iris_norm *out, float *valid_fraction);

#endif
