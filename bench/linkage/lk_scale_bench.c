/* lk_scale_bench.c — council records linked against persons at scale.
 *
 *   lk_scale_bench [--persons N] [--council M] [--names DIR]
 *
 * The population is drawn from the seed name lists in
 * ../shared/data/linkage/names (faker en_PK first and last names): given
 * name, surname, father's name (a given name and the same surname), date
 * of birth 1940-2023, sex, district and union council, a 13-digit identity
 * number. 90% of the council records are copies of a person, 10% people
 * the registry does not know; each copy is corrupted the way council
 * registers differ from the national one (rates below): romanization
 * variants (a/e, o/u, i/ee, doubled or single consonant, h dropped or
 * added), keyboard typos, father's name missing, birth year only, day and
 * month swapped, a digit wrong, the identity number mostly absent, the
 * neighbouring council. Prints the quality against the planted truth, the
 * time, and the peak memory (ru_maxrss), last line in the format. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "lib/parse.h"
#include "linkage/lk_link.h"

#define MAX_NAMES 4096
#define NAME_LEN 32

static char names_g[MAX_NAMES][NAME_LEN], names_s[MAX_NAMES][NAME_LEN];
static size_t n_g, n_s;

static uint64_t rs = 0x1234567887654321ULL;
static uint64_t rnd(void)
{
	rs ^= rs >> 12;
	rs ^= rs << 25;
	rs ^= rs >> 27;
	return rs * 2685821657736338717ULL;
}
static double unif(void)
{
	return (double)(rnd() >> 11) / 9007199254740992.0;
}

static double wall_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static size_t load(const char *path, char (*out)[NAME_LEN])
{
	FILE *f = fopen(path, "r");
	char line[256];
	size_t n = 0;
	if (!f)
		return 0;
	while (n < MAX_NAMES && fgets(line, sizeof line, f)) {
		size_t l = strcspn(line, "\r\n");
		if (l == 0 || l >= NAME_LEN || line[0] == '#')
			continue;
		memcpy(out[n], line, l);
		out[n][l] = '\0';
		n++;
	}
	fclose(f);
	return n;
}

static int is_vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* one romanization change of the kind Urdu names show */
static void variant(char *s, size_t cap)
{
	size_t n = strlen(s);
	if (n < 3)
		return;
	size_t i = 1 + rnd() % (n - 1);
	char c = s[i];
	switch (rnd() % 5) {
	case 0: /* vowel swap */
		if (c == 'a') s[i] = 'e';
		else if (c == 'e') s[i] = 'a';
		else if (c == 'o') s[i] = 'u';
		else if (c == 'u') s[i] = 'o';
		else if (c == 'i' && n + 1 < cap) { memmove(s + i + 1, s + i, n - i + 1); s[i] = 'e'; s[i + 1] = 'e'; }
		break;
	case 1: /* double a consonant */
		if (!is_vowel(c) && n + 1 < cap) { memmove(s + i + 1, s + i, n - i + 1); }
		break;
	case 2: /* single a double */
		if (i + 1 < n && s[i] == s[i + 1]) memmove(s + i, s + i + 1, n - i);
		else if (c == 'e' && i + 1 < n && s[i + 1] == 'e') memmove(s + i, s + i + 1, n - i);
		break;
	case 3: /* drop an h */
		for (size_t k = 1; k < n; k++)
			if (s[k] == 'h') { memmove(s + k, s + k + 1, n - k); break; }
		break;
	default: /* add an h after a consonant */
		if (!is_vowel(c) && c != 'h' && n + 1 < cap) { memmove(s + i + 2, s + i + 1, n - i); s[i + 1] = 'h'; }
		break;
	}
}

static void typo(char *s)
{
	size_t n = strlen(s);
	if (n < 2)
		return;
	size_t i = rnd() % n;
	switch (rnd() % 3) {
	case 0: s[i] = (char)('a' + rnd() % 26); break;
	case 1: if (i + 1 < n) { char t = s[i]; s[i] = s[i + 1]; s[i + 1] = t; } break;
	default: memmove(s + i, s + i + 1, n - i); break;
	}
}

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

struct person {
	char g[NAME_LEN + 4], s[NAME_LEN + 4], fa[NAME_LEN + 4], dob[12], sex[2], uc[8], dist[8], id[16];
};

