/*
 * cache - what moim-milter remembers of lists and members
 *
 * SYNOPSIS
 *	struct cache_pool *cache_pool_new(const char *spec, int recheck_ms);
 *	void cache_pool_free(struct cache_pool *p);
 *	struct cache *cache_pool_take(struct cache_pool *p, GError **err);
 *	void cache_pool_give(struct cache_pool *p, struct cache *c);
 *	struct cache *cache_new(struct store *s, int recheck_ms);
 *	void cache_free(struct cache *c);
 *	bool cache_target(struct cache *c, const char *local,
 *	    const char *domain, struct cache_target **t_out, GError **err);
 *	void cache_target_unref(struct cache_target *t);
 *	bool cache_role(struct cache *c, const struct store_list *l,
 *	    const struct addr *a, int *role_out, GError **err);
 * DESCRIPTION
 *	Every RCPT to a list domain asks what the address names
 *	(rcpt_resolve(): one or two list lookups with their settings) and
 *	the sender's role on that list; an end of message asks the role of
 *	a From that differs from the sender. The answers change only when
 *	moim-listd, moimctl or moim-web commit to the database, so the cache
 *	keeps them, and asks the database's change counter
 *	(store_data_version(): SQLite's PRAGMA data_version, PostgreSQL's
 *	moim_changes row), which moves when another connection committed:
 *	then it forgets everything first. It asks before an answer when the
 *	last ask is recheck_ms or more old (0: before every answer). On
 *	SQLite the pool asks every time (a local read: a member added by
 *	moimctl is seen by the next RCPT); on PostgreSQL every ask is a
 *	round trip, so the pool asks at most every recheck_ms ([milter]
 *	cache_ms): a change is seen within that time, and a busy MX costs
 *	the database one small query per connection per period instead of
 *	two or three per recipient.
 *
 *	A failed ask or lookup is an error (the milter answers 451 4.3.0)
 *	and is asked again at the next lookup: while the database cannot be
 *	reached, answers come from memory only until the next ask is due.
 *
 *	libmilter runs each SMTP session on a thread of its own, which ends
 *	with the session, so a cache per thread would be lost (and a
 *	connection opened, its schema parsed and its statements prepared)
 *	once per session. A pool keeps the caches instead, each with its
 *	read-only connection: a callback takes one with cache_pool_take()
 *	(an idle one, or a new one on a new connection) and gives it back
 *	with cache_pool_give() before it returns, so the pool holds as many
 *	as callbacks ever ran at once.
 *
 *	cache_target() gives the target of local@domain (local lower-cased,
 *	as rcpt_resolve() takes it): *t_out->t.list is NULL when no list has
 *	that address. cache_role() gives the role (enum store_role) of
 *	address a on list l, -1 when a is NULL or not a member (a disabled
 *	member keeps its role, as moim-listd sees it).
 * OWNERSHIP
 *	cache_new() takes s; cache_free() closes it. A taken cache is the
 *	taker's until given back; cache_pool_free() frees the idle ones.
 *	*t_out is a reference of the caller's, released with
 *	cache_target_unref(), and stays valid after the cache forgot it or
 *	was freed.
 * INPUT AND LIMITS
 *	Addresses are untrusted but parsed (lib/addr): at most
 *	MOIM_MAX_MILTER_CACHE targets and as many roles are kept per cache;
 *	past that the table starts over.
 * THREADS
 *	The pool is shared (a mutex guards its idle list); a cache, with its
 *	store, is used by one thread at a time, the one that took it; a
 *	target may be released on any thread (the count is atomic, the
 *	target immutable).
 * ERRORS
 *	The store's, unchanged; nothing is remembered of a failed lookup.
 */
#ifndef MOIM_MILTER_CACHE_H
#define MOIM_MILTER_CACHE_H

#include <glib.h>
#include <stdbool.h>

#include "addr.h"
#include "rcpt.h"
#include "store.h"

struct cache;
struct cache_pool;

/* A resolved recipient, shared by the cache and the transactions. */
struct cache_target {
	struct rcpt_target t; /* owns t.list */
};

struct cache_pool *cache_pool_new(const char *spec, int recheck_ms);
void cache_pool_free(struct cache_pool *p);
struct cache *cache_pool_take(struct cache_pool *p, GError **err);
void cache_pool_give(struct cache_pool *p, struct cache *c);
struct cache *cache_new(struct store *s, int recheck_ms);
void cache_free(struct cache *c);
bool cache_target(struct cache *c, const char *local, const char *domain,
    struct cache_target **t_out, GError **err);
void cache_target_unref(struct cache_target *t);
bool cache_role(struct cache *c, const struct store_list *l,
    const struct addr *a, int *role_out, GError **err);

#endif
