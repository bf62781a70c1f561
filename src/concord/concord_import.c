/* concord_import.c — a council register file into concord_records: decode,
 * parse (src/linkage/lk_import.h), check, and insert or update by the row's
 * identity, listing every bad row with its line and reason. */
#include "concord/concord.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linkage/lk_import.h"
#include "lib/parse.h"
#include "registry/address.h"

void concord_import_result_free(struct concord_import_result *r)
{
	free(r->bad_rows);
	r->bad_rows = NULL;
	r->nbad_rows = 0;
}

static int add_bad(struct concord_import_result *r, size_t line, const struct sh_err *why)
{
	r->bad++;
	if (r->nbad_rows >= CONCORD_BAD_KEEP)
		return SH_OK;
	if (!r->bad_rows) {
		r->bad_rows = calloc(CONCORD_BAD_KEEP, sizeof *r->bad_rows);
		if (!r->bad_rows)
			return SH_ENOMEM;
	}
	struct concord_bad_row *b = &r->bad_rows[r->nbad_rows++];
	b->line = line;
	snprintf(b->code, sizeof b->code, "%s", why->code);
	snprintf(b->reason, sizeof b->reason, "%s", why->msg);
	return SH_OK;
}

static const char *sex_name(enum lk_sex s)
{
	return s == LK_SEX_MALE ? "male" : s == LK_SEX_FEMALE ? "female" : "unknown";
}

/* The hash of a record's content: every mapped value, in column order, with
 * the date and sex as read (so "01/02/1990" and "01-02-1990" are one). */
static void content_hash(const struct lk_import_rec *r, const char *dob, char hex[33])
{
	crypto_generichash_state st;
	unsigned char h[16];
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	for (int c = 0; c < LK_C_N; c++) {
		const char *v = c == LK_C_DOB ? dob : c == LK_C_SEX ? sex_name(r->sex) : r->v[c];
		crypto_generichash_update(&st, (const unsigned char *)v, strlen(v) + 1);
	}
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(hex, 33, h, sizeof h);
}

/* 1 when the council exists; the last answer is kept (a file is mostly
 * one council). */
struct council_cache {
	char code[32];
	int exists;
};
static int council_ok(store_tx *tx, struct council_cache *cc, const char *code,
		      struct sh_err *err)
{
	if (cc->code[0] && !strcmp(cc->code, code))
		return cc->exists;
	int rc = address_council_exists(tx, code, err);
	if (rc < 0)
		return rc;
	snprintf(cc->code, sizeof cc->code, "%s", code);
	cc->exists = rc;
	return rc;
}

/* Insert or update one checked record. *what: 0 new, 1 updated, 2 same. */
static int store_record(store_tx *tx, int64_t import_id, size_t line,
			const struct lk_import_rec *r, int *what, struct sh_err *err)
{
	char dob[11] = "", hash[33], key[160];
	if (r->has_dob)
		lk_date_format(&r->dob, dob);
	content_hash(r, dob, hash);
	const char *regno = r->v[LK_C_REGNO];
	if (regno[0])
		snprintf(key, sizeof key, "r:%.150s", regno);
	else
		snprintf(key, sizeof key, "h:%s", hash);
	const char *council = r->v[LK_C_COUNCIL];
	store_stmt *st = NULL;
	int rc = store_query(tx, &st, err,
			     "SELECT id, content_hash FROM concord_records"
			     " WHERE council_code = ? AND row_key = ? FOR UPDATE",
			     "tt", council, key);
	if (rc != SH_OK)
		return rc;
	int64_t id = 0;
	int same = 0;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		id = store_col_int(st, 0);
		const char *old = store_col_text(st, 1);
		same = old && !strcmp(old, hash);
		rc = SH_OK;
	} else if (rc == STORE_DONE) {
		rc = SH_OK;
	}
	store_finalize(st);
	if (rc != SH_OK)
		return rc;
	int64_t now = sh_now();
	if (id && same) {
		*what = 2;
		return SH_OK;
	}
	const char *sex = sex_name(r->sex);
	if (id) {
		*what = 1;
		rc = store_run(tx, err,
			       "UPDATE concord_records SET content_hash = ?, register_no = ?, name = ?,"
			       " given = ?, family = ?, father = ?, name_ur = ?, father_ur = ?, dob = ?,"
			       " sex = ?, id_number = ?, address = ?, import_id = ?, line = ?,"
			       " updated_at = ? WHERE id = ?",
			       "ttttttttttttiiii", hash, regno, r->v[LK_C_NAME], r->v[LK_C_GIVEN],
			       r->v[LK_C_FAMILY], r->v[LK_C_FATHER], r->v[LK_C_NAME_UR],
			       r->v[LK_C_FATHER_UR], dob, sex, r->v[LK_C_IDNO], r->v[LK_C_ADDRESS],
			       import_id, (int64_t)line, now, id);
		if (rc < 0)
			return rc;
		/* The record changed: its old linkage result no longer holds. */
		rc = store_run(tx, err, "DELETE FROM concord_links WHERE record_id = ?", "i", id);
		return rc < 0 ? rc : SH_OK;
	}
	*what = 0;
	rc = store_run(tx, err,
		       "INSERT INTO concord_records (council_code, row_key, content_hash, register_no,"
		       " name, given, family, father, name_ur, father_ur, dob, sex, id_number, address,"
		       " import_id, line, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		       "ttttttttttttttiii", council, key, hash, regno, r->v[LK_C_NAME],
		       r->v[LK_C_GIVEN], r->v[LK_C_FAMILY], r->v[LK_C_FATHER], r->v[LK_C_NAME_UR],
		       r->v[LK_C_FATHER_UR], dob, sex, r->v[LK_C_IDNO], r->v[LK_C_ADDRESS], import_id,
		       (int64_t)line, now);
	return rc < 0 ? rc : SH_OK;
}

