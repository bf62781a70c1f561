/* test_types.c — the application types as data (data/apps/types.json):
 * the built-in file validates, broken files are refused naming the place,
 * and each FAQ rule refuses by name through sections saved one by one. */
#include "fixture.h"

#include "lib/parse.h"
#include "registry/idnum.h"

static struct afx f;
static void setup(void) { afx_open(&f); }
static void teardown(void) { afx_close(&f); }
TestSuite(apps_types, .init = setup, .fini = teardown);

/* A date `days` from today, "YYYY-MM-DD". */
static void day_from_now(int64_t days, char out[11])
{
	sh_date_format(sh_days_to_date(sh_now() / 86400 + days), out, 11);
}

static void years_ago(int years, int extra_days, char out[11])
{
	struct sh_date d = sh_days_to_date(sh_now() / 86400 - extra_days);
	d.year -= years;
	if (!sh_date_valid(d.year, d.month, d.day))
		d.day = 28;
	sh_date_format(d, out, 11);
}

static void new_id(char out[IDNUM_DIGITS + 1])
{
	struct sh_err err = {0};
	cr_assert_eq(idnum_generate(out, &err), SH_OK, "%s", err.msg);
}

static void draft(int64_t account, const char *type, struct apps_application *a)
{
	struct sh_err err = {0};
	store_tx *tx = afx_begin(&f);
	cr_assert_eq(apps_application_create(tx, &f.anon, account, type, sh_now(), a, &err), SH_OK,
		     "%s %s", err.code, err.msg);
	afx_commit(tx);
}

/* Save a section given as JSON text; the status, err filled. */
static int put(int64_t account, const char *tid, const char *section, const char *json,
	       struct sh_err *err)
{
	json_t *v = json_loads(json, 0, NULL);
	cr_assert(v, "bad test JSON %s", json);
	store_tx *tx = afx_begin(&f);
	int rc = apps_section_put(tx, &f.anon, account, tid, section, v, sh_now(), err);
	if (rc == SH_OK)
		afx_commit(tx);
	else
		store_rollback(tx);
	json_decref(v);
	return rc;
}

static json_t *review(int64_t account, const char *tid)
{
	struct sh_err err = {0};
	struct apps_application a;
	json_t *r = NULL;
	store_tx *tx = afx_begin(&f);
	cr_assert_eq(apps_review(tx, account, tid, sh_now(), &a, &r, &err), SH_OK, "%s", err.code);
	store_rollback(tx);
	return r;
}

static int submit(int64_t account, const char *tid, struct sh_err *err)
{
	struct apps_application a;
	store_tx *tx = afx_begin(&f);
	int rc = apps_submit(tx, &f.anon, account, tid, sh_now(), &a, err);
	if (rc == SH_OK)
		afx_commit(tx);
	else
		store_rollback(tx);
	return rc;
}

static void chip(int64_t account, const char *tid)
{
	struct sh_err err = {0};
	store_tx *tx = afx_begin(&f);
	cr_assert_eq(apps_chip_code_set(tx, f.kr, &apps_cheap, &f.anon, account, tid, "4831", &err),
		     SH_OK, "%s", err.code);
	afx_commit(tx);
}

/* The applicant section as JSON. */
static void applicant(char *out, size_t n, const char *dob, const char *id,
		      const char *residence, const char *doc, const char *expiry)
{
	char idf[40] = "", exf[40] = "";
	if (id)
		snprintf(idf, sizeof idf, ", \"id_number\": \"%s\"", id);
	if (expiry)
		snprintf(exf, sizeof exf, ", \"document_expiry\": \"%s\"", expiry);
	snprintf(out, n,
		 "{\"full_name\": \"Ayesha Khan\", \"date_of_birth\": \"%s\", \"gender\": \"female\","
		 " \"residence\": \"%s\", \"current_document\": \"%s\"%s%s}",
		 dob, residence, doc, idf, exf);
}

#define ASSERT_RULE(rc, err, rule)                                                         \
	do {                                                                               \
		cr_assert_eq((rc), SH_ERULE, "%s %s", (err).code, (err).msg);              \
		cr_assert_str_eq((err).code, "APP_INELIGIBLE");                            \
		cr_assert(!strncmp((err).msg, rule ":", strlen(rule ":")), "%s", (err).msg); \
	} while (0)

