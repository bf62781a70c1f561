/* h_address.c — HTTP handlers for the address library: provinces,
 * districts, tehsils, union councils. Readable by any signed-in operator
 * (the lists are public facts, but the API is not a public service). */
#include <string.h>

#include "auth/roles.h"
#include "api/json_person.h"
#include "api/routes.h"
#include "registry/address.h"
#include "api/app.h"

static int place_one(void *ctx, const struct address_place *pl)
{
	json_t *o = json_place_encode(pl);
	if (o && pl->parent_code[0])
		json_object_set_new(o, "parent", json_string(pl->parent_code));
	return !o || json_array_append_new(ctx, o) != 0;
}

enum listing { L_PROVINCES, L_DISTRICTS, L_TEHSILS, L_COUNCILS };

static void list_reply(struct http_req *req, struct http_resp *resp, enum listing what)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	const char *province = http_query(req, "province");
	const char *district = http_query(req, "district");
	const char *tehsil = http_query(req, "tehsil");
	if (what == L_TEHSILS && (!district || !*district)) {
		http_reply_error(resp, 400, "FILTER_REQUIRED", "give ?district=");
		return;
	}
	if (what == L_COUNCILS && (!district || !*district) && (!province || !*province) &&
	    (!tehsil || !*tehsil)) {
		http_reply_error(resp, 400, "FILTER_REQUIRED",
				 "give ?tehsil=, ?district= or ?province=");
		return;
	}
	json_t *arr = json_array();
	if (!arr) {
		http_reply_error(resp, 503, "OUT_OF_MEMORY", "out of memory");
		return;
	}
	store_tx *tx = NULL;
	if (store_begin(app->db, STORE_READ, &tx, &err) != SH_OK) {
		json_decref(arr);
		http_reply_err(resp, &err);
		return;
	}
	int rc;
	const char *key;
	switch (what) {
	case L_PROVINCES:
		rc = address_list_provinces(tx, place_one, arr, &err), key = "provinces";
		break;
	case L_DISTRICTS:
		rc = address_list_districts(tx, province, place_one, arr, &err), key = "districts";
		break;
	case L_TEHSILS:
		rc = address_list_tehsils(tx, district, place_one, arr, &err), key = "tehsils";
		break;
	default:
		rc = address_list_councils_in(tx, province, district, tehsil, place_one, arr, &err);
		key = "councils";
		break;
	}
	store_rollback(tx);
	if (rc != SH_OK) {
		json_decref(arr);
		http_reply_err(resp, &err);
		return;
	}
	/* The library changes only by migration: let clients cache it. */
	http_reply_header(resp, "Cache-Control", "private, max-age=3600");
	http_reply_json(resp, 200, json_pack("{s:o}", key, arr));
}

static void h_provinces(struct http_req *req, struct http_resp *resp)
{
	list_reply(req, resp, L_PROVINCES);
}
static void h_districts(struct http_req *req, struct http_resp *resp)
{
	list_reply(req, resp, L_DISTRICTS);
}
static void h_tehsils(struct http_req *req, struct http_resp *resp)
{
	list_reply(req, resp, L_TEHSILS);
}
static void h_councils(struct http_req *req, struct http_resp *resp)
{
	list_reply(req, resp, L_COUNCILS);
}

static void h_council(struct http_req *req, struct http_resp *resp)
{
	struct app *app = req->app;
	struct sh_err err = {0};
	struct address_council c;
	store_tx *tx = NULL;
	if (store_begin(app->db, STORE_READ, &tx, &err) != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	int rc = address_council_get(tx, req->params[0], &c, &err);
	store_rollback(tx);
	if (rc != SH_OK) {
		http_reply_err(resp, &err);
		return;
	}
	http_reply_json(resp, 200,
			json_pack("{s:o, s:o, s:o, s:o}", "province", json_place_encode(&c.province),
				  "district", json_place_encode(&c.district), "tehsil",
				  json_place_encode(&c.tehsil), "council",
				  json_place_encode(&c.council)));
}

const struct http_route address_routes[] = {
	{"GET", "/api/v1/provinces", h_provinces, HTTP_AUTH_OPERATOR, ROLE_ANY_OPERATOR},
	{"GET", "/api/v1/districts", h_districts, HTTP_AUTH_OPERATOR, ROLE_ANY_OPERATOR},
	{"GET", "/api/v1/tehsils", h_tehsils, HTTP_AUTH_OPERATOR, ROLE_ANY_OPERATOR},
	{"GET", "/api/v1/councils", h_councils, HTTP_AUTH_OPERATOR, ROLE_ANY_OPERATOR},
	{"GET", "/api/v1/councils/{code}", h_council, HTTP_AUTH_OPERATOR, ROLE_ANY_OPERATOR},
};
const size_t address_routes_count = sizeof address_routes / sizeof address_routes[0];
