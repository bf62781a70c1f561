/* h_crvs.c — HTTP handlers for civil registration: notifications from
 * feeders, marriages, divorces, the council's pending list and decisions,
 * family trees, nikah registrar licences and the rule configuration.
 * Thin: decode JSON, one crvs call (its own transaction), encode. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/roles.h"
#include "crvs/crvs.h"
#include "api/json_idnum.h"
#include "api/json_person.h"
#include "api/routes.h"
#include "registry/idnum.h"
#include "api/app.h"
#include "api/h_common.h"

#define REGISTRAR (ROLE_ADMIN | ROLE_UC_REGISTRAR)
#define READERS                                                                             \
	(ROLE_ADMIN | ROLE_UC_REGISTRAR | ROLE_CASE_OFFICER | ROLE_ENROLMENT_OPERATOR |      \
	 ROLE_AUDITOR)
#define FEEDERS                                                                             \
	(ROLE_ADMIN | ROLE_UC_REGISTRAR | ROLE_HEALTH_NOTIFIER | ROLE_NIKAH_REGISTRAR |      \
	 ROLE_COURT_CLERK)

/* Decoding: each helper fills err on failure and returns nonzero. */
static int get_str(json_t *o, const char *key, int required, char *out, size_t n,
		   struct sh_err *err)
{
	json_t *v = json_object_get(o, key);
	out[0] = '\0';
	if (!v || json_is_null(v)) {
		if (required)
			return sh_err_set(err, SH_EINVAL, "FIELD_REQUIRED", "%s is required", key);
		return SH_OK;
	}
	if (json_is_array(v)) { /* a list of documents: joined with "; " */
		size_t i, len = 0;
		json_t *x;
		json_array_foreach(v, i, x) {
			const char *s = json_string_value(x);
			if (!s)
				return sh_err_set(err, SH_EINVAL, "FIELD_INVALID",
						  "%s must hold strings", key);
			int w = snprintf(out + len, n - len, "%s%s", len ? "; " : "", s);
			if (w < 0 || (size_t)w >= n - len)
				return sh_err_set(err, SH_EINVAL, "FIELD_TOO_LONG", "%s is too long",
						  key);
			len += (size_t)w;
		}
		return SH_OK;
	}
	const char *s = json_string_value(v);
	if (!s)
		return sh_err_set(err, SH_EINVAL, "FIELD_INVALID", "%s must be a string", key);
	if (strlen(s) >= n)
		return sh_err_set(err, SH_EINVAL, "FIELD_TOO_LONG", "%s is too long", key);
	memcpy(out, s, strlen(s) + 1);
	return SH_OK;
}

static int get_id(json_t *o, const char *key, int required, char out[CRVS_IDNUM_MAX],
		  struct sh_err *err)
{
	char raw[32];
	int rc = get_str(o, key, required, raw, sizeof raw, err);
	if (rc || !raw[0])
		return rc;
	if (idnum_lookup_normalize(raw, out, NULL) != SH_OK)
		return sh_err_set(err, SH_EINVAL, "IDNUM_INVALID", "%s is not an identity number",
				  key);
	return SH_OK;
}

static int get_date(json_t *o, const char *key, struct sh_date *out, struct sh_err *err)
{
	char raw[16];
	int rc = get_str(o, key, 1, raw, sizeof raw, err);
	if (rc)
		return rc;
	if (sh_parse_date(raw, out) != SH_OK)
		return sh_err_set(err, SH_EINVAL, "DATE_INVALID", "%s must be YYYY-MM-DD", key);
	return SH_OK;
}

static int get_int(json_t *o, const char *key, int dflt, int min, int max, int *out,
		   struct sh_err *err)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v)) {
		*out = dflt;
		return SH_OK;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return sh_err_set(err, SH_EINVAL, "FIELD_INVALID", "%s must be an integer %d..%d",
				  key, min, max);
	*out = (int)json_integer_value(v);
	return SH_OK;
}

