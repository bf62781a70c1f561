/* cli_bio.c — `shanakht bio rewrap|reextract`: maintenance of the sealed
 * biometric repository.
 *
 *   bio rewrap --generation N [--db URL] [--keys DIR]
 *       key rotation: every person's data key re-wrapped under repository
 *       master key generation N, in one transaction
 *   bio reextract [--db URL] [--keys DIR]
 *       rebuild every current template from its sealed image with the
 *       engine of this binary, so a better engine reaches the whole
 *       gallery; one transaction per enrolment, a progress line on stderr.
 *       The server loads the new templates at its next start. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/app.h"
#include "bio/fp_extract.h"
#include "bio/fp_image.h"
#include "bio/fp_iso.h"
#include "bio/fp_match.h"
#include "biometrics/bio.h"
#include "biometrics/bio_enrol.h"
#include "cli/cli.h"
#include "lib/parse.h"

struct bio_opts {
	const char *db, *keys, *generation;
};

static int parse(int argc, char **argv, struct bio_opts *o)
{
	o->db = "sqlite:var/shanakht.db";
	o->keys = "var/keys";
	o->generation = NULL;
	for (int i = 2; i < argc; i++) {
		if (i + 1 >= argc)
			return -1;
		if (!strcmp(argv[i], "--db"))
			o->db = argv[++i];
		else if (!strcmp(argv[i], "--keys"))
			o->keys = argv[++i];
		else if (!strcmp(argv[i], "--generation"))
			o->generation = argv[++i];
		else
			return -1;
	}
	return 0;
}

static int rewrap(store *db, struct keyring *kr, const char *gen, struct sh_err *err)
{
	int64_t to, n = 0;
	store_tx *tx = NULL;
	if (!gen || sh_parse_i64(gen, 2, 1000000, &to) != 0)
		return sh_err_set(err, SH_EINVAL, "BIO_GENERATION", "--generation N (2..1000000)");
	int rc = store_begin(db, STORE_WRITE, &tx, err);
	if (rc != SH_OK)
		return rc;
	struct audit_actor actor = {.kind = "system", .name = "shanakht bio rewrap"};
	char detail[64];
	snprintf(detail, sizeof detail, "{\"generation\":%lld}", (long long)to);
	if ((rc = bio_seal_rewrap(tx, kr, (int)to, &n, err)) != SH_OK ||
	    (rc = audit_append(tx, &actor, "bio.key.rewrap", NULL, detail, err)) != SH_OK) {
		store_rollback(tx);
		return rc;
	}
	if ((rc = store_commit(tx, err)) == SH_OK)
		printf("re-wrapped %lld data keys under generation %lld\n", (long long)n,
		       (long long)to);
	return rc;
}

/* Re-extract one template row from its image row. */
static int reextract_one(store_tx *tx, struct keyring *kr, int64_t eid, const char *idn,
			 int pos, struct fp_template *t, struct sh_err *err)
{
	store_stmt *st = NULL;
	unsigned char *key = sodium_malloc(BIO_DATA_KEY_BYTES), *img = NULL, *s = NULL;
	uint8_t *iso = NULL;
	size_t il = 0, isol = 0, sl = 0;
	char ad[64];
	struct fp_image im = {0};
	int rc = key ? SH_OK : sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "key");
	if (rc == SH_OK)
		rc = bio_seal_person_key(tx, kr, idn, 0, key, err);
	if (rc == SH_OK)
		rc = store_query(tx, &st, err,
				 "SELECT sealed FROM bio_samples WHERE enrolment_id = ? AND position = ?"
				 " AND kind = 'image'",
				 "ii", eid, (int64_t)pos);
	if (rc != SH_OK)
		goto out;
	if ((rc = store_step(st, err)) != STORE_ROW) {
		rc = rc < 0 ? rc : sh_err_set(err, SH_ENOTFOUND, "IMAGE_NOT_FOUND", "no image");
		goto out;
	}
	size_t n = 0;
	const void *blob = store_col_blob(st, 0, &n);
	snprintf(ad, sizeof ad, "bio:%s:%lld:%d:image", idn, (long long)eid, pos);
	if ((rc = bio_unseal(key, blob, n, ad, &img, &il, err)) != SH_OK ||
	    (rc = bio_image_decode(img, il, &im, err)) != SH_OK ||
	    (rc = fp_extract(&im, t, err)) != SH_OK ||
	    (rc = fp_iso_encode(t, &iso, &isol, err)) != SH_OK)
		goto out;
	snprintf(ad, sizeof ad, "bio:%s:%lld:%d:template", idn, (long long)eid, pos);
	if ((rc = bio_seal(key, iso, isol, ad, &s, &sl, err)) != SH_OK)
		goto out;
	rc = store_run(tx, err,
		       "UPDATE bio_samples SET sealed = ?, quality = ?, engine_version = ?"
		       " WHERE enrolment_id = ? AND position = ? AND kind = 'template'",
		       "biiii", s, sl, (int64_t)t->quality, (int64_t)FP_MTEMPLATE_VERSION, eid,
		       (int64_t)pos);
	rc = rc < 0 ? rc : SH_OK;
