/* request.c — request accessors: query parameters, headers, the JSON body,
 * and request ids. */
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "http/http_internal.h"
#include "lib/log.h"

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* RFC 3986 2.1 percent-encoding; '+' as space only in query strings
 * (application/x-www-form-urlencoded, WHATWG URL 5.1). */
long http_pct_decode(const char *s, size_t n, char *out, bool plus_space)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (ch == '%') {
			if (i + 2 >= n)
				return -1;
			int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (ch == '+' && plus_space) {
			out[o++] = ' ';
		} else {
			out[o++] = ch;
		}
	}
	out[o] = '\0';
	return (long)o;
}

bool http_reqid_valid(const char *s)
{
	if (!s)
		return false;
	size_t n = 0;
	for (; s[n]; n++) {
		char ch = s[n];
		bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
			  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
		if (!ok || n >= HTTP_REQID_MAX)
			return false;
	}
	return n >= 1;
}

/* Random bytes for request ids from a per-thread pool refilled 64 ids at a
 * time: one getrandom() per request was a system call on every request. */
static int reqid_random(unsigned char r[8])
{
	static _Thread_local unsigned char pool[512];
	static _Thread_local size_t left;
	if (left < 8) {
		if (getrandom(pool, sizeof pool, GRND_NONBLOCK) != (ssize_t)sizeof pool)
			return -1;
		left = sizeof pool;
	}
	left -= 8;
	memcpy(r, pool + left, 8);
	return 0;
}

void http_reqid_generate(char out[17])
{
	static atomic_ullong fallback;
	unsigned char r[8];
	if (reqid_random(r) != 0) {
		/* Entropy not ready (early boot): ids need only be unique, not secret. */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		uint64_t v = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^
			     (atomic_fetch_add(&fallback, 1) << 40);
		memcpy(r, &v, sizeof r);
	}
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 8; i++) {
		out[2 * i] = hex[r[i] >> 4];
		out[2 * i + 1] = hex[r[i] & 15];
	}
	out[16] = '\0';
}

struct query_find {
	struct arena *arena;
	const char *key;
	const char *found;
};

static enum MHD_Result query_iter(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *value)
{
	struct query_find *q = cls;
	(void)kind;
	size_t kl = strlen(key);
	char kbuf[256];
	if (kl >= sizeof kbuf)
		return MHD_YES;
	long dk = http_pct_decode(key, kl, kbuf, true);
	if (dk < 0 || strcmp(kbuf, q->key) != 0)
		return MHD_YES;
	if (!value) {
		q->found = "";
		return MHD_NO;
	}
	size_t vl = strlen(value);
	char *v = arena_alloc(q->arena, vl + 1);
	if (!v)
		return MHD_NO;
	long dv = http_pct_decode(value, vl, v, true);
	/* A value with a bad escape or an embedded NUL is treated as absent. */
	if (dv >= 0 && strlen(v) == (size_t)dv)
		q->found = v;
	return MHD_NO;
}

const char *http_query(struct http_req *req, const char *key)
{
	struct http_conn *c = req->internal;
	if (!c || !key)
		return NULL;
	struct query_find q = {.arena = req->arena, .key = key};
	MHD_get_connection_values(c->mhd, MHD_GET_ARGUMENT_KIND, query_iter, &q);
	return q.found;
}

const char *http_header(struct http_req *req, const char *name)
{
	struct http_conn *c = req->internal;
	if (!c || !name)
		return NULL;
	return MHD_lookup_connection_value(c->mhd, MHD_HEADER_KIND, name);
}

/* "application/json" with optional parameters; a charset, if given, must be
 * UTF-8 (RFC 8259 8.1: JSON exchanged between systems is UTF-8). */
static bool content_type_is_json(const char *ct)
{
	static const char want[] = "application/json";
	if (!ct)
		return false;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (strncasecmp(ct, want, sizeof want - 1) != 0)
		return false;
	const char *p = ct + sizeof want - 1;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return true;
	if (*p != ';')
		return false;
	p++;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return true;
	if (strncasecmp(p, "charset=", 8) != 0)
		return false;
	p += 8;
	if (*p == '"')
		p++;
	if (strncasecmp(p, "utf-8", 5) != 0)
		return false;
	p += 5;
	if (*p == '"')
		p++;
	while (*p == ' ' || *p == '\t')
		p++;
	return *p == '\0';
}

/* Deepest nesting of [ and { outside strings, stopping at `limit`+1 so that
 * a hostile body cannot make the parser recurse deeply: we scan before
 * jansson sees a byte. */
static int json_depth_scan(const char *s, size_t n, int limit)
{
	int depth = 0, max = 0;
	bool in_str = false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (in_str) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				in_str = false;
			continue;
		}
		if (ch == '"') {
			in_str = true;
		} else if (ch == '{' || ch == '[') {
			if (++depth > max)
				max = depth;
			if (max > limit)
				return max;
		} else if (ch == '}' || ch == ']') {
			depth--;
		}
	}
	return max;
}

int http_json_parse(const char *body, size_t len, int max_depth, json_t **out,
		    struct sh_err *err)
{
	*out = NULL;
	if (!body || len == 0)
		return sh_err_set(err, SH_EINVAL, "BODY_REQUIRED", "a JSON object body is required");
	if (json_depth_scan(body, len, max_depth) > max_depth)
		return sh_err_set(err, SH_EINVAL, "JSON_TOO_DEEP",
				  "JSON nests deeper than %d levels", max_depth);
	json_error_t je;
	/* jansson reports a failed allocation as a parse error at the place
	 * it happened (json_error_code says so only for some), and a failed
	 * string allocation can even yield an object with a wrong value in it
	 * (a login with the right password answered 401); malloc's ENOMEM
	 * tells: any failed allocation during the parse is a 503, not a 400
	 * or a wrong answer to a good body (found by the allocation sweep,
	 * issue 14.5) */
	errno = 0;
	json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (errno == ENOMEM || (!j && json_error_code(&je) == json_error_out_of_memory)) {
		json_decref(j);
		return sh_err_set(err, SH_ENOMEM, "NO_MEMORY", "out of memory parsing the body");
	}
	if (!j)
		return sh_err_set(err, SH_EINVAL, "BAD_JSON", "malformed JSON at line %d column %d: %s",
				  je.line, je.column, je.text);
	if (!json_is_object(j)) {
		json_decref(j);
		return sh_err_set(err, SH_EINVAL, "BODY_NOT_OBJECT",
				  "the body must be a JSON object");
	}
	*out = j;
	return SH_OK;
}

int http_json_body(struct http_req *req, json_t **out, struct sh_err *err)
{
	struct http_conn *c = req->internal;
	*out = NULL;
	if (!c)
		return sh_err_set(err, SH_EINTERNAL, "INTERNAL", "request without server state");
	if (c->json) {
		*out = c->json;
		return SH_OK;
	}
	if (!req->body || req->body_len == 0)
		return sh_err_set(err, SH_EINVAL, "BODY_REQUIRED", "a JSON object body is required");
	if (!content_type_is_json(http_header(req, "Content-Type")))
		return sh_err_set(err, SH_EINVAL, "UNSUPPORTED_MEDIA_TYPE",
				  "Content-Type must be application/json");
	int rc = http_json_parse(req->body, req->body_len, c->srv->cfg.max_json_depth, &c->json,
				 err);
	*out = c->json; /* freed with the request */
	return rc;
}
