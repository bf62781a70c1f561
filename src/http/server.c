/* server.c — starting and stopping the HTTP server: configuration defaults,
 * the route table, and the libmicrohttpd daemon (internal polling thread
 * plus a worker thread pool, epoll on Linux). */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_conn.h"
#include "http/http_internal.h"
#include "http/http_listen.h"
#include "lib/log.h"

#define DEFAULT_MAX_BODY ((size_t)8 << 20)
#define DEFAULT_MAX_HEADER ((size_t)16 << 10)
#define DEFAULT_ARENA ((size_t)64 << 20)
#define DEFAULT_MAX_CONNECTIONS 1024u
#define DEFAULT_JSON_DEPTH 32
#define DEFAULT_IDLE_TIMEOUT 30u

__attribute__((format(printf, 2, 0)))
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	(void)cls;
	vsnprintf(line, sizeof line, fmt, ap);
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	sh_log(SH_LOG_WARN, "http: mhd: %s", line);
}

/* Keep the raw path: we percent-decode per segment after splitting on '/',
 * so an encoded "%2F" can never act as a separator (router.c), and query
 * strings are decoded in http_query(). */
static size_t mhd_no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

static void config_defaults(struct http_config *cfg)
{
	if (!cfg->max_connections)
		cfg->max_connections = DEFAULT_MAX_CONNECTIONS;
	if (!cfg->max_body)
		cfg->max_body = DEFAULT_MAX_BODY;
	if (!cfg->max_header)
		cfg->max_header = DEFAULT_MAX_HEADER;
	if (cfg->max_json_depth <= 0)
		cfg->max_json_depth = DEFAULT_JSON_DEPTH;
	if (!cfg->arena_cap)
		cfg->arena_cap = DEFAULT_ARENA;
	if (!cfg->idle_timeout_s)
		cfg->idle_timeout_s = DEFAULT_IDLE_TIMEOUT;
	/* The body is copied into the arena, so the arena must hold it. */
	size_t need = cfg->max_body + ((size_t)64 << 10);
	if (cfg->arena_cap < need) {
		sh_warn("http: arena_cap %zu < max_body + 64 KiB; raising it to %zu",
			cfg->arena_cap, need);
		cfg->arena_cap = need;
	}
}

static int routes_copy(struct http_server *srv, const struct http_route *routes,
		       size_t n, struct sh_err *err)
{
	bool user_metrics = false;
	for (size_t i = 0; i < n; i++)
		if (routes[i].method && routes[i].pattern &&
		    strcmp(routes[i].method, "GET") == 0 &&
		    strcmp(routes[i].pattern, "/metrics") == 0)
			user_metrics = true;
	srv->routes = calloc(n + 1, sizeof *srv->routes);
	if (!srv->routes)
		return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "http: out of memory");
	if (n)
		memcpy(srv->routes, routes, n * sizeof *routes);
	srv->nroutes = n;
	if (!user_metrics)
		srv->routes[srv->nroutes++] = (struct http_route){
			.method = "GET",
			.pattern = "/metrics",
			.handler = http_metrics_handler,
			.auth = HTTP_AUTH_NONE,
		};
	return SH_OK;
}

static void server_free(struct http_server *srv)
{
	if (!srv)
		return;
	http_metrics_free(&srv->metrics);
	http_router_free(&srv->router);
	free(srv->routes);
	free(srv->static_root);
	free(srv);
}

