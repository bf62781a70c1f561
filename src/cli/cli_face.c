/* cli_face.c — `shanakht face`: extract, match (and bench, in
 * cli_face_bench.c) for the face engine. */
#include "cli/cli.h"
#include "cli/cli_face.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bio/face_match.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: shanakht face extract IMG [--iso OUT] [--ppm OUT] [--models DIR]\n"
		   "       shanakht face match A B [--models DIR]\n"
		   "       shanakht face bench DIR [--scores FILE] [--demo DIR] [--threads N] [--level-eyes]\n"
		   "IMG, A, B: JPEG, PNG, PNM or an ISO/IEC 19794-5 record; the weights come\n"
		   "from the @vladmandic/face-api package installed by scripts/deps\n"
		   "(SHANAKHT_FACE_MODELS or --models overrides the folder).\n");
}

int cli_face_load(const char *path, struct face_image *img, int *from_iso, struct sh_err *err)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	int rc;
	if (from_iso)
		*from_iso = 0;
	memset(img, 0, sizeof *img);
	if (!f)
		return sh_err_set(err, SH_EIO, "FACE_IMAGE_IO", "cannot open %s", path);
	buf = malloc(FACE_IMAGE_MAX_BYTES + 1);
	if (!buf) {
		fclose(f);
		return sh_err_set(err, SH_ENOMEM, "FACE_NOMEM", "out of memory");
	}
	size_t n = fread(buf, 1, FACE_IMAGE_MAX_BYTES + 1, f);
	if (ferror(f)) {
		rc = sh_err_set(err, SH_EIO, "FACE_IMAGE_IO", "cannot read %s", path);
	} else if (n > FACE_IMAGE_MAX_BYTES) {
		rc = sh_err_set(err, SH_ETOOBIG, "FACE_IMAGE_TOO_LARGE", "%s over %u bytes", path,
				FACE_IMAGE_MAX_BYTES);
	} else if (face_iso_sniff(buf, n)) {
		struct face_iso iso;
		rc = face_iso_parse(buf, n, &iso, err);
		if (!rc)
			rc = face_image_decode(iso.jpeg, iso.jpeg_len, img, err);
		if (!rc && (img->w != iso.width || img->h != iso.height)) {
			face_image_free(img);
			rc = sh_err_set(err, SH_EINVAL, "FACE_ISO_MALFORMED",
					"ISO 19794-5 record: image size differs from its header");
		}
		if (!rc && from_iso)
			*from_iso = 1;
	} else {
		rc = face_image_decode(buf, n, img, err);
	}
	fclose(f);
	free(buf);
	return rc;
}

static int parse_models(int argc, char **argv, const char **models, const char **iso,
			const char **ppm, const char **pos, int npos)
{
	int got = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--models") && i + 1 < argc)
			*models = argv[++i];
		else if (iso && !strcmp(argv[i], "--iso") && i + 1 < argc)
			*iso = argv[++i];
		else if (ppm && !strcmp(argv[i], "--ppm") && i + 1 < argc)
			*ppm = argv[++i];
		else if (argv[i][0] != '-' && got < npos)
			pos[got++] = argv[i];
		else
			return -1;
	}
	return got == npos ? 0 : -1;
}

static int fail(const char *what, const struct sh_err *err)
{
	fprintf(stderr, "face %s: %s (%s)\n", what, err->msg, err->code);
	return 1;
}

static int write_ppm(const char *path, const struct face_image *img)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t n = (size_t)img->w * img->h * 3;
	int bad = fprintf(f, "P6\n%d %d\n255\n", img->w, img->h) < 0 ||
		  fwrite(img->rgb, 1, n, f) != n;
	if (fclose(f) != 0)
		bad = 1;
	return bad ? -1 : 0;
}

