/* test_openapi.c — every route the server serves is documented in
 * docs/openapi.yaml, with its method, and nothing documented is missing
 * from the server (paths are written the same way in both: "{name}"). */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "api/app.h"

static char *read_openapi(void)
{
	const char *src = getenv("SHANAKHT_SOURCE_DIR");
	cr_assert_not_null(src, "SHANAKHT_SOURCE_DIR is set by CTest");
	char path[1024];
	snprintf(path, sizeof path, "%s/docs/openapi.yaml", src);
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "%s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	char *text = malloc((size_t)n + 1);
	cr_assert_not_null(text);
	cr_assert_eq(fread(text, 1, (size_t)n, f), (size_t)n);
	text[n] = '\0';
	fclose(f);
	return text;
}

/* The block of a path item: from "\n  PATH:\n" to the next two-space key. */
static const char *path_item(const char *yaml, const char *path, size_t *len)
{
	char key[300];
	snprintf(key, sizeof key, "\n  %s:\n", path);
	const char *p = strstr(yaml, key);
	if (!p)
		return NULL;
	p += strlen(key);
	const char *end = p;
	while (*end && !(end[0] == '\n' && end[1] == ' ' && end[2] == ' ' && end[3] != ' '))
		end++;
	*len = (size_t)(end - p);
	return p;
}

Test(openapi, every_route_is_documented_with_its_method)
{
	char *yaml = read_openapi();
	size_t n;
	const struct http_route *routes = app_routes(&n);
	cr_assert_gt(n, 40);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *item = path_item(yaml, routes[i].pattern, &len);
		cr_expect_not_null(item, "%s %s is not in docs/openapi.yaml", routes[i].method,
				   routes[i].pattern);
		if (!item)
			continue;
		char method[16] = "    ", want[24];
		size_t k = 4;
		for (const char *m = routes[i].method; *m && k < sizeof method - 1; m++)
			method[k++] = (char)tolower((unsigned char)*m);
		method[k] = '\0';
		snprintf(want, sizeof want, "%s:", method);
		char *block = strndup(item, len);
		cr_expect_not_null(strstr(block, want), "%s %s: method not documented",
				   routes[i].method, routes[i].pattern);
		free(block);
	}
	free(yaml);
}

Test(openapi, every_documented_api_path_is_served)
{
	char *yaml = read_openapi();
	size_t n;
	const struct http_route *routes = app_routes(&n);
	for (const char *p = strstr(yaml, "\n  /api/"); p; p = strstr(p + 1, "\n  /api/")) {
		const char *start = p + 3, *colon = strchr(start, ':');
		char path[300];
		snprintf(path, sizeof path, "%.*s", (int)(colon - start), start);
		int found = 0;
		for (size_t i = 0; i < n && !found; i++)
			found = strcmp(routes[i].pattern, path) == 0;
		cr_expect(found, "%s is documented but not served", path);
	}
	free(yaml);
}