static void make_person(struct person *p, long i)
{
	snprintf(p->g, sizeof p->g, "%s", names_g[rnd() % n_g]);
	snprintf(p->s, sizeof p->s, "%s", names_s[rnd() % n_s]);
	snprintf(p->fa, sizeof p->fa, "%s", names_g[rnd() % n_g]);
	lower(p->g), lower(p->s), lower(p->fa);
	snprintf(p->dob, sizeof p->dob, "%04d%02d%02d", (int)(1940 + rnd() % 84), (int)(1 + rnd() % 12),
		 (int)(1 + rnd() % 28));
	snprintf(p->sex, sizeof p->sex, "%c", rnd() % 2 ? 'm' : 'f');
	int uc = (int)(rnd() % 6000);
	snprintf(p->uc, sizeof p->uc, "%04d", uc);
	snprintf(p->dist, sizeof p->dist, "%03d", uc / 40);
	snprintf(p->id, sizeof p->id, "%05d%07ld%d", 35000 + (int)(rnd() % 9000), i, (int)(rnd() % 10));
}

static int add(struct lk_table *t, const struct person *p, uint32_t src, int64_t ent, int with_id,
	       int with_father)
{
	char fa[NAME_LEN * 2 + 8];
	snprintf(fa, sizeof fa, "%s %s", p->fa, p->s);
	const char *raw[LK_NF] = {0};
	raw[LK_GIVEN] = p->g;
	raw[LK_SURNAME] = p->s;
	raw[LK_FATHER] = with_father ? fa : "";
	raw[LK_DOB] = p->dob;
	raw[LK_SEX] = p->sex;
	raw[LK_LOCALITY] = p->uc;
	raw[LK_POSTCODE] = p->uc;
	raw[LK_REGION] = p->dist;
	raw[LK_IDNO] = with_id ? p->id : "";
	return lk_table_add(t, raw, src, ent, NULL);
}

