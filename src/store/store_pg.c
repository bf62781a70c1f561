/* store_pg.c — the PostgreSQL backend over libpq.
 *
 * Statements are prepared on the server once per connection (named, cached
 * by SQL text) with parameter types left for the server to infer from the
 * SQL; values travel as text, blobs as binary bytea. Results come back as
 * text: integers are parsed, bytea is decoded from its hex form
 * (postgresql.org/docs/current/datatype-binary.html). A whole result set is
 * held by libpq, so big scans page with keyset queries (docs/store.md). */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

/* Type OIDs from PostgreSQL's pg_type.dat (stable since 7.x). */
#define PG_BOOLOID 16
#define PG_BYTEAOID 17

struct pg_conn {
	PGconn *h;
	struct store_cache cache;
	unsigned next_name;
	int broken; /* lost: reset before the next use */
};

/* A cached server-side prepared statement. */
struct pg_prep {
	PGconn *h; /* NULL once the connection was reset: nothing to free there */
	int nparams;
	char name[24];
};

struct pg_blob {
	unsigned char *p;
	size_t n;
	int row; /* the row it was decoded from, -1 none */
};

struct pg_stmt {
	store_stmt base;
	struct pg_conn *c;
	struct store_cache_entry *ce;
	char **vals;
	int *lens, *fmts;
	PGresult *res;
	int row, nrows;
	struct pg_blob *blobs; /* per column, decoded bytea of the current row */
	int nblobs;
};

static void trim_nl(char *s, size_t n)
{
	size_t len = strnlen(s, n);
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == ' '))
		s[--len] = '\0';
}

/* SQLSTATE classes: Appendix A of the PostgreSQL manual. */
static int pg_err(struct pg_conn *c, const PGresult *r, struct sh_err *err, const char *what)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r ? PQresultErrorMessage(r) : "";
	if (!msg || !*msg)
		msg = PQerrorMessage(c->h);
	int rc;
	if (PQstatus(c->h) != CONNECTION_OK) {
		c->broken = 1;
		rc = sh_err_set(err, SH_EDB, "STORE_CONNECTION", "%s: connection lost: %s", what,
				msg);
	} else if (!state) {
		rc = sh_err_set(err, SH_EDB, "STORE_ERROR", "%s: %s", what, msg);
	} else if (strcmp(state, "23505") == 0) {
		rc = sh_err_set(err, SH_ECONFLICT, "STORE_UNIQUE", "%s: %s", what, msg);
	} else if (strcmp(state, "23503") == 0) {
		rc = sh_err_set(err, SH_ECONFLICT, "STORE_FOREIGN_KEY", "%s: %s", what, msg);
	} else if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
		   strcmp(state, "55P03") == 0 || strcmp(state, "57014") == 0) {
		/* serialization failure, deadlock, lock timeout, statement timeout */
		rc = sh_err_set(err, SH_EBUSY, "STORE_BUSY", "%s: %s", what, msg);
	} else if (strncmp(state, "23", 2) == 0) {
		rc = sh_err_set(err, SH_EDB, "STORE_CONSTRAINT", "%s: %s", what, msg);
	} else if (strncmp(state, "08", 2) == 0) {
		c->broken = 1;
		rc = sh_err_set(err, SH_EDB, "STORE_CONNECTION", "%s: %s", what, msg);
	} else {
		rc = sh_err_set(err, SH_EDB, "STORE_ERROR", "%s: %s", what, msg);
	}
	if (err)
		trim_nl(err->msg, sizeof err->msg);
	return rc;
}

static void notice_ignore(void *arg, const char *msg)
{
	(void)arg;
	(void)msg; /* "relation exists, skipping" and the like are not errors */
}

static void prep_drop(void *v)
{
	struct pg_prep *p = v;
	if (p->h) {
		char sql[48];
		snprintf(sql, sizeof sql, "DEALLOCATE %s", p->name);
		PQclear(PQexec(p->h, sql));
	}
	free(p);
}

/* After a reset the server forgot every prepared statement. */
static void prep_forget(void *v)
{
	free(v);
}

