/* client.h — a tiny HTTP test client (libcurl and raw sockets), included by
 * the tests in this folder; static functions because tests/ compiles each
 * test_*.c on its own. */
#ifndef SH_TESTS_HTTP_CLIENT_H
#define SH_TESTS_HTTP_CLIENT_H

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define TC_UNUSED __attribute__((unused))

struct tresp {
	long status;
	char *body; /* malloc'd, NUL-terminated */
	size_t body_len;
	char *headers; /* malloc'd raw header block */
	size_t headers_len;
};

struct tc_sink {
	char **p;
	size_t *len;
};

static size_t tc_write(char *ptr, size_t size, size_t n, void *ud)
{
	struct tc_sink *s = ud;
	size_t add = size * n;
	char *q = realloc(*s->p, *s->len + add + 1);
	if (!q)
		return 0;
	memcpy(q + *s->len, ptr, add);
	*s->len += add;
	q[*s->len] = '\0';
	*s->p = q;
	return add;
}

/* method, path (with query), optional body (len -1 = strlen) and extra
 * headers (NULL-terminated "Name: value" list). Returns 0 or -1. */
static TC_UNUSED int tc_request(unsigned port, const char *method, const char *path,
				const char *body, long body_len,
				const char *const *headers, struct tresp *out)
{
	memset(out, 0, sizeof *out);
	CURL *h = curl_easy_init();
	if (!h)
		return -1;
	size_t ul = strlen(path) + 64;
	char *url = malloc(ul);
	snprintf(url, ul, "http://127.0.0.1:%u%s", port, path);
	struct curl_slist *hl = NULL;
	for (const char *const *p = headers; p && *p; p++)
		hl = curl_slist_append(hl, *p);
	struct tc_sink bs = {&out->body, &out->body_len};
	struct tc_sink hs = {&out->headers, &out->headers_len};
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	if (body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE,
				 body_len < 0 ? (long)strlen(body) : body_len);
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, tc_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &bs);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, tc_write);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &hs);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	CURLcode rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
	curl_slist_free_all(hl);
	curl_easy_cleanup(h);
	free(url);
	if (!out->body)
		out->body = calloc(1, 1);
	if (!out->headers)
		out->headers = calloc(1, 1);
	return rc == CURLE_OK ? 0 : -1;
}

static TC_UNUSED int tc_connect(unsigned port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Read what arrives until the peer closes, `timeout_ms` of silence passes,
 * or (stop_at_body) one full Content-Length response has been read. */
static TC_UNUSED char *tc_read(int fd, int timeout_ms, int stop_at_body)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	buf[0] = '\0';
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, timeout_ms) <= 0)
			break;
		if (cap - len < 2048) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
		ssize_t n = recv(fd, buf + len, cap - len - 1, 0);
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		if (stop_at_body) {
			char *end = strstr(buf, "\r\n\r\n");
			char *cl = strcasestr(buf, "\r\nContent-Length:");
			if (end && cl && cl < end &&
			    len >= (size_t)(end + 4 - buf) + strtoul(cl + 17, NULL, 10))
				break;
		}
	}
	return buf;
}

/* Send raw bytes on a fresh socket and read until the server closes or
 * `timeout_ms` of silence. Returns a malloc'd string (may be empty). */
static TC_UNUSED char *tc_raw(unsigned port, const char *data, size_t len, int timeout_ms)
{
	int fd = tc_connect(port);
	if (fd < 0)
		return calloc(1, 1);
	size_t off = 0;
	while (off < len) {
		ssize_t n = send(fd, data + off, len - off, MSG_NOSIGNAL);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	char *r = tc_read(fd, timeout_ms, 0);
	close(fd);
	return r;
}

/* The value of a header in a raw header block (case-insensitive name),
 * malloc'd, or NULL. */
static TC_UNUSED char *tc_header_in(const char *block, const char *name)
{
	size_t nl = strlen(name);
	for (const char *p = block; p && *p;) {
		const char *eol = strstr(p, "\r\n");
		if (!eol)
			eol = p + strlen(p);
		if ((size_t)(eol - p) > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1;
			while (*v == ' ')
				v++;
			return strndup(v, (size_t)(eol - v));
		}
		p = *eol ? eol + 2 : eol;
	}
	return NULL;
}

static TC_UNUSED char *tc_header(const struct tresp *r, const char *name)
{
	return tc_header_in(r->headers, name);
}

static TC_UNUSED void tc_free(struct tresp *r)
{
	free(r->body);
	free(r->headers);
	memset(r, 0, sizeof *r);
}

#endif
