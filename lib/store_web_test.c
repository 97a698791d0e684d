/*
 * store_web_test - unit tests for the store's web acts and sign-in rows
 */
#include <glib/gstdio.h>

#include "err.h"
#include "store.h"

struct fixture {
	char *dir;
	char *path;
	struct store *s;
	gint64 list_id;
};

static void
fx_setup(struct fixture *fx, gconstpointer data)
{
	GError *e = NULL;

	fx->dir = g_dir_make_tmp("store_web_test.XXXXXX", &e);
	g_assert_no_error(e);
	fx->path = g_build_filename(fx->dir, "moim.db", NULL);
	fx->s = store_open(fx->path, STORE_RW, &e);
	g_assert_no_error(e);
	g_assert_nonnull(fx->s);
	g_assert_true(store_list_create(fx->s, "ai", "lists.example.org",
	    "AI 프렌즈", 1000, &fx->list_id, &e));
	g_assert_no_error(e);
}

static void
fx_teardown(struct fixture *fx, gconstpointer data)
{
	const char *sfx[] = {"", "-wal", "-shm"};

	store_close(fx->s);
	for (size_t i = 0; i < G_N_ELEMENTS(sfx); i++) {
		g_autofree char *p = g_strconcat(fx->path, sfx[i], NULL);

		(void)g_unlink(p);
	}
	(void)g_rmdir(fx->dir);
	g_free(fx->path);
	g_free(fx->dir);
}

/* add - add an act and return its id */
static gint64
add(struct fixture *fx, const struct store_web_act *a, gint64 now)
{
	GError *e = NULL;
	gint64 id = 0;

	g_assert_true(store_web_act_add(fx->s, a, now, &id, &e));
	g_assert_no_error(e);
	g_assert_cmpint(id, >, 0);
	return id;
}

/* Every kind keeps its fields; absent ids read back as 0. */
static void
test_act_roundtrip(struct fixture *fx, gconstpointer data)
{
	const struct store_web_act cases[] = {
	    {.kind = STORE_WEB_UNSUB,
		.list_id = fx->list_id,
		.member_id = 7,
		.address = "kim@example.org"},
	    {.kind = STORE_WEB_RSVP,
		.list_id = fx->list_id,
		.member_id = 7,
		.event_id = 3,
		.address = "kim@example.org",
		.answer = "yes",
		.guests = 2},
	    {.kind = STORE_WEB_JOIN,
		.list_id = fx->list_id,
		.address = "new@example.org"},
	    {.kind = STORE_WEB_SIGNIN,
		.address = "kim@example.org",
		.next = "ai@lists.example.org/"},
	};
	GError *e = NULL;

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const struct store_web_act *c = &cases[i];
		struct store_web_act *got = NULL;
		gint64 id = add(fx, c, 5000 + (gint64)i);

		g_assert_true(store_web_act_get(fx->s, id, &got, &e));
		g_assert_no_error(e);
		g_assert_nonnull(got);
		g_assert_cmpint(got->id, ==, id);
		g_assert_cmpint(got->kind, ==, c->kind);
		g_assert_cmpint(got->list_id, ==, c->list_id);
		g_assert_cmpint(got->member_id, ==, c->member_id);
		g_assert_cmpint(got->event_id, ==, c->event_id);
		g_assert_cmpstr(got->address, ==, c->address);
		g_assert_cmpstr(got->answer, ==, c->answer);
		g_assert_cmpint(got->guests, ==, c->guests);
		g_assert_cmpstr(got->next, ==, c->next);
		g_assert_cmpint(got->created, ==, 5000 + (gint64)i);
		g_assert_false(got->done);
		g_assert_null(got->result);
		store_web_act_free(got);
	}
	g_assert_cmpstr(store_web_kind_name(STORE_WEB_RSVP), ==, "rsvp");
}

/* Undone acts come oldest first; done ones leave the queue with their
 * result; a missing act is NULL, not an error. */
