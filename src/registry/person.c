/* person.c — the person registry: schema, create, read, versioned update
 * (see person.h). Search, history and family lookups live in their own
 * files; field rules in person_validate.c. */
#include "registry/person.h"

#include <stdio.h>
#include <string.h>

#include "lib/buf.h"
#include "registry/address.h"
#include "registry/idnum.h"
#include "registry/names.h"
#include "registry/person_internal.h"

/* The person columns, written once for both tables. */
#define PERSON_DDL_COLS                                                               \
	" id_number TEXT NOT NULL, legacy_number BIGINT NOT NULL, version BIGINT NOT NULL," \
	" name_ur TEXT, name_en TEXT, guardian_name_ur TEXT, guardian_name_en TEXT,"      \
	" guardian_relation TEXT NOT NULL, gender TEXT NOT NULL, dob TEXT NOT NULL,"      \
	" dob_year BIGINT NOT NULL, dob_precision TEXT NOT NULL, place_of_birth TEXT,"    \
	" council_code TEXT NOT NULL, address_line TEXT, status TEXT NOT NULL,"           \
	" date_of_death TEXT, citizenship TEXT NOT NULL, marital TEXT NOT NULL,"          \
	" mobile TEXT, mother_id TEXT, father_id TEXT, updated_at BIGINT NOT NULL"

static const char registry_schema_sql[] =
	"CREATE TABLE persons (id {{PK}}," PERSON_DDL_COLS ", created_at BIGINT NOT NULL,"
	" UNIQUE (id_number));"
	"CREATE INDEX persons_dob ON persons(dob);"
	"CREATE INDEX persons_dob_year ON persons(dob_year, dob_precision);"
	"CREATE INDEX persons_mother ON persons(mother_id);"
	"CREATE INDEX persons_father ON persons(father_id);"
	"CREATE INDEX persons_mobile ON persons(mobile);"
	"CREATE INDEX persons_council ON persons(council_code);"
	/* Every version as a full snapshot: history never needs replaying. */
	"CREATE TABLE person_versions (id {{PK}},"
	" person_id BIGINT NOT NULL REFERENCES persons(id)," PERSON_DDL_COLS ","
	" actor_kind TEXT NOT NULL, actor_name TEXT NOT NULL, reason TEXT,"
	" fields BIGINT NOT NULL, at BIGINT NOT NULL, UNIQUE (person_id, version));";

/* A change that takes effect later (person_schedule.c), at most one per
 * person and field; and a change of mobile waiting for its confirmation
 * code (person_mobile.c), at most one per person. */
static const char person_schedule_sql[] =
	"CREATE TABLE person_scheduled (id_number TEXT NOT NULL, field TEXT NOT NULL,"
	" value TEXT NOT NULL, effective_at BIGINT NOT NULL, reason TEXT NOT NULL,"
	" actor_kind TEXT NOT NULL, actor_name TEXT NOT NULL, created_at BIGINT NOT NULL,"
	" PRIMARY KEY (id_number, field));"
	"CREATE INDEX person_scheduled_due ON person_scheduled(effective_at);"
	"CREATE TABLE person_mobile_changes (id_number TEXT PRIMARY KEY, mobile TEXT NOT NULL,"
	" code_hash {{BLOB}} NOT NULL, expires_at BIGINT NOT NULL, tries BIGINT NOT NULL,"
	" reason TEXT NOT NULL, requested_by TEXT NOT NULL, created_at BIGINT NOT NULL);";

/* Tokens compare bytewise on both backends (COLLATE "C" on PostgreSQL,
 * SQLite's default BINARY) so that the prefix range [t, t || U+10FFFF) is
 * right and indexed whatever the database's locale. */
static const char tokens_sql_sqlite[] =
	"CREATE TABLE person_name_tokens (token TEXT NOT NULL,"
	" person_id BIGINT NOT NULL REFERENCES persons(id), PRIMARY KEY (token, person_id));"
	"CREATE INDEX person_name_tokens_person ON person_name_tokens(person_id);";
