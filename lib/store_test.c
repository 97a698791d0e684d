/*
 * store_test - unit tests for the store and listset modules
 */
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "db.h"
#include "err.h"
#include "store.h"
#include "testutil.h"

/* MOIM_STORE_TEST_PG: a PostgreSQL database each case empties and uses
 * instead of a SQLite file (tests/pg_store_test.sh; lib/test_db.c). */
static bool is_pg;

/* sqlite_only - skip a case about SQLite files on PostgreSQL */
static bool
sqlite_only(void)
{
	if (!is_pg)
		return false;
	g_test_skip("about SQLite files");
	return true;
}

struct fixture {
	char *dir;
	char *path;
	struct store *s;
};

static void
fx_setup(struct fixture *fx, gconstpointer data)
{
	GError *e = NULL;

	fx->dir = g_dir_make_tmp("store_test.XXXXXX", &e);
	g_assert_no_error(e);
	fx->path = testutil_db_new(fx->dir);
	fx->s = store_open(fx->path, STORE_RW, &e);
	g_assert_no_error(e);
	g_assert_nonnull(fx->s);
}

static void
fx_teardown(struct fixture *fx, gconstpointer data)
{
	const char *sfx[] = {"", "-wal", "-shm"};
	size_t i;

	store_close(fx->s);
	for (i = 0; i < G_N_ELEMENTS(sfx); i++) {
		char *p = g_strconcat(fx->path, sfx[i], NULL);

		(void)g_unlink(p);
		g_free(p);
	}
	(void)g_rmdir(fx->dir);
	g_free(fx->path);
	g_free(fx->dir);
}

static gint64
mklist(struct store *s, const char *local)
{
	GError *e = NULL;
	gint64 id = 0;

	g_assert_true(store_list_create(
	    s, local, "lists.example.org", "AI 프렌즈", 1000, &id, &e));
	g_assert_no_error(e);
	g_assert_cmpint(id, >, 0);
	return id;
}

static void
test_fresh(struct fixture *fx, gconstpointer data)
{
	g_assert_cmpint(store_schema_version(fx->s), ==, STORE_SCHEMA_VERSION);
}

/* A database left at each earlier version migrates to the current one. */
static void
test_migrate_each(struct fixture *fx, gconstpointer data)
{
	int v;

	if (sqlite_only())
		return;
	for (v = 0; v < STORE_SCHEMA_VERSION; v++) {
		char *p = g_strdup_printf("%s/v%d.db", fx->dir, v);
		GError *e = NULL;
		struct store *s;
		sqlite3 *db;

		g_assert_cmpint(sqlite3_open(p, &db), ==, SQLITE_OK);
		sqlite3_close(db);
		s = store_open(p, STORE_RW_SYNC, &e);
		g_assert_no_error(e);
		if (v > 0)
			g_assert_true(store_migrate_to(s, v, &e));
		store_close(s);
		s = store_open(p, STORE_RW, &e);
		g_assert_no_error(e);
		g_assert_cmpint(
		    store_schema_version(s), ==, STORE_SCHEMA_VERSION);
		mklist(s, "after-migration");
		store_close(s);
		g_free(p);
	}
}

