/* quality_telco.c — a telco's list of identity numbers with an active SIM
 * (quality.h), the input of the deceased_active_sim indicator. A list
 * replaces its source's earlier list in one transaction: a telco that
 * sends its monthly list again does not pile up stale numbers. */
#include <stdio.h>
#include <string.h>

#include "lib/parse.h"
#include "quality/quality.h"
#include "registry/idnum.h"

#define TELCO_LINE_MAX 256
#define TELCO_SOURCE_MAX 64

static void note_bad(struct quality_telco_result *out, int64_t line, const char *why)
{
	size_t used = strlen(out->bad_lines);
	if (used + 1 >= sizeof out->bad_lines)
		return;
	snprintf(out->bad_lines + used, sizeof out->bad_lines - used, "%sline %lld: %s",
		 used ? "; " : "", (long long)line, why);
}

/* The first field of a CSV line, without spaces, quotes or CR. */
static void first_field(const char *s, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n && s[i] != ','; i++)
		if (s[i] != ' ' && s[i] != '"' && s[i] != '\r' && s[i] != '\t' && o + 1 < cap)
			out[o++] = s[i];
	out[o] = 0;
}

static int has_digit(const char *s)
{
	for (; *s; s++)
		if (*s >= '0' && *s <= '9')
			return 1;
	return 0;
}

int quality_telco_import(store_tx *tx, const struct audit_actor *actor, const char *source,
			 const char *csv, size_t len, struct quality_telco_result *out,
			 struct sh_err *err)
{
	memset(out, 0, sizeof *out);
	if (!source || !*source || strlen(source) > TELCO_SOURCE_MAX)
		return sh_err_set(err, SH_EINVAL, "SOURCE_REQUIRED",
				  "a telco list names its source (1 to %d bytes)", TELCO_SOURCE_MAX);
	if (!csv)
		return sh_err_set(err, SH_EINVAL, "CSV_REQUIRED", "a telco list needs its CSV text");
	int rc = store_run(tx, err, "DELETE FROM quality_telco_sims WHERE source = ?", "t", source);
	if (rc < 0)
		return rc;
	store_stmt *ins = NULL;
	if ((rc = store_prepare(tx,
				"INSERT INTO quality_telco_sims(source, id_number, imported_at)"
				" VALUES (?, ?, ?) ON CONFLICT (source, id_number) DO NOTHING",
				&ins, err)) != SH_OK)
		return rc;
	int64_t now = sh_now(), line = 0;
	for (size_t pos = 0; pos < len;) {
		const char *s = csv + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		pos += n + 1;
		line++;
		char field[TELCO_LINE_MAX], idn[IDNUM_DIGITS + 1];
		if (n >= TELCO_LINE_MAX) {
			out->rejected++;
			note_bad(out, line, "line too long");
			continue;
		}
		first_field(s, n, field, sizeof field);
		if (!field[0] || (line == 1 && !has_digit(field)))
			continue; /* a blank line, or the header */
		struct sh_err e2 = {0};
		if (idnum_lookup_normalize(field, idn, &e2) != SH_OK) {
			out->rejected++;
			note_bad(out, line, "not an identity number");
			continue;
		}
		store_reset(ins);
		if (store_bind_text(ins, 1, source) || store_bind_text(ins, 2, idn) ||
		    store_bind_int(ins, 3, now)) {
			rc = sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "telco list");
			goto out;
		}
		if ((rc = store_step(ins, err)) < 0)
			goto out;
		out->imported += store_changes(ins);
	}
	char detail[160];
	snprintf(detail, sizeof detail, "{\"imported\":%lld,\"rejected\":%lld}",
		 (long long)out->imported, (long long)out->rejected);
	char obj[80];
	snprintf(obj, sizeof obj, "telco:%s", source);
	rc = audit_append(tx, actor, "quality.telco.import", obj, detail, err);
out:
	store_finalize(ins);
	return rc;
}
