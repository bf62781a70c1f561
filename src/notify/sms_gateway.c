/* sms_gateway.c — the two SMS gateways: the embedded outbox log file and
 * Kannel's sendsms HTTP interface (libcurl). */
#include "notify/sms.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/parse.h"

/* --- file: var/sms-outbox.log, one JSON object per line ------------------ */

struct gw_file {
	struct sms_gateway base;
	pthread_mutex_t lock;
	char path[4096];
};

static int file_send(struct sms_gateway *gw, const char *to, const char *text,
		     struct sh_err *err)
{
	struct gw_file *g = (struct gw_file *)gw;
	char at[32];
	sh_time_format(sh_now(), at, sizeof at);
	/* "delivered":false and the note label the file as a demonstration
	 * outbox, never a record of delivery: without a gateway nothing leaves
	 * this machine, and the texts (passcodes) are here in the clear. */
	json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:s}", "to", to, "text", text, "at", at,
			      "delivered", 0, "note",
			      "DEMO ONLY: not delivered, no SMS gateway configured; this file holds "
			      "passcodes in the clear and must not be used in production");
	if (!o)
		return sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");
	char *line = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	if (!line)
		return sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");
	int rc = SH_OK;
	pthread_mutex_lock(&g->lock);
	/* 0600 whatever the umask: the file holds live passcodes. */
	int fd = open(g->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	FILE *f = NULL;
	if (fd >= 0 && (fchmod(fd, 0600) != 0 || !(f = fdopen(fd, "a"))))
		close(fd);
	if (!f) {
		rc = sh_err_set(err, SH_EIO, "SMS_OUTBOX_LOG", "cannot open %s", g->path);
	} else {
		if (fprintf(f, "%s\n", line) < 0)
			rc = sh_err_set(err, SH_EIO, "SMS_OUTBOX_LOG", "cannot write %s", g->path);
		if (fclose(f) != 0 && rc == SH_OK)
			rc = sh_err_set(err, SH_EIO, "SMS_OUTBOX_LOG", "cannot write %s", g->path);
	}
	pthread_mutex_unlock(&g->lock);
	free(line);
	return rc;
}

static void file_free(struct sms_gateway *gw)
{
	struct gw_file *g = (struct gw_file *)gw;
	pthread_mutex_destroy(&g->lock);
	free(g);
}

int sms_gateway_file(const char *path, struct sms_gateway **out, struct sh_err *err)
{
	struct gw_file *g = calloc(1, sizeof *g);
	if (!g)
		return sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");
	if ((size_t)snprintf(g->path, sizeof g->path, "%s", path) >= sizeof g->path) {
		free(g);
		return sh_err_set(err, SH_EINVAL, "SMS_OUTBOX_LOG", "path too long");
	}
	pthread_mutex_init(&g->lock, NULL);
	g->base.name = "file";
	g->base.send = file_send;
	g->base.free = file_free;
	*out = &g->base;
	return SH_OK;
}

/* --- kannel: GET sendsms?...&to=&text=&charset=UTF-8&coding=2 ------------- */

struct gw_kannel {
	struct sms_gateway base;
	char url[2048];
};

static size_t sink(char *p, size_t size, size_t n, void *ctx)
{
	struct sh_err *body = ctx; /* keep the first bytes of Kannel's answer */
	size_t len = size * n, have = strlen(body->msg);
	if (have + 1 < sizeof body->msg) {
		size_t take = len < sizeof body->msg - have - 1 ? len : sizeof body->msg - have - 1;
		memcpy(body->msg + have, p, take);
		body->msg[have + take] = '\0';
	}
	return len;
}

static int kannel_send(struct sms_gateway *gw, const char *to, const char *text,
		       struct sh_err *err)
{
	struct gw_kannel *g = (struct gw_kannel *)gw;
	CURL *c = curl_easy_init();
	if (!c)
		return sh_err_set(err, SH_ENOMEM, "OOM", "curl_easy_init failed");
	int rc = SH_OK;
	char *eto = curl_easy_escape(c, to, 0);
	char *etext = curl_easy_escape(c, text, 0);
	char *url = NULL;
	struct sh_err body = {0};
	if (!eto || !etext) {
		rc = sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");
		goto out;
	}
	size_t n = strlen(g->url) + strlen(eto) + strlen(etext) + 64;
	url = malloc(n);
	if (!url) {
		rc = sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");
		goto out;
	}
	/* coding=2: UCS-2, since every passcode text carries Urdu; Kannel
	 * converts from charset and splits long texts into concatenated parts. */
	snprintf(url, n, "%s%cto=%s&text=%s&charset=UTF-8&coding=2", g->url,
		 strchr(g->url, '?') ? '&' : '?', eto, etext);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
	CURLcode cc = curl_easy_perform(c);
	if (cc != CURLE_OK) {
		rc = sh_err_set(err, SH_EIO, "SMS_GATEWAY_DOWN", "kannel: %s", curl_easy_strerror(cc));
		goto out;
	}
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	/* smsbox answers 202 "0: Accepted for delivery" (or 200 "Sent."). */
	if (status != 202 && status != 200)
		rc = sh_err_set(err, SH_EIO, "SMS_GATEWAY_REFUSED", "kannel answered %ld: %.120s",
				status, body.msg);
out:
	curl_free(eto);
	curl_free(etext);
	free(url);
	curl_easy_cleanup(c);
	return rc;
}

static void kannel_free(struct sms_gateway *gw)
{
	free(gw);
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

int sms_gateway_kannel(const char *sendsms_url, struct sms_gateway **out, struct sh_err *err)
{
	if (strncmp(sendsms_url, "http://", 7) != 0 && strncmp(sendsms_url, "https://", 8) != 0)
		return sh_err_set(err, SH_EINVAL, "SMS_GATEWAY_URL",
				  "kannel gateway needs an http(s) sendsms URL");
	pthread_once(&curl_once, curl_init_once);
	struct gw_kannel *g = calloc(1, sizeof *g);
	if (!g)
		return sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");
	if ((size_t)snprintf(g->url, sizeof g->url, "%s", sendsms_url) >= sizeof g->url) {
		free(g);
		return sh_err_set(err, SH_EINVAL, "SMS_GATEWAY_URL", "URL too long");
	}
	g->base.name = "kannel";
	g->base.send = kannel_send;
	g->base.free = kannel_free;
	*out = &g->base;
	return SH_OK;
}

int sms_gateway_open(const char *spec, const char *var_dir, struct sms_gateway **out,
		     struct sh_err *err)
{
	if (!spec || !*spec || strcmp(spec, "file") == 0) {
		char path[4096];
		snprintf(path, sizeof path, "%s/sms-outbox.log", var_dir ? var_dir : "var");
		return sms_gateway_file(path, out, err);
	}
	if (strncmp(spec, "kannel:", 7) == 0)
		return sms_gateway_kannel(spec + 7, out, err);
	return sh_err_set(err, SH_EINVAL, "SMS_GATEWAY",
			  "unknown SMS gateway '%s' (use \"file\" or \"kannel:URL\")", spec);
}

void sms_gateway_free(struct sms_gateway *gw)
{
	if (gw)
		gw->free(gw);
}
