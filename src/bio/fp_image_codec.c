/* fp_image_codec.c — TIFF, PNG and JPEG decoding from memory into 8-bit gray,
 * with the libraries' own error printing silenced and their errors turned
 * into sh_err values. */
#include "bio/fp_image.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>
#include <tiffio.h>

#include "lib/bytes.h"

static int check_side(uint64_t w, uint64_t h, struct sh_err *err)
{
	if (w == 0 || h == 0)
		return sh_err_set(err, SH_EINVAL, "FP_IMAGE_MALFORMED",
				  "image has no pixels");
	if (w > FP_MAX_IMAGE_SIDE || h > FP_MAX_IMAGE_SIDE)
		return sh_err_set(err, SH_ETOOBIG, "FP_IMAGE_TOO_LARGE",
				  "image %llux%llu over %d pixels a side",
				  (unsigned long long)w, (unsigned long long)h,
				  FP_MAX_IMAGE_SIDE);
	return SH_OK;
}

static int nomem(struct sh_err *err)
{
	return sh_err_set(err, SH_ENOMEM, "FP_IMAGE_NOMEM",
			  "out of memory decoding an image");
}

/* ---- TIFF: libtiff reading from a memory buffer ------------------------ */

struct memfile {
	const uint8_t *p;
	size_t len, pos;
	char msg[160];  /* first libtiff error, for our message */
};

static tmsize_t mem_read(thandle_t h, void *buf, tmsize_t n)
{
	struct memfile *m = h;
	if (n <= 0 || m->pos >= m->len)
		return 0;
	size_t k = (size_t)n;
	if (k > m->len - m->pos)
		k = m->len - m->pos;
	memcpy(buf, m->p + m->pos, k);
	m->pos += k;
	return (tmsize_t)k;
}

static tmsize_t mem_write(thandle_t h, void *buf, tmsize_t n)
{
	return -1;  /* read-only */
}

static toff_t mem_seek(thandle_t h, toff_t off, int whence)
{
	struct memfile *m = h;
	uint64_t base = whence == SEEK_CUR ? m->pos
		      : whence == SEEK_END ? m->len : 0;
	uint64_t np = base + off;  /* libtiff passes unsigned offsets */
	if (np > m->len)
		np = m->len;  /* clamp: reads past the end return 0 bytes */
	m->pos = (size_t)np;
	return (toff_t)m->pos;
}

static int mem_close(thandle_t h)
{
	return 0;
}

static toff_t mem_size(thandle_t h)
{
	return ((struct memfile *)h)->len;
}

static int mem_map(thandle_t h, void **base, toff_t *size)
{
	return 0;  /* no mapping: libtiff falls back to reads */
}

static void mem_unmap(thandle_t h, void *base, toff_t size)
{
}

/* libtiff calls this instead of printing; returning 1 stops it from also
 * calling the process-wide handler. */
__attribute__((format(printf, 4, 0)))
static int tiff_on_error(TIFF *tif, void *user, const char *module,
			 const char *fmt, va_list ap)
{
	struct memfile *m = user;
	if (m && !m->msg[0])
		vsnprintf(m->msg, sizeof m->msg, fmt, ap);
	return 1;
}

static int tiff_on_warning(TIFF *tif, void *user, const char *module,
			   const char *fmt, va_list ap)
{
	return 1;
}

