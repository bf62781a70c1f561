/* demo.c — synthetic operators and families for demonstrations.
 *
 * Names are common Pakistani names in both scripts; the families are
 * fabricated (random dates, councils from the seeded address library) and
 * each is created through the registry like any other record, so every
 * demo person is versioned and audited. */
#include "cli/demo.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/roles.h"
#include "auth/users.h"
#include "consent/party.h"
#include "lib/parse.h"
#include "consent/policy.h"
#include "crvs/crvs.h"
#include "registry/address.h"
#include "registry/person.h"

struct name2 {
	const char *en, *ur;
};

static const struct name2 male[] = {
	{"Muhammad", "محمد"}, {"Ahmed", "احمد"}, {"Ali", "علی"}, {"Hassan", "حسن"},
	{"Usman", "عثمان"}, {"Bilal", "بلال"}, {"Imran", "عمران"}, {"Kashif", "کاشف"},
	{"Tariq", "طارق"}, {"Zubair", "زبیر"}, {"Hamza", "حمزہ"}, {"Faisal", "فیصل"},
	{"Naveed", "نوید"}, {"Saleem", "سلیم"}, {"Asif", "آصف"}, {"Junaid", "جنید"},
};
static const struct name2 female[] = {
	{"Ayesha", "عائشہ"}, {"Fatima", "فاطمہ"}, {"Zainab", "زینب"}, {"Maryam", "مریم"},
	{"Sana", "ثنا"}, {"Hina", "حنا"}, {"Rabia", "رابعہ"}, {"Nadia", "نادیہ"},
	{"Sadia", "سعدیہ"}, {"Amna", "آمنہ"}, {"Khadija", "خدیجہ"}, {"Iqra", "اقرا"},
};
static const struct name2 family[] = {
	{"Khan", "خان"}, {"Qureshi", "قریشی"}, {"Malik", "ملک"}, {"Chaudhry", "چوہدری"},
	{"Butt", "بٹ"}, {"Shah", "شاہ"}, {"Baloch", "بلوچ"}, {"Abbasi", "عباسی"},
	{"Siddiqui", "صدیقی"}, {"Awan", "اعوان"}, {"Mirza", "مرزا"}, {"Memon", "میمن"},
};
#define N(a) (sizeof a / sizeof a[0])
#define DEMO_ID_MAX 14 /* 13 digits + NUL */

static const char *const demo_districts[] = {"PB-LHR", "SD-KHI", "KP-PSH", "BA-QTA", "IS-ISB"};

struct councils {
	char codes[64][ADDRESS_CODE_MAX];
	int n;
};

static int collect(void *ctx, const struct address_place *p)
{
	struct councils *c = ctx;
	if (c->n < 64)
		snprintf(c->codes[c->n++], ADDRESS_CODE_MAX, "%s", p->code);
	return c->n >= 64;
}

static void set_name(char *out, const struct name2 *first, const struct name2 *last, int ur)
{
	snprintf(out, PERSON_NAME_MAX, "%s %s", ur ? first->ur : first->en, ur ? last->ur : last->en);
}

/* A uniformly random day from 1 January of from_year through the end of
 * from_year + span_years - 1, but never after yesterday: the registry
 * rightly refuses a dob in the future, and the demo must load on any date. */
static struct sh_date random_date(int from_year, int span_years)
{
	int64_t first = sh_date_to_days((struct sh_date){from_year, 1, 1});
	int64_t last = sh_date_to_days((struct sh_date){from_year + span_years, 1, 1}) - 1;
	int64_t yesterday = sh_date_to_days(sh_date_today()) - 1;
	if (last > yesterday)
		last = yesterday;
	if (last < first)
		last = first;
	return sh_days_to_date(first + (int64_t)randombytes_uniform((uint32_t)(last - first + 1)));
}

static void random_mobile(char *out)
{
	snprintf(out, PERSON_MOBILE_MAX, "+923%02u%07u", randombytes_uniform(50),
		 randombytes_uniform(10000000));
}

