/* lk_link.h — record linkage of person records: the record table, the
 * comparison vector, blocking, the Fellegi-Sunter model fitted by EM, and
 * clustering with a guard against chaining. Pure computation: the store,
 * the importer and the reports live elsewhere and hand records in. */
#ifndef SH_LINKAGE_LK_LINK_H
#define SH_LINKAGE_LK_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

enum lk_field {
	LK_GIVEN,
	LK_SURNAME,
	LK_FATHER,   /* father's or husband's name */
	LK_DOB,      /* YYYYMMDD; YYYY0000 = birth year only */
	LK_SEX,
	LK_STREETNO,
	LK_ADDR1,
	LK_ADDR2,
	LK_LOCALITY, /* suburb, mohalla, union council */
	LK_POSTCODE,
	LK_REGION,   /* state, district */
	LK_IDNO,     /* an identity number (CNIC, social security) */
	LK_NF
};

#define LK_MISSING 255
#define LK_MAX_LEVELS 4

struct lk_rec {
	const char *f[LK_NF];  /* folded fields ("" when missing), in `mem` */
	const char *key[3];    /* transliteration keys of given, surname, father */
	char *mem;             /* one allocation per record: the strings */
	int64_t entity;        /* the true entity, for benchmarks; -1 unknown */
	uint32_t source;       /* which file or register (0..63) */
};

struct lk_table {
	struct lk_rec *r;
	size_t n, cap;
};

void lk_table_init(struct lk_table *t);
void lk_table_free(struct lk_table *t);
/* Fold and add one record; raw[f] may be NULL or "" for a missing field.
 * A date of birth is read as YYYYMMDD, YYYY-MM-DD, DD-MM-YYYY, DD/MM/YYYY
 * or YYYY (birth year only); anything else is kept as its digits. */
int lk_table_add(struct lk_table *t, const char *const raw[LK_NF], uint32_t source,
		 int64_t entity, struct sh_err *err) __attribute__((warn_unused_result));

/* Normalise a date of birth to YYYYMMDD (YYYY0000 for year only) in
 * out[9]; returns 0 when nothing date-like is there. */
int lk_date_norm(const char *in, char out[9]);

/* Number of agreement levels of each field (level 0 = disagree, highest =
 * exact). */
int lk_field_levels(int f);
const char *lk_field_name(int f);
/* The comparison vector of two records: gamma[f] = level or LK_MISSING. */
void lk_compare(const struct lk_rec *a, const struct lk_rec *b, uint8_t gamma[LK_NF]);

/* Candidate pairs (i < j) from several blocking keys and a sorted
 * neighbourhood; in link mode only pairs of different sources. Blocks with
 * more than `block_max` records are skipped (a key that common says
 * nothing). *pairs is malloc'd (i << 32 | j), sorted and unique. */
int lk_block(const struct lk_table *t, int link_mode, size_t block_max, uint64_t **pairs,
	     size_t *npairs, struct sh_err *err) __attribute__((warn_unused_result));

/* The Fellegi-Sunter model under conditional independence. */
struct lk_model {
	double lambda;                     /* share of matches among the pairs */
	double m[LK_NF][LK_MAX_LEVELS];    /* P(level | match) */
	double u[LK_NF][LK_MAX_LEVELS];    /* P(level | non-match) */
	int iterations;
};

/* Distinct comparison vectors with their counts (EM runs on these, as
 * fastLink does: a few hundred patterns stand for millions of pairs). */
struct lk_patterns {
	uint8_t (*gamma)[LK_NF];
	double *count;
	size_t n, cap;
	uint32_t *slot;  /* open-addressing index into gamma, size slots */
	size_t slots;
};
void lk_patterns_init(struct lk_patterns *p);
void lk_patterns_free(struct lk_patterns *p);
/* Add `count` pairs of vector gamma; returns the pattern index or -1. */
long lk_patterns_add(struct lk_patterns *p, const uint8_t gamma[LK_NF], double count);

/* u from a random sample of pairs (the sample is nearly all non-matches);
 * m and lambda get neutral starting values. */
void lk_model_start(struct lk_model *md, const struct lk_patterns *random_pairs);
/* EM on the patterns of the candidate pairs: updates lambda, m and u until
 * the log-likelihood changes by less than tol or max_iter. */
int lk_em_fit(struct lk_model *md, const struct lk_patterns *p, int max_iter, double tol);
/* The match weight log2(P(gamma|M)/P(gamma|U)) and the posterior P(M|gamma). */
double lk_model_weight(const struct lk_model *md, const uint8_t gamma[LK_NF]);
double lk_model_posterior(const struct lk_model *md, const uint8_t gamma[LK_NF]);

/* A scored pair. */
struct lk_pair {
	uint32_t a, b;
	float weight;
	float p;
};

/* Resolve links (p >= link_p) into clusters, strongest first. A merge is
 * refused when it would put two records of one source together and that
 * source is in `unique_sources` (a bit per source: a register known to
 * hold each person once, as the national registry does), when the merged cluster would exceed max_size, or when any
 * compared pair across the two clusters scored below nonlink_p (the guard
 * against chaining: A~B and B~C do not join A and C if A and C were
 * compared and disagree). cluster[i] gets a representative record index. */
int lk_cluster(const struct lk_table *t, const struct lk_pair *pairs, size_t npairs,
	       double link_p, double nonlink_p, uint64_t unique_sources, size_t max_size,
	       uint32_t *cluster, struct sh_err *err) __attribute__((warn_unused_result));

/* Pairwise quality of clusters against the true entities. */
struct lk_quality {
	double tp, predicted, truth;
	double precision, recall, f1;
};
int lk_evaluate(const struct lk_table *t, const uint32_t *cluster, int link_mode,
		struct lk_quality *q, struct sh_err *err) __attribute__((warn_unused_result));

#endif

#ifndef SH_LINKAGE_LK_RUN
#define SH_LINKAGE_LK_RUN
/* The whole pipeline with its general settings (docs/linkage.md). */
struct lk_params {
	size_t block_max;    /* records in one block before it is skipped */
	size_t random_pairs; /* sample for the starting u */
	int em_iter;
	double link_p;       /* posterior at or above: link */
	double review_p;     /* at or above (and below link_p): clerical review */
	size_t max_cluster;
	uint64_t unique_sources; /* sources that hold each person once (lk_cluster) */
	int threads;             /* for the comparisons */
};
void lk_params_default(struct lk_params *p);

struct lk_result {
	struct lk_model model;
	struct lk_pair *pairs;  /* every candidate pair with its score */
	size_t npairs;
	size_t nlinks, nreview;
	size_t npatterns;
	uint32_t *cluster;      /* per record */
	/* wall seconds of the stages: blocking, comparisons (with the random
	 * sample and the pattern count), EM and scoring, clustering */
	double t_block, t_compare, t_fit, t_cluster;
};
void lk_result_free(struct lk_result *r);
int lk_run(const struct lk_table *t, int link_mode, const struct lk_params *p,
	   struct lk_result *res, struct sh_err *err) __attribute__((warn_unused_result));
#endif
