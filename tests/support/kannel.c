/* kannel.c — Kannel on loopback with a fake-SMSC handset (see kannel.h). */
#include "kannel.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BEARERBOX "/usr/sbin/bearerbox"
#define SMSBOX "/usr/sbin/smsbox"

int kannel_available(void)
{
	return access(BEARERBOX, X_OK) == 0 && access(SMSBOX, X_OK) == 0;
}

unsigned kannel_free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	unsigned port = 0;
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static pid_t spawn(const char *bin, const char *conf, const char *log)
{
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		setpgid(0, 0);
		execl(bin, bin, "-v", "1", conf, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static int tcp_connect(unsigned port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Wait until something accepts connections on port. */
static int wait_port(unsigned port, int timeout_ms)
{
	long until = now_ms() + timeout_ms;
	while (now_ms() < until) {
		int fd = tcp_connect(port);
		if (fd >= 0) {
			close(fd);
			return 0;
		}
		usleep(50000);
	}
	return -1;
}

int kannel_prepare(struct kannel *k)
{
	memset(k, 0, sizeof *k);
	k->handset_fd = -1;
	snprintf(k->dir, sizeof k->dir, "/tmp/shanakht-kannel-XXXXXX");
	if (!mkdtemp(k->dir))
		return -1;
	k->smsc_port = kannel_free_port();
	k->box_port = kannel_free_port();
	k->admin_port = kannel_free_port();
	k->sendsms_port = kannel_free_port();
	snprintf(k->sendsms_url, sizeof k->sendsms_url,
		 "http://127.0.0.1:%u/cgi-bin/sendsms?username=shanakht&password=test-sendsms"
		 "&from=8300",
		 k->sendsms_port);
	return k->smsc_port && k->box_port && k->admin_port && k->sendsms_port ? 0 : -1;
}

int kannel_start(struct kannel *k, const char *post_url)
{
	if (!k->smsc_port && kannel_prepare(k) != 0)
		return -1;
	char conf[300], blog[300], slog[300];
	snprintf(conf, sizeof conf, "%s/kannel.conf", k->dir);
	snprintf(blog, sizeof blog, "%s/bearerbox.out", k->dir);
	snprintf(slog, sizeof slog, "%s/smsbox.out", k->dir);
	FILE *f = fopen(conf, "w");
	if (!f)
		return -1;
	fprintf(f,
		"group = core\n"
		"admin-port = %u\n"
		"admin-password = test-admin\n"
		"admin-deny-ip = \"*.*.*.*\"\n"
		"admin-allow-ip = \"127.0.0.1\"\n"
		"smsbox-port = %u\n"
		"box-deny-ip = \"*.*.*.*\"\n"
		"box-allow-ip = \"127.0.0.1\"\n"
		"log-file = \"%s/bearerbox.log\"\n"
		"log-level = 1\n"
		"\n"
		"group = smsc\n"
		"smsc = fake\n"
		"smsc-id = FAKE\n"
		"port = %u\n"
		"connect-allow-ip = \"127.0.0.1\"\n"
		"\n"
		"group = smsbox\n"
		"bearerbox-host = 127.0.0.1\n"
		"bearerbox-port = %u\n"
		"sendsms-port = %u\n"
		"log-file = \"%s/smsbox.log\"\n"
		"log-level = 1\n"
		"\n"
		"group = sendsms-user\n"
		"username = shanakht\n"
		"password = test-sendsms\n"
		"concatenation = true\n"
		"max-messages = 10\n"
		"\n"
		"group = sms-service\n"
		"keyword = default\n"
		"catch-all = true\n"
		"omit-empty = true\n"
		"max-messages = 0\n",
		k->admin_port, k->box_port, k->dir, k->smsc_port, k->box_port, k->sendsms_port,
		k->dir);
	if (post_url)
		fprintf(f, "post-url = \"%s\"\n", post_url);
	else
		fprintf(f, "text = \"\"\n");
	fclose(f);

	k->bearerbox = spawn(BEARERBOX, conf, blog);
	if (k->bearerbox < 0 || wait_port(k->box_port, 15000) != 0) {
		fprintf(stderr, "kannel: bearerbox did not start (see %s)\n", blog);
		kannel_stop(k);
		return -1;
	}
	k->smsbox = spawn(SMSBOX, conf, slog);
	if (k->smsbox < 0 || wait_port(k->sendsms_port, 15000) != 0) {
		fprintf(stderr, "kannel: smsbox did not start (see %s)\n", slog);
		kannel_stop(k);
		return -1;
	}
	/* The fake SMSC listens once bearerbox has started its SMSC connections. */
	long until = now_ms() + 15000;
	while (k->handset_fd < 0 && now_ms() < until) {
		k->handset_fd = tcp_connect(k->smsc_port);
		if (k->handset_fd < 0)
			usleep(100000);
	}
	if (k->handset_fd < 0) {
		fprintf(stderr, "kannel: cannot connect the fake handset to port %u\n", k->smsc_port);
		kannel_stop(k);
		return -1;
	}
	return 0;
}

static void kill_wait(pid_t *pid)
{
	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	for (int i = 0; i < 50; i++) {
		if (waitpid(*pid, NULL, WNOHANG) == *pid) {
			*pid = 0;
			return;
		}
		usleep(100000);
	}
	kill(*pid, SIGKILL);
	waitpid(*pid, NULL, 0);
	*pid = 0;
}

void kannel_stop(struct kannel *k)
{
	if (k->handset_fd >= 0)
		close(k->handset_fd);
	k->handset_fd = -1;
	kill_wait(&k->smsbox);
	kill_wait(&k->bearerbox);
	if (k->dir[0] && !getenv("SHANAKHT_KEEP_KANNEL")) {
		char cmd[320];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", k->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "kannel: could not remove %s\n", k->dir);
	}
}

/* One line from the handset socket (without the newline), or -1. */
static int read_line(struct kannel *k, char *line, size_t n, long until)
{
	for (;;) {
		char *nl = memchr(k->rbuf, '\n', k->rlen);
		if (nl) {
			size_t len = (size_t)(nl - k->rbuf);
			size_t c = len < n - 1 ? len : n - 1;
			memcpy(line, k->rbuf, c);
			line[c] = '\0';
			if (c && line[c - 1] == '\r')
				line[c - 1] = '\0';
			memmove(k->rbuf, nl + 1, k->rlen - len - 1);
			k->rlen -= len + 1;
			return 0;
		}
		long left = until - now_ms();
		if (left <= 0 || k->rlen == sizeof k->rbuf)
			return -1;
		struct pollfd p = {.fd = k->handset_fd, .events = POLLIN};
		if (poll(&p, 1, (int)left) <= 0)
			return -1;
		ssize_t r = read(k->handset_fd, k->rbuf + k->rlen, sizeof k->rbuf - k->rlen);
		if (r <= 0)
			return -1;
		k->rlen += (size_t)r;
	}
}

static size_t url_decode(const char *in, unsigned char *out, size_t n)
{
	size_t k = 0;
	for (; *in && k < n; in++) {
		if (*in == '%' && in[1] && in[2]) {
			char h[3] = {in[1], in[2], 0};
			out[k++] = (unsigned char)strtoul(h, NULL, 16);
			in += 2;
		} else if (*in == '+') {
			out[k++] = ' ';
		} else {
			out[k++] = (unsigned char)*in;
		}
	}
	return k;
}

/* UTF-16BE bytes to UTF-8 (our gateway always asks Kannel for UCS-2). */
static size_t utf16be_to_utf8(const unsigned char *in, size_t len, char *out, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i + 1 < len; i += 2) {
		unsigned cp = (unsigned)in[i] << 8 | in[i + 1];
		if (cp >= 0xD800 && cp < 0xDC00 && i + 3 < len) {
			unsigned lo = (unsigned)in[i + 2] << 8 | in[i + 3];
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			i += 2;
		}
		char b[4];
		size_t m;
		if (cp < 0x80) {
			b[0] = (char)cp;
			m = 1;
		} else if (cp < 0x800) {
			b[0] = (char)(0xC0 | cp >> 6);
			b[1] = (char)(0x80 | (cp & 0x3F));
			m = 2;
		} else if (cp < 0x10000) {
			b[0] = (char)(0xE0 | cp >> 12);
			b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
			b[2] = (char)(0x80 | (cp & 0x3F));
			m = 3;
		} else {
			b[0] = (char)(0xF0 | cp >> 18);
			b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
			b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
			b[3] = (char)(0x80 | (cp & 0x3F));
			m = 4;
		}
		if (k + m >= n)
			break;
		memcpy(out + k, b, m);
		k += m;
	}
	out[k] = '\0';
	return k;
}

int kannel_handset_recv(struct kannel *k, char *from, size_t fn, char *to, size_t tn,
			char *text, size_t textn, int timeout_ms)
{
	long until = now_ms() + timeout_ms;
	static unsigned char parts[16][1024];
	static size_t part_len[16];
	unsigned have = 0, total = 0;
	char *line = malloc(8192);
	if (!line)
		return -1;
	memset(part_len, 0, sizeof part_len);
	while (read_line(k, line, 8192, until) == 0) {
		if (getenv("SHANAKHT_KANNEL_DEBUG"))
			fprintf(stderr, "handset< %s\n", line);
		char *sp1 = strchr(line, ' ');
		char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
		char *sp3 = sp2 ? strchr(sp2 + 1, ' ') : NULL;
		if (!sp3)
			continue;
		*sp1 = *sp2 = *sp3 = '\0';
		snprintf(from, fn, "%s", line);
		snprintf(to, tn, "%s", sp1 + 1);
		const char *type = sp2 + 1, *rest = sp3 + 1;
		if (!strcmp(type, "text")) {
			snprintf(text, textn, "%s", rest);
			free(line);
			return 0;
		}
		unsigned char raw[2048];
		if (!strcmp(type, "data")) {
			size_t len = url_decode(rest, raw, sizeof raw);
			utf16be_to_utf8(raw, len, text, textn);
			free(line);
			return 0;
		}
		if (!strcmp(type, "udh")) {
			char *sp4 = strchr(rest, ' ');
			if (!sp4)
				continue;
			*sp4 = '\0';
			/* Newer Kannels write "udh UDH data DATA", older "udh UDH DATA". */
			const char *payload = sp4 + 1;
			if (!strncmp(payload, "data ", 5) || !strncmp(payload, "text ", 5))
				payload += 5;
			unsigned char udh[64];
			size_t ul = url_decode(rest, udh, sizeof udh);
			size_t dl = url_decode(payload, raw, sizeof raw);
			/* UDH: length, then IE 00 (8-bit ref: 00 03 ref total seq)
			 * or IE 08 (16-bit ref: 08 04 ref ref total seq). */
			unsigned seq = 0;
			if (ul >= 6 && udh[1] == 0x00) {
				total = udh[4];
				seq = udh[5];
			} else if (ul >= 7 && udh[1] == 0x08) {
				total = udh[5];
				seq = udh[6];
			}
			if (seq < 1 || seq > 16 || total > 16 || dl > sizeof parts[0])
				continue;
			memcpy(parts[seq - 1], raw, dl);
			if (!part_len[seq - 1])
				have++;
			part_len[seq - 1] = dl;
			if (have == total) {
				unsigned char all[16 * 1024];
				size_t al = 0;
				for (unsigned i = 0; i < total; i++) {
					memcpy(all + al, parts[i], part_len[i]);
					al += part_len[i];
				}
				utf16be_to_utf8(all, al, text, textn);
				free(line);
				return 0;
			}
		}
	}
	free(line);
	return -1;
}

int kannel_handset_send(struct kannel *k, const char *from, const char *to, const char *text)
{
	char line[1024];
	int n = snprintf(line, sizeof line, "%s %s text %s\n", from, to, text);
	if (n <= 0 || (size_t)n >= sizeof line)
		return -1;
	return write(k->handset_fd, line, (size_t)n) == n ? 0 : -1;
}