static const char tokens_sql_pg[] =
	"CREATE TABLE person_name_tokens (token TEXT COLLATE \"C\" NOT NULL,"
	" person_id BIGINT NOT NULL REFERENCES persons(id), PRIMARY KEY (token, person_id));"
	"CREATE INDEX person_name_tokens_person ON person_name_tokens(person_id);";

int registry_migrate(store *db, struct sh_err *err)
{
	int rc = address_migrate(db, err);
	if (rc != SH_OK)
		return rc;
	const struct store_migration m[] = {
		{1, "persons and versions", registry_schema_sql},
		{2, "person name tokens",
		 store_backend_of(db) == STORE_POSTGRES ? tokens_sql_pg : tokens_sql_sqlite},
		{3, "scheduled changes and confirmed mobile changes", person_schedule_sql},
	};
	return store_migrate(db, "registry", m, sizeof m / sizeof m[0], err);
}

/* --- rows ------------------------------------------------------------- */

static int bind_opt(store_stmt *st, int idx, const char *s)
{
	return store_bind_text(st, idx, (s && *s) ? s : NULL);
}

int person_bind(store_stmt *st, int i, const struct person *p)
{
	char dob[16], dod[16];
	sh_date_format(p->dob, dob, sizeof dob);
	int has_dod = p->date_of_death.year != 0;
	if (has_dod)
		sh_date_format(p->date_of_death, dod, sizeof dod);
	int rc = 0;
	rc |= store_bind_text(st, i + 0, p->id_number);
	rc |= store_bind_int(st, i + 1, p->legacy_number ? 1 : 0);
	rc |= store_bind_int(st, i + 2, p->version);
	rc |= bind_opt(st, i + 3, p->name_ur);
	rc |= bind_opt(st, i + 4, p->name_en);
	rc |= bind_opt(st, i + 5, p->guardian_name_ur);
	rc |= bind_opt(st, i + 6, p->guardian_name_en);
	rc |= store_bind_text(st, i + 7, person_guardian_name(p->guardian_relation));
	rc |= store_bind_text(st, i + 8, person_gender_name(p->gender));
	rc |= store_bind_text(st, i + 9, dob);
	rc |= store_bind_int(st, i + 10, p->dob.year);
	rc |= store_bind_text(st, i + 11, person_dob_precision_name(p->dob_precision));
	rc |= bind_opt(st, i + 12, p->place_of_birth);
	rc |= store_bind_text(st, i + 13, p->council_code);
	rc |= bind_opt(st, i + 14, p->address_line);
	rc |= store_bind_text(st, i + 15, person_status_name(p->status));
	rc |= bind_opt(st, i + 16, has_dod ? dod : NULL);
	rc |= store_bind_text(st, i + 17, person_citizenship_name(p->citizenship));
	rc |= store_bind_text(st, i + 18, person_marital_name(p->marital));
	rc |= bind_opt(st, i + 19, p->mobile);
	rc |= bind_opt(st, i + 20, p->mother_id);
	rc |= bind_opt(st, i + 21, p->father_id);
	rc |= store_bind_int(st, i + 22, p->updated_at);
	return rc ? SH_EDB : SH_OK;
}

/* Bounded copy of a text column ("" for NULL). Not snprintf: a row has ~30
 * of these and a read path runs them per request. The schema's sizes match
 * the struct's, so the cut never happens to data we wrote. */
static void col_str(store_stmt *st, int col, char *dst, size_t n)
{
	const char *s = store_col_text(st, col);
	size_t len = s ? strlen(s) : 0;
	if (len >= n)
		len = n - 1;
	if (len)
		memcpy(dst, s, len);
	dst[len] = '\0';
}

