/* test_router.c — the router, percent-decoding, request ids and the listen
 * parser as plain functions (no sockets). */
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <string.h>

#include "http/http_internal.h"
#include "http/http_listen.h"

static void h(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	(void)resp;
}

static const struct http_route routes[] = {
	{"GET", "/", h, HTTP_AUTH_NONE, 0},
	{"GET", "/api/v1/persons/{id}", h, HTTP_AUTH_NONE, 0},
	{"PATCH", "/api/v1/persons/{id}", h, HTTP_AUTH_NONE, 0},
	{"GET", "/api/v1/persons/{id}/history", h, HTTP_AUTH_NONE, 0},
	{"GET", "/api/v1/persons/search", h, HTTP_AUTH_NONE, 0},
	{"POST", "/api/v1/a/{x}/b/{y}/c/{z}/d/{w}", h, HTTP_AUTH_NONE, 0},
};

Test(router, matches_and_decodes)
{
	struct http_router rt;
	struct sh_err err;
	cr_assert_eq(http_router_build(&rt, routes, 6, &err), SH_OK, "%s", err.msg);
	struct arena *a = arena_create(0);
	const char *params[HTTP_MAX_PARAMS], *allow;
	int np;
	size_t idx;

	cr_assert_eq(http_router_match(&rt, a, "GET", "/", &idx, params, &np, &allow),
		     HTTP_MATCH_OK);
	cr_assert_eq(idx, 0);
	cr_assert_eq(np, 0);

	cr_assert_eq(http_router_match(&rt, a, "GET", "/api/v1/persons/35202-1234567-1", &idx,
				       params, &np, &allow), HTTP_MATCH_OK);
	cr_assert_eq(idx, 1);
	cr_assert_eq(np, 1);
	cr_assert_str_eq(params[0], "35202-1234567-1");

	/* table order decides between a literal and a {param} of the same shape */
	cr_assert_eq(http_router_match(&rt, a, "GET", "/api/v1/persons/search", &idx, params,
				       &np, &allow), HTTP_MATCH_OK);
	cr_assert_eq(idx, 1);

	cr_assert_eq(http_router_match(&rt, a, "PATCH", "/api/v1/persons/%41b", &idx, params,
				       &np, &allow), HTTP_MATCH_OK);
	cr_assert_eq(idx, 2);
	cr_assert_str_eq(params[0], "Ab");

	cr_assert_eq(http_router_match(&rt, a, "HEAD", "/api/v1/persons/7/history", &idx,
				       params, &np, &allow), HTTP_MATCH_OK);
	cr_assert_eq(idx, 3);

	cr_assert_eq(http_router_match(&rt, a, "POST", "/api/v1/a/1/b/2/c/3/d/4", &idx, params,
				       &np, &allow), HTTP_MATCH_OK);
	cr_assert_eq(np, 4);
	cr_assert_str_eq(params[3], "4");

	cr_assert_eq(http_router_match(&rt, a, "DELETE", "/api/v1/persons/7", &idx, params, &np,
				       &allow), HTTP_MATCH_METHOD);
	cr_assert_str_eq(allow, "GET, PATCH, HEAD");

	cr_assert_eq(http_router_match(&rt, a, "GET", "/api/v1/persons", &idx, params, &np,
				       &allow), HTTP_MATCH_NONE);
	cr_assert_eq(http_router_match(&rt, a, "GET", "api/v1/persons/1", &idx, params, &np,
				       &allow), HTTP_MATCH_NONE);
	cr_assert_eq(http_router_match(&rt, a, "GET", "/api/v1/persons/a%2fb", &idx, params,
				       &np, &allow), HTTP_MATCH_BAD_PARAM);
	cr_assert_eq(http_router_match(&rt, a, "GET", "/api/v1/persons/%", &idx, params, &np,
				       &allow), HTTP_MATCH_BAD_PARAM);
	cr_assert_eq(http_router_match(&rt, a, "GET", "/api/v1/persons/%4", &idx, params, &np,
				       &allow), HTTP_MATCH_BAD_PARAM);
	char deep[200];
	for (int i = 0; i < 40; i++)
		memcpy(deep + 2 * i, "/a", 2);
	deep[80] = '\0';
	cr_assert_eq(http_router_match(&rt, a, "GET", deep, &idx, params, &np, &allow),
		     HTTP_MATCH_NONE);
	arena_destroy(a);
	http_router_free(&rt);
}

