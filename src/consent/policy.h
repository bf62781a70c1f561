/* policy.h — what a relying party may do: the verification types of its
 * policy (ledger/vtype.h) and the KYC attributes it may read, as bit sets
 * with stable wire names. */
#ifndef SH_CONSENT_POLICY_H
#define SH_CONSENT_POLICY_H

#include <stddef.h>

#include "ledger/vtype.h"

/* KYC attributes a policy may grant. Photos arrive with the biometric
 * repository; the address is the postal line and union council only. */
enum kyc_attr {
	KA_NAME_EN = 1u << 0,
	KA_NAME_UR = 1u << 1,
	KA_FATHER_NAME_EN = 1u << 2,
	KA_FATHER_NAME_UR = 1u << 3,
	KA_DOB = 1u << 4,
	KA_GENDER = 1u << 5,
	KA_ADDRESS = 1u << 6,
	KA_PLACE_OF_BIRTH = 1u << 7,
	KA_CITIZENSHIP = 1u << 8,
	KA_MARITAL_STATUS = 1u << 9,
	/* Life status (alive, deceased, cancelled): in a KYC answer, and the
	 * one policy under which a verification that passed its passcode says
	 * IDENTITY_DECEASED / IDENTITY_CANCELLED (docs/security.md). */
	KA_LIFE_STATUS = 1u << 10,
};
#define KA_ALL 0x7FFu

/* Bit <-> name ("father_name_en", ...); 0 / NULL when unknown. */
unsigned policy_attr_parse(const char *name);
const char *policy_attr_name(unsigned bit);

/* "a,b,c" for a bit set into buf; parse back (SH_EINVAL on an unknown name,
 * with the name in *bad, borrowed from s). */
void policy_attrs_format(unsigned bits, char *buf, size_t n);
int policy_attrs_parse_list(const char *s, unsigned *out);

/* Sectors: bank, telco, government, other. 1 when valid. */
int policy_sector_valid(const char *s);

#endif