static int col_enum(store_stmt *st, int col, int (*parse)(const char *))
{
	int v = parse(store_col_text(st, col));
	return v < 0 ? 0 : v; /* the schema only ever holds names we wrote */
}

static struct sh_date col_date(store_stmt *st, int col)
{
	struct sh_date d = {0, 0, 0};
	const char *s = store_col_text(st, col);
	if (s && sh_parse_date(s, &d) != 0)
		memset(&d, 0, sizeof d);
	return d;
}

void person_from_row(store_stmt *st, int i, struct person *out)
{
	int64_t row_id = out->row_id;
	memset(out, 0, sizeof *out);
	out->row_id = row_id;
	col_str(st, i + 0, out->id_number, sizeof out->id_number);
	out->legacy_number = store_col_int(st, i + 1) != 0;
	out->version = (int)store_col_int(st, i + 2);
	col_str(st, i + 3, out->name_ur, sizeof out->name_ur);
	col_str(st, i + 4, out->name_en, sizeof out->name_en);
	col_str(st, i + 5, out->guardian_name_ur, sizeof out->guardian_name_ur);
	col_str(st, i + 6, out->guardian_name_en, sizeof out->guardian_name_en);
	out->guardian_relation = (enum person_guardian)col_enum(st, i + 7, person_guardian_parse);
	out->gender = (enum person_gender)col_enum(st, i + 8, person_gender_parse);
	out->dob = col_date(st, i + 9);
	out->dob_precision =
		(enum person_dob_precision)col_enum(st, i + 11, person_dob_precision_parse);
	col_str(st, i + 12, out->place_of_birth, sizeof out->place_of_birth);
	col_str(st, i + 13, out->council_code, sizeof out->council_code);
	col_str(st, i + 14, out->address_line, sizeof out->address_line);
	out->status = (enum person_status)col_enum(st, i + 15, person_status_parse);
	out->date_of_death = col_date(st, i + 16);
	out->citizenship = (enum person_citizenship)col_enum(st, i + 17, person_citizenship_parse);
	out->marital = (enum person_marital)col_enum(st, i + 18, person_marital_parse);
	col_str(st, i + 19, out->mobile, sizeof out->mobile);
	col_str(st, i + 20, out->mother_id, sizeof out->mother_id);
	col_str(st, i + 21, out->father_id, sizeof out->father_id);
	out->updated_at = store_col_int(st, i + 22);
}

/* --- tokens and versions --------------------------------------------- */

int person_tokens_write(store_tx *tx, int64_t row_id, const struct person *p, int replace,
			struct sh_err *err)
{
	int rc;
	if (replace &&
	    (rc = store_run(tx, err, "DELETE FROM person_name_tokens WHERE person_id = ?", "i",
			    row_id)) < 0)
		return rc;
	struct names_tokens ur, en;
	if ((rc = names_tokens(p->name_ur, &ur, err)) != SH_OK ||
	    (rc = names_tokens(p->name_en, &en, err)) != SH_OK)
		return rc;
	/* Distinct tokens of both scripts, written in one statement: one
	 * round trip instead of one per word (it matters on PostgreSQL). */
	const char *tok[2 * NAMES_MAX_TOKENS];
	int nt = 0;
	const struct names_tokens *sets[2] = {&ur, &en};
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < sets[k]->n; i++) {
			int dup = 0;
			for (int j = 0; j < nt && !dup; j++)
				dup = strcmp(tok[j], sets[k]->tok[i]) == 0;
			if (!dup)
				tok[nt++] = sets[k]->tok[i];
		}
	if (nt == 0)
		return SH_OK;
	char sql[96 + 2 * NAMES_MAX_TOKENS * 8];
	size_t len = (size_t)snprintf(sql, sizeof sql,
				      "INSERT INTO person_name_tokens(token, person_id) VALUES ");
	for (int i = 0; i < nt; i++)
		len += (size_t)snprintf(sql + len, sizeof sql - len, "%s(?, ?)", i ? "," : "");
	store_stmt *st = NULL;
	if ((rc = store_prepare(tx, sql, &st, err)) != SH_OK)
		return rc;
	for (int i = 0; i < nt; i++) {
		store_bind_text(st, 2 * i + 1, tok[i]);
		store_bind_int(st, 2 * i + 2, row_id);
	}
	int r = store_step(st, err);
	store_finalize(st);
	return r < 0 ? r : SH_OK;
}

