/* iris_extract.h — eye image to IrisCode: segmentation, normalization,
 * encoding (iris_extract.c).
 *
 * Errors are iris_segment's (IRIS_IMAGE_SIZE, IRIS_NO_CONTRAST,
 * IRIS_NO_PUPIL, IRIS_NO_LIMBUS, IRIS_NOMEM) and IRIS_OCCLUDED (SH_ERULE):
 * less than IRIS_MIN_USABLE of the code's locations see iris (a nearly
 * closed eye, lids and lashes over most of it). */
#ifndef SH_BIO_IRIS_EXTRACT_H
#define SH_BIO_IRIS_EXTRACT_H

#include "bio/iris.h"

/* A code with fewer usable locations cannot reach IRIS_MIN_BITS compared
 * bits against anything at a typical overlap. */
#define IRIS_MIN_USABLE 0.25f

struct iris_extract_info {
	struct iris_seg seg;
	float valid_fraction;   /* of the rubber sheet */
	int usable;             /* code locations usable, of IRIS_LOCATIONS */
	int quality;            /* 0..100: usable share, scaled by edge sharpness */
};

/* info may be NULL. */
int iris_extract(const struct iris_image *img, struct iris_code *code,
		 struct iris_extract_info *info, struct sh_err *err)
	__attribute__((warn_unused_result));

/* The same, also returning the rubber sheet (for tests and debugging). */
int iris_extract_norm(const struct iris_image *img, struct iris_code *code,
		      struct iris_norm *norm, struct iris_extract_info *info,
		      struct sh_err *err) __attribute__((warn_unused_result));

#endif
