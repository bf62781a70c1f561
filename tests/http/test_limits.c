/* test_limits.c — body and header caps, early refusal, and the soft
 * connection limit (503 OVERLOADED). */
#include "fixture.h"

static void start_small(void)
{
	start_with((struct http_config){.threads = 2, .max_body = 1024, .max_header = 4096});
}

TestSuite(limits, .init = start_small, .fini = stop);

static const char *const json_ct[] = {"Content-Type: application/json", NULL};

static char *json_of_size(size_t n)
{
	char *b = malloc(n + 1);
	memset(b, ' ', n);
	memcpy(b, "{\"a\":\"", 6);
	memset(b + 6, 'x', n - 8);
	memcpy(b + n - 2, "\"}", 2);
	b[n] = '\0';
	return b;
}

Test(limits, body_at_cap_passes_over_cap_is_413)
{
	struct tresp r;
	char *ok = json_of_size(1024);
	tc_request(port, "POST", "/api/v1/items", ok, -1, json_ct, &r);
	cr_assert_eq(r.status, 201, "%s", r.body);
	cr_assert(strstr(r.body, "\"len\":1024"));
	tc_free(&r);
	free(ok);

	char *big = json_of_size(1025);
	tc_request(port, "POST", "/api/v1/items", big, -1, json_ct, &r);
	assert_error(&r, 413, "PAYLOAD_TOO_LARGE");
	tc_free(&r);
	free(big);

	/* far over the cap, with Expect: 100-continue: refused before upload */
	char *huge = json_of_size(4 << 20);
	const char *const expect[] = {"Content-Type: application/json",
				      "Expect: 100-continue", NULL};
	tc_request(port, "POST", "/api/v1/items", huge, -1, expect, &r);
	assert_error(&r, 413, "PAYLOAD_TOO_LARGE");
	tc_free(&r);
	free(huge);
}

