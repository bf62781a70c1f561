/* lk_text.h — text primitives of record linkage: folding a name to a
 * canonical form (both scripts), the cross-script transliteration key, and
 * the string comparators. Pure: nothing of ours but lib/ (and utf8proc). */
#ifndef SH_LINKAGE_LK_TEXT_H
#define SH_LINKAGE_LK_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* The longest field a comparator looks at, in code points; longer input is
 * cut (names and addresses are far shorter). */
#define LK_MAX_CP 96

/* Fold UTF-8 `in` into `out` (NUL-terminated UTF-8, at most cap bytes):
 * compatibility decomposition, case folding, marks stripped (Latin accents
 * and Arabic harakat alike), Urdu letter variants unified (Arabic yeh/alef
 * maksura -> Farsi yeh, Arabic kaf -> keheh, heh/teh marbuta -> heh goal,
 * hamza carriers -> their base letter, bare hamza and tatweel dropped),
 * Arabic-Indic digits -> ASCII, punctuation -> space, runs of space -> one,
 * no space at either end. Returns the length, or 0 for an empty result. */
size_t lk_fold(const char *in, char *out, size_t cap);

/* The transliteration key of a FOLDED string: a consonant skeleton in
 * ASCII that Urdu script and its romanizations share ("Muhammad",
 * "Mohammed", "محمد" -> "md"). Words keep their order, separated by one
 * space. Returns the length (0: nothing left). */
size_t lk_translit_key(const char *folded, char *out, size_t cap);

/* Decode UTF-8 into at most `cap` code points; returns how many. Invalid
 * bytes are skipped. */
size_t lk_utf8_decode(const char *s, uint32_t *cp, size_t cap);

/* Jaro and Jaro-Winkler (prefix scale 0.1, prefix of up to 4) over code
 * points; both 1.0 for two empty strings. */
/* (inputs longer than LK_MAX_CP are cut there) */
double lk_jaro(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);
double lk_jaro_winkler(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);
/* The same over UTF-8 strings. */
double lk_jw_str(const char *a, const char *b);

/* Optimal-string-alignment distance (Damerau-Levenshtein with adjacent
 * transpositions) over bytes, stopping early above `max` (returns max+1). */
int lk_osa_distance(const char *a, const char *b, int max);

/* Name similarity in [0,1] of two FOLDED names with their keys: the best
 * of Jaro-Winkler on the folded forms (same script only) and on the keys,
 * so that a name in Urdu script can meet its romanization. */
double lk_name_sim(const char *fa, const char *ka, const char *fb, const char *kb);

#endif
