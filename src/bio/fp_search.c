/* fp_search.c — the flat in-memory gallery and the multi-threaded 1:N scan
 * (fp_search.h). */
#include "bio/fp_search.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

int fp_gallery_init(struct fp_gallery *g, size_t capacity, struct sh_err *err)
{
	memset(g, 0, sizeof *g);
	if (capacity == 0 || capacity > SIZE_MAX / 2 / sizeof(struct fp_mtemplate))
		return sh_err_set(err, SH_EINVAL, "FP_GALLERY_CAPACITY",
				  "gallery capacity %zu out of range", capacity);
	g->tpl = aligned_alloc(64, capacity * sizeof(struct fp_mtemplate));
	g->subject = malloc(capacity * sizeof *g->subject);
	g->finger = malloc(capacity);
	if (!g->tpl || !g->subject || !g->finger) {
		fp_gallery_free(g);
		return sh_err_set(err, SH_ENOMEM, "FP_GALLERY_NOMEM",
				  "no memory for %zu gallery records", capacity);
	}
	g->capacity = capacity;
	return SH_OK;
}

void fp_gallery_free(struct fp_gallery *g)
{
	free(g->tpl);
	free(g->subject);
	free(g->finger);
	memset(g, 0, sizeof *g);
}

int fp_gallery_add(struct fp_gallery *g, uint64_t subject, int finger,
		   const struct fp_mtemplate *t, struct sh_err *err)
{
	if (finger < 0 || finger > 10)
		return sh_err_set(err, SH_EINVAL, "FP_FINGER_INVALID",
				  "finger position %d not in 0..10", finger);
	if (g->count >= g->capacity)
		return sh_err_set(err, SH_ETOOBIG, "FP_GALLERY_FULL",
				  "gallery full (%zu records)", g->capacity);
	g->tpl[g->count] = *t;
	g->subject[g->count] = subject;
	g->finger[g->count] = (uint8_t)finger;
	g->count++;
	return SH_OK;
}

size_t fp_gallery_record_bytes(void)
{
	return sizeof(struct fp_mtemplate) + sizeof(uint64_t) + 1;
}

/* A bounded min-heap of candidates: the root is the weakest kept. Order:
 * higher score first, then lower gallery index (deterministic ties). */
struct topk {
	struct fp_candidate *c;
	int n, k;
};

static int cand_worse(const struct fp_candidate *x, const struct fp_candidate *y)
{
	if (x->score != y->score)
		return x->score < y->score;
	return x->index > y->index;
}

static void topk_push(struct topk *h, const struct fp_candidate *v)
{
	if (h->n == h->k) {
		if (!cand_worse(&h->c[0], v))
			return;
		h->c[0] = *v;
		int i = 0;
		for (;;) { /* sift down */
			int l = 2 * i + 1, r = l + 1, m = i;
			if (l < h->n && cand_worse(&h->c[l], &h->c[m]))
				m = l;
			if (r < h->n && cand_worse(&h->c[r], &h->c[m]))
				m = r;
			if (m == i)
				break;
			struct fp_candidate t = h->c[i];
			h->c[i] = h->c[m];
			h->c[m] = t;
			i = m;
		}
		return;
	}
	int i = h->n++;
	h->c[i] = *v;
	while (i > 0) { /* sift up */
		int p = (i - 1) / 2;
		if (!cand_worse(&h->c[i], &h->c[p]))
			break;
		struct fp_candidate t = h->c[i];
		h->c[i] = h->c[p];
		h->c[p] = t;
		i = p;
	}
}

struct job {
	const struct fp_gallery *g;
	const struct fp_probe *probe;
	const struct fp_match_probe *mp; /* probe-side forms, built once */
	size_t lo, hi;
	struct topk heap;
};

static int compatible(int probe_finger, int gallery_finger)
{
	return probe_finger == 0 || gallery_finger == 0 || probe_finger == gallery_finger;
}

