/* lk_csv.c — an RFC 4180 reader that keeps going after a bad record: each
 * record comes with the line it starts on, and a malformed one is reported
 * and skipped to the end of its line, so one broken row never stops an
 * import. */
#include "linkage/lk_import.h"

#include <string.h>

void lk_csv_init(struct lk_csv *c, const char *text, size_t len, char sep)
{
	c->p = text;
	c->end = text + len;
	c->sep = sep ? sep : ',';
	c->line = 1;
}

/* Past the end of the current physical line (its CRLF, LF or CR too). */
static void skip_line(struct lk_csv *c)
{
	while (c->p < c->end && *c->p != '\n' && *c->p != '\r')
		c->p++;
	if (c->p < c->end && *c->p == '\r')
		c->p++;
	if (c->p < c->end && *c->p == '\n')
		c->p++;
	c->line++;
}

/* At a line break: step over it (CRLF counts once). */
static void eat_break(struct lk_csv *c)
{
	if (*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n')
		c->p++;
	c->p++;
	c->line++;
}

int lk_csv_next(struct lk_csv *c, struct lk_csv_row *row, struct sh_err *err)
{
	/* Blank lines separate nothing in a register: skip them. */
	while (c->p < c->end && (*c->p == '\n' || *c->p == '\r'))
		eat_break(c);
	if (c->p >= c->end)
		return 0;
	row->n = 0;
	row->line = c->line;
	size_t len = 0;
	for (;;) {
		if (row->n == LK_CSV_MAX_FIELDS) {
			skip_line(c);
			return sh_err_set(err, SH_EINVAL, "CSV_TOO_MANY_FIELDS",
					  "more than %d fields", LK_CSV_MAX_FIELDS);
		}
		row->f[row->n++] = row->buf + len;
		if (c->p < c->end && *c->p == '"') {
			size_t qline = c->line;
			c->p++;
			for (;;) {
				if (c->p >= c->end)
					return sh_err_set(err, SH_EINVAL, "CSV_UNTERMINATED_QUOTE",
							  "the quoted field opened on line %zu is never closed",
							  qline);
				char ch = *c->p;
				if (ch == '"') {
					if (c->p + 1 < c->end && c->p[1] == '"') {
						c->p++; /* "" is one quote */
					} else {
						c->p++;
						break;
					}
				} else if (ch == '\n' || (ch == '\r' && !(c->p + 1 < c->end && c->p[1] == '\n'))) {
					c->line++;
				}
				if (len + 2 > sizeof row->buf) {
					skip_line(c);
					return sh_err_set(err, SH_EINVAL, "CSV_ROW_TOO_LONG",
							  "a record longer than %d bytes", LK_CSV_MAX_ROW);
				}
				row->buf[len++] = *c->p++;
			}
			if (c->p < c->end && *c->p != c->sep && *c->p != '\n' && *c->p != '\r') {
				skip_line(c);
				return sh_err_set(err, SH_EINVAL, "CSV_STRAY_QUOTE",
						  "text after a closing quote");
			}
		} else {
			while (c->p < c->end && *c->p != c->sep && *c->p != '\n' && *c->p != '\r') {
				if (*c->p == '"') {
					skip_line(c);
					return sh_err_set(err, SH_EINVAL, "CSV_STRAY_QUOTE",
							  "a quote inside an unquoted field");
				}
				if (len + 2 > sizeof row->buf) {
					skip_line(c);
					return sh_err_set(err, SH_EINVAL, "CSV_ROW_TOO_LONG",
							  "a record longer than %d bytes", LK_CSV_MAX_ROW);
				}
				row->buf[len++] = *c->p++;
			}
		}
		row->buf[len++] = '\0';
		if (c->p >= c->end)
			return 1;
		if (*c->p == c->sep) {
			c->p++;
			continue;
		}
		eat_break(c); /* end of the record */
		return 1;
	}
}