int concord_import(store_tx *tx, const struct audit_actor *actor, const char *mapping,
		   const unsigned char *data, size_t n, const char *file_name,
		   const char *scope_council, concord_progress_fn progress, void *pctx,
		   struct concord_import_result *res, struct sh_err *err)
{
	memset(res, 0, sizeof *res);
	struct lk_map map;
	char *text = NULL;
	size_t tlen = 0;
	enum lk_enc used = LK_ENC_AUTO;
	struct lk_csv_row *row = NULL;
	struct lk_import_rec *rec = NULL;
	struct council_cache cc = {{0}, 0};
	int rc = lk_map_parse(mapping ? mapping : "", &map, err);
	if (rc != SH_OK)
		return rc;
	rc = lk_decode(data, n, map.encoding, &text, &tlen, &used, err);
	if (rc != SH_OK)
		return rc;
	snprintf(res->encoding, sizeof res->encoding, "%s", lk_enc_name(used));
	row = malloc(sizeof *row);
	rec = malloc(sizeof *rec);
	if (!row || !rec) {
		rc = sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "out of memory");
		goto out;
	}
	struct lk_csv csv;
	lk_csv_init(&csv, text, tlen, map.sep);
	struct sh_err rowerr = {0};
	if (map.header) {
		int r = lk_csv_next(&csv, row, &rowerr);
		if (r != 1) {
			rc = r == 0 ? sh_err_set(err, SH_EINVAL, "FILE_EMPTY", "the file has no header row")
				    : sh_err_set(err, SH_EINVAL, "CSV_HEADER", "header row: %s", rowerr.msg);
			goto out;
		}
	}
	rc = lk_map_resolve(&map, map.header ? row : NULL, err);
	if (rc != SH_OK)
		goto out;
	/* The import row first: records point at it; counts are filled in at
	 * the end. */
	store_stmt *st = NULL;
	rc = store_query(tx, &st, err,
			 "INSERT INTO concord_imports (file_name, encoding, rows_read, imported, updated,"
			 " unchanged, bad, actor, created_at) VALUES (?, ?, 0, 0, 0, 0, 0, ?, ?)"
			 " RETURNING id",
			 "ttti", file_name ? file_name : "", res->encoding,
			 actor && actor->name ? actor->name : "system", sh_now());
	if (rc != SH_OK)
		goto out;
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		res->import_id = store_col_int(st, 0), rc = SH_OK;
	else if (rc == STORE_DONE)
		rc = sh_err_set(err, SH_EINTERNAL, "STORE_ERROR", "no import id returned");
	store_finalize(st);
	if (rc != SH_OK)
		goto out;
	for (;;) {
		sh_err_clear(&rowerr);
		int r = lk_csv_next(&csv, row, &rowerr);
		if (r == 0)
			break;
		res->rows++;
		if (progress && res->rows % 1000 == 0)
			progress(pctx, res->rows, (size_t)(csv.p - text), tlen);
		if (r < 0 || lk_import_row(&map, row, rec, &rowerr) != SH_OK) {
			if (add_bad(res, row->line, &rowerr) != SH_OK)
				goto oom;
			continue;
		}
		const char *council = rec->v[LK_C_COUNCIL];
		if (scope_council && scope_council[0] && strcmp(scope_council, council)) {
			sh_err_set(&rowerr, SH_EFORBIDDEN, "ROW_OUT_OF_SCOPE",
				   "council %.32s is not the council of this import (%.32s)", council,
				   scope_council);
			if (add_bad(res, row->line, &rowerr) != SH_OK)
				goto oom;
			continue;
		}
		int ex = council_ok(tx, &cc, council, err);
		if (ex < 0) {
			rc = ex;
			goto out;
		}
		if (!ex) {
			sh_err_set(&rowerr, SH_EINVAL, "UNKNOWN_COUNCIL",
				   "council %.32s is not in the address library", council);
			if (add_bad(res, row->line, &rowerr) != SH_OK)
				goto oom;
			continue;
		}
		int what = 0;
		rc = store_record(tx, res->import_id, row->line, rec, &what, err);
		if (rc != SH_OK)
			goto out;
		if (what == 0)
			res->imported++;
		else if (what == 1)
			res->updated++;
		else
			res->unchanged++;
	}
	if (progress)
		progress(pctx, res->rows, tlen, tlen);
	rc = store_run(tx, err,
		       "UPDATE concord_imports SET rows_read = ?, imported = ?, updated = ?,"
		       " unchanged = ?, bad = ? WHERE id = ?",
		       "iiiiii", (int64_t)res->rows, (int64_t)res->imported, (int64_t)res->updated,
		       (int64_t)res->unchanged, (int64_t)res->bad, res->import_id);
	if (rc < 0)
		goto out;
	char object[32], detail[256];
	snprintf(object, sizeof object, "import:%lld", (long long)res->import_id);
	snprintf(detail, sizeof detail,
		 "{\"rows\":%zu,\"imported\":%zu,\"updated\":%zu,\"unchanged\":%zu,\"bad\":%zu}",
		 res->rows, res->imported, res->updated, res->unchanged, res->bad);
	rc = audit_append(tx, actor, "concord.import", object, detail, err);
	goto out;
oom:
	rc = sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "out of memory");
out:
	if (rc != SH_OK)
		concord_import_result_free(res);
	free(rec);
	free(row);
	free(text);
	return rc;
}
