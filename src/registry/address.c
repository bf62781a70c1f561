/* address.c — the address library: schema, seed and lookups (see address.h). */
#include "registry/address.h"

#include <stdio.h>
#include <string.h>

#include "lib/buf.h"
#include "registry/address_data.h"

static const char address_schema_sql[] =
	"CREATE TABLE addr_provinces ("
	" code TEXT PRIMARY KEY, name_en TEXT NOT NULL, name_ur TEXT);"
	"CREATE TABLE addr_districts ("
	" code TEXT PRIMARY KEY, province_code TEXT NOT NULL REFERENCES addr_provinces(code),"
	" name_en TEXT NOT NULL, name_ur TEXT);"
	"CREATE INDEX addr_districts_province ON addr_districts(province_code, code);"
	"CREATE TABLE addr_tehsils ("
	" code TEXT PRIMARY KEY, district_code TEXT NOT NULL REFERENCES addr_districts(code),"
	" name_en TEXT NOT NULL, name_ur TEXT);"
	"CREATE INDEX addr_tehsils_district ON addr_tehsils(district_code, code);"
	/* Councils carry their district and province codes too, so that the
	 * listings by district or province are one indexed range each. */
	"CREATE TABLE addr_councils ("
	" code TEXT PRIMARY KEY, tehsil_code TEXT NOT NULL REFERENCES addr_tehsils(code),"
	" district_code TEXT NOT NULL, province_code TEXT NOT NULL,"
	" name_en TEXT NOT NULL, name_ur TEXT);"
	"CREATE INDEX addr_councils_district ON addr_councils(district_code, code);"
	"CREATE INDEX addr_councils_province ON addr_councils(province_code, code);";

/* A single-quoted SQL literal; the seed is our own table, but quoting it
 * properly costs nothing and keeps "Koh-e-Suleman"-style names safe. */
static int put_lit(struct sh_buf *b, const char *s)
{
	if (!s || !*s)
		return sh_buf_puts(b, "NULL");
	int rc = sh_buf_puts(b, "'");
	for (const char *p = s; rc == 0 && *p; p++)
		rc = *p == '\'' ? sh_buf_puts(b, "''") : sh_buf_append(b, p, 1);
	return rc ? rc : sh_buf_puts(b, "'");
}

/* Rows go in INSERTs of at most 200 rows: small statements for both
 * backends' parsers. */
struct batch {
	struct sh_buf *b;
	const char *head;
	int rows;
};

static int batch_row(struct batch *bt)
{
	int rc;
	if (bt->rows % 200 == 0) {
		if (bt->rows > 0 && (rc = sh_buf_puts(bt->b, ";\n")) != 0)
			return rc;
		rc = sh_buf_puts(bt->b, bt->head);
	} else {
		rc = sh_buf_puts(bt->b, ",");
	}
	bt->rows++;
	return rc;
}

static int batch_end(struct batch *bt)
{
	return bt->rows > 0 ? sh_buf_puts(bt->b, ";\n") : 0;
}

