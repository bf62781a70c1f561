/* fixture.h — an in-process server on 127.0.0.1:0 with a few test routes and
 * a fake authentication hook, shared by the tests in this folder. */
#ifndef SH_TESTS_HTTP_FIXTURE_H
#define SH_TESTS_HTTP_FIXTURE_H

#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "auth/roles.h"
#include "client.h"
#include "http/http.h"
#include "lib/buf.h"

static struct http_server *srv;
static unsigned port;
static atomic_int denied_calls;
static char denied_code[64];

static void h_ping(struct http_req *req, struct http_resp *resp)
{
	http_reply_json(resp, 200, json_pack("{s:b}", "ok", 1));
}

static void h_item(struct http_req *req, struct http_resp *resp)
{
	http_reply_json(resp, 200, json_pack("{s:s,s:s,s:i}", "id", req->params[0], "route",
					     req->route, "n", req->nparams));
}

static void h_sub(struct http_req *req, struct http_resp *resp)
{
	http_reply_json(resp, 200,
			json_pack("{s:s,s:s}", "id", req->params[0], "x", req->params[1]));
}

static void h_delete(struct http_req *req, struct http_resp *resp)
{
	http_reply_json(resp, 204, json_object());
}

static void h_create(struct http_req *req, struct http_resp *resp)
{
	json_t *body;
	struct sh_err err;
	if (http_json_body(req, &body, &err)) {
		http_reply_err(resp, &err);
		return;
	}
	/* body is owned by the request: take our own reference to send it back */
	http_reply_json(resp, 201, json_pack("{s:O,s:I}", "got", body, "len",
					     (json_int_t)req->body_len));
}

static void h_noreply(struct http_req *req, struct http_resp *resp)
{
}

static void h_twice(struct http_req *req, struct http_resp *resp)
{
	http_reply_error(resp, 409, "FIRST", "first");
	http_reply_error(resp, 200, "SECOND", "second");
}

static void h_query(struct http_req *req, struct http_resp *resp)
{
	const char *q = http_query(req, "q");
	const char *missing = http_query(req, "missing");
	http_reply_json(resp, 200, json_pack("{s:s?,s:b,s:s?}", "q", q, "missing_is_null",
					     missing == NULL, "ua",
					     http_header(req, "user-agent")));
}

static void h_whoami(struct http_req *req, struct http_resp *resp)
{
	http_reply_header(resp, "X-Test", "yes");
	http_reply_header(resp, "Bad\r\nHeader", "x"); /* refused, not sent */
	http_reply_json(resp, 200, json_pack("{s:s,s:I,s:s}", "name", req->principal.name,
					     "id", (json_int_t)req->principal.id, "client",
					     req->client_addr));
}

static void h_cached(struct http_req *req, struct http_resp *resp)
{
	http_reply_header(resp, "cache-control", "private, max-age=60");
	http_reply_json(resp, 200, json_pack("{s:b}", "ok", 1));
}

static void h_bytes(struct http_req *req, struct http_resp *resp)
{
	http_reply_bytes(resp, 200, "text/csv", "a,b\n1,2\n", 8);
}

static void h_oom(struct http_req *req, struct http_resp *resp)
{
	http_reply_json(resp, 200, NULL); /* as if json_pack() had failed */
}

static void h_slow(struct http_req *req, struct http_resp *resp)
{
	usleep(2000);
	http_reply_json(resp, 200, json_pack("{s:s}", "p", req->params[0]));
}

/* A handler that blocks like one waiting in the database: GET
 * /api/v1/latch/wait waits (at most 10 s) until GET /api/v1/latch/open. */
static pthread_mutex_t latch_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t latch_cv = PTHREAD_COND_INITIALIZER;
static int latch_opened;

static void h_latch(struct http_req *req, struct http_resp *resp)
{
	int opened;
	pthread_mutex_lock(&latch_mu);
	if (!strcmp(req->params[0], "open")) {
		latch_opened = 1;
		pthread_cond_broadcast(&latch_cv);
	} else {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 10;
		while (!latch_opened &&
		       pthread_cond_timedwait(&latch_cv, &latch_mu, &until) == 0)
			;
	}
	opened = latch_opened;
	pthread_mutex_unlock(&latch_mu);
	http_reply_json(resp, 200, json_pack("{s:b}", "opened", opened));
}

static int fake_auth(void *app, enum http_auth auth, struct http_req *req, struct sh_err *err)
{
	const char *a = http_header(req, "Authorization");
	if (auth == HTTP_AUTH_OPERATOR && a && strcmp(a, "Bearer admin") == 0) {
		req->principal.kind = PRINCIPAL_OPERATOR;
		req->principal.id = 7;
		req->principal.role_bit = ROLE_ADMIN;
		snprintf(req->principal.name, sizeof req->principal.name, "root");
		snprintf(req->principal.role, sizeof req->principal.role, "admin");
		return SH_OK;
	}
	if (auth == HTTP_AUTH_OPERATOR && a && strcmp(a, "Bearer clerk") == 0) {
		req->principal.kind = PRINCIPAL_OPERATOR;
		req->principal.id = 8;
		req->principal.role_bit = ROLE_COURT_CLERK;
		snprintf(req->principal.name, sizeof req->principal.name, "clerk");
		snprintf(req->principal.role, sizeof req->principal.role, "court_clerk");
		return SH_OK;
	}
	if (a && strcmp(a, "Bearer slow-down") == 0)
		return sh_err_set(err, SH_ETHROTTLE, "TOO_MANY_ATTEMPTS", "wait");
	return sh_err_set(err, SH_EUNAUTH, "BAD_TOKEN", "missing or bad token");
}

