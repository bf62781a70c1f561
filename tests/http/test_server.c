/* test_server.c — routing, params, replies, JSON bodies, request ids and
 * authentication, against a real server over HTTP. */
#include "fixture.h"

TestSuite(http, .init = start_default, .fini = stop);

Test(http, ping_is_json_with_api_headers)
{
	struct tresp r;
	cr_assert_eq(tc_request(port, "GET", "/api/v1/ping", NULL, 0, NULL, &r), 0);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(r.body, "{\"ok\":true}");
	char *ct = tc_header(&r, "Content-Type"), *nos = tc_header(&r, "X-Content-Type-Options"),
	     *cc = tc_header(&r, "Cache-Control");
	cr_assert_str_eq(ct, "application/json; charset=utf-8");
	cr_assert_str_eq(nos, "nosniff");
	cr_assert_str_eq(cc, "no-store");
	free(ct);
	free(nos);
	free(cc);
	tc_free(&r);
}

Test(http, params_are_decoded)
{
	struct tresp r;
	tc_request(port, "GET", "/api/v1/items/abc%20d%C3%A9", NULL, 0, NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(r.body,
			 "{\"id\":\"abc d\xc3\xa9\",\"route\":\"/api/v1/items/{id}\",\"n\":1}");
	tc_free(&r);
	tc_request(port, "GET", "/api/v1/items/42/sub/x-y", NULL, 0, NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(r.body, "{\"id\":\"42\",\"x\":\"x-y\"}");
	tc_free(&r);
}

Test(http, bad_params_refused)
{
	struct tresp r;
	tc_request(port, "GET", "/api/v1/items/a%2Fb", NULL, 0, NULL, &r);
	assert_error(&r, 400, "BAD_PATH_PARAM");
	tc_free(&r);
	tc_request(port, "GET", "/api/v1/items/a%00b", NULL, 0, NULL, &r);
	assert_error(&r, 400, "BAD_PATH_PARAM");
	tc_free(&r);
	tc_request(port, "GET", "/api/v1/items/a%zz", NULL, 0, NULL, &r);
	assert_error(&r, 400, "BAD_PATH_PARAM");
	tc_free(&r);
}

Test(http, segment_counts_must_match)
{
	const char *paths[] = {"/api/v1/items/", "/api/v1/items/1/", "/api/v1/items//sub/x",
			       "/api/v1/items/1/sub", "/api/v1/ping/extra", "/api/v1",
			       "/nothing"};
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		struct tresp r;
		tc_request(port, "GET", paths[i], NULL, 0, NULL, &r);
		assert_error(&r, 404, "NOT_FOUND");
		tc_free(&r);
	}
}

Test(http, method_not_allowed_lists_allow)
{
	struct tresp r;
	tc_request(port, "PUT", "/api/v1/items/9", "{}", -1, NULL, &r);
	assert_error(&r, 405, "METHOD_NOT_ALLOWED");
	char *allow = tc_header(&r, "Allow");
	cr_assert_not_null(allow);
	cr_assert_str_eq(allow, "GET, DELETE, HEAD");
	free(allow);
	tc_free(&r);
	tc_request(port, "HEAD", "/api/v1/items/9", NULL, 0, NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_eq(r.body_len, 0);
	tc_free(&r);
	tc_request(port, "DELETE", "/api/v1/items/9", NULL, 0, NULL, &r);
	cr_assert_eq(r.status, 204);
	tc_free(&r);
}

static const char *const json_ct[] = {"Content-Type: application/json", NULL};

Test(http, json_body_round_trip)
{
	struct tresp r;
	const char *const ct_charset[] = {"Content-Type: application/json; charset=UTF-8", NULL};
	tc_request(port, "POST", "/api/v1/items", "{\"a\":[1,{\"b\":\"\\u00e9\"}]}", -1,
		   ct_charset, &r);
	cr_assert_eq(r.status, 201, "%s", r.body);
	cr_assert_str_eq(r.body, "{\"got\":{\"a\":[1,{\"b\":\"\xc3\xa9\"}]},\"len\":24}");
	tc_free(&r);
}

Test(http, json_errors)
{
	struct tresp r;
	tc_request(port, "POST", "/api/v1/items", "{\"a\":", -1, json_ct, &r);
	assert_error(&r, 400, "BAD_JSON");
	cr_assert(strstr(r.body, "line 1 column"), "%s", r.body);
	tc_free(&r);

	tc_request(port, "POST", "/api/v1/items", "{\"a\":1,\"a\":2}", -1, json_ct, &r);
	assert_error(&r, 400, "BAD_JSON");
	tc_free(&r);

	tc_request(port, "POST", "/api/v1/items", "[1,2]", -1, json_ct, &r);
	assert_error(&r, 400, "BODY_NOT_OBJECT");
	tc_free(&r);

	tc_request(port, "POST", "/api/v1/items", "\"str\"", -1, json_ct, &r);
	assert_error(&r, 400, "BODY_NOT_OBJECT");
	tc_free(&r);

	tc_request(port, "POST", "/api/v1/items", "", 0, json_ct, &r);
	assert_error(&r, 400, "BODY_REQUIRED");
	tc_free(&r);

	const char *const form[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
	tc_request(port, "POST", "/api/v1/items", "{}", -1, form, &r);
	assert_error(&r, 415, "UNSUPPORTED_MEDIA_TYPE");
	tc_free(&r);

	const char *const latin[] = {"Content-Type: application/json; charset=latin1", NULL};
	tc_request(port, "POST", "/api/v1/items", "{}", -1, latin, &r);
	assert_error(&r, 415, "UNSUPPORTED_MEDIA_TYPE");
	tc_free(&r);

	const char *const jsonx[] = {"Content-Type: application/jsonx", NULL};
	tc_request(port, "POST", "/api/v1/items", "{}", -1, jsonx, &r);
	assert_error(&r, 415, "UNSUPPORTED_MEDIA_TYPE");
	tc_free(&r);
}

Test(http, json_depth_cap)
{
	struct tresp r;
	char deep[200], ok[200];
	/* depth 33 > default 32 */
	size_t n = 0;
	deep[n++] = '{';
	deep[n++] = '"';
	deep[n++] = 'a';
	deep[n++] = '"';
	deep[n++] = ':';
	for (int i = 0; i < 32; i++)
		deep[n++] = '[';
	for (int i = 0; i < 32; i++)
		deep[n++] = ']';
	deep[n++] = '}';
	deep[n] = '\0';
	tc_request(port, "POST", "/api/v1/items", deep, -1, json_ct, &r);
	assert_error(&r, 400, "JSON_TOO_DEEP");
	tc_free(&r);
	/* exactly 32 passes; brackets inside strings do not count */
	n = 0;
	memcpy(ok, "{\"[[[[\":", 8);
	n = 8;
	for (int i = 0; i < 31; i++)
		ok[n++] = '[';
	for (int i = 0; i < 31; i++)
		ok[n++] = ']';
	ok[n++] = '}';
	ok[n] = '\0';
	tc_request(port, "POST", "/api/v1/items", ok, -1, json_ct, &r);
	cr_assert_eq(r.status, 201, "%s", r.body);
	tc_free(&r);
}

Test(http, hostile_depth_does_not_crash)
{
	size_t n = 200000;
	char *b = malloc(n + 1);
	memset(b, '[', n);
	b[n] = '\0';
	struct tresp r;
	tc_request(port, "POST", "/api/v1/items", b, (long)n, json_ct, &r);
	assert_error(&r, 400, "JSON_TOO_DEEP");
	tc_free(&r);
	free(b);
}

Test(http, handler_without_reply_is_500)
{
	struct tresp r;
	tc_request(port, "GET", "/api/v1/noreply", NULL, 0, NULL, &r);
	assert_error(&r, 500, "INTERNAL_NO_REPLY");
	tc_free(&r);
	tc_request(port, "GET", "/api/v1/twice", NULL, 0, NULL, &r);
	assert_error(&r, 409, "FIRST");
	tc_free(&r);
}

Test(http, failed_json_pack_is_503)
{
	struct tresp r;
	tc_request(port, "GET", "/api/v1/oom", NULL, 0, NULL, &r);
	assert_error(&r, 503, "OUT_OF_MEMORY");
	tc_free(&r);
}

Test(http, query_and_headers)
{
	struct tresp r;
	const char *const ua[] = {"User-Agent: tester/1", NULL};
	tc_request(port, "GET", "/api/v1/query?x=1&q=a+b%21%C3%A9&q=second", NULL, 0, ua, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(r.body,
			 "{\"q\":\"a b!\xc3\xa9\",\"missing_is_null\":true,\"ua\":\"tester/1\"}");
	tc_free(&r);
	tc_request(port, "GET", "/api/v1/query?q", NULL, 0, NULL, &r);
	cr_assert(strstr(r.body, "\"q\":\"\""), "%s", r.body);
	tc_free(&r);
}

Test(http, bytes_reply)
{
	struct tresp r;
	tc_request(port, "GET", "/api/v1/bytes", NULL, 0, NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_str_eq(r.body, "a,b\n1,2\n");
	char *ct = tc_header(&r, "Content-Type");
	cr_assert_str_eq(ct, "text/csv");
	free(ct);
	tc_free(&r);
}

static int is_hex16(const char *s)
{
	if (!s || strlen(s) != 16)
		return 0;
	for (int i = 0; i < 16; i++)
		if (!strchr("0123456789abcdef", s[i]))
			return 0;
	return 1;
}

Test(http, request_ids)
{
	struct tresp r;
	const char *const good[] = {"X-Request-Id: abc.DEF_123-x", NULL};
	const char *paths[] = {"/api/v1/ping", "/nope", "/api/v1/items"};
	for (size_t i = 0; i < 3; i++) {
		tc_request(port, "GET", paths[i], NULL, 0, good, &r);
		char *rid = tc_header(&r, "X-Request-Id");
		cr_assert_str_eq(rid, "abc.DEF_123-x", "on %s", paths[i]);
		free(rid);
		tc_free(&r);
	}
	char longid[100] = "X-Request-Id: ";
	memset(longid + 14, 'a', 65);
	longid[79] = '\0';
	const char *const bad[][2] = {{"X-Request-Id: has space", NULL},
				      {"X-Request-Id: semi;colon", NULL},
				      {longid, NULL},
				      {NULL, NULL}};
	for (size_t i = 0; i < 4; i++) {
		tc_request(port, "GET", "/api/v1/ping", NULL, 0, bad[i][0] ? bad[i] : NULL, &r);
		char *rid = tc_header(&r, "X-Request-Id");
		cr_assert(is_hex16(rid), "generated id %s", rid ? rid : "(none)");
		free(rid);
		tc_free(&r);
	}
}

Test(http, auth_401_403_and_denied_hook)
{
	struct tresp r;
	tc_request(port, "GET", "/api/v1/whoami", NULL, 0, NULL, &r);
	assert_error(&r, 401, "BAD_TOKEN");
	tc_free(&r);

	const char *const slow[] = {"Authorization: Bearer slow-down", NULL};
	tc_request(port, "GET", "/api/v1/whoami", NULL, 0, slow, &r);
	assert_error(&r, 429, "TOO_MANY_ATTEMPTS");
	tc_free(&r);

	cr_assert_eq(atomic_load(&denied_calls), 0);
	const char *const clerk[] = {"Authorization: Bearer clerk", NULL};
	tc_request(port, "GET", "/api/v1/whoami", NULL, 0, clerk, &r);
	assert_error(&r, 403, "FORBIDDEN_ROLE");
	tc_free(&r);
	cr_assert_eq(atomic_load(&denied_calls), 1);
	cr_assert_str_eq(denied_code, "FORBIDDEN_ROLE");

	const char *const admin[] = {"Authorization: Bearer admin", NULL};
	tc_request(port, "GET", "/api/v1/whoami", NULL, 0, admin, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	cr_assert_str_eq(r.body, "{\"name\":\"root\",\"id\":7,\"client\":\"127.0.0.1\"}");
	char *x = tc_header(&r, "X-Test");
	cr_assert_str_eq(x, "yes");
	free(x);
	cr_assert_null(tc_header(&r, "Bad"));
	tc_free(&r);
	cr_assert_eq(atomic_load(&denied_calls), 1);

	/* party auth is not an operator: no role check, the hook decides */
	tc_request(port, "GET", "/api/v1/party", NULL, 0, admin, &r);
	assert_error(&r, 401, "BAD_TOKEN");
	tc_free(&r);
}

Test(http, finished_hook_sees_the_status_and_may_replace_the_reply)
{
	struct tresp r;
	tc_request(port, "POST", "/api/v1/items", "{\"name\":\"x\"}", -1, json_ct, &r);
	cr_assert_eq(r.status, 201, "%s", r.body);
	cr_assert_eq(atomic_load(&finished_status), 201);
	tc_free(&r);
	const char *const refuse[] = {"X-Test-Finish: refuse", NULL};
	tc_request(port, "GET", "/api/v1/ping", NULL, 0, refuse, &r);
	assert_error(&r, 401, "FINISH_REFUSED");
	cr_assert_eq(atomic_load(&finished_status), 200);
	char *id = tc_header(&r, "X-Request-Id");
	cr_assert_not_null(id);
	free(id);
	tc_free(&r);
}

Test(http, keep_alive_serves_many)
{
	/* Two requests on one connection: the first's state is freed, the
	 * second gets its own id. */
	int fd = tc_connect(port);
	cr_assert(fd >= 0);
	const char req[] = "GET /api/v1/ping HTTP/1.1\r\nHost: x\r\n\r\n";
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(send(fd, req, sizeof req - 1, MSG_NOSIGNAL), (ssize_t)sizeof req - 1);
		char *got = tc_read(fd, 2000, 1);
		cr_assert(strstr(got, "HTTP/1.1 200"), "%s", got);
		cr_assert(strstr(got, "{\"ok\":true}"), "%s", got);
		free(got);
	}
	close(fd);
}

/* threads = 0: a thread per connection, so handlers that block (in the
 * database, at the write gate) hold up only their own connection. With a
 * pool the waiters and the opener could share a worker, and the opener
 * would wait for the waiters' 10 s timeout. */
Test(http_per_connection, a_blocked_handler_holds_up_only_its_connection, .fini = stop)
{
	start_with((struct http_config){.threads = 0});
	enum { WAITERS = 8 };
	int fd[WAITERS];
	const char wait_req[] = "GET /api/v1/latch/wait HTTP/1.1\r\nHost: x\r\n\r\n";
	for (int i = 0; i < WAITERS; i++) {
		fd[i] = tc_connect(port);
		cr_assert(fd[i] >= 0);
		cr_assert_eq(send(fd[i], wait_req, sizeof wait_req - 1, MSG_NOSIGNAL),
			     (ssize_t)sizeof wait_req - 1);
	}
	struct tresp r;
	cr_assert_eq(tc_request(port, "GET", "/api/v1/latch/open", NULL, 0, NULL, &r), 0);
	cr_assert_eq(r.status, 200);
	cr_assert(strstr(r.body, "\"opened\":true"), "%s", r.body);
	tc_free(&r);
	for (int i = 0; i < WAITERS; i++) {
		char *got = tc_read(fd[i], 5000, 1);
		cr_assert(strstr(got, "HTTP/1.1 200"), "%s", got);
		cr_assert(strstr(got, "\"opened\":true"), "%s", got);
		free(got);
		close(fd[i]);
	}
}

Test(http_start, bad_configs_fail_cleanly)
{
	struct http_server *s = NULL;
	struct sh_err err;
	struct http_config cfg = {.listen = "127.0.0.1"};
	cr_assert_eq(http_server_start(&cfg, test_routes, 1, NULL, NULL, &s, &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "BAD_LISTEN");
	cfg.listen = "127.0.0.1:99999";
	cr_assert_eq(http_server_start(&cfg, test_routes, 1, NULL, NULL, &s, &err), SH_EINVAL);
	cfg.listen = "[::1:80";
	cr_assert_eq(http_server_start(&cfg, test_routes, 1, NULL, NULL, &s, &err), SH_EINVAL);
	cfg.listen = "127.0.0.1:0";
	struct http_route dup[] = {test_routes[0], test_routes[0]};
	cr_assert_eq(http_server_start(&cfg, dup, 2, NULL, NULL, &s, &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "BAD_ROUTE");
	struct http_route partial[] = {{"GET", "/a/x{id}", h_ping, HTTP_AUTH_NONE, 0}};
	cr_assert_eq(http_server_start(&cfg, partial, 1, NULL, NULL, &s, &err), SH_EINVAL);
	cfg.static_dir = "/definitely/not/here";
	cr_assert_eq(http_server_start(&cfg, test_routes, 1, NULL, NULL, &s, &err), SH_EIO);
	cr_assert_null(s);
}

Test(http_start, ipv6_loopback)
{
	struct http_server *s = NULL;
	struct sh_err err;
	struct http_config cfg = {.listen = "[::1]:0", .threads = 1};
	int rc = http_server_start(&cfg, test_routes, 1, NULL, NULL, &s, &err);
	if (rc != SH_OK)
		cr_skip_test("no IPv6 loopback here: %s", err.msg);
	cr_assert_neq(http_server_port(s), 0);
	curl_global_init(CURL_GLOBAL_ALL);
	CURL *h = curl_easy_init();
	char url[64];
	snprintf(url, sizeof url, "http://[::1]:%u/api/v1/ping", http_server_port(s));
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, tc_write);
	char *body = NULL;
	size_t len = 0;
	struct tc_sink sink = {&body, &len};
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
	cr_assert_eq(curl_easy_perform(h), CURLE_OK);
	long st = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &st);
	cr_assert_eq(st, 200);
	cr_assert_str_eq(body, "{\"ok\":true}");
	free(body);
	curl_easy_cleanup(h);
	curl_global_cleanup();
	http_server_stop(s);
}

/* A handler's own Cache-Control replaces the default one: two fields
 * (no-store and max-age) would leave a cache to guess. */
Test(http, handler_cache_control_is_the_only_one)
{
	struct tresp r;
	cr_assert_eq(tc_request(port, "GET", "/api/v1/cached", NULL, 0, NULL, &r), 0);
	cr_assert_eq(r.status, 200);
	int n = 0;
	for (const char *p = r.headers; (p = strcasestr(p, "\r\nCache-Control:")); p++)
		n++;
	cr_assert_eq(n, 1, "Cache-Control fields: %d in %s", n, r.headers);
	char *cc = tc_header(&r, "Cache-Control");
	cr_assert_str_eq(cc, "private, max-age=60");
	free(cc);
	tc_free(&r);
}
