/* concord_link.c — one council's imported records linked to the registry's
 * persons of its district with the record-linkage engine (link mode, the
 * registry declared unique), each record's result stored with the
 * operators' earlier decisions applied. */
#include "concord/concord.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/parse.h"
#include "linkage/lk_link.h"
#include "registry/address.h"
#include "registry/person.h"

#define SRC_REGISTRY 0u
#define SRC_COUNCIL 1u

struct side {
	struct lk_table t;
	char (*person_id)[PERSON_IDNUM_LEN + 1]; /* registry rows, in table order */
	size_t npersons, cap_persons;
	int64_t *record_id;                      /* council rows, in table order */
	size_t nrecords, cap_records;
	int latin;                               /* compare the Latin-script names */
	struct sh_err *err;
	int rc;
};

/* "Ali Raza Khan" -> given "Ali Raza", family "Khan" (the last word is the
 * family or clan name in both scripts, as councils write them). */
static void split_name(const char *full, char *given, size_t gcap, char *family, size_t fcap)
{
	snprintf(given, gcap, "%s", full);
	family[0] = '\0';
	char *sp = strrchr(given, ' ');
	if (sp && sp[1]) {
		snprintf(family, fcap, "%s", sp + 1);
		while (sp > given && sp[-1] == ' ')
			sp--;
		*sp = '\0';
	}
}

static int add_person(void *ctx, const struct person *p)
{
	struct side *s = ctx;
	char given[PERSON_NAME_MAX], family[PERSON_NAME_MAX], dob[16] = "";
	const char *name = s->latin && p->name_en[0] ? p->name_en : p->name_ur;
	const char *father = s->latin && p->guardian_name_en[0] ? p->guardian_name_en
								: p->guardian_name_ur;
	split_name(name, given, sizeof given, family, sizeof family);
	if (p->dob.year) {
		if (p->dob_precision == DOB_YEAR_ONLY)
			snprintf(dob, sizeof dob, "%04u", (unsigned)p->dob.year % 10000u);
		else
			snprintf(dob, sizeof dob, "%04u%02u%02u", (unsigned)p->dob.year % 10000u,
				 (unsigned)p->dob.month % 100u, (unsigned)p->dob.day % 100u);
	}
	const char *raw[LK_NF] = {0};
	raw[LK_GIVEN] = given;
	raw[LK_SURNAME] = family;
	raw[LK_FATHER] = father;
	raw[LK_DOB] = dob;
	raw[LK_SEX] = p->gender == GENDER_MALE ? "male" : p->gender == GENDER_FEMALE ? "female" : "";
	raw[LK_ADDR1] = p->address_line;
	raw[LK_LOCALITY] = p->council_code;
	raw[LK_IDNO] = p->id_number;
	if (s->npersons == s->cap_persons) {
		size_t nc = s->cap_persons ? 2 * s->cap_persons : 256;
		void *np = realloc(s->person_id, nc * sizeof *s->person_id);
		if (!np) {
			s->rc = sh_err_set(s->err, SH_ENOMEM, "OUT_OF_MEMORY", "out of memory");
			return 1;
		}
		s->person_id = np;
		s->cap_persons = nc;
	}
	s->rc = lk_table_add(&s->t, raw, SRC_REGISTRY, -1, s->err);
	if (s->rc != SH_OK)
		return 1;
	snprintf(s->person_id[s->npersons++], PERSON_IDNUM_LEN + 1, "%s", p->id_number);
	return 0;
}

/* The council's records, in id order; which script to compare is decided
 * first (the script most of the council's records carry). */
static int load_records(store_tx *tx, const char *council, struct side *s, struct sh_err *err)
{
	store_stmt *st = NULL;
	int rc = store_query(tx, &st, err,
			     "SELECT count(*), coalesce(sum(CASE WHEN name <> '' OR given <> ''"
			     " THEN 1 ELSE 0 END), 0) FROM concord_records WHERE council_code = ?",
			     "t", council);
	if (rc != SH_OK)
		return rc;
	rc = store_step(st, err);
	if (rc == STORE_ROW) {
		int64_t all = store_col_int(st, 0), latin = store_col_int(st, 1);
		s->latin = 2 * latin >= all;
		rc = SH_OK;
	}
	store_finalize(st);
	if (rc != SH_OK)
		return rc;
	return SH_OK;
}

