/* http.h — the HTTP/JSON server: libmicrohttpd with a worker thread pool.
 *
 * The server owns transport concerns only: size caps, the per-request arena,
 * JSON parsing with a depth cap, request ids, routing with {param} patterns,
 * error bodies, metrics, and calling the application's authentication hook
 * for routes that need it. It knows nothing of persons, SQL or audit.
 *
 * Handlers are thin: decode JSON, call one domain function, encode the
 * result. Every response carries X-Request-Id; every error body is
 *   {"error":{"code":"STABLE_CODE","message":"..."}}. */
#ifndef SH_HTTP_HTTP_H
#define SH_HTTP_HTTP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/principal.h"
#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/err.h"

#define HTTP_MAX_PARAMS 4

/* How a route is protected. */
enum http_auth {
	HTTP_AUTH_NONE = 0, /* public */
	HTTP_AUTH_OPERATOR, /* bearer token; role must be in route.roles */
	HTTP_AUTH_PARTY,    /* HMAC-signed relying-party request */
	HTTP_AUTH_CITIZEN,  /* citizen session token */
	HTTP_AUTH_APPLICANT, /* online-applications account session token */
};

struct http_req {
	const char *method;
	const char *path;     /* without the query string */
	const char *route;    /* the matched pattern, for metrics and audit */
	const char *request_id;
	const char *client_addr;
	const char *body;     /* NUL-terminated copy of the body, or NULL */
	size_t body_len;
	const char *params[HTTP_MAX_PARAMS]; /* {name} segments, in order */
	int nparams;
	struct arena *arena;  /* freed when the response is sent */
	struct principal principal;
	void *app;            /* the application context given at start */
	void *internal;       /* the server's own state; do not touch */
};

struct http_resp;

typedef void (*http_handler_fn)(struct http_req *req, struct http_resp *resp);

struct http_route {
	const char *method;  /* "GET", "POST", ... */
	const char *pattern; /* "/api/v1/persons/{id_number}/history" */
	http_handler_fn handler;
	enum http_auth auth;
	unsigned roles;      /* HTTP_AUTH_OPERATOR: allowed ROLE_* bits */
};

/* Application hooks. authenticate() fills req->principal for the route's
 * auth kind, or returns SH_EUNAUTH (401) / SH_ETHROTTLE; denied() is told of
 * every 403 so the application can audit it. Both may be NULL in tests. */
struct http_hooks {
	int (*authenticate)(void *app, enum http_auth auth, struct http_req *req,
			    struct sh_err *err);
	void (*denied)(void *app, struct http_req *req, const struct sh_err *why);
	/* After the handler, before the response is sent: status is the
	 * handler's. An error here replaces the response with it. */
	int (*finished)(void *app, struct http_req *req, int status, struct sh_err *err);
};

struct http_config {
	const char *listen;   /* "127.0.0.1:8080" */
	/* 0: a thread for each connection (handlers block: in the database, at
	 * the write gate); N: a pool of N workers, each serving the
	 * connections it accepted one request at a time (docs/http.md). */
	unsigned threads;
	unsigned max_connections;
	size_t max_body;      /* default 8 MiB */
	size_t max_header;    /* default 16 KiB, whole request header block */
	int max_json_depth;   /* default 32 */
	size_t arena_cap;     /* per request, default 64 MiB */
	const char *static_dir; /* web pages served under "/", or NULL */
	unsigned idle_timeout_s; /* close idle/slow connections; 0 = 30 s */
};

struct http_server;

int http_server_start(const struct http_config *cfg, const struct http_route *routes,
		      size_t nroutes, const struct http_hooks *hooks, void *app,
		      struct http_server **out, struct sh_err *err)
	__attribute__((warn_unused_result));
/* The port actually bound (useful with port 0). */
unsigned http_server_port(const struct http_server *srv);
void http_server_stop(struct http_server *srv);

/* Extension point for GET /metrics: `fn` appends Prometheus text-format
 * lines (with their # HELP / # TYPE) to `out`. It runs on a server thread,
 * concurrently with requests, so it must be thread-safe and quick. At most
 * HTTP_METRICS_MAX_SOURCES; extra registrations are logged and ignored. */
struct sh_buf;
#define HTTP_METRICS_MAX_SOURCES 16
void http_metrics_add_source(struct http_server *srv,
			     void (*fn)(void *ctx, struct sh_buf *out), void *ctx);

/* Request accessors. */
const char *http_query(struct http_req *req, const char *key);   /* decoded, or NULL */
const char *http_header(struct http_req *req, const char *name); /* or NULL */
/* Parse the body as a JSON object within the depth cap. On failure fills err
 * (400 BAD_JSON, 400 BODY_NOT_OBJECT, 413 ...). The json_t is owned by the
 * request and freed with it. */
int http_json_body(struct http_req *req, json_t **out, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Responses: exactly one reply per request. */
void http_reply_json(struct http_resp *resp, int status, json_t *body); /* steals body */
/* A JSON text already written (lib/jsonw.h); takes the buffer's bytes. */
void http_reply_json_text(struct http_resp *resp, int status, struct sh_buf *text);
void http_reply_err(struct http_resp *resp, const struct sh_err *err);
void http_reply_error(struct http_resp *resp, int status, const char *code,
		      const char *message);
void http_reply_bytes(struct http_resp *resp, int status, const char *content_type,
		      const void *data, size_t len); /* copies */
void http_reply_header(struct http_resp *resp, const char *name, const char *value);

#endif
