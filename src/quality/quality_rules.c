/* quality_rules.c — every registry-quality indicator and fraud signal, one
 * named rule each: its description, kind, query, threshold and unit
 * (quality.h says what a query returns and what the parameter letters
 * bind). The queries read only the domains' reporting views (D37) and this
 * module's telco list, and are one text for SQLite and PostgreSQL. The
 * thresholds are policy targets, not figures fitted to any data set. */
#include "quality/quality.h"

#include <string.h>

/* Age bands as the policy's tables report them; the `?`s bind the year.
 * Coverage is read by a scalar subquery per person, not a LEFT JOIN: SQLite
 * would rebuild the view for every row of a join (29 s on 20k persons),
 * while the subquery is flattened onto bio_enrolments' person index. */
#define AGE_BAND                                                                      \
	"CASE WHEN ? - p.dob_year < 18 THEN '0-17' WHEN ? - p.dob_year < 30 THEN '18-29'" \
	" WHEN ? - p.dob_year < 45 THEN '30-44' WHEN ? - p.dob_year < 60 THEN '45-59'"   \
	" ELSE '60+' END"

/* Births of one mother compared pairwise (event ids a < b), both registered. */
#define BIRTH_PAIRS                                                                    \
	" FROM v_birth_facts a JOIN v_birth_facts b ON b.mother_id = a.mother_id"        \
	" AND b.event_id > a.event_id WHERE a.status = 'registered' AND b.status = 'registered'"

