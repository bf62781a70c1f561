/* address.h — the address library: provinces, districts, tehsils and union
 * councils of Pakistan, with stable hierarchical codes.
 *
 * Codes (docs/registry.md): province "PB" (ISO 3166-2:PK without "PK-"),
 * district "PB-LHR", tehsil "PB-LHR-01", union council "PB-LHR-01-003".
 * A person's address points at a union council code. */
#ifndef SH_REGISTRY_ADDRESS_H
#define SH_REGISTRY_ADDRESS_H

#include "lib/err.h"
#include "store/store.h"

#define ADDRESS_CODE_MAX 32
#define ADDRESS_NAME_MAX 128

struct address_place {
	char code[ADDRESS_CODE_MAX];
	char name_en[ADDRESS_NAME_MAX];
	char name_ur[ADDRESS_NAME_MAX]; /* "" when not recorded */
	char parent_code[ADDRESS_CODE_MAX]; /* "" for provinces */
};

/* A council with every level above it. */
struct address_council {
	struct address_place council, tehsil, district, province;
};

/* Schema and seed (module "address"); registry_migrate() calls it. */
int address_migrate(store *db, struct sh_err *err) __attribute__((warn_unused_result));

/* SH_ENOTFOUND UNKNOWN_COUNCIL when there is no such council. */
int address_council_get(store_tx *tx, const char *code, struct address_council *out,
			struct sh_err *err) __attribute__((warn_unused_result));
/* 1 when the council exists, 0 when not, negative status on error. */
int address_council_exists(store_tx *tx, const char *code, struct sh_err *err);

/* Listings in code order: fn is called per place and returns nonzero to
 * stop. A NULL (or "") filter means all. */
typedef int (*address_place_fn)(void *ctx, const struct address_place *p);
int address_list_provinces(store_tx *tx, address_place_fn fn, void *ctx, struct sh_err *err)
	__attribute__((warn_unused_result));
int address_list_districts(store_tx *tx, const char *province, address_place_fn fn, void *ctx,
			   struct sh_err *err) __attribute__((warn_unused_result));
int address_list_tehsils(store_tx *tx, const char *district, address_place_fn fn, void *ctx,
			 struct sh_err *err) __attribute__((warn_unused_result));
int address_list_councils(store_tx *tx, const char *province, const char *district,
			  address_place_fn fn, void *ctx, struct sh_err *err)
	__attribute__((warn_unused_result));
/* The same with a tehsil filter too (NULL or "" for none); filters given
 * together must all hold. */
int address_list_councils_in(store_tx *tx, const char *province, const char *district,
			     const char *tehsil, address_place_fn fn, void *ctx, struct sh_err *err)
	__attribute__((warn_unused_result));

#endif
