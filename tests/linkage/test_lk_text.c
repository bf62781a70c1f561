/* test_lk_text.c — known answers of the comparators, folding and the
 * transliteration key. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "linkage/lk_link.h"
#include "linkage/lk_text.h"

static double jaro_s(const char *a, const char *b)
{
	uint32_t ca[LK_MAX_CP], cb[LK_MAX_CP];
	size_t na = lk_utf8_decode(a, ca, LK_MAX_CP), nb = lk_utf8_decode(b, cb, LK_MAX_CP);
	return lk_jaro(ca, na, cb, nb);
}

Test(lk_text, jaro_winkler_known_answers)
{
	/* Winkler's classic examples (to 3 places) */
	cr_assert_float_eq(jaro_s("martha", "marhta"), 0.944, 0.001);
	cr_assert_float_eq(lk_jw_str("martha", "marhta"), 0.961, 0.001);
	cr_assert_float_eq(jaro_s("dwayne", "duane"), 0.822, 0.001);
	cr_assert_float_eq(lk_jw_str("dwayne", "duane"), 0.840, 0.001);
	cr_assert_float_eq(jaro_s("dixon", "dicksonx"), 0.767, 0.001);
	cr_assert_float_eq(lk_jw_str("dixon", "dicksonx"), 0.813, 0.001);
	cr_assert_float_eq(lk_jw_str("", ""), 1.0, 1e-12);
	cr_assert_float_eq(lk_jw_str("abc", ""), 0.0, 1e-12);
	cr_assert_float_eq(lk_jw_str("abc", "xyz"), 0.0, 1e-12);
	/* over code points, not bytes: one Urdu letter differs of four */
	cr_assert(lk_jw_str("محمد", "محمود") > 0.85);
}

Test(lk_text, osa_distance)
{
	cr_assert_eq(lk_osa_distance("4011", "4011", 1), 0);
	cr_assert_eq(lk_osa_distance("4011", "4101", 1), 1); /* transposition */
	cr_assert_eq(lk_osa_distance("4011", "4012", 1), 1);
	cr_assert_eq(lk_osa_distance("4011", "5012", 1), 2); /* capped: max + 1 */
	cr_assert_eq(lk_osa_distance("ca", "abc", 3), 3);    /* OSA, not full DL */
}

static void fold_is(const char *in, const char *want)
{
	char out[128];
	lk_fold(in, out, sizeof out);
	cr_assert_str_eq(out, want, "fold(%s) = %s, want %s", in, out, want);
}

Test(lk_text, folding_latin_and_urdu)
{
	fold_is("  José  O'Brien-Smith ", "jose obrien smith");
	fold_is("MUHAMMAD", "muhammad");
	/* Arabic yeh and alef maksura -> Farsi yeh; Arabic kaf -> keheh */
	fold_is("علي", "علی");
	fold_is("على", "علی");
	fold_is("كريم", "کریم");
	/* heh and teh marbuta -> heh goal */
	fold_is("فاطمه", "فاطمہ");
	fold_is("فاطمة", "فاطمہ");
	/* harakat and shadda go; hamza carriers become their base letter */
	fold_is("مُحَمَّد", "محمد");
	fold_is("أحمد", "احمد");
	fold_is("إبراهيم", "ابراہیم");
	fold_is("مؤمن", "مومن");
	fold_is("قائد", "قاید");
	/* bare hamza and tatweel vanish; Urdu digits become ASCII */
	fold_is("عائشہ", "عایشہ");
	fold_is("محـــمد", "محمد");
	fold_is("۱۹۹۰", "1990");
	fold_is("١٩٩٠", "1990");
}

static void key_is(const char *in, const char *want)
{
	char f[128], k[128];
	lk_fold(in, f, sizeof f);
	lk_translit_key(f, k, sizeof k);
	cr_assert_str_eq(k, want, "key(%s) = %s, want %s", in, k, want);
}

Test(lk_text, transliteration_key_brings_spellings_together)
{
	key_is("Muhammad", "md");
	key_is("Mohammad", "md");
	key_is("Muhammed", "md");
	key_is("Mohammed", "md");
	key_is("محمد", "md");
	key_is("مُحَمَّد", "md");
	key_is("Ahmad", "Amd");
	key_is("Ahmed", "Amd");
	key_is("احمد", "Amd");
	key_is("Shahid", "Sd");
	key_is("شاہد", "Sd");
	key_is("Khan", "kn");
	key_is("خان", "kn");
	key_is("Usman", "Asmn");
	key_is("Osman", "Asmn");
	key_is("عثمان", "Asmn");
	key_is("Yousaf", "ysf");
	key_is("یوسف", "ysf");
	key_is("Waqar Younis", "wkr yns");
	key_is("وقار یونس", "wkr yns");
	/* different names keep different keys */
	char a[64], b[64];
	lk_translit_key("ali", a, sizeof a);
	lk_translit_key("umar", b, sizeof b);
	cr_assert_str_neq(a, b);
}

Test(lk_text, name_similarity_across_scripts)
{
	char fa[64], ka[64], fb[64], kb[64];
	lk_fold("محمد", fa, sizeof fa);
	lk_translit_key(fa, ka, sizeof ka);
	lk_fold("Mohammed", fb, sizeof fb);
	lk_translit_key(fb, kb, sizeof kb);
	cr_assert(lk_name_sim(fa, ka, fb, kb) >= 0.92);
	lk_fold("Zainab", fb, sizeof fb);
	lk_translit_key(fb, kb, sizeof kb);
	cr_assert(lk_name_sim(fa, ka, fb, kb) < 0.8);
}

Test(lk_text, dates_normalise)
{
	char d[9];
	cr_assert(lk_date_norm("19990219", d));
	cr_assert_str_eq(d, "19990219");
	cr_assert(lk_date_norm("1999-2-9", d));
	cr_assert_str_eq(d, "19990209");
	cr_assert(lk_date_norm("09/02/1999", d));
	cr_assert_str_eq(d, "19990209");
	cr_assert(lk_date_norm("1999", d)); /* birth year only is kept as such */
	cr_assert_str_eq(d, "19990000");
	cr_assert(!lk_date_norm("unknown", d));
}
