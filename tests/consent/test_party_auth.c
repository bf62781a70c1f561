/* test_party_auth.c — signed requests: good, replayed, forged, stale,
 * malformed, suspended, rotated keys; secrets stored sealed. */
#include "fixture.h"

#include "consent/party_auth.h"

static struct fx f;
static void setup(void)
{
	fx_open(&f);
	fx_party(&f, "Meezan Bank", VT_YESNO | VT_KYC, KA_NAME_EN | KA_DOB);
}
static void teardown(void)
{
	fx_close(&f);
}

static const char BODY[] = "{\"id_number\":\"3520112345671\",\"purpose\":\"account opening\"}";

/* Sign with `secret`, authenticate at `now`, then record the nonce as the
 * request's write would (app_write_begin / app_finished). */
static int call(const char *key_id, const char *secret, const char *method, const char *path,
		int64_t ts, const char *nonce, const char *body, int64_t now,
		struct principal *who, struct sh_err *err)
{
	char tsbuf[24], sig[PARTY_SIG_HEX];
	snprintf(tsbuf, sizeof tsbuf, "%lld", (long long)ts);
	party_signature(secret, method, path, tsbuf, nonce, body, strlen(body), sig);
	int rc = party_authenticate(f.db, f.kr, &f.cfg, method, path, key_id, tsbuf, nonce, sig, body,
				    strlen(body), now, who, err);
	if (rc != SH_OK)
		return rc;
	cr_assert_str_eq(who->replay_nonce, nonce);
	cr_assert_eq(who->replay_ts, ts);
	return party_nonce_record_alone(f.db, who->id, nonce, who->replay_ts, err);
}

TestSuite(party_auth, .init = setup, .fini = teardown);

Test(party_auth, good_request_then_replay_is_refused)
{
	struct principal who;
	struct sh_err err = {0};
	int64_t now = sh_now();
	cr_assert_eq(call(f.key.key_id, f.key.secret, "POST", "/api/v1/consents", now,
			  "nonce-0000000000000001", BODY, now, &who, &err),
		     SH_OK, "%s %s", err.code, err.msg);
	cr_assert_eq(who.kind, PRINCIPAL_PARTY);
	cr_assert_eq(who.id, f.party.id);
	cr_assert_str_eq(who.name, f.key.key_id);
	cr_assert_eq(call(f.key.key_id, f.key.secret, "POST", "/api/v1/consents", now,
			  "nonce-0000000000000001", BODY, now, &who, &err),
		     SH_EUNAUTH);
	cr_assert_str_eq(err.code, "PARTY_REPLAY");
}

Test(party_auth, forged_and_altered_requests_fail_without_burning_the_nonce)
{
	struct principal who;
	struct sh_err err = {0};
	int64_t now = sh_now();
	const char *nonce = "nonce-forged-000000000002";
	char wrong[PARTY_SECRET_HEX];
	snprintf(wrong, sizeof wrong, "%s", f.key.secret);
	wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
	cr_assert_eq(call(f.key.key_id, wrong, "POST", "/api/v1/consents", now, nonce, BODY, now,
			  &who, &err),
		     SH_EUNAUTH);
	cr_assert_str_eq(err.code, "PARTY_SIGNATURE");

	/* Signed for one body, sent with another. */
	char tsbuf[24], sig[PARTY_SIG_HEX];
	snprintf(tsbuf, sizeof tsbuf, "%lld", (long long)now);
	party_signature(f.key.secret, "POST", "/api/v1/consents", tsbuf, nonce, BODY,
			strlen(BODY), sig);
	const char *other = "{\"id_number\":\"3520112345672\",\"purpose\":\"account opening\"}";
	cr_assert_eq(party_authenticate(f.db, f.kr, &f.cfg, "POST", "/api/v1/consents", f.key.key_id,
					tsbuf, nonce, sig, other, strlen(other), now, &who, &err),
		     SH_EUNAUTH);
	cr_assert_str_eq(err.code, "PARTY_SIGNATURE");
	/* ... or to another path, or with an upper-case signature. */
	cr_assert_eq(party_authenticate(f.db, f.kr, &f.cfg, "POST", "/api/v1/verifications", f.key.key_id,
					tsbuf, nonce, sig, BODY, strlen(BODY), now, &who, &err),
		     SH_EUNAUTH);
	cr_assert_str_eq(err.code, "PARTY_SIGNATURE");
	char upper[PARTY_SIG_HEX];
	for (int i = 0; i < PARTY_SIG_HEX; i++)
		upper[i] = (char)(sig[i] >= 'a' && sig[i] <= 'f' ? sig[i] - 32 : sig[i]);
	cr_assert_eq(party_authenticate(f.db, f.kr, &f.cfg, "POST", "/api/v1/consents", f.key.key_id,
					tsbuf, nonce, upper, BODY, strlen(BODY), now, &who, &err),
		     SH_EUNAUTH);
	/* The genuine request with the same nonce still passes: forgeries did
	 * not record it. */
	cr_assert_eq(party_authenticate(f.db, f.kr, &f.cfg, "POST", "/api/v1/consents", f.key.key_id,
					tsbuf, nonce, sig, BODY, strlen(BODY), now, &who, &err),
		     SH_OK, "%s", err.code);
}

