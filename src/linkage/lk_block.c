/* lk_block.c — candidate pairs. No single key survives every typo, so the
 * union of several is taken (each catches what the others miss: the id
 * number, the date of birth with an initial, the two name keys, the
 * postcode with a name key, year of birth with a name key), plus a sorted
 * neighbourhood over the name keys for the typos in the first letters of
 * a key. Each block is a run of equal hashes in a sorted array, so memory
 * and time grow with n log n, not n squared. */
#include "linkage/lk_link.h"

#include <stdlib.h>
#include <string.h>

#define LK_NKEYS 8
#define LK_SN_WINDOW 4

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

static int hv_cmp(const void *a, const void *b)
{
	const struct hv *x = a, *y = b;
	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
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

int lk_block(const struct lk_table *t, int link_mode, size_t block_max, uint64_t **out,
	     size_t *nout, struct sh_err *err)
{
	struct pairs p = {0};
	struct hv *hv = NULL;
	struct sn *sn = NULL;
	int rc = SH_OK;
	*out = NULL;
	*nout = 0;
	if (t->n > UINT32_MAX)
		return sh_err_set(err, SH_ETOOBIG, "LINK_TOO_MANY", "too many records");
	hv = malloc((t->n ? t->n : 1) * sizeof *hv);
	if (!hv)
		goto nomem;
	for (int k = 0; k < LK_NKEYS; k++) {
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
			if (e - s <= block_max)
				for (size_t x = s; x < e; x++)
					for (size_t y = x + 1; y < e; y++)
						if (push(&p, t, link_mode, hv[x].i, hv[y].i))
							goto nomem;
			s = e;
		}
	}
	sn = malloc((t->n ? t->n : 1) * sizeof *sn);
	if (!sn)
		goto nomem;
	for (size_t i = 0; i < t->n; i++)
		sn[i] = (struct sn){&t->r[i], (uint32_t)i};
	qsort(sn, t->n, sizeof *sn, sn_cmp);
	for (size_t i = 0; i < t->n; i++)
		for (size_t w = 1; w <= LK_SN_WINDOW && i + w < t->n; w++)
			if (push(&p, t, link_mode, sn[i].i, sn[i + w].i))
				goto nomem;
	qsort(p.v, p.n, sizeof *p.v, u64_cmp);
	size_t u = 0;
	for (size_t i = 0; i < p.n; i++)
		if (u == 0 || p.v[i] != p.v[u - 1])
			p.v[u++] = p.v[i];
	*out = p.v;
	*nout = u;
	p.v = NULL;
	goto out;
nomem:
	rc = sh_err_set(err, SH_ENOMEM, "NO_MEMORY", "candidate pairs");
out:
	free(p.v);
	free(hv);
	free(sn);
	return rc;
}
