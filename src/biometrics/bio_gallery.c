/* bio_gallery.c — the repository's in-memory gallery and 1:N decision
 * (bio_gallery.h). */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bio/fp_iso.h"
#include "bio/fp_thresholds.h"
#include "biometrics/bio.h"
#include "biometrics/bio_gallery.h"
#include "lib/log.h"

/* One entry per enrolment added, in increasing enrolment id order (ids are
 * handed out increasing, loading goes in id order), so lookup is binary. */
struct subject {
	int64_t enrolment_id;
	char id_number[16];
	int retired;
};

struct bio_gallery {
	pthread_rwlock_t rw;      /* the arrays */
	pthread_mutex_t enrol;    /* bio_gallery_lock */
	struct fp_gallery fp;
	struct subject *subj;
	size_t nsubj, capsubj;
	int threads;
	int cross;                /* the mislabelled-position pass, on by default */
};

int bio_gallery_create(struct bio_gallery **out, struct sh_err *err)
{
	struct bio_gallery *g = calloc(1, sizeof *g);
	if (!g)
		return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "gallery");
	pthread_rwlock_init(&g->rw, NULL);
	pthread_mutex_init(&g->enrol, NULL);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	g->threads = n < 1 ? 1 : n > FP_SEARCH_MAX_THREADS ? FP_SEARCH_MAX_THREADS : (int)n;
	g->cross = 1;
	*out = g;
	return SH_OK;
}

void bio_gallery_free(struct bio_gallery *g)
{
	if (!g)
		return;
	fp_gallery_free(&g->fp);
	free(g->subj);
	pthread_rwlock_destroy(&g->rw);
	pthread_mutex_destroy(&g->enrol);
	free(g);
}

void bio_gallery_lock(struct bio_gallery *g)
{
	pthread_mutex_lock(&g->enrol);
}

void bio_gallery_unlock(struct bio_gallery *g)
{
	pthread_mutex_unlock(&g->enrol);
}

size_t bio_gallery_fingers(struct bio_gallery *g)
{
	pthread_rwlock_rdlock(&g->rw);
	size_t n = g->fp.count;
	pthread_rwlock_unlock(&g->rw);
	return n;
}

/* Room for `more` records: fp_gallery takes its memory once, so growing is
 * a new gallery of twice the size and one copy of the flat arrays. */
static int reserve(struct bio_gallery *g, size_t more, struct sh_err *err)
{
	if (g->fp.count + more <= g->fp.capacity)
		return SH_OK;
	size_t cap = g->fp.capacity ? g->fp.capacity : 1024;
	while (cap < g->fp.count + more)
		cap *= 2;
	struct fp_gallery ng;
	int rc = fp_gallery_init(&ng, cap, err);
	if (rc != SH_OK)
		return rc;
	if (g->fp.count) {
		memcpy(ng.tpl, g->fp.tpl, g->fp.count * sizeof *ng.tpl);
		memcpy(ng.subject, g->fp.subject, g->fp.count * sizeof *ng.subject);
		memcpy(ng.finger, g->fp.finger, g->fp.count * sizeof *ng.finger);
		ng.count = g->fp.count;
	}
	fp_gallery_free(&g->fp);
	g->fp = ng;
	return SH_OK;
}

