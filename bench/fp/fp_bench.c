/* fp_bench.c — the FVC-B all-pairs accuracy and speed benchmark over
 * FVC2002-style directories (F_I.tif), FVC2002 data from BioLab, University
 * of Bologna; protocol in ../shared/data/README.md. A program of its own
 * (bench/fp, run by run.sh), not part of the shipped binary; it loads
 * samples the way `shanakht fp extract` does (cli_fp_load). */
#include "cli/cli_fp.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bio/fp_bench.h"
#include "bio/fp_image.h"
#include "bio/fp_match.h"
#include "bio/fp_search.h"
#include "bio/fp_thresholds.h"
#include "lib/parse.h"

#define MAX_DBS 16
#define MAX_FINGERS 200
#define MAX_IMPR 16
#define OP_THRESHOLD FP_THRESHOLD_FMR_0_1 /* the operating point */

/* Scanner resolutions the files do not declare, known by image geometry
 * (../shared/data/README.md): FVC2002 DB2 is 569 dpi. A fact about the
 * sensor, not a tuning: every other size is taken as the file says or 500. */
static const struct {
	int w, h, dpi;
} known_geometry[] = {{296, 560, 569}};

struct db {
	char dir[1024];
	char name[128];
	int dpi;
	int nf, ni;
	int finger_id[MAX_FINGERS];
	char **path;                /* [nf * ni], NULL when missing */
	struct fp_template *tpl;    /* [nf * ni] */
	struct fp_mtemplate *m;     /* [nf * ni] */
	double *ms;                 /* extraction ms, [nf * ni] */
	struct fp_bench_pair *pairs;
	size_t npairs;
	float *gen, *imp;
	size_t ngen, nimp;
	double sec1, secn, cpu1;
};

static int parse_sample(const char *name, int *f, int *i)
{
	char buf[64];
	const char *us = strchr(name, '_'), *dot = strrchr(name, '.');
	if (!us || !dot || dot < us || (size_t)(us - name) >= sizeof buf ||
	    (size_t)(dot - us) >= sizeof buf)
		return -1;
	int64_t a, b;
	memcpy(buf, name, (size_t)(us - name));
	buf[us - name] = 0;
	if (sh_parse_i64(buf, 0, 1000000, &a) != SH_OK)
		return -1;
	memcpy(buf, us + 1, (size_t)(dot - us - 1));
	buf[dot - us - 1] = 0;
	if (sh_parse_i64(buf, 1, MAX_IMPR, &b) != SH_OK)
		return -1;
	*f = (int)a;
	*i = (int)b;
	return 0;
}

static int int_cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static int db_scan(struct db *d)
{
	DIR *dh = opendir(d->dir);
	if (!dh) {
		fprintf(stderr, "fp bench: cannot open %s\n", d->dir);
		return -1;
	}
	int ids[MAX_FINGERS], nids = 0, maxi = 0;
	for (struct dirent *e; (e = readdir(dh)) != NULL;) {
		int f, i;
		if (e->d_name[0] == '.' || parse_sample(e->d_name, &f, &i))
			continue;
		int seen = 0;
		for (int k = 0; k < nids; k++)
			seen |= ids[k] == f;
		if (!seen && nids < MAX_FINGERS)
			ids[nids++] = f;
		if (i > maxi)
			maxi = i;
	}
	qsort(ids, (size_t)nids, sizeof ids[0], int_cmp);
	d->nf = nids;
	d->ni = maxi;
	memcpy(d->finger_id, ids, sizeof(int) * (size_t)nids);
	size_t n = (size_t)(nids * maxi);
	if (n == 0) {
		closedir(dh);
		fprintf(stderr, "fp bench: no F_I.* samples in %s\n", d->dir);
		return -1;
	}
	d->path = calloc(n, sizeof *d->path);
	d->tpl = calloc(n, sizeof *d->tpl);
	d->m = aligned_alloc(64, n * sizeof *d->m);
	d->ms = calloc(n, sizeof *d->ms);
	if (!d->path || !d->tpl || !d->m || !d->ms) {
		closedir(dh);
		return -1;
	}
	rewinddir(dh);
	for (struct dirent *e; (e = readdir(dh)) != NULL;) {
		int f, i;
		if (e->d_name[0] == '.' || parse_sample(e->d_name, &f, &i))
			continue;
		int fi = 0;
		while (fi < nids && ids[fi] != f)
			fi++;
		if (fi == nids)
			continue;
		size_t len = strlen(d->dir) + strlen(e->d_name) + 2;
		char *p = malloc(len);
		if (!p)
			break;
		snprintf(p, len, "%s/%s", d->dir, e->d_name);
		free(d->path[fi * maxi + i - 1]);
		d->path[fi * maxi + i - 1] = p;
	}
	closedir(dh);
	return 0;
}

