/* fp_image.c — fingerprint image input: file loading, format sniffing, raw
 * import and resampling to 500 dpi (decoders are in fp_image_codec.c). */
#include "bio/fp_image.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fp_image_free(struct fp_image *img)
{
	if (!img)
		return;
	free(img->pixels);
	memset(img, 0, sizeof *img);
}

static int check_dpi(int dpi, struct sh_err *err)
{
	if (dpi < FP_IMAGE_MIN_DPI || dpi > FP_IMAGE_MAX_DPI)
		return sh_err_set(err, SH_EINVAL, "FP_IMAGE_DPI",
				  "resolution %d dpi outside %d..%d", dpi,
				  FP_IMAGE_MIN_DPI, FP_IMAGE_MAX_DPI);
	return SH_OK;
}

int fp_image_from_raw(const uint8_t *pixels, int w, int h, int dpi,
		      struct fp_image *img, struct sh_err *err)
{
	memset(img, 0, sizeof *img);
	if (dpi == 0)
		dpi = FP_DPI;
	int rc = check_dpi(dpi, err);
	if (rc)
		return rc;
	if (!pixels || w <= 0 || h <= 0)
		return sh_err_set(err, SH_EINVAL, "FP_IMAGE_MALFORMED",
				  "empty raw image %dx%d", w, h);
	if (w > FP_MAX_IMAGE_SIDE || h > FP_MAX_IMAGE_SIDE)
		return sh_err_set(err, SH_ETOOBIG, "FP_IMAGE_TOO_LARGE",
				  "image %dx%d over %d pixels a side", w, h,
				  FP_MAX_IMAGE_SIDE);
	size_t n = (size_t)w * (size_t)h;
	img->pixels = malloc(n);
	if (!img->pixels)
		return sh_err_set(err, SH_ENOMEM, "FP_IMAGE_NOMEM",
				  "out of memory for a %dx%d image", w, h);
	memcpy(img->pixels, pixels, n);
	img->width = w;
	img->height = h;
	img->dpi = dpi;
	return SH_OK;
}

int fp_image_decode(const uint8_t *bytes, size_t len, int dpi,
		    struct fp_image *img, struct sh_err *err)
{
	memset(img, 0, sizeof *img);
	if (dpi != 0) {
		int rc = check_dpi(dpi, err);
		if (rc)
			return rc;
	}
	if (!bytes || len == 0)
		return sh_err_set(err, SH_EINVAL, "FP_IMAGE_FORMAT",
				  "empty image");
	if (len > FP_MAX_FILE_BYTES)
		return sh_err_set(err, SH_ETOOBIG, "FP_IMAGE_TOO_LARGE",
				  "image of %zu bytes over the %u-byte cap", len,
				  FP_MAX_FILE_BYTES);
	int declared = 0, rc;
	/* Magic numbers: TIFF 6.0 section 2 ("II*\0" / "MM\0*"), PNG 1.2
	 * section 12.12 (8-byte signature), JPEG SOI marker FF D8 FF. */
	static const uint8_t png_sig[8] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a,
					   0x1a, 0x0a};
	if (len >= 4 && ((bytes[0] == 'I' && bytes[1] == 'I' && bytes[2] == 42 &&
			  bytes[3] == 0) ||
			 (bytes[0] == 'M' && bytes[1] == 'M' && bytes[2] == 0 &&
			  bytes[3] == 42)))
		rc = fp_image_decode_tiff(bytes, len, img, &declared, err);
	else if (len >= 8 && memcmp(bytes, png_sig, 8) == 0)
		rc = fp_image_decode_png(bytes, len, img, &declared, err);
	else if (len >= 3 && bytes[0] == 0xff && bytes[1] == 0xd8 &&
		 bytes[2] == 0xff)
		rc = fp_image_decode_jpeg(bytes, len, img, &declared, err);
	else
		return sh_err_set(err, SH_EINVAL, "FP_IMAGE_FORMAT",
				  "not a TIFF, PNG or JPEG image");
	if (rc) {
		fp_image_free(img);
		return rc;
	}
	if (dpi == 0) {
		/* A declared resolution outside the plausible range is a
		 * header default, not a measurement (see fp_image.h). */
		dpi = (declared >= FP_IMAGE_MIN_DPI &&
		       declared <= FP_IMAGE_MAX_DPI) ? declared : FP_DPI;
	}
	img->dpi = dpi;
	return SH_OK;
}

int fp_image_load(const char *path, int dpi, struct fp_image *img,
		  struct sh_err *err)
{
	memset(img, 0, sizeof *img);
	uint8_t *data = NULL;
	size_t len = 0;
	int rc = SH_OK;
	FILE *f = fopen(path, "rb");
	if (!f)
		return sh_err_set(err, SH_EIO, "FP_IMAGE_IO", "cannot open %s: %s",
				  path, strerror(errno));
	/* Read at most cap+1 bytes so an oversized file is detected without
	 * trusting its reported size. */
	data = malloc((size_t)FP_MAX_FILE_BYTES + 1);
	if (!data) {
		rc = sh_err_set(err, SH_ENOMEM, "FP_IMAGE_NOMEM",
				"out of memory reading %s", path);
		goto out;
	}
	len = fread(data, 1, (size_t)FP_MAX_FILE_BYTES + 1, f);
	if (ferror(f)) {
		rc = sh_err_set(err, SH_EIO, "FP_IMAGE_IO", "cannot read %s",
				path);
		goto out;
	}
	if (len > FP_MAX_FILE_BYTES) {
		rc = sh_err_set(err, SH_ETOOBIG, "FP_IMAGE_TOO_LARGE",
				"%s is over the %u-byte cap", path,
				FP_MAX_FILE_BYTES);
		goto out;
	}
	rc = fp_image_decode(data, len, dpi, img, err);
out:
	free(data);
	fclose(f);
	return rc;
}

