/* test_log.c — the stored audit log on both backends: heads match an
 * independent computation, the byte layout matches docs/audit.md, any
 * tampering is detected, and the background writer loses nothing. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "naive_mth.h"
#include "testdb.h"

static char *url;
static store *db;

static void open_db(void)
{
	struct sh_err err;
	url = testdb_url();
	cr_assert_not_null(url);
	cr_assert_eq(store_open(url, 8, &db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(audit_migrate(db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(audit_migrate(db, &err), SH_OK, "second migrate: %s", err.msg);
}

static void close_db(void)
{
	audit_writer_stop();
	store_close(db);
	db = NULL;
	testdb_drop(url);
	url = NULL;
}

TestSuite(audit_log, .init = open_db, .fini = close_db);

static void append_n(int n)
{
	struct sh_err err;
	for (int i = 0; i < n; i++) {
		char obj[32], det[48];
		snprintf(obj, sizeof obj, "person:%d", i);
		snprintf(det, sizeof det, "{\"i\":%d}", i);
		struct audit_actor a = {"operator", 7, "asma", "uc_registrar", "req-1", "10.0.0.1"};
		cr_assert_eq(audit_record(db, &a, "person.create", i % 3 ? obj : NULL,
					  i % 2 ? det : NULL, &err),
			     SH_OK, "%s", err.msg);
	}
}

struct leaves {
	unsigned char h[64][32];
	size_t n;
};

static int collect(void *ctx, const struct audit_entry *e)
{
	struct leaves *l = ctx;
	unsigned char re[32];
	struct sh_err err;
	cr_assert_eq(e->idx, l->n);
	cr_assert_eq(audit_entry_hash(e, re, &err), SH_OK);
	cr_assert_eq(memcmp(re, e->leaf_hash, 32), 0, "leaf %zu", l->n);
	memcpy(l->h[l->n++], e->leaf_hash, 32);
	return 0;
}

Test(audit_log, heads_match_independent_roots_for_sizes_0_to_17)
{
	struct sh_err err;
	struct audit_head h;
	cr_assert_eq(audit_head(db, &h, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(h.size, 0);
	unsigned char empty[32];
	crypto_hash_sha256(empty, NULL, 0);
	cr_assert_eq(memcmp(h.root, empty, 32), 0);
	for (int n = 1; n <= 17; n++) {
		append_n(1);
		struct leaves l = {.n = 0};
		cr_assert_eq(audit_entries(db, 0, 100, collect, &l, &err), SH_OK, "%s", err.msg);
		cr_assert_eq(l.n, (size_t)n);
		unsigned char expect[32];
		naive_mth(l.h, l.n, expect);
		cr_assert_eq(audit_head(db, &h, &err), SH_OK);
		cr_assert_eq(h.size, (uint64_t)n);
		cr_assert_eq(memcmp(h.root, expect, 32), 0, "size %d", n);
		struct audit_head c;
		uint64_t bad = 99;
		cr_assert_eq(audit_verify(db, &c, &bad, &err), SH_OK, "size %d: %s", n, err.msg);
		cr_assert_eq(c.size, h.size);
		cr_assert_eq(memcmp(c.root, h.root, 32), 0);
	}
	/* Paging. */
	struct leaves l = {.n = 0};
	cr_assert_eq(audit_entries(db, 0, 5, collect, &l, &err), SH_OK);
	cr_assert_eq(l.n, 5);
}

