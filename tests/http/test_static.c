/* test_static.c — web pages from static_dir: index, content types, and
 * refusal of traversal and of symlinks that leave the directory. */
#include <stdio.h>
#include <sys/stat.h>

#include "fixture.h"

static char base[64], root[128];

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	fclose(f);
}

static void start_static(void)
{
	snprintf(base, sizeof base, "/tmp/sh-http-XXXXXX");
	cr_assert_not_null(mkdtemp(base));
	char p[256];
	snprintf(root, sizeof root, "%s/www", base);
	cr_assert_eq(mkdir(root, 0755), 0);
	snprintf(p, sizeof p, "%s/index.html", root);
	put(p, "<h1>home</h1>");
	snprintf(p, sizeof p, "%s/style.css", root);
	put(p, "body{}");
	snprintf(p, sizeof p, "%s/app.js", root);
	put(p, "1;");
	snprintf(p, sizeof p, "%s/logo.svg", root);
	put(p, "<svg/>");
	snprintf(p, sizeof p, "%s/sub", root);
	cr_assert_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof p, "%s/sub/index.html", root);
	put(p, "<p>sub</p>");
	snprintf(p, sizeof p, "%s/secret.txt", base);
	put(p, "TOP SECRET");
	char link[256];
	snprintf(link, sizeof link, "%s/escape.txt", root);
	cr_assert_eq(symlink(p, link), 0);
	snprintf(link, sizeof link, "%s/inside.css", root);
	cr_assert_eq(symlink("style.css", link), 0);
	start_with((struct http_config){.threads = 2, .static_dir = root});
}

static void stop_static(void)
{
	stop();
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(static_pages, .init = start_static, .fini = stop_static);

static void expect_page(const char *path, const char *body, const char *type)
{
	struct tresp r;
	tc_request(port, "GET", path, NULL, 0, NULL, &r);
	cr_assert_eq(r.status, 200, "%s: %ld", path, r.status);
	cr_assert_str_eq(r.body, body);
	char *ct = tc_header(&r, "Content-Type"), *rid = tc_header(&r, "X-Request-Id"),
	     *nos = tc_header(&r, "X-Content-Type-Options");
	cr_assert_str_eq(ct, type, "%s", path);
	cr_assert_not_null(rid);
	cr_assert_str_eq(nos, "nosniff");
	free(ct);
	free(rid);
	free(nos);
	tc_free(&r);
}

Test(static_pages, serves_files_with_types)
{
	expect_page("/", "<h1>home</h1>", "text/html; charset=utf-8");
	expect_page("/index.html", "<h1>home</h1>", "text/html; charset=utf-8");
	expect_page("/style.css", "body{}", "text/css; charset=utf-8");
	expect_page("/app.js", "1;", "text/javascript; charset=utf-8");
	expect_page("/logo.svg", "<svg/>", "image/svg+xml");
	expect_page("/sub/", "<p>sub</p>", "text/html; charset=utf-8");
	expect_page("/sub", "<p>sub</p>", "text/html; charset=utf-8");
	expect_page("/inside.css", "body{}", "text/css; charset=utf-8");
	/* routes still win over pages */
	struct tresp r;
	tc_request(port, "GET", "/healthz", NULL, 0, NULL, &r);
	cr_assert_str_eq(r.body, "{\"ok\":true}");
	tc_free(&r);
}

Test(static_pages, traversal_and_escapes_refused)
{
	const char *bad[] = {"/../secret.txt", "/sub/../../secret.txt", "/%2e%2e/secret.txt",
			     "/sub/%2E%2E/%2e%2e/secret.txt", "/escape.txt", "/..%2fsecret.txt",
			     "/nothing.html", "/index.html%00.css", "/sub\\..\\..\\secret.txt"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct tresp r;
		tc_request(port, "GET", bad[i], NULL, 0, NULL, &r);
		assert_error(&r, 404, "NOT_FOUND");
		cr_assert_null(strstr(r.body, "SECRET"), "%s leaked", bad[i]);
		tc_free(&r);
	}
}

Test(static_pages, api_paths_are_never_pages)
{
	struct tresp r;
	tc_request(port, "GET", "/api/v1/index.html", NULL, 0, NULL, &r);
	assert_error(&r, 404, "NOT_FOUND");
	char *cc = tc_header(&r, "Cache-Control");
	cr_assert_str_eq(cc, "no-store");
	free(cc);
	tc_free(&r);
	tc_request(port, "POST", "/index.html", "{}", -1, NULL, &r);
	assert_error(&r, 404, "NOT_FOUND");
	tc_free(&r);
}

Test(static_pages, head_and_cache_headers)
{
	struct tresp r;
	tc_request(port, "HEAD", "/style.css", NULL, 0, NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_eq(r.body_len, 0);
	char *cl = tc_header(&r, "Content-Length"), *cc = tc_header(&r, "Cache-Control");
	cr_assert_str_eq(cl, "6");
	cr_assert_str_eq(cc, "no-cache");
	free(cl);
	free(cc);
	tc_free(&r);
}
