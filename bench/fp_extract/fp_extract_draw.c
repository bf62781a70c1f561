/* fp_extract_draw.c — debug view of the extractor (fp_debug.h): the
 * foreground mask, the ridge skeleton and the minutiae over the 500-dpi
 * image. The same picture as `shanakht fp extract IMG --debug-png OUT`.
 * Usage: fp_extract_draw IN_IMAGE OUT.png [DPI] */
#include <stdio.h>

#include "bio/fp_debug.h"
#include "bio/fp_image.h"
#include "lib/parse.h"

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s IN OUT.png [DPI]\n", argv[0]);
		return 2;
	}
	int64_t dpi = 0;
	if (argc > 3 && sh_parse_i64(argv[3], 0, 2000, &dpi) != 0)
		return 2;
	struct fp_image img = {0};
	static struct fp_template t;
	struct sh_err err;
	int rc = fp_image_load(argv[1], (int)dpi, &img, &err);
	if (rc == SH_OK)
		rc = fp_debug_png(&img, argv[2], &t, &err);
	if (rc != SH_OK) {
		fprintf(stderr, "%s: %s\n", argv[1], err.msg);
		fp_image_free(&img);
		return 1;
	}
	printf("%s: %dx%d minutiae %d quality %d\n", argv[1], t.width, t.height, t.count,
	       t.quality);
	fp_image_free(&img);
	return 0;
}
