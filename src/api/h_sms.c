/* h_sms.c — POST /sms/inbound: texts from Kannel's smsbox (sms-service with
 * post-url). Guarded twice: the caller must be on loopback (smsbox runs
 * beside the server) and must present the shared secret
 * (SHANAKHT_SMS_INBOUND_SECRET) as ?secret=, compared in constant time.
 * Sender and short code come as ?from=%p&to=%P (or Kannel's X-Kannel-From /
 * X-Kannel-To headers); the text is the body. Replies go out through the
 * outbox, so the answer to Kannel is always empty (set omit-empty). */
#include <sodium.h>
#include <string.h>

#include "consent/config.h"
#include "consent/sms_inbound.h"
#include "api/routes.h"
#include "lib/parse.h"
#include "api/app.h"

static int loopback(const char *addr)
{
	return addr && (strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 ||
			strncmp(addr, "::ffff:127.", 11) == 0);
}

static int secret_ok(const char *want, const char *given)
{
	if (!want || !*want || !given)
		return 0;
	unsigned char a[32], b[32];
	/* Hash both so the comparison is constant-time whatever the lengths. */
	crypto_generichash(a, sizeof a, (const unsigned char *)want, strlen(want), NULL, 0);
	crypto_generichash(b, sizeof b, (const unsigned char *)given, strlen(given), NULL, 0);
	return sodium_memcmp(a, b, sizeof a) == 0;
}

static void h_sms_inbound(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	const struct consent_config *cfg = consent_config_env();
	struct sh_err err = {0};
	if (!loopback(req->client_addr)) {
		http_reply_error(resp, 403, "SMS_SOURCE", "inbound SMS are accepted from loopback only");
		return;
	}
	if (!secret_ok(cfg->sms_inbound_secret, http_query(req, "secret"))) {
		http_reply_error(resp, 401, "SMS_SECRET",
				 cfg->sms_inbound_secret ? "wrong or missing secret"
							 : "inbound SMS disabled: no secret set");
		return;
	}
	const char *from = http_query(req, "from");
	const char *to = http_query(req, "to");
	if (!from)
		from = http_header(req, "X-Kannel-From");
	if (!to)
		to = http_header(req, "X-Kannel-To");
	const char *text = http_query(req, "text");
	if (!text)
		text = req->body ? req->body : "";
	struct sms_inbound_result r;
	int rc = sms_inbound_handle(app->db, app->keys, cfg, from, to, text, sh_now(), &r, &err);
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	/* Empty body: Kannel (omit-empty = true) sends no reply of its own. */
	http_reply_bytes(resp, 200, "text/plain; charset=utf-8", "", 0);
}

const struct http_route sms_routes[] = {
	{"POST", "/sms/inbound", h_sms_inbound, HTTP_AUTH_NONE, 0},
};
const size_t sms_routes_count = sizeof sms_routes / sizeof sms_routes[0];
