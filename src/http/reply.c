/* reply.c — building responses: JSON bodies, error bodies, raw bytes, extra
 * headers, and handing the result to libmicrohttpd.
 *
 * A handler sets exactly one reply; it is turned into an MHD response only
 * after the handler returns, so headers may be added before or after. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "http/http_internal.h"
#include "lib/log.h"
#include "lib/utf8.h"

static const char oom_body[] =
	"{\"error\":{\"code\":\"OUT_OF_MEMORY\",\"message\":\"out of memory\"}}";

void http_resp_clear(struct http_resp *resp)
{
	if (resp->body && !resp->body_static)
		free(resp->body);
	resp->body = NULL;
	resp->body_len = 0;
	resp->body_static = false;
	if (resp->fd >= 0)
		close(resp->fd);
	resp->fd = -1;
	resp->fd_size = 0;
	resp->status = 0;
	resp->content_type = NULL;
}

/* A second reply is a handler bug: keep the first, say so in the log. */
static bool resp_begin(struct http_resp *resp)
{
	if (resp->status == 0)
		return true;
	sh_warn("http: %s %s replied twice (request %s); keeping the first",
		resp->conn ? resp->conn->req.method : "?",
		resp->conn ? resp->conn->req.path : "?",
		resp->conn ? resp->conn->reqid : "?");
	return false;
}

void http_reply_oom(struct http_resp *resp)
{
	http_resp_clear(resp);
	resp->status = 503;
	resp->content_type = HTTP_JSON_TYPE;
	resp->body = (char *)oom_body;
	resp->body_len = sizeof oom_body - 1;
	resp->body_static = true;
}

static int dump_to_buf(const char *chunk, size_t n, void *ctx)
{
	return sh_buf_append(ctx, chunk, n) == SH_OK ? 0 : -1;
}

void http_reply_json(struct http_resp *resp, int status, json_t *body)
{
	if (!resp_begin(resp)) {
		json_decref(body);
		return;
	}
	if (!body) { /* the handler's json_pack() ran out of memory */
		http_reply_oom(resp);
		return;
	}
	/* One pass into a growing buffer (dumping twice, to size and then to
	 * fill, doubled the cost of large bodies). */
	struct sh_buf b;
	sh_buf_init(&b, 0);
	int rc = json_dump_callback(body, dump_to_buf, &b, JSON_COMPACT);
	json_decref(body);
	if (rc != 0) {
		sh_buf_free(&b);
		http_reply_oom(resp);
		return;
	}
	http_reply_json_text(resp, status, &b);
}

void http_reply_json_text(struct http_resp *resp, int status, struct sh_buf *text)
{
	if (!resp_begin(resp)) {
		sh_buf_free(text);
		return;
	}
	if (!text->data) { /* nothing was written: a handler bug */
		http_reply_error(resp, 500, "INTERNAL", "empty JSON reply");
		return;
	}
	resp->status = status;
	resp->content_type = HTTP_JSON_TYPE;
	resp->body = sh_buf_take(text, &resp->body_len);
}

/* JSON string escaping (RFC 8259 7) for error messages, which may quote
 * client input: invalid UTF-8 becomes U+FFFD instead of failing. */
static int json_escape(struct sh_buf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	int rc = SH_OK;
	while (*s && rc == SH_OK) {
		unsigned char ch = *s;
		if (ch == '"' || ch == '\\') {
			char esc[2] = {'\\', (char)ch};
			rc = sh_buf_append(b, esc, 2);
			s++;
		} else if (ch < 0x20 || ch == 0x7F) {
			rc = sh_buf_printf(b, "\\u%04x", ch);
			s++;
		} else if (ch < 0x80) {
			rc = sh_buf_append(b, s, 1);
			s++;
		} else {
			size_t n = sh_utf8_seq_len(s);
			if (n) {
				rc = sh_buf_append(b, s, n);
				s += n;
			} else {
				rc = sh_buf_puts(b, "\\ufffd");
				s++;
			}
		}
	}
	return rc;
}

void http_reply_error(struct http_resp *resp, int status, const char *code,
		      const char *message)
{
	if (!resp_begin(resp))
		return;
	struct sh_buf b;
	sh_buf_init(&b, 4096);
	int rc = sh_buf_puts(&b, "{\"error\":{\"code\":\"");
	if (!rc)
		rc = json_escape(&b, code && *code ? code : "ERROR");
	if (!rc)
		rc = sh_buf_puts(&b, "\",\"message\":\"");
	if (!rc)
		rc = json_escape(&b, message ? message : "");
	if (!rc)
		rc = sh_buf_puts(&b, "\"}}");
	if (rc) {
		sh_buf_free(&b);
		http_reply_oom(resp);
		return;
	}
	resp->status = status;
	resp->content_type = HTTP_JSON_TYPE;
	resp->body = sh_buf_take(&b, &resp->body_len);
}

/* Transport-level codes whose HTTP status has no sh_status of its own. */
static int status_for_code(const char *code, int fallback)
{
	static const struct {
		const char *code;
		int http;
	} map[] = {
		{"UNSUPPORTED_MEDIA_TYPE", 415},
		{"METHOD_NOT_ALLOWED", 405},
		{"REQUEST_HEADER_TOO_LARGE", 431},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(code, map[i].code) == 0)
			return map[i].http;
	return fallback;
}

