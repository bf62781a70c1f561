/* e2e.c — run the real shanakht binary and talk HTTP to it (see e2e.h). */
#include "e2e.h"

#include <sodium.h>
#include <stdatomic.h>

#include "consent/party_auth.h"
#include "lib/parse.h"
#include "testdb.h"

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *shanakht_bin(void)
{
	const char *b = getenv("SHANAKHT_BIN");
	return b ? b : "./build/src/shanakht";
}

int e2e_run_cli(const char *const *args, char **output)
{
	int pipefd[2];
	if (pipe(pipefd) != 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		close(pipefd[0]);
		close(pipefd[1]);
		const char *argv[64];
		int n = 0;
		argv[n++] = shanakht_bin();
		for (int i = 0; args[i] && n < 63; i++)
			argv[n++] = args[i];
		argv[n] = NULL;
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(pipefd[1]);
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (len + 1024 > cap) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
		ssize_t r = read(pipefd[0], buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	close(pipefd[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (output)
		*output = buf;
	else
		free(buf);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int start(struct e2e_server *s, const char *const *serve_args, int demo);

/* Read a child's first line, "listening on 127.0.0.1:PORT\n", within 30 s
 * (sanitizer builds start slowly); the port, or 0. */
static unsigned read_listening(int fd, const char *who)
{
	char line[256];
	size_t len = 0;
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	time_t deadline = time(NULL) + 30;
	while (len < sizeof line - 1 && time(NULL) < deadline) {
		if (poll(&pfd, 1, 500) <= 0)
			continue;
		ssize_t r = read(fd, line + len, 1);
		if (r <= 0)
			break;
		if (line[len] == '\n')
			break;
		len++;
	}
	line[len] = '\0';
	const char *colon = strrchr(line, ':');
	if (strncmp(line, "listening on ", 13) != 0 || !colon) {
		fprintf(stderr, "e2e: %s did not start (got '%s')\n", who, line);
		return 0;
	}
	return (unsigned)strtoul(colon + 1, NULL, 10);
}

/* The answer validator (tools/openapi/validator.mjs) in front of the server
 * on s->server_port: s->port becomes its port. 0, or -1 when it cannot run
 * (the npm packages are installed by scripts/deps --test). */
static int start_validator(struct e2e_server *s)
{
	const char *v = getenv("SHANAKHT_OPENAPI_VALIDATE");
	if (v && strcmp(v, "0") == 0) {
		s->port = s->server_port;
		return 0;
	}
	const char *src = getenv("SHANAKHT_SOURCE_DIR");
	if (!src) {
		fprintf(stderr, "e2e: SHANAKHT_SOURCE_DIR is not set (CTest sets it): "
				"cannot find the answer validator\n");
		return -1;
	}
	char script[1024], spec[1024], mods[1024], upstream[64], viol[400];
	snprintf(script, sizeof script, "%s/tools/openapi/validator.mjs", src);
	snprintf(spec, sizeof spec, "%s/docs/openapi.yaml", src);
	snprintf(mods, sizeof mods, "%s/tools/openapi/node_modules/ajv", src);
	snprintf(upstream, sizeof upstream, "http://127.0.0.1:%u", s->server_port);
	snprintf(viol, sizeof viol, "%s/openapi-violations.jsonl", s->dir);
	if (access(mods, R_OK) != 0) {
		fprintf(stderr, "e2e: %s is missing: run scripts/deps --test "
				"(npm ci in tools/openapi)\n", mods);
		return -1;
	}
	const char *record = getenv("SHANAKHT_OPENAPI_RECORD");
	int pipefd[2];
	if (pipe(pipefd) != 0)
		return -1;
	s->proxy_pid = fork();
	if (s->proxy_pid < 0)
		return -1;
	if (s->proxy_pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(pipefd[1], 1);
		close(pipefd[0]);
		close(pipefd[1]);
		const char *argv[] = {"node",	   script,   "--spec",	     spec, "--upstream",
				      upstream,	   "--violations", viol, record ? "--record" : NULL,
				      record, NULL};
		execvp("node", (char *const *)argv);
		_exit(127);
	}
	close(pipefd[1]);
	fcntl(pipefd[0], F_SETFD, FD_CLOEXEC);
	s->proxy_fd = pipefd[0];
	s->port = read_listening(pipefd[0], "the answer validator (node)");
	return s->port ? 0 : -1;
}

int e2e_start(struct e2e_server *s, const char *const *serve_args)
{
	/* start() reads init_output: a caller's struct may be uninitialized. */
	memset(s, 0, sizeof *s);
	return start(s, serve_args, 0);
}

int e2e_start_demo(struct e2e_server *s, char **init_output)
{
	memset(s, 0, sizeof *s);
	s->init_output = init_output;
	return start(s, NULL, 1);
}

static int start(struct e2e_server *s, const char *const *serve_args, int demo)
{
	char **init_output = s->init_output;
	memset(s, 0, sizeof *s);
	snprintf(s->dir, sizeof s->dir, "/tmp/shanakht-e2e-XXXXXX");
	if (!mkdtemp(s->dir))
		return -1;
	snprintf(s->keys, sizeof s->keys, "%s/keys", s->dir);
	s->db_url = testdb_url();
	if (!s->db_url)
		return -1;

	setenv("SHANAKHT_ADMIN_PASSWORD", E2E_ADMIN_PASSWORD, 1);
	const char *init[] = {"init", "--db", s->db_url, "--keys", s->keys, "--var", s->dir,
			      demo ? "--demo" : NULL, NULL};
	char *out = NULL;
	int rc = e2e_run_cli(init, &out);
	if (rc != 0) {
		fprintf(stderr, "e2e: shanakht init failed (%d): %s\n", rc, out ? out : "");
		free(out);
		return -1;
	}
	if (init_output)
		*init_output = out;
	else
		free(out);

	int pipefd[2];
	if (pipe(pipefd) != 0)
		return -1;
	s->pid = fork();
	if (s->pid < 0)
		return -1;
	if (s->pid == 0) {
		/* A test that fails an assertion never reaches e2e_stop(): the
		 * server must not outlive it (it would hold ctest's output pipe
		 * open and hang the run). */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(pipefd[1], 1);
		close(pipefd[0]);
		close(pipefd[1]);
		const char *argv[64];
		int n = 0;
		argv[n++] = shanakht_bin();
		argv[n++] = "serve";
		argv[n++] = "--db";
		argv[n++] = s->db_url;
		argv[n++] = "--keys";
		argv[n++] = s->keys;
		argv[n++] = "--var";
		argv[n++] = s->dir;
		argv[n++] = "--listen";
		argv[n++] = "127.0.0.1:0";
		argv[n++] = "--threads";
		argv[n++] = "4";
		for (int i = 0; serve_args && serve_args[i] && n < 63; i++)
			argv[n++] = serve_args[i];
		argv[n] = NULL;
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(pipefd[1]);
	/* Keep the pipe's read end open (closed at stop) so a later write by
	 * the server never meets a closed pipe. */
	fcntl(pipefd[0], F_SETFD, FD_CLOEXEC);
	s->out_fd = pipefd[0];
	s->server_port = read_listening(pipefd[0], "server");
	if (!s->server_port) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
		return -1;
	}
	if (start_validator(s) != 0)
		return -1;
	snprintf(s->base, sizeof s->base, "http://127.0.0.1:%u", s->port);
	if (e2e_login(s, "admin", E2E_ADMIN_PASSWORD, s->admin_token) != 200) {
		fprintf(stderr, "e2e: admin login failed\n");
		return -1;
	}
	return 0;
}

/* Stop the validator and fail the test for every answer it found to
 * differ from the description (already reported at each request; this also
 * catches requests made by others, e.g. Kannel's calls to /sms/inbound). */
static void stop_validator(struct e2e_server *s)
{
	if (s->proxy_pid > 0) {
		int st;
		kill(s->proxy_pid, SIGTERM);
		while (waitpid(s->proxy_pid, &st, 0) < 0 && errno == EINTR)
			;
		s->proxy_pid = 0;
	}
	if (s->proxy_fd > 0)
		close(s->proxy_fd);
	s->proxy_fd = 0;
	char path[400];
	snprintf(path, sizeof path, "%s/openapi-violations.jsonl", s->dir);
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char line[4096];
	int n = 0;
	while (fgets(line, sizeof line, f)) {
		fprintf(stderr, "e2e: answer differs from docs/openapi.yaml: %s", line);
		n++;
	}
	fclose(f);
	cr_expect_eq(n, 0, "%d answer(s) differ from docs/openapi.yaml (see above)", n);
}

int e2e_validate(struct e2e_server *s, unsigned server_port)
{
	if (!s->dir[0]) {
		snprintf(s->dir, sizeof s->dir, "/tmp/shanakht-inproc-XXXXXX");
		if (!mkdtemp(s->dir))
			return -1;
	}
	s->server_port = server_port;
	if (start_validator(s) != 0)
		return -1;
	snprintf(s->base, sizeof s->base, "http://127.0.0.1:%u", s->port);
	return 0;
}

void e2e_validate_stop(struct e2e_server *s)
{
	stop_validator(s);
	if (!s->dir[0])
		return;
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "e2e: could not remove %s\n", s->dir);
	s->dir[0] = '\0';
}

int e2e_stop(struct e2e_server *s)
{
	int st = 0, status = -1;
	stop_validator(s);
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		while (waitpid(s->pid, &st, 0) < 0 && errno == EINTR)
			;
		status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		s->pid = 0;
	}
	if (s->out_fd > 0)
		close(s->out_fd);
	s->out_fd = 0;
	testdb_drop(s->db_url);
	s->db_url = NULL;
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "e2e: could not remove %s\n", s->dir);
	return status;
}

struct grow {
	char *p;
	size_t len;
};

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
	struct grow *g = ctx;
	size_t add = size * n;
	char *p = realloc(g->p, g->len + add + 1);
	if (!p)
		return 0;
	memcpy(p + g->len, data, add);
	g->p = p;
	g->len += add;
	g->p[g->len] = '\0';
	return add;
}

static void header_value(const char *line, size_t n, const char *name, char *out, size_t outsz)
{
	size_t nl = strlen(name);
	if (n <= nl + 1 || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
		return;
	const char *v = line + nl + 1;
	while (*v == ' ')
		v++;
	size_t vl = n - (size_t)(v - line);
	while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n'))
		vl--;
	snprintf(out, outsz, "%.*s", (int)vl, v);
}

static size_t on_header(char *data, size_t size, size_t n, void *ctx)
{
	struct e2e_resp *r = ctx;
	size_t len = size * n;
	header_value(data, len, "X-Request-Id", r->request_id, sizeof r->request_id);
	header_value(data, len, "Content-Type", r->content_type, sizeof r->content_type);
	header_value(data, len, "Retry-After", r->retry_after, sizeof r->retry_after);
	header_value(data, len, "X-OpenAPI-Violation", r->violation, sizeof r->violation);
	return len;
}

int e2e_request(struct e2e_server *s, const char *method, const char *path, const char *token,
		const char *body, const char *const *extra_headers, struct e2e_resp *out)
{
	memset(out, 0, sizeof *out);
	CURL *c = curl_easy_init();
	if (!c)
		return -1;
	char url[1024], auth[160];
	snprintf(url, sizeof url, "%s%s", s->base, path);
	struct curl_slist *hdrs = NULL;
	if (token) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
		hdrs = curl_slist_append(hdrs, auth);
	}
	if (body)
		hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	for (int i = 0; extra_headers && extra_headers[i]; i++)
		hdrs = curl_slist_append(hdrs, extra_headers[i]);
	hdrs = curl_slist_append(hdrs, "Expect:");
	struct grow g = {0};
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &g);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, out);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	CURLcode cc = curl_easy_perform(c);
	if (cc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	out->body = g.p ? g.p : calloc(1, 1);
	out->len = g.len;
	if (out->len)
		out->json = json_loadb(out->body, out->len, 0, NULL);
	if (out->violation[0])
		cr_expect_fail("answer differs from docs/openapi.yaml: %s", out->violation);
	return cc == CURLE_OK ? 0 : -1;
}

