/* lk_run.c — block, compare, fit, score, cluster.
 *
 * A comparison vector is 12 fields of at most 4 levels or missing, so it
 * is one integer in base 5 (5^12 < 2^28): the comparing threads write one
 * uint32 per pair and nothing else, and the distinct codes become the
 * patterns EM runs over. Nothing is allocated per pair but that code and
 * the scored pair itself. */
#include "linkage/lk_link.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LK_MAX_THREADS 16
#define LK_CODE_BASE 5
#define LK_CODE_MISSING 4

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static uint32_t gamma_code(const uint8_t g[LK_NF])
{
	uint32_t c = 0;
	for (int f = LK_NF - 1; f >= 0; f--)
		c = c * LK_CODE_BASE + (g[f] == LK_MISSING ? LK_CODE_MISSING : g[f]);
	return c;
}

static void code_gamma(uint32_t c, uint8_t g[LK_NF])
{
	for (int f = 0; f < LK_NF; f++) {
		uint32_t l = c % LK_CODE_BASE;
		g[f] = l == LK_CODE_MISSING ? LK_MISSING : (uint8_t)l;
		c /= LK_CODE_BASE;
	}
}

/* the comparisons are independent: each thread codes its share of pairs */
struct cmp_job {
	const struct lk_table *t;
	const struct lk_pair *pairs;
	uint32_t *code;
	size_t lo, hi;
};

static void *cmp_worker(void *arg)
{
	struct cmp_job *j = arg;
	uint8_t g[LK_NF];
	for (size_t i = j->lo; i < j->hi; i++) {
		lk_compare(&j->t->r[j->pairs[i].a], &j->t->r[j->pairs[i].b], g);
		j->code[i] = gamma_code(g);
	}
	return NULL;
}

static void compare_all(const struct lk_table *t, const struct lk_pair *pairs, size_t nc,
			uint32_t *code, int threads)
{
	pthread_t th[LK_MAX_THREADS];
	struct cmp_job job[LK_MAX_THREADS];
	int started = 0;
	if (threads < 1)
		threads = 1;
	if (threads > LK_MAX_THREADS)
		threads = LK_MAX_THREADS;
	for (int k = 0; k < threads; k++) {
		job[k] = (struct cmp_job){t, pairs, code, nc * (size_t)k / (size_t)threads,
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
}

/* code -> pattern index, open addressing; the patterns are numbered in
 * the order of the pairs, so the numbering does not depend on threads */
struct code_map {
	uint32_t *code, *idx;
	size_t slots, n;
};

static int cm_grow(struct code_map *m)
{
	size_t ns = m->slots ? m->slots * 2 : 4096;
	uint32_t *nc = malloc(ns * sizeof *nc), *ni = malloc(ns * sizeof *ni);
	if (!nc || !ni) {
		free(nc);
		free(ni);
		return -1;
	}
	for (size_t s = 0; s < ns; s++)
		nc[s] = UINT32_MAX;
	for (size_t s = 0; s < m->slots; s++) {
		if (m->code[s] == UINT32_MAX)
			continue;
		size_t k = (m->code[s] * 2654435761u) & (ns - 1);
		while (nc[k] != UINT32_MAX)
			k = (k + 1) & (ns - 1);
		nc[k] = m->code[s];
		ni[k] = m->idx[s];
	}
	free(m->code);
	free(m->idx);
	m->code = nc;
	m->idx = ni;
	m->slots = ns;
	return 0;
}

/* the pattern index of `code`, adding it to p when new; -1: no memory */
static long cm_pattern(struct code_map *m, struct lk_patterns *p, uint32_t code)
{
	if ((m->n + 1) * 2 > m->slots && cm_grow(m))
		return -1;
	size_t k = (code * 2654435761u) & (m->slots - 1);
	while (m->code[k] != UINT32_MAX) {
		if (m->code[k] == code) {
			p->count[m->idx[k]] += 1.0;
			return m->idx[k];
		}
		k = (k + 1) & (m->slots - 1);
	}
	uint8_t g[LK_NF];
	code_gamma(code, g);
	long i = lk_patterns_add(p, g, 1.0);
	if (i < 0)
		return -1;
	m->code[k] = code;
	m->idx[k] = (uint32_t)i;
	m->n++;
	return i;
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
	float *pw = NULL, *pp = NULL;
	struct lk_patterns rp, cp;
	struct code_map cm = {0};
	lk_patterns_init(&rp);
	lk_patterns_init(&cp);
	memset(res, 0, sizeof *res);
	double t0 = now_s();
	rc = lk_block(t, link_mode, p->block_max, &cand, &nc, err);
	if (rc)
		goto out;
	double t1 = now_s();
	res->t_block = t1 - t0;
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
	/* the pairs take the candidates' place: grown in place (a large block
	 * is remapped, not copied) and filled from the end, where pair i
	 * covers candidates 2i and 2i+1, both already read */
	{
		struct lk_pair *pr = realloc(cand, (nc ? nc : 1) * sizeof *pr);
		if (!pr)
			goto nomem;
		cand = NULL;
		res->pairs = pr;
		const unsigned char *cv = (const unsigned char *)pr;
		for (size_t i = nc; i-- > 0;) {
			uint64_t c;
			memcpy(&c, cv + i * sizeof c, sizeof c); /* bytes: no aliasing */
			pr[i] = (struct lk_pair){(uint32_t)(c >> 32), (uint32_t)c, 0, 0};
		}
	}
	pat = malloc((nc ? nc : 1) * sizeof *pat);
	if (!pat)
		goto nomem;
	compare_all(t, res->pairs, nc, pat, p->threads);
	for (size_t i = 0; i < nc; i++) {
		long k = cm_pattern(&cm, &cp, pat[i]);
		if (k < 0)
			goto nomem;
		pat[i] = (uint32_t)k;
	}
	res->npairs = nc;
	res->npatterns = cp.n;
	double t2 = now_s();
	res->t_compare = t2 - t1;
	lk_model_start(&res->model, &rp);
	lk_em_fit(&res->model, &cp, p->em_iter, 1e-9);
	/* the score of each pattern once, then of each pair by its pattern */
	pw = malloc((cp.n ? cp.n : 1) * sizeof *pw);
	pp = malloc((cp.n ? cp.n : 1) * sizeof *pp);
	if (!pw || !pp)
		goto nomem;
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
	free(pat);
	pat = NULL;
	res->cluster = malloc((t->n ? t->n : 1) * sizeof *res->cluster);
	if (!res->cluster)
		goto nomem;
	double t3 = now_s();
	res->t_fit = t3 - t2;
	rc = lk_cluster(t, res->pairs, nc, p->link_p, p->review_p, p->unique_sources, p->max_cluster,
			res->cluster, err);
	res->t_cluster = now_s() - t3;
	goto out;
nomem:
	rc = sh_err_set(err, SH_ENOMEM, "NO_MEMORY", "linkage");
out:
	if (rc)
		lk_result_free(res);
	free(cand);
	free(pat);
	free(pw);
	free(pp);
	free(cm.code);
	free(cm.idx);
	lk_patterns_free(&rp);
	lk_patterns_free(&cp);
	return rc;
}