static void
test_act_queue(struct fixture *fx, gconstpointer data)
{
	struct store_web_act a = {
	    .kind = STORE_WEB_JOIN, .list_id = fx->list_id, .address = "x@y"};
	struct store_web_act *got = NULL;
	GError *e = NULL;
	GPtrArray *due;
	gint64 ids[3];

	for (size_t i = 0; i < G_N_ELEMENTS(ids); i++)
		ids[i] = add(fx, &a, 100);
	due = store_web_act_undone(fx->s, 2, &e);
	g_assert_no_error(e);
	g_assert_cmpuint(due->len, ==, 2);
	g_assert_cmpint(
	    ((struct store_web_act *)due->pdata[0])->id, ==, ids[0]);
	g_assert_cmpint(
	    ((struct store_web_act *)due->pdata[1])->id, ==, ids[1]);
	g_ptr_array_unref(due);

	g_assert_true(store_web_act_done(fx->s, ids[0], "confirm-sent", &e));
	g_assert_no_error(e);
	due = store_web_act_undone(fx->s, 10, &e);
	g_assert_cmpuint(due->len, ==, 2);
	g_assert_cmpint(
	    ((struct store_web_act *)due->pdata[0])->id, ==, ids[1]);
	g_ptr_array_unref(due);

	g_assert_true(store_web_act_get(fx->s, ids[0], &got, &e));
	g_assert_true(got->done);
	g_assert_cmpstr(got->result, ==, "confirm-sent");
	store_web_act_free(got);

	got = (void *)1;
	g_assert_true(store_web_act_get(fx->s, 999, &got, &e));
	g_assert_no_error(e);
	g_assert_null(got);
}

/* The newest unsubscribe act of a member, whatever other acts exist. */
static void
test_act_unsub_of(struct fixture *fx, gconstpointer data)
{
	struct store_web_act u = {.kind = STORE_WEB_UNSUB,
	    .list_id = fx->list_id,
	    .member_id = 9,
	    .address = "old@example.org"};
	struct store_web_act r = u;
	struct store_web_act *got = NULL;
	GError *e = NULL;
	gint64 first, second;

	r.kind = STORE_WEB_RSVP;
	r.event_id = 1;
	r.answer = "no";
	g_assert_true(store_web_act_unsub_of(fx->s, 9, &got, &e));
	g_assert_null(got);
	first = add(fx, &u, 10);
	(void)add(fx, &r, 11);
	u.address = "new@example.org";
	second = add(fx, &u, 12);
	(void)add(fx, &r, 13);
	g_assert_true(store_web_act_unsub_of(fx->s, 9, &got, &e));
	g_assert_no_error(e);
	g_assert_nonnull(got);
	g_assert_cmpint(got->id, ==, second);
	g_assert_cmpint(got->kind, ==, STORE_WEB_UNSUB);
	g_assert_cmpstr(got->address, ==, "new@example.org");
	g_assert_cmpint(got->list_id, ==, fx->list_id);
	store_web_act_free(got);
	g_assert_cmpint(first, <, second);
	g_assert_true(store_web_act_unsub_of(fx->s, 10, &got, &e));
	g_assert_null(got);
}

/* A sign-in row is used once; a second use and an unknown row fail
 * without an error. */
static void
test_signin_once(struct fixture *fx, gconstpointer data)
{
	struct store_web_signin *si = NULL;
	GError *e = NULL;
	gint64 id = 0;
	bool used = false;

	g_assert_true(store_web_signin_add(
	    fx->s, "kim@example.org", "ai@lists.example.org/", 77, &id, &e));
	g_assert_no_error(e);
	g_assert_true(store_web_signin_get(fx->s, id, &si, &e));
	g_assert_cmpstr(si->address, ==, "kim@example.org");
	g_assert_cmpstr(si->next, ==, "ai@lists.example.org/");
	g_assert_cmpint(si->created, ==, 77);
	g_assert_false(si->used);
	store_web_signin_free(si);

	g_assert_true(store_web_signin_use(fx->s, id, &used, &e));
	g_assert_true(used);
	g_assert_true(store_web_signin_use(fx->s, id, &used, &e));
	g_assert_false(used);
	g_assert_true(store_web_signin_use(fx->s, id + 1, &used, &e));
	g_assert_false(used);
	g_assert_no_error(e);
	g_assert_true(store_web_signin_get(fx->s, id, &si, &e));
	g_assert_true(si->used);
	store_web_signin_free(si);
	g_assert_true(store_web_signin_get(fx->s, id + 1, &si, &e));
	g_assert_null(si);
}