int person_version_insert(store_tx *tx, int64_t row_id, const struct person *p,
			  const struct audit_actor *actor, const char *reason, unsigned fields,
			  struct sh_err *err)
{
	store_stmt *st = NULL;
	int rc = store_prepare(tx, "INSERT INTO person_versions(person_id, " PERSON_DATA_COLS
			       ", actor_kind, actor_name, reason, fields, at) VALUES (?,"
			       " ?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?, ?,?,?,?,?)",
			       &st, err);
	if (rc != SH_OK)
		return rc;
	const char *kind = actor && actor->kind ? actor->kind : "system";
	const char *name = actor && actor->name ? actor->name : "system";
	if (store_bind_int(st, 1, row_id) || person_bind(st, 2, p) ||
	    store_bind_text(st, 25, kind) || store_bind_text(st, 26, name) ||
	    store_bind_text(st, 27, reason && *reason ? reason : NULL) ||
	    store_bind_int(st, 28, fields) || store_bind_int(st, 29, p->updated_at)) {
		store_finalize(st);
		return sh_err_set(err, SH_EDB, "STORE_BIND", "cannot bind person version");
	}
	rc = store_step(st, err);
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}

/* --- audit ------------------------------------------------------------ */

/* The audit detail names the fields changed, never their values: the log is
 * append-only forever and must not become a second copy of personal data. */
static int person_audit(store_tx *tx, const struct audit_actor *actor, const char *action,
			const struct person *p, unsigned fields, const char *reason,
			struct sh_err *err)
{
	static const char *const fname[] = {"name_ur", "name_en", "guardian", "gender", "dob",
					    "place_of_birth", "address", "status", "citizenship",
					    "marital", "mobile", "parents"};
	struct sh_buf b;
	sh_buf_init(&b, 4096);
	int rc = sh_buf_printf(&b, "{\"version\":%d,\"fields\":[", p->version);
	int first = 1;
	for (unsigned i = 0; rc == 0 && i < sizeof fname / sizeof fname[0]; i++)
		if (fields & (1u << i)) {
			rc = sh_buf_printf(&b, "%s\"%s\"", first ? "" : ",", fname[i]);
			first = 0;
		}
	rc = rc ? rc : sh_buf_puts(&b, "],\"reason\":\"");
	for (const char *r = reason ? reason : ""; rc == 0 && *r; r++) {
		unsigned char c = (unsigned char)*r;
		if (c == '"' || c == '\\')
			rc = sh_buf_printf(&b, "\\%c", c);
		else if (c < 0x20)
			rc = sh_buf_printf(&b, "\\u%04x", c);
		else
			rc = sh_buf_append(&b, r, 1);
	}
	rc = rc ? rc : sh_buf_puts(&b, "\"}");
	if (rc != 0) {
		sh_buf_free(&b);
		if (rc == SH_ENOMEM) /* not the reason's fault (allocation sweep, 14.5) */
			return sh_err_set(err, SH_ENOMEM, "NO_MEMORY", "out of memory for the audit");
		return sh_err_set(err, SH_ETOOBIG, "REASON_TOO_LONG", "reason too long");
	}
	char object[32];
	snprintf(object, sizeof object, "person:%s", p->id_number);
	rc = audit_append(tx, actor, action, object, b.data, err);
	sh_buf_free(&b);
	return rc;
}

/* --- create ----------------------------------------------------------- */

