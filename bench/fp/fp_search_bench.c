/* fp_search_bench.c — 1:N search throughput: a gallery of N synthetic
 * fingers, probes that are jittered impressions of planted mates, searched
 * on 1 and 2 threads; prints comparisons/s, top-1 accuracy and memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bio/fp_bench.h"
#include "bio/fp_search.h"
#include "lib/parse.h"

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* CPU time of the whole process (all search threads): comparisons per CPU
 * second is the per-core rate, whatever else shares the machine. */
static double cpu_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int arg_i64(const char *s, int64_t lo, int64_t hi, int64_t *v)
{
	if (sh_parse_i64(s, lo, hi, v) != SH_OK) {
		fprintf(stderr, "fp_search_bench: bad number '%s'\n", s);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int64_t n = 20000, probes = 20, minutiae = 45;
	for (int i = 1; i + 1 < argc; i += 2) {
		int64_t *dst = !strcmp(argv[i], "--gallery") ? &n
			     : !strcmp(argv[i], "--probes") ? &probes
			     : !strcmp(argv[i], "--minutiae") ? &minutiae : NULL;
		if (!dst || arg_i64(argv[i + 1], 1, 100000000, dst)) {
			fprintf(stderr, "usage: fp_search_bench [--gallery N] [--probes P] [--minutiae M]\n");
			return 2;
		}
	}
	struct fp_gallery g;
	struct sh_err err;
	struct fp_template t, u;
	struct fp_mtemplate *m = aligned_alloc(64, sizeof *m);
	struct fp_probe *p = aligned_alloc(64, sizeof *p);
	if (!m || !p || fp_gallery_init(&g, (size_t)n, &err) != SH_OK) {
		fprintf(stderr, "fp_search_bench: no memory\n");
		return 1;
	}
	double t0 = now_s();
	long mcount = 0;
	for (int64_t i = 0; i < n; i++) {
		fp_bench_synth_finger((uint64_t)i + 1, (int)minutiae, 320, 400, &t);
		/* enrolment impressions lose and gain minutiae too */
		fp_bench_synth_impression(&t, (uint64_t)i + 7, 0.0f, 0, 0, 2, 0.1f, 3, &u);
		if (fp_match_prepare(&u, m, &err) != SH_OK ||
		    fp_gallery_add(&g, (uint64_t)i, 0, m, &err) != SH_OK) {
			fprintf(stderr, "fp_search_bench: %s\n", err.msg);
			return 1;
		}
		mcount += m->count;
	}
	double t_build = now_s() - t0;
	printf("gallery: %lld synthetic fingers (%.1f cylinders each), built in %.1f s\n",
	       (long long)n, (double)mcount / (double)n, t_build);

	for (int threads = 1; threads <= 2; threads++) {
		int hits = 0;
		double t_search = 0, c_search = 0;
		for (int64_t q = 0; q < probes; q++) {
			uint64_t mate = (uint64_t)((q * 7919) % n);
			fp_bench_synth_finger(mate + 1, (int)minutiae, 320, 400, &t);
			fp_bench_synth_impression(&t, mate + 1000003, 0.35f, 18, -12, 4, 0.3f, 8, &u);
			p->count = 1;
			p->finger[0] = 0;
			if (fp_match_prepare(&u, &p->tpl[0], &err) != SH_OK)
				return 1;
			struct fp_candidate out[10];
			int nout;
			double s0 = now_s(), c0 = cpu_s();
			if (fp_search(&g, p, 10, threads, out, &nout, &err) != SH_OK) {
				fprintf(stderr, "fp_search_bench: %s\n", err.msg);
				return 1;
			}
			t_search += now_s() - s0;
			c_search += cpu_s() - c0;
			hits += nout > 0 && out[0].subject == mate;
		}
		double total = (double)n * (double)probes;
		printf("threads=%d comparisons/s(wall)=%.0f per_core(cpu)=%.0f search_ms=%.1f top1=%d/%lld\n",
		       threads, total / t_search, total / c_search,
		       1000.0 * t_search / (double)probes, hits, (long long)probes);
	}
	size_t rec = fp_gallery_record_bytes();
	printf("bytes per gallery record: %zu (template %d); 10M fingers: %.1f GiB\n", rec,
	       FP_MTEMPLATE_BYTES, (double)rec * 1e7 / (1024.0 * 1024 * 1024));
	fp_gallery_free(&g);
	free(m);
	free(p);
	return 0;
}