/* The layout of docs/audit.md, built by hand for one fixed entry. */
Test(audit_log, entry_bytes_follow_the_documented_layout)
{
	struct audit_entry e = {
		.idx = 5,
		.at = 1795426200,
		.at_text = "2026-11-23T09:30:00Z",
		.actor_kind = "operator",
		.actor_id = 42,
		.actor_name = "asma",
		.actor_role = NULL,
		.action = "user.create",
		.object = "",
		.detail = NULL,
		.request_id = "r1",
		.client_addr = NULL,
	};
	unsigned char b[512];
	size_t n = 0;
	b[n++] = 0x00; /* RFC 6962 leaf prefix */
	b[n++] = 0x01; /* layout version */
	const uint64_t ints[3] = {5, 1795426200, 42};
	for (int k = 0; k < 3; k++)
		for (int i = 7; i >= 0; i--)
			b[n++] = (unsigned char)(ints[k] >> (8 * i));
	const char *texts[] = {"2026-11-23T09:30:00Z", "operator", "asma", NULL, "user.create",
			       "", NULL, "r1", NULL};
	for (int k = 0; k < 9; k++) {
		uint32_t len = texts[k] ? (uint32_t)strlen(texts[k]) : 0xFFFFFFFFu;
		for (int i = 3; i >= 0; i--)
			b[n++] = (unsigned char)(len >> (8 * i));
		if (texts[k]) {
			memcpy(b + n, texts[k], strlen(texts[k]));
			n += strlen(texts[k]);
		}
	}
	unsigned char expect[32], got[32];
	crypto_hash_sha256(expect, b, n);
	struct sh_err err;
	cr_assert_eq(audit_entry_hash(&e, got, &err), SH_OK);
	cr_assert_eq(memcmp(got, expect, 32), 0);
	/* NULL and "" differ. */
	e.object = NULL;
	cr_assert_eq(audit_entry_hash(&e, got, &err), SH_OK);
	cr_assert_neq(memcmp(got, expect, 32), 0);
}

static void run_sql(const char *sql)
{
	struct sh_err err;
	store_tx *tx;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK);
	int rc = store_run(tx, &err, sql, "");
	cr_assert_geq(rc, 0, "%s: %s", sql, err.msg);
	cr_assert_eq(store_commit(tx, &err), SH_OK, "%s", err.msg);
}

/* Back to the empty log (faster than a fresh database on PostgreSQL). */
static void reset_log(void)
{
	struct sh_err err;
	store_tx *tx;
	unsigned char empty[32];
	crypto_hash_sha256(empty, NULL, 0);
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_geq(store_run(tx, &err, "DELETE FROM audit_log", ""), 0);
	cr_assert_eq(store_run(tx, &err, "UPDATE audit_state SET size = 0, frontier = ?, root = ?",
			       "bb", empty, (size_t)0, empty, sizeof empty),
		     1, "%s", err.msg);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
}

static void expect_tampered(uint64_t at, const char *what)
{
	struct sh_err err;
	uint64_t bad = 12345;
	cr_assert_eq(audit_verify(db, NULL, &bad, &err), SH_ECONFLICT, "%s not detected", what);
	cr_assert_str_eq(err.code, "AUDIT_TAMPERED");
	cr_assert_eq(bad, at, "%s: bad index %llu, expected %llu", what, (unsigned long long)bad,
		     (unsigned long long)at);
}

/* Each change is made on a fresh log of 6 entries, then detected. */
Test(audit_log, tampering_any_field_is_detected)
{
	static const char *const changes[] = {
		"UPDATE audit_log SET at = at + 1 WHERE idx = 3",
		"UPDATE audit_log SET at_text = '2001-01-01T00:00:00Z' WHERE idx = 3",
		"UPDATE audit_log SET actor_kind = 'system' WHERE idx = 3",
		"UPDATE audit_log SET actor_id = 8 WHERE idx = 3",
		"UPDATE audit_log SET actor_name = 'bilal' WHERE idx = 3",
		"UPDATE audit_log SET actor_role = 'admin' WHERE idx = 3",
		"UPDATE audit_log SET actor_role = NULL WHERE idx = 3",
		"UPDATE audit_log SET action = 'person.read' WHERE idx = 3",
		"UPDATE audit_log SET object = 'person:9' WHERE idx = 3",
		"UPDATE audit_log SET detail = '{\"i\":4}' WHERE idx = 3",
		"UPDATE audit_log SET request_id = 'req-2' WHERE idx = 3",
		"UPDATE audit_log SET client_addr = '10.0.0.2' WHERE idx = 3",
		"UPDATE audit_log SET leaf_hash = (SELECT leaf_hash FROM audit_log WHERE idx = 2)"
		" WHERE idx = 3",
		"DELETE FROM audit_log WHERE idx = 3",
	};
	for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++) {
		reset_log();
		append_n(6);
		struct sh_err err;
		cr_assert_eq(audit_verify(db, NULL, NULL, &err), SH_OK, "%s", err.msg);
		run_sql(changes[i]);
		expect_tampered(3, changes[i]);
	}
}

