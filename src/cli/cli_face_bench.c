/* cli_face_bench.c — `shanakht face bench`: the "ORL all pairs" accuracy
 * and speed benchmark (AT&T Laboratories Cambridge, The Database of Faces;
 * protocol in ../shared/data/README.md), the 1:N search rate, and
 * detection on a folder of photos (the package's demo images).
 *
 * DIR holds one sub-folder per subject (sN/K.pgm for ORL); genuine pairs
 * are two images of one subject, impostor pairs two of different subjects,
 * every pair once. Faces the detector misses are not dropped: they are
 * counted, reported, and embedded from the whole image taken as the face
 * box (face_opts.whole_fallback), so every pair gets a score. */
#include "cli/cli.h"
#include "cli/cli_face.h"

#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bio/face_match.h"
#include "bio/fp_bench.h"
#include "lib/parse.h"

#define MAX_SUBJECTS 1000
#define MAX_SAMPLES 5000
#define MAX_DEMO 64

struct sample {
	char path[1024];
	int subject;
	int ok;       /* extracted */
	int fallback; /* whole-image box */
	int padded;
	int nfaces;
	double ms_total, ms_embed;
	int quality;
	float desc[FACE_DESC_DIM];
	int8_t q[FACE_DESC_DIM];
};

struct job {
	const struct face_engine *e;
	struct sample *s;
	int n, next, level;
	pthread_mutex_t mu;
};

static double cpu_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_image(const char *n)
{
	const char *dot = strrchr(n, '.');
	return dot && (!strcasecmp(dot, ".pgm") || !strcasecmp(dot, ".ppm") ||
		       !strcasecmp(dot, ".png") || !strcasecmp(dot, ".jpg") ||
		       !strcasecmp(dot, ".jpeg") || !strcasecmp(dot, ".iso"));
}

/* Names in `dir` (sorted), sub-folders or images; returns the count. */
static int list_dir(const char *dir, int want_dirs, char **names, int max)
{
	DIR *d = opendir(dir);
	int n = 0;
	if (!d)
		return -1;
	for (struct dirent *e; (e = readdir(d)) != NULL && n < max;) {
		if (e->d_name[0] == '.')
			continue;
		char p[1024];
		snprintf(p, sizeof p, "%.800s/%.200s", dir, e->d_name);
		DIR *sub = opendir(p);
		int isdir = sub != NULL;
		if (sub)
			closedir(sub);
		if (isdir != want_dirs || (!want_dirs && !is_image(e->d_name)))
			continue;
		names[n] = strdup(e->d_name);
		if (names[n])
			n++;
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof *names, str_cmp);
	return n;
}

