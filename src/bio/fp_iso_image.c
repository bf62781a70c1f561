/* fp_iso_image.c — ISO/IEC 19794-4:2005 finger image records (fp_iso_image.h). */
#include "bio/fp_iso_image.h"

#include <stdlib.h>
#include <string.h>

#include "bio/fp_image.h"
#include "lib/bytes.h"

static int malformed(struct sh_err *err, const char *what)
{
	return sh_err_set(err, SH_EINVAL, "FP_ISO_IMAGE_MALFORMED",
			  "ISO/IEC 19794-4 record: %s", what);
}

static int unsupported(struct sh_err *err, const char *what)
{
	return sh_err_set(err, SH_EINVAL, "FP_ISO_IMAGE_UNSUPPORTED",
			  "ISO/IEC 19794-4 record: %s", what);
}

int fp_iso_image_sniff(const uint8_t *b, size_t len)
{
	return len >= 4 && !memcmp(b, "FIR\0", 4);
}

/* Clause 8.2.10/8.2.11: resolution in the header's scale units. */
static int to_dpi(int units, int v)
{
	return units == 1 ? v : (int)((v * 254L + 50) / 100);
}

/* Raw pixels, one or two bytes each (compression 0) or packed MSB first
 * (compression 1), scaled to 0..255 from `depth` bits. */
static int decode_raw(const uint8_t *d, size_t n, int packed, int depth, int w, int h,
		      uint8_t *px, struct sh_err *err)
{
	size_t count = (size_t)w * h;
	size_t need = packed ? (count * (size_t)depth + 7) / 8
			     : count * (size_t)(depth > 8 ? 2 : 1);
	if (n != need)
		return malformed(err, n < need ? "image data truncated"
					       : "image data longer than the image");
	uint32_t maxv = (1u << depth) - 1;
	size_t bit = 0;
	for (size_t i = 0; i < count; i++) {
		uint32_t v = 0;
		if (!packed) {
			v = depth > 8 ? sh_be16(d + 2 * i) : d[i];
		} else {
			for (int k = 0; k < depth; k++, bit++)
				v = v << 1 | ((d[bit >> 3] >> (7 - (bit & 7))) & 1u);
		}
		if (v > maxv)
			return malformed(err, "a pixel exceeds the declared depth");
		px[i] = (uint8_t)((v * 255u + maxv / 2) / maxv);
	}
	return SH_OK;
}

int fp_iso_image_decode(const uint8_t *b, size_t len, struct fp_image *img,
			struct fp_iso_image_info *info, struct sh_err *err)
{
	memset(img, 0, sizeof *img);
	struct fp_iso_image_info in = {0};
	if (len < FP_ISO_IMAGE_HEADER_BYTES)
		return malformed(err, "shorter than its header");
	if (!fp_iso_image_sniff(b, len))
		return malformed(err, "no FIR format identifier");
	if (!memcmp(b + 4, "020\0", 4))
		return unsupported(err, "version 020 (ISO/IEC 19794-4:2011) is not read; send 010");
	if (memcmp(b + 4, "010\0", 4) != 0)
		return malformed(err, "unknown version");
	uint64_t rlen = (uint64_t)sh_be16(b + 8) << 32 | sh_be32(b + 10);
	if (rlen != len)
		return malformed(err, rlen > len ? "truncated (record length exceeds the data)"
						 : "record length shorter than the data");
	int nfingers = b[18], units = b[19];
	int ires_h = sh_be16(b + 24), ires_v = sh_be16(b + 26);
	in.depth = b[28];
	in.compression = b[29];
	if (nfingers == 0)
		return malformed(err, "no finger images");
	if (nfingers > 1)
		return unsupported(err, "several finger images in one record; send one a finger");
	if (units != 1 && units != 2)
		return malformed(err, "scale units neither pixels/inch nor pixels/cm");
	if (!ires_h || !ires_v)
		return malformed(err, "zero image resolution");
	/* 1 pixel/cm of rounding either way between the two axes */
	if (abs(to_dpi(units, ires_h) - to_dpi(units, ires_v)) > 3)
		return unsupported(err, "pixels are not square (horizontal and vertical "
					"resolutions differ)");
	in.dpi = to_dpi(units, ires_h);
	if (in.depth < 1 || in.depth > 16)
		return malformed(err, "pixel depth outside 1..16 bits");
	if (in.compression == FP_ISO_IMAGE_WSQ || in.compression == FP_ISO_IMAGE_JPEG2000)
		return unsupported(err, "WSQ and JPEG 2000 data are not decoded; send raw, PNG "
					"or JPEG");
	if (in.compression > FP_ISO_IMAGE_PNG)
		return malformed(err, "unknown compression algorithm");