static void pg_conn_close(void *conn)
{
	struct pg_conn *c = conn;
	if (!c)
		return;
	store_cache_clear(&c->cache, prep_forget);
	PQfinish(c->h);
	free(c);
}

static int pg_conn_open(store *db, void **out, struct sh_err *err)
{
	struct pg_conn *c = calloc(1, sizeof *c);
	if (!c)
		return sh_err_set(err, SH_ENOMEM, "STORE_NOMEM", "out of memory");
	/* Our defaults first: settings in the URI come later and win. */
	const char *keys[] = {"connect_timeout", "client_encoding", "application_name",
			      "dbname", NULL};
	const char *vals[] = {"10", "UTF8", "shanakht", db->target, NULL};
	c->h = PQconnectdbParams(keys, vals, 1);
	if (!c->h || PQstatus(c->h) != CONNECTION_OK) {
		int rc = sh_err_set(err, SH_EDB, "STORE_CONNECT", "cannot connect to PostgreSQL: %s",
				    c->h ? PQerrorMessage(c->h) : "out of memory");
		if (err)
			trim_nl(err->msg, sizeof err->msg);
		PQfinish(c->h);
		free(c);
		return rc;
	}
	PQsetNoticeProcessor(c->h, notice_ignore, NULL);
	*out = c;
	return SH_OK;
}

static int pg_command(struct pg_conn *c, const char *sql, struct sh_err *err)
{
	PGresult *r = PQexec(c->h, sql);
	ExecStatusType s = PQresultStatus(r);
	int rc = SH_OK;
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		rc = pg_err(c, r, err, "SQL failed");
	PQclear(r);
	return rc;
}

static int pg_conn_ready(store *db, struct store_slot *slot, struct sh_err *err)
{
	struct pg_conn *c = slot->conn;
	if (c->broken || PQstatus(c->h) != CONNECTION_OK) {
		store_cache_clear(&c->cache, prep_forget);
		PQreset(c->h);
		if (PQstatus(c->h) != CONNECTION_OK) {
			int rc = sh_err_set(err, SH_EDB, "STORE_CONNECTION",
					    "cannot reconnect to PostgreSQL: %s",
					    PQerrorMessage(c->h));
			if (err)
				trim_nl(err->msg, sizeof err->msg);
			return rc;
		}
		c->broken = 0;
		slot->busy_ms = -1;
	}
	if (slot->busy_ms != slot->want_ms) {
		/* Lock waits are bounded like SQLite's busy timeout; 55P03 then
		 * maps to SH_EBUSY. */
		char sql[64];
		snprintf(sql, sizeof sql, "SET lock_timeout = %d", slot->want_ms);
		int rc = pg_command(c, sql, err);
		if (rc != SH_OK)
			return rc;
		slot->busy_ms = slot->want_ms;
	}
	return SH_OK;
}

/* READ COMMITTED for both modes: each statement sees what was committed
 * before it began; code that reads and then writes locks the rows it read
 * with SELECT ... FOR UPDATE (docs/store.md). */
static int pg_begin(void *conn, enum store_mode mode, struct sh_err *err)
{
	(void)mode;
	return pg_command(conn, "BEGIN ISOLATION LEVEL READ COMMITTED", err);
}

static int pg_commit(void *conn, struct sh_err *err)
{
	struct pg_conn *c = conn;
	PGresult *r = PQexec(c->h, "COMMIT");
	int rc = SH_OK;
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		rc = pg_err(c, r, err, "commit failed");
	else if (strcmp(PQcmdStatus(r), "COMMIT") != 0) /* the tx had failed */
		rc = sh_err_set(err, SH_EDB, "STORE_TX_FAILED", "transaction was rolled back");
	PQclear(r);
	return rc;
}

static void pg_rollback(void *conn)
{
	struct pg_conn *c = conn;
	PGresult *r = PQexec(c->h, "ROLLBACK");
	if (PQstatus(c->h) != CONNECTION_OK)
		c->broken = 1;
	PQclear(r);
}

static int pg_exec(void *conn, const char *sql, struct sh_err *err)
{
	return pg_command(conn, sql, err);
}

