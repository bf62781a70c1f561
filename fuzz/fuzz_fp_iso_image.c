/* fuzz_fp_iso_image.c — libFuzzer driver for fp_iso_image_decode (ISO/IEC
 * 19794-4:2005 finger image records from untrusted bytes). A record that
 * decodes gives an image of the declared size within the side cap; raw
 * data re-encoded decodes to the same pixels. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bio/fp_image.h"
#include "bio/fp_iso_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fp_image img, back;
	struct fp_iso_image_info info;
	if (fp_iso_image_decode(data, size, &img, &info, NULL) != SH_OK)
		return 0;
	if (img.width < 1 || img.height < 1 || img.width > FP_MAX_IMAGE_SIDE ||
	    img.height > FP_MAX_IMAGE_SIDE || !img.pixels || img.dpi < 1)
		__builtin_trap();
	uint8_t *rec = NULL;
	size_t n = 0;
	size_t px = (size_t)img.width * img.height;
	if (fp_iso_image_encode(img.pixels, px, FP_ISO_IMAGE_RAW, img.width, img.height, img.dpi,
				info.position, info.quality <= 100 ? info.quality : 0, &rec, &n,
				NULL) == SH_OK) {
		if (fp_iso_image_decode(rec, n, &back, NULL, NULL) != SH_OK)
			__builtin_trap();
		if (memcmp(back.pixels, img.pixels, px) != 0)
			__builtin_trap();
		fp_image_free(&back);
		free(rec);
	}
	fp_image_free(&img);
	return 0;
}
