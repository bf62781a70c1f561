/* router.c — matches "METHOD /path" against route patterns with {param}
 * segments.
 *
 * Patterns are split into segments once at start. A path matches a pattern
 * when it has the same number of segments, every literal segment is equal
 * byte for byte (on the raw, still percent-encoded path, so "%2F" can never
 * fake a separator), and every {param} segment is non-empty. Parameters are
 * percent-decoded afterwards and refused if they decode to NUL or '/'. */
#include <stdlib.h>
#include <string.h>

#include "http/http_internal.h"

/* Split a path into segments: "/a/b" -> "a","b"; "/" -> none. Returns the
 * count, or -1 if the path does not start with '/' or has too many. An
 * empty segment ("//", trailing '/') is kept as an empty segment. */
static int split_path(const char *path, const char **start, size_t *len, int max)
{
	if (path[0] != '/')
		return -1;
	if (path[1] == '\0')
		return 0;
	int n = 0;
	const char *p = path + 1;
	for (;;) {
		if (n == max)
			return -1;
		const char *e = strchr(p, '/');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		start[n] = p;
		len[n] = l;
		n++;
		if (!e)
			break;
		p = e + 1;
	}
	return n;
}

int http_router_build(struct http_router *rt, const struct http_route *routes,
		      size_t n, struct sh_err *err)
{
	rt->routes = calloc(n ? n : 1, sizeof *rt->routes);
	rt->n = 0;
	if (!rt->routes)
		return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "router: out of memory");
	for (size_t i = 0; i < n; i++) {
		const struct http_route *r = &routes[i];
		struct http_croute *c = &rt->routes[i];
		const char *start[HTTP_MAX_SEGMENTS];
		size_t len[HTTP_MAX_SEGMENTS];
		if (!r->method || !r->pattern || !r->handler) {
			http_router_free(rt);
			return sh_err_set(err, SH_EINVAL, "BAD_ROUTE",
					  "route %zu: method, pattern and handler are required", i);
		}
		int ns = split_path(r->pattern, start, len, HTTP_MAX_SEGMENTS);
		if (ns < 0) {
			http_router_free(rt);
			return sh_err_set(err, SH_EINVAL, "BAD_ROUTE",
					  "route %s: pattern must start with '/'", r->pattern);
		}
		c->route = r;
		c->nseg = ns;
		c->method_id = http_method_id(r->method);
		c->segs = calloc(ns ? (size_t)ns : 1, sizeof *c->segs);
		rt->n = i + 1;
		if (!c->segs) {
			http_router_free(rt);
			return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "router: out of memory");
		}
		for (int s = 0; s < ns; s++) {
			if (len[s] >= 2 && start[s][0] == '{' && start[s][len[s] - 1] == '}') {
				c->segs[s].lit = NULL;
				c->nparams++;
			} else if (len[s] == 0 || memchr(start[s], '{', len[s]) ||
				   memchr(start[s], '}', len[s])) {
				http_router_free(rt);
				return sh_err_set(err, SH_EINVAL, "BAD_ROUTE",
						  "route %s: empty segment or partial {param}",
						  r->pattern);
			} else {
				c->segs[s].lit = start[s];
				c->segs[s].len = len[s];
			}
		}
		if (c->nparams > HTTP_MAX_PARAMS) {
			http_router_free(rt);
			return sh_err_set(err, SH_EINVAL, "BAD_ROUTE",
					  "route %s: more than %d params", r->pattern,
					  HTTP_MAX_PARAMS);
		}
		for (size_t j = 0; j < i; j++) {
			if (strcmp(routes[j].method, r->method) == 0 &&
			    strcmp(routes[j].pattern, r->pattern) == 0) {
				http_router_free(rt);
				return sh_err_set(err, SH_EINVAL, "BAD_ROUTE",
						  "route %s %s registered twice", r->method,
						  r->pattern);
			}
		}
	}
	return SH_OK;
}