/* The first list of a member, in any role or mode; none for others. */
static void
test_first_list(struct fixture *fx, gconstpointer data)
{
	gint64 other = 0, got = -1;
	GError *e = NULL;
	bool added;

	g_assert_true(store_list_create(
	    fx->s, "zz", "lists.example.org", "ZZ", 1000, &other, &e));
	g_assert_true(store_member_add(fx->s, other, "kim@example.org", NULL,
	    STORE_ROLE_MEMBER, STORE_MODE_NOMAIL, 1, &added, &e));
	g_assert_true(
	    store_web_first_list_of(fx->s, "kim@example.org", &got, &e));
	g_assert_cmpint(got, ==, other);
	g_assert_true(store_member_add(fx->s, fx->list_id, "kim@example.org",
	    NULL, STORE_ROLE_OWNER, STORE_MODE_DIGEST, 1, &added, &e));
	g_assert_true(
	    store_web_first_list_of(fx->s, "kim@example.org", &got, &e));
	g_assert_cmpint(got, ==, fx->list_id);
	g_assert_true(
	    store_web_first_list_of(fx->s, "lee@example.org", &got, &e));
	g_assert_cmpint(got, ==, 0);
	g_assert_no_error(e);
}

/* Purging keeps undone acts, recent ones, and unsubscribe acts for
 * longer. */
static void
test_purge(struct fixture *fx, gconstpointer data)
{
	struct store_web_act j = {
	    .kind = STORE_WEB_JOIN, .list_id = fx->list_id, .address = "a@b"};
	struct store_web_act u = {.kind = STORE_WEB_UNSUB,
	    .list_id = fx->list_id,
	    .member_id = 4,
	    .address = "a@b"};
	struct {
		const struct store_web_act *a;
		gint64 created;
		bool done;
		bool kept;
	} cases[] = {
	    {&j, 100, true, false}, /* old and done */
	    {&j, 100, false, true}, /* old but undone */
	    {&j, 950, true, true}, /* recent */
	    {&u, 100, true, true}, /* unsubscribe: kept longer */
	    {&u, 10, true, false}, /* older than that too */
	};
	struct store_web_act *got = NULL;
	struct store_web_signin *si = NULL;
	gint64 ids[G_N_ELEMENTS(cases)], sold = 0, snew = 0;
	GError *e = NULL;

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		ids[i] = add(fx, cases[i].a, cases[i].created);
		if (cases[i].done)
			g_assert_true(
			    store_web_act_done(fx->s, ids[i], "ok", &e));
	}
	g_assert_true(store_web_signin_add(fx->s, "a@b", NULL, 100, &sold, &e));
	g_assert_true(store_web_signin_add(fx->s, "a@b", NULL, 950, &snew, &e));
	g_assert_true(store_web_purge(fx->s, 1000, 500, 950, &e));
	g_assert_no_error(e);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_assert_true(store_web_act_get(fx->s, ids[i], &got, &e));
		g_assert_cmpint(got != NULL, ==, cases[i].kept);
		store_web_act_free(got);
	}
	g_assert_true(store_web_signin_get(fx->s, sold, &si, &e));
	g_assert_null(si);
	g_assert_true(store_web_signin_get(fx->s, snew, &si, &e));
	g_assert_nonnull(si);
	store_web_signin_free(si);
}

/* A list's acts go with the list. */
static void
test_list_delete(struct fixture *fx, gconstpointer data)
{
	struct store_web_act j = {
	    .kind = STORE_WEB_JOIN, .list_id = fx->list_id, .address = "a@b"};
	struct store_web_act *got = NULL;
	GError *e = NULL;
	gint64 id = add(fx, &j, 1);

	g_assert_true(store_list_delete(fx->s, fx->list_id, &e));
	g_assert_no_error(e);
	g_assert_true(store_web_act_get(fx->s, id, &got, &e));
	g_assert_null(got);
}

#define FX(path, fn)                                                           \
	g_test_add(path, struct fixture, NULL, fx_setup, fn, fx_teardown)

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	FX("/store_web/act-roundtrip", test_act_roundtrip);
	FX("/store_web/act-queue", test_act_queue);
	FX("/store_web/act-unsub-of", test_act_unsub_of);
	FX("/store_web/signin-once", test_signin_once);
	FX("/store_web/first-list", test_first_list);
	FX("/store_web/purge", test_purge);
	FX("/store_web/list-delete", test_list_delete);
	return g_test_run();
}
