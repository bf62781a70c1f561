/* address_data.h — the compiled-in seed of the address library (data only;
 * address.c turns it into rows). */
#ifndef SH_REGISTRY_ADDRESS_DATA_H
#define SH_REGISTRY_ADDRESS_DATA_H

#include <stddef.h>

/* Union councils generated per seeded tehsil ("<Tehsil> UC-1".."UC-3"). */
#define ADDRESS_SEED_COUNCILS_PER_TEHSIL 3

struct address_seed_province {
	const char *code; /* ISO 3166-2:PK subdivision code without "PK-" */
	const char *name_en;
	const char *name_ur;
};

struct address_seed_district {
	const char *province; /* province code */
	const char *code;     /* three letters, unique nationally */
	const char *name_en;
	const char *name_ur;
	const char *tehsils;  /* "A;B;C": order fixes tehsil codes 01, 02, ... */
};

extern const struct address_seed_province address_seed_provinces[];
extern const size_t address_seed_provinces_count;
extern const struct address_seed_district address_seed_districts[];
extern const size_t address_seed_districts_count;

#endif
