/* jsonw.c — JSON text writer over sh_buf, matching jansson's compact dump
 * (see jsonw.h). */
#include "lib/jsonw.h"

#include <stdio.h>
#include <string.h>

#include "lib/err.h"
#include "lib/utf8.h"

void jsonw_init(struct jsonw *w, struct sh_buf *b)
{
	memset(w, 0, sizeof *w);
	w->b = b;
}

static void put(struct jsonw *w, const void *p, size_t n)
{
	if (w->rc == SH_OK)
		w->rc = sh_buf_append(w->b, p, n);
}

/* The separator before a value (none right after its key). */
static void value_begin(struct jsonw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->count[w->depth]++ > 0)
		put(w, ",", 1);
}

/* RFC 8259 7, escaped the way jansson's dump_string does. */
static void put_string(struct jsonw *w, const char *str)
{
	const unsigned char *s = (const unsigned char *)str, *run = s;
	put(w, "\"", 1);
	while (*s && w->rc == SH_OK) {
		unsigned char c = *s;
		if (c >= 0x20 && c != '"' && c != '\\') {
			size_t n = sh_utf8_seq_len(s);
			if (!n) {
				w->rc = SH_EINVAL;
				return;
			}
			s += n;
			continue;
		}
		put(w, run, (size_t)(s - run));
		char esc[8];
		size_t n = 2;
		esc[0] = '\\';
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default: n = (size_t)snprintf(esc, sizeof esc, "\\u%04X", c); break;
		}
		put(w, esc, n);
		run = ++s;
	}
	put(w, run, (size_t)(s - run));
	put(w, "\"", 1);
}

static void open_level(struct jsonw *w, const char *brace)
{
	value_begin(w);
	if (w->rc == SH_OK && w->depth >= JSONW_MAX_DEPTH)
		w->rc = SH_EINTERNAL;
	if (w->rc != SH_OK)
		return;
	put(w, brace, 1);
	w->count[++w->depth] = 0;
}

static void close_level(struct jsonw *w, const char *brace)
{
	if (w->rc == SH_OK && (w->depth == 0 || w->after_key))
		w->rc = SH_EINTERNAL;
	if (w->rc != SH_OK)
		return;
	put(w, brace, 1);
	w->depth--;
}

void jsonw_object_open(struct jsonw *w)
{
	open_level(w, "{");
}

void jsonw_object_close(struct jsonw *w)
{
	close_level(w, "}");
}

void jsonw_array_open(struct jsonw *w)
{
	open_level(w, "[");
}

void jsonw_array_close(struct jsonw *w)
{
	close_level(w, "]");
}

void jsonw_key(struct jsonw *w, const char *key)
{
	if (w->rc == SH_OK && (w->depth == 0 || w->after_key || !key))
		w->rc = SH_EINTERNAL;
	if (w->rc != SH_OK)
		return;
	value_begin(w);
	put_string(w, key);
	put(w, ":", 1);
	w->after_key = 1;
}

void jsonw_string(struct jsonw *w, const char *s)
{
	if (!s) {
		jsonw_null(w);
		return;
	}
	value_begin(w);
	put_string(w, s);
}

void jsonw_string_or_null(struct jsonw *w, const char *s)
{
	if (s && *s)
		jsonw_string(w, s);
	else
		jsonw_null(w);
}

void jsonw_int(struct jsonw *w, int64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof num, "%lld", (long long)v);
	value_begin(w);
	put(w, num, (size_t)n);
}

void jsonw_bool(struct jsonw *w, int v)
{
	value_begin(w);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

void jsonw_null(struct jsonw *w)
{
	value_begin(w);
	put(w, "null", 4);
}

int jsonw_status(const struct jsonw *w)
{
	if (w->rc != SH_OK)
		return w->rc;
	return w->depth == 0 && !w->after_key ? SH_OK : SH_EINTERNAL;
}
