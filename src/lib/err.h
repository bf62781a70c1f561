/* err.h — errors are values: a status code, a stable machine code, a message.
 *
 * Every fallible function in Shanakht returns an int: SH_OK (0) or a negative
 * SH_E* status, and fills a caller-owned struct sh_err. The status says which
 * class of failure it is (and so the HTTP status); `code` is the stable
 * upper-case identifier that reaches the API's JSON body ("PERSON_NOT_FOUND");
 * `msg` is for people. */
#ifndef SH_LIB_ERR_H
#define SH_LIB_ERR_H

#include <stddef.h>

enum sh_status {
	SH_OK = 0,
	SH_EINVAL = -1,     /* malformed input                 -> 400 */
	SH_EUNAUTH = -2,    /* no or bad credentials           -> 401 */
	SH_EFORBIDDEN = -3, /* authenticated, not allowed      -> 403 */
	SH_ENOTFOUND = -4,  /* no such object                  -> 404 */
	SH_ECONFLICT = -5,  /* duplicate, stale version        -> 409 */
	SH_ETOOBIG = -6,    /* over a size cap                 -> 413 */
	SH_ERULE = -7,      /* well-formed but breaks a rule   -> 422 */
	SH_ETHROTTLE = -8,  /* too many attempts               -> 429 */
	SH_ENOMEM = -9,     /* out of memory                   -> 503 */
	SH_EBUSY = -10,     /* overloaded, lock timeout        -> 503 */
	SH_EIO = -11,       /* file or network I/O             -> 500 */
	SH_EDB = -12,       /* database failure                -> 500 */
	SH_EINTERNAL = -13, /* a bug: invariant broken         -> 500 */
	SH_EGONE = -14,     /* expired, used up                -> 410 */
};

#define SH_ERR_CODE_MAX 48
#define SH_ERR_MSG_MAX 256

struct sh_err {
	int status;
	char code[SH_ERR_CODE_MAX];
	char msg[SH_ERR_MSG_MAX];
};

/* Fill *err (may be NULL) and return `status`, so callers can write
 * `return sh_err_set(err, SH_EINVAL, "BAD_DATE", "date %s ...", s);`. */
int sh_err_set(struct sh_err *err, int status, const char *code,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void sh_err_clear(struct sh_err *err);
/* Prefix the message with context, keeping status and code. */
void sh_err_wrap(struct sh_err *err, const char *context);

int sh_status_http(int status);
const char *sh_status_name(int status);

#endif
