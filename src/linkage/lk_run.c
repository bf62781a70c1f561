/* lk_run.c — block, compare, fit, score, cluster. */
#include "linkage/lk_link.h"

#include <stdlib.h>
#include <string.h>

void lk_params_default(struct lk_params *p)
{
	p->block_max = 200;
	p->random_pairs = 200000;
	p->em_iter = 100;
	p->link_p = 0.5;
	p->review_p = 0.05;
	p->max_cluster = 64;
	p->unique_sources = 0;
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
	if (!res->pairs || !pat || !res->cluster)
		goto nomem;
	for (size_t i = 0; i < nc; i++) {
		uint8_t g[LK_NF];
		uint32_t a = (uint32_t)(cand[i] >> 32), b = (uint32_t)cand[i];
		lk_compare(&t->r[a], &t->r[b], g);
		long k = lk_patterns_add(&cp, g, 1.0);
		if (k < 0)
			goto nomem;
		pat[i] = (uint32_t)k;
		res->pairs[i] = (struct lk_pair){a, b, 0, 0};
	}
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
	lk_patterns_free(&rp);
	lk_patterns_free(&cp);
	return rc;
}