int fp_image_decode_tiff(const uint8_t *bytes, size_t len,
			 struct fp_image *img, int *declared,
			 struct sh_err *err)
{
	memset(img, 0, sizeof *img);
	*declared = 0;
	struct memfile m = {.p = bytes, .len = len};
	uint32_t *rgba = NULL;
	int rc = SH_OK;
	TIFFOpenOptions *opts = TIFFOpenOptionsAlloc();
	if (!opts)
		return nomem(err);
	TIFFOpenOptionsSetErrorHandlerExtR(opts, tiff_on_error, &m);
	TIFFOpenOptionsSetWarningHandlerExtR(opts, tiff_on_warning, &m);
	/* No single allocation beyond what a capped image could need. */
	TIFFOpenOptionsSetMaxSingleMemAlloc(
		opts, (tmsize_t)FP_MAX_IMAGE_SIDE * FP_MAX_IMAGE_SIDE * 4 + 65536);
	/* "rm": read-only, never memory-map. */
	TIFF *tif = TIFFClientOpenExt("image", "rm", &m, mem_read, mem_write,
				      mem_seek, mem_close, mem_size, mem_map,
				      mem_unmap, opts);
	TIFFOpenOptionsFree(opts);
	if (!tif)
		return sh_err_set(err, SH_EINVAL, "FP_IMAGE_MALFORMED",
				  "bad TIFF: %s", m.msg[0] ? m.msg : "unreadable");
	uint32_t w = 0, h = 0;
	if (!TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &w) ||
	    !TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &h)) {
		rc = sh_err_set(err, SH_EINVAL, "FP_IMAGE_MALFORMED",
				"TIFF without image size");
		goto out;
	}
	rc = check_side(w, h, err);
	if (rc)
		goto out;
	/* TIFF 6.0 section 8: XResolution with ResolutionUnit 2 (inch) or
	 * 3 (centimetre); unit 1 (none) carries no physical size. */
	float xres = 0;
	uint16_t unit = RESUNIT_INCH;
	if (TIFFGetField(tif, TIFFTAG_XRESOLUTION, &xres) && xres > 0 &&
	    xres < 100000) {
		TIFFGetFieldDefaulted(tif, TIFFTAG_RESOLUTIONUNIT, &unit);
		if (unit == RESUNIT_INCH)
			*declared = (int)(xres + 0.5f);
		else if (unit == RESUNIT_CENTIMETER)
			*declared = (int)(xres * 2.54f + 0.5f);
	}
	/* The RGBA interface decodes every photometric/bit depth libtiff
	 * knows (gray, min-is-white, palette, RGB, 16-bit) into one form. */
	char why[1024];
	if (!TIFFRGBAImageOK(tif, why)) {
		rc = sh_err_set(err, SH_EINVAL, "FP_IMAGE_FORMAT",
				"TIFF variant not supported");
		goto out;
	}
	size_t n = (size_t)w * h;
	rgba = malloc(n * sizeof *rgba);
	img->pixels = malloc(n);
	if (!rgba || !img->pixels) {
		rc = nomem(err);
		goto out;
	}
	if (!TIFFReadRGBAImageOriented(tif, w, h, rgba, ORIENTATION_TOPLEFT,
				       0)) {
		rc = sh_err_set(err, SH_EINVAL, "FP_IMAGE_MALFORMED",
				"bad TIFF data: %s",
				m.msg[0] ? m.msg : "unreadable");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t p = rgba[i];
		/* ITU-R BT.601 luma, integer weights summing to 1024. */
		uint32_t y = (306 * TIFFGetR(p) + 601 * TIFFGetG(p) +
			      117 * TIFFGetB(p) + 512) >> 10;
		img->pixels[i] = (uint8_t)(y > 255 ? 255 : y);
	}
	img->width = (int)w;
	img->height = (int)h;
out:
	free(rgba);
	TIFFClose(tif);
	if (rc)
		fp_image_free(img);
	return rc;
}

/* ---- PNG: libpng's simplified API, which reports errors in the png_image
 * instead of printing them and needs no setjmp on our side. -------------- */

/* The simplified API does not expose pHYs, so walk the chunk list (PNG 1.2
 * section 5.3: length, type, data, CRC) up to the first IDAT; pHYs (section
 * 4.2.4.2) gives pixels per metre when its unit byte is 1. */
static int png_declared_dpi(const uint8_t *b, size_t len)
{
	size_t pos = 8;
	while (pos + 12 <= len) {
		uint32_t n = sh_be32(b + pos);
		const uint8_t *type = b + pos + 4;
		if (n > len - pos - 12)
			return 0;
		if (memcmp(type, "IDAT", 4) == 0)
			return 0;
		if (memcmp(type, "pHYs", 4) == 0 && n == 9) {
			uint32_t ppm = sh_be32(b + pos + 8);
			if (b[pos + 16] != 1 || ppm == 0 || ppm > 1000000)
				return 0;
			return (int)(ppm * 0.0254 + 0.5);
		}
		pos += 12 + (size_t)n;
	}
	return 0;
}

int fp_image_decode_png(const uint8_t *bytes, size_t len,
			struct fp_image *img, int *declared,
			struct sh_err *err)
{
	memset(img, 0, sizeof *img);
	*declared = 0;
	png_image pi;
	memset(&pi, 0, sizeof pi);
	pi.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&pi, bytes, len)) {
		int rc = sh_err_set(err, SH_EINVAL, "FP_IMAGE_MALFORMED",
				    "bad PNG: %s", pi.message);
		png_image_free(&pi);
		return rc;
	}
	int rc = check_side(pi.width, pi.height, err);
	if (rc) {
		png_image_free(&pi);
		return rc;
	}
	pi.format = PNG_FORMAT_GRAY;
	size_t n = (size_t)pi.width * pi.height;
	img->pixels = malloc(n);
	if (!img->pixels) {
		png_image_free(&pi);
		return nomem(err);
	}
	if (!png_image_finish_read(&pi, NULL, img->pixels, (png_int_32)pi.width,
				   NULL)) {
		rc = sh_err_set(err, SH_EINVAL, "FP_IMAGE_MALFORMED",
				"bad PNG data: %s", pi.message);
		png_image_free(&pi);
		fp_image_free(img);
		return rc;
	}
	img->width = (int)pi.width;
	img->height = (int)pi.height;
	*declared = png_declared_dpi(bytes, len);
	png_image_free(&pi);
	return SH_OK;
}

/* ---- JPEG: libjpeg ------------------------------------------------------
 *
 * libjpeg reports a fatal error by calling error_exit, which must not
 * return; its default prints and calls exit(). The only way to get control
 * back is a longjmp to a setjmp in the caller. This is the one setjmp in the
 * project (style.md avoids them): the jmp_buf lives in this decoder's
 * context, only libjpeg's own frames are unwound by it, and everything the
 * decoder owns is reachable from that context, so the landing site frees
 * it all. The context is on the heap and the only local read after the
 * longjmp (the pointer to it) is not modified after setjmp, so nothing
 * depends on indeterminate automatic variables (C17 7.13.2.1p3). */

