/* fusion_bench.c — likelihood-ratio fusion of fingerprint and iris on
 * chimeric persons: each person is one FVC2002 finger (BioLab, University
 * of Bologna; DB1-4_B, impressions 1..S) paired at random (stated seed)
 * with one IITD iris identity (IIT Delhi Iris Database v1.0, images 1..S
 * of a subject + eye; portions of the work tested on the IITD Iris
 * Database version 1.0). Sample k of a person is finger impression k with
 * iris image k. Genuine pairs: two samples of one person; impostor pairs:
 * every sample of two different persons. Scores come from the `--scores`
 * files of `shanakht fp bench` and `shanakht iris bench`.
 *
 * Two-fold cross-validation by person (even / odd): the densities are
 * fitted on one half's pairs and the other half is scored, then the
 * halves swap; the reported rates pool both test halves.
 *   fusion_bench FP_SCORES IRIS_SCORES [--seed N] [--samples S] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bio/fp_bench.h"
#include "bio/fusion.h"
#include "lib/parse.h"

#define MAX_PATHS 4096
#define MAX_ID 1024

struct modality {
	char *path[MAX_PATHS];
	int npath;
	float *m; /* npath x npath, NAN when absent */
	/* identities: sample path indices per identity, in file order */
	char id[MAX_ID][256];
	int idn[MAX_ID], ids[MAX_ID][16];
	int nid;
};

static int path_index(struct modality *md, const char *p)
{
	for (int i = 0; i < md->npath; i++)
		if (!strcmp(md->path[i], p))
			return i;
	if (md->npath >= MAX_PATHS)
		return -1;
	md->path[md->npath] = strdup(p);
	return md->path[md->npath] ? md->npath++ : -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* identity key of a sample path: FVC ".../DBn_B/F_I.tif" -> "DBn_B/F";
 * IITD ".../NNN/KK_E.png" -> "NNN/E" */
static void identity(const char *p, int fp, char *out, size_t cap)
{
	const char *base = strrchr(p, '/');
	base = base ? base + 1 : p;
	const char *dir = base - 1;
	while (dir > p && dir[-1] != '/')
		dir--;
	const char *us = strchr(base, '_');
	int dlen = (int)(base - dir - 1);
	if (fp)
		snprintf(out, cap, "%.*s/%.*s", dlen, dir, us ? (int)(us - base) : 0, base);
	else
		snprintf(out, cap, "%.*s/%c", dlen, dir, us && us[1] ? us[1] : '?');
}

/* Split a score line "A<TAB>B<TAB>score<TAB>label" in place (no strtok:
 * its hidden state is banned here). Returns the number of fields. */
static int split(char *line, char **f, int max)
{
	int n = 0;
	char *p = line;
	line[strcspn(line, "\r\n")] = 0;
	while (n < max) {
		f[n++] = p;
		char *t = strchr(p, '\t');
		if (!t)
			break;
		*t = 0;
		p = t + 1;
	}
	return n;
}

static int load(const char *file, int fp, struct modality *md)
{
	FILE *f = fopen(file, "r");
	if (!f) {
		fprintf(stderr, "fusion bench: cannot open %s\n", file);
		return -1;
	}
	char line[4096];
	/* first pass: paths */
	while (fgets(line, sizeof line, f)) {
		char *fl[4];
		if (split(line, fl, 4) < 3 || path_index(md, fl[0]) < 0 || path_index(md, fl[1]) < 0) {
			fclose(f);
			fprintf(stderr, "fusion bench: bad line or too many samples in %s\n", file);
			return -1;
		}
	}
	qsort(md->path, (size_t)md->npath, sizeof md->path[0], cmp_str);
	md->m = malloc((size_t)md->npath * (size_t)md->npath * sizeof *md->m);
	if (!md->m) {
		fclose(f);
		return -1;
	}
	for (size_t i = 0; i < (size_t)md->npath * (size_t)md->npath; i++)
		md->m[i] = NAN;
	rewind(f);
	while (fgets(line, sizeof line, f)) {
		char *fl[4];
		if (split(line, fl, 4) < 3)
			continue;
		char *a = fl[0], *b = fl[1], *s = fl[2];
		char *key = a;
		char **pa = bsearch(&key, md->path, (size_t)md->npath, sizeof md->path[0], cmp_str);
		key = b;
		char **pb = bsearch(&key, md->path, (size_t)md->npath, sizeof md->path[0], cmp_str);
		char *end;
		float v = strtof(s, &end);
		if (!pa || !pb || end == s)
			continue;
		int ia = (int)(pa - md->path), ib = (int)(pb - md->path);
		md->m[(size_t)ia * (size_t)md->npath + (size_t)ib] = v;
		md->m[(size_t)ib * (size_t)md->npath + (size_t)ia] = v;
	}
	fclose(f);
	/* identities in path order */
	for (int i = 0; i < md->npath; i++) {
		char key[256];
		identity(md->path[i], fp, key, sizeof key);
		int k = 0;
		while (k < md->nid && strcmp(md->id[k], key))
			k++;
		if (k == md->nid) {
			if (md->nid >= MAX_ID)
				continue;
			snprintf(md->id[md->nid++], sizeof md->id[0], "%s", key);
		}
		if (md->idn[k] < 16)
			md->ids[k][md->idn[k]++] = i;
	}
	return 0;
}

static uint64_t rs;

static uint32_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)(rs >> 32);
}

