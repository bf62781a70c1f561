/* alloc_fail.c — allocation-failure injection (alloc_fail.h). The __wrap_*
 * functions exist only in an SH_ALLOC_FAIL build, whose link redirects our
 * objects' calls to them (-Wl,--wrap=malloc ...); __real_* are libc's (or
 * the sanitizer's, which intercepts libc's). */
#include "lib/alloc_fail.h"

#include <errno.h>
#include <execinfo.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_int armed;             /* counting */
static atomic_uint_fast64_t fail_at; /* 0: count only */
static atomic_uint_fast64_t count;
static atomic_int fired;
static _Thread_local int exempt;

void sh_alloc_fail_arm(uint64_t n)
{
	atomic_store(&armed, 0);
	atomic_store(&count, 0);
	atomic_store(&fired, 0);
	atomic_store(&fail_at, n);
	atomic_store(&armed, 1);
}

void sh_alloc_fail_disarm(void)
{
	atomic_store(&armed, 0);
	atomic_store(&fail_at, 0);
}

uint64_t sh_alloc_fail_count(void)
{
	return atomic_load(&count);
}

int sh_alloc_fail_fired(void)
{
	return atomic_load(&fired);
}

void sh_alloc_fail_exempt(int on)
{
	exempt = on;
}

/* 1 when this allocation is the one to fail. */
static int should_fail(void)
{
	if (exempt || !atomic_load_explicit(&armed, memory_order_relaxed))
		return 0;
	uint64_t k = atomic_fetch_add(&count, 1) + 1;
	uint64_t n = atomic_load(&fail_at);
	if (n == 0 || k != n)
		return 0;
	atomic_store(&fired, 1);
	/* where it failed, to read with addr2line (SH_ALLOC_FAIL_BACKTRACE=1) */
	static int trace = -1;
	if (trace < 0)
		trace = getenv("SH_ALLOC_FAIL_BACKTRACE") != NULL;
	if (trace) {
		void *frames[24];
		int nf = backtrace(frames, 24);
		backtrace_symbols_fd(frames, nf, 2);
	}
	return 1;
}

#ifdef SH_ALLOC_FAIL

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__real_aligned_alloc(size_t a, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
void *__wrap_aligned_alloc(size_t a, size_t n);

int sh_alloc_fail_available(void)
{
	return 1;
}

void *__wrap_malloc(size_t n)
{
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_malloc(n);
}

void *__wrap_calloc(size_t k, size_t n)
{
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_calloc(k, n);
}

void *__wrap_realloc(void *p, size_t n)
{
	/* realloc(p, 0) frees on glibc: not an allocation to fail */
	if (n && should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_strndup(s, n);
}

void *__wrap_aligned_alloc(size_t a, size_t n)
{
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_aligned_alloc(a, n);
}

void *sh_alloc_fail_malloc(size_t n)
{
	return __wrap_malloc(n);
}

#else

int sh_alloc_fail_available(void)
{
	return 0;
}

void *sh_alloc_fail_malloc(size_t n)
{
	(void)should_fail;
	return malloc(n);
}

#endif