static int pg_prepare(void *conn, const char *sql, store_stmt **out, struct sh_err *err)
{
	struct pg_conn *c = conn;
	struct pg_stmt *st = calloc(1, sizeof *st);
	if (!st)
		return sh_err_set(err, SH_ENOMEM, "STORE_NOMEM", "out of memory");
	st->c = c;
	int rc = SH_OK;
	st->ce = store_cache_get(&c->cache, sql, 1);
	if (!st->ce) {
		char *q = NULL;
		int n = 0;
		rc = store_sql_translate(sql, STORE_POSTGRES, STORE_SQL_PARAMS, &q, &n, err);
		if (rc != SH_OK)
			goto fail;
		struct pg_prep *p = calloc(1, sizeof *p);
		if (!p) {
			free(q);
			rc = sh_err_set(err, SH_ENOMEM, "STORE_NOMEM", "out of memory");
			goto fail;
		}
		p->h = c->h;
		p->nparams = n;
		snprintf(p->name, sizeof p->name, "sh_%u", c->next_name++);
		PGresult *r = PQprepare(c->h, p->name, q, 0, NULL);
		free(q);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			rc = pg_err(c, r, err, "cannot prepare SQL");
			PQclear(r);
			free(p);
			goto fail;
		}
		PQclear(r);
		st->ce = store_cache_put(&c->cache, sql, p, prep_drop);
		if (!st->ce) { /* every entry in use: cannot happen below 64 live statements */
			prep_drop(p);
			rc = sh_err_set(err, SH_ENOMEM, "STORE_NOMEM", "statement cache full");
			goto fail;
		}
	}
	int n = ((struct pg_prep *)st->ce->value)->nparams;
	st->base.nparams = n;
	if (n > 0) {
		st->vals = calloc((size_t)n, sizeof *st->vals);
		st->lens = calloc((size_t)n, sizeof *st->lens);
		st->fmts = calloc((size_t)n, sizeof *st->fmts);
		if (!st->vals || !st->lens || !st->fmts) {
			rc = sh_err_set(err, SH_ENOMEM, "STORE_NOMEM", "out of memory");
			goto fail;
		}
	}
	*out = &st->base;
	return SH_OK;
fail:
	if (st->ce)
		st->ce->in_use--;
	free(st->vals);
	free(st->lens);
	free(st->fmts);
	free(st);
	return rc;
}

static int pg_bind(store_stmt *base, int idx, enum store_val kind, int64_t i, const void *p,
		   size_t n)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	int k = idx - 1;
	char *v = NULL;
	int len = 0, fmt = 0;
	if (n > INT32_MAX - 1)
		return SH_ETOOBIG;
	switch (kind) {
	case STORE_V_INT:
		v = malloc(24);
		if (v)
			len = snprintf(v, 24, "%lld", (long long)i);
		break;
	case STORE_V_TEXT:
	case STORE_V_BLOB:
		v = malloc(n + 1);
		if (v) {
			memcpy(v, p, n);
			v[n] = '\0';
			len = (int)n;
		}
		fmt = kind == STORE_V_BLOB; /* binary: bytea without escaping */
		break;
	case STORE_V_NULL:
		break;
	}
	if (kind != STORE_V_NULL && !v)
		return SH_ENOMEM;
	free(st->vals[k]);
	st->vals[k] = v;
	st->lens[k] = len;
	st->fmts[k] = fmt;
	return SH_OK;
}

static int64_t parse_count(const char *s)
{
	int64_t n = 0;
	for (; *s >= '0' && *s <= '9'; s++)
		n = n * 10 + (*s - '0');
	return n;
}

static void blobs_clear(struct pg_stmt *st)
{
	for (int i = 0; i < st->nblobs; i++)
		free(st->blobs[i].p);
	free(st->blobs);
	st->blobs = NULL;
	st->nblobs = 0;
}

