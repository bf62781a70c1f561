/* alloc_fail.h — allocation-failure injection for tests (as SQLite's
 * SQLITE_TESTCTRL_FAULT_INSTALL and curl's "torture" mode do): fail the
 * N-th allocation our code makes, then check that nothing crashed, leaked
 * or was half-written.
 *
 * Built in only with -DSH_ALLOC_FAIL=ON (CMakeLists.txt): the link then
 * wraps malloc, calloc, realloc, strdup, strndup and aligned_alloc
 * (-Wl,--wrap=...) in every executable, so every call from our objects
 * passes through a counter. Calls made inside shared libraries (jansson,
 * SQLite, libpq, libmicrohttpd) are not wrapped by the linker; a test
 * routes jansson's through sh_alloc_fail_malloc (json_set_alloc_funcs),
 * since most of a request's allocations are its JSON. Why the link and not
 * our own sh_malloc wrappers: docs/decisions.md, "Allocation-failure
 * injection". In a normal build these functions exist and do nothing
 * (sh_alloc_fail_available() is 0), so a test can skip itself. */
#ifndef SH_LIB_ALLOC_FAIL_H
#define SH_LIB_ALLOC_FAIL_H

#include <stddef.h>
#include <stdint.h>

/* 1 when the build wraps allocations (SH_ALLOC_FAIL), else 0. */
int sh_alloc_fail_available(void);

/* Start counting at 0 and fail allocation number n (1 = the next one), once;
 * n = 0 counts without failing. Counting and failing are process-wide
 * (every thread but the exempt ones). */
void sh_alloc_fail_arm(uint64_t n);
/* Stop failing and counting. */
void sh_alloc_fail_disarm(void);
/* Allocations counted since the last arm. */
uint64_t sh_alloc_fail_count(void);
/* 1 when the armed failure has happened. */
int sh_alloc_fail_fired(void);
/* Exempt the calling thread (on = 1) from counting and failing: a test's
 * own client thread. */
void sh_alloc_fail_exempt(int on);

/* malloc through the counter, for libraries that take allocation hooks
 * (json_set_alloc_funcs); plain malloc when the build does not wrap. */
void *sh_alloc_fail_malloc(size_t n);

#endif
