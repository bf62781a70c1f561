/* lk_block.c — candidate pairs. No single key survives every typo, so the
 * union of several is taken (each catches what the others miss: the id
 * number, the date of birth with an initial, the two name keys, the
 * postcode with a name key, year of birth with a name key), plus a sorted
 * neighbourhood over the name keys for the typos in the first letters of
 * a key. Each block is a run of equal hashes in a sorted array, so memory
 * and time grow with n log n, not n squared.
 *
 * Inside a block the records are sorted by the names the key does not
 * hold, and each record is paired with the next LK_BLOCK_WINDOW only: a
 * block of up to LK_BLOCK_WINDOW + 1 records gives all its pairs, as a
 * plain block does, and a bigger one (a common surname in a common year
 * of birth, which grows with the population) gives at most that many pairs
 * per record instead of a square. So the candidate count grows linearly
 * with the number of records (D36). The keys run on up to two threads, one
 * pair list each; the union is radix-sorted and made unique, so the result
 * does not depend on the thread count. */
#include "linkage/lk_link.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define LK_NKEYS 8
#define LK_SN_WINDOW 4
#define LK_BLOCK_WINDOW 8
#define LK_BLOCK_THREADS 2

struct hv {
	uint64_t h;
	uint32_t i;
};

struct pairs {
	uint64_t *v;
	size_t n, cap;
};

static uint64_t fnv(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	h ^= 0xff; /* field separator */
	h *= 1099511628211ULL;
	return h;
}

/* the first letters of a key word, skipping the vowel mark */
static const char *skip_mark(const char *k)
{
	return k[0] == 'A' && k[1] ? k + 1 : k;
}

/* Hash of blocking key `k` of r, or 0 when a part is missing. */
static uint64_t key_hash(const struct lk_rec *r, int k)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)k;
	const char *g = r->key[0], *s = r->key[1], *d = r->f[LK_DOB];
	switch (k) {
	case 0:
		if (!*r->f[LK_IDNO])
			return 0;
		h = fnv(h, r->f[LK_IDNO], 64);
		break;
	case 1:
		if (!*d || !*g)
			return 0;
		h = fnv(fnv(h, d, 8), skip_mark(g), 1);
		break;
	case 2:
		if (!*d || !*s)
			return 0;
		h = fnv(fnv(h, d, 8), skip_mark(s), 1);
		break;
	case 3:
		if (!*g || !*s)
			return 0;
		/* with the father's initial where it is known: common name
		 * pairs (Muhammad Khan) would otherwise make huge blocks */
		h = fnv(fnv(fnv(h, g, 64), s, 64), skip_mark(r->key[2]), 1);
		break;
	case 4:
		if (!*r->f[LK_POSTCODE] || !*s)
			return 0;
		h = fnv(fnv(h, r->f[LK_POSTCODE], 64), s, 64);
		break;
	case 5:
		if (!*r->f[LK_POSTCODE] || !*g)
			return 0;
		h = fnv(fnv(h, r->f[LK_POSTCODE], 64), g, 64);
		break;
	case 6:
		if (strlen(d) < 4 || !*s)
			return 0;
		h = fnv(fnv(h, d, 4), s, 64);
		break;
	case 7:
		if (strlen(d) < 4 || !*g)
			return 0;
		h = fnv(fnv(h, d, 4), g, 64);
		break;
	default:
		return 0;
	}
	return h ? h : 1;
}

/* The order inside a block of key k: first the name the key does not
 * hold, then the others, then the date of birth (so that neighbours in a
 * big block are the most alike). -1 ends a list; key[] index, or 3 = dob. */
static const signed char within[LK_NKEYS][4] = {
	{0, 1, 2, 3}, {1, 2, 0, 3}, {0, 2, 1, 3}, {2, 3, 0, 1},
	{0, 2, 3, 1}, {1, 2, 3, 0}, {0, 2, 3, 1}, {1, 2, 3, 0},
};

static const char *within_field(const struct lk_rec *r, int w)
{
	return w == 3 ? r->f[LK_DOB] : r->key[w];
}