static struct subject *find_subject(struct bio_gallery *g, int64_t id)
{
	size_t lo = 0, hi = g->nsubj;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (g->subj[mid].enrolment_id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < g->nsubj && g->subj[lo].enrolment_id == id ? &g->subj[lo] : NULL;
}

static int add_locked(struct bio_gallery *g, int64_t enrolment_id, const char *id_number,
		      const struct fp_probe *f, int retire, struct sh_err *err)
{
	if (g->nsubj && g->subj[g->nsubj - 1].enrolment_id >= enrolment_id)
		return sh_err_set(err, SH_EINTERNAL, "BIO_GALLERY_ORDER",
				  "enrolment %lld added out of order", (long long)enrolment_id);
	int rc = reserve(g, (size_t)f->count, err);
	if (rc != SH_OK)
		return rc;
	if (g->nsubj == g->capsubj) {
		size_t cap = g->capsubj ? g->capsubj * 2 : 1024;
		struct subject *ns = realloc(g->subj, cap * sizeof *ns);
		if (!ns)
			return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "gallery subjects");
		g->subj = ns;
		g->capsubj = cap;
	}
	/* A re-enrolment retires the person's earlier versions (a scan: rare,
	 * and never at load, where only current versions are read). */
	for (size_t i = 0; retire && i < g->nsubj; i++)
		if (!g->subj[i].retired && !strcmp(g->subj[i].id_number, id_number))
			g->subj[i].retired = 1;
	for (int i = 0; i < f->count; i++)
		if ((rc = fp_gallery_add(&g->fp, (uint64_t)enrolment_id, f->finger[i], &f->tpl[i],
					 err)) != SH_OK)
			return rc;
	struct subject *s = &g->subj[g->nsubj++];
	s->enrolment_id = enrolment_id;
	snprintf(s->id_number, sizeof s->id_number, "%s", id_number);
	s->retired = 0;
	return SH_OK;
}

int bio_gallery_add(struct bio_gallery *g, int64_t enrolment_id, const char *id_number,
		    const struct fp_probe *fingers, struct sh_err *err)
{
	pthread_rwlock_wrlock(&g->rw);
	int rc = add_locked(g, enrolment_id, id_number, fingers, 1, err);
	pthread_rwlock_unlock(&g->rw);
	return rc;
}

int bio_dedup_is_hit(const float *score, int n)
{
	int strong = 0;
	for (int i = 0; i < n; i++) {
		if (score[i] >= FP_THRESHOLD_FMR_0_01)
			return 1;
		strong += score[i] >= FP_THRESHOLD_FMR_0_1;
	}
	return strong >= 2;
}

void bio_gallery_set_cross(struct bio_gallery *g, int on)
{
	g->cross = on;
}

/* The subject's records are consecutive around any one of them. */
static void subject_range(const struct bio_gallery *g, size_t at, size_t *lo, size_t *hi)
{
	uint64_t subj = g->fp.subject[at];
	*lo = *hi = at;
	while (*lo > 0 && g->fp.subject[*lo - 1] == subj)
		(*lo)--;
	while (*hi + 1 < g->fp.count && g->fp.subject[*hi + 1] == subj)
		(*hi)++;
}

/* Probe finger i's best score against the candidate's finger at the same
 * position, for every probe finger: the figures the rule and the
 * adjudicator read. */
static void score_same(const struct bio_gallery *g, const struct fp_probe *probe,
		       const struct subject *s, size_t lo, size_t hi, struct bio_hit *h)
{
	memset(h, 0, sizeof *h);
	h->enrolment_id = s->enrolment_id;
	h->nfingers = probe->count;
	snprintf(h->id_number, sizeof h->id_number, "%s", s->id_number);
	for (int i = 0; i < probe->count; i++) {
		h->position[i] = probe->finger[i];
		for (size_t r = lo; r <= hi; r++)
			if (g->fp.finger[r] == probe->finger[i]) {
				float sc = fp_match(&probe->tpl[i], &g->fp.tpl[r]);
				if (sc > h->score[i])
					h->score[i] = sc;
			}
		h->fused += h->score[i];
	}
}

static int is_cross_position(int p)
{
	return p == 1 || p == 2 || p == 6 || p == 7;
}

static int listed(const struct bio_hit *out, int n, int64_t eid)
{
	for (int i = 0; i < n; i++)
		if (out[i].enrolment_id == eid)
			return 1;
	return 0;
}

