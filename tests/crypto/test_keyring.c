/* test_keyring.c — master key file rules, derivation, seal/open, signatures. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/keyring.h"

static char dir[64];
static char keydir[96];
static char keyfile[128];

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/shanakht-kr-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(keydir, sizeof keydir, "%s/keys", dir);
	snprintf(keyfile, sizeof keyfile, "%s/master.key", keydir);
	cr_assert_eq(sodium_init() >= 0, 1);
}

static void teardown(void)
{
	unlink(keyfile);
	rmdir(keydir);
	rmdir(dir);
}

TestSuite(keyring, .init = setup, .fini = teardown);

static void write_file(const char *path, const void *p, size_t n, mode_t mode)
{
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(p, 1, n, f), n);
	fclose(f);
	cr_assert_eq(chmod(path, mode), 0);
}

Test(keyring, create_sets_modes_and_refuses_to_overwrite)
{
	struct sh_err err;
	struct stat st;
	cr_assert_eq(keyring_create(keydir, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(stat(keydir, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0700);
	cr_assert_eq(stat(keyfile, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	cr_assert_eq(st.st_size, KEYRING_KEY_BYTES);
	unsigned char before[32], after[32];
	FILE *f = fopen(keyfile, "rb");
	cr_assert_eq(fread(before, 1, 32, f), 32);
	fclose(f);
	cr_assert_eq(keyring_create(keydir, &err), SH_ECONFLICT);
	cr_assert_str_eq(err.code, "KEY_EXISTS");
	f = fopen(keyfile, "rb");
	cr_assert_eq(fread(after, 1, 32, f), 32);
	fclose(f);
	cr_assert_eq(memcmp(before, after, 32), 0, "the key was overwritten");
}

Test(keyring, load_refuses_missing_short_and_readable_files)
{
	struct sh_err err;
	struct keyring *kr = NULL;
	cr_assert_eq(mkdir(keydir, 0700), 0);
	cr_assert_neq(keyring_load(keydir, &kr, &err), SH_OK);
	cr_assert_str_eq(err.code, "KEY_MISSING");
	cr_assert_null(kr);

	unsigned char k[33] = {1};
	write_file(keyfile, k, 31, 0600);
	cr_assert_neq(keyring_load(keydir, &kr, &err), SH_OK);
	cr_assert_str_eq(err.code, "KEY_SIZE");
	write_file(keyfile, k, 33, 0600);
	cr_assert_neq(keyring_load(keydir, &kr, &err), SH_OK);
	cr_assert_str_eq(err.code, "KEY_SIZE");

	write_file(keyfile, k, 32, 0640);
	cr_assert_neq(keyring_load(keydir, &kr, &err), SH_OK);
	cr_assert_str_eq(err.code, "KEY_PERMISSIONS");
	cr_assert_not_null(strstr(err.msg, "chmod 600"), "message: %s", err.msg);
	write_file(keyfile, k, 32, 0604);
	cr_assert_neq(keyring_load(keydir, &kr, &err), SH_OK);
	cr_assert_str_eq(err.code, "KEY_PERMISSIONS");

	cr_assert_eq(chmod(keyfile, 0600), 0);
	cr_assert_eq(keyring_load(keydir, &kr, &err), SH_OK, "%s", err.msg);
	keyring_free(kr);
	cr_assert_eq(chmod(keyfile, 0400), 0);
	cr_assert_eq(keyring_load(keydir, &kr, &err), SH_OK, "%s", err.msg);
	keyring_free(kr);
}

/* libsodium's KDF is BLAKE2b-256 keyed with the master key, salt = purpose
 * id (64-bit little-endian, zero padded), personal = context (zero padded):
 * recompute it independently. */
static void kdf_reference(const unsigned char master[32], uint64_t id, unsigned char out[32])
{
	unsigned char salt[16] = {0}, personal[16] = {0};
	for (int i = 0; i < 8; i++)
		salt[i] = (unsigned char)(id >> (8 * i));
	memcpy(personal, "shanakht", 8);
	cr_assert_eq(crypto_generichash_blake2b_salt_personal(out, 32, NULL, 0, master, 32, salt,
							      personal),
		     0);
}

