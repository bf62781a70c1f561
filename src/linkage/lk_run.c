/* lk_run.c — block, compare, fit, score, cluster. */
#include "linkage/lk_link.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define LK_MAX_THREADS 16

/* the comparisons are independent: each thread fills its share of gamma */
struct cmp_job {
	const struct lk_table *t;
	const uint64_t *cand;
	uint8_t (*gamma)[LK_NF];
	size_t lo, hi;
};

static void *cmp_worker(void *arg)
{
	struct cmp_job *j = arg;
	for (size_t i = j->lo; i < j->hi; i++)
		lk_compare(&j->t->r[j->cand[i] >> 32], &j->t->r[(uint32_t)j->cand[i]], j->gamma[i]);
	return NULL;
}

static int compare_all(const struct lk_table *t, const uint64_t *cand, size_t nc,
		       uint8_t (*gamma)[LK_NF], int threads)
{
	pthread_t th[LK_MAX_THREADS];
	struct cmp_job job[LK_MAX_THREADS];
	int started = 0;
	if (threads < 1)
		threads = 1;
	if (threads > LK_MAX_THREADS)
		threads = LK_MAX_THREADS;
	for (int k = 0; k < threads; k++) {
		job[k] = (struct cmp_job){t, cand, gamma, nc * (size_t)k / (size_t)threads,
					  nc * (size_t)(k + 1) / (size_t)threads};
		if (k == threads - 1 || pthread_create(&th[k], NULL, cmp_worker, &job[k])) {
			/* the last share (or one whose thread did not start) runs here */
			cmp_worker(&job[k]);
			continue;
		}
		started |= 1 << k;
	}
	for (int k = 0; k < threads; k++)
		if (started & (1 << k))
			pthread_join(th[k], NULL);
	return 0;
}

void lk_params_default(struct lk_params *p)
{
	p->block_max = 200;
	p->random_pairs = 200000;
	p->em_iter = 100;
	p->link_p = 0.5;
	p->review_p = 0.05;
	p->max_cluster = 64;
	p->unique_sources = 0;
	p->threads = 2;
}

void lk_result_free(struct lk_result *r)
{
	free(r->pairs);
	free(r->cluster);
	memset(r, 0, sizeof *r);
}

/* xorshift64*: a fixed seed so that a run is repeatable */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

int lk_run(const struct lk_table *t, int link_mode, const struct lk_params *p,
	   struct lk_result *res, struct sh_err *err)
{
	int rc;
	uint64_t *cand = NULL;
	size_t nc = 0;
	uint32_t *pat = NULL;
	uint8_t (*gam)[LK_NF] = NULL;
	struct lk_patterns rp, cp;
	lk_patterns_init(&rp);
	lk_patterns_init(&cp);
	memset(res, 0, sizeof *res);
	rc = lk_block(t, link_mode, p->block_max, &cand, &nc, err);
	if (rc)
		goto out;
	/* the starting u: random pairs */
	uint64_t seed = 0x9E3779B97F4A7C15ULL;
	for (size_t i = 0; t->n > 1 && i < p->random_pairs; i++) {
		uint32_t a = (uint32_t)(rnd(&seed) % t->n), b = (uint32_t)(rnd(&seed) % t->n);
		if (a == b || (link_mode && t->r[a].source == t->r[b].source))
			continue;
		uint8_t g[LK_NF];
		lk_compare(&t->r[a], &t->r[b], g);
		if (lk_patterns_add(&rp, g, 1.0) < 0)
			goto nomem;
	}
	res->pairs = malloc((nc ? nc : 1) * sizeof *res->pairs);
	pat = malloc((nc ? nc : 1) * sizeof *pat);
	res->cluster = malloc((t->n ? t->n : 1) * sizeof *res->cluster);
	gam = malloc((nc ? nc : 1) * sizeof *gam);
	if (!res->pairs || !pat || !res->cluster || !gam)
		goto nomem;
	compare_all(t, cand, nc, gam, p->threads);
	for (size_t i = 0; i < nc; i++) {
		uint32_t a = (uint32_t)(cand[i] >> 32), b = (uint32_t)cand[i];
		long k = lk_patterns_add(&cp, gam[i], 1.0);
		if (k < 0)
			goto nomem;
		pat[i] = (uint32_t)k;
		res->pairs[i] = (struct lk_pair){a, b, 0, 0};
	}
	free(gam); /* the patterns stand for the vectors from here */
	gam = NULL;
	res->npairs = nc;
	res->npatterns = cp.n;
	lk_model_start(&res->model, &rp);
	lk_em_fit(&res->model, &cp, p->em_iter, 1e-9);
	/* the score of each pattern once, then of each pair by its pattern */
	float *pw = malloc((cp.n ? cp.n : 1) * sizeof *pw), *pp = malloc((cp.n ? cp.n : 1) * sizeof *pp);
	if (!pw || !pp) {
		free(pw);
		free(pp);
		goto nomem;
	}
	for (size_t k = 0; k < cp.n; k++) {
		pw[k] = (float)lk_model_weight(&res->model, cp.gamma[k]);
		pp[k] = (float)lk_model_posterior(&res->model, cp.gamma[k]);
	}
	for (size_t i = 0; i < nc; i++) {
		res->pairs[i].weight = pw[pat[i]];
		res->pairs[i].p = pp[pat[i]];
		if (pp[pat[i]] >= p->link_p)
			res->nlinks++;
		else if (pp[pat[i]] >= p->review_p)
			res->nreview++;
	}
	free(pw);
	free(pp);
	rc = lk_cluster(t, res->pairs, nc, p->link_p, p->review_p, p->unique_sources, p->max_cluster,
			res->cluster, err);
	goto out;
nomem:
	rc = sh_err_set(err, SH_ENOMEM, "NO_MEMORY", "linkage");
out:
	if (rc)
		lk_result_free(res);
	free(cand);
	free(pat);
	free(gam);
	lk_patterns_free(&rp);
	lk_patterns_free(&cp);
	return rc;
}