/* Build the seed SQL from address_data.c. */
static int address_seed_sql(struct sh_buf *b)
{
	int rc = 0;
	struct batch pv = {b, "INSERT INTO addr_provinces(code, name_en, name_ur) VALUES ", 0};
	for (size_t i = 0; rc == 0 && i < address_seed_provinces_count; i++) {
		const struct address_seed_province *p = &address_seed_provinces[i];
		rc = batch_row(&pv);
		rc = rc ? rc : sh_buf_puts(b, "(");
		rc = rc ? rc : put_lit(b, p->code);
		rc = rc ? rc : sh_buf_puts(b, ",");
		rc = rc ? rc : put_lit(b, p->name_en);
		rc = rc ? rc : sh_buf_puts(b, ",");
		rc = rc ? rc : put_lit(b, p->name_ur);
		rc = rc ? rc : sh_buf_puts(b, ")");
	}
	rc = rc ? rc : batch_end(&pv);

	struct batch dv = {b, "INSERT INTO addr_districts(code, province_code, name_en, name_ur) "
			      "VALUES ", 0};
	for (size_t i = 0; rc == 0 && i < address_seed_districts_count; i++) {
		const struct address_seed_district *d = &address_seed_districts[i];
		rc = batch_row(&dv);
		rc = rc ? rc : sh_buf_printf(b, "('%s-%s','%s',", d->province, d->code, d->province);
		rc = rc ? rc : put_lit(b, d->name_en);
		rc = rc ? rc : sh_buf_puts(b, ",");
		rc = rc ? rc : put_lit(b, d->name_ur);
		rc = rc ? rc : sh_buf_puts(b, ")");
	}
	rc = rc ? rc : batch_end(&dv);

	struct batch tv = {b, "INSERT INTO addr_tehsils(code, district_code, name_en, name_ur) "
			      "VALUES ", 0};
	struct sh_buf cb;
	sh_buf_init(&cb, 4u << 20);
	struct batch cv = {&cb, "INSERT INTO addr_councils(code, tehsil_code, district_code, "
				"province_code, name_en, name_ur) VALUES ", 0};
	for (size_t i = 0; rc == 0 && i < address_seed_districts_count; i++) {
		const struct address_seed_district *d = &address_seed_districts[i];
		const char *t = d->tehsils;
		for (int ti = 1; rc == 0 && t && *t; ti++) {
			const char *semi = strchr(t, ';');
			int len = semi ? (int)(semi - t) : (int)strlen(t);
			char name[ADDRESS_NAME_MAX];
			snprintf(name, sizeof name, "%.*s", len, t);
			rc = batch_row(&tv);
			rc = rc ? rc : sh_buf_printf(b, "('%s-%s-%02d','%s-%s',", d->province,
						      d->code, ti, d->province, d->code);
			rc = rc ? rc : put_lit(b, name);
			rc = rc ? rc : sh_buf_puts(b, ",NULL)");
			for (int u = 1; rc == 0 && u <= ADDRESS_SEED_COUNCILS_PER_TEHSIL; u++) {
				char uc[ADDRESS_NAME_MAX + 16];
				snprintf(uc, sizeof uc, "%s UC-%d", name, u);
				rc = batch_row(&cv);
				rc = rc ? rc : sh_buf_printf(&cb, "('%s-%s-%02d-%03d','%s-%s-%02d',"
							    "'%s-%s','%s',",
							    d->province, d->code, ti, u,
							    d->province, d->code, ti,
							    d->province, d->code, d->province);
				rc = rc ? rc : put_lit(&cb, uc);
				rc = rc ? rc : sh_buf_puts(&cb, ",NULL)");
			}
			t = semi ? semi + 1 : NULL;
		}
	}
	rc = rc ? rc : batch_end(&tv);
	rc = rc ? rc : batch_end(&cv);
	rc = rc ? rc : sh_buf_append(b, cb.data, cb.len);
	sh_buf_free(&cb);
	return rc;
}

int address_migrate(store *db, struct sh_err *err)
{
	struct sh_buf seed;
	sh_buf_init(&seed, 8u << 20);
	int rc = address_seed_sql(&seed);
	if (rc != 0) {
		sh_buf_free(&seed);
		return sh_err_set(err, rc, "ADDRESS_SEED", "cannot build the address seed");
	}
	const struct store_migration m[] = {
		{1, "address library tables", address_schema_sql},
		{2, "address seed: provinces, districts, tehsils, demo union councils",
		 seed.data},
	};
	rc = store_migrate(db, "address", m, sizeof m / sizeof m[0], err);
	sh_buf_free(&seed);
	return rc;
}

static void copy_col(store_stmt *st, int col, char *dst, size_t n)
{
	const char *s = store_col_text(st, col);
	snprintf(dst, n, "%s", s ? s : "");
}

int address_council_get(store_tx *tx, const char *code, struct address_council *out,
			struct sh_err *err)
{
	store_stmt *st = NULL;
	memset(out, 0, sizeof *out);
	int rc = store_query(tx, &st, err,
			     "SELECT c.code, c.name_en, c.name_ur, t.code, t.name_en, t.name_ur,"
			     " d.code, d.name_en, d.name_ur, p.code, p.name_en, p.name_ur"
			     " FROM addr_councils c JOIN addr_tehsils t ON t.code = c.tehsil_code"
			     " JOIN addr_districts d ON d.code = c.district_code"
			     " JOIN addr_provinces p ON p.code = c.province_code"
			     " WHERE c.code = ?",
			     "t", code ? code : "");
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		struct address_place *lv[4] = {&out->council, &out->tehsil, &out->district,
					       &out->province};
		for (int i = 0; i < 4; i++) {
			copy_col(st, i * 3, lv[i]->code, sizeof lv[i]->code);
			copy_col(st, i * 3 + 1, lv[i]->name_en, sizeof lv[i]->name_en);
			copy_col(st, i * 3 + 2, lv[i]->name_ur, sizeof lv[i]->name_ur);
		}
		snprintf(out->council.parent_code, ADDRESS_CODE_MAX, "%s", out->tehsil.code);
		snprintf(out->tehsil.parent_code, ADDRESS_CODE_MAX, "%s", out->district.code);
		snprintf(out->district.parent_code, ADDRESS_CODE_MAX, "%s", out->province.code);
		rc = SH_OK;
	} else if (rc == STORE_DONE) {
		rc = sh_err_set(err, SH_ENOTFOUND, "UNKNOWN_COUNCIL", "no union council '%.40s'",
				code ? code : "");
	}
	store_finalize(st);
	return rc;
}

int address_council_exists(store_tx *tx, const char *code, struct sh_err *err)
{
	if (!code || !*code)
		return 0;
	store_stmt *st = NULL;
	int rc = store_query(tx, &st, err, "SELECT 1 FROM addr_councils WHERE code = ?", "t",
			     code);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	store_finalize(st);
	return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : rc;
}

