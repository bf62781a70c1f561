/* listen.c — parsing the listen address "ADDR:PORT" / "[IPV6]:PORT". */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "http/http_listen.h"
#include "lib/parse.h"

int http_listen_parse(const char *listen, struct sockaddr_storage *ss, socklen_t *len,
		      struct sh_err *err)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *port;
	memset(ss, 0, sizeof *ss);
	if (!listen || !*listen)
		return sh_err_set(err, SH_EINVAL, "BAD_LISTEN", "listen address is empty");
	bool v6 = listen[0] == '[';
	if (v6) {
		const char *close = strchr(listen, ']');
		if (!close || close[1] != ':')
			return sh_err_set(err, SH_EINVAL, "BAD_LISTEN",
					  "listen %s: want [IPV6]:PORT", listen);
		size_t hl = (size_t)(close - listen - 1);
		if (hl == 0 || hl >= sizeof host)
			return sh_err_set(err, SH_EINVAL, "BAD_LISTEN", "listen %s: bad address",
					  listen);
		memcpy(host, listen + 1, hl);
		host[hl] = '\0';
		port = close + 2;
	} else {
		const char *colon = strrchr(listen, ':');
		if (!colon)
			return sh_err_set(err, SH_EINVAL, "BAD_LISTEN",
					  "listen %s: want ADDR:PORT", listen);
		size_t hl = (size_t)(colon - listen);
		if (hl >= sizeof host)
			return sh_err_set(err, SH_EINVAL, "BAD_LISTEN", "listen %s: bad address",
					  listen);
		memcpy(host, listen, hl);
		host[hl] = '\0';
		port = colon + 1;
	}
	int64_t p;
	if (sh_parse_i64(port, 0, 65535, &p) != SH_OK)
		return sh_err_set(err, SH_EINVAL, "BAD_LISTEN", "listen %s: bad port", listen);
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)p);
		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			return sh_err_set(err, SH_EINVAL, "BAD_LISTEN",
					  "listen %s: not an IPv6 address", listen);
		*len = sizeof *a;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)p);
		/* An empty host or "*" means every IPv4 interface. */
		if (host[0] == '\0' || strcmp(host, "*") == 0)
			a->sin_addr.s_addr = htonl(INADDR_ANY);
		else if (strcmp(host, "localhost") == 0)
			a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		else if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			return sh_err_set(err, SH_EINVAL, "BAD_LISTEN",
					  "listen %s: not an IPv4 address", listen);
		*len = sizeof *a;
	}
	return SH_OK;
}
