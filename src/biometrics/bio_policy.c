/* bio_policy.c — the age and exemption policy as one table (bio_policy.h).
 *
 * Seeds' values: a photograph from birth; fingerprints and iris from 6 to
 * 18 for a child registration certificate; otherwise fingerprints not
 * under 10 (ISO/IEC 19794-4 practice: ridge detail of younger children is
 * not stable enough to de-duplicate) and iris not under 6. An exemption
 * removes fingerprints and falls back to face and iris. */
#include <string.h>

#include "biometrics/bio_policy.h"

#define AGE_MAX 200

static const struct {
	enum bio_document doc;
	int min_age, max_age;    /* inclusive, whole years */
	unsigned modality;
} rules[] = {
	/* document        ages        modality */
	{BIO_DOC_ID_CARD, 0, AGE_MAX, BIO_M_PHOTO},
	{BIO_DOC_ID_CARD, 10, AGE_MAX, BIO_M_FINGERPRINT},
	{BIO_DOC_ID_CARD, 6, AGE_MAX, BIO_M_IRIS},
	{BIO_DOC_CRC, 0, 17, BIO_M_PHOTO},
	{BIO_DOC_CRC, 6, 17, BIO_M_FINGERPRINT},
	{BIO_DOC_CRC, 6, 17, BIO_M_IRIS},
};

/* What an exemption takes away, and what it requires instead. */
static const struct {
	enum bio_exemption ex;
	unsigned removes, falls_back_to;
} exemptions[] = {
	{BIO_EXEMPT_ELDERLY, BIO_M_FINGERPRINT, BIO_M_PHOTO | BIO_M_IRIS},
	{BIO_EXEMPT_SKIN, BIO_M_FINGERPRINT, BIO_M_PHOTO | BIO_M_IRIS},
	{BIO_EXEMPT_AMPUTEE, BIO_M_FINGERPRINT, BIO_M_PHOTO | BIO_M_IRIS},
};

unsigned bio_policy_modalities(enum bio_document doc, int age_years, enum bio_exemption ex)
{
	unsigned m = 0;
	if (age_years < 0)
		return 0;
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (rules[i].doc == doc && age_years >= rules[i].min_age &&
		    age_years <= rules[i].max_age)
			m |= rules[i].modality;
	if (!m)
		return 0;
	for (size_t i = 0; i < sizeof exemptions / sizeof exemptions[0]; i++)
		if (exemptions[i].ex == ex) {
			unsigned allowed = m; /* the fallback is only what the age allows */
			m &= ~exemptions[i].removes;
			m |= exemptions[i].falls_back_to & allowed;
		}
	return m;
}

int bio_document_parse(const char *s)
{
	if (!s || !strcmp(s, "id_card"))
		return BIO_DOC_ID_CARD;
	if (!strcmp(s, "crc"))
		return BIO_DOC_CRC;
	return -1;
}

int bio_exemption_parse(const char *s)
{
	static const char *const names[] = {"none", "elderly", "skin", "amputee"};
	if (!s)
		return BIO_EXEMPT_NONE;
	for (int i = 0; i < 4; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}
