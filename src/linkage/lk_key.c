/* lk_key.c — the transliteration key: a consonant skeleton that an Urdu
 * name and its romanizations share. Romanizations disagree mostly on the
 * vowels (Muhammad/Mohammed, Usman/Osman), on doubled letters and on
 * silent or aspirate h (Ahmad/Ahmed, Shahid/Shaheed); Urdu script writes
 * short vowels not at all and long ones with alef, vao and ye, which also
 * serve as consonants. So the key keeps consonants only, maps each Urdu
 * letter and each Latin letter or digraph to one consonant class (the
 * four Urdu letters for z are one class, as are the three for s), drops h
 * and the vowel letters inside a word, keeps one mark for a word that
 * starts with a vowel, and collapses doubled classes. */
#include "linkage/lk_text.h"

#include <string.h>

/* Class of a Latin consonant given the next code point (digraphs with h);
 * *eat is set when the h is consumed. 0: emits nothing. */
static char latin_class(uint32_t c, uint32_t next, int first, int *eat)
{
	*eat = 0;
	if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u')
		return first ? 'A' : 0;
	if (c == 'y')
		return first ? 'y' : 0;
	if (c == 'w' || c == 'v')
		return first ? 'w' : 0;
	if (c == 'h')
		return 0;
	if (next == 'h') {
		*eat = 1;
		switch (c) {
		case 's': return 'S';
		case 'k': return 'k';
		case 'g': return 'g';
		case 'p': return 'f';
		case 'c': return 'C';
		case 'z': return 'z';
		case 'q': return 'k';
		default: break; /* ph, th, dh, bh, jh, rh: aspirates of p t d b j r */
		}
		*eat = 1;
	}
	switch (c) {
	case 'c': return 'k';
	case 'q': return 'k';
	case 'x': return 'k';
	default: break;
	}
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return (char)c;
	return 0;
}

static char urdu_class(uint32_t c, int first)
{
	switch (c) {
	case 0x0627: case 0x0622: case 0x0639: /* alef, alef madda, ain */
		return first ? 'A' : 0;
	case 0x0648: return first ? 'w' : 0;      /* vao */
	case 0x06CC: case 0x06D2: return first ? 'y' : 0; /* ye, bari ye */
	case 0x062D: case 0x06C1: return 0;        /* he (both) */
	case 0x0628: return 'b';
	case 0x067E: return 'p';
	case 0x062A: case 0x0679: case 0x0637: return 't';
	case 0x062B: case 0x0633: case 0x0635: return 's';
	case 0x062C: return 'j';
	case 0x0686: return 'C';
	case 0x062E: return 'k'; /* khe: romanized kh, q and k alike */
	case 0x062F: case 0x0688: return 'd';
	case 0x0630: case 0x0632: case 0x0636: case 0x0638: case 0x0698: return 'z';
	case 0x0631: case 0x0691: return 'r';
	case 0x0634: return 'S';
	case 0x063A: return 'g'; /* ghain: gh or g */
	case 0x0641: return 'f';
	case 0x0642: case 0x06A9: return 'k';
	case 0x06AF: return 'g';
	case 0x0644: return 'l';
	case 0x0645: return 'm';
	case 0x0646: case 0x06BA: return 'n';
	default: break;
	}
	if (c >= '0' && c <= '9')
		return (char)c;
	return 0;
}

size_t lk_translit_key(const char *folded, char *out, size_t cap)
{
	uint32_t cp[LK_MAX_CP];
	size_t n = lk_utf8_decode(folded, cp, LK_MAX_CP);
	size_t o = 0;
	int first = 1;
	char prev = 0;
	if (cap == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t c = cp[i];
		char k;
		if (c == ' ') {
			if (o > 0 && out[o - 1] != ' ' && o + 1 < cap)
				out[o++] = ' ';
			first = 1;
			prev = 0;
			continue;
		}
		if (c == 0x06BE) { /* do chashmi he: aspirates the letter before */
			if (prev == 'p' && o > 0)
				out[o - 1] = prev = 'f'; /* ph, as romanizations write it */
			first = 0;
			continue;
		}
		if (c < 0x80) {
			int eat;
			k = latin_class(c, i + 1 < n ? cp[i + 1] : 0, first, &eat);
			if (eat)
				i++;
		} else {
			k = urdu_class(c, first);
		}
		first = 0;
		if (k == 0 || k == prev)
			continue;
		if (o + 1 >= cap)
			break;
		out[o++] = k;
		prev = k;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	return o;
}
