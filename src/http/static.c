/* static.c — serving the web pages in cfg.static_dir for GET paths outside
 * /api/, without ever leaving that directory.
 *
 * The path is percent-decoded, refused if it has a ".." segment, a NUL or a
 * backslash, then resolved with realpath(3) and refused unless the result is
 * still under the (resolved) root: this also stops symlinks that point out. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/http_internal.h"

bool http_path_is_api(const char *path)
{
	return strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0;
}

static const char *content_type_for(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{".html", "text/html; charset=utf-8"},
		{".htm", "text/html; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"}, /* RFC 9239 */
		{".mjs", "text/javascript; charset=utf-8"},
		{".json", "application/json; charset=utf-8"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".jpg", "image/jpeg"},
		{".ico", "image/x-icon"},
		{".txt", "text/plain; charset=utf-8"},
		{".woff2", "font/woff2"},
		{".ttf", "font/ttf"},
	};
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');
	if (dot && (!slash || dot > slash))
		for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
			if (strcasecmp(dot, types[i].ext) == 0)
				return types[i].type;
	return "application/octet-stream";
}

static bool has_dotdot_segment(const char *p)
{
	for (const char *s = p; (s = strstr(s, "..")); s += 2) {
		bool start = s == p || s[-1] == '/';
		bool end = s[2] == '\0' || s[2] == '/';
		if (start && end)
			return true;
	}
	return false;
}

static void not_found(struct http_conn *c)
{
	http_reply_error(&c->resp, 404, "NOT_FOUND", "no such page");
}

/* Open root/rel if it resolves inside root and is a regular file (or a
 * directory holding index.html). Returns an fd or -1; `real` (PATH_MAX
 * bytes) receives the resolved path of the file served. */
static int open_inside(const char *root, const char *rel, struct stat *st, int depth,
		       char *real)
{
	char joined[PATH_MAX];
	int n = snprintf(joined, sizeof joined, "%s/%s", root, rel);
	if (n < 0 || (size_t)n >= sizeof joined)
		return -1;
	if (!realpath(joined, real))
		return -1;
	size_t rl = strlen(root);
	if (strncmp(real, root, rl) != 0 || (real[rl] != '/' && real[rl] != '\0'))
		return -1;
	int fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) != 0) {
		close(fd);
		return -1;
	}
	if (S_ISREG(st->st_mode))
		return fd;
	close(fd);
	if (S_ISDIR(st->st_mode) && depth == 0) {
		char idx[PATH_MAX];
		n = snprintf(idx, sizeof idx, "%s/index.html", rel);
		if (n < 0 || (size_t)n >= sizeof idx)
			return -1;
		return open_inside(root, idx, st, 1, real);
	}
	return -1;
}

void http_static_serve(struct http_conn *c)
{
	const char *root = c->srv->static_root;
	const char *path = c->req.path;
	if (!root) {
		not_found(c);
		return;
	}
	size_t pl = strlen(path);
	char *dec = arena_alloc(c->arena, pl + 1);
	if (!dec) {
		http_reply_oom(&c->resp);
		return;
	}
	long dl = http_pct_decode(path, pl, dec, false);
	if (dl < 0 || strlen(dec) != (size_t)dl || strchr(dec, '\\') ||
	    has_dotdot_segment(dec) || dec[0] != '/') {
		not_found(c);
		return;
	}
	const char *rel = dec + 1;
	while (*rel == '/')
		rel++;
	bool want_index = *rel == '\0' || dec[dl - 1] == '/';
	char relbuf[PATH_MAX];
	if (want_index) {
		int n = snprintf(relbuf, sizeof relbuf, "%sindex.html", rel);
		if (n < 0 || (size_t)n >= sizeof relbuf) {
			not_found(c);
			return;
		}
		rel = relbuf;
	}
	struct stat st;
	char real[PATH_MAX];
	int fd = open_inside(root, rel, &st, 0, real);
	if (fd < 0) {
		not_found(c);
		return;
	}
	c->resp.status = 200;
	c->resp.content_type = content_type_for(real);
	c->resp.fd = fd;
	c->resp.fd_size = (uint64_t)st.st_size;
	c->resp.is_static_page = true;
	/* The pages run only their own scripts and styles (no inline code, so
	 * an injected <script> does not run), connect only to this server, and
	 * are never framed (clickjacking). */
	http_reply_header(&c->resp, "Content-Security-Policy",
			  "default-src 'none'; script-src 'self'; style-src 'self'; "
			  "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; "
			  "media-src 'self' blob:; form-action 'self'; base-uri 'none'; "
			  "frame-ancestors 'none'");
	http_reply_header(&c->resp, "X-Frame-Options", "DENY");
	http_reply_header(&c->resp, "Referrer-Policy", "no-referrer");
	http_reply_header(&c->resp, "Cross-Origin-Opener-Policy", "same-origin");
}
