/* iris_image.c — decoding eye images and reading image files
 * (iris_image.h). */
#include "bio/iris_image.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bio/fp_image.h"
#include "bio/iris_iso.h"

void iris_image_free(struct iris_image *img)
{
	free(img->pixels);
	memset(img, 0, sizeof *img);
}

int iris_file_read(const char *path, uint8_t **data, size_t *len, struct sh_err *err)
{
	int rc = SH_OK;
	uint8_t *buf = NULL;
	*data = NULL;
	*len = 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return sh_err_set(err, SH_EIO, "IRIS_IMAGE_IO", "cannot open %s: %s", path,
				  strerror(errno));
	/* read cap+1 bytes: an oversized file is caught without trusting its size */
	buf = malloc((size_t)IRIS_MAX_FILE_BYTES + 1);
	if (!buf) {
		rc = sh_err_set(err, SH_ENOMEM, "IRIS_IMAGE_NOMEM", "no memory to read %s", path);
		goto out;
	}
	size_t n = fread(buf, 1, (size_t)IRIS_MAX_FILE_BYTES + 1, f);
	if (ferror(f)) {
		rc = sh_err_set(err, SH_EIO, "IRIS_IMAGE_IO", "cannot read %s", path);
		goto out;
	}
	if (n > IRIS_MAX_FILE_BYTES) {
		rc = sh_err_set(err, SH_ETOOBIG, "IRIS_IMAGE_TOO_LARGE", "%s is over %u bytes", path,
				IRIS_MAX_FILE_BYTES);
		goto out;
	}
	*data = buf;
	*len = n;
	buf = NULL;
out:
	free(buf);
	fclose(f);
	return rc;
}

int iris_image_decode(const uint8_t *bytes, size_t len, struct iris_image *img,
		      struct sh_err *err)
{
	memset(img, 0, sizeof *img);
	/* ISO/IEC 19794-6:2005 6.5.1: a record starts with "IIR\0" */
	if (len >= 4 && memcmp(bytes, "IIR\0", 4) == 0)
		return iris_iso_decode(bytes, len, img, NULL, err);
	struct fp_image fi = {0};
	int rc = fp_image_decode(bytes, len, 0, &fi, err);
	if (rc != SH_OK) {
		/* the decoders' codes are FP_IMAGE_*; an eye image reports IRIS_IMAGE_* */
		if (err && strncmp(err->code, "FP_", 3) == 0) {
			char code[SH_ERR_CODE_MAX];
			snprintf(code, sizeof code, "IRIS_%s", err->code + 3);
			snprintf(err->code, sizeof err->code, "%s", code);
		}
		return rc;
	}
	img->width = fi.width;
	img->height = fi.height;
	img->pixels = fi.pixels; /* ownership moves */
	return SH_OK;
}

int iris_image_load(const char *path, struct iris_image *img, struct sh_err *err)
{
	uint8_t *data = NULL;
	size_t len = 0;
	memset(img, 0, sizeof *img);
	int rc = iris_file_read(path, &data, &len, err);
	if (rc == SH_OK)
		rc = iris_image_decode(data, len, img, err);
	if (rc != SH_OK)
		sh_err_wrap(err, path);
	free(data);
	return rc;
}

int iris_image_from_raw(const uint8_t *pixels, int w, int h, struct iris_image *img,
			struct sh_err *err)
{
	memset(img, 0, sizeof *img);
	if (w < 1 || h < 1 || w > IRIS_MAX_SIDE || h > IRIS_MAX_SIDE)
		return sh_err_set(err, SH_EINVAL, "IRIS_IMAGE_SIZE", "image %dx%d: sides must be 1..%d",
				  w, h, IRIS_MAX_SIDE);
	size_t n = (size_t)w * (size_t)h;
	img->pixels = malloc(n);
	if (!img->pixels)
		return sh_err_set(err, SH_ENOMEM, "IRIS_IMAGE_NOMEM", "no memory for a %dx%d image", w, h);
	memcpy(img->pixels, pixels, n);
	img->width = w;
	img->height = h;
	return SH_OK;
}
