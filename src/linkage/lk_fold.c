/* lk_fold.c — canonical form of a name in Latin or Arabic (Urdu) script.
 * Councils write the same name with Arabic or Farsi code points for one
 * Urdu letter (keyboards differ), with or without harakat and hamza forms;
 * folding makes those byte-identical before any comparison. */
#include "linkage/lk_text.h"

#include <utf8proc.h>

/* Urdu letter variants -> the one letter we keep; 0 drops the code point. */
static int32_t urdu_unify(int32_t c)
{
	switch (c) {
	case 0x064A: /* ARABIC YEH */
	case 0x0649: /* ALEF MAKSURA */
	case 0x06D0: /* YEH (E) */
		return 0x06CC; /* FARSI YEH, the Urdu choti ye */
	case 0x0643: /* ARABIC KAF */
		return 0x06A9; /* KEHEH, the Urdu kaf */
	case 0x0647: /* ARABIC HEH */
	case 0x0629: /* TEH MARBUTA */
	case 0x06C3: /* TEH MARBUTA GOAL */
	case 0x06D5: /* AE */
		return 0x06C1; /* HEH GOAL */
	case 0x0621: /* bare HAMZA: a spelling choice, not a letter of the name */
	case 0x0640: /* TATWEEL: stretching only */
	case 0x200C: /* ZWNJ */
	case 0x200D: /* ZWJ */
		return 0;
	default:
		break;
	}
	if (c >= 0x0660 && c <= 0x0669)
		return '0' + (c - 0x0660);
	if (c >= 0x06F0 && c <= 0x06F9)
		return '0' + (c - 0x06F0);
	return c;
}

static int is_word_cp(int32_t c)
{
	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
	utf8proc_category_t cat = utf8proc_category(c);
	return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL ||
	       cat == UTF8PROC_CATEGORY_LO || cat == UTF8PROC_CATEGORY_LT ||
	       cat == UTF8PROC_CATEGORY_LM || cat == UTF8PROC_CATEGORY_ND;
}

size_t lk_fold(const char *in, char *out, size_t cap)
{
	size_t n = 0;
	int pending_space = 0;
	if (cap == 0)
		return 0;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)in;
	utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(in);
	while (left > 0) {
		utf8proc_int32_t c;
		utf8proc_ssize_t used = utf8proc_iterate(p, left, &c);
		if (used <= 0) { /* invalid byte: skip it */
			p++;
			left--;
			continue;
		}
		p += used;
		left -= used;
		utf8proc_int32_t dec[16];
		int last = 0;
		utf8proc_ssize_t k = utf8proc_decompose_char(
			c, dec, 16,
			UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_DECOMPOSE,
			&last);
		if (k < 0 || k > 16)
			continue;
		for (utf8proc_ssize_t i = 0; i < k; i++) {
			int32_t d = urdu_unify(dec[i]);
			if (d == 0)
				continue;
			if (!is_word_cp(d)) {
				/* apostrophes inside a word (D'Souza) join it */
				if (d != '\'' && d != 0x2019 && n > 0)
					pending_space = 1;
				continue;
			}
			utf8proc_uint8_t enc[4];
			utf8proc_ssize_t el = utf8proc_encode_char(d, enc);
			if (n + (size_t)el + (size_t)pending_space + 1 > cap)
				goto out;
			if (pending_space) {
				out[n++] = ' ';
				pending_space = 0;
			}
			for (utf8proc_ssize_t j = 0; j < el; j++)
				out[n++] = (char)enc[j];
		}
	}
out:
	out[n] = '\0';
	return n;
}

size_t lk_utf8_decode(const char *s, uint32_t *cp, size_t cap)
{
	size_t n = 0;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(s);
	while (left > 0 && n < cap) {
		utf8proc_int32_t c;
		utf8proc_ssize_t used = utf8proc_iterate(p, left, &c);
		if (used <= 0) {
			p++;
			left--;
			continue;
		}
		p += used;
		left -= used;
		cp[n++] = (uint32_t)c;
	}
	return n;
}
