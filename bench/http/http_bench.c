/* http_bench.c — requests per second through the HTTP server: keep-alive
 * libcurl clients on threads against a trivial JSON route and a JSON-body
 * POST route, in process on 127.0.0.1. Prints a table; asserts nothing.
 * Argument: a pool of N HTTP workers; none or 0, a thread per connection. */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/http.h"

static unsigned port;

static void h_ping(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_reply_json(resp, 200, json_pack("{s:b}", "ok", 1));
}

static void h_echo(struct http_req *req, struct http_resp *resp)
{
	json_t *b;
	struct sh_err err;
	if (http_json_body(req, &b, &err)) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200, json_pack("{s:O}", "got", b));
}

static size_t sink(char *p, size_t s, size_t n, void *u)
{
	(void)p;
	(void)u;
	return s * n;
}

struct job {
	const char *path;
	const char *body;
	int n, errors;
};

static void *client(void *arg)
{
	struct job *j = arg;
	CURL *h = curl_easy_init();
	char url[128];
	snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, j->path);
	struct curl_slist *hl = curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	if (j->body)
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, j->body);
	for (int i = 0; i < j->n; i++) {
		long st = 0;
		if (curl_easy_perform(h) != CURLE_OK ||
		    (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &st), st != 200))
			j->errors++;
	}
	curl_slist_free_all(hl);
	curl_easy_cleanup(h);
	return NULL;
}

static void run(const char *name, const char *path, const char *body, int clients, int per)
{
	pthread_t t[64];
	struct job jobs[64];
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < clients; i++) {
		jobs[i] = (struct job){path, body, per, 0};
		pthread_create(&t[i], NULL, client, &jobs[i]);
	}
	int errors = 0;
	for (int i = 0; i < clients; i++) {
		pthread_join(t[i], NULL);
		errors += jobs[i].errors;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	int total = clients * per;
	printf("%-22s %7d %8d %10.0f %10.1f %6d\n", name, clients, total, total / s,
	       s * 1e6 * clients / total, errors);
}

int main(int argc, char **argv)
{
	unsigned threads = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 0;
	curl_global_init(CURL_GLOBAL_ALL);
	static const struct http_route routes[] = {
		{"GET", "/api/v1/ping", h_ping, HTTP_AUTH_NONE, 0},
		{"POST", "/api/v1/echo", h_echo, HTTP_AUTH_NONE, 0},
	};
	struct http_config cfg = {.listen = "127.0.0.1:0", .threads = threads};
	struct http_server *srv;
	struct sh_err err;
	if (http_server_start(&cfg, routes, 2, NULL, NULL, &srv, &err)) {
		fprintf(stderr, "start: %s\n", err.msg);
		return 1;
	}
	port = http_server_port(srv);
	char body[1024];
	int n = snprintf(body, sizeof body, "{\"name\":\"Ayesha\",\"dob\":\"1990-01-01\",\"tags\":[");
	for (int i = 0; i < 40; i++)
		n += snprintf(body + n, sizeof body - (size_t)n, "%s%d", i ? "," : "", i);
	snprintf(body + n, sizeof body - (size_t)n, "]}");
	printf("%-22s %7s %8s %10s %10s %6s\n", "case", "clients", "requests", "req/s",
	       "us/req", "errors");
	run("GET ping", "/api/v1/ping", NULL, 1, 5000);
	run("GET ping", "/api/v1/ping", NULL, 8, 2000);
	run("POST echo (~200 B)", "/api/v1/echo", body, 1, 5000);
	run("POST echo (~200 B)", "/api/v1/echo", body, 8, 2000);
	http_server_stop(srv);
	curl_global_cleanup();
	return 0;
}
