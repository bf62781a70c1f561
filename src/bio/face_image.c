/* face_image.c — face image decoding (see face_image.h). */
#include "bio/face_image.h"

#include <stdio.h> /* before jpeglib.h, which uses FILE */

#include <jpeglib.h>
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

static int nomem(struct sh_err *err)
{
	return sh_err_set(err, SH_ENOMEM, "FACE_IMAGE_NOMEM", "out of memory decoding an image");
}

static int check_side(uint64_t w, uint64_t h, struct sh_err *err)
{
	if (w > FACE_IMAGE_MAX_SIDE || h > FACE_IMAGE_MAX_SIDE)
		return sh_err_set(err, SH_ETOOBIG, "FACE_IMAGE_TOO_LARGE",
				  "image %llux%llu over %d px a side", (unsigned long long)w,
				  (unsigned long long)h, FACE_IMAGE_MAX_SIDE);
	if (w < FACE_IMAGE_MIN_SIDE || h < FACE_IMAGE_MIN_SIDE)
		return sh_err_set(err, SH_EINVAL, "FACE_IMAGE_TOO_SMALL",
				  "image %llux%llu under %d px a side", (unsigned long long)w,
				  (unsigned long long)h, FACE_IMAGE_MIN_SIDE);
	return SH_OK;
}

void face_image_free(struct face_image *img)
{
	free(img->rgb);
	memset(img, 0, sizeof *img);
}

int face_image_from_raw(const uint8_t *px, int w, int h, int channels, struct face_image *img,
			struct sh_err *err)
{
	memset(img, 0, sizeof *img);
	if (channels != 1 && channels != 3)
		return sh_err_set(err, SH_EINVAL, "FACE_IMAGE_FORMAT", "1 or 3 channels");
	int rc = check_side((uint64_t)(w < 0 ? 0 : w), (uint64_t)(h < 0 ? 0 : h), err);
	if (rc)
		return rc;
	size_t n = (size_t)w * (size_t)h;
	img->rgb = malloc(n * 3);
	if (!img->rgb)
		return nomem(err);
	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < 3; c++)
			img->rgb[i * 3 + c] = px[channels == 3 ? i * 3 + (size_t)c : i];
	img->w = w;
	img->h = h;
	return SH_OK;
}

/* ---- PNM (netpbm): "P5"/"P6", whitespace, width, height, maxval (255),
 * one whitespace byte, then the raster. Comments (#...) before maxval. ---- */
static int pnm_number(const uint8_t *b, size_t len, size_t *pos, long *v)
{
	for (;;) {
		while (*pos < len && (b[*pos] == ' ' || b[*pos] == '\t' || b[*pos] == '\n' ||
				      b[*pos] == '\r'))
			(*pos)++;
		if (*pos < len && b[*pos] == '#') {
			while (*pos < len && b[*pos] != '\n')
				(*pos)++;
			continue;
		}
		break;
	}
	long x = 0;
	int digits = 0;
	while (*pos < len && b[*pos] >= '0' && b[*pos] <= '9' && digits < 7) {
		x = x * 10 + (b[*pos] - '0');
		(*pos)++;
		digits++;
	}
	*v = x;
	return digits > 0 && digits < 7 ? 0 : -1;
}

static int decode_pnm(const uint8_t *b, size_t len, struct face_image *img, struct sh_err *err)
{
	size_t pos = 2;
	long w, h, maxval;
	int ch = b[1] == '6' ? 3 : 1;
	if (pnm_number(b, len, &pos, &w) || pnm_number(b, len, &pos, &h) ||
	    pnm_number(b, len, &pos, &maxval) || pos >= len)
		return sh_err_set(err, SH_EINVAL, "FACE_IMAGE_MALFORMED", "bad PNM header");
	if (maxval != 255)
		return sh_err_set(err, SH_EINVAL, "FACE_IMAGE_FORMAT", "PNM maxval %ld, not 255",
				  maxval);
	int rc = check_side((uint64_t)w, (uint64_t)h, err);
	if (rc)
		return rc;
	pos++; /* the single whitespace byte */
	if (len - pos < (size_t)w * (size_t)h * (size_t)ch)
		return sh_err_set(err, SH_EINVAL, "FACE_IMAGE_MALFORMED", "truncated PNM raster");
	return face_image_from_raw(b + pos, (int)w, (int)h, ch, img, err);
}