/* Decide the identity number: issue a fresh one, or check a given one. */
static int person_assign_id(struct person *p, int *generated, struct sh_err *err)
{
	char id[IDNUM_DIGITS + 1];
	int rc;
	if (!*p->id_number) {
		if (p->legacy_number)
			return sh_err_set(err, SH_EINVAL, "IDNUM_INVALID",
					  "a legacy import must give its number");
		/* Uniqueness is settled at INSERT (ON CONFLICT DO NOTHING), which
		 * draws again on a collision: see person_create. */
		*generated = 1;
		if ((rc = idnum_generate(id, err)) != SH_OK)
			return rc;
		memcpy(p->id_number, id, sizeof id);
		return SH_OK;
	}
	if (p->legacy_number) {
		int g = 0;
		if ((rc = idnum_legacy_validate(p->id_number, id, &g, err)) != SH_OK)
			return rc;
		/* Legacy numbers carry gender in the last digit's parity. */
		enum person_gender lg = g == 1 ? GENDER_MALE : GENDER_FEMALE;
		if (p->gender == GENDER_UNKNOWN)
			p->gender = lg;
		else if (p->gender != lg && p->gender != GENDER_OTHER)
			return sh_err_set(err, SH_ERULE, "LEGACY_GENDER_MISMATCH",
					  "the legacy number's last digit says %s",
					  person_gender_name(lg));
	} else if ((rc = idnum_normalize(p->id_number, id, err)) != SH_OK) {
		return rc;
	} else if (!idnum_issued_shape(id)) {
		/* A number of the new scheme was issued by idnum_generate, so it
		 * passes the filters; one that does not was never issued. */
		return sh_err_set(err, SH_EINVAL, "IDNUM_INVALID",
				  "identity number %s was not issued by this scheme", id);
	}
	memcpy(p->id_number, id, sizeof id);
	return SH_OK;
}

int person_create(store_tx *tx, const struct audit_actor *actor, struct person *p,
		  const char *reason, struct sh_err *err)
{
	int rc;
	struct person work = *p;
	if (work.dob_precision == DOB_YEAR_ONLY && work.dob.year) {
		work.dob.month = 1;
		work.dob.day = 1;
	}
	/* Checks the number's own format before looking anything up. */
	if ((rc = person_validate_fields(&work, err)) != SH_OK)
		return rc;
	int generated = 0;
	if ((rc = person_assign_id(&work, &generated, err)) != SH_OK)
		return rc;
	if ((rc = person_validate_fields(&work, err)) != SH_OK) /* parents vs own id */
		return rc;
	if ((rc = person_validate_refs(tx, &work, PERSON_F_ALL, err)) != SH_OK)
		return rc;
	work.version = 1;
	work.updated_at = sh_now();

	/* ON CONFLICT DO NOTHING: a taken number returns no row instead of
	 * failing the statement, which on PostgreSQL would doom the whole
	 * transaction. A fresh random number is taken with probability
	 * ~n/1.7e11 (< 0.2% at 250 M people); five draws make a failure
	 * practically impossible. */
	store_stmt *st = NULL;
	rc = store_prepare(tx, "INSERT INTO persons(" PERSON_DATA_COLS ", created_at) VALUES ("
			       "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?, ?)"
			       " ON CONFLICT (id_number) DO NOTHING RETURNING id",
			   &st, err);
	if (rc != SH_OK)
		return rc;
	for (int attempt = 0;; attempt++) {
		if (person_bind(st, 1, &work) || store_bind_int(st, 24, work.updated_at)) {
			rc = sh_err_set(err, SH_EDB, "STORE_BIND", "cannot bind person");
			break;
		}
		rc = store_step(st, err);
		if (rc == STORE_ROW) {
			work.row_id = store_col_int(st, 0);
			rc = SH_OK;
			break;
		}
		if (rc != STORE_DONE)
			break;
		if (!generated) {
			rc = sh_err_set(err, SH_ECONFLICT, "PERSON_EXISTS",
					"identity number %s is already registered", work.id_number);
			break;
		}
		if (attempt >= 4) {
			rc = sh_err_set(err, SH_ECONFLICT, "IDNUM_EXHAUSTED",
					"no free identity number in 5 draws");
			break;
		}
		if ((rc = idnum_generate(work.id_number, err)) != SH_OK)
			break;
		store_reset(st);
	}
	store_finalize(st);
	if (rc != SH_OK)
		return rc;
	if ((rc = person_version_insert(tx, work.row_id, &work, actor, reason, PERSON_F_ALL,
					err)) != SH_OK ||
	    (rc = person_tokens_write(tx, work.row_id, &work, 0, err)) != SH_OK ||
	    (rc = person_audit(tx, actor, "person.create", &work, PERSON_F_ALL, reason, err)) !=
		    SH_OK)
		return rc;
	*p = work;
	return SH_OK;
}

