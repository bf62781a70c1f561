/* lk_table.c — the records to link, folded once on the way in so that the
 * comparisons (millions of them) never fold again. */
#include "linkage/lk_link.h"
#include "linkage/lk_text.h"

#include <stdlib.h>
#include <string.h>

#define LK_FIELD_MAX 256

void lk_table_init(struct lk_table *t)
{
	memset(t, 0, sizeof *t);
}

void lk_table_free(struct lk_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->r[i].mem);
	free(t->r);
	memset(t, 0, sizeof *t);
}

static int digits_only(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int lk_date_norm(const char *in, char out[9])
{
	char d[16];
	size_t nd = 0, groups = 0, glen[4] = {0};
	int in_group = 0;
	for (const char *p = in; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (nd + 1 >= sizeof d)
				return 0;
			d[nd++] = *p;
			if (!in_group) {
				if (groups == 4)
					return 0;
				groups++;
				in_group = 1;
			}
			glen[groups - 1]++;
		} else {
			in_group = 0;
		}
	}
	d[nd] = '\0';
	if (nd == 4 && groups == 1) { /* birth year only */
		memcpy(out, d, 4);
		memcpy(out + 4, "0000", 5);
		return 1;
	}
	if (nd == 8 && groups == 1) {
		memcpy(out, d, 9);
		return 1;
	}
	if (groups == 3 && glen[0] == 4 && glen[1] <= 2 && glen[2] <= 2) { /* Y-M-D */
		size_t a = glen[1], b = glen[2];
		memcpy(out, d, 4);
		out[4] = a == 1 ? '0' : d[4];
		out[5] = d[4 + a - 1];
		out[6] = b == 1 ? '0' : d[4 + a];
		out[7] = d[4 + a + b - 1];
		out[8] = '\0';
		return 1;
	}
	if (groups == 3 && glen[2] == 4 && glen[0] <= 2 && glen[1] <= 2) { /* D-M-Y */
		size_t a = glen[0], b = glen[1];
		memcpy(out, d + a + b, 4);
		out[4] = b == 1 ? '0' : d[a];
		out[5] = d[a + b - 1];
		out[6] = a == 1 ? '0' : d[0];
		out[7] = d[a - 1];
		out[8] = '\0';
		return 1;
	}
	if (nd > 0 && nd <= 8 && digits_only(d, nd)) {
		memcpy(out, d, nd + 1);
		return 1;
	}
	return 0;
}

int lk_table_add(struct lk_table *t, const char *const raw[LK_NF], uint32_t source,
		 int64_t entity, struct sh_err *err)
{
	char buf[LK_NF + 3][LK_FIELD_MAX];
	size_t len[LK_NF + 3], total = 0;
	if (source > 63)
		return sh_err_set(err, SH_EINVAL, "LINK_SOURCE", "at most 64 sources");
	for (int f = 0; f < LK_NF; f++) {
		const char *s = raw[f] ? raw[f] : "";
		if (f == LK_DOB) {
			char d[9];
			if (lk_date_norm(s, d))
				len[f] = (size_t)snprintf(buf[f], LK_FIELD_MAX, "%s", d);
			else
				len[f] = 0, buf[f][0] = '\0';
		} else {
			len[f] = lk_fold(s, buf[f], LK_FIELD_MAX);
		}
		total += len[f] + 1;
	}
	static const int keyed[3] = {LK_GIVEN, LK_SURNAME, LK_FATHER};
	for (int k = 0; k < 3; k++) {
		len[LK_NF + k] = lk_translit_key(buf[keyed[k]], buf[LK_NF + k], LK_FIELD_MAX);
		total += len[LK_NF + k] + 1;
	}
	if (t->n == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 1024;
		struct lk_rec *nr = realloc(t->r, nc * sizeof *nr);
		if (!nr)
			return sh_err_set(err, SH_ENOMEM, "NO_MEMORY", "record table");
		t->r = nr;
		t->cap = nc;
	}
	char *mem = malloc(total);
	if (!mem)
		return sh_err_set(err, SH_ENOMEM, "NO_MEMORY", "record");
	struct lk_rec *r = &t->r[t->n];
	char *p = mem;
	for (int f = 0; f < LK_NF + 3; f++) {
		memcpy(p, buf[f], len[f] + 1);
		if (f < LK_NF)
			r->f[f] = p;
		else
			r->key[f - LK_NF] = p;
		p += len[f] + 1;
	}
	r->mem = mem;
	r->entity = entity;
	r->source = source;
	t->n++;
	return SH_OK;
}