/* Mislabelled positions (docs/biometrics.md, "Mislabelled positions";
 * decisions.md D41): a finger put on the wrong slot of the scanner is
 * compared by the same-position search only with the wrong finger of each
 * candidate. The swaps that happen — left for right hand, thumb for index
 * — are among the thumbs and index fingers (ISO/IEC 19794-2 positions 1, 2,
 * 6, 7), so each probe finger at one of those is searched again labelled as
 * each of the other three, and a candidate the same-position pass did not
 * raise is a hit only when one of these cross-position comparisons alone
 * reaches BIO_CROSS_THRESHOLD (no two-finger route). */
static int cross_pass(struct bio_gallery *g, const struct fp_probe *probe,
		      const char *self, struct fp_candidate *cand, struct bio_hit *out,
		      int *nout, struct sh_err *err)
{
	static const int set[4] = {1, 2, 6, 7};
	struct fp_probe *x = aligned_alloc(_Alignof(struct fp_probe), sizeof *x);
	if (!x)
		return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "cross-position search");
	int src[FP_PROBE_MAX_FINGERS], rc = SH_OK, i = 0;
	/* The searches run even when the same-position pass filled the list:
	 * an enrolment's latency should not depend on how many hits it has
	 * (and the benchmark measures the pass on synthetic galleries where
	 * every probe hits). */
	while (i < probe->count) {
		/* three probe fingers a search at most: 3 x 3 relabelled entries */
		x->count = 0;
		for (; i < probe->count && x->count + 3 <= FP_PROBE_MAX_FINGERS; i++) {
			if (!is_cross_position(probe->finger[i]))
				continue;
			for (int k = 0; k < 4; k++)
				if (set[k] != probe->finger[i]) {
					x->finger[x->count] = set[k];
					x->tpl[x->count] = probe->tpl[i];
					src[x->count++] = i;
				}
		}
		if (!x->count)
			break;
		int nc = 0;
		if ((rc = fp_search(&g->fp, x, BIO_SEARCH_K, g->threads, cand, &nc, err)) != SH_OK)
			break;
		for (int c = 0; c < nc && *nout < BIO_HITS_MAX; c++) {
			if (cand[c].best < BIO_CROSS_THRESHOLD)
				continue;
			const struct subject *s = find_subject(g, (int64_t)cand[c].subject);
			if (!s || s->retired || (self && !strcmp(s->id_number, self)) ||
			    listed(out, *nout, s->enrolment_id))
				continue;
			size_t lo, hi;
			subject_range(g, cand[c].index, &lo, &hi);
			float best = 0;
			int be = -1, br = -1;
			for (int e = 0; e < x->count; e++)
				for (size_t r = lo; r <= hi; r++)
					if (g->fp.finger[r] == x->finger[e]) {
						float sc = fp_match(&x->tpl[e], &g->fp.tpl[r]);
						if (sc > best)
							best = sc, be = e, br = (int)r;
					}
			if (be < 0 || best < BIO_CROSS_THRESHOLD)
				continue;
			struct bio_hit h;
			score_same(g, probe, s, lo, hi, &h);
			h.cross_position = probe->finger[src[be]];
			h.cross_candidate_position = g->fp.finger[br];
			h.cross_score = best;
			out[(*nout)++] = h;
		}
	}
	free(x);
	return rc;
}

int bio_gallery_search(struct bio_gallery *g, const struct fp_probe *probe, const char *self,
		       struct bio_hit *out, int *nout, struct sh_err *err)
{
	*nout = 0;
	struct fp_candidate *cand = malloc(BIO_SEARCH_K * sizeof *cand);
	if (!cand)
		return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "search");
	int nc = 0, rc = SH_OK;
	pthread_rwlock_rdlock(&g->rw);
	if (g->fp.count == 0 || probe->count == 0)
		goto out;
	rc = fp_search(&g->fp, probe, BIO_SEARCH_K, g->threads, cand, &nc, err);
	if (rc != SH_OK)
		goto out;
	for (int c = 0; c < nc && *nout < BIO_HITS_MAX; c++) {
		struct subject *s = find_subject(g, (int64_t)cand[c].subject);
		if (!s || s->retired || (self && !strcmp(s->id_number, self)))
			continue;
		size_t lo, hi;
		subject_range(g, cand[c].index, &lo, &hi);
		struct bio_hit h;
		score_same(g, probe, s, lo, hi, &h);
		if (bio_dedup_is_hit(h.score, h.nfingers))
			out[(*nout)++] = h;
	}
	if (g->cross)
		rc = cross_pass(g, probe, self, cand, out, nout, err);
