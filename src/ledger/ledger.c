/* ledger.c — verification ledger, fraud signals and citizens' locks. */
#include "ledger/ledger.h"

#include <stdio.h>
#include <string.h>

#include "ledger/vtype.h"
#include "lib/parse.h"

static const struct store_migration verify_migrations[] = {
	{1, "verification ledger, fraud signals, locks",
	 "CREATE TABLE verify_transactions ("
	 " id {{PK}},"
	 " party_id BIGINT NOT NULL,"
	 " party_name TEXT,"
	 " id_number TEXT NOT NULL,"
	 " consent_id TEXT,"
	 " purpose TEXT,"
	 " type TEXT NOT NULL,"
	 " event TEXT NOT NULL,"
	 " result TEXT NOT NULL,"
	 " reason TEXT,"
	 " detail TEXT,"     /* JSON: modality-specific data for biometric types */
	 " created_at BIGINT NOT NULL);"
	 "CREATE INDEX verify_transactions_person ON verify_transactions(id_number, id);"
	 "CREATE TABLE fraud_signals ("
	 " id {{PK}},"
	 " kind TEXT NOT NULL,"
	 " id_number TEXT NOT NULL,"
	 " party_id BIGINT NOT NULL,"
	 " consent_id TEXT,"
	 " detail TEXT,"
	 " created_at BIGINT NOT NULL,"
	 " reviewed_at BIGINT);"
	 "CREATE INDEX fraud_signals_person ON fraud_signals(id_number);"
	 "CREATE TABLE verify_locks ("
	 " id_number TEXT NOT NULL,"
	 " type TEXT NOT NULL,"
	 " locked_at BIGINT NOT NULL,"
	 " PRIMARY KEY (id_number, type));"},
};

int ledger_migrate(store *db, struct sh_err *err)
{
	return store_migrate(db, "verify", verify_migrations,
			     sizeof verify_migrations / sizeof verify_migrations[0], err);
}

int ledger_record(store_tx *tx, const struct ledger_entry *t, struct sh_err *err)
{
	int rc = store_run(tx, err,
			   "INSERT INTO verify_transactions(party_id, party_name, id_number,"
			   " consent_id, purpose, type, event, result, reason, detail, created_at)"
			   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			   "ittttttttti", t->party_id,
			   t->party_name, t->id_number, t->consent_id, t->purpose, t->type, t->event,
			   t->result, t->reason, t->detail, t->at ? t->at : sh_now());
	return rc < 0 ? rc : SH_OK;
}

int ledger_list(store_tx *tx, const char *id_number, int limit, int64_t before_id,
		    int (*fn)(void *ctx, const struct ledger_entry *t), void *ctx,
		    struct sh_err *err)
{
	store_stmt *st = NULL;
	int rc = store_query(tx, &st, err,
			     "SELECT id, party_id, party_name, consent_id, purpose, type, event,"
			     " result, reason, detail, created_at FROM verify_transactions"
			     " WHERE id_number = ? AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?",
			     "tiii", id_number, before_id, before_id,
			     (int64_t)(limit > 0 && limit <= 500 ? limit : 100));
	if (rc != SH_OK)
		return rc;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		struct ledger_entry t = {
			.id = store_col_int(st, 0),
			.party_id = store_col_int(st, 1),
			.party_name = store_col_text(st, 2),
			.id_number = id_number,
			.consent_id = store_col_text(st, 3),
			.purpose = store_col_text(st, 4),
			.type = store_col_text(st, 5),
			.event = store_col_text(st, 6),
			.result = store_col_text(st, 7),
			.reason = store_col_text(st, 8),
			.detail = store_col_text(st, 9),
			.at = store_col_int(st, 10),
		};
		if (fn(ctx, &t))
			break;
	}
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}

int ledger_fraud_signal(store_tx *tx, const char *kind, const char *id_number,
			int64_t party_id, const char *consent_id, const char *detail,
			struct sh_err *err)
{
	int rc = store_run(tx, err,
			   "INSERT INTO fraud_signals(kind, id_number, party_id, consent_id, detail,"
			   " created_at) VALUES (?, ?, ?, ?, ?, ?)",
			   "ttitti", kind, id_number, party_id, consent_id, detail, sh_now());
	return rc < 0 ? rc : SH_OK;
}

int ledger_fraud_count(store_tx *tx, const char *kind, const char *id_number, int64_t *out,
		       struct sh_err *err)
{
	store_stmt *st = NULL;
	int rc = store_query(tx, &st, err,
			     "SELECT COUNT(*) FROM fraud_signals WHERE kind = ? AND id_number = ?",
			     "tt", kind, id_number);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	*out = rc == STORE_ROW ? store_col_int(st, 0) : 0;
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}

int ledger_locks_get(store_tx *tx, const char *id_number, unsigned *out, struct sh_err *err)
{
	store_stmt *st = NULL;
	*out = 0;
	int rc = store_query(tx, &st, err, "SELECT type FROM verify_locks WHERE id_number = ?", "t",
			     id_number);
	if (rc != SH_OK)
		return rc;
	while ((rc = store_step(st, err)) == STORE_ROW)
		*out |= vtype_parse(store_col_text(st, 0));
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}

int ledger_lock_set(store_tx *tx, const struct audit_actor *actor, const char *id_number,
		    unsigned type_bit, int locked, struct sh_err *err)
{
	const char *name = vtype_name(type_bit);
	if (!name)
		return sh_err_set(err, SH_EINVAL, "VERIFY_TYPE", "unknown verification type");
	int rc = locked ? store_run(tx, err,
				    "INSERT INTO verify_locks(id_number, type, locked_at)"
				    " VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
				    "tti", id_number, name, sh_now())
			: store_run(tx, err,
				    "DELETE FROM verify_locks WHERE id_number = ? AND type = ?", "tt",
				    id_number, name);
	if (rc < 0)
		return rc;
	char object[32], detail[64];
	snprintf(object, sizeof object, "person:%s", id_number);
	snprintf(detail, sizeof detail, "{\"type\":\"%s\"}", name);
	return audit_append(tx, actor, locked ? "verify.lock" : "verify.unlock", object, detail,
			    err);
}
