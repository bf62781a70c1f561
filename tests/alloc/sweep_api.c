/* sweep_api.c — allocation-failure sweep over the main API paths (issue
 * 14.5), as SQLite's OOM loops and curl's torture mode do. Built only with
 * -DSH_ALLOC_FAIL=ON (src/lib/alloc_fail.h); run by ctest as alloc_sweep,
 * in the sanitizer build of scripts/test, so that a leak or a bad free on
 * any failure path is an ASan/LSan report.
 *
 * The whole application runs in this process (the routes, hooks and
 * background threads `shanakht serve` runs), on SQLite. For each request
 * of the paths below — login, person read and search, birth notification
 * and its registration, consent request and the yes/no verification — it
 * fails allocation 1, then 2, then 3, ... of the server side (this
 * thread, the client, is exempt) until the request goes through with no
 * failure left to inject. After every injected failure:
 *  - the answer is the request's success (the failure was absorbed) or a
 *    503 with a JSON error body {"error":{"code","message"}};
 *  - nothing was half-written: every table holds the rows it held before
 *    (except the audit log and the party nonces, which record decisions
 *    and used nonces by design, failures included);
 * and at the end of each path the audit log verifies. Anything else is
 * printed and makes the exit status 1. Bounded: at most SWEEP_MAX_STEPS
 * failures per path. */
#include <jansson.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/app.h"
#include "audit/audit.h"
#include "auth/password.h"
#include "auth/roles.h"
#include "auth/users.h"
#include "consent/party.h"
#include "consent/policy.h"
#include "crypto/keyring.h"
#include "e2e.h"
#include "http/http.h"
#include "lib/alloc_fail.h"
#include "lib/parse.h"
#include "notify/sms.h"
#include "registry/person.h"
#include "testdb.h"

#define SWEEP_MAX_STEPS 20000
#define PW "Correct-horse-42"
#define LHR1 "PB-LHR-01-001"
#define MAX_TABLES 64

static struct app app;
static struct e2e_server srv; /* only .base is used by e2e_request */
static const struct auth_pwcost cheap = {1, crypto_pwhash_MEMLIMIT_MIN};
static char var_dir[64];
static int findings;

/* Row counts of every table, to compare before and after a failure. */
struct counts {
	int n;
	char name[MAX_TABLES][64];
	long long rows[MAX_TABLES];
};

static int ignored_table(const char *t)
{
	/* decisions and used nonces are recorded for failed requests too */
	return !strcmp(t, "audit_log") || !strcmp(t, "audit_state") ||
	       !strncmp(t, "party_nonces", 12) ||
	       /* drained by the sender thread at its own pace; the consents
		* table shows whether a consent (and its SMS) was written */
	       !strcmp(t, "sms_outbox");
}

static const char *pre_written; /* of the step being swept */

static int counts_take(struct counts *c)
{
	struct sh_err err = {0};
	store_tx *tx = NULL;
	store_stmt *st = NULL;
	memset(c, 0, sizeof *c);
	if (store_begin(app.db, STORE_READ, &tx, &err) != SH_OK)
		return -1;
	int rc = store_query(tx, &st, &err,
			     "SELECT name FROM sqlite_master WHERE type = 'table'"
			     " AND name NOT LIKE 'sqlite_%' ORDER BY name",
			     "");
	while (rc == SH_OK && store_step(st, &err) == STORE_ROW && c->n < MAX_TABLES) {
		const char *t = store_col_text(st, 0);
		if (t && !ignored_table(t) && !(pre_written && !strcmp(t, pre_written)))
			snprintf(c->name[c->n++], sizeof c->name[0], "%s", t);
	}
	store_finalize(st);
	for (int i = 0; i < c->n && rc == SH_OK; i++) {
		char sql[128];
		snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", c->name[i]);
		st = NULL;
		rc = store_query(tx, &st, &err, sql, "");
		if (rc == SH_OK && store_step(st, &err) == STORE_ROW)
			c->rows[i] = store_col_int(st, 0);
		store_finalize(st);
	}
	store_rollback(tx);
	return rc == SH_OK ? 0 : -1;
}

/* after - before, table by table (same table list). */
static void counts_delta(const struct counts *before, const struct counts *after,
			 struct counts *d)
{
	*d = *after;
	for (int i = 0; i < d->n && i < before->n; i++)
		d->rows[i] -= before->rows[i];
}

