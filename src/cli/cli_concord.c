/* cli_concord.c — `shanakht concord import|link|report`: data concordance
 * of union council registers with the national registry (src/concord,
 * docs/linkage.md "Import, reports and review").
 *
 *   concord import --mapping FILE [--council CODE] [--db URL] FILE
 *   concord link --council CODE [--db URL]
 *   concord report --area CODE [--format json|csv] [--db URL]
 *
 * XLSX is refused with the conversion step (D35: no C library in Debian
 * bookworm reads it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sodium.h>

#include "api/app.h"
#include "cli/cli.h"
#include "concord/concord.h"
#include "lib/buf.h"

#define CONCORD_FILE_MAX (512u * 1024 * 1024)

static int usage(void)
{
	fprintf(stderr,
		"usage: shanakht concord import --mapping FILE [--council CODE] [--db URL] FILE\n"
		"       shanakht concord link --council CODE [--db URL]\n"
		"       shanakht concord report --area CODE [--format json|csv] [--db URL]\n");
	return 2;
}

static int read_file(const char *path, size_t max, struct sh_buf *b)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char chunk[65536];
	size_t n;
	int rc = 0;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (sh_buf_append(b, chunk, n) != SH_OK) {
			rc = -1;
			break;
		}
	if (ferror(f))
		rc = -1;
	fclose(f);
	(void)max;
	return rc;
}

static void progress(void *ctx, size_t rows, size_t done, size_t total)
{
	(void)ctx;
	fprintf(stderr, "\rconcord import: %zu rows, %zu%%", rows,
		total ? (size_t)(100.0 * (double)done / (double)total) : 100);
	if (done >= total)
		fputc('\n', stderr);
}

/* "PK" zip magic: an .xlsx (or any Office Open XML) file. */
static int is_xlsx(const struct sh_buf *b, const char *path)
{
	size_t n = strlen(path);
	if (n > 5 && !strcasecmp(path + n - 5, ".xlsx"))
		return 1;
	return b->len >= 4 && !memcmp(b->data, "PK\x03\x04", 4);
}

int cli_concord(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	const char *cmd = argv[1];
	const char *db_url = "sqlite:var/shanakht.db", *mapping_path = NULL, *council = NULL;
	const char *area = NULL, *format = "json", *file = NULL;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--db") && v)
			db_url = v, i++;
		else if (!strcmp(a, "--mapping") && v)
			mapping_path = v, i++;
		else if (!strcmp(a, "--council") && v)
			council = v, i++;
		else if (!strcmp(a, "--area") && v)
			area = v, i++;
		else if (!strcmp(a, "--format") && v)
			format = v, i++;
		else if (a[0] != '-' && !file)
			file = a;
		else
			return usage();
	}
	int is_import = !strcmp(cmd, "import"), is_link = !strcmp(cmd, "link"),
	    is_report = !strcmp(cmd, "report");
	if ((is_import && (!mapping_path || !file)) || (is_link && !council) ||
	    (is_report && (!area || (strcmp(format, "json") && strcmp(format, "csv")))) ||
	    (!is_import && !is_link && !is_report))
		return usage();
	if (sodium_init() < 0)
		return 1;
	struct sh_err err = {0};
	struct sh_buf data, mapping, out;
	sh_buf_init(&data, CONCORD_FILE_MAX);
	sh_buf_init(&mapping, 64 * 1024);
	sh_buf_init(&out, 1024u * 1024 * 1024);
	store *db = NULL;
	store_tx *tx = NULL;
	json_t *rep = NULL;
	int status = 1;
	char actor_name[64];
	snprintf(actor_name, sizeof actor_name, "shanakht concord %s", cmd);
	struct audit_actor system = {.kind = "system", .name = actor_name};
	if (is_import) {
		if (read_file(mapping_path, 0, &mapping) != 0) {
			fprintf(stderr, "shanakht concord import: cannot read %s\n", mapping_path);
			goto out;
		}
		if (read_file(file, 0, &data) != 0) {
			fprintf(stderr, "shanakht concord import: cannot read %s\n", file);
			goto out;
		}
		if (is_xlsx(&data, file)) {
			fprintf(stderr, "shanakht concord import: %s is an XLSX workbook; convert it to CSV"
					" first (Debian package xlsx2csv: `xlsx2csv -d , %s out.csv`)\n",
				file, file);
			status = 2;
			goto out;
		}
	}
	if (store_open(db_url, 1, &db, &err) != SH_OK || app_migrate(db, &err) != SH_OK)
		goto fail;
	if (store_begin(db, is_report ? STORE_READ : STORE_WRITE, &tx, &err) != SH_OK)
		goto fail;
	if (is_import) {
		struct concord_import_result r;
		const char *base = strrchr(file, '/');
		if (concord_import(tx, &system, mapping.data, (const unsigned char *)data.data,
				   data.len, base ? base + 1 : file, council, progress, NULL, &r,
				   &err) != SH_OK)
			goto fail;
		for (size_t i = 0; i < r.nbad_rows; i++)
			fprintf(stderr, "%s:%zu: %s: %s\n", file, r.bad_rows[i].line, r.bad_rows[i].code,
				r.bad_rows[i].reason);
		if (r.bad > r.nbad_rows)
			fprintf(stderr, "%s: %zu more bad rows not listed\n", file, r.bad - r.nbad_rows);
		printf("import %lld: encoding=%s rows=%zu imported=%zu updated=%zu unchanged=%zu"
		       " bad=%zu\n",
		       (long long)r.import_id, r.encoding, r.rows, r.imported, r.updated, r.unchanged,
		       r.bad);
		concord_import_result_free(&r);
	} else if (is_link) {
		struct concord_link_summary s;
		if (concord_link(tx, &system, council, &s, &err) != SH_OK)
			goto fail;
		printf("link %s: records=%zu persons=%zu pairs=%zu links=%zu review=%zu"
		       " nonlinks=%zu decided=%zu\n",
		       council, s.records, s.persons, s.pairs, s.links, s.review, s.nonlinks,
		       s.decided);
	} else {
		if (concord_report(tx, area, &rep, &err) != SH_OK)
			goto fail;
		if (!strcmp(format, "csv")) {
			if (concord_report_csv(rep, &out, &err) != SH_OK)
				goto fail;
			fwrite(out.data, 1, out.len, stdout);
		} else {
			char *s = json_dumps(rep, JSON_INDENT(2));
			if (!s)
				goto fail;
			puts(s);
			free(s);
		}
	}
	status = store_commit(tx, &err) == SH_OK ? 0 : 1;
	tx = NULL;
	if (status)
		goto fail;
	goto out;
fail:
	fprintf(stderr, "shanakht concord %s: %s (%s)\n", cmd, err.msg, err.code);
	status = 1;
out:
	json_decref(rep);
	if (tx)
		store_rollback(tx);
	if (db)
		store_close(db);
	sh_buf_free(&data);
	sh_buf_free(&mapping);
	sh_buf_free(&out);
	return status;
}