static void *scan(void *arg)
{
	struct job *j = arg;
	const struct fp_gallery *g = j->g;
	const int nf = j->probe->count;
	size_t r = j->lo;
	while (r < j->hi) {
		/* one subject = a run of consecutive records with its id */
		uint64_t subj = g->subject[r];
		float best[FP_PROBE_MAX_FINGERS] = {0};
		float top = 0.0f;
		size_t top_index = r;
		for (; r < j->hi && g->subject[r] == subj; r++) {
			for (int f = 0; f < nf; f++) {
				if (!compatible(j->probe->finger[f], g->finger[r]))
					continue;
				float s = fp_match_probed(&j->mp[f], &g->tpl[r]);
				if (s > best[f])
					best[f] = s;
				if (s > top) {
					top = s;
					top_index = r;
				}
			}
		}
		float fused = 0.0f;
		for (int f = 0; f < nf; f++)
			fused += best[f];
		if (fused > 0.0f) {
			struct fp_candidate c = {subj, top_index, fused, top};
			topk_push(&j->heap, &c);
		}
	}
	return NULL;
}

static int cand_order(const void *a, const void *b)
{
	const struct fp_candidate *x = a, *y = b;
	if (cand_worse(x, y))
		return 1;
	if (cand_worse(y, x))
		return -1;
	return 0;
}

int fp_search(const struct fp_gallery *g, const struct fp_probe *probe, int k,
	      int threads, struct fp_candidate *out, int *nout,
	      struct sh_err *err)
{
	int rc = SH_OK;
	struct job *jobs = NULL;
	struct fp_candidate *pool = NULL;
	struct fp_match_probe *mp = NULL;
	pthread_t tids[FP_SEARCH_MAX_THREADS];
	int started = 0;
	*nout = 0;
	if (k < 1 || k > FP_SEARCH_MAX_K || threads < 1 || threads > FP_SEARCH_MAX_THREADS)
		return sh_err_set(err, SH_EINVAL, "FP_SEARCH_ARGS",
				  "k %d or threads %d out of range", k, threads);
	if (probe->count < 1 || probe->count > FP_PROBE_MAX_FINGERS)
		return sh_err_set(err, SH_EINVAL, "FP_PROBE_INVALID",
				  "probe has %d fingers", probe->count);
	for (int f = 0; f < probe->count; f++)
		if (probe->finger[f] < 0 || probe->finger[f] > 10)
			return sh_err_set(err, SH_EINVAL, "FP_FINGER_INVALID",
					  "finger position %d not in 0..10", probe->finger[f]);
	if (g->count == 0)
		return SH_OK;
	if ((size_t)threads > g->count / 64 + 1)
		threads = (int)(g->count / 64 + 1);

	mp = malloc(sizeof *mp * FP_PROBE_MAX_FINGERS);
	jobs = calloc((size_t)threads, sizeof *jobs);
	pool = malloc(sizeof *pool * (size_t)k * (size_t)threads);
	if (!mp || !jobs || !pool) {
		rc = sh_err_set(err, SH_ENOMEM, "FP_SEARCH_NOMEM", "no memory for the search");
		goto out;
	}
	for (int f = 0; f < probe->count; f++)
		fp_match_probe_init(&mp[f], &probe->tpl[f]);

	/* slices of equal size, each end moved forward to a subject boundary
	 * so that no subject is split between two threads */
	size_t prev = 0;
	for (int t = 0; t < threads; t++) {
		size_t hi = t == threads - 1 ? g->count : g->count * (size_t)(t + 1) / (size_t)threads;
		if (hi < prev)
			hi = prev;
		while (hi < g->count && hi > 0 && g->subject[hi] == g->subject[hi - 1])
			hi++;
		jobs[t] = (struct job){g, probe, mp, prev, hi, {pool + (size_t)t * (size_t)k, 0, k}};
		prev = hi;
	}
	for (int t = 1; t < threads; t++) {
		if (pthread_create(&tids[t], NULL, scan, &jobs[t]) != 0) {
			rc = sh_err_set(err, SH_EBUSY, "FP_SEARCH_THREAD", "cannot start a search thread");
			break;
		}
		started = t;
	}
	if (rc == SH_OK)
		scan(&jobs[0]);
	for (int t = 1; t <= started; t++)
		pthread_join(tids[t], NULL);
	if (rc != SH_OK)
		goto out;

	/* merge: the per-thread heaps hold every possible top-k member */
	struct topk all = {out, 0, k};
	for (int t = 0; t < threads; t++)
		for (int i = 0; i < jobs[t].heap.n; i++)
			topk_push(&all, &jobs[t].heap.c[i]);
	qsort(out, (size_t)all.n, sizeof *out, cand_order);
	*nout = all.n;
out:
	free(pool);
	free(jobs);
	free(mp);
	return rc;
}