static int list_places3(store_tx *tx, const char *sql, const char *types, const char *a,
			const char *b, const char *c, address_place_fn fn, void *ctx,
			struct sh_err *err)
{
	store_stmt *st = NULL;
	int rc;
	if (types[0] == '\0')
		rc = store_query(tx, &st, err, sql, "");
	else if (types[1] == '\0')
		rc = store_query(tx, &st, err, sql, types, a);
	else if (types[2] == '\0')
		rc = store_query(tx, &st, err, sql, types, a, b);
	else
		rc = store_query(tx, &st, err, sql, types, a, b, c);
	if (rc != SH_OK)
		return rc;
	struct address_place p;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		memset(&p, 0, sizeof p);
		copy_col(st, 0, p.code, sizeof p.code);
		copy_col(st, 1, p.name_en, sizeof p.name_en);
		copy_col(st, 2, p.name_ur, sizeof p.name_ur);
		copy_col(st, 3, p.parent_code, sizeof p.parent_code);
		if (fn(ctx, &p) != 0) {
			rc = STORE_DONE;
			break;
		}
	}
	store_finalize(st);
	return rc == STORE_DONE ? SH_OK : rc;
}

static int list_places(store_tx *tx, const char *sql, const char *types, const char *a,
		       const char *b, address_place_fn fn, void *ctx, struct sh_err *err)
{
	return list_places3(tx, sql, types, a, b, NULL, fn, ctx, err);
}

static int empty(const char *s)
{
	return !s || !*s;
}

int address_list_provinces(store_tx *tx, address_place_fn fn, void *ctx, struct sh_err *err)
{
	return list_places(tx, "SELECT code, name_en, name_ur, '' FROM addr_provinces"
			       " ORDER BY code", "", NULL, NULL, fn, ctx, err);
}

int address_list_districts(store_tx *tx, const char *province, address_place_fn fn, void *ctx,
			   struct sh_err *err)
{
	if (empty(province))
		return list_places(tx, "SELECT code, name_en, name_ur, province_code"
				       " FROM addr_districts ORDER BY code", "", NULL, NULL, fn,
				   ctx, err);
	return list_places(tx, "SELECT code, name_en, name_ur, province_code FROM addr_districts"
			       " WHERE province_code = ? ORDER BY code", "t", province, NULL, fn,
			   ctx, err);
}

int address_list_tehsils(store_tx *tx, const char *district, address_place_fn fn, void *ctx,
			 struct sh_err *err)
{
	if (empty(district))
		return list_places(tx, "SELECT code, name_en, name_ur, district_code"
				       " FROM addr_tehsils ORDER BY code", "", NULL, NULL, fn, ctx,
				   err);
	return list_places(tx, "SELECT code, name_en, name_ur, district_code FROM addr_tehsils"
			       " WHERE district_code = ? ORDER BY code", "t", district, NULL, fn,
			   ctx, err);
}

int address_list_councils(store_tx *tx, const char *province, const char *district,
			  address_place_fn fn, void *ctx, struct sh_err *err)
{
	static const char cols[] = "SELECT code, name_en, name_ur, tehsil_code FROM addr_councils";
	char sql[256];
	if (!empty(district) && !empty(province)) {
		snprintf(sql, sizeof sql, "%s WHERE district_code = ? AND province_code = ?"
			 " ORDER BY code", cols);
		return list_places(tx, sql, "tt", district, province, fn, ctx, err);
	}
	if (!empty(district)) {
		snprintf(sql, sizeof sql, "%s WHERE district_code = ? ORDER BY code", cols);
		return list_places(tx, sql, "t", district, NULL, fn, ctx, err);
	}
	if (!empty(province)) {
		snprintf(sql, sizeof sql, "%s WHERE province_code = ? ORDER BY code", cols);
		return list_places(tx, sql, "t", province, NULL, fn, ctx, err);
	}
	snprintf(sql, sizeof sql, "%s ORDER BY code", cols);
	return list_places(tx, sql, "", NULL, NULL, fn, ctx, err);
}

int address_list_councils_in(store_tx *tx, const char *province, const char *district,
			     const char *tehsil, address_place_fn fn, void *ctx, struct sh_err *err)
{
	if (empty(tehsil))
		return address_list_councils(tx, province, district, fn, ctx, err);
	/* The other filters, when given, must agree with the tehsil's: a
	 * tehsil outside the district lists nothing. */
	return list_places3(tx,
			    "SELECT code, name_en, name_ur, tehsil_code FROM addr_councils"
			    " WHERE tehsil_code = ? AND district_code = COALESCE(?, district_code)"
			    " AND province_code = COALESCE(?, province_code) ORDER BY code",
			    "ttt", tehsil, empty(district) ? NULL : district,
			    empty(province) ? NULL : province, fn, ctx, err);
}
