/* fp_debug.h — a picture of what the extractor saw, for people looking at
 * why a pair of prints fails to match (`shanakht fp extract --debug-png`,
 * bench/fp_extract/fp_extract_draw). */
#ifndef SH_BIO_FP_DEBUG_H
#define SH_BIO_FP_DEBUG_H

#include "bio/fp.h"

/* Extract `img` (any declared dpi; resampled to 500 as fp_extract does) and
 * write a PNG to `path`, twice the 500-dpi width: on the left the image with
 * the background (outside the foreground mask) darkened, the ridge skeleton
 * in blue and the minutiae (endings red, bifurcations green, a tick along
 * the direction, brighter for higher quality); on the right the image,
 * contrast-stretched. *out, when not NULL, receives the template (the same
 * as fp_extract's). Errors: those of fp_extract, SH_ENOMEM, SH_EIO
 * (FP_DEBUG_WRITE) when the PNG cannot be written. */
int fp_debug_png(const struct fp_image *img, const char *path, struct fp_template *out,
		 struct sh_err *err) __attribute__((warn_unused_result));

#endif
