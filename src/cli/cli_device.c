/* cli_device.c — `shanakht device keygen|register|sign`: a software capture
 * device for demos and tests (docs/biometrics.md, "Software device").
 *
 *   device keygen --out FILE            Ed25519 key pair; the secret key (hex)
 *                                       into FILE (0600), the public key printed
 *   device register DEVICE_ID --public-key HEX --council CODE [--make M]
 *          [--model M] [--serial S] [--modality fingerprint] [--approved-on D]
 *          [--db URL]                   into the store directly, as `user add`
 *   device sign --key FILE --device-id ID --operator NAME --id-number N
 *          [--liveness X] [--time UNIX] [--nonce HEX] [--missing POS:REASON]
 *          POS=IMAGE...                 prints the enrolment request body (JSON)
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/app.h"
#include "biometrics/bio.h"
#include "cli/cli.h"
#include "lib/parse.h"

/* --name value pairs into a small table; positional arguments kept apart. */
struct kv {
	const char *name, *value;
};
#define KV_MAX 24

static int parse_kv(int argc, char **argv, struct kv *kv, int *nkv, const char **pos, int *npos)
{
	*nkv = *npos = 0;
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--", 2)) {
			if (i + 1 >= argc || *nkv >= KV_MAX) {
				fprintf(stderr, "shanakht device: %s needs a value\n", argv[i]);
				return -1;
			}
			kv[*nkv].name = argv[i] + 2;
			kv[(*nkv)++].value = argv[++i];
		} else if (*npos < KV_MAX) {
			pos[(*npos)++] = argv[i];
		} else {
			return -1;
		}
	}
	return 0;
}

static const char *opt(const struct kv *kv, int n, const char *name, const char *dflt)
{
	for (int i = n - 1; i >= 0; i--)
		if (!strcmp(kv[i].name, name))
			return kv[i].value;
	return dflt;
}

static int read_file(const char *path, size_t cap, unsigned char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	unsigned char *b = malloc(cap + 1);
	size_t n = b ? fread(b, 1, cap + 1, f) : 0;
	int bad = !b || ferror(f);
	fclose(f);
	if (bad) {
		free(b);
		return -1;
	}
	*out = b;
	*len = n; /* n == cap + 1: over the cap, the server says so */
	return 0;
}

static int device_keygen(int nkv, const struct kv *kv)
{
	const char *out = opt(kv, nkv, "out", NULL);
	if (!out) {
		fprintf(stderr, "usage: shanakht device keygen --out FILE\n");
		return 2;
	}
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	char skh[2 * sizeof sk + 2], pkh[2 * sizeof pk + 1];
	crypto_sign_keypair(pk, sk);
	sodium_bin2hex(skh, sizeof skh, sk, sizeof sk);
	sodium_bin2hex(pkh, sizeof pkh, pk, sizeof pk);
	sodium_memzero(sk, sizeof sk);
	int fd = open(out, O_WRONLY | O_CREAT | O_EXCL, 0600);
	size_t l = strlen(skh);
	skh[l] = '\n';
	int ok = fd >= 0 && write(fd, skh, l + 1) == (ssize_t)(l + 1);
	if (fd >= 0)
		close(fd);
	sodium_memzero(skh, sizeof skh);
	if (!ok) {
		fprintf(stderr, "shanakht device keygen: cannot write %s: %s\n", out, strerror(errno));
		return 1;
	}
	printf("public_key %s\n", pkh);
	return 0;
}

