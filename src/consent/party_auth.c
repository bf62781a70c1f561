/* party_auth.c — HMAC-SHA256 signed requests of relying parties: canonical
 * string, time window, nonce replay table, suspension and key expiry. */
#include "consent/party_auth.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "consent/config.h"
#include "consent/party.h"
#include "lib/parse.h"

void party_signature(const char *secret, const char *method, const char *path,
		     const char *timestamp, const char *nonce, const void *body, size_t len,
		     char out[PARTY_SIG_HEX])
{
	unsigned char bh[crypto_hash_sha256_BYTES], mac[crypto_auth_hmacsha256_BYTES];
	char bhex[2 * crypto_hash_sha256_BYTES + 1];
	crypto_hash_sha256(bh, body ? body : (const void *)"", body ? len : 0);
	sodium_bin2hex(bhex, sizeof bhex, bh, sizeof bh);
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	const char *parts[] = {method, path, timestamp, nonce, bhex};
	for (size_t i = 0; i < 5; i++) {
		if (i)
			crypto_auth_hmacsha256_update(&st, (const unsigned char *)"\n", 1);
		crypto_auth_hmacsha256_update(&st, (const unsigned char *)parts[i],
					      strlen(parts[i]));
	}
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(out, PARTY_SIG_HEX, mac, sizeof mac);
	sodium_memzero(&st, sizeof st);
}

