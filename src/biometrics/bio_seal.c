/* bio_seal.c — sealed biometric storage: a random data key per person,
 * wrapped by the repository master key of a generation, which is derived
 * from the keyring's KEY_BIOMETRIC_SEAL key (libsodium KDF, subkey id =
 * generation). Rotation (bio_seal_rewrap) re-wraps the small per-person keys
 * under a new generation; the images and templates sealed under them are
 * not touched, so a rotation costs one row per person, not a re-encryption
 * of the repository. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "biometrics/bio.h"

#define WRAPPED_BYTES (BIO_DATA_KEY_BYTES + BIO_SEAL_OVERHEAD)

static void master_for(const struct keyring *kr, int generation,
		       unsigned char out[BIO_DATA_KEY_BYTES])
{
	crypto_kdf_derive_from_key(out, BIO_DATA_KEY_BYTES, (uint64_t)generation, "shbiorep",
				   keyring_key(kr, KEY_BIOMETRIC_SEAL));
}

int bio_seal_generation(store_tx *tx, int *out, struct sh_err *err)
{
	store_stmt *st = NULL;
	int rc = store_query(tx, &st, err, "SELECT value FROM bio_meta WHERE name = 'key_generation'",
			     "");
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	*out = rc == STORE_ROW ? (int)store_col_int(st, 0) : 1;
	store_finalize(st);
	return rc < 0 ? rc : SH_OK;
}

static void wrap_ad(char *ad, size_t n, const char *id_number, int generation)
{
	snprintf(ad, n, "bio-key:%s:%d", id_number, generation);
}

int bio_seal(const unsigned char key[BIO_DATA_KEY_BYTES], const void *plain, size_t len,
	     const char *ad, unsigned char **out, size_t *outlen, struct sh_err *err)
{
	unsigned char *o = malloc(len + BIO_SEAL_OVERHEAD);
	if (!o)
		return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "cannot seal");
	randombytes_buf(o, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	unsigned long long cl = 0;
	crypto_aead_xchacha20poly1305_ietf_encrypt(
		o + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &cl, plain, len,
		(const unsigned char *)ad, strlen(ad), NULL, o, key);
	*out = o;
	*outlen = cl + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
	return SH_OK;
}

int bio_unseal(const unsigned char key[BIO_DATA_KEY_BYTES], const void *sealed, size_t len,
	       const char *ad, unsigned char **out, size_t *outlen, struct sh_err *err)
{
	const unsigned char *s = sealed;
	*out = NULL;
	if (len < BIO_SEAL_OVERHEAD)
		return sh_err_set(err, SH_EINVAL, "BIO_SEAL_OPEN", "sealed blob too short");
	unsigned char *o = malloc(len - BIO_SEAL_OVERHEAD + 1);
	if (!o)
		return sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "cannot open");
	unsigned long long ml = 0;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
		    o, &ml, NULL, s + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
		    len - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, (const unsigned char *)ad,
		    strlen(ad), s, key) != 0) {
		free(o);
		return sh_err_set(err, SH_EINVAL, "BIO_SEAL_OPEN",
				  "sealed data does not open (forged, corrupted or mis-bound)");
	}
	*out = o;
	*outlen = ml;
	return SH_OK;
}

static int wrap(const struct keyring *kr, const char *id_number, int generation,
		const unsigned char key[BIO_DATA_KEY_BYTES], unsigned char out[WRAPPED_BYTES])
{
	unsigned char mk[BIO_DATA_KEY_BYTES];
	char ad[64];
	unsigned long long cl = 0;
	master_for(kr, generation, mk);
	wrap_ad(ad, sizeof ad, id_number, generation);
	randombytes_buf(out, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(
		out + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &cl, key, BIO_DATA_KEY_BYTES,
		(const unsigned char *)ad, strlen(ad), NULL, out, mk);
	sodium_memzero(mk, sizeof mk);
	return SH_OK;
}

static int unwrap(const struct keyring *kr, const char *id_number, int generation,
		  const unsigned char *w, size_t n, unsigned char key[BIO_DATA_KEY_BYTES],
		  struct sh_err *err)
{
	unsigned char mk[BIO_DATA_KEY_BYTES];
	char ad[64];
	unsigned long long ml = 0;
	if (n != WRAPPED_BYTES)
		return sh_err_set(err, SH_EINTERNAL, "BIO_KEY_CORRUPT", "wrapped key of %s is %zu bytes",
				  id_number, n);
	master_for(kr, generation, mk);
	wrap_ad(ad, sizeof ad, id_number, generation);
	int bad = crypto_aead_xchacha20poly1305_ietf_decrypt(
		key, &ml, NULL, w + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
		n - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, (const unsigned char *)ad,
		strlen(ad), w, mk);
	sodium_memzero(mk, sizeof mk);
	if (bad || ml != BIO_DATA_KEY_BYTES)
		return sh_err_set(err, SH_EINTERNAL, "BIO_KEY_CORRUPT",
				  "the data key of %s does not unwrap (wrong master key?)", id_number);
	return SH_OK;
}

int bio_seal_person_key(store_tx *tx, const struct keyring *kr, const char *id_number,
			int create, unsigned char key[BIO_DATA_KEY_BYTES], struct sh_err *err)
{
	store_stmt *st = NULL;
	int rc = store_query(tx, &st, err,
			     "SELECT generation, wrapped FROM bio_keys WHERE id_number = ?", "t",
			     id_number);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		size_t n = 0;
		const unsigned char *w = store_col_blob(st, 1, &n);
		rc = unwrap(kr, id_number, (int)store_col_int(st, 0), w, n, key, err);
		store_finalize(st);
		return rc;
	}
	store_finalize(st);
	if (rc < 0)
		return rc;
	if (!create)
		return sh_err_set(err, SH_ENOTFOUND, "BIO_NOT_ENROLLED",
				  "no biometrics for %s", id_number);
	int gen;
	if ((rc = bio_seal_generation(tx, &gen, err)) != SH_OK)
		return rc;
	unsigned char w[WRAPPED_BYTES];
	randombytes_buf(key, BIO_DATA_KEY_BYTES);
	wrap(kr, id_number, gen, key, w);
	rc = store_run(tx, err, "INSERT INTO bio_keys(id_number, generation, wrapped) VALUES (?, ?, ?)",
		       "tib", id_number, (int64_t)gen, w, sizeof w);
	return rc < 0 ? rc : SH_OK;
}

int bio_seal_rewrap(store_tx *tx, const struct keyring *kr, int to, int64_t *count,
		    struct sh_err *err)
{
	int cur, rc;
	store_stmt *st = NULL;
	*count = 0;
	if ((rc = bio_seal_generation(tx, &cur, err)) != SH_OK)
		return rc;
	if (to <= cur)
		return sh_err_set(err, SH_EINVAL, "BIO_GENERATION",
				  "the new generation must be above the current %d", cur);
	if ((rc = store_query(tx, &st, err,
			      "SELECT id_number, generation, wrapped FROM bio_keys"
			      " WHERE generation <> ? ORDER BY id_number",
			      "i", (int64_t)to)) != SH_OK)
		return rc;
	/* Collect first: a statement stays open while rows are updated only on
	 * some backends. */
	size_t n = 0, cap = 0;
	struct row {
		char id[16];
		unsigned char key[BIO_DATA_KEY_BYTES];
	} *rows = NULL;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			struct row *nr = sodium_allocarray(cap, sizeof *nr);
			if (!nr) {
				rc = sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "re-wrap");
				goto out;
			}
			if (rows) {
				memcpy(nr, rows, n * sizeof *nr);
				sodium_free(rows);
			}
			rows = nr;
		}
		size_t wl = 0;
		const unsigned char *w = store_col_blob(st, 2, &wl);
		snprintf(rows[n].id, sizeof rows[n].id, "%s", store_col_text(st, 0));
		if ((rc = unwrap(kr, rows[n].id, (int)store_col_int(st, 1), w, wl, rows[n].key,
				 err)) != SH_OK)
			goto out;
		n++;
	}
	if (rc < 0)
		goto out;
	store_finalize(st);
	st = NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char w[WRAPPED_BYTES];
		wrap(kr, rows[i].id, to, rows[i].key, w);
		rc = store_run(tx, err, "UPDATE bio_keys SET generation = ?, wrapped = ? WHERE id_number = ?",
			       "ibt", (int64_t)to, w, sizeof w, rows[i].id);
		if (rc < 0)
			goto out;
	}
	rc = store_run(tx, err,
		       "INSERT INTO bio_meta(name, value) VALUES ('key_generation', ?)"
		       " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
		       "i", (int64_t)to);
	if (rc < 0)
		goto out;
	*count = (int64_t)n;
	rc = SH_OK;
out:
	store_finalize(st);
	if (rows)
		sodium_free(rows);
	return rc;
}