static void
test_newer_schema_refused(struct fixture *fx, gconstpointer data)
{
	char *p;
	GError *e = NULL;
	sqlite3 *db;

	if (sqlite_only())
		return;
	p = g_strdup_printf("%s/new.db", fx->dir);
	g_assert_cmpint(sqlite3_open(p, &db), ==, SQLITE_OK);
	g_assert_cmpint(sqlite3_exec(db, "PRAGMA user_version = 99", 0, 0, 0),
	    ==, SQLITE_OK);
	sqlite3_close(db);
	g_assert_null(store_open(p, STORE_RW, &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_CONFIG);
	g_clear_error(&e);
	g_assert_null(store_open(p, STORE_RO, &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_CONFIG);
	g_clear_error(&e);
	g_free(p);
}

static void
test_lists(struct fixture *fx, gconstpointer data)
{
	GError *e = NULL;
	struct store_list *l = NULL;
	GPtrArray *a;
	gint64 id = mklist(fx->s, "ai-friends"), id2;

	g_assert_false(store_list_create(
	    fx->s, "ai-friends", "lists.example.org", "x", 1, &id2, &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
	g_assert_nonnull(strstr(e->message, "list exists"));
	g_clear_error(&e);

	g_assert_true(
	    store_list_get(fx->s, "ai-friends", "lists.example.org", &l, &e));
	g_assert_nonnull(l);
	g_assert_cmpint(l->id, ==, id);
	g_assert_cmpstr(l->address, ==, "ai-friends@lists.example.org");
	g_assert_cmpstr(l->set.name, ==, "AI 프렌즈");
	g_assert_cmpint(l->set.policy, ==, LISTSET_POLICY_MEMBERS);
	store_list_free(l);

	g_assert_true(store_list_set(fx->s, id, "policy", "announce", &e));
	g_assert_false(store_list_set(fx->s, id, "policy", "anarchy", &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
	g_clear_error(&e);
	g_assert_false(store_list_set(fx->s, id, "colour", "red", &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
	g_clear_error(&e);
	g_assert_true(store_list_set(fx->s, id, "max_size", "2m", &e));
	g_assert_true(store_list_get_id(fx->s, id, &l, &e));
	g_assert_cmpint(l->set.policy, ==, LISTSET_POLICY_ANNOUNCE);
	g_assert_cmpint(l->set.max_size, ==, 2 * 1024 * 1024);
	store_list_free(l);

	g_assert_true(
	    store_list_get(fx->s, "nope", "lists.example.org", &l, &e));
	g_assert_null(l);
	a = store_list_by_local(fx->s, "ai-friends", &e);
	g_assert_cmpint(a->len, ==, 1);
	g_ptr_array_unref(a);
	g_assert_true(store_list_delete(fx->s, id, &e));
	a = store_list_all(fx->s, &e);
	g_assert_cmpint(a->len, ==, 0);
	g_ptr_array_unref(a);
}

static void
test_members(struct fixture *fx, gconstpointer data)
{
	GError *e = NULL;
	gint64 id = mklist(fx->s, "ai-friends");
	struct store_member *m = NULL;
	bool added, removed;
	GPtrArray *a;
	int i;

	for (i = 0; i < 50; i++) {
		char *addr = g_strdup_printf("user%02d@example.net", i);

		g_assert_true(
		    store_member_add(fx->s, id, addr, NULL, STORE_ROLE_MEMBER,
			i % 10 == 0 ? STORE_MODE_DIGEST : STORE_MODE_REGULAR, 1,
			&added, &e));
		g_assert_true(added);
		g_free(addr);
	}
	g_assert_true(store_member_add(fx->s, id, "user01@example.net",
	    "홍길동", STORE_ROLE_OWNER, STORE_MODE_REGULAR, 1, &added, &e));
	g_assert_false(added);
	g_assert_cmpint(store_member_count(fx->s, id, &e), ==, 50);
	a = store_member_recipients(fx->s, id, STORE_MODE_REGULAR, &e);
	g_assert_cmpint(a->len, ==, 45);
	g_ptr_array_unref(a);
	a = store_member_recipients(fx->s, id, STORE_MODE_DIGEST, &e);
	g_assert_cmpint(a->len, ==, 5);
	g_ptr_array_unref(a);

	g_assert_true(
	    store_member_get(fx->s, id, "user03@example.net", &m, &e));
	g_assert_nonnull(m);
	g_assert_true(
	    store_member_set_role(fx->s, m->id, STORE_ROLE_MODERATOR, &e));
	g_assert_true(store_member_set_enabled(fx->s, m->id, false, &e));
	store_member_free(m);
	a = store_member_list(fx->s, id, STORE_ROLE_MODERATOR, &e);
	g_assert_cmpint(a->len, ==, 1);
	g_assert_false(((struct store_member *)a->pdata[0])->enabled);
	g_ptr_array_unref(a);

	g_assert_true(
	    store_member_remove(fx->s, id, "user03@example.net", &removed, &e));
	g_assert_true(removed);
	g_assert_true(
	    store_member_remove(fx->s, id, "user03@example.net", &removed, &e));
	g_assert_false(removed);
	g_assert_true(
	    store_member_get(fx->s, id, "user03@example.net", &m, &e));
	g_assert_null(m);
	g_assert_no_error(e);
}

/* test_member_bounce - a failure decays the score by whole half-lives
 * (SQL both engines run: PostgreSQL shifts a BIGINT by an INTEGER only) */
static void
test_member_bounce(struct fixture *fx, gconstpointer data)
{
	static const struct {
		bool policy;
		gint64 now;
		double want;
	} cases[] = {
	    {false, 1000, 1.0}, /* first failure */
	    {false, 1000, 2.0}, /* same second: no decay */
	    {false, 1150, 2.0}, /* one half-life (150 s / 100) */
	    {false, 1350, 1.5}, /* two: 2 / 4 + 1 */
	    {false, 1350 + 100 * 90, 1.0}, /* at most 62 halvings */
	    {true, 20000, 1.0}, /* the policy score is its own */
	    {true, 20000, 2.0},
	};
	GError *e = NULL;
	gint64 id = mklist(fx->s, "ai-friends");
	struct store_member *m = NULL;
	bool added;
	double score;
	size_t i;

	(void)data;
	g_assert_true(store_member_add(fx->s, id, "gone@example.net", NULL,
	    STORE_ROLE_MEMBER, STORE_MODE_REGULAR, 1, &added, &e));
	g_assert_true(store_member_get(fx->s, id, "gone@example.net", &m, &e));
	g_assert_nonnull(m);
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_assert_true(store_member_bounce(fx->s, m->id, cases[i].policy,
		    cases[i].now, 100, &score, &e));
		g_assert_no_error(e);
		g_assert_cmpfloat_with_epsilon(score, cases[i].want, 1e-9);
	}
	store_member_free(m);
}

static void
test_pending_single_use(struct fixture *fx, gconstpointer data)
{
	GError *e = NULL;
	gint64 id = mklist(fx->s, "ai-friends"), pid;
	struct store_pending *p;
	bool consumed;

	g_assert_true(store_pending_add(fx->s, id, STORE_PENDING_SUBSCRIBE,
	    "a@example.net", "에이", 100, 200, &pid, &e));
	g_assert_true(store_pending_get(fx->s, pid, &p, &e));
	g_assert_cmpstr(p->address, ==, "a@example.net");
	g_assert_cmpint(p->kind, ==, STORE_PENDING_SUBSCRIBE);
	g_assert_false(p->used);
	store_pending_free(p);
	g_assert_true(store_pending_consume(fx->s, pid, &consumed, &e));
	g_assert_true(consumed);
	g_assert_true(store_pending_consume(fx->s, pid, &consumed, &e));
	g_assert_false(consumed);
	/* its expiry is a timer of the processor's */
	g_assert_cmpint(store_timer_next(fx->s, 150, &e), ==, 201);
	g_assert_true(store_pending_expire(fx->s, 201, &e));
	g_assert_cmpint(store_timer_next(fx->s, 201, &e), ==, G_MAXINT64);
	g_assert_true(store_pending_get(fx->s, pid, &p, &e));
	g_assert_null(p);
}

static void
test_inbound(struct fixture *fx, gconstpointer data)
{
	const char *rcpts[] = {"a@lists.example.org", "b@lists.example.org"};
	const char raw[] = "Subject: x\n\nbody\0with nul";
	GError *e = NULL;
	GPtrArray *a;
	GBytes *b;
	gint64 mid;
	struct store_inbound *j;

	g_assert_true(store_inbound_add(
	    fx->s, "s@example.net", rcpts, 2, raw, sizeof(raw), 10, &mid, &e));
	g_assert_cmpint(store_inbound_pending_count(fx->s, &e), ==, 2);
	a = store_inbound_due(fx->s, 10, 10, &e);
	g_assert_cmpint(a->len, ==, 2);
	j = a->pdata[0];
	g_assert_cmpstr(j->rcpt, ==, "a@lists.example.org");
	g_assert_true(store_inbound_raw(fx->s, j->msg_id, &b, &e));
	g_assert_cmpmem(
	    g_bytes_get_data(b, NULL), g_bytes_get_size(b), raw, sizeof(raw));
	g_bytes_unref(b);
	g_assert_cmpint(store_timer_next(fx->s, 10, &e), ==, G_MAXINT64);
	g_assert_true(store_inbound_retry(fx->s, j->id, 100, "busy", &e));
	/* the retry is the processor's next timer until it is due */
	g_assert_cmpint(store_timer_next(fx->s, 10, &e), ==, 100);
	g_assert_cmpint(store_timer_next(fx->s, 100, &e), ==, G_MAXINT64);
	g_ptr_array_unref(a);
	a = store_inbound_due(fx->s, 50, 10, &e);
	g_assert_cmpint(a->len, ==, 1);
	g_assert_true(store_inbound_done(
	    fx->s, ((struct store_inbound *)a->pdata[0])->id, "ok", &e));
	g_ptr_array_unref(a);
	a = store_inbound_due(fx->s, 100, 10, &e);
	g_assert_cmpint(a->len, ==, 1);
	j = a->pdata[0];
	g_assert_cmpint(j->tries, ==, 1);
	g_assert_true(store_inbound_done(fx->s, j->id, "ok", &e));
	/* The message went with its last job. */
	g_assert_true(store_inbound_raw(fx->s, j->msg_id, &b, &e));
	g_assert_null(b);
	g_ptr_array_unref(a);
	g_assert_no_error(e);
}

/* test_delivery_bounced - a batched copy's bounce names the member only
 * for a sent delivery of a recent batched copy, and only once */
static void
test_delivery_bounced(struct fixture *fx, gconstpointer data)
{
	struct store_rcpt r[] = {{"a@example.net", 7}, {"b@example.net", 8}};
	GError *e = NULL;
	gint64 batch, post, ids[2], mid;
	GPtrArray *a;
	static const struct {
		int copy; /* 0: the batch, 1: the personal post, 2: none */
		const char *rcpt;
		gint64 since;
		gint64 want;
	} cases[] = {
	    {0, "b@example.net", 0, 0}, /* not sent yet (deferred) */
	    {0, "c@example.net", 0, 0}, /* not a recipient */
	    {1, "a@example.net", 0, 0}, /* not a batched copy */
	    {2, "a@example.net", 0, 0}, /* no such copy */
	    {0, "a@example.net", 11, 0}, /* too old */
	    {0, "A@Example.NET", 10, 7}, /* sent: counts, any case */
	    {0, "a@example.net", 0, 0}, /* but once */
	};

	g_assert_true(store_outbound_add(fx->s, 0, STORE_OUT_BATCH, NULL,
	    "<m@x>", "raw", 3, r, 2, 10, &batch, &e));
	g_assert_true(store_outbound_add(fx->s, 0, STORE_OUT_POST, NULL,
	    "<n@x>", "raw", 3, r, 1, 10, &post, &e));
	a = store_delivery_claim(fx->s, 0, 10, 10, &e);
	g_assert_cmpint(a->len, ==, 3);
	for (guint i = 0; i < a->len; i++) {
		struct store_delivery *d = a->pdata[i];

		ids[0] = d->id;
		if (d->outbound_id == batch && d->member_id == 8)
			g_assert_true(store_delivery_defer(
			    fx->s, d->id, 0, 60, 451, "later", &e));
		else
			g_assert_true(store_delivery_done(
			    fx->s, ids, 1, STORE_D_SENT, 250, "ok", &e));
	}
	g_ptr_array_unref(a);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		gint64 copy = cases[i].copy == 0 ? batch
		    : cases[i].copy == 1	 ? post
						 : post + 100;

		g_assert_true(store_delivery_bounced(fx->s, copy, cases[i].rcpt,
		    cases[i].since, "permanent", &mid, &e));
		g_assert_no_error(e);
		g_assert_cmpint(mid, ==, cases[i].want);
	}
	g_assert_cmpint(store_delivery_count(fx->s, STORE_D_FAILED, &e), ==, 1);
}

static void
test_deliveries(struct fixture *fx, gconstpointer data)
{
	struct store_rcpt r[] = {{"a@example.net", 1}, {"b@example.net", 2},
	    {"c@example.net", 3}, {"a@example.net", 1}};
	GError *e = NULL;
	struct store_outbound *o;
	struct store_delivery *d;
	gint64 oid, ids[2], freed = 0;
	GPtrArray *a;

	g_assert_true(store_outbound_add(fx->s, 0, STORE_OUT_NOTICE,
	    "x-bounces@lists.example.org", "<m@x>", "raw", 3, r, 4, 5, &oid,
	    &e));
	g_assert_cmpint(
	    store_delivery_count(fx->s, STORE_D_PENDING, &e), ==, 3);
	g_assert_true(store_outbound_get(fx->s, oid, &o, &e));
	g_assert_cmpint(o->kind, ==, STORE_OUT_NOTICE);
	g_assert_cmpint(g_bytes_get_size(o->raw), ==, 3);
	store_outbound_free(o);

	a = store_delivery_claim(fx->s, 0, 5, 2, &e);
	g_assert_cmpint(a->len, ==, 2);
	g_assert_cmpint(
	    store_delivery_count(fx->s, STORE_D_SENDING, &e), ==, 2);
	/* A claimed row is not claimed twice. */
	{
		GPtrArray *b = store_delivery_claim(fx->s, 0, 5, 10, &e);

		g_assert_cmpint(b->len, ==, 1);
		g_ptr_array_unref(b);
	}
	d = a->pdata[0];
	ids[0] = d->id;
	g_assert_true(
	    store_delivery_done(fx->s, ids, 1, STORE_D_SENT, 250, "ok", &e));
	d = a->pdata[1];
	g_assert_true(
	    store_delivery_defer(fx->s, d->id, 0, 60, 451, "later", &e));
	g_ptr_array_unref(a);
	g_assert_cmpint(store_delivery_next_due(fx->s, &e), ==, 60);
	/* Crash: the unrecorded claim (of no live worker) is due again; the
	 * sent one is not. */
	g_assert_true(store_worker_reap(fx->s, 5, &freed, &e));
	g_assert_cmpint(freed, ==, 1);
	g_assert_cmpint(
	    store_delivery_count(fx->s, STORE_D_PENDING, &e), ==, 2);
	g_assert_cmpint(store_delivery_count(fx->s, STORE_D_SENT, &e), ==, 1);
	a = store_delivery_claim(fx->s, 0, 59, 10, &e);
	g_assert_cmpint(a->len, ==, 1);
	g_ptr_array_unref(a);
	g_assert_no_error(e);
}

/* claims_of - how many inbound jobs owner holds (claiming none) */
static gint64
claims_of(struct store *s, gint64 owner, gint64 now)
{
	GError *e = NULL;
	GPtrArray *j = store_inbound_claim(s, owner, now, 0, 100, &e);
	gint64 n;

	g_assert_no_error(e);
	n = j->len;
	g_ptr_array_unref(j);
	return n;
}

/* test_workers - two workers' claims: none taken twice, a dead worker's
 * given back once its lease ran out, a live worker's never */
static void
test_workers(struct fixture *fx, gconstpointer data)
{
	const char *rcpts[] = {"a@lists.example.org", "b@lists.example.org",
	    "c@lists.example.org"};
	struct store_rcpt r[] = {{"a@example.net", 1}, {"b@example.net", 2},
	    {"c@example.net", 3}, {"d@example.net", 4}};
	GError *e = NULL;
	gint64 a, b, mid, oid, freed = -1;
	GPtrArray *da, *db, *ja, *jb;
	bool yes;

	(void)data;
	g_assert_true(store_worker_add(fx->s, "h1", 11, 10, 100, &a, &e));
	g_assert_true(store_worker_add(fx->s, "h2", 12, 10, 200, &b, &e));
	g_assert_cmpint(store_worker_first(fx->s, 10, &e), ==, a);
	g_assert_true(store_inbound_add(
	    fx->s, "s@example.net", rcpts, 3, "x", 1, 10, &mid, &e));
	g_assert_true(store_outbound_add(fx->s, 0, STORE_OUT_NOTICE,
	    "x@example.org", "<m@x>", "raw", 3, r, 4, 10, &oid, &e));

	/* Each claim takes what no one holds. */
	da = store_delivery_claim(fx->s, a, 10, 2, &e);
	db = store_delivery_claim(fx->s, b, 10, 10, &e);
	g_assert_cmpint(da->len, ==, 2);
	g_assert_cmpint(db->len, ==, 2);
	ja = store_inbound_claim(fx->s, a, 10, 2, 10, &e);
	jb = store_inbound_claim(fx->s, b, 10, 2, 10, &e);
	g_assert_cmpint(ja->len, ==, 2);
	g_assert_cmpint(jb->len, ==, 1);
	g_assert_cmpint(((struct store_inbound *)ja->pdata[0])->owner, ==, a);
	/* A worker's later passes return what it holds, no more. */
	g_assert_cmpint(claims_of(fx->s, a, 10), ==, 2);
	g_assert_true(store_inbound_owned(
	    fx->s, ((struct store_inbound *)ja->pdata[0])->id, a, &yes, &e));
	g_assert_true(yes);
	g_assert_true(store_inbound_owned(
	    fx->s, ((struct store_inbound *)ja->pdata[0])->id, b, &yes, &e));
	g_assert_false(yes);

	/* A renewal holds while the lease runs, not after. */
	g_assert_true(store_worker_renew(fx->s, a, 50, 150, &yes, &e));
	g_assert_true(yes);
	g_assert_true(store_worker_reap(fx->s, 150, &freed, &e));
	g_assert_cmpint(freed, ==, 0);
	g_assert_true(store_worker_renew(fx->s, a, 151, 250, &yes, &e));
	g_assert_false(yes);

	/* a is dead at 151: its claims go back, b's stay. */
	g_assert_true(store_worker_reap(fx->s, 151, &freed, &e));
	g_assert_cmpint(freed, ==, 4);
	g_assert_cmpint(store_worker_first(fx->s, 151, &e), ==, b);
	g_assert_cmpint(
	    store_delivery_count(fx->s, STORE_D_SENDING, &e), ==, 2);
	g_assert_cmpint(
	    store_delivery_count(fx->s, STORE_D_PENDING, &e), ==, 2);
	g_assert_cmpint(claims_of(fx->s, b, 151), ==, 1);
	/* a's deferral of a claim it lost changes nothing. */
	g_assert_true(store_delivery_defer(fx->s,
	    ((struct store_delivery *)db->pdata[0])->id, a, 300, 451, "x", &e));
	g_assert_cmpint(
	    store_delivery_count(fx->s, STORE_D_SENDING, &e), ==, 2);

	/* b ends: everything is due again, and no worker is left. */
	g_assert_true(store_worker_end(fx->s, b, &e));
	g_assert_true(store_worker_reap(fx->s, 152, &freed, &e));
	g_assert_cmpint(freed, ==, 3);
	g_assert_cmpint(
	    store_delivery_count(fx->s, STORE_D_PENDING, &e), ==, 4);
	g_assert_cmpint(store_worker_first(fx->s, 152, &e), ==, 0);
	g_assert_no_error(e);
	g_ptr_array_unref(da);
	g_ptr_array_unref(db);
	g_ptr_array_unref(ja);
	g_ptr_array_unref(jb);
}

static void
test_held_once(struct fixture *fx, gconstpointer data)
{
	GError *e = NULL;
	gint64 id = mklist(fx->s, "ai-friends"), hid;
	struct store_held *h;
	bool changed;
	GPtrArray *a;

	g_assert_true(store_held_add(fx->s, id, "s@example.net", "제목",
	    "non-member", "raw", 3, 1, 100, &hid, &e));
	a = store_held_list(fx->s, id, &e);
	g_assert_cmpint(a->len, ==, 1);
	g_ptr_array_unref(a);
	g_assert_true(store_held_get(fx->s, hid, &h, &e));
	g_assert_cmpstr(h->subject, ==, "제목");
	store_held_free(h);
	g_assert_true(store_held_decide(
	    fx->s, hid, "approved", "m@example.net", NULL, &changed, &e));
	g_assert_true(changed);
	g_assert_true(store_held_decide(
	    fx->s, hid, "rejected", "m@example.net", NULL, &changed, &e));
	g_assert_false(changed);
	g_assert_true(store_held_get(fx->s, hid, &h, &e));
	g_assert_null(h);
}

/* A reader on another connection sees committed data while a writer holds
 * an open transaction, and does not block it (WAL). */
static void
test_concurrent_reader(struct fixture *fx, gconstpointer data)
{
	GError *e = NULL;
	gint64 id = mklist(fx->s, "ai-friends");
	struct store *r = store_open(fx->path, STORE_RO, &e);
	bool added;

	g_assert_no_error(e);
	g_assert_true(store_begin(fx->s, &e));
	g_assert_true(store_member_add(fx->s, id, "new@example.net", NULL,
	    STORE_ROLE_MEMBER, STORE_MODE_REGULAR, 1, &added, &e));
	g_assert_cmpint(store_member_count(r, id, &e), ==, 0);
	g_assert_true(store_commit(fx->s, &e));
	g_assert_cmpint(store_member_count(r, id, &e), ==, 1);
	g_assert_no_error(e);
	store_close(r);
}

static void
test_archive(struct fixture *fx, gconstpointer data)
{
	GError *e = NULL;
	gint64 id = mklist(fx->s, "ai-friends");
	struct store_archived a = {id, "<1@x>", NULL, "제목", "a@example.net",
	    "에이", 5, "본문", "raw", 3};
	bool added, has;

	g_assert_true(store_archive_add(fx->s, &a, 1, &added, &e));
	g_assert_true(added);
	g_assert_true(store_archive_add(fx->s, &a, 1, &added, &e));
	g_assert_false(added);
	g_assert_true(store_archive_has(fx->s, id, "<1@x>", &has, &e));
	g_assert_true(has);
	g_assert_cmpint(store_archive_count(fx->s, id, &e), ==, 1);
}

static void
test_listset(void)
{
	struct listset ls;
	GError *e = NULL;
	char *v;
	struct {
		const char *key, *value;
		bool ok;
	} cases[] = {
	    {"policy", "open", true},
	    {"policy", "MODERATED", true},
	    {"policy", "closed", false},
	    {"language", "en", true},
	    {"language", "fr", false},
	    {"footer", "off", true},
	    {"footer", "maybe", false},
	    {"max_size", "512k", true},
	    {"max_size", "12", false},
	    {"max_size", "-5", false},
	    {"name", "", false},
	    {"name", "a\nb", false},
	    {"subject_prefix", "", true},
	    {"delivery", "batched", true},
	    {"rsvp_distribute", "yes", true},
	    {"dmarc", "munge", true},
	    {"reply_to", "list", true},
	    {"nosuch", "x", false},
	    {"digest_time", "7:5", false},
	    {"digest_time", "24:00", false},
	    {"digest_time", "08:60", false},
	    {"digest_time", "08:00:", false},
	    {"digest_time", "08:00 ", false},
	    {"digest_time", "", false},
	    {"digest_time", "9:30", true},
	    {"digest_time", "23:59:58", true},
	    {"munge_domains", "a..b", false},
	    {"munge_domains", "-x.org", false},
	    {"munge_domains", "x.org;y", false},
	    {"munge_domains", "", true},
	    {"munge_domains", "Gmail.com, naver.com  daum.net", true},
	    {"unmodified", "on", true},
	    {"hold_days", "0", false},
	    {"hold_days", "366", false},
	    {"hold_days", "-1", false},
	    {"hold_days", "3d", false},
	    {"hold_days", "7", true},
	    {"crashers", "allow", false},
	    {"crashers", "", false},
	    {"crashers", "refuse", true},
	    {"crashers", "ACCEPT", true},
	    {"topics", "세미나 구인 질문 공지", true},
	    {"topics", "세미나,구인", true},
	    {"topics", "[세미나]", false},
	    {"topics", "#구인", false},
	    {"topics", "구인 구인", false},
	    {"topics", "", true},
	    {"topics", "세미나  구인,질문", true},
	    {"topic_required", "yes", true},
	    {"topic_required", "sometimes", false},
	};
	size_t i;

	listset_defaults(&ls, "AI 프렌즈");
	g_assert_cmpint(ls.hold_days, ==, 14);
	/* issue 13.3: strangers' answers wait for the organizer */
	g_assert_cmpint(ls.crashers, ==, LISTSET_CRASHERS_HOLD);
	v = listset_value(&ls, "crashers");
	g_assert_cmpstr(v, ==, "hold");
	g_free(v);
	v = listset_prefix(&ls);
	g_assert_cmpstr(v, ==, "[AI 프렌즈]");
	g_free(v);
	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		bool ok = listset_apply(&ls, cases[i].key, cases[i].value, &e);

		g_assert_cmpint(ok, ==, cases[i].ok);
		if (!ok) {
			g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
			g_clear_error(&e);
		}
	}
	v = listset_value(&ls, "max_size");
	g_assert_cmpstr(v, ==, "524288");
	g_free(v);
	/* topics are kept one space apart, in the owner's order */
	v = listset_value(&ls, "topics");
	g_assert_cmpstr(v, ==, "세미나 구인 질문");
	g_free(v);
	g_assert_true(ls.topic_required);
	v = listset_value(&ls, "policy");
	g_assert_cmpstr(v, ==, "moderated");
	g_free(v);
	v = listset_value(&ls, "crashers");
	g_assert_cmpstr(v, ==, "accept");
	g_assert_cmpstr(listset_crashers_name(ls.crashers), ==, "accept");
	g_free(v);
	v = listset_prefix(&ls);
	g_assert_cmpstr(v, ==, "");
	g_free(v);
	g_assert_cmpint(ls.digest_time, ==, 23 * 3600 + 59 * 60 + 58);
	g_assert_cmpint(ls.hold_days, ==, 7);
	v = listset_value(&ls, "digest_time");
	g_assert_cmpstr(v, ==, "23:59:58");
	g_free(v);
	g_assert_true(listset_apply(&ls, "digest_time", "9:30", &e));
	v = listset_value(&ls, "digest_time");
	g_assert_cmpstr(v, ==, "09:30");
	g_free(v);
	v = listset_value(&ls, "munge_domains");
	g_assert_cmpstr(v, ==, "gmail.com naver.com daum.net");
	g_free(v);
	g_assert_true(ls.unmodified);
	g_assert_cmpstr(listset_keys()[0], ==, "name");
	listset_clear(&ls);
}

/* Digest posts come back oldest first, within the bounds, and each
 * issue clears exactly what it sent. */
/* test_event_organizer - co-hosting needs the poster to own or moderate
 * every list that holds the event and the new one (issue 13.1) */
static void
test_event_organizer(struct fixture *fx, gconstpointer data)
{
	GError *e = NULL;
	gint64 a = mklist(fx->s, "a"), b = mklist(fx->s, "b"),
	       c = mklist(fx->s, "c"), id = 0;
	struct store_event ev = {.list_id = a,
	    .uid = "u1@lists.example.org",
	    .title = "Summit",
	    .starts = 1000,
	    .ends = 2000,
	    .tzid = "UTC",
	    .organizer = "org@example.net",
	    .message_id = "<m1@example.net>"};
	const struct {
		const char *address;
		gint64 *list;
		bool want;
	} t[] = {
	    {"org@example.net", &b, true}, /* owner of a, moderator of b */
	    {"org@example.net", &c, false}, /* not on c */
	    {"mal@example.net", &b, false}, /* moderator of b, not of a */
	    {"mal@example.net", &c, false},
	    {"mem@example.net", &a, false}, /* a member only */
	};
	bool added, is;

	(void)data;
	g_assert_true(store_member_add(fx->s, a, "org@example.net", NULL,
	    STORE_ROLE_OWNER, STORE_MODE_REGULAR, 1, &added, &e));
	g_assert_true(store_member_add(fx->s, b, "org@example.net", NULL,
	    STORE_ROLE_MODERATOR, STORE_MODE_REGULAR, 1, &added, &e));
	g_assert_true(store_member_add(fx->s, b, "mal@example.net", NULL,
	    STORE_ROLE_MODERATOR, STORE_MODE_REGULAR, 1, &added, &e));
	g_assert_true(store_member_add(fx->s, c, "mal@example.net", NULL,
	    STORE_ROLE_OWNER, STORE_MODE_REGULAR, 1, &added, &e));
	g_assert_true(store_member_add(fx->s, a, "mem@example.net", NULL,
	    STORE_ROLE_MEMBER, STORE_MODE_REGULAR, 1, &added, &e));
	g_assert_true(store_event_add(fx->s, &ev, 1, &id, &e));
	g_assert_no_error(e);
	for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
		g_test_message(
		    "%s on %" G_GINT64_FORMAT, t[i].address, *t[i].list);
		g_assert_true(store_event_organizer_everywhere(
		    fx->s, id, *t[i].list, t[i].address, &is, &e));
		g_assert_no_error(e);
		g_assert_cmpint(is, ==, t[i].want);
	}
	/* once c co-hosts, org must run c too */
	g_assert_true(store_event_link(fx->s, id, c, &added, &e));
	g_assert_true(store_event_organizer_everywhere(
	    fx->s, id, b, "org@example.net", &is, &e));
	g_assert_false(is);
}

static void
test_digest(struct fixture *fx, gconstpointer data)
{
	GError *e = NULL;
	gint64 a = mklist(fx->s, "ai-friends"), b = mklist(fx->s, "seminar"),
	       issue = 0;
	struct store_digest_due *d;
	struct store_digest_post *p;
	GPtrArray *x;

	g_assert_true(store_digest_add(fx->s, a, "one", 3, 100, &e));
	g_assert_true(store_digest_add(fx->s, b, "b1", 2, 50, &e));
	g_assert_true(store_digest_add(fx->s, a, "two!", 4, 200, &e));
	g_assert_true(store_digest_add(fx->s, a, "three", 5, 300, &e));
	x = store_digest_due(fx->s, &e);
	g_assert_cmpint(x->len, ==, 2);
	d = x->pdata[0];
	g_assert_cmpint(d->list_id, ==, b);
	g_assert_cmpint(d->oldest, ==, 50);
	d = x->pdata[1];
	g_assert_cmpint(d->list_id, ==, a);
	g_assert_cmpint(d->oldest, ==, 100);
	g_ptr_array_unref(x);

	/* 7 bytes: "one" and "two!" fit, "three" waits for the next issue */
	x = store_digest_posts(fx->s, a, 10, 7, &e);
	g_assert_cmpint(x->len, ==, 2);
	p = x->pdata[1];
	g_assert_cmpint(g_bytes_get_size(p->raw), ==, 4);
	g_assert_true(store_digest_sent(fx->s, a, p->id, 400, &issue, &e));
	g_assert_cmpint(issue, ==, 1);
	g_ptr_array_unref(x);
	g_assert_cmpint(store_digest_queued(fx->s, a, &e), ==, 1);
	/* a post larger than the bound still goes, alone */
	x = store_digest_posts(fx->s, a, 10, 1, &e);
	g_assert_cmpint(x->len, ==, 1);
	p = x->pdata[0];
	g_assert_true(store_digest_sent(fx->s, a, p->id, 500, &issue, &e));
	g_assert_cmpint(issue, ==, 2);
	g_ptr_array_unref(x);
	g_assert_cmpint(store_digest_queued(fx->s, a, &e), ==, 0);
	g_assert_cmpint(store_digest_queued(fx->s, b, &e), ==, 1);
	x = store_digest_due(fx->s, &e);
	g_assert_cmpint(x->len, ==, 1);
	g_ptr_array_unref(x);
	g_assert_no_error(e);
}

/* One-line texts: every run of control characters is one space. */
static void
test_text_line(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"Forum\nDay 1", "Forum Day 1"},
	    {"Forum\r\nDay 1", "Forum Day 1"},
	    {"a\tb\x7f\x01"
	     "c",
		"a b c"},
	    {"\n행사\n", " 행사 "},
	    {"a\xc2\x85"
	     "b",
		"a b"}, /* NEL, a C1 control */
	    {"a\xe2\x80\xa8"
	     "b\xe2\x80\xa9"
	     "c",
		"a b c"},
	    {"a\xc2\xa0"
	     "b",
		"a\xc2\xa0"
		"b"}, /* no-break space stays */
	    {"plain", "plain"},
	    {"", ""},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = moim_text_line(cases[i].in);

		g_assert_cmpstr(got, ==, cases[i].want);
	}
	g_assert_null(moim_text_line(NULL));
}

/* An event's title, place and organizer's name, and an attendee's name,
 * are stored on one line whatever the caller passes. */
static void
test_event_text_line(struct fixture *fx, gconstpointer data)
{
	GError *e = NULL;
	gint64 l = mklist(fx->s, "ev"), id;
	struct store_event ev = {.list_id = l,
	    .uid = "u1@lists.example.org",
	    .title = "Forum\nDay 1",
	    .starts = 2000,
	    .ends = 3000,
	    .tzid = "Asia/Seoul",
	    .location = "Hall\r\nB",
	    .description = "line 1\nline 2",
	    .organizer = "org@example.net",
	    .organizer_name = "Kim\nJi"};
	struct store_rsvp r = {.address = "a@example.net",
	    .display_name = "A\nB",
	    .answer = "accepted",
	    .headcount = 1,
	    .status = "attending",
	    .source = "imip"};
	struct store_event *got = NULL;
	struct store_rsvp *rgot = NULL;

	(void)data;
	g_assert_true(store_event_add(fx->s, &ev, 1000, &id, &e));
	g_assert_true(store_event_get(fx->s, id, &got, &e));
	g_assert_no_error(e);
	g_assert_cmpstr(got->title, ==, "Forum Day 1");
	g_assert_cmpstr(got->location, ==, "Hall B");
	g_assert_cmpstr(got->organizer_name, ==, "Kim Ji");
	g_assert_cmpstr(got->description, ==, "line 1\nline 2");
	g_free(got->title);
	got->title = g_strdup("Forum\nDay 2");
	g_free(got->state);
	got->state = g_strdup("active");
	g_assert_true(store_event_update(fx->s, got, &e));
	store_event_free(got);
	g_assert_true(store_event_get(fx->s, id, &got, &e));
	g_assert_cmpstr(got->title, ==, "Forum Day 2");
	store_event_free(got);
	r.event_id = id;
	g_assert_true(store_rsvp_put(fx->s, &r, &e));
	g_assert_true(store_rsvp_get(fx->s, id, r.address, &rgot, &e));
	g_assert_no_error(e);
	g_assert_cmpstr(rgot->display_name, ==, "A B");
	store_rsvp_free(rgot);
}

/* test_session_seats - a series answer's seat per session: put, a new
 * headcount, list by session, delete */
static void
test_session_seats(struct fixture *fx, gconstpointer data)
{
	GError *e = NULL;
	gint64 l = mklist(fx->s, "seats"), id;
	struct store_event ev = {.list_id = l,
	    .uid = "u2@lists.example.org",
	    .title = "Study",
	    .starts = 2000,
	    .ends = 3000,
	    .tzid = "Asia/Seoul",
	    .organizer = "org@example.net"};
	struct store_session_seat a = {0, 9000, "a@example.net", 1};
	struct store_session_seat b = {0, 2000, "b@example.net", 2};
	const struct store_session_seat *got;
	GPtrArray *rows;

	(void)data;
	g_assert_true(store_event_add(fx->s, &ev, 1000, &id, &e));
	a.event_id = b.event_id = id;
	g_assert_true(store_session_seat_put(fx->s, &a, &e));
	g_assert_true(store_session_seat_put(fx->s, &b, &e));
	a.headcount = 3;
	g_assert_true(store_session_seat_put(fx->s, &a, &e));
	g_assert_no_error(e);
	rows = store_session_seat_list(fx->s, id, &e);
	g_assert_no_error(e);
	g_assert_cmpuint(rows->len, ==, 2);
	got = rows->pdata[0];
	g_assert_cmpint(got->session, ==, 2000);
	g_assert_cmpstr(got->address, ==, "b@example.net");
	g_assert_cmpint(got->headcount, ==, 2);
	got = rows->pdata[1];
	g_assert_cmpint(got->session, ==, 9000);
	g_assert_cmpint(got->headcount, ==, 3);
	g_ptr_array_unref(rows);
	g_assert_true(
	    store_session_seat_delete(fx->s, id, 2000, "b@example.net", &e));
	rows = store_session_seat_list(fx->s, id, &e);
	g_assert_cmpuint(rows->len, ==, 1);
	g_ptr_array_unref(rows);
}

/* test_topics - members' choices, a message's and its thread's topic,
 * a topic's threads */
static void
test_topics(struct fixture *fx, gconstpointer data)
{
	GError *e = NULL;
	gint64 id = mklist(fx->s, "ai-friends"), tid = 0;
	struct store_member *m = NULL;
	struct store_archived2 a = {
	    .a = {id, "<1@x>", NULL, "[구인] 인턴", "a@example.net", NULL, 5,
		"본문", "raw", 3}};
	struct store_archived2 b = {
	    .a = {id, "<2@x>", "<1@x>", "Re: 인턴", "b@example.net", NULL, 6,
		"답", "raw", 3}};
	struct store_topic_pick *p;
	GPtrArray *picks;
	char *t = NULL;
	bool added;

	(void)data;
	g_assert_true(store_member_add(fx->s, id, "a@example.net", NULL,
	    STORE_ROLE_MEMBER, STORE_MODE_REGULAR, 1, &added, &e));
	g_assert_true(store_member_get(fx->s, id, "a@example.net", &m, &e));
	g_assert_true(
	    store_topic_choose(fx->s, m->id, "구인", STORE_TOPIC_FOLLOW, &e));
	/* a later choice of the same topic replaces the earlier one */
	g_assert_true(
	    store_topic_choose(fx->s, m->id, "구인", STORE_TOPIC_MUTE, &e));
	g_assert_true(
	    store_topic_choose(fx->s, m->id, "세미나", STORE_TOPIC_FOLLOW, &e));
	picks = store_topic_list_picks(fx->s, id, &e);
	g_assert_no_error(e);
	g_assert_cmpuint(picks->len, ==, 2);
	p = picks->pdata[0];
	g_assert_cmpstr(p->topic, ==, "구인");
	g_assert_cmpint(p->choice, ==, STORE_TOPIC_MUTE);
	g_ptr_array_unref(picks);
	g_assert_true(store_topic_clear(fx->s, m->id, &e));
	picks = store_topic_picks(fx->s, m->id, &e);
	g_assert_cmpuint(picks->len, ==, 0);
	g_ptr_array_unref(picks);
	store_member_free(m);

	/* the thread takes its first topical message's topic */
	g_assert_true(
	    store_archive_thread_new(fx->s, id, "<1@x>", "인턴", 5, &tid, &e));
	a.thread_id = b.thread_id = tid;
	g_assert_true(store_archive_add2(fx->s, &a, 5, &added, &e));
	g_assert_true(store_archive_add2(fx->s, &b, 6, &added, &e));
	g_assert_true(store_topic_of_thread(fx->s, tid, &t, &e));
	g_assert_null(t);
	g_assert_true(store_topic_set_message(fx->s, id, "<1@x>", "구인", &e));
	g_assert_true(
	    store_topic_set_message(fx->s, id, "<2@x>", "세미나", &e));
	g_assert_true(store_topic_of_thread(fx->s, tid, &t, &e));
	g_assert_cmpstr(t, ==, "구인");
	g_clear_pointer(&t, g_free);
	g_assert_true(store_topic_of_message(fx->s, id, "<2@x>", &t, &e));
	g_assert_cmpstr(t, ==, "세미나");
	g_clear_pointer(&t, g_free);
	g_assert_true(store_topic_of_message(fx->s, id, "<none@x>", &t, &e));
	g_assert_null(t);
	picks = store_web_threads_topic(fx->s, id, "구인", 10, &e);
	g_assert_no_error(e);
	g_assert_cmpuint(picks->len, ==, 1);
	g_ptr_array_unref(picks);
	picks = store_web_threads_topic(fx->s, id, "세미나", 10, &e);
	g_assert_cmpuint(picks->len, ==, 0);
	g_ptr_array_unref(picks);
}

#define FX(path, fn)                                                           \
	g_test_add(path, struct fixture, NULL, fx_setup, fn, fx_teardown)

/* Which engine a `database` setting names (lib/db.h). */
static void
test_db_spec(void)
{
	static const struct {
		const char *spec;
		bool is_pg;
	} cases[] = {
	    {"/var/lib/moim/moim.db", false},
	    {"moim.db", false},
	    {":memory:", false},
	    {"/srv/postgres/moim.db", false},
	    {"/data/dbname.db", false},
	    {"postgresql://moim@db.example.org/moim", true},
	    {"postgres://localhost/moim", true},
	    {"host=/run/postgresql dbname=moim", true},
	    {"dbname=moim", true},
	    {"user=moim host=db.example.org", true},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_test_message("%s", cases[i].spec);
		g_assert_cmpint(
		    db_spec_is_postgresql(cases[i].spec), ==, cases[i].is_pg);
		if (!cases[i].is_pg)
			g_assert_true(
			    db_engine(cases[i].spec) == &db_sqlite_ops);
	}
}

/* test_db_spec_shown - a password never reaches a message */
static void
test_db_spec_shown(void)
{
	static const struct {
		const char *spec, *shown;
	} cases[] = {
	    {"/var/lib/moim/pass:word@x.db", "/var/lib/moim/pass:word@x.db"},
	    {"postgresql://moim@db.example.org/moim",
		"postgresql://moim@db.example.org/moim"},
	    {"postgresql://moim:s3cr%40t@db.example.org:5432/moim",
		"postgresql://moim:***@db.example.org:5432/moim"},
	    {"postgres://u:p@h/d?sslmode=require&password=x&a=b",
		"postgres://u:***@h/d?sslmode=require&password=***&a=b"},
	    {"postgresql:///moim?host=/run/pg&password=x",
		"postgresql:///moim?host=/run/pg&password=***"},
	    {"host=db dbname=moim password=s3cret user=moim",
		"host=db dbname=moim password=*** user=moim"},
	    {"dbname=moim password='a b\\' c' user=u",
		"dbname=moim password=*** user=u"},
	    {"dbname=moim password='unterminated", "dbname=moim password=***"},
	    {"dbname=moim mypassword=x", "dbname=moim mypassword=x"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = db_spec_shown(cases[i].spec);

		g_assert_cmpstr(got, ==, cases[i].shown);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	is_pg = testutil_db_is_pg();
	FX("/store/fresh", test_fresh);
	FX("/store/migrate-each", test_migrate_each);
	FX("/store/newer-schema", test_newer_schema_refused);
	FX("/store/lists", test_lists);
	FX("/store/members", test_members);
	FX("/store/pending", test_pending_single_use);
	FX("/store/inbound", test_inbound);
	FX("/store/deliveries", test_deliveries);
	FX("/store/workers", test_workers);
	FX("/store/delivery_bounced", test_delivery_bounced);
	FX("/store/member-bounce", test_member_bounce);
	FX("/store/held", test_held_once);
	FX("/store/digest", test_digest);
	FX("/store/event_organizer", test_event_organizer);
	FX("/store/concurrent-reader", test_concurrent_reader);
	FX("/store/archive", test_archive);
	FX("/store/event-text-line", test_event_text_line);
	FX("/store/topics", test_topics);
	FX("/store/session-seats", test_session_seats);
	g_test_add_func("/listset/table", test_listset);
	g_test_add_func("/store/text-line", test_text_line);
	g_test_add_func("/store/db-spec", test_db_spec);
	g_test_add_func("/store/db-spec-shown", test_db_spec_shown);
	return g_test_run();
}
