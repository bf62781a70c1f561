/* conn.c — one request's life: libmicrohttpd's access-handler calls (headers,
 * body chunks, end), early refusals, authentication, the handler call, and
 * the completion callback that records metrics and frees everything.
 *
 * MHD calls the access handler first with the headers only, then once per
 * body chunk, then once more with no data. We route and apply the cheap
 * checks (overload, header size, Content-Length) on the first call, so a
 * request that will be refused is answered before its body is read. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_conn.h"
#include "http/http_internal.h"
#include "lib/log.h"
#include "lib/parse.h"

static void client_addr(struct http_conn *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c->mhd, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char buf[INET6_ADDRSTRLEN] = "";
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf,
				  sizeof buf);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf,
				  sizeof buf);
	}
	c->req.client_addr = arena_strdup(c->arena, buf);
}

static struct http_conn *conn_new(struct http_server *srv, struct MHD_Connection *mc,
				  const char *url, const char *method)
{
	struct http_conn *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->srv = srv;
	c->mhd = mc;
	c->resp.conn = c;
	c->resp.fd = -1;
	clock_gettime(CLOCK_MONOTONIC, &c->t0);
	sh_buf_init(&c->chunked, srv->cfg.max_body);
	c->arena = arena_create(srv->cfg.arena_cap);
	const char *rid = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "X-Request-Id");
	if (http_reqid_valid(rid))
		memcpy(c->reqid, rid, strlen(rid) + 1);
	else
		http_reqid_generate(c->reqid);
	c->method_id = http_method_id(method);
	c->slot = srv->router.n; /* "(unmatched)" until routed */
	atomic_fetch_add(&srv->metrics.in_flight, 1);
	if (!c->arena)
		return c; /* answered 503 by the caller */
	c->req.method = arena_strdup(c->arena, method);
	c->req.path = arena_strdup(c->arena, url);
	c->req.request_id = c->reqid;
	c->req.arena = c->arena;
	c->req.app = srv->app;
	c->req.internal = c;
	client_addr(c);
	return c;
}

static void conn_free(struct http_conn *c)
{
	http_resp_clear(&c->resp);
	json_decref(c->json);
	sh_buf_free(&c->chunked);
	arena_destroy(c->arena);
	free(c);
}

struct hdr_size {
	size_t total;
};

static enum MHD_Result hdr_size_iter(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	struct hdr_size *h = cls;
	(void)kind;
	h->total += strlen(key) + (value ? strlen(value) : 0) + 4; /* ": " CRLF */
	return MHD_YES;
}

