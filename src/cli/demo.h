/* demo.h — demonstration data for `shanakht init --demo`: one operator of
 * each role and sixty synthetic families whose marriages and births are
 * registered civil events. Never for production. */
#ifndef SH_SERVER_DEMO_H
#define SH_SERVER_DEMO_H

#include "consent/party.h"
#include "crypto/keyring.h"
#include "store/store.h"

/* What the demo made, to print once it has committed. */
struct demo_summary {
	int families, pending;
	char council[32], licence_no[32];
	struct party_key_issued key;
	/* the demo capture device's Ed25519 secret key, written to
	 * var/demo-device.key after the commit (demo_bio.c) */
	unsigned char device_sk[64];
};

/* Would every demo operator accept `password` (they share the admin's)?
 * SH_OK or WEAK_PASSWORD naming the operator. Checked before init changes
 * anything. */
int demo_password_check(const char *password, struct sh_err *err)
	__attribute__((warn_unused_result));

/* Everything inside tx (the caller commits, or rolls back on error):
 * operators get `password`. */
int demo_load(store_tx *tx, struct keyring *keys, const char *password,
	      struct demo_summary *out, struct sh_err *err) __attribute__((warn_unused_result));
void demo_print(struct demo_summary *s);

/* demo_bio.c: the biometric repository's operators and a software capture
 * device, inside the demo's transaction; its secret key goes to sk_out. */
int demo_biometrics(store_tx *tx, const char *password, const char *council,
		    unsigned char sk_out[64], struct sh_err *err) __attribute__((warn_unused_result));
/* After the commit: write the device key to var/demo-device.key (0600), say so, and
 * wipe it from memory. */
void demo_biometrics_print(const char *council, unsigned char sk[64]);

#endif
