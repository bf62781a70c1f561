/* cli_link_translit.c — `shanakht link translit FILE`: how well the name
 * comparator brings together the attested spellings of one Urdu word
 * (Dakshina lexicon: urdu<TAB>roman<TAB>count), against plain
 * Jaro-Winkler. Same-word pairs: each Urdu word with each of its
 * romanizations, and every two romanizations of one word. Different-word
 * pairs: a fixed-seed random sample of the same two kinds across words.
 * Recall is the share of same-word pairs at or above a threshold, the
 * false-link rate the share of different-word pairs there. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linkage/lk_text.h"

#define TL_MAX_WORDS 150000
#define TL_NEG 200000
#define TL_FIELD 64

struct entry {
	char ur[TL_FIELD], ro[TL_FIELD];        /* folded */
	char kur[TL_FIELD], kro[TL_FIELD];      /* keys */
	size_t word;                            /* index of the Urdu word */
};

struct scores {
	double *v;
	size_t n, cap;
};

static int add(struct scores *s, double v)
{
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 4096;
		double *nv = realloc(s->v, nc * sizeof *nv);
		if (!nv)
			return -1;
		s->v = nv;
		s->cap = nc;
	}
	s->v[s->n++] = v;
	return 0;
}

static int dbl_desc(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x > y ? -1 : x < y;
}

static double share_at(const struct scores *s, double thr)
{
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++)
		k += s->v[i] >= thr;
	return s->n ? (double)k / (double)s->n : 0.0;
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/* the lowest threshold whose false-link rate is <= 1% (scores sorted desc) */
static double thr_at_1pct(const struct scores *neg)
{
	size_t k = neg->n / 100;
	if (neg->n == 0)
		return 0.0;
	double t = neg->v[k < neg->n ? k : neg->n - 1];
	return t + 1e-9;
}

static void report(const char *what, struct scores *pos, struct scores *neg)
{
	qsort(neg->v, neg->n, sizeof *neg->v, dbl_desc);
	printf("%-34s", what);
	static const double th[] = {0.88, 0.90, 0.92};
	for (size_t i = 0; i < 3; i++)
		printf("  @%.2f r=%.3f fl=%.4f", th[i], share_at(pos, th[i]), share_at(neg, th[i]));
	double t = thr_at_1pct(neg);
	printf("  @fl<=1%% (t=%.3f) r=%.3f\n", t, share_at(pos, t));
}

int cli_link_translit(int argc, char **argv)
{
	int rc = 1;
	struct entry *e = NULL;
	size_t n = 0, nwords = 0;
	struct scores pos_ur = {0}, neg_ur = {0}, pos_rr = {0}, neg_rr = {0}, pos_jw = {0},
		      neg_jw = {0};
	char line[1024], prev_ur[TL_FIELD] = "";
	int verbose = argc == 3 && !strcmp(argv[2], "-v");
	if (argc != 2 && !verbose) {
		fprintf(stderr, "usage: shanakht link translit FILE [-v]\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "r");
	if (!f) {
		fprintf(stderr, "link translit: cannot open %s\n", argv[1]);
		return 1;
	}
	e = malloc(TL_MAX_WORDS * sizeof *e);
	if (!e)
		goto out;
	while (n < TL_MAX_WORDS && fgets(line, sizeof line, f)) {
		char *t1 = strchr(line, '\t');
		if (!t1)
			continue;
		*t1 = '\0';
		char *t2 = strchr(t1 + 1, '\t');
		if (t2)
			*t2 = '\0';
		struct entry *x = &e[n];
		if (!lk_fold(line, x->ur, TL_FIELD) || !lk_fold(t1 + 1, x->ro, TL_FIELD))
			continue;
		lk_translit_key(x->ur, x->kur, TL_FIELD);
		lk_translit_key(x->ro, x->kro, TL_FIELD);
		size_t l = strlen(line);
		if (l >= TL_FIELD)
			continue;
		if (strcmp(line, prev_ur)) {
			nwords++;
			memcpy(prev_ur, line, l + 1);
		}
		x->word = nwords;
		n++;
	}
	/* same-word pairs (the file is grouped by Urdu word) */
	for (size_t i = 0; i < n; i++) {
		double su = lk_name_sim(e[i].ur, e[i].kur, e[i].ro, e[i].kro);
		if (verbose && su < 0.8)
			fprintf(stderr, "missu %.3f %s %s [%s] [%s]\n", su, e[i].ur, e[i].ro, e[i].kur, e[i].kro);
		if (add(&pos_ur, su))
			goto out;
		for (size_t j = i + 1; j < n && e[j].word == e[i].word; j++) {
			double sv = lk_name_sim(e[i].ro, e[i].kro, e[j].ro, e[j].kro);
			if (verbose && sv < 0.8)
				fprintf(stderr, "miss %.3f %s %s [%s] [%s]\n", sv, e[i].ro, e[j].ro, e[i].kro, e[j].kro);
			if (add(&pos_rr, sv) ||
			    add(&pos_jw, lk_jw_str(e[i].ro, e[j].ro)))
				goto out;
		}
	}
	uint64_t seed = 0x2545F4914F6CDD1DULL;
	for (size_t k = 0; n > 1 && k < TL_NEG; k++) {
		size_t i = rnd(&seed) % n, j = rnd(&seed) % n;
		if (e[i].word == e[j].word)
			continue;
		if (add(&neg_ur, lk_name_sim(e[i].ur, e[i].kur, e[j].ro, e[j].kro)) ||
		    add(&neg_rr, lk_name_sim(e[i].ro, e[i].kro, e[j].ro, e[j].kro)) ||
		    add(&neg_jw, lk_jw_str(e[i].ro, e[j].ro)))
			goto out;
	}
	printf("%zu romanizations of %zu Urdu words; different-word sample %zu\n", n, nwords,
	       neg_rr.n);
	report("plain Jaro-Winkler, roman-roman", &pos_jw, &neg_jw);
	report("lk_name_sim, roman-roman", &pos_rr, &neg_rr);
	report("lk_name_sim, Urdu-roman", &pos_ur, &neg_ur);
	double t_rr = thr_at_1pct(&neg_rr), t_ur = thr_at_1pct(&neg_ur), t_jw = thr_at_1pct(&neg_jw);
	printf("translit: recall_roman=%.4f recall_urdu_roman=%.4f jw_recall=%.4f "
	       "false_link<=0.01 pairs=%zu\n",
	       share_at(&pos_rr, t_rr), share_at(&pos_ur, t_ur), share_at(&pos_jw, t_jw),
	       pos_rr.n + pos_ur.n);
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "link translit: out of memory\n");
	fclose(f);
	free(e);
	free(pos_ur.v), free(neg_ur.v), free(pos_rr.v), free(neg_rr.v), free(pos_jw.v), free(neg_jw.v);
	return rc;
}