/* birth_order's range is the rule's (crvs_birth.c, BIRTH_ORDER_INVALID):
 * here only its type is checked, so that both say the same. */
static int get_birth_order(json_t *o, int *out, struct sh_err *err)
{
	json_t *v = json_object_get(o, "birth_order");
	*out = 1;
	if (!v || json_is_null(v))
		return SH_OK;
	if (!json_is_integer(v))
		return sh_err_set(err, SH_EINVAL, "BIRTH_ORDER_INVALID",
				  "birth_order must be %d..%d (1 for a single birth)",
				  CRVS_BIRTH_ORDER_MIN, CRVS_BIRTH_ORDER_MAX);
	json_int_t x = json_integer_value(v);
	*out = x < CRVS_BIRTH_ORDER_MIN || x > CRVS_BIRTH_ORDER_MAX ? 0 : (int)x;
	return SH_OK;
}

static int get_bool(json_t *o, const char *key, int *out, struct sh_err *err)
{
	json_t *v = json_object_get(o, key);
	*out = 0;
	if (!v || json_is_null(v))
		return SH_OK;
	if (!json_is_boolean(v))
		return sh_err_set(err, SH_EINVAL, "FIELD_INVALID", "%s must be true or false", key);
	*out = json_is_true(v);
	return SH_OK;
}

static struct crvs_ctx ctx_of(struct http_req *req, const struct audit_actor *actor)
{
	struct app *app = req->app;
	struct crvs_ctx c = {app->db, actor, req->principal.role_bit,
			     req->principal.council_code, {0, 0, 0}, NULL};
	return c;
}

static int event_id_param(struct http_req *req, int64_t *id, struct http_resp *resp)
{
	if (sh_parse_i64(req->params[0], 1, INT64_MAX, id) != SH_OK) {
		http_reply_error(resp, 400, "EVENT_ID_INVALID", "the event id must be a number");
		return -1;
	}
	return 0;
}

static void reply_outcome(struct http_resp *resp, int status, const char *kind,
			  const struct crvs_outcome *o, const char *state)
{
	char loc[80];
	snprintf(loc, sizeof loc, "/api/v1/notifications/%lld", (long long)o->event_id);
	json_t *b = json_pack("{s:I,s:s,s:s,s:b,s:s}", "id", (json_int_t)o->event_id, "kind", kind,
			      "status", state, "late", o->late, "href", loc);
	if (b && o->reg_no[0])
		json_object_set_new(b, "registration_number", json_string(o->reg_no));
	if (b && o->person_id[0]) {
		/* One form in every answer: dashed, as person reads show it
		 * (id_number_printed, the same text, stays for old clients). */
		json_object_set_new(b, "id_number", json_idnum(o->person_id));
		json_object_set_new(b, "id_number_printed", json_idnum(o->person_id));
	}
	if (b && o->effective_date[0])
		json_object_set_new(b, "effective_date", json_string(o->effective_date));
	if (b && o->record_id)
		json_object_set_new(b, "record_id", json_integer(o->record_id));
	if (status == 201)
		http_reply_header(resp, "Location", loc);
	http_reply_json(resp, status, b);
}