Test(apps_types, builtin_file_validates)
{
	struct sh_err err = {0};
	cr_assert_eq(apps_types_load(&err), SH_OK, "%s", err.msg);
	size_t n;
	const struct apps_type *t = apps_types(&n);
	cr_assert_eq(n, 17);
	cr_assert_str_eq(apps_type_find("sid.renewal")->code, "sid.renewal");
	cr_assert(apps_type_find("sid.renewal")->fee_at_start);
	cr_assert_not(apps_type_find("nicop.fresh")->fee_at_start);
	cr_assert_null(apps_type_find("sid.fresh"));
	for (size_t i = 0; i < n; i++)
		cr_assert_gt(json_array_size(json_object_get(t[i].def, "sections")), 0);
	/* No fresh Smart ID online: refused by its rule, not "unknown". */
	struct apps_application a;
	int64_t id = afx_account(&f, "nosid");
	store_tx *tx = afx_begin(&f);
	int rc = apps_application_create(tx, &f.anon, id, "sid.fresh", sh_now(), &a, &err);
	store_rollback(tx);
	ASSERT_RULE(rc, err, "no_fresh_smart_id_online");
}

static void bad_file(const char *json, const char *needle)
{
	struct sh_err err = {0};
	struct apps_catalog *c = NULL;
	int rc = apps_catalog_parse(json, strlen(json), &c, &err);
	cr_assert_eq(rc, SH_EINVAL, "accepted: %s", json);
	cr_assert_null(c);
	cr_assert_str_eq(err.code, "APP_TYPES_INVALID");
	cr_assert(strstr(err.msg, needle), "message %s lacks %s", err.msg, needle);
}

#define HEAD                                                                               \
	"{\"biometrics\": {\"fingerprints_min_age\": 14, \"signature_min_age\": 14},"    \
	" \"sections\": {\"a\": {\"fields\": [{\"name\": \"x\", \"type\": \"date\","      \
	" \"required\": true}]}}, \"types\": ["
#define TYPE(extra, rules)                                                                  \
	"{\"code\": \"t1\", \"title\": \"T\", \"fee_paid\": \"at_end\", \"issues\": \"none\"," \
	" \"sections\": [\"a\"], \"documents\": []" extra ", \"rules\": [" rules "]}"

Test(apps_types, broken_files_are_refused_naming_the_place)
{
	struct sh_err err = {0};
	struct apps_catalog *c = NULL;
	const char *good = HEAD TYPE("", "{\"name\": \"r\", \"check\": \"date_future\","
				       " \"field\": \"a.x\", \"message\": \"m\"}") "]}";
	cr_assert_eq(apps_catalog_parse(good, strlen(good), &c, &err), SH_OK, "%s", err.msg);
	size_t n;
	apps_catalog_types(c, &n);
	cr_assert_eq(n, 1);
	cr_assert_not_null(apps_catalog_find(c, "t1"));
	apps_catalog_free(c);

	bad_file("{\"types\": [", "line");
	bad_file(HEAD TYPE("", "{\"name\": \"r\", \"check\": \"magic\", \"field\": \"a.x\","
			       " \"message\": \"m\"}") "]}",
		 "t1/r: unknown check");
	bad_file(HEAD TYPE("", "{\"name\": \"r\", \"check\": \"present\", \"field\": \"b.x\","
			       " \"message\": \"m\"}") "]}",
		 "field b.x");
	bad_file(HEAD TYPE("", "{\"name\": \"r\", \"check\": \"age_min\", \"field\": \"a.x\","
			       " \"message\": \"m\"}") "]}",
		 "needs years");
	bad_file(HEAD TYPE("", "{\"name\": \"r\", \"check\": \"present\", \"field\": \"a.x\"}") "]}",
		 "no message");
	bad_file(HEAD TYPE("", "") "," TYPE("", "") "]}", "t1 twice");
	bad_file(HEAD "{\"code\": \"t2\", \"title\": \"T\", \"fee_paid\": \"later\","
		      " \"issues\": \"none\", \"sections\": [\"a\"], \"documents\": [],"
		      " \"rules\": []}]}",
		 "fee_paid");
	bad_file(HEAD "{\"code\": \"t3\", \"title\": \"T\", \"fee_paid\": \"at_end\","
		      " \"issues\": \"none\", \"sections\": [\"zz\"], \"documents\": [],"
		      " \"rules\": []}]}",
		 "unknown section zz");
	bad_file("{\"biometrics\": {\"fingerprints_min_age\": 14, \"signature_min_age\": 14},"
		 " \"sections\": {\"a\": {\"fields\": [{\"name\": \"x\", \"type\": \"blob\","
		 " \"required\": true}]}}, \"types\": [" TYPE("", "") "]}",
		 "a.x: unknown field type");
}

