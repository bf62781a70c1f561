/* lk_map.c — the column-mapping file of a council register and the reading
 * of one data row through it (names, date of birth, sex, identity number,
 * council), with a reason for every row it refuses. */
#include "linkage/lk_import.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/parse.h"

static const char *const col_names[LK_C_N] = {
	"register_no", "name", "given", "family", "father", "name_ur",
	"father_ur", "dob", "sex", "id_number", "council", "address",
};

const char *lk_col_name(int c)
{
	return c >= 0 && c < LK_C_N ? col_names[c] : NULL;
}

/* Trim spaces and tabs at both ends, in place. */
static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

static int map_set(struct lk_map *m, const char *key, const char *val, int line,
		   struct sh_err *err)
{
	if (!strcmp(key, "encoding")) {
		int e = lk_enc_parse(val);
		if (e < 0)
			return sh_err_set(err, SH_EINVAL, "MAPPING_INVALID",
					  "mapping line %d: encoding %.40s is not one of auto, utf-8,"
					  " utf-16le, utf-16be, windows-1256", line, val);
		m->encoding = (enum lk_enc)e;
		return SH_OK;
	}
	if (!strcmp(key, "separator")) {
		if (!strcmp(val, "comma") || !strcmp(val, ","))
			m->sep = ',';
		else if (!strcmp(val, "semicolon") || !strcmp(val, ";"))
			m->sep = ';';
		else if (!strcmp(val, "tab"))
			m->sep = '\t';
		else
			return sh_err_set(err, SH_EINVAL, "MAPPING_INVALID",
					  "mapping line %d: separator is comma, semicolon or tab", line);
		return SH_OK;
	}
	if (!strcmp(key, "header")) {
		if (!strcmp(val, "yes") || !strcmp(val, "1"))
			m->header = 1;
		else if (!strcmp(val, "no") || !strcmp(val, "0"))
			m->header = 0;
		else
			return sh_err_set(err, SH_EINVAL, "MAPPING_INVALID",
					  "mapping line %d: header is yes or no", line);
		return SH_OK;
	}
	if (!strcmp(key, "council_code")) { /* one council for the whole file */
		if (!val[0] || strlen(val) >= sizeof m->council)
			return sh_err_set(err, SH_EINVAL, "MAPPING_INVALID",
					  "mapping line %d: council_code of 1..%zu bytes", line,
					  sizeof m->council - 1);
		snprintf(m->council, sizeof m->council, "%s", val);
		return SH_OK;
	}
	for (int c = 0; c < LK_C_N; c++) {
		if (strcmp(key, col_names[c]))
			continue;
		if (strlen(val) >= LK_MAP_NAME_MAX || !val[0])
			return sh_err_set(err, SH_EINVAL, "MAPPING_INVALID",
					  "mapping line %d: a column name of 1..%d bytes", line,
					  LK_MAP_NAME_MAX - 1);
		snprintf(m->column[c], LK_MAP_NAME_MAX, "%s", val);
		return SH_OK;
	}
	return sh_err_set(err, SH_EINVAL, "MAPPING_INVALID", "mapping line %d: unknown key %.40s",
			  line, key);
}

int lk_map_parse(const char *text, struct lk_map *m, struct sh_err *err)
{
	memset(m, 0, sizeof *m);
	m->sep = ',';
	m->header = 1;
	for (int c = 0; c < LK_C_N; c++)
		m->index[c] = -1;
	int line = 0;
	const char *p = text;
	while (*p) {
		line++;
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char buf[256];
		if (n >= sizeof buf)
			return sh_err_set(err, SH_EINVAL, "MAPPING_INVALID", "mapping line %d is too long",
					  line);
		memcpy(buf, p, n);
		buf[n] = '\0';
		p += n + (e ? 1 : 0);
		/* '#' starts a comment at the start of a line or after a space,
		 * except "#N" (a column by number). */
		for (char *h = buf; (h = strchr(h, '#')) != NULL; h++) {
			int at_start = h == buf || h[-1] == ' ' || h[-1] == '\t';
			if (at_start && !(h[1] >= '0' && h[1] <= '9')) {
				*h = '\0';
				break;
			}
		}
		char *s = trim(buf);
		if (!*s)
			continue;
		char *eq = strchr(s, '=');
		if (!eq)
			return sh_err_set(err, SH_EINVAL, "MAPPING_INVALID",
					  "mapping line %d: expected key = value", line);
		*eq = '\0';
		char *key = trim(s), *val = trim(eq + 1);
		int rc = map_set(m, key, val, line, err);
		if (rc != SH_OK)
			return rc;
	}
	return SH_OK;
}