int http_server_start(const struct http_config *cfg, const struct http_route *routes,
		      size_t nroutes, const struct http_hooks *hooks, void *app,
		      struct http_server **out, struct sh_err *err)
{
	*out = NULL;
	struct http_server *srv = calloc(1, sizeof *srv);
	if (!srv)
		return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "http: out of memory");
	srv->cfg = *cfg;
	config_defaults(&srv->cfg);
	srv->app = app;
	if (hooks)
		srv->hooks = *hooks;
	int rc;
	if (cfg->static_dir) {
		srv->static_root = realpath(cfg->static_dir, NULL);
		if (!srv->static_root) {
			rc = sh_err_set(err, SH_EIO, "STATIC_DIR", "static_dir %s: not found",
					cfg->static_dir);
			goto out;
		}
		srv->cfg.static_dir = srv->static_root;
	}
	if ((rc = routes_copy(srv, routes, nroutes, err)))
		goto out;
	if ((rc = http_router_build(&srv->router, srv->routes, srv->nroutes, err)))
		goto out;
	if ((rc = http_metrics_init(&srv->metrics, &srv->router))) {
		rc = sh_err_set(err, rc, "OUT_OF_MEMORY", "http: out of memory");
		goto out;
	}

	struct sockaddr_storage ss;
	socklen_t sl;
	if ((rc = http_listen_parse(cfg->listen, &ss, &sl, err)))
		goto out;
	/* Soft limit max_connections answers 503 OVERLOADED (conn.c); the hard
	 * limit gives headroom for those answers, past it MHD just closes. */
	srv->hard_conn_limit = srv->cfg.max_connections + srv->cfg.max_connections / 8 + 16;
	/* MHD keeps the whole request header block in the connection's memory
	 * pool; twice our cap leaves room to answer 431 ourselves. */
	size_t pool = srv->cfg.max_header * 2 + ((size_t)8 << 10);
	if (pool < ((size_t)32 << 10))
		pool = (size_t)32 << 10;
	/* Thread per connection: a handler that waits (a page read, the write
	 * gate, its group's COMMIT) then holds up only its own connection; in
	 * a pool it holds up every connection of its worker (docs/http.md). */
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
	if (!srv->cfg.threads)
		flags |= MHD_USE_THREAD_PER_CONNECTION;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* A pool size only for a pool: MHD warns about 0, and a pool of 1 is
	 * its single internal thread. */
	struct MHD_OptionItem pool_size[] = {
		{MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)srv->cfg.threads, NULL},
		{MHD_OPTION_END, 0, NULL},
	};
	/* MHD wants the logger first. */
	srv->mhd = MHD_start_daemon(
		flags, 0, NULL, NULL, http_conn_on_request, srv,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_ARRAY, srv->cfg.threads > 1 ? pool_size : pool_size + 1,
		MHD_OPTION_CONNECTION_LIMIT, srv->hard_conn_limit,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, pool,
		MHD_OPTION_CONNECTION_TIMEOUT, srv->cfg.idle_timeout_s,
		MHD_OPTION_NOTIFY_COMPLETED, http_conn_on_completed, srv,
		MHD_OPTION_NOTIFY_CONNECTION, http_conn_on_connection, srv,
		MHD_OPTION_UNESCAPE_CALLBACK, mhd_no_unescape, NULL,
		MHD_OPTION_END);
	if (!srv->mhd) {
		rc = sh_err_set(err, SH_EIO, "LISTEN_FAILED",
				"http: cannot listen on %s (address in use or not permitted?)",
				cfg->listen);
		goto out;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->mhd, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = di ? di->port : 0;
	char threading[48];
	if (srv->cfg.threads)
		snprintf(threading, sizeof threading, "%u workers", srv->cfg.threads);
	else
		snprintf(threading, sizeof threading, "a thread per connection");
	sh_info("http: listening on %s (port %u), %s, body cap %zu, header cap %zu", cfg->listen,
		srv->port, threading, srv->cfg.max_body, srv->cfg.max_header);
	*out = srv;
	return SH_OK;
out:
	server_free(srv);
	return rc;
}

unsigned http_server_port(const struct http_server *srv)
{
	return srv ? srv->port : 0;
}

void http_server_stop(struct http_server *srv)
{
	if (!srv)
		return;
	if (srv->mhd)
		MHD_stop_daemon(srv->mhd); /* joins the threads, completes requests */
	server_free(srv);
}