/* One output sample's contributions along one axis. */
struct taps {
	int first;   /* first source index */
	int n;       /* number of weights */
	int off;     /* offset into the weight array */
};

/* Weights of a tent filter whose support widens with the shrink factor, so
 * shrinking averages the source area (no aliasing) and enlarging is linear
 * interpolation. Returns the weight count or -1 on OOM. */
static int taps_build(int src, int dst, struct taps **tp, float **wp)
{
	double scale = (double)dst / src;
	double support = scale < 1.0 ? 1.0 / scale : 1.0;
	int maxn = (int)ceil(2 * support) + 2;
	struct taps *t = malloc(sizeof *t * (size_t)dst);
	float *w = malloc(sizeof *w * (size_t)dst * (size_t)maxn);
	if (!t || !w) {
		free(t);
		free(w);
		return -1;
	}
	for (int i = 0; i < dst; i++) {
		double c = (i + 0.5) / scale - 0.5;  /* centre in source */
		int lo = (int)floor(c - support) + 1;
		int hi = (int)floor(c + support);
		if (lo < 0)
			lo = 0;
		if (hi > src - 1)
			hi = src - 1;
		if (hi < lo)
			hi = lo = (c < 0 ? 0 : src - 1);
		t[i].first = lo;
		t[i].off = i * maxn;
		t[i].n = hi - lo + 1;
		if (t[i].n > maxn)
			t[i].n = maxn;
		double sum = 0;
		for (int k = 0; k < t[i].n; k++) {
			double d = fabs(lo + k - c) / support;
			double wt = d < 1.0 ? 1.0 - d : 0.0;
			w[t[i].off + k] = (float)wt;
			sum += wt;
		}
		for (int k = 0; k < t[i].n; k++)
			w[t[i].off + k] = sum > 0 ? (float)(w[t[i].off + k] / sum)
						  : 1.0f / t[i].n;
	}
	*tp = t;
	*wp = w;
	return maxn;
}

int fp_image_resample(struct fp_image *img, int dpi, struct sh_err *err)
{
	int rc = check_dpi(dpi, err);
	if (rc)
		return rc;
	if (!img->pixels || img->width <= 0 || img->height <= 0)
		return sh_err_set(err, SH_EINVAL, "FP_IMAGE_MALFORMED",
				  "empty image");
	rc = check_dpi(img->dpi, err);
	if (rc)
		return rc;
	if (img->dpi == dpi)
		return SH_OK;
	double scale = (double)dpi / img->dpi;
	long nw = lround(img->width * scale), nh = lround(img->height * scale);
	if (nw < 1)
		nw = 1;
	if (nh < 1)
		nh = 1;
	if (nw > FP_MAX_IMAGE_SIDE || nh > FP_MAX_IMAGE_SIDE)
		return sh_err_set(err, SH_ETOOBIG, "FP_IMAGE_TOO_LARGE",
				  "resampled image %ldx%ld over %d a side", nw,
				  nh, FP_MAX_IMAGE_SIDE);
	int w = img->width, h = img->height, W = (int)nw, H = (int)nh;
	struct taps *tx = NULL, *ty = NULL;
	float *wx = NULL, *wy = NULL, *tmp = NULL;
	uint8_t *out = NULL;
	if (taps_build(w, W, &tx, &wx) < 0 || taps_build(h, H, &ty, &wy) < 0)
		goto oom;
	tmp = malloc(sizeof *tmp * (size_t)W * (size_t)h);
	out = malloc((size_t)W * (size_t)H);
	if (!tmp || !out)
		goto oom;
	/* Separable: rows first (w -> W), then columns (h -> H). */
	for (int y = 0; y < h; y++) {
		const uint8_t *src = img->pixels + (size_t)y * w;
		float *dst = tmp + (size_t)y * W;
		for (int x = 0; x < W; x++) {
			const float *k = wx + tx[x].off;
			const uint8_t *s = src + tx[x].first;
			float acc = 0;
			for (int i = 0; i < tx[x].n; i++)
				acc += k[i] * s[i];
			dst[x] = acc;
		}
	}
	for (int y = 0; y < H; y++) {
		const float *k = wy + ty[y].off;
		uint8_t *dst = out + (size_t)y * W;
		for (int x = 0; x < W; x++) {
			float acc = 0;
			for (int i = 0; i < ty[y].n; i++)
				acc += k[i] * tmp[(size_t)(ty[y].first + i) * W + x];
			int v = (int)lrintf(acc);
			dst[x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
		}
	}
	free(img->pixels);
	img->pixels = out;
	img->width = W;
	img->height = H;
	img->dpi = dpi;
	free(tx);
	free(ty);
	free(wx);
	free(wy);
	free(tmp);
	return SH_OK;
oom:
	free(tx);
	free(ty);
	free(wx);
	free(wy);
	free(tmp);
	free(out);
	return sh_err_set(err, SH_ENOMEM, "FP_IMAGE_NOMEM",
			  "out of memory resampling to %dx%d", W, H);
}
