/* banned.h — the functions the style guide bans (/work/shared/docs/style.md:
 * "no strcpy/sprintf/atoi/strtok"), made a compile error. Every file of ours
 * gets it through the compiler (-include, CMakeLists.txt), before its own
 * first line; so it first includes the system headers that declare these
 * functions (their include guards make later includes no-ops), then
 * poisons the names: any later use, in our code or in a macro of ours, is
 * "attempt to use poisoned". The replacements: snprintf / sh_buf for the
 * copies and formats, sh_parse_i64 / strtol with full checks for numbers, a
 * bounded scanner for tokens. As curl's banned list does, each is here
 * because its correct use needs a length the call cannot see.
 *
 * Define SH_NO_BANNED before including to opt out (no file does). */
#ifndef SH_LIB_BANNED_H
#define SH_LIB_BANNED_H
#ifndef SH_NO_BANNED

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* unbounded copies and formats */
#pragma GCC poison strcpy strcat sprintf vsprintf gets stpcpy wcscpy wcscat
/* the truncating (or unterminated) half-fixes of the same */
#pragma GCC poison strncpy strncat
/* numbers without error reporting */
#pragma GCC poison atoi atol atoll atof
/* hidden global state */
#pragma GCC poison strtok

#endif
#endif