void http_reply_err(struct http_resp *resp, const struct sh_err *err)
{
	if (!err || err->status == SH_OK) {
		http_reply_error(resp, 500, "INTERNAL", "error reply without an error");
		return;
	}
	const char *code = err->code[0] ? err->code : sh_status_name(err->status);
	http_reply_error(resp, status_for_code(code, sh_status_http(err->status)), code,
			 err->msg);
}

void http_reply_bytes(struct http_resp *resp, int status, const char *content_type,
		      const void *data, size_t len)
{
	if (!resp_begin(resp))
		return;
	char *p = malloc(len ? len : 1);
	const char *ct = arena_strdup(resp->conn->arena,
				      content_type ? content_type : "application/octet-stream");
	if (!p || !ct) {
		free(p);
		http_reply_oom(resp);
		return;
	}
	if (len)
		memcpy(p, data, len);
	resp->status = status;
	resp->content_type = ct;
	resp->body = p;
	resp->body_len = len;
}

/* RFC 9110 5.1 field-name is a token; 5.5 field values never carry CR/LF/NUL
 * (that would be response splitting). */
static bool header_ok(const char *name, const char *value)
{
	if (!name || !*name || !value)
		return false;
	for (const char *p = name; *p; p++)
		if (!(((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') || (*p >= '0' && *p <= '9') ||
		      strchr("!#$%&'*+-.^_`|~", *p)))
			return false;
	for (const unsigned char *p = (const unsigned char *)value; *p; p++)
		if (*p == '\r' || *p == '\n' || (*p < 0x20 && *p != '\t'))
			return false;
	return true;
}

void http_reply_header(struct http_resp *resp, const char *name, const char *value)
{
	if (!header_ok(name, value)) {
		sh_warn("http: refused response header %s (request %s)", name ? name : "(null)",
			resp->conn->reqid);
		return;
	}
	struct http_hdr *h = arena_alloc(resp->conn->arena, sizeof *h);
	if (!h || !(h->name = arena_strdup(resp->conn->arena, name)) ||
	    !(h->value = arena_strdup(resp->conn->arena, value))) {
		http_resp_clear(resp);
		http_reply_oom(resp);
		return;
	}
	h->next = resp->headers;
	resp->headers = h;
}

static struct MHD_Response *resp_create(struct http_resp *r)
{
	struct MHD_Response *m;
	if (r->fd >= 0) {
		m = MHD_create_response_from_fd64(r->fd_size, r->fd);
		if (m)
			r->fd = -1; /* MHD closes it now */
		return m;
	}
	if (r->body_static)
		return MHD_create_response_from_buffer(r->body_len, r->body,
						       MHD_RESPMEM_PERSISTENT);
	m = MHD_create_response_from_buffer(r->body_len, r->body ? r->body : (char *)"",
					    r->body ? MHD_RESPMEM_MUST_FREE
						    : MHD_RESPMEM_PERSISTENT);
	if (m)
		r->body = NULL; /* MHD frees it now */
	return m;
}

static bool resp_has_header(const struct http_resp *r, const char *name)
{
	for (const struct http_hdr *h = r->headers; h; h = h->next)
		if (strcasecmp(h->name, name) == 0)
			return true;
	return false;
}

static bool resp_headers(struct MHD_Response *m, struct http_conn *c)
{
	struct http_resp *r = &c->resp;
	bool ok = MHD_add_response_header(m, "X-Request-Id", c->reqid) == MHD_YES &&
		  MHD_add_response_header(m, "X-Content-Type-Options", "nosniff") == MHD_YES;
	/* The default policy only when the handler chose none: two Cache-Control
	 * fields (no-store and max-age) leave a cache to guess (RFC 9111 4.2.1). */
	if (ok && !resp_has_header(r, "Cache-Control"))
		ok = MHD_add_response_header(m, "Cache-Control",
					     r->is_static_page ? "no-cache" : "no-store") == MHD_YES;
	if (ok && r->content_type)
		ok = MHD_add_response_header(m, "Content-Type", r->content_type) == MHD_YES;
	/* The list is newest-first; add oldest-first so order follows the code. */
	struct http_hdr *rev = NULL;
	for (struct http_hdr *h = r->headers, *n; h; h = n) {
		n = h->next;
		h->next = rev;
		rev = h;
	}
	r->headers = rev;
	for (struct http_hdr *h = r->headers; ok && h; h = h->next)
		ok = MHD_add_response_header(m, h->name, h->value) == MHD_YES;
	return ok;
}

enum MHD_Result http_resp_send(struct http_conn *c)
{
	struct http_resp *r = &c->resp;
	if (r->status == 0)
		http_reply_error(r, 500, "INTERNAL_NO_REPLY", "the handler sent no reply");
	struct MHD_Response *m = resp_create(r);
	if (m && !resp_headers(m, c)) {
		MHD_destroy_response(m);
		m = NULL;
	}
	if (!m) {
		/* Last resort: the static 503 with the mandatory headers only. */
		r->headers = NULL;
		r->is_static_page = false;
		http_reply_oom(r);
		m = resp_create(r);
		if (m && !resp_headers(m, c)) {
			MHD_destroy_response(m);
			m = NULL;
		}
		if (!m)
			return MHD_NO; /* MHD closes the connection */
	}
	enum MHD_Result ok = MHD_queue_response(c->mhd, (unsigned)r->status, m);
	MHD_destroy_response(m);
	if (ok == MHD_YES)
		c->queued = true;
	return ok;
}