/* One family: father, mother (married), and 1-4 children. */
static int demo_family(store_tx *tx, const struct audit_actor *actor, const char *council,
		       char mother_id[DEMO_ID_MAX], struct sh_err *err)
{
	const struct name2 *surname = &family[randombytes_uniform(N(family))];
	const struct name2 *grandfather = &male[randombytes_uniform(N(male))];
	struct person father = {0}, mother = {0};

	const struct name2 *ff = &male[randombytes_uniform(N(male))];
	set_name(father.name_en, ff, surname, 0);
	set_name(father.name_ur, ff, surname, 1);
	snprintf(father.guardian_name_en, PERSON_NAME_MAX, "%s %s", grandfather->en, surname->en);
	snprintf(father.guardian_name_ur, PERSON_NAME_MAX, "%s %s", grandfather->ur, surname->ur);
	father.guardian_relation = GUARDIAN_FATHER;
	father.gender = GENDER_MALE;
	father.dob = random_date(1955, 30);
	father.marital = MARITAL_MARRIED;
	snprintf(father.council_code, PERSON_CODE_MAX, "%s", council);
	snprintf(father.place_of_birth, PERSON_NAME_MAX, "%s", "Pakistan");
	random_mobile(father.mobile);
	int rc = person_create(tx, actor, &father, "demo data", err);
	if (rc)
		return rc;

	const struct name2 *mf = &female[randombytes_uniform(N(female))];
	set_name(mother.name_en, mf, surname, 0);
	set_name(mother.name_ur, mf, surname, 1);
	snprintf(mother.guardian_name_en, PERSON_NAME_MAX, "%s", father.name_en);
	snprintf(mother.guardian_name_ur, PERSON_NAME_MAX, "%s", father.name_ur);
	mother.guardian_relation = GUARDIAN_HUSBAND;
	mother.gender = GENDER_FEMALE;
	mother.dob = random_date(father.dob.year + 1, 8);
	mother.marital = MARITAL_MARRIED;
	snprintf(mother.council_code, PERSON_CODE_MAX, "%s", council);
	snprintf(mother.place_of_birth, PERSON_NAME_MAX, "%s", "Pakistan");
	random_mobile(mother.mobile);
	if ((rc = person_create(tx, actor, &mother, "demo data", err)))
		return rc;
	snprintf(mother_id, DEMO_ID_MAX, "%s", mother.id_number);

	int children = 1 + (int)randombytes_uniform(4);
	for (int i = 0; i < children; i++) {
		struct person c = {0};
		int girl = randombytes_uniform(2);
		const struct name2 *first = girl ? &female[randombytes_uniform(N(female))]
						 : &male[randombytes_uniform(N(male))];
		set_name(c.name_en, first, surname, 0);
		set_name(c.name_ur, first, surname, 1);
		snprintf(c.guardian_name_en, PERSON_NAME_MAX, "%s", father.name_en);
		snprintf(c.guardian_name_ur, PERSON_NAME_MAX, "%s", father.name_ur);
		c.guardian_relation = GUARDIAN_FATHER;
		c.gender = girl ? GENDER_FEMALE : GENDER_MALE;
		c.dob = random_date(mother.dob.year + 20, 15);
		snprintf(c.council_code, PERSON_CODE_MAX, "%s", council);
		snprintf(c.place_of_birth, PERSON_NAME_MAX, "%s", "Pakistan");
		snprintf(c.mother_id, sizeof c.mother_id, "%s", mother.id_number);
		snprintf(c.father_id, sizeof c.father_id, "%s", father.id_number);
		if ((rc = person_create(tx, actor, &c, "demo data", err)))
			return rc;
	}
	return SH_OK;
}

/* Work waiting for the demo operators, made through the domain code like
 * any other: a nikah licence for `nikah`, birth notifications from the
 * health facility pending at the registrar's council, and a relying party
 * (its secret is printed once, as the API would answer it). */
