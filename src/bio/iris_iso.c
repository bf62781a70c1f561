/* iris_iso.c — ISO/IEC 19794-6:2005 iris image records (iris_iso.h). */
#include "bio/iris_iso.h"

#include <stdlib.h>
#include <string.h>

#include "bio/fp_image.h"
#include "bio/iris_image.h"

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int iris_iso_encode(const struct iris_image *img, const struct iris_iso_info *info,
		    uint8_t **out, size_t *len, struct sh_err *err)
{
	*out = NULL;
	*len = 0;
	if (!img->pixels || img->width < 1 || img->height < 1 || img->width > IRIS_MAX_SIDE ||
	    img->height > IRIS_MAX_SIDE)
		return sh_err_set(err, SH_EINVAL, "IRIS_ISO_MALFORMED", "no image to encode");
	int eye = info ? info->eye : IRIS_EYE_UNDEFINED;
	int diameter = info ? info->diameter : 0;
	int quality = info ? info->quality : IRIS_ISO_QUALITY_UNKNOWN;
	if (eye < 0 || eye > 2 || diameter < 0 || diameter > 0xFFFF ||
	    (quality > 100 && quality != 254 && quality != 255) || quality < 0)
		return sh_err_set(err, SH_EINVAL, "IRIS_ISO_MALFORMED",
				  "eye %d, diameter %d or quality %d out of range", eye, diameter,
				  quality);
	size_t pix = (size_t)img->width * (size_t)img->height;
	size_t n = IRIS_ISO_HEADER_BYTES + IRIS_ISO_SUBTYPE_BYTES + IRIS_ISO_IMAGE_HEADER_BYTES + pix;
	uint8_t *b = calloc(n, 1);
	if (!b)
		return sh_err_set(err, SH_ENOMEM, "IRIS_NOMEM", "no memory for the record");
	memcpy(b, "IIR\0" "010\0", 8);                      /* 6.5.1, 6.5.2 */
	put32(b + 8, (uint32_t)n);                          /* 6.5.3 record length */
	put16(b + 12, 0);                                   /* capture device: unreported */
	b[14] = 1;                                          /* one eye */
	put16(b + 15, IRIS_ISO_HEADER_BYTES);
	/* properties: orientation base (1) both ways, progressive scan (1),
	 * boundary extraction when we know the diameter */
	unsigned props = 1u | 1u << 2 | 1u << 4 | (diameter > 0 ? 1u << 8 : 0u);
	put16(b + 17, props);
	put16(b + 19, (unsigned)diameter);
	put16(b + 21, IRIS_ISO_FORMAT_MONO_RAW);
	put16(b + 23, (unsigned)img->width);
	put16(b + 25, (unsigned)img->height);
	b[27] = 8;                                          /* intensity depth */
	b[28] = 0;                                          /* no polar transformation */
	memcpy(b + 29, "0000000000000000", 16);             /* device id: none */
	uint8_t *s = b + IRIS_ISO_HEADER_BYTES;
	s[0] = (uint8_t)eye;
	put16(s + 1, 1);
	uint8_t *ih = s + IRIS_ISO_SUBTYPE_BYTES;
	put16(ih, 1);                                       /* sequence number */
	ih[2] = (uint8_t)quality;
	put16(ih + 3, IRIS_ISO_UNDEFINED_ANGLE);
	put16(ih + 5, IRIS_ISO_UNDEFINED_ANGLE);
	put32(ih + 7, (uint32_t)pix);
	memcpy(ih + IRIS_ISO_IMAGE_HEADER_BYTES, img->pixels, pix);
	*out = b;
	*len = n;
	return SH_OK;
}

static int bad(struct sh_err *err, const char *what)
{
	return sh_err_set(err, SH_EINVAL, "IRIS_ISO_MALFORMED", "ISO 19794-6 record: %s", what);
}

