/* fuzz_lk_import.c — libFuzzer driver for the council-register readers: any
 * bytes, in any encoding guess, must decode or fail cleanly, and every CSV
 * record read through a mapping must give a checked row or a bad-row code;
 * the reader always moves forward (no record twice, no endless loop). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linkage/lk_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct lk_csv_row row;
static struct lk_import_rec rec;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *mapping = "register_no = #1\nname = #2\nfather = #3\ndob = #4\n"
				     "sex = #5\nid_number = #6\ncouncil = #7\nheader = no\n";
	struct lk_map m;
	struct sh_err err = {0};
	if (lk_map_parse(mapping, &m, &err) != SH_OK || lk_map_resolve(&m, NULL, &err) != SH_OK)
		abort();
	char *text = NULL;
	size_t len = 0;
	enum lk_enc used;
	if (lk_decode(data, size, LK_ENC_AUTO, &text, &len, &used, &err) != SH_OK) {
		if (!err.code[0] || text)
			abort();
		return 0;
	}
	if (strlen(text) != len)
		abort(); /* decoded text never holds NUL */
	struct lk_csv c;
	lk_csv_init(&c, text, len, size && data[0] == ';' ? ';' : ',');
	size_t last = 0;
	for (;;) {
		const char *before = c.p;
		int r = lk_csv_next(&c, &row, &err);
		if (r == 0)
			break;
		if (c.p <= before || row.line < last)
			abort();
		last = row.line;
		if (r < 0) {
			if (!err.code[0])
				abort();
			continue;
		}
		if (lk_import_row(&m, &row, &rec, &err) != SH_OK && !err.code[0])
			abort();
		struct lk_date d;
		if (row.n > 3)
			(void)!lk_date_parse(row.f[3], &d, &err);
	}
	free(text);
	return 0;
}
