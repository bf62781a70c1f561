/* audit_entry.h — internal: canonical encoding of one audit entry. */
#ifndef SH_AUDIT_ENTRY_H
#define SH_AUDIT_ENTRY_H

#include "audit/audit.h"

#define AUDIT_ENTRY_VERSION 0x01
#define AUDIT_ENTRY_TEXTS 9
#define AUDIT_FIELD_MAX 65536

/* The canonical bytes (docs/audit.md); *out is malloc'd, the caller frees. */
int audit_entry_encode(const struct audit_entry *e, unsigned char **out, size_t *len,
		       struct sh_err *err) __attribute__((warn_unused_result));

#endif
