/* iris_extract.c — the iris pipeline, image to code (iris_extract.h). */
#include "bio/iris_extract.h"

#include <stdlib.h>
#include <string.h>

#include "bio/iris_encode.h"
#include "bio/iris_normalize.h"
#include "bio/iris_segment.h"

int iris_extract_norm(const struct iris_image *img, struct iris_code *code,
		      struct iris_norm *norm, struct iris_extract_info *info,
		      struct sh_err *err)
{
	struct iris_extract_info local;
	struct iris_extract_info *in = info ? info : &local;
	memset(in, 0, sizeof *in);
	memset(code, 0, sizeof *code);
	if (!img->pixels)
		return sh_err_set(err, SH_EINVAL, "IRIS_IMAGE_SIZE", "no image");
	size_t n = (size_t)img->width * (size_t)img->height;
	uint8_t *noise = NULL;
	if (img->width >= IRIS_MIN_SIDE && img->height >= IRIS_MIN_SIDE &&
	    img->width <= IRIS_MAX_SIDE && img->height <= IRIS_MAX_SIDE) {
		noise = malloc(n);
		if (!noise)
			return sh_err_set(err, SH_ENOMEM, "IRIS_NOMEM", "no memory to extract");
	}
	int rc = iris_segment(img, &in->seg, noise, err);
	if (rc != SH_OK)
		goto out;
	iris_normalize(img, &in->seg, noise, norm, &in->valid_fraction);
	in->usable = iris_encode(norm, code);
	float share = (float)in->usable / (float)IRIS_LOCATIONS;
	/* quality: the usable share, lowered when the limbus is faint (a
	 * blurred or low-contrast image gives weaker, noisier phase) */
	float sharp = in->seg.limbus_contrast / (4 * IRIS_MIN_LIMBUS_CONTRAST);
	if (sharp > 1)
		sharp = 1;
	in->quality = (int)(100 * share * (0.5f + 0.5f * sharp) + 0.5f);
	if (share < IRIS_MIN_USABLE) {
		rc = sh_err_set(err, SH_ERULE, "IRIS_OCCLUDED",
				"only %d of %d iris code locations are visible (eye nearly closed?)",
				in->usable, IRIS_LOCATIONS);
		goto out;
	}
out:
	free(noise);
	return rc;
}

int iris_extract(const struct iris_image *img, struct iris_code *code,
		 struct iris_extract_info *info, struct sh_err *err)
{
	struct iris_norm *norm = malloc(sizeof *norm);
	if (!norm)
		return sh_err_set(err, SH_ENOMEM, "IRIS_NOMEM", "no memory to extract");
	int rc = iris_extract_norm(img, code, norm, info, err);
	free(norm);
	return rc;
}
