/* cli_fp.c — `shanakht fp`: extract, match, search for the fingerprint
 * engine. The FVC accuracy benchmark is a program of its own, bench/fp. */
#include "cli/cli.h"
#include "cli/cli_fp.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bio/fp_extract.h"
#include "bio/fp_iso.h"
#include "bio/fp_image.h"
#include "bio/fp_debug.h"
#include "bio/fp_match.h"
#include "bio/fp_search.h"
#include "bio/fp_thresholds.h"
#include "lib/parse.h"

#define GALLERY_MAX_FILES 200000

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

/* CPU time of this thread: extraction is single-threaded, and on a shared
 * machine its CPU time is the figure that does not depend on the load. */
static double cpu_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

/* Read a whole file of at most FP_MAX_FILE_BYTES. */
static int read_file(const char *path, uint8_t **data, size_t *len, struct sh_err *err)
{
	int rc = SH_OK;
	uint8_t *buf = NULL;
	FILE *f = fopen(path, "rb");
	*data = NULL;
	*len = 0;
	if (!f)
		return sh_err_set(err, SH_EIO, "FP_FILE_IO", "cannot open %s", path);
	buf = malloc(FP_MAX_FILE_BYTES + 1);
	if (!buf) {
		rc = sh_err_set(err, SH_ENOMEM, "FP_NOMEM", "no memory to read %s", path);
		goto out;
	}
	size_t n = fread(buf, 1, FP_MAX_FILE_BYTES + 1, f);
	if (ferror(f)) {
		rc = sh_err_set(err, SH_EIO, "FP_FILE_IO", "cannot read %s", path);
		goto out;
	}
	if (n > FP_MAX_FILE_BYTES) {
		rc = sh_err_set(err, SH_ETOOBIG, "FP_FILE_TOO_LARGE", "%s is over %u bytes", path,
				FP_MAX_FILE_BYTES);
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

int cli_fp_load(const char *path, int dpi, struct fp_template *t,
		double *extract_ms, int *iso, struct sh_err *err)
{
	uint8_t *data = NULL;
	size_t len = 0;
	struct fp_image img = {0};
	if (extract_ms)
		*extract_ms = 0;
	if (iso)
		*iso = 0;
	int rc = read_file(path, &data, &len, err);
	if (rc != SH_OK)
		return rc;
	/* ISO/IEC 19794-2:2005 7.1: a record starts with "FMR\0" */
	if (len >= 4 && memcmp(data, "FMR\0", 4) == 0) {
		if (iso)
			*iso = 1;
		rc = fp_iso_decode(data, len, t, err);
		goto out;
	}
	rc = fp_image_decode(data, len, dpi, &img, err);
	if (rc != SH_OK)
		goto out;
	double t0 = cpu_ms();
	rc = fp_extract(&img, t, err); /* resamples to 500 dpi itself */
	if (extract_ms)
		*extract_ms = cpu_ms() - t0;
out:
	if (rc != SH_OK)
		sh_err_wrap(err, path);
	fp_image_free(&img);
	free(data);
	return rc;
}

size_t cli_fp_iso_bytes(const struct fp_template *t)
{
	uint8_t *b = NULL;
	size_t n = 0;
	struct sh_err err;
	if (fp_iso_encode(t, &b, &n, &err) != SH_OK)
		n = 0;
	free(b);
	return n;
}

static int parse_int_opt(const char *name, const char *v, int lo, int hi, int *out)
{
	int64_t x;
	if (!v || sh_parse_i64(v, lo, hi, &x) != SH_OK) {
		fprintf(stderr, "shanakht fp: %s needs a number in %d..%d\n", name, lo, hi);
		return -1;
	}
	*out = (int)x;
	return 0;
}

static int cmd_extract(int argc, char **argv)
{
	const char *img = NULL, *iso_out = NULL, *png_out = NULL;
	int dpi = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--dpi")) {
			if (parse_int_opt("--dpi", i + 1 < argc ? argv[++i] : NULL, 100, 2000, &dpi))
				return 2;
		} else if (!strcmp(argv[i], "--iso") && i + 1 < argc) {
			iso_out = argv[++i];
		} else if (!strcmp(argv[i], "--debug-png") && i + 1 < argc) {
			png_out = argv[++i];
		} else if (!img && argv[i][0] != '-') {
			img = argv[i];
		} else {
			fprintf(stderr, "usage: shanakht fp extract IMG [--dpi N] [--iso OUT] [--debug-png OUT]\n");
			return 2;
		}
	}
	if (!img) {
		fprintf(stderr, "usage: shanakht fp extract IMG [--dpi N] [--iso OUT] [--debug-png OUT]\n");
		return 2;
	}
	struct fp_template *t = malloc(sizeof *t);
	struct sh_err err;
	uint8_t *iso = NULL;
	size_t iso_len = 0;
	int status = 1;
	double ms = 0;
	if (!t) {
		fprintf(stderr, "shanakht fp: no memory\n");
		goto out;
	}
	if (png_out) {
		/* the picture re-runs the stages, so no timing is printed */
		struct fp_image im = {0};
		int rc = fp_image_load(img, dpi, &im, &err);
		if (rc == SH_OK)
			rc = fp_debug_png(&im, png_out, t, &err);
		fp_image_free(&im);
		if (rc != SH_OK) {
			fprintf(stderr, "shanakht fp: %s (%s)\n", err.msg, err.code);
			goto out;
		}
		printf("minutiae=%d quality=%d debug_png=%s\n", t->count, t->quality, png_out);
	} else {
		if (cli_fp_load(img, dpi, t, &ms, NULL, &err) != SH_OK) {
			fprintf(stderr, "shanakht fp: %s (%s)\n", err.msg, err.code);
			goto out;
		}
		printf("minutiae=%d quality=%d ms=%.1f\n", t->count, t->quality, ms);
	}
	if (iso_out) {
		if (fp_iso_encode(t, &iso, &iso_len, &err) != SH_OK) {
			fprintf(stderr, "shanakht fp: %s (%s)\n", err.msg, err.code);
			goto out;
		}
		FILE *f = fopen(iso_out, "wb");
		int bad = !f || fwrite(iso, 1, iso_len, f) != iso_len;
		if (f && fclose(f) != 0)
			bad = 1;
		if (bad) {
			fprintf(stderr, "shanakht fp: cannot write %s\n", iso_out);
			goto out;
		}
		printf("iso=%s bytes=%zu\n", iso_out, iso_len);
	}
	status = 0;
out:
	free(iso);
	free(t);
	return status;
}