Test(party_auth, timestamp_window_is_five_minutes)
{
	struct principal who;
	struct sh_err err = {0};
	int64_t now = sh_now();
	cr_assert_eq(call(f.key.key_id, f.key.secret, "GET", "/x", now - 301, "nonce-old-000000000003",
			  "", now, &who, &err),
		     SH_EUNAUTH);
	cr_assert_str_eq(err.code, "PARTY_TIMESTAMP");
	cr_assert_eq(call(f.key.key_id, f.key.secret, "GET", "/x", now + 301, "nonce-new-000000000004",
			  "", now, &who, &err),
		     SH_EUNAUTH);
	cr_assert_str_eq(err.code, "PARTY_TIMESTAMP");
	cr_assert_eq(call(f.key.key_id, f.key.secret, "GET", "/x", now - 299, "nonce-ok-0000000000005",
			  "", now, &who, &err),
		     SH_OK);
	cr_assert_eq(party_authenticate(f.db, f.kr, &f.cfg, "GET", "/x", f.key.key_id, "12abc",
					"nonce-bad-ts-0000000006", "00", "", 0, now, &who, &err),
		     SH_EUNAUTH);
	cr_assert_str_eq(err.code, "PARTY_TIMESTAMP");
}

Test(party_auth, malformed_headers)
{
	struct principal who;
	struct sh_err err = {0};
	int64_t now = sh_now();
	cr_assert_eq(call(f.key.key_id, f.key.secret, "GET", "/x", now, "short", "", now, &who, &err),
		     SH_EUNAUTH);
	cr_assert_str_eq(err.code, "PARTY_NONCE");
	cr_assert_eq(call(f.key.key_id, f.key.secret, "GET", "/x", now, "has space in nonce 0000",
			  "", now, &who, &err),
		     SH_EUNAUTH);
	cr_assert_str_eq(err.code, "PARTY_NONCE");
	cr_assert_eq(party_authenticate(f.db, f.kr, &f.cfg, "GET", "/x", NULL, "1", "n", "s", "", 0, now,
					&who, &err),
		     SH_EUNAUTH);
	cr_assert_str_eq(err.code, "PARTY_AUTH_MISSING");
	cr_assert_eq(call("pk_doesnotexist", f.key.secret, "GET", "/x", now,
			  "nonce-unknown-key-00007", "", now, &who, &err),
		     SH_EUNAUTH);
	cr_assert_str_eq(err.code, "PARTY_KEY_UNKNOWN");
}