/* Route and apply the cheap refusals. Returns true if c->resp is set. */
static bool conn_first(struct http_conn *c)
{
	struct http_server *srv = c->srv;
	if (!c->arena || !c->req.method || !c->req.path || !c->req.client_addr) {
		http_reply_oom(&c->resp);
		return true;
	}
	size_t idx = 0;
	enum http_match m = http_router_match(&srv->router, c->arena, c->req.method,
					      c->req.path, &idx, c->req.params,
					      &c->req.nparams, &c->allow);
	switch (m) {
	case HTTP_MATCH_OK:
		c->kind = HTTP_CONN_ROUTE;
		c->route_idx = idx;
		c->slot = idx;
		c->req.route = srv->routes[idx].pattern;
		break;
	case HTTP_MATCH_METHOD:
		c->kind = HTTP_CONN_NO_METHOD;
		break;
	case HTTP_MATCH_BAD_PARAM:
		c->kind = HTTP_CONN_BAD_PARAM;
		break;
	case HTTP_MATCH_NONE:
		if ((c->method_id == HTTP_M_GET || c->method_id == HTTP_M_HEAD) &&
		    !http_path_is_api(c->req.path) && srv->static_root) {
			c->kind = HTTP_CONN_STATIC;
			c->slot = srv->router.n + 1;
		} else {
			c->kind = HTTP_CONN_NOT_FOUND;
		}
		break;
	}

	/* Soft connection limit: MHD's own (hard) limit is set higher so that
	 * the clients between the two get an answer instead of a reset. */
	if (atomic_load(&srv->metrics.conns_open) > (long)srv->cfg.max_connections) {
		atomic_fetch_add(&srv->metrics.overloaded, 1);
		http_reply_error(&c->resp, 503, "OVERLOADED",
				 "too many connections; retry shortly");
		http_reply_header(&c->resp, "Retry-After", "1");
		http_reply_header(&c->resp, "Connection", "close");
		return true;
	}

	struct hdr_size hs = {strlen(c->req.method) + strlen(c->req.path) + 12};
	MHD_get_connection_values(c->mhd, MHD_HEADER_KIND, hdr_size_iter, &hs);
	MHD_get_connection_values(c->mhd, MHD_GET_ARGUMENT_KIND, hdr_size_iter, &hs);
	if (hs.total > srv->cfg.max_header) {
		http_reply_error(&c->resp, 431, "REQUEST_HEADER_TOO_LARGE",
				 "request line and headers exceed the server's limit");
		http_reply_header(&c->resp, "Connection", "close");
		return true;
	}

	switch (c->kind) {
	case HTTP_CONN_NOT_FOUND:
		http_reply_error(&c->resp, 404, "NOT_FOUND", "no such resource");
		return true;
	case HTTP_CONN_NO_METHOD:
		http_reply_error(&c->resp, 405, "METHOD_NOT_ALLOWED",
				 "method not allowed on this resource");
		if (c->allow)
			http_reply_header(&c->resp, "Allow", c->allow);
		return true;
	case HTTP_CONN_BAD_PARAM:
		http_reply_error(&c->resp, 400, "BAD_PATH_PARAM",
				 "a path parameter is badly encoded");
		return true;
	case HTTP_CONN_STATIC:
		http_static_serve(c);
		return true;
	case HTTP_CONN_ROUTE:
		break;
	}

	/* RFC 9110 8.6; MHD has already refused a malformed Content-Length. */
	const char *cl = MHD_lookup_connection_value(c->mhd, MHD_HEADER_KIND, "Content-Length");
	int64_t len;
	if (cl && sh_parse_i64(cl, 0, INT64_MAX, &len) == SH_OK) {
		if ((uint64_t)len > srv->cfg.max_body) {
			http_reply_error(&c->resp, 413, "PAYLOAD_TOO_LARGE",
					 "request body exceeds the server's limit");
			return true;
		}
		if (len > 0) {
			c->body = arena_alloc(c->arena, (size_t)len + 1);
			if (!c->body) {
				http_reply_oom(&c->resp);
				return true;
			}
			c->body_cap = (size_t)len;
		}
	}
	return false;
}

/* Body bytes past the cap are read and dropped (up to one more cap's worth)
 * so that the client sees our 413; beyond that we hang up. */
static enum MHD_Result conn_body(struct http_conn *c, const char *data, size_t n)
{
	if (c->body_too_big || c->body_oom) {
		c->discarded += n;
		return c->discarded > c->srv->cfg.max_body ? MHD_NO : MHD_YES;
	}
	if (c->body_cap) {
		if (n > c->body_cap - c->body_len) { /* more than Content-Length said */
			c->body_too_big = true;
			return MHD_YES;
		}
		memcpy(c->body + c->body_len, data, n);
		c->body_len += n;
		return MHD_YES;
	}
	int rc = sh_buf_append(&c->chunked, data, n);
	if (rc == SH_ETOOBIG)
		c->body_too_big = true;
	else if (rc)
		c->body_oom = true;
	if (rc)
		sh_buf_free(&c->chunked);
	return MHD_YES;
}

static void conn_authorize_and_run(struct http_conn *c)
{
	struct http_server *srv = c->srv;
	const struct http_route *r = &srv->routes[c->route_idx];
	if (r->auth != HTTP_AUTH_NONE) {
		struct sh_err err;
		sh_err_clear(&err);
		int rc = srv->hooks.authenticate
				 ? srv->hooks.authenticate(srv->app, r->auth, &c->req, &err)
				 : sh_err_set(&err, SH_EUNAUTH, "UNAUTHENTICATED",
					      "no authentication configured");
		if (rc != SH_OK) {
			if (err.status == SH_OK)
				sh_err_set(&err, rc, sh_status_name(rc), "authentication failed");
			http_reply_err(&c->resp, &err);
			return;
		}
		if (r->auth == HTTP_AUTH_OPERATOR && !(c->req.principal.role_bit & r->roles)) {
			sh_err_set(&err, SH_EFORBIDDEN, "FORBIDDEN_ROLE",
				   "role %s may not use %s %s",
				   c->req.principal.role[0] ? c->req.principal.role : "(none)",
				   r->method, r->pattern);
			if (srv->hooks.denied)
				srv->hooks.denied(srv->app, &c->req, &err);
			http_reply_err(&c->resp, &err);
			return;
		}
	}
	r->handler(&c->req, &c->resp);
	if (srv->hooks.finished) {
		struct sh_err err;
		sh_err_clear(&err);
		if (srv->hooks.finished(srv->app, &c->req, c->resp.status, &err) != SH_OK) {
			http_resp_clear(&c->resp);
			http_reply_err(&c->resp, &err);
		}
	}
}