static int cmd_match(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: shanakht fp match A B   (images or ISO templates)\n");
		return 2;
	}
	struct fp_template *t = malloc(sizeof *t);
	struct fp_mtemplate *m = aligned_alloc(64, 2 * sizeof *m);
	struct sh_err err;
	int status = 1;
	if (!t || !m) {
		fprintf(stderr, "shanakht fp: no memory\n");
		goto out;
	}
	for (int k = 0; k < 2; k++) {
		if (cli_fp_load(argv[1 + k], 0, t, NULL, NULL, &err) != SH_OK ||
		    fp_match_prepare(t, &m[k], &err) != SH_OK) {
			fprintf(stderr, "shanakht fp: %s (%s)\n", err.msg, err.code);
			goto out;
		}
	}
	float s = fp_match(&m[0], &m[1]);
	printf("score=%.4f\n", s);
	printf("fmr_1%%: %s (threshold %.4f)\n", s >= FP_THRESHOLD_FMR_1 ? "match" : "no-match",
	       FP_THRESHOLD_FMR_1);
	printf("fmr_0.1%%: %s (threshold %.4f)\n", s >= FP_THRESHOLD_FMR_0_1 ? "match" : "no-match",
	       FP_THRESHOLD_FMR_0_1);
	printf("fmr_0.01%%: %s (threshold %.4f)\n", s >= FP_THRESHOLD_FMR_0_01 ? "match" : "no-match",
	       FP_THRESHOLD_FMR_0_01);
	status = 0;
