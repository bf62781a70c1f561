/* fuzz_fp_image.c — libFuzzer driver for fp_image_decode (TIFF, PNG, JPEG
 * from untrusted bytes); decoded images are also resampled and, when
 * small, run through extraction so the whole input path is exercised. */
#include <stddef.h>
#include <stdint.h>

#include "bio/fp_extract.h"
#include "bio/fp_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fp_image img;
	struct sh_err err;
	if (fp_image_decode(data, size, 0, &img, &err) != SH_OK)
		return 0;
	if (img.width * img.height <= 256 * 256) {
		struct fp_template t;
		if (fp_extract(&img, &t, &err) == SH_OK && t.count > FP_MAX_MINUTIAE)
			__builtin_trap();
	}
	fp_image_free(&img);
	return 0;
}