static int add_records(store_tx *tx, const char *council, struct side *s, struct sh_err *err)
{
	store_stmt *st = NULL;
	int rc = store_query(tx, &st, err,
			     "SELECT id, name, given, family, father, name_ur, father_ur, dob, sex,"
			     " id_number, address, council_code FROM concord_records"
			     " WHERE council_code = ? ORDER BY id",
			     "t", council);
	if (rc != SH_OK)
		return rc;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		const char *name = store_col_text(st, 1), *given = store_col_text(st, 2);
		const char *family = store_col_text(st, 3), *father = store_col_text(st, 4);
		const char *name_ur = store_col_text(st, 5), *father_ur = store_col_text(st, 6);
		char g[512], f[512], dob[16] = "";
		if (s->latin && (given[0] || name[0])) {
			if (given[0]) {
				snprintf(g, sizeof g, "%s", given);
				snprintf(f, sizeof f, "%s", family);
			} else {
				split_name(name, g, sizeof g, f, sizeof f);
			}
		} else {
			split_name(name_ur[0] ? name_ur : name, g, sizeof g, f, sizeof f);
		}
		const char *fa = s->latin && father[0] ? father : father_ur[0] ? father_ur : father;
		const char *d = store_col_text(st, 7);
		size_t k = 0;
		for (size_t i = 0; d[i] && k + 1 < sizeof dob; i++)
			if (d[i] != '-')
				dob[k++] = d[i];
		dob[k] = '\0';
		const char *sex = store_col_text(st, 8);
		const char *raw[LK_NF] = {0};
		raw[LK_GIVEN] = g;
		raw[LK_SURNAME] = f;
		raw[LK_FATHER] = fa;
		raw[LK_DOB] = dob;
		raw[LK_SEX] = strcmp(sex, "unknown") ? sex : "";
		raw[LK_ADDR1] = store_col_text(st, 10);
		raw[LK_LOCALITY] = store_col_text(st, 11);
		raw[LK_IDNO] = store_col_text(st, 9);
		if (s->nrecords == s->cap_records) {
			size_t nc = s->cap_records ? 2 * s->cap_records : 256;
			int64_t *nr = realloc(s->record_id, nc * sizeof *nr);
			if (!nr) {
				rc = sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "out of memory");
				break;
			}
			s->record_id = nr;
			s->cap_records = nc;
		}
		rc = lk_table_add(&s->t, raw, SRC_COUNCIL, -1, err);
		if (rc != SH_OK)
			break;
		s->record_id[s->nrecords++] = store_col_int(st, 0);
	}
	store_finalize(st);
	return rc == STORE_DONE ? SH_OK : rc;
}

/* The index of record id `id` among the council rows (ids ascending). */
static long record_index(const struct side *s, int64_t id)
{
	size_t lo = 0, hi = s->nrecords;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->record_id[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->nrecords && s->record_id[lo] == id ? (long)lo : -1;
}

struct decision {
	long rec;
	char person[PERSON_IDNUM_LEN + 1];
	int same;
};

struct best {
	long person; /* index into person_id, -1 none */
	float p;
	int decided;
	char forced[PERSON_IDNUM_LEN + 1]; /* a "same" decision's person */
};

static int excluded(const struct decision *d, size_t nd, long rec, const char *person)
{
	for (size_t i = 0; i < nd; i++)
		if (d[i].rec == rec && !d[i].same && !strcmp(d[i].person, person))
			return 1;
	return 0;
}

static int load_decisions(store_tx *tx, const char *council, const struct side *s,
			  struct decision **out, size_t *n, struct sh_err *err)
{
	store_stmt *st = NULL;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	int rc = store_query(tx, &st, err,
			     "SELECT d.record_id, d.person_id, d.decision FROM concord_decisions d"
			     " JOIN concord_records r ON r.id = d.record_id WHERE r.council_code = ?"
			     " ORDER BY d.decided_at, d.record_id",
			     "t", council);
	if (rc != SH_OK)
		return rc;
	while ((rc = store_step(st, err)) == STORE_ROW) {
		long rec = record_index(s, store_col_int(st, 0));
		if (rec < 0)
			continue;
		if (*n == cap) {
			size_t nc = cap ? 2 * cap : 16;
			struct decision *nd = realloc(*out, nc * sizeof *nd);
			if (!nd) {
				rc = sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "out of memory");
				break;
			}
			*out = nd;
			cap = nc;
		}
		struct decision *d = &(*out)[(*n)++];
		d->rec = rec;
		snprintf(d->person, sizeof d->person, "%s", store_col_text(st, 1));
		d->same = !strcmp(store_col_text(st, 2), "same");
	}
	store_finalize(st);
	return rc == STORE_DONE ? SH_OK : rc;
}

