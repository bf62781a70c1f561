/* quality_run.c — a run of every rule (quality.h): all queries in one read
 * transaction, so every figure of a run comes from one snapshot and no
 * writer waits for them; then the run, its results and the cases in one
 * short write transaction with its audit entry. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/parse.h"
#include "quality/quality.h"

/* At most this many hits open cases in one run; the rest are counted and
 * open at the next run (a run that finds more is a policy emergency, not
 * a queue an officer can work). */
#define QUALITY_HITS_MAX 100000

struct hit {
	int rule;
	char subject[160];
	char id_number[16];
	char detail[256];
};

struct hits {
	struct hit *v;
	size_t n, cap;
};

void quality_run_free(struct quality_run *r)
{
	if (!r)
		return;
	free(r->results);
	r->results = NULL;
	r->nresults = 0;
}

static void copy_col(store_stmt *st, int col, char *out, size_t n)
{
	const char *s = store_col_text(st, col);
	snprintf(out, n, "%s", s ? s : "");
}

static int hit_push(struct hits *h, int rule, store_stmt *st, struct sh_err *err)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 256;
		if (cap > QUALITY_HITS_MAX)
			cap = QUALITY_HITS_MAX;
		struct hit *v = realloc(h->v, cap * sizeof *v);
		if (!v)
			return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "quality hits");
		h->v = v;
		h->cap = cap;
	}
	struct hit *x = &h->v[h->n++];
	x->rule = rule;
	copy_col(st, 0, x->subject, sizeof x->subject);
	copy_col(st, 1, x->id_number, sizeof x->id_number);
	copy_col(st, 2, x->detail, sizeof x->detail);
	return SH_OK;
}

/* The clock values a rule's parameter letters stand for (quality.h). */
struct clock {
	int64_t year, adult_year, ten_years_ago;
};

static int bind_params(store_stmt *st, const char *params, const struct clock *c)
{
	int rc = 0;
	for (int i = 0; params[i]; i++) {
		int64_t v = params[i] == 'y' ? c->year
			    : params[i] == 'a' ? c->adult_year
					       : c->ten_years_ago;
		rc |= store_bind_int(st, i + 1, v);
	}
	return rc;
}

static int breach_of(const struct quality_rule *r, int64_t value, int64_t denominator)
{
	if (!strcmp(r->unit, "share"))
		return denominator > 0 && (double)value / (double)denominator > r->threshold;
	return (double)value > r->threshold;
}

/* One rule in the read transaction: an indicator's groups and totals, or
 * a signal's hits. */
static int rule_compute(store_tx *tx, int idx, const struct clock *c, struct quality_result *res,
			struct hits *h, struct sh_err *err)
{
	const struct quality_rule *r = &quality_rules[idx];
	store_stmt *st = NULL;
	res->rule = r;
	int rc = store_prepare(tx, r->sql, &st, err);
	if (rc != SH_OK)
		return rc;
	if (bind_params(st, r->params, c) != 0) {
		rc = sh_err_set(err, SH_EINTERNAL, "RULE_PARAMS", "rule %s: binding failed", r->name);
		goto out;
	}
	while ((rc = store_step(st, err)) == STORE_ROW) {
		if (r->kind == QUALITY_SIGNAL) {
			res->value++;
			if (h->n < QUALITY_HITS_MAX && (rc = hit_push(h, idx, st, err)) != SH_OK)
				goto out;
			continue;
		}
		int64_t v = store_col_int(st, 1), d = store_col_int(st, 2);
		res->value += v;
		res->denominator += d;
		if (res->ngroups < QUALITY_GROUPS_MAX) {
			struct quality_group *g = &res->groups[res->ngroups++];
			copy_col(st, 0, g->grp, sizeof g->grp);
			g->value = v;
			g->denominator = d;
		}
	}
	if (rc < 0)
		goto out;
	/* a single unnamed row is the total itself, not a breakdown */
	if (res->ngroups == 1 && !res->groups[0].grp[0])
		res->ngroups = 0;
	res->breach = breach_of(r, res->value, res->denominator);
	rc = SH_OK;
out:
	store_finalize(st);
	return rc;
}

