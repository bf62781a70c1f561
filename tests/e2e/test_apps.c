/* test_apps.c — online applications end to end against the real binary,
 * behind the validating proxy, with a real SMTP server (the aiosmtpd sink,
 * tests/support/smtp_sink.py): sign-up, codes by SMS (the file gateway's
 * log) and by e-mail (the sink), sign-in, applications, and every
 * account-scoped endpoint called with another account's IDs. */
#include <criterion/criterion.h>

#include <netinet/in.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e.h"
#include "lib/parse.h"
#include "registry/idnum.h"

static struct e2e_server srv;
static char maildir[64];
static pid_t sink = -1;

static unsigned free_port(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t n = sizeof a;
	cr_assert(bind(s, (struct sockaddr *)&a, sizeof a) == 0);
	cr_assert(getsockname(s, (struct sockaddr *)&a, &n) == 0);
	close(s);
	return ntohs(a.sin_port);
}

static void start(void)
{
	unsigned port = free_port();
	char src[512], ps[16], ready[128], url[64];
	snprintf(maildir, sizeof maildir, "/tmp/shanakht-mail-XXXXXX");
	cr_assert(mkdtemp(maildir));
	snprintf(src, sizeof src, "%s/tests/support/smtp_sink.py", getenv("SHANAKHT_SOURCE_DIR"));
	snprintf(ps, sizeof ps, "%u", port);
	sink = fork();
	cr_assert(sink >= 0);
	if (sink == 0) {
		execl("/usr/bin/python3", "python3", src, ps, maildir, (char *)NULL);
		_exit(127);
	}
	snprintf(ready, sizeof ready, "%s/ready", maildir);
	for (int i = 0; i < 200 && access(ready, F_OK) != 0; i++)
		usleep(50000);
	cr_assert(access(ready, F_OK) == 0, "SMTP sink did not start");
	snprintf(url, sizeof url, "smtp://127.0.0.1:%u", port);
	setenv("SHANAKHT_SMTP_URL", url, 1);
	setenv("SHANAKHT_SMTP_FROM", "no-reply@shanakht.test", 1);
	cr_assert_eq(e2e_start(&srv, NULL), 0, "server did not start");
}

static void stop(void)
{
	e2e_stop(&srv);
	if (sink > 0) {
		kill(sink, SIGTERM);
		waitpid(sink, NULL, 0);
	}
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", maildir);
	if (system(cmd) != 0)
		cr_log_warn("could not remove %s", maildir);
}

TestSuite(apps_e2e, .init = start, .fini = stop, .timeout = 120);

static int last_code(const char *text, char code[8])
{
	regex_t re;
	regmatch_t m[2];
	int found = 0;
	cr_assert_eq(regcomp(&re, "code is ([0-9]{6})", REG_EXTENDED), 0);
	for (const char *p = text; regexec(&re, p, 2, m, 0) == 0; p += m[0].rm_eo) {
		snprintf(code, 8, "%.*s", (int)(m[1].rm_eo - m[1].rm_so), p + m[1].rm_so);
		found = 1;
	}
	regfree(&re);
	return found;
}

/* The newest code SMS'd to `to` (the file gateway's log). */
static void sms_code(const char *to, char code[8])
{
	char path[400], line[4096];
	snprintf(path, sizeof path, "%s/sms-outbox.log", srv.dir);
	for (int tries = 0; tries < 100; tries++) {
		int found = 0;
		FILE *f = fopen(path, "r");
		if (f) {
			while (fgets(line, sizeof line, f))
				if (strstr(line, to) && last_code(line, code))
					found = 1;
			fclose(f);
		}
		if (found)
			return;
		usleep(100 * 1000);
	}
	cr_assert_fail("no code SMS for %s", to);
}

/* The newest code e-mailed to `to` (the SMTP sink's files). */
static void mail_code(const char *to, char code[8])
{
	for (int tries = 0; tries < 100; tries++) {
		int found = 0;
		for (int n = 1; n < 200; n++) {
			char p[128], buf[8192];
			snprintf(p, sizeof p, "%s/%d.rcpt", maildir, n);
			FILE *f = fopen(p, "r");
			if (!f)
				break;
			size_t k = fread(buf, 1, sizeof buf - 1, f);
			fclose(f);
			buf[k] = '\0';
			if (!strstr(buf, to))
				continue;
			snprintf(p, sizeof p, "%s/%d.eml", maildir, n);
			if (!(f = fopen(p, "r")))
				continue;
			k = fread(buf, 1, sizeof buf - 1, f);
			fclose(f);
			buf[k] = '\0';
			if (last_code(buf, code))
				found = 1;
		}
		if (found)
			return;
		usleep(100 * 1000);
	}
	cr_assert_fail("no code e-mail for %s", to);
}

