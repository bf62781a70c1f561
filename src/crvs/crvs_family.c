/* crvs_family.c — the family tree of a person for the Family Registration
 * Certificate: parents and children from the registry's links, spouses from
 * the marriage register (live marriages only). */
#include <string.h>

#include "crvs/crvs_internal.h"

struct fam_ctx {
	store_tx *tx;
	struct crvs_family *f;
	const char *self;
	struct sh_err *err;
	int rc;
};

static int add_child(void *ctx, const struct person *child)
{
	struct fam_ctx *fc = ctx;
	if (fc->f->nchildren >= CRVS_FAMILY_MAX)
		return 1;
	fc->f->children[fc->f->nchildren++] = *child;
	return 0;
}

static int add_spouse(void *ctx, const struct crvs_marriage *m)
{
	struct fam_ctx *fc = ctx;
	int cap = (int)(sizeof fc->f->spouses / sizeof fc->f->spouses[0]);
	if (fc->f->nspouses >= cap)
		return 1;
	const char *other = strcmp(m->husband_id, fc->self) ? m->husband_id : m->wife_id;
	int rc = person_get(fc->tx, other, &fc->f->spouses[fc->f->nspouses], fc->err);
	if (rc) {
		fc->rc = rc;
		return 1;
	}
	fc->f->nspouses++;
	return 0;
}

int crvs_family(store_tx *tx, const char *id_number, struct crvs_family *out,
		struct sh_err *err)
{
	memset(out, 0, sizeof *out);
	int rc = person_get(tx, id_number, &out->head, err);
	if (rc)
		return rc;
	if (out->head.mother_id[0] && person_get(tx, out->head.mother_id, &out->mother, NULL) == 0)
		out->has_mother = 1;
	if (out->head.father_id[0] && person_get(tx, out->head.father_id, &out->father, NULL) == 0)
		out->has_father = 1;
	struct fam_ctx fc = {tx, out, out->head.id_number, err, SH_OK};
	if ((rc = crvs_marriages_of(tx, out->head.id_number, add_spouse, &fc, err)))
		return rc;
	if (fc.rc)
		return fc.rc;
	return person_children(tx, out->head.id_number, add_child, &fc, err);
}