static int device_register(int nkv, const struct kv *kv, int npos, const char **pos)
{
	struct bio_device d;
	struct sh_err err = {0};
	store *db = NULL;
	store_tx *tx = NULL;
	memset(&d, 0, sizeof d);
	const char *pk = opt(kv, nkv, "public-key", NULL);
	size_t pkl = 0;
	if (npos != 1 || !pk || !opt(kv, nkv, "council", NULL)) {
		fprintf(stderr, "usage: shanakht device register DEVICE_ID --public-key HEX --council "
				"CODE [--make M --model M --serial S --modality fingerprint "
				"--approved-on YYYY-MM-DD --db URL]\n");
		return 2;
	}
	if (sodium_hex2bin(d.public_key, sizeof d.public_key, pk, strlen(pk), NULL, &pkl, NULL) ||
	    pkl != sizeof d.public_key) {
		fprintf(stderr, "shanakht device register: --public-key is 64 hex digits\n");
		return 2;
	}
	char today[11];
	sh_date_format(sh_date_today(), today, sizeof today);
	snprintf(d.device_id, sizeof d.device_id, "%s", pos[0]);
	snprintf(d.make, sizeof d.make, "%s", opt(kv, nkv, "make", "Shanakht"));
	snprintf(d.model, sizeof d.model, "%s", opt(kv, nkv, "model", "software device"));
	snprintf(d.serial, sizeof d.serial, "%s", opt(kv, nkv, "serial", pos[0]));
	snprintf(d.modality, sizeof d.modality, "%s", opt(kv, nkv, "modality", "fingerprint"));
	snprintf(d.approved_on, sizeof d.approved_on, "%s", opt(kv, nkv, "approved-on", today));
	snprintf(d.council_code, sizeof d.council_code, "%s", opt(kv, nkv, "council", ""));
	struct audit_actor actor = {.kind = "system", .name = "shanakht device register"};
	int rc = store_open(opt(kv, nkv, "db", "sqlite:var/shanakht.db"), 1, &db, &err);
	if (rc == SH_OK)
		rc = app_migrate(db, &err);
	if (rc == SH_OK)
		rc = store_begin(db, STORE_WRITE, &tx, &err);
	if (rc == SH_OK && (rc = bio_device_register(tx, &actor, &d, &err)) != SH_OK)
		store_rollback(tx);
	else if (rc == SH_OK)
		rc = store_commit(tx, &err);
	if (db)
		store_close(db);
	if (rc != SH_OK) {
		fprintf(stderr, "shanakht device register: %s\n", err.msg);
		return 1;
	}
	printf("registered device %s (%s, %s)\n", d.device_id, d.modality, d.council_code);
	return 0;
}

