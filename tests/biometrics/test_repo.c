/* test_repo.c — the repository's store-backed parts: sealed storage (round
 * trip, binding, tamper, key rotation), the device registry and the
 * capture checks with their refusal codes, and the de-duplication rule. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bio/fp_thresholds.h"
#include "biometrics/bio.h"
#include "biometrics/bio_gallery.h"
#include "testdb.h"

static char *url;
static store *db;
static struct keyring *kr;
static const struct audit_actor actor = {.kind = "system", .name = "test"};

static void setup(void)
{
	cr_assert_eq(sodium_init() >= 0, 1);
	url = testdb_url();
	struct sh_err err = {0};
	cr_assert_eq(store_open(url, 2, &db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(audit_migrate(db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(biometrics_migrate(db, &err), SH_OK, "%s", err.msg);
	unsigned char master[KEYRING_KEY_BYTES];
	memset(master, 7, sizeof master);
	cr_assert_eq(keyring_from_master(master, &kr, &err), SH_OK);
}

static void teardown(void)
{
	keyring_free(kr);
	store_close(db);
	testdb_drop(url);
}

TestSuite(repo, .init = setup, .fini = teardown, .timeout = 60);

Test(repo, sealed_data_round_trips_and_binds_to_its_row)
{
	struct sh_err err = {0};
	store_tx *tx;
	unsigned char k1[BIO_DATA_KEY_BYTES], k2[BIO_DATA_KEY_BYTES];
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(bio_seal_person_key(tx, kr, "1111111111111", 0, k1, &err), SH_ENOTFOUND);
	cr_assert_eq(bio_seal_person_key(tx, kr, "1111111111111", 1, k1, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(bio_seal_person_key(tx, kr, "1111111111111", 0, k2, &err), SH_OK);
	cr_assert_eq(memcmp(k1, k2, sizeof k1), 0, "the same key unwraps");
	const char msg[] = "ridge detail";
	unsigned char *s = NULL, *o = NULL;
	size_t sl = 0, ol = 0;
	cr_assert_eq(bio_seal(k1, msg, sizeof msg, "bio:1:1:1:image", &s, &sl, &err), SH_OK);
	cr_assert_eq(sl, sizeof msg + BIO_SEAL_OVERHEAD);
	cr_assert_null(memmem(s, sl, "ridge", 5), "no plaintext in the sealed blob");
	cr_assert_eq(bio_unseal(k1, s, sl, "bio:1:1:1:image", &o, &ol, &err), SH_OK);
	cr_assert_eq(ol, sizeof msg);
	cr_assert_str_eq((char *)o, msg);
	free(o);
	cr_assert_eq(bio_unseal(k1, s, sl, "bio:1:1:2:image", &o, &ol, &err), SH_EINVAL,
		     "another row's binding does not open");
	cr_assert_str_eq(err.code, "BIO_SEAL_OPEN");
	s[sl - 1] ^= 1;
	cr_assert_eq(bio_unseal(k1, s, sl, "bio:1:1:1:image", &o, &ol, &err), SH_EINVAL,
		     "a flipped bit does not open");
	free(s);
	/* rotation: re-wrapped under generation 2, the data key is the same */
	int64_t n = 0;
	int gen = 0;
	cr_assert_eq(bio_seal_rewrap(tx, kr, 1, &n, &err), SH_EINVAL, "not above the current");
	cr_assert_eq(bio_seal_rewrap(tx, kr, 2, &n, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(n, 1);
	cr_assert_eq(bio_seal_generation(tx, &gen, &err), SH_OK);
	cr_assert_eq(gen, 2);
	cr_assert_eq(bio_seal_person_key(tx, kr, "1111111111111", 0, k2, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(memcmp(k1, k2, sizeof k1), 0);
	store_rollback(tx);
}

/* A signed envelope for one finger with the given device key. */
static char *envelope(const char *dev, const char *nonce, int64_t at, double liveness,
		      const unsigned char *sk, unsigned char sig[64])
{
	char *t = malloc(600);
	snprintf(t, 600,
		 "{\"v\":1,\"device_id\":\"%s\",\"operator\":\"op\",\"id_number\":\"1111111111111\","
		 "\"modality\":\"fingerprint\",\"captured_at\":%lld,\"nonce\":\"%s\",\"liveness\":%.2f,"
		 "\"items\":[{\"position\":1,\"sha256\":\"%064d\"}]}",
		 dev, (long long)at, nonce, liveness, 0);
	crypto_sign_detached(sig, NULL, (unsigned char *)t, strlen(t), sk);
	return t;
}

static int check(const char *text, const unsigned char *sig, const char *station, int64_t now,
		 struct sh_err *err)
{
	struct bio_capture c;
	store_tx *tx;
	int rc = bio_capture_parse(text, strlen(text), &c, err);
	if (rc != SH_OK)
		return rc;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, err), SH_OK);
	rc = bio_capture_check(tx, text, strlen(text), sig, &c, station, now, err);
	if (rc == SH_OK)
		cr_assert_eq(store_commit(tx, err), SH_OK);
	else
		store_rollback(tx);
	return rc;
}

Test(repo, capture_checks_refuse_with_their_codes)
{
	struct sh_err err = {0};
	unsigned char pk[32], sk[64], sk2[64], pk2[32], sig[64];
	crypto_sign_keypair(pk, sk);
	crypto_sign_keypair(pk2, sk2);
	struct bio_device d = {0};
	snprintf(d.device_id, sizeof d.device_id, "D1");
	snprintf(d.make, sizeof d.make, "m");
	snprintf(d.model, sizeof d.model, "m");
	snprintf(d.serial, sizeof d.serial, "s");
	snprintf(d.modality, sizeof d.modality, "fingerprint");
	snprintf(d.approved_on, sizeof d.approved_on, "2026-01-01");
	snprintf(d.council_code, sizeof d.council_code, "PB-LHR-01-001");
	memcpy(d.public_key, pk, 32);
	store_tx *tx;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(bio_device_register(tx, &actor, &d, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(bio_device_register(tx, &actor, &d, &err), SH_ECONFLICT);
	cr_assert_str_eq(err.code, "DEVICE_EXISTS");
	store_rollback(tx);

	int64_t now = 1800000000;
	char *t = envelope("D1", "00000000000000000001", now, 0.9, sk, sig);
	cr_assert_eq(check(t, sig, "PB-LHR-01-001", now, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(check(t, sig, "PB-LHR-01-001", now, &err), SH_ECONFLICT);
	cr_assert_str_eq(err.code, "CAPTURE_REPLAY");
	free(t);
	t = envelope("D1", "00000000000000000002", now, 0.9, sk2, sig);
	cr_assert_eq(check(t, sig, NULL, now, &err), SH_EUNAUTH);
	cr_assert_str_eq(err.code, "CAPTURE_SIGNATURE");
	free(t);
	t = envelope("D1", "00000000000000000003", now - 301, 0.9, sk, sig);
	cr_assert_eq(check(t, sig, NULL, now, &err), SH_ERULE);
	cr_assert_str_eq(err.code, "CAPTURE_STALE");
	free(t);
	t = envelope("D1", "00000000000000000004", now + 300, 0.9, sk, sig);
	cr_assert_eq(check(t, sig, NULL, now, &err), SH_OK, "the window is inclusive");
	free(t);
	t = envelope("D1", "00000000000000000005", now, 0.2, sk, sig);
	cr_assert_eq(check(t, sig, NULL, now, &err), SH_ERULE);
	cr_assert_str_eq(err.code, "CAPTURE_LIVENESS");
	free(t);
	t = envelope("D1", "00000000000000000006", now, 0.9, sk, sig);
	cr_assert_eq(check(t, sig, "SD-KHC-01-001", now, &err), SH_EFORBIDDEN);
	cr_assert_str_eq(err.code, "DEVICE_STATION");
	free(t);
	t = envelope("D9", "00000000000000000007", now, 0.9, sk, sig);
	cr_assert_eq(check(t, sig, NULL, now, &err), SH_EFORBIDDEN);
	cr_assert_str_eq(err.code, "DEVICE_UNKNOWN");
	free(t);
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(bio_device_revoke(tx, &actor, "D1", "", &err), SH_EINVAL);
	cr_assert_eq(bio_device_revoke(tx, &actor, "D1", "stolen", &err), SH_OK, "%s", err.msg);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	t = envelope("D1", "00000000000000000008", now, 0.9, sk, sig);
	cr_assert_eq(check(t, sig, NULL, now, &err), SH_EFORBIDDEN);
	cr_assert_str_eq(err.code, "DEVICE_REVOKED");
	free(t);
}

Test(repo, envelope_parse_refuses_malformed)
{
	struct bio_capture c;
	struct sh_err err = {0};
	const char *bad[] = {
		"[]", "{\"v\":2}",
		"{\"v\":1,\"device_id\":\"D\",\"operator\":\"o\",\"id_number\":\"1\",\"modality\":\"fingerprint\","
		"\"captured_at\":1,\"nonce\":\"XYZ0000000000000\",\"liveness\":1,\"items\":[]}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cr_assert_eq(bio_capture_parse(bad[i], strlen(bad[i]), &c, &err), SH_EINVAL, "%s", bad[i]);
		cr_assert_str_eq(err.code, "CAPTURE_INVALID");
	}
	char twice[700];
	snprintf(twice, sizeof twice,
		 "{\"v\":1,\"device_id\":\"D\",\"operator\":\"o\",\"id_number\":\"1\","
		 "\"modality\":\"fingerprint\",\"captured_at\":1,\"nonce\":\"0000000000000000\","
		 "\"liveness\":1,\"items\":[{\"position\":3,\"sha256\":\"%064d\"},"
		 "{\"position\":3,\"sha256\":\"%064d\"}]}",
		 0, 0);
	cr_assert_eq(bio_capture_parse(twice, strlen(twice), &c, &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "CAPTURE_POSITION");
}

Test(repo, dedup_rule_one_strong_or_two_medium_fingers)
{
	float none[3] = {FP_THRESHOLD_FMR_0_1 - 0.001f, 0.01f, 0.0f};
	float one_strong[2] = {FP_THRESHOLD_FMR_0_01, 0.0f};
	float two_medium[3] = {FP_THRESHOLD_FMR_0_1, 0.0f, FP_THRESHOLD_FMR_0_1};
	float one_medium[2] = {FP_THRESHOLD_FMR_0_1, 0.0f};
	cr_assert_eq(bio_dedup_is_hit(none, 3), 0);
	cr_assert_eq(bio_dedup_is_hit(one_strong, 2), 1);
	cr_assert_eq(bio_dedup_is_hit(two_medium, 3), 1);
	cr_assert_eq(bio_dedup_is_hit(one_medium, 2), 0);
}
