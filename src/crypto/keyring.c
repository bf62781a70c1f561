/* keyring.c — the master key file and the per-purpose keys derived from it
 * (libsodium KDF, Ed25519, XChaCha20-Poly1305, keyed BLAKE2b). */
#include "crypto/keyring.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEYRING_PURPOSES 5
#define KEYRING_CONTEXT "shanakht" /* crypto_kdf_CONTEXTBYTES == 8 */

/* All secret bytes live in one guarded allocation (sodium_malloc: guard
 * pages, mlock, wiped by sodium_free), read-only once derived. */
struct keyring_secrets {
	unsigned char key[KEYRING_PURPOSES][KEYRING_KEY_BYTES]; /* index purpose - 1 */
	unsigned char sign_sk[crypto_sign_SECRETKEYBYTES];
	unsigned char sign_pk[crypto_sign_PUBLICKEYBYTES];
};

struct keyring {
	struct keyring_secrets *s;
};

static int sodium_ready(struct sh_err *err)
{
	if (sodium_init() < 0)
		return sh_err_set(err, SH_EINTERNAL, "SODIUM_INIT", "libsodium failed to initialise");
	return SH_OK;
}

static int key_path(const char *dir, char *out, size_t n, struct sh_err *err)
{
	int w = snprintf(out, n, "%s/master.key", dir);
	if (w < 0 || (size_t)w >= n)
		return sh_err_set(err, SH_EINVAL, "KEY_PATH_TOO_LONG", "key directory path too long");
	return SH_OK;
}

int keyring_create(const char *dir, struct sh_err *err)
{
	char path[4096];
	unsigned char master[KEYRING_KEY_BYTES];
	int fd = -1, rc;
	if ((rc = sodium_ready(err)) != SH_OK || (rc = key_path(dir, path, sizeof path, err)) != SH_OK)
		return rc;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return sh_err_set(err, SH_EIO, "KEY_DIR", "cannot create %s: %s", dir, strerror(errno));
	/* Group/other must not even list the directory (umask may widen it). */
	if (chmod(dir, 0700) != 0)
		return sh_err_set(err, SH_EIO, "KEY_DIR", "cannot chmod %s: %s", dir, strerror(errno));
	/* O_EXCL: never overwrite a master key; losing it loses every sealed
	 * biometric and every signature's continuity. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return sh_err_set(err, SH_ECONFLICT, "KEY_EXISTS",
					  "%s already exists; refusing to overwrite a master key",
					  path);
		return sh_err_set(err, SH_EIO, "KEY_WRITE", "cannot create %s: %s", path,
				  strerror(errno));
	}
	randombytes_buf(master, sizeof master);
	rc = SH_OK;
	if (fchmod(fd, 0600) != 0 || write(fd, master, sizeof master) != (ssize_t)sizeof master ||
	    fsync(fd) != 0) {
		rc = sh_err_set(err, SH_EIO, "KEY_WRITE", "cannot write %s: %s", path,
				strerror(errno));
		unlink(path);
	}
	sodium_memzero(master, sizeof master);
	if (close(fd) != 0 && rc == SH_OK)
		rc = sh_err_set(err, SH_EIO, "KEY_WRITE", "cannot close %s: %s", path, strerror(errno));
	return rc;
}

int keyring_from_master(const unsigned char master[KEYRING_KEY_BYTES], struct keyring **out,
			struct sh_err *err)
{
	*out = NULL;
	int rc = sodium_ready(err);
	if (rc != SH_OK)
		return rc;
	struct keyring *kr = sodium_malloc(sizeof *kr);
	if (!kr)
		return sh_err_set(err, SH_ENOMEM, "NO_MEMORY", "out of memory for the keyring");
	kr->s = sodium_malloc(sizeof *kr->s);
	if (!kr->s) {
		sodium_free(kr);
		return sh_err_set(err, SH_ENOMEM, "NO_MEMORY", "out of memory for the keyring");
	}
	for (int p = 1; p <= KEYRING_PURPOSES; p++)
		crypto_kdf_derive_from_key(kr->s->key[p - 1], KEYRING_KEY_BYTES, (uint64_t)p,
					   KEYRING_CONTEXT, master);
	crypto_sign_seed_keypair(kr->s->sign_pk, kr->s->sign_sk, kr->s->key[KEY_SIGNING - 1]);
	sodium_mprotect_readonly(kr->s);
	*out = kr;
	return SH_OK;
}

int keyring_load(const char *dir, struct keyring **out, struct sh_err *err)
{
	char path[4096];
	struct stat st;
	int rc, fd = -1;
	unsigned char *master = NULL;
	*out = NULL;
	if ((rc = sodium_ready(err)) != SH_OK || (rc = key_path(dir, path, sizeof path, err)) != SH_OK)
		return rc;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return sh_err_set(err, SH_EIO, "KEY_MISSING",
					  "%s does not exist: run `shanakht init` to create it, or "
					  "restore it from backup",
					  path);
		return sh_err_set(err, SH_EIO, "KEY_READ", "cannot open %s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) != 0) {
		rc = sh_err_set(err, SH_EIO, "KEY_READ", "cannot stat %s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = sh_err_set(err, SH_EIO, "KEY_NOT_FILE", "%s is not a regular file", path);
		goto out;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		rc = sh_err_set(err, SH_EIO, "KEY_PERMISSIONS",
				"%s is accessible by group or others (mode %03o): run `chmod 600 %s`",
				path, (unsigned)(st.st_mode & 0777), path);
		goto out;
	}
	if (st.st_size != KEYRING_KEY_BYTES) {
		rc = sh_err_set(err, SH_EIO, "KEY_SIZE",
				"%s is %lld bytes, a master key is exactly %d: restore it from "
				"backup",
				path, (long long)st.st_size, KEYRING_KEY_BYTES);
		goto out;
	}
	master = sodium_malloc(KEYRING_KEY_BYTES);
	if (!master) {
		rc = sh_err_set(err, SH_ENOMEM, "NO_MEMORY", "out of memory for the master key");
		goto out;
	}
	ssize_t got = read(fd, master, KEYRING_KEY_BYTES);
	if (got != KEYRING_KEY_BYTES) {
		rc = sh_err_set(err, SH_EIO, "KEY_READ", "cannot read %s", path);
		goto out;
	}
	rc = keyring_from_master(master, out, err);
out:
	if (master)
		sodium_free(master);
	close(fd);
	return rc;
}

void keyring_free(struct keyring *kr)
{
	if (!kr)
		return;
	sodium_free(kr->s); /* wipes */
	sodium_free(kr);
}