static int insert_result(store_tx *tx, int64_t run, const struct quality_result *res,
			 const char *grp, int64_t value, int64_t denominator, struct sh_err *err)
{
	char thr[32];
	snprintf(thr, sizeof thr, "%g", res->rule->threshold);
	int rc = store_run(tx, err,
			   "INSERT INTO quality_results(run_id, rule, grp, value, denominator, threshold,"
			   " unit, breach, opened) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			   "ittiittii", run, res->rule->name, grp, value, denominator, thr,
			   res->rule->unit,
			   (int64_t)(grp[0] ? breach_of(res->rule, value, denominator) : res->breach),
			   (int64_t)(grp[0] ? 0 : res->opened));
	return rc < 0 ? rc : SH_OK;
}

/* Each hit opens its case unless (rule, subject) has one, in any state. */
static int open_cases(store_tx *tx, int64_t run, int64_t now, const struct hits *h,
		      struct quality_run *out, struct sh_err *err)
{
	store_stmt *ins = NULL, *upd = NULL;
	int rc = store_prepare(tx,
			       "INSERT INTO quality_cases(rule, subject, id_number, detail, state,"
			       " first_run, last_run, opened_at) VALUES (?, ?, ?, ?, 'open', ?, ?, ?)"
			       " ON CONFLICT (rule, subject) DO NOTHING",
			       &ins, err);
	if (rc == SH_OK)
		rc = store_prepare(tx,
				   "UPDATE quality_cases SET last_run = ? WHERE rule = ? AND subject = ?",
				   &upd, err);
	for (size_t i = 0; rc == SH_OK && i < h->n; i++) {
		const struct hit *x = &h->v[i];
		const char *rule = quality_rules[x->rule].name;
		store_reset(ins);
		if (store_bind_text(ins, 1, rule) || store_bind_text(ins, 2, x->subject) ||
		    store_bind_text(ins, 3, x->id_number) || store_bind_text(ins, 4, x->detail) ||
		    store_bind_int(ins, 5, run) || store_bind_int(ins, 6, run) ||
		    store_bind_int(ins, 7, now)) {
			rc = sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "case");
			break;
		}
		if ((rc = store_step(ins, err)) < 0)
			break;
		if (store_changes(ins) == 1) {
			out->results[x->rule].opened++;
			out->cases_opened++;
			rc = SH_OK;
			continue;
		}
		store_reset(upd);
		if (store_bind_int(upd, 1, run) || store_bind_text(upd, 2, rule) ||
		    store_bind_text(upd, 3, x->subject)) {
			rc = sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "case");
			break;
		}
		rc = store_step(upd, err);
		rc = rc < 0 ? rc : SH_OK;
	}
	store_finalize(ins);
	store_finalize(upd);
	return rc;
}

static int store_run_row(store *db, const struct audit_actor *actor, const struct hits *h,
			 struct quality_run *out, struct sh_err *err)
{
	store_tx *tx = NULL;
	store_stmt *st = NULL;
	int rc = store_begin(db, STORE_WRITE, &tx, err);
	if (rc != SH_OK)
		return rc;
	if ((rc = store_query(tx, &st, err,
			      "INSERT INTO quality_runs(started_at, finished_at, millis, actor,"
			      " cases_opened) VALUES (?, ?, ?, ?, 0) RETURNING id",
			      "iiit", out->started_at, out->finished_at, out->millis,
			      out->actor)) != SH_OK)
		goto out;
	if ((rc = store_step(st, err)) != STORE_ROW) {
		rc = rc < 0 ? rc : sh_err_set(err, SH_EDB, "DB_ERROR", "no run id");
		goto out;
	}
	out->id = store_col_int(st, 0);
	store_finalize(st);
	st = NULL;
	if ((rc = open_cases(tx, out->id, out->finished_at, h, out, err)) != SH_OK)
		goto out;
	int breaches = 0;
	for (int i = 0; i < out->nresults; i++) {
		const struct quality_result *res = &out->results[i];
		breaches += res->breach;
		if ((rc = insert_result(tx, out->id, res, "", res->value, res->denominator, err)))
			goto out;
		for (int g = 0; g < res->ngroups; g++)
			if ((rc = insert_result(tx, out->id, res, res->groups[g].grp,
						res->groups[g].value, res->groups[g].denominator,
						err)))
				goto out;
	}
	if ((rc = store_run(tx, err, "UPDATE quality_runs SET cases_opened = ? WHERE id = ?", "ii",
			    out->cases_opened, out->id)) < 0)
		goto out;
	char obj[40], detail[96];
	snprintf(obj, sizeof obj, "quality_run:%lld", (long long)out->id);
	snprintf(detail, sizeof detail, "{\"breaches\":%d,\"cases_opened\":%lld}", breaches,
		 (long long)out->cases_opened);
	rc = audit_append(tx, actor, "quality.run", obj, detail, err);
out:
	store_finalize(st);
	if (rc == SH_OK)
		return store_commit(tx, err);
	store_rollback(tx);
	return rc;
}

