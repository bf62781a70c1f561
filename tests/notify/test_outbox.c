/* test_outbox.c — the SMS outbox: transactional enqueue, retries with
 * backoff through an outage, expiry, the file gateway's labelled log, and
 * the sender thread. */
#include <criterion/criterion.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/parse.h"
#include "notify/sms.h"
#include "store/store.h"
#include "testdb.h"

static char *url;
static store *db;

static void setup(void)
{
	struct sh_err err = {0};
	url = testdb_url();
	cr_assert(url);
	cr_assert_eq(store_open(url, 4, &db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(notify_migrate(db, &err), SH_OK, "%s", err.msg);
}
static void teardown(void)
{
	store_close(db);
	testdb_drop(url);
}
TestSuite(outbox, .init = setup, .fini = teardown);

/* A gateway that fails while `down` is set and counts what it sent. */
struct flaky {
	struct sms_gateway base;
	int down, sent;
	char last_to[32], last_text[256];
};
static int flaky_send(struct sms_gateway *gw, const char *to, const char *text,
		      struct sh_err *err)
{
	struct flaky *f = (struct flaky *)gw;
	if (f->down)
		return sh_err_set(err, SH_EIO, "SMS_GATEWAY_DOWN", "connection refused");
	f->sent++;
	snprintf(f->last_to, sizeof f->last_to, "%s", to);
	snprintf(f->last_text, sizeof f->last_text, "%s", text);
	return SH_OK;
}
static void flaky_free(struct sms_gateway *gw)
{
	(void)gw;
}

static void enqueue(const char *to, const char *text, int64_t expires, int commit)
{
	struct sh_err err = {0};
	store_tx *tx = NULL;
	int64_t id = 0;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(sms_enqueue(tx, to, text, "test", expires, &id, &err), SH_OK, "%s", err.msg);
	cr_assert(id > 0);
	if (commit)
		cr_assert_eq(store_commit(tx, &err), SH_OK);
	else
		store_rollback(tx);
}

Test(outbox, enqueue_is_part_of_the_callers_transaction)
{
	struct sms_outbox_counts c;
	struct sh_err err = {0};
	enqueue("+923001234567", "rolled back", 0, 0);
	cr_assert_eq(sms_outbox_counts(db, &c, &err), SH_OK);
	cr_assert_eq(c.pending, 0);
	enqueue("+923001234567", "kept", 0, 1);
	cr_assert_eq(sms_outbox_counts(db, &c, &err), SH_OK);
	cr_assert_eq(c.pending, 1);
}

Test(outbox, an_outage_loses_nothing_and_retries_with_backoff)
{
	struct flaky gw = {.base = {.name = "flaky", .send = flaky_send, .free = flaky_free},
			   .down = 1};
	struct sms_outbox_counts c;
	struct sh_err err = {0};
	int64_t now = sh_now();
	enqueue("+923001234567", "Passcode 111111", 0, 1);
	cr_assert_eq(sms_outbox_pump(db, &gw.base, now, &err), 0);
	cr_assert_eq(sms_outbox_counts(db, &c, &err), SH_OK);
	cr_assert_eq(c.pending, 1, "a failed send must stay pending");
	/* Not due again before the backoff (2 s after the first failure). */
	gw.down = 0;
	cr_assert_eq(sms_outbox_pump(db, &gw.base, now + 1, &err), 0);
	cr_assert_eq(gw.sent, 0);
	/* A second failure doubles the wait. */
	gw.down = 1;
	cr_assert_eq(sms_outbox_pump(db, &gw.base, now + 2, &err), 0);
	gw.down = 0;
	cr_assert_eq(sms_outbox_pump(db, &gw.base, now + 5, &err), 0);
	cr_assert_eq(sms_outbox_pump(db, &gw.base, now + 6, &err), 1);
	cr_assert_eq(gw.sent, 1);
	cr_assert_str_eq(gw.last_to, "+923001234567");
	cr_assert_str_eq(gw.last_text, "Passcode 111111");
	cr_assert_eq(sms_outbox_counts(db, &c, &err), SH_OK);
	cr_assert_eq(c.pending, 0);
	cr_assert_eq(c.sent, 1);
	/* Sent once only. */
	cr_assert_eq(sms_outbox_pump(db, &gw.base, now + 1000, &err), 0);
	cr_assert_eq(gw.sent, 1);
}

Test(outbox, expired_messages_are_not_sent_late)
{
	struct flaky gw = {.base = {.name = "flaky", .send = flaky_send, .free = flaky_free}};
	struct sms_outbox_counts c;
	struct sh_err err = {0};
	int64_t now = sh_now();
	enqueue("+923001234567", "Passcode 222222", now + 300, 1);
	cr_assert_eq(sms_outbox_pump(db, &gw.base, now + 301, &err), 0);
	cr_assert_eq(gw.sent, 0);
	cr_assert_eq(sms_outbox_counts(db, &c, &err), SH_OK);
	cr_assert_eq(c.expired, 1);
	cr_assert_eq(c.pending, 0);
}

Test(outbox, bad_input)
{
	struct sh_err err = {0};
	store_tx *tx = NULL;
	cr_assert_eq(store_begin(db, STORE_WRITE, &tx, &err), SH_OK);
	cr_assert_eq(sms_enqueue(tx, "", "x", "t", 0, NULL, &err), SH_EINVAL);
	cr_assert_eq(sms_enqueue(tx, "+923001234567", "", "t", 0, NULL, &err), SH_EINVAL);
	store_rollback(tx);
}

Test(outbox, file_gateway_labels_lines_as_not_delivered_and_the_sender_runs)
{
	char dir[] = "/tmp/shanakht-outbox-XXXXXX";
	cr_assert(mkdtemp(dir));
	struct sms_gateway *gw = NULL;
	struct sms_sender *sender = NULL;
	struct sh_err err = {0};
	cr_assert_eq(sms_gateway_open(NULL, dir, &gw, &err), SH_OK, "%s", err.msg);
	cr_assert_str_eq(gw->name, "file");
	cr_assert_eq(sms_sender_start(db, gw, 20, &sender, &err), SH_OK);
	enqueue("+923001234567", "Shanakht: Passcode 333333\nشناخت: پاس کوڈ 333333", 0, 1);
	sms_sender_wake(sender);
	struct sms_outbox_counts c = {0};
	for (int i = 0; i < 500 && c.sent < 1; i++) {
		usleep(10000);
		cr_assert_eq(sms_outbox_counts(db, &c, &err), SH_OK);
	}
	sms_sender_stop(sender);
	cr_assert_eq(c.sent, 1);
	char path[300], line[4096];
	snprintf(path, sizeof path, "%s/sms-outbox.log", dir);
	FILE *fp = fopen(path, "r");
	cr_assert(fp, "no %s", path);
	cr_assert(fgets(line, sizeof line, fp));
	fclose(fp);
	json_error_t je;
	json_t *o = json_loads(line, 0, &je);
	cr_assert(o, "not JSON: %s", line);
	cr_assert_str_eq(json_string_value(json_object_get(o, "to")), "+923001234567");
	cr_assert(strstr(json_string_value(json_object_get(o, "text")), "پاس کوڈ 333333"));
	cr_assert(json_is_false(json_object_get(o, "delivered")));
	cr_assert(json_string_value(json_object_get(o, "at")));
	json_decref(o);
	unlink(path);
	rmdir(dir);
	cr_assert_eq(sms_gateway_open("carrier-pigeon", dir, &gw, &err), SH_EINVAL);
}

/* Issue 13 item 2: the text (a passcode) is kept only until delivery; the
 * transaction that marks a row sent or expired redacts it. */
Test(outbox, texts_are_redacted_when_sent_or_expired)
{
	struct sh_err err = {0};
	struct flaky gw = {.base = {.name = "flaky", .send = flaky_send, .free = flaky_free}};
	int64_t now = sh_now();
	enqueue("+923001234567", "Passcode 424242", now + 300, 1);
	enqueue("+923001234568", "Passcode 525252", now - 1, 1); /* already past use */
	gw.down = 1;
	cr_assert_eq(sms_outbox_pump(db, &gw.base, now, &err), 0);
	store_tx *tx = NULL;
	store_stmt *st = NULL;
	/* A retry keeps what the next attempt needs. */
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &err), SH_OK);
	cr_assert_eq(store_query(tx, &st, &err, "SELECT state, text FROM sms_outbox ORDER BY id", ""),
		     SH_OK);
	cr_assert_eq(store_step(st, &err), STORE_ROW);
	cr_assert_str_eq(store_col_text(st, 0), "pending");
	cr_assert_str_eq(store_col_text(st, 1), "Passcode 424242");
	cr_assert_eq(store_step(st, &err), STORE_ROW);
	cr_assert_str_eq(store_col_text(st, 0), "expired");
	cr_assert_str_eq(store_col_text(st, 1), SMS_REDACTED);
	store_finalize(st);
	store_rollback(tx);
	gw.down = 0;
	cr_assert_eq(sms_outbox_pump(db, &gw.base, now + 60, &err), 1);
	cr_assert_str_eq(gw.last_text, "Passcode 424242", "the handset got the text");
	cr_assert_eq(store_begin(db, STORE_READ, &tx, &err), SH_OK);
	cr_assert_eq(store_query(tx, &st, &err,
				 "SELECT COUNT(*) FROM sms_outbox WHERE text LIKE '%4242%'"
				 " OR text LIKE '%5252%'",
				 ""),
		     SH_OK);
	cr_assert_eq(store_step(st, &err), STORE_ROW);
	cr_assert_eq(store_col_int(st, 0), 0, "a delivered passcode is still in the store");
	store_finalize(st);
	store_rollback(tx);
}

/* The demonstration log holds passcodes: 0600 whatever the umask, and
 * every line says it is for demonstrations only. */
Test(outbox, file_gateway_log_is_private_and_says_demo_only)
{
	struct sh_err err = {0};
	char dir[] = "/tmp/shanakht-smslog-XXXXXX", path[128], line[2048];
	cr_assert(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/sms-outbox.log", dir);
	struct sms_gateway *gw = NULL;
	mode_t old = umask(0);
	cr_assert_eq(sms_gateway_file(path, &gw, &err), SH_OK);
	cr_assert_eq(gw->send(gw, "+923001234567", "Passcode 111111", &err), SH_OK, "%s", err.msg);
	umask(old);
	sms_gateway_free(gw);
	struct stat stt;
	cr_assert_eq(stat(path, &stt), 0);
	cr_assert_eq(stt.st_mode & 0777, 0600, "log is %o", stt.st_mode & 0777);
	FILE *fp = fopen(path, "r");
	cr_assert(fp);
	cr_assert(fgets(line, sizeof line, fp));
	fclose(fp);
	cr_assert(strstr(line, "DEMO ONLY"), "%s", line);
	unlink(path);
	rmdir(dir);
}
