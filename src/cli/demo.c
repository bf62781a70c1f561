/* demo.c — synthetic operators and families for demonstrations.
 *
 * Names are common Pakistani names in both scripts; the families are
 * fabricated (random dates, councils from the seeded address library).
 * The parents are created through the registry like any other record; the
 * family itself is registered civil events through crvs, as a council
 * would: the parents' nikah (licensed nikah registrar, two witnesses,
 * registered by the council) and each child's birth (notified by a
 * facility, registered with the child's names). So "married" always has a
 * marriage record behind it, and every demo person is versioned and
 * audited. Everything runs in the caller's one transaction. */
#include "cli/demo.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/password.h"
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

/* Who registers the demo's events, in the caller's transaction. */
struct demo_ctx {
	store_tx *tx;
	const char *council;            /* where the nikahs are performed */
	char witness[2][DEMO_ID_MAX];   /* two elders of that council */
};

static struct crvs_ctx demo_crvs(const struct demo_ctx *dc, const struct audit_actor *a,
				 unsigned role)
{
	struct crvs_ctx c = {.actor = a, .role_bit = role, .council_code = dc->council,
			     .tx = dc->tx};
	return c;
}

static const struct audit_actor demo_admin = {.kind = "system", .name = "shanakht init --demo"};
static const struct audit_actor demo_nikah = {.kind = "operator", .name = "nikah",
					      .role = "nikah_registrar"};
static const struct audit_actor demo_health = {.kind = "operator", .name = "health",
					       .role = "health_notifier"};