out:
	pthread_rwlock_unlock(&g->rw);
	free(cand);
	return rc;
}

int bio_template_prepare(const uint8_t *iso, size_t len, struct fp_mtemplate *out,
			 struct sh_err *err)
{
	struct fp_template *t = malloc(sizeof *t);
	if (!t)
		return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "template");
	int rc = fp_iso_decode(iso, len, t, err);
	if (rc == SH_OK)
		rc = fp_match_prepare(t, out, err);
	free(t);
	return rc;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Loading: rows are opened and decoded in order on this thread, and
 * turned into matching forms (fp_match_prepare, the costly step: about a
 * millisecond a template) in batches on all cores. */
#define LOAD_BATCH 1024

struct load_item {
	int64_t eid;
	char idn[16];
	int pos;
	struct fp_template t;
};

struct load_slice {
	const struct load_item *items;
	struct fp_mtemplate *out;
	size_t from, to;
	int rc;
};

static void *prepare_slice(void *arg)
{
	struct load_slice *sl = arg;
	struct sh_err e = {0};
	for (size_t i = sl->from; i < sl->to && sl->rc == SH_OK; i++)
		sl->rc = fp_match_prepare(&sl->items[i].t, &sl->out[i], &e);
	return NULL;
}

struct loader {
	struct bio_gallery *g;
	struct load_item *items;
	struct fp_mtemplate *mt;
	size_t n;
	struct fp_probe *p;     /* the enrolment being assembled, across batches */
	int64_t cur;
	char cur_id[16];
};

static int flush_batch(struct loader *L, struct sh_err *err)
{
	int nt = L->g->threads, rc = SH_OK;
	if ((size_t)nt > L->n / 64 + 1)
		nt = (int)(L->n / 64 + 1);
	pthread_t th[FP_SEARCH_MAX_THREADS];
	struct load_slice sl[FP_SEARCH_MAX_THREADS];
	uint64_t started = 0;
	for (int i = 0; i < nt; i++) {
		sl[i] = (struct load_slice){L->items, L->mt, L->n * (size_t)i / (size_t)nt,
					    L->n * (size_t)(i + 1) / (size_t)nt, SH_OK};
		if (i == nt - 1 || pthread_create(&th[i], NULL, prepare_slice, &sl[i]) != 0)
			prepare_slice(&sl[i]); /* the last slice (or a failed start) here */
		else
			started |= 1ull << i;
	}
	for (int i = 0; i < nt; i++) {
		if (started & (1ull << i))
			pthread_join(th[i], NULL);
		if (sl[i].rc != SH_OK && rc == SH_OK)
			rc = sh_err_set(err, SH_EINTERNAL, "BIO_TEMPLATE_INVALID",
					"a sealed template does not prepare");
	}
	for (size_t i = 0; rc == SH_OK && i < L->n; i++) {
		const struct load_item *it = &L->items[i];
		if (it->eid != L->cur && L->p->count) {
			if ((rc = add_locked(L->g, L->cur, L->cur_id, L->p, 0, err)) != SH_OK)
				break;
			L->p->count = 0;
		}
		L->cur = it->eid;
		snprintf(L->cur_id, sizeof L->cur_id, "%s", it->idn);
		if (L->p->count >= FP_PROBE_MAX_FINGERS) {
			rc = sh_err_set(err, SH_EINTERNAL, "BIO_GALLERY_FINGERS",
					"enrolment %lld has over 10 templates", (long long)it->eid);
			break;
		}
		L->p->finger[L->p->count] = it->pos;
		L->p->tpl[L->p->count++] = L->mt[i];
	}
	L->n = 0;
	return rc;
}