/* The first table whose count differs, or NULL. */
static const char *counts_diff(const struct counts *a, const struct counts *b)
{
	if (a->n != b->n)
		return "(the table list)";
	for (int i = 0; i < a->n; i++)
		if (a->rows[i] != b->rows[i])
			return a->name[i];
	return NULL;
}

/* One request of a path: what to send and what success is. */
struct step {
	const char *name;
	const char *method;
	char path[160];
	const char *token;         /* operator bearer token, or NULL */
	const char *party_key_id;  /* party-signed when not NULL */
	const char *party_secret;
	char *body;                /* owned, may be NULL */
	long ok_status;
	/* After the request went through although a failure was injected
	 * (the failure was absorbed: a cache, a log line), make it a new
	 * equivalent request, since this one changed the state; NULL when
	 * it can simply be repeated. 0 or -1. */
	int (*renew)(struct step *s, const struct e2e_resp *done);
	/* A table this path changes before it knows the outcome, by design,
	 * and resets here before each attempt (NULL: none). */
	const char *pre_written;
};

static int send_step(const struct step *s, struct e2e_resp *r)
{
	if (s->party_key_id)
		return e2e_party_request(&srv, s->party_key_id, s->party_secret, s->method, s->path,
					 s->body, NULL, r);
	return e2e_request(&srv, s->method, s->path, s->token, s->body, NULL, r);
}

static int clean_error(const struct e2e_resp *r)
{
	json_t *e = r->json ? json_object_get(r->json, "error") : NULL;
	return r->status == 503 && json_is_string(json_object_get(e, "code")) &&
	       json_is_string(json_object_get(e, "message"));
}

static void sweep_report(const struct step *s, uint64_t used, long injected, long refused,
			 long absorbed, time_t t0)
{
	printf("%-34s %5llu allocations; %5ld failures injected: %5ld clean 503, %3ld absorbed "
	       "(%lds)\n",
	       s->name, (unsigned long long)used, injected, refused, absorbed,
	       (long)(time(NULL) - t0));
}

/* Sweep one step; on success *out holds the successful answer (caller
 * frees). Returns the number of failures injected. */
static long sweep(struct step *s, struct e2e_resp *out)
{
	struct counts before, after;
	/* A 503 after the commit (the answer could not be built) leaves a
	 * complete write: the change a success makes. Such changes are kept
	 * here and compared with the success's at the end; any other change
	 * is a half-written state. */
	static struct counts lost[64];
	uint64_t lost_at[64];
	int nlost = 0;
	long injected = 0, absorbed = 0, refused = 0;
	time_t t0 = time(NULL);
	memset(out, 0, sizeof *out);
	pre_written = s->pre_written;
	for (uint64_t n = 1; n <= SWEEP_MAX_STEPS; n++) {
		if (s->pre_written) {
			char sql[96];
			struct sh_err e = {0};
			snprintf(sql, sizeof sql, "DELETE FROM %s", s->pre_written);
			testdb_exec(app.db, sql);
			(void)e;
		}
		audit_writer_flush();
		if (counts_take(&before)) {
			printf("  %s: cannot count the tables\n", s->name);
			findings++;
			return injected;
		}
		struct e2e_resp r;
		if (getenv("SH_ALLOC_FAIL_BACKTRACE")) /* to tell whose backtrace follows */
			fprintf(stderr, "-- %s: allocation %llu\n", s->name, (unsigned long long)n);
		sh_alloc_fail_arm(n);
		int rc = send_step(s, &r);
		sh_alloc_fail_disarm();
		int fired = sh_alloc_fail_fired();
		uint64_t used = sh_alloc_fail_count();
		audit_writer_flush();
		if (!fired) {
			/* no failure left to inject: the request as it should be */
			if (rc != 0 || r.status != s->ok_status) {
				printf("  %s: without a failure: %ld %s\n", s->name, r.status,
				       r.body ? r.body : "");
				findings++;
			}
			struct counts done, dd;
			if (counts_take(&done) == 0) {
				counts_delta(&before, &done, &dd);
				for (int i = 0; i < nlost; i++)
					if (counts_diff(&lost[i], &dd)) {
						printf("  %s: allocation %llu failed (503) and left a "
						       "change that is not the success's (%s)\n",
						       s->name, (unsigned long long)lost_at[i],
						       counts_diff(&lost[i], &dd));
						findings++;
					}
			}
			if (nlost)
				printf("  %s: %d failures after the commit: the write complete, "
				       "its answer a 503\n",
				       s->name, nlost);
			sweep_report(s, used, injected, refused, absorbed, t0);
			*out = r;
			return injected;
		}
		injected++;
		if (rc != 0) {
			printf("  %s: allocation %llu: no HTTP answer\n", s->name,
			       (unsigned long long)n);
			findings++;
		} else if (r.status == s->ok_status) {
			absorbed++;
			if (s->renew && s->renew(s, &r) != 0) {
				printf("  %s: cannot renew the request\n", s->name);
				findings++;
				e2e_resp_free(&r);
				return injected;
			}
			e2e_resp_free(&r);
			continue;
		} else if (!clean_error(&r)) {
			printf("  %s: allocation %llu failed: %ld %s\n", s->name, (unsigned long long)n,
			       r.status, r.body ? r.body : "");
			findings++;
		} else {
			refused++;
		}
		if (counts_take(&after) == 0) {
			const char *t = counts_diff(&before, &after);
			if (t && clean_error(&r) && nlost < 64) {
				lost_at[nlost] = n;
				counts_delta(&before, &after, &lost[nlost++]);
				if (s->renew && s->renew(s, &r) != 0) {
					printf("  %s: cannot renew the request\n", s->name);
					findings++;
				}
			} else if (t) {
				printf("  %s: allocation %llu failed (%ld) but %s changed\n", s->name,
				       (unsigned long long)n, r.status, t);
				findings++;
			}
		}
		e2e_resp_free(&r);
		if (findings > 400) {
			printf("too many findings; stopping\n");
			return injected;
		}
	}
	printf("  %s: still failing after %d steps\n", s->name, SWEEP_MAX_STEPS);
	findings++;
	return injected;
}

