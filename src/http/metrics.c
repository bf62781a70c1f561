/* metrics.c — request counters and latency histograms, rendered as the
 * Prometheus text exposition format 0.0.4 on GET /metrics.
 *
 * Routes are known at start, so every series lives in a fixed table of
 * relaxed atomics indexed [route][method][status]: recording a request is a
 * few atomic adds and never takes a lock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_internal.h"
#include "lib/log.h"

static const char *const method_names[HTTP_M_COUNT] = {
	"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "OTHER",
};

int http_method_id(const char *method)
{
	for (int i = 0; i < HTTP_M_OTHER; i++)
		if (strcmp(method, method_names[i]) == 0)
			return i;
	return HTTP_M_OTHER;
}

const char *http_method_name(int id)
{
	return id >= 0 && id < HTTP_M_COUNT ? method_names[id] : "OTHER";
}

/* Statuses we count exactly; anything else is counted as its class "4xx". */
static const int statuses[] = {
	200, 201, 202, 204, 206, 301, 302, 303, 304, 307, 308, 400, 401, 403, 404,
	405, 406, 408, 409, 410, 411, 412, 413, 414, 415, 416, 422, 429, 431, 500,
	501, 502, 503, 504,
};
#define NSTATUS_EXACT (sizeof statuses / sizeof statuses[0])
#define NSTATUS (NSTATUS_EXACT + 5) /* + 1xx..5xx */

/* Bucket upper bounds in seconds, as the brief fixes them, + "+Inf". */
static const double bucket_s[] = {.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5};
#define NBUCKET_FINITE (sizeof bucket_s / sizeof bucket_s[0])
#define NBUCKET (NBUCKET_FINITE + 1)

static size_t status_slot(int status)
{
	for (size_t i = 0; i < NSTATUS_EXACT; i++)
		if (statuses[i] == status)
			return i;
	int cls = status / 100;
	if (cls < 1 || cls > 5)
		cls = 5;
	return NSTATUS_EXACT + (size_t)(cls - 1);
}

int http_metrics_init(struct http_metrics *m, const struct http_router *rt)
{
	memset(m, 0, sizeof *m);
	m->nslots = rt->n + 2;
	m->slot_names = calloc(m->nslots, sizeof *m->slot_names);
	m->counts = calloc(m->nslots * HTTP_M_COUNT * NSTATUS, sizeof *m->counts);
	m->hist = calloc(m->nslots * NBUCKET, sizeof *m->hist);
	m->sum_ns = calloc(m->nslots, sizeof *m->sum_ns);
	if (!m->slot_names || !m->counts || !m->hist || !m->sum_ns) {
		http_metrics_free(m);
		return SH_ENOMEM;
	}
	for (size_t i = 0; i < rt->n; i++)
		m->slot_names[i] = rt->routes[i].route->pattern;
	m->slot_names[rt->n] = "(unmatched)";
	m->slot_names[rt->n + 1] = "(static)";
	pthread_mutex_init(&m->src_lock, NULL);
	return SH_OK;
}

void http_metrics_free(struct http_metrics *m)
{
	if (m->slot_names)
		pthread_mutex_destroy(&m->src_lock);
	free(m->slot_names);
	free(m->counts);
	free(m->hist);
	free(m->sum_ns);
	memset(m, 0, sizeof *m);
}