static int cmd_extract(int argc, char **argv)
{
	const char *models = NULL, *iso = NULL, *ppm = NULL, *pos[1];
	if (parse_models(argc, argv, &models, &iso, &ppm, pos, 1)) {
		usage(stderr);
		return 2;
	}
	struct face_engine e;
	struct face_image img = {0};
	struct face_result r;
	struct sh_err err;
	int status = 1, from_iso;
	if (face_engine_load(models, &e, &err))
		return fail("extract", &err);
	if (cli_face_load(pos[0], &img, &from_iso, &err)) {
		fail("extract", &err);
		goto out;
	}
	/* the decoded pixels exactly as the networks get them: the golden
	 * outputs (tests/bio/face_golden/) are made by the package from these */
	if (ppm && write_ppm(ppm, &img)) {
		fprintf(stderr, "face extract: cannot write %s\n", ppm);
		goto out;
	}
	if (face_extract(&e, &img, NULL, &r, &err)) {
		fail("extract", &err);
		goto out;
	}
	char flags[96];
	face_quality_flags_str(r.quality.flags, flags, sizeof flags);
	printf("image %dx%d%s faces %d%s\n", img.w, img.h, from_iso ? " (ISO 19794-5)" : "",
	       r.nfaces, r.padded ? " (found on the edge-padded canvas)" : "");
	printf("box %.1f %.1f %.1f %.1f score %.3f\n", r.box.x, r.box.y, r.box.w, r.box.h,
	       r.box.score);
	printf("crop %d %d %d %d\n", r.crop.x, r.crop.y, r.crop.w, r.crop.h);
	printf("quality %d (%s) yaw %.1f pitch %.1f roll %.1f sharpness %.3f brightness %.0f "
	       "eyes %.2f/%.2f eye_px %.0f\n", r.quality.score, flags, r.quality.yaw,
	       r.quality.pitch, r.quality.roll, r.quality.sharpness, r.quality.brightness,
	       r.quality.ear_left, r.quality.ear_right, r.quality.eye_px);
	printf("descriptor");
	for (int i = 0; i < FACE_DESC_DIM; i++)
		printf(" %.6f", r.desc[i]);
	printf("\n");
	if (iso) {
		uint8_t *rec = NULL;
		size_t len = 0;
		if (face_iso_write(&img, &r.lm, &r.quality, &rec, &len, &err)) {
			fail("extract", &err);
			goto out;
		}
		FILE *f = fopen(iso, "wb");
		int bad = !f || fwrite(rec, 1, len, f) != len;
		if (f && fclose(f) != 0)
			bad = 1;
		free(rec);
		if (bad) {
			fprintf(stderr, "face extract: cannot write %s\n", iso);
			goto out;
		}
		printf("iso %s %zu bytes\n", iso, len);
	}
	status = 0;
out:
	face_image_free(&img);
	face_engine_free(&e);
	return status;
}

static int cmd_match(int argc, char **argv)
{
	const char *models = NULL, *pos[2];
	if (parse_models(argc, argv, &models, NULL, NULL, pos, 2)) {
		usage(stderr);
		return 2;
	}
	struct face_engine e;
	struct face_result r[2];
	struct sh_err err;
	int status = 1;
	if (face_engine_load(models, &e, &err))
		return fail("match", &err);
	for (int k = 0; k < 2; k++) {
		struct face_image img;
		int rc = cli_face_load(pos[k], &img, NULL, &err);
		if (!rc)
			rc = face_extract(&e, &img, NULL, &r[k], &err);
		face_image_free(&img);
		if (rc) {
			fprintf(stderr, "face match: %s: %s (%s)\n", pos[k], err.msg, err.code);
			goto out;
		}
	}
	float s = face_match_score(r[0].desc, r[1].desc);
	printf("score %.4f distance %.4f cosine %.4f threshold %.2f %s\n", s,
	       face_match_distance(r[0].desc, r[1].desc), face_match_cosine(r[0].desc, r[1].desc),
	       CLI_FACE_THRESHOLD, s >= CLI_FACE_THRESHOLD ? "match" : "no-match");
	status = 0;
out:
	face_engine_free(&e);
	return status;
}

int cli_face(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "extract"))
		return cmd_extract(argc - 1, argv + 1);
	if (!strcmp(argv[1], "match"))
		return cmd_match(argc - 1, argv + 1);
	if (!strcmp(argv[1], "bench"))
		return cli_face_bench(argc - 1, argv + 1);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 2;
}
