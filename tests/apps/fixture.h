/* fixture.h — a fresh store with the schemas the applications module
 * needs, a key ring, and helpers to make verified accounts. */
#ifndef SH_TEST_APPS_FIXTURE_H
#define SH_TEST_APPS_FIXTURE_H

#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apps/apps.h"
#include "audit/audit.h"
#include "auth/users.h"
#include "crvs/crvs.h"
#include "crypto/keyring.h"
#include "lib/parse.h"
#include "notify/email.h"
#include "notify/sms.h"
#include "store/store.h"
#include "testdb.h"

static const struct auth_pwcost apps_cheap = {1, crypto_pwhash_MEMLIMIT_MIN};
#define FX_PW "correct horse battery 9"

struct afx {
	char *url;
	store *db;
	struct keyring *kr;
	char keydir[128];
	struct audit_actor anon;
};

static inline void afx_open(struct afx *f)
{
	struct sh_err err = {0};
	memset(f, 0, sizeof *f);
	f->url = testdb_url();
	cr_assert(f->url, "no test database");
	cr_assert_eq(store_open(f->url, 4, &f->db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(audit_migrate(f->db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(notify_migrate(f->db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(email_migrate(f->db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(auth_migrate(f->db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(crvs_migrate(f->db, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(apps_migrate(f->db, &err), SH_OK, "%s", err.msg);
	snprintf(f->keydir, sizeof f->keydir, "/tmp/shanakht-keys-XXXXXX");
	cr_assert(mkdtemp(f->keydir));
	char kd[160];
	snprintf(kd, sizeof kd, "%s/keys", f->keydir);
	cr_assert_eq(keyring_create(kd, &err), SH_OK, "%s", err.msg);
	cr_assert_eq(keyring_load(kd, &f->kr, &err), SH_OK, "%s", err.msg);
	f->anon = (struct audit_actor){.kind = "anonymous", .request_id = "test"};
}

static inline void afx_close(struct afx *f)
{
	keyring_free(f->kr);
	store_close(f->db);
	testdb_drop(f->url);
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->keydir);
	if (system(cmd) != 0)
		cr_log_warn("could not remove %s", f->keydir);
}

static inline store_tx *afx_begin(struct afx *f)
{
	struct sh_err err = {0};
	store_tx *tx = NULL;
	cr_assert_eq(store_begin(f->db, STORE_WRITE, &tx, &err), SH_OK, "%s", err.msg);
	return tx;
}

static inline void afx_commit(store_tx *tx)
{
	struct sh_err err = {0};
	cr_assert_eq(store_commit(tx, &err), SH_OK, "%s", err.msg);
}

/* Sign up and verify both channels; the account id. */
static inline int64_t afx_account(struct afx *f, const char *username)
{
	struct sh_err err = {0};
	struct apps_sent_codes c;
	int64_t id = 0;
	int ok = 0;
	store_tx *tx = afx_begin(f);
	cr_assert_eq(apps_signup(tx, f->kr, &apps_cheap, &f->anon, username, FX_PW,
				 "03001234567", "someone@example.pk", sh_now(), &id, &c, &err),
		     SH_OK, "%s %s", err.code, err.msg);
	cr_assert_eq(apps_verify(tx, f->kr, &f->anon, username, "mobile", c.mobile, sh_now(), &ok,
				 &err),
		     SH_OK);
	cr_assert(ok, "%s", err.code);
	cr_assert_eq(apps_verify(tx, f->kr, &f->anon, username, "email", c.email, sh_now(), &ok,
				 &err),
		     SH_OK);
	cr_assert(ok, "%s", err.code);
	afx_commit(tx);
	return id;
}

#endif
