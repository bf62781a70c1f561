/* audit_log.c — the audit log tables: schema, append with an incremental
 * RFC 6962 tree head, the stored head, and full verification. */
#include "audit/audit.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "audit/audit_entry.h"
#include "audit/audit_tree.h"
#include "lib/parse.h"

static const struct store_migration audit_migrations[] = {
	{1, "audit log and tree head",
	 "CREATE TABLE audit_log ("
	 " idx BIGINT PRIMARY KEY,"        /* 0, 1, 2, ... = leaf index */
	 " at BIGINT NOT NULL,"            /* Unix seconds, UTC */
	 " at_text TEXT NOT NULL,"         /* RFC 3339, UTC */
	 " actor_kind TEXT NOT NULL,"
	 " actor_id BIGINT NOT NULL,"
	 " actor_name TEXT,"
	 " actor_role TEXT,"
	 " action TEXT NOT NULL,"
	 " object TEXT,"
	 " detail TEXT,"
	 " request_id TEXT,"
	 " client_addr TEXT,"
	 " leaf_hash {{BLOB}} NOT NULL);"
	 "CREATE INDEX audit_log_object ON audit_log (object);"
	 /* One row: the tree size, the right-edge subtree roots, the root. */
	 "CREATE TABLE audit_state ("
	 " id BIGINT PRIMARY KEY CHECK (id = 1),"
	 " size BIGINT NOT NULL,"
	 " frontier {{BLOB}},"
	 " root {{BLOB}} NOT NULL);"},
	/* Nothing looks entries up by object (the log is read by position,
	 * verified whole, and per-person questions go to the domains' own
	 * ledgers), and each entry put one random leaf of this index into the
	 * WAL: with reads audited, most of the writing a read caused
	 * (decisions D12). */
	{2, "no index by object",
	 "DROP INDEX IF EXISTS audit_log_object;"},
};

int audit_migrate(store *db, struct sh_err *err)
{
	int rc = store_migrate(db, "audit", audit_migrations,
			       sizeof audit_migrations / sizeof audit_migrations[0], err);
	if (rc != SH_OK)
		return rc;
	/* The empty tree's head; a BLOB literal is not portable, so bind it. */
	unsigned char empty[AUDIT_HASH_BYTES];
	crypto_hash_sha256(empty, (const unsigned char *)"", 0);
	store_tx *tx = NULL;
	rc = store_begin(db, STORE_WRITE, &tx, err);
	if (rc != SH_OK)
		return rc;
	rc = store_run(tx, err,
		       "INSERT INTO audit_state (id, size, frontier, root) VALUES (1, 0, ?, ?)"
		       " ON CONFLICT (id) DO NOTHING",
		       "bb", empty, (size_t)0, empty, sizeof empty);
	if (rc < 0) {
		store_rollback(tx);
		return rc;
	}
	return store_commit(tx, err);
}

/* Read the head row; with for_update, lock it for the rest of tx. */
static int state_read(store_tx *tx, int for_update, struct audit_frontier *f,
		      unsigned char root[AUDIT_HASH_BYTES], struct sh_err *err)
{
	store_stmt *st = NULL;
	int rc = store_query(tx, &st, err,
			     for_update ? "SELECT size, frontier, root FROM audit_state"
					  " WHERE id = 1 FOR UPDATE"
					: "SELECT size, frontier, root FROM audit_state WHERE id = 1",
			     "");
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	if (rc != STORE_ROW) {
		if (rc == STORE_DONE)
			rc = sh_err_set(err, SH_EINTERNAL, "AUDIT_NOT_MIGRATED",
					"audit_state has no row (run audit_migrate)");
		goto out;
	}
	int64_t size = store_col_int(st, 0);
	size_t flen = 0, rlen = 0;
	const void *fb = store_col_blob(st, 1, &flen);
	const void *rb = store_col_blob(st, 2, &rlen);
	if (size < 0 || audit_frontier_load(f, (uint64_t)size, fb, fb ? flen : 0) != SH_OK ||
	    rlen != AUDIT_HASH_BYTES) {
		rc = sh_err_set(err, SH_ECONFLICT, "AUDIT_TAMPERED",
				"audit_state row is malformed (size %lld)", (long long)size);
		goto out;
	}
	if (root)
		memcpy(root, rb, AUDIT_HASH_BYTES);
	rc = SH_OK;
out:
	store_finalize(st);
	return rc;
}