static int nonce_valid(const char *n)
{
	size_t len = strlen(n);
	if (len < PARTY_NONCE_MIN || len > PARTY_NONCE_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = n[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/* Lowercase hex of exactly 32 bytes. */
static int sig_decode(const char *hex, unsigned char out[crypto_auth_hmacsha256_BYTES])
{
	if (strlen(hex) != 2 * crypto_auth_hmacsha256_BYTES)
		return -1;
	for (const char *p = hex; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return -1;
	size_t bin_len = 0;
	return sodium_hex2bin(out, crypto_auth_hmacsha256_BYTES, hex, strlen(hex), NULL, &bin_len,
			      NULL) == 0 && bin_len == crypto_auth_hmacsha256_BYTES ? 0 : -1;
}

struct key_row {
	int64_t party_id, expires_at;
	int suspended;
	char secret[PARTY_SECRET_HEX];
};

static int key_read(store *db, const struct keyring *kr, const char *key_id, struct key_row *k,
		    struct sh_err *err)
{
	store_tx *tx = NULL;
	store_stmt *st = NULL;
	int rc = store_begin(db, STORE_READ, &tx, err);
	if (rc != SH_OK)
		return rc;
	rc = store_query(tx, &st, err,
			 "SELECT k.party_id, k.expires_at, p.suspended, k.secret_sealed"
			 " FROM party_keys k JOIN parties p ON p.id = k.party_id WHERE k.key_id = ?",
			 "t", key_id);
	if (rc != SH_OK)
		goto out;
	rc = store_step(st, err);
	if (rc == STORE_DONE) {
		rc = sh_err_set(err, SH_EUNAUTH, "PARTY_KEY_UNKNOWN", "unknown party key");
		goto out;
	}
	if (rc < 0)
		goto out;
	k->party_id = store_col_int(st, 0);
	k->expires_at = store_col_int(st, 1);
	k->suspended = store_col_int(st, 2) != 0;
	size_t len = 0;
	const unsigned char *sealed = store_col_blob(st, 3, &len);
	if (!sealed || len != PARTY_SECRET_HEX - 1 + KEYRING_SEAL_OVERHEAD ||
	    keyring_open(kr, KEY_SECRET_SEAL, sealed, len, key_id, strlen(key_id),
			 (unsigned char *)k->secret) != SH_OK) {
		rc = sh_err_set(err, SH_EINTERNAL, "PARTY_SECRET", "stored party secret unreadable");
		goto out;
	}
	k->secret[PARTY_SECRET_HEX - 1] = '\0';
	rc = SH_OK;
out:
	store_finalize(st);
	store_rollback(tx);
	return rc;
}

/* Parties' keys, opened, for at most KEY_CACHE_NS: every signed request
 * needs its key, and reading it cost a read transaction (a cold page cache
 * after each commit) and an XChaCha20 opening. Suspension and rotation in
 * this process invalidate the cache at once (party_keys_changed); a change
 * made by another process (the CLI, another node) applies within a second,
 * as for operators' sessions (docs/security.md). Unknown keys are not
 * cached, so a flood of made-up key ids cannot evict real ones. */
#define KEY_CACHE_SLOTS 64
#define KEY_CACHE_NS 1000000000LL

struct key_cached {
	char key_id[PARTY_KEY_ID_MAX];
	struct key_row row;
	int64_t loaded_ns;
	unsigned generation;
};

static struct {
	pthread_mutex_t mu;
	unsigned generation;
	struct key_cached slot[KEY_CACHE_SLOTS];
} key_cache = {.mu = PTHREAD_MUTEX_INITIALIZER};

void party_keys_changed(void)
{
	pthread_mutex_lock(&key_cache.mu);
	key_cache.generation++;
	sodium_memzero(key_cache.slot, sizeof key_cache.slot);
	pthread_mutex_unlock(&key_cache.mu);
}

static size_t key_slot(const char *key_id)
{
	unsigned char h[8];
	crypto_generichash(h, sizeof h, (const unsigned char *)key_id, strlen(key_id), NULL, 0);
	return (size_t)(h[0] | (unsigned)h[1] << 8) % KEY_CACHE_SLOTS;
}

static int key_load(store *db, const struct keyring *kr, const char *key_id, struct key_row *k,
		    struct sh_err *err)
{
	size_t i = key_slot(key_id);
	int64_t now = sh_mono_ns();
	pthread_mutex_lock(&key_cache.mu);
	struct key_cached *c = &key_cache.slot[i];
	unsigned gen = key_cache.generation;
	int hit = c->key_id[0] && strcmp(c->key_id, key_id) == 0 && c->generation == gen &&
		  now - c->loaded_ns < KEY_CACHE_NS;
	if (hit)
		*k = c->row;
	pthread_mutex_unlock(&key_cache.mu);
	if (hit)
		return SH_OK;
	int rc = key_read(db, kr, key_id, k, err);
	if (rc != SH_OK)
		return rc;
	pthread_mutex_lock(&key_cache.mu);
	if (key_cache.generation == gen) { /* not invalidated while we read */
		c = &key_cache.slot[i];
		snprintf(c->key_id, sizeof c->key_id, "%s", key_id);
		c->row = *k;
		c->loaded_ns = now;
		c->generation = gen;
	}
	pthread_mutex_unlock(&key_cache.mu);
	return SH_OK;
}

static int64_t nonce_bucket(int64_t t)
{
	return t / PARTY_NONCE_BUCKET_SECONDS;
}

int party_nonce_record(store_tx *tx, int64_t party_id, const char *nonce, int64_t signed_at,
		       struct sh_err *err)
{
	/* The same nonce under another timestamp: a party's own mistake rather
	 * than a replay (only the party can sign), refused all the same. */
	int64_t b = nonce_bucket(signed_at);
	store_stmt *st = NULL;
	int rc = store_query(tx, &st, err,
			     "SELECT 1 FROM party_nonces WHERE bucket IN (?, ?, ?)"
			     " AND party_id = ? AND nonce = ?",
			     "iiiit", b - 1, b, b + 1, party_id, nonce);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	store_finalize(st);
	if (rc == STORE_DONE)
		rc = store_run(tx, err,
			       "INSERT INTO party_nonces(bucket, party_id, nonce, seen_at)"
			       " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
			       "iiti", b, party_id, nonce, sh_now());
	else if (rc == STORE_ROW)
		rc = 0;
	if (rc < 0)
		return rc;
	if (rc == 0)
		return sh_err_set(err, SH_EUNAUTH, "PARTY_REPLAY",
				  "this nonce was already used: a replayed request");
	return SH_OK;
}

int party_nonce_record_alone(store *db, int64_t party_id, const char *nonce, int64_t signed_at,
			     struct sh_err *err)
{
	store_tx *tx = NULL;
	int rc = store_begin(db, STORE_WRITE, &tx, err);
	if (rc != SH_OK)
		return rc;
	rc = party_nonce_record(tx, party_id, nonce, signed_at, err);
	if (rc != SH_OK) {
		store_rollback(tx);
		return rc;
	}
	return store_commit(tx, err);
}

struct nonce_prune {
	int64_t dead_below; /* buckets below this one */
	int removed;
};

/* The batch's last key, then one range delete up to it: both walk the
 * primary key in order. (A delete "WHERE (bucket, party_id, nonce) IN (the
 * batch)" was planned by SQLite as a search on (bucket, party_id) per key,
 * which with one party is a scan of the bucket: 20-45 ms of CPU per batch,
 * under the write gate.) */
static int nonces_prune_job(store_tx *tx, void *ctx, struct sh_err *err)
{
	struct nonce_prune *p = ctx;
	store_stmt *st = NULL;
	int rc = store_query(tx, &st, err,
			     "SELECT bucket, party_id, nonce FROM ("
			     " SELECT bucket, party_id, nonce FROM party_nonces WHERE bucket < ?"
			     " ORDER BY bucket, party_id, nonce LIMIT ?) AS batch"
			     " ORDER BY bucket DESC, party_id DESC, nonce DESC LIMIT 1",
			     "ii", p->dead_below, (int64_t)PARTY_NONCE_PRUNE_BATCH);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW)
		p->removed = store_run(tx, err,
				       "DELETE FROM party_nonces WHERE (bucket, party_id, nonce) <= (?, ?, ?)",
				       "iit", store_col_int(st, 0), store_col_int(st, 1),
				       store_col_text(st, 2));
	else
		p->removed = rc == STORE_DONE ? 0 : rc;
	store_finalize(st);
	return p->removed < 0 ? p->removed : SH_OK;
}

int party_nonces_prune(store *db, int clock_skew_seconds, int64_t now, struct sh_err *err)
{
	/* A timestamp older than twice the window cannot pass the check, nor
	 * be a bucket away from one that can. */
	struct nonce_prune p = {.dead_below = nonce_bucket(now - 2 * (int64_t)clock_skew_seconds)};
	int rc = store_write(db, nonces_prune_job, &p, err);
	return rc != SH_OK ? rc : p.removed;
}

int party_authenticate(store *db, const struct keyring *kr, const struct consent_config *cfg,
		       const char *method, const char *path, const char *key_id,
		       const char *timestamp, const char *nonce, const char *signature,
		       const void *body, size_t len, int64_t now, struct principal *out,
		       struct sh_err *err)
{
	static atomic_uint calls;
	if (!key_id || !timestamp || !nonce || !signature)
		return sh_err_set(err, SH_EUNAUTH, "PARTY_AUTH_MISSING",
				  "X-Party-Key, X-Timestamp, X-Nonce and X-Signature are required");
	int64_t ts;
	if (sh_parse_i64(timestamp, 0, INT64_MAX / 2, &ts) != 0)
		return sh_err_set(err, SH_EUNAUTH, "PARTY_TIMESTAMP",
				  "X-Timestamp must be Unix seconds");
	if (ts < now - cfg->clock_skew_seconds || ts > now + cfg->clock_skew_seconds)
		return sh_err_set(err, SH_EUNAUTH, "PARTY_TIMESTAMP",
				  "X-Timestamp is outside +-%d s of the server clock (now %lld)",
				  cfg->clock_skew_seconds, (long long)now);
	if (!nonce_valid(nonce))
		return sh_err_set(err, SH_EUNAUTH, "PARTY_NONCE",
				  "X-Nonce must be %d..%d characters of [A-Za-z0-9_-]",
				  PARTY_NONCE_MIN, PARTY_NONCE_MAX);
	unsigned char given[crypto_auth_hmacsha256_BYTES], want[crypto_auth_hmacsha256_BYTES];
	char expect[PARTY_SIG_HEX] = {0};
	if (strlen(key_id) >= PARTY_KEY_ID_MAX)
		return sh_err_set(err, SH_EUNAUTH, "PARTY_KEY_UNKNOWN", "unknown party key");
	struct key_row k = {0};
	int rc = key_load(db, kr, key_id, &k, err);
	if (rc != SH_OK)
		return rc;
	if (k.expires_at != 0 && k.expires_at <= now) {
		rc = sh_err_set(err, SH_EUNAUTH, "PARTY_KEY_UNKNOWN",
				"this key expired after a rotation; use the new key");
		goto out;
	}
	party_signature(k.secret, method, path, timestamp, nonce, body, len, expect);
	if (sig_decode(signature, given) != 0 || sig_decode(expect, want) != 0 ||
	    sodium_memcmp(given, want, sizeof want) != 0) {
		rc = sh_err_set(err, SH_EUNAUTH, "PARTY_SIGNATURE",
				"X-Signature does not match the request");
		goto out;
	}
	/* Suspension is checked after the signature so that only the party
	 * itself learns that it is suspended. */
	if (k.suspended) {
		rc = sh_err_set(err, SH_EFORBIDDEN, "PARTY_SUSPENDED", "this party is suspended");
		goto out;
	}
	/* Every PARTY_NONCE_PRUNE_EVERY calls, at most PARTY_NONCE_PRUNE_BATCH
	 * of the oldest expired nonces go: four times what those calls added,
	 * in a write short enough not to hold up the writers queued behind it
	 * (all expired nonces at once, every 1,024 calls, held the write gate
	 * for 212 ms after a pause in traffic). */
	if ((atomic_fetch_add(&calls, 1) % PARTY_NONCE_PRUNE_EVERY) == 0) {
		struct sh_err perr = {0};
		(void)party_nonces_prune(db, cfg->clock_skew_seconds, now, &perr);
	}
	memset(out, 0, sizeof *out);
	out->kind = PRINCIPAL_PARTY;
	out->id = k.party_id;
	snprintf(out->name, sizeof out->name, "%s", key_id);
	snprintf(out->role, sizeof out->role, "party");
	out->replay_nonce = nonce;
	out->replay_ts = ts;
out:
	sodium_memzero(&k, sizeof k);
	sodium_memzero(expect, sizeof expect);
	return rc;
}