static void *worker(void *arg)
{
	struct job *j = arg;
	for (;;) {
		pthread_mutex_lock(&j->mu);
		int i = j->next++;
		pthread_mutex_unlock(&j->mu);
		if (i >= j->n)
			break;
		struct sample *s = &j->s[i];
		struct face_image img;
		struct face_result r;
		struct sh_err err;
		struct face_opts o = {.allow_many = 1, .whole_fallback = 1, .level_eyes = j->level};
		double t0 = cpu_ms();
		int rc = cli_face_load(s->path, &img, NULL, &err);
		if (!rc)
			rc = face_extract(j->e, &img, &o, &r, &err);
		s->ms_total = cpu_ms() - t0;
		face_image_free(&img);
		if (rc) {
			fprintf(stderr, "face bench: %s: %s (%s)\n", s->path, err.msg, err.code);
			continue;
		}
		s->ok = 1;
		s->fallback = r.fallback;
		s->padded = r.padded;
		s->nfaces = r.nfaces;
		s->ms_embed = r.ms_embed;
		s->quality = r.quality.score;
		memcpy(s->desc, r.desc, sizeof s->desc);
		face_match_quantize(s->desc, s->q);
	}
	return NULL;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct rates {
	double eer, fnmr01, fnmr001, fmr_op, fnmr_op;
	int res01, res001;
};

static void rates_of(const float *g, size_t ng, const float *im, size_t ni, float op,
		     struct rates *r)
{
	r->eer = fp_bench_eer(g, ng, im, ni, NULL);
	r->fnmr01 = fp_bench_rate_below(g, ng, fp_bench_threshold_at_fmr(im, ni, 0.001, &r->res01));
	r->fnmr001 =
		fp_bench_rate_below(g, ng, fp_bench_threshold_at_fmr(im, ni, 0.0001, &r->res001));
	r->fmr_op = fp_bench_rate_at_or_above(im, ni, op);
	r->fnmr_op = fp_bench_rate_below(g, ng, op);
}

static void print_rates(const char *name, const struct rates *r, int op)
{
	printf("%-16s %6.2f %10.2f%s %11.2f%s", name, 100 * r->eer, 100 * r->fnmr01,
	       r->res01 ? " " : "*", 100 * r->fnmr001, r->res001 ? " " : "*");
	if (op)
		printf(" %9.3f %9.2f", 100 * r->fmr_op, 100 * r->fnmr_op);
	printf("\n");
}

/* 1:N: a gallery of `gn` int8 descriptors made from the real ones (each a
 * real descriptor plus Gaussian noise of sd 0.03 per value, so that scores
 * spread as for distinct faces), probes = the real descriptors. Returns
 * comparisons per CPU second of one thread. */
static double search_rate(const struct sample *s, int n, size_t gn, int probes, double *qms)
{
	struct face_gallery g;
	struct sh_err err;
	if (face_gallery_init(&g, gn, &err))
		return 0;
	uint64_t st = 88172645463325252ull;
	for (size_t i = 0; i < gn; i++) {
		const float *src = s[i % (size_t)n].desc;
		float d[FACE_DESC_DIM];
		for (int k = 0; k < FACE_DESC_DIM; k++) {
			double u1, u2; /* xorshift64 + Box-Muller */
			st ^= st << 13, st ^= st >> 7, st ^= st << 17;
			u1 = ((st >> 11) + 1.0) / 9007199254740993.0;
			st ^= st << 13, st ^= st >> 7, st ^= st << 17;
			u2 = (st >> 11) / 9007199254740992.0;
			d[k] = src[k] + 0.03f * (float)(sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2));
		}
		if (face_gallery_add(&g, i, d, &err))
			break;
	}
	struct face_hit hits[10];
	volatile float sink = 0;
	double t0 = cpu_ms();
	for (int p = 0; p < probes; p++) {
		int nh = face_gallery_search(&g, s[p % n].desc, 10, hits);
		sink += nh ? hits[0].score : 0;
	}
	double ms = cpu_ms() - t0;
	(void)sink;
	*qms = ms / probes;
	double rate = ms > 0 ? (double)g.n * probes / (ms / 1e3) : 0;
	face_gallery_free(&g);
	return rate;
}

static void demo_detection(const struct face_engine *e, const char *dir)
{
	char *names[MAX_DEMO];
	int n = list_dir(dir, 0, names, MAX_DEMO);
	if (n <= 0) {
		printf("detection: no images in %s\n", dir);
		return;
	}
	printf("detection (tiny face detector, input %d, score > %.2f) on %s:\n",
	       FACE_DETECT_INPUT, FACE_DETECT_MIN_SCORE, dir);
	for (int i = 0; i < n; i++) {
		char p[1024];
		struct face_image img;
		struct sh_err err;
		struct face_box b[FACE_DETECT_MAX];
		snprintf(p, sizeof p, "%.800s/%.200s", dir, names[i]);
		if (face_image_load(p, &img, &err)) {
			printf("  %-14s %s (%s)\n", names[i], err.msg, err.code);
			free(names[i]);
			continue;
		}
		double t0 = cpu_ms();
		int nf = face_detect_run(&e->det, img.rgb, img.w, img.h, FACE_DETECT_INPUT,
					 FACE_DETECT_MIN_SCORE, b, FACE_DETECT_MAX, &err);
		double ms = cpu_ms() - t0;
		printf("  %-14s %dx%d faces %d (%.0f ms):", names[i], img.w, img.h, nf, ms);
		for (int k = 0; k < nf; k++)
			printf(" [%.0f,%.0f %.0fx%.0f %.2f]", b[k].x, b[k].y, b[k].w, b[k].h, b[k].score);
		printf("\n");
		face_image_free(&img);
		free(names[i]);
	}
}