static void conn_last(struct http_conn *c)
{
	if (c->body_too_big) {
		http_reply_error(&c->resp, 413, "PAYLOAD_TOO_LARGE",
				 "request body exceeds the server's limit");
		return;
	}
	if (c->body_oom) {
		http_reply_oom(&c->resp);
		return;
	}
	if (c->body_cap) {
		c->body[c->body_len] = '\0';
		c->req.body = c->body;
		c->req.body_len = c->body_len;
	} else if (c->chunked.len) {
		/* Chunked upload: the capped buffer is already NUL-terminated and
		 * is freed with the request, so it is handed over, not copied. */
		c->req.body = c->chunked.data;
		c->req.body_len = c->chunked.len;
	}
	conn_authorize_and_run(c);
}

/* Answer 503 when not even the request state could be allocated. */
static enum MHD_Result reply_bare_oom(struct MHD_Connection *mc)
{
	static const char body[] =
		"{\"error\":{\"code\":\"OUT_OF_MEMORY\",\"message\":\"out of memory\"}}";
	char rid[17];
	http_reqid_generate(rid);
	struct MHD_Response *m = MHD_create_response_from_buffer(
		sizeof body - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
	if (!m)
		return MHD_NO;
	MHD_add_response_header(m, "Content-Type", HTTP_JSON_TYPE);
	MHD_add_response_header(m, "X-Request-Id", rid);
	MHD_add_response_header(m, "Cache-Control", "no-store");
	enum MHD_Result r = MHD_queue_response(mc, 503, m);
	MHD_destroy_response(m);
	return r;
}

enum MHD_Result http_conn_on_request(void *cls, struct MHD_Connection *mc, const char *url,
				     const char *method, const char *version,
				     const char *upload_data, size_t *upload_data_size,
				     void **con_cls)
{
	struct http_server *srv = cls;
	struct http_conn *c = *con_cls;
	(void)version;
	if (!c) {
		c = conn_new(srv, mc, url, method);
		if (!c)
			return reply_bare_oom(mc);
		*con_cls = c;
		if (conn_first(c))
			return http_resp_send(c);
		return MHD_YES;
	}
	if (c->queued) { /* answered early; MHD drains or closes */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size) {
		enum MHD_Result r = conn_body(c, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return r;
	}
	conn_last(c);
	return http_resp_send(c);
}

void http_conn_on_completed(void *cls, struct MHD_Connection *mc, void **con_cls,
			    enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct http_conn *c = *con_cls;
	(void)mc;
	if (!c)
		return;
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	uint64_t ns = (uint64_t)(t1.tv_sec - c->t0.tv_sec) * 1000000000u +
		      (uint64_t)(t1.tv_nsec - c->t0.tv_nsec);
	if (c->queued) {
		http_metrics_record(&srv->metrics, c->slot, c->method_id, c->resp.status, ns);
		if (c->resp.status >= 500)
			sh_warn("http: %s %s -> %d (request %s)",
				c->req.method ? c->req.method : "?",
				c->req.path ? c->req.path : "?", c->resp.status, c->reqid);
		else
			sh_debug("http: %s %s -> %d %.3f ms (request %s)", c->req.method,
				 c->req.path, c->resp.status, (double)ns / 1e6, c->reqid);
	} else if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK) {
		sh_debug("http: %s %s ended without a response (code %d, request %s)",
			 c->req.method ? c->req.method : "?", c->req.path ? c->req.path : "?",
			 (int)toe, c->reqid);
	}
	atomic_fetch_sub(&srv->metrics.in_flight, 1);
	conn_free(c);
	*con_cls = NULL;
}

void http_conn_on_connection(void *cls, struct MHD_Connection *mc, void **socket_context,
			     enum MHD_ConnectionNotificationCode toe)
{
	struct http_server *srv = cls;
	(void)mc;
	(void)socket_context;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED)
		atomic_fetch_add(&srv->metrics.conns_open, 1);
	else if (toe == MHD_CONNECTION_NOTIFY_CLOSED)
		atomic_fetch_sub(&srv->metrics.conns_open, 1);
}
