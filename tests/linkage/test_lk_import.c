/* test_lk_import.c — known answers of the council-register readers: RFC
 * 4180 CSV (quotes, "" escapes, embedded commas and line breaks, CRLF,
 * line numbers after a bad record), encodings (BOMs, UTF-16 LE/BE,
 * Windows-1256), the date forms councils write, and the column mapping. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "linkage/lk_import.h"

static struct lk_csv_row row;

static void csv_expect(struct lk_csv *c, size_t line, size_t n, const char *const *want)
{
	struct sh_err e = {0};
	cr_assert_eq(lk_csv_next(c, &row, &e), 1, "%s", e.msg);
	cr_assert_eq(row.line, line, "line %zu, expected %zu", row.line, line);
	cr_assert_eq(row.n, n, "%zu fields, expected %zu", row.n, n);
	for (size_t i = 0; i < n; i++)
		cr_assert_str_eq(row.f[i], want[i]);
}

Test(csv, quotes_commas_newlines_crlf)
{
	const char *t = "reg,name,addr\r\n"
			"1,\"Khan, Ali\",\"House 4\r\nStreet \"\"B\"\"\"\r\n"
			"\r\n"
			"2,Bibi,\n"
			"3,,x";
	struct lk_csv c;
	lk_csv_init(&c, t, strlen(t), ',');
	csv_expect(&c, 1, 3, (const char *[]){"reg", "name", "addr"});
	csv_expect(&c, 2, 3, (const char *[]){"1", "Khan, Ali", "House 4\r\nStreet \"B\""});
	csv_expect(&c, 5, 3, (const char *[]){"2", "Bibi", ""});
	csv_expect(&c, 6, 3, (const char *[]){"3", "", "x"});
	struct sh_err e = {0};
	cr_assert_eq(lk_csv_next(&c, &row, &e), 0);
}

Test(csv, bad_records_reported_with_line_and_skipped)
{
	const char *t = "a,b\n"
			"1,x\"y\n"   /* a quote inside an unquoted field */
			"2,\"ok\"z\n" /* text after the closing quote */
			"3,fine\n"
			"4,\"never closed\nmore\n";
	struct lk_csv c;
	struct sh_err e = {0};
	lk_csv_init(&c, t, strlen(t), ',');
	csv_expect(&c, 1, 2, (const char *[]){"a", "b"});
	cr_assert_eq(lk_csv_next(&c, &row, &e), SH_EINVAL);
	cr_assert_eq(row.line, 2);
	cr_assert_str_eq(e.code, "CSV_STRAY_QUOTE");
	cr_assert_eq(lk_csv_next(&c, &row, &e), SH_EINVAL);
	cr_assert_eq(row.line, 3);
	csv_expect(&c, 4, 2, (const char *[]){"3", "fine"});
	cr_assert_eq(lk_csv_next(&c, &row, &e), SH_EINVAL);
	cr_assert_eq(row.line, 5);
	cr_assert_str_eq(e.code, "CSV_UNTERMINATED_QUOTE");
	cr_assert_eq(lk_csv_next(&c, &row, &e), 0);
}

Test(csv, semicolon_and_tab)
{
	const char *t = "a;\"b;c\"\n";
	struct lk_csv c;
	lk_csv_init(&c, t, strlen(t), ';');
	csv_expect(&c, 1, 2, (const char *[]){"a", "b;c"});
	const char *u = "a\tb\n";
	lk_csv_init(&c, u, strlen(u), '\t');
	csv_expect(&c, 1, 2, (const char *[]){"a", "b"});
}

static char *dec(const void *in, size_t n, enum lk_enc hint, enum lk_enc *used)
{
	char *out = NULL;
	size_t len = 0;
	struct sh_err e = {0};
	cr_assert_eq(lk_decode(in, n, hint, &out, &len, used, &e), SH_OK, "%s", e.msg);
	cr_assert_eq(strlen(out), len);
	return out;
}

/* "علی,1" in each encoding. */
#define ALI_UTF8 "\xD8\xB9\xD9\x84\xDB\x8C,1"
#define ALI_CP1256 "\xD8\xB9\xD9\x84\xD9\x8A,1"

Test(decode, utf8_with_and_without_bom)
{
	enum lk_enc used;
	char *s = dec("\xEF\xBB\xBF" ALI_UTF8, 3 + strlen(ALI_UTF8), LK_ENC_AUTO, &used);
	cr_assert_str_eq(s, ALI_UTF8);
	cr_assert_eq(used, LK_ENC_UTF8);
	free(s);
	s = dec(ALI_UTF8, strlen(ALI_UTF8), LK_ENC_AUTO, &used);
	cr_assert_str_eq(s, ALI_UTF8);
	cr_assert_eq(used, LK_ENC_UTF8);
	free(s);
}

