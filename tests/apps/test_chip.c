/* test_chip.c — the chip security code: weak codes refused with the rule,
 * stored only as a slow hash, only on the account's own draft. */
#include "fixture.h"

static struct afx f;
static void setup(void) { afx_open(&f); }
static void teardown(void) { afx_close(&f); }
TestSuite(apps_chip, .init = setup, .fini = teardown);

Test(apps_chip, weak_codes)
{
	const char *why = NULL;
	const char *weak[] = {"0000", "9999", "1234", "6789", "4321", "3210", "1212", "4545",
			      "1221", "2580", "1004", "123", "12345", "12a4", ""};
	for (size_t i = 0; i < sizeof weak / sizeof weak[0]; i++)
		cr_expect(apps_chip_code_weak(weak[i], &why), "%s accepted", weak[i]);
	const char *fine[] = {"4831", "7302", "1357", "9024"};
	for (size_t i = 0; i < sizeof fine / sizeof fine[0]; i++) {
		cr_expect_not(apps_chip_code_weak(fine[i], &why), "%s refused: %s", fine[i], why);
	}
	cr_assert(apps_chip_code_weak("1111", &why));
	cr_assert_str_eq(why, "four equal digits (like 0000)");
}

Test(apps_chip, set_and_check_own_draft_only)
{
	struct sh_err err = {0};
	struct apps_application a;
	int64_t mine = afx_account(&f, "laila"), theirs = afx_account(&f, "maryam");
	store_tx *tx = afx_begin(&f);
	cr_assert_eq(apps_application_create(tx, &f.anon, mine, "sid.renewal", sh_now(), &a, &err),
		     SH_OK);
	cr_assert_eq(apps_chip_code_set(tx, f.kr, &apps_cheap, &f.anon, mine, a.tracking_id, "1234",
				       &err),
		     SH_ERULE);
	cr_assert_str_eq(err.code, "CHIP_CODE_WEAK");
	cr_assert_eq(apps_chip_code_set(tx, f.kr, &apps_cheap, &f.anon, theirs, a.tracking_id,
				       "4831", &err),
		     SH_ENOTFOUND);
	cr_assert_eq(apps_chip_code_set(tx, f.kr, &apps_cheap, &f.anon, mine, a.tracking_id, "4831",
				       &err),
		     SH_OK, "%s", err.code);
	afx_commit(tx);
	tx = afx_begin(&f);
	cr_assert_eq(apps_chip_code_check(tx, f.kr, &apps_cheap, mine, a.tracking_id, "4831", &err),
		     SH_OK);
	cr_assert_eq(apps_chip_code_check(tx, f.kr, &apps_cheap, mine, a.tracking_id, "4832", &err),
		     SH_ERULE);
	/* Not stored in the clear. */
	store_stmt *st = NULL;
	cr_assert_eq(store_query(tx, &st, &err, "SELECT chip_hash FROM apps_applications", ""),
		     SH_OK);
	cr_assert_eq(store_step(st, &err), STORE_ROW);
	cr_assert(strncmp(store_col_text(st, 0), "$argon2id$", 10) == 0);
	cr_assert_null(strstr(store_col_text(st, 0), "4831"));
	store_finalize(st);
	struct apps_application c;
	cr_assert_eq(apps_application_cancel(tx, &f.anon, mine, a.tracking_id, sh_now(), &c, &err),
		     SH_OK);
	cr_assert_eq(apps_chip_code_set(tx, f.kr, &apps_cheap, &f.anon, mine, a.tracking_id, "7302",
				       &err),
		     SH_ECONFLICT);
	cr_assert_str_eq(err.code, "APP_NOT_EDITABLE");
	store_rollback(tx);
}
