/* test_kannel.c — SMS through a real Kannel: our sendsms gateway delivers a
 * passcode text (English and Urdu, UCS-2, concatenated parts) to a fake
 * handset on Kannel's fake SMSC, and an SMS typed on the handset reaches an
 * HTTP endpoint the way /sms/inbound receives it (sms-service post-url).
 * The full round trip through the shanakht server is in
 * tests/e2e/test_consent_sms.c. Skips only when Kannel is not installed. */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kannel.h"
#include "notify/sms.h"
#include "testdb.h"

/* A one-shot HTTP listener: records the first request, answers 200 empty. */
struct catcher {
	int fd;
	unsigned port;
	char request[8192];
	pthread_t th;
};

static void *catch_main(void *arg)
{
	struct catcher *c = arg;
	struct pollfd p = {.fd = c->fd, .events = POLLIN};
	if (poll(&p, 1, 30000) <= 0)
		return NULL;
	int s = accept(c->fd, NULL, NULL);
	if (s < 0)
		return NULL;
	size_t len = 0;
	for (;;) {
		struct pollfd q = {.fd = s, .events = POLLIN};
		if (poll(&q, 1, 2000) <= 0)
			break;
		ssize_t r = read(s, c->request + len, sizeof c->request - 1 - len);
		if (r <= 0)
			break;
		len += (size_t)r;
		c->request[len] = '\0';
		char *hdr_end = strstr(c->request, "\r\n\r\n");
		char *cl = strcasestr(c->request, "Content-Length:");
		if (hdr_end && cl && len >= (size_t)(hdr_end + 4 - c->request) + strtoul(cl + 15, NULL, 10))
			break;
	}
	const char ok[] = "HTTP/1.0 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
	if (write(s, ok, sizeof ok - 1) < 0)
		cr_log_warn("catcher: write failed");
	close(s);
	return NULL;
}

static void catcher_start(struct catcher *c)
{
	memset(c, 0, sizeof *c);
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t l = sizeof a;
	cr_assert(bind(c->fd, (struct sockaddr *)&a, sizeof a) == 0);
	cr_assert(getsockname(c->fd, (struct sockaddr *)&a, &l) == 0);
	cr_assert(listen(c->fd, 4) == 0);
	c->port = ntohs(a.sin_port);
	pthread_create(&c->th, NULL, catch_main, c);
}

Test(kannel, passcode_reaches_handset_and_handset_reaches_inbound, .timeout = 90)
{
	if (!kannel_available())
		cr_skip_test("Kannel is not installed (/usr/sbin/bearerbox, /usr/sbin/smsbox): "
			     "apt-get install kannel");
	if (testdb_is_postgres())
		cr_skip_test("backend-free: runs in the @sqlite pass only");
	struct catcher c;
	catcher_start(&c);
	char post_url[256];
	snprintf(post_url, sizeof post_url,
		 "http://127.0.0.1:%u/sms/inbound?secret=s3cret&from=%%p&to=%%P", c.port);
	struct kannel k = {0};
	cr_assert_eq(kannel_start(&k, post_url), 0, "Kannel did not start");

	struct sms_gateway *gw = NULL;
	struct sh_err err = {0};
	cr_assert_eq(sms_gateway_kannel(k.sendsms_url, &gw, &err), SH_OK, "%s", err.msg);
	const char *text = "Shanakht: Meezan Bank asks to verify your identity for \"account "
			   "opening\". Passcode 482913, valid 5 min.\n"
			   "شناخت: Meezan Bank آپ کی شناخت کی تصدیق چاہتا ہے۔ پاس کوڈ 482913";
	/* smsbox may need a moment to attach to bearerbox: retry as the
	 * outbox sender would. */
	int rc = SH_EIO;
	for (int i = 0; i < 50 && rc != SH_OK; i++) {
		rc = gw->send(gw, "+923001234567", text, &err);
		if (rc != SH_OK)
			usleep(200000);
	}
	cr_assert_eq(rc, SH_OK, "sendsms failed: %s", err.msg);

	char from[64], to[64], got[4096];
	cr_assert_eq(kannel_handset_recv(&k, from, sizeof from, to, sizeof to, got, sizeof got,
					 20000),
		     0, "no SMS arrived at the fake handset");
	cr_expect_str_eq(to, "+923001234567");
	cr_expect_str_eq(from, "8300");
	cr_expect(strstr(got, "Passcode 482913") != NULL, "English part missing: %s", got);
	cr_expect(strstr(got, "پاس کوڈ 482913") != NULL, "Urdu part missing: %s", got);

	/* The citizen texts their identity number to the short code. */
	cr_assert_eq(kannel_handset_send(&k, "+923001234567", "8300", "35202-1234567-1"), 0);
	pthread_join(c.th, NULL);
	cr_assert(c.request[0], "Kannel did not POST the incoming SMS");
	cr_expect(strncmp(c.request, "POST /sms/inbound?secret=s3cret&from=", 37) == 0,
		  "request line: %.120s", c.request);
	cr_expect(strstr(c.request, "923001234567") != NULL);
	cr_expect(strstr(c.request, "&to=8300") != NULL);
	cr_expect(strstr(c.request, "\r\n\r\n35202-1234567-1") != NULL, "body: %s", c.request);
	close(c.fd);

	/* An outage: the gateway fails fast with an I/O error (the outbox
	 * keeps the message and retries). */
	kannel_stop(&k);
	struct sh_err e2 = {0};
	cr_expect_eq(gw->send(gw, "+923001234567", "hello", &e2), SH_EIO);
	cr_expect_str_eq(e2.code, "SMS_GATEWAY_DOWN");
	sms_gateway_free(gw);
}
