/* fp_iso.c — ISO/IEC 19794-2:2005 finger minutiae record encoding and
 * validating decoding (see fp_iso.h). Clause numbers below refer to
 * ISO/IEC 19794-2:2005 (Biometric data interchange formats — Part 2:
 * Finger minutiae data), "record format" clause 7. */
#include "bio/fp_iso.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/bytes.h"

#define PI_D 3.14159265358979323846
/* 500 dpi in pixels per centimetre, rounded (500 / 2.54 = 196.85). */
#define ISO_PPCM_500 197
/* Resolutions accepted on decode, pixels/cm: ~250 to ~1200 dpi. */
#define ISO_PPCM_MIN 98
#define ISO_PPCM_MAX 473

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

int fp_iso_encode(const struct fp_template *t, uint8_t **out, size_t *len,
		  struct sh_err *err)
{
	*out = NULL;
	*len = 0;
	/* Clause 7.3.4-7.3.5: image size is 16 bits; minutia x/y are 14
	 * bits (7.4.2.2-3), so the image may not exceed 16383 px. */
	if (t->width <= 0 || t->height <= 0 || t->width > 16383 ||
	    t->height > 16383)
		return sh_err_set(err, SH_EINVAL, "FP_ISO_MALFORMED",
				  "template image size %dx%d not encodable",
				  t->width, t->height);
	if (t->count < 0 || t->count > FP_MAX_MINUTIAE)
		return sh_err_set(err, SH_EINVAL, "FP_ISO_MALFORMED",
				  "minutiae count %d outside 0..%d", t->count,
				  FP_MAX_MINUTIAE);
	int has_od = 0;
	for (int i = 0; i < t->count; i++)
		has_od |= t->minutiae[i].omask != 0;
	size_t ext = has_od ? FP_ISO_ODESC_AREA_BYTES(t->count) : 0;
	size_t n = FP_ISO_HEADER_BYTES + FP_ISO_VIEW_BYTES +
		   FP_ISO_MINUTIA_BYTES * (size_t)t->count + 2 + ext;
	uint8_t *b = calloc(1, n);
	if (!b)
		return sh_err_set(err, SH_ENOMEM, "FP_ISO_NOMEM",
				  "out of memory encoding a template");
	/* 7.3.1 format identifier "FMR\0"; 7.3.2 version " 20\0". */
	memcpy(b, "FMR\0", 4);
	memcpy(b + 4, " 20\0", 4);
	put32(b + 8, (uint32_t)n);            /* 7.3.3 record length */
	put16(b + 12, 0);                     /* 7.3.4 cert. flags, device 0 */
	put16(b + 14, (unsigned)t->width);    /* 7.3.5 image size x */
	put16(b + 16, (unsigned)t->height);   /*       image size y */
	put16(b + 18, ISO_PPCM_500);          /* 7.3.6 x resolution, px/cm */
	put16(b + 20, ISO_PPCM_500);          /*       y resolution */
	b[22] = 1;                            /* 7.3.7 number of finger views */
	b[23] = 0;                            /* 7.3.8 reserved */
	uint8_t *v = b + FP_ISO_HEADER_BYTES;
	v[0] = 0;                             /* 7.4.1.1 finger position */
	v[1] = 0;                             /* 7.4.1.2-3 view 0, impression 0 */
	int q = t->quality < 0 ? 0 : t->quality > 100 ? 100 : t->quality;
	v[2] = (uint8_t)q;                    /* 7.4.1.4 finger quality */
	v[3] = (uint8_t)t->count;             /* 7.4.1.5 number of minutiae */
	uint8_t *m = v + FP_ISO_VIEW_BYTES;
	for (int i = 0; i < t->count; i++, m += FP_ISO_MINUTIA_BYTES) {
		const struct fp_minutia *mi = &t->minutiae[i];
		/* 7.4.2.1 type in the two high bits: 01 ending, 10
		 * bifurcation, 00 other. */
		unsigned type = mi->type == FP_ENDING ? 1u
			      : mi->type == FP_BIFURCATION ? 2u : 0u;
		long x = lrintf(mi->x), y = lrintf(mi->y);
		if (x < 0)
			x = 0;
		if (y < 0)
			y = 0;
		if (x > t->width - 1)
			x = t->width - 1;
		if (y > t->height - 1)
			y = t->height - 1;
		put16(m, type << 14 | (unsigned)x);   /* 7.4.2.2 */
		put16(m + 2, (unsigned)y);            /* 7.4.2.3, 2 bits reserved */
		/* 7.4.2.4 angle in units of 360/256 = 1.40625 degrees,
		 * counter-clockwise from the x axis (fp.h convention). */
		double a = mi->angle / (2 * PI_D) * 256.0;
		long ai = lround(a) % 256;
		if (ai < 0)
			ai += 256;
		m[4] = (uint8_t)ai;
		m[5] = mi->quality > 100 ? 100 : mi->quality;  /* 7.4.2.5 */
	}
	/* 7.4.3 extended data block: none, or our orientation descriptors
	 * in one vendor-defined area (fp_iso.h) */
	put16(m, (unsigned)ext);
	if (ext) {
		uint8_t *e = m + 2;
		put16(e, FP_ISO_ODESC_TYPE);
		put16(e + 2, (unsigned)ext);
		e[4] = FP_ISO_ODESC_FORMAT;
		e += 5;
		for (int i = 0; i < t->count; i++, e += 4 + FP_ODESC_N) {
			uint32_t mk = t->minutiae[i].omask;
			put16(e, mk >> 16);
			put16(e + 2, mk & 0xffff);
			memcpy(e + 4, t->minutiae[i].odesc, FP_ODESC_N);
		}
	}
	*out = b;
	*len = n;
	return SH_OK;
}

