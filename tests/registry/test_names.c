/* test_names.c — Urdu and Latin name normalization. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "registry/names.h"

static const char *norm(const char *in)
{
	static char out[512];
	struct sh_err err;
	cr_assert_eq(names_normalize(in, out, sizeof out, &err), 0, "%s: %s", in, err.msg);
	return out;
}

static void same(const char *a, const char *b)
{
	char x[512];
	snprintf(x, sizeof x, "%s", norm(a));
	cr_assert_str_eq(x, norm(b), "'%s' vs '%s'", a, b);
}

Test(names, urdu_variants_fold)
{
	/* shadda and Arabic yeh vs Farsi yeh */
	same("محمد علی", "محمّد علي");
	cr_assert_str_eq(norm("محمّد علي"), "محمد علی");
	/* Arabic kaf / heh vs Urdu keheh / heh goal */
	same("کلثوم", "كلثوم");
	same("فاطمہ", "فاطمه");
	same("فاطمۃ", "فاطمة");
	/* alef maksura */
	same("عیسی", "عيسى");
	/* diacritics: zabar, zer, pesh, tanween, sukun, superscript alef */
	same("عُمَر", "عمر");
	same("عیسیٰ", "عیسی");
	same("اِمْرَان", "امران");
	same("فوراً", "فورا");
	/* tatweel */
	same("احـــمد", "احمد");
	/* hamza and madda carriers */
	same("آمنہ", "امنہ");
	same("أحمد", "احمد");
	same("إبراہیم", "ابراہیم");
	same("عائشہ", "عایشہ");
	/* ZWNJ inside a word */
	same("عبد\u200cالله", "عبدالله");
	/* Arabic presentation forms (compatibility) */
	same("\uFEE3\uFEA4\uFEE4\uFEAA", "محمد");
}

Test(names, digits_to_ascii)
{
	cr_assert_str_eq(norm("\u0661\u0662\u0663"), "123");
	cr_assert_str_eq(norm("\u06F4\u06F5\u06F6"), "456");
}

Test(names, latin_case_accents_spaces)
{
	cr_assert_str_eq(norm("  Muhammad   ALI  "), "muhammad ali");
	same("José Núñez", "jose nunez");
	same("Ayşe", "ayse");
	same("D'Souza", "dsouza");
	same("Muhammad-Ali", "muhammad ali");
	same("M. Ali", "m ali");
	same("Strasse", "STRAßE");
	cr_assert_str_eq(norm("\tAli\n\u00A0Khan\r"), "ali khan");
	cr_assert_str_eq(norm(""), "");
	cr_assert_str_eq(norm(" \u064E "), "");
}

Test(names, invalid_utf8_and_small_buffer)
{
	char out[8];
	struct sh_err err;
	cr_assert_eq(names_normalize("ab\xC3(", out, sizeof out, &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "NAME_INVALID_UTF8");
	cr_assert_eq(names_normalize("abcdefghijk", out, sizeof out, &err), SH_ETOOBIG);
	cr_assert_eq(names_normalize("abcdefg", out, sizeof out, &err), 0);
}

Test(names, long_input_uses_heap)
{
	char in[3000], out[4096];
	for (size_t i = 0; i < sizeof in - 1; i++)
		in[i] = (i % 7 == 6) ? ' ' : 'A';
	in[sizeof in - 1] = '\0';
	struct sh_err err;
	cr_assert_eq(names_normalize(in, out, sizeof out, &err), 0);
	cr_assert_eq(out[0], 'a');
	cr_assert_eq(strlen(out), sizeof in - 1 - (out[strlen(out) - 1] == ' '));
}

Test(names, tokens)
{
	struct names_tokens t;
	struct sh_err err;
	cr_assert_eq(names_tokens("Muhammad  Ali muhammad KHAN", &t, &err), 0);
	cr_assert_eq(t.n, 3);
	cr_assert_str_eq(t.tok[0], "muhammad");
	cr_assert_str_eq(t.tok[1], "ali");
	cr_assert_str_eq(t.tok[2], "khan");
	cr_assert_eq(names_tokens("محمّد علي", &t, &err), 0);
	cr_assert_eq(t.n, 2);
	cr_assert_str_eq(t.tok[1], "علی");
	cr_assert_eq(names_tokens("  ", &t, &err), 0);
	cr_assert_eq(t.n, 0);
}

Test(names, scripts)
{
	cr_assert(names_is_arabic_script("محمّد علی"));
	cr_assert_not(names_is_arabic_script("محمد Ali"));
	cr_assert_not(names_is_arabic_script("محمد ۲"));
	cr_assert(names_is_latin_script("José D'Souza-Khan"));
	cr_assert_not(names_is_latin_script("Ali 2"));
	cr_assert_not(names_is_latin_script("Ali \xF0\x9F\x98\x80"));
	cr_assert_not(names_is_latin_script("علی"));
	cr_assert_not(names_is_latin_script("   "));
	cr_assert_not(names_is_latin_script("Ali\x01"));
}
