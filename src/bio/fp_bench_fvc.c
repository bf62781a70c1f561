/* fp_bench_fvc.c — the "FVC-B all pairs" comparison protocol: pair
 * enumeration and threaded scoring (fp_bench.h). FVC2002 databases are from
 * BioLab, University of Bologna. */
#include "bio/fp_bench.h"

#include <pthread.h>
#include <time.h>

#include "bio/fp_match.h"

size_t fp_bench_fvc_pairs(int nf, int ni, struct fp_bench_pair *out)
{
	size_t n = 0;
	/* genuine: same finger, impression i < j */
	for (int f = 0; f < nf; f++)
		for (int i = 0; i < ni; i++)
			for (int j = i + 1; j < ni; j++) {
				if (out)
					out[n] = (struct fp_bench_pair){f * ni + i, f * ni + j, 0, 1};
				n++;
			}
	/* impostor: fingers fa < fb, all impressions of both */
	for (int fa = 0; fa < nf; fa++)
		for (int fb = fa + 1; fb < nf; fb++)
			for (int i = 0; i < ni; i++)
				for (int j = 0; j < ni; j++) {
					if (out)
						out[n] = (struct fp_bench_pair){fa * ni + i, fb * ni + j, 0, 0};
					n++;
				}
	return n;
}

struct score_job {
	const struct fp_mtemplate *t;
	struct fp_bench_pair *p;
	size_t lo, hi;
	double cpu;
};

static double thread_cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *score_range(void *arg)
{
	struct score_job *j = arg;
	double c0 = thread_cpu();
	for (size_t k = j->lo; k < j->hi; k++)
		j->p[k].score = fp_match(&j->t[j->p[k].a], &j->t[j->p[k].b]);
	j->cpu += thread_cpu() - c0;
	return NULL;
}

double fp_bench_score_pairs(const struct fp_mtemplate *t, struct fp_bench_pair *pairs,
			    size_t n, int threads, double *cpu_seconds)
{
	struct timespec t0, t1;
	struct score_job jobs[64];
	pthread_t tid[64];
	int started[64] = {0};
	if (threads < 1)
		threads = 1;
	if (threads > 64)
		threads = 64;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int k = 0; k < threads; k++)
		jobs[k] = (struct score_job){t, pairs, n * (size_t)k / (size_t)threads,
					     n * (size_t)(k + 1) / (size_t)threads, 0.0};
	for (int k = 1; k < threads; k++)
		started[k] = pthread_create(&tid[k], NULL, score_range, &jobs[k]) == 0;
	score_range(&jobs[0]);
	for (int k = 1; k < threads; k++) {
		if (started[k])
			pthread_join(tid[k], NULL);
		else
			score_range(&jobs[k]); /* no thread: do its share here */
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (cpu_seconds) {
		*cpu_seconds = 0;
		for (int k = 0; k < threads; k++)
			*cpu_seconds += jobs[k].cpu;
	}
	return (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
}
