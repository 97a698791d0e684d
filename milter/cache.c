/*
 * cache - what moim-milter remembers of lists and members
 *
 * See cache.h. Two tables, each forgotten as a whole: targets by
 * "local@domain", roles by "list-id address". A role is stored as
 * role + 2 so that no value is NULL (GHashTable's "absent"). The pool
 * keeps the idle caches, last given first taken, so that the warmest
 * one serves the next lookup.
 */
#include <string.h>

#include "cache.h"
#include "db.h"
#include "limits.h"

struct cache_pool {
	char *spec;
	int recheck_ms; /* for each new cache: 0 on SQLite */
	GMutex lock;
	GPtrArray *idle; /* struct cache *: not taken */
};

struct cache {
	struct store *s;
	gint64 version; /* data_version the tables hold for; -1: none */
	gint64 checked; /* monotonic µs of the last ask that succeeded */
	gint64 recheck; /* µs an ask stays good */
	GHashTable *targets; /* char * -> struct cache_target * (a ref) */
	GHashTable *roles; /* char * -> GINT_TO_POINTER(role + 2) */
};

/* target_clear - g_atomic_rc_box clear function of a target */
static void
target_clear(gpointer p)
{
	rcpt_target_clear(&((struct cache_target *)p)->t);
}

/* cache_target_unref - release a reference of a target; NULL is fine */
void
cache_target_unref(struct cache_target *t)
{
	if (t != NULL)
		g_atomic_rc_box_release_full(t, target_clear);
}

/* cache_new - an empty cache over s (taken), asking whether the
 * database changed at most every recheck_ms */
struct cache *
cache_new(struct store *s, int recheck_ms)
{
	struct cache *c = g_new0(struct cache, 1);

	c->s = s;
	c->version = -1;
	c->recheck = (gint64)recheck_ms * G_TIME_SPAN_MILLISECOND;
	c->targets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    (GDestroyNotify)cache_target_unref);
	c->roles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	return c;
}

/* cache_free - free c and close its store; NULL is fine */
void
cache_free(struct cache *c)
{
	if (c == NULL)
		return;
	g_hash_table_destroy(c->targets);
	g_hash_table_destroy(c->roles);
	store_close(c->s);
	g_free(c);
}

/* fresh - forget everything when another connection committed since
 * the tables were filled; asked only when the last ask is c->recheck
 * old (the time is taken before the ask, so no answer is older than
 * that after the commit it missed) */
static bool
fresh(struct cache *c, GError **err)
{
	gint64 now = g_get_monotonic_time();
	gint64 v;

	if (c->version >= 0 && now - c->checked < c->recheck)
		return true;
	if ((v = store_data_version(c->s, err)) < 0)
		return false;
	if (v != c->version) {
		g_hash_table_remove_all(c->targets);
		g_hash_table_remove_all(c->roles);
		c->version = v;
	}
	c->checked = now;
	return true;
}

/* remember - insert key (taken) and value into t, starting over when
 * the table is full */
static void
remember(GHashTable *t, char *key, gpointer value)
{
	if (g_hash_table_size(t) >= MOIM_MAX_MILTER_CACHE)
		g_hash_table_remove_all(t);
	g_hash_table_insert(t, key, value);
}

/* cache_target - what local@domain names, looked up once per change */
bool
cache_target(struct cache *c, const char *local, const char *domain,
    struct cache_target **t_out, GError **err)
{
	g_autofree char *key = NULL;
	struct cache_target *t;

	*t_out = NULL;
	if (!fresh(c, err))
		return false;
	key = g_strconcat(local, "@", domain, NULL);
	t = g_hash_table_lookup(c->targets, key);
	if (t == NULL) {
		t = g_atomic_rc_box_new0(struct cache_target);
		if (!rcpt_resolve(c->s, local, domain, &t->t, err)) {
			cache_target_unref(t);
			return false;
		}
		remember(c->targets, g_steal_pointer(&key), t);
	}
	*t_out = g_atomic_rc_box_acquire(t);
	return true;
}

/* cache_role - the role of a on l (-1: none), looked up once per change */
bool
cache_role(struct cache *c, const struct store_list *l, const struct addr *a,
    int *role_out, GError **err)
{
	g_autofree char *key = NULL;
	struct store_member *mb = NULL;
	gpointer v;

	*role_out = -1;
	if (a == NULL)
		return true;
	if (!fresh(c, err))
		return false;
	key = g_strdup_printf(
	    "%" G_GINT64_FORMAT " %s", l->id, addr_canonical(a));
	v = g_hash_table_lookup(c->roles, key);
	if (v != NULL) {
		*role_out = GPOINTER_TO_INT(v) - 2;
		return true;
	}
	if (!store_member_get(c->s, l->id, addr_canonical(a), &mb, err))
		return false;
	if (mb != NULL) /* as moim-listd: a disabled member still posts */
		*role_out = (int)mb->role;
	store_member_free(mb);
	remember(
	    c->roles, g_steal_pointer(&key), GINT_TO_POINTER(*role_out + 2));
	return true;
}

/* cache_pool_new - an empty pool of caches over the database spec;
 * on PostgreSQL they ask whether it changed at most every recheck_ms,
 * on SQLite (a local read) before every answer */
struct cache_pool *
cache_pool_new(const char *spec, int recheck_ms)
{
	struct cache_pool *p = g_new0(struct cache_pool, 1);

	p->spec = g_strdup(spec);
	p->recheck_ms = db_spec_is_postgresql(spec) ? recheck_ms : 0;
	g_mutex_init(&p->lock);
	p->idle = g_ptr_array_new_with_free_func((GDestroyNotify)cache_free);
	return p;
}

/* cache_pool_free - free p and its idle caches; NULL is fine */
void
cache_pool_free(struct cache_pool *p)
{
	if (p == NULL)
		return;
	g_ptr_array_unref(p->idle);
	g_mutex_clear(&p->lock);
	g_free(p->spec);
	g_free(p);
}

/* cache_pool_take - an idle cache of p, or a new one on a new read-only
 * connection; NULL when the database cannot be opened */
struct cache *
cache_pool_take(struct cache_pool *p, GError **err)
{
	struct cache *c = NULL;
	struct store *s;

	g_mutex_lock(&p->lock);
	if (p->idle->len > 0)
		c = g_ptr_array_steal_index_fast(p->idle, p->idle->len - 1);
	g_mutex_unlock(&p->lock);
	if (c != NULL)
		return c;
	s = store_open(p->spec, STORE_RO, err);
	return s != NULL ? cache_new(s, p->recheck_ms) : NULL;
}

/* cache_pool_give - c (taken from p) is idle again; NULL is fine */
void
cache_pool_give(struct cache_pool *p, struct cache *c)
{
	if (c == NULL)
		return;
	g_mutex_lock(&p->lock);
	g_ptr_array_add(p->idle, c);
	g_mutex_unlock(&p->lock);
}
