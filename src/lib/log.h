/* log.h — one-line structured logs to stderr, UTC timestamps. */
#ifndef SH_LIB_LOG_H
#define SH_LIB_LOG_H

enum sh_log_level { SH_LOG_DEBUG, SH_LOG_INFO, SH_LOG_WARN, SH_LOG_ERROR };

void sh_log_set_level(enum sh_log_level level);
void sh_log(enum sh_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define sh_info(...) sh_log(SH_LOG_INFO, __VA_ARGS__)
#define sh_warn(...) sh_log(SH_LOG_WARN, __VA_ARGS__)
#define sh_error(...) sh_log(SH_LOG_ERROR, __VA_ARGS__)
#define sh_debug(...) sh_log(SH_LOG_DEBUG, __VA_ARGS__)

#endif
