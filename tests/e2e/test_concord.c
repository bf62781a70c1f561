/* test_concord.c — data concordance end to end through the real `shanakht
 * serve` and the validating proxy: a council registrar uploads the
 * council's register (broken rows listed), re-uploads it (nothing
 * changes), links it, reads the report as JSON and CSV, and decides a
 * record of the review side; scope and error answers on the way. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"
#include "store/store.h"

#define UC "PB-LHR-01-003"

static struct e2e_server srv;
static char t_reg[80], t_other[80], t_audit[80];

static void start(void)
{
	cr_assert_eq(sodium_init() >= 0, 1);
	cr_assert_eq(e2e_start(&srv, NULL), 0, "server starts");
	cr_assert_eq(e2e_operator(&srv, "registrar3", "uc_registrar", UC, t_reg), 0);
	cr_assert_eq(e2e_operator(&srv, "registrar1", "uc_registrar", "PB-LHR-01-001", t_other), 0);
	cr_assert_eq(e2e_operator(&srv, "auditor1", "auditor", NULL, t_audit), 0);
}

static void stop(void)
{
	cr_assert_eq(e2e_stop(&srv), 0);
}

TestSuite(concord_e2e, .init = start, .fini = stop, .timeout = 300);

static const struct {
	const char *name, *father, *dob, *gender;
} people[] = {
	{"Ali Raza", "Ahmed Raza", "1980-03-14", "male"},
	{"Bilal Khan", "Tariq Khan", "1975-07-02", "male"},
	{"Sana Malik", "Imran Malik", "1990-11-23", "female"},
	{"Usman Butt", "Javed Butt", "1968-01-30", "male"},
	{"Ayesha Iqbal", "Zafar Iqbal", "1985-05-05", "female"},
	{"Hamza Qureshi", "Naeem Qureshi", "2001-09-17", "male"},
	{"Fatima Sheikh", "Rashid Sheikh", "1995-12-08", "female"},
	{"Omar Farooq", "Khalid Farooq", "1972-04-19", "male"},
	{"Zainab Anwar", "Pervez Anwar", "1988-02-27", "female"},
	{"Imran Siddiqui", "Aslam Siddiqui", "1979-06-11", "male"},
	{"Nadia Chaudhry", "Saleem Chaudhry", "1993-08-03", "female"},
	{"Kamran Akhtar", "Shahid Akhtar", "1983-10-29", "male"},
};
#define NPEOPLE (sizeof people / sizeof people[0])
static char ids[NPEOPLE][20];

static void make_people(void)
{
	for (size_t i = 0; i < NPEOPLE; i++) {
		json_t *b = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "name_en", people[i].name,
				      "guardian_name_en", people[i].father, "guardian_relation",
				      "father", "gender", people[i].gender, "dob", people[i].dob,
				      "council_code", UC, "citizenship", "citizen", "reason", "test");
		struct e2e_resp r;
		e2e_request_json(&srv, "POST", "/api/v1/persons", srv.admin_token, b, &r);
		json_decref(b);
		cr_assert_eq(r.status, 201, "create person: %ld %s", r.status, r.body);
		e2e_idnum_digits(json_string_value(json_object_get(r.json, "id_number")), ids[i]);
		e2e_resp_free(&r);
	}
}

static const char *mapping = "register_no = RegNo\nname = Name\nfather = Father\n"
			     "dob = Date of birth\nsex = Sex\ncouncil_code = " UC "\n";

/* People 0..9 (person 2's father spelled otherwise), one council-only
 * record, one broken row (line 13). */
static char *register_csv(void)
{
	static char buf[4096];
	size_t n = (size_t)snprintf(buf, sizeof buf, "RegNo,Name,Father,Date of birth,Sex\n");
	for (size_t i = 0; i < 10; i++) {
		int y, m, d;
		cr_assert_eq(sscanf(people[i].dob, "%d-%d-%d", &y, &m, &d), 3);
		n += (size_t)snprintf(buf + n, sizeof buf - n, "R%zu,%s,%s,%02d-%02d-%04d,%c\n", i + 1,
				      people[i].name, i == 2 ? "Imraan Malick" : people[i].father, d,
				      m, y, people[i].gender[0]);
	}
	n += (size_t)snprintf(buf + n, sizeof buf - n, "R50,Gulnaz Bibi,Fazal Din,1950,f\n");
	n += (size_t)snprintf(buf + n, sizeof buf - n, "R51,Noor Jahan,Karam Din,31-06-1960,f\n");
	return buf;
}