/* PostgreSQL rejects invalid UTF-8 in TEXT; replace bad bytes with '?' so
 * that what is hashed is exactly what is stored. Returns s or a malloc'd
 * copy in *owned. */
static const char *utf8_clean(const char *s, char **owned)
{
	*owned = NULL;
	if (!s)
		return NULL;
	size_t n = strlen(s);
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t cp;
	size_t i = 0;
	int bad = 0;
	while (i < n) {
		utf8proc_ssize_t l = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
		if (l <= 0) {
			bad = 1;
			break;
		}
		i += (size_t)l;
	}
	if (!bad)
		return s;
	char *c = malloc(n + 1);
	if (!c)
		return NULL;
	i = 0;
	while (i < n) {
		utf8proc_ssize_t l = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
		if (l <= 0) {
			c[i++] = '?';
			continue;
		}
		memcpy(c + i, s + i, (size_t)l);
		i += (size_t)l;
	}
	c[n] = '\0';
	*owned = c;
	return c;
}

/* The INSERT of one entry, prepared once per batch and reset per row. */
static const char entry_insert_sql[] =
	"INSERT INTO audit_log (idx, at, at_text, actor_kind, actor_id, actor_name,"
	" actor_role, action, object, detail, request_id, client_addr, leaf_hash)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/* Hash and insert one entry as leaf f->size, then push it onto f. */
static int entry_insert(store_stmt *st, struct audit_frontier *f, const struct audit_item *it,
			int64_t now, const char *at_text, struct sh_err *err)
{
	enum { F_KIND, F_NAME, F_ROLE, F_ACTION, F_OBJECT, F_DETAIL, F_REQ, F_ADDR, F_N };
	const struct audit_actor *actor = it->actor;
	const char *raw[F_N] = {
		actor && actor->kind ? actor->kind : "system",
		actor ? actor->name : NULL,
		actor ? actor->role : NULL,
		it->action,
		it->object,
		it->detail,
		actor ? actor->request_id : NULL,
		actor ? actor->client_addr : NULL,
	};
	const char *v[F_N];
	char *owned[F_N] = {0};
	int rc;
	for (int i = 0; i < F_N; i++) {
		v[i] = utf8_clean(raw[i], &owned[i]);
		if (raw[i] && !v[i]) {
			rc = sh_err_set(err, SH_ENOMEM, "NO_MEMORY", "out of memory");
			goto out;
		}
	}
	struct audit_entry e = {
		.idx = f->size,
		.at = now,
		.at_text = at_text,
		.actor_kind = v[F_KIND],
		.actor_id = actor ? actor->id : 0,
		.actor_name = v[F_NAME],
		.actor_role = v[F_ROLE],
		.action = v[F_ACTION],
		.object = v[F_OBJECT],
		.detail = v[F_DETAIL],
		.request_id = v[F_REQ],
		.client_addr = v[F_ADDR],
	};
	rc = audit_entry_hash(&e, e.leaf_hash, err);
	if (rc != SH_OK)
		goto out;
	store_reset(st);
	if (store_bind_int(st, 1, (int64_t)e.idx) || store_bind_int(st, 2, e.at) ||
	    store_bind_text(st, 3, e.at_text) || store_bind_text(st, 4, e.actor_kind) ||
	    store_bind_int(st, 5, e.actor_id) || store_bind_text(st, 6, e.actor_name) ||
	    store_bind_text(st, 7, e.actor_role) || store_bind_text(st, 8, e.action) ||
	    store_bind_text(st, 9, e.object) || store_bind_text(st, 10, e.detail) ||
	    store_bind_text(st, 11, e.request_id) || store_bind_text(st, 12, e.client_addr) ||
	    store_bind_blob(st, 13, e.leaf_hash, AUDIT_HASH_BYTES)) {
		rc = sh_err_set(err, SH_EDB, "STORE_BIND", "cannot bind audit entry");
		goto out;
	}
	rc = store_step(st, err);
	if (rc < 0)
		goto out;
	audit_frontier_push(f, e.leaf_hash);
	rc = SH_OK;
out:
	for (int i = 0; i < F_N; i++)
		free(owned[i]);
	return rc;
}

