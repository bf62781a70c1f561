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

/* Append n entries inside `tx`, in order, as n audit_append calls would
 * (same leaves, same tree head), but reading and writing the tree head once
 * and computing the root once. Used by the background writer. */
struct audit_item {
	const struct audit_actor *actor;
	const char *action, *object, *detail;
};
int audit_append_batch(store_tx *tx, const struct audit_item *items, size_t n,
		       struct sh_err *err) __attribute__((warn_unused_result));

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

/* --- Additions by the audit module (beyond the lead's contract). --- */

/* One stored entry. Strings are borrowed (valid for the callback only). */
struct audit_entry {
	uint64_t idx;
	int64_t at;            /* Unix seconds, UTC */
	const char *at_text;   /* RFC 3339 UTC of `at` */
	const char *actor_kind;
	int64_t actor_id;
	const char *actor_name, *actor_role; /* may be NULL */
	const char *action;
	const char *object, *detail, *request_id, *client_addr; /* may be NULL */
	unsigned char leaf_hash[AUDIT_HASH_BYTES];
};

/* Leaf hash of an entry: SHA-256(0x00 || canonical bytes), layout in
 * docs/audit.md. Ignores e->leaf_hash. */
int audit_entry_hash(const struct audit_entry *e, unsigned char out[AUDIT_HASH_BYTES],
		     struct sh_err *err) __attribute__((warn_unused_result));

/* Calls fn for entries idx >= from, at most limit of them, in order. A
 * non-zero return from fn stops the walk and is returned. */
int audit_entries(store *db, uint64_t from, size_t limit,
		  int (*fn)(void *ctx, const struct audit_entry *e), void *ctx,
		  struct sh_err *err) __attribute__((warn_unused_result));

/* The tree head at an earlier size (recomputed from the stored leaves). */
int audit_root_at(store *db, uint64_t size, unsigned char root[AUDIT_HASH_BYTES],
		  struct sh_err *err) __attribute__((warn_unused_result));

/* RFC 6962 2.1.2 consistency proof between tree sizes 0 < first <= second
 * (second <= current size). *proof is malloc'd (the caller frees). */
int audit_consistency_proof(store *db, uint64_t first, uint64_t second,
			    unsigned char (**proof)[AUDIT_HASH_BYTES], size_t *nproof,
			    struct sh_err *err) __attribute__((warn_unused_result));
/* The same over leaf hashes in memory (pure). */
int audit_tree_consistency(const unsigned char (*leaves)[AUDIT_HASH_BYTES], uint64_t first,
			   uint64_t second, unsigned char (**proof)[AUDIT_HASH_BYTES],
			   size_t *nproof, struct sh_err *err) __attribute__((warn_unused_result));
/* RFC 6962 2.1.1 inclusion proof (audit path) of leaf index in the tree of
 * the first size leaves, deepest sibling first, with that leaf's hash and
 * that tree's root; *proof is malloc'd (the caller frees). */
int audit_inclusion_proof(store *db, uint64_t index, uint64_t size,
			  unsigned char leaf[AUDIT_HASH_BYTES], unsigned char root[AUDIT_HASH_BYTES],
			  unsigned char (**proof)[AUDIT_HASH_BYTES], size_t *nproof,
			  struct sh_err *err) __attribute__((warn_unused_result));
/* The same over leaf hashes in memory (pure). */
int audit_tree_inclusion(const unsigned char (*leaves)[AUDIT_HASH_BYTES], uint64_t index,
			 uint64_t size, unsigned char (**proof)[AUDIT_HASH_BYTES], size_t *nproof,
			 struct sh_err *err) __attribute__((warn_unused_result));
/* Verify an inclusion proof (RFC 9162 2.1.3.2): SH_OK or SH_EINVAL. */
int audit_inclusion_check(uint64_t index, uint64_t size,
			  const unsigned char leaf[AUDIT_HASH_BYTES],
			  const unsigned char root[AUDIT_HASH_BYTES],
			  const unsigned char (*proof)[AUDIT_HASH_BYTES], size_t nproof);
/* Verify a consistency proof (RFC 9162 2.1.4.2): SH_OK or SH_EINVAL. */
int audit_consistency_check(uint64_t first, uint64_t second,
			    const unsigned char first_root[AUDIT_HASH_BYTES],
			    const unsigned char second_root[AUDIT_HASH_BYTES],
			    const unsigned char (*proof)[AUDIT_HASH_BYTES], size_t nproof);

/* The signed form of a tree head: "shanakht-audit-v1" (17 bytes) || size
 * (8 bytes, big-endian) || root (32 bytes). */
#define AUDIT_HEAD_MSG_BYTES (17 + 8 + AUDIT_HASH_BYTES)
void audit_head_message(const struct audit_head *h, unsigned char out[AUDIT_HEAD_MSG_BYTES]);

/* The writer's queue capacity and how long a full queue makes audit_enqueue
 * wait before appending synchronously (never dropping); the most entries
 * per transaction, and the group-commit window: how long the writer lets a
 * batch gather after its first entry (audit_writer.c says why). */
#define AUDIT_QUEUE_CAP 16384
#define AUDIT_BATCH_MAX 1024
#define AUDIT_ENQUEUE_WAIT_MS 50
#define AUDIT_WINDOW_MS 25

#endif