static void h_notify_birth(struct http_req *req, struct http_resp *resp)
{
	struct sh_err err = {0};
	struct audit_actor actor = app_actor(req);
	struct crvs_ctx c = ctx_of(req, &actor);
	struct crvs_birth_notice n;
	struct crvs_outcome o;
	char sex[16];
	json_t *b;
	memset(&n, 0, sizeof n);
	if (http_json_body(req, &b, &err) || get_id(b, "mother_id", 1, n.mother_id, &err) ||
	    get_id(b, "father_id", 0, n.father_id, &err) ||
	    get_str(b, "sex", 1, sex, sizeof sex, &err) || get_date(b, "date", &n.date, &err) ||
	    get_str(b, "time", 0, n.time, sizeof n.time, &err) ||
	    get_str(b, "place", 0, n.place, sizeof n.place, &err) ||
	    get_str(b, "facility", 0, n.facility, sizeof n.facility, &err) ||
	    get_int(b, "weight_grams", 0, 0, 9000, &n.weight_grams, &err) ||
	    get_birth_order(b, &n.birth_order, &err) ||
	    get_str(b, "council_code", 1, n.council_code, sizeof n.council_code, &err) ||
	    get_str(b, "late_reason", 0, n.late_reason, sizeof n.late_reason, &err) ||
	    get_str(b, "documents", 0, n.documents, sizeof n.documents, &err)) {
		http_reply_err(resp, &err);
		return;
	}
	int g = person_gender_parse(sex);
	n.sex = g < 0 ? (enum person_gender)99 : (enum person_gender)g;
	if (crvs_notify_birth(&c, &n, &o, &err)) {
		http_reply_err(resp, &err);
		return;
	}
	reply_outcome(resp, 201, "birth", &o, "pending");
}

static void h_notify_death(struct http_req *req, struct http_resp *resp)
{
	struct sh_err err = {0};
	struct audit_actor actor = app_actor(req);
	struct crvs_ctx c = ctx_of(req, &actor);
	struct crvs_death_notice n;
	struct crvs_outcome o;
	json_t *b;
	memset(&n, 0, sizeof n);
	if (http_json_body(req, &b, &err) || get_id(b, "person_id", 1, n.person_id, &err) ||
	    get_date(b, "date", &n.date, &err) ||
	    get_str(b, "place", 0, n.place, sizeof n.place, &err) ||
	    get_str(b, "cause_icd10", 0, n.cause_icd10, sizeof n.cause_icd10, &err) ||
	    get_str(b, "council_code", 1, n.council_code, sizeof n.council_code, &err) ||
	    get_str(b, "late_reason", 0, n.late_reason, sizeof n.late_reason, &err) ||
	    get_str(b, "documents", 0, n.documents, sizeof n.documents, &err) ||
	    crvs_notify_death(&c, &n, &o, &err)) {
		http_reply_err(resp, &err);
		return;
	}
	reply_outcome(resp, 201, "death", &o, "pending");
}

static void h_marriage(struct http_req *req, struct http_resp *resp)
{
	struct sh_err err = {0};
	struct audit_actor actor = app_actor(req);
	struct crvs_ctx c = ctx_of(req, &actor);
	struct crvs_marriage_notice n;
	struct crvs_outcome o;
	json_t *b, *w;
	memset(&n, 0, sizeof n);
	if (http_json_body(req, &b, &err) || get_id(b, "husband_id", 1, n.husband_id, &err) ||
	    get_id(b, "wife_id", 1, n.wife_id, &err)) {
		http_reply_err(resp, &err);
		return;
	}
	w = json_object_get(b, "witnesses");
	json_t *wb = json_pack("{s:O?,s:O?}", "w1", json_array_get(w, 0), "w2",
			       json_array_get(w, 1));
	if (!wb || get_id(wb, "w1", 0, n.witness1_id, &err) ||
	    get_id(wb, "w2", 0, n.witness2_id, &err) || get_date(b, "date", &n.date, &err) ||
	    get_str(b, "place", 0, n.place, sizeof n.place, &err) ||
	    get_str(b, "council_code", 1, n.council_code, sizeof n.council_code, &err) ||
	    get_str(b, "dower", 0, n.dower, sizeof n.dower, &err) ||
	    get_bool(b, "husband_consent", &n.husband_consent, &err) ||
	    get_bool(b, "wife_consent", &n.wife_consent, &err) ||
	    get_str(b, "arbitration_ref", 0, n.arbitration_ref, sizeof n.arbitration_ref, &err) ||
	    get_str(b, "late_reason", 0, n.late_reason, sizeof n.late_reason, &err) ||
	    crvs_submit_marriage(&c, &n, &o, &err)) {
		json_decref(wb);
		if (!err.code[0])
			sh_err_set(&err, SH_ENOMEM, "OUT_OF_MEMORY", "witnesses");
		http_reply_err(resp, &err);
		return;
	}
	json_decref(wb);
	reply_outcome(resp, 201, "marriage", &o, "pending");
}