int e2e_request_json(struct e2e_server *s, const char *method, const char *path,
		     const char *token, json_t *body, struct e2e_resp *out)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	int rc = e2e_request(s, method, path, token, text, NULL, out);
	free(text);
	return rc;
}

void e2e_resp_free(struct e2e_resp *r)
{
	free(r->body);
	if (r->json)
		json_decref(r->json);
	memset(r, 0, sizeof *r);
}

const char *e2e_error_code(const struct e2e_resp *r)
{
	json_t *e = r->json ? json_object_get(r->json, "error") : NULL;
	const char *c = e ? json_string_value(json_object_get(e, "code")) : NULL;
	return c ? c : "";
}

long e2e_login(struct e2e_server *s, const char *username, const char *password, char *out)
{
	json_t *b = json_pack("{s:s, s:s}", "username", username, "password", password);
	struct e2e_resp r;
	e2e_request_json(s, "POST", "/api/v1/session", NULL, b, &r);
	json_decref(b);
	long status = r.status;
	const char *tok = r.json ? json_string_value(json_object_get(r.json, "token")) : NULL;
	if (status == 200 && tok)
		snprintf(out, 80, "%s", tok);
	e2e_resp_free(&r);
	return status;
}

int e2e_operator(struct e2e_server *s, const char *username, const char *role,
		 const char *council, char *token_out)
{
	const char *pw = "operator-password-1234";
	json_t *b = json_pack("{s:s, s:s, s:s}", "username", username, "password", pw, "role", role);
	if (council)
		json_object_set_new(b, "council_code", json_string(council));
	struct e2e_resp r;
	e2e_request_json(s, "POST", "/api/v1/users", s->admin_token, b, &r);
	json_decref(b);
	long st = r.status;
	e2e_resp_free(&r);
	if (st != 201 && st != 200) {
		fprintf(stderr, "e2e: creating operator %s failed: %ld\n", username, st);
		return -1;
	}
	return e2e_login(s, username, pw, token_out) == 200 ? 0 : -1;
}