Test(decode, utf16_le_be_bom)
{
	/* ع U+0639, ل U+0644, ی U+06CC, ',' '1' */
	static const unsigned char le[] = {0xFF, 0xFE, 0x39, 0x06, 0x44, 0x06, 0xCC, 0x06,
					   ',',  0,    '1',  0};
	static const unsigned char be[] = {0xFE, 0xFF, 0x06, 0x39, 0x06, 0x44, 0x06, 0xCC,
					   0,    ',',  0,    '1'};
	enum lk_enc used;
	char *s = dec(le, sizeof le, LK_ENC_AUTO, &used);
	cr_assert_str_eq(s, ALI_UTF8);
	cr_assert_eq(used, LK_ENC_UTF16LE);
	free(s);
	s = dec(be, sizeof be, LK_ENC_UTF8, &used); /* the mark wins over the hint */
	cr_assert_str_eq(s, ALI_UTF8);
	cr_assert_eq(used, LK_ENC_UTF16BE);
	free(s);
	/* Without a mark: the zero byte of the first code unit says UTF-16. */
	static const unsigned char bare[] = {'1', 0, ',', 0, 0x39, 0x06};
	s = dec(bare, sizeof bare, LK_ENC_AUTO, &used);
	cr_assert_str_eq(s, "1,\xD8\xB9");
	cr_assert_eq(used, LK_ENC_UTF16LE);
	free(s);
}

Test(decode, windows_1256)
{
	/* Windows-1256: ع 0xDA, ل 0xE1, ي 0xED (Arabic yeh, U+064A: the code
	 * page has no Farsi yeh; folding unifies the two) */
	static const unsigned char cp[] = {0xDA, 0xE1, 0xED, ',', '1'};
	enum lk_enc used;
	char *s = dec(cp, sizeof cp, LK_ENC_CP1256, &used);
	cr_assert_str_eq(s, ALI_CP1256);
	free(s);
	/* Not valid UTF-8 and no mark: taken as the legacy code page. */
	s = dec(cp, sizeof cp, LK_ENC_AUTO, &used);
	cr_assert_eq(used, LK_ENC_CP1256);
	cr_assert_str_eq(s, ALI_CP1256);
	free(s);
	/* Named UTF-8 but it is not: refused, not guessed. */
	char *out = NULL;
	size_t len;
	struct sh_err e = {0};
	cr_assert_eq(lk_decode(cp, sizeof cp, LK_ENC_UTF8, &out, &len, &used, &e), SH_EINVAL);
	cr_assert_str_eq(e.code, "ENCODING_INVALID");
	cr_assert_null(out);
}

static void date_ok(const char *s, int y, int m, int d, int year_only, const char *fmt)
{
	struct lk_date dt;
	struct sh_err e = {0};
	cr_assert_eq(lk_date_parse(s, &dt, &e), SH_OK, "%s: %s", s, e.msg);
	cr_assert_eq(dt.year, y, "%s", s);
	cr_assert_eq(dt.month, m, "%s", s);
	cr_assert_eq(dt.day, d, "%s", s);
	cr_assert_eq(dt.year_only, year_only, "%s", s);
	char out[11];
	lk_date_format(&dt, out);
	cr_assert_str_eq(out, fmt);
}

static void date_bad(const char *s, const char *code)
{
	struct lk_date dt;
	struct sh_err e = {0};
	cr_assert_eq(lk_date_parse(s, &dt, &e), SH_EINVAL, "%s", s);
	cr_assert_str_eq(e.code, code, "%s: %s", s, e.code);
}

Test(date, council_forms)
{
	date_ok("23-04-1987", 1987, 4, 23, 0, "1987-04-23");
	date_ok("23/04/1987", 1987, 4, 23, 0, "1987-04-23");
	date_ok("23.04.1987", 1987, 4, 23, 0, "1987-04-23");
	date_ok("3-4-1987", 1987, 4, 3, 0, "1987-04-03");
	date_ok("1987-04-23", 1987, 4, 23, 0, "1987-04-23");
	date_ok("19870423", 1987, 4, 23, 0, "1987-04-23");
	date_ok(" 29-02-2000 ", 2000, 2, 29, 0, "2000-02-29");
}

Test(date, birth_year_only_kept)
{
	date_ok("01-01-1962", 1962, 0, 0, 1, "1962");
	date_ok("1962-01-01", 1962, 0, 0, 1, "1962");
	date_ok("1962", 1962, 0, 0, 1, "1962");
}