/* --- read ------------------------------------------------------------- */

int person_get(store_tx *tx, const char *id_number, struct person *out, struct sh_err *err)
{
	return person_get_full(tx, id_number, out, NULL, err);
}


int person_get_full(store_tx *tx, const char *id_number, struct person *out,
		    struct address_council *addr, struct sh_err *err)
{
	char id[IDNUM_DIGITS + 1];
	int rc = idnum_lookup_normalize(id_number, id, err);
	if (rc != SH_OK)
		return rc;
	store_stmt *st = NULL;
	if (addr)
		rc = store_query(tx, &st, err,
				 "SELECT p.id, " PERSON_DATA_COLS_P "," PERSON_SCHED_COLS ","
				 " c.name_en, c.name_ur, t.code, t.name_en, t.name_ur,"
				 " d.code, d.name_en, d.name_ur, pr.code, pr.name_en, pr.name_ur"
				 " FROM persons p" PERSON_SCHED_JOIN
				 " LEFT JOIN addr_councils c ON c.code = p.council_code"
				 " LEFT JOIN addr_tehsils t ON t.code = c.tehsil_code"
				 " LEFT JOIN addr_districts d ON d.code = c.district_code"
				 " LEFT JOIN addr_provinces pr ON pr.code = c.province_code"
				 " WHERE p.id_number = ?",
				 "t", id);
	else
		rc = store_query(tx, &st, err,
				 "SELECT p.id, " PERSON_DATA_COLS_P "," PERSON_SCHED_COLS
				 " FROM persons p" PERSON_SCHED_JOIN " WHERE p.id_number = ?",
				 "t", id);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		out->row_id = store_col_int(st, 0);
		person_from_row(st, 1, out);
		person_sched_overlay(st, 1 + PERSON_DATA_NCOLS, out, sh_now());
		if (addr) {
			int c = 1 + PERSON_DATA_NCOLS + PERSON_SCHED_NCOLS;
			memset(addr, 0, sizeof *addr);
			snprintf(addr->council.code, sizeof addr->council.code, "%s",
				 out->council_code);
			col_str(st, c + 0, addr->council.name_en, sizeof addr->council.name_en);
			col_str(st, c + 1, addr->council.name_ur, sizeof addr->council.name_ur);
			struct address_place *lv[3] = {&addr->tehsil, &addr->district,
						       &addr->province};
			for (int i = 0; i < 3; i++) {
				col_str(st, c + 2 + i * 3, lv[i]->code, sizeof lv[i]->code);
				col_str(st, c + 3 + i * 3, lv[i]->name_en, sizeof lv[i]->name_en);
				col_str(st, c + 4 + i * 3, lv[i]->name_ur, sizeof lv[i]->name_ur);
			}
			snprintf(addr->council.parent_code, ADDRESS_CODE_MAX, "%s",
				 addr->tehsil.code);
			snprintf(addr->tehsil.parent_code, ADDRESS_CODE_MAX, "%s",
				 addr->district.code);
			snprintf(addr->district.parent_code, ADDRESS_CODE_MAX, "%s",
				 addr->province.code);
		}
		rc = SH_OK;
	} else if (rc == STORE_DONE) {
		rc = sh_err_set(err, SH_ENOTFOUND, "PERSON_NOT_FOUND", "no person %s", id);
	}
	store_finalize(st);
	return rc;
}

