/* lk_jw.c — Jaro, Jaro-Winkler (Winkler 1990) and the OSA edit distance;
 * and the name similarity built on them. */
#include "linkage/lk_text.h"

#include <string.h>

static double jaro_scalar(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	if (na > LK_MAX_CP) /* the match marks below are bounded */
		na = LK_MAX_CP;
	if (nb > LK_MAX_CP)
		nb = LK_MAX_CP;
	if (na == 0 && nb == 0)
		return 1.0;
	if (na == 0 || nb == 0)
		return 0.0;
	size_t maxlen = na > nb ? na : nb;
	size_t win = maxlen / 2 > 0 ? maxlen / 2 - 1 : 0;
	unsigned char ma[LK_MAX_CP] = {0}, mb[LK_MAX_CP] = {0};
	size_t m = 0;
	for (size_t i = 0; i < na; i++) {
		size_t lo = i > win ? i - win : 0;
		size_t hi = i + win + 1 < nb ? i + win + 1 : nb;
		for (size_t j = lo; j < hi; j++) {
			if (mb[j] || a[i] != b[j])
				continue;
			ma[i] = mb[j] = 1;
			m++;
			break;
		}
	}
	if (m == 0)
		return 0.0;
	size_t t = 0, j = 0;
	for (size_t i = 0; i < na; i++) {
		if (!ma[i])
			continue;
		while (!mb[j])
			j++;
		if (a[i] != b[j])
			t++;
		j++;
	}
	double md = (double)m;
	return (md / (double)na + md / (double)nb + (md - (double)t / 2.0) / md) / 3.0;
}

/* The letters a bit-parallel Jaro can index: Latin-1 and the Arabic block,
 * which hold every folded name and every key; -1 for anything else. */
static int jaro_slot(uint32_t c)
{
	if (c < 0x100)
		return (int)c;
	if (c >= 0x600 && c < 0x700)
		return (int)(c - 0x600 + 0x100);
	return -1;
}

/* positions of each letter in b, a bit each; zero between calls (each call
 * clears what it set), one table per thread */
static _Thread_local uint64_t jaro_pos[0x200];

/* The same matching as jaro_scalar — a's letters in order each take the
 * first unmatched equal letter of b inside the window — with the
 * candidates of a letter found as one mask instead of a scan of the
 * window; so the result is identical. Strings up to 64 code points. */
double lk_jaro(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	if (na > 64 || nb > 64 || na == 0 || nb == 0)
		return jaro_scalar(a, na, b, nb);
	int sa[64];
	for (size_t i = 0; i < na; i++)
		if ((sa[i] = jaro_slot(a[i])) < 0)
			return jaro_scalar(a, na, b, nb);
	for (size_t j = 0; j < nb; j++) {
		int k = jaro_slot(b[j]);
		if (k < 0) {
			for (size_t x = 0; x < j; x++)
				jaro_pos[jaro_slot(b[x])] = 0;
			return jaro_scalar(a, na, b, nb);
		}
		jaro_pos[k] |= 1ULL << j;
	}
	size_t maxlen = na > nb ? na : nb;
	size_t win = maxlen / 2 > 0 ? maxlen / 2 - 1 : 0;
	uint64_t used_b = 0, all_b = nb == 64 ? ~0ULL : (1ULL << nb) - 1;
	uint64_t used_a = 0;
	size_t m = 0;
	for (size_t i = 0; i < na; i++) {
		size_t lo = i > win ? i - win : 0;
		size_t hi = i + win + 1 < nb ? i + win + 1 : nb;
		if (lo >= hi)
			continue;
		uint64_t w = (hi - lo == 64 ? ~0ULL : ((1ULL << (hi - lo)) - 1) << lo) & all_b;
		uint64_t c = jaro_pos[sa[i]] & w & ~used_b;
		if (!c)
			continue;
		used_b |= c & -c;
		used_a |= 1ULL << i;
		m++;
	}
	for (size_t j = 0; j < nb; j++)
		jaro_pos[jaro_slot(b[j])] = 0;
	if (m == 0)
		return 0.0;
	size_t t = 0;
	uint64_t ua = used_a, ub = used_b;
	while (ua) {
		int i = __builtin_ctzll(ua), j = __builtin_ctzll(ub);
		if (a[i] != b[j])
			t++;
		ua &= ua - 1;
		ub &= ub - 1;
	}
	double md = (double)m;
	return (md / (double)na + md / (double)nb + (md - (double)t / 2.0) / md) / 3.0;
}

