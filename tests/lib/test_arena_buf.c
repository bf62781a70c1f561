/* test_arena_buf.c — the capped arena and the capped buffer. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/err.h"

Test(arena, allocations_are_aligned_and_distinct)
{
	struct arena *a = arena_create(1 << 20);
	char *p = arena_alloc(a, 3), *q = arena_alloc(a, 5);
	cr_assert(p && q && p != q);
	cr_assert_eq((uintptr_t)p % 16, 0);
	cr_assert_eq((uintptr_t)q % 16, 0);
	char *s = arena_printf(a, "%s-%d", "x", 42);
	cr_assert_str_eq(s, "x-42");
	cr_assert_str_eq(arena_strndup(a, "abcdef", 3), "abc");
	arena_destroy(a);
}

Test(arena, cap_is_enforced)
{
	struct arena *a = arena_create(64 * 1024);
	size_t got = 0;
	while (arena_alloc(a, 1000))
		got += 1000;
	cr_assert(got <= 64 * 1024, "handed out %zu bytes over a 64 KiB cap", got);
	cr_assert(got >= 48 * 1024);
	cr_assert_null(arena_alloc(a, 1 << 20));
	arena_reset(a);
	cr_assert_not_null(arena_alloc(a, 1000), "reset gives the memory back");
	arena_destroy(a);
}

Test(arena, huge_requests_fail_cleanly)
{
	struct arena *a = arena_create(0);
	cr_assert_null(arena_alloc(a, SIZE_MAX - 4));
	cr_assert_null(arena_calloc(a, SIZE_MAX / 2, 4));
	arena_destroy(a);
}

Test(buf, grows_up_to_its_limit)
{
	struct sh_buf b;
	sh_buf_init(&b, 10);
	cr_assert_eq(sh_buf_puts(&b, "hello"), SH_OK);
	cr_assert_eq(sh_buf_printf(&b, "%d", 1234), SH_OK);
	cr_assert_str_eq(b.data, "hello1234");
	cr_assert_eq(sh_buf_puts(&b, "xy"), SH_ETOOBIG);
	cr_assert_str_eq(b.data, "hello1234", "a refused append changes nothing");
	cr_assert_eq(sh_buf_puts(&b, "z"), SH_OK);
	size_t len;
	char *p = sh_buf_take(&b, &len);
	cr_assert_eq(len, 10);
	cr_assert_null(b.data);
	free(p);
	sh_buf_free(&b);
}

Test(err, status_maps_to_http)
{
	struct sh_err e;
	cr_assert_eq(sh_err_set(&e, SH_ERULE, "DEATH_BEFORE_BIRTH", "died %d", 1), SH_ERULE);
	cr_assert_str_eq(e.code, "DEATH_BEFORE_BIRTH");
	cr_assert_str_eq(e.msg, "died 1");
	cr_assert_eq(sh_status_http(SH_ERULE), 422);
	cr_assert_eq(sh_status_http(SH_ECONFLICT), 409);
	cr_assert_eq(sh_status_http(SH_ETOOBIG), 413);
	cr_assert_eq(sh_status_http(SH_ENOMEM), 503);
	sh_err_wrap(&e, "person 1");
	cr_assert_str_eq(e.msg, "person 1: died 1");
}