/* ---- PNG: libpng's simplified API (errors in the png_image, no setjmp). */
static int decode_png(const uint8_t *b, size_t len, struct face_image *img, struct sh_err *err)
{
	png_image pi;
	memset(&pi, 0, sizeof pi);
	pi.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&pi, b, len)) {
		int rc = sh_err_set(err, SH_EINVAL, "FACE_IMAGE_MALFORMED", "bad PNG: %s",
				    pi.message);
		png_image_free(&pi);
		return rc;
	}
	int rc = check_side(pi.width, pi.height, err);
	if (rc) {
		png_image_free(&pi);
		return rc;
	}
	pi.format = PNG_FORMAT_RGB;
	img->rgb = malloc((size_t)pi.width * pi.height * 3);
	if (!img->rgb) {
		png_image_free(&pi);
		return nomem(err);
	}
	if (!png_image_finish_read(&pi, NULL, img->rgb, (png_int_32)pi.width * 3, NULL)) {
		rc = sh_err_set(err, SH_EINVAL, "FACE_IMAGE_MALFORMED", "bad PNG data: %s",
				pi.message);
		png_image_free(&pi);
		face_image_free(img);
		return rc;
	}
	img->w = (int)pi.width;
	img->h = (int)pi.height;
	png_image_free(&pi);
	return SH_OK;
}

/* ---- JPEG: libjpeg. Its fatal errors come back only by longjmp, as in
 * fp_image_codec.c (which decodes to gray, the fingerprint engine's form;
 * faces need RGB): the jmp_buf and everything the decoder owns live in a
 * heap context, so the landing site frees it all and reads no automatic
 * variable modified after setjmp (C17 7.13.2.1p3). ---------------------- */
struct jpeg_ctx {
	struct jpeg_error_mgr mgr; /* first: libjpeg casts err to this */
	struct jpeg_decompress_struct cinfo;
	jmp_buf jump;
	char msg[JMSG_LENGTH_MAX];
	uint8_t *rgb;
};

static void jpeg_on_error(j_common_ptr cinfo)
{
	struct jpeg_ctx *c = (struct jpeg_ctx *)cinfo->err;
	(*cinfo->err->format_message)(cinfo, c->msg);
	longjmp(c->jump, 1);
}

static void jpeg_on_message(j_common_ptr cinfo, int level)
{
	if (level < 0) /* recoverable corruption: counted, rejected below */
		cinfo->err->num_warnings++;
}

static void jpeg_on_output(j_common_ptr cinfo)
{
}

static int jpeg_ctx_decode(struct jpeg_ctx *c, const uint8_t *b, size_t len,
			   struct face_image *img, struct sh_err *err)
{
	struct jpeg_decompress_struct *ci = &c->cinfo;
	ci->err = jpeg_std_error(&c->mgr);
	c->mgr.error_exit = jpeg_on_error;
	c->mgr.emit_message = jpeg_on_message;
	c->mgr.output_message = jpeg_on_output;
	if (setjmp(c->jump)) {
		jpeg_destroy_decompress(ci);
		free(c->rgb);
		c->rgb = NULL;
		return sh_err_set(err, SH_EINVAL, "FACE_IMAGE_MALFORMED", "bad JPEG: %s", c->msg);
	}
	jpeg_create_decompress(ci);
	ci->mem->max_memory_to_use = 128L << 20;
	jpeg_mem_src(ci, b, (unsigned long)len);
	int rc = SH_OK;
	if (jpeg_read_header(ci, TRUE) != JPEG_HEADER_OK) {
		rc = sh_err_set(err, SH_EINVAL, "FACE_IMAGE_MALFORMED", "JPEG without an image");
		goto out;
	}
	if ((rc = check_side(ci->image_width, ci->image_height, err)))
		goto out;
	if (ci->jpeg_color_space == JCS_CMYK || ci->jpeg_color_space == JCS_YCCK) {
		rc = sh_err_set(err, SH_EINVAL, "FACE_IMAGE_FORMAT", "CMYK JPEG not supported");
		goto out;
	}
	ci->out_color_space = JCS_RGB;
	jpeg_start_decompress(ci);
	if (ci->output_components != 3) {
		rc = sh_err_set(err, SH_EINVAL, "FACE_IMAGE_FORMAT", "JPEG not convertible to RGB");
		goto out;
	}
	size_t w = ci->output_width, h = ci->output_height;
	c->rgb = malloc(w * h * 3);
	if (!c->rgb) {
		rc = nomem(err);
		goto out;
	}
	while (ci->output_scanline < ci->output_height) {
		JSAMPROW row = c->rgb + (size_t)ci->output_scanline * w * 3;
		jpeg_read_scanlines(ci, &row, 1);
	}
	jpeg_finish_decompress(ci);
	if (c->mgr.num_warnings > 0) {
		rc = sh_err_set(err, SH_EINVAL, "FACE_IMAGE_MALFORMED",
				"corrupt or truncated JPEG data");
		goto out;
	}
	img->rgb = c->rgb;
	c->rgb = NULL;
	img->w = (int)w;
	img->h = (int)h;
out:
	jpeg_destroy_decompress(ci);
	free(c->rgb);
	c->rgb = NULL;
	return rc;
}