Test(limits, chunked_body_over_cap_is_413)
{
	/* No Content-Length: the cap is enforced while streaming. */
	char req[8192];
	int n = snprintf(req, sizeof req,
			 "POST /api/v1/items HTTP/1.1\r\nHost: x\r\n"
			 "Content-Type: application/json\r\n"
			 "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
	char chunk[600];
	memset(chunk, 'x', sizeof chunk);
	for (int i = 0; i < 3; i++) {
		n += snprintf(req + n, sizeof req - (size_t)n, "%zx\r\n", sizeof chunk);
		memcpy(req + n, chunk, sizeof chunk);
		n += (int)sizeof chunk;
		n += snprintf(req + n, sizeof req - (size_t)n, "\r\n");
	}
	n += snprintf(req + n, sizeof req - (size_t)n, "0\r\n\r\n");
	char *got = tc_raw(port, req, (size_t)n, 3000);
	cr_assert(strstr(got, "HTTP/1.1 413"), "%s", got);
	cr_assert(strstr(got, "\"code\":\"PAYLOAD_TOO_LARGE\""), "%s", got);
	cr_assert(strcasestr(got, "X-Request-Id:"), "%s", got);
	free(got);

	/* a small chunked body is accepted and NUL-terminated */
	const char small[] = "POST /api/v1/items HTTP/1.1\r\nHost: x\r\n"
			     "Content-Type: application/json\r\n"
			     "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
			     "4\r\n{\"k\"\r\n4\r\n:12}\r\n0\r\n\r\n";
	got = tc_raw(port, small, sizeof small - 1, 3000);
	cr_assert(strstr(got, "HTTP/1.1 201"), "%s", got);
	cr_assert(strstr(got, "{\"got\":{\"k\":12},\"len\":8}"), "%s", got);
	free(got);
}

Test(limits, header_cap_is_431_json)
{
	char *h = malloc(6000);
	snprintf(h, 6000, "X-Big: ");
	memset(h + 7, 'a', 5000);
	h[5007] = '\0';
	const char *const hdrs[] = {h, NULL};
	struct tresp r;
	tc_request(port, "GET", "/api/v1/ping", NULL, 0, hdrs, &r);
	assert_error(&r, 431, "REQUEST_HEADER_TOO_LARGE");
	tc_free(&r);
	free(h);
}

Test(limits, giant_header_is_refused_by_mhd)
{
	/* Past MHD's connection memory pool MHD answers itself (not JSON). */
	size_t n = 200000;
	char *req = malloc(n + 100);
	int k = snprintf(req, 100, "GET /api/v1/ping HTTP/1.1\r\nHost: x\r\nX-Big: ");
	memset(req + k, 'a', n);
	memcpy(req + k + n, "\r\n\r\n", 5);
	char *got = tc_raw(port, req, (size_t)k + n + 4, 3000);
	cr_assert(strncmp(got, "HTTP/1.1 4", 10) == 0 || got[0] == '\0', "%.200s", got);
	cr_assert_null(strstr(got, "\"ok\":true"));
	free(got);
	free(req);
	/* and the server still answers afterwards */
	struct tresp r;
	tc_request(port, "GET", "/api/v1/ping", NULL, 0, NULL, &r);
	cr_assert_eq(r.status, 200);
	tc_free(&r);
}

Test(limits, long_url_is_refused)
{
	char path[6000] = "/api/v1/items/";
	memset(path + 14, 'a', 5000);
	path[5014] = '\0';
	struct tresp r;
	tc_request(port, "GET", path, NULL, 0, NULL, &r);
	assert_error(&r, 431, "REQUEST_HEADER_TOO_LARGE");
	tc_free(&r);
}

static void start_two_conns(void)
{
	start_with((struct http_config){.threads = 2, .max_connections = 2});
}

Test(overload, soft_connection_limit_answers_503, .init = start_two_conns, .fini = stop)
{
	const char req[] = "GET /api/v1/ping HTTP/1.1\r\nHost: x\r\n\r\n";
	int fds[2];
	for (int i = 0; i < 2; i++) {
		fds[i] = tc_connect(port);
		cr_assert(fds[i] >= 0);
		send(fds[i], req, sizeof req - 1, MSG_NOSIGNAL);
		char *got = tc_read(fds[i], 2000, 1);
		cr_assert(strstr(got, "HTTP/1.1 200"), "%s", got);
		free(got);
	}
	/* two keep-alive connections are open: a third is over the limit */
	struct tresp r;
	tc_request(port, "GET", "/api/v1/ping", NULL, 0, NULL, &r);
	assert_error(&r, 503, "OVERLOADED");
	char *ra = tc_header(&r, "Retry-After");
	cr_assert_str_eq(ra, "1");
	free(ra);
	tc_free(&r);
	close(fds[0]);
	close(fds[1]);
	/* once they close, requests are served again (the server notices the
	 * closes asynchronously, so allow it a moment) */
	long st = 0;
	for (int i = 0; i < 100 && st != 200; i++) {
		usleep(20000);
		tc_request(port, "GET", "/api/v1/ping", NULL, 0, NULL, &r);
		st = r.status;
		tc_free(&r);
	}
	cr_assert_eq(st, 200);
}

Test(limits, early_refusal_closes_the_connection)
{
	/* A request refused before its body is read must not let the unread
	 * body be parsed as a second request (request smuggling). */
	const char *reqs[] = {
		"POST /nope HTTP/1.1\r\nHost: x\r\nContent-Length: 38\r\n\r\n"
		"GET /healthz HTTP/1.1\r\nHost: smug\r\n\r\n",
		"POST /api/v1/items HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n"
		"GET /healthz HTTP/1.1\r\nHost: smug\r\n\r\n",
	};
	const char *want[] = {"HTTP/1.1 404", "HTTP/1.1 413"};
	for (int i = 0; i < 2; i++) {
		char *got = tc_raw(port, reqs[i], strlen(reqs[i]), 2000);
		cr_assert(strncmp(got, want[i], 12) == 0, "%s", got);
		cr_assert_null(strstr(got, "\"ok\":true"), "smuggled request served: %s", got);
		cr_assert_null(strstr(got + 12, "HTTP/1.1"), "two responses: %s", got);
		free(got);
	}
}
