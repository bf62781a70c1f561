/* iris_image.h — eye image input (iris_image.c): PNG, TIFF, JPEG (the
 * fingerprint engine's decoders) or an ISO/IEC 19794-6 iris image record,
 * sniffed from the first bytes.
 *
 * Errors (sh_err.code): IRIS_IMAGE_FORMAT (not an image we decode),
 * IRIS_IMAGE_MALFORMED (truncated or corrupt), IRIS_IMAGE_TOO_LARGE (over
 * IRIS_MAX_FILE_BYTES or a side cap), IRIS_IMAGE_IO, IRIS_IMAGE_NOMEM, and
 * the record's own IRIS_ISO_* codes (iris_iso.h). Every image filled is
 * the caller's, released with iris_image_free(); on error it is {0}. */
#ifndef SH_BIO_IRIS_IMAGE_H
#define SH_BIO_IRIS_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "bio/iris.h"

#define IRIS_MAX_FILE_BYTES (4u << 20)

/* Read a whole file of at most IRIS_MAX_FILE_BYTES; *data is malloc'd. */
int iris_file_read(const char *path, uint8_t **data, size_t *len, struct sh_err *err)
	__attribute__((warn_unused_result));

int iris_image_decode(const uint8_t *bytes, size_t len, struct iris_image *img,
		      struct sh_err *err) __attribute__((warn_unused_result));

int iris_image_load(const char *path, struct iris_image *img, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Copy w*h 8-bit pixels. */
int iris_image_from_raw(const uint8_t *pixels, int w, int h, struct iris_image *img,
			struct sh_err *err) __attribute__((warn_unused_result));

#endif