Test(audit_log, tampering_the_head_or_truncating_is_detected)
{
	append_n(6);
	run_sql("DELETE FROM audit_log WHERE idx = 5");
	expect_tampered(5, "dropping the last entry");

	reset_log();
	append_n(6);
	run_sql("UPDATE audit_state SET size = 5");
	expect_tampered(5, "size lowered");

	reset_log();
	append_n(6);
	run_sql("UPDATE audit_state SET root = frontier"); /* wrong length */
	expect_tampered(0, "root replaced");

	reset_log();
	append_n(6);
	/* A well-formed but wrong root: the head of 6 entries ≠ another log's. */
	struct sh_err err;
	store_tx *tx;
	unsigned char other[32];
	memset(other, 0x5a, sizeof other);
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(store_run(tx, &err, "UPDATE audit_state SET root = ?", "b", other, sizeof other), 1);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	expect_tampered(6, "root changed");
}

/* An attacker who rewrites a row and recomputes its leaf hash is still
 * caught by the stored frontier/root. */
Test(audit_log, consistent_rewrite_of_a_leaf_is_detected)
{
	append_n(6);
	struct sh_err err;
	struct audit_entry e = {
		.idx = 4, .at = 1, .at_text = "1970-01-01T00:00:01Z", .actor_kind = "system",
		.actor_id = 0, .action = "nothing.happened",
	};
	unsigned char h[32];
	cr_assert_eq(audit_entry_hash(&e, h, &err), SH_OK);
	store_tx *tx;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(store_run(tx, &err,
			       "UPDATE audit_log SET at = 1, at_text = '1970-01-01T00:00:01Z',"
			       " actor_kind = 'system', actor_id = 0, actor_name = NULL,"
			       " actor_role = NULL, action = 'nothing.happened', object = NULL,"
			       " detail = NULL, request_id = NULL, client_addr = NULL, leaf_hash = ?"
			       " WHERE idx = 4",
			       "b", h, sizeof h),
		     1, "%s", err.msg);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	/* Size 6 = subtrees [0,4) and [4,6): the second one disagrees. */
	expect_tampered(4, "consistent rewrite");
}

Test(audit_log, appends_roll_back_with_their_transaction)
{
	append_n(2);
	struct sh_err err;
	store_tx *tx;
	struct audit_actor a = {.kind = "system"};
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(audit_append(tx, &a, "x.y", NULL, NULL, &err), SH_OK);
	store_rollback(tx);
	struct audit_head h;
	cr_assert_eq(audit_head(db, &h, &err), SH_OK);
	cr_assert_eq(h.size, 2);
	cr_assert_eq(audit_verify(db, NULL, NULL, &err), SH_OK);
	cr_assert_eq(audit_append(NULL, &a, NULL, NULL, NULL, &err), SH_EINVAL);
	/* Invalid UTF-8 is stored (and hashed) with '?' in place of bad bytes. */
	cr_assert_eq(audit_record(db, &a, "auth.login.failure", "user:\xff\xfe", NULL, &err), SH_OK,
		     "%s", err.msg);
	cr_assert_eq(audit_verify(db, NULL, NULL, &err), SH_OK, "%s", err.msg);
}

/* A batch must leave exactly what the same entries appended one by one
 * leave: contiguous leaves in item order, each hashing from its row, and a
 * head equal to the independent RFC 6962 MTH of all leaves, also when
 * batches and single appends interleave and when the tree size crosses
 * powers of two inside a batch (sizes 3 -> 12 -> 13 -> 17 -> 33). */
