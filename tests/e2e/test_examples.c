/* test_examples.c — the sample relying-party clients walk the whole flow
 * against the real server, through the answer validator: the C client
 * (examples/relying-party.c, written from the docs) and the client generated
 * from the served description (examples/typescript, openapi-typescript +
 * openapi-fetch). The test plays the citizen: it reads each passcode from
 * the SMS outbox and types it to the client, a wrong one first. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "e2e.h"

#define MOBILE "+923009876543"
#define PARTY "Example Bank"

static struct e2e_server srv;
static char id_number[32], key_id[64], secret[80];

static void setup(void)
{
	cr_assert_eq(e2e_start(&srv, NULL), 0, "server starts");
	struct e2e_resp r;
	json_t *b = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "name_en",
			      "Ayesha Khan", "name_ur", "عائشہ خان", "guardian_name_en", "Imran Khan",
			      "guardian_relation", "father", "gender", "female", "dob", "1990-04-12",
			      "place_of_birth", "Lahore", "council_code", "PB-LHR-01-001", "mobile",
			      MOBILE);
	e2e_request_json(&srv, "POST", "/api/v1/persons", srv.admin_token, b, &r);
	json_decref(b);
	cr_assert_eq(r.status, 201, "person: %s", r.body);
	snprintf(id_number, sizeof id_number, "%s",
		 json_string_value(json_object_get(r.json, "id_number")));
	e2e_resp_free(&r);
	e2e_request(&srv, "POST", "/api/v1/parties", srv.admin_token,
		    "{\"name\":\"" PARTY "\",\"sector\":\"bank\",\"types\":[\"yesno\",\"kyc\"],"
		    "\"kyc_attributes\":[\"name_en\",\"dob\"]}",
		    NULL, &r);
	cr_assert_eq(r.status, 201, "party: %s", r.body);
	json_t *key = json_object_get(r.json, "key");
	snprintf(key_id, sizeof key_id, "%s", json_string_value(json_object_get(key, "key_id")));
	snprintf(secret, sizeof secret, "%s", json_string_value(json_object_get(key, "secret")));
	e2e_resp_free(&r);
}

static void teardown(void)
{
	cr_assert_eq(e2e_stop(&srv), 0);
}

/* The passcode of the n-th (1-based) SMS to MOBILE from PARTY; the sender
 * thread writes it shortly after the consent commits. */
static void nth_passcode(int n, char code[8])
{
	char path[400], line[2048];
	snprintf(path, sizeof path, "%s/sms-outbox.log", srv.dir);
	for (int tries = 0; tries < 300; tries++) {
		FILE *f = fopen(path, "r");
		int seen = 0;
		while (f && fgets(line, sizeof line, f)) {
			if (!strstr(line, MOBILE + 3) || !strstr(line, PARTY) || ++seen != n)
				continue;
			regex_t re;
			regmatch_t m[2];
			cr_assert_eq(regcomp(&re, "[^0-9-]([0-9]{6})[^0-9-]", REG_EXTENDED), 0);
			int found = regexec(&re, line, 2, m, 0) == 0;
			regfree(&re);
			cr_assert(found, "no passcode in %s", line);
			snprintf(code, 8, "%.*s", (int)(m[1].rm_eo - m[1].rm_so), line + m[1].rm_so);
			fclose(f);
			return;
		}
		if (f)
			fclose(f);
		usleep(100 * 1000);
	}
	cr_assert_fail("no SMS number %d for %s in %s", n, MOBILE, path);
}

struct run {
	int status;
	char out[8192];
};

/* Run a client (argv) with the party's key and secret, answer each
 * "consent cs_..." line with the passcode (a wrong one first when
 * wrong_first), collect its standard output. */
