/* test_demo.c — end-to-end: what `scripts/demo` gives a newcomer works as
 * printed. `shanakht init --demo` on the backend under test, then the demo
 * registrar registers a pending birth and the demo bank verifies the
 * mother with her consent (the passcode read from var/sms-outbox.log, the
 * embedded default's undelivered SMS). */
#include <criterion/criterion.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"

#include "e2e.h"

static struct e2e_server srv;

/* The first regex group of `pattern` in text, into out. */
static void capture(const char *text, const char *pattern, char *out, size_t n)
{
	regex_t re;
	regmatch_t m[2];
	cr_assert_eq(regcomp(&re, pattern, REG_EXTENDED), 0);
	cr_assert_eq(regexec(&re, text, 2, m, 0), 0, "/%s/ not in: %s", pattern, text);
	snprintf(out, n, "%.*s", (int)(m[1].rm_eo - m[1].rm_so), text + m[1].rm_so);
	regfree(&re);
}

/* The passcode of the newest line for `to` in the SMS outbox log; the
 * sender thread writes it shortly after the request commits. */
static void passcode_for(const char *to, char code[8])
{
	char path[400], line[2048], last[2048] = "";
	snprintf(path, sizeof path, "%s/sms-outbox.log", srv.dir);
	for (int tries = 0; tries < 100 && !last[0]; tries++) {
		FILE *f = fopen(path, "r");
		if (f) {
			while (fgets(line, sizeof line, f))
				if (strstr(line, to) && strstr(line, "Demo Bank"))
					snprintf(last, sizeof last, "%s", line);
			fclose(f);
		}
		if (!last[0])
			usleep(100 * 1000);
	}
	cr_assert(last[0], "no passcode SMS for %s in %s", to, path);
	cr_assert(strstr(last, "\"delivered\":false"), "outbox lines say they were not delivered");
	capture(last, "[^0-9-]([0-9]{6})[^0-9-]", code, 8);
}

Test(demo, newcomer_journey, .timeout = 120)
{
	char *init = NULL;
	cr_assert_eq(e2e_start_demo(&srv, &init), 0, "demo server starts");
	char council[32], key_id[64], secret[80];
	capture(init, "pending at ([A-Z]{2}-[A-Z]{3}-[0-9]{2}-[0-9]{3})", council, sizeof council);
	capture(init, "X-Party-Key (pk_[0-9a-f]+)", key_id, sizeof key_id);
	capture(init, "secret ([0-9a-f]{64})", secret, sizeof secret);
	free(init);

	/* The registrar sees the facility's notifications and registers one. */
	char token[80], path[160];
	cr_assert_eq(e2e_login(&srv, "registrar", E2E_ADMIN_PASSWORD, token), 200);
	struct e2e_resp r;
	snprintf(path, sizeof path, "/api/v1/councils/%s/pending", council);
	cr_assert_eq(e2e_request(&srv, "GET", path, token, NULL, NULL, &r), 0);
	cr_assert_eq(r.status, 200, "%s", r.body);
	json_t *pending = json_object_get(r.json, "pending");
	cr_assert_eq(json_array_size(pending), 3, "%s", r.body);
	json_t *first = json_array_get(pending, 0);
	long long event = json_integer_value(json_object_get(first, "id"));
	char mother[16];
	snprintf(mother, sizeof mother, "%s",
		 json_string_value(json_object_get(json_object_get(first, "details"), "mother_id")));
	e2e_resp_free(&r);

	snprintf(path, sizeof path, "/api/v1/notifications/%lld/register", event);
	cr_assert_eq(e2e_request(&srv, "POST", path, token,
				 "{\"name_en\":\"Bilal Demo\",\"name_ur\":\"بلال\"}", NULL, &r),
		     0);
	cr_assert(r.status == 200 || r.status == 201, "%ld %s", r.status, r.body);
	const char *child = json_string_value(json_object_get(r.json, "id_number"));
	cr_assert_not_null(child, "%s", r.body);
	/* Issue 13 item 12: a demo mother is married by a registered nikah. */
	snprintf(path, sizeof path, "/api/v1/persons/%s/family", mother);
	cr_assert_eq(e2e_request(&srv, "GET", path, token, NULL, NULL, &r), 0);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_eq(json_array_size(json_object_get(r.json, "spouses")), 1, "%s", r.body);
	e2e_resp_free(&r);
	char child_path[64];
	snprintf(child_path, sizeof child_path, "/api/v1/persons/%s", child);
	e2e_resp_free(&r);
	cr_assert_eq(e2e_request(&srv, "GET", child_path, token, NULL, NULL, &r), 0);
	cr_assert_eq(r.status, 200, "%s", r.body);
	e2e_resp_free(&r);

	/* The demo bank asks the mother's consent and verifies her name. */
	snprintf(path, sizeof path, "/api/v1/persons/%s", mother);
	cr_assert_eq(e2e_request(&srv, "GET", path, srv.admin_token, NULL, NULL, &r), 0);
	cr_assert_eq(r.status, 200, "%s", r.body);
	char name[256], mobile[32];
	snprintf(name, sizeof name, "%s", json_string_value(json_object_get(r.json, "name_en")));
	snprintf(mobile, sizeof mobile, "%s", json_string_value(json_object_get(r.json, "mobile")));
	e2e_resp_free(&r);

	char body[512], consent[80], code[8];
	snprintf(body, sizeof body, "{\"id_number\":\"%s\",\"purpose\":\"account opening\"}", mother);
	cr_assert_eq(e2e_party_request(&srv, key_id, secret, "POST", "/api/v1/consents", body,
				       NULL, &r),
		     0);
	cr_assert_eq(r.status, 202, "%s", r.body);
	snprintf(consent, sizeof consent, "%s",
		 json_string_value(json_object_get(r.json, "consent_id")));
	e2e_resp_free(&r);
	passcode_for(mobile, code);
	snprintf(body, sizeof body,
		 "{\"consent_id\":\"%s\",\"passcode\":\"%s\",\"type\":\"yesno\",\"name\":\"%s\"}",
		 consent, code, name);
	cr_assert_eq(e2e_party_request(&srv, key_id, secret, "POST", "/api/v1/verifications",
				       body, NULL, &r),
		     0);
	cr_assert_eq(r.status, 200, "%s", r.body);
	const char *result = json_string_value(json_object_get(r.json, "result"));
	cr_assert(result && !strcmp(result, "yes"), "%s", r.body);
	e2e_resp_free(&r);

	const char *verify[] = {"audit", "verify", "--db", srv.db_url, NULL};
	char *out = NULL;
	cr_assert_eq(e2e_run_cli(verify, &out), 0, "%s", out ? out : "");
	free(out);
	cr_assert_eq(e2e_stop(&srv), 0);
}