static void audit_check(const char *after)
{
	struct sh_err err = {0};
	struct audit_head h;
	uint64_t bad = 0;
	audit_writer_flush();
	if (audit_verify(app.db, &h, &bad, &err) != SH_OK) {
		printf("  audit log does not verify after %s: %s (entry %llu)\n", after, err.msg,
		       (unsigned long long)bad);
		findings++;
	}
}

/* A person of the fixture: a woman (with a mobile, when given) or a man. */
static int person_add(store_tx *tx, int male, const char *mobile, char idn[14], struct sh_err *err)
{
	struct audit_actor sys = {.kind = "system", .name = "sweep"};
	struct person *p = calloc(1, sizeof *p);
	if (!p)
		return sh_err_set(err, SH_ENOMEM, "NO_MEMORY", "fixture");
	snprintf(p->name_en, sizeof p->name_en, male ? "Imran Khan" : "Sana Imran");
	snprintf(p->name_ur, sizeof p->name_ur, male ? "عمران خان" : "ثناء عمران");
	snprintf(p->guardian_name_en, sizeof p->guardian_name_en, "Akbar Ali");
	snprintf(p->guardian_name_ur, sizeof p->guardian_name_ur, "اکبر علی");
	p->gender = male ? GENDER_MALE : GENDER_FEMALE;
	p->dob = (struct sh_date){male ? 1990 : 1994, 4, 12};
	snprintf(p->place_of_birth, sizeof p->place_of_birth, "Lahore");
	snprintf(p->council_code, sizeof p->council_code, LHR1);
	snprintf(p->address_line, sizeof p->address_line, "House 12, Street 4, Model Town");
	snprintf(p->mobile, sizeof p->mobile, "%s", mobile);
	int rc = person_create(tx, &sys, p, "sweep fixture", err);
	snprintf(idn, 14, "%s", p->id_number);
	free(p);
	return rc;
}

