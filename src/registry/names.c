/* names.c — name normalization for matching and search (see names.h). */
#include "registry/names.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Arabic-script letter variants folded to the letter Urdu uses. The hamza
 * and madda carriers (أ إ آ ؤ ئ ۂ ۓ) need no entry: compatibility
 * decomposition splits them into base letter + U+0653/U+0654/U+0655, and the
 * nonspacing marks are then dropped with the other diacritics. That fold is
 * deliberate: Urdu writers alternate "آمنہ"/"امنہ" and "عائشہ"/"عایشہ", and
 * the normalized form is a search key, not a spelling. */
static int32_t fold_arabic(int32_t c)
{
	switch (c) {
	case 0x064A: /* ARABIC LETTER YEH */
	case 0x0649: /* ARABIC LETTER ALEF MAKSURA */
	case 0x06D0: /* ARABIC LETTER E */
		return 0x06CC; /* FARSI YEH, the Urdu choti ye */
	case 0x0643: /* ARABIC LETTER KAF */
		return 0x06A9; /* KEHEH, the Urdu kaf */
	case 0x0647: /* ARABIC LETTER HEH */
	case 0x06D5: /* ARABIC LETTER AE (base of U+06C0) */
		return 0x06C1; /* HEH GOAL, the Urdu gol he */
	case 0x0629: /* TEH MARBUTA */
		return 0x06C3; /* TEH MARBUTA GOAL */
	default:
		break;
	}
	if (c >= 0x0660 && c <= 0x0669) /* Arabic-Indic digits */
		return '0' + (c - 0x0660);
	if (c >= 0x06F0 && c <= 0x06F9) /* Extended (Eastern) Arabic-Indic digits */
		return '0' + (c - 0x06F0);
	return c;
}

enum { CP_DROP = -1, CP_SPACE = -2 };

static int32_t classify(int32_t c)
{
	if (c == 0x0640) /* TATWEEL: elongation only */
		return CP_DROP;
	/* Apostrophes join: "D'Souza" and "DSouza" are one name. */
	if (c == '\'' || c == 0x2019 || c == 0x2018 || c == 0x02BC || c == '`')
		return CP_DROP;
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_MN: /* diacritics: harakat, shadda, accents */
	case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_CF: /* ZWNJ, ZWJ, bidi marks, BOM, soft hyphen */
	case UTF8PROC_CATEGORY_CS:
	case UTF8PROC_CATEGORY_CO:
	case UTF8PROC_CATEGORY_CN:
		return CP_DROP;
	case UTF8PROC_CATEGORY_CC:
		return (c == '\t' || c == '\n' || c == '\r' || c == 0x0B || c == 0x0C)
			       ? CP_SPACE
			       : CP_DROP;
	case UTF8PROC_CATEGORY_ZS:
	case UTF8PROC_CATEGORY_ZL:
	case UTF8PROC_CATEGORY_ZP:
	case UTF8PROC_CATEGORY_PC:
	case UTF8PROC_CATEGORY_PD:
	case UTF8PROC_CATEGORY_PS:
	case UTF8PROC_CATEGORY_PE:
	case UTF8PROC_CATEGORY_PI:
	case UTF8PROC_CATEGORY_PF:
	case UTF8PROC_CATEGORY_PO:
	case UTF8PROC_CATEGORY_SM:
	case UTF8PROC_CATEGORY_SC:
	case UTF8PROC_CATEGORY_SK:
	case UTF8PROC_CATEGORY_SO:
		return CP_SPACE;
	default:
		return fold_arabic(c);
	}
}

#define NAMES_STACK_CP 512

