/* lk_compare.c — the comparison vector: each field's level of agreement.
 * The level boundaries are general (Jaro-Winkler 0.92 and 0.80 are the
 * bands Winkler and the Splink defaults use); the weights of the levels
 * are not set here but estimated by EM from the data. */
#include "linkage/lk_link.h"
#include "linkage/lk_text.h"

#include <string.h>

static const char *const names[LK_NF] = {
	"given_name", "surname", "father_name", "date_of_birth", "sex", "street_number",
	"address_1", "address_2", "locality", "postcode", "region", "id_number",
};

const char *lk_field_name(int f)
{
	return f >= 0 && f < LK_NF ? names[f] : "?";
}

int lk_field_levels(int f)
{
	switch (f) {
	case LK_GIVEN: case LK_SURNAME: case LK_FATHER: case LK_DOB:
	case LK_ADDR1: case LK_ADDR2: case LK_LOCALITY:
		return 4;
	case LK_STREETNO: case LK_POSTCODE: case LK_IDNO:
		return 3;
	default:
		return 2;
	}
}

/* exact 3, close 2, similar 1, different 0 */
static uint8_t cmp_name(const char *a, const char *ka, const char *b, const char *kb)
{
	if (!strcmp(a, b))
		return 3;
	/* equal keys give a similarity of at least 0.97 (lk_name_sim), so the
	 * level is known without a Jaro-Winkler; most spelling variants of
	 * one name get here */
	if (*ka && !strcmp(ka, kb))
		return 2;
	double s = lk_name_sim(a, ka, b, kb);
	return s >= 0.92 ? 2 : s >= 0.80 ? 1 : 0;
}

static uint8_t cmp_text(const char *a, const char *b)
{
	if (!strcmp(a, b))
		return 3;
	double s = lk_jw_str(a, b);
	return s >= 0.92 ? 2 : s >= 0.80 ? 1 : 0;
}

/* exact 2, one edit or transposition 1, else 0 */
static uint8_t cmp_code(const char *a, const char *b)
{
	if (!strcmp(a, b))
		return 2;
	return lk_osa_distance(a, b, 1) <= 1 ? 1 : 0;
}

/* exact 3; one edit, or day and month swapped 2; same year (and the one
 * way to agree with a birth-year-only date) 1; else 0. */
static uint8_t cmp_date(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	int a_year_only = na == 8 && !memcmp(a + 4, "0000", 4);
	int b_year_only = nb == 8 && !memcmp(b + 4, "0000", 4);
	if (a_year_only || b_year_only)
		return na >= 4 && nb >= 4 && !memcmp(a, b, 4) ? 1 : 0;
	if (!strcmp(a, b))
		return 3;
	if (na == 8 && nb == 8 && !memcmp(a, b, 4) && !memcmp(a + 4, b + 6, 2) &&
	    !memcmp(a + 6, b + 4, 2))
		return 2;
	if (lk_osa_distance(a, b, 1) <= 1)
		return 2;
	if (na >= 4 && nb >= 4 && !memcmp(a, b, 4))
		return 1;
	return 0;
}

void lk_compare(const struct lk_rec *a, const struct lk_rec *b, uint8_t gamma[LK_NF])
{
	for (int f = 0; f < LK_NF; f++) {
		const char *x = a->f[f], *y = b->f[f];
		if (!*x || !*y) {
			gamma[f] = LK_MISSING;
			continue;
		}
		switch (f) {
		case LK_GIVEN: gamma[f] = cmp_name(x, a->key[0], y, b->key[0]); break;
		case LK_SURNAME: gamma[f] = cmp_name(x, a->key[1], y, b->key[1]); break;
		case LK_FATHER: gamma[f] = cmp_name(x, a->key[2], y, b->key[2]); break;
		case LK_DOB: gamma[f] = cmp_date(x, y); break;
		case LK_ADDR1: case LK_ADDR2: case LK_LOCALITY: gamma[f] = cmp_text(x, y); break;
		case LK_STREETNO: case LK_POSTCODE: case LK_IDNO: gamma[f] = cmp_code(x, y); break;
		default: gamma[f] = !strcmp(x, y) ? 1 : 0; break;
		}
	}
}
