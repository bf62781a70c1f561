/* lk_import.h — reading a union council's register file: text encodings
 * (UTF-8 with or without BOM, UTF-16 LE/BE, Windows-1256), RFC 4180 CSV,
 * the dates councils write, and the column-mapping file that says which
 * column holds what. Pure: nothing of ours but lib/ (iconv is libc). The
 * store side (tables, idempotent re-import) is src/concord. */
#ifndef SH_LINKAGE_LK_IMPORT_H
#define SH_LINKAGE_LK_IMPORT_H

#include <stddef.h>

#include "lib/err.h"

/* --- Encodings (lk_decode.c) --- */
enum lk_enc { LK_ENC_AUTO = 0, LK_ENC_UTF8, LK_ENC_UTF16LE, LK_ENC_UTF16BE, LK_ENC_CP1256 };
/* "auto", "utf-8", "utf-16le", "utf-16be", "windows-1256" (also "cp1256");
 * -1 when unknown. */
int lk_enc_parse(const char *name);
const char *lk_enc_name(enum lk_enc e);
/* Decode in[0..n) to UTF-8 in *out (malloc'd, NUL-terminated, BOM
 * removed; the caller frees). A byte-order mark decides the encoding
 * whatever `hint` says. Without one, `hint` decides; LK_ENC_AUTO takes
 * UTF-16 when the first code unit has a zero byte, else UTF-8 when the
 * bytes are valid UTF-8, else Windows-1256 (the legacy Urdu code page of
 * council PCs). *used gets the encoding read. Errors: SH_EINVAL
 * ENCODING_INVALID (bytes that are not valid in the encoding), SH_ENOMEM. */
int lk_decode(const unsigned char *in, size_t n, enum lk_enc hint, char **out, size_t *outlen,
	      enum lk_enc *used, struct sh_err *err) __attribute__((warn_unused_result));

/* --- RFC 4180 CSV (lk_csv.c) --- */
#define LK_CSV_MAX_FIELDS 128
#define LK_CSV_MAX_ROW (64 * 1024) /* bytes of one record, quotes removed */

struct lk_csv {
	const char *p, *end;
	char sep;
	size_t line; /* physical line number of p, from 1 */
};
struct lk_csv_row {
	char buf[LK_CSV_MAX_ROW]; /* the fields, each NUL-terminated */
	const char *f[LK_CSV_MAX_FIELDS];
	size_t n;
	size_t line; /* the line the record starts on */
};
/* Over UTF-8 text (not copied); sep is ',' ';' or '\t'. */
void lk_csv_init(struct lk_csv *c, const char *text, size_t len, char sep);
/* The next record: 1 when *row has one, 0 at the end, SH_EINVAL with
 * err->code CSV_* and row->line set for a malformed record — the reader
 * has then skipped to the next line and the caller may go on. Quoted
 * fields may hold separators, "" and line breaks; CRLF, LF and CR end a
 * record; a blank line is skipped. */
int lk_csv_next(struct lk_csv *c, struct lk_csv_row *row, struct sh_err *err);

/* --- Dates (lk_date.c) --- */
struct lk_date {
	int year, month, day; /* month = day = 0 when year_only */
	int year_only;
};
/* DD-MM-YYYY, DD/MM/YYYY, DD.MM.YYYY, YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD and
 * a bare YYYY; "01-01-YYYY" (the councils' placeholder for an unknown
 * day) and a bare YYYY are birth-year-only. Years 1850..2100, real
 * calendar days. SH_EINVAL DATE_FORM (not a date form) or DATE_INVALID
 * (no such day). */
int lk_date_parse(const char *s, struct lk_date *out, struct sh_err *err)
	__attribute__((warn_unused_result));
/* "YYYY-MM-DD", or "YYYY" when year_only, into out[11]. */
void lk_date_format(const struct lk_date *d, char out[11]);

/* --- The column mapping (lk_map.c) --- */
enum lk_col {
	LK_C_REGNO,   /* the council's own register number */
	LK_C_NAME,    /* full name, Latin script (when given/family are not split) */
	LK_C_GIVEN,
	LK_C_FAMILY,
	LK_C_FATHER,  /* father's or husband's name */
	LK_C_NAME_UR, /* full name in Urdu script */
	LK_C_FATHER_UR,
	LK_C_DOB,
	LK_C_SEX,
	LK_C_IDNO,    /* identity number (CNIC/B-form), 13 digits */
	LK_C_COUNCIL, /* council code */
	LK_C_ADDRESS,
	LK_C_N
};
const char *lk_col_name(int c); /* "register_no", "name", "given", ... */

#define LK_MAP_NAME_MAX 96
struct lk_map {
	char column[LK_C_N][LK_MAP_NAME_MAX]; /* header text, "" unmapped */
	int index[LK_C_N];   /* 0-based column after lk_map_resolve, -1 none */
	enum lk_enc encoding;
	char sep;
	int header;          /* the first record names the columns (default 1) */
	char council[32];    /* a fixed council code for the whole file, or "" */
};
/* Lines `key = value`; '#' starts a comment. Keys: the lk_col names (value:
 * a header text, or #N for the N-th column, from 1), `encoding`,
 * `separator` (comma, semicolon, tab), `header` (yes/no), `council_code` (one
 * council code for the whole file, when no `council` column is mapped). SH_EINVAL MAPPING_INVALID with the line. */
int lk_map_parse(const char *text, struct lk_map *m, struct sh_err *err)
	__attribute__((warn_unused_result));
/* Turn header texts into column indexes using the header row (NULL when
 * the file has none: only #N columns then). Header texts compare after
 * trimming, case-insensitively for ASCII. SH_EINVAL MAPPING_COLUMN when a
 * mapped column is not in the header, MAPPING_NAME when no name column is
 * mapped, MAPPING_COUNCIL when neither a council column nor a fixed
 * council is. */
int lk_map_resolve(struct lk_map *m, const struct lk_csv_row *header, struct sh_err *err)
	__attribute__((warn_unused_result));

/* One record of a register, checked. Strings point into the row (trimmed
 * copies in `mem`). */
enum lk_sex { LK_SEX_UNKNOWN = 0, LK_SEX_MALE, LK_SEX_FEMALE };
struct lk_import_rec {
	const char *v[LK_C_N]; /* "" when absent; idno digits only */
	struct lk_date dob;
	int has_dob;
	enum lk_sex sex;
	char mem[LK_CSV_MAX_ROW];
};
/* Read one data row through the mapping. SH_EINVAL with a code and a
 * reason for a bad row: ROW_NO_NAME, ROW_NO_COUNCIL, DATE_FORM /
 * DATE_INVALID, SEX_INVALID, IDNO_INVALID. Sex: m/male/f/female, 1/2, and
 * Urdu مرد / عورت / مذکر / مؤنث (ذکر / خاتون too). */
int lk_import_row(const struct lk_map *m, const struct lk_csv_row *row,
		  struct lk_import_rec *out, struct sh_err *err) __attribute__((warn_unused_result));

#endif
