/* buf.h — a growable byte buffer with a "too big" limit.
 *
 * Growing past `max` is an error (SH_ETOOBIG), never a silent reallocation
 * without bound. The buffer is always NUL-terminated for convenience. */
#ifndef SH_LIB_BUF_H
#define SH_LIB_BUF_H

#include <stddef.h>

struct sh_buf {
	char *data;
	size_t len, cap, max;
};

void sh_buf_init(struct sh_buf *b, size_t max);
void sh_buf_free(struct sh_buf *b);
int sh_buf_append(struct sh_buf *b, const void *p, size_t n)
	__attribute__((warn_unused_result));
int sh_buf_puts(struct sh_buf *b, const char *s)
	__attribute__((warn_unused_result));
int sh_buf_printf(struct sh_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), warn_unused_result));
/* Hand the bytes to the caller (free() them); the buffer is left empty. */
char *sh_buf_take(struct sh_buf *b, size_t *len);

#endif