int cli_face_bench(int argc, char **argv)
{
	const char *dir = NULL, *scores = NULL, *demo = NULL, *models = NULL;
	int threads = 2, status = 1, level = 0;
	int64_t gallery = 1000000;
	for (int i = 1; i < argc; i++) {
		int64_t v;
		if (!strcmp(argv[i], "--scores") && i + 1 < argc) {
			scores = argv[++i];
		} else if (!strcmp(argv[i], "--demo") && i + 1 < argc) {
			demo = argv[++i];
		} else if (!strcmp(argv[i], "--level-eyes")) {
			level = 1;
		} else if (!strcmp(argv[i], "--models") && i + 1 < argc) {
			models = argv[++i];
		} else if (!strcmp(argv[i], "--gallery") && i + 1 < argc &&
			   sh_parse_i64(argv[i + 1], 1000, 100000000, &v) == SH_OK) {
			gallery = v;
			i++;
		} else if (!strcmp(argv[i], "--threads") && i + 1 < argc &&
			   sh_parse_i64(argv[i + 1], 1, 64, &v) == SH_OK) {
			threads = (int)v;
			i++;
		} else if (argv[i][0] != '-' && !dir) {
			dir = argv[i];
		} else {
			dir = NULL;
			break;
		}
	}
	if (!dir) {
		fprintf(stderr, "usage: shanakht face bench DIR [--scores FILE] [--demo DIR] "
				"[--threads N] [--gallery N] [--level-eyes] [--models DIR]\n");
		return 2;
	}
	struct face_engine e;
	struct sh_err err;
	if (face_engine_load(models, &e, &err)) {
		fprintf(stderr, "face bench: %s (%s)\n", err.msg, err.code);
		return 1;
	}
	static char *subjects[MAX_SUBJECTS];
	struct sample *s = calloc(MAX_SAMPLES, sizeof *s);
	float *gen = NULL, *imp = NULL, *geni = NULL, *impi = NULL, *genc = NULL, *impc = NULL;
	double *ms = NULL;
	int ns = list_dir(dir, 1, subjects, MAX_SUBJECTS), n = 0;
	if (!s || ns <= 0) {
		fprintf(stderr, "face bench: no subject folders in %s\n", dir);
		goto out;
	}
	for (int k = 0; k < ns; k++) {
		char sd[1024], *files[256];
		snprintf(sd, sizeof sd, "%.800s/%.200s", dir, subjects[k]);
		int nf = list_dir(sd, 0, files, 256);
		for (int f = 0; f < nf; f++) {
			if (n < MAX_SAMPLES) {
				snprintf(s[n].path, sizeof s[n].path, "%.800s/%.200s", sd, files[f]);
				s[n++].subject = k;
			}
			free(files[f]);
		}
	}
	struct job j = {.e = &e, .s = s, .n = n, .level = level};
	pthread_mutex_init(&j.mu, NULL);
	pthread_t th[64];
	for (int t = 0; t < threads; t++)
		pthread_create(&th[t], NULL, worker, &j);
	for (int t = 0; t < threads; t++)
		pthread_join(th[t], NULL);
	pthread_mutex_destroy(&j.mu);

	size_t npairs = (size_t)n * (size_t)(n - 1) / 2, ng = 0, ni = 0;
	gen = malloc(npairs * sizeof *gen);
	imp = malloc(npairs * sizeof *imp);
	geni = malloc(npairs * sizeof *geni);
	impi = malloc(npairs * sizeof *impi);
	genc = malloc(npairs * sizeof *genc);
	impc = malloc(npairs * sizeof *impc);
	ms = malloc((size_t)n * 2 * sizeof *ms);
	FILE *sf = scores ? fopen(scores, "w") : NULL;
	if (!gen || !imp || !geni || !impi || !genc || !impc || !ms || (scores && !sf)) {
		fprintf(stderr, "face bench: out of memory or cannot write %s\n",
			scores ? scores : "-");
		if (sf)
			fclose(sf);
		goto out;
	}
	int bad_write = 0;
	for (int a = 0; a < n; a++)
		for (int b = a + 1; b < n; b++) {
			/* a sample that failed to load scores below every other */
			int ok = s[a].ok && s[b].ok;
			float sc = ok ? face_match_score(s[a].desc, s[b].desc) : -10.0f;
			float si = ok ? face_match_qscore(s[a].q, s[b].q) : -10.0f;
			float sc2 = ok ? face_match_cosine(s[a].desc, s[b].desc) : -10.0f;
			int g = s[a].subject == s[b].subject;
			if (g) {
				gen[ng] = sc;
				geni[ng] = si;
				genc[ng++] = sc2;
			} else {
				imp[ni] = sc;
				impi[ni] = si;
				impc[ni++] = sc2;
			}
			if (sf && fprintf(sf, "%s\t%s\t%.6f\t%s\n", s[a].path, s[b].path, sc,
					  g ? "genuine" : "impostor") < 0)
				bad_write = 1;
		}
	if (sf && fclose(sf) != 0)
		bad_write = 1;
	if (bad_write) {
		fprintf(stderr, "face bench: cannot write %s\n", scores);
		goto out;
	}
	int nok = 0, nfb = 0, npad = 0, npad3 = 0, nmulti = 0, nq = 0;
	double qsum = 0;
	for (int i = 0; i < n; i++) {
		nok += s[i].ok;
		nfb += s[i].fallback;
		npad += s[i].padded != 0;
		npad3 += s[i].padded == 3;
		nmulti += s[i].nfaces > 1;
		if (s[i].ok) {
			ms[nq] = s[i].ms_total;
			ms[n + nq] = s[i].ms_embed;
			qsum += s[i].quality;
			nq++;
		}
	}
	printf("ORL all pairs on %s (AT&T Laboratories Cambridge, The Database of Faces): "
	       "%d subjects, %d images\n", dir, ns, n);
	printf("faces: %d extracted, %d found directly, %d only on the edge-padded canvas "
	       "(%d of them at 3x), %d not found (whole image used as the box), %d with more "
	       "than one face, %d failed; mean quality %.0f\n",
	       nok, nok - npad - nfb, npad, npad3, nfb, nmulti, n - nok, nq ? qsum / nq : 0);
	printf("pairs: %zu genuine, %zu impostor; * = FMR not resolved by the impostor count\n",
	       ng, ni);
	printf("%-16s %6s %11s %12s %9s %9s\n", "score", "EER%", "FNMR@0.1%", "FNMR@0.01%",
	       "FMR@op%", "FNMR@op%");
	struct rates rf, rq, rc;
	rates_of(gen, ng, imp, ni, CLI_FACE_THRESHOLD, &rf);
	rates_of(geni, ng, impi, ni, CLI_FACE_THRESHOLD, &rq);
	rates_of(genc, ng, impc, ni, 2.0f, &rc);
	print_rates("euclid float32", &rf, 1);
	print_rates("euclid int8", &rq, 1);
	print_rates("cosine float32", &rc, 0);
	printf("operating threshold: score >= %.2f (Euclidean distance <= %.2f, face-api/dlib)\n",
	       CLI_FACE_THRESHOLD, 1 - CLI_FACE_THRESHOLD);
	double mean_total = 0, mean_embed = 0;
	for (int i = 0; i < nq; i++) {
		mean_total += ms[i];
		mean_embed += ms[n + i];
	}
	qsort(ms, (size_t)nq, sizeof *ms, dbl_cmp);
	double p95 = nq ? ms[(size_t)(0.95 * (nq - 1))] : 0;
	qsort(ms + n, (size_t)nq, sizeof *ms, dbl_cmp);
	double ep95 = nq ? ms[n + (size_t)(0.95 * (nq - 1))] : 0;
	mean_total = nq ? mean_total / nq : 0;
	mean_embed = nq ? mean_embed / nq : 0;
	printf("CPU ms per image, one thread (OpenBLAS single-threaded): pipeline mean %.1f p95 "
	       "%.1f; recognition net (embedding) mean %.1f p95 %.1f\n",
	       mean_total, p95, mean_embed, ep95);
	double qms = 0;
	double cps = nok ? search_rate(s, n, (size_t)gallery, 20, &qms) : 0;
	printf("1:N: int8 gallery of %lld (128 B a face, float32 would be 512 B), top-10: "
	       "%.1f ms per search, %.0f comparisons/s on one core (CPU time)\n",
	       (long long)gallery, qms, cps);
	if (demo)
		demo_detection(&e, demo);
	printf("face-bench: eer=%.2f fnmr_at_fmr_0.01=%.2f comparisons_per_s_per_core=%.0f\n",
	       100 * rf.eer, 100 * rf.fnmr001, cps);
	status = 0;
out:
	for (int k = 0; k < ns; k++)
		free(subjects[k]);
	free(s);
	free(gen);
	free(imp);
	free(geni);
	free(impi);
	free(genc);
	free(impc);
	free(ms);
	face_engine_free(&e);
	return status;
}