static int decode_jpeg(const uint8_t *b, size_t len, struct face_image *img, struct sh_err *err)
{
	struct jpeg_ctx *c = calloc(1, sizeof *c);
	if (!c)
		return nomem(err);
	int rc = jpeg_ctx_decode(c, b, len, img, err);
	free(c);
	return rc;
}

int face_image_decode(const uint8_t *b, size_t len, struct face_image *img, struct sh_err *err)
{
	memset(img, 0, sizeof *img);
	if (len > FACE_IMAGE_MAX_BYTES)
		return sh_err_set(err, SH_ETOOBIG, "FACE_IMAGE_TOO_LARGE", "image over %u bytes",
				  FACE_IMAGE_MAX_BYTES);
	if (len >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
		return decode_jpeg(b, len, img, err);
	if (len >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0)
		return decode_png(b, len, img, err);
	if (len >= 3 && b[0] == 'P' && (b[1] == '5' || b[1] == '6'))
		return decode_pnm(b, len, img, err);
	return sh_err_set(err, SH_EINVAL, "FACE_IMAGE_FORMAT", "not a JPEG, PNG or PNM image");
}

int face_image_load(const char *path, struct face_image *img, struct sh_err *err)
{
	memset(img, 0, sizeof *img);
	FILE *f = fopen(path, "rb");
	if (!f)
		return sh_err_set(err, SH_EIO, "FACE_IMAGE_IO", "cannot open %s", path);
	uint8_t *buf = malloc(FACE_IMAGE_MAX_BYTES + 1);
	int rc;
	if (!buf) {
		fclose(f);
		return nomem(err);
	}
	size_t n = fread(buf, 1, FACE_IMAGE_MAX_BYTES + 1, f);
	if (ferror(f))
		rc = sh_err_set(err, SH_EIO, "FACE_IMAGE_IO", "cannot read %s", path);
	else
		rc = face_image_decode(buf, n, img, err);
	fclose(f);
	free(buf);
	return rc;
}

/* ---- JPEG encoding, for ISO/IEC 19794-5 records: the same longjmp
 * discipline as the decoder (libjpeg's error_exit must not return). ---- */
struct jpeg_enc_ctx {
	struct jpeg_error_mgr mgr; /* first */
	struct jpeg_compress_struct cinfo;
	jmp_buf jump;
	char msg[JMSG_LENGTH_MAX];
	unsigned char *buf;
	unsigned long len;
};

static int jpeg_enc_run(struct jpeg_enc_ctx *c, const struct face_image *img, int quality,
			struct sh_err *err)
{
	struct jpeg_compress_struct *ci = &c->cinfo;
	ci->err = jpeg_std_error(&c->mgr);
	c->mgr.error_exit = jpeg_on_error;
	c->mgr.emit_message = jpeg_on_message;
	c->mgr.output_message = jpeg_on_output;
	if (setjmp(c->jump)) {
		jpeg_destroy_compress(ci);
		return sh_err_set(err, SH_EINTERNAL, "FACE_IMAGE_ENCODE", "JPEG encoder: %s",
				  c->msg);
	}
	jpeg_create_compress(ci);
	jpeg_mem_dest(ci, &c->buf, &c->len);
	ci->image_width = (JDIMENSION)img->w;
	ci->image_height = (JDIMENSION)img->h;
	ci->input_components = 3;
	ci->in_color_space = JCS_RGB;
	jpeg_set_defaults(ci);
	jpeg_set_quality(ci, quality, TRUE);
	jpeg_start_compress(ci, TRUE);
	while (ci->next_scanline < ci->image_height) {
		JSAMPROW row = img->rgb + (size_t)ci->next_scanline * img->w * 3;
		jpeg_write_scanlines(ci, &row, 1);
	}
	jpeg_finish_compress(ci);
	jpeg_destroy_compress(ci);
	return SH_OK;
}

int face_image_encode_jpeg(const struct face_image *img, int quality, uint8_t **out,
			   size_t *len, struct sh_err *err)
{
	*out = NULL;
	*len = 0;
	if (quality < 1 || quality > 100 || !img->rgb)
		return sh_err_set(err, SH_EINVAL, "FACE_IMAGE_ENCODE", "bad JPEG quality or image");
	struct jpeg_enc_ctx *c = calloc(1, sizeof *c);
	if (!c)
		return nomem(err);
	int rc = jpeg_enc_run(c, img, quality, err);
	if (!rc) {
		*out = c->buf; /* malloc'd by libjpeg's memory destination */
		*len = c->len;
		c->buf = NULL;
	}
	free(c->buf);
	free(c);
	return rc;
}
