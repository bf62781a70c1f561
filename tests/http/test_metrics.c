/* test_metrics.c — /metrics counters and histograms move, the extension
 * point appends its lines, and many parallel clients are all served. */
#include <pthread.h>

#include "fixture.h"

TestSuite(metrics, .init = start_default, .fini = stop);

static char *metrics_text(void)
{
	struct tresp r;
	cr_assert_eq(tc_request(port, "GET", "/metrics", NULL, 0, NULL, &r), 0);
	cr_assert_eq(r.status, 200);
	char *ct = tc_header(&r, "Content-Type");
	cr_assert_str_eq(ct, "text/plain; version=0.0.4; charset=utf-8");
	free(ct);
	char *body = r.body;
	r.body = NULL;
	tc_free(&r);
	return body;
}

/* The value of one exposition line that starts with `series` + ' ', or -1. */
static long long metric(const char *text, const char *series)
{
	size_t n = strlen(series);
	for (const char *p = text; p && *p;) {
		if (strncmp(p, series, n) == 0 && p[n] == ' ')
			return strtoll(p + n + 1, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

Test(metrics, counters_and_histogram_move)
{
	struct tresp r;
	for (int i = 0; i < 3; i++) {
		tc_request(port, "GET", "/api/v1/items/x", NULL, 0, NULL, &r);
		tc_free(&r);
	}
	tc_request(port, "GET", "/nope", NULL, 0, NULL, &r);
	tc_free(&r);
	tc_request(port, "POST", "/api/v1/ping", "{}", -1, NULL, &r);
	tc_free(&r);
	tc_request(port, "GET", "/api/v1/whoami", NULL, 0, NULL, &r);
	tc_free(&r);
	/* completion (and so recording) happens just after the response is
	 * sent, on whichever pool thread had the connection: poll until the
	 * server has caught up with every request, not just the last one (on a
	 * loaded machine an earlier request's thread can be the late one) */
	char *m = NULL;
	for (int i = 0; i < 300; i++) {
		free(m);
		m = metrics_text();
		if (metric(m, "shanakht_http_requests_total{route=\"/api/v1/whoami\",method=\"GET\",status=\"401\"}") == 1 &&
		    metric(m, "shanakht_http_requests_total{route=\"/api/v1/items/{id}\",method=\"GET\",status=\"200\"}") == 3 &&
		    metric(m, "shanakht_http_requests_total{route=\"(unmatched)\",method=\"GET\",status=\"404\"}") == 1 &&
		    metric(m, "shanakht_http_requests_total{route=\"(unmatched)\",method=\"POST\",status=\"405\"}") == 1)
			break;
		usleep(10000);
	}
	cr_assert_eq(metric(m, "shanakht_http_requests_total{route=\"/api/v1/items/{id}\",method=\"GET\",status=\"200\"}"), 3, "%s", m);
	cr_assert_eq(metric(m, "shanakht_http_requests_total{route=\"(unmatched)\",method=\"GET\",status=\"404\"}"), 1, "%s", m);
	cr_assert_eq(metric(m, "shanakht_http_requests_total{route=\"(unmatched)\",method=\"POST\",status=\"405\"}"), 1, "%s", m);
	cr_assert_eq(metric(m, "shanakht_http_requests_total{route=\"/api/v1/whoami\",method=\"GET\",status=\"401\"}"), 1, "%s", m);
	cr_assert_eq(metric(m, "shanakht_http_request_duration_seconds_count{route=\"/api/v1/items/{id}\"}"), 3);
	cr_assert_eq(metric(m, "shanakht_http_request_duration_seconds_bucket{route=\"/api/v1/items/{id}\",le=\"+Inf\"}"), 3);
	/* The buckets are cumulative: every finite bucket is present, none is
	 * above the next or the +Inf one, and together they hold the three
	 * requests (which buckets they fall in depends on the machine, so
	 * that is not asserted). */
	static const char *const les[] = {"0.001", "0.0025", "0.005", "0.01", "0.025", "0.05",
					  "0.1",   "0.25",   "0.5",   "1",    "2.5",   "+Inf"};
	long long prev = 0;
	for (size_t i = 0; i < sizeof les / sizeof les[0]; i++) {
		char series[160];
		snprintf(series, sizeof series,
			 "shanakht_http_request_duration_seconds_bucket{route=\"/api/v1/items/{id}\",le=\"%s\"}",
			 les[i]);
		long long v = metric(m, series);
		cr_assert_geq(v, prev, "%s is %lld, below the bucket before it (%lld)", les[i], v, prev);
		cr_assert_leq(v, 3, "%s is %lld, more than the 3 requests made", les[i], v);
		prev = v;
	}
	cr_assert_eq(prev, 3);
	/* the sum of their durations is there, and positive */
	const char *sum = strstr(m, "shanakht_http_request_duration_seconds_sum{route=\"/api/v1/items/{id}\"} ");
	cr_assert_not_null(sum, "%s", m);
	cr_assert_gt(strtod(strstr(sum, "\"} ") + 3, NULL), 0.0, "%s", m);
	cr_assert(strstr(m, "# TYPE shanakht_http_request_duration_seconds histogram\n"));
	cr_assert(strstr(m, "le=\"0.001\""));
	cr_assert(strstr(m, "le=\"0.0025\""));
	/* the /metrics request itself is in flight while rendering */
	cr_assert_geq(metric(m, "shanakht_http_in_flight"), 1);
	cr_assert_geq(metric(m, "shanakht_http_connections_open"), 1);
	free(m);
}

static void pool_gauges(void *ctx, struct sh_buf *out)
{
	int rc = sh_buf_printf(out, "# TYPE shanakht_db_pool_idle gauge\nshanakht_db_pool_idle %d\n",
			       *(int *)ctx);
	(void)rc;
}

Test(metrics, extension_point_appends)
{
	static int idle = 5;
	http_metrics_add_source(srv, pool_gauges, &idle);
	char *m = metrics_text();
	cr_assert_eq(metric(m, "shanakht_db_pool_idle"), 5, "%s", m);
	free(m);
}

struct worker {
	int id, ok, bad;
};

static void *hammer(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < 50; i++) {
		char path[64], want[64];
		snprintf(path, sizeof path, "/api/v1/slow/w%d-%d", w->id, i);
		snprintf(want, sizeof want, "{\"p\":\"w%d-%d\"}", w->id, i);
		struct tresp r;
		if (tc_request(port, "GET", path, NULL, 0, NULL, &r) == 0 && r.status == 200 &&
		    strcmp(r.body, want) == 0)
			w->ok++;
		else
			w->bad++;
		tc_free(&r);
	}
	return NULL;
}

Test(metrics, many_parallel_clients)
{
	enum { N = 16 };
	pthread_t t[N];
	struct worker w[N];
	for (int i = 0; i < N; i++) {
		w[i] = (struct worker){.id = i};
		cr_assert_eq(pthread_create(&t[i], NULL, hammer, &w[i]), 0);
	}
	int ok = 0, bad = 0;
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		ok += w[i].ok;
		bad += w[i].bad;
	}
	cr_assert_eq(bad, 0);
	cr_assert_eq(ok, N * 50);
	char *m = NULL;
	for (int i = 0; i < 100; i++) {
		free(m);
		m = metrics_text();
		if (metric(m, "shanakht_http_request_duration_seconds_count{route=\"/api/v1/slow/{p}\"}") == N * 50)
			break;
		usleep(10000);
	}
	cr_assert_eq(metric(m, "shanakht_http_requests_total{route=\"/api/v1/slow/{p}\",method=\"GET\",status=\"200\"}"), N * 50, "%s", m);
	free(m);
}
