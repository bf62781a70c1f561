/* crvs_rules.c — every civil registration rule's default, in one table,
 * and the administrator's overrides. The database holds only overrides
 * (crvs_settings, crvs_min_age): a rule nobody set reads its default from
 * here, so that a default lives in exactly one place. */
#include <stddef.h>
#include <string.h>

#include "crvs/crvs_internal.h"

struct rule_def {
	const char *name;
	size_t offset; /* into struct crvs_rules */
	int dflt, min, max;
};

#define RULE(field, d, lo, hi) {#field, offsetof(struct crvs_rules, field), d, lo, hi}
static const struct rule_def rule_defs[] = {
	/* A notice older than this is a late registration and needs a reason
	 * (the practice of the Punjab and Sindh local government rules). */
	RULE(late_days, 60, 0, 3650),
	/* Muslim Family Laws Ordinance 1961 s.7(3): a talaq takes effect 90
	 * days after the notice to the chairman. */
	RULE(talaq_wait_days, 90, 0, 3650),
	/* A witness to a nikah is an adult. */
	RULE(witness_min_age, 18, 0, 3650),
};
#undef RULE

/* Child Marriage Restraint Act 1929 (18 / 16) as still in force in Punjab,
 * KP, Balochistan, GB and AJK; Sindh Child Marriages Restraint Act 2013 and
 * ICT Child Marriage Restraint Act 2025: 18 for both. */
static const struct {
	const char *province;
	int male, female;
} min_age_defs[] = {
	{"PB", 18, 16}, {"SD", 18, 18}, {"KP", 18, 16}, {"BA", 18, 16},
	{"IS", 18, 18}, {"GB", 18, 16}, {"JK", 18, 16},
};
#define MIN_AGE_FALLBACK 18 /* a province the table does not name */
#define MIN_AGE_LIMIT 30

static int *rule_field(struct crvs_rules *r, const struct rule_def *d)
{
	return (int *)(void *)((char *)r + d->offset);
}

static const struct rule_def *rule_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof rule_defs / sizeof rule_defs[0]; i++)
		if (!strcmp(rule_defs[i].name, name))
			return &rule_defs[i];
	return NULL;
}

int crvs_rules_get(store_tx *tx, struct crvs_rules *out, struct sh_err *err)
{
	for (size_t i = 0; i < sizeof rule_defs / sizeof rule_defs[0]; i++)
		*rule_field(out, &rule_defs[i]) = rule_defs[i].dflt;
	store_stmt *st;
	int rc = store_query(tx, &st, err, "SELECT name, value FROM crvs_settings", "");
	if (rc)
		return rc;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const struct rule_def *d = rule_find(store_col_text(st, 0));
		if (d)
			*rule_field(out, d) = (int)store_col_int(st, 1);
	}
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}

int crvs_rules_set(const struct crvs_ctx *c, const char *name, int64_t value,
		   struct sh_err *err)
{
	const struct rule_def *d = rule_find(name);
	if (!d)
		return sh_err_set(err, SH_EINVAL, "RULE_UNKNOWN", "no rule named %s", name);
	if (value < d->min || value > d->max)
		return sh_err_set(err, SH_EINVAL, "RULE_VALUE_INVALID", "%s must be %d..%d", name,
				  d->min, d->max);
	store_tx *tx;
	int rc = crvs_tx_begin(c, &tx, err);
	if (rc)
		return rc;
	rc = store_run(tx, err,
		       "INSERT INTO crvs_settings(name, value) VALUES (?, ?)"
		       " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
		       "ti", name, value);
	if (rc >= 0) {
		json_t *j = json_pack("{s:s,s:I}", "rule", name, "value", (json_int_t)value);
		rc = crvs_audit(tx, c, "crvs.rule.set", NULL, j, err);
		json_decref(j);
	}
	return crvs_tx_end(c, tx, rc, err);
}

size_t crvs_min_age_provinces(void)
{
	return sizeof min_age_defs / sizeof min_age_defs[0];
}

const char *crvs_min_age_province(size_t i)
{
	return i < crvs_min_age_provinces() ? min_age_defs[i].province : NULL;
}

int crvs_min_age_get(store_tx *tx, const char *province, enum person_gender g, int *out,
		     struct sh_err *err)
{
	*out = MIN_AGE_FALLBACK;
	for (size_t i = 0; province && i < crvs_min_age_provinces(); i++)
		if (!strcmp(min_age_defs[i].province, province))
			*out = g == GENDER_FEMALE ? min_age_defs[i].female : min_age_defs[i].male;
	store_stmt *st;
	int rc = store_query(tx, &st, err, "SELECT male, female FROM crvs_min_age WHERE province = ?",
			     "t", province ? province : "");
	if (rc)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		*out = (int)store_col_int(st, g == GENDER_FEMALE ? 1 : 0);
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}

int crvs_min_age_set(const struct crvs_ctx *c, const char *province, int male, int female,
		     struct sh_err *err)
{
	if (!province || strlen(province) != 2 || male < 0 || male > MIN_AGE_LIMIT ||
	    female < 0 || female > MIN_AGE_LIMIT)
		return sh_err_set(err, SH_EINVAL, "RULE_VALUE_INVALID", "bad minimum age rule");
	store_tx *tx;
	int rc = crvs_tx_begin(c, &tx, err);
	if (rc)
		return rc;
	rc = store_run(tx, err,
		       "INSERT INTO crvs_min_age(province, male, female) VALUES (?, ?, ?)"
		       " ON CONFLICT (province) DO UPDATE SET male = excluded.male,"
		       " female = excluded.female",
		       "tii", province, (int64_t)male, (int64_t)female);
	if (rc >= 0) {
		json_t *d = json_pack("{s:s,s:i,s:i}", "province", province, "male", male,
				      "female", female);
		rc = crvs_audit(tx, c, "crvs.rule.min_age", NULL, d, err);
		json_decref(d);
	}
	return crvs_tx_end(c, tx, rc, err);
}
