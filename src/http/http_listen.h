/* http_listen.h — the listen-address parser (private to src/http/). */
#ifndef SH_HTTP_LISTEN_H
#define SH_HTTP_LISTEN_H

#include <stdbool.h>
#include <sys/socket.h>

#include "lib/err.h"

/* "127.0.0.1:8080", "*:8080", ":8080", "localhost:8080", "[::1]:8080".
 * Port 0 asks the kernel for a free port. */
int http_listen_parse(const char *listen, struct sockaddr_storage *ss, socklen_t *len,
		      struct sh_err *err) __attribute__((warn_unused_result));

#endif
