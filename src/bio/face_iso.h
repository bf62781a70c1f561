/* face_iso.h — ISO/IEC 19794-5:2005 face image records (format "FAC",
 * version "010"), one facial image per record, the image as JPEG.
 *
 * Layout (big-endian): general header (14 bytes: "FAC\0", "010\0", record
 * length u32, number of facial images u16); per image a facial
 * information block (20 bytes: block length u32, feature points u16,
 * gender, eye colour, hair colour u8, feature mask u24, expression u16,
 * pose yaw/pitch/roll u8, their uncertainties u8), 8 bytes per feature
 * point (type u8 = 1 for 2-D, MPEG-4 FDP code major<<4|minor u8, x u16,
 * y u16, reserved u16), an image information block (12 bytes: face image
 * type u8, image data type u8 (0 JPEG, 1 JPEG 2000), width u16, height
 * u16, colour space u8, source type u8, device type u16, quality u16),
 * then the image data. Pose angles are in units of 2 degrees, value =
 * angle / 2 + 91 (1..181), 0 = unspecified.
 *
 * Written: face image type 0 (basic: the image as captured, not a token
 * crop), colour space 1 (24-bit RGB), the quality score 0..100, six
 * feature points (MPEG-4 3.5/3.6 eye centres, 9.3 nose tip, 8.3/8.4 mouth
 * corners, 2.1 chin) from the landmarks. Read: the first image, if JPEG.
 * Error codes: FACE_ISO_MALFORMED (lengths that do not add up, a wrong
 * magic or version), FACE_ISO_UNSUPPORTED (JPEG 2000, several images). */
#ifndef SH_BIO_FACE_ISO_H
#define SH_BIO_FACE_ISO_H

#include <stddef.h>
#include <stdint.h>

#include "bio/face.h"
#include "bio/face_image.h"
#include "bio/face_quality.h"
#include "lib/err.h"

#define FACE_ISO_MAX_POINTS 16

struct face_iso_point {
	uint8_t code; /* MPEG-4 major << 4 | minor */
	uint16_t x, y;
};

struct face_iso {
	int width, height;
	int yaw, pitch, roll; /* degrees; pose_known = 0: unspecified */
	int pose_known;
	int quality;
	int npoints;
	struct face_iso_point points[FACE_ISO_MAX_POINTS];
	const uint8_t *jpeg; /* into the record passed to face_iso_parse */
	size_t jpeg_len;
};

/* A record of `img` (encoded as JPEG) with landmarks and quality (either
 * may be NULL); *out is malloc'd, the caller's. */
int face_iso_write(const struct face_image *img, const struct face_landmarks *lm,
		   const struct face_quality *q, uint8_t **out, size_t *len, struct sh_err *err)
	__attribute__((warn_unused_result));

int face_iso_parse(const uint8_t *rec, size_t len, struct face_iso *out, struct sh_err *err)
	__attribute__((warn_unused_result));

/* 1 when the bytes start like a 19794-5 record. */
int face_iso_sniff(const uint8_t *b, size_t len);

#endif