/* --- update ----------------------------------------------------------- */

static int dates_eq(struct sh_date a, struct sh_date b)
{
	return a.year == b.year && a.month == b.month && a.day == b.day;
}

/* Copy the selected fields of `c` into `n`; return the fields that differ. */
static unsigned person_merge(struct person *n, const struct person *c, unsigned fields)
{
	unsigned diff = 0;
#define STR_FIELD(bit, f)                                                \
	if ((fields & (bit)) && strcmp(n->f, c->f) != 0) {               \
		memcpy(n->f, c->f, sizeof n->f);                         \
		diff |= (bit);                                           \
	}
#define VAL_FIELD(bit, f)                                                \
	if ((fields & (bit)) && n->f != c->f) {                          \
		n->f = c->f;                                             \
		diff |= (bit);                                           \
	}
#define DATE_FIELD(bit, f)                                               \
	if ((fields & (bit)) && !dates_eq(n->f, c->f)) {                 \
		n->f = c->f;                                             \
		diff |= (bit);                                           \
	}
	STR_FIELD(PERSON_F_NAME_UR, name_ur)
	STR_FIELD(PERSON_F_NAME_EN, name_en)
	STR_FIELD(PERSON_F_GUARDIAN, guardian_name_ur)
	STR_FIELD(PERSON_F_GUARDIAN, guardian_name_en)
	VAL_FIELD(PERSON_F_GUARDIAN, guardian_relation)
	VAL_FIELD(PERSON_F_GENDER, gender)
	DATE_FIELD(PERSON_F_DOB, dob)
	VAL_FIELD(PERSON_F_DOB, dob_precision)
	STR_FIELD(PERSON_F_PLACE_OF_BIRTH, place_of_birth)
	STR_FIELD(PERSON_F_ADDRESS, council_code)
	STR_FIELD(PERSON_F_ADDRESS, address_line)
	VAL_FIELD(PERSON_F_STATUS, status)
	DATE_FIELD(PERSON_F_STATUS, date_of_death)
	VAL_FIELD(PERSON_F_CITIZENSHIP, citizenship)
	VAL_FIELD(PERSON_F_MARITAL, marital)
	STR_FIELD(PERSON_F_MOBILE, mobile)
	STR_FIELD(PERSON_F_PARENTS, mother_id)
	STR_FIELD(PERSON_F_PARENTS, father_id)
#undef STR_FIELD
#undef VAL_FIELD
#undef DATE_FIELD
	return diff;
}

int person_update(store_tx *tx, const struct audit_actor *actor, const char *id_number,
		  int expected_version, const struct person *changes, unsigned fields,
		  const char *reason, struct person *out, struct sh_err *err)
{
	if (!reason || !*reason)
		return sh_err_set(err, SH_EINVAL, "REASON_REQUIRED", "a reason is required");
	if ((fields & ~PERSON_F_ALL) || fields == 0)
		return sh_err_set(err, SH_EINVAL, "NO_CHANGES", "no fields to change");
	/* A scheduled change now due becomes a version of its own first; a
	 * field set here replaces what was scheduled for it. The caller's
	 * expected version is of the record as read, with its due changes. */
	int before = 0, rc = person_sched_fold(tx, id_number, fields, &before, err);
	if (rc != SH_OK)
		return rc;
	if (expected_version > 0 && before > 0)
		expected_version += before;
	return person_update_now(tx, actor, id_number, expected_version, changes, fields, reason,
				 out, err);
}