static int fixtures(char mother[14], char father[14], char key_id[64], char secret[80])
{
	struct sh_err err = {0};
	store_tx *tx = NULL;
	struct audit_actor sys = {.kind = "system", .name = "sweep"};
	static const struct {
		const char *name, *role, *council;
	} ops[] = {{"admin", "admin", NULL},
		   {"registrar", "uc_registrar", LHR1},
		   {"hospital", "health_notifier", NULL}};
	if (store_begin(app.db, STORE_WRITE, &tx, &err) != SH_OK)
		goto fail;
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (auth_user_create(tx, &sys, &cheap, ops[i].name, PW, role_from_name(ops[i].role),
				     ops[i].council, NULL, &err) != SH_OK)
			goto fail;
	if (person_add(tx, 0, "+923001234567", mother, &err) != SH_OK ||
	    person_add(tx, 1, "", father, &err) != SH_OK)
		goto fail;
	struct party party = {.sector = "bank", .types = VT_YESNO};
	snprintf(party.name, sizeof party.name, "Sweep Bank");
	struct party_key_issued key;
	if (party_create(tx, app.keys, &sys, &party, &key, &err) != SH_OK)
		goto fail;
	snprintf(key_id, 64, "%s", key.key_id);
	snprintf(secret, 80, "%s", key.secret);
	if (store_commit(tx, &err) != SH_OK) {
		tx = NULL;
		goto fail;
	}
	return 0;
fail:
	if (tx)
		store_rollback(tx);
	printf("fixtures: %s %s\n", err.code, err.msg);
	return -1;
}

/* SMS lines to `mobile` from the bank in the outbox log of the embedded
 * gateway (written by the sender thread shortly after the commit); the
 * last one's passcode into code when not NULL. */
static int outbox_lines(const char *mobile, char code[8])
{
	char path[128], line[2048], last[2048] = "";
	int seen = 0;
	snprintf(path, sizeof path, "%s/sms-outbox.log", var_dir);
	FILE *f = fopen(path, "r");
	if (f) {
		while (fgets(line, sizeof line, f))
			if (strstr(line, mobile) && strstr(line, "Sweep Bank")) {
				seen++;
				snprintf(last, sizeof last, "%s", line);
			}
		fclose(f);
	}
	if (!code || !last[0])
		return seen;
	regex_t re;
	regmatch_t m[2];
	code[0] = '\0';
	if (regcomp(&re, "[^0-9-]([0-9]{6})[^0-9-]", REG_EXTENDED) != 0)
		return seen;
	if (regexec(&re, last, 2, m, 0) == 0)
		snprintf(code, 8, "%.*s", (int)(m[1].rm_eo - m[1].rm_so), last + m[1].rm_so);
	regfree(&re);
	return seen;
}

/* The passcode of the first SMS after the `before`-th. */
static int passcode_for(const char *mobile, int before, char code[8])
{
	for (int tries = 0; tries < 100; tries++) {
		if (outbox_lines(mobile, code) > before && code[0])
			return 0;
		usleep(50 * 1000);
	}
	return -1;
}

static char *json_text(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

static const char *str_of(const struct e2e_resp *r, const char *key)
{
	return r->json ? json_string_value(json_object_get(r->json, key)) : NULL;
}

static char g_mother[14], g_father[14], g_key_id[64], g_secret[80], g_t_reg[80],
	g_t_health[80];
static int g_birth_round;

/* A birth of the mother's not notified yet: each round one day earlier
 * (a birth is the same birth by mother, date and order). */
static char *birth_body(void)
{
	char d[11];
	int round = g_birth_round++;
	time_t when = time(NULL) - (time_t)(2 + round % 40) * 86400;
	struct tm tm;
	gmtime_r(&when, &tm);
	strftime(d, sizeof d, "%Y-%m-%d", &tm);
	return json_text(json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:i,s:s}", "mother_id",
				   g_mother, "father_id", g_father, "sex", "female", "date", d,
				   "time", "08:15", "place", "Services Hospital, Lahore", "facility",
				   "Services Hospital", "weight_grams", 3100, "birth_order", 1 + round / 40,
				   "council_code", LHR1));
}

static int renew_birth(struct step *s, const struct e2e_resp *done)
{
	(void)done;
	free(s->body);
	s->body = birth_body();
	return s->body ? 0 : -1;
}

/* A new notification (no failure injected) for the registration to act on. */
static int renew_register(struct step *s, const struct e2e_resp *done)
{
	(void)done;
	struct e2e_resp r;
	char *b = birth_body();
	int rc = e2e_request(&srv, "POST", "/api/v1/notifications/birth", g_t_health, b, NULL, &r);
	free(b);
	long long id = rc == 0 && r.status == 201 && r.json
			       ? (long long)json_integer_value(json_object_get(r.json, "id"))
			       : 0;
	if (!id)
		printf("  birth notification: %ld %s\n", r.status, r.body ? r.body : "");
	e2e_resp_free(&r);
	snprintf(s->path, sizeof s->path, "/api/v1/notifications/%lld/register", id);
	return id > 0 ? 0 : -1;
}

