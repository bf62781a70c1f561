/* cli_iris.c — `shanakht iris`: extract, match (and bench, in
 * cli_iris_bench.c) for the iris engine. */
#include "cli/cli.h"
#include "cli/cli_iris.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bio/iris_image.h"
#include "bio/iris_iso.h"
#include "bio/iris_match.h"

static double cpu_now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

int cli_iris_load(const char *path, struct iris_code *code, struct iris_extract_info *info,
		  double *cpu_ms, struct sh_err *err)
{
	struct iris_image img = {0};
	if (cpu_ms)
		*cpu_ms = 0;
	int rc = iris_image_load(path, &img, err);
	if (rc != SH_OK)
		return rc;
	double t0 = cpu_now_ms();
	rc = iris_extract(&img, code, info, err);
	if (cpu_ms)
		*cpu_ms = cpu_now_ms() - t0;
	if (rc != SH_OK)
		sh_err_wrap(err, path);
	iris_image_free(&img);
	return rc;
}

static void usage_extract(void)
{
	fprintf(stderr, "usage: shanakht iris extract IMG [--iso OUT] [--eye left|right]\n");
}

static int cmd_extract(int argc, char **argv)
{
	const char *path = NULL, *iso_out = NULL;
	int eye = IRIS_EYE_UNDEFINED;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--iso") && i + 1 < argc) {
			iso_out = argv[++i];
		} else if (!strcmp(argv[i], "--eye") && i + 1 < argc) {
			i++;
			if (!strcmp(argv[i], "left"))
				eye = IRIS_EYE_LEFT;
			else if (!strcmp(argv[i], "right"))
				eye = IRIS_EYE_RIGHT;
			else {
				usage_extract();
				return 2;
			}
		} else if (!path && argv[i][0] != '-') {
			path = argv[i];
		} else {
			usage_extract();
			return 2;
		}
	}
	if (!path) {
		usage_extract();
		return 2;
	}
	struct iris_image img = {0};
	struct iris_code code;
	struct iris_extract_info info;
	struct sh_err err;
	uint8_t *rec = NULL;
	size_t rec_len = 0;
	int status = 1;
	if (iris_image_load(path, &img, &err) != SH_OK) {
		fprintf(stderr, "shanakht iris: %s (%s)\n", err.msg, err.code);
		goto out;
	}
	double t0 = cpu_now_ms();
	if (iris_extract(&img, &code, &info, &err) != SH_OK) {
		fprintf(stderr, "shanakht iris: %s: %s (%s)\n", path, err.msg, err.code);
		goto out;
	}
	double ms = cpu_now_ms() - t0;
	printf("pupil=%.1f,%.1f,r%.1f limbus=%.1f,%.1f,r%.1f usable=%d/%d quality=%d ms=%.1f\n",
	       info.seg.pupil.x, info.seg.pupil.y, info.seg.pupil.r, info.seg.limbus.x,
	       info.seg.limbus.y, info.seg.limbus.r, info.usable, IRIS_LOCATIONS, info.quality, ms);
	if (iso_out) {
		struct iris_iso_info ii = {eye, (int)(2 * info.seg.limbus.r + 0.5f), info.quality, 1};
		if (iris_iso_encode(&img, &ii, &rec, &rec_len, &err) != SH_OK) {
			fprintf(stderr, "shanakht iris: %s (%s)\n", err.msg, err.code);
			goto out;
		}
		FILE *f = fopen(iso_out, "wb");
		int bad = !f || fwrite(rec, 1, rec_len, f) != rec_len;
		if (f && fclose(f) != 0)
			bad = 1;
		if (bad) {
			fprintf(stderr, "shanakht iris: cannot write %s\n", iso_out);
			goto out;
		}
		printf("iso=%s bytes=%zu\n", iso_out, rec_len);
	}
	status = 0;
out:
	free(rec);
	iris_image_free(&img);
	return status;
}

static int cmd_match(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: shanakht iris match A B   (images or ISO 19794-6 records)\n");
		return 2;
	}
	struct iris_code a, b;
	struct sh_err err;
	if (cli_iris_load(argv[1], &a, NULL, NULL, &err) != SH_OK ||
	    cli_iris_load(argv[2], &b, NULL, NULL, &err) != SH_OK) {
		fprintf(stderr, "shanakht iris: %s (%s)\n", err.msg, err.code);
		return 1;
	}
	struct iris_score s = iris_match(&a, &b);
	printf("hd=%.4f hd_raw=%.4f bits=%d shift=%d score=%.4f\n", s.hd, s.hd_raw, s.bits, s.shift,
	       iris_similarity(&s));
	return 0;
}

int cli_iris(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "extract"))
		return cmd_extract(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "match"))
		return cmd_match(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "bench"))
		return cli_iris_bench(argc - 1, argv + 1);
	fprintf(stderr, "usage: shanakht iris extract IMG [--iso OUT] | match A B | "
			"bench DIR [--scores FILE]\n");
	return 2;
}