Test(apps_types, smart_id_rules_sections_and_submission)
{
	struct sh_err err = {0};
	struct apps_application a;
	char js[512], dob[11], id[IDNUM_DIGITS + 1];
	new_id(id);
	int64_t acc = afx_account(&f, "sara");
	draft(acc, "sid.renewal", &a);

	/* 18 or over: one day short of 18 is refused, nothing saved. */
	years_ago(18, -1, dob);
	applicant(js, sizeof js, dob, id, "inland", "old_cnic", NULL);
	ASSERT_RULE(put(acc, a.tracking_id, "applicant", js, &err), err, "sid_age_18");
	json_t *r = review(acc, a.tracking_id);
	cr_assert_eq(json_object_size(json_object_get(r, "sections")), 0);
	json_decref(r);
	/* Inland only. */
	years_ago(30, 0, dob);
	applicant(js, sizeof js, dob, id, "overseas", "old_cnic", NULL);
	ASSERT_RULE(put(acc, a.tracking_id, "applicant", js, &err), err, "sid_inland");
	/* An old CNIC renewed becomes a Smart ID. */
	applicant(js, sizeof js, dob, id, "inland", "old_cnic", NULL);
	cr_assert_eq(put(acc, a.tracking_id, "applicant", js, &err), SH_OK, "%s %s", err.code,
		     err.msg);
	r = review(acc, a.tracking_id);
	cr_assert_str_eq(json_string_value(json_object_get(r, "issues")), "smart_id");
	cr_assert_str_eq(json_string_value(json_object_get(r, "fee_paid")), "at_start");
	cr_assert(json_is_true(json_object_get(r, "fingerprints_required")));
	cr_assert_eq(json_array_size(json_object_get(r, "missing_sections")), 1);
	cr_assert_str_eq(json_string_value(json_array_get(json_object_get(r, "missing_sections"), 0)),
			 "address_inland");
	json_decref(r);

	/* Incomplete: the missing section is named. */
	cr_assert_eq(submit(acc, a.tracking_id, &err), SH_ERULE);
	cr_assert_str_eq(err.code, "APP_INCOMPLETE");
	cr_assert(strstr(err.msg, "address_inland"), "%s", err.msg);
	cr_assert_eq(put(acc, a.tracking_id, "address_inland",
			 "{\"line\": \"12 Mall Road\", \"district\": \"Lahore\"}", &err),
		     SH_OK, "%s", err.msg);
	/* A card needs its chip code. */
	cr_assert_eq(submit(acc, a.tracking_id, &err), SH_ERULE);
	cr_assert_str_eq(err.code, "APP_INCOMPLETE");
	cr_assert(strstr(err.msg, "chip"), "%s", err.msg);
	chip(acc, a.tracking_id);
	cr_assert_eq(submit(acc, a.tracking_id, &err), SH_OK, "%s %s", err.code, err.msg);
	/* Submitted: no more edits, no second submission. */
	cr_assert_eq(put(acc, a.tracking_id, "address_inland",
			 "{\"line\": \"13 Mall Road\", \"district\": \"Lahore\"}", &err),
		     SH_ECONFLICT);
	cr_assert_str_eq(err.code, "APP_NOT_EDITABLE");
	cr_assert_eq(submit(acc, a.tracking_id, &err), SH_ECONFLICT);

	/* Reprint: not of an old CNIC. */
	draft(acc, "sid.reprint", &a);
	ASSERT_RULE(put(acc, a.tracking_id, "applicant", js, &err), err, "no_reprint_of_old_cnic");
	applicant(js, sizeof js, dob, id, "inland", "smart_id", NULL);
	cr_assert_eq(put(acc, a.tracking_id, "applicant", js, &err), SH_OK, "%s", err.msg);
}

