/* relying-party.c — a sample relying-party client for Shanakht, written from
 * docs/openapi.yaml and docs/relying-parties.md only (it includes nothing of
 * the server's code). Copy it: it signs every request, walks the consent
 * flow and handles each error the way an integrator should.
 *
 *   SHANAKHT_URL=http://127.0.0.1:8080 SHANAKHT_KEY_ID=pk_... SHANAKHT_SECRET=... \
 *   shanakht-rp-example ID_NUMBER [--name N] [--father-name F] [--dob YYYY-MM-DD]
 *
 * The flow: ask for consent (the citizen gets a passcode by SMS), read the
 * passcode the citizen tells you (here: a line on standard input), verify
 * yes/no against what the customer claimed; then a second consent for KYC,
 * whose answer carries the attributes the party's policy allows.
 *
 * Standard output gets one line per step ("consent cs_...", "yesno yes
 * ALL_MATCH", "kyc name_en=..."); messages for people go to standard error.
 * Exit status: 0 done, 1 refused (a business answer: no consent, wrong
 * passcode, policy), 2 usage, 3 configuration (key, secret, clock), 4 the
 * service is unavailable.
 *
 * Build: cc relying-party.c $(pkg-config --cflags --libs libcurl libsodium jansson)
 * (libsodium for SHA-256 and HMAC-SHA256; any crypto library will do). */
#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_DONE = 0, EXIT_REFUSED = 1, EXIT_USAGE = 2, EXIT_CONFIG = 3, EXIT_UNAVAILABLE = 4 };

#define MAX_ATTEMPTS 4      /* for answers that say "try again" */
#define MAX_RETRY_WAIT_S 30 /* longer Retry-After: give up, tell the user */
#define PASSCODE_TRIES 3    /* the server allows 5 per consent */
#define SECRET_HEX 64

struct rp {
	char url[512];
	char key_id[128];
	char secret[SECRET_HEX + 1];
};

struct answer {
	long status;        /* 0: no answer (network) */
	char *body;         /* NUL-terminated */
	size_t len;
	json_t *json;       /* the body parsed, or NULL */
	long retry_after;   /* seconds, or -1 */
	char request_id[80];/* quote it when you report a problem */
};

static void answer_free(struct answer *a)
{
	free(a->body);
	json_decref(a->json);
	memset(a, 0, sizeof *a);
}

/* The stable error code of an error answer ({"error":{"code","message"}}). */
static const char *error_code(const struct answer *a)
{
	const char *c = json_string_value(json_object_get(json_object_get(a->json, "error"), "code"));
	return c ? c : "";
}

static const char *error_message(const struct answer *a)
{
	const char *m =
		json_string_value(json_object_get(json_object_get(a->json, "error"), "message"));
	return m ? m : "";
}

static void hex(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* docs/relying-parties.md 2: X-Signature = hex(HMAC-SHA256(secret as its
 * 64 ASCII characters, METHOD\nPATH\nTIMESTAMP\nNONCE\nhex(SHA-256(body)))). */
static int sign(const struct rp *rp, const char *method, const char *path, const char *ts,
		const char *nonce, const char *body, char sig[2 * crypto_auth_hmacsha256_BYTES + 1])
{
	unsigned char digest[crypto_hash_sha256_BYTES], mac[crypto_auth_hmacsha256_BYTES];
	char body_hex[2 * crypto_hash_sha256_BYTES + 1], msg[1024];
	crypto_hash_sha256(digest, (const unsigned char *)body, strlen(body));
	hex(digest, sizeof digest, body_hex);
	int n = snprintf(msg, sizeof msg, "%s\n%s\n%s\n%s\n%s", method, path, ts, nonce, body_hex);
	if (n < 0 || (size_t)n >= sizeof msg)
		return -1;
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)rp->secret, strlen(rp->secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, (size_t)n);
	crypto_auth_hmacsha256_final(&st, mac);
	hex(mac, sizeof mac, sig);
	sodium_memzero(&st, sizeof st);
	return 0;
}

struct grow {
	char *p;
	size_t len;
};

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
	struct grow *g = ctx;
	size_t add = size * n;
	if (g->len + add > (4u << 20))
		return 0; /* no answer of this API is that large */
	char *p = realloc(g->p, g->len + add + 1);
	if (!p)
		return 0;
	memcpy(p + g->len, data, add);
	g->p = p;
	g->len += add;
	g->p[g->len] = '\0';
	return add;
}