int person_update_now(store_tx *tx, const struct audit_actor *actor, const char *id_number,
		      int expected_version, const struct person *changes, unsigned fields,
		      const char *reason, struct person *out, struct sh_err *err)
{
	int rc;
	struct person cur, next;
	if (!reason || !*reason)
		return sh_err_set(err, SH_EINVAL, "REASON_REQUIRED", "a reason is required");
	if ((fields & ~PERSON_F_ALL) || fields == 0)
		return sh_err_set(err, SH_EINVAL, "NO_CHANGES", "no fields to change");
	if ((rc = person_get(tx, id_number, &cur, err)) != SH_OK)
		return rc;
	if (expected_version > 0 && expected_version != cur.version)
		return sh_err_set(err, SH_ECONFLICT, "VERSION_CONFLICT",
				  "version %d is not current (current is %d)", expected_version,
				  cur.version);
	if (cur.status == PERSON_CANCELLED)
		return sh_err_set(err, SH_ERULE, "PERSON_CANCELLED",
				  "a cancelled record cannot be changed");
	next = cur;
	struct person ch = *changes;
	if ((fields & PERSON_F_DOB) && ch.dob_precision == DOB_YEAR_ONLY && ch.dob.year) {
		ch.dob.month = 1;
		ch.dob.day = 1;
	}
	/* A status change away from deceased clears the date of death. */
	if ((fields & PERSON_F_STATUS) && ch.status != PERSON_DECEASED)
		memset(&ch.date_of_death, 0, sizeof ch.date_of_death);
	unsigned diff = person_merge(&next, &ch, fields);
	if (diff == 0) { /* nothing differs: idempotent, no new version */
		if (out)
			*out = cur;
		return SH_OK;
	}
	if ((rc = person_validate_fields(&next, err)) != SH_OK ||
	    (rc = person_validate_refs(tx, &next, diff, err)) != SH_OK)
		return rc;
	next.version = cur.version + 1;
	next.updated_at = sh_now();

	store_stmt *st = NULL;
	rc = store_prepare(tx, "UPDATE persons SET (" PERSON_DATA_COLS ") = ("
			       "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
			       " WHERE id = ? AND version = ?",
			   &st, err);
	if (rc != SH_OK)
		return rc;
	if (person_bind(st, 1, &next) || store_bind_int(st, 24, cur.row_id) ||
	    store_bind_int(st, 25, cur.version)) {
		store_finalize(st);
		return sh_err_set(err, SH_EDB, "STORE_BIND", "cannot bind person");
	}
	rc = store_step(st, err);
	int64_t changed = rc >= 0 ? store_changes(st) : 0;
	store_finalize(st);
	if (rc < 0)
		return rc;
	/* Someone else's update committed between our read and write. */
	if (changed != 1)
		return sh_err_set(err, SH_ECONFLICT, "VERSION_CONFLICT",
				  "the record changed concurrently");
	if ((rc = person_version_insert(tx, cur.row_id, &next, actor, reason, diff, err)) !=
	    SH_OK)
		return rc;
	if ((diff & (PERSON_F_NAME_UR | PERSON_F_NAME_EN)) &&
	    (rc = person_tokens_write(tx, cur.row_id, &next, 1, err)) != SH_OK)
		return rc;
	if ((rc = person_audit(tx, actor, "person.update", &next, diff, reason, err)) != SH_OK)
		return rc;
	if (out)
		*out = next;
	return SH_OK;
}

int person_set_mobile(store_tx *tx, const struct audit_actor *actor, const char *id_number,
		      const char *mobile, const char *reason, struct sh_err *err)
{
	static const struct person zero;
	struct person ch = zero;
	int rc;
	if (mobile && *mobile &&
	    (rc = person_mobile_normalize(mobile, ch.mobile, err)) != SH_OK)
		return rc;
	return person_update(tx, actor, id_number, 0, &ch, PERSON_F_MOBILE, reason, NULL, err);
}
