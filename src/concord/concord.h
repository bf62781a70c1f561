/* concord.h — data concordance (issue 20): union councils' registers
 * imported beside the national registry, each council record linked to the
 * registry's persons with the record-linkage engine (src/linkage), the
 * discrepancies reported per council and district, and a review queue for
 * the uncertain band whose decisions are audited and outlive re-runs.
 *
 * The registry stays the single version of the truth: nothing here changes
 * a person. Functions taking a store_tx run inside the caller's
 * transaction, append their own audit entries to it and never commit. */
#ifndef SH_CONCORD_CONCORD_H
#define SH_CONCORD_CONCORD_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "audit/audit.h"
#include "lib/buf.h"
#include "lib/err.h"
#include "store/store.h"

int concord_migrate(store *db, struct sh_err *err) __attribute__((warn_unused_result));

/* --- Import (concord_import.c) --- */
#define CONCORD_BAD_KEEP 1000 /* bad rows listed in a result; all are counted */
struct concord_bad_row {
	size_t line;
	char code[SH_ERR_CODE_MAX];
	char reason[SH_ERR_MSG_MAX];
};
struct concord_import_result {
	int64_t import_id;
	char encoding[16];
	size_t rows;       /* data records read */
	size_t imported;   /* new records */
	size_t updated;    /* same identity, content changed */
	size_t unchanged;  /* already there as they are (a re-import) */
	size_t bad;
	struct concord_bad_row *bad_rows; /* the first CONCORD_BAD_KEEP; malloc'd */
	size_t nbad_rows;
};
void concord_import_result_free(struct concord_import_result *r);
/* Called every 1,000 records and at the end: bytes read of the total. */
typedef void (*concord_progress_fn)(void *ctx, size_t rows, size_t done, size_t total);
/* Import a register file (`data`, any of the encodings of lk_import.h) read
 * through `mapping` (lk_map_parse text). A row's identity is council +
 * register number, or council + a hash of its content when the council
 * gives no number, so importing the same file again changes nothing. Rows
 * that fail are listed with their line and reason; the rest import. When
 * `scope_council` is given, rows of another council are refused
 * (ROW_OUT_OF_SCOPE). Errors (the whole file): MAPPING_*, ENCODING_*,
 * CSV_UNTERMINATED_QUOTE is a bad row, not an error. */
int concord_import(store_tx *tx, const struct audit_actor *actor, const char *mapping,
		   const unsigned char *data, size_t n, const char *file_name,
		   const char *scope_council, concord_progress_fn progress, void *pctx,
		   struct concord_import_result *res, struct sh_err *err)
	__attribute__((warn_unused_result));

/* --- Linkage (concord_link.c) --- */
struct concord_link_summary {
	size_t records;   /* council records linked */
	size_t persons;   /* registry persons of the district, the other side */
	size_t links, review, nonlinks;
	size_t decided;   /* results taken from an operator's decision */
	size_t pairs;     /* candidate pairs compared */
};
/* Link every record of `council` against the registry's persons of the
 * council's district (the registry declared unique: one person once) and
 * store each record's result: link (person, probability), review (the
 * uncertain band, with its best candidate), or non-link. A review decision
 * "same" makes that person the link; "different" excludes that person
 * from the record's candidates. SH_ENOTFOUND UNKNOWN_COUNCIL. */
int concord_link(store_tx *tx, const struct audit_actor *actor, const char *council,
		 struct concord_link_summary *out, struct sh_err *err)
	__attribute__((warn_unused_result));

/* --- Reports (concord_report.c) --- */
/* The discrepancy report of a council (`area` a council code) or of every
 * council of a district (a district code): matched records with their
 * differing fields (field, council value, registry value), council-only
 * records (candidates for registration), national-only persons (registered
 * at the area's councils, no council record linked), and the counts.
 * *out is a new JSON object (docs/openapi.yaml ConcordReport). */
int concord_report(store_tx *tx, const char *area, json_t **out, struct sh_err *err)
	__attribute__((warn_unused_result));
/* The same report as CSV (one row per finding: kind, council_code,
 * record_id, register_no, person_id, field, council_value,
 * registry_value), RFC 4180 quoting. */
int concord_report_csv(const json_t *report, struct sh_buf *out, struct sh_err *err)
	__attribute__((warn_unused_result));

/* --- Review queue (concord_review.c) --- */
/* Records of `council` in the uncertain band, oldest first, as a JSON
 * array of ConcordReviewItem (both sides' fields and the probability). */
int concord_review_list(store_tx *tx, const char *council, size_t limit, json_t **out,
			struct sh_err *err) __attribute__((warn_unused_result));
/* The council a record belongs to (for scope checks); SH_ENOTFOUND
 * RECORD_NOT_FOUND. */
int concord_record_council(store_tx *tx, int64_t record_id, char council[32],
			   struct sh_err *err) __attribute__((warn_unused_result));
/* An operator's decision on (record, person): "same" or "different",
 * remembered for every later linkage run and audited. "same" links the
 * record to that person at once; "different" sends the record to non-link
 * until the next run finds another candidate. Errors: DECISION_INVALID,
 * REASON_REQUIRED, RECORD_NOT_FOUND, PERSON_NOT_FOUND. */
int concord_review_decide(store_tx *tx, const struct audit_actor *actor, int64_t record_id,
			  const char *person_id, const char *decision, const char *reason,
			  struct sh_err *err) __attribute__((warn_unused_result));

#endif
