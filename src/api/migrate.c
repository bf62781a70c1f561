/* migrate.c — every module's schema, applied in dependency order at start-up
 * (audit first: every other module appends to it). */
#include "auth/users.h"
#include "cert/cert.h"
#include "consent/party.h"
#include "crvs/crvs.h"
#include "notify/sms.h"
#include "registry/person.h"
#include "ledger/ledger.h"
#include "api/app.h"
#include "biometrics/bio.h"
#include "apps/apps.h"
#include "notify/email.h"
#include "concord/concord.h"
#include "registry/person_views.h"
#include "crvs/crvs_views.h"
#include "ledger/ledger_views.h"
#include "biometrics/bio_views.h"
#include "quality/quality.h"
#include "vitals/vitals.h"

int app_migrate(store *db, struct sh_err *err)
{
	int (*const steps[])(store *, struct sh_err *) = {
		audit_migrate,
		auth_migrate,
		registry_migrate,
		crvs_migrate,
		cert_migrate,
		notify_migrate,
		consent_migrate,
		ledger_migrate,
		biometrics_migrate,
		email_migrate,
		apps_migrate,
		concord_migrate,
		/* the reporting views (D37), then the module that reads them */
		registry_views_migrate,
		crvs_views_migrate,
		ledger_views_migrate,
		bio_views_migrate,
		quality_migrate,
		vitals_migrate,
	};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		int rc = steps[i](db, err);
		if (rc != SH_OK)
			return rc;
	}
	return SH_OK;
}
