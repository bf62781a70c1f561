/* audit_tree.h — internal: RFC 6962 Merkle tree arithmetic for the audit log.
 *
 * The incremental state of a tree of n leaves is its "frontier": the roots of
 * the perfect subtrees along the right edge, one per set bit of n, largest
 * (leftmost) first. Appending a leaf and computing the root are O(log n). */
#ifndef SH_AUDIT_TREE_H
#define SH_AUDIT_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "audit/audit.h"

#define AUDIT_FRONTIER_MAX 64 /* one hash per bit of a 64-bit size */

struct audit_frontier {
	uint64_t size;
	size_t count; /* == popcount(size) */
	unsigned char h[AUDIT_FRONTIER_MAX][AUDIT_HASH_BYTES];
};

/* SHA-256(0x00 || data): RFC 6962 2.1 leaf hash. */
void audit_tree_leaf(const void *data, size_t len, unsigned char out[AUDIT_HASH_BYTES]);
/* SHA-256(0x01 || left || right): RFC 6962 2.1 interior node. */
void audit_tree_node(const unsigned char left[AUDIT_HASH_BYTES],
		     const unsigned char right[AUDIT_HASH_BYTES],
		     unsigned char out[AUDIT_HASH_BYTES]);

void audit_frontier_init(struct audit_frontier *f);
/* Rebuild from the stored form (count * 32 bytes, largest subtree first);
 * SH_EINVAL when the length does not match popcount(size). */
int audit_frontier_load(struct audit_frontier *f, uint64_t size, const void *bytes,
			size_t len);
void audit_frontier_push(struct audit_frontier *f, const unsigned char leaf[AUDIT_HASH_BYTES]);
/* MTH of the leaves pushed so far; SHA-256("") for the empty tree. */
void audit_frontier_root(const struct audit_frontier *f, unsigned char out[AUDIT_HASH_BYTES]);

#endif
