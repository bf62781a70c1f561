/* test_openapi.c — every route the server serves is documented in
 * docs/openapi.yaml, with its method, and nothing documented is missing
 * from the server (paths are written the same way in both: "{name}"). */
#include <criterion/criterion.h>
#include <ctype.h>
#include <jansson.h>
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

/* The description the server embeds (tools/openapi/embed.c) is the same
 * document, read by a YAML parser rather than by lines: every route is an
 * operation there, every operation has an operationId, a 2XX answer and,
 * for each of its error answers, the error codes as data. */
extern const unsigned char docs_openapi_json[];
extern const size_t docs_openapi_json_len;

static json_t *resolve(json_t *doc, json_t *obj)
{
	const char *ref = json_string_value(json_object_get(obj, "$ref"));
	if (!ref)
		return obj;
	cr_assert(strncmp(ref, "#/", 2) == 0, "$ref %s is not local", ref);
	json_t *cur = doc;
	for (const char *p = ref + 2; p && cur;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		char part[128];
		snprintf(part, sizeof part, "%.*s", (int)len, p);
		cur = json_object_get(cur, part);
		p = slash ? slash + 1 : NULL;
	}
	cr_assert_not_null(cur, "$ref %s does not resolve", ref);
	return cur;
}

Test(openapi, embedded_description_covers_every_route_with_error_codes)
{
	json_error_t jerr;
	json_t *doc = json_loadb((const char *)docs_openapi_json, docs_openapi_json_len, 0, &jerr);
	cr_assert_not_null(doc, "embedded JSON: %s", jerr.text);
	cr_assert_str_eq(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
	json_t *paths = json_object_get(doc, "paths");
	size_t n;
	const struct http_route *routes = app_routes(&n);
	for (size_t i = 0; i < n; i++) {
		char method[16];
		size_t k = 0;
		for (const char *m = routes[i].method; *m && k < sizeof method - 1; m++)
			method[k++] = (char)tolower((unsigned char)*m);
		method[k] = '\0';
		json_t *op = json_object_get(json_object_get(paths, routes[i].pattern), method);
		cr_expect_not_null(op, "%s %s is not an operation", routes[i].method,
				   routes[i].pattern);
		if (!op)
			continue;
		cr_expect(json_is_string(json_object_get(op, "operationId")),
			  "%s %s has no operationId", routes[i].method, routes[i].pattern);
		const char *status;
		json_t *r;
		int ok2xx = 0;
		json_object_foreach(json_object_get(op, "responses"), status, r) {
			if (status[0] == '2')
				ok2xx = 1;
			if (status[0] != '4' && status[0] != '5')
				continue;
			json_t *codes = json_object_get(resolve(doc, r), "x-error-codes");
			cr_expect(json_is_array(codes) && json_array_size(codes) > 0,
				  "%s %s: the %s answer lists no x-error-codes", routes[i].method,
				  routes[i].pattern, status);
		}
		cr_expect(ok2xx, "%s %s has no 2XX answer", routes[i].method, routes[i].pattern);
	}
	json_decref(doc);
}
