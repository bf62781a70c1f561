/* iris_iso.h — ISO/IEC 19794-6:2005 iris image records ("IIR", version
 * "010"), rectilinear format, encoding one image and strict decoding.
 *
 * Layout (all integers big-endian), clause 6.5:
 *   record header, 45 bytes: format id "IIR\0", version "010\0", record
 *   length (4), capture device id (2), number of iris biometric subtypes
 *   (eyes, 1), record header length (2, = 45), image property bit field
 *   (2: bits 0-1 horizontal orientation, 2-3 vertical orientation, 4-5
 *   scan type, 6 iris occlusions, 7 occlusion filling, 8 boundary
 *   extraction), iris diameter in pixels (2), image format (2), raw image
 *   width (2) and height (2), intensity depth in bits (1), image
 *   transformation (1), device unique identifier (16);
 *   per eye, the biometric subtype header, 3 bytes: eye position (1: 0
 *   undefined, 1 right, 2 left) and number of images (2);
 *   per image, an 11-byte header: sequence number (2), quality (1, 0-100,
 *   or IRIS_ISO_QUALITY_UNKNOWN), rotation angle (2) and its uncertainty
 *   (2, 0xFFFF = undefined), image length (4); then the image data.
 *
 * We write one eye, one image, format MONO_RAW (8-bit pixels, row-major),
 * orientation "base", progressive scan, boundary extraction set when the
 * diameter is known (our segmentation's limbus). We read MONO_RAW and
 * MONO_JPEG images, taking the first image of the first eye; anything else
 * is rejected (SH_EINVAL) with IRIS_ISO_MALFORMED (a field is wrong or the
 * lengths do not add up) or IRIS_ISO_UNSUPPORTED (a valid record we do not
 * handle: JPEG 2000, RGB, depth other than 8). */
#ifndef SH_BIO_IRIS_ISO_H
#define SH_BIO_IRIS_ISO_H

#include <stddef.h>
#include <stdint.h>

#include "bio/iris.h"

#define IRIS_ISO_HEADER_BYTES 45
#define IRIS_ISO_SUBTYPE_BYTES 3
#define IRIS_ISO_IMAGE_HEADER_BYTES 11
#define IRIS_ISO_FORMAT_MONO_RAW 0x0002
#define IRIS_ISO_FORMAT_MONO_JPEG 0x0006
#define IRIS_ISO_QUALITY_UNKNOWN 255
#define IRIS_ISO_UNDEFINED_ANGLE 0xFFFF

enum iris_eye { IRIS_EYE_UNDEFINED = 0, IRIS_EYE_RIGHT = 1, IRIS_EYE_LEFT = 2 };

struct iris_iso_info {
	int eye;       /* enum iris_eye */
	int diameter;  /* iris diameter in pixels, 0 unknown */
	int quality;   /* 0..100 or IRIS_ISO_QUALITY_UNKNOWN */
	int images;    /* decode: images in the record (we return the first) */
};

int iris_iso_encode(const struct iris_image *img, const struct iris_iso_info *info,
		    uint8_t **out, size_t *len, struct sh_err *err)
	__attribute__((warn_unused_result));

/* info may be NULL. */
int iris_iso_decode(const uint8_t *data, size_t len, struct iris_image *img,
		    struct iris_iso_info *info, struct sh_err *err)
	__attribute__((warn_unused_result));

#endif
