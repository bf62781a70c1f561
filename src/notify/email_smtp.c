/* email_smtp.c — one message through SMTP with libcurl (RFC 5321 envelope,
 * RFC 5322 text with a UTF-8 body: Urdu notices go as they are). */
#include "notify/email.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int email_smtp_env(struct email_smtp *out, struct sh_err *err)
{
	memset(out, 0, sizeof *out);
	const char *url = getenv("SHANAKHT_SMTP_URL");
	const char *from = getenv("SHANAKHT_SMTP_FROM");
	if (!url || !*url)
		return sh_err_set(err, SH_ERULE, "SMTP_UNCONFIGURED", "SHANAKHT_SMTP_URL is not set");
	if (strncmp(url, "smtp://", 7) != 0 && strncmp(url, "smtps://", 8) != 0)
		return sh_err_set(err, SH_EINVAL, "SMTP_URL", "SHANAKHT_SMTP_URL must be smtp:// or smtps://");
	snprintf(out->url, sizeof out->url, "%s", url);
	snprintf(out->from, sizeof out->from, "%s",
		 from && *from ? from : "no-reply@shanakht.invalid");
	if (!email_addr_valid(out->from))
		return sh_err_set(err, SH_EINVAL, "SMTP_FROM", "SHANAKHT_SMTP_FROM is not an address");
	out->timeout_s = 10;
	return SH_OK;
}

struct reader {
	const char *p;
	size_t left;
};

static size_t read_cb(char *buf, size_t size, size_t nmemb, void *ctx)
{
	struct reader *r = ctx;
	size_t n = size * nmemb;
	if (n > r->left)
		n = r->left;
	memcpy(buf, r->p, n);
	r->p += n;
	r->left -= n;
	return n;
}

int email_smtp_send(const struct email_smtp *cfg, const char *to, const char *subject,
		    const char *body, struct sh_err *err)
{
	if (!email_addr_valid(to) || !email_addr_valid(cfg->from))
		return sh_err_set(err, SH_EINVAL, "EMAIL_BAD_ADDRESS", "bad e-mail address");
	size_t cap = strlen(subject) + 2 * strlen(body) + 1024;
	char *msg = malloc(cap);
	if (!msg)
		return sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	int n = snprintf(msg, cap,
			 "Date: %s\r\nFrom: <%s>\r\nTo: <%s>\r\nSubject: %s\r\n"
			 "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
			 "Content-Transfer-Encoding: 8bit\r\n\r\n",
			 date, cfg->from, to, subject);
	/* Bare LF -> CRLF; a line starting with '.' is left to libcurl, which
	 * dot-stuffs. */
	size_t len = n > 0 ? (size_t)n : 0;
	for (const char *p = body; *p && len + 3 < cap; p++) {
		if (*p == '\n')
			msg[len++] = '\r';
		msg[len++] = *p;
	}
	msg[len++] = '\r';
	msg[len++] = '\n';
	struct reader r = {msg, len};
	int rc = SH_OK;
	CURL *c = curl_easy_init();
	struct curl_slist *rcpt = NULL;
	char to_br[EMAIL_ADDR_MAX + 3], from_br[EMAIL_ADDR_MAX + 3];
	snprintf(to_br, sizeof to_br, "<%s>", to);
	snprintf(from_br, sizeof from_br, "<%s>", cfg->from);
	if (!c || !(rcpt = curl_slist_append(NULL, to_br))) {
		rc = sh_err_set(err, SH_ENOMEM, "OOM", "out of memory");
		goto out;
	}
	curl_easy_setopt(c, CURLOPT_URL, cfg->url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from_br);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &r);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, cfg->timeout_s > 0 ? cfg->timeout_s : 10L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
	CURLcode cr = curl_easy_perform(c);
	if (cr != CURLE_OK)
		rc = sh_err_set(err, SH_EIO, "SMTP_FAILED", "SMTP send failed: %s",
				curl_easy_strerror(cr));
out:
	curl_slist_free_all(rcpt);
	if (c)
		curl_easy_cleanup(c);
	free(msg);
	return rc;
}
