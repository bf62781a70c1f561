/* lk_em.c — Fellegi-Sunter under conditional independence, fitted by EM
 * (Winkler 1988; the fastLink formulation). EM runs over the distinct
 * comparison vectors with their counts, so its cost does not grow with the
 * number of pairs. u starts from a random sample of pairs, as Splink
 * estimates it, because nearly every random pair is a non-match; EM then
 * refines m, u and lambda together on the candidate pairs, with no labels. */
#include "linkage/lk_link.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LK_PROB_FLOOR 1e-6

void lk_patterns_init(struct lk_patterns *p)
{
	memset(p, 0, sizeof *p);
}

void lk_patterns_free(struct lk_patterns *p)
{
	free(p->gamma);
	free(p->count);
	free(p->slot);
	memset(p, 0, sizeof *p);
}

static uint64_t gamma_hash(const uint8_t g[LK_NF])
{
	uint64_t h = 1469598103934665603ULL;
	for (int f = 0; f < LK_NF; f++) {
		h ^= g[f];
		h *= 1099511628211ULL;
	}
	return h;
}

static int rehash(struct lk_patterns *p, size_t slots)
{
	uint32_t *s = malloc(slots * sizeof *s);
	if (!s)
		return -1;
	for (size_t i = 0; i < slots; i++)
		s[i] = UINT32_MAX;
	for (size_t i = 0; i < p->n; i++) {
		size_t k = gamma_hash(p->gamma[i]) & (slots - 1);
		while (s[k] != UINT32_MAX)
			k = (k + 1) & (slots - 1);
		s[k] = (uint32_t)i;
	}
	free(p->slot);
	p->slot = s;
	p->slots = slots;
	return 0;
}

long lk_patterns_add(struct lk_patterns *p, const uint8_t gamma[LK_NF], double count)
{
	if (p->slots == 0 && rehash(p, 1024))
		return -1;
	size_t k = gamma_hash(gamma) & (p->slots - 1);
	while (p->slot[k] != UINT32_MAX) {
		uint32_t i = p->slot[k];
		if (!memcmp(p->gamma[i], gamma, LK_NF)) {
			p->count[i] += count;
			return (long)i;
		}
		k = (k + 1) & (p->slots - 1);
	}
	if (p->n == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 256;
		uint8_t(*ng)[LK_NF] = realloc(p->gamma, nc * sizeof *ng);
		if (!ng)
			return -1;
		p->gamma = ng;
		double *nct = realloc(p->count, nc * sizeof *nct);
		if (!nct)
			return -1;
		p->count = nct;
		p->cap = nc;
	}
	memcpy(p->gamma[p->n], gamma, LK_NF);
	p->count[p->n] = count;
	p->slot[k] = (uint32_t)p->n;
	p->n++;
	if (p->n * 2 > p->slots && rehash(p, p->slots * 2))
		return -1;
	return (long)(p->n - 1);
}

static void normalise(double *v, int n)
{
	double s = 0;
	for (int l = 0; l < n; l++) {
		if (v[l] < LK_PROB_FLOOR)
			v[l] = LK_PROB_FLOOR;
		s += v[l];
	}
	for (int l = 0; l < n; l++)
		v[l] /= s;
}

void lk_model_start(struct lk_model *md, const struct lk_patterns *rp)
{
	memset(md, 0, sizeof *md);
	md->lambda = 0.1;
	for (int f = 0; f < LK_NF; f++) {
		int nl = lk_field_levels(f);
		/* m: agreement is likely among matches, each lower level less so */
		for (int l = 0; l < nl; l++)
			md->m[f][l] = l == nl - 1 ? 0.7 : 0.3 / (nl - 1);
		for (int l = 0; l < nl; l++)
			md->u[f][l] = 0.0;
		double seen = 0;
		for (size_t i = 0; rp && i < rp->n; i++) {
			uint8_t g = rp->gamma[i][f];
			if (g != LK_MISSING && g < nl) {
				md->u[f][g] += rp->count[i];
				seen += rp->count[i];
			}
		}
		if (seen == 0)
			for (int l = 0; l < nl; l++)
				md->u[f][l] = l == 0 ? 0.9 : 0.1 / (nl - 1);
		normalise(md->m[f], nl);
		normalise(md->u[f], nl);
	}
}

static void likelihoods(const struct lk_model *md, const uint8_t g[LK_NF], double *lm, double *lu)
{
	double a = 0, b = 0;
	for (int f = 0; f < LK_NF; f++) {
		if (g[f] == LK_MISSING)
			continue;
		a += log(md->m[f][g[f]]);
		b += log(md->u[f][g[f]]);
	}
	*lm = a;
	*lu = b;
}

double lk_model_weight(const struct lk_model *md, const uint8_t g[LK_NF])
{
	double lm, lu;
	likelihoods(md, g, &lm, &lu);
	return (lm - lu) / log(2.0);
}

double lk_model_posterior(const struct lk_model *md, const uint8_t g[LK_NF])
{
	double lm, lu;
	likelihoods(md, g, &lm, &lu);
	double x = log(md->lambda) + lm - log(1.0 - md->lambda) - lu;
	return 1.0 / (1.0 + exp(-x));
}

int lk_em_fit(struct lk_model *md, const struct lk_patterns *p, int max_iter, double tol)
{
	double prev_ll = -INFINITY;
	int it;
	for (it = 0; it < max_iter; it++) {
		double cm = 0, call = 0;
		double sm[LK_NF][LK_MAX_LEVELS] = {{0}}, su[LK_NF][LK_MAX_LEVELS] = {{0}};
		double ll = 0;
		for (size_t i = 0; i < p->n; i++) {
			double lm, lu;
			likelihoods(md, p->gamma[i], &lm, &lu);
			double a = log(md->lambda) + lm, b = log(1.0 - md->lambda) + lu;
			double mx = a > b ? a : b;
			double lse = mx + log(exp(a - mx) + exp(b - mx));
			double g = exp(a - lse);
			double c = p->count[i];
			ll += c * lse;
			cm += c * g;
			call += c;
			for (int f = 0; f < LK_NF; f++) {
				uint8_t l = p->gamma[i][f];
				if (l == LK_MISSING)
					continue;
				sm[f][l] += c * g;
				su[f][l] += c * (1.0 - g);
			}
		}
		if (call <= 0)
			break;
		md->lambda = cm / call;
		if (md->lambda < LK_PROB_FLOOR)
			md->lambda = LK_PROB_FLOOR;
		if (md->lambda > 1.0 - LK_PROB_FLOOR)
			md->lambda = 1.0 - LK_PROB_FLOOR;
		for (int f = 0; f < LK_NF; f++) {
			int nl = lk_field_levels(f);
			double tm = 0, tu = 0;
			for (int l = 0; l < nl; l++)
				tm += sm[f][l], tu += su[f][l];
			if (tm <= 0 || tu <= 0)
				continue; /* a field never observed keeps its start */
			for (int l = 0; l < nl; l++) {
				md->m[f][l] = sm[f][l] / tm;
				md->u[f][l] = su[f][l] / tu;
			}
			normalise(md->m[f], nl);
			normalise(md->u[f], nl);
		}
		if (fabs(ll - prev_ll) < tol * (fabs(ll) + 1.0))
			break;
		prev_ll = ll;
	}
	md->iterations = it + 1;
	return SH_OK;
}
