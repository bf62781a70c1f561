/* web_cookie.h — the web pages' sessions (issue 16): the same operator and
 * citizen sessions as the bearer tokens, carried in an HttpOnly,
 * SameSite=Strict cookie, with a CSRF token that the page sends back in a
 * header on every request.
 *
 * The CSRF token is a keyed BLAKE2b of the session token (personalised for
 * this use): another site can neither read the cookie nor compute it, the
 * server keeps no state for it, and it dies with the session. The page
 * reads it from a second, script-readable cookie (double submit bound to
 * the session). */
#ifndef SH_API_WEB_COOKIE_H
#define SH_API_WEB_COOKIE_H

#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"

#define WEB_COOKIE_OPERATOR "sh_op"
#define WEB_COOKIE_CITIZEN "sh_cit"
#define WEB_CSRF_HEADER "X-CSRF-Token"
#define WEB_CSRF_HEX 65 /* 32 bytes in hex + NUL */

/* The value of cookie `name` in the request's Cookie header, copied into
 * the request's arena, or NULL (absent, empty, or not a plain token). */
const char *web_cookie_get(struct http_req *req, const char *name);
/* The CSRF token that goes with session token `token` (hex into out). */
void web_csrf_of(const char *token, char out[WEB_CSRF_HEX]);
/* Whether the request's X-CSRF-Token header is the one of `token`. */
bool web_csrf_ok(struct http_req *req, const char *token);

#endif
