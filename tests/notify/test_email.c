/* test_email.c — the e-mail outbox against a real SMTP server (the
 * aiosmtpd sink, tests/support/smtp_sink.py): delivery, UTF-8 bodies, the
 * body redacted after delivery, retries while the server is down, refusal
 * of header injection. */
#include <criterion/criterion.h>

#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/parse.h"
#include "notify/email.h"
#include "notify/sms.h"
#include "store/store.h"
#include "testdb.h"

static char *url;
static store *db;
static char dir[64];
static pid_t sink = -1;
static unsigned port;

static unsigned free_port(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t n = sizeof a;
	cr_assert(bind(s, (struct sockaddr *)&a, sizeof a) == 0);
	cr_assert(getsockname(s, (struct sockaddr *)&a, &n) == 0);
	close(s);
	return ntohs(a.sin_port);
}

static void sink_start(void)
{
	char src[512], ready[128];
	snprintf(src, sizeof src, "%s/tests/support/smtp_sink.py", getenv("SHANAKHT_SOURCE_DIR"));
	char ps[16];
	snprintf(ps, sizeof ps, "%u", port);
	sink = fork();
	cr_assert(sink >= 0);
	if (sink == 0) {
		execl("/usr/bin/python3", "python3", src, ps, dir, (char *)NULL);
		_exit(127);
	}
	snprintf(ready, sizeof ready, "%s/ready", dir);
	for (int i = 0; i < 200 && access(ready, F_OK) != 0; i++)
		usleep(50000);
	cr_assert(access(ready, F_OK) == 0, "SMTP sink did not start (python3-aiosmtpd?)");
}

static void setup(void)
{
	struct sh_err err = {0};
	url = testdb_url();
	cr_assert(url);
	cr_assert_eq(store_open(url, 4, &db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(notify_migrate(db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(email_migrate(db, &err), SH_OK, "%s", err.msg);
	snprintf(dir, sizeof dir, "/tmp/shanakht-smtp-XXXXXX");
	cr_assert(mkdtemp(dir));
	port = free_port();
}

static void teardown(void)
{
	if (sink > 0) {
		kill(sink, SIGTERM);
		waitpid(sink, NULL, 0);
	}
	store_close(db);
	testdb_drop(url);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		cr_log_warn("could not remove %s", dir);
}

TestSuite(email, .init = setup, .fini = teardown, .timeout = 60);

static void enqueue(const char *to, const char *subject, const char *body)
{
	struct sh_err err = {0};
	store_tx *tx = NULL;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(email_enqueue(tx, to, subject, body, "test", 0, &err), SH_OK, "%s", err.code);
	cr_assert_eq(store_commit(tx, &err), SH_OK);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *b = calloc(1, 65536);
	size_t n = fread(b, 1, 65535, f);
	b[n] = '\0';
	fclose(f);
	return b;
}

Test(email, delivered_through_smtp_after_an_outage)
{
	struct sh_err err = {0};
	struct email_smtp cfg = {.timeout_s = 5};
	snprintf(cfg.url, sizeof cfg.url, "smtp://127.0.0.1:%u", port);
	snprintf(cfg.from, sizeof cfg.from, "no-reply@shanakht.test");
	enqueue("ayesha@example.pk", "Shanakht verification code",
		"Dear ayesha,\nyour code is 123456.\nمحترم، آپ کا کوڈ 123456 ہے۔\n");
	/* Server down: nothing lost, a retry is scheduled. */
	int64_t now = sh_now();
	cr_assert_eq(email_outbox_pump(db, &cfg, now, &err), 0);
	struct email_outbox_counts c;
	cr_assert_eq(email_outbox_counts(db, &c, &err), SH_OK);
	cr_assert_eq(c.pending, 1);
	/* Not due before its backoff. */
	sink_start();
	cr_assert_eq(email_outbox_pump(db, &cfg, now + 1, &err), 0);
	cr_assert_eq(email_outbox_pump(db, &cfg, now + 3, &err), 1, "%s", err.msg);
	cr_assert_eq(email_outbox_counts(db, &c, &err), SH_OK);
	cr_assert_eq(c.sent, 1);
	cr_assert_eq(c.pending, 0);
	char p[128];
	snprintf(p, sizeof p, "%s/1.eml", dir);
	char *m = slurp(p);
	cr_assert(m, "no message arrived");
	cr_assert(strstr(m, "Subject: Shanakht verification code"));
	cr_assert(strstr(m, "your code is 123456."));
	cr_assert(strstr(m, "آپ کا کوڈ"), "UTF-8 body kept");
	free(m);
	snprintf(p, sizeof p, "%s/1.rcpt", dir);
	m = slurp(p);
	cr_assert(m && strstr(m, "ayesha@example.pk"));
	free(m);
	/* The delivered body is gone from the database. */
	store_tx *tx = NULL;
	store_stmt *st = NULL;
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &err), SH_OK);
	cr_assert_eq(store_query(tx, &st, &err, "SELECT body, attempts FROM email_outbox", ""),
		     SH_OK);
	cr_assert_eq(store_step(st, &err), STORE_ROW);
	cr_assert_str_eq(store_col_text(st, 0), SMS_REDACTED);
	cr_assert_eq(store_col_int(st, 1), 2);
	store_finalize(st);
	store_rollback(tx);
	/* Nothing more to send. */
	cr_assert_eq(email_outbox_pump(db, &cfg, now + 400, &err), 0);
}

Test(email, refuses_bad_addresses_and_header_injection)
{
	struct sh_err err = {0};
	store_tx *tx = NULL;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(email_enqueue(tx, "a@b.pk\r\nBcc: x@y.pk", "s", "b", "t", 0, &err), SH_EINVAL);
	cr_assert_eq(email_enqueue(tx, "nobody", "s", "b", "t", 0, &err), SH_EINVAL);
	cr_assert_eq(email_enqueue(tx, "a@b.pk", "s\r\nBcc: x@y.pk", "b", "t", 0, &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "EMAIL_BAD_TEXT");
	store_rollback(tx);
	cr_assert(email_addr_valid("first.last@sub.example.pk"));
	cr_assert_not(email_addr_valid("a@b"));
	cr_assert_not(email_addr_valid("a b@c.pk"));
}