	const uint8_t *f = b + FP_ISO_IMAGE_HEADER_BYTES;
	size_t left = len - FP_ISO_IMAGE_HEADER_BYTES;
	if (left < FP_ISO_IMAGE_FINGER_BYTES)
		return malformed(err, "truncated finger image header");
	uint32_t blen = sh_be32(f);
	if (blen != left)
		return malformed(err, blen > left ? "truncated finger image data"
						  : "data after the finger image");
	in.position = f[4];
	int views = f[5], view = f[6];
	in.quality = f[7];
	in.impression = f[8];
	int w = sh_be16(f + 9), h = sh_be16(f + 11);
	if (in.position > 10)
		return unsupported(err, "not a single-finger position (multi-finger or palm)");
	if (views != 1 || view != 1)
		return unsupported(err, "several views of the finger; send one");
	if (in.quality > 100 && in.quality < 254)
		return malformed(err, "finger quality outside 0..100, 254, 255");
	if (in.impression > 3 && in.impression != 8)
		return unsupported(err, "latent impressions are not captures");
	if (!w || !h)
		return malformed(err, "zero image width or height");
	if (w > FP_MAX_IMAGE_SIDE || h > FP_MAX_IMAGE_SIDE)
		return sh_err_set(err, SH_ETOOBIG, "FP_IMAGE_TOO_LARGE",
				  "ISO/IEC 19794-4 record: %dx%d image over %d pixels a side",
				  w, h, FP_MAX_IMAGE_SIDE);
	const uint8_t *d = f + FP_ISO_IMAGE_FINGER_BYTES;
	size_t n = left - FP_ISO_IMAGE_FINGER_BYTES;
	int rc;
	if (in.compression <= FP_ISO_IMAGE_RAW_PACKED) {
		img->pixels = malloc((size_t)w * h);
		if (!img->pixels)
			return sh_err_set(err, SH_ENOMEM, "FP_IMAGE_NOMEM", "out of memory");
		img->width = w;
		img->height = h;
		rc = decode_raw(d, n, in.compression == FP_ISO_IMAGE_RAW_PACKED, in.depth, w, h,
				img->pixels, err);
		if (rc != SH_OK) {
			fp_image_free(img);
			return rc;
		}
	} else {
		struct sh_err e = {0};
		int declared = 0;
		rc = in.compression == FP_ISO_IMAGE_PNG
			     ? fp_image_decode_png(d, n, img, &declared, &e)
			     : fp_image_decode_jpeg(d, n, img, &declared, &e);
		if (rc == SH_ETOOBIG || rc == SH_ENOMEM)
			return sh_err_set(err, rc, e.code, "ISO/IEC 19794-4 record: %s", e.msg);
		if (rc != SH_OK)
			return sh_err_set(err, SH_EINVAL, "FP_ISO_IMAGE_MALFORMED",
					  "ISO/IEC 19794-4 record: its %s data: %s",
					  in.compression == FP_ISO_IMAGE_PNG ? "PNG" : "JPEG", e.msg);
		if (img->width != w || img->height != h) {
			fp_image_free(img);
			return malformed(err, "the embedded image's size is not the header's");
		}
	}
	/* The record's resolution rules, not the embedded file's (a JPEG's
	 * 72-dpi default says nothing about the scanner). */
	img->dpi = in.dpi;
	if (info)
		*info = in;
	return SH_OK;
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

int fp_iso_image_encode(const uint8_t *data, size_t len, int compression,
			int width, int height, int dpi, int position, int quality,
			uint8_t **out, size_t *outlen, struct sh_err *err)
{
	*out = NULL;
	*outlen = 0;
	if (compression != FP_ISO_IMAGE_RAW && compression != FP_ISO_IMAGE_PNG &&
	    compression != FP_ISO_IMAGE_JPEG)
		return unsupported(err, "only raw, PNG and JPEG data are written");
	if (width < 1 || height < 1 || width > FP_MAX_IMAGE_SIDE || height > FP_MAX_IMAGE_SIDE ||
	    dpi < 1 || dpi > 65535 || position < 0 || position > 10 || quality < 0 ||
	    quality > 100)
		return sh_err_set(err, SH_EINVAL, "FP_ISO_IMAGE_MALFORMED",
				  "ISO/IEC 19794-4 record: size, resolution, position or "
				  "quality out of range");
	if (compression == FP_ISO_IMAGE_RAW && len != (size_t)width * height)
		return malformed(err, "raw data is not width x height bytes");
	if (len > FP_MAX_FILE_BYTES)
		return sh_err_set(err, SH_ETOOBIG, "FP_IMAGE_TOO_LARGE",
				  "ISO/IEC 19794-4 record: image data over %u bytes",
				  FP_MAX_FILE_BYTES);
	size_t total = FP_ISO_IMAGE_HEADER_BYTES + FP_ISO_IMAGE_FINGER_BYTES + len;
	uint8_t *r = calloc(1, total);
	if (!r)
		return sh_err_set(err, SH_ENOMEM, "FP_IMAGE_NOMEM", "out of memory");
	memcpy(r, "FIR\0" "010\0", 8);
	put16(r + 8, 0);
	put32(r + 10, (uint32_t)total);
	/* capture device id 0 (unreported), acquisition level 31 (500 ppi) */
	put16(r + 16, 31);
	r[18] = 1;
	r[19] = 1;
	for (int k = 0; k < 4; k++)
		put16(r + 20 + 2 * k, (unsigned)dpi);
	r[28] = 8;
	r[29] = (uint8_t)compression;
	uint8_t *f = r + FP_ISO_IMAGE_HEADER_BYTES;
	put32(f, (uint32_t)(FP_ISO_IMAGE_FINGER_BYTES + len));
	f[4] = (uint8_t)position;
	f[5] = 1;
	f[6] = 1;
	f[7] = (uint8_t)quality;
	f[8] = 0;
	put16(f + 9, (unsigned)width);
	put16(f + 11, (unsigned)height);
	memcpy(f + FP_ISO_IMAGE_FINGER_BYTES, data, len);
	*out = r;
	*outlen = total;
	return SH_OK;
}