int concord_link(store_tx *tx, const struct audit_actor *actor, const char *council,
		 struct concord_link_summary *out, struct sh_err *err)
{
	memset(out, 0, sizeof *out);
	struct side s = {.err = err};
	lk_table_init(&s.t);
	struct lk_result res = {0};
	struct decision *dec = NULL;
	size_t ndec = 0;
	struct best *best = NULL;
	struct address_council addr;
	int rc = address_council_get(tx, council, &addr, err);
	if (rc != SH_OK)
		goto out;
	rc = load_records(tx, council, &s, err);
	if (rc != SH_OK)
		goto out;
	/* Registry first (source 0), then the council's records (source 1). */
	rc = person_each_in_area(tx, addr.district.code, add_person, &s, err);
	if (rc == SH_OK)
		rc = s.rc;
	if (rc != SH_OK)
		goto out;
	size_t np = s.npersons;
	rc = add_records(tx, council, &s, err);
	if (rc != SH_OK)
		goto out;
	rc = load_decisions(tx, council, &s, &dec, &ndec, err);
	if (rc != SH_OK)
		goto out;
	out->records = s.nrecords;
	out->persons = np;
	struct lk_params prm;
	lk_params_default(&prm);
	prm.unique_sources = 1ull << SRC_REGISTRY;
	if (np && s.nrecords) {
		rc = lk_run(&s.t, 1, &prm, &res, err);
		if (rc != SH_OK)
			goto out;
	}
	out->pairs = res.npairs;
	best = calloc(s.nrecords ? s.nrecords : 1, sizeof *best);
	if (!best) {
		rc = sh_err_set(err, SH_ENOMEM, "OUT_OF_MEMORY", "out of memory");
		goto out;
	}
	for (size_t i = 0; i < s.nrecords; i++)
		best[i].person = -1;
	for (size_t k = 0; k < res.npairs; k++) {
		uint32_t a = res.pairs[k].a, b = res.pairs[k].b;
		uint32_t pi = a < np ? a : b, ri = a < np ? b : a;
		if (pi >= np || ri < np)
			continue;
		long rec = (long)(ri - np);
		if (excluded(dec, ndec, rec, s.person_id[pi]))
			continue;
		if (best[rec].person < 0 || res.pairs[k].p > best[rec].p) {
			best[rec].person = (long)pi;
			best[rec].p = res.pairs[k].p;
		}
	}
	for (size_t i = 0; i < ndec; i++) {
		if (!dec[i].same)
			continue;
		best[dec[i].rec].decided = 1;
		snprintf(best[dec[i].rec].forced, sizeof best[dec[i].rec].forced, "%s", dec[i].person);
	}
	rc = store_run(tx, err, "DELETE FROM concord_links WHERE council_code = ?", "t", council);
	if (rc < 0)
		goto out;
	int64_t now = sh_now();
	for (size_t i = 0; i < s.nrecords; i++) {
		const char *status, *person = NULL;
		int64_t ppm = 0;
		if (best[i].decided) {
			status = "link", person = best[i].forced, ppm = 1000000;
			out->decided++;
		} else if (best[i].person >= 0 && best[i].p >= prm.link_p) {
			status = "link", person = s.person_id[best[i].person];
		} else if (best[i].person >= 0 && best[i].p >= prm.review_p) {
			status = "review", person = s.person_id[best[i].person];
		} else {
			status = "nonlink";
		}
		if (person && !best[i].decided)
			ppm = (int64_t)(best[i].p * 1e6 + 0.5);
		if (!strcmp(status, "link"))
			out->links++;
		else if (!strcmp(status, "review"))
			out->review++;
		else
			out->nonlinks++;
		rc = store_run(tx, err,
			       "INSERT INTO concord_links (record_id, council_code, status, person_id,"
			       " probability_ppm, decided, linked_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			       "itttiii", s.record_id[i], council, status, person, ppm,
			       (int64_t)best[i].decided, now);
		if (rc < 0)
			goto out;
	}
	char object[48], detail[256];
	snprintf(object, sizeof object, "council:%s", council);
	snprintf(detail, sizeof detail,
		 "{\"records\":%zu,\"persons\":%zu,\"links\":%zu,\"review\":%zu,\"nonlinks\":%zu,"
		 "\"decided\":%zu}",
		 out->records, out->persons, out->links, out->review, out->nonlinks, out->decided);
	rc = audit_append(tx, actor, "concord.link", object, detail, err);
out:
	free(best);
	free(dec);
	lk_result_free(&res);
	lk_table_free(&s.t);
	free(s.person_id);
	free(s.record_id);
	return rc;
}