Test(party_auth, suspension_and_reinstatement)
{
	struct principal who;
	struct sh_err err = {0};
	store_tx *tx = NULL;
	int64_t now = sh_now();
	cr_assert_eq(store_begin(f.db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(party_set_suspended(tx, &f.admin, f.party.id, 1, "contract ended", &err), SH_OK);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	cr_assert_eq(call(f.key.key_id, f.key.secret, "GET", "/x", now, "nonce-suspended-000008",
			  "", now, &who, &err),
		     SH_EFORBIDDEN);
	cr_assert_str_eq(err.code, "PARTY_SUSPENDED");
	cr_assert_eq(store_begin(f.db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(party_set_suspended(tx, &f.admin, f.party.id, 0, "renewed", &err), SH_OK);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	cr_assert_eq(call(f.key.key_id, f.key.secret, "GET", "/x", now, "nonce-reinstated-00009",
			  "", now, &who, &err),
		     SH_OK);
	/* A reason is required. */
	cr_assert_eq(store_begin(f.db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(party_set_suspended(tx, &f.admin, f.party.id, 1, "", &err), SH_EINVAL);
	store_rollback(tx);
}

Test(party_auth, rotation_keeps_the_old_key_for_the_overlap)
{
	struct principal who;
	struct sh_err err = {0};
	store_tx *tx = NULL;
	struct party_key_issued nk;
	int64_t now = sh_now();
	cr_assert_eq(store_begin(f.db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(party_rotate_key(tx, f.kr, &f.admin, f.party.id, 100, now, &nk, &err), SH_OK);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
	cr_assert_str_neq(nk.key_id, f.key.key_id);
	cr_assert_str_neq(nk.secret, f.key.secret);
	cr_assert_eq(nk.previous_expires_at, now + 100);
	/* During the overlap both keys work. */
	cr_assert_eq(call(f.key.key_id, f.key.secret, "GET", "/x", now, "nonce-rot-old-0000010",
			  "", now, &who, &err),
		     SH_OK);
	cr_assert_eq(call(nk.key_id, nk.secret, "GET", "/x", now, "nonce-rot-new-0000011", "", now,
			  &who, &err),
		     SH_OK);
	cr_assert_eq(who.id, f.party.id);
	/* After it, only the new one. */
	cr_assert_eq(call(f.key.key_id, f.key.secret, "GET", "/x", now + 101,
			  "nonce-rot-old-0000012", "", now + 101, &who, &err),
		     SH_EUNAUTH);
	cr_assert_str_eq(err.code, "PARTY_KEY_UNKNOWN");
	cr_assert_eq(call(nk.key_id, nk.secret, "GET", "/x", now + 101, "nonce-rot-new-0000013", "",
			  now + 101, &who, &err),
		     SH_OK);
	/* The new secret does not work under the old key id. */
	cr_assert_eq(call(f.key.key_id, nk.secret, "GET", "/x", now, "nonce-rot-mix-0000014", "",
			  now, &who, &err),
		     SH_EUNAUTH);
}

Test(party_auth, secret_is_stored_sealed_only)
{
	/* The stored blob is ciphertext: the secret is not in it. */
	struct sh_err err = {0};
	store_tx *tx = NULL;
	store_stmt *st = NULL;
	cr_assert_eq(store_begin(f.db, STORE_READ, &tx, &err), SH_OK);
	cr_assert_eq(store_query(tx, &st, &err, "SELECT secret_sealed FROM party_keys", ""), SH_OK);
	cr_assert_eq(store_step(st, &err), STORE_ROW);
	size_t len = 0;
	const unsigned char *b = store_col_blob(st, 0, &len);
	cr_assert_eq(len, 64 + KEYRING_SEAL_OVERHEAD);
	cr_assert(memmem(b, len, f.key.secret, 16) == NULL, "secret visible in the sealed blob");
	store_finalize(st);
	store_rollback(tx);
}

Test(party_auth, registration_validates_the_policy)
{
	struct sh_err err = {0};
	store_tx *tx = NULL;
	struct party p = {0};
	struct party_key_issued k;
	snprintf(p.name, sizeof p.name, "Jazz");
	snprintf(p.sector, sizeof p.sector, "casino");
	p.types = VT_YESNO;
	cr_assert_eq(store_begin(f.db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(party_create(tx, f.kr, &f.admin, &p, &k, &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "PARTY_SECTOR");
	snprintf(p.sector, sizeof p.sector, "telco");
	p.types = VT_KYC; /* kyc without attributes */
	cr_assert_eq(party_create(tx, f.kr, &f.admin, &p, &k, &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "PARTY_ATTRIBUTES");
	p.kyc_attrs = KA_NAME_EN | KA_ADDRESS;
	cr_assert_eq(party_create(tx, f.kr, &f.admin, &p, &k, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(strlen(k.secret), 64);
	cr_assert_eq(strncmp(k.key_id, "pk_", 3), 0);
	store_rollback(tx);
}

/* Pruning takes the oldest expired nonces, a bounded batch per call, and
 * never one a request could still match (it would let a replay through). */
Test(party_auth, nonce_pruning_is_bounded_and_spares_the_window)
{
	struct sh_err err = {0};
	int64_t now = sh_now();
	int64_t skew = f.cfg.clock_skew_seconds;
	enum { EXPIRED = PARTY_NONCE_PRUNE_BATCH + 40, LIVE = 30 };
	/* every expired timestamp in a bucket wholly older than twice the
	 * window; the live ones from the window's start on */
	int64_t dead_end = (now - 2 * skew) / PARTY_NONCE_BUCKET_SECONDS * PARTY_NONCE_BUCKET_SECONDS;
	char nonce[40];
	for (int i = 0; i < EXPIRED + LIVE; i++) {
		int64_t ts = i < EXPIRED ? dead_end - 1 - (EXPIRED - i) / 8 : now - skew + i;
		snprintf(nonce, sizeof nonce, "prune-nonce-%06d", i);
		cr_assert_eq(party_nonce_record_alone(f.db, f.party.id, nonce, ts, &err), SH_OK,
			     "%s", err.msg);
	}
	cr_assert_eq(party_nonces_prune(f.db, f.cfg.clock_skew_seconds, now, &err), PARTY_NONCE_PRUNE_BATCH, "%s", err.msg);
	/* the oldest went first: the newest expired one is still there */
	cr_assert_eq(party_nonce_record_alone(f.db, f.party.id, "prune-nonce-000000", now, &err),
		     SH_OK, "%s %s", err.code, err.msg);
	snprintf(nonce, sizeof nonce, "prune-nonce-%06d", EXPIRED - 1);
	cr_assert_neq(party_nonce_record_alone(f.db, f.party.id, nonce, dead_end - 1, &err), SH_OK);
	cr_assert_str_eq(err.code, "PARTY_REPLAY");
	cr_assert_eq(party_nonces_prune(f.db, f.cfg.clock_skew_seconds, now, &err), EXPIRED - PARTY_NONCE_PRUNE_BATCH);
	cr_assert_eq(party_nonces_prune(f.db, f.cfg.clock_skew_seconds, now, &err), 0);
	for (int i = EXPIRED; i < EXPIRED + LIVE; i++) {
		snprintf(nonce, sizeof nonce, "prune-nonce-%06d", i);
		cr_assert_neq(party_nonce_record_alone(f.db, f.party.id, nonce, now - skew + i, &err),
			      SH_OK, "nonce %d, inside the window, was pruned", i);
		cr_assert_str_eq(err.code, "PARTY_REPLAY");
	}
}

/* A nonce reused under another timestamp (in the next bucket or the one
 * before) is refused too; one a full bucket and more away is not held. */
Test(party_auth, a_nonce_reused_with_another_timestamp_is_refused)
{
	struct sh_err err = {0};
	int64_t t = sh_now() / PARTY_NONCE_BUCKET_SECONDS * PARTY_NONCE_BUCKET_SECONDS;
	cr_assert_eq(party_nonce_record_alone(f.db, f.party.id, "reused-nonce-0000001", t - 1, &err),
		     SH_OK, "%s", err.msg);
	cr_assert_neq(party_nonce_record_alone(f.db, f.party.id, "reused-nonce-0000001", t + 1, &err),
		      SH_OK);
	cr_assert_str_eq(err.code, "PARTY_REPLAY");
	cr_assert_neq(party_nonce_record_alone(f.db, f.party.id, "reused-nonce-0000001",
					       t - PARTY_NONCE_BUCKET_SECONDS, &err),
		      SH_OK);
	cr_assert_str_eq(err.code, "PARTY_REPLAY");
	/* another party may use the same nonce */
	cr_assert_eq(party_nonce_record_alone(f.db, f.party.id + 1000, "reused-nonce-0000001", t - 1,
					      &err),
		     SH_OK, "%s", err.msg);
}
