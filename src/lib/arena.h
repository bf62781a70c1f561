/* arena.h — a bump allocator with a hard cap, one per request.
 *
 * Everything a request decodes or builds lives in its arena and is freed at
 * once when the request ends. Allocation past the cap fails (NULL), so a
 * hostile request cannot grow memory without bound. */
#ifndef SH_LIB_ARENA_H
#define SH_LIB_ARENA_H

#include <stddef.h>

struct arena;

/* cap: the most bytes this arena may hand out in all (0 = 64 MiB). */
struct arena *arena_create(size_t cap);
void arena_destroy(struct arena *a);
/* Forget everything allocated, keep the first block for reuse. */
void arena_reset(struct arena *a);

void *arena_alloc(struct arena *a, size_t n);   /* 16-byte aligned, or NULL */
void *arena_calloc(struct arena *a, size_t count, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
size_t arena_used(const struct arena *a);

#endif