double lk_jaro_winkler(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	double j = lk_jaro(a, na, b, nb);
	size_t l = 0;
	while (l < 4 && l < na && l < nb && a[l] == b[l])
		l++;
	return j + (double)l * 0.1 * (1.0 - j);
}

/* code points of s: bytes as they are while they are ASCII (nearly every
 * romanized name and every key), the UTF-8 decoder otherwise */
static size_t decode(const char *s, uint32_t *cp)
{
	size_t n = 0;
	for (; s[n] && n < LK_MAX_CP; n++) {
		if ((unsigned char)s[n] >= 0x80)
			return lk_utf8_decode(s, cp, LK_MAX_CP);
		cp[n] = (unsigned char)s[n];
	}
	return n;
}

double lk_jw_str(const char *a, const char *b)
{
	uint32_t ca[LK_MAX_CP], cb[LK_MAX_CP];
	size_t na = decode(a, ca);
	size_t nb = decode(b, cb);
	return lk_jaro_winkler(ca, na, cb, nb);
}

/* distance <= 1 (one substitution, insertion, deletion or adjacent
 * transposition) in one pass, for the comparisons that ask only that */
static int osa_within_one(const char *a, size_t na, const char *b, size_t nb)
{
	size_t i = 0;
	while (i < na && i < nb && a[i] == b[i])
		i++;
	if (i == na && i == nb)
		return 0;
	if (na == nb) {
		if (!strcmp(a + i + 1, b + i + 1))
			return 1; /* substitution */
		return i + 1 < na && a[i] == b[i + 1] && a[i + 1] == b[i] &&
			       !strcmp(a + i + 2, b + i + 2) ?
			       1 : 2; /* transposition */
	}
	if (na == nb + 1)
		return !strcmp(a + i + 1, b + i) ? 1 : 2;
	if (nb == na + 1)
		return !strcmp(a + i, b + i + 1) ? 1 : 2;
	return 2;
}

int lk_osa_distance(const char *a, const char *b, int max)
{
	size_t na = strlen(a), nb = strlen(b);
	if (na > 63 || nb > 63)
		return max + 1;
	if ((na > nb ? na - nb : nb - na) > (size_t)max)
		return max + 1;
	if (max == 1)
		return osa_within_one(a, na, b, nb);
	if (max < 1)
		return strcmp(a, b) ? max + 1 : 0;
	int d[64][64];
	for (size_t i = 0; i <= na; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= nb; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= na; i++) {
		int rowmin = d[i][0]; /* (an empty b has no columns to lower it) */
		for (size_t j = 1; j <= nb; j++) {
			int cost = a[i - 1] != b[j - 1];
			int v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
			if (v < rowmin)
				rowmin = v;
		}
		if (rowmin > max)
			return max + 1;
	}
	return d[na][nb] > max ? max + 1 : d[na][nb];
}

static int is_latin(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

double lk_name_sim(const char *fa, const char *ka, const char *fb, const char *kb)
{
	double best = 0.0;
	if (is_latin(fa) == is_latin(fb))
		best = lk_jw_str(fa, fb);
	if (*ka && *kb) {
		/* a key is a skeleton: agreement on it is weaker evidence than on
		 * the full spelling, so it is discounted a little. */
		double k = lk_jw_str(ka, kb);
		/* the mark of an initial vowel is often lost (Usman / Sman is
		 * rare, but ain and alef are dropped and added freely) */
		if ((*ka == 'A') != (*kb == 'A')) {
			double k2 = lk_jw_str(*ka == 'A' ? ka + 1 : ka, *kb == 'A' ? kb + 1 : kb);
			if (k2 > k)
				k = k2;
		}
		if (k * 0.97 > best)
			best = k * 0.97;
	}
	return best;
}
