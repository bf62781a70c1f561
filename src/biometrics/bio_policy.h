/* bio_policy.h — which biometric modalities are taken, by document and
 * age, and what an exemption falls back to. The table itself is in
 * bio_policy.c, one row per rule, so that a change of policy is a change
 * of one table in one file. */
#ifndef SH_BIOMETRICS_BIO_POLICY_H
#define SH_BIOMETRICS_BIO_POLICY_H

enum bio_modality_bit {
	BIO_M_PHOTO = 1u << 0,
	BIO_M_FINGERPRINT = 1u << 1,
	BIO_M_IRIS = 1u << 2,
};

enum bio_document {
	BIO_DOC_ID_CARD = 0, /* CNIC / SNIC and non-nationals' cards (PoR, ACC, POC) */
	BIO_DOC_CRC,         /* child registration certificate (under 18) */
};

enum bio_exemption {
	BIO_EXEMPT_NONE = 0,
	BIO_EXEMPT_ELDERLY,  /* worn ridges */
	BIO_EXEMPT_SKIN,     /* skin condition */
	BIO_EXEMPT_AMPUTEE,  /* no fingers to print */
};

/* Modalities taken (a BIO_M_* mask) for a document at an age in whole
 * years; 0 when the document is not issued at that age (a CRC at 18+). */
unsigned bio_policy_modalities(enum bio_document doc, int age_years, enum bio_exemption ex);

/* Wire names: "id_card"/"crc"; "none"/"elderly"/"skin"/"amputee".
 * -1 for unknown names. */
int bio_document_parse(const char *s);
int bio_exemption_parse(const char *s);

#endif