static long req(const char *method, const char *path, const char *token, const char *body,
		struct e2e_resp *r)
{
	cr_assert_eq(e2e_request(&srv, method, path, token, body, NULL, r), 0);
	cr_assert_str_eq(r->violation, "", "%s %s: answer not allowed by the description: %s",
			 method, path, r->violation);
	return r->status;
}

static void expect(const char *method, const char *path, const char *token, const char *body,
		   long status, const char *code)
{
	struct e2e_resp r;
	long got = req(method, path, token, body, &r);
	cr_expect_eq(got, status, "%s %s: %ld, wanted %ld: %s", method, path, got, status, r.body);
	if (code)
		cr_expect_str_eq(e2e_error_code(&r), code, "%s %s", method, path);
	e2e_resp_free(&r);
}

/* Sign up, verify both channels, sign in: the token. */
static void account(const char *user, const char *mobile_local, const char *mobile_e164,
		    const char *email, char token[80])
{
	char body[512], code[8];
	struct e2e_resp r;
	snprintf(body, sizeof body,
		 "{\"username\":\"%s\",\"password\":\"correct horse battery 9\","
		 "\"mobile\":\"%s\",\"email\":\"%s\"}",
		 user, mobile_local, email);
	cr_assert_eq(req("POST", "/api/v1/apps/accounts", NULL, body, &r), 201, "%s", r.body);
	e2e_resp_free(&r);
	snprintf(body, sizeof body,
		 "{\"username\":\"%s\",\"password\":\"correct horse battery 9\"}", user);
	expect("POST", "/api/v1/apps/session", NULL, body, 403, "ACCOUNT_UNVERIFIED");
	sms_code(mobile_e164, code);
	snprintf(body, sizeof body, "{\"username\":\"%s\",\"channel\":\"mobile\",\"code\":\"%s\"}",
		 user, code);
	expect("POST", "/api/v1/apps/accounts/verify", NULL, body, 200, NULL);
	expect("POST", "/api/v1/apps/accounts/verify", NULL, body, 422, "CODE_INVALID");
	mail_code(email, code);
	snprintf(body, sizeof body, "{\"username\":\"%s\",\"channel\":\"email\",\"code\":\"%s\"}",
		 user, code);
	expect("POST", "/api/v1/apps/accounts/verify", NULL, body, 200, NULL);
	snprintf(body, sizeof body,
		 "{\"username\":\"%s\",\"password\":\"correct horse battery 9\"}", user);
	cr_assert_eq(req("POST", "/api/v1/apps/session", NULL, body, &r), 201, "%s", r.body);
	snprintf(token, 80, "%s", json_string_value(json_object_get(r.json, "token")));
	e2e_resp_free(&r);
}