int quality_run(store *db, const struct audit_actor *actor, int64_t now,
		struct quality_run *out, struct sh_err *err)
{
	memset(out, 0, sizeof *out);
	struct hits h = {0};
	store_tx *tx = NULL;
	out->started_at = now ? now : sh_now();
	snprintf(out->actor, sizeof out->actor, "%s", actor && actor->name ? actor->name : "system");
	time_t t = (time_t)out->started_at;
	struct tm tm;
	gmtime_r(&t, &tm);
	struct clock c = {tm.tm_year + 1900, tm.tm_year + 1900 - 18,
			  out->started_at - (int64_t)(3652.5 * 86400)};
	out->results = calloc(quality_rules_count, sizeof *out->results);
	if (!out->results)
		return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "quality results");
	out->nresults = (int)quality_rules_count;
	int64_t t0 = sh_mono_ns();
	int rc = store_begin(db, STORE_READ, &tx, err);
	for (size_t i = 0; rc == SH_OK && i < quality_rules_count; i++)
		rc = rule_compute(tx, (int)i, &c, &out->results[i], &h, err);
	if (tx)
		store_rollback(tx);
	out->millis = (sh_mono_ns() - t0) / 1000000;
	out->finished_at = out->started_at + out->millis / 1000;
	if (rc == SH_OK)
		rc = store_run_row(db, actor, &h, out, err);
	free(h.v);
	if (rc != SH_OK)
		quality_run_free(out);
	return rc;
}

int quality_latest(store_tx *tx, struct quality_run *out, struct sh_err *err)
{
	memset(out, 0, sizeof *out);
	store_stmt *st = NULL;
	int rc = store_query(tx, &st, err,
			     "SELECT id, started_at, finished_at, millis, actor, cases_opened"
			     " FROM quality_runs ORDER BY id DESC LIMIT 1", "");
	if (rc != SH_OK)
		return rc;
	if ((rc = store_step(st, err)) != STORE_ROW) {
		store_finalize(st);
		return rc < 0 ? rc : sh_err_set(err, SH_ENOTFOUND, "NO_RUN", "no quality run yet");
	}
	out->id = store_col_int(st, 0);
	out->started_at = store_col_int(st, 1);
	out->finished_at = store_col_int(st, 2);
	out->millis = store_col_int(st, 3);
	copy_col(st, 4, out->actor, sizeof out->actor);
	out->cases_opened = store_col_int(st, 5);
	store_finalize(st);
	out->results = calloc(quality_rules_count, sizeof *out->results);
	if (!out->results)
		return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "quality results");
	for (size_t i = 0; i < quality_rules_count; i++)
		out->results[i].rule = &quality_rules[i];
	out->nresults = (int)quality_rules_count;
	if ((rc = store_query(tx, &st, err,
			      "SELECT rule, grp, value, denominator, breach, opened FROM quality_results"
			      " WHERE run_id = ? ORDER BY rule, grp", "i", out->id)) != SH_OK)
		goto out;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const struct quality_rule *r = quality_rule_find(store_col_text(st, 0));
		if (!r)
			continue; /* a rule since retired */
		struct quality_result *res = &out->results[r - quality_rules];
		const char *grp = store_col_text(st, 1);
		if (!grp || !*grp) {
			res->value = store_col_int(st, 2);
			res->denominator = store_col_int(st, 3);
			res->breach = (int)store_col_int(st, 4);
			res->opened = (int)store_col_int(st, 5);
		} else if (res->ngroups < QUALITY_GROUPS_MAX) {
			struct quality_group *g = &res->groups[res->ngroups++];
			snprintf(g->grp, sizeof g->grp, "%s", grp);
			g->value = store_col_int(st, 2);
			g->denominator = store_col_int(st, 3);
		}
	}
	rc = rc < 0 ? rc : SH_OK;
out:
	store_finalize(st);
	if (rc != SH_OK)
		quality_run_free(out);
	return rc;
}