static int renew_consent(struct step *s, const struct e2e_resp *done)
{
	(void)s;
	(void)done;
	return 0; /* a consent can be asked again */
}

/* A new consent (no failure injected) and its passcode from the outbox. */
static int renew_verification(struct step *s, const struct e2e_resp *done)
{
	(void)done;
	struct e2e_resp r;
	/* a woman with a mobile of her own each time: a number gets only so
	 * many passcodes an hour */
	static int k;
	char mobile[24], idn[14];
	struct sh_err err = {0};
	store_tx *tx = NULL;
	snprintf(mobile, sizeof mobile, "+92300200%04d", ++k % 10000);
	if (store_begin(app.db, STORE_WRITE, &tx, &err) != SH_OK)
		return -1;
	if (person_add(tx, 0, mobile, idn, &err) != SH_OK || store_commit(tx, &err) != SH_OK) {
		printf("  person: %s %s\n", err.code, err.msg);
		return -1;
	}
	char *b = json_text(json_pack("{s:s,s:s}", "id_number", idn, "purpose",
				      "account opening"));
	int rc = e2e_party_request(&srv, g_key_id, g_secret, "POST", "/api/v1/consents", b, NULL,
				   &r);
	free(b);
	char consent[80] = "", code[8];
	if (rc == 0 && r.status == 202)
		snprintf(consent, sizeof consent, "%s",
			 json_string_value(json_object_get(r.json, "consent_id")));
	else
		printf("  consent request: %ld %s\n", r.status, r.body ? r.body : "");
	e2e_resp_free(&r);
	if (!consent[0] || passcode_for(mobile, 0, code) != 0)
		return -1;
	free(s->body);
	s->body = json_text(json_pack("{s:s,s:s,s:s,s:s}", "consent_id", consent, "passcode", code,
				      "type", "yesno", "name", "Sana Imran"));
	return s->body ? 0 : -1;
}