static void h_divorce(struct http_req *req, struct http_resp *resp)
{
	struct sh_err err = {0};
	struct audit_actor actor = app_actor(req);
	struct crvs_ctx c = ctx_of(req, &actor);
	struct crvs_divorce_notice n;
	struct crvs_outcome o;
	char type[16];
	json_t *b;
	memset(&n, 0, sizeof n);
	if (http_json_body(req, &b, &err) || get_id(b, "husband_id", 1, n.husband_id, &err) ||
	    get_id(b, "wife_id", 1, n.wife_id, &err) ||
	    get_str(b, "type", 1, type, sizeof type, &err) || get_date(b, "date", &n.date, &err) ||
	    get_str(b, "decree_ref", 0, n.decree_ref, sizeof n.decree_ref, &err) ||
	    get_str(b, "council_code", 1, n.council_code, sizeof n.council_code, &err)) {
		http_reply_err(resp, &err);
		return;
	}
	int t = crvs_divorce_type_parse(type);
	n.type = t < 0 ? (enum crvs_divorce_type)0 : (enum crvs_divorce_type)t;
	if (crvs_submit_divorce(&c, &n, &o, &err)) {
		http_reply_err(resp, &err);
		return;
	}
	reply_outcome(resp, 201, "divorce", &o, "pending");
}

static void h_revoke(struct http_req *req, struct http_resp *resp)
{
	struct sh_err err = {0};
	struct audit_actor actor = app_actor(req);
	struct crvs_ctx c = ctx_of(req, &actor);
	int64_t id;
	if (event_id_param(req, &id, resp))
		return;
	if (crvs_talaq_revoke(&c, id, &err)) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200, json_pack("{s:I,s:s}", "divorce_id", (json_int_t)id, "status",
					     "revoked"));
}

static json_t *event_json(const struct crvs_event *e)
{
	json_t *details = json_loads(e->details, 0, NULL);
	json_idnums_dash(details);
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:I,s:o}", "id",
			      (json_int_t)e->id, "kind", crvs_kind_name(e->kind), "status",
			      crvs_status_name(e->status), "source", e->source, "date",
			      e->event_date, "council_code", e->council_code, "late", e->late,
			      "submitted_by", e->submitted_by, "submitted_at",
			      (json_int_t)e->submitted_at, "details",
			      details ? details : json_object());
	if (!o)
		return NULL;
	if (e->late_reason[0])
		json_object_set_new(o, "late_reason", json_string(e->late_reason));
	if (e->reg_no[0])
		json_object_set_new(o, "registration_number", json_string(e->reg_no));
	if (e->person_id[0])
		json_object_set_new(o, "id_number", json_idnum(e->person_id));
	if (e->decided_by[0])
		json_object_set_new(o, "decided_by", json_string(e->decided_by));
	if (e->reject_reason[0])
		json_object_set_new(o, "reject_reason", json_string(e->reject_reason));
	return o;
}

static int add_event(void *ctx, const struct crvs_event *e)
{
	json_t *o = event_json(e);
	return o ? json_array_append_new(ctx, o) : 1;
}

