/* log.c — stderr logging (see log.h). */
#include "lib/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static enum sh_log_level min_level = SH_LOG_INFO;

void sh_log_set_level(enum sh_log_level level)
{
	min_level = level;
}

void sh_log(enum sh_log_level level, const char *fmt, ...)
{
	static const char *names[] = {"debug", "info", "warn", "error"};
	if (level < min_level)
		return;
	char line[1024];
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	int n = (int)strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%S", &tm);
	n += snprintf(line + n, sizeof line - (size_t)n, ".%03ldZ %s ",
		      ts.tv_nsec / 1000000, names[level]);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", line); /* one write per line: threads don't interleave */
}