int main(int argc, char **argv)
{
	int64_t np = 1000000, nc = 1000000;
	const char *dir = "../shared/data/linkage/names";
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--persons") && sh_parse_i64(argv[i + 1], 1, 50000000, &np) == SH_OK)
			continue;
		if (!strcmp(argv[i], "--council") && sh_parse_i64(argv[i + 1], 1, 50000000, &nc) == SH_OK)
			continue;
		if (!strcmp(argv[i], "--names")) {
			dir = argv[i + 1];
			continue;
		}
		fprintf(stderr, "usage: lk_scale_bench [--persons N] [--council M] [--names DIR]\n");
		return 2;
	}
	char path[1024];
	snprintf(path, sizeof path, "%s/faker_en_PK_first_names.txt", dir);
	n_g = load(path, names_g);
	snprintf(path, sizeof path, "%s/faker_en_PK_last_names.txt", dir);
	n_s = load(path, names_s);
	if (n_g == 0 || n_s == 0) {
		fprintf(stderr, "lk_scale_bench: no name lists in %s\n", dir);
		return 1;
	}
	struct lk_table t;
	lk_table_init(&t);
	double t0 = wall_s();
	uint64_t seed_people = rs;
	for (int64_t i = 0; i < np; i++) {
		struct person p;
		make_person(&p, (long)i);
		if (add(&t, &p, 0, i, 1, 1)) {
			fprintf(stderr, "out of memory\n");
			return 1;
		}
	}
	/* council copies: replay the stream from each person's own state (8
	 * bytes a person rather than a copy of every person in memory) */
	uint64_t after = rs;
	rs = seed_people;
	uint64_t *state = malloc((size_t)np * sizeof *state);
	if (!state)
		return 1;
	for (int64_t i = 0; i < np; i++) {
		struct person p;
		state[i] = rs;
		make_person(&p, (long)i);
	}
	rs = after;
	for (int64_t k = 0; k < nc; k++) {
		struct person p;
		int64_t ent;
		if (unif() < 0.9) {
			ent = (int64_t)(rnd() % (uint64_t)np);
			uint64_t cont = rs;
			rs = state[ent];
			make_person(&p, (long)ent);
			rs = cont;
		} else {
			ent = np + k;
			make_person(&p, (long)ent);
		}
		if (unif() < 0.40) variant(p.g, sizeof p.g);
		if (unif() < 0.10) typo(p.g);
		if (unif() < 0.20) variant(p.s, sizeof p.s);
		if (unif() < 0.05) typo(p.s);
		if (unif() < 0.30) variant(p.fa, sizeof p.fa);
		double d = unif();
		if (d < 0.30) { p.dob[4] = '\0'; }                  /* birth year only */
		else if (d < 0.35) { char m0 = p.dob[4], m1 = p.dob[5]; p.dob[4] = p.dob[6]; p.dob[5] = p.dob[7]; p.dob[6] = m0; p.dob[7] = m1; }
		else if (d < 0.40) { p.dob[7] = (char)('0' + rnd() % 10); }
		if (unif() < 0.05) snprintf(p.uc, sizeof p.uc, "%04d", (int)((strtol(p.uc, NULL, 10) + 1) % 6000));
		if (unif() < 0.01) p.sex[0] = p.sex[0] == 'm' ? 'f' : 'm';
		int with_id = unif() < 0.30;
		if (with_id && unif() < 0.05) typo(p.id);
		if (add(&t, &p, 1, ent, with_id, unif() >= 0.20)) {
			fprintf(stderr, "out of memory\n");
			return 1;
		}
	}
	free(state);
	double t_gen = wall_s() - t0;
	struct lk_params prm;
	struct lk_result res;
	struct lk_quality q;
	struct sh_err err = {0};
	lk_params_default(&prm);
	prm.unique_sources = 0x1; /* the registry holds each person once; councils do not */
	struct rusage ru0, ru1;
	getrusage(RUSAGE_SELF, &ru0);
	double t1 = wall_s();
	if (lk_run(&t, 1, &prm, &res, &err) || lk_evaluate(&t, res.cluster, 1, &q, &err)) {
		fprintf(stderr, "lk_scale_bench: %s\n", err.msg);
		return 1;
	}
	double secs = wall_s() - t1;
	getrusage(RUSAGE_SELF, &ru1);
	double cpu_run = (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec) +
			 (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec) * 1e-6 +
			 (double)(ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) +
			 (double)(ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) * 1e-6;
	printf("linkage alone (lk_run and the evaluation): CPU %.1f s (all threads), wall %.1f s\n",
	       cpu_run, secs);
	size_t cand_true = 0, link_true = 0;
	for (size_t i = 0; i < res.npairs; i++)
		if (t.r[res.pairs[i].a].entity == t.r[res.pairs[i].b].entity) {
			cand_true++;
			link_true += res.pairs[i].p >= prm.link_p;
		}
	printf("true pairs among the candidates %zu, scored as links %zu\n", cand_true, link_true);
	if (getenv("LK_BENCH_MODEL"))
		for (int f = 0; f < LK_NF; f++)
			printf("%-14s m %.3f %.3f %.3f %.3f  u %.4f %.4f %.4f %.4f\n", lk_field_name(f),
			       res.model.m[f][0], res.model.m[f][1], res.model.m[f][2], res.model.m[f][3],
			       res.model.u[f][0], res.model.u[f][1], res.model.u[f][2], res.model.u[f][3]);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("persons %lld, council records %lld (10%% unknown to the registry); generated in %.1f s\n",
	       (long long)np, (long long)nc, t_gen);
	printf("stages (wall s): blocking %.2f, comparisons %.2f, EM and scores %.2f, clusters %.2f\n",
	       res.t_block, res.t_compare, res.t_fit, res.t_cluster);
	printf("candidate pairs %zu, patterns %zu, links %zu, review %zu, EM iterations %d\n", res.npairs,
	       res.npatterns, res.nlinks, res.nreview, res.model.iterations);
	printf("true pairs %.0f, predicted %.0f, correct %.0f; peak memory %.0f MB; CPU %.1f s (user+sys, all threads)\n",
	       q.truth, q.predicted, q.tp, (double)ru.ru_maxrss / 1024.0,
	       (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
		       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6);
	printf("linkage: f1=%.4f precision=%.4f recall=%.4f records=%zu seconds=%.2f\n", q.f1,
	       q.precision, q.recall, t.n, secs);
	lk_result_free(&res);
	lk_table_free(&t);
	return 0;
}