static int exists(const char *dir, const char *name)
{
	char p[512];
	struct stat st;
	snprintf(p, sizeof p, "%s/%s", dir, name);
	return stat(p, &st) == 0;
}

static long long count(store *db, const char *sql)
{
	store_tx *tx;
	store_stmt *st;
	struct sh_err e = {0};
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &e), 0, "%s", e.msg);
	cr_assert_eq(store_query(tx, &st, &e, sql, ""), 0, "%s", e.msg);
	cr_assert_eq(store_step(st, &e), STORE_ROW, "%s", e.msg);
	long long n = store_col_int(st, 0);
	store_finalize(st);
	store_rollback(tx);
	return n;
}

/* Issue 13 item 12: init checks the password before it creates anything
 * (so a retry starts clean), and the demo's married couples have their
 * nikah in the marriage register. */
Test(demo, init_checks_the_password_first_and_families_are_events, .timeout = 120)
{
	char dir[] = "/tmp/shanakht-init-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char db[300], keys[300];
	snprintf(db, sizeof db, "sqlite:%s/shanakht.db", dir);
	snprintf(keys, sizeof keys, "%s/keys", dir);
	const char *init[] = {"init", "--demo", "--db", db, "--keys", keys, NULL};
	static const char *const refused[] = {"My-admin-Pass-2026", "Registrar-Pass-2026"};
	for (size_t i = 0; i < 2; i++) {
		setenv("SHANAKHT_ADMIN_PASSWORD", refused[i], 1);
		char *out = NULL;
		cr_assert_eq(e2e_run_cli(init, &out), 1, "%s", out);
		cr_assert(strstr(out, "must not contain the username"), "%s", out);
		free(out);
		cr_assert(!exists(dir, "keys") && !exists(dir, "shanakht.db"),
			  "nothing is created for a refused password");
	}
	setenv("SHANAKHT_ADMIN_PASSWORD", E2E_ADMIN_PASSWORD, 1);
	char *out = NULL;
	cr_assert_eq(e2e_run_cli(init, &out), 0, "%s", out);
	free(out);
	store *s;
	struct sh_err e = {0};
	cr_assert_eq(store_open(db, 1, &s, &e), 0, "%s", e.msg);
	cr_assert_eq(count(s, "SELECT COUNT(*) FROM crvs_marriages"), 60);
	cr_assert_eq(count(s, "SELECT COUNT(*) FROM persons p WHERE marital = 'married' AND NOT"
			      " EXISTS (SELECT 1 FROM crvs_marriages m WHERE m.husband_id ="
			      " p.id_number OR m.wife_id = p.id_number)"),
		     0);
	cr_assert_gt(count(s, "SELECT COUNT(*) FROM crvs_events WHERE kind = 'birth' AND"
			      " status = 'registered'"),
		     59);
	cr_assert_eq(count(s, "SELECT COUNT(*) FROM persons WHERE mother_id IS NOT NULL AND"
			      " id_number NOT IN (SELECT person_id FROM crvs_events WHERE"
			      " person_id IS NOT NULL)"),
		     0, "every demo child has its birth registration");
	store_close(s);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}