int names_normalize(const char *in, char *out, size_t outsz, struct sh_err *err)
{
	int32_t stack[NAMES_STACK_CP];
	int32_t *cp = stack;
	int rc = SH_OK;
	if (!in || !out || outsz == 0)
		return sh_err_set(err, SH_EINTERNAL, "NAME_ARGS", "names_normalize: bad arguments");
	size_t inlen = strlen(in);
	if (inlen > 1u << 20)
		return sh_err_set(err, SH_ETOOBIG, "NAME_TOO_LONG", "name too long");
	const utf8proc_option_t opts = UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE |
				       UTF8PROC_CASEFOLD;
	utf8proc_ssize_t n = utf8proc_decompose((const utf8proc_uint8_t *)in,
						(utf8proc_ssize_t)inlen, stack, NAMES_STACK_CP,
						opts);
	if (n > NAMES_STACK_CP) {
		cp = malloc((size_t)n * sizeof *cp);
		if (!cp)
			return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "names_normalize");
		utf8proc_ssize_t m = utf8proc_decompose((const utf8proc_uint8_t *)in,
							(utf8proc_ssize_t)inlen, cp, n, opts);
		if (m != n) {
			rc = sh_err_set(err, SH_EINTERNAL, "NAME_DECOMPOSE", "decomposition changed");
			goto out;
		}
	}
	if (n < 0) {
		rc = sh_err_set(err, SH_EINVAL, "NAME_INVALID_UTF8", "name is not valid UTF-8: %s",
				utf8proc_errmsg(n));
		goto out;
	}

	/* Map, then collapse runs of spaces and trim, in place. */
	utf8proc_ssize_t w = 0;
	int pending_space = 0;
	for (utf8proc_ssize_t i = 0; i < n; i++) {
		int32_t c = classify(cp[i]);
		if (c == CP_DROP)
			continue;
		if (c == CP_SPACE) {
			pending_space = w > 0;
			continue;
		}
		if (pending_space) {
			cp[w++] = ' ';
			pending_space = 0;
		}
		cp[w++] = c;
	}
	/* Only Mc/Mn-free letters remain, so composition is a no-op for the
	 * scripts we fold; it still matters for others (Hangul jamo). */
	utf8proc_ssize_t bytes = utf8proc_reencode(cp, w, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (bytes < 0) {
		rc = sh_err_set(err, SH_EINTERNAL, "NAME_ENCODE", "%s", utf8proc_errmsg(bytes));
		goto out;
	}
	if ((size_t)bytes + 1 > outsz) {
		rc = sh_err_set(err, SH_ETOOBIG, "NAME_TOO_LONG",
				"normalized name needs %zd bytes", bytes + 1);
		goto out;
	}
	memcpy(out, cp, (size_t)bytes);
	out[bytes] = '\0';
out:
	if (cp != stack)
		free(cp);
	return rc;
}

int names_tokens(const char *in, struct names_tokens *out, struct sh_err *err)
{
	char norm[1024];
	out->n = 0;
	int rc = names_normalize(in, norm, sizeof norm, err);
	if (rc != SH_OK)
		return rc;
	char *p = norm;
	while (*p && out->n < NAMES_MAX_TOKENS) {
		char *sp = strchr(p, ' ');
		size_t len = sp ? (size_t)(sp - p) : strlen(p);
		if (len > NAMES_TOKEN_MAX - 1) {
			len = NAMES_TOKEN_MAX - 1;
			/* back off to the start of a UTF-8 sequence */
			while (len > 0 && ((unsigned char)p[len] & 0xC0) == 0x80)
				len--;
		}
		int dup = 0;
		for (int i = 0; i < out->n; i++)
			if (strlen(out->tok[i]) == len && memcmp(out->tok[i], p, len) == 0)
				dup = 1;
		if (!dup && len > 0) {
			memcpy(out->tok[out->n], p, len);
			out->tok[out->n][len] = '\0';
			out->n++;
		}
		if (!sp)
			break;
		p = sp + 1;
	}
	return SH_OK;
}

static int is_arabic_letter(int32_t c)
{
	return (c >= 0x0600 && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F) ||
	       (c >= 0x08A0 && c <= 0x08FF) || (c >= 0xFB50 && c <= 0xFDFF) ||
	       (c >= 0xFE70 && c <= 0xFEFF);
}

static int is_latin_letter(int32_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= 0x00C0 && c <= 0x024F &&
	       c != 0x00D7 && c != 0x00F7) || (c >= 0x1E00 && c <= 0x1EFF);
}

/* Letters of one script; spaces, punctuation and combining marks allowed;
 * digits, symbols (emoji) and control characters refused. */
static int names_script_check(const char *s, int (*is_letter)(int32_t))
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(s);
	int letters = 0;
	while (left > 0) {
		int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(p, left, &c);
		if (k <= 0)
			return 0;
		p += k;
		left -= k;
		utf8proc_category_t cat = utf8proc_category(c);
		switch (cat) {
		case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
		case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
			if (c != 0x0640 && !is_letter(c))
				return 0;
			letters++;
			break;
		case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC:
		case UTF8PROC_CATEGORY_PD: case UTF8PROC_CATEGORY_PO:
		case UTF8PROC_CATEGORY_PS: case UTF8PROC_CATEGORY_PE:
		case UTF8PROC_CATEGORY_PI: case UTF8PROC_CATEGORY_PF:
		case UTF8PROC_CATEGORY_CF:
			break;
		case UTF8PROC_CATEGORY_ZS:
			break;
		case UTF8PROC_CATEGORY_SK: /* modifier letters like U+02BC */
			break;
		default:
			return 0;
		}
	}
	return letters > 0;
}

int names_is_arabic_script(const char *s)
{
	return s && names_script_check(s, is_arabic_letter);
}

int names_is_latin_script(const char *s)
{
	return s && names_script_check(s, is_latin_letter);
}
