/* test_json_person.c — json_person_write (and the lib/jsonw writer under it)
 * writes exactly the bytes of jansson's compact dump of json_person_encode,
 * for fixed and random persons, and fails where json_person_encode fails. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "api/json_person.h"
#include "lib/jsonw.h"

static uint64_t rng = 0x243F6A8885A308D3ULL;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Random valid UTF-8: ASCII (controls, quotes, backslash, slash and DEL
 * included), Urdu letters and marks, and 4-byte code points. */
static void random_text(char *dst, size_t cap)
{
	static const char *const pieces[] = {
		"a", "Z", " ", "\"", "\\", "/", "\x7f", "\x01", "\x1f", "\b", "\f", "\n", "\r", "\t",
		"\xd8\xb9\xd9\x84\xdb\x8c", /* علی */
		"\xd9\x8e",                 /* fatha */
		"\xe2\x80\xa8",             /* U+2028 */
		"\xf0\x9f\x98\x80",         /* U+1F600 */
		"'", "<", "&", "é"};
	size_t len = 0, n = next() % 12;
	dst[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *p = pieces[next() % (sizeof pieces / sizeof pieces[0])];
		size_t l = strlen(p);
		if (len + l + 1 > cap)
			break;
		memcpy(dst + len, p, l + 1);
		len += l;
	}
}

static void check_same(const struct person *p, const struct address_council *a)
{
	json_t *j = json_person_encode(p, a);
	cr_assert_not_null(j);
	char *want = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	cr_assert_not_null(want);
	struct sh_buf b;
	sh_buf_init(&b, 1 << 20);
	cr_assert_eq(json_person_write(&b, p, a), SH_OK);
	cr_assert_eq(b.len, strlen(want), "lengths differ:\n%s\n%s", want, b.data);
	cr_assert_eq(memcmp(b.data, want, b.len), 0, "bytes differ:\n%s\n%s", want, b.data);
	free(want);
	sh_buf_free(&b);
}

static struct person sample(void)
{
	struct person p;
	memset(&p, 0, sizeof p);
	snprintf(p.id_number, sizeof p.id_number, "%s", "3520212345671");
	p.version = 3;
	snprintf(p.name_en, sizeof p.name_en, "%s", "Ayesha Khan");
	snprintf(p.name_ur, sizeof p.name_ur, "%s", "\xd8\xb9\xd8\xa7\xd8\xa6\xd8\xb4\xdb\x81");
	p.gender = GENDER_FEMALE;
	p.dob = (struct sh_date){1990, 2, 28};
	snprintf(p.council_code, sizeof p.council_code, "%s", "PB-LHR-01-001");
	snprintf(p.mobile, sizeof p.mobile, "%s", "+923001234567");
	snprintf(p.father_id, sizeof p.father_id, "%s", "3520298765431");
	p.updated_at = 1700000000;
	return p;
}

static struct address_council sample_addr(void)
{
	struct address_council a;
	memset(&a, 0, sizeof a);
	snprintf(a.province.code, sizeof a.province.code, "%s", "PB");
	snprintf(a.province.name_en, sizeof a.province.name_en, "%s", "Punjab");
	snprintf(a.district.code, sizeof a.district.code, "%s", "PB-LHR");
	snprintf(a.district.name_en, sizeof a.district.name_en, "%s", "Lahore");
	snprintf(a.district.name_ur, sizeof a.district.name_ur, "%s", "\xd9\x84\xd8\xa7\xdb\x81\xd9\x88\xd8\xb1");
	snprintf(a.council.code, sizeof a.council.code, "%s", "PB-LHR-01-001");
	/* tehsil left empty: null */
	return a;
}

Test(json_person, write_matches_jansson_for_fixed_persons)
{
	struct person p = sample();
	struct address_council a = sample_addr();
	check_same(&p, NULL);
	check_same(&p, &a);
	p.legacy_number = 1;
	p.status = PERSON_DECEASED;
	p.date_of_death = (struct sh_date){2020, 1, 1};
	p.dob_precision = DOB_YEAR_ONLY;
	p.mobile[0] = p.father_id[0] = '\0';
	snprintf(p.mother_id, sizeof p.mother_id, "%s", "3520211111111");
	snprintf(p.address_line, sizeof p.address_line, "%s", "House 4, \"Gulberg\" \\ Block C/2\n");
	check_same(&p, &a);
	struct person z;
	memset(&z, 0, sizeof z);
	check_same(&z, NULL);
}

Test(json_person, write_matches_jansson_for_random_text)
{
	for (int i = 0; i < 2000; i++) {
		struct person p = sample();
		struct address_council a = sample_addr();
		random_text(p.name_en, sizeof p.name_en);
		random_text(p.name_ur, sizeof p.name_ur);
		random_text(p.guardian_name_en, sizeof p.guardian_name_en);
		random_text(p.address_line, sizeof p.address_line);
		random_text(p.place_of_birth, sizeof p.place_of_birth);
		random_text(a.tehsil.name_en, sizeof a.tehsil.name_en);
		if (next() & 1)
			snprintf(a.tehsil.code, sizeof a.tehsil.code, "%s", "PB-LHR-01");
		p.version = (int)(next() % 1000) - 500;
		p.updated_at = (int64_t)(next() % 4000000000ULL);
		check_same(&p, next() & 1 ? &a : NULL);
	}
}

Test(json_person, invalid_utf8_fails_like_encode)
{
	const char *bad[] = {"\xff", "a\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct person p = sample();
		snprintf(p.name_en, sizeof p.name_en, "%s", bad[i]);
		json_t *j = json_person_encode(&p, NULL);
		cr_assert_null(j, "jansson accepted case %zu", i);
		struct sh_buf b;
		sh_buf_init(&b, 1 << 20);
		cr_assert_eq(json_person_write(&b, &p, NULL), SH_EINVAL, "case %zu", i);
		sh_buf_free(&b);
	}
}

Test(jsonw, nesting_arrays_and_misuse)
{
	struct sh_buf b;
	struct jsonw w;
	sh_buf_init(&b, 1 << 20);
	jsonw_init(&w, &b);
	jsonw_array_open(&w);
	jsonw_int(&w, INT64_MIN);
	jsonw_int(&w, INT64_MAX);
	jsonw_bool(&w, 0);
	jsonw_string(&w, NULL);
	jsonw_object_open(&w);
	jsonw_object_close(&w);
	jsonw_array_open(&w);
	jsonw_array_close(&w);
	jsonw_array_close(&w);
	cr_assert_eq(jsonw_status(&w), SH_OK);
	cr_assert_str_eq(b.data, "[-9223372036854775808,9223372036854775807,false,null,{},[]]");
	sh_buf_free(&b);

	jsonw_init(&w, &b);
	jsonw_object_open(&w);
	jsonw_key(&w, "a");
	cr_assert_eq(jsonw_status(&w), SH_EINTERNAL); /* key without a value */
	jsonw_object_close(&w);
	cr_assert_eq(jsonw_status(&w), SH_EINTERNAL);
	sh_buf_free(&b);

	jsonw_init(&w, &b);
	jsonw_key(&w, "a"); /* a key outside an object */
	cr_assert_eq(jsonw_status(&w), SH_EINTERNAL);
	sh_buf_free(&b);

	sh_buf_init(&b, 8); /* the cap holds */
	jsonw_init(&w, &b);
	jsonw_string(&w, "0123456789");
	cr_assert_eq(jsonw_status(&w), SH_ETOOBIG);
	sh_buf_free(&b);
}