static void header_copy(const char *line, size_t n, const char *name, char *out, size_t outsz)
{
	size_t nl = strlen(name);
	if (n <= nl + 1 || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
		return;
	const char *v = line + nl + 1;
	while (*v == ' ')
		v++;
	size_t vl = n - (size_t)(v - line);
	while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n'))
		vl--;
	snprintf(out, outsz, "%.*s", (int)vl, v);
}

static size_t on_header(char *data, size_t size, size_t n, void *ctx)
{
	struct answer *a = ctx;
	char retry[32] = "";
	header_copy(data, size * n, "X-Request-Id", a->request_id, sizeof a->request_id);
	header_copy(data, size * n, "Retry-After", retry, sizeof retry);
	if (retry[0]) {
		char *end;
		long v = strtol(retry, &end, 10);
		a->retry_after = (*end == '\0' && v >= 0) ? v : -1;
	}
	return size * n;
}

/* One signed attempt: a fresh timestamp and nonce every time, so that a
 * retry is never a replay (PARTY_REPLAY). */
static int attempt(const struct rp *rp, const char *method, const char *path, const char *body,
		   struct answer *a)
{
	char ts[24], nonce[2 * 18 + 1], sig[2 * crypto_auth_hmacsha256_BYTES + 1];
	unsigned char raw[18];
	memset(a, 0, sizeof *a);
	a->retry_after = -1;
	snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
	randombytes_buf(raw, sizeof raw);
	hex(raw, sizeof raw, nonce); /* 36 of [0-9a-f]: within [A-Za-z0-9_-]{16,64} */
	if (sign(rp, method, path, ts, nonce, body, sig) != 0)
		return -1;

	char url[1024], h_key[192], h_ts[48], h_nonce[64], h_sig[96];
	snprintf(url, sizeof url, "%s%s", rp->url, path);
	snprintf(h_key, sizeof h_key, "X-Party-Key: %s", rp->key_id);
	snprintf(h_ts, sizeof h_ts, "X-Timestamp: %s", ts);
	snprintf(h_nonce, sizeof h_nonce, "X-Nonce: %s", nonce);
	snprintf(h_sig, sizeof h_sig, "X-Signature: %s", sig);
	struct curl_slist *hdrs = NULL;
	const char *list[] = {h_key, h_ts, h_nonce, h_sig, "Content-Type: application/json",
			      "Accept: application/json", "Expect:"};
	for (size_t i = 0; i < sizeof list / sizeof list[0]; i++) {
		struct curl_slist *n = curl_slist_append(hdrs, list[i]);
		if (!n) {
			curl_slist_free_all(hdrs);
			return -1;
		}
		hdrs = n;
	}
	CURL *c = curl_easy_init();
	if (!c) {
		curl_slist_free_all(hdrs);
		return -1;
	}
	struct grow g = {0};
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &g);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, a);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	CURLcode cc = curl_easy_perform(c);
	if (cc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &a->status);
	else
		fprintf(stderr, "rp: %s %s: %s\n", method, path, curl_easy_strerror(cc));
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	a->body = g.p ? g.p : calloc(1, 1);
	a->len = g.len;
	if (a->len)
		a->json = json_loadb(a->body, a->len, 0, NULL);
	return a->body ? 0 : -1;
}

/* A signed call with the retries an integrator should make: only for "try
 * again" answers (no answer at all, 503, 429 with a short Retry-After), each
 * attempt signed anew, with a growing pause. Every other answer is final and
 * returned as it is: retrying a 4xx only repeats it. */
