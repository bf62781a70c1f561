/* demo_bio.c — the biometric repository's part of `shanakht init --demo`:
 * an adjudicator and an examiner operator, and a software capture device
 * of the demo council whose secret key is written to var/demo-device.key
 * (0600), so that `shanakht device sign --key var/demo-device.key
 * --device-id DEMO-FP-1 ...` captures for the demo (docs/biometrics.md).
 * Never for production. */
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "auth/password.h"
#include "auth/roles.h"
#include "auth/users.h"
#include "biometrics/bio.h"
#include "cli/demo.h"

int demo_biometrics(store_tx *tx, const char *password, const char *council,
		    unsigned char sk[64], struct sh_err *err)
{
	struct audit_actor actor = {.kind = "system", .name = "shanakht init --demo"};
	struct bio_device d = {0};
	int64_t id;
	_Static_assert(crypto_sign_SECRETKEYBYTES == 64, "demo_summary.device_sk");
	crypto_sign_keypair(d.public_key, sk);
	snprintf(d.device_id, sizeof d.device_id, "DEMO-FP-1");
	snprintf(d.make, sizeof d.make, "Shanakht");
	snprintf(d.model, sizeof d.model, "software device");
	snprintf(d.serial, sizeof d.serial, "DEMO-0001");
	snprintf(d.modality, sizeof d.modality, "fingerprint");
	snprintf(d.approved_on, sizeof d.approved_on, "2026-01-01");
	snprintf(d.council_code, sizeof d.council_code, "%s", council);
	int rc = auth_user_create(tx, &actor, &auth_pwcost_default, "adjudicator", password,
				  ROLE_BIOMETRIC_ADJUDICATOR, NULL, &id, err);
	if (rc == SH_OK)
		rc = auth_user_create(tx, &actor, &auth_pwcost_default, "examiner", password,
				      ROLE_BIOMETRIC_EXAMINER, NULL, &id, err);
	if (rc == SH_OK)
		rc = bio_device_register(tx, &actor, &d, err);
	if (rc != SH_OK)
		sodium_memzero(sk, 64);
	return rc;
}

void demo_biometrics_print(const char *council, unsigned char sk[64])
{
	char hex[2 * 64 + 2];
	sodium_bin2hex(hex, sizeof hex, sk, 64);
	sodium_memzero(sk, 64);
	size_t l = strlen(hex);
	hex[l] = '\n';
	int fd = open("var/demo-device.key", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int wrote = fd >= 0 && write(fd, hex, l + 1) == (ssize_t)(l + 1);
	if (fd >= 0)
		close(fd);
	sodium_memzero(hex, sizeof hex);
	printf("demo biometrics: operators adjudicator (biometric_adjudicator), examiner "
	       "(biometric_examiner); capture device DEMO-FP-1 of council %s%s\n",
	       council, wrote ? ", its key in var/demo-device.key" : " (key not written: no var/)");
}
