/* lk_cluster.c — links into entities. Transitive closure alone chains:
 * one weak link between two families merges both. So links are taken
 * strongest first and a merge must pass a guard (lk_link.h). */
#include "linkage/lk_link.h"

#include <stdlib.h>
#include <string.h>

/* The score of a compared pair, for the guard. When the pairs come sorted
 * by (a, b) with a < b — as lk_run hands them over — a binary search over
 * them needs no memory; otherwise a hash map is built (12 bytes a slot). */
struct pmap {
	uint64_t *key; /* i << 32 | j + 1; 0 = empty */
	float *p;
	size_t slots;
	const struct lk_pair *sorted;
	size_t nsorted;
};

static size_t pm_slot(uint64_t k, size_t slots)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (size_t)k & (slots - 1);
}

static float pm_get(const struct pmap *m, uint32_t a, uint32_t b)
{
	if (a > b) {
		uint32_t x = a;
		a = b;
		b = x;
	}
	if (m->sorted) {
		size_t lo = 0, hi = m->nsorted;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			const struct lk_pair *q = &m->sorted[mid];
			if (q->a < a || (q->a == a && q->b < b))
				lo = mid + 1;
			else
				hi = mid;
		}
		return lo < m->nsorted && m->sorted[lo].a == a && m->sorted[lo].b == b ?
			       m->sorted[lo].p :
			       -1.0f;
	}
	uint64_t k = ((uint64_t)a << 32 | b) + 1;
	for (size_t s = pm_slot(k, m->slots);; s = (s + 1) & (m->slots - 1)) {
		if (m->key[s] == 0)
			return -1.0f;
		if (m->key[s] == k)
			return m->p[s];
	}
}

static int pair_cmp(const void *a, const void *b)
{
	const struct lk_pair *x = *(const struct lk_pair *const *)a;
	const struct lk_pair *y = *(const struct lk_pair *const *)b;
	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	return x->b < y->b ? -1 : x->b > y->b;
}

static uint32_t find(uint32_t *parent, uint32_t i)
{
	while (parent[i] != i) {
		parent[i] = parent[parent[i]];
		i = parent[i];
	}
	return i;
}

int lk_cluster(const struct lk_table *t, const struct lk_pair *pairs, size_t npairs,
	       double link_p, double nonlink_p, uint64_t unique_sources, size_t max_size,
	       uint32_t *cluster, struct sh_err *err)
{
	int rc = SH_OK;
	struct pmap m = {0};
	const struct lk_pair **links = NULL;
	uint32_t *parent = NULL, *next = NULL, *size = NULL;
	uint64_t *mask = NULL;
	size_t nl = 0, n = t->n;
	int sorted = 1;
	for (size_t i = 0; i < npairs && sorted; i++)
		sorted = pairs[i].a < pairs[i].b &&
			 (i == 0 || pairs[i - 1].a < pairs[i].a ||
			  (pairs[i - 1].a == pairs[i].a && pairs[i - 1].b < pairs[i].b));
	m.slots = 1024;
	while (!sorted && m.slots < npairs * 2)
		m.slots *= 2;
	if (sorted) {
		m.sorted = pairs;
		m.nsorted = npairs;
		m.slots = 1;
	}
	m.key = calloc(m.slots, sizeof *m.key);
	m.p = malloc(m.slots * sizeof *m.p);
	size_t nlinks = 0; /* the links only: most candidate pairs are not */
	for (size_t i = 0; i < npairs; i++)
		nlinks += pairs[i].p >= link_p;
	links = malloc((nlinks ? nlinks : 1) * sizeof *links);
	parent = malloc((n ? n : 1) * sizeof *parent);
	next = malloc((n ? n : 1) * sizeof *next);
	size = malloc((n ? n : 1) * sizeof *size);
	mask = malloc((n ? n : 1) * sizeof *mask);
	if (!m.key || !m.p || !links || !parent || !next || !size || !mask) {
		rc = sh_err_set(err, SH_ENOMEM, "NO_MEMORY", "clustering");
		goto out;
	}
	for (size_t i = 0; i < npairs; i++) {
		if (pairs[i].p >= link_p)
			links[nl++] = &pairs[i];
		if (sorted)
			continue;
		uint64_t k = ((uint64_t)pairs[i].a << 32 | pairs[i].b) + 1;
		size_t s = pm_slot(k, m.slots);
		while (m.key[s] && m.key[s] != k)
			s = (s + 1) & (m.slots - 1);
		m.key[s] = k;
		m.p[s] = pairs[i].p;
	}
	qsort(links, nl, sizeof *links, pair_cmp);
	for (size_t i = 0; i < n; i++) {
		parent[i] = (uint32_t)i;
		next[i] = UINT32_MAX;
		size[i] = 1;
		mask[i] = 1ULL << t->r[i].source;
	}
	/* members of a root: a singly linked list from the root through next[] */
	for (size_t e = 0; e < nl; e++) {
		uint32_t ra = find(parent, links[e]->a), rb = find(parent, links[e]->b);
		if (ra == rb)
			continue;
		if ((size_t)size[ra] + size[rb] > max_size)
			continue;
		if (mask[ra] & mask[rb] & unique_sources)
			continue;
		int veto = 0;
		for (uint32_t x = ra; x != UINT32_MAX && !veto; x = next[x])
			for (uint32_t y = rb; y != UINT32_MAX; y = next[y]) {
				float p = pm_get(&m, x, y);
				if (p >= 0.0f && p < nonlink_p) {
					veto = 1;
					break;
				}
			}
		if (veto)
			continue;
		if (size[ra] < size[rb]) {
			uint32_t s = ra;
			ra = rb;
			rb = s;
		}
		/* splice rb's list after ra */
		uint32_t tail = rb;
		while (next[tail] != UINT32_MAX)
			tail = next[tail];
		next[tail] = next[ra];
		next[ra] = rb;
		parent[rb] = ra;
		size[ra] += size[rb];
		mask[ra] |= mask[rb];
	}
	for (size_t i = 0; i < n; i++)
		cluster[i] = find(parent, (uint32_t)i);
out:
	free(m.key);
	free(m.p);
	free(links);
	free(parent);
	free(next);
	free(size);
	free(mask);
	return rc;
}