int audit_append_batch(store_tx *tx, const struct audit_item *items, size_t n,
		       struct sh_err *err)
{
	store_stmt *st = NULL;
	int rc;
	for (size_t i = 0; i < n; i++)
		if (!items[i].action || !*items[i].action)
			return sh_err_set(err, SH_EINVAL, "AUDIT_NO_ACTION",
					  "audit entry needs an action");
	if (n == 0)
		return SH_OK;

	/* Lock the head first: it serializes appenders on PostgreSQL (on
	 * SQLite the write transaction already holds the database lock). One
	 * read and one write of the head per batch, however long: the leaves
	 * are pushed onto the frontier one by one, exactly as n single appends
	 * would, and only the final root is computed and stored. */
	struct audit_frontier f;
	rc = state_read(tx, 1, &f, NULL, err);
	if (rc != SH_OK)
		return rc;
	rc = store_prepare(tx, entry_insert_sql, &st, err);
	if (rc != SH_OK)
		return rc;
	/* One clock reading per batch: the entries of a batch are one commit. */
	int64_t now = sh_now();
	char at_text[32];
	sh_time_format(now, at_text, sizeof at_text);
	for (size_t i = 0; i < n; i++)
		if ((rc = entry_insert(st, &f, &items[i], now, at_text, err)) != SH_OK)
			goto out;

	unsigned char root[AUDIT_HASH_BYTES];
	audit_frontier_root(&f, root);
	rc = store_run(tx, err, "UPDATE audit_state SET size = ?, frontier = ?, root = ? WHERE id = 1",
		       "ibb", (int64_t)f.size, f.h, f.count * AUDIT_HASH_BYTES, root,
		       (size_t)AUDIT_HASH_BYTES);
	if (rc < 0)
		goto out;
	if (rc != 1) {
		rc = sh_err_set(err, SH_EINTERNAL, "AUDIT_STATE", "audit_state update hit %d rows", rc);
		goto out;
	}
	rc = SH_OK;
out:
	store_finalize(st);
	return rc;
}

int audit_append(store_tx *tx, const struct audit_actor *actor, const char *action,
		 const char *object, const char *detail, struct sh_err *err)
{
	const struct audit_item it = {actor, action, object, detail};
	return audit_append_batch(tx, &it, 1, err);
}

int audit_record(store *db, const struct audit_actor *actor, const char *action,
		 const char *object, const char *detail, struct sh_err *err)
{
	store_tx *tx = NULL;
	int rc = store_begin(db, STORE_WRITE, &tx, err);
	if (rc != SH_OK)
		return rc;
	rc = audit_append(tx, actor, action, object, detail, err);
	if (rc != SH_OK) {
		store_rollback(tx);
		return rc;
	}
	return store_commit(tx, err);
}

int audit_head(store *db, struct audit_head *out, struct sh_err *err)
{
	store_tx *tx = NULL;
	int rc = store_begin(db, STORE_READ, &tx, err);
	if (rc != SH_OK)
		return rc;
	struct audit_frontier f;
	rc = state_read(tx, 0, &f, out->root, err);
	out->size = f.size;
	store_rollback(tx);
	return rc;
}

#define ENTRY_COLUMNS                                                                     \
	"idx, at, at_text, actor_kind, actor_id, actor_name, actor_role, action, object,"  \
	" detail, request_id, client_addr, leaf_hash"

/* Fill e from a row of ENTRY_COLUMNS; 0 when the stored hash is 32 bytes. */
static int entry_from_row(store_stmt *st, struct audit_entry *e)
{
	e->idx = (uint64_t)store_col_int(st, 0);
	e->at = store_col_int(st, 1);
	e->at_text = store_col_text(st, 2);
	e->actor_kind = store_col_text(st, 3);
	e->actor_id = store_col_int(st, 4);
	e->actor_name = store_col_text(st, 5);
	e->actor_role = store_col_text(st, 6);
	e->action = store_col_text(st, 7);
	e->object = store_col_text(st, 8);
	e->detail = store_col_text(st, 9);
	e->request_id = store_col_text(st, 10);
	e->client_addr = store_col_text(st, 11);
	size_t n = 0;
	const void *h = store_col_blob(st, 12, &n);
	if (!h || n != AUDIT_HASH_BYTES) {
		memset(e->leaf_hash, 0, AUDIT_HASH_BYTES);
		return -1;
	}
	memcpy(e->leaf_hash, h, AUDIT_HASH_BYTES);
	return 0;
}