Test(audit_log, batch_append_gives_the_same_head_as_one_by_one)
{
	struct sh_err err;
	append_n(3);
	struct audit_actor a = {"operator", 7, "asma", "uc_registrar", "req-1", "10.0.0.1"};
	struct audit_actor b = {.kind = "party", .id = 9, .name = "bank"};
	char obj[9][32], det[9][32];
	struct audit_item items[20];
	for (int i = 0; i < 9; i++) {
		snprintf(obj[i], sizeof obj[i], "person:%d", 100 + i);
		snprintf(det[i], sizeof det[i], "{\"b\":%d}", i);
		items[i] = (struct audit_item){i % 2 ? &a : &b, "person.read",
					       i % 3 ? obj[i] : NULL, i % 4 ? det[i] : NULL};
	}
	items[4].object = "user:\xff\xfe"; /* cleaned to '?' like a single append */
	items[5].actor = NULL;             /* "system" */
	store_tx *tx;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(audit_append_batch(tx, items, 9, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(audit_append_batch(tx, items, 0, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_commit(tx, &err), SH_OK, "%s", err.msg);
	append_n(1);
	for (int i = 9; i < 20; i++)
		items[i] = items[i % 9];
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(audit_append_batch(tx, items, 4, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(audit_append_batch(tx, items + 4, 16, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_commit(tx, &err), SH_OK, "%s", err.msg);

	struct leaves l = {.n = 0};
	cr_assert_eq(audit_entries(db, 0, 64, collect, &l, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(l.n, 33);
	struct audit_head h;
	cr_assert_eq(audit_head(db, &h, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(h.size, 33);
	unsigned char expect[32];
	naive_mth(l.h, l.n, expect);
	cr_assert_eq(memcmp(h.root, expect, 32), 0, "batch head differs from the MTH");
	/* Every intermediate size the batches skipped has the right root too. */
	for (size_t m = 1; m <= l.n; m++) {
		unsigned char at_m[32];
		naive_mth(l.h, m, expect);
		cr_assert_eq(audit_root_at(db, m, at_m, &err), SH_OK, "%s", err.msg);
		cr_assert_eq(memcmp(at_m, expect, 32), 0, "size %zu", m);
	}
	cr_assert_eq(audit_verify(db, NULL, NULL, &err), SH_OK, "%s", err.msg);

	/* Rows follow item order. */
	store_stmt *st;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &err), SH_OK);
	cr_assert_eq(store_query(tx, &st, &err,
				 "SELECT actor_kind, object FROM audit_log WHERE idx >= 3 AND idx < 12"
				 " ORDER BY idx", ""),
		     SH_OK, "%s", err.msg);
	for (int i = 0; i < 9; i++) {
		cr_assert_eq(store_step(st, &err), STORE_ROW);
		const char *kind = items[i].actor ? items[i].actor->kind : "system";
		cr_assert_str_eq(store_col_text(st, 0), kind, "entry %d", i);
		const char *o = store_col_text(st, 1);
		if (i == 4)
			cr_assert_str_eq(o, "user:??");
		else if (items[i].object)
			cr_assert_str_eq(o, items[i].object, "entry %d", i);
		else
			cr_assert_null(o, "entry %d", i);
	}
	store_finalize(st);
	store_rollback(tx);

	/* A batch rolls back as a whole; a bad item refuses the whole batch. */
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(audit_append_batch(tx, items, 5, &err), SH_OK, "%s", err.msg);
	store_rollback(tx);
	items[2].action = "";
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(audit_append_batch(tx, items, 5, &err), SH_EINVAL);
	store_rollback(tx);
	cr_assert_eq(audit_head(db, &h, &err), SH_OK);
	cr_assert_eq(h.size, 33);
	cr_assert_eq(audit_verify(db, NULL, NULL, &err), SH_OK, "%s", err.msg);
}

Test(audit_log, consistency_proofs_from_the_store)
{
	append_n(11);
	struct sh_err err;
	struct audit_head h;
	cr_assert_eq(audit_head(db, &h, &err), SH_OK);
	for (uint64_t m = 1; m <= 11; m++) {
		unsigned char old[32];
		cr_assert_eq(audit_root_at(db, m, old, &err), SH_OK);
		unsigned char (*p)[32] = NULL;
		size_t np = 0;
		cr_assert_eq(audit_consistency_proof(db, m, 11, &p, &np, &err), SH_OK, "%s", err.msg);
		cr_assert_eq(audit_consistency_check(m, 11, old, h.root,
						     (const unsigned char (*)[32])p, np),
			     SH_OK, "%llu -> 11", (unsigned long long)m);
		free(p);
	}
	unsigned char (*p)[32] = NULL;
	size_t np = 0;
	cr_assert_eq(audit_consistency_proof(db, 3, 12, &p, &np, &err), SH_EINVAL);
	cr_assert_eq(audit_consistency_proof(db, 0, 5, &p, &np, &err), SH_EINVAL);
	cr_assert_eq(audit_consistency_proof(db, 6, 5, &p, &np, &err), SH_EINVAL);
}

#define THREADS 6
#define PER_THREAD 300

static void *enqueuer(void *arg)
{
	intptr_t t = (intptr_t)arg;
	for (int i = 0; i < PER_THREAD; i++) {
		char obj[48];
		snprintf(obj, sizeof obj, "person:%ld:%d", (long)t, i);
		struct audit_actor a = {"party", t, "bank", NULL, NULL, NULL};
		audit_enqueue(&a, "person.read", obj, NULL);
	}
	return NULL;
}

Test(audit_log, writer_writes_every_enqueued_entry)
{
	struct sh_err err;
	cr_assert_eq(audit_writer_start(db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(audit_writer_start(db, &err), SH_ECONFLICT);
	pthread_t th[THREADS];
	for (intptr_t t = 0; t < THREADS; t++)
		cr_assert_eq(pthread_create(&th[t], NULL, enqueuer, (void *)t), 0);
	for (int t = 0; t < THREADS; t++)
		pthread_join(th[t], NULL);
	audit_writer_flush();
	struct audit_head h;
	cr_assert_eq(audit_head(db, &h, &err), SH_OK);
	cr_assert_eq(h.size, THREADS * PER_THREAD);
	enqueuer((void *)(intptr_t)99);
	audit_writer_stop(); /* flushes */
	cr_assert_eq(audit_head(db, &h, &err), SH_OK);
	cr_assert_eq(h.size, (THREADS + 1) * PER_THREAD);
	cr_assert_eq(audit_verify(db, NULL, NULL, &err), SH_OK, "%s", err.msg);
}

static void *recorder(void *arg)
{
	(void)arg;
	struct sh_err err;
	struct audit_actor a = {.kind = "system"};
	for (int i = 0; i < 40; i++)
		cr_assert_eq(audit_record(db, &a, "concurrent.append", NULL, NULL, &err), SH_OK,
			     "%s", err.msg);
	return NULL;
}

Test(audit_log, concurrent_appenders_keep_one_chain)
{
	pthread_t th[4];
	for (int t = 0; t < 4; t++)
		cr_assert_eq(pthread_create(&th[t], NULL, recorder, NULL), 0);
	for (int t = 0; t < 4; t++)
		pthread_join(th[t], NULL);
	struct sh_err err;
	struct audit_head h;
	cr_assert_eq(audit_head(db, &h, &err), SH_OK);
	cr_assert_eq(h.size, 160);
	cr_assert_eq(audit_verify(db, NULL, NULL, &err), SH_OK, "%s", err.msg);
}

static volatile int stop_appending;

static void *appender(void *arg)
{
	(void)arg;
	struct sh_err err;
	struct audit_actor a = {.kind = "system"};
	while (!stop_appending)
		cr_assert_eq(audit_record(db, &a, "busy.append", NULL, NULL, &err), SH_OK, "%s",
			     err.msg);
	return NULL;
}

/* Regression: verify must read the head and the entries from one snapshot,
 * or appends committed in between look like tampering. */
Test(audit_log, verify_during_appends_is_not_fooled)
{
	append_n(3);
	pthread_t th;
	stop_appending = 0;
	cr_assert_eq(pthread_create(&th, NULL, appender, NULL), 0);
	struct sh_err err;
	for (int i = 0; i < 30; i++) {
		uint64_t bad = 0;
		cr_assert_eq(audit_verify(db, NULL, &bad, &err), SH_OK, "round %d: %s (bad %llu)", i,
			     err.msg, (unsigned long long)bad);
	}
	stop_appending = 1;
	pthread_join(th, NULL);
}