static void h_pending(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	const char *code = req->params[0];
	if (req->principal.role_bit != ROLE_ADMIN && strcmp(code, req->principal.council_code)) {
		http_reply_error(resp, 403, "WRONG_COUNCIL",
				 "a registrar sees the pending events of their own council");
		return;
	}
	int64_t limit;
	if (h_query_i64(req, "limit", 1, 1000, 100, &limit, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	store_tx *tx;
	json_t *arr = json_array();
	if (!arr || store_begin(app->db, STORE_READ, &tx, &err)) {
		json_decref(arr);
		http_reply_err(resp, &err);
		return;
	}
	int rc = crvs_pending(tx, code, (int)limit, add_event, arr, &err);
	store_rollback(tx);
	if (rc) {
		json_decref(arr);
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200, json_pack("{s:s,s:o}", "council_code", code, "pending", arr));
}

static void h_event_get(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	int64_t id;
	if (event_id_param(req, &id, resp))
		return;
	store_tx *tx;
	struct crvs_event e;
	if (store_begin(app->db, STORE_READ, &tx, &err)) {
		http_reply_err(resp, &err);
		return;
	}
	int rc = crvs_event_get(tx, id, &e, &err);
	store_rollback(tx);
	if (rc) {
		http_reply_err(resp, &err);
		return;
	}
	/* Who may read it is who would see it in a list: the pending list's
	 * council, or the feeder that sent it. */
	struct audit_actor actor = app_actor(req);
	struct crvs_ctx c = ctx_of(req, &actor);
	if (crvs_event_visible(&c, &e, &err)) {
		crvs_event_free(&e);
		http_reply_err(resp, &err);
		return;
	}
	json_t *o = event_json(&e);
	crvs_event_free(&e);
	http_reply_json(resp, 200, o);
}

static void h_register(struct http_req *req, struct http_resp *resp)
{
	struct sh_err err = {0};
	struct audit_actor actor = app_actor(req);
	struct crvs_ctx c = ctx_of(req, &actor);
	struct crvs_registration r;
	struct crvs_outcome o;
	int64_t id;
	json_t *b = NULL;
	memset(&r, 0, sizeof r);
	if (event_id_param(req, &id, resp))
		return;
	if (req->body && req->body_len &&
	    (http_json_body(req, &b, &err) ||
	     get_str(b, "name_en", 0, r.name_en, sizeof r.name_en, &err) ||
	     get_str(b, "name_ur", 0, r.name_ur, sizeof r.name_ur, &err) ||
	     get_id(b, "father_id", 0, r.father_id, &err) ||
	     get_str(b, "address_line", 0, r.address_line, sizeof r.address_line, &err))) {
		http_reply_err(resp, &err);
		return;
	}
	if (crvs_register(&c, id, &r, &o, &err)) {
		http_reply_err(resp, &err);
		return;
	}
	struct crvs_event e;
	store_tx *tx;
	const char *kind = "event";
	if (store_begin(c.db, STORE_READ, &tx, &err) == SH_OK) {
		if (crvs_event_get(tx, id, &e, &err) == SH_OK) {
			kind = crvs_kind_name(e.kind);
			crvs_event_free(&e);
		}
		store_rollback(tx);
	}
	reply_outcome(resp, 200, kind, &o, "registered");
}

static void h_reject(struct http_req *req, struct http_resp *resp)
{
	struct sh_err err = {0};
	struct audit_actor actor = app_actor(req);
	struct crvs_ctx c = ctx_of(req, &actor);
	int64_t id;
	char reason[CRVS_TEXT_MAX];
	json_t *b;
	if (event_id_param(req, &id, resp))
		return;
	if (http_json_body(req, &b, &err) ||
	    get_str(b, "reason", 1, reason, sizeof reason, &err) ||
	    crvs_reject(&c, id, reason, &err)) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200, json_pack("{s:I,s:s,s:s}", "id", (json_int_t)id, "status",
					     "rejected", "reason", reason));
}

static json_t *member(const struct person *p, const char *relation)
{
	char printed[IDNUM_PRINTED + 1], dob[11];
	json_idnum_text(p->id_number, printed, sizeof printed);
	sh_date_format(p->dob, dob, sizeof dob);
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "relation", relation, "id_number",
			 printed, "id_number_printed", printed, "name_en", p->name_en,
			 "name_ur", p->name_ur, "gender", person_gender_name(p->gender), "dob", dob,
			 "status", person_status_name(p->status), "marital",
			 person_marital_name(p->marital));
}

