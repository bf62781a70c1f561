/* person_search.c — search by normalized name words and/or date of birth.
 *
 * Every word of the query must be among the person's name tokens (Urdu or
 * Latin); the last word also matches as a prefix when it has at least two
 * characters ("muhammad al" finds "Muhammad Ali"). A query dob matches an
 * exact dob, or a year-only record of that year. Results are ordered by
 * identity number so that the same query always gives the same page. */
#include <stdio.h>
#include <string.h>

#include "lib/buf.h"
#include "registry/names.h"
#include "registry/person_internal.h"

#define SEARCH_MAX_WORDS 8

/* Characters (not bytes) in a UTF-8 string. */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

int person_search(store_tx *tx, const char *name, const struct sh_date *dob, int limit,
		  struct person *out, int *n, struct sh_err *err)
{
	*n = 0;
	if (limit < 1 || limit > 100)
		return sh_err_set(err, SH_EINVAL, "LIMIT_INVALID", "limit must be 1..100");
	struct names_tokens q;
	q.n = 0;
	int rc;
	if (name && *name && (rc = names_tokens(name, &q, err)) != SH_OK)
		return rc;
	if (name && *name && q.n == 0)
		return sh_err_set(err, SH_EINVAL, "SEARCH_EMPTY", "the name has no letters");
	if (q.n == 0 && !dob)
		return sh_err_set(err, SH_EINVAL, "SEARCH_EMPTY", "give a name or a dob");
	if (q.n > SEARCH_MAX_WORDS)
		q.n = SEARCH_MAX_WORDS;
	if (dob && !sh_date_valid(dob->year, dob->month, dob->day))
		return sh_err_set(err, SH_EINVAL, "DOB_INVALID", "dob is not a date");

	int prefix = q.n > 0 && utf8_chars(q.tok[q.n - 1]) >= 2;
	struct sh_buf sql;
	sh_buf_init(&sql, 8192);
	/* The words meet in the token index alone (INTERSECT of the person ids
	 * per word) before any person row is read: one IN per word made
	 * SQLite fetch every person carrying the first word (thousands for a
	 * common name) to test the others, ~4x slower on 1M persons. */
	rc = sh_buf_puts(&sql, "SELECT id, " PERSON_DATA_COLS " FROM persons WHERE 1 = 1");
	if (rc == 0 && q.n > 0)
		rc = sh_buf_puts(&sql, " AND id IN (");
	for (int i = 0; rc == 0 && i < q.n; i++) {
		if (i > 0)
			rc = sh_buf_puts(&sql, " INTERSECT ");
		if (rc == 0 && i == q.n - 1 && prefix)
			rc = sh_buf_puts(&sql, "SELECT person_id FROM person_name_tokens"
					       " WHERE token >= ? AND token < ?");
		else if (rc == 0)
			rc = sh_buf_puts(&sql, "SELECT person_id FROM person_name_tokens"
					       " WHERE token = ?");
	}
	if (rc == 0 && q.n > 0)
		rc = sh_buf_puts(&sql, ")");
	if (rc == 0 && dob)
		rc = sh_buf_puts(&sql, " AND (dob = ? OR (dob_year = ? AND dob_precision = 'year'))");
	if (rc == 0)
		rc = sh_buf_puts(&sql, " ORDER BY id_number LIMIT ?");
	if (rc != 0) {
		sh_buf_free(&sql);
		if (rc == SH_ENOMEM) /* a 503, not a 500 (allocation sweep, 14.5) */
			return sh_err_set(err, SH_ENOMEM, "NO_MEMORY", "out of memory for the search");
		return sh_err_set(err, SH_EINTERNAL, "SEARCH_SQL", "query too long");
	}
	store_stmt *st = NULL;
	rc = store_prepare(tx, sql.data, &st, err);
	sh_buf_free(&sql);
	if (rc != SH_OK)
		return rc;
	int p = 1;
	char upper[NAMES_TOKEN_MAX + 8];
	for (int i = 0; i < q.n; i++) {
		store_bind_text(st, p++, q.tok[i]);
		if (i == q.n - 1 && prefix) {
			/* U+10FFFF sorts after every character bytewise. */
			snprintf(upper, sizeof upper, "%s\xF4\x8F\xBF\xBF", q.tok[i]);
			store_bind_text(st, p++, upper);
		}
	}
	if (dob) {
		char d[16];
		sh_date_format(*dob, d, sizeof d);
		store_bind_text(st, p++, d);
		store_bind_int(st, p++, dob->year);
	}
	store_bind_int(st, p, limit);
	while ((rc = store_step(st, err)) == STORE_ROW && *n < limit) {
		out[*n].row_id = store_col_int(st, 0);
		person_from_row(st, 1, &out[*n]);
		(*n)++;
	}
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}
