/* fp.h — the fingerprint engine's shared types: images and minutiae templates.
 *
 * The engine is pure computation plus image decoding: no database, no HTTP,
 * nothing of ours but lib/. Extraction (image -> template) is in fp_extract*.c
 * and fp_image*.c; interchange in fp_iso.c (ISO/IEC 19794-2:2005); matching in
 * fp_match*.c and 1:N search in fp_search*.c (see fp_match.h).
 *
 * Conventions (fixed: both halves of the engine rely on them):
 *  - coordinates are pixels at 500 dpi, origin top-left, x right, y down;
 *  - a minutia's angle is in radians in [0, 2*pi), measured counter-clockwise
 *    from the +x axis as ISO/IEC 19794-2:2005 does (so with y down, angle a
 *    points along (cos a, -sin a) in image coordinates); for a ridge ending
 *    it points from the ending into the ridge it ends; for a bifurcation,
 *    along the valley that ends there (the ISO convention);
 *  - quality is 0..100 (0 unknown). */
#ifndef SH_BIO_FP_H
#define SH_BIO_FP_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

#define FP_DPI 500
#define FP_MAX_MINUTIAE 255
#define FP_MAX_IMAGE_SIDE 2000
#define FP_MAX_FILE_BYTES (5u << 20)

enum fp_minutia_type { FP_OTHER = 0, FP_ENDING = 1, FP_BIFURCATION = 2 };

/* Orientation descriptor of a minutia (Tico & Kuosmanen, "Fingerprint
 * matching using an orientation-based minutia descriptor", IEEE TPAMI
 * 25(8), 2003): the ridge orientation sampled at FP_ODESC_N points on
 * FP_ODESC_RINGS circles around the minutia, in the minutia's own frame.
 * Sample k lies on ring k / FP_ODESC_PER_RING (radius FP_ODESC_R0 * (ring+1)
 * px) at angle (k % FP_ODESC_PER_RING) * 2 pi / FP_ODESC_PER_RING from the
 * minutia direction; odesc[k] is the ridge orientation there minus the
 * minutia direction, modulo pi, in 1/256 of pi. Bit k of omask is set when
 * the sample lies on the print. omask = 0: no descriptor (e.g. a template
 * read from ISO 19794-2, which does not carry one). */
#define FP_ODESC_RINGS 4
#define FP_ODESC_PER_RING 8
#define FP_ODESC_N (FP_ODESC_RINGS * FP_ODESC_PER_RING)
#define FP_ODESC_R0 20.0f

struct fp_minutia {
	float x, y;
	float angle;
	uint8_t type;    /* enum fp_minutia_type */
	uint8_t quality; /* 0..100 */
	uint32_t omask;  /* valid samples of odesc, 0 = none */
	uint8_t odesc[FP_ODESC_N];
};

struct fp_template {
	int width, height;  /* of the 500-dpi image the minutiae refer to */
	int quality;        /* image quality 0..100 */
	int count;
	struct fp_minutia minutiae[FP_MAX_MINUTIAE];
};

/* An 8-bit grayscale image, row-major, 0 = black ridge ink, 255 = white. */
struct fp_image {
	int width, height;
	int dpi;            /* declared or given resolution */
	uint8_t *pixels;    /* owned; fp_image_free() */
};

/* Quality of a fingerprint image, 0..100, for asking the person to put the
 * finger down again before a template is stored: the same figure as
 * fp_extract's template quality (mean block clarity x coherence over the
 * foreground, scaled down for prints smaller than ~10x10 mm and for those
 * with fewer than 25 or more than 60 minutiae: fp_quality.c). Measured on FVC2002 B (bench/fp, "quality vs
 * failure"): 3.4% of the 320 images score below FP_QUALITY_RECAPTURE and
 * pairs holding one of them make 18 of the 42 false non-matches at FMR
 * 0.1%; the lowest decile holds 69% of them. See docs/fingerprint-extraction.md.
 * An image with no usable ridge area gives 0, not an error. Errors: FP_IMAGE_*
 * codes (fp_image.h) for bad input, FP_EXTRACT_NOMEM. Cost: one extraction
 * (a caller that extracts anyway reads fp_template.quality instead). */
#define FP_QUALITY_RECAPTURE 40
int fp_quality(const struct fp_image *img, int *quality, struct sh_err *err)
	__attribute__((warn_unused_result));

#endif
