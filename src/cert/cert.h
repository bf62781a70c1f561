/* cert.h — certificate records: issuing (serial numbers, copy counts, the
 * signed payload), re-rendering the PDF, and online verification.
 *
 * Subjects: birth, death and frc take a person's identity number; marriage
 * and divorce take the registration number of the marriage ("M-2026-...")
 * or divorce ("T-2026-..."). Each issue is a new record with a new serial;
 * the second and later copies for the same kind and subject are numbered and
 * printed "DUPLICATE COPY n". The printed facts are stored with the record,
 * so a later registry change does not alter an issued certificate. */
#ifndef SH_CERT_CERT_H
#define SH_CERT_CERT_H

#include "audit/audit.h"
#include "auth/principal.h"
#include "cert/payload.h"
#include "cert/render.h"
#include "cert/serial.h"
#include "crypto/keyring.h"
#include "lib/buf.h"
#include "lib/err.h"
#include "store/store.h"

int cert_migrate(store *db, struct sh_err *err) __attribute__((warn_unused_result));

struct cert_record {
	char serial[CERT_SERIAL_MAX];
	enum cert_kind kind;
	char subject[CERT_SUBJECT_MAX];
	int copy_no;
	int copies;              /* copies issued so far for this kind and subject */
	struct sh_date issued;
	char issued_by[64];
	char issuer[128];
	char council[32];        /* issuing council's code, "" for the national registry */
	char status[16];         /* "valid" or "revoked" */
	char payload[CERT_PAYLOAD_TEXT_MAX];
};

/* Issue a certificate: builds the facts from the registry and the civil
 * registers, signs the payload with the keyring's Ed25519 key, stores the
 * record and appends the audit entry in one transaction. issuer_council may
 * be NULL. today {0} = real UTC date. Rule errors (422): NOT_DECEASED,
 * DIVORCE_NOT_EFFECTIVE; 404 PERSON_NOT_FOUND / MARRIAGE_NOT_FOUND / ... */
int cert_issue(store *db, const struct keyring *kr, const struct audit_actor *actor,
	       const char *issuer_council, enum cert_kind kind, const char *subject,
	       struct sh_date today, struct cert_record *out, struct sh_err *err)
	__attribute__((warn_unused_result));

/* serial as typed (cert_serial_normalize): SH_EINVAL SERIAL_INVALID,
 * SH_ENOTFOUND CERT_NOT_FOUND. */
int cert_get(store_tx *tx, const char *serial, struct cert_record *out, struct sh_err *err)
	__attribute__((warn_unused_result));
/* The record's PDF, rendered from the stored facts and signed as a file
 * with the keyring's key (docsig.h); caller inits *pdf. */
int cert_pdf(store *db, const struct keyring *kr, const char *serial, struct sh_buf *pdf,
	     struct sh_err *err) __attribute__((warn_unused_result));

/* May this operator see the certificate's facts (and its record and PDF)?
 * admin and auditor: any (their reads are audited); uc_registrar: those its
 * own council issued; nobody else. */
int cert_may_read(const struct principal *who, const struct cert_record *r);

/* The birth and family registration certificates whose subject is
 * id_number (digits), newest first, at most limit; each() returns nonzero
 * to stop (reported as SH_ENOMEM). The records carry no payload. */
int cert_list_person(store_tx *tx, const char *id_number, int limit,
		     int (*each)(void *ctx, const struct cert_record *r), void *ctx,
		     struct sh_err *err) __attribute__((warn_unused_result));

/* The public answer about a serial (issue 13 item 3). status is "valid",
 * "revoked", "unknown" (no such certificate) or "invalid" (the stored
 * record's signature fails, or the presented payload does not verify, names
 * another serial or is not the one issued under it); valid is status ==
 * "valid", so the two never disagree. facts_shown is 1 only when a payload
 * was presented and is exactly the one issued under this serial: who holds
 * the paper may read it back. */
struct cert_check {
	char serial[CERT_SERIAL_MAX]; /* normalized */
	const char *status;
	int valid;
	int found;            /* the record exists: rec is filled */
	int signature_valid;  /* the stored payload verifies */
	int payload_given, payload_valid;
	char payload_error[48];
	int facts_shown;
	struct cert_record rec;
	struct cert_payload facts; /* the verified payload when found and signature_valid */
};
/* SH_EINVAL SERIAL_INVALID for a malformed serial; an unknown one is an
 * answer (status "unknown"), not an error. payload may be NULL. */
int cert_check(store *db, const unsigned char pk[CERT_PK_BYTES], const char *serial,
	       const char *payload, struct cert_check *out, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Online check: the record exists and its stored payload verifies with pk.
 * *sig_ok is 1 when it does; *out is the record. */
int cert_verify_serial(store *db, const unsigned char pk[CERT_PK_BYTES], const char *serial,
		       struct cert_record *out, int *sig_ok, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Build the printed document and the unsigned payload for kind+subject
 * (cert_facts.c). */
int cert_facts(store_tx *tx, enum cert_kind kind, const char *subject, struct cert_doc *doc,
	       struct cert_payload *p, struct sh_err *err) __attribute__((warn_unused_result));

/* Sign p with the keyring (fills p->key_id) into out. */
int cert_sign_keyring(const struct keyring *kr, struct cert_payload *p, char *out, size_t n,
		      struct sh_err *err) __attribute__((warn_unused_result));

#endif
