/* names.h — name normalization for matching and search (Urdu and Latin).
 *
 * The normalized form is a search key, never shown to people: the registry
 * stores names as written and matches on this form. Rules (docs/registry.md):
 * Unicode compatibility decomposition, Arabic/Urdu letter variants folded to
 * the Urdu letter (ي ى -> ی, ك -> ک, ه -> ہ, ة -> ۃ, ۀ -> ہ), hamza and madda
 * carriers folded to the bare letter (أ إ آ -> ا, ؤ -> و, ئ -> ی, ۂ -> ہ,
 * ۓ -> ے), Arabic-Indic and Eastern Arabic-Indic digits to ASCII, every
 * nonspacing mark removed (zabar, zer, pesh, tanween, shadda, sukun,
 * superscript alef, Latin accents), tatweel and format characters (ZWNJ, ZWJ,
 * bidi marks) removed, Latin case-folded, apostrophes removed, other
 * punctuation and all white space to one space, trimmed; the result is NFC. */
#ifndef SH_REGISTRY_NAMES_H
#define SH_REGISTRY_NAMES_H

#include <stddef.h>

#include "lib/err.h"

#define NAMES_MAX_TOKENS 16
#define NAMES_TOKEN_MAX 128 /* bytes, NUL included */

/* Normalize UTF-8 `in` into out[outsz]. Errors: SH_EINVAL NAME_INVALID_UTF8,
 * SH_ETOOBIG NAME_TOO_LONG (out too small). An input with no letters gives
 * "" (SH_OK); callers decide whether empty is acceptable. */
int names_normalize(const char *in, char *out, size_t outsz, struct sh_err *err)
	__attribute__((warn_unused_result));

/* The distinct words of the normalized form of `in`, in order of first
 * appearance. Words longer than NAMES_TOKEN_MAX - 1 bytes are cut at a
 * character boundary; words past NAMES_MAX_TOKENS are ignored. */
struct names_tokens {
	int n;
	char tok[NAMES_MAX_TOKENS][NAMES_TOKEN_MAX];
};
int names_tokens(const char *in, struct names_tokens *out, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Script checks for person names (valid UTF-8 assumed checked by caller or
 * returns 0): 1 when every letter is Arabic-script (name_ur) / Latin-script
 * (name_en) and there are no digits or control characters. */
int names_is_arabic_script(const char *s);
int names_is_latin_script(const char *s);

#endif
