/* buf.c — capped growable buffer (see buf.h). */
#include "lib/buf.h"
#include "lib/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sh_buf_init(struct sh_buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max ? max : (size_t)64 << 20;
}

void sh_buf_free(struct sh_buf *b)
{
	free(b->data);
	sh_buf_init(b, b->max);
}

static int buf_reserve(struct sh_buf *b, size_t extra)
{
	if (extra > b->max || b->len > b->max - extra)
		return SH_ETOOBIG;
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return SH_OK;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	char *p = realloc(b->data, cap);
	if (!p)
		return SH_ENOMEM;
	b->data = p;
	b->cap = cap;
	return SH_OK;
}

int sh_buf_append(struct sh_buf *b, const void *p, size_t n)
{
	int rc = buf_reserve(b, n);
	if (rc)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return SH_OK;
}

int sh_buf_puts(struct sh_buf *b, const char *s)
{
	return sh_buf_append(b, s, strlen(s));
}

int sh_buf_printf(struct sh_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return SH_EINVAL;
	int rc = buf_reserve(b, (size_t)n);
	if (rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return SH_OK;
}

char *sh_buf_take(struct sh_buf *b, size_t *len)
{
	char *p = b->data;
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
