/* lk_evaluate — pairwise precision and recall of clusters against the true
 * entities (the measure the FEBRL literature reports). In link mode only
 * pairs of records from different sources count. */
#include "linkage/lk_link.h"

#include <stdlib.h>

struct key3 {
	uint64_t g1;   /* cluster or entity */
	uint64_t g2;   /* entity within cluster, or 0 */
	uint32_t src;
};

static int key_cmp(const void *a, const void *b)
{
	const struct key3 *x = a, *y = b;
	if (x->g1 != y->g1)
		return x->g1 < y->g1 ? -1 : 1;
	if (x->g2 != y->g2)
		return x->g2 < y->g2 ? -1 : 1;
	return x->src < y->src ? -1 : x->src > y->src;
}

/* pairs inside runs of equal (g1, g2), counted across sources in link mode */
static double count_pairs(struct key3 *k, size_t n, int link_mode)
{
	double total = 0;
	qsort(k, n, sizeof *k, key_cmp);
	for (size_t s = 0; s < n;) {
		size_t e = s;
		double sq = 0;
		while (e < n && k[e].g1 == k[s].g1 && k[e].g2 == k[s].g2) {
			size_t f = e;
			while (f < n && k[f].g1 == k[s].g1 && k[f].g2 == k[s].g2 && k[f].src == k[e].src)
				f++;
			sq += (double)(f - e) * (double)(f - e);
			e = f;
		}
		double m = (double)(e - s);
		total += link_mode ? (m * m - sq) / 2.0 : m * (m - 1.0) / 2.0;
		s = e;
	}
	return total;
}

int lk_evaluate(const struct lk_table *t, const uint32_t *cluster, int link_mode,
		struct lk_quality *q, struct sh_err *err)
{
	struct key3 *k = malloc((t->n ? t->n : 1) * sizeof *k);
	if (!k)
		return sh_err_set(err, SH_ENOMEM, "NO_MEMORY", "evaluation");
	for (size_t i = 0; i < t->n; i++)
		k[i] = (struct key3){cluster[i], 0, t->r[i].source};
	q->predicted = count_pairs(k, t->n, link_mode);
	for (size_t i = 0; i < t->n; i++)
		k[i] = (struct key3){cluster[i], (uint64_t)t->r[i].entity, t->r[i].source};
	q->tp = count_pairs(k, t->n, link_mode);
	for (size_t i = 0; i < t->n; i++)
		k[i] = (struct key3){(uint64_t)t->r[i].entity, 0, t->r[i].source};
	q->truth = count_pairs(k, t->n, link_mode);
	free(k);
	q->precision = q->predicted > 0 ? q->tp / q->predicted : 1.0;
	q->recall = q->truth > 0 ? q->tp / q->truth : 1.0;
	q->f1 = q->precision + q->recall > 0
			? 2 * q->precision * q->recall / (q->precision + q->recall)
			: 0.0;
	return SH_OK;
}
