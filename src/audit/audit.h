/* audit.h — the tamper-evident audit log.
 *
 * Every write appends an entry in the same transaction as the write itself;
 * every authorization decision appends one too. Entries are the leaves of an
 * RFC 6962 Merkle tree: leaf hash = SHA-256(0x00 || canonical entry bytes),
 * node hash = SHA-256(0x01 || left || right). The tree head (size, root) is
 * kept up to date incrementally and signed, so changing any stored entry, or
 * its stored hash, is detected by audit_verify(). */
#ifndef SH_AUDIT_AUDIT_H
#define SH_AUDIT_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"
#include "store/store.h"

#define AUDIT_HASH_BYTES 32

/* Who did it, on behalf of which request. Strings are borrowed. */
struct audit_actor {
	const char *kind;       /* "operator", "party", "citizen", "system" */
	int64_t id;             /* user / party / person id, 0 for system */
	const char *name;       /* username, party key id, ... */
	const char *role;       /* may be NULL */
	const char *request_id; /* may be NULL (CLI) */
	const char *client_addr;/* may be NULL */
};

/* The module's schema; call once at start-up. */
int audit_migrate(store *db, struct sh_err *err) __attribute__((warn_unused_result));

/* Append one entry inside `tx`. action: "person.create", "authz.deny", ...;
 * object: "person:1234567890123" or NULL; detail: a JSON text or NULL.
 * Time is taken now, in UTC. */
int audit_append(store_tx *tx, const struct audit_actor *actor, const char *action,
		 const char *object, const char *detail, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Append in a transaction of its own (for decisions made outside a write,
 * such as a refused request). */
int audit_record(store *db, const struct audit_actor *actor, const char *action,
		 const char *object, const char *detail, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Decisions that come with no write of their own (an allowed read of a
 * person, a refused request) are queued and appended by one background
 * writer in batches (one transaction per batch, at most ~50 ms later), so
 * that auditing every read does not serialize the readers on the write lock.
 * audit_writer_stop() flushes what is queued. Strings are copied. */
int audit_writer_start(store *db, struct sh_err *err) __attribute__((warn_unused_result));
void audit_enqueue(const struct audit_actor *actor, const char *action, const char *object,
		   const char *detail);
void audit_writer_flush(void);
void audit_writer_stop(void);

struct audit_head {
	uint64_t size;
	unsigned char root[AUDIT_HASH_BYTES];
};

/* The current tree head as stored (O(log n)). */
int audit_head(store *db, struct audit_head *out, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Recompute every leaf hash from the stored entries and the root from the
 * leaves; compare with the stored hashes and head. Returns SH_OK when
 * consistent; otherwise SH_ECONFLICT (code AUDIT_TAMPERED) with the first bad
 * index in *bad_index. */
int audit_verify(store *db, struct audit_head *computed, uint64_t *bad_index,
		 struct sh_err *err) __attribute__((warn_unused_result));

/* RFC 6962 Merkle tree hash over n leaf hashes (pure; for tests and verify). */
void audit_merkle_root(const unsigned char (*leaf_hashes)[AUDIT_HASH_BYTES], size_t n,
		       unsigned char out[AUDIT_HASH_BYTES]);

#endif