int main(void)
{
	struct sh_err err = {0};
	struct http_server *http = NULL;
	struct sms_sender *sms = NULL;
	char *url = NULL;
	int status = 1;
	time_t t0 = time(NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!sh_alloc_fail_available()) {
		printf("alloc_sweep: built without SH_ALLOC_FAIL\n");
		return 1;
	}
	/* the client (this thread) is not what is tested */
	sh_alloc_fail_exempt(1);
	/* most of a request's allocations are its JSON's: jansson's go through
	 * the counter too */
	json_set_alloc_funcs(sh_alloc_fail_malloc, free);
	setenv("SHANAKHT_TEST_BACKEND", "sqlite", 1);
	/* The sweep repeats one consent and one verification for the same
	 * person ~140 times in a few seconds: the per-person budget (10 per 10
	 * minutes) would refuse them with 429 long before the sweep ends. */
	setenv("SHANAKHT_PERSON_SMS_PER_WINDOW", "1000", 1);
	snprintf(var_dir, sizeof var_dir, "/tmp/shanakht-sweep.XXXXXX");
	if (!mkdtemp(var_dir))
		return 1;
	unsigned char master[KEYRING_KEY_BYTES] = {7, 7, 7};
	if (keyring_from_master(master, &app.keys, &err) != SH_OK)
		goto out;
	url = testdb_url();
	if (!url || store_open(url, 16, &app.db, &err) != SH_OK || app_migrate(app.db, &err) != SH_OK ||
	    audit_writer_start(app.db, &err) != SH_OK ||
	    sms_service_start(app.db, var_dir, &sms, &err) != SH_OK)
		goto out;
	app.var_dir = var_dir;
	app.session_ttl_seconds = 3600;
	app.pwcost = &cheap;
	char mother[14], father[14], key_id[64], secret[80];
	if (fixtures(mother, father, key_id, secret))
		goto out;
	struct http_config cfg = {.listen = "127.0.0.1:0"};
	struct http_hooks hooks = {
		.authenticate = app_authenticate, .denied = app_denied, .finished = app_finished};
	size_t nroutes;
	const struct http_route *routes = app_routes(&nroutes);
	if (http_server_start(&cfg, routes, nroutes, &hooks, &app, &http, &err) != SH_OK)
		goto out;
	snprintf(srv.base, sizeof srv.base, "http://127.0.0.1:%u", http_server_port(http));

	struct e2e_resp r;
	long total = 0;
	snprintf(g_mother, sizeof g_mother, "%s", mother);
	snprintf(g_father, sizeof g_father, "%s", father);
	snprintf(g_key_id, sizeof g_key_id, "%s", key_id);
	snprintf(g_secret, sizeof g_secret, "%s", secret);

	/* login */
	/* a login counts as failed before the password is checked, in a
	 * transaction of its own, and is cleared on success (auth/sessions.c):
	 * one that fails for memory stays counted, as it should */
	struct step s = {.name = "POST /session", .method = "POST", .ok_status = 200,
			 .pre_written = "login_failures"};
	snprintf(s.path, sizeof s.path, "/api/v1/session");
	s.body = json_text(json_pack("{s:s,s:s}", "username", "registrar", "password", PW));
	total += sweep(&s, &r);
	pre_written = NULL;
	free(s.body);
	e2e_resp_free(&r);
	if (e2e_login(&srv, "registrar", PW, g_t_reg) != 200 ||
	    e2e_login(&srv, "hospital", PW, g_t_health) != 200) {
		printf("cannot log in\n");
		goto out;
	}
	audit_check("login");

	/* person read and search */
	s = (struct step){.name = "GET /persons/{id}", .method = "GET", .token = g_t_reg,
			  .ok_status = 200};
	snprintf(s.path, sizeof s.path, "/api/v1/persons/%s", mother);
	total += sweep(&s, &r);
	e2e_resp_free(&r);
	s = (struct step){.name = "GET /persons?name=", .method = "GET", .token = g_t_reg,
			  .ok_status = 200};
	snprintf(s.path, sizeof s.path, "/api/v1/persons?name=Sana%%20Imran");
	total += sweep(&s, &r);
	e2e_resp_free(&r);
	audit_check("person reads");

	/* birth notification and its registration */
	s = (struct step){.name = "POST /notifications/birth", .method = "POST",
			  .token = g_t_health, .ok_status = 201, .renew = renew_birth};
	snprintf(s.path, sizeof s.path, "/api/v1/notifications/birth");
	s.body = birth_body();
	total += sweep(&s, &r);
	free(s.body);
	e2e_resp_free(&r);
	s = (struct step){.name = "POST /notifications/{id}/register", .method = "POST",
			  .token = g_t_reg, .ok_status = 200, .renew = renew_register};
	s.body = json_text(json_pack("{s:s,s:s}", "name_en", "Ayesha Khan", "name_ur", "عائشہ خان"));
	if (renew_register(&s, NULL) != 0) {
		printf("cannot notify a birth\n");
		goto out;
	}
	total += sweep(&s, &r);
	free(s.body);
	e2e_resp_free(&r);
	audit_check("the birth");

	/* consent and yes/no */
	s = (struct step){.name = "POST /consents", .method = "POST", .party_key_id = g_key_id,
			  .party_secret = g_secret, .ok_status = 202, .renew = renew_consent};
	snprintf(s.path, sizeof s.path, "/api/v1/consents");
	s.body = json_text(json_pack("{s:s,s:s}", "id_number", mother, "purpose", "account opening"));
	total += sweep(&s, &r);
	free(s.body);
	e2e_resp_free(&r);
	s = (struct step){.name = "POST /verifications (yesno)", .method = "POST",
			  .party_key_id = g_key_id, .party_secret = g_secret, .ok_status = 200,
			  .renew = renew_verification};
	snprintf(s.path, sizeof s.path, "/api/v1/verifications");
	if (renew_verification(&s, NULL) != 0) {
		printf("cannot ask for consent\n");
		goto out;
	}
	total += sweep(&s, &r);
	free(s.body);
	if (!str_of(&r, "result") || strcmp(str_of(&r, "result"), "yes") != 0) {
		printf("  the verification did not answer yes: %s\n", r.body ? r.body : "");
		findings++;
	}
	e2e_resp_free(&r);
	audit_check("consent");

	printf("alloc_sweep: %ld failures injected, %d findings, %lds\n", total, findings,
	       (long)(time(NULL) - t0));
	status = findings ? 1 : 0;
out:
	if (err.msg[0])
		printf("alloc_sweep: %s %s\n", err.code, err.msg);
	if (http)
		http_server_stop(http);
	if (sms)
		sms_sender_stop(sms);
	audit_writer_stop();
	if (app.db)
		store_close(app.db);
	keyring_free(app.keys);
	if (url)
		testdb_drop(url);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", var_dir);
	if (system(cmd) != 0)
		status = 1;
	return status;
}