out:
	free(t);
	free(m);
	return status;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmd_search(int argc, char **argv)
{
	const char *probe = NULL, *dir = NULL;
	int top = 10, threads = 2;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--top")) {
			if (parse_int_opt("--top", i + 1 < argc ? argv[++i] : NULL, 1, FP_SEARCH_MAX_K, &top))
				return 2;
		} else if (!strcmp(argv[i], "--threads")) {
			if (parse_int_opt("--threads", i + 1 < argc ? argv[++i] : NULL, 1,
					  FP_SEARCH_MAX_THREADS, &threads))
				return 2;
		} else if (!probe && argv[i][0] != '-') {
			probe = argv[i];
		} else if (!dir && argv[i][0] != '-') {
			dir = argv[i];
		} else {
			probe = NULL;
			break;
		}
	}
	if (!probe || !dir) {
		fprintf(stderr, "usage: shanakht fp search PROBE GALLERY_DIR [--top K] [--threads N]\n");
		return 2;
	}
	int status = 1;
	char **names = NULL;
	size_t nnames = 0;
	struct fp_gallery g = {0};
	struct fp_template *t = malloc(sizeof *t);
	struct fp_probe *p = aligned_alloc(64, sizeof *p);
	struct fp_mtemplate *m = aligned_alloc(64, sizeof *m);
	struct fp_candidate *out = malloc(sizeof *out * (size_t)top);
	struct sh_err err;
	DIR *d = opendir(dir);
	if (!t || !p || !m || !out) {
		fprintf(stderr, "shanakht fp: no memory\n");
		goto done;
	}
	if (!d) {
		fprintf(stderr, "shanakht fp: cannot open directory %s\n", dir);
		goto done;
	}
	names = calloc(GALLERY_MAX_FILES, sizeof *names);
	if (!names)
		goto done;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		if (e->d_name[0] == '.')
			continue;
		if (nnames == GALLERY_MAX_FILES) {
			fprintf(stderr, "shanakht fp: over %d files in %s\n", GALLERY_MAX_FILES, dir);
			goto done;
		}
		names[nnames] = strdup(e->d_name);
		if (!names[nnames++])
			goto done;
	}
	qsort(names, nnames, sizeof *names, name_cmp);
	if (nnames == 0 || fp_gallery_init(&g, nnames, &err) != SH_OK) {
		fprintf(stderr, "shanakht fp: empty gallery %s\n", dir);
		goto done;
	}
	for (size_t i = 0; i < nnames; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (cli_fp_load(path, 0, t, NULL, NULL, &err) != SH_OK ||
		    fp_match_prepare(t, m, &err) != SH_OK) {
			fprintf(stderr, "shanakht fp: skipping %s: %s\n", names[i], err.msg);
			continue;
		}
		if (fp_gallery_add(&g, i, 0, m, &err) != SH_OK)
			goto done;
	}
	p->count = 1;
	p->finger[0] = 0;
	if (cli_fp_load(probe, 0, t, NULL, NULL, &err) != SH_OK ||
	    fp_match_prepare(t, &p->tpl[0], &err) != SH_OK) {
		fprintf(stderr, "shanakht fp: %s (%s)\n", err.msg, err.code);
		goto done;
	}
	int n = 0;
	double t0 = now_ms();
	if (fp_search(&g, p, top, threads, out, &n, &err) != SH_OK) {
		fprintf(stderr, "shanakht fp: %s (%s)\n", err.msg, err.code);
		goto done;
	}
	double ms = now_ms() - t0;
	printf("rank\tscore\tdecision@fmr0.1%%\tcandidate\n");
	for (int i = 0; i < n; i++)
		printf("%d\t%.4f\t%s\t%s\n", i + 1, out[i].score,
		       out[i].score >= FP_THRESHOLD_FMR_0_1 ? "match" : "-", names[out[i].subject]);
	printf("searched %zu templates in %.1f ms on %d thread(s)\n", g.count, ms, threads);
	status = 0;
done:
	if (d)
		closedir(d);
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	fp_gallery_free(&g);
	free(out);
	free(m);
	free(p);
	free(t);
	return status;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: shanakht fp <command>\n"
		   "  extract IMG [--dpi N] [--iso OUT]       minutiae count, quality, time\n"
		   "          [--debug-png OUT]               picture: mask, skeleton, minutiae\n"
		   "  match A B                               score and decisions (images or ISO)\n"
		   "  search PROBE GALLERY_DIR [--top K] [--threads N]\n"
		   "The FVC-B all-pairs benchmark is build/bench/fp/fp_bench DIR... (bench/fp/run.sh).\n");
}

int cli_fp(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "extract"))
		return cmd_extract(argc - 1, argv + 1);
	if (!strcmp(argv[1], "match"))
		return cmd_match(argc - 1, argv + 1);
	if (!strcmp(argv[1], "search"))
		return cmd_search(argc - 1, argv + 1);
	if (!strcmp(argv[1], "bench")) {
		/* moved out of the shipped binary (issue 14.3); say where to */
		fprintf(stderr, "shanakht fp bench: the benchmark is now its own program, "
				"build/bench/fp/fp_bench DIR... (or bench/fp/run.sh)\n");
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 2;
}