static int hv_cmp(const void *a, const void *b)
{
	const struct hv *x = a, *y = b;
	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static int push(struct pairs *p, const struct lk_table *t, int link_mode, uint32_t i, uint32_t j)
{
	if (i == j)
		return 0;
	if (link_mode && t->r[i].source == t->r[j].source)
		return 0;
	if (i > j) {
		uint32_t x = i;
		i = j;
		j = x;
	}
	if (p->n == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 4096;
		uint64_t *nv = realloc(p->v, nc * sizeof *nv);
		if (!nv)
			return -1;
		p->v = nv;
		p->cap = nc;
	}
	p->v[p->n++] = (uint64_t)i << 32 | j;
	return 0;
}

/* one block sorted by `within`; qsort has no context argument, so the
 * table and key of this thread's block travel in thread-local storage */
static _Thread_local const struct lk_table *within_t;
static _Thread_local int within_k;

static int within_cmp(const void *pa, const void *pb)
{
	const struct hv *x = pa, *y = pb;
	for (int w = 0; w < 4; w++) {
		int c = strcmp(within_field(&within_t->r[x->i], within[within_k][w]),
			       within_field(&within_t->r[y->i], within[within_k][w]));
		if (c)
			return c;
	}
	return x->i < y->i ? -1 : x->i > y->i;
}

static void sort_block(const struct lk_table *t, int k, struct hv *v, size_t n)
{
	within_t = t;
	within_k = k;
	qsort(v, n, sizeof *v, within_cmp);
}

struct sn {
	const struct lk_rec *r;
	uint32_t i;
};

static int sn_cmp(const void *a, const void *b)
{
	const struct sn *x = a, *y = b;
	int c = strcmp(x->r->key[1], y->r->key[1]);
	if (!c)
		c = strcmp(x->r->key[0], y->r->key[0]);
	return c ? c : (x->i < y->i ? -1 : x->i > y->i);
}

struct key_job {
	const struct lk_table *t;
	int link_mode;
	size_t block_max;
	int k0, k1; /* keys k0, k0 + step, ... below k1 */
	int step;
	struct pairs p;
	int failed;
};

/* the sorted neighbourhood over the name keys (the pseudo-key LK_NKEYS) */
static int sorted_neighbourhood(struct key_job *j)
{
	const struct lk_table *t = j->t;
	struct sn *sn = malloc((t->n ? t->n : 1) * sizeof *sn);
	if (!sn)
		return -1;
	for (size_t i = 0; i < t->n; i++)
		sn[i] = (struct sn){&t->r[i], (uint32_t)i};
	qsort(sn, t->n, sizeof *sn, sn_cmp);
	for (size_t i = 0; i < t->n; i++)
		for (size_t w = 1; w <= LK_SN_WINDOW && i + w < t->n; w++)
			if (push(&j->p, t, j->link_mode, sn[i].i, sn[i + w].i)) {
				free(sn);
				return -1;
			}
	free(sn);
	return 0;
}

static void *key_worker(void *arg)
{
	struct key_job *j = arg;
	const struct lk_table *t = j->t;
	struct hv *hv = malloc((t->n ? t->n : 1) * sizeof *hv);
	if (!hv) {
		j->failed = 1;
		return NULL;
	}
	for (int k = j->k0; k < j->k1; k += j->step) {
		if (k == LK_NKEYS) {
			if (sorted_neighbourhood(j))
				j->failed = 1;
			continue;
		}
		size_t m = 0;
		for (size_t i = 0; i < t->n; i++) {
			uint64_t h = key_hash(&t->r[i], k);
			if (h)
				hv[m++] = (struct hv){h, (uint32_t)i};
		}
		qsort(hv, m, sizeof *hv, hv_cmp);
		for (size_t s = 0; s < m;) {
			size_t e = s + 1;
			while (e < m && hv[e].h == hv[s].h)
				e++;
			if (e - s <= j->block_max) {
				if (e - s > LK_BLOCK_WINDOW + 1)
					sort_block(t, k, hv + s, e - s);
				for (size_t x = s; x < e; x++)
					for (size_t y = x + 1; y < e && y <= x + LK_BLOCK_WINDOW; y++)
						if (push(&j->p, t, j->link_mode, hv[x].i, hv[y].i)) {
							j->failed = 1;
							goto out;
						}
			}
			s = e;
		}
	}
out:
	free(hv);
	return NULL;
}

/* LSD radix sort of pair codes on the bits that are in use (the record
 * indices' low bits of both halves): a few linear passes instead of a
 * comparison sort of tens of millions of codes. */
static int radix_sort(uint64_t *v, size_t n, size_t nrec)
{
	int bits = 1;
	while (bits < 32 && ((uint64_t)1 << bits) < nrec)
		bits++;
	uint64_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
	size_t *cnt = malloc(((size_t)1 << 16) * sizeof *cnt);
	if (!tmp || !cnt) {
		free(tmp);
		free(cnt);
		return -1;
	}
	uint64_t *src = v, *dst = tmp;
	for (int half = 0; half < 2; half++)
		for (int lo = 0; lo < bits; lo += 16) {
			int shift = half * 32 + lo;
			int w = bits - lo < 16 ? bits - lo : 16;
			size_t nb = (size_t)1 << w, mask = nb - 1;
			memset(cnt, 0, nb * sizeof *cnt);
			for (size_t i = 0; i < n; i++)
				cnt[(src[i] >> shift) & mask]++;
			size_t sum = 0;
			for (size_t b = 0; b < nb; b++) {
				size_t c = cnt[b];
				cnt[b] = sum;
				sum += c;
			}
			for (size_t i = 0; i < n; i++)
				dst[cnt[(src[i] >> shift) & mask]++] = src[i];
			uint64_t *x = src;
			src = dst;
			dst = x;
		}
	if (src != v)
		memcpy(v, src, n * sizeof *v);
	free(tmp);
	free(cnt);
	return 0;
}

int lk_block(const struct lk_table *t, int link_mode, size_t block_max, uint64_t **out,
	     size_t *nout, struct sh_err *err)
{
	struct pairs p = {0};
	struct key_job job[LK_BLOCK_THREADS];
	pthread_t th[LK_BLOCK_THREADS];
	int started[LK_BLOCK_THREADS] = {0};
	int rc = SH_OK;
	*out = NULL;
	*nout = 0;
	if (t->n > UINT32_MAX)
		return sh_err_set(err, SH_ETOOBIG, "LINK_TOO_MANY", "too many records");
	for (int w = 0; w < LK_BLOCK_THREADS; w++)
		job[w] = (struct key_job){t, link_mode, block_max, w, LK_NKEYS + 1, LK_BLOCK_THREADS,
					  {0}, 0};
	for (int w = 0; w < LK_BLOCK_THREADS; w++)
		started[w] = w > 0 && !pthread_create(&th[w], NULL, key_worker, &job[w]);
	for (int w = 0; w < LK_BLOCK_THREADS; w++) {
		if (started[w])
			pthread_join(th[w], NULL);
		else
			key_worker(&job[w]); /* here, when no thread could start */
	}
	/* one list: the workers' lists (the neighbourhood is pseudo-key 8) */
	for (int w = 0; w < LK_BLOCK_THREADS; w++) {
		if (job[w].failed)
			goto nomem;
		if (job[w].p.n < job[w].p.cap) { /* the doubling's slack back */
			uint64_t *nv = realloc(job[w].p.v, (job[w].p.n ? job[w].p.n : 1) * sizeof *nv);
			if (nv) {
				job[w].p.v = nv;
				job[w].p.cap = job[w].p.n ? job[w].p.n : 1;
			}
		}
		if (!p.v) {
			p = job[w].p;
			job[w].p.v = NULL;
			continue;
		}
		if (p.n + job[w].p.n > p.cap) {
			uint64_t *nv = realloc(p.v, (p.n + job[w].p.n) * sizeof *nv);
			if (!nv)
				goto nomem;
			p.v = nv;
			p.cap = p.n + job[w].p.n;
		}
		if (job[w].p.n)
			memcpy(p.v + p.n, job[w].p.v, job[w].p.n * sizeof *p.v);
		p.n += job[w].p.n;
		free(job[w].p.v);
		job[w].p.v = NULL;
	}
	if (radix_sort(p.v, p.n, t->n))
		goto nomem;
	size_t u = 0;
	for (size_t i = 0; i < p.n; i++)
		if (u == 0 || p.v[i] != p.v[u - 1])
			p.v[u++] = p.v[i];
	if (u < p.n && u > 0) { /* give back what the duplicates held */
		uint64_t *nv = realloc(p.v, u * sizeof *nv);
		if (nv)
			p.v = nv;
	}
	*out = p.v;
	*nout = u;
	p.v = NULL;
	goto out;
nomem:
	rc = sh_err_set(err, SH_ENOMEM, "NO_MEMORY", "candidate pairs");
out:
	for (int w = 0; w < LK_BLOCK_THREADS; w++)
		free(job[w].p.v);
	free(p.v);
	return rc;
}