int lk_map_resolve(struct lk_map *m, const struct lk_csv_row *header, struct sh_err *err)
{
	for (int c = 0; c < LK_C_N; c++) {
		m->index[c] = -1;
		const char *want = m->column[c];
		if (!want[0])
			continue;
		if (want[0] == '#') {
			int64_t k;
			if (sh_parse_i64(want + 1, 1, LK_CSV_MAX_FIELDS, &k) != SH_OK)
				return sh_err_set(err, SH_EINVAL, "MAPPING_INVALID",
						  "%s = %s: #N with N in 1..%d", col_names[c], want,
						  LK_CSV_MAX_FIELDS);
			m->index[c] = (int)k - 1;
			continue;
		}
		for (size_t i = 0; header && i < header->n; i++) {
			char h[LK_MAP_NAME_MAX];
			snprintf(h, sizeof h, "%s", header->f[i]);
			if (!strcasecmp(trim(h), want)) {
				m->index[c] = (int)i;
				break;
			}
		}
		if (m->index[c] < 0)
			return sh_err_set(err, SH_EINVAL, "MAPPING_COLUMN",
					  "%s = %s: the file has no such column", col_names[c], want);
	}
	if (m->index[LK_C_NAME] < 0 && m->index[LK_C_GIVEN] < 0 && m->index[LK_C_NAME_UR] < 0)
		return sh_err_set(err, SH_EINVAL, "MAPPING_NAME",
				  "the mapping names no name column (name, given or name_ur)");
	if (m->index[LK_C_COUNCIL] < 0 && !m->council[0])
		return sh_err_set(err, SH_EINVAL, "MAPPING_COUNCIL",
				  "the mapping names neither a council column nor a fixed council");
	return SH_OK;
}

static int sex_parse(const char *s, enum lk_sex *out)
{
	static const char *const male[] = {"m", "male", "1", "مرد", "مذکر", "ذکر", "لڑکا"};
	static const char *const female[] = {"f", "female", "2", "عورت", "مؤنث", "مونث",
					     "خاتون", "لڑکی"};
	if (!*s) {
		*out = LK_SEX_UNKNOWN;
		return 0;
	}
	for (size_t i = 0; i < sizeof male / sizeof male[0]; i++)
		if (!strcasecmp(s, male[i])) {
			*out = LK_SEX_MALE;
			return 0;
		}
	for (size_t i = 0; i < sizeof female / sizeof female[0]; i++)
		if (!strcasecmp(s, female[i])) {
			*out = LK_SEX_FEMALE;
			return 0;
		}
	return -1;
}

int lk_import_row(const struct lk_map *m, const struct lk_csv_row *row,
		  struct lk_import_rec *out, struct sh_err *err)
{
	size_t used = 0;
	memset(&out->dob, 0, sizeof out->dob);
	out->has_dob = 0;
	out->sex = LK_SEX_UNKNOWN;
	for (int c = 0; c < LK_C_N; c++) {
		const char *src = "";
		if (m->index[c] >= 0 && (size_t)m->index[c] < row->n)
			src = row->f[m->index[c]];
		else if (c == LK_C_COUNCIL)
			src = m->council;
		size_t n = strlen(src);
		if (used + n + 1 > sizeof out->mem)
			return sh_err_set(err, SH_EINVAL, "CSV_ROW_TOO_LONG", "the record is too long");
		char *dst = out->mem + used;
		memcpy(dst, src, n + 1);
		char *t = trim(dst);
		out->v[c] = t;
		used += n + 1;
	}
	if (!out->v[LK_C_COUNCIL][0])
		return sh_err_set(err, SH_EINVAL, "ROW_NO_COUNCIL", "no council code");
	if (!out->v[LK_C_NAME][0] && !out->v[LK_C_GIVEN][0] && !out->v[LK_C_NAME_UR][0])
		return sh_err_set(err, SH_EINVAL, "ROW_NO_NAME", "no name in either script");
	if (out->v[LK_C_DOB][0]) {
		int rc = lk_date_parse(out->v[LK_C_DOB], &out->dob, err);
		if (rc != SH_OK)
			return rc;
		out->has_dob = 1;
	}
	if (sex_parse(out->v[LK_C_SEX], &out->sex) != 0)
		return sh_err_set(err, SH_EINVAL, "SEX_INVALID", "sex %.20s is not understood",
				  out->v[LK_C_SEX]);
	/* The identity number: 13 digits, dashes and spaces dropped in place. */
	char *id = (char *)(uintptr_t)out->v[LK_C_IDNO];
	size_t k = 0;
	for (size_t i = 0; id[i]; i++) {
		if (id[i] >= '0' && id[i] <= '9')
			id[k++] = id[i];
		else if (id[i] != '-' && id[i] != ' ')
			return sh_err_set(err, SH_EINVAL, "IDNO_INVALID",
					  "identity number %.20s holds a character other than digits",
					  out->v[LK_C_IDNO]);
	}
	id[k] = '\0';
	if (k != 0 && k != 13)
		return sh_err_set(err, SH_EINVAL, "IDNO_INVALID", "an identity number has 13 digits");
	return SH_OK;
}
