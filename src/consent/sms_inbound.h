/* sms_inbound.h — texts citizens send to our short codes (delivered by
 * Kannel to POST /sms/inbound):
 *
 *   to the registration code (default 8300):
 *     "12345-1234567-1"   register this mobile for the identity: pending,
 *                         and a confirmation passcode is sent back
 *     "123456" / "CONFIRM 123456"  confirm: the mobile is bound
 *     anything else       a helpful reply (English and Urdu)
 *   to the status code (default 8400):
 *     a tracking or identity number: its status (hook for the portal)
 *
 * Binding is refused when the identity already has a different mobile (that
 * change needs a registration centre: otherwise anyone could redirect a
 * citizen's consent passcodes), and when the mobile already serves
 * cfg->mobile_max_identities identities. Replies go through the SMS outbox.
 * Mobile numbers counted for the limit are those bound by this flow. */
#ifndef SH_CONSENT_SMS_INBOUND_H
#define SH_CONSENT_SMS_INBOUND_H

#include <stddef.h>
#include <stdint.h>

#include "audit/audit.h"
#include "consent/config.h"
#include "crypto/keyring.h"
#include "lib/err.h"
#include "store/store.h"

struct sms_inbound_result {
	/* What was done: "register_pending", "register_same", "register_other",
	 * "register_limit", "register_unknown", "confirmed", "confirm_wrong",
	 * "confirm_none", "help", "status". */
	char action[24];
};

/* Handle one inbound SMS in its own write transaction. from: the sender
 * as Kannel gives it (normalized to E.164, Pakistani numbers assumed);
 * to: the short code it was sent to. */
int sms_inbound_handle(store *db, const struct keyring *kr, const struct consent_config *cfg,
		       const char *from, const char *to, const char *text, int64_t now,
		       struct sms_inbound_result *out, struct sh_err *err)
	__attribute__((warn_unused_result));

/* "03001234567", "923001234567", "+92 300 1234567" -> "+923001234567".
 * SH_EINVAL SMS_FROM for anything that is not a phone number. */
int sms_number_normalize(const char *in, char *out, size_t n, struct sh_err *err)
	__attribute__((warn_unused_result));

/* The status short code's answer for `query` (a tracking or identity
 * number) into reply. The applications portal installs its own; the default
 * answers identity numbers to their own registered mobile only. */
typedef int (*sms_status_fn)(store_tx *tx, const char *from, const char *query, char *reply,
			     size_t n, struct sh_err *err);
void sms_status_set_hook(sms_status_fn fn);

#endif