out:
	store_finalize(st);
	fp_image_free(&im);
	if (key)
		sodium_free(key);
	free(img);
	free(iso);
	free(s);
	return rc;
}

static int reextract(store *db, struct keyring *kr, struct sh_err *err)
{
	store_tx *tx = NULL;
	store_stmt *st = NULL;
	struct row {
		int64_t eid;
		char idn[16];
		int pos;
	} *rows = NULL;
	size_t n = 0, cap = 0;
	struct fp_template *t = malloc(sizeof *t);
	int rc = t ? store_begin(db, STORE_READ, &tx, err)
		   : sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "template");
	if (rc == SH_OK)
		rc = store_query(tx, &st, err,
				 "SELECT e.id, e.id_number, s.position FROM bio_enrolments e"
				 " JOIN bio_samples s ON s.enrolment_id = e.id"
				 " WHERE e.current = 1 AND s.kind = 'template' ORDER BY e.id, s.position",
				 "");
	while (rc == SH_OK && (rc = store_step(st, err)) == STORE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			struct row *nr = realloc(rows, cap * sizeof *nr);
			if (!nr) {
				rc = sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "rows");
				break;
			}
			rows = nr;
		}
		rows[n].eid = store_col_int(st, 0);
		snprintf(rows[n].idn, sizeof rows[n].idn, "%s", store_col_text(st, 1));
		rows[n].pos = (int)store_col_int(st, 2);
		n++;
		rc = SH_OK;
	}
	if (rc == STORE_DONE)
		rc = SH_OK;
	store_finalize(st);
	if (tx)
		store_rollback(tx);
	tx = NULL;
	for (size_t i = 0; rc == SH_OK && i < n;) {
		/* One transaction per enrolment: all its fingers or none. */
		size_t j = i;
		if ((rc = store_begin(db, STORE_WRITE, &tx, err)) != SH_OK)
			break;
		for (; rc == SH_OK && j < n && rows[j].eid == rows[i].eid; j++)
			rc = reextract_one(tx, kr, rows[j].eid, rows[j].idn, rows[j].pos, t, err);
		if (rc == SH_OK)
			rc = store_commit(tx, err);
		else
			store_rollback(tx);
		tx = NULL;
		i = j;
		fprintf(stderr, "\rbio reextract: %zu/%zu templates (engine version %d)", i, n,
			FP_MTEMPLATE_VERSION);
	}
	if (n)
		fprintf(stderr, "\n");
	if (rc == SH_OK)
		printf("re-extracted %zu templates\n", n);
	free(rows);
	free(t);
	return rc;
}

int cli_bio(int argc, char **argv)
{
	struct bio_opts o;
	struct sh_err err = {0};
	store *db = NULL;
	struct keyring *kr = NULL;
	if (argc < 2 || (strcmp(argv[1], "rewrap") && strcmp(argv[1], "reextract")) ||
	    parse(argc, argv, &o) != 0) {
		fprintf(stderr, "usage: shanakht bio rewrap --generation N [--db URL] [--keys DIR]\n"
				"       shanakht bio reextract [--db URL] [--keys DIR]\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	int rc = keyring_load(o.keys, &kr, &err);
	if (rc == SH_OK)
		rc = store_open(o.db, 1, &db, &err);
	if (rc == SH_OK)
		rc = app_migrate(db, &err);
	if (rc == SH_OK)
		rc = !strcmp(argv[1], "rewrap") ? rewrap(db, kr, o.generation, &err)
						: reextract(db, kr, &err);
	if (rc != SH_OK)
		fprintf(stderr, "shanakht bio %s: %s\n", argv[1], err.msg);
	if (db)
		store_close(db);
	keyring_free(kr);
	return rc == SH_OK ? 0 : 1;
}