static int call(const struct rp *rp, const char *method, const char *path, json_t *body_json,
		struct answer *a)
{
	char *body = json_dumps(body_json, JSON_COMPACT);
	if (!body)
		return -1;
	int rc = -1;
	for (int i = 1; i <= MAX_ATTEMPTS; i++) {
		if (attempt(rp, method, path, body, a) != 0)
			break;
		rc = 0;
		long wait;
		if (a->status == 0 || a->status == 503)
			wait = a->retry_after >= 0 ? a->retry_after : (1L << (i - 1)); /* 1, 2, 4 s */
		else if (a->status == 429 && a->retry_after >= 0 && a->retry_after <= MAX_RETRY_WAIT_S)
			wait = a->retry_after;
		else
			break;
		if (i == MAX_ATTEMPTS)
			break;
		fprintf(stderr, "rp: %s %s answered %ld%s%s; trying again in %ld s\n", method, path,
			a->status, a->status ? " " : "", error_code(a), wait);
		answer_free(a);
		sleep((unsigned)(wait > 0 ? wait : 1));
	}
	free(body);
	return rc;
}

/* What an answer that is not a success means for the integrator, and which
 * exit status this tool gives it. The codes are the API's stable codes
 * (docs/openapi.yaml, x-error-codes); the message is for people. */
static int explain(const char *step, const struct answer *a)
{
	const char *code = error_code(a);
	fprintf(stderr, "rp: %s: %ld %s: %s (request %s)\n", step, a->status, code,
		error_message(a), a->request_id[0] ? a->request_id : "-");
	if (a->status == 0 || a->status == 503 || a->status == 429 || a->status >= 500) {
		fprintf(stderr, "rp: the service is unavailable or busy: try again later\n");
		return EXIT_UNAVAILABLE;
	}
	if (a->status == 401) {
		if (!strcmp(code, "PARTY_TIMESTAMP"))
			fprintf(stderr, "rp: this machine's clock is off by more than 300 s: fix NTP\n");
		else if (!strcmp(code, "PARTY_KEY_UNKNOWN"))
			fprintf(stderr, "rp: the key id is unknown or expired after a rotation\n");
		else if (!strcmp(code, "PARTY_SIGNATURE"))
			fprintf(stderr, "rp: wrong secret, or the signed path/body differ from those sent\n");
		return EXIT_CONFIG;
	}
	if (!strcmp(code, "PARTY_SUSPENDED")) {
		fprintf(stderr, "rp: this party is suspended: contact the registry\n");
		return EXIT_CONFIG;
	}
	if (a->status == 410)
		fprintf(stderr, "rp: the consent expired or was used up: ask for a new one\n");
	else if (!strcmp(code, "VERIFICATION_LOCKED"))
		fprintf(stderr, "rp: the citizen has locked this kind of verification\n");
	else if (!strcmp(code, "TYPE_NOT_ALLOWED") || !strcmp(code, "ATTRIBUTE_NOT_ALLOWED"))
		fprintf(stderr, "rp: outside this party's policy: nothing was released\n");
	return EXIT_REFUSED;
}

/* Step 1: consent. The answer is 202 whatever the number (the API does not
 * tell who is registered); its notice is what to tell a citizen who got no
 * SMS. */
static int request_consent(const struct rp *rp, const char *id_number, const char *purpose,
			   char consent_id[64])
{
	struct answer a;
	json_t *b = json_pack("{s:s, s:s}", "id_number", id_number, "purpose", purpose);
	int rc = b ? call(rp, "POST", "/api/v1/consents", b, &a) : -1;
	json_decref(b);
	if (rc != 0)
		return EXIT_UNAVAILABLE;
	const char *id = json_string_value(json_object_get(a.json, "consent_id"));
	if (a.status != 202 || !id) {
		rc = explain("consent", &a);
		answer_free(&a);
		return rc;
	}
	snprintf(consent_id, 64, "%s", id);
	printf("consent %s\n", consent_id);
	const char *notice = json_string_value(json_object_get(a.json, "notice"));
	fprintf(stderr, "rp: %s\n", notice ? notice : "a passcode was sent if registered");
	fflush(stdout);
	answer_free(&a);
	return EXIT_DONE;
}

/* The passcode the citizen reads out: here, a line on standard input. */
static int read_passcode(const char *consent_id, char code[16])
{
	fprintf(stderr, "rp: passcode for %s: ", consent_id);
	if (!fgets(code, 16, stdin))
		return -1;
	code[strcspn(code, "\r\n")] = '\0';
	return 0;
}

/* Step 2: verify with the passcode; a wrong passcode may be typed again
 * (the server counts tries and says how many are left). */