int e2e_party_request(struct e2e_server *s, const char *key_id, const char *secret,
		      const char *method, const char *path, const char *body,
		      const char *nonce_given, struct e2e_resp *out)
{
	static atomic_uint counter;
	char ts[24], nonce[72], sig[PARTY_SIG_HEX], h1[96], h2[64], h3[96], h4[128];
	snprintf(ts, sizeof ts, "%lld", (long long)sh_now());
	if (nonce_given)
		snprintf(nonce, sizeof nonce, "%s", nonce_given);
	else
		snprintf(nonce, sizeof nonce, "e2e-nonce-%08u-%08x", atomic_fetch_add(&counter, 1),
			 randombytes_random());
	party_signature(secret, method, path, ts, nonce, body, body ? strlen(body) : 0, sig);
	snprintf(h1, sizeof h1, "X-Party-Key: %s", key_id);
	snprintf(h2, sizeof h2, "X-Timestamp: %s", ts);
	snprintf(h3, sizeof h3, "X-Nonce: %s", nonce);
	snprintf(h4, sizeof h4, "X-Signature: %s", sig);
	const char *hdrs[] = {h1, h2, h3, h4, NULL};
	return e2e_request(s, method, path, NULL, body, hdrs, out);
}

void e2e_idnum_digits(const char *printed, char out[14])
{
	size_t k = 0;
	for (size_t i = 0; printed && printed[i] && k < 13; i++)
		if (printed[i] != '-')
			out[k++] = printed[i];
	out[k] = '\0';
}