static int demo_workflows(store *db, struct keyring *keys, const char *council,
			  char mothers[][DEMO_ID_MAX], int nmothers, struct sh_err *err)
{
	struct audit_actor admin = {.kind = "system", .name = "shanakht init --demo"};
	struct crvs_ctx c = {.db = db, .actor = &admin, .role_bit = ROLE_ADMIN};
	struct crvs_licence lic;
	int rc = crvs_licence_grant(&c, "nikah", council, &lic, err);
	if (rc)
		return rc;

	struct audit_actor health = {.kind = "operator", .name = "health", .role = "health_notifier"};
	struct crvs_ctx hc = {.db = db, .actor = &health, .role_bit = ROLE_HEALTH_NOTIFIER};
	struct sh_date today = sh_date_today();
	int pending = 0;
	for (int i = 0; i < nmothers && pending < 3; i++) {
		struct crvs_birth_notice n = {0};
		struct crvs_outcome out;
		/* A bounded copy: gcc -O3 (Release) proves snprintf may cut a
		 * DEMO_ID_MAX string and -Werror stops the build. */
		size_t ml = strnlen(mothers[i], sizeof n.mother_id);
		if (ml == sizeof n.mother_id)
			continue; /* not an identity number */
		memcpy(n.mother_id, mothers[i], ml);
		n.mother_id[ml] = '\0';
		n.sex = i % 2 ? GENDER_FEMALE : GENDER_MALE;
		n.date = sh_days_to_date(sh_date_to_days(today) - (1 + i));
		static const char *const times[] = {"03:40", "11:05", "22:15"};
		snprintf(n.time, sizeof n.time, "%s", times[pending]);
		snprintf(n.place, sizeof n.place, "Lady Willingdon Hospital");
		snprintf(n.facility, sizeof n.facility, "Lady Willingdon Hospital, Lahore");
		n.weight_grams = 2900 + 150 * i;
		n.birth_order = 1;
		snprintf(n.council_code, sizeof n.council_code, "%s", council);
		rc = crvs_notify_birth(&hc, &n, &out, err);
		if (rc == SH_ERULE) /* e.g. a demo mother past child-bearing age: next */
			continue;
		if (rc)
			return rc;
		pending++;
	}

	struct party p = {.sector = "bank", .types = VT_YESNO | VT_KYC,
			  .kyc_attrs = KA_NAME_EN | KA_NAME_UR | KA_FATHER_NAME_EN | KA_DOB |
				       KA_ADDRESS};
	snprintf(p.name, sizeof p.name, "Demo Bank");
	struct party_key_issued key;
	store_tx *tx = NULL;
	if ((rc = store_begin(db, STORE_WRITE, &tx, err)))
		return rc;
	rc = party_create(tx, keys, &admin, &p, &key, err);
	if (rc == SH_OK)
		rc = store_commit(tx, err);
	else
		store_rollback(tx);
	if (rc)
		return rc;
	printf("demo data: %d birth notifications pending at %s; nikah licence %s;\n"
	       "  relying party \"Demo Bank\" (yesno, kyc): X-Party-Key %s, secret %s "
	       "(shown once; see docs/relying-parties.md)\n",
	       pending, council, lic.licence_no, key.key_id, key.secret);
	return SH_OK;
}

int demo_load(store *db, struct keyring *keys, const char *password, struct sh_err *err)
{
	struct audit_actor actor = {.kind = "system", .name = "shanakht init --demo"};
	store_tx *tx = NULL;
	struct councils councils = {0};
	int rc = store_begin(db, STORE_WRITE, &tx, err);
	if (rc)
		return rc;
	for (size_t d = 0; d < N(demo_districts) && councils.n < 64; d++) {
		struct councils one = {0};
		if ((rc = address_list_councils(tx, NULL, demo_districts[d], collect, &one, err)))
			goto out;
		for (int i = 0; i < one.n && i < 8 && councils.n < 64; i++)
			memcpy(councils.codes[councils.n++], one.codes[i], ADDRESS_CODE_MAX);
	}
	if (councils.n == 0) {
		rc = sh_err_set(err, SH_EINTERNAL, "NO_COUNCILS", "the address library is empty");
		goto out;
	}

	static const struct {
		const char *name, *role;
		int council;
	} ops[] = {
		{"registrar", "uc_registrar", 1},   {"health", "health_notifier", 0},
		{"nikah", "nikah_registrar", 1},    {"court", "court_clerk", 0},
		{"officer", "case_officer", 0},     {"enrol", "enrolment_operator", 0},
		{"auditor", "auditor", 0},
	};
	int64_t id;
	for (size_t i = 0; i < N(ops); i++) {
		rc = auth_user_create(tx, &actor, ops[i].name, password, role_from_name(ops[i].role),
				      ops[i].council ? councils.codes[0] : NULL, &id, err);
		if (rc)
			goto out;
	}
	int families = 60, nmothers = 0;
	char mothers[8][DEMO_ID_MAX], mother[DEMO_ID_MAX];
	for (int f = 0; f < families; f++) {
		if ((rc = demo_family(tx, &actor, councils.codes[f % councils.n], mother, err)))
			goto out;
		if (f % councils.n == 0 && nmothers < 8)
			memcpy(mothers[nmothers++], mother, DEMO_ID_MAX);
	}
	rc = store_commit(tx, err);
	tx = NULL;
	if (rc == SH_OK) {
		printf("demo data: %d families; operators ", families);
		for (size_t i = 0; i < N(ops); i++)
			printf("%s%s (%s)", i ? ", " : "", ops[i].name, ops[i].role);
		printf(" share the admin password; registrar and nikah belong to council %s\n",
		       councils.codes[0]);
		rc = demo_workflows(db, keys, councils.codes[0], mothers, nmothers, err);
	}
out:
	if (tx)
		store_rollback(tx);
	return rc;
}