static int verify(const struct rp *rp, const char *consent_id, json_t *fields,
		  struct answer *out)
{
	for (int t = 1; t <= PASSCODE_TRIES; t++) {
		char code[16];
		if (read_passcode(consent_id, code) != 0) {
			fprintf(stderr, "rp: no passcode given\n");
			return EXIT_REFUSED;
		}
		json_t *b = json_deep_copy(fields);
		if (!b || json_object_set_new(b, "consent_id", json_string(consent_id)) ||
		    json_object_set_new(b, "passcode", json_string(code))) {
			json_decref(b);
			return EXIT_UNAVAILABLE;
		}
		int rc = call(rp, "POST", "/api/v1/verifications", b, out);
		json_decref(b);
		if (rc != 0)
			return EXIT_UNAVAILABLE;
		if (out->status == 200)
			return EXIT_DONE;
		if (out->status == 422 && !strcmp(error_code(out), "PASSCODE_INVALID") &&
		    t < PASSCODE_TRIES) {
			fprintf(stderr, "rp: %s; ask the citizen again\n", error_message(out));
			answer_free(out);
			continue;
		}
		rc = explain("verification", out);
		answer_free(out);
		return rc;
	}
	return EXIT_REFUSED;
}

static const char *arg_value(int argc, char **argv, const char *name)
{
	for (int i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], name))
			return argv[i + 1];
	return NULL;
}

static int config(struct rp *rp)
{
	const char *url = getenv("SHANAKHT_URL"), *key = getenv("SHANAKHT_KEY_ID");
	const char *secret = getenv("SHANAKHT_SECRET");
	snprintf(rp->url, sizeof rp->url, "%s", url && *url ? url : "http://127.0.0.1:8080");
	if (!key || !*key || strlen(key) >= sizeof rp->key_id || !secret ||
	    strlen(secret) != SECRET_HEX) {
		fprintf(stderr, "rp: set SHANAKHT_KEY_ID and SHANAKHT_SECRET (64 hex characters) "
				"as issued by POST /api/v1/parties\n");
		return -1;
	}
	snprintf(rp->key_id, sizeof rp->key_id, "%s", key);
	snprintf(rp->secret, sizeof rp->secret, "%s", secret);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: %s ID_NUMBER [--name N] [--father-name F] [--dob YYYY-MM-DD]\n",
			argv[0]);
		return EXIT_USAGE;
	}
	struct rp rp;
	if (config(&rp) != 0)
		return EXIT_CONFIG;
	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return EXIT_UNAVAILABLE;
	const char *name = arg_value(argc, argv, "--name");
	const char *father = arg_value(argc, argv, "--father-name");
	const char *dob = arg_value(argc, argv, "--dob");
	char consent_id[64];
	struct answer a = {0};
	json_t *fields = NULL;

	/* yes/no: does what the customer claimed match the record? */
	int rc = request_consent(&rp, argv[1], "account opening", consent_id);
	if (rc != EXIT_DONE)
		goto out;
	fields = json_pack("{s:s}", "type", "yesno");
	if (name)
		json_object_set_new(fields, "name", json_string(name));
	if (father)
		json_object_set_new(fields, "father_name", json_string(father));
	if (dob)
		json_object_set_new(fields, "dob", json_string(dob));
	rc = verify(&rp, consent_id, fields, &a);
	if (rc != EXIT_DONE)
		goto out;
	printf("yesno %s %s\n", json_string_value(json_object_get(a.json, "result")),
	       json_string_value(json_object_get(a.json, "reason")));
	fflush(stdout);
	answer_free(&a);
	json_decref(fields);

	/* KYC: a passcode is single use, so a second consent. */
	rc = request_consent(&rp, argv[1], "know your customer", consent_id);
	if (rc != EXIT_DONE)
		goto out_nofields;
	fields = json_pack("{s:s, s:[s, s]}", "type", "kyc", "attributes", "name_en", "dob");
	rc = verify(&rp, consent_id, fields, &a);
	if (rc != EXIT_DONE)
		goto out;
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(a.json, "attributes"), k, v) {
		if (json_is_string(v))
			printf("kyc %s=%s\n", k, json_string_value(v));
	}
	answer_free(&a);
out:
	json_decref(fields);
out_nofields:
	curl_global_cleanup();
	sodium_memzero(rp.secret, sizeof rp.secret);
	return rc;
}