Test(router, refuses_bad_tables)
{
	struct http_router rt;
	struct sh_err err;
	const struct http_route five[] = {
		{"GET", "/{a}/{b}/{c}/{d}/{e}", h, HTTP_AUTH_NONE, 0}};
	cr_assert_eq(http_router_build(&rt, five, 1, &err), SH_EINVAL);
	const struct http_route empty[] = {{"GET", "/a//b", h, HTTP_AUTH_NONE, 0}};
	cr_assert_eq(http_router_build(&rt, empty, 1, &err), SH_EINVAL);
	const struct http_route rel[] = {{"GET", "a", h, HTTP_AUTH_NONE, 0}};
	cr_assert_eq(http_router_build(&rt, rel, 1, &err), SH_EINVAL);
	const struct http_route nohandler[] = {{"GET", "/a", NULL, HTTP_AUTH_NONE, 0}};
	cr_assert_eq(http_router_build(&rt, nohandler, 1, &err), SH_EINVAL);
}

Test(router, percent_decoding)
{
	char out[32];
	cr_assert_eq(http_pct_decode("a%20b+c", 7, out, false), 5);
	cr_assert_str_eq(out, "a b+c");
	cr_assert_eq(http_pct_decode("a%20b+c", 7, out, true), 5);
	cr_assert_str_eq(out, "a b c");
	cr_assert_eq(http_pct_decode("%e2%82%AC", 9, out, false), 3);
	cr_assert_str_eq(out, "\xe2\x82\xac");
	cr_assert_eq(http_pct_decode("%g0", 3, out, false), -1);
	cr_assert_eq(http_pct_decode("ab%2", 4, out, false), -1);
	cr_assert_eq(http_pct_decode("", 0, out, false), 0);
}

Test(router, request_ids)
{
	cr_assert(http_reqid_valid("a"));
	cr_assert(http_reqid_valid("Trace-1.2_3"));
	char s64[65], s65[66];
	memset(s64, 'x', 64);
	s64[64] = '\0';
	memset(s65, 'x', 65);
	s65[65] = '\0';
	cr_assert(http_reqid_valid(s64));
	cr_assert_not(http_reqid_valid(s65));
	cr_assert_not(http_reqid_valid(""));
	cr_assert_not(http_reqid_valid(NULL));
	cr_assert_not(http_reqid_valid("a b"));
	cr_assert_not(http_reqid_valid("a\r\nX: y"));
	char a[17], b[17];
	http_reqid_generate(a);
	http_reqid_generate(b);
	cr_assert_eq(strlen(a), 16);
	cr_assert(http_reqid_valid(a));
	cr_assert_str_neq(a, b);
}

Test(router, listen_addresses)
{
	struct sockaddr_storage ss;
	socklen_t len;
	struct sh_err err;
	cr_assert_eq(http_listen_parse("127.0.0.1:8080", &ss, &len, &err), SH_OK);
	cr_assert_eq(ss.ss_family, AF_INET);
	cr_assert_eq(ntohs(((struct sockaddr_in *)&ss)->sin_port), 8080);
	cr_assert_eq(http_listen_parse(":0", &ss, &len, &err), SH_OK);
	cr_assert_eq(((struct sockaddr_in *)&ss)->sin_addr.s_addr, htonl(INADDR_ANY));
	cr_assert_eq(http_listen_parse("[::]:443", &ss, &len, &err), SH_OK);
	cr_assert_eq(ss.ss_family, AF_INET6);
	cr_assert_eq(ntohs(((struct sockaddr_in6 *)&ss)->sin6_port), 443);
	cr_assert_eq(len, sizeof(struct sockaddr_in6));
	const char *bad[] = {"", "8080", "1.2.3.4:", "1.2.3.4:x", "1.2.3.4:-1", "1.2.3.4:65536",
			     "[::1]8080", "[::1]:", "[zz]:80", "999.1.1.1:80", "[]:80"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		cr_assert_eq(http_listen_parse(bad[i], &ss, &len, &err), SH_EINVAL, "%s", bad[i]);
}
