/* quality.h — registry-quality indicators and fraud signals (issue 20 item 4,
 * docs/quality.md, D37).
 *
 * Every indicator and every signal is a named rule in quality_rules.c: a
 * query over the other domains' read-only reporting views (v_person_facts,
 * v_birth_facts, v_bio_coverage, v_bio_matches, v_verify_facts) and this
 * module's telco list, a threshold and a unit. A run computes all of them
 * in one read transaction (one snapshot), then stores the run, its results
 * and the cases its signals opened in one write transaction. A signal hit
 * opens a case for a case officer; a hit already cased (open or decided)
 * is never opened again. Nothing here changes a record of another domain. */
#ifndef SH_QUALITY_QUALITY_H
#define SH_QUALITY_QUALITY_H

#include <stddef.h>
#include <stdint.h>

#include "audit/audit.h"
#include "lib/err.h"
#include "store/store.h"

enum quality_kind { QUALITY_INDICATOR, QUALITY_SIGNAL };

/* One rule (quality_rules.c). sql returns, for an indicator, rows
 * (grp TEXT, value BIGINT, denominator BIGINT) — grp '' when the indicator
 * has no breakdown; the total is the sum over the rows — and, for a signal,
 * rows (subject TEXT, id_number TEXT, detail TEXT): subject names the hit
 * (its de-duplication key), id_number the person the case is about.
 * params: one letter per `?` in sql, bound at the run's clock: 'y' the
 * year, 'a' the year 18 years ago (adults are born in it or before), 't'
 * the time ten years ago (Unix seconds). unit "share": breach when
 * value / denominator > threshold; unit "count": breach when value >
 * threshold. */
struct quality_rule {
	const char *name;
	const char *description;
	enum quality_kind kind;
	const char *sql;
	const char *params;
	double threshold;
	const char *unit;
};
extern const struct quality_rule quality_rules[];
extern const size_t quality_rules_count;
const struct quality_rule *quality_rule_find(const char *name);

#define QUALITY_GROUPS_MAX 24 /* breakdown rows of one indicator */
#define QUALITY_GRP_MAX 32

struct quality_group {
	char grp[QUALITY_GRP_MAX];
	int64_t value, denominator;
};

struct quality_result {
	const struct quality_rule *rule;
	int64_t value, denominator; /* totals; a signal: hits, 0 */
	int breach;
	int opened;                  /* a signal: cases this run opened */
	int ngroups;
	struct quality_group groups[QUALITY_GROUPS_MAX];
};

struct quality_run {
	int64_t id;
	int64_t started_at, finished_at; /* Unix seconds */
	int64_t millis;                  /* wall time of the computation */
	char actor[64];
	int64_t cases_opened;
	int nresults;
	struct quality_result *results;  /* quality_rules_count entries, owned */
};
void quality_run_free(struct quality_run *r);

int quality_migrate(store *db, struct sh_err *err) __attribute__((warn_unused_result));

/* Compute every rule at time `now` (0: the clock), store the run and open
 * cases; audited as quality.run. out is filled (free with
 * quality_run_free). */
int quality_run(store *db, const struct audit_actor *actor, int64_t now,
		struct quality_run *out, struct sh_err *err) __attribute__((warn_unused_result));
/* The latest stored run with its results; SH_ENOTFOUND NO_RUN when none. */
int quality_latest(store_tx *tx, struct quality_run *out, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Cases. state: open|confirmed|dismissed. */
#define QUALITY_CASE_LIST_MAX 100
struct quality_case {
	int64_t id;
	char rule[48];
	char subject[160];
	char id_number[16];
	char detail[256];
	char state[16];
	int64_t first_run, last_run, opened_at, decided_at;
	char decided_by[64];
	char reason[256];
};
/* state NULL lists every state; rule NULL every rule; ids > after. */
int quality_cases_list(store_tx *tx, const char *state, const char *rule, int64_t after,
		       int limit, struct quality_case *out, int *n, struct sh_err *err)
	__attribute__((warn_unused_result));
int quality_case_get(store_tx *tx, int64_t id, struct quality_case *out, struct sh_err *err)
	__attribute__((warn_unused_result));
/* decision: confirmed|dismissed (DECISION_INVALID), reason 1..250 bytes
 * (REASON_REQUIRED); CASE_NOT_FOUND, CASE_DECIDED. Audited in tx. */
int quality_case_decide(store_tx *tx, const struct audit_actor *actor, int64_t id,
			const char *decision, const char *reason, struct quality_case *out,
			struct sh_err *err) __attribute__((warn_unused_result));

/* The telco list: a CSV of identity numbers with an active SIM (one a line,
 * first column; a header line without digits is skipped; 13 digits with or
 * without dashes). The list from `source` replaces that source's earlier
 * list, in tx, audited. Bad lines are counted, the first few reported in
 * bad_lines ("line N: reason; ..."). */
struct quality_telco_result {
	int64_t imported, rejected;
	char bad_lines[512];
};
int quality_telco_import(store_tx *tx, const struct audit_actor *actor, const char *source,
			 const char *csv, size_t len, struct quality_telco_result *out,
			 struct sh_err *err) __attribute__((warn_unused_result));

#endif
