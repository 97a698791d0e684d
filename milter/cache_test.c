/*
 * cache_test - moim-milter's memory of lists and members against a real
 * database (a SQLite file, or PostgreSQL under tests/pg_cache_test.sh):
 * answers as the store gives them, kept while nothing changes, renewed
 * after another connection commits, at once or within the recheck
 * period; the pool hands the warmest idle cache out again
 */
#include <glib/gstdio.h>
#include <string.h>

#include "addr.h"
#include "cache.h"
#include "err.h"
#include "testutil.h"

#define D "lists.example.org"

struct fixture {
	char *dir, *path;
	struct store *w; /* the writer: moimctl or moim-listd */
	struct cache *c; /* over its own read-only connection */
	gint64 ai;
};

/* setup_every - a database with list ai (member alice) and a cache over
 * it that asks whether the database changed at most every recheck_ms */
static void
setup_every(struct fixture *fx, int recheck_ms)
{
	GError *e = NULL;
	bool added;

	fx->dir = g_dir_make_tmp("cache_test.XXXXXX", &e);
	g_assert_no_error(e);
	fx->path = testutil_db_new(fx->dir);
	fx->w = store_open(fx->path, STORE_RW, &e);
	g_assert_no_error(e);
	g_assert_true(store_list_create(fx->w, "ai", D, "AI", 1, &fx->ai, &e));
	g_assert_true(store_member_add(fx->w, fx->ai, "alice@example.net", NULL,
	    STORE_ROLE_MEMBER, STORE_MODE_REGULAR, 1, &added, &e));
	fx->c = cache_new(store_open(fx->path, STORE_RO, &e), recheck_ms);
	g_assert_no_error(e);
}

/* setup - the fixture with a cache that asks before every answer */
static void
setup(struct fixture *fx)
{
	setup_every(fx, 0);
}

/* teardown - close both and remove the files */
static void
teardown(struct fixture *fx)
{
	g_autoptr(GDir) d = g_dir_open(fx->dir, 0, NULL);
	const char *n;

	cache_free(fx->c);
	store_close(fx->w);
	while (d != NULL && (n = g_dir_read_name(d)) != NULL) {
		g_autofree char *p = g_build_filename(fx->dir, n, NULL);

		(void)g_unlink(p);
	}
	(void)g_rmdir(fx->dir);
	g_free(fx->path);
	g_free(fx->dir);
}

/* role - the cache's role of address on the list of t */
static int
role(struct fixture *fx, const struct cache_target *t, const char *address)
{
	struct addr *a = NULL;
	GError *e = NULL;
	int r = -2;

	g_assert_true(addr_parse(address, strlen(address), &a, NULL));
	g_assert_true(cache_role(fx->c, t->t.list, a, &r, &e));
	g_assert_no_error(e);
	addr_free(a);
	return r;
}

/* target - the cache's target of local@D */
static struct cache_target *
target(struct fixture *fx, const char *local)
{
	struct cache_target *t = NULL;
	GError *e = NULL;

	g_assert_true(cache_target(fx->c, local, D, &t, &e));
	g_assert_no_error(e);
	g_assert_nonnull(t);
	return t;
}

/* test_follows - what the store says, the same object while nothing
 * changed, the new answer after another connection committed */
static void
test_follows(void)
{
	static const struct {
		const char *local;
		bool has_list;
		enum rcpt_kind kind;
	} c[] = {
	    {"ai", true, RCPT_POST},
	    {"ai-request", true, RCPT_REQUEST},
	    {"ai-confirm+abc", true, RCPT_CONFIRM},
	    {"nope", false, RCPT_POST},
	};
	struct fixture fx;
	struct cache_target *ai, *again, *later;
	GError *e = NULL;
	gint64 id;
	bool added;

	setup(&fx);
	for (size_t i = 0; i < G_N_ELEMENTS(c); i++) {
		struct cache_target *t = target(&fx, c[i].local);

		g_assert_cmpint(t->t.list != NULL, ==, c[i].has_list);
		if (c[i].has_list)
			g_assert_cmpint(t->t.kind, ==, c[i].kind);
		cache_target_unref(t);
	}
	ai = target(&fx, "ai");
	again = target(&fx, "ai");
	g_assert_true(ai == again); /* remembered: no query */
	cache_target_unref(again);
	g_assert_cmpint(role(&fx, ai, "alice@example.net"), ==, 0);
	g_assert_cmpint(role(&fx, ai, "bob@example.com"), ==, -1);
	g_assert_cmpint(role(&fx, ai, "bob@example.com"), ==, -1);

	/* moimctl adds bob and makes a list: seen at the next lookup */
	g_assert_true(store_member_add(fx.w, fx.ai, "bob@example.com", NULL,
	    STORE_ROLE_OWNER, STORE_MODE_REGULAR, 2, &added, &e));
	g_assert_true(store_list_create(fx.w, "nope", D, "N", 2, &id, &e));
	g_assert_no_error(e);
	g_assert_cmpint(role(&fx, ai, "bob@example.com"), ==, 2);
	later = target(&fx, "nope");
	g_assert_nonnull(later->t.list);
	cache_target_unref(later);
	/* the reference taken before the change still holds its list */
	again = target(&fx, "ai");
	g_assert_true(again != ai);
	g_assert_cmpstr(ai->t.list->local, ==, "ai");
	cache_target_unref(again);
	cache_target_unref(ai);
	teardown(&fx);
}

