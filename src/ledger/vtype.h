/* vtype.h — verification types: what a relying party may ask (a yes/no, a
 * KYC answer, a biometric check), as bits with stable wire names. They are
 * part of the API, of the ledger's records and of the citizens' locks, so
 * the vocabulary lives with the ledger, below consent and verify. */
#ifndef SH_LEDGER_VTYPE_H
#define SH_LEDGER_VTYPE_H

#include <stddef.h>

/* The biometric types are part of the wire format and of the ledger now,
 * so that the biometric repository slots in without a schema change. */
enum verify_type {
	VT_YESNO = 1u << 0,
	VT_KYC = 1u << 1,
	VT_FINGERPRINT = 1u << 2,
	VT_FACE = 1u << 3,
	VT_IRIS = 1u << 4,
	VT_MULTIMODAL = 1u << 5,
};
#define VT_ALL 0x3Fu

/* Bit <-> name ("yesno", "fingerprint", ...); 0 / NULL when unknown. */
unsigned vtype_parse(const char *name);
const char *vtype_name(unsigned bit);
/* "a,b,c" for a bit set; parse back (SH_EINVAL on an unknown name). */
void vtypes_format(unsigned bits, char *buf, size_t n);
int vtypes_parse_list(const char *s, unsigned *out);

#endif
