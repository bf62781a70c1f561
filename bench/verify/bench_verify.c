/* bench_verify.c — prepares and serves the verification benchmark.
 *
 *   bench_verify URL DIR [--consents K] [--threads T] [--port P] [--no-sender]
 *
 * --threads T: a pool of T HTTP workers; 0 (the default, as `shanakht
 * serve`): a thread per connection.
 *
 * URL is a store already holding persons (bench/registry/gen_persons).
 * It registers a relying party, picks K living persons with a mobile,
 * pre-issues K consents (passcodes captured), and writes pre-signed request
 * lines for wrk (bench/verify/signed.lua):
 *   DIR/yesno.txt    K yes/no verifications, one per consent
 *   DIR/consent.txt  K consent requests (distinct persons, round robin)
 * Then it serves the consent, verification and citizen routes in-process
 * on 127.0.0.1:P with the same authentication calls as `shanakht serve`,
 * with the SMS sender running on the file gateway (DIR/sms-outbox.log),
 * until stdin closes or SIGINT. Prints figures, never asserts on time.
 * Signatures carry the generation time: run wrk within 5 minutes. */
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "consent/citizen_auth.h"
#include "consent/consent.h"
#include "consent/party.h"
#include "consent/party_auth.h"
#include "consent/policy.h"
#include "api/routes.h"
#include "lib/parse.h"
#include "notify/sms.h"
#include "registry/idnum.h"
#include "registry/person.h"
#include "api/app.h"
#include "ledger/ledger.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, const struct sh_err *e)
{
	fprintf(stderr, "bench_verify: %s: %s %s\n", what, e ? e->code : "", e ? e->msg : "");
	exit(1);
}