static void shuffle(int *v, int n)
{
	for (int i = n - 1; i > 0; i--) {
		int j = (int)(rnd() % (uint32_t)(i + 1)), t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
}

struct cpair {
	float s[2];
	int pa, pb; /* persons */
	int genuine;
};

static float score_of(const struct modality *md, int a, int b)
{
	return md->m[(size_t)a * (size_t)md->npath + (size_t)b];
}

int main(int argc, char **argv)
{
	int64_t seed = 2026, S = 5;
	const char *fpf = NULL, *irf = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc &&
		    sh_parse_i64(argv[i + 1], 1, INT64_MAX, &seed) == SH_OK)
			i++;
		else if (!strcmp(argv[i], "--samples") && i + 1 < argc &&
			 sh_parse_i64(argv[i + 1], 2, 8, &S) == SH_OK)
			i++;
		else if (!fpf)
			fpf = argv[i];
		else if (!irf)
			irf = argv[i];
		else
			fpf = NULL;
	}
	if (!fpf || !irf) {
		fprintf(stderr, "usage: fusion_bench FP_SCORES IRIS_SCORES [--seed N] [--samples S]\n");
		return 2;
	}
	static struct modality fp, ir;
	if (load(fpf, 1, &fp) || load(irf, 0, &ir))
		return 1;
	int fl[MAX_ID], il[MAX_ID], nf = 0, ni = 0;
	for (int k = 0; k < fp.nid; k++)
		if (fp.idn[k] >= S)
			fl[nf++] = k;
	for (int k = 0; k < ir.nid; k++)
		if (ir.idn[k] >= S)
			il[ni++] = k;
	int P = nf < ni ? nf : ni;
	if (P < 4) {
		fprintf(stderr, "fusion bench: only %d persons can be made\n", P);
		return 1;
	}
	rs = (uint64_t)seed * 0x9e3779b97f4a7c15ull | 1;
	shuffle(fl, nf);
	shuffle(il, ni);
	printf("chimeric persons: %d (of %d fingers and %d iris identities with >= %lld samples), "
	       "seed %lld, %lld samples each\n", P, nf, ni, (long long)S, (long long)seed, (long long)S);
	size_t cap = (size_t)P * (size_t)P * (size_t)(S * S);
	struct cpair *pr = malloc(cap * sizeof *pr);
	if (!pr)
		return 1;
	size_t np = 0, missing = 0;
	for (int p = 0; p < P; p++)
		for (int q = p; q < P; q++)
			for (int k = 0; k < S; k++)
				for (int l = (p == q ? k + 1 : 0); l < S; l++) {
					int fa = fp.ids[fl[p]][k], fb = fp.ids[fl[q]][l];
					int ia = ir.ids[il[p]][k], ib = ir.ids[il[q]][l];
					float sf = score_of(&fp, fa, fb), si = score_of(&ir, ia, ib);
					if (sf != sf || si != si) {
						missing++;
						continue;
					}
					pr[np++] = (struct cpair){{sf, si}, p, q, p == q};
				}
	if (missing)
		printf("pairs without a score in the files: %zu, left out (the FVC protocol scores "
		       "fingers within one database only, so persons whose fingers come from "
		       "different databases cannot be compared)\n", missing);
	/* two folds by person parity */
	float *tg[3], *ti[3];
	size_t ng = 0, nim = 0;
	for (int k = 0; k < 3; k++) {
		tg[k] = malloc(np * sizeof(float));
		ti[k] = malloc(np * sizeof(float));
		if (!tg[k] || !ti[k])
			return 1;
	}
	float *fg[2], *fi[2];
	for (int k = 0; k < 2; k++) {
		fg[k] = malloc(np * sizeof(float));
		fi[k] = malloc(np * sizeof(float));
		if (!fg[k] || !fi[k])
			return 1;
	}
	static const char *names[2] = {"finger", "iris"};
	for (int fold = 0; fold < 2; fold++) {
		static struct fusion fu;
		memset(&fu, 0, sizeof fu);
		for (int m = 0; m < 2; m++) {
			size_t a = 0, b = 0;
			for (size_t i = 0; i < np; i++) {
				if (pr[i].pa % 2 != fold || pr[i].pb % 2 != fold)
					continue;
				if (pr[i].genuine)
					fg[m][a++] = pr[i].s[m];
				else
					fi[m][b++] = pr[i].s[m];
			}
			struct sh_err err;
			if (fusion_fit(&fu, m, names[m], fg[m], a, fi[m], b, &err) != SH_OK) {
				fprintf(stderr, "fusion bench: %s (%s)\n", err.msg, err.code);
				return 1;
			}
		}
		for (size_t i = 0; i < np; i++) {
			if (pr[i].pa % 2 == fold || pr[i].pb % 2 == fold)
				continue; /* test on the other half only */
			float fused = fusion_score(&fu, pr[i].s, 3);
			if (pr[i].genuine) {
				tg[0][ng] = pr[i].s[0];
				tg[1][ng] = pr[i].s[1];
				tg[2][ng++] = fused;
			} else {
				ti[0][nim] = pr[i].s[0];
				ti[1][nim] = pr[i].s[1];
				ti[2][nim++] = fused;
			}
		}
	}
	printf("test pairs (both folds): genuine %zu, impostor %zu\n", ng, nim);
	printf("%-8s %8s %12s %13s\n", "", "EER%", "FNMR@0.1%", "FNMR@0.01%");
	static const char *rows[3] = {"finger", "iris", "fused"};
	double eer[3], f01[3];
	int res01 = 0;
	for (int k = 0; k < 3; k++) {
		int r1;
		eer[k] = fp_bench_eer(tg[k], ng, ti[k], nim, NULL);
		double f1 = fp_bench_rate_below(tg[k], ng, fp_bench_threshold_at_fmr(ti[k], nim, 0.001, &r1));
		f01[k] = fp_bench_rate_below(tg[k], ng, fp_bench_threshold_at_fmr(ti[k], nim, 0.0001, &res01));
		printf("%-8s %8.3f %12.3f %13.3f%s\n", rows[k], 100 * eer[k], 100 * f1, 100 * f01[k],
		       res01 ? "" : " (unresolved: fewer than 10,000 impostors)");
	}
	double best = eer[0] < eer[1] ? eer[0] : eer[1];
	printf("fusion-bench: eer=%.3f fnmr_at_fmr_0.01=%.3f best_single_eer=%.3f finger_eer=%.3f "
	       "iris_eer=%.3f persons=%d seed=%lld\n", 100 * eer[2], 100 * f01[2], 100 * best,
	       100 * eer[0], 100 * eer[1], P, (long long)seed);
	return 0;
}
