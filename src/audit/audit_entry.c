/* audit_entry.c — the canonical byte layout of an audit entry and its leaf
 * hash. The layout is specified in docs/audit.md; change both together. */
#include "audit/audit_entry.h"

#include <stdlib.h>
#include <string.h>

#include "audit/audit_tree.h"

static void put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

static void put_u32(unsigned char *p, uint32_t v)
{
	for (int i = 3; i >= 0; i--) {
		p[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

/* The ten text fields in their canonical order. */
static void entry_texts(const struct audit_entry *e, const char *t[AUDIT_ENTRY_TEXTS])
{
	t[0] = e->at_text;
	t[1] = e->actor_kind;
	t[2] = e->actor_name;
	t[3] = e->actor_role;
	t[4] = e->action;
	t[5] = e->object;
	t[6] = e->detail;
	t[7] = e->request_id;
	t[8] = e->client_addr;
}

int audit_entry_encode(const struct audit_entry *e, unsigned char **out, size_t *len,
		       struct sh_err *err)
{
	const char *t[AUDIT_ENTRY_TEXTS];
	entry_texts(e, t);
	/* version byte, idx, at, actor_id, then each text field with a 4-byte
	 * length (0xFFFFFFFF = NULL). */
	size_t n = 1 + 8 + 8 + 8;
	for (int i = 0; i < AUDIT_ENTRY_TEXTS; i++) {
		size_t l = t[i] ? strlen(t[i]) : 0;
		if (l > AUDIT_FIELD_MAX)
			return sh_err_set(err, SH_ETOOBIG, "AUDIT_FIELD_TOO_BIG",
					  "audit field %d is %zu bytes (max %d)", i, l,
					  AUDIT_FIELD_MAX);
		n += 4 + l;
	}
	unsigned char *b = malloc(n);
	if (!b)
		return sh_err_set(err, SH_ENOMEM, "NO_MEMORY", "out of memory");
	unsigned char *p = b;
	*p++ = AUDIT_ENTRY_VERSION;
	put_u64(p, e->idx);
	p += 8;
	put_u64(p, (uint64_t)e->at);
	p += 8;
	put_u64(p, (uint64_t)e->actor_id);
	p += 8;
	for (int i = 0; i < AUDIT_ENTRY_TEXTS; i++) {
		if (!t[i]) {
			put_u32(p, 0xFFFFFFFFu);
			p += 4;
			continue;
		}
		size_t l = strlen(t[i]);
		put_u32(p, (uint32_t)l);
		p += 4;
		memcpy(p, t[i], l);
		p += l;
	}
	*out = b;
	*len = n;
	return SH_OK;
}

int audit_entry_hash(const struct audit_entry *e, unsigned char out[AUDIT_HASH_BYTES],
		     struct sh_err *err)
{
	unsigned char *b = NULL;
	size_t n = 0;
	int rc = audit_entry_encode(e, &b, &n, err);
	if (rc != SH_OK)
		return rc;
	audit_tree_leaf(b, n, out);
	free(b);
	return SH_OK;
}