/* test_bounded - a flood of unknown addresses keeps the cache working */
static void
test_bounded(void)
{
	struct fixture fx;
	struct cache_target *t;

	setup(&fx);
	for (int i = 0; i < MOIM_MAX_MILTER_CACHE + 10; i++) {
		g_autofree char *local = g_strdup_printf("x%d", i);

		t = target(&fx, local);
		g_assert_null(t->t.list);
		cache_target_unref(t);
	}
	t = target(&fx, "ai");
	g_assert_nonnull(t->t.list);
	g_assert_cmpint(role(&fx, t, "alice@example.net"), ==, 0);
	cache_target_unref(t);
	teardown(&fx);
}

/* test_pool - a cache given back is the next one taken, with what it
 * remembers; one taken meanwhile is another */
static void
test_pool(void)
{
	struct fixture fx;
	struct cache_pool *p;
	struct cache *a, *b, *again;
	struct cache_target *t, *t2;
	GError *e = NULL;

	setup(&fx);
	p = cache_pool_new(fx.path, 0);
	a = cache_pool_take(p, &e);
	g_assert_no_error(e);
	b = cache_pool_take(p, &e);
	g_assert_no_error(e);
	g_assert_true(a != NULL && b != NULL && a != b);
	g_assert_true(cache_target(a, "ai", D, &t, &e));
	cache_pool_give(p, b);
	cache_pool_give(p, a);
	again = cache_pool_take(p, &e);
	g_assert_true(again == a);
	g_assert_true(cache_target(again, "ai", D, &t2, &e));
	g_assert_true(t2 == t);
	cache_target_unref(t);
	cache_target_unref(t2);
	cache_pool_give(p, again);
	cache_pool_free(p);
	/* a database that cannot be opened: no cache, an error */
	p = cache_pool_new("/nonexistent/moim.db", 0);
	g_assert_null(cache_pool_take(p, &e));
	g_assert_nonnull(e);
	g_clear_error(&e);
	cache_pool_free(p);
	teardown(&fx);
}

/* test_recheck - with a period, a change committed right after an ask
 * is not seen before the period ends (no query per lookup) and is seen
 * by the first lookup after it; the pool keeps the period on
 * PostgreSQL only (SQLite's ask is a local read, made every time) */
static void
test_recheck(void)
{
	const int period_ms = 500;
	struct fixture fx;
	struct cache_target *ai;
	struct cache_pool *p;
	struct cache *k;
	struct addr *carol = NULL;
	GError *e = NULL;
	gint64 before, after;
	bool added;
	int r = -2;

	setup_every(&fx, period_ms);
	before = g_get_monotonic_time();
	ai = target(&fx, "ai"); /* the first lookup asks */
	after = g_get_monotonic_time();
	g_assert_cmpint(role(&fx, ai, "bob@example.com"), ==, -1);
	g_assert_true(store_member_add(fx.w, fx.ai, "bob@example.com", NULL,
	    STORE_ROLE_OWNER, STORE_MODE_REGULAR, 2, &added, &e));
	g_assert_no_error(e);
	r = role(&fx, ai, "bob@example.com");
	if (g_get_monotonic_time() < before + period_ms * 1000)
		g_assert_cmpint(r, ==, -1); /* remembered, not asked */
	while (g_get_monotonic_time() < after + period_ms * 1000)
		g_usleep(10 * 1000);
	g_assert_cmpint(role(&fx, ai, "bob@example.com"), ==, 2);
	cache_target_unref(ai);

	/* the pool: a period on PostgreSQL only */
	p = cache_pool_new(fx.path, 60 * 1000);
	k = cache_pool_take(p, &e);
	g_assert_no_error(e);
	g_assert_true(addr_parse("carol@example.net", 17, &carol, NULL));
	g_assert_true(cache_target(k, "ai", D, &ai, &e));
	g_assert_true(cache_role(k, ai->t.list, carol, &r, &e));
	g_assert_cmpint(r, ==, -1);
	g_assert_true(store_member_add(fx.w, fx.ai, "carol@example.net", NULL,
	    STORE_ROLE_MODERATOR, STORE_MODE_REGULAR, 3, &added, &e));
	g_assert_true(cache_role(k, ai->t.list, carol, &r, &e));
	g_assert_no_error(e);
	g_assert_cmpint(r, ==, testutil_db_is_pg() ? -1 : 1);
	cache_target_unref(ai);
	addr_free(carol);
	cache_pool_give(p, k);
	cache_pool_free(p);
	teardown(&fx);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/cache/follows", test_follows);
	g_test_add_func("/cache/bounded", test_bounded);
	g_test_add_func("/cache/pool", test_pool);
	g_test_add_func("/cache/recheck", test_recheck);
	return g_test_run();
}