static json_t *import_body(const char *council, const char *map, const void *data, size_t n)
{
	size_t cap = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = malloc(cap);
	cr_assert(b64);
	sodium_bin2base64(b64, cap, data, n, sodium_base64_VARIANT_ORIGINAL);
	json_t *b = json_pack("{s:s, s:s, s:s, s:s}", "council_code", council, "mapping", map, "data",
			      b64, "file_name", "uc3.csv");
	free(b64);
	return b;
}

static struct e2e_resp call(const char *method, const char *path, const char *token, json_t *body,
			    long want, const char *code)
{
	struct e2e_resp r;
	if (body)
		e2e_request_json(&srv, method, path, token, body, &r);
	else
		e2e_request(&srv, method, path, token, NULL, NULL, &r);
	json_decref(body);
	cr_assert_eq(r.status, want, "%s %s: want %ld got %ld %s", method, path, want, r.status,
		     r.body);
	cr_assert_str_eq(r.violation, "", "%s %s: %s", method, path, r.violation);
	if (code)
		cr_assert_str_eq(e2e_error_code(&r), code, "%s", r.body);
	return r;
}

static json_int_t jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

Test(concord_e2e, import_link_report_review)
{
	make_people();
	const char *csv = register_csv();
	struct e2e_resp r = call("POST", "/api/v1/concord/imports", t_reg,
				 import_body(UC, mapping, csv, strlen(csv)), 200, NULL);
	cr_assert_eq(jint(r.json, "rows"), 12);
	cr_assert_eq(jint(r.json, "imported"), 11);
	cr_assert_eq(jint(r.json, "bad"), 1);
	json_t *bad = json_array_get(json_object_get(r.json, "bad_rows"), 0);
	cr_assert_eq(jint(bad, "line"), 13);
	cr_assert_str_eq(json_string_value(json_object_get(bad, "code")), "DATE_INVALID");
	e2e_resp_free(&r);
	/* The same upload again changes nothing. */
	r = call("POST", "/api/v1/concord/imports", t_reg, import_body(UC, mapping, csv, strlen(csv)),
		 200, NULL);
	cr_assert_eq(jint(r.json, "imported"), 0);
	cr_assert_eq(jint(r.json, "unchanged"), 11);
	e2e_resp_free(&r);
	/* Another council's registrar may not import, link or read here. */
	r = call("POST", "/api/v1/concord/imports", t_other,
		 import_body(UC, mapping, csv, strlen(csv)), 403, "OUT_OF_SCOPE");
	e2e_resp_free(&r);
	r = call("POST", "/api/v1/concord/councils/" UC "/link", t_other, NULL, 403, "OUT_OF_SCOPE");
	e2e_resp_free(&r);
	r = call("GET", "/api/v1/concord/reports/" UC, t_other, NULL, 403, "OUT_OF_SCOPE");
	e2e_resp_free(&r);
	/* Bad uploads. */
	r = call("POST", "/api/v1/concord/imports", t_reg,
		 import_body(UC, "name = Nom\ncouncil_code = " UC "\n", csv, strlen(csv)), 400,
		 "MAPPING_COLUMN");
	e2e_resp_free(&r);
	r = call("POST", "/api/v1/concord/imports", t_reg, import_body(UC, mapping, "PK\x03\x04zz", 6),
		 422, "XLSX_UNSUPPORTED");
	e2e_resp_free(&r);
	r = call("POST", "/api/v1/concord/imports", t_reg,
		 json_pack("{s:s, s:s, s:s}", "council_code", UC, "mapping", mapping, "data", "!!"),
		 400, "DATA_INVALID");
	e2e_resp_free(&r);
	/* Link, then the report. */
	r = call("POST", "/api/v1/concord/councils/" UC "/link", t_reg, NULL, 200, NULL);
	cr_assert_eq(jint(r.json, "records"), 11);
	cr_assert_eq(jint(r.json, "links"), 10, "%s", r.body);
	cr_assert_eq(jint(r.json, "nonlinks"), 1, "%s", r.body);
	e2e_resp_free(&r);
	r = call("GET", "/api/v1/concord/reports/" UC, t_reg, NULL, 200, NULL);
	json_t *c = json_object_get(r.json, "counts");
	cr_assert_eq(jint(c, "matched"), 10);
	cr_assert_eq(jint(c, "matched_with_differences"), 1);
	cr_assert_eq(jint(c, "council_only"), 1);
	cr_assert_eq(jint(c, "national_only"), 2);
	json_t *m = json_array_get(json_object_get(r.json, "matched_with_differences"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(m, "person_id")), ids[2]);
	json_t *d = json_array_get(json_object_get(m, "differences"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(d, "field")), "father");
	json_t *co = json_array_get(json_object_get(r.json, "council_only"), 0);
	json_int_t rec = jint(co, "record_id");
	cr_assert_str_eq(json_string_value(json_object_get(co, "register_no")), "R50");
	e2e_resp_free(&r);
	/* The district report, read by an auditor, as CSV. */
	r = call("GET", "/api/v1/concord/reports/PB-LHR?format=csv", t_audit, NULL, 200, NULL);
	cr_assert(strstr(r.content_type, "text/csv"));
	cr_assert(strstr(r.body, "matched_with_differences," UC ","), "%s", r.body);
	cr_assert(strstr(r.body, "council_only," UC ","), "%s", r.body);
	e2e_resp_free(&r);
	r = call("GET", "/api/v1/concord/reports/XX-NOPE", t_audit, NULL, 404, "UNKNOWN_AREA");
	e2e_resp_free(&r);
	r = call("GET", "/api/v1/concord/councils/" UC "/reviews", t_reg, NULL, 200, NULL);
	cr_assert(json_is_array(json_object_get(r.json, "items")));
	e2e_resp_free(&r);
	/* The registrar decides R50 is person 11 (registered under her
	 * married name); a re-run keeps it. */
	char path[80];
	snprintf(path, sizeof path, "/api/v1/concord/reviews/%lld", (long long)rec);
	r = call("POST", path, t_reg,
		 json_pack("{s:s, s:s, s:s}", "person_id", ids[11], "decision", "maybe", "reason", "x"),
		 400, "DECISION_INVALID");
	e2e_resp_free(&r);
	r = call("POST", path, t_other,
		 json_pack("{s:s, s:s, s:s}", "person_id", ids[11], "decision", "same", "reason", "x"),
		 403, "OUT_OF_SCOPE");
	e2e_resp_free(&r);
	r = call("POST", path, t_reg,
		 json_pack("{s:s, s:s, s:s}", "person_id", ids[11], "decision", "same", "reason",
			   "the same person: the council's register was not updated"),
		 200, NULL);
	e2e_resp_free(&r);
	r = call("POST", "/api/v1/concord/reviews/999999", t_reg,
		 json_pack("{s:s, s:s, s:s}", "person_id", ids[11], "decision", "same", "reason", "x"),
		 404, "RECORD_NOT_FOUND");
	e2e_resp_free(&r);
	r = call("POST", "/api/v1/concord/councils/" UC "/link", t_reg, NULL, 200, NULL);
	cr_assert_eq(jint(r.json, "decided"), 1);
	cr_assert_eq(jint(r.json, "links"), 11);
	e2e_resp_free(&r);
	r = call("GET", "/api/v1/concord/reports/" UC, t_reg, NULL, 200, NULL);
	c = json_object_get(r.json, "counts");
	cr_assert_eq(jint(c, "council_only"), 0);
	cr_assert_eq(jint(c, "national_only"), 1);
	e2e_resp_free(&r);
	/* The queue with an item in it (the band is put on record R1 directly
	 * in the store: the planted register links everything clearly), as
	 * the proxy checks it against ConcordReviewItem. */
	store *db;
	struct sh_err e = {0};
	cr_assert_eq(store_open(srv.db_url, 1, &db, &e), 0, "%s", e.msg);
	store_tx *tx;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &e), 0, "%s", e.msg);
	cr_assert(store_run(tx, &e,
			    "UPDATE concord_links SET status = 'review', probability_ppm = 250000"
			    " WHERE record_id = (SELECT id FROM concord_records WHERE register_no = 'R1')",
			    "") == 1, "%s", e.msg);
	cr_assert_eq(store_commit(tx, &e), 0, "%s", e.msg);
	store_close(db);
	r = call("GET", "/api/v1/concord/councils/" UC "/reviews", t_reg, NULL, 200, NULL);
	json_t *items = json_object_get(r.json, "items");
	cr_assert_eq(json_array_size(items), 1, "%s", r.body);
	json_t *it = json_array_get(items, 0);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(it, "candidate"), "person_id")),
			 ids[0]);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(it, "record"), "register_no")),
			 "R1");
	cr_assert(json_real_value(json_object_get(it, "probability")) == 0.25);
	e2e_resp_free(&r);
	r = call("GET", "/api/v1/concord/councils/" UC "/reviews", t_other, NULL, 403, "OUT_OF_SCOPE");
	e2e_resp_free(&r);
}
