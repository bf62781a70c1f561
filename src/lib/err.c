/* err.c — error values (see err.h). */
#include "lib/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int sh_err_set(struct sh_err *err, int status, const char *code,
	       const char *fmt, ...)
{
	if (!err)
		return status;
	err->status = status;
	snprintf(err->code, sizeof err->code, "%s", code ? code : "ERROR");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return status;
}

void sh_err_clear(struct sh_err *err)
{
	if (!err)
		return;
	err->status = SH_OK;
	err->code[0] = '\0';
	err->msg[0] = '\0';
}

void sh_err_wrap(struct sh_err *err, const char *context)
{
	if (!err || !context)
		return;
	char tmp[SH_ERR_MSG_MAX];
	size_t n = strlen(context);
	if (n > sizeof tmp - 3)
		n = sizeof tmp - 3;
	memcpy(tmp, context, n);
	tmp[n++] = ':';
	tmp[n++] = ' ';
	size_t rest = strnlen(err->msg, sizeof err->msg);
	if (rest > sizeof tmp - 1 - n)
		rest = sizeof tmp - 1 - n;
	memcpy(tmp + n, err->msg, rest);
	tmp[n + rest] = '\0';
	memcpy(err->msg, tmp, sizeof tmp);
}

int sh_status_http(int status)
{
	switch (status) {
	case SH_OK: return 200;
	case SH_EINVAL: return 400;
	case SH_EUNAUTH: return 401;
	case SH_EFORBIDDEN: return 403;
	case SH_ENOTFOUND: return 404;
	case SH_ECONFLICT: return 409;
	case SH_EGONE: return 410;
	case SH_ETOOBIG: return 413;
	case SH_ERULE: return 422;
	case SH_ETHROTTLE: return 429;
	case SH_ENOMEM: return 503;
	case SH_EBUSY: return 503;
	default: return 500;
	}
}

const char *sh_status_name(int status)
{
	switch (status) {
	case SH_OK: return "OK";
	case SH_EINVAL: return "INVALID";
	case SH_EUNAUTH: return "UNAUTHENTICATED";
	case SH_EFORBIDDEN: return "FORBIDDEN";
	case SH_ENOTFOUND: return "NOT_FOUND";
	case SH_ECONFLICT: return "CONFLICT";
	case SH_EGONE: return "GONE";
	case SH_ETOOBIG: return "TOO_LARGE";
	case SH_ERULE: return "RULE_VIOLATED";
	case SH_ETHROTTLE: return "THROTTLED";
	case SH_ENOMEM: return "OUT_OF_MEMORY";
	case SH_EBUSY: return "BUSY";
	case SH_EIO: return "IO_ERROR";
	case SH_EDB: return "DATABASE_ERROR";
	default: return "INTERNAL";
	}
}