static int device_sign(int nkv, const struct kv *kv, int npos, const char **pos)
{
	const char *keyf = opt(kv, nkv, "key", NULL), *dev = opt(kv, nkv, "device-id", NULL);
	const char *op = opt(kv, nkv, "operator", NULL), *idn = opt(kv, nkv, "id-number", NULL);
	int status = 1;
	unsigned char *keyhex = NULL, sk[crypto_sign_SECRETKEYBYTES];
	size_t khl = 0, skl = 0;
	json_t *items = json_array(), *images = json_array(), *missing = json_array();
	json_t *env = NULL, *body = NULL;
	char *envtext = NULL, *out = NULL;
	if (!keyf || !dev || !op || !idn || npos < 1) {
		fprintf(stderr, "usage: shanakht device sign --key FILE --device-id ID --operator NAME "
				"--id-number N [--liveness X] [--time UNIX] [--nonce HEX] "
				"[--missing POS:REASON] POS=IMAGE...\n");
		return 2;
	}
	if (read_file(keyf, 256, &keyhex, &khl) != 0 ||
	    sodium_hex2bin(sk, sizeof sk, (const char *)keyhex, khl, "\n", &skl, NULL) != 0 ||
	    skl != sizeof sk) {
		fprintf(stderr, "shanakht device sign: %s is not a device key\n", keyf);
		goto out;
	}
	for (int i = 0; i < npos; i++) {
		char *eq = strchr(pos[i], '=');
		int64_t p;
		char num[4] = "";
		if (eq && eq - pos[i] < 3)
			snprintf(num, sizeof num, "%.*s", (int)(eq - pos[i]), pos[i]);
		if (!eq || sh_parse_i64(num, 0, 99, &p) != 0) {
			fprintf(stderr, "shanakht device sign: '%s' is not POS=IMAGE\n", pos[i]);
			goto out;
		}
		unsigned char *img = NULL, h[32];
		size_t len = 0;
		if (read_file(eq + 1, BIO_IMAGE_MAX + 1, &img, &len) != 0) {
			fprintf(stderr, "shanakht device sign: cannot read %s\n", eq + 1);
			goto out;
		}
		crypto_hash_sha256(h, img, len);
		char hh[65];
		sodium_bin2hex(hh, sizeof hh, h, sizeof h);
		size_t b64l = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
		char *b64 = malloc(b64l);
		if (!b64) {
			free(img);
			goto out;
		}
		sodium_bin2base64(b64, b64l, img, len, sodium_base64_VARIANT_ORIGINAL);
		json_array_append_new(items, json_pack("{s:I, s:s}", "position", (json_int_t)p,
						       "sha256", hh));
		json_array_append_new(images, json_pack("{s:I, s:s}", "position", (json_int_t)p,
							"data", b64));
		free(b64);
		free(img);
	}
	for (int i = 0; i < nkv; i++)
		if (!strcmp(kv[i].name, "missing")) {
			const char *c = strchr(kv[i].value, ':');
			int64_t p;
			char num[4] = "";
			if (c && c - kv[i].value < 3)
				snprintf(num, sizeof num, "%.*s", (int)(c - kv[i].value), kv[i].value);
			if (!c || sh_parse_i64(num, 0, 99, &p) != 0) {
				fprintf(stderr, "shanakht device sign: --missing is POS:REASON\n");
				goto out;
			}
			json_array_append_new(missing, json_pack("{s:I, s:s}", "position",
								 (json_int_t)p, "reason", c + 1));
		}
	unsigned char nb[16];
	char nonce[33];
	randombytes_buf(nb, sizeof nb);
	sodium_bin2hex(nonce, sizeof nonce, nb, sizeof nb);
	int64_t t = time(NULL);
	double liveness = 0.99;
	const char *ts = opt(kv, nkv, "time", NULL), *lv = opt(kv, nkv, "liveness", NULL);
	if ((ts && sh_parse_i64(ts, 0, INT64_MAX, &t) != 0) ||
	    (lv && (liveness = strtod(lv, NULL)) < 0)) {
		fprintf(stderr, "shanakht device sign: bad --time or --liveness\n");
		goto out;
	}
	env = json_pack("{s:i, s:s, s:s, s:s, s:s, s:I, s:s, s:f, s:O}", "v", 1, "device_id", dev,
			"operator", op, "id_number", idn, "modality", "fingerprint", "captured_at",
			(json_int_t)t, "nonce", opt(kv, nkv, "nonce", nonce), "liveness", liveness,
			"items", items);
	envtext = env ? json_dumps(env, JSON_COMPACT) : NULL;
	if (!envtext)
		goto out;
	unsigned char sig[crypto_sign_BYTES];
	char sigh[2 * sizeof sig + 1];
	crypto_sign_detached(sig, NULL, (const unsigned char *)envtext, strlen(envtext), sk);
	sodium_bin2hex(sigh, sizeof sigh, sig, sizeof sig);
	body = json_pack("{s:s, s:s, s:O, s:O}", "envelope", envtext, "signature", sigh, "images",
			 images, "missing", missing);
	out = body ? json_dumps(body, JSON_COMPACT) : NULL;
	if (!out)
		goto out;
	printf("%s\n", out);
	status = 0;
out:
	sodium_memzero(sk, sizeof sk);
	if (keyhex) {
		sodium_memzero(keyhex, khl);
		free(keyhex);
	}
	free(envtext);
	free(out);
	json_decref(env);
	json_decref(body);
	json_decref(items);
	json_decref(images);
	json_decref(missing);
	return status;
}

int cli_device(int argc, char **argv)
{
	struct kv kv[KV_MAX];
	const char *pos[KV_MAX];
	int nkv, npos;
	if (sodium_init() < 0)
		return 1;
	if (argc < 2 || parse_kv(argc - 1, argv + 1, kv, &nkv, pos, &npos) != 0) {
		fprintf(stderr, "usage: shanakht device keygen|register|sign ...\n");
		return 2;
	}
	if (!strcmp(argv[1], "keygen"))
		return device_keygen(nkv, kv);
	if (!strcmp(argv[1], "register"))
		return device_register(nkv, kv, npos, pos);
	if (!strcmp(argv[1], "sign"))
		return device_sign(nkv, kv, npos, pos);
	fprintf(stderr, "shanakht device: unknown subcommand '%s'\n", argv[1]);
	return 2;
}
