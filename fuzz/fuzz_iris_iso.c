/* fuzz_iris_iso.c — libFuzzer driver for iris_iso_decode (ISO/IEC
 * 19794-6:2005 iris image records from untrusted bytes). A record that
 * decodes must re-encode, and the re-encoding must decode to the same
 * pixels. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bio/iris_image.h"
#include "bio/iris_iso.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iris_image img, back;
	struct iris_iso_info info;
	if (iris_iso_decode(data, size, &img, &info, NULL) != SH_OK)
		return 0;
	uint8_t *b;
	size_t n;
	if (img.width < 1 || img.height < 1 || img.width > IRIS_MAX_SIDE ||
	    img.height > IRIS_MAX_SIDE)
		__builtin_trap();
	if (iris_iso_encode(&img, &info, &b, &n, NULL) != SH_OK)
		__builtin_trap();
	if (iris_iso_decode(b, n, &back, NULL, NULL) != SH_OK || back.width != img.width ||
	    back.height != img.height ||
	    memcmp(back.pixels, img.pixels, (size_t)img.width * (size_t)img.height) != 0)
		__builtin_trap();
	iris_image_free(&back);
	iris_image_free(&img);
	free(b);
	return 0;
}