Test(apps_types, section_validation_and_other_accounts)
{
	struct sh_err err = {0};
	struct apps_application a;
	int64_t acc = afx_account(&f, "usman"), other = afx_account(&f, "zara");
	draft(acc, "nicop.fresh", &a);
	const char *ok = "{\"full_name\": \"Usman\", \"date_of_birth\": \"1980-01-01\","
			 " \"gender\": \"male\", \"residence\": \"overseas\","
			 " \"current_document\": \"none\"}";
	cr_assert_eq(put(acc, a.tracking_id, "applicant",
			 "{\"full_name\": \"U\", \"date_of_birth\": \"1980-02-30\", \"gender\":"
			 " \"male\", \"residence\": \"overseas\", \"current_document\": \"none\"}",
			 &err),
		     SH_EINVAL);
	cr_assert_str_eq(err.code, "SECTION_INVALID");
	cr_assert(strstr(err.msg, "date_of_birth"), "%s", err.msg);
	cr_assert_eq(put(acc, a.tracking_id, "applicant",
			 "{\"full_name\": \"U\", \"date_of_birth\": \"1980-01-01\", \"gender\":"
			 " \"male\", \"residence\": \"moon\", \"current_document\": \"none\"}",
			 &err),
		     SH_EINVAL);
	cr_assert(strstr(err.msg, "residence"), "%s", err.msg);
	cr_assert_eq(put(acc, a.tracking_id, "applicant",
			 "{\"full_name\": \"U\", \"date_of_birth\": \"1980-01-01\", \"gender\":"
			 " \"male\", \"residence\": \"overseas\", \"current_document\": \"none\","
			 " \"id_number\": \"1234512345670\"}",
			 &err),
		     SH_EINVAL);
	cr_assert(strstr(err.msg, "id_number"), "%s", err.msg);
	cr_assert_eq(put(acc, a.tracking_id, "applicant",
			 "{\"full_name\": \"U\", \"date_of_birth\": \"1980-01-01\", \"gender\":"
			 " \"male\", \"residence\": \"overseas\", \"current_document\": \"none\","
			 " \"favourite_colour\": \"red\"}",
			 &err),
		     SH_EINVAL);
	cr_assert(strstr(err.msg, "favourite_colour"), "%s", err.msg);
	cr_assert_eq(put(acc, a.tracking_id, "applicant", "{\"full_name\": \"U\"}", &err),
		     SH_EINVAL);
	cr_assert(strstr(err.msg, "required"), "%s", err.msg);
	cr_assert_eq(put(acc, a.tracking_id, "passport", "{}", &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "SECTION_UNKNOWN");
	cr_assert_eq(put(acc, a.tracking_id, "applicant", ok, &err), SH_OK, "%s", err.msg);

	/* A NICOP for someone with no ID number issues one. */
	json_t *r = review(acc, a.tracking_id);
	cr_assert(json_is_true(json_object_get(r, "issues_id_number")));
	json_decref(r);

	/* Another account's tracking ID: not found, exactly as an unknown one. */
	cr_assert_eq(put(other, a.tracking_id, "applicant", ok, &err), SH_ENOTFOUND);
	cr_assert_str_eq(err.code, "APP_NOT_FOUND");
	cr_assert_eq(submit(other, a.tracking_id, &err), SH_ENOTFOUND);
	struct apps_application b;
	json_t *rr = NULL;
	store_tx *tx = afx_begin(&f);
	cr_assert_eq(apps_review(tx, other, a.tracking_id, sh_now(), &b, &rr, &err), SH_ENOTFOUND);
	store_rollback(tx);
	cr_assert_null(rr);
}

Test(apps_types, children_under_14_give_no_fingerprints)
{
	struct sh_err err = {0};
	struct apps_application a;
	char js[512], dob[11];
	int64_t acc = afx_account(&f, "parent");
	draft(acc, "nicop.fresh", &a);
	years_ago(14, -1, dob); /* 14 tomorrow */
	applicant(js, sizeof js, dob, NULL, "overseas", "none", NULL);
	cr_assert_eq(put(acc, a.tracking_id, "applicant", js, &err), SH_OK, "%s", err.msg);
	json_t *r = review(acc, a.tracking_id);
	cr_assert(json_is_false(json_object_get(r, "fingerprints_required")));
	cr_assert(json_is_false(json_object_get(r, "signature_required")));
	json_decref(r);
	years_ago(14, 0, dob); /* 14 today */
	applicant(js, sizeof js, dob, NULL, "overseas", "none", NULL);
	cr_assert_eq(put(acc, a.tracking_id, "applicant", js, &err), SH_OK, "%s", err.msg);
	r = review(acc, a.tracking_id);
	cr_assert(json_is_true(json_object_get(r, "fingerprints_required")));
	json_decref(r);
}

Test(apps_types, poc_renewal_within_six_months_with_a_valid_passport)
{
	struct sh_err err = {0};
	struct apps_application a;
	char js[512], exp[11], pp[160];
	int64_t acc = afx_account(&f, "john");
	draft(acc, "poc.renewal", &a);
	day_from_now(240, exp); /* ~8 months */
	applicant(js, sizeof js, "1975-05-05", NULL, "overseas", "poc", exp);
	ASSERT_RULE(put(acc, a.tracking_id, "applicant", js, &err), err, "poc_expiring_6_months");
	day_from_now(90, exp);
	applicant(js, sizeof js, "1975-05-05", NULL, "overseas", "poc", exp);
	cr_assert_eq(put(acc, a.tracking_id, "applicant", js, &err), SH_OK, "%s", err.msg);
	day_from_now(-1, exp);
	snprintf(pp, sizeof pp, "{\"number\": \"X123\", \"country\": \"UK\", \"expiry\": \"%s\"}",
		 exp);
	ASSERT_RULE(put(acc, a.tracking_id, "passport", pp, &err), err, "passport_valid");
	day_from_now(700, exp);
	snprintf(pp, sizeof pp, "{\"number\": \"X123\", \"country\": \"UK\", \"expiry\": \"%s\"}",
		 exp);
	cr_assert_eq(put(acc, a.tracking_id, "passport", pp, &err), SH_OK, "%s", err.msg);
	/* Not a POC holder. */
	draft(acc, "poc.renewal", &a);
	applicant(js, sizeof js, "1975-05-05", NULL, "overseas", "nicop", exp);
	ASSERT_RULE(put(acc, a.tracking_id, "applicant", js, &err), err, "poc_holder");
}

Test(apps_types, frc_members_and_photographs)
{
	struct sh_err err = {0};
	struct apps_application a;
	char js[512], fam[1024], me[14], wife[14], kid[14], kdob[11];
	new_id(me);
	new_id(wife);
	new_id(kid);
	years_ago(10, 0, kdob);
	int64_t acc = afx_account(&f, "father");
	draft(acc, "frc", &a);
	applicant(js, sizeof js, "1980-01-01", me, "inland", "smart_id", NULL);
	cr_assert_eq(put(acc, a.tracking_id, "applicant", js, &err), SH_OK, "%s", err.msg);
	snprintf(fam, sizeof fam,
		 "{\"members\": [{\"id_number\": \"%s\", \"full_name\": \"W\", \"relation\":"
		 " \"spouse\", \"date_of_birth\": \"1985-01-01\"}, {\"id_number\": \"%s\","
		 " \"full_name\": \"K\", \"relation\": \"son\", \"date_of_birth\": \"%s\"}]}",
		 wife, kid, kdob);
	ASSERT_RULE(put(acc, a.tracking_id, "family", fam, &err), err, "frc_applicant_included");
	snprintf(fam, sizeof fam,
		 "{\"members\": [{\"id_number\": \"%s\", \"full_name\": \"F\", \"relation\":"
		 " \"self\", \"date_of_birth\": \"1980-01-01\"}, {\"id_number\": \"%s\","
		 " \"full_name\": \"W\", \"relation\": \"spouse\", \"date_of_birth\":"
		 " \"1985-01-01\"}, {\"id_number\": \"%s\", \"full_name\": \"K\", \"relation\":"
		 " \"son\", \"date_of_birth\": \"%s\"}]}",
		 me, wife, kid, kdob);
	cr_assert_eq(put(acc, a.tracking_id, "family", fam, &err), SH_OK, "%s", err.msg);
	/* Photographs: the applicant's and the member under 18's only. */
	json_t *r = review(acc, a.tracking_id);
	json_t *docs = json_object_get(r, "documents_required");
	char want[48];
	snprintf(want, sizeof want, "photo_member:%s", kid);
	cr_assert_eq(json_array_size(docs), 2);
	cr_assert_str_eq(json_string_value(json_array_get(docs, 0)), "photo_applicant");
	cr_assert_str_eq(json_string_value(json_array_get(docs, 1)), want);
	json_decref(r);
	/* A member without an ID number is refused by the schema. */
	cr_assert_eq(put(acc, a.tracking_id, "family",
			 "{\"members\": [{\"full_name\": \"K\", \"relation\": \"son\","
			 " \"date_of_birth\": \"2020-01-01\"}]}",
			 &err),
		     SH_EINVAL);
	cr_assert(strstr(err.msg, "id_number"), "%s", err.msg);
}

static void exec_sql(const char *sql, const char *fmt, const char *a1, const char *a2)
{
	struct sh_err err = {0};
	store_tx *tx = afx_begin(&f);
	int rc = a2 ? store_run(tx, &err, sql, fmt, a1, a2) : store_run(tx, &err, sql, fmt, a1);
	cr_assert_geq(rc, 0, "%s", err.msg);
	afx_commit(tx);
}

Test(apps_types, cancellation_for_death_needs_a_registered_death)
{
	struct sh_err err = {0};
	struct apps_application a;
	char js[512], me[14], dead[14], d[160];
	new_id(me);
	new_id(dead);
	int64_t acc = afx_account(&f, "orphan");
	draft(acc, "cancel.death", &a);
	applicant(js, sizeof js, "1980-01-01", me, "inland", "smart_id", NULL);
	cr_assert_eq(put(acc, a.tracking_id, "applicant", js, &err), SH_OK, "%s", err.msg);
	snprintf(d, sizeof d, "{\"deceased_id_number\": \"%s\", \"relation\": \"father\"}", dead);
	ASSERT_RULE(put(acc, a.tracking_id, "death", d, &err), err, "death_registered");
	/* A pending (not registered) notice is not enough either. */
	const char *ins = "INSERT INTO crvs_events(kind, status, source, event_date, council_code,"
			  " subject_a, details, submitted_by, submitted_at)"
			  " VALUES ('death', ?, 'hospital', '2026-01-01', 'LHR-01', ?, '{}', 't', 0)";
	exec_sql(ins, "tt", "pending", dead);
	ASSERT_RULE(put(acc, a.tracking_id, "death", d, &err), err, "death_registered");
	exec_sql(ins, "tt", "registered", dead);
	cr_assert_eq(put(acc, a.tracking_id, "death", d, &err), SH_OK, "%s %s", err.code, err.msg);
	/* A cancellation issues no card: no chip code needed. */
	cr_assert_eq(submit(acc, a.tracking_id, &err), SH_OK, "%s %s", err.code, err.msg);
}

Test(apps_types, foreign_spouse_poc_after_a_registered_divorce)
{
	struct sh_err err = {0};
	struct apps_application a;
	char js[512], me[14], wife[14], stranger[14];
	new_id(me);
	new_id(wife);
	new_id(stranger);
	int64_t acc = afx_account(&f, "husband");
	exec_sql("INSERT INTO crvs_marriages(event_id, husband_id, wife_id, marriage_date, status,"
		 " reg_no, council_code, created_at) VALUES (1, ?, ?, '2010-01-01', 'divorced',"
		 " 'M-1', 'LHR-01', 0)",
		 "tt", me, wife);
	exec_sql("INSERT INTO crvs_divorces(event_id, marriage_id, dtype, notice_date,"
		 " effective_date, status, reg_no, council_code, created_at)"
		 " VALUES (2, 1, 'decree', '2020-01-01', '2020-01-01', ?, 'D-1', 'LHR-01', 0)",
		 "t", "effective", NULL);
	exec_sql("INSERT INTO crvs_divorces(event_id, marriage_id, dtype, notice_date,"
		 " effective_date, status, reg_no, council_code, created_at)"
		 " VALUES (3, 1, 'talaq', '2099-01-01', '2099-04-01', ?, 'D-2', 'LHR-01', 0)",
		 "t", "pending_effect", NULL);
	const char *div = "{\"registration_number\": \"D-1\", \"spouse_poc_number\": \"P-77\"}";
	/* Not the applicant's divorce. */
	draft(acc, "cancel.poc_divorce", &a);
	applicant(js, sizeof js, "1980-01-01", stranger, "inland", "smart_id", NULL);
	cr_assert_eq(put(acc, a.tracking_id, "applicant", js, &err), SH_OK, "%s", err.msg);
	ASSERT_RULE(put(acc, a.tracking_id, "divorce", div, &err), err, "divorce_registered");
	/* Not yet effective, or unknown. */
	applicant(js, sizeof js, "1980-01-01", me, "inland", "smart_id", NULL);
	cr_assert_eq(put(acc, a.tracking_id, "applicant", js, &err), SH_OK, "%s", err.msg);
	ASSERT_RULE(put(acc, a.tracking_id, "divorce",
			"{\"registration_number\": \"D-2\", \"spouse_poc_number\": \"P-77\"}", &err),
		    err, "divorce_registered");
	ASSERT_RULE(put(acc, a.tracking_id, "divorce",
			"{\"registration_number\": \"D-9\", \"spouse_poc_number\": \"P-77\"}", &err),
		    err, "divorce_registered");
	cr_assert_eq(put(acc, a.tracking_id, "divorce", div, &err), SH_OK, "%s %s", err.code,
		     err.msg);
	cr_assert_eq(submit(acc, a.tracking_id, &err), SH_OK, "%s %s", err.code, err.msg);
}