int bio_gallery_load(struct bio_gallery *g, store *db, const struct keyring *kr,
		     struct sh_err *err)
{
	store_tx *tx = NULL;
	store_stmt *st = NULL;
	struct loader L = {.g = g};
	L.p = aligned_alloc(64, sizeof *L.p);
	L.items = malloc(LOAD_BATCH * sizeof *L.items);
	L.mt = aligned_alloc(64, LOAD_BATCH * sizeof *L.mt);
	unsigned char *key = sodium_malloc(BIO_DATA_KEY_BYTES);
	char key_of[16] = "";
	size_t fingers = 0, stale = 0;
	double t0 = now_s();
	int rc = SH_OK, locked = 0;
	if (!L.p || !L.items || !L.mt || !key) {
		rc = sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "gallery load");
		goto out;
	}
	L.p->count = 0;
	if ((rc = store_begin(db, STORE_READ, &tx, err)) != SH_OK)
		goto out;
	rc = store_query(tx, &st, err,
			 "SELECT e.id, e.id_number, s.position, s.sealed, s.engine_version"
			 " FROM bio_enrolments e JOIN bio_samples s ON s.enrolment_id = e.id"
			 " WHERE e.current = 1 AND s.kind = 'template'"
			 " ORDER BY e.id, s.position",
			 "");
	if (rc != SH_OK)
		goto out;
	pthread_rwlock_wrlock(&g->rw);
	locked = 1;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		struct load_item *it = &L.items[L.n];
		const char *idn = store_col_text(st, 1);
		it->eid = store_col_int(st, 0);
		it->pos = (int)store_col_int(st, 2);
		snprintf(it->idn, sizeof it->idn, "%s", idn);
		if (strcmp(key_of, idn) != 0) {
			if ((rc = bio_seal_person_key(tx, kr, idn, 0, key, err)) != SH_OK)
				break;
			snprintf(key_of, sizeof key_of, "%s", idn);
		}
		size_t n = 0, isolen = 0;
		const void *blob = store_col_blob(st, 3, &n);
		char ad[64];
		unsigned char *iso = NULL;
		snprintf(ad, sizeof ad, "bio:%s:%lld:%d:template", idn, (long long)it->eid, it->pos);
		if ((rc = bio_unseal(key, blob, n, ad, &iso, &isolen, err)) != SH_OK)
			break;
		rc = fp_iso_decode(iso, isolen, &it->t, err);
		free(iso);
		if (rc != SH_OK)
			break;
		stale += store_col_int(st, 4) != FP_MTEMPLATE_VERSION;
		if (++L.n == LOAD_BATCH && (rc = flush_batch(&L, err)) != SH_OK)
			break;
		if (++fingers % 10000 == 0)
			sh_info("biometrics: gallery loading, %zu fingers (%.1f s)", fingers,
				now_s() - t0);
	}
	if (rc == STORE_DONE) {
		rc = flush_batch(&L, err);
		if (rc == SH_OK && L.p->count)
			rc = add_locked(g, L.cur, L.cur_id, L.p, 0, err);
	}
	if (rc == SH_OK) {
		sh_info("biometrics: gallery loaded, %zu fingers of %zu enrolments in %.2f s, %zu "
			"bytes per finger, %d threads",
			fingers, g->nsubj, now_s() - t0, fp_gallery_record_bytes(), g->threads);
		if (stale)
			sh_warn("biometrics: %zu templates are of an older engine version: run "
				"`shanakht bio reextract`", stale);
	}
out:
	if (locked)
		pthread_rwlock_unlock(&g->rw);
	store_finalize(st);
	if (tx)
		store_rollback(tx);
	sodium_free(key);
	free(L.p);
	free(L.items);
	free(L.mt);
	return rc;
}
