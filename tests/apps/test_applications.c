/* test_applications.c — drafts with tracking IDs, the 10-application
 * limit, another account's IDs, cancellation. */
#include "fixture.h"

#include "lib/parse.h"

static struct afx f;
static void setup(void) { afx_open(&f); }
static void teardown(void) { afx_close(&f); }
TestSuite(apps_applications, .init = setup, .fini = teardown);

static int create(int64_t account, const char *type, struct apps_application *a,
		  struct sh_err *err)
{
	store_tx *tx = afx_begin(&f);
	int rc = apps_application_create(tx, &f.anon, account, type, sh_now(), a, err);
	if (rc == SH_OK)
		afx_commit(tx);
	else
		store_rollback(tx);
	return rc;
}

Test(apps_applications, tracking_ids)
{
	struct sh_err err = {0};
	struct apps_application a, b;
	int64_t id = afx_account(&f, "hina");
	cr_assert_eq(create(id, "nicop.fresh", &a, &err), SH_OK, "%s", err.code);
	cr_assert_eq(create(id, "poc.renewal", &b, &err), SH_OK, "%s", err.code);
	cr_assert(apps_tracking_valid(a.tracking_id));
	cr_assert(apps_tracking_valid(b.tracking_id));
	cr_assert_str_neq(a.tracking_id, b.tracking_id);
	cr_assert_str_eq(a.state, "draft");
	/* One changed digit breaks the check digit. */
	char t[APPS_TRACKING_DIGITS + 1];
	snprintf(t, sizeof t, "%s", a.tracking_id);
	t[3] = t[3] == '9' ? '0' : (char)(t[3] + 1);
	cr_assert_not(apps_tracking_valid(t));
	cr_assert_not(apps_tracking_valid("123"));
	cr_assert_eq(create(id, "passport", &a, &err), SH_EINVAL);
	cr_assert_str_eq(err.code, "APP_TYPE_UNKNOWN");
}

Test(apps_applications, every_listed_type_can_be_drafted)
{
	struct sh_err err = {0};
	size_t n;
	const struct apps_type *t = apps_types(&n);
	cr_assert_geq(n, 17);
	int64_t id = 0;
	for (size_t i = 0; i < n; i++) {
		if (i % APPS_MAX_PER_ACCOUNT == 0) {
			char u[32];
			snprintf(u, sizeof u, "typ%zu", i);
			id = afx_account(&f, u);
		}
		struct apps_application a;
		cr_assert_eq(create(id, t[i].code, &a, &err), SH_OK, "%s: %s", t[i].code, err.code);
		cr_assert_str_eq(a.type, t[i].code);
	}
}

static int count_one(void *ctx, const struct apps_application *a)
{
	(void)a;
	(*(int *)ctx)++;
	return 0;
}

Test(apps_applications, ten_per_account_and_cancel)
{
	struct sh_err err = {0};
	struct apps_application a[APPS_MAX_PER_ACCOUNT + 1];
	int64_t id = afx_account(&f, "imran");
	for (int i = 0; i < APPS_MAX_PER_ACCOUNT; i++)
		cr_assert_eq(create(id, "sid.renewal", &a[i], &err), SH_OK, "%d %s", i, err.code);
	cr_assert_eq(create(id, "sid.renewal", &a[10], &err), SH_ERULE);
	cr_assert_str_eq(err.code, "APP_LIMIT");
	/* A cancelled one frees a place. */
	store_tx *tx = afx_begin(&f);
	struct apps_application c;
	cr_assert_eq(apps_application_cancel(tx, &f.anon, id, a[0].tracking_id, sh_now(), &c, &err),
		     SH_OK, "%s", err.code);
	cr_assert_str_eq(c.state, "cancelled");
	afx_commit(tx);
	tx = afx_begin(&f);
	cr_assert_eq(apps_application_cancel(tx, &f.anon, id, a[0].tracking_id, sh_now(), &c, &err),
		     SH_ECONFLICT);
	cr_assert_str_eq(err.code, "APP_NOT_CANCELLABLE");
	store_rollback(tx);
	cr_assert_eq(create(id, "sid.renewal", &a[10], &err), SH_OK, "%s", err.code);
	int n = 0;
	tx = afx_begin(&f);
	cr_assert_eq(apps_application_list(tx, id, count_one, &n, &err), SH_OK);
	store_rollback(tx);
	cr_assert_eq(n, 11);
}

Test(apps_applications, another_accounts_ids_not_found)
{
	struct sh_err err = {0};
	struct apps_application a, got;
	int64_t mine = afx_account(&f, "javed"), theirs = afx_account(&f, "kiran");
	cr_assert_eq(create(theirs, "frc", &a, &err), SH_OK);
	store_tx *tx = afx_begin(&f);
	cr_assert_eq(apps_application_get(tx, mine, a.tracking_id, &got, &err), SH_ENOTFOUND);
	cr_assert_str_eq(err.code, "APP_NOT_FOUND");
	cr_assert_eq(apps_application_cancel(tx, &f.anon, mine, a.tracking_id, sh_now(), &got, &err),
		     SH_ENOTFOUND);
	int n = 0;
	cr_assert_eq(apps_application_list(tx, mine, count_one, &n, &err), SH_OK);
	cr_assert_eq(n, 0);
	cr_assert_eq(apps_application_get(tx, theirs, a.tracking_id, &got, &err), SH_OK);
	cr_assert_str_eq(got.state, "draft");
	store_rollback(tx);
}