struct jpeg_ctx {
	struct jpeg_error_mgr mgr;  /* first: libjpeg casts err to this */
	struct jpeg_decompress_struct cinfo;
	jmp_buf jump;
	char msg[JMSG_LENGTH_MAX];
	uint8_t *pixels;
};

static void jpeg_on_error(j_common_ptr cinfo)
{
	struct jpeg_ctx *c = (struct jpeg_ctx *)cinfo->err;
	(*cinfo->err->format_message)(cinfo, c->msg);
	longjmp(c->jump, 1);
}

static void jpeg_on_message(j_common_ptr cinfo, int level)
{
	/* Warnings (level -1: corrupt data that libjpeg can recover from)
	 * are counted, not printed; trace messages (level >= 0) ignored. The
	 * count is kept here because the default handler we replace is what
	 * would have counted them. */
	if (level < 0)
		cinfo->err->num_warnings++;
}

static void jpeg_on_output(j_common_ptr cinfo)
{
}

static int jpeg_decode_ctx(struct jpeg_ctx *c, const uint8_t *bytes,
			   size_t len, struct fp_image *img, int *declared,
			   struct sh_err *err)
{
	struct jpeg_decompress_struct *ci = &c->cinfo;
	ci->err = jpeg_std_error(&c->mgr);
	c->mgr.error_exit = jpeg_on_error;
	c->mgr.emit_message = jpeg_on_message;
	c->mgr.output_message = jpeg_on_output;
	if (setjmp(c->jump)) {
		jpeg_destroy_decompress(ci);
		free(c->pixels);
		c->pixels = NULL;
		return sh_err_set(err, SH_EINVAL, "FP_IMAGE_MALFORMED",
				  "bad JPEG: %s", c->msg);
	}
	jpeg_create_decompress(ci);
	/* Bound libjpeg's working memory (progressive images buffer all
	 * coefficients). */
	ci->mem->max_memory_to_use = 64L << 20;
	jpeg_mem_src(ci, bytes, (unsigned long)len);
	int rc = SH_OK;
	if (jpeg_read_header(ci, TRUE) != JPEG_HEADER_OK) {
		rc = sh_err_set(err, SH_EINVAL, "FP_IMAGE_MALFORMED",
				"JPEG without an image");
		goto out;
	}
	rc = check_side(ci->image_width, ci->image_height, err);
	if (rc)
		goto out;
	/* JFIF 1.02: density unit 1 = dots per inch, 2 = dots per cm. */
	if (ci->saw_JFIF_marker && ci->X_density > 0) {
		if (ci->density_unit == 1)
			*declared = ci->X_density;
		else if (ci->density_unit == 2)
			*declared = (int)(ci->X_density * 2.54 + 0.5);
	}
	if (ci->jpeg_color_space == JCS_CMYK ||
	    ci->jpeg_color_space == JCS_YCCK) {
		rc = sh_err_set(err, SH_EINVAL, "FP_IMAGE_FORMAT",
				"CMYK JPEG not supported");
		goto out;
	}
	ci->out_color_space = JCS_GRAYSCALE;
	jpeg_start_decompress(ci);
	if (ci->output_components != 1) {
		rc = sh_err_set(err, SH_EINVAL, "FP_IMAGE_FORMAT",
				"JPEG could not be converted to gray");
		goto out;
	}
	size_t w = ci->output_width, h = ci->output_height;
	c->pixels = malloc(w * h);
	if (!c->pixels) {
		rc = nomem(err);
		goto out;
	}
	while (ci->output_scanline < ci->output_height) {
		JSAMPROW row = c->pixels + (size_t)ci->output_scanline * w;
		jpeg_read_scanlines(ci, &row, 1);
	}
	jpeg_finish_decompress(ci);
	/* libjpeg recovers from corrupt or truncated data with a warning and
	 * fills the rest with gray; a fingerprint with invented gray areas is
	 * worse than an error, so any warning rejects the image. */
	if (c->mgr.num_warnings > 0) {
		rc = sh_err_set(err, SH_EINVAL, "FP_IMAGE_MALFORMED",
				"corrupt or truncated JPEG data");
		goto out;
	}
	img->pixels = c->pixels;
	c->pixels = NULL;
	img->width = (int)w;
	img->height = (int)h;
out:
	jpeg_destroy_decompress(ci);
	free(c->pixels);
	c->pixels = NULL;
	return rc;
}

int fp_image_decode_jpeg(const uint8_t *bytes, size_t len,
			 struct fp_image *img, int *declared,
			 struct sh_err *err)
{
	memset(img, 0, sizeof *img);
	*declared = 0;
	struct jpeg_ctx *c = calloc(1, sizeof *c);
	if (!c)
		return nomem(err);
	int rc = jpeg_decode_ctx(c, bytes, len, img, declared, err);
	free(c);
	return rc;
}
