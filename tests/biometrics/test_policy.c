/* test_policy.c — the age and exemption table (bio_policy.c): the seeds'
 * values at and around every boundary. */
#include <criterion/criterion.h>

#include "biometrics/bio_policy.h"

#define FP BIO_M_FINGERPRINT
#define IR BIO_M_IRIS
#define PH BIO_M_PHOTO

Test(policy, photograph_from_birth)
{
	cr_assert_eq(bio_policy_modalities(BIO_DOC_ID_CARD, 0, BIO_EXEMPT_NONE), PH);
	cr_assert_eq(bio_policy_modalities(BIO_DOC_CRC, 0, BIO_EXEMPT_NONE), PH);
}

Test(policy, id_card_fingerprints_not_under_10_iris_not_under_6)
{
	cr_assert_eq(bio_policy_modalities(BIO_DOC_ID_CARD, 5, BIO_EXEMPT_NONE), PH);
	cr_assert_eq(bio_policy_modalities(BIO_DOC_ID_CARD, 6, BIO_EXEMPT_NONE), PH | IR);
	cr_assert_eq(bio_policy_modalities(BIO_DOC_ID_CARD, 9, BIO_EXEMPT_NONE), PH | IR);
	cr_assert_eq(bio_policy_modalities(BIO_DOC_ID_CARD, 10, BIO_EXEMPT_NONE), PH | IR | FP);
	cr_assert_eq(bio_policy_modalities(BIO_DOC_ID_CARD, 90, BIO_EXEMPT_NONE), PH | IR | FP);
}

Test(policy, crc_fingerprints_and_iris_from_6_until_18)
{
	cr_assert_eq(bio_policy_modalities(BIO_DOC_CRC, 5, BIO_EXEMPT_NONE), PH);
	cr_assert_eq(bio_policy_modalities(BIO_DOC_CRC, 6, BIO_EXEMPT_NONE), PH | IR | FP);
	cr_assert_eq(bio_policy_modalities(BIO_DOC_CRC, 17, BIO_EXEMPT_NONE), PH | IR | FP);
	cr_assert_eq(bio_policy_modalities(BIO_DOC_CRC, 18, BIO_EXEMPT_NONE), 0,
		     "no CRC is issued at 18");
}

Test(policy, exemptions_fall_back_to_face_and_iris)
{
	const enum bio_exemption ex[] = {BIO_EXEMPT_ELDERLY, BIO_EXEMPT_SKIN, BIO_EXEMPT_AMPUTEE};
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(bio_policy_modalities(BIO_DOC_ID_CARD, 70, ex[i]), PH | IR);
		cr_assert_eq(bio_policy_modalities(BIO_DOC_CRC, 12, ex[i]), PH | IR);
		/* the fallback never adds what the age does not allow */
		cr_assert_eq(bio_policy_modalities(BIO_DOC_ID_CARD, 3, ex[i]), PH);
	}
}

Test(policy, wire_names)
{
	cr_assert_eq(bio_document_parse(NULL), BIO_DOC_ID_CARD);
	cr_assert_eq(bio_document_parse("crc"), BIO_DOC_CRC);
	cr_assert_eq(bio_document_parse("passport"), -1);
	cr_assert_eq(bio_exemption_parse("amputee"), BIO_EXEMPT_AMPUTEE);
	cr_assert_eq(bio_exemption_parse("tall"), -1);
	cr_assert_eq(bio_policy_modalities(BIO_DOC_ID_CARD, -1, BIO_EXEMPT_NONE), 0);
}