void http_metrics_record(struct http_metrics *m, size_t slot, int method_id, int status,
			 uint64_t dur_ns)
{
	if (slot >= m->nslots)
		return;
	size_t ci = (slot * HTTP_M_COUNT + (size_t)method_id) * NSTATUS + status_slot(status);
	atomic_fetch_add_explicit(&m->counts[ci], 1, memory_order_relaxed);
	size_t b = 0;
	while (b < NBUCKET_FINITE && (double)dur_ns > bucket_s[b] * 1e9)
		b++;
	atomic_fetch_add_explicit(&m->hist[slot * NBUCKET + b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->sum_ns[slot], dur_ns, memory_order_relaxed);
}

/* Label values escape \, " and newline (exposition format 0.0.4). */
static int put_label(struct sh_buf *out, const char *v)
{
	int rc = SH_OK;
	for (const char *p = v; *p && !rc; p++) {
		if (*p == '\\')
			rc = sh_buf_puts(out, "\\\\");
		else if (*p == '"')
			rc = sh_buf_puts(out, "\\\"");
		else if (*p == '\n')
			rc = sh_buf_puts(out, "\\n");
		else
			rc = sh_buf_append(out, p, 1);
	}
	return rc;
}

static int render_counts(struct http_metrics *m, struct sh_buf *out)
{
	int rc = sh_buf_puts(out,
		"# HELP shanakht_http_requests_total HTTP requests answered, by route pattern, method and status.\n"
		"# TYPE shanakht_http_requests_total counter\n");
	for (size_t s = 0; s < m->nslots && !rc; s++)
		for (int me = 0; me < HTTP_M_COUNT && !rc; me++)
			for (size_t st = 0; st < NSTATUS && !rc; st++) {
				uint64_t v = atomic_load_explicit(
					&m->counts[(s * HTTP_M_COUNT + (size_t)me) * NSTATUS + st],
					memory_order_relaxed);
				if (!v)
					continue;
				char status[8];
				if (st < NSTATUS_EXACT)
					snprintf(status, sizeof status, "%d", statuses[st]);
				else
					snprintf(status, sizeof status, "%dxx",
						 (int)(st - NSTATUS_EXACT) + 1);
				rc = sh_buf_puts(out, "shanakht_http_requests_total{route=\"");
				if (!rc)
					rc = put_label(out, m->slot_names[s]);
				if (!rc)
					rc = sh_buf_printf(out, "\",method=\"%s\",status=\"%s\"} %llu\n",
							   method_names[me], status,
							   (unsigned long long)v);
			}
	return rc;
}

static int render_hist(struct http_metrics *m, struct sh_buf *out)
{
	int rc = sh_buf_puts(out,
		"# HELP shanakht_http_request_duration_seconds Time from request headers to response sent, by route pattern.\n"
		"# TYPE shanakht_http_request_duration_seconds histogram\n");
	for (size_t s = 0; s < m->nslots && !rc; s++) {
		uint64_t b[NBUCKET], total = 0;
		for (size_t i = 0; i < NBUCKET; i++) {
			b[i] = atomic_load_explicit(&m->hist[s * NBUCKET + i], memory_order_relaxed);
			total += b[i];
		}
		if (!total)
			continue;
		uint64_t cum = 0;
		for (size_t i = 0; i < NBUCKET && !rc; i++) {
			cum += b[i];
			rc = sh_buf_puts(out, "shanakht_http_request_duration_seconds_bucket{route=\"");
			if (!rc)
				rc = put_label(out, m->slot_names[s]);
			if (!rc && i < NBUCKET_FINITE)
				rc = sh_buf_printf(out, "\",le=\"%g\"} %llu\n", bucket_s[i],
						   (unsigned long long)cum);
			else if (!rc)
				rc = sh_buf_printf(out, "\",le=\"+Inf\"} %llu\n",
						   (unsigned long long)cum);
		}
		uint64_t sum = atomic_load_explicit(&m->sum_ns[s], memory_order_relaxed);
		if (!rc)
			rc = sh_buf_puts(out, "shanakht_http_request_duration_seconds_sum{route=\"");
		if (!rc)
			rc = put_label(out, m->slot_names[s]);
		if (!rc)
			rc = sh_buf_printf(out, "\"} %.9f\n", (double)sum / 1e9);
		if (!rc)
			rc = sh_buf_puts(out, "shanakht_http_request_duration_seconds_count{route=\"");
		if (!rc)
			rc = put_label(out, m->slot_names[s]);
		if (!rc)
			rc = sh_buf_printf(out, "\"} %llu\n", (unsigned long long)cum);
	}
	return rc;
}

int http_metrics_render(struct http_metrics *m, struct sh_buf *out)
{
	int rc = render_counts(m, out);
	if (!rc)
		rc = render_hist(m, out);
	if (!rc)
		rc = sh_buf_printf(out,
			"# HELP shanakht_http_in_flight Requests being handled now.\n"
			"# TYPE shanakht_http_in_flight gauge\n"
			"shanakht_http_in_flight %ld\n"
			"# HELP shanakht_http_connections_open Client connections open now.\n"
			"# TYPE shanakht_http_connections_open gauge\n"
			"shanakht_http_connections_open %ld\n"
			"# HELP shanakht_http_overloaded_total Requests refused with 503 OVERLOADED.\n"
			"# TYPE shanakht_http_overloaded_total counter\n"
			"shanakht_http_overloaded_total %llu\n",
			atomic_load(&m->in_flight), atomic_load(&m->conns_open),
			(unsigned long long)atomic_load(&m->overloaded));
	if (rc)
		return rc;
	pthread_mutex_lock(&m->src_lock);
	for (int i = 0; i < m->nsrc; i++)
		m->src[i].fn(m->src[i].ctx, out);
	pthread_mutex_unlock(&m->src_lock);
	return SH_OK;
}

void http_metrics_add_source(struct http_server *srv,
			     void (*fn)(void *ctx, struct sh_buf *out), void *ctx)
{
	if (!srv || !fn)
		return;
	struct http_metrics *m = &srv->metrics;
	pthread_mutex_lock(&m->src_lock);
	if (m->nsrc < HTTP_METRICS_MAX_SOURCES)
		m->src[m->nsrc++] = (struct http_metrics_source){fn, ctx};
	else
		sh_warn("http: more than %d metrics sources; ignoring one",
			HTTP_METRICS_MAX_SOURCES);
	pthread_mutex_unlock(&m->src_lock);
}

/* GET /metrics (registered by the server itself, no authentication: put it
 * behind the reverse proxy's access rules if it must not be public). */
void http_metrics_handler(struct http_req *req, struct http_resp *resp)
{
	struct http_conn *c = req->internal;
	struct sh_buf b;
	sh_buf_init(&b, 16u << 20);
	int rc = http_metrics_render(&c->srv->metrics, &b);
	if (rc) {
		sh_buf_free(&b);
		if (rc == SH_ENOMEM)
			http_reply_oom(resp);
		else
			http_reply_error(resp, 500, "METRICS_TOO_LARGE", "metrics output over 16 MiB");
		return;
	}
	http_reply_bytes(resp, 200, "text/plain; version=0.0.4; charset=utf-8",
			 b.data ? b.data : "", b.len);
	sh_buf_free(&b);
}