static void id_copy(char *dst, const char *src)
{
	size_t n = strnlen(src, DEMO_ID_MAX - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* The parents' nikah, submitted by the licensed nikah registrar and
 * registered by the council: that is what makes them married. */
static int demo_marriage(const struct demo_ctx *dc, const struct person *h,
			 const struct person *w, struct sh_date on, struct sh_err *err)
{
	struct crvs_marriage_notice n;
	memset(&n, 0, sizeof n);
	id_copy(n.husband_id, h->id_number);
	id_copy(n.wife_id, w->id_number);
	id_copy(n.witness1_id, dc->witness[0]);
	id_copy(n.witness2_id, dc->witness[1]);
	n.date = on;
	snprintf(n.place, sizeof n.place, "%s", "the bride's family home");
	snprintf(n.council_code, sizeof n.council_code, "%s", dc->council);
	snprintf(n.dower, sizeof n.dower, "%s", "PKR 100,000");
	n.husband_consent = n.wife_consent = 1;
	snprintf(n.late_reason, sizeof n.late_reason, "%s", "demo data: a past marriage");
	struct crvs_ctx k = demo_crvs(dc, &demo_nikah, ROLE_NIKAH_REGISTRAR);
	struct crvs_ctx r = demo_crvs(dc, &demo_admin, ROLE_ADMIN);
	struct crvs_outcome o, reg;
	int rc = crvs_submit_marriage(&k, &n, &o, err);
	return rc ? rc : crvs_register(&r, o.event_id, NULL, &reg, err);
}

/* A child's birth, notified by a facility and registered with its names.
 * A rule refusal (SH_ERULE: e.g. a twin's date drawn twice) skips it. */
static int demo_birth(const struct demo_ctx *dc, const struct person *mother,
		      const struct person *father, const struct name2 *first,
		      const struct name2 *surname, int girl, struct sh_date on, struct sh_err *err)
{
	struct crvs_birth_notice n;
	memset(&n, 0, sizeof n);
	id_copy(n.mother_id, mother->id_number);
	id_copy(n.father_id, father->id_number);
	n.sex = girl ? GENDER_FEMALE : GENDER_MALE;
	n.date = on;
	snprintf(n.place, sizeof n.place, "%s", "District Headquarters Hospital");
	snprintf(n.facility, sizeof n.facility, "%s", "District Headquarters Hospital");
	n.birth_order = 1;
	snprintf(n.council_code, sizeof n.council_code, "%s", mother->council_code);
	snprintf(n.late_reason, sizeof n.late_reason, "%s", "demo data: a past birth");
	struct crvs_ctx h = demo_crvs(dc, &demo_health, ROLE_HEALTH_NOTIFIER);
	struct crvs_ctx r = demo_crvs(dc, &demo_admin, ROLE_ADMIN);
	struct crvs_registration names;
	memset(&names, 0, sizeof names);
	set_name(names.name_en, first, surname, 0);
	set_name(names.name_ur, first, surname, 1);
	struct crvs_outcome o, reg;
	int rc = crvs_notify_birth(&h, &n, &o, err);
	if (rc == SH_OK)
		rc = crvs_register(&r, o.event_id, &names, &reg, err);
	return rc == SH_ERULE ? SH_OK : rc;
}

/* One family: father and mother, their nikah, and 1-4 children born to
 * them after it. */
static int demo_family(const struct demo_ctx *dc, const char *council,
		       char mother_id[DEMO_ID_MAX], struct sh_err *err)
{
	store_tx *tx = dc->tx;
	const struct audit_actor *actor = &demo_admin;
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
	snprintf(mother.council_code, PERSON_CODE_MAX, "%s", council);
	snprintf(mother.place_of_birth, PERSON_NAME_MAX, "%s", "Pakistan");
	random_mobile(mother.mobile);
	if ((rc = person_create(tx, actor, &mother, "demo data", err)))
		return rc;
	id_copy(mother_id, mother.id_number);

	/* Married at 20 to 22; the children come after. */
	int64_t wed = sh_date_to_days(mother.dob) + 20 * 365 + randombytes_uniform(3 * 365);
	if ((rc = demo_marriage(dc, &father, &mother, sh_days_to_date(wed), err)))
		return rc;
	int64_t yesterday = sh_date_to_days(sh_date_today()) - 1;
	int children = 1 + (int)randombytes_uniform(4);
	for (int i = 0; i < children; i++) {
		int64_t born = wed + 300 + randombytes_uniform(15 * 365);
		if (born > yesterday)
			continue;
		int girl = randombytes_uniform(2);
		const struct name2 *first = girl ? &female[randombytes_uniform(N(female))]
						 : &male[randombytes_uniform(N(male))];
		if ((rc = demo_birth(dc, &mother, &father, first, surname, girl,
				     sh_days_to_date(born), err)))
			return rc;
	}
	return SH_OK;
}

/* Two elders who witness the demo's nikahs. */
static int demo_witnesses(struct demo_ctx *dc, struct sh_err *err)
{
	for (int i = 0; i < 2; i++) {
		struct person w = {0};
		const struct name2 *first = &male[i], *last = &family[N(family) - 1 - (size_t)i];
		set_name(w.name_en, first, last, 0);
		set_name(w.name_ur, first, last, 1);
		w.gender = GENDER_MALE;
		w.dob = random_date(1935, 10);
		snprintf(w.council_code, PERSON_CODE_MAX, "%s", dc->council);
		snprintf(w.place_of_birth, PERSON_NAME_MAX, "%s", "Pakistan");
		int rc = person_create(dc->tx, &demo_admin, &w, "demo data: nikah witness", err);
		if (rc)
			return rc;
		id_copy(dc->witness[i], w.id_number);
	}
	return SH_OK;
}

/* Work waiting for the demo operators, made through the domain code like
 * any other: birth notifications from the health facility pending at the
 * registrar's council, and a relying party (its secret is printed once, as
 * the API would answer it). */
static int demo_workflows(const struct demo_ctx *dc, struct keyring *keys,
			  char mothers[][DEMO_ID_MAX], int nmothers, struct demo_summary *out,
			  struct sh_err *err)
{
	struct crvs_ctx hc = demo_crvs(dc, &demo_health, ROLE_HEALTH_NOTIFIER);
	struct sh_date today = sh_date_today();
	int rc;
	for (int i = 0; i < nmothers && out->pending < 3; i++) {
		struct crvs_birth_notice n = {0};
		struct crvs_outcome o;
		id_copy(n.mother_id, mothers[i]);
		n.sex = i % 2 ? GENDER_FEMALE : GENDER_MALE;
		n.date = sh_days_to_date(sh_date_to_days(today) - (1 + i));
		static const char *const times[] = {"03:40", "11:05", "22:15"};
		snprintf(n.time, sizeof n.time, "%s", times[out->pending]);
		snprintf(n.place, sizeof n.place, "Lady Willingdon Hospital");
		snprintf(n.facility, sizeof n.facility, "Lady Willingdon Hospital, Lahore");
		n.weight_grams = 2900 + 150 * i;
		n.birth_order = 1;
		snprintf(n.council_code, sizeof n.council_code, "%s", dc->council);
		rc = crvs_notify_birth(&hc, &n, &o, err);
		if (rc == SH_ERULE) /* e.g. a demo mother past child-bearing age: next */
			continue;
		if (rc)
			return rc;
		out->pending++;
	}
	struct party p = {.sector = "bank", .types = VT_YESNO | VT_KYC,
			  .kyc_attrs = KA_NAME_EN | KA_NAME_UR | KA_FATHER_NAME_EN | KA_DOB |
				       KA_ADDRESS};
	snprintf(p.name, sizeof p.name, "Demo Bank");
	return party_create(dc->tx, keys, &demo_admin, &p, &out->key, err);
}

static const struct {
	const char *name, *role;
	int council;
} demo_ops[] = {
	{"registrar", "uc_registrar", 1}, {"health", "health_notifier", 0},
	{"nikah", "nikah_registrar", 1},  {"court", "court_clerk", 0},
	{"officer", "case_officer", 0},   {"enrol", "enrolment_operator", 0},
	{"auditor", "auditor", 0},
};

int demo_password_check(const char *password, struct sh_err *err)
{
	for (size_t i = 0; i < N(demo_ops); i++) {
		struct sh_err why = {0};
		int rc = auth_password_check(password, demo_ops[i].name, &why);
		if (rc != SH_OK)
			return sh_err_set(err, rc, "WEAK_PASSWORD",
					  "the demo operators share the admin password: for %s, %s",
					  demo_ops[i].name, why.msg);
	}
	return SH_OK;
}

int demo_load(store_tx *tx, struct keyring *keys, const char *password,
	      struct demo_summary *out, struct sh_err *err)
{
	struct councils councils = {0};
	int rc;
	memset(out, 0, sizeof *out);
	for (size_t d = 0; d < N(demo_districts) && councils.n < 64; d++) {
		struct councils one = {0};
		if ((rc = address_list_councils(tx, NULL, demo_districts[d], collect, &one, err)))
			return rc;
		for (int i = 0; i < one.n && i < 8 && councils.n < 64; i++)
			memcpy(councils.codes[councils.n++], one.codes[i], ADDRESS_CODE_MAX);
	}
	if (councils.n == 0)
		return sh_err_set(err, SH_EINTERNAL, "NO_COUNCILS", "the address library is empty");
	snprintf(out->council, sizeof out->council, "%s", councils.codes[0]);
	int64_t id;
	for (size_t i = 0; i < N(demo_ops); i++)
		if ((rc = auth_user_create(tx, &demo_admin, &auth_pwcost_default,
					   demo_ops[i].name, password,
					   role_from_name(demo_ops[i].role),
					   demo_ops[i].council ? councils.codes[0] : NULL, &id, err)))
			return rc;
	struct demo_ctx dc = {.tx = tx, .council = councils.codes[0]};
	struct crvs_ctx admin = demo_crvs(&dc, &demo_admin, ROLE_ADMIN);
	struct crvs_licence lic;
	if ((rc = crvs_licence_grant(&admin, "nikah", councils.codes[0], &lic, err)) ||
	    (rc = demo_witnesses(&dc, err)))
		return rc;
	snprintf(out->licence_no, sizeof out->licence_no, "%s", lic.licence_no);
	int nmothers = 0;
	char mothers[8][DEMO_ID_MAX], mother[DEMO_ID_MAX];
	for (out->families = 0; out->families < 60; out->families++) {
		int f = out->families;
		if ((rc = demo_family(&dc, councils.codes[f % councils.n], mother, err)))
			return rc;
		if (f % councils.n == 0 && nmothers < 8)
			memcpy(mothers[nmothers++], mother, DEMO_ID_MAX);
	}
	rc = demo_workflows(&dc, keys, mothers, nmothers, out, err);
	if (rc == SH_OK)
		rc = demo_biometrics(tx, password, councils.codes[0], out->device_sk, err);
	return rc;
}

void demo_print(struct demo_summary *s)
{
	printf("demo data: %d families (their nikahs and births registered as civil events);"
	       " operators ",
	       s->families);
	for (size_t i = 0; i < N(demo_ops); i++)
		printf("%s%s (%s)", i ? ", " : "", demo_ops[i].name, demo_ops[i].role);
	printf(" share the admin password; registrar and nikah belong to council %s\n",
	       s->council);
	printf("demo data: %d birth notifications pending at %s; nikah licence %s;\n"
	       "  relying party \"Demo Bank\" (yesno, kyc): X-Party-Key %s, secret %s "
	       "(shown once; see docs/relying-parties.md)\n",
	       s->pending, s->council, s->licence_no, s->key.key_id, s->key.secret);
	demo_biometrics_print(s->council, s->device_sk);
}