static int pg_step(store_stmt *base, struct sh_err *err)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	if (!st->res) {
		const struct pg_prep *p = st->ce->value;
		st->res = PQexecPrepared(st->c->h, p->name, base->nparams,
					 (const char *const *)st->vals, st->lens, st->fmts, 0);
		ExecStatusType s = PQresultStatus(st->res);
		if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
			int rc = pg_err(st->c, st->res, err, "SQL failed");
			PQclear(st->res);
			st->res = NULL;
			return rc;
		}
		st->nrows = PQntuples(st->res);
		st->row = 0;
	} else {
		st->row++;
	}
	if (st->row < st->nrows)
		return STORE_ROW;
	/* SQLite counts no changes for a SELECT; PostgreSQL's tag has rows. */
	if (strncmp(PQcmdStatus(st->res), "SELECT", 6) != 0)
		base->changes = parse_count(PQcmdTuples(st->res));
	return STORE_DONE;
}

static int pg_has(struct pg_stmt *st, int col)
{
	return st->res && st->row < st->nrows && col >= 0 && col < PQnfields(st->res);
}

static int pg_col_count(store_stmt *base)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	return st->res ? PQnfields(st->res) : 0;
}

static int pg_col_is_null(store_stmt *base, int col)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	return !pg_has(st, col) || PQgetisnull(st->res, st->row, col);
}

static const char *pg_col_text(store_stmt *base, int col)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	if (pg_col_is_null(base, col))
		return NULL;
	return PQgetvalue(st->res, st->row, col);
}

static int64_t pg_col_int(store_stmt *base, int col)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	const char *s = pg_col_text(base, col);
	if (!s)
		return 0;
	if (PQftype(st->res, col) == PG_BOOLOID)
		return s[0] == 't';
	/* Like SQLite's integer conversion: a leading integer, 0 if none
	 * (numeric results such as sum() may carry a fraction). */
	return strtoll(s, NULL, 10);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static const void *pg_col_blob(store_stmt *base, int col, size_t *len)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	size_t dummy;
	if (!len)
		len = &dummy;
	*len = 0;
	const char *s = pg_col_text(base, col);
	if (!s)
		return NULL;
	size_t n = (size_t)PQgetlength(st->res, st->row, col);
	if (PQftype(st->res, col) != PG_BYTEAOID || n < 2 || s[0] != '\\' || s[1] != 'x') {
		*len = n;
		return s;
	}
	if (!st->blobs) {
		st->nblobs = PQnfields(st->res);
		st->blobs = calloc((size_t)st->nblobs, sizeof *st->blobs);
		if (!st->blobs) {
			st->nblobs = 0;
			return NULL;
		}
		for (int i = 0; i < st->nblobs; i++)
			st->blobs[i].row = -1;
	}
	struct pg_blob *b = &st->blobs[col];
	if (b->row != st->row) {
		size_t out = (n - 2) / 2;
		unsigned char *p = realloc(b->p, out ? out : 1);
		if (!p)
			return NULL;
		b->p = p;
		for (size_t i = 0; i < out; i++) {
			int hi = hexval(s[2 + 2 * i]), lo = hexval(s[3 + 2 * i]);
			if (hi < 0 || lo < 0)
				return NULL; /* not hex: cannot happen with bytea_output=hex */
			p[i] = (unsigned char)(hi << 4 | lo);
		}
		b->n = out;
		b->row = st->row;
	}
	*len = b->n;
	return b->p;
}

static void pg_reset(store_stmt *base)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	PQclear(st->res);
	st->res = NULL;
	st->row = st->nrows = 0;
	blobs_clear(st);
}

static void pg_release(store_stmt *base)
{
	struct pg_stmt *st = (struct pg_stmt *)base;
	pg_reset(base);
	for (int i = 0; st->vals && i < base->nparams; i++)
		free(st->vals[i]);
	free(st->vals);
	free(st->lens);
	free(st->fmts);
	st->vals = NULL;
	st->lens = st->fmts = NULL;
	if (st->ce)
		st->ce->in_use--;
	st->ce = NULL;
}

const struct store_ops store_pg_ops = {
	.conn_open = pg_conn_open,
	.conn_close = pg_conn_close,
	.conn_ready = pg_conn_ready,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.bind = pg_bind,
	.step = pg_step,
	.col_count = pg_col_count,
	.col_is_null = pg_col_is_null,
	.col_text = pg_col_text,
	.col_int = pg_col_int,
	.col_blob = pg_col_blob,
	.reset = pg_reset,
	.release = pg_release,
};
