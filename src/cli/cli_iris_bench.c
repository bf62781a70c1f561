/* cli_iris_bench.c — `shanakht iris bench DIR`: the "IITD all pairs"
 * protocol (../shared/data/README.md) over DIR/NNN/KK_E.png (IIT Delhi
 * Iris Database v1.0 layout: subject NNN, image KK, eye L or R; an
 * identity is subject + eye), and the 1:N popcount search throughput.
 * Portions of the work tested on the IITD Iris Database version 1.0. */
#include "cli/cli.h"
#include "cli/cli_iris.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bio/fp_bench.h"
#include "bio/iris_match.h"
#include "lib/parse.h"

#define MAX_SAMPLES 20000
#define MAX_FAIL_CODES 16

struct sample {
	char path[512];
	int subject;
	char eye;
	int ok;
	char code[SH_ERR_CODE_MAX];
	double ms;
};

struct pair {
	int a, b;
	float hd;
	uint8_t genuine;
};

static double cpu_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double wall_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int sample_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sample *)a)->path, ((const struct sample *)b)->path);
}

/* KK_E.png / .bmp / .tif etc: image number, then L or R */
static int parse_name(const char *name, char *eye)
{
	const char *us = strchr(name, '_');
	if (!us || (us[1] != 'L' && us[1] != 'R') || us[2] != '.')
		return -1;
	*eye = us[1];
	return 0;
}