int iris_iso_decode(const uint8_t *d, size_t len, struct iris_image *img,
		    struct iris_iso_info *info, struct sh_err *err)
{
	memset(img, 0, sizeof *img);
	if (info)
		memset(info, 0, sizeof *info);
	if (len < IRIS_ISO_HEADER_BYTES + IRIS_ISO_SUBTYPE_BYTES + IRIS_ISO_IMAGE_HEADER_BYTES)
		return bad(err, "shorter than its headers");
	if (memcmp(d, "IIR\0", 4) != 0)
		return bad(err, "no IIR format identifier");
	if (memcmp(d + 4, "010\0", 4) != 0)
		return sh_err_set(err, SH_EINVAL, "IRIS_ISO_UNSUPPORTED",
				  "ISO 19794-6 record: version other than 010 (2005)");
	if (get32(d + 8) != len)
		return bad(err, "record length does not match the data");
	unsigned eyes = d[14];
	if (eyes < 1 || eyes > 2)
		return bad(err, "number of eyes must be 1 or 2");
	if (get16(d + 15) != IRIS_ISO_HEADER_BYTES)
		return bad(err, "record header length is not 45");
	unsigned props = get16(d + 17);
	if (props >> 9)
		return bad(err, "reserved image property bits set");
	unsigned diameter = get16(d + 19), format = get16(d + 21);
	unsigned w = get16(d + 23), h = get16(d + 25), depth = d[27];
	if (w < 1 || h < 1)
		return bad(err, "zero image width or height");
	if (w > IRIS_MAX_SIDE || h > IRIS_MAX_SIDE)
		return sh_err_set(err, SH_ETOOBIG, "IRIS_IMAGE_TOO_LARGE",
				  "ISO 19794-6 image %ux%u over the %d px side cap", w, h,
				  IRIS_MAX_SIDE);
	if (format != IRIS_ISO_FORMAT_MONO_RAW && format != IRIS_ISO_FORMAT_MONO_JPEG)
		return sh_err_set(err, SH_EINVAL, "IRIS_ISO_UNSUPPORTED",
				  "ISO 19794-6 image format 0x%04x (we read mono raw and mono JPEG)",
				  format);
	if (depth != 8)
		return sh_err_set(err, SH_EINVAL, "IRIS_ISO_UNSUPPORTED",
				  "ISO 19794-6 intensity depth %u (we read 8)", depth);
	const uint8_t *s = d + IRIS_ISO_HEADER_BYTES;
	unsigned eye = s[0], nimg = get16(s + 1);
	if (eye > 2)
		return bad(err, "eye position must be 0, 1 or 2");
	if (nimg < 1)
		return bad(err, "an eye with no images");
	const uint8_t *ih = s + IRIS_ISO_SUBTYPE_BYTES;
	unsigned quality = ih[2];
	if (quality > 100 && quality != 254 && quality != 255)
		return bad(err, "image quality out of range");
	uint32_t ilen = get32(ih + 7);
	size_t at = (size_t)(ih + IRIS_ISO_IMAGE_HEADER_BYTES - d);
	if (ilen > len - at)
		return bad(err, "image length runs past the record");
	const uint8_t *pix = d + at;
	if (format == IRIS_ISO_FORMAT_MONO_RAW) {
		if (ilen != (uint32_t)(w * h))
			return bad(err, "raw image length is not width x height");
		int rc = iris_image_from_raw(pix, (int)w, (int)h, img, err);
		if (rc != SH_OK)
			return rc;
	} else {
		struct fp_image fi = {0};
		int declared = 0;
		if (fp_image_decode_jpeg(pix, ilen, &fi, &declared, err) != SH_OK) {
			fp_image_free(&fi);
			return bad(err, "the JPEG image does not decode");
		}
		if (fi.width != (int)w || fi.height != (int)h) {
			fp_image_free(&fi);
			return bad(err, "the JPEG's size differs from the header's");
		}
		img->width = fi.width;
		img->height = fi.height;
		img->pixels = fi.pixels;
	}
	/* the rest of the record must be whole further images / eyes; we
	 * check only that the first eye's first image fitted (above) and that
	 * a single-image single-eye record has nothing after it */
	if (eyes == 1 && nimg == 1 && at + ilen != len) {
		iris_image_free(img);
		return bad(err, "bytes after the only image");
	}
	if (info) {
		info->eye = (int)eye;
		info->diameter = (int)diameter;
		info->quality = (int)quality;
		info->images = (int)nimg;
	}
	return SH_OK;
}
