/* fuzz_face_iso.c — libFuzzer driver for face_iso_parse (ISO/IEC
 * 19794-5:2005 face records from untrusted bytes) and the image decoders
 * behind it (face_image_decode on the embedded JPEG, and on the raw bytes:
 * JPEG, PNG, PNM). A parsed record's image bytes must lie inside it. */
#include <stdint.h>
#include <stdlib.h>

#include "bio/face_image.h"
#include "bio/face_iso.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct face_iso iso;
	struct face_image img;
	if (face_iso_parse(data, size, &iso, NULL) == SH_OK) {
		if (iso.jpeg < data || iso.jpeg + iso.jpeg_len > data + size || iso.npoints < 0 ||
		    iso.npoints > FACE_ISO_MAX_POINTS)
			__builtin_trap();
		if (face_image_decode(iso.jpeg, iso.jpeg_len, &img, NULL) == SH_OK)
			face_image_free(&img);
	}
	if (face_image_decode(data, size, &img, NULL) == SH_OK) {
		if (img.w < FACE_IMAGE_MIN_SIDE || img.h < FACE_IMAGE_MIN_SIDE || !img.rgb)
			__builtin_trap();
		face_image_free(&img);
	}
	return 0;
}