void e2e_bio_device(struct e2e_server *s, const char *device_id, const char *serial,
		    const char *council, char *key_path, size_t key_path_n)
{
	snprintf(key_path, key_path_n, "%s/%s.key", s->dir, device_id);
	const char *args[] = {"device", "keygen", "--out", key_path, NULL};
	char *out = NULL;
	cr_assert_eq(e2e_run_cli(args, &out), 0, "keygen: %s", out);
	char pk[65] = "";
	cr_assert_eq(sscanf(out, "public_key %64s", pk), 1, "%s", out);
	free(out);
	json_t *b = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "device_id", device_id, "make",
			      "Acme", "model", "FP-500", "serial", serial, "modality", "fingerprint",
			      "approved_on", "2026-01-15", "council_code", council, "public_key", pk);
	struct e2e_resp r;
	e2e_request_json(s, "POST", "/api/v1/biometrics/devices", s->admin_token, b, &r);
	json_decref(b);
	cr_assert_eq(r.status, 201, "register device: %ld %s", r.status, r.body);
	cr_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "approved");
	e2e_resp_free(&r);
}

char *e2e_bio_sign(const char *key_path, const char *device_id, const char *op,
		   const char *idn, const char *fvc_dir, const int *subjects, int n, int imp,
		   const char *const *extra)
{
	const char *args[40];
	char files[10][600];
	int k = 0;
	cr_assert(n >= 0 && n <= 10, "at most ten fingers");
	args[k++] = "device";
	args[k++] = "sign";
	args[k++] = "--key";
	args[k++] = key_path;
	args[k++] = "--device-id";
	args[k++] = device_id;
	args[k++] = "--operator";
	args[k++] = op;
	args[k++] = "--id-number";
	args[k++] = idn;
	for (int i = 0; extra && extra[i]; i++) {
		cr_assert(k < 29, "too many extra arguments");
		args[k++] = extra[i];
	}
	for (int i = 0; i < n; i++) {
		snprintf(files[i], sizeof files[i], "%d=%s/%d_%d.tif", i + 1, fvc_dir, subjects[i],
			 imp);
		args[k++] = files[i];
	}
	args[k] = NULL;
	char *out = NULL;
	cr_assert_eq(e2e_run_cli(args, &out), 0, "device sign: %s", out);
	return out;
}
