/* fuzz_http_router.c — libFuzzer driver for the router, the percent-decoder
 * and the listen-address parser. Invariants: no crash; a match yields the
 * pattern's parameter count, each parameter non-empty and free of '/'. */
#include <stdint.h>
#include <stdlib.h>
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
	{"POST", "/api/v1/a/{x}/b/{y}/c/{z}/d/{w}", h, HTTP_AUTH_NONE, 0},
	{"DELETE", "/{a}", h, HTTP_AUTH_NONE, 0},
};
static const char *const methods[] = {"GET", "HEAD", "POST", "PATCH", "DELETE", "PUT"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static struct http_router rt;
	static int built;
	if (!built) {
		struct sh_err err;
		if (http_router_build(&rt, routes, sizeof routes / sizeof routes[0], &err))
			abort();
		built = 1;
	}
	const char *method = methods[data[0] % 6];
	char *path = malloc(size);
	if (!path)
		return 0;
	memcpy(path, data + 1, size - 1);
	path[size - 1] = '\0';
	struct arena *a = arena_create(1 << 20);
	const char *params[HTTP_MAX_PARAMS], *allow;
	int np = 0;
	size_t idx;
	if (http_router_match(&rt, a, method, path, &idx, params, &np, &allow) == HTTP_MATCH_OK) {
		if (idx >= rt.n || np != rt.routes[idx].nparams)
			abort();
		for (int i = 0; i < np; i++)
			if (!params[i][0] || strchr(params[i], '/'))
				abort();
	}
	size_t pl = strlen(path);
	char *out = malloc(pl + 1);
	if (out && http_pct_decode(path, pl, out, data[0] & 1) > (long)pl)
		abort();
	free(out);
	struct sockaddr_storage ss;
	socklen_t sl;
	struct sh_err err;
	(void)http_listen_parse(path, &ss, &sl, &err);
	(void)http_reqid_valid(path);
	arena_destroy(a);
	free(path);
	return 0;
}