const unsigned char *keyring_key(const struct keyring *kr, enum key_purpose purpose)
{
	if ((int)purpose < 1 || (int)purpose > KEYRING_PURPOSES)
		return NULL;
	return kr->s->key[purpose - 1];
}

void keyring_public_key(const struct keyring *kr, unsigned char pk[KEYRING_PK_BYTES])
{
	memcpy(pk, kr->s->sign_pk, KEYRING_PK_BYTES);
}

void keyring_sign(const struct keyring *kr, const void *msg, size_t len,
		  unsigned char sig[KEYRING_SIG_BYTES])
{
	crypto_sign_detached(sig, NULL, msg, len, kr->s->sign_sk);
}

int keyring_verify(const unsigned char pk[KEYRING_PK_BYTES], const void *msg, size_t len,
		   const unsigned char sig[KEYRING_SIG_BYTES])
{
	return crypto_sign_verify_detached(sig, msg, len, pk) == 0 ? SH_OK : SH_EINVAL;
}

int keyring_seal(const struct keyring *kr, enum key_purpose purpose, const void *plain,
		 size_t len, const void *ad, size_t adlen, unsigned char *out)
{
	const unsigned char *k = keyring_key(kr, purpose);
	if (!k)
		return SH_EINVAL;
	/* Random 192-bit nonces are safe with XChaCha20 (no counter to keep). */
	unsigned char *nonce = out;
	randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	unsigned long long clen = 0;
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
						   &clen, plain, len, ad, ad ? adlen : 0, NULL,
						   nonce, k);
	return SH_OK;
}

int keyring_open(const struct keyring *kr, enum key_purpose purpose, const unsigned char *sealed,
		 size_t len, const void *ad, size_t adlen, unsigned char *plain_out)
{
	const unsigned char *k = keyring_key(kr, purpose);
	if (!k || len < KEYRING_SEAL_OVERHEAD)
		return SH_EINVAL;
	unsigned long long plen = 0;
	const size_t nb = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain_out, &plen, NULL, sealed + nb,
						       len - nb, ad, ad ? adlen : 0, sealed,
						       k) != 0)
		return SH_EINVAL; /* forged, corrupted, or the wrong context (ad) */
	return SH_OK;
}

void keyring_hash(const struct keyring *kr, enum key_purpose purpose, const void *data,
		  size_t len, unsigned char out[32])
{
	const unsigned char *k = keyring_key(kr, purpose);
	if (!k) { /* a bug in the caller: never fall back to an unkeyed hash */
		sodium_memzero(out, 32);
		return;
	}
	crypto_generichash(out, 32, data, len, k, KEYRING_KEY_BYTES);
}
