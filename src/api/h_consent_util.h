/* h_consent_util.h — small helpers shared by the consent, verification,
 * citizen and SMS handlers (static inline: one header, no new module). */
#ifndef SH_API_H_CONSENT_UTIL_H
#define SH_API_H_CONSENT_UTIL_H

#include <jansson.h>

#include "consent/config.h"
#include "consent/consent.h"
#include "consent/party.h"
#include "api/h_common.h"
#include "http/http.h"
#include "lib/err.h"
#include "api/app.h"

static inline const char *hc_str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

struct hc_consent_job {
	struct app *app;
	int64_t party_id; /* 0: a citizen signing in */
	enum consent_kind kind;
	const struct audit_actor *actor;
	const char *source_addr;
	json_t *body;
	struct consent_issued *issued;
};

static inline int hc_consent_job_run(store_tx *tx, void *ctx, struct sh_err *err)
{
	struct hc_consent_job *j = ctx;
	struct party p = {0};
	int for_party = j->kind == CONSENT_FOR_PARTY;
	int rc = for_party ? party_get(tx, j->party_id, &p, err) : SH_OK;
	struct consent_ask ask = {
		.kind = j->kind, .party_id = p.id, .party_name = for_party ? p.name : NULL,
		.id_number = hc_str(j->body, "id_number"),
		.purpose = for_party ? hc_str(j->body, "purpose") : NULL,
		.source_addr = j->source_addr, .now = sh_now(),
	};
	if (rc == SH_OK)
		rc = consent_request(tx, j->app->keys, consent_config_env(), j->actor, &ask,
				     j->issued, err);
	return rc;
}

/* Issue a passcode for the body's id_number in a write transaction of its
 * own: for the calling relying party and the body's purpose
 * (CONSENT_FOR_PARTY), or for a citizen signing in (CONSENT_FOR_LOGIN).
 * A spent budget commits (the refusal is recorded) and comes back as the
 * error in err with c->refused set. */
static inline int hc_consent_issue(struct http_req *req, enum consent_kind kind,
				   struct consent_issued *c, struct sh_err *err)
{
	struct audit_actor actor = app_actor(req);
	struct hc_consent_job j = {.app = req->app, .kind = kind, .actor = &actor,
				   .source_addr = req->client_addr, .issued = c};
	if (kind == CONSENT_FOR_PARTY)
		j.party_id = req->principal.id;
	int rc = http_json_body(req, &j.body, err);
	if (rc == SH_OK)
		rc = app_write(req, hc_consent_job_run, &j, err);
	if (rc == SH_OK && c->refused)
		rc = err->status;
	return rc;
}

/* Reply an error; throttling errors carry Retry-After. */
static inline void hc_reply_err(struct http_resp *resp, const struct sh_err *err,
				int64_t retry_after_s)
{
	if (err->status == SH_ETHROTTLE && retry_after_s > 0)
		h_retry_after(resp, retry_after_s);
	http_reply_err(resp, err);
}

/* A JSON array of strings into a bit set via parse(); 0 on success, -1 when
 * a member is not a string or unknown (its text into *bad). */
static inline int hc_bits(json_t *arr, unsigned (*parse)(const char *), unsigned *out,
			  const char **bad)
{
	*out = 0;
	size_t i;
	json_t *v;
	if (!json_is_array(arr))
		return -1;
	json_array_foreach(arr, i, v) {
		const char *s = json_string_value(v);
		unsigned b = s ? parse(s) : 0;
		if (!b) {
			*bad = s ? s : "(not a string)";
			return -1;
		}
		*out |= b;
	}
	return 0;
}

/* Bits to a JSON array of names. */
static inline json_t *hc_names(unsigned bits, const char *(*name)(unsigned))
{
	json_t *a = json_array();
	for (unsigned b = 1; b && a; b <<= 1)
		if ((bits & b) && name(b))
			json_array_append_new(a, json_string(name(b)));
	return a;
}

#endif