Test(apps_e2e, accounts_applications_and_other_accounts_ids)
{
	char a[80], b[80], path[160];
	struct e2e_resp r;
	account("ayesha", "03001234567", "+923001234567", "ayesha@example.pk", a);
	account("bilal", "+92 345 7654321", "+923457654321", "bilal@example.pk", b);

	expect("POST", "/api/v1/apps/accounts", NULL,
	       "{\"username\":\"ayesha\",\"password\":\"correct horse battery 9\","
	       "\"mobile\":\"03001234567\",\"email\":\"x@example.pk\"}",
	       409, "USERNAME_TAKEN");
	expect("POST", "/api/v1/apps/accounts", NULL,
	       "{\"username\":\"carla\",\"password\":\"correct horse battery 9\","
	       "\"mobile\":\"+447700900123\",\"email\":\"c@example.pk\"}",
	       400, "MOBILE_INVALID");
	expect("POST", "/api/v1/apps/session", NULL,
	       "{\"username\":\"nobody\",\"password\":\"correct horse battery 9\"}", 401,
	       "INVALID_CREDENTIALS");
	expect("POST", "/api/v1/apps/password/forgot", NULL, "{\"username\":\"nobody\"}", 202, NULL);
	expect("GET", "/api/v1/apps/types", NULL, NULL, 200, NULL);

	cr_assert_eq(req("GET", "/api/v1/apps/me", a, NULL, &r), 200);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "mobile")), "+923001234567");
	e2e_resp_free(&r);

	cr_assert_eq(req("POST", "/api/v1/apps/applications", a, "{\"type\":\"nicop.fresh\"}", &r),
		     201, "%s", r.body);
	char tid[16];
	snprintf(tid, sizeof tid, "%s", json_string_value(json_object_get(r.json, "tracking_id")));
	e2e_resp_free(&r);
	expect("POST", "/api/v1/apps/applications", a, "{\"type\":\"passport\"}", 400,
	       "APP_TYPE_UNKNOWN");

	/* Without a token, with an operator's, with the other account's. */
	snprintf(path, sizeof path, "/api/v1/apps/applications/%s", tid);
	expect("GET", path, NULL, NULL, 401, "AUTH_REQUIRED");
	expect("GET", path, srv.admin_token, NULL, 401, "APPLICANT_SESSION");
	expect("GET", path, b, NULL, 404, "APP_NOT_FOUND");
	expect("GET", path, a, NULL, 200, NULL);
	cr_assert_eq(req("GET", "/api/v1/apps/applications", b, NULL, &r), 200);
	cr_assert_eq(json_array_size(json_object_get(r.json, "applications")), 0);
	e2e_resp_free(&r);
	cr_assert_eq(req("GET", "/api/v1/apps/applications", a, NULL, &r), 200);
	cr_assert_eq(json_array_size(json_object_get(r.json, "applications")), 1);
	e2e_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/apps/applications/%s/chip-code", tid);
	expect("PUT", path, b, "{\"chip_code\":\"4831\"}", 404, "APP_NOT_FOUND");
	expect("PUT", path, a, "{\"chip_code\":\"1234\"}", 422, "CHIP_CODE_WEAK");
	expect("PUT", path, a, "{\"chip_code\":\"4831\"}", 200, NULL);
	snprintf(path, sizeof path, "/api/v1/apps/applications/%s/cancel", tid);
	expect("POST", path, b, NULL, 404, "APP_NOT_FOUND");
	expect("POST", path, a, NULL, 200, NULL);
	expect("POST", path, a, NULL, 409, "APP_NOT_CANCELLABLE");
	expect("GET", "/api/v1/apps/applications/123", a, NULL, 400, "TRACKING_ID_INVALID");

	/* Password change ends the other sessions; sign-out ends this one. */
	expect("PUT", "/api/v1/apps/me/password", a,
	       "{\"current_password\":\"wrong password 99\",\"new_password\":\"a new passphrase 42\"}",
	       403, "WRONG_PASSWORD");
	expect("PUT", "/api/v1/apps/me/password", a,
	       "{\"current_password\":\"correct horse battery 9\",\"new_password\":\"a new passphrase 42\"}",
	       200, NULL);
	expect("DELETE", "/api/v1/apps/session", a, NULL, 200, NULL);
	expect("GET", "/api/v1/apps/me", a, NULL, 401, "APPLICANT_SESSION");
	expect("POST", "/api/v1/apps/session", NULL,
	       "{\"username\":\"ayesha\",\"password\":\"a new passphrase 42\"}", 201, NULL);
}

/* Issue 17 items 2-3 over HTTP: every type drafted, a rule refusing by
 * name, sections saved one by one and reviewed, submission refused while
 * incomplete, and the new endpoints with another account's IDs. */