Test(date, refused)
{
	date_bad("31-04-1987", "DATE_INVALID");
	date_bad("29-02-1900", "DATE_INVALID");
	date_bad("12-13-1987", "DATE_INVALID");
	date_bad("1700", "DATE_INVALID");
	date_bad("April 1987", "DATE_FORM");
	date_bad("87-04-23", "DATE_FORM");
	date_bad("23-04/1987", "DATE_FORM");
	date_bad("23-04-1987x", "DATE_FORM");
}

Test(map, parse_resolve_and_rows)
{
	const char *mt = "# council register of UC 3\n"
			 "register_no = Reg No\n"
			 "name = Name   # Latin\n"
			 "father = Father\n"
			 "name_ur = #4\n"
			 "dob = DOB\n"
			 "sex = Sex\n"
			 "id_number = CNIC\n"
			 "council_code = PB-LHR-01-003\n"
			 "encoding = windows-1256\n";
	struct lk_map m;
	struct sh_err e = {0};
	cr_assert_eq(lk_map_parse(mt, &m, &e), SH_OK, "%s", e.msg);
	cr_assert_eq(m.encoding, LK_ENC_CP1256);
	cr_assert_str_eq(m.council, "PB-LHR-01-003");
	const char *t = "reg no,Name,Father,Urdu,dob,SEX,cnic\n"
			"17,Ali Raza,Ahmed,علی رضا,01-01-1990,M,35202-1234567-1\n"
			"18,Bibi,,,31-02-1990,F,\n"
			"19,Zara,,,,x,\n"
			"20,,,,,f,123\n";
	struct lk_csv c;
	lk_csv_init(&c, t, strlen(t), ',');
	cr_assert_eq(lk_csv_next(&c, &row, &e), 1);
	cr_assert_eq(lk_map_resolve(&m, &row, &e), SH_OK, "%s", e.msg);
	cr_assert_eq(m.index[LK_C_REGNO], 0);
	cr_assert_eq(m.index[LK_C_NAME_UR], 3);
	cr_assert_eq(m.index[LK_C_SEX], 5);
	static struct lk_import_rec r;
	cr_assert_eq(lk_csv_next(&c, &row, &e), 1);
	cr_assert_eq(lk_import_row(&m, &row, &r, &e), SH_OK, "%s", e.msg);
	cr_assert_str_eq(r.v[LK_C_REGNO], "17");
	cr_assert_str_eq(r.v[LK_C_NAME_UR], "علی رضا");
	cr_assert_str_eq(r.v[LK_C_IDNO], "3520212345671");
	cr_assert_str_eq(r.v[LK_C_COUNCIL], "PB-LHR-01-003");
	cr_assert(r.has_dob && r.dob.year_only && r.dob.year == 1990);
	cr_assert_eq(r.sex, LK_SEX_MALE);
	cr_assert_eq(lk_csv_next(&c, &row, &e), 1);
	cr_assert_eq(lk_import_row(&m, &row, &r, &e), SH_EINVAL);
	cr_assert_str_eq(e.code, "DATE_INVALID");
	cr_assert_eq(lk_csv_next(&c, &row, &e), 1);
	cr_assert_eq(lk_import_row(&m, &row, &r, &e), SH_EINVAL);
	cr_assert_str_eq(e.code, "SEX_INVALID");
	cr_assert_eq(lk_csv_next(&c, &row, &e), 1);
	cr_assert_eq(lk_import_row(&m, &row, &r, &e), SH_EINVAL);
	cr_assert_str_eq(e.code, "ROW_NO_NAME");
}

Test(map, refused)
{
	struct lk_map m;
	struct sh_err e = {0};
	cr_assert_eq(lk_map_parse("colour = x\n", &m, &e), SH_EINVAL);
	cr_assert_str_eq(e.code, "MAPPING_INVALID");
	cr_assert(strstr(e.msg, "line 1"));
	cr_assert_eq(lk_map_parse("name = Name\nencoding = latin-9\n", &m, &e), SH_EINVAL);
	cr_assert(strstr(e.msg, "line 2"));
	cr_assert_eq(lk_map_parse("name = Name\n", &m, &e), SH_OK);
	const char *t = "Name\n";
	struct lk_csv c;
	lk_csv_init(&c, t, strlen(t), ',');
	cr_assert_eq(lk_csv_next(&c, &row, &e), 1);
	cr_assert_eq(lk_map_resolve(&m, &row, &e), SH_EINVAL);
	cr_assert_str_eq(e.code, "MAPPING_COUNCIL");
	cr_assert_eq(lk_map_parse("name = Nom\ncouncil_code = PB-LHR-01-001\n", &m, &e), SH_OK);
	cr_assert_eq(lk_map_resolve(&m, &row, &e), SH_EINVAL);
	cr_assert_str_eq(e.code, "MAPPING_COLUMN");
}