static void h_family(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	struct audit_actor actor = app_actor(req);
	char id[IDNUM_DIGITS + 1];
	if (idnum_lookup_normalize(req->params[0], id, NULL) != SH_OK) {
		http_reply_error(resp, 400, "IDNUM_INVALID", "not a valid identity number");
		return;
	}
	struct crvs_family *f = calloc(1, sizeof *f);
	store_tx *tx;
	if (!f) {
		http_reply_error(resp, 503, "OUT_OF_MEMORY", "family");
		return;
	}
	if (store_begin(app->db, STORE_READ, &tx, &err)) {
		free(f);
		http_reply_err(resp, &err);
		return;
	}
	int rc = crvs_family(tx, id, f, &err);
	store_rollback(tx);
	char object[40];
	snprintf(object, sizeof object, "person:%s", id);
	audit_enqueue(&actor, "person.family.read", object, rc ? "{\"found\":false}" : NULL);
	if (rc) {
		free(f);
		http_reply_err(resp, &err);
		return;
	}
	json_t *sp = json_array(), *ch = json_array(), *parents = json_array();
	for (int i = 0; i < f->nspouses; i++)
		json_array_append_new(sp, member(&f->spouses[i], "spouse"));
	for (int i = 0; i < f->nchildren; i++)
		json_array_append_new(ch, member(&f->children[i], "child"));
	if (f->has_father)
		json_array_append_new(parents, member(&f->father, "father"));
	if (f->has_mother)
		json_array_append_new(parents, member(&f->mother, "mother"));
	http_reply_json(resp, 200,
			json_pack("{s:o,s:o,s:o,s:o}", "head", member(&f->head, "self"), "parents",
				  parents, "spouses", sp, "children", ch));
	free(f);
}

static void h_licence_grant(struct http_req *req, struct http_resp *resp)
{
	struct sh_err err = {0};
	struct audit_actor actor = app_actor(req);
	struct crvs_ctx c = ctx_of(req, &actor);
	char user[64], council[32];
	struct crvs_licence l;
	json_t *b;
	if (http_json_body(req, &b, &err) || get_str(b, "username", 1, user, sizeof user, &err) ||
	    get_str(b, "council_code", 0, council, sizeof council, &err)) {
		http_reply_err(resp, &err);
		return;
	}
	if (!council[0])
		snprintf(council, sizeof council, "%s", req->principal.council_code);
	if (crvs_licence_grant(&c, user, council, &l, &err)) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 201, json_pack("{s:s,s:s,s:s,s:s}", "licence_no", l.licence_no,
					     "username", l.username, "council_code",
					     l.council_code, "status", l.status));
}

static void h_licence_suspend(struct http_req *req, struct http_resp *resp)
{
	struct sh_err err = {0};
	struct audit_actor actor = app_actor(req);
	struct crvs_ctx c = ctx_of(req, &actor);
	char reason[CRVS_TEXT_MAX];
	json_t *b;
	if (http_json_body(req, &b, &err) ||
	    get_str(b, "reason", 1, reason, sizeof reason, &err) ||
	    crvs_licence_suspend(&c, req->params[0], reason, &err)) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200, json_pack("{s:s,s:s}", "licence_no", req->params[0], "status",
					     "suspended"));
}

static void h_rules_get(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	store_tx *tx;
	struct crvs_rules r;
	if (store_begin(app->db, STORE_READ, &tx, &err)) {
		http_reply_err(resp, &err);
		return;
	}
	if (crvs_rules_get(tx, &r, &err)) {
		store_rollback(tx);
		http_reply_err(resp, &err);
		return;
	}
	json_t *ages = json_object();
	for (size_t i = 0; i < crvs_min_age_provinces(); i++) {
		const char *pv = crvs_min_age_province(i);
		int m = 0, f = 0;
		if (crvs_min_age_get(tx, pv, GENDER_MALE, &m, &err) ||
		    crvs_min_age_get(tx, pv, GENDER_FEMALE, &f, &err))
			break;
		json_object_set_new(ages, pv, json_pack("{s:i,s:i}", "male", m, "female", f));
	}
	store_rollback(tx);
	http_reply_json(resp, 200, json_pack("{s:i,s:i,s:i,s:o}", "late_days", r.late_days,
					     "talaq_wait_days", r.talaq_wait_days,
					     "witness_min_age", r.witness_min_age,
					     "min_marriage_age", ages));
}