static void db_pick_dpi(struct db *d)
{
	if (d->dpi > 0)
		return;
	for (int s = 0; s < d->nf * d->ni; s++) {
		struct fp_image img = {0};
		struct sh_err err;
		if (!d->path[s] || fp_image_load(d->path[s], 0, &img, &err) != SH_OK)
			continue;
		for (size_t k = 0; k < sizeof known_geometry / sizeof known_geometry[0]; k++)
			if (img.width == known_geometry[k].w && img.height == known_geometry[k].h &&
			    img.dpi == FP_DPI)
				d->dpi = known_geometry[k].dpi;
		fp_image_free(&img);
		return;
	}
}

static void db_free(struct db *d)
{
	for (int s = 0; d->path && s < d->nf * d->ni; s++)
		free(d->path[s]);
	free(d->path);
	free(d->tpl);
	free(d->m);
	free(d->ms);
	free(d->pairs);
	free(d->gen);
	free(d->imp);
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct rates {
	double eer, fnmr1, fnmr01, fmr_op, fnmr_op, worst_fnmr, rest_fnmr;
	size_t ngen, nimp, worst_n;
	size_t fnm, fnm_worst; /* false non-matches at the operating point; those in the worst decile */
};

static void rates_of(const float *gen, size_t ng, const float *imp, size_t ni, struct rates *r)
{
	int ok;
	r->ngen = ng;
	r->nimp = ni;
	r->eer = fp_bench_eer(gen, ng, imp, ni, NULL);
	r->fnmr1 = fp_bench_rate_below(gen, ng, fp_bench_threshold_at_fmr(imp, ni, 0.01, &ok));
	r->fnmr01 = fp_bench_rate_below(gen, ng, fp_bench_threshold_at_fmr(imp, ni, 0.001, &ok));
	r->fmr_op = fp_bench_rate_at_or_above(imp, ni, OP_THRESHOLD);
	r->fnmr_op = fp_bench_rate_below(gen, ng, OP_THRESHOLD);
}

/* Genuine FNMR at the operating threshold for pairs that involve one of the
 * worst-quality 10% of samples, and for the rest. */
static void worst_quality(const struct db *d, struct rates *r)
{
	int n = d->nf * d->ni, nworst = (n + 9) / 10;
	int order[MAX_FINGERS * MAX_IMPR];
	for (int s = 0; s < n; s++)
		order[s] = s;
	for (int s = 1; s < n; s++) { /* by quality, then minutiae, ascending */
		int v = order[s], j = s - 1;
		while (j >= 0 && (d->tpl[order[j]].quality > d->tpl[v].quality ||
				  (d->tpl[order[j]].quality == d->tpl[v].quality &&
				   d->tpl[order[j]].count > d->tpl[v].count))) {
			order[j + 1] = order[j];
			j--;
		}
		order[j + 1] = v;
	}
	char worst[MAX_FINGERS * MAX_IMPR] = {0};
	for (int s = 0; s < nworst; s++)
		worst[order[s]] = 1;
	size_t wn = 0, wf = 0, rn = 0, rf = 0;
	for (size_t k = 0; k < d->npairs; k++) {
		const struct fp_bench_pair *p = &d->pairs[k];
		if (!p->genuine)
			continue;
		int fail = p->score < OP_THRESHOLD;
		if (worst[p->a] || worst[p->b]) {
			wn++;
			wf += (size_t)fail;
		} else {
			rn++;
			rf += (size_t)fail;
		}
	}
	r->fnm = wf + rf;
	r->fnm_worst = wf;
	r->worst_n = wn;
	r->worst_fnmr = wn ? (double)wf / (double)wn : 0;
	r->rest_fnmr = rn ? (double)rf / (double)rn : 0;
}

static void print_row(const char *name, const struct rates *r, double ms_mean, double ms_p95,
		      double minutiae)
{
	printf("%-10s %5zu %6zu %6.2f %9.2f %11.2f %8.3f %8.2f %7.2f (%3zu) %6.2f %8.1f/%-6.1f %6.1f\n",
	       name, r->ngen, r->nimp, 100 * r->eer, 100 * r->fnmr1, 100 * r->fnmr01,
	       100 * r->fmr_op, 100 * r->fnmr_op, 100 * r->worst_fnmr, r->worst_n,
	       100 * r->rest_fnmr, ms_mean, ms_p95, minutiae);
}

/* Every pair's score as the matcher returned it, in %.9g (a float read
 * back from it is the same float). Checked against the copies taken right
 * after scoring (d->gen, d->imp), so a later pass that marks or shifts
 * scores in place is caught here rather than written. */
static int write_scores(FILE *f, const struct db *d)
{
	size_t g = 0, i = 0;
	for (size_t k = 0; k < d->npairs; k++) {
		const struct fp_bench_pair *p = &d->pairs[k];
		float want = p->genuine ? d->gen[g++] : d->imp[i++];
		if (memcmp(&want, &p->score, sizeof want) != 0) {
			fprintf(stderr, "fp bench: %s pair %zu changed after scoring\n", d->name, k);
			return -1;
		}
		const char *a = d->path[p->a] ? d->path[p->a] : "-";
		const char *b = d->path[p->b] ? d->path[p->b] : "-";
		if (fprintf(f, "%s\t%s\t%.9g\t%s\n", a, b, (double)p->score,
			    p->genuine ? "genuine" : "impostor") < 0)
			return -1;
	}
	return 0;
}

/* Leave one database out: the decision thresholds (FMR 1%, FMR 0.1%, EER)
 * are derived from the other databases' scores only and applied to the
 * held-out one, as they would be on a sensor never seen. The gap between
 * these rates and the in-sample ones is what the thresholds overfit; the
 * in-sample EER is the optimistic figure it is compared with. */
static int lodo_report(const struct db *dbs, int ndb, size_t total_gen, size_t total_imp)
{
	if (ndb < 2)
		return 0;
	float *g = malloc((total_gen + 1) * sizeof *g), *im = malloc((total_imp + 1) * sizeof *im);
	if (!g || !im) {
		free(g);
		free(im);
		return -1;
	}
	printf("leave-one-database-out (thresholds from the other %d databases, applied to the "
	       "held-out one):\n", ndb - 1);
	printf("%-10s %8s %8s %9s %9s %9s %9s %8s %8s %8s\n", "held-out", "thr@1%", "thr@0.1%",
	       "FMR@1%t", "FNMR@1%t", "FMR@.1%t", "FNMR@.1%t", "HTER%", "EERin%", "EERthr");
	size_t hf1 = 0, hn1 = 0, hf01 = 0, hn01 = 0, hfe = 0, hne = 0, tg = 0, ti = 0;
	for (int h = 0; h < ndb; h++) {
		size_t ng = 0, ni = 0;
		for (int k = 0; k < ndb; k++) {
			if (k == h)
				continue;
			memcpy(g + ng, dbs[k].gen, dbs[k].ngen * sizeof *g);
			memcpy(im + ni, dbs[k].imp, dbs[k].nimp * sizeof *im);
			ng += dbs[k].ngen;
			ni += dbs[k].nimp;
		}
		int ok1, ok01;
		float t1 = fp_bench_threshold_at_fmr(im, ni, 0.01, &ok1);
		float t01 = fp_bench_threshold_at_fmr(im, ni, 0.001, &ok01);
		float te;
		(void)fp_bench_eer(g, ng, im, ni, &te);
		const struct db *d = &dbs[h];
		double fm1 = fp_bench_rate_at_or_above(d->imp, d->nimp, t1);
		double fn1 = fp_bench_rate_below(d->gen, d->ngen, t1);
		double fm01 = fp_bench_rate_at_or_above(d->imp, d->nimp, t01);
		double fn01 = fp_bench_rate_below(d->gen, d->ngen, t01);
		double fme = fp_bench_rate_at_or_above(d->imp, d->nimp, te);
		double fne = fp_bench_rate_below(d->gen, d->ngen, te);
		double eer_in = fp_bench_eer(d->gen, d->ngen, d->imp, d->nimp, NULL);
		printf("%-10.10s %8.4f %8.4f %9.3f %9.2f %9.3f %9.2f %8.2f %8.2f %8.4f\n", d->name,
		       t1, t01, 100 * fm1, 100 * fn1, 100 * fm01, 100 * fn01,
		       100 * (fme + fne) / 2, 100 * eer_in, te);
		/* counts, for the pooled line */
		hf1 += (size_t)lround(fm1 * (double)d->nimp);
		hn1 += (size_t)lround(fn1 * (double)d->ngen);
		hf01 += (size_t)lround(fm01 * (double)d->nimp);
		hn01 += (size_t)lround(fn01 * (double)d->ngen);
		hfe += (size_t)lround(fme * (double)d->nimp);
		hne += (size_t)lround(fne * (double)d->ngen);
		tg += d->ngen;
		ti += d->nimp;
	}
	double pfe = ti ? (double)hfe / (double)ti : 0, pne = tg ? (double)hne / (double)tg : 0;
	printf("%-10s %8s %8s %9.3f %9.2f %9.3f %9.2f %8.2f\n", "pooled", "-", "-",
	       ti ? 100.0 * (double)hf1 / (double)ti : 0, tg ? 100.0 * (double)hn1 / (double)tg : 0,
	       ti ? 100.0 * (double)hf01 / (double)ti : 0, tg ? 100.0 * (double)hn01 / (double)tg : 0,
	       100 * (pfe + pne) / 2);
	free(g);
	free(im);
	return 0;
}

int main(int argc, char **argv)
{
	static struct db dbs[MAX_DBS];
	int ndb = 0, threads = 2, status = 1;
	const char *scores = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--scores") && i + 1 < argc) {
			scores = argv[++i];
		} else if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
			int64_t v;
			if (sh_parse_i64(argv[++i], 1, 64, &v) != SH_OK) {
				fprintf(stderr, "fp bench: --threads needs 1..64\n");
				return 2;
			}
			threads = (int)v;
		} else if (argv[i][0] != '-' && ndb < MAX_DBS) {
			struct db *d = &dbs[ndb++];
			memset(d, 0, sizeof *d);
			/* DIR@DPI forces a resolution */
			const char *at = strrchr(argv[i], '@');
			size_t len = at ? (size_t)(at - argv[i]) : strlen(argv[i]);
			int64_t dpi = 0;
			if (at && sh_parse_i64(at + 1, 100, 2000, &dpi) != SH_OK) {
				fprintf(stderr, "fp bench: bad resolution in %s\n", argv[i]);
				return 2;
			}
			while (len > 1 && argv[i][len - 1] == '/')
				len--;
			snprintf(d->dir, sizeof d->dir, "%.*s", (int)len, argv[i]);
			const char *base = strrchr(d->dir, '/');
			snprintf(d->name, sizeof d->name, "%.100s", base ? base + 1 : d->dir);
			d->dpi = (int)dpi;
		} else {
			fprintf(stderr, "usage: fp_bench DIR[@DPI]... [--scores FILE] [--threads N]\n");
			return 2;
		}
	}
	if (ndb == 0) {
		fprintf(stderr, "usage: fp_bench DIR[@DPI]... [--scores FILE] [--threads N]\n");
		return 2;
	}

	size_t total_gen = 0, total_imp = 0, total_samples = 0, total_pairs = 0;
	double sec1 = 0, secn = 0, cpu1 = 0;
	for (int k = 0; k < ndb; k++) {
		struct db *d = &dbs[k];
		if (db_scan(d))
			goto out;
		db_pick_dpi(d);
		int n = d->nf * d->ni;
		for (int s = 0; s < n; s++) {
			struct sh_err err;
			memset(&d->tpl[s], 0, sizeof d->tpl[s]);
			if (!d->path[s]) {
				fprintf(stderr, "fp bench: %s: sample %d_%d missing\n", d->name,
					d->finger_id[s / d->ni], s % d->ni + 1);
			} else if (cli_fp_load(d->path[s], d->dpi, &d->tpl[s], &d->ms[s], NULL, &err) != SH_OK) {
				fprintf(stderr, "fp bench: %s (%s); counted as an empty template\n", err.msg, err.code);
				memset(&d->tpl[s], 0, sizeof d->tpl[s]);
			}
			if (fp_match_prepare(&d->tpl[s], &d->m[s], &err) != SH_OK)
				memset(&d->m[s], 0, sizeof d->m[s]);
		}
		d->npairs = fp_bench_fvc_pairs(d->nf, d->ni, NULL);
		d->pairs = malloc(d->npairs * sizeof *d->pairs);
		d->gen = malloc(d->npairs * sizeof *d->gen);
		d->imp = malloc(d->npairs * sizeof *d->imp);
		if (!d->pairs || !d->gen || !d->imp)
			goto out;
		fp_bench_fvc_pairs(d->nf, d->ni, d->pairs);
		d->sec1 = fp_bench_score_pairs(d->m, d->pairs, d->npairs, 1, &d->cpu1);
		if (threads > 1) {
			float *keep = d->gen; /* check the threaded run agrees */
			for (size_t p = 0; p < d->npairs; p++)
				keep[p] = d->pairs[p].score;
			d->secn = fp_bench_score_pairs(d->m, d->pairs, d->npairs, threads, NULL);
			for (size_t p = 0; p < d->npairs; p++)
				if (keep[p] != d->pairs[p].score) {
					fprintf(stderr, "fp bench: threaded scores differ\n");
					goto out;
				}
		}
		for (size_t p = 0; p < d->npairs; p++) {
			if (d->pairs[p].genuine)
				d->gen[d->ngen++] = d->pairs[p].score;
			else
				d->imp[d->nimp++] = d->pairs[p].score;
		}
		total_gen += d->ngen;
		total_imp += d->nimp;
		total_samples += (size_t)n;
		total_pairs += d->npairs;
		sec1 += d->sec1;
		cpu1 += d->cpu1;
		secn += d->secn;
	}

	float *pg = malloc((total_gen + 1) * sizeof *pg), *pi = malloc((total_imp + 1) * sizeof *pi);
	double *ms = malloc((total_samples + 1) * sizeof *ms);
	if (!pg || !pi || !ms) {
		free(pg);
		free(pi);
		free(ms);
		goto out;
	}
	size_t ng = 0, ni = 0, nms = 0;
	double minutiae_all = 0, iso_bytes = 0;
	printf("FVC-B all pairs on FVC2002 (BioLab, University of Bologna); operating threshold "
	       "FP_THRESHOLD_FMR_0_1 = %.4f\n", OP_THRESHOLD);
	printf("%-10s %5s %6s %6s %9s %11s %8s %8s %13s %6s %15s %6s\n", "db", "gen", "imp",
	       "EER%", "FNMR@1%", "FNMR@0.1%", "FMR@op%", "FNMR@op%", "worst10%FNMR", "rest%",
	       "extr_cpu_ms/p95", "minut");
	for (int k = 0; k < ndb; k++) {
		struct db *d = &dbs[k];
		int n = d->nf * d->ni;
		double msum = 0, mins = 0;
		double *dm = ms + nms;
		for (int s = 0; s < n; s++) {
			dm[s] = d->ms[s];
			msum += d->ms[s];
			mins += d->tpl[s].count;
			iso_bytes += (double)cli_fp_iso_bytes(&d->tpl[s]);
		}
		qsort(dm, (size_t)n, sizeof *dm, dbl_cmp);
		nms += (size_t)n;
		minutiae_all += mins;
		struct rates r;
		rates_of(d->gen, d->ngen, d->imp, d->nimp, &r);
		worst_quality(d, &r);
		char label[64];
		snprintf(label, sizeof label, "%.10s", d->name);
		print_row(label, &r, msum / n, dm[(size_t)(0.95 * (n - 1))], mins / n);
		memcpy(pg + ng, d->gen, d->ngen * sizeof *pg);
		memcpy(pi + ni, d->imp, d->nimp * sizeof *pi);
		ng += d->ngen;
		ni += d->nimp;
	}
	struct rates pooled;
	rates_of(pg, ng, pi, ni, &pooled);
	/* pooled worst-quality figures: pair-weighted over the databases */
	size_t wn = 0;
	double wf = 0, rf = 0, rn = 0;
	for (int k = 0; k < ndb; k++) {
		struct rates r;
		worst_quality(&dbs[k], &r);
		wn += r.worst_n;
		wf += r.worst_fnmr * (double)r.worst_n;
		rf += r.rest_fnmr * (double)(dbs[k].ngen - r.worst_n);
		rn += (double)(dbs[k].ngen - r.worst_n);
	}
	/* does quality predict failure: the false non-matches at the operating
	 * point that involve a lowest-decile sample, per database */
	printf("quality vs failure: false non-matches at the operating point whose pair holds a "
	       "lowest-decile (quality) sample\n");
	size_t all_fnm = 0, all_fnmw = 0;
	for (int k = 0; k < ndb; k++) {
		struct rates r;
		worst_quality(&dbs[k], &r);
		printf("  %-10.10s FNM %3zu, in lowest decile %3zu (%5.1f%%), pairs touching it %3zu of %zu\n",
		       dbs[k].name, r.fnm, r.fnm_worst,
		       r.fnm ? 100.0 * (double)r.fnm_worst / (double)r.fnm : 0, r.worst_n, dbs[k].ngen);
		all_fnm += r.fnm;
		all_fnmw += r.fnm_worst;
	}
	printf("  %-10s FNM %3zu, in lowest decile %3zu (%5.1f%%)\n", "pooled", all_fnm, all_fnmw,
	       all_fnm ? 100.0 * (double)all_fnmw / (double)all_fnm : 0);
	pooled.worst_n = wn;
	pooled.worst_fnmr = wn ? wf / (double)wn : 0;
	pooled.rest_fnmr = rn > 0 ? rf / rn : 0;
	double ms_sum = 0;
	for (size_t s = 0; s < nms; s++)
		ms_sum += ms[s];
	qsort(ms, nms, sizeof *ms, dbl_cmp);
	double ms_mean = nms ? ms_sum / (double)nms : 0;
	print_row("pooled", &pooled, ms_mean, nms ? ms[(size_t)(0.95 * (double)(nms - 1))] : 0,
		  nms ? minutiae_all / (double)nms : 0);

	int r1, r01, r001;
	float t1 = fp_bench_threshold_at_fmr(pi, ni, 0.01, &r1);
	float t01 = fp_bench_threshold_at_fmr(pi, ni, 0.001, &r01);
	float t001 = fp_bench_threshold_at_fmr(pi, ni, 0.0001, &r001);
	printf("derived thresholds (pooled impostors, n=%zu): FMR_1=%.4f%s FMR_0_1=%.4f%s "
	       "FMR_0_01=%.4f%s\n", ni, t1, r1 ? "" : " (unresolved)", t01, r01 ? "" : " (unresolved)",
	       t001, r001 ? "" : " (unresolved: above the highest impostor)");
	printf("in use (fp_thresholds.h): FMR_1=%.4f FMR_0_1=%.4f FMR_0_01=%.4f\n",
	       FP_THRESHOLD_FMR_1, FP_THRESHOLD_FMR_0_1, FP_THRESHOLD_FMR_0_01);
	if (lodo_report(dbs, ndb, total_gen, total_imp)) {
		free(pg);
		free(pi);
		free(ms);
		goto out;
	}
	/* per-core rate from the CPU time of the 1-thread run (robust on a
	 * shared machine); scaling from wall-clock times */
	double cps = cpu1 > 0 ? (double)total_pairs / cpu1 : 0;
	printf("comparisons: %zu; 1 thread %.0f/s per core (CPU time), %.0f/s wall; "
	       "%d threads %.0f/s wall (scaling x%.2f)\n", total_pairs, cps,
	       sec1 > 0 ? (double)total_pairs / sec1 : 0, threads,
	       threads > 1 && secn > 0 ? (double)total_pairs / secn : 0,
	       threads > 1 && secn > 0 ? sec1 / secn : 1.0);
	printf("template bytes: ISO 19794-2 mean %.0f; matching form %d; gallery record %zu\n",
	       nms ? iso_bytes / (double)nms : 0, FP_MTEMPLATE_BYTES, fp_gallery_record_bytes());

	/* the weakest genuine pairs, to look at. Chosen by a read-only pass per
	 * rank (strictly after the previous pick in (score, db, pair) order), so
	 * no score is touched: --scores below writes exactly what the matcher
	 * returned. */
	printf("lowest genuine scores:\n");
	float last_s = -1.0f;
	int last_k = -1;
	size_t last_p = 0;
	for (int shown = 0; shown < 10; shown++) {
		const struct db *bd = NULL;
		size_t bp = 0;
		int bk = 0;
		float bs = 2.0f;
		for (int k = 0; k < ndb; k++)
			for (size_t p = 0; p < dbs[k].npairs; p++) {
				const struct fp_bench_pair *q = &dbs[k].pairs[p];
				if (!q->genuine)
					continue;
				int after = q->score > last_s ||
					    (q->score == last_s &&
					     (k > last_k || (k == last_k && p > last_p)));
				if (after && q->score < bs) {
					bs = q->score;
					bd = &dbs[k];
					bk = k;
					bp = p;
				}
			}
		if (!bd)
			break;
		const struct fp_bench_pair *p = &bd->pairs[bp];
		printf("  %.4f %s (%d minutiae, q%d) ~ %s (%d minutiae, q%d)\n", p->score,
		       bd->path[p->a] ? bd->path[p->a] : "-", bd->tpl[p->a].count, bd->tpl[p->a].quality,
		       bd->path[p->b] ? bd->path[p->b] : "-", bd->tpl[p->b].count, bd->tpl[p->b].quality);
		last_s = bs;
		last_k = bk;
		last_p = bp;
	}

	if (scores) {
		FILE *f = fopen(scores, "w");
		int bad = !f;
		for (int k = 0; k < ndb && !bad; k++)
			bad = write_scores(f, &dbs[k]) != 0;
		if (f && fclose(f) != 0)
			bad = 1;
		if (bad) {
			fprintf(stderr, "fp bench: cannot write %s\n", scores);
			free(pg);
			free(pi);
			free(ms);
			goto out;
		}
	}
	printf("fp-bench: eer=%.2f extract_ms=%.1f comparisons_per_s_per_core=%.0f\n",
	       100 * pooled.eer, ms_mean, cps);
	free(pg);
	free(pi);
	free(ms);
	status = 0;
out:
	for (int k = 0; k < ndb; k++)
		db_free(&dbs[k]);
	return status;
}