Test(apps_e2e, types_sections_review_and_submission)
{
	char a[80], b[80], path[200], body[512], id[IDNUM_DIGITS + 1];
	struct sh_err err = {0};
	struct e2e_resp r;
	cr_assert_eq(idnum_generate(id, &err), SH_OK, "%s", err.msg);
	account("chand", "03211234567", "+923211234567", "chand@example.pk", a);
	account("dina", "03331234567", "+923331234567", "dina@example.pk", b);

	cr_assert_eq(req("GET", "/api/v1/apps/types", NULL, NULL, &r), 200);
	json_t *types = json_object_get(r.json, "types");
	cr_assert_eq(json_array_size(types), 17);
	/* Every type can be drafted (10 per account: the rest on the other). */
	for (size_t i = 0; i < json_array_size(types); i++) {
		const char *code = json_string_value(json_object_get(json_array_get(types, i), "code"));
		snprintf(body, sizeof body, "{\"type\":\"%s\"}", code);
		expect("POST", "/api/v1/apps/applications", i < 9 ? a : b, body, 201, NULL);
	}
	e2e_resp_free(&r);
	expect("POST", "/api/v1/apps/applications", a, "{\"type\":\"sid.fresh\"}", 422,
	       "APP_INELIGIBLE");

	cr_assert_eq(req("POST", "/api/v1/apps/applications", a, "{\"type\":\"sid.renewal\"}", &r),
		     201, "%s", r.body);
	char tid[16];
	snprintf(tid, sizeof tid, "%s", json_string_value(json_object_get(r.json, "tracking_id")));
	e2e_resp_free(&r);

	/* A 12-year-old asks for a Smart ID: the rule is named. */
	snprintf(path, sizeof path, "/api/v1/apps/applications/%s/sections/applicant", tid);
	struct sh_date d = sh_date_today();
	snprintf(body, sizeof body,
		 "{\"full_name\":\"Chand Bibi\",\"date_of_birth\":\"%04d-01-01\",\"gender\":\"female\","
		 "\"id_number\":\"%s\",\"residence\":\"inland\",\"current_document\":\"old_cnic\"}",
		 d.year - 12, id);
	cr_assert_eq(req("PUT", path, a, body, &r), 422, "%s", r.body);
	cr_assert_str_eq(e2e_error_code(&r), "APP_INELIGIBLE");
	cr_assert(strstr(json_string_value(json_object_get(json_object_get(r.json, "error"),
							   "message")),
			 "sid_age_18"),
		  "%s", r.body);
	e2e_resp_free(&r);
	snprintf(body, sizeof body,
		 "{\"full_name\":\"Chand Bibi\",\"date_of_birth\":\"1990-04-01\",\"gender\":\"female\","
		 "\"id_number\":\"%s\",\"residence\":\"inland\",\"current_document\":\"old_cnic\"}",
		 id);
	expect("PUT", path, b, body, 404, "APP_NOT_FOUND");
	expect("PUT", path, a, "{\"full_name\":\"x\",\"colour\":\"red\"}", 400, "SECTION_INVALID");
	cr_assert_eq(req("PUT", path, a, body, &r), 200, "%s", r.body);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "issues")), "smart_id");
	cr_assert_eq(json_array_size(json_object_get(r.json, "missing_sections")), 1);
	e2e_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/apps/applications/%s/sections/passport", tid);
	expect("PUT", path, a, "{\"number\":\"X\"}", 400, "SECTION_UNKNOWN");

	snprintf(path, sizeof path, "/api/v1/apps/applications/%s/submit", tid);
	expect("POST", path, b, NULL, 404, "APP_NOT_FOUND");
	expect("POST", path, a, NULL, 422, "APP_INCOMPLETE");
	snprintf(path, sizeof path, "/api/v1/apps/applications/%s/sections/address_inland", tid);
	expect("PUT", path, a, "{\"line\":\"12 Mall Road\",\"district\":\"Lahore\"}", 200, NULL);
	snprintf(path, sizeof path, "/api/v1/apps/applications/%s/chip-code", tid);
	expect("PUT", path, a, "{\"chip_code\":\"4831\"}", 200, NULL);
	snprintf(path, sizeof path, "/api/v1/apps/applications/%s", tid);
	cr_assert_eq(req("GET", path, a, NULL, &r), 200, "%s", r.body);
	cr_assert_eq(json_array_size(json_object_get(r.json, "missing_sections")), 0);
	cr_assert_str_eq(json_string_value(json_object_get(
				 json_object_get(json_object_get(r.json, "sections"), "applicant"),
				 "id_number")),
			 id);
	e2e_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/apps/applications/%s/submit", tid);
	cr_assert_eq(req("POST", path, a, NULL, &r), 200, "%s", r.body);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "state")), "submitted");
	e2e_resp_free(&r);
	expect("POST", path, a, NULL, 409, "APP_NOT_EDITABLE");
	snprintf(path, sizeof path, "/api/v1/apps/applications/%s/sections/address_inland", tid);
	expect("PUT", path, a, "{\"line\":\"13 Mall Road\",\"district\":\"Lahore\"}", 409,
	       "APP_NOT_EDITABLE");

	/* Sign-in throttle (last: it also holds this test's client address). The
	 * wait after n consecutive failures is 2^(n-5) s from the last one, so
	 * after only 5 a loaded machine can let the 1 s pass before the next
	 * request: fail until n = 8 (sleeping out the shorter waits), and the
	 * right password then meets an 8 s wait. The exact rule is unit-tested
	 * with a given clock (tests/apps/test_accounts.c). */
	int failed = 0;
	for (int i = 0; i < 40 && failed < 8; i++) {
		int st = req("POST", "/api/v1/apps/session", NULL,
			     "{\"username\":\"chand\",\"password\":\"wrong password 12\"}", &r);
		if (st == 401) {
			cr_assert_str_eq(e2e_error_code(&r), "INVALID_CREDENTIALS");
			failed++;
		} else {
			cr_assert_eq(st, 429, "%s", r.body);
			cr_assert_str_eq(e2e_error_code(&r), "LOGIN_THROTTLED");
			cr_assert_geq(failed, 5, "throttled after only %d failures", failed);
			sleep(1);
		}
		e2e_resp_free(&r);
	}
	cr_assert_eq(failed, 8);
	cr_assert_eq(req("POST", "/api/v1/apps/session", NULL,
			 "{\"username\":\"chand\",\"password\":\"correct horse battery 9\"}", &r),
		     429, "%s", r.body);
	cr_assert_str_eq(e2e_error_code(&r), "LOGIN_THROTTLED");
	e2e_resp_free(&r);
}