static void h_rules_put(struct http_req *req, struct http_resp *resp)
{
	struct sh_err err = {0};
	struct audit_actor actor = app_actor(req);
	struct crvs_ctx c = ctx_of(req, &actor);
	json_t *b, *v;
	const char *key;
	if (http_json_body(req, &b, &err)) {
		http_reply_err(resp, &err);
		return;
	}
	json_object_foreach(b, key, v) {
		int rc;
		if (!strcmp(key, "min_marriage_age")) {
			const char *prov;
			json_t *a;
			rc = SH_OK;
			json_object_foreach(v, prov, a) {
				rc = crvs_min_age_set(&c, prov,
						      (int)json_integer_value(json_object_get(a, "male")),
						      (int)json_integer_value(json_object_get(a, "female")),
						      &err);
				if (rc)
					break;
			}
		} else if (json_is_integer(v)) {
			rc = crvs_rules_set(&c, key, json_integer_value(v), &err);
		} else {
			rc = sh_err_set(&err, SH_EINVAL, "RULE_VALUE_INVALID", "%s must be a number",
					key);
		}
		if (rc) {
			http_reply_err(resp, &err);
			return;
		}
	}
	h_rules_get(req, resp);
}

const struct http_route crvs_routes[] = {
	{"POST", "/api/v1/notifications/birth", h_notify_birth, HTTP_AUTH_OPERATOR,
	 ROLE_HEALTH_NOTIFIER | ROLE_UC_REGISTRAR},
	{"POST", "/api/v1/notifications/death", h_notify_death, HTTP_AUTH_OPERATOR,
	 ROLE_HEALTH_NOTIFIER | ROLE_UC_REGISTRAR},
	{"POST", "/api/v1/marriages", h_marriage, HTTP_AUTH_OPERATOR, ROLE_NIKAH_REGISTRAR},
	{"POST", "/api/v1/divorces", h_divorce, HTTP_AUTH_OPERATOR, ROLE_COURT_CLERK},
	{"POST", "/api/v1/divorces/{id}/revoke", h_revoke, HTTP_AUTH_OPERATOR,
	 ROLE_COURT_CLERK | REGISTRAR},
	{"GET", "/api/v1/councils/{code}/pending", h_pending, HTTP_AUTH_OPERATOR, REGISTRAR},
	{"GET", "/api/v1/notifications/{id}", h_event_get, HTTP_AUTH_OPERATOR, FEEDERS},
	{"POST", "/api/v1/notifications/{id}/register", h_register, HTTP_AUTH_OPERATOR, REGISTRAR},
	{"POST", "/api/v1/notifications/{id}/reject", h_reject, HTTP_AUTH_OPERATOR, REGISTRAR},
	{"GET", "/api/v1/persons/{id_number}/family", h_family, HTTP_AUTH_OPERATOR, READERS},
	{"POST", "/api/v1/nikah-registrars", h_licence_grant, HTTP_AUTH_OPERATOR, REGISTRAR},
	{"POST", "/api/v1/nikah-registrars/{licence_no}/suspend", h_licence_suspend,
	 HTTP_AUTH_OPERATOR, REGISTRAR},
	{"GET", "/api/v1/crvs/rules", h_rules_get, HTTP_AUTH_OPERATOR, ROLE_ANY_OPERATOR},
	{"PUT", "/api/v1/crvs/rules", h_rules_put, HTTP_AUTH_OPERATOR, ROLE_ADMIN},
};
const size_t crvs_routes_count = sizeof crvs_routes / sizeof crvs_routes[0];
