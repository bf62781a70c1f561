/* store_cache.c — a small per-connection LRU of prepared statements.
 *
 * Parsing and planning a statement costs more than running a point query,
 * so each connection keeps the last STORE_CACHE_SIZE statements it prepared.
 * Lookups compare a 64-bit FNV-1a hash before the text; 64 entries make a
 * linear scan cheaper than any tree. */
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

struct store_cache_entry *store_cache_get(struct store_cache *c, const char *key, int shared)
{
	uint64_t h = fnv1a(key);
	for (int i = 0; i < STORE_CACHE_SIZE; i++) {
		struct store_cache_entry *e = &c->e[i];
		if (e->key && (shared || !e->in_use) && e->hash == h &&
		    strcmp(e->key, key) == 0) {
			e->in_use++;
			e->last_used = ++c->tick;
			return e;
		}
	}
	return NULL;
}

struct store_cache_entry *store_cache_put(struct store_cache *c, const char *key,
					  void *value, void (*drop)(void *value))
{
	struct store_cache_entry *victim = NULL;
	for (int i = 0; i < STORE_CACHE_SIZE; i++) {
		struct store_cache_entry *e = &c->e[i];
		if (!e->key) {
			victim = e;
			break;
		}
		if (!e->in_use && (!victim || e->last_used < victim->last_used))
			victim = e;
	}
	if (!victim)
		return NULL;
	char *k = strdup(key);
	if (!k)
		return NULL;
	if (victim->key) {
		drop(victim->value);
		free(victim->key);
	}
	victim->key = k;
	victim->hash = fnv1a(key);
	victim->value = value;
	victim->in_use = 1;
	victim->last_used = ++c->tick;
	return victim;
}

void store_cache_clear(struct store_cache *c, void (*drop)(void *value))
{
	for (int i = 0; i < STORE_CACHE_SIZE; i++) {
		struct store_cache_entry *e = &c->e[i];
		if (e->key) {
			drop(e->value);
			free(e->key);
		}
		memset(e, 0, sizeof *e);
	}
	c->tick = 0;
}
