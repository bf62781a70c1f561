/* embed.c — a build step: docs/openapi.yaml into a C file that holds the
 * description twice, as written (served as /api/v1/openapi.yaml) and as JSON
 * (served as /api/v1/openapi.json), so the server answers the description of
 * the routes it was built with and needs nothing beside its binary.
 *
 *   sh_openapi_embed docs/openapi.yaml OUT.c
 *
 * YAML is read with libyaml's document loader (aliases come back as the
 * node they name). Plain scalars are typed by the YAML 1.2 core schema
 * (null, true/false, integers, floats; everything else a string), the same
 * rule as the npm `yaml` package that the tests use, so both read the same
 * description; quoted and block scalars are strings. A file that does not
 * parse fails the build. */
#include <errno.h>
#include <jansson.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define MAX_DEPTH 64

static int read_all(const char *path, unsigned char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	size_t cap = 1 << 16, n = 0;
	unsigned char *buf = malloc(cap);
	for (;;) {
		if (!buf) {
			fclose(f);
			return -1;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
		if (n == cap) {
			unsigned char *b = realloc(buf, cap * 2);
			if (!b) {
				free(buf);
				buf = NULL;
				continue;
			}
			buf = b;
			cap *= 2;
		}
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return -1;
	}
	*out = buf;
	*len = n;
	return 0;
}

static int matches(const char *pattern, const char *s)
{
	regex_t re;
	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return 0;
	int ok = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

/* YAML 1.2 core schema, 10.3.2 (tag resolution of plain scalars). */
static json_t *plain_scalar(const char *s)
{
	if (!*s || !strcmp(s, "~") || matches("^(null|Null|NULL)$", s))
		return json_null();
	if (matches("^(true|True|TRUE)$", s))
		return json_true();
	if (matches("^(false|False|FALSE)$", s))
		return json_false();
	if (matches("^[-+]?[0-9]+$", s)) {
		errno = 0;
		char *end;
		long long v = strtoll(s, &end, 10);
		if (errno == 0 && *end == '\0')
			return json_integer(v);
	}
	if (matches("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$", s))
		return json_real(strtod(s, NULL));
	return json_string(s);
}

static json_t *convert(yaml_document_t *doc, yaml_node_t *node, int depth)
{
	if (!node || depth > MAX_DEPTH)
		return NULL;
	switch (node->type) {
	case YAML_SCALAR_NODE: {
		const char *v = (const char *)node->data.scalar.value;
		return node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? plain_scalar(v)
									  : json_string(v);
	}
	case YAML_SEQUENCE_NODE: {
		json_t *a = json_array();
		for (yaml_node_item_t *i = node->data.sequence.items.start;
		     a && i < node->data.sequence.items.top; i++) {
			json_t *v = convert(doc, yaml_document_get_node(doc, *i), depth + 1);
			if (!v || json_array_append_new(a, v) != 0) {
				json_decref(a);
				return NULL;
			}
		}
		return a;
	}
	case YAML_MAPPING_NODE: {
		json_t *o = json_object();
		for (yaml_node_pair_t *p = node->data.mapping.pairs.start;
		     o && p < node->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(doc, p->key);
			if (!k || k->type != YAML_SCALAR_NODE) {
				fprintf(stderr, "embed: a mapping key is not a scalar (line %zu)\n",
					k ? k->start_mark.line + 1 : 0);
				json_decref(o);
				return NULL;
			}
			const char *key = (const char *)k->data.scalar.value;
			if (json_object_get(o, key)) {
				fprintf(stderr, "embed: duplicate key '%s' (line %zu)\n", key,
					k->start_mark.line + 1);
				json_decref(o);
				return NULL;
			}
			json_t *v = convert(doc, yaml_document_get_node(doc, p->value), depth + 1);
			if (!v || json_object_set_new(o, key, v) != 0) {
				json_decref(o);
				return NULL;
			}
		}
		return o;
	}
	default:
		return NULL;
	}
}

static int write_array(FILE *out, const char *name, const unsigned char *data, size_t len)
{
	fprintf(out, "const unsigned char %s[] = {", name);
	for (size_t i = 0; i < len; i++)
		fprintf(out, "%s%u,", i % 24 ? "" : "\n\t", data[i]);
	fprintf(out, "\n\t0};\nconst size_t %s_len = %zu;\n", name, len);
	return ferror(out) ? -1 : 0;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s docs/openapi.yaml OUT.c\n", argv[0]);
		return 2;
	}
	unsigned char *text = NULL;
	size_t len = 0;
	if (read_all(argv[1], &text, &len) != 0) {
		fprintf(stderr, "embed: cannot read %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	yaml_parser_t parser;
	yaml_document_t doc;
	int rc = 1;
	json_t *root = NULL;
	char *json = NULL;
	if (!yaml_parser_initialize(&parser)) {
		free(text);
		return 1;
	}
	yaml_parser_set_input_string(&parser, text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		fprintf(stderr, "%s:%zu:%zu: %s\n", argv[1], parser.problem_mark.line + 1,
			parser.problem_mark.column + 1, parser.problem ? parser.problem : "YAML error");
		goto out_parser;
	}
	root = convert(&doc, yaml_document_get_root_node(&doc), 0);
	yaml_document_delete(&doc);
	if (!json_is_object(root)) {
		fprintf(stderr, "embed: %s is not a YAML mapping\n", argv[1]);
		goto out_parser;
	}
	json = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!json)
		goto out_parser;
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", argv[2]);
	FILE *out = fopen(tmp, "w");
	if (!out) {
		fprintf(stderr, "embed: cannot write %s\n", tmp);
		goto out_parser;
	}
	fprintf(out, "/* Generated from docs/openapi.yaml by tools/openapi/embed.c: do not edit. */\n"
		     "#include <stddef.h>\n");
	int bad = write_array(out, "docs_openapi_yaml", text, len) ||
		  write_array(out, "docs_openapi_json", (const unsigned char *)json, strlen(json));
	if (fclose(out) != 0 || bad || rename(tmp, argv[2]) != 0) {
		fprintf(stderr, "embed: cannot write %s\n", argv[2]);
		goto out_parser;
	}
	rc = 0;
out_parser:
	yaml_parser_delete(&parser);
	free(json);
	json_decref(root);
	free(text);
	return rc;
}
