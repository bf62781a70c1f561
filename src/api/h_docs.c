/* h_docs.c — the API description as the server serves it:
 *   GET /api/v1/openapi.yaml   docs/openapi.yaml as written
 *   GET /api/v1/openapi.json   the same, as JSON
 *   GET /api/docs              a human page (Swagger UI)
 *   GET /api/docs/{asset}      the page's script, style sheet and start-up script
 *
 * The description is embedded at build time (tools/openapi/embed.c), so a
 * server always describes the routes it was built with. Swagger UI is the
 * npm package swagger-ui-dist (pinned in tools/openapi/package-lock.json),
 * read at run time from SHANAKHT_SWAGGER_UI_DIR or the folder it was
 * installed to when the server was built; it is never fetched from a CDN.
 * The page runs under a strict Content-Security-Policy: no inline script,
 * nothing from another origin (docs/api.md). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/routes.h"
#include "lib/buf.h"

#ifndef SH_SWAGGER_UI_DIR
#define SH_SWAGGER_UI_DIR "/usr/share/shanakht/swagger-ui"
#endif

/* Swagger UI's bundle is about 1.5 MB; anything far larger is not it. */
#define DOCS_ASSET_MAX (16u << 20)

extern const unsigned char docs_openapi_yaml[];
extern const size_t docs_openapi_yaml_len;
extern const unsigned char docs_openapi_json[];
extern const size_t docs_openapi_json_len;

/* The pages' policy: scripts and styles from this origin only, the
 * description fetched from this origin, no frames, no forms elsewhere. */
static const char docs_csp[] =
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
	"font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; "
	"frame-ancestors 'none'";

static const char docs_page[] =
	"<!DOCTYPE html>\n"
	"<html lang=\"en\">\n"
	"<head>\n"
	"<meta charset=\"utf-8\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	"<title>Shanakht API</title>\n"
	"<link rel=\"stylesheet\" href=\"/api/docs/swagger-ui.css\">\n"
	"</head>\n"
	"<body>\n"
	"<div id=\"swagger-ui\"></div>\n"
	"<script src=\"/api/docs/swagger-ui-bundle.js\"></script>\n"
	"<script src=\"/api/docs/init.js\"></script>\n"
	"</body>\n"
	"</html>\n";

/* A file, not an inline script: the policy allows no inline code. */
static const char docs_init[] =
	"window.addEventListener('load', function () {\n"
	"  window.ui = SwaggerUIBundle({\n"
	"    url: '/api/v1/openapi.json',\n"
	"    dom_id: '#swagger-ui',\n"
	"    deepLinking: true,\n"
	"    validatorUrl: null\n"
	"  });\n"
	"});\n";

static const struct {
	const char *name;
	const char *type;
} docs_assets[] = {
	{"swagger-ui-bundle.js", "text/javascript; charset=utf-8"},
	{"swagger-ui.css", "text/css; charset=utf-8"},
};

static void page_headers(struct http_resp *resp)
{
	http_reply_header(resp, "Content-Security-Policy", docs_csp);
	http_reply_header(resp, "X-Frame-Options", "DENY");
	http_reply_header(resp, "Referrer-Policy", "no-referrer");
}

static void h_openapi_yaml(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_reply_bytes(resp, 200, "application/yaml; charset=utf-8", docs_openapi_yaml,
			 docs_openapi_yaml_len);
}

static void h_openapi_json(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	http_reply_bytes(resp, 200, "application/json", docs_openapi_json, docs_openapi_json_len);
}

static void h_docs_page(struct http_req *req, struct http_resp *resp)
{
	(void)req;
	page_headers(resp);
	http_reply_bytes(resp, 200, "text/html; charset=utf-8", docs_page, sizeof docs_page - 1);
}

static const char *swagger_dir(void)
{
	const char *d = getenv("SHANAKHT_SWAGGER_UI_DIR");
	return d && *d ? d : SH_SWAGGER_UI_DIR;
}

/* The whole of dir/name into buf; 0, or -1 with errno. */
static int read_asset(const char *dir, const char *name, struct sh_buf *buf)
{
	char path[1024];
	int n = snprintf(path, sizeof path, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat st;
	int rc = -1;
	if (fstat(fd, &st) != 0)
		goto out;
	if (!S_ISREG(st.st_mode) || (size_t)st.st_size > DOCS_ASSET_MAX) {
		errno = EFBIG;
		goto out;
	}
	char chunk[1 << 16];
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto out;
		if (r == 0)
			break;
		if (sh_buf_append(buf, chunk, (size_t)r) != SH_OK) {
			errno = EFBIG;
			goto out;
		}
	}
	rc = 0;
out:
	close(fd);
	return rc;
}

static void h_docs_asset(struct http_req *req, struct http_resp *resp)
{
	const char *name = req->nparams > 0 ? req->params[0] : "";
	if (strcmp(name, "init.js") == 0) {
		page_headers(resp);
		http_reply_bytes(resp, 200, "text/javascript; charset=utf-8", docs_init,
				 sizeof docs_init - 1);
		return;
	}
	/* Only the names in the table: the parameter never becomes a path of
	 * its own. */
	for (size_t i = 0; i < sizeof docs_assets / sizeof docs_assets[0]; i++) {
		if (strcmp(name, docs_assets[i].name) != 0)
			continue;
		struct sh_buf buf;
		sh_buf_init(&buf, DOCS_ASSET_MAX);
		if (read_asset(swagger_dir(), name, &buf) != 0) {
			char msg[200];
			snprintf(msg, sizeof msg,
				 "the API page's files are not installed (%s): run scripts/deps",
				 strerror(errno));
			sh_buf_free(&buf);
			http_reply_error(resp, 503, "DOCS_UI_MISSING", msg);
			return;
		}
		page_headers(resp);
		http_reply_bytes(resp, 200, docs_assets[i].type, buf.data, buf.len);
		sh_buf_free(&buf);
		return;
	}
	http_reply_error(resp, 404, "NOT_FOUND", "no such file of the API page");
}

const struct http_route docs_routes[] = {
	{"GET", "/api/v1/openapi.yaml", h_openapi_yaml, HTTP_AUTH_NONE, 0},
	{"GET", "/api/v1/openapi.json", h_openapi_json, HTTP_AUTH_NONE, 0},
	{"GET", "/api/docs", h_docs_page, HTTP_AUTH_NONE, 0},
	{"GET", "/api/docs/{asset}", h_docs_asset, HTTP_AUTH_NONE, 0},
};
const size_t docs_routes_count = sizeof docs_routes / sizeof docs_routes[0];
