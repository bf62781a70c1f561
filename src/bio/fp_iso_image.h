/* fp_iso_image.h — ISO/IEC 19794-4:2005 finger image records ("FIR",
 * version 010): strict decoding of a record holding one finger image, and
 * encoding of one (for devices, tools and tests).
 *
 * Layout (clause 8): a 32-byte general record header — "FIR\0", "010\0",
 * record length (48-bit), capture device id, image acquisition level,
 * number of fingers, scale units (1 = pixels/inch, 2 = pixels/cm), scan
 * and image resolutions (horizontal, vertical), pixel depth in bits,
 * compression (0 raw, 1 raw bit-packed, 2 WSQ, 3 JPEG, 4 JPEG 2000,
 * 5 PNG), 2 reserved bytes — then per finger image a 14-byte header —
 * block length (32-bit, header included), finger position, count of views,
 * view number, quality, impression type, line length (width), number of
 * lines (height), 1 reserved byte — and the image data. Integers are
 * big-endian.
 *
 * Decoding accepts exactly one finger image that fills the record; raw
 * (depth 1..16, packed or one/two bytes a pixel, scaled to 8 bits), PNG and
 * JPEG data, whose decoded size must be the header's. The resolution is the
 * header's image resolution (pixels/cm converted to dpi); pixels must be
 * square. Errors (SH_EINVAL): FP_ISO_IMAGE_MALFORMED for a record that
 * breaks the format (magic, lengths, truncation, zero sizes, data that
 * does not decode to the declared image), FP_ISO_IMAGE_UNSUPPORTED for
 * valid records we do not read (version 020, WSQ or JPEG 2000 data,
 * several fingers or views, latent impressions, non-square pixels);
 * FP_IMAGE_TOO_LARGE (SH_ETOOBIG) over FP_MAX_IMAGE_SIDE; SH_ENOMEM. */
#ifndef SH_BIO_FP_ISO_IMAGE_H
#define SH_BIO_FP_ISO_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "bio/fp.h"
#include "lib/err.h"

#define FP_ISO_IMAGE_HEADER_BYTES 32  /* general record header */
#define FP_ISO_IMAGE_FINGER_BYTES 14  /* finger image header */

enum fp_iso_image_compression {
	FP_ISO_IMAGE_RAW = 0,
	FP_ISO_IMAGE_RAW_PACKED = 1,
	FP_ISO_IMAGE_WSQ = 2,
	FP_ISO_IMAGE_JPEG = 3,
	FP_ISO_IMAGE_JPEG2000 = 4,
	FP_ISO_IMAGE_PNG = 5,
};

/* What the headers say about the one finger image. */
struct fp_iso_image_info {
	int position;     /* ISO/IEC finger position 0..10 (0 unknown) */
	int impression;   /* 0..3 live-scan/non-live plain/rolled, 8 swipe */
	int quality;      /* 0..100, 254/255 as recorded */
	int compression;  /* enum fp_iso_image_compression */
	int depth;        /* bits per pixel */
	int dpi;          /* image resolution in dots per inch */
};

/* True when the bytes start like a 19794-4 record (magic only). */
int fp_iso_image_sniff(const uint8_t *b, size_t len);

/* Decode the record into *img (8-bit gray, img->dpi = the header's
 * resolution; caller frees with fp_image_free) and *info (may be NULL).
 * On error *img is {0}. */
int fp_iso_image_decode(const uint8_t *b, size_t len, struct fp_image *img,
			struct fp_iso_image_info *info, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Wrap image data in a record of one finger: for FP_ISO_IMAGE_RAW `data`
 * is width*height 8-bit pixels, for PNG/JPEG the encoded file. dpi is
 * written in pixels/inch. *out is malloc'd (caller frees). */
int fp_iso_image_encode(const uint8_t *data, size_t len, int compression,
			int width, int height, int dpi, int position, int quality,
			uint8_t **out, size_t *outlen, struct sh_err *err)
	__attribute__((warn_unused_result));

#endif
