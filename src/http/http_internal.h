/* http_internal.h — the HTTP server's private types, shared by its files only.
 *
 * One struct http_conn exists per request (MHD calls it the connection's
 * "con_cls"): it owns the request arena, the body, the parsed JSON and the
 * pending reply, and is freed by the completion callback. */
#ifndef SH_HTTP_INTERNAL_H
#define SH_HTTP_INTERNAL_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "http/http.h"
#include "lib/buf.h"

#define HTTP_JSON_TYPE "application/json; charset=utf-8"
#define HTTP_MAX_SEGMENTS 32
#define HTTP_REQID_MAX 64

/* ---- router.c ---------------------------------------------------------- */

struct http_seg {
	const char *lit; /* NULL for a {param} segment */
	size_t len;
};

struct http_croute {
	const struct http_route *route;
	struct http_seg *segs;
	int nseg;
	int nparams;
	int method_id; /* HTTP_M_* */
};

struct http_router {
	struct http_croute *routes;
	size_t n;
};

enum http_match {
	HTTP_MATCH_OK,
	HTTP_MATCH_NONE,       /* 404 */
	HTTP_MATCH_METHOD,     /* 405: path known, method not */
	HTTP_MATCH_BAD_PARAM,  /* 400: a {param} failed to decode */
};

int http_router_build(struct http_router *rt, const struct http_route *routes,
		      size_t n, struct sh_err *err);
void http_router_free(struct http_router *rt);
/* Match method+path. On OK, *out is the route index and params are decoded
 * into the arena. On METHOD, *allow is an arena string for the Allow header. */
enum http_match http_router_match(const struct http_router *rt, struct arena *a,
				  const char *method, const char *path, size_t *out,
				  const char **params, int *nparams, const char **allow);

/* ---- metrics.c --------------------------------------------------------- */

enum {
	HTTP_M_GET, HTTP_M_HEAD, HTTP_M_POST, HTTP_M_PUT, HTTP_M_PATCH,
	HTTP_M_DELETE, HTTP_M_OPTIONS, HTTP_M_OTHER, HTTP_M_COUNT
};
int http_method_id(const char *method);
const char *http_method_name(int id);

struct http_metrics_source {
	void (*fn)(void *ctx, struct sh_buf *out);
	void *ctx;
};

struct http_metrics {
	size_t nslots;            /* routes + (unmatched) + (static) */
	const char **slot_names;  /* borrowed patterns; malloc'd array */
	_Atomic uint64_t *counts; /* [slot][method][status] */
	_Atomic uint64_t *hist;   /* [slot][bucket], non-cumulative, +Inf last */
	_Atomic uint64_t *sum_ns; /* [slot] */
	atomic_long in_flight;
	atomic_long conns_open;
	atomic_ullong overloaded;
	pthread_mutex_t src_lock;
	struct http_metrics_source src[HTTP_METRICS_MAX_SOURCES];
	int nsrc;
};

int http_metrics_init(struct http_metrics *m, const struct http_router *rt);
void http_metrics_free(struct http_metrics *m);
void http_metrics_record(struct http_metrics *m, size_t slot, int method_id,
			 int status, uint64_t dur_ns);
int http_metrics_render(struct http_metrics *m, struct sh_buf *out);
void http_metrics_handler(struct http_req *req, struct http_resp *resp);

/* ---- server.c ---------------------------------------------------------- */

struct http_server {
	struct MHD_Daemon *mhd;
	struct http_config cfg;    /* with defaults filled in */
	char *static_root;         /* realpath of cfg.static_dir, or NULL */
	struct http_route *routes; /* user routes + built-ins, malloc'd copy */
	size_t nroutes;
	struct http_router router;
	struct http_hooks hooks;
	void *app;
	unsigned port;
	unsigned hard_conn_limit;
	struct http_metrics metrics;
};

/* ---- reply.c ----------------------------------------------------------- */

struct http_hdr {
	const char *name, *value; /* arena strings */
	struct http_hdr *next;
};

struct http_resp {
	struct http_conn *conn;
	int status;               /* 0 until a reply is set */
	const char *content_type; /* static or arena string */
	char *body;               /* malloc'd, or static_body */
	size_t body_len;
	bool body_static;         /* body is a string literal: never free */
	int fd;                   /* static file to send, or -1 */
	uint64_t fd_size;
	bool is_static_page;      /* Cache-Control: no-cache, not no-store */
	struct http_hdr *headers;
};

/* Build the MHD response for resp and queue it. MHD_YES or MHD_NO. */
enum MHD_Result http_resp_send(struct http_conn *c);
void http_resp_clear(struct http_resp *resp);
/* Error reply that does not allocate except the MHD response itself. */
void http_reply_oom(struct http_resp *resp);

/* ---- request.c --------------------------------------------------------- */

enum http_conn_kind {
	HTTP_CONN_ROUTE,
	HTTP_CONN_NOT_FOUND,
	HTTP_CONN_NO_METHOD,
	HTTP_CONN_BAD_PARAM,
	HTTP_CONN_STATIC,
};

struct http_conn {
	struct http_server *srv;
	struct MHD_Connection *mhd;
	struct arena *arena;
	struct http_req req;
	struct http_resp resp;
	enum http_conn_kind kind;
	size_t route_idx;   /* valid for HTTP_CONN_ROUTE */
	size_t slot;        /* metrics slot */
	int method_id;
	const char *allow;  /* for 405 */
	/* body */
	char *body;
	size_t body_len, body_cap; /* body_cap == 0: growing in `chunked` */
	struct sh_buf chunked;
	bool body_too_big;
	bool body_oom;
	uint64_t discarded;
	bool queued;        /* a response has been queued with MHD */
	json_t *json;
	struct timespec t0;
	char reqid[HTTP_REQID_MAX + 1];
};

/* Percent-decode s[0..n) into out (>= n+1 bytes); plus_space turns '+' into
 * ' ' (query strings). Returns the decoded length, or -1 on a bad escape. */
long http_pct_decode(const char *s, size_t n, char *out, bool plus_space);
/* A client's X-Request-Id is echoed only if it is 1..64 of [A-Za-z0-9._-]. */
bool http_reqid_valid(const char *s);
/* The body-independent part of http_json_body(): depth pre-scan, parse with
 * duplicate keys refused, object check. On success *out is the caller's. */
int http_json_parse(const char *body, size_t len, int max_depth, json_t **out,
		    struct sh_err *err) __attribute__((warn_unused_result));
void http_reqid_generate(char out[17]);

/* ---- static.c ---------------------------------------------------------- */

/* Serve GET/HEAD of a page from srv->static_root into c->resp. */
void http_static_serve(struct http_conn *c);
bool http_path_is_api(const char *path);

#endif