void http_router_free(struct http_router *rt)
{
	if (!rt->routes)
		return;
	for (size_t i = 0; i < rt->n; i++)
		free(rt->routes[i].segs);
	free(rt->routes);
	rt->routes = NULL;
	rt->n = 0;
}

static bool shape_matches(const struct http_croute *c, int ns, const char **start,
			  const size_t *len)
{
	if (c->nseg != ns)
		return false;
	for (int s = 0; s < ns; s++) {
		if (c->segs[s].lit) {
			if (c->segs[s].len != len[s] ||
			    memcmp(c->segs[s].lit, start[s], len[s]) != 0)
				return false;
		} else if (len[s] == 0) {
			return false;
		}
	}
	return true;
}

/* The route's method accepts this request's method (HEAD is served by GET:
 * RFC 9110 9.3.2, MHD drops the body). */
static bool method_fits(const struct http_croute *c, const char *method)
{
	if (strcmp(c->route->method, method) == 0)
		return true;
	return strcmp(method, "HEAD") == 0 && strcmp(c->route->method, "GET") == 0;
}

static const char *build_allow(const struct http_router *rt, struct arena *a, int ns,
			       const char **start, const size_t *len)
{
	struct sh_buf b;
	sh_buf_init(&b, 4096);
	bool get = false, head = false;
	for (size_t i = 0; i < rt->n; i++) {
		const struct http_croute *c = &rt->routes[i];
		if (!shape_matches(c, ns, start, len))
			continue;
		const char *m = c->route->method;
		/* skip methods already listed */
		bool dup = false;
		for (size_t j = 0; j < i; j++)
			if (shape_matches(&rt->routes[j], ns, start, len) &&
			    strcmp(rt->routes[j].route->method, m) == 0)
				dup = true;
		if (dup)
			continue;
		get |= strcmp(m, "GET") == 0;
		head |= strcmp(m, "HEAD") == 0;
		if ((b.len && sh_buf_puts(&b, ", ")) || sh_buf_puts(&b, m))
			break;
	}
	/* A failed append leaves a shorter but still valid list. */
	int rc = (get && !head) ? sh_buf_puts(&b, ", HEAD") : SH_OK;
	(void)rc;
	const char *s = arena_strdup(a, b.data ? b.data : "");
	sh_buf_free(&b);
	return s;
}

enum http_match http_router_match(const struct http_router *rt, struct arena *a,
				  const char *method, const char *path, size_t *out,
				  const char **params, int *nparams, const char **allow)
{
	const char *start[HTTP_MAX_SEGMENTS];
	size_t len[HTTP_MAX_SEGMENTS];
	*nparams = 0;
	*allow = NULL;
	int ns = split_path(path, start, len, HTTP_MAX_SEGMENTS);
	if (ns < 0)
		return HTTP_MATCH_NONE;
	bool path_known = false;
	const struct http_croute *hit = NULL;
	for (size_t i = 0; i < rt->n; i++) {
		const struct http_croute *c = &rt->routes[i];
		if (!shape_matches(c, ns, start, len))
			continue;
		path_known = true;
		if (strcmp(c->route->method, method) == 0) {
			hit = c; /* an exact method wins over HEAD-via-GET */
			break;
		}
		if (!hit && method_fits(c, method))
			hit = c;
	}
	if (!hit) {
		if (!path_known)
			return HTTP_MATCH_NONE;
		*allow = build_allow(rt, a, ns, start, len);
		return HTTP_MATCH_METHOD;
	}
	*out = (size_t)(hit - rt->routes);
	for (int s = 0; s < ns; s++) {
		if (hit->segs[s].lit)
			continue;
		char *v = arena_alloc(a, len[s] + 1);
		if (!v)
			return HTTP_MATCH_BAD_PARAM;
		long dl = http_pct_decode(start[s], len[s], v, false);
		if (dl <= 0 || memchr(v, '\0', (size_t)dl) || memchr(v, '/', (size_t)dl))
			return HTTP_MATCH_BAD_PARAM;
		params[(*nparams)++] = v;
	}
	return HTTP_MATCH_OK;
}