static void run_client(const char *const *argv, const char *use_secret, int wrong_first,
		       struct run *res)
{
	int in[2], out[2];
	cr_assert_eq(pipe(in), 0);
	cr_assert_eq(pipe(out), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		setenv("SHANAKHT_URL", srv.base, 1);
		setenv("SHANAKHT_KEY_ID", key_id, 1);
		setenv("SHANAKHT_SECRET", use_secret, 1);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	memset(res, 0, sizeof *res);
	size_t len = 0, scanned = 0;
	int consents = 0;
	time_t deadline = time(NULL) + 170;
	struct pollfd pfd = {.fd = out[0], .events = POLLIN};
	while (time(NULL) < deadline) {
		if (poll(&pfd, 1, 500) <= 0)
			continue;
		ssize_t r = read(out[0], res->out + len, sizeof res->out - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
		res->out[len] = '\0';
		char *nl;
		while ((nl = strchr(res->out + scanned, '\n'))) {
			if (strncmp(res->out + scanned, "consent cs_", 11) == 0) {
				char code[8], typed[32];
				nth_passcode(++consents, code);
				if (wrong_first && consents == 1)
					snprintf(typed, sizeof typed, "%s\n%s\n",
						 strcmp(code, "000000") ? "000000" : "111111", code);
				else
					snprintf(typed, sizeof typed, "%s\n", code);
				cr_assert_eq(write(in[1], typed, strlen(typed)), (ssize_t)strlen(typed));
			}
			scanned = (size_t)(nl - res->out) + 1;
		}
	}
	close(in[1]);
	close(out[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	res->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void expect_flow(const struct run *r)
{
	cr_expect_eq(r->status, 0, "client exit %d; output:\n%s", r->status, r->out);
	cr_expect(strstr(r->out, "yesno yes ALL_MATCH\n"), "yes/no result in:\n%s", r->out);
	cr_expect(strstr(r->out, "kyc name_en=Ayesha Khan\n"), "KYC name in:\n%s", r->out);
	cr_expect(strstr(r->out, "kyc dob=1990-04-12\n"), "KYC date of birth in:\n%s", r->out);
}

static void path_near_bin(const char *rel, char *out, size_t n)
{
	const char *bin = getenv("SHANAKHT_BIN");
	cr_assert_not_null(bin, "SHANAKHT_BIN is set by CTest");
	char copy[1024];
	snprintf(copy, sizeof copy, "%s", bin);
	/* .../build/src/shanakht -> .../build/<rel> */
	snprintf(out, n, "%s/../%s", dirname(copy), rel);
}

Test(examples, c_client_walks_the_flow, .init = setup, .fini = teardown, .timeout = 240)
{
	char exe[1200];
	path_near_bin("examples/shanakht-rp-example", exe, sizeof exe);
	const char *argv[] = {exe, id_number, "--name", "Ayesha Khan", "--father-name", "Imran Khan",
			      "--dob", "1990-04-12", NULL};
	struct run r;
	run_client(argv, secret, 1, &r);
	expect_flow(&r);

	/* A wrong secret is a configuration error (PARTY_SIGNATURE), not retried. */
	char bad[80];
	snprintf(bad, sizeof bad, "%s", secret);
	bad[0] = bad[0] == '0' ? '1' : '0';
	run_client(argv, bad, 0, &r);
	cr_expect_eq(r.status, 3, "exit %d with a wrong secret; output:\n%s", r.status, r.out);
	cr_expect_null(strstr(r.out, "consent cs_"), "no consent with a wrong secret");
}

Test(examples, generated_client_walks_the_flow, .init = setup, .fini = teardown,
     .timeout = 240)
{
	const char *src = getenv("SHANAKHT_SOURCE_DIR");
	cr_assert_not_null(src);
	char script[1024], out[1200];
	snprintf(script, sizeof script, "%s/examples/typescript/run.sh", src);
	snprintf(out, sizeof out, "%s/ts-client", srv.dir); /* one per server: runs in parallel */
	const char *argv[] = {script, out, id_number, "Ayesha Khan", NULL};
	struct run r;
	run_client(argv, secret, 1, &r);
	expect_flow(&r);
}