static int bad(struct sh_err *err, const char *what)
{
	return sh_err_set(err, SH_EINVAL, "FP_ISO_MALFORMED",
			  "ISO 19794-2 record: %s", what);
}

int fp_iso_decode(const uint8_t *d, size_t len, struct fp_template *t,
		  struct sh_err *err)
{
	memset(t, 0, sizeof *t);
	int rc = SH_OK;
	if (!d || len < FP_ISO_HEADER_BYTES + FP_ISO_VIEW_BYTES + 2) {
		rc = bad(err, "shorter than a header");
		goto out;
	}
	if (memcmp(d, "FMR\0", 4) != 0) {          /* 7.3.1 */
		rc = bad(err, "format identifier is not FMR");
		goto out;
	}
	if (memcmp(d + 4, " 20\0", 4) != 0) {      /* 7.3.2 */
		rc = bad(err, "version is not 2.0 (' 20')");
		goto out;
	}
	uint32_t total = sh_be32(d + 8);             /* 7.3.3 */
	if (total != len) {
		rc = bad(err, "record length does not match the data");
		goto out;
	}
	unsigned w = sh_be16(d + 14), h = sh_be16(d + 16);    /* 7.3.5 */
	unsigned xr = sh_be16(d + 18), yr = sh_be16(d + 20);  /* 7.3.6 */
	if (w == 0 || h == 0 || w > 16383 || h > 16383) {
		rc = bad(err, "image size out of range");
		goto out;
	}
	if (xr < ISO_PPCM_MIN || xr > ISO_PPCM_MAX || yr < ISO_PPCM_MIN ||
	    yr > ISO_PPCM_MAX) {
		rc = bad(err, "resolution out of range");
		goto out;
	}
	if (d[22] == 0) {                          /* 7.3.7 */
		rc = bad(err, "no finger views");
		goto out;
	}
	if (d[22] != 1) {
		rc = sh_err_set(err, SH_EINVAL, "FP_ISO_UNSUPPORTED",
				"ISO 19794-2 record with %u finger views; one "
				"is supported", d[22]);
		goto out;
	}
	if (d[23] != 0) {                          /* 7.3.8 reserved */
		rc = bad(err, "reserved header byte not zero");
		goto out;
	}
	const uint8_t *v = d + FP_ISO_HEADER_BYTES;
	if (v[0] > 10) {                           /* 7.4.1.1, table 2 */
		rc = bad(err, "finger position out of range");
		goto out;
	}
	/* 7.4.1.3 impression type, table 3: 0-3 live/non-live plain or
	 * rolled, 8 swipe. The view number (high nibble) is free. */
	unsigned imp = v[1] & 0x0f;
	if (imp > 3 && imp != 8) {
		rc = bad(err, "impression type out of range");
		goto out;
	}
	if (v[2] > 100) {                          /* 7.4.1.4 */
		rc = bad(err, "finger quality over 100");
		goto out;
	}
	unsigned n = v[3];                         /* 7.4.1.5 */
	size_t need = FP_ISO_HEADER_BYTES + FP_ISO_VIEW_BYTES +
		      (size_t)n * FP_ISO_MINUTIA_BYTES + 2;
	if (len < need) {
		rc = bad(err, "minutiae count runs past the record");
		goto out;
	}
	/* Scale to 500 dpi: coordinates are pixels at the record's own
	 * resolution (7.3.6).
	 * 197 px/cm is how 500 dpi is written (196.85 rounded), so it means
	 * exactly 500 dpi, not 500.4. */
	double sx = xr == ISO_PPCM_500 ? 1.0 : 196.850394 / xr;
	double sy = yr == ISO_PPCM_500 ? 1.0 : 196.850394 / yr;
	t->width = (int)lround(w * sx);
	t->height = (int)lround(h * sy);
	if (t->width < 1)
		t->width = 1;
	if (t->height < 1)
		t->height = 1;
	t->quality = v[2];
	const uint8_t *m = v + FP_ISO_VIEW_BYTES;
	for (unsigned i = 0; i < n; i++, m += FP_ISO_MINUTIA_BYTES) {
		unsigned a = sh_be16(m), b = sh_be16(m + 2);
		unsigned type = a >> 14, x = a & 0x3fff, y = b & 0x3fff;
		if (type == 3) {                   /* 7.4.2.1: 11 reserved */
			rc = bad(err, "minutia type 11 is reserved");
			goto out;
		}
		if (b >> 14) {                     /* 7.4.2.3 reserved bits */
			rc = bad(err, "minutia reserved bits not zero");
			goto out;
		}
		if (x >= w || y >= h) {
			rc = bad(err, "minutia outside the image");
			goto out;
		}
		if (m[5] > 100) {                  /* 7.4.2.5 */
			rc = bad(err, "minutia quality over 100");
			goto out;
		}
		if (i >= FP_MAX_MINUTIAE)
			continue;  /* a byte count cannot exceed 255 anyway */
		struct fp_minutia *o = &t->minutiae[t->count++];
		o->x = (float)(x * sx);
		o->y = (float)(y * sy);
		o->angle = (float)(m[4] * (2 * PI_D / 256.0));
		o->type = type == 1 ? FP_ENDING : type == 2 ? FP_BIFURCATION
							     : FP_OTHER;
		o->quality = m[5];
	}
	/* 7.4.3 extended data block: its length, then that many bytes of
	 * areas (type 2 bytes, length 2 bytes, data) that we skip but check
	 * for consistency. The record must end exactly after it. */
	size_t pos = need - 2;
	unsigned ext = sh_be16(d + pos);
	pos += 2;
	if (ext > len - pos || pos + ext != len) {
		rc = bad(err, "extended data length does not match the record");
		goto out;
	}
	size_t end = pos + ext;
	while (pos < end) {
		if (end - pos < 4) {
			rc = bad(err, "truncated extended data area");
			goto out;
		}
		unsigned atype = sh_be16(d + pos), alen = sh_be16(d + pos + 2);
		if (alen < 4 || alen > end - pos) {
			rc = bad(err, "extended data area length out of range");
			goto out;
		}
		if (atype == FP_ISO_ODESC_TYPE) {
			/* ours: it must describe exactly these minutiae */
			if (alen != FP_ISO_ODESC_AREA_BYTES(t->count) ||
			    d[pos + 4] != FP_ISO_ODESC_FORMAT) {
				rc = bad(err, "orientation descriptor area does not match the minutiae");
				goto out;
			}
			const uint8_t *e = d + pos + 5;
			for (int i = 0; i < t->count; i++, e += 4 + FP_ODESC_N) {
				t->minutiae[i].omask = (uint32_t)sh_be16(e) << 16 | sh_be16(e + 2);
				memcpy(t->minutiae[i].odesc, e + 4, FP_ODESC_N);
			}
		}
		pos += alen;
	}
out:
	if (rc)
		memset(t, 0, sizeof *t);
	return rc;
}
