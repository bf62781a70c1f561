/* face_image.h — face image input: 8-bit RGB from JPEG, PNG or binary
 * PNM (P5 gray, P6 colour; the ORL database is P5), sniffed from the magic
 * bytes. Gray images are replicated to three channels (the networks take
 * RGB). The caller owns the pixels (face_image_free). Error codes:
 *   FACE_IMAGE_FORMAT     not JPEG/PNG/PNM, or a variant we do not decode
 *   FACE_IMAGE_MALFORMED  corrupt or truncated data (a JPEG that libjpeg
 *                         only recovers from with invented pixels is one)
 *   FACE_IMAGE_TOO_LARGE  over FACE_IMAGE_MAX_BYTES or FACE_IMAGE_MAX_SIDE
 *   FACE_IMAGE_TOO_SMALL  a side under FACE_IMAGE_MIN_SIDE
 *   FACE_IMAGE_IO, FACE_IMAGE_NOMEM */
#ifndef SH_BIO_FACE_IMAGE_H
#define SH_BIO_FACE_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

#define FACE_IMAGE_MAX_BYTES (20u << 20)
#define FACE_IMAGE_MAX_SIDE 4096
/* Below this no face is large enough for the landmark net to mean much. */
#define FACE_IMAGE_MIN_SIDE 32

struct face_image {
	int w, h;
	uint8_t *rgb; /* w * h * 3 */
};

int face_image_load(const char *path, struct face_image *img, struct sh_err *err)
	__attribute__((warn_unused_result));
int face_image_decode(const uint8_t *bytes, size_t len, struct face_image *img,
		      struct sh_err *err) __attribute__((warn_unused_result));
/* A copy of w*h*3 RGB pixels, or of w*h gray ones when channels is 1. */
int face_image_from_raw(const uint8_t *px, int w, int h, int channels, struct face_image *img,
			struct sh_err *err) __attribute__((warn_unused_result));
void face_image_free(struct face_image *img);

/* Encode as a baseline JPEG at `quality` (1..100); *out (malloc'd, the
 * caller's) holds *len bytes. */
int face_image_encode_jpeg(const struct face_image *img, int quality, uint8_t **out,
			   size_t *len, struct sh_err *err) __attribute__((warn_unused_result));

#endif
