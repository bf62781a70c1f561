/* kannel.h — a real Kannel (bearerbox + smsbox) on loopback for tests, with
 * a fake SMSC connection that the test drives as a "fake handset".
 *
 * Kannel's smsc = fake listens on a TCP port; a client connected to it
 * receives every outgoing SMS as one line "SENDER RECEIVER text MSG" (or
 * "... data URLENCODED" for non-ASCII bytes, "... udh UDH DATA" for parts
 * of a concatenated message) and sends incoming SMS the same way. The
 * harness writes a config with free high ports, starts both daemons in the
 * foreground, connects the handset, and kills the daemons at the end. */
#ifndef SH_TEST_KANNEL_H
#define SH_TEST_KANNEL_H

#include <stddef.h>
#include <sys/types.h>

struct kannel {
	pid_t bearerbox, smsbox;
	int handset_fd;
	unsigned smsc_port, box_port, admin_port, sendsms_port;
	char dir[256];
	char sendsms_url[512];   /* for sms_gateway_kannel() */
	char rbuf[65536];
	size_t rlen;
};

/* 1 when /usr/sbin/bearerbox and /usr/sbin/smsbox exist. */
int kannel_available(void);

/* Choose free ports and a directory and fill sendsms_url, without starting
 * anything (so a server can be told the gateway URL first). kannel_start()
 * calls it when it was not called. Zero-initialize *k, or call this. */
int kannel_prepare(struct kannel *k);

/* Start Kannel. post_url: where smsbox POSTs incoming SMS (sms-service
 * post-url, with %p/%P escapes), or NULL for a service that drops them.
 * Returns 0, or -1 with a message on stderr. */
int kannel_start(struct kannel *k, const char *post_url);
void kannel_stop(struct kannel *k);

/* Wait up to timeout_ms for the next complete message at the handset;
 * concatenated parts are joined and UCS-2 payloads decoded to UTF-8.
 * Returns 0 with from/to/text filled, -1 on timeout. */
int kannel_handset_recv(struct kannel *k, char *from, size_t fn, char *to, size_t tn,
			char *text, size_t textn, int timeout_ms);
/* Send an SMS from the handset ("text" type: printable ASCII only). */
int kannel_handset_send(struct kannel *k, const char *from, const char *to, const char *text);

/* A free TCP port on 127.0.0.1 (bind to 0, read, close). */
unsigned kannel_free_port(void);

#endif