/* One signed line for wrk. */
static void sign_line(FILE *f, const struct party_key_issued *key, const char *path,
		      const char *body, unsigned seq)
{
	char ts[24], nonce[48], sig[PARTY_SIG_HEX];
	unsigned char r[8];
	randombytes_buf(r, sizeof r);
	snprintf(ts, sizeof ts, "%lld", (long long)sh_now());
	snprintf(nonce, sizeof nonce, "bench-%08u-%02x%02x%02x%02x%02x%02x", seq, r[0], r[1], r[2],
		 r[3], r[4], r[5]);
	party_signature(key->secret, "POST", path, ts, nonce, body, strlen(body), sig);
	fprintf(f, "POST\t%s\t%s\t%s\t%s\t%s\t%s\n", path, key->key_id, ts, nonce, sig, body);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Enumeration resistance, timing side: consent issuance (one transaction
 * each, as the API does it) for numbers with a mobile, registered numbers
 * without one, and unregistered numbers. Prints figures only. */
static void enum_timing(struct app *app, const struct consent_config *cfg, const struct party *p,
			const struct audit_actor *pa)
{
	const char *sql[] = {
		"SELECT id_number FROM persons WHERE mobile IS NOT NULL AND mobile <> ''"
		" AND status = 'alive' ORDER BY id DESC LIMIT 1000",
		"SELECT id_number FROM persons WHERE (mobile IS NULL OR mobile = '')"
		" AND status = 'alive' ORDER BY id DESC LIMIT 1000",
		NULL,
	};
	const char *label[] = {"registered, with mobile", "registered, no mobile",
			       "not registered"};
	for (int c = 0; c < 3; c++) {
		static char ids[1000][14];
		int n = 0;
		struct sh_err err = {0};
		store_tx *tx = NULL;
		store_stmt *st = NULL;
		if (sql[c]) {
			if (store_begin(app->db, STORE_READ, &tx, &err) ||
			    store_query(tx, &st, &err, sql[c], ""))
				die("enum select", &err);
			while (n < 1000 && store_step(st, &err) == STORE_ROW)
				snprintf(ids[n++], 14, "%s", store_col_text(st, 0));
			store_finalize(st);
			store_rollback(tx);
		} else {
			for (; n < 1000; n++)
				if (idnum_generate(ids[n], &err) != SH_OK)
					die("idnum", &err);
		}
		if (n == 0)
			continue;
		static double us[1000];
		double sum = 0;
		for (int i = 0; i < n; i++) {
			struct consent_issued ci;
			double t0 = now_s();
			struct consent_ask ask = {.kind = CONSENT_FOR_PARTY, .party_id = p->id,
						  .party_name = p->name, .id_number = ids[i],
						  .purpose = "bench timing", .now = sh_now()};
			if (store_begin(app->db, STORE_WRITE, &tx, &err) ||
			    consent_request(tx, app->keys, cfg, pa, &ask, &ci, &err) ||
			    store_commit(tx, &err))
				die("enum consent", &err);
			us[i] = (now_s() - t0) * 1e6;
			sum += us[i];
		}
		qsort(us, (size_t)n, sizeof us[0], cmp_double);
		printf("consent issuance, %-24s n=%4d  mean %7.1f us  p50 %7.1f us  p99 %7.1f us\n",
		       label[c], n, sum / n, us[n / 2], us[(n * 99) / 100]);
	}
}

/* The passcode of the SMS just queued in tx: the bench reads it from the
 * outbox before the sender delivers (and redacts) it, as a test would. */
static void outbox_passcode(store_tx *tx, char code[CONSENT_CODE_DIGITS + 1])
{
	struct sh_err err = {0};
	store_stmt *st = NULL;
	if (store_query(tx, &st, &err, "SELECT text FROM sms_outbox ORDER BY id DESC LIMIT 1", "") ||
	    store_step(st, &err) != STORE_ROW)
		die("outbox read", &err);
	const char *t = strstr(store_col_text(st, 0), "Passcode ");
	if (!t || strspn(t + 9, "0123456789") < CONSENT_CODE_DIGITS)
		die("no passcode in the queued SMS", NULL);
	memcpy(code, t + 9, CONSENT_CODE_DIGITS);
	code[CONSENT_CODE_DIGITS] = '\0';
	store_finalize(st);
}

static volatile sig_atomic_t stop;
static void on_sigint(int s)
{
	(void)s;
	stop = 1;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s URL DIR [--consents K] [--threads T] [--port P] "
				"[--no-sender]\n",
			argv[0]);
		return 2;
	}
	const char *url = argv[1], *dir = argv[2];
	int64_t k = 100000, threads = 0, port = 18080;
	int sender_on = 1;
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--no-sender")) {
			sender_on = 0;
			continue;
		}
		int64_t *dst = !strcmp(argv[i], "--consents") ? &k
			       : !strcmp(argv[i], "--threads") ? &threads
			       : !strcmp(argv[i], "--port")    ? &port
							       : NULL;
		if (!dst || i + 1 >= argc ||
		    sh_parse_i64(argv[++i], dst == &threads ? 0 : 1, 10000000, dst) != 0) {
			fprintf(stderr, "bad option %s\n", argv[i]);
			return 2;
		}
	}
	struct sh_err err = {0};
	struct app app = {0};
	unsigned char master[32];
	randombytes_buf(master, sizeof master);
	if (sodium_init() < 0 || keyring_from_master(master, &app.keys, &err) != SH_OK)
		die("keyring", &err);
	if (store_open(url, (int)(threads ? threads : 32) * 2 + 2, &app.db, &err) != SH_OK)
		die("store", &err);
	if (audit_migrate(app.db, &err) || registry_migrate(app.db, &err) ||
	    notify_migrate(app.db, &err) || consent_migrate(app.db, &err) ||
	    ledger_migrate(app.db, &err))
		die("migrate", &err);
	if (audit_writer_start(app.db, &err) != SH_OK)
		die("audit writer", &err);
	app.var_dir = dir;
	struct consent_config cfg;
	consent_config_defaults(&cfg);
	cfg.otp_ttl_seconds = 600; /* the run may take a few minutes */
	/* One party issues every consent of the run: lift its budget here and
	 * for the served routes (read from the environment once). */
	cfg.party_sms_per_window = 100000000;
	setenv("SHANAKHT_PARTY_SMS_PER_WINDOW", "100000000", 0);

	/* The party. */
	struct audit_actor admin = {.kind = "operator", .id = 1, .name = "bench"};
	struct party p = {0};
	struct party_key_issued key;
	snprintf(p.name, sizeof p.name, "Bench Bank %ld", (long)getpid());
	snprintf(p.sector, sizeof p.sector, "bank");
	p.types = VT_YESNO | VT_KYC;
	p.kyc_attrs = KA_NAME_EN | KA_DOB;
	store_tx *tx = NULL;
	if (store_begin(app.db, STORE_WRITE, &tx, &err) ||
	    party_create(tx, app.keys, &admin, &p, &key, &err) || store_commit(tx, &err))
		die("party", &err);

	struct audit_actor pa = {.kind = "party", .id = p.id, .name = key.key_id};
	enum_timing(&app, &cfg, &p, &pa);

	/* K living persons with a mobile and at most 7 consents in the last 10
	 * minutes (bench-only read of the registry's and the consents' tables):
	 * a run adds at most two per person, and a person past the passcode-
	 * flood guard (10 per 10 minutes) gets consents that can never verify,
	 * so runs in quick succession would measure refusals. */
	char(*ids)[14] = calloc((size_t)k, 14);
	char(*names)[PERSON_NAME_MAX] = calloc((size_t)k, PERSON_NAME_MAX);
	int64_t n = 0;
	store_stmt *st = NULL;
	if (store_begin(app.db, STORE_READ, &tx, &err) ||
	    store_query(tx, &st, &err,
			"SELECT id_number, name_en FROM persons p WHERE mobile IS NOT NULL AND"
			" mobile <> '' AND status = 'alive' AND (SELECT COUNT(*) FROM consents c"
			" WHERE c.id_number = p.id_number AND c.created_at > ?) <= 7 LIMIT ?",
			"ii", sh_now() - 600, k))
		die("select persons", &err);
	while (n < k && store_step(st, &err) == STORE_ROW) {
		snprintf(ids[n], 14, "%s", store_col_text(st, 0));
		snprintf(names[n], PERSON_NAME_MAX, "%s", store_col_text(st, 1));
		n++;
	}
	store_finalize(st);
	store_rollback(tx);
	if (n == 0)
		die("no persons with a mobile: load some with gen_persons first", NULL);
	printf("persons with a mobile used: %lld\n", (long long)n);

	/* Pre-issue the consents, 1000 per transaction. */
	char path[512];
	snprintf(path, sizeof path, "%s/yesno.txt", dir);
	FILE *fy = fopen(path, "w");
	snprintf(path, sizeof path, "%s/consent.txt", dir);
	FILE *fc = fopen(path, "w");
	if (!fy || !fc)
		die("cannot write request files in DIR", NULL);
	double t0 = now_s();
	for (int64_t i = 0; i < n;) {
		if (store_begin(app.db, STORE_WRITE, &tx, &err) != SH_OK)
			die("begin", &err);
		for (int j = 0; j < 1000 && i < n; j++, i++) {
			struct consent_issued c;
			char code[CONSENT_CODE_DIGITS + 1];
			struct consent_ask ask = {.kind = CONSENT_FOR_PARTY, .party_id = p.id,
						  .party_name = p.name, .id_number = ids[i],
						  .purpose = "bench account opening",
						  .now = sh_now()};
			if (consent_request(tx, app.keys, &cfg, &pa, &ask, &c, &err) != SH_OK ||
			    c.refused || !c.delivered)
				die("consent", &err);
			outbox_passcode(tx, code);
			json_t *b = json_pack("{s:s, s:s, s:s, s:s}", "consent_id", c.consent_id,
					      "passcode", code, "type", "yesno", "name",
					      names[i]);
			char *bs = json_dumps(b, JSON_COMPACT);
			sign_line(fy, &key, "/api/v1/verifications", bs, (unsigned)i);
			free(bs);
			json_decref(b);
		}
		if (store_commit(tx, &err) != SH_OK)
			die("commit", &err);
	}
	double t1 = now_s();
	printf("pre-issued %lld consents in %.1f s (%.0f/s in batches of 1000)\n", (long long)n,
	       t1 - t0, n / (t1 - t0));
	for (int64_t i = 0; i < n; i++) {
		char body[128];
		snprintf(body, sizeof body, "{\"id_number\":\"%s\",\"purpose\":\"bench SIM issuance\"}",
			 ids[(i * 7919) % n]);
		sign_line(fc, &key, "/api/v1/consents", body, (unsigned)(n + i));
	}
	fclose(fy);
	fclose(fc);
	free(ids);
	free(names);

	struct sms_sender *sender = NULL;
	if (sender_on) {
		struct sms_gateway *gw = NULL;
		if (sms_gateway_open("file", dir, &gw, &err) ||
		    sms_sender_start(app.db, gw, 0, &sender, &err))
			die("sms sender", &err);
		/* The pre-issued consents' passcodes went out when they were
		 * issued: drain them now, so that the yes/no run measures
		 * verifications, not a 100,000-message SMS backlog. */
		double d0 = now_s();
		struct sms_outbox_counts oc;
		while (sms_outbox_counts(app.db, &oc, &err) == SH_OK && oc.pending > 0 &&
		       now_s() - d0 < 600)
			usleep(200000);
		printf("sent the pre-issued consents' SMS in %.1f s (%lld still pending)\n",
		       now_s() - d0, (long long)oc.pending);
	}
	static struct http_route routes[64];
	size_t nr = 0;
	const struct http_route *tables[] = {consent_routes, verify_routes, citizen_routes};
	const size_t counts[] = {consent_routes_count, verify_routes_count, citizen_routes_count};
	for (size_t t = 0; t < 3; t++)
		for (size_t i = 0; i < counts[t]; i++)
			routes[nr++] = tables[t][i];
	char listen[32];
	snprintf(listen, sizeof listen, "127.0.0.1:%lld", (long long)port);
	struct http_config hc = {.listen = listen, .threads = (unsigned)threads};
	struct http_hooks hooks = {.authenticate = app_authenticate, .finished = app_finished};
	struct http_server *srv = NULL;
	if (http_server_start(&hc, routes, nr, &hooks, &app, &srv, &err) != SH_OK)
		die("http", &err);
	printf("ready: http://%s (%lld workers, 0: a thread per connection); wrk -t2 -c32 -d10s --latency -s "
	       "bench/verify/signed.lua http://%s -- %s/yesno.txt 2\n",
	       listen, (long long)threads, listen, dir);
	fflush(stdout);
	signal(SIGINT, on_sigint);
	signal(SIGTERM, on_sigint);
	char buf[64];
	while (!stop && fgets(buf, sizeof buf, stdin))
		;
	while (!stop && feof(stdin))
		pause();
	http_server_stop(srv);
	sms_sender_stop(sender);
	struct store_pool_stats ps;
	store_pool_stats(app.db, &ps);
	printf("write transactions %llu in %llu commits (%.2f per group commit), %llu WAL restarts\n",
	       (unsigned long long)ps.group_members, (unsigned long long)ps.group_commits,
	       ps.group_commits ? (double)ps.group_members / (double)ps.group_commits : 0.0,
	       (unsigned long long)ps.wal_restarts);
	struct sms_outbox_counts oc;
	if (sms_outbox_counts(app.db, &oc, &err) == SH_OK)
		printf("outbox: %lld pending, %lld sent, %lld expired\n", (long long)oc.pending,
		       (long long)oc.sent, (long long)oc.expired);
	audit_writer_stop();
	store_close(app.db);
	keyring_free(app.keys);
	return 0;
}