Test(keyring, derivation_is_deterministic_and_purpose_separated)
{
	struct sh_err err;
	unsigned char master[32], other[32];
	for (int i = 0; i < 32; i++) {
		master[i] = (unsigned char)i;
		other[i] = (unsigned char)(i + 1);
	}
	struct keyring *a, *b, *c;
	cr_assert_eq(keyring_from_master(master, &a, &err), SH_OK);
	cr_assert_eq(keyring_from_master(master, &b, &err), SH_OK);
	cr_assert_eq(keyring_from_master(other, &c, &err), SH_OK);
	for (int p = KEY_BIOMETRIC_SEAL; p <= KEY_TOKEN_PEPPER; p++) {
		unsigned char ref[32];
		kdf_reference(master, (uint64_t)p, ref);
		cr_assert_eq(memcmp(keyring_key(a, p), ref, 32), 0, "purpose %d", p);
		cr_assert_eq(memcmp(keyring_key(a, p), keyring_key(b, p), 32), 0);
		cr_assert_neq(memcmp(keyring_key(a, p), keyring_key(c, p), 32), 0);
		cr_assert_neq(memcmp(keyring_key(a, p), master, 32), 0);
		for (int q = KEY_BIOMETRIC_SEAL; q < p; q++)
			cr_assert_neq(memcmp(keyring_key(a, p), keyring_key(a, q), 32), 0);
	}
	cr_assert_null(keyring_key(a, 0));
	cr_assert_null(keyring_key(a, 6));
	/* Same file, same keys: load twice from disk. */
	cr_assert_eq(mkdir(keydir, 0700), 0);
	write_file(keyfile, master, 32, 0600);
	struct keyring *d;
	cr_assert_eq(keyring_load(keydir, &d, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(memcmp(keyring_key(d, KEY_SECRET_SEAL), keyring_key(a, KEY_SECRET_SEAL), 32), 0);
	/* Keyed hashes: purpose-separated, equal to BLAKE2b with the key. */
	unsigned char h1[32], h2[32], ref[32];
	keyring_hash(a, KEY_TOKEN_PEPPER, "token", 5, h1);
	keyring_hash(a, KEY_OTP_PEPPER, "token", 5, h2);
	crypto_generichash(ref, 32, (const unsigned char *)"token", 5,
			   keyring_key(a, KEY_TOKEN_PEPPER), 32);
	cr_assert_eq(memcmp(h1, ref, 32), 0);
	cr_assert_neq(memcmp(h1, h2, 32), 0);
	keyring_free(a);
	keyring_free(b);
	keyring_free(c);
	keyring_free(d);
}

Test(keyring, seal_open_round_trip_and_tampering_fails)
{
	struct sh_err err;
	unsigned char master[32] = {7};
	struct keyring *kr;
	cr_assert_eq(keyring_from_master(master, &kr, &err), SH_OK);
	const char msg[] = "fingerprint template bytes";
	size_t n = sizeof msg;
	unsigned char sealed[sizeof msg + KEYRING_SEAL_OVERHEAD], sealed2[sizeof sealed];
	unsigned char plain[sizeof msg];
	cr_assert_eq(keyring_seal(kr, KEY_BIOMETRIC_SEAL, msg, n, "row:1", 5, sealed), SH_OK);
	cr_assert_eq(keyring_seal(kr, KEY_BIOMETRIC_SEAL, msg, n, "row:1", 5, sealed2), SH_OK);
	cr_assert_neq(memcmp(sealed, sealed2, sizeof sealed), 0, "nonces must differ");
	cr_assert_eq(keyring_open(kr, KEY_BIOMETRIC_SEAL, sealed, sizeof sealed, "row:1", 5, plain),
		     SH_OK);
	cr_assert_eq(memcmp(plain, msg, n), 0);
	/* Wrong ad, wrong purpose, every byte flipped, truncated. */
	cr_assert_eq(keyring_open(kr, KEY_BIOMETRIC_SEAL, sealed, sizeof sealed, "row:2", 5, plain),
		     SH_EINVAL);
	cr_assert_eq(keyring_open(kr, KEY_BIOMETRIC_SEAL, sealed, sizeof sealed, NULL, 0, plain),
		     SH_EINVAL);
	cr_assert_eq(keyring_open(kr, KEY_SECRET_SEAL, sealed, sizeof sealed, "row:1", 5, plain),
		     SH_EINVAL);
	for (size_t i = 0; i < sizeof sealed; i++) {
		sealed[i] ^= 0x01;
		cr_assert_eq(keyring_open(kr, KEY_BIOMETRIC_SEAL, sealed, sizeof sealed, "row:1", 5,
					  plain),
			     SH_EINVAL, "flipped byte %zu accepted", i);
		sealed[i] ^= 0x01;
	}
	cr_assert_eq(keyring_open(kr, KEY_BIOMETRIC_SEAL, sealed, sizeof sealed - 1, "row:1", 5,
				  plain),
		     SH_EINVAL);
	cr_assert_eq(keyring_open(kr, KEY_BIOMETRIC_SEAL, sealed, KEYRING_SEAL_OVERHEAD - 1, NULL, 0,
				  plain),
		     SH_EINVAL);
	/* Empty plaintext still authenticates. */
	unsigned char empty[KEYRING_SEAL_OVERHEAD];
	cr_assert_eq(keyring_seal(kr, KEY_SECRET_SEAL, "", 0, NULL, 0, empty), SH_OK);
	cr_assert_eq(keyring_open(kr, KEY_SECRET_SEAL, empty, sizeof empty, NULL, 0, plain), SH_OK);
	keyring_free(kr);
}

Test(keyring, signatures_verify_and_fail_when_tampered)
{
	struct sh_err err;
	unsigned char master[32] = {9};
	struct keyring *kr, *other;
	cr_assert_eq(keyring_from_master(master, &kr, &err), SH_OK);
	master[0] = 10;
	cr_assert_eq(keyring_from_master(master, &other, &err), SH_OK);
	unsigned char pk[KEYRING_PK_BYTES], opk[KEYRING_PK_BYTES], sig[KEYRING_SIG_BYTES];
	keyring_public_key(kr, pk);
	keyring_public_key(other, opk);
	/* The public key is the one of the KEY_SIGNING seed. */
	unsigned char epk[32], esk[64];
	crypto_sign_seed_keypair(epk, esk, keyring_key(kr, KEY_SIGNING));
	cr_assert_eq(memcmp(pk, epk, 32), 0);
	const char msg[] = "shanakht-audit-v1 head";
	keyring_sign(kr, msg, sizeof msg, sig);
	cr_assert_eq(keyring_verify(pk, msg, sizeof msg, sig), SH_OK);
	cr_assert_eq(keyring_verify(opk, msg, sizeof msg, sig), SH_EINVAL);
	char bad[sizeof msg];
	memcpy(bad, msg, sizeof msg);
	bad[0] ^= 1;
	cr_assert_eq(keyring_verify(pk, bad, sizeof bad, sig), SH_EINVAL);
	sig[10] ^= 1;
	cr_assert_eq(keyring_verify(pk, msg, sizeof msg, sig), SH_EINVAL);
	keyring_free(kr);
	keyring_free(other);
}

/* RFC 8032 7.1 TEST 1: our verify path accepts the standard's vector. */
Test(keyring, ed25519_rfc8032_known_answer)
{
	unsigned char seed[32], pk[32], sk[64], sig[64], expect_pk[32], expect_sig[64];
	size_t l;
	sodium_hex2bin(seed, 32, "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
		       64, NULL, &l, NULL);
	sodium_hex2bin(expect_pk, 32,
		       "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", 64,
		       NULL, &l, NULL);
	sodium_hex2bin(expect_sig, 64,
		       "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33"
		       "bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
		       128, NULL, &l, NULL);
	crypto_sign_seed_keypair(pk, sk, seed);
	cr_assert_eq(memcmp(pk, expect_pk, 32), 0);
	crypto_sign_detached(sig, NULL, (const unsigned char *)"", 0, sk);
	cr_assert_eq(memcmp(sig, expect_sig, 64), 0);
	cr_assert_eq(keyring_verify(pk, "", 0, sig), SH_OK);
}