static int scan(const char *dir, int64_t lo, int64_t hi, struct sample *s, int *n)
{
	DIR *dh = opendir(dir);
	if (!dh) {
		fprintf(stderr, "iris bench: cannot open %s\n", dir);
		return -1;
	}
	*n = 0;
	for (struct dirent *e; (e = readdir(dh)) != NULL;) {
		int64_t subj;
		if (e->d_name[0] == '.' || sh_parse_i64(e->d_name, 0, 999999, &subj) != SH_OK ||
		    subj < lo || subj > hi)
			continue;
		char sub[1024];
		snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
		DIR *sh = opendir(sub);
		if (!sh)
			continue;
		for (struct dirent *f; (f = readdir(sh)) != NULL;) {
			char eye;
			if (f->d_name[0] == '.' || parse_name(f->d_name, &eye))
				continue;
			if (*n >= MAX_SAMPLES)
				break;
			struct sample *x = &s[(*n)++];
			memset(x, 0, sizeof *x);
			snprintf(x->path, sizeof x->path, "%.500s/%.10s", sub, f->d_name);
			x->subject = (int)subj;
			x->eye = eye;
		}
		closedir(sh);
	}
	closedir(dh);
	qsort(s, (size_t)*n, sizeof *s, sample_cmp);
	return *n ? 0 : -1;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The 1:N throughput: `gn` gallery codes (the data set's codes repeated),
 * `pn` probes, one thread; CPU seconds spent in the search. */
static double search_rate(const struct iris_code *codes, int nc, size_t gn, int pn, double *cpu)
{
	struct iris_code *g = aligned_alloc(64, gn * sizeof *g);
	float *hd = malloc(gn * sizeof *hd);
	struct iris_probe *p = aligned_alloc(64, sizeof *p);
	double rate = 0;
	*cpu = 0;
	if (!g || !hd || !p)
		goto out;
	for (size_t i = 0; i < gn; i++)
		g[i] = codes[i % (size_t)nc];
	double t0 = cpu_s();
	volatile long sink = 0;
	for (int k = 0; k < pn; k++) {
		iris_probe_prepare(&codes[(k * 7919) % nc], p);
		sink += iris_search(p, g, gn, hd);
	}
	*cpu = cpu_s() - t0;
	(void)sink;
	rate = *cpu > 0 ? (double)gn * (double)pn / *cpu : 0;
out:
	free(g);
	free(hd);
	free(p);
	return rate;
}

int cli_iris_bench(int argc, char **argv)
{
	const char *dir = NULL, *scores = NULL, *circles = NULL;
	int64_t gallery_n = 100000, probes_n = 20, subj_lo = 0, subj_hi = 999999;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--scores") && i + 1 < argc)
			scores = argv[++i];
		else if (!strcmp(argv[i], "--circles") && i + 1 < argc)
			circles = argv[++i]; /* per sample: its circles, for overlays */
		else if (!strcmp(argv[i], "--subjects") && i + 1 < argc) {
			/* "A-B": only subjects A..B (the split-half check, docs/iris.md) */
			char lo[16], *dash = strchr(argv[++i], '-');
			if (!dash || dash == argv[i] || (size_t)(dash - argv[i]) >= sizeof lo)
				goto usage;
			memcpy(lo, argv[i], (size_t)(dash - argv[i]));
			lo[dash - argv[i]] = 0;
			if (sh_parse_i64(lo, 0, 999999, &subj_lo) != SH_OK ||
			    sh_parse_i64(dash + 1, subj_lo, 999999, &subj_hi) != SH_OK)
				goto usage;
		}
		else if (!strcmp(argv[i], "--gallery") && i + 1 < argc) {
			if (sh_parse_i64(argv[++i], 1, 10000000, &gallery_n) != SH_OK)
				goto usage;
		} else if (!strcmp(argv[i], "--probes") && i + 1 < argc) {
			if (sh_parse_i64(argv[++i], 1, 100000, &probes_n) != SH_OK)
				goto usage;
		} else if (!dir && argv[i][0] != '-')
			dir = argv[i];
		else
			goto usage;
	}
	if (!dir)
		goto usage;

	int status = 1, n = 0;
	struct sample *s = malloc(MAX_SAMPLES * sizeof *s);
	struct iris_code *codes = NULL;
	struct iris_probe *probe = NULL;
	struct pair *pairs = NULL;
	float *gen = NULL, *imp = NULL;
	double *ms = NULL;
	if (!s || scan(dir, subj_lo, subj_hi, s, &n)) {
		fprintf(stderr, "iris bench: no NNN/KK_E.* samples in %s\n", dir);
		goto out;
	}
	codes = aligned_alloc(64, (size_t)n * sizeof *codes);
	probe = aligned_alloc(64, sizeof *probe);
	ms = malloc((size_t)n * sizeof *ms);
	if (!codes || !probe || !ms)
		goto out;
	int fails = 0, nfc = 0;
	char fcode[MAX_FAIL_CODES][SH_ERR_CODE_MAX];
	int fcount[MAX_FAIL_CODES] = {0};
	double usable_sum = 0;
	FILE *cf = circles ? fopen(circles, "w") : NULL;
	if (circles && !cf) {
		fprintf(stderr, "iris bench: cannot write %s\n", circles);
		goto out;
	}
	for (int i = 0; i < n; i++) {
		struct sh_err err;
		struct iris_extract_info info;
		if (cli_iris_load(s[i].path, &codes[i], &info, &s[i].ms, &err) == SH_OK) {
			s[i].ok = 1;
			usable_sum += info.usable;
			if (cf)
				fprintf(cf, "%s\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%d\n", s[i].path,
					(double)info.seg.pupil.x, (double)info.seg.pupil.y,
					(double)info.seg.pupil.r, (double)info.seg.limbus.x,
					(double)info.seg.limbus.y, (double)info.seg.limbus.r, info.usable);
		} else {
			memset(&codes[i], 0, sizeof codes[i]); /* masks all zero: compares as 0.5 */
			snprintf(s[i].code, sizeof s[i].code, "%s", err.code);
			if (cf)
				fprintf(cf, "%s\tfailed\t%s\n", s[i].path, err.code);
			fprintf(stderr, "iris bench: %s (%s)\n", err.msg, err.code);
			fails++;
			int k = 0;
			while (k < nfc && strcmp(fcode[k], err.code))
				k++;
			if (k == nfc && nfc < MAX_FAIL_CODES)
				snprintf(fcode[nfc++], SH_ERR_CODE_MAX, "%s", err.code);
			if (k < nfc)
				fcount[k]++;
		}
		ms[i] = s[i].ms;
	}
	if (cf && fclose(cf) != 0) {
		fprintf(stderr, "iris bench: cannot write %s\n", circles);
		goto out;
	}

	/* IITD all pairs: every i < j; genuine when subject and eye agree.
	 * A sample that failed to segment is in its pairs with HD 0.5 (its
	 * code has no usable bits): counted as a non-match, never dropped. */
	size_t np = (size_t)n * (size_t)(n - 1) / 2, k = 0;
	pairs = malloc(np * sizeof *pairs);
	gen = malloc(np * sizeof *gen);
	imp = malloc(np * sizeof *imp);
	if (!pairs || !gen || !imp)
		goto out;
	double t0 = cpu_s();
	for (int i = 0; i < n; i++) {
		iris_probe_prepare(&codes[i], probe);
		for (int j = i + 1; j < n; j++) {
			struct iris_score sc = iris_compare(probe, &codes[j]);
			pairs[k++] = (struct pair){i, j, sc.hd,
						   (uint8_t)(s[i].subject == s[j].subject &&
							     s[i].eye == s[j].eye)};
		}
	}
	double pair_cpu = cpu_s() - t0;
	size_t ng = 0, ni = 0;
	for (size_t p = 0; p < np; p++) {
		float score = 1.0f - pairs[p].hd;
		if (pairs[p].genuine)
			gen[ng++] = score;
		else
			imp[ni++] = score;
	}
	int ok1, ok01;
	double eer = fp_bench_eer(gen, ng, imp, ni, NULL);
	float t1 = fp_bench_threshold_at_fmr(imp, ni, 0.001, &ok1);
	float t01 = fp_bench_threshold_at_fmr(imp, ni, 0.0001, &ok01);
	double fnmr1 = fp_bench_rate_below(gen, ng, t1), fnmr01 = fp_bench_rate_below(gen, ng, t01);
	/* Daugman's decision criterion HD < 0.32 (FMR ~ 1e-7 at his scale) */
	double fnmr_32 = fp_bench_rate_below(gen, ng, 1.0f - 0.32f);
	double fmr_32 = fp_bench_rate_at_or_above(imp, ni, 1.0f - 0.32f);
	double gm = 0, im = 0;
	for (size_t p = 0; p < ng; p++)
		gm += 1.0 - gen[p];
	for (size_t p = 0; p < ni; p++)
		im += 1.0 - imp[p];
	double ms_sum = 0;
	for (int i = 0; i < n; i++)
		ms_sum += ms[i];
	qsort(ms, (size_t)n, sizeof *ms, dbl_cmp);

	printf("IITD all pairs on %s (IIT Delhi Iris Database v1.0; identity = subject + eye)\n", dir);
	printf("samples %d, segmentation/extraction failures %d (%.2f%%)", n, fails,
	       100.0 * fails / (n ? n : 1));
	for (int f = 0; f < nfc; f++)
		printf("%s %s=%d", f ? "," : ":", fcode[f], fcount[f]);
	printf("; failed samples stay in their pairs as non-matches\n");
	printf("pairs: genuine %zu, impostor %zu\n", ng, ni);
	printf("mean HD: genuine %.4f, impostor %.4f; mean usable locations %.0f of %d\n",
	       ng ? gm / (double)ng : 0, ni ? im / (double)ni : 0,
	       n - fails ? usable_sum / (n - fails) : 0, IRIS_LOCATIONS);
	printf("EER %.3f%%; FNMR at FMR 0.1%% %.3f%% (HD < %.4f)%s; FNMR at FMR 0.01%% %.3f%% "
	       "(HD < %.4f)%s\n", 100 * eer, 100 * fnmr1, 1.0f - t1, ok1 ? "" : " unresolved",
	       100 * fnmr01, 1.0f - t01, ok01 ? "" : " unresolved");
	printf("at Daugman's HD 0.32: FNMR %.3f%%, FMR %.4f%%\n", 100 * fnmr_32, 100 * fmr_32);
	printf("extraction CPU ms: mean %.1f, p95 %.1f\n", n ? ms_sum / n : 0,
	       n ? ms[(size_t)(0.95 * (n - 1))] : 0);
	printf("all-pairs scoring: %zu comparisons (%d shifts each) in %.2f s CPU\n", np,
	       IRIS_SHIFTS, pair_cpu);

	/* the weakest genuine pairs, to look at */
	printf("highest genuine HDs:\n");
	for (int shown = 0; shown < 5; shown++) {
		size_t bp = np;
		for (size_t p = 0; p < np; p++)
			if (pairs[p].genuine && pairs[p].hd < 5 && (bp == np || pairs[p].hd > pairs[bp].hd))
				bp = p;
		if (bp == np)
			break;
		printf("  %.4f %s ~ %s\n", pairs[bp].hd, s[pairs[bp].a].path, s[pairs[bp].b].path);
		pairs[bp].hd += 10; /* hide; undone below */
	}
	for (size_t p = 0; p < np; p++)
		if (pairs[p].hd >= 5)
			pairs[p].hd -= 10;

	/* 1:N popcount search, one thread, each kernel this CPU has */
	double cpu = 0, rate = 0;
	const char *best_kernel = iris_match_kernel();
	static const char *kernels[] = {"portable", "popcnt", "avx512-vpopcntdq"};
	int good = 0;
	for (int i = 0; i < n; i++)
		if (s[i].ok)
			codes[good++] = codes[i];
	if (good == 0) {
		fprintf(stderr, "iris bench: no sample extracted\n");
		goto out;
	}
	for (size_t kk = 0; kk < sizeof kernels / sizeof kernels[0]; kk++) {
		if (iris_match_force_kernel(kernels[kk]))
			continue;
		double c;
		double r = search_rate(codes, good, (size_t)gallery_n, (int)probes_n, &c);
		printf("1:N search, kernel %-16s: gallery %lld x %lld probes, %.2f s CPU, %.0f "
		       "comparisons/s/core (each %d shifts; %.0f HD/s)\n", kernels[kk],
		       (long long)gallery_n, (long long)probes_n, c, r, IRIS_SHIFTS, r * IRIS_SHIFTS);
		if (!strcmp(kernels[kk], best_kernel)) {
			rate = r;
			cpu = c;
		}
	}
	(void)iris_match_force_kernel(best_kernel);
	(void)cpu;
	(void)wall_s;

	if (scores) {
		FILE *f = fopen(scores, "w");
		int bad = !f;
		for (size_t p = 0; p < np && !bad; p++)
			bad = fprintf(f, "%s\t%s\t%.6f\t%s\n", s[pairs[p].a].path, s[pairs[p].b].path,
				      1.0 - pairs[p].hd, pairs[p].genuine ? "genuine" : "impostor") < 0;
		if (f && fclose(f) != 0)
			bad = 1;
		if (bad) {
			fprintf(stderr, "iris bench: cannot write %s\n", scores);
			goto out;
		}
		printf("scores (1 - HD) written to %s\n", scores);
	}
	printf("iris-bench: eer=%.3f fnmr_at_fmr_0.01=%.3f comparisons_per_s_per_core=%.0f\n",
	       100 * eer, 100 * fnmr01, rate);
	status = 0;
out:
	free(s);
	free(codes);
	free(probe);
	free(pairs);
	free(gen);
	free(imp);
	free(ms);
	return status;
usage:
	fprintf(stderr, "usage: shanakht iris bench DIR [--scores FILE] [--gallery N] [--probes P] [--subjects A-B] [--circles FILE]\n");
	return 2;
}
