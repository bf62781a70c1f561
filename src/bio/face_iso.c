/* face_iso.c — ISO/IEC 19794-5:2005 face image records (see face_iso.h). */
#include "bio/face_iso.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bio/face_align.h"
#include "lib/bytes.h"

#define GEN_HDR 14
#define INFO_BLK 20
#define POINT_BYTES 8
#define IMG_BLK 12

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

/* 19794-5:2005 5.5.7: units of 2 degrees, 91 = 0 deg, 0 = unspecified */
static uint8_t pose_code(float deg)
{
	long v = lroundf(deg / 2.0f) + 91;
	return (uint8_t)(v < 1 ? 1 : v > 181 ? 181 : v);
}

static uint16_t coord(float v, int max)
{
	long r = lroundf(v);
	return (uint16_t)(r < 0 ? 0 : r > max ? max : r);
}

int face_iso_sniff(const uint8_t *b, size_t len)
{
	return len >= 8 && memcmp(b, "FAC\0", 4) == 0;
}

int face_iso_write(const struct face_image *img, const struct face_landmarks *lm,
		   const struct face_quality *q, uint8_t **out, size_t *len, struct sh_err *err)
{
	uint8_t *jpeg = NULL;
	size_t jlen = 0;
	*out = NULL;
	*len = 0;
	int rc = face_image_encode_jpeg(img, 95, &jpeg, &jlen, err);
	if (rc)
		return rc;
	struct face_iso_point pts[6];
	int np = 0;
	if (lm) {
		/* MPEG-4 FDP: 3.5/3.6 left/right eye (the subject's), 9.3 nose
		 * tip, 8.3/8.4 left/right mouth corner, 2.1 chin */
		struct face_point lc = face_align_centre(lm, 42, 48), rc6 = face_align_centre(lm, 36, 42);
		struct {
			uint8_t code;
			struct face_point p;
		} src[6] = {{0x35, lc}, {0x36, rc6}, {0x93, lm->p[30]},
			    {0x83, lm->p[54]}, {0x84, lm->p[48]}, {0x21, lm->p[8]}};
		for (int i = 0; i < 6; i++)
			pts[np++] = (struct face_iso_point){src[i].code, coord(src[i].p.x, img->w - 1),
							    coord(src[i].p.y, img->h - 1)};
	}
	size_t block = INFO_BLK + (size_t)np * POINT_BYTES + IMG_BLK + jlen;
	size_t total = GEN_HDR + block;
	if (total > UINT32_MAX || img->w > 65535 || img->h > 65535) {
		free(jpeg);
		return sh_err_set(err, SH_ETOOBIG, "FACE_ISO_TOO_LARGE", "record too large");
	}
	uint8_t *r = calloc(1, total);
	if (!r) {
		free(jpeg);
		return sh_err_set(err, SH_ENOMEM, "FACE_NOMEM", "out of memory");
	}
	memcpy(r, "FAC\0" "010\0", 8);
	put32(r + 8, (uint32_t)total);
	put16(r + 12, 1);
	uint8_t *f = r + GEN_HDR;
	put32(f, (uint32_t)block);
	put16(f + 4, (unsigned)np);
	/* gender, eye, hair colour, feature mask, expression: unspecified (0) */
	if (q) {
		f[14] = pose_code(q->yaw);
		f[15] = pose_code(q->pitch);
		f[16] = pose_code(q->roll);
	}
	uint8_t *p = f + INFO_BLK;
	for (int i = 0; i < np; i++, p += POINT_BYTES) {
		p[0] = 1; /* 2-D feature point */
		p[1] = pts[i].code;
		put16(p + 2, pts[i].x);
		put16(p + 4, pts[i].y);
	}
	p[0] = 0; /* basic face image */
	p[1] = 0; /* JPEG */
	put16(p + 2, (unsigned)img->w);
	put16(p + 4, (unsigned)img->h);
	p[6] = 1; /* 24-bit RGB */
	p[7] = 0; /* source type unspecified */
	put16(p + 10, q ? (unsigned)q->score : 0);
	memcpy(p + IMG_BLK, jpeg, jlen);
	free(jpeg);
	*out = r;
	*len = total;
	return SH_OK;
}

static int malformed(struct sh_err *err, const char *what)
{
	return sh_err_set(err, SH_EINVAL, "FACE_ISO_MALFORMED", "ISO 19794-5 record: %s", what);
}

int face_iso_parse(const uint8_t *rec, size_t len, struct face_iso *out, struct sh_err *err)
{
	memset(out, 0, sizeof *out);
	if (len < GEN_HDR + INFO_BLK + IMG_BLK || memcmp(rec, "FAC\0", 4) != 0)
		return malformed(err, "not a FAC record");
	if (memcmp(rec + 4, "010\0", 4) != 0)
		return sh_err_set(err, SH_EINVAL, "FACE_ISO_UNSUPPORTED",
				  "ISO 19794-5 record: version other than 010 (2005)");
	uint32_t total = sh_be32(rec + 8);
	unsigned nimg = sh_be16(rec + 12);
	if (total != len)
		return malformed(err, "record length differs from the data");
	if (nimg != 1)
		return sh_err_set(err, SH_EINVAL, "FACE_ISO_UNSUPPORTED",
				  "ISO 19794-5 record with %u images; one is supported", nimg);
	const uint8_t *f = rec + GEN_HDR;
	uint32_t block = sh_be32(f);
	unsigned np = sh_be16(f + 4);
	if (block > len - GEN_HDR ||
	    block < INFO_BLK + (uint64_t)np * POINT_BYTES + IMG_BLK)
		return malformed(err, "facial block length");
	if (f[14] && f[15] && f[16]) {
		if (f[14] > 181 || f[15] > 181 || f[16] > 181)
			return malformed(err, "pose angle code over 181");
		out->pose_known = 1;
		out->yaw = (f[14] - 91) * 2;
		out->pitch = (f[15] - 91) * 2;
		out->roll = (f[16] - 91) * 2;
	}
	const uint8_t *p = f + INFO_BLK;
	for (unsigned i = 0; i < np; i++, p += POINT_BYTES)
		if (out->npoints < FACE_ISO_MAX_POINTS)
			out->points[out->npoints++] =
				(struct face_iso_point){p[1], sh_be16(p + 2), sh_be16(p + 4)};
	if (p[1] != 0)
		return sh_err_set(err, SH_EINVAL, "FACE_ISO_UNSUPPORTED",
				  "ISO 19794-5 image data type %u (only JPEG is decoded)", p[1]);
	out->width = sh_be16(p + 2);
	out->height = sh_be16(p + 4);
	out->quality = sh_be16(p + 10);
	out->jpeg = p + IMG_BLK;
	out->jpeg_len = block - (size_t)(out->jpeg - f);
	if (out->jpeg_len == 0)
		return malformed(err, "no image data");
	return SH_OK;
}
