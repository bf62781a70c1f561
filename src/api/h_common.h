/* h_common.h — small helpers every kind of handler uses: finishing a write
 * transaction, an integer query parameter, Retry-After (static inline: one
 * header, no new module). */
#ifndef SH_API_H_COMMON_H
#define SH_API_H_COMMON_H

#include <stdint.h>
#include <stdio.h>

#include "http/http.h"
#include "lib/err.h"
#include "lib/parse.h"
#include "store/store.h"

/* Commit tx when rc is SH_OK, else roll it back (tx may be NULL when
 * store_begin failed); the final status. Nothing half-done is kept. */
static inline int h_tx_end(store_tx *tx, int rc, struct sh_err *err)
{
	if (rc == SH_OK)
		return store_commit(tx, err);
	if (tx)
		store_rollback(tx);
	return rc;
}

/* ?key= as an integer in [min, max]; dflt when absent or empty; BAD_QUERY
 * (400) otherwise. */
static inline int h_query_i64(struct http_req *req, const char *key, int64_t min, int64_t max,
			      int64_t dflt, int64_t *out, struct sh_err *err)
{
	const char *s = http_query(req, key);
	if (!s || !*s) {
		*out = dflt;
		return SH_OK;
	}
	if (sh_parse_i64(s, min, max, out) != SH_OK)
		return sh_err_set(err, SH_EINVAL, "BAD_QUERY", "%s must be an integer in [%lld, %lld]",
				  key, (long long)min, (long long)max);
	return SH_OK;
}

/* RFC 9110 10.2.3: tell a throttled client when to try again. */
static inline void h_retry_after(struct http_resp *resp, int64_t seconds)
{
	char v[24];
	snprintf(v, sizeof v, "%lld", (long long)seconds);
	http_reply_header(resp, "Retry-After", v);
}

#endif