static TC_UNUSED void fake_denied(void *app, struct http_req *req, const struct sh_err *why)
{
	atomic_fetch_add(&denied_calls, 1);
	snprintf(denied_code, sizeof denied_code, "%s", why->code);
}

static const struct http_route test_routes[] = {
	{"GET", "/api/v1/ping", h_ping, HTTP_AUTH_NONE, 0},
	{"GET", "/api/v1/items/{id}", h_item, HTTP_AUTH_NONE, 0},
	{"DELETE", "/api/v1/items/{id}", h_delete, HTTP_AUTH_NONE, 0},
	{"GET", "/api/v1/items/{id}/sub/{x}", h_sub, HTTP_AUTH_NONE, 0},
	{"POST", "/api/v1/items", h_create, HTTP_AUTH_NONE, 0},
	{"GET", "/api/v1/noreply", h_noreply, HTTP_AUTH_NONE, 0},
	{"GET", "/api/v1/twice", h_twice, HTTP_AUTH_NONE, 0},
	{"GET", "/api/v1/query", h_query, HTTP_AUTH_NONE, 0},
	{"GET", "/api/v1/whoami", h_whoami, HTTP_AUTH_OPERATOR, ROLE_ADMIN | ROLE_AUDITOR},
	{"GET", "/api/v1/party", h_ping, HTTP_AUTH_PARTY, 0},
	{"GET", "/api/v1/bytes", h_bytes, HTTP_AUTH_NONE, 0},
	{"GET", "/api/v1/cached", h_cached, HTTP_AUTH_NONE, 0},
	{"GET", "/api/v1/slow/{p}", h_slow, HTTP_AUTH_NONE, 0},
	{"GET", "/api/v1/latch/{what}", h_latch, HTTP_AUTH_NONE, 0},
	{"GET", "/healthz", h_ping, HTTP_AUTH_NONE, 0},
	{"GET", "/api/v1/oom", h_oom, HTTP_AUTH_NONE, 0},
};

/* The finished hook: remembers the handler's status; a request saying
 * "X-Test-Finish: refuse" has its reply replaced by the hook's error. */
static atomic_int finished_status;
static int fake_finished(void *app, struct http_req *req, int status, struct sh_err *err)
{
	(void)app;
	atomic_store(&finished_status, status);
	const char *f = http_header(req, "X-Test-Finish");
	if (f && strcmp(f, "refuse") == 0)
		return sh_err_set(err, SH_EUNAUTH, "FINISH_REFUSED", "refused after the handler");
	return SH_OK;
}

static const struct http_hooks test_hooks = {
	.authenticate = fake_auth, .denied = fake_denied, .finished = fake_finished};

static void start_with(struct http_config cfg)
{
	curl_global_init(CURL_GLOBAL_ALL);
	if (!cfg.listen)
		cfg.listen = "127.0.0.1:0";
	struct sh_err err;
	int rc = http_server_start(&cfg, test_routes, sizeof test_routes / sizeof test_routes[0],
				   &test_hooks, NULL, &srv, &err);
	cr_assert_eq(rc, SH_OK, "start: %s %s", err.code, err.msg);
	port = http_server_port(srv);
	cr_assert_neq(port, 0);
}

static TC_UNUSED void start_default(void)
{
	start_with((struct http_config){.threads = 4});
}

static void stop(void)
{
	http_server_stop(srv);
	srv = NULL;
	curl_global_cleanup();
}

/* Parse a response body and check it is exactly {"error":{"code","message"}}. */
static TC_UNUSED void assert_error(const struct tresp *r, long status, const char *code)
{
	cr_assert_eq(r->status, status, "status %ld != %ld, body %s", r->status, status,
		     r->body);
	json_error_t je;
	json_t *j = json_loads(r->body, 0, &je);
	cr_assert_not_null(j, "error body is not JSON: %s", r->body);
	cr_assert_eq(json_object_size(j), 1);
	json_t *e = json_object_get(j, "error");
	cr_assert(json_is_object(e));
	cr_assert_eq(json_object_size(e), 2, "error has extra keys: %s", r->body);
	cr_assert_str_eq(json_string_value(json_object_get(e, "code")), code);
	cr_assert(json_is_string(json_object_get(e, "message")));
	json_decref(j);
	char *ct = tc_header(r, "Content-Type");
	cr_assert_not_null(ct);
	cr_assert_str_eq(ct, "application/json; charset=utf-8");
	free(ct);
	char *rid = tc_header(r, "X-Request-Id");
	cr_assert_not_null(rid, "no X-Request-Id on %ld", status);
	free(rid);
}

#endif