const struct quality_rule quality_rules[] = {
	/* --- indicators -------------------------------------------------- */
	{"birth_year_only", "living persons whose date of birth is known only as a year",
	 QUALITY_INDICATOR,
	 "SELECT '', SUM(CASE WHEN dob_precision = 'year' THEN 1 ELSE 0 END), COUNT(*)"
	 " FROM v_person_facts WHERE status = 'alive'",
	 "", 0.01, "share"},
	/* No card register exists on main: a card is taken as issued with the
	 * record's latest version and valid ten years (NADRA's CNIC validity),
	 * for adults only (docs/quality.md). */
	{"expired_cards", "living adults whose card (issued at the record's latest version) is"
	 " more than ten years old", QUALITY_INDICATOR,
	 "SELECT '', SUM(CASE WHEN card_issued_at < ? THEN 1 ELSE 0 END), COUNT(*)"
	 " FROM v_person_facts WHERE status = 'alive' AND +dob_year <= ?",
	 "ta", 0.05, "share"},
	{"no_fingerprints", "living persons with no fingerprint template, by sex and age band",
	 QUALITY_INDICATOR,
	 "SELECT p.gender || ' ' || " AGE_BAND ","
	 " SUM(CASE WHEN COALESCE((SELECT c.fingers FROM v_bio_coverage c"
	 " WHERE c.id_number = p.id_number), 0) = 0 THEN 1 ELSE 0 END), COUNT(*)"
	 " FROM v_person_facts p WHERE p.status = 'alive' GROUP BY 1 ORDER BY 1",
	 "yyyy", 0.05, "share"},
	{"no_photograph", "living persons with no photograph, by sex and age band",
	 QUALITY_INDICATOR,
	 "SELECT p.gender || ' ' || " AGE_BAND ","
	 " SUM(CASE WHEN COALESCE((SELECT c.photos FROM v_bio_coverage c"
	 " WHERE c.id_number = p.id_number), 0) = 0 THEN 1 ELSE 0 END), COUNT(*)"
	 " FROM v_person_facts p WHERE p.status = 'alive' GROUP BY 1 ORDER BY 1",
	 "yyyy", 0.05, "share"},
	/* A registered child with one parent linked and the other not: that
	 * parent's spouse is unregistered (counted once per registered parent). */
	{"spouses_unregistered", "registered parents whose registered children name no other"
	 " parent (the spouse is unregistered)", QUALITY_INDICATOR,
	 "SELECT 'mothers', COUNT(DISTINCT CASE WHEN father_id IS NULL THEN mother_id END),"
	 " COUNT(DISTINCT mother_id) FROM v_person_facts WHERE mother_id IS NOT NULL"
	 " UNION ALL SELECT 'fathers', COUNT(DISTINCT CASE WHEN mother_id IS NULL THEN father_id"
	 " END), COUNT(DISTINCT father_id) FROM v_person_facts WHERE father_id IS NOT NULL",
	 "", 0.05, "share"},
	/* A household is the living persons at one address line of a council. */
	{"single_person_households", "households (council and address) with one living member",
	 QUALITY_INDICATOR,
	 "SELECT '', SUM(CASE WHEN n = 1 THEN 1 ELSE 0 END), COUNT(*) FROM (SELECT COUNT(*) AS n"
	 " FROM v_person_facts WHERE status = 'alive' AND address_line IS NOT NULL"
	 " AND address_line <> '' GROUP BY council_code, address_line) h",
	 "", 0.10, "share"},
	{"deceased_verified_after_death", "deceased persons with a verification transaction"
	 " after the day of death", QUALITY_INDICATOR,
	 "SELECT '', (SELECT COUNT(DISTINCT p.id_number) FROM v_person_facts p"
	 " JOIN v_verify_facts v ON v.id_number = p.id_number"
	 " WHERE p.status = 'deceased' AND v.day > p.death_day),"
	 " (SELECT COUNT(*) FROM v_person_facts WHERE status = 'deceased')",
	 "", 0, "count"},
	{"deceased_active_sim", "deceased persons on an imported telco list of active SIMs",
	 QUALITY_INDICATOR,
	 "SELECT '', (SELECT COUNT(DISTINCT p.id_number) FROM v_person_facts p"
	 " JOIN quality_telco_sims t ON t.id_number = p.id_number WHERE p.status = 'deceased'),"
	 " (SELECT COUNT(*) FROM v_person_facts WHERE status = 'deceased')",
	 "", 0, "count"},
	/* --- fraud signals ----------------------------------------------- */
	/* Two live births of one mother 3..179 days apart: closer than a
	 * pregnancy allows (viability is ~22 weeks; 180 days leaves a margin),
	 * and not one multiple birth, whose deliveries lie within 2 days. */
	{"births_too_close", "one mother with two registered births 3 to 179 days apart",
	 QUALITY_SIGNAL,
	 "SELECT CAST(a.event_id AS TEXT) || '/' || CAST(b.event_id AS TEXT), a.mother_id,"
	 " 'births of ' || a.event_date || ' and ' || b.event_date || ' are '"
	 " || CAST(ABS(b.event_day - a.event_day) AS TEXT) || ' days apart'" BIRTH_PAIRS
	 " AND ABS(b.event_day - a.event_day) BETWEEN 3 AND 179",
	 "", 0, "count"},
	/* Same mother, same sex, within 2 days, at two councils: one child
	 * registered twice (the twins of one delivery share a council). */
	{"child_two_councils", "the same child registered at two councils", QUALITY_SIGNAL,
	 "SELECT CAST(a.event_id AS TEXT) || '/' || CAST(b.event_id AS TEXT),"
	 " COALESCE(b.child_id, a.mother_id),"
	 " 'births of ' || a.event_date || ' at council ' || a.council_code || ' and '"
	 " || b.event_date || ' at council ' || b.council_code" BIRTH_PAIRS
	 " AND a.sex = b.sex AND ABS(b.event_day - a.event_day) <= 2"
	 " AND a.council_code <> b.council_code",
	 "", 0, "count"},
	/* A parent link added after a person's creation with no registered
	 * birth naming that parent, or a marriage with no registered marriage
	 * event behind it: the tree gained a member outside civil registration. */
	{"family_tree_intrusion", "a family tree that gained a member with no birth or marriage"
	 " event", QUALITY_SIGNAL,
	 "SELECT g.relation || ' ' || g.id_number || ' ' || g.parent_id, g.id_number,"
	 " g.relation || ' ' || g.parent_id || ' added at version ' || CAST(g.version AS TEXT)"
	 " || ' with no registered birth' FROM v_parent_links_gained g WHERE NOT EXISTS"
	 " (SELECT 1 FROM v_birth_facts b WHERE b.child_id = g.id_number"
	 " AND b.status = 'registered' AND (b.mother_id = g.parent_id OR b.father_id = g.parent_id))"
	 " UNION ALL SELECT 'spouse ' || CAST(m.marriage_id AS TEXT), m.wife_id,"
	 " 'marriage of ' || m.husband_id || ' and ' || m.wife_id || ' has no registered"
	 " marriage event' FROM v_marriage_facts m WHERE m.event_kind IS NULL"
	 " OR m.event_kind <> 'marriage' OR m.event_status <> 'registered'",
	 "", 0, "count"},
	/* The 1:N de-duplication compared every pair of enrolled persons once,
	 * at the later one's enrolment, and recorded each hit (v_bio_matches):
	 * the rule reads those hits instead of searching again (D37). Two
	 * equality joins, one per direction: an OR join let SQLite scan every
	 * living person per hit. */
	{"deceased_biometric_match", "a record closed by a death whose biometrics match a living"
	 " record", QUALITY_SIGNAL,
	 "SELECT CAST(m.case_id AS TEXT), d.id_number, 'deceased ' || d.id_number"
	 " || ' matches living ' || l.id_number || ' (biometric case '"
	 " || CAST(m.case_id AS TEXT) || ', ' || m.state || ')' FROM v_bio_matches m"
	 " JOIN v_person_facts d ON d.id_number = m.id_number"
	 " JOIN v_person_facts l ON l.id_number = m.candidate_id_number"
	 " WHERE d.status = 'deceased' AND l.status = 'alive' UNION ALL"
	 " SELECT CAST(m.case_id AS TEXT), d.id_number, 'deceased ' || d.id_number"
	 " || ' matches living ' || l.id_number || ' (biometric case '"
	 " || CAST(m.case_id AS TEXT) || ', ' || m.state || ')' FROM v_bio_matches m"
	 " JOIN v_person_facts d ON d.id_number = m.candidate_id_number"
	 " JOIN v_person_facts l ON l.id_number = m.id_number"
	 " WHERE d.status = 'deceased' AND l.status = 'alive'",
	 "", 0, "count"},
};
const size_t quality_rules_count = sizeof quality_rules / sizeof quality_rules[0];

const struct quality_rule *quality_rule_find(const char *name)
{
	for (size_t i = 0; name && i < quality_rules_count; i++)
		if (!strcmp(quality_rules[i].name, name))
			return &quality_rules[i];
	return NULL;
}
