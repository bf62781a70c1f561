/* fp_extract.h — fingerprint feature extraction: image -> minutiae template.
 *
 * Pipeline (docs/fingerprint-extraction.md): resample to 500 dpi, local
 * normalisation, orientation field, foreground segmentation, ridge
 * frequency, Gabor enhancement, binarisation and thinning, minutiae by
 * crossing number, removal of false minutiae, quality. */
#ifndef SH_BIO_FP_EXTRACT_H
#define SH_BIO_FP_EXTRACT_H

#include "bio/fp.h"
#include "lib/err.h"

/* Extract minutiae from `img` (any resolution FP_IMAGE_MIN_DPI..MAX_DPI;
 * resampled internally to 500 dpi) into *out (caller-owned; fully
 * overwritten). out->width/height are the 500-dpi image size, out->quality
 * the image quality 0..100, minutiae sorted by quality, best first, at most
 * FP_MAX_MINUTIAE. An image with no usable ridge area is not an error: it
 * gives count 0 and quality 0. Errors: FP_IMAGE_* codes (fp_image.h) for
 * bad input, FP_EXTRACT_NOMEM. */
int fp_extract(const struct fp_image *img, struct fp_template *out,
	       struct sh_err *err) __attribute__((warn_unused_result));

/* Same, also reporting the CPU time spent in each stage (microseconds; for the
 * benchmark). stage_us may be NULL; otherwise it has FP_EXTRACT_STAGES
 * entries named by fp_extract_stage_name(). */
#define FP_EXTRACT_STAGES 9
int fp_extract_timed(const struct fp_image *img, struct fp_template *out,
		     double *stage_us, struct sh_err *err)
	__attribute__((warn_unused_result));
const char *fp_extract_stage_name(int i);

#endif
