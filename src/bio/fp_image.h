/* fp_image.h — fingerprint image input: decoding, raw import, resampling.
 *
 * Images are 8-bit grayscale (0 = ridge ink, 255 = background paper) with a
 * resolution in dpi. Decoders accept TIFF, PNG and JPEG from memory (format
 * sniffed from the magic bytes). Every image an fp_image_* function fills is
 * owned by the caller and released with fp_image_free(); on error the image
 * is left empty ({0}) and nothing needs freeing.
 *
 * Caps (fp.h): FP_MAX_FILE_BYTES on the encoded size, FP_MAX_IMAGE_SIDE on
 * each side before and after resampling. Error codes (sh_err.code):
 *   FP_IMAGE_FORMAT     not TIFF/PNG/JPEG, or a variant we do not decode
 *   FP_IMAGE_MALFORMED  the decoder rejected the bytes (truncated, corrupt)
 *   FP_IMAGE_TOO_LARGE  over a byte or side cap          (SH_ETOOBIG)
 *   FP_IMAGE_DPI        resolution outside FP_IMAGE_MIN_DPI..FP_IMAGE_MAX_DPI
 *   FP_IMAGE_IO         the file could not be read         (SH_EIO)
 *   FP_IMAGE_NOMEM      out of memory                      (SH_ENOMEM) */
#ifndef SH_BIO_FP_IMAGE_H
#define SH_BIO_FP_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "bio/fp.h"
#include "lib/err.h"

/* Resolutions we accept, given or declared. A declared resolution outside
 * this range (a JPEG's default 72 dpi, say) is treated as absent: the
 * scanners we serve are 500 dpi class and a wrong header is common, while a
 * 7x upscale of a real 500-dpi image would destroy it. */
#define FP_IMAGE_MIN_DPI 250
#define FP_IMAGE_MAX_DPI 1200

/* Read the file at `path` (at most FP_MAX_FILE_BYTES) and decode it.
 * dpi: 0 = the resolution declared in the file, else 500; otherwise the
 * given resolution overrides the file. */
int fp_image_load(const char *path, int dpi, struct fp_image *img,
		  struct sh_err *err) __attribute__((warn_unused_result));

/* Decode TIFF, PNG or JPEG bytes (sniffed). dpi as for fp_image_load. */
int fp_image_decode(const uint8_t *bytes, size_t len, int dpi,
		    struct fp_image *img, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Copy w*h 8-bit gray pixels (row-major, no padding). dpi 0 means 500. */
int fp_image_from_raw(const uint8_t *pixels, int w, int h, int dpi,
		      struct fp_image *img, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Resample in place to `dpi` (area filter when shrinking, bilinear when
 * enlarging). A no-op when the image already has that resolution. */
int fp_image_resample(struct fp_image *img, int dpi, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Free the pixels and reset *img to {0}. Safe on an empty image. */
void fp_image_free(struct fp_image *img);

/* Decoders for one format each (fp_image_codec.c); `declared` receives the
 * file's resolution in dpi, or 0 when it declares none. Exposed for tests. */
int fp_image_decode_tiff(const uint8_t *bytes, size_t len,
			 struct fp_image *img, int *declared,
			 struct sh_err *err);
int fp_image_decode_png(const uint8_t *bytes, size_t len,
			struct fp_image *img, int *declared,
			struct sh_err *err);
int fp_image_decode_jpeg(const uint8_t *bytes, size_t len,
			 struct fp_image *img, int *declared,
			 struct sh_err *err);

#endif