int audit_entries(store *db, uint64_t from, size_t limit,
		  int (*fn)(void *ctx, const struct audit_entry *e), void *ctx,
		  struct sh_err *err)
{
	store_tx *tx = NULL;
	store_stmt *st = NULL;
	int rc = store_begin(db, STORE_READ, &tx, err);
	if (rc != SH_OK)
		return rc;
	rc = store_query(tx, &st, err,
			 "SELECT " ENTRY_COLUMNS " FROM audit_log WHERE idx >= ? ORDER BY idx LIMIT ?",
			 "ii", (int64_t)from, (int64_t)limit);
	if (rc != SH_OK)
		goto out;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		struct audit_entry e;
		entry_from_row(st, &e);
		rc = fn(ctx, &e);
		if (rc != 0)
			goto out;
	}
	if (rc == STORE_DONE)
		rc = SH_OK;
out:
	store_finalize(st);
	store_rollback(tx);
	return rc;
}

int audit_verify(store *db, struct audit_head *computed, uint64_t *bad_index,
		 struct sh_err *err)
{
	store_tx *tx = NULL;
	store_stmt *st = NULL;
	struct audit_frontier stored, f;
	unsigned char stored_root[AUDIT_HASH_BYTES], root[AUDIT_HASH_BYTES];
	uint64_t bad = UINT64_MAX;
	audit_frontier_init(&f);
	int rc = store_begin(db, STORE_READ, &tx, err);
	if (rc != SH_OK)
		return rc;
	/* Head and entries must come from one snapshot, or an append committed
	 * between the two reads would look like tampering. A SQLite read tx
	 * keeps its snapshot; PostgreSQL's READ COMMITTED takes one per
	 * statement, so ask for REPEATABLE READ (before the first query). */
	if (store_backend_of(db) == STORE_POSTGRES &&
	    (rc = store_exec(tx, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", err)) != SH_OK)
		goto out;
	rc = state_read(tx, 0, &stored, stored_root, err);
	if (rc == SH_ECONFLICT) {
		bad = 0;
		goto tampered;
	}
	if (rc != SH_OK)
		goto out;
	rc = store_query(tx, &st, err, "SELECT " ENTRY_COLUMNS " FROM audit_log ORDER BY idx", "");
	if (rc != SH_OK)
		goto out;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		struct audit_entry e;
		unsigned char h[AUDIT_HASH_BYTES];
		int hash_ok = entry_from_row(st, &e) == 0;
		if (e.idx != f.size) { /* a gap or a duplicate */
			if (bad == UINT64_MAX)
				bad = f.size;
			break;
		}
		struct sh_err e2;
		if (!e.at_text || !e.actor_kind || !e.action ||
		    audit_entry_hash(&e, h, &e2) != SH_OK ||
		    !hash_ok || sodium_memcmp(h, e.leaf_hash, AUDIT_HASH_BYTES) != 0) {
			if (bad == UINT64_MAX)
				bad = f.size;
			if (!e.at_text || !e.actor_kind || !e.action)
				memset(h, 0, sizeof h);
		}
		audit_frontier_push(&f, h);
	}
	if (rc < 0)
		goto out;
	rc = SH_OK;
	audit_frontier_root(&f, root);
	if (computed) {
		computed->size = f.size;
		memcpy(computed->root, root, AUDIT_HASH_BYTES);
	}
	if (bad != UINT64_MAX)
		goto tampered;
	if (f.size != stored.size) {
		bad = f.size < stored.size ? f.size : stored.size;
		goto tampered;
	}
	/* Leaves agree with their rows, so a differing subtree means rows
	 * and hashes were rewritten together inside that subtree's range. */
	uint64_t start = 0;
	size_t fi = 0;
	for (int b = 63; b >= 0; b--) {
		if (!((f.size >> b) & 1))
			continue;
		if (sodium_memcmp(f.h[fi], stored.h[fi], AUDIT_HASH_BYTES) != 0) {
			bad = start;
			goto tampered;
		}
		start += (uint64_t)1 << b;
		fi++;
	}
	if (sodium_memcmp(root, stored_root, AUDIT_HASH_BYTES) != 0) {
		bad = stored.size;
		goto tampered;
	}
	goto out;
tampered:
	if (bad_index)
		*bad_index = bad;
	rc = sh_err_set(err, SH_ECONFLICT, "AUDIT_TAMPERED",
			"audit log does not verify at index %llu", (unsigned long long)bad);
out:
	store_finalize(st);
	store_rollback(tx);
	return rc;
}
