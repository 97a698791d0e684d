/*
 * store_web_archive_test - the store's lookups for the web archive pages
 *
 * DESCRIPTION
 *	Archives a small set of threads over three months in two lists
 *	(through archive_add(), as listd does) and checks the threads a
 *	month page, the list page and the feed get, their paging and
 *	totals, the counts of the activity strip, the walk over months with
 *	threads, and a message by Message-ID within its own list only.
 */
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "archive.h"
#include "err.h"
#include "store.h"
#include "testutil.h"

/* 2026-01-01, 2026-02-01, 2026-03-01 and 2026-04-01 00:00 UTC */
#define JAN 1767225600
#define FEB 1769904000
#define MAR 1772323200
#define APR 1775001600
#define DAY 86400

struct fixture {
	char *dir;
	char *path;
	struct store *s;
	gint64 l1, l2;
};

/* One archived post: the list (1 or 2), id, parent, subject, sender name
 * (NULL: none), date. */
static const struct post {
	int list;
	const char *id, *parent, *subject, *name;
	gint64 date;
} posts[] = {
    {1, "a1@x", NULL, "첫 모임 안내", "김민수", JAN + 2 * DAY},
    {1, "a2@x", "a1@x", "Re: 첫 모임 안내", "Jane Doe", FEB + 3 * DAY},
    {1, "b1@x", NULL, "February topic", NULL, FEB + 1 * DAY},
    {1, "c1@x", NULL, "Another February one", "Bob", FEB + 5 * DAY},
    {1, "c2@x", "c1@x", "Re: Another February one", "Ann", FEB + 6 * DAY},
    {1, "c3@x", "c2@x", "Re: Another February one", "Bob", FEB + 7 * DAY},
    {1, "d1@x", NULL, "March", "Cy", MAR + 10 * DAY},
    /* The same Message-ID in another list is another message. */
    {2, "a1@x", NULL, "other list", "Zed", FEB + 2 * DAY},
};

static void
add_post(struct store *s, gint64 list, const struct post *p)
{
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(p->date);
	g_autofree char *ds =
	    g_date_time_format(dt, "%a, %d %b %Y %H:%M:%S +0000");
	g_autofree char *from = p->name
	    ? g_strdup_printf("%s <x%d@example.org>", p->name, p->list)
	    : g_strdup_printf("x%d@example.org", p->list);
	g_autofree char *m = g_strdup_printf(
	    "From: %s\nMessage-ID: <%s>\n%s%s%sSubject: %s\nDate: %s\n"
	    "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n"
	    "body of %s\n",
	    from, p->id, p->parent ? "In-Reply-To: <" : "",
	    p->parent ? p->parent : "", p->parent ? ">\n" : "", p->subject, ds,
	    p->id);
	GError *e = NULL;
	bool added = false;

	g_assert_true(archive_add(s, list, NULL, m, strlen(m), 1, &added, &e));
	g_assert_no_error(e);
	g_assert_true(added);
}

static void
fx_setup(struct fixture *fx, gconstpointer data)
{
	GError *e = NULL;

	(void)data;
	fx->dir = g_dir_make_tmp("store_web_archive_test.XXXXXX", &e);
	g_assert_no_error(e);
	fx->path = testutil_db_new(fx->dir);
	fx->s = store_open(fx->path, STORE_RW, &e);
	g_assert_no_error(e);
	g_assert_true(store_list_create(
	    fx->s, "one", "lists.example.org", "One", 1, &fx->l1, &e));
	g_assert_true(store_list_create(
	    fx->s, "two", "lists.example.org", "Two", 1, &fx->l2, &e));
	g_assert_no_error(e);
	for (size_t i = 0; i < G_N_ELEMENTS(posts); i++)
		add_post(
		    fx->s, posts[i].list == 1 ? fx->l1 : fx->l2, &posts[i]);
}

static void
fx_teardown(struct fixture *fx, gconstpointer data)
{
	const char *sfx[] = {"", "-wal", "-shm"};

	(void)data;
	store_close(fx->s);
	for (size_t i = 0; i < G_N_ELEMENTS(sfx); i++) {
		g_autofree char *p = g_strconcat(fx->path, sfx[i], NULL);

		(void)g_unlink(p);
	}
	(void)g_rmdir(fx->dir);
	g_free(fx->path);
	g_free(fx->dir);
}

/* ids_of - the first message ids of threads, space-separated */
static char *
ids_of(GPtrArray *a)
{
	GString *out = g_string_new(NULL);

	for (guint i = 0; i < a->len; i++) {
		struct store_web_thread *t = g_ptr_array_index(a, i);

		g_string_append_printf(out, "%s%s", i ? " " : "",
		    t->message_id ? t->message_id : "-");
	}
	return g_string_free(out, FALSE);
}

/* Threads started in a range, newest first, paged. */
static void
test_started(struct fixture *fx, gconstpointer data)
{
	static const struct {
		gint64 from, to;
		int limit, offset;
		const char *want;
		gint64 total;
	} cases[] = {
	    {JAN, FEB, 50, 0, "a1@x", 1},
	    /* a2 is a reply in February: its thread started in January. */
	    {FEB, MAR, 50, 0, "c1@x b1@x", 2},
	    {FEB, MAR, 1, 0, "c1@x", 2},
	    {FEB, MAR, 1, 1, "b1@x", 2},
	    {FEB, MAR, 1, 2, "", 2},
	    {MAR, APR, 50, 0, "d1@x", 1},
	    {APR, APR + 30 * DAY, 50, 0, "", 0},
	    {0, G_MAXINT64, 25, 0, "d1@x c1@x b1@x a1@x", 4},
	};

	(void)data;
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		gint64 total = -1;
		GError *e = NULL;
		g_autoptr(GPtrArray) a = store_web_threads_started(fx->s,
		    fx->l1, cases[i].from, cases[i].to, cases[i].limit,
		    cases[i].offset, &total, &e);
		g_autofree char *got = NULL;

		g_assert_no_error(e);
		g_assert_nonnull(a);
		got = ids_of(a);
		g_assert_cmpstr(got, ==, cases[i].want);
		g_assert_cmpint(total, ==, cases[i].total);
	}
}

/* A thread's first message, its sender and its counts. */
static void
test_thread_fields(struct fixture *fx, gconstpointer data)
{
	GError *e = NULL;
	g_autoptr(GPtrArray) a =
	    store_web_threads_started(fx->s, fx->l1, FEB, MAR, 50, 0, NULL, &e);
	struct store_web_thread *c, *b;

	(void)data;
	g_assert_no_error(e);
	g_assert_cmpuint(a->len, ==, 2);
	c = g_ptr_array_index(a, 0);
	b = g_ptr_array_index(a, 1);
	g_assert_cmpstr(c->subject, ==, "Another February one");
	g_assert_cmpstr(c->from_name, ==, "Bob");
	g_assert_cmpint(c->count, ==, 3);
	g_assert_cmpint(c->first_date, ==, FEB + 5 * DAY);
	g_assert_cmpint(c->last_date, ==, FEB + 7 * DAY);
	g_assert_null(b->from_name);
	g_assert_cmpstr(b->from_addr, ==, "x1@example.org");
	g_assert_cmpint(b->count, ==, 1);
}

/* Recent threads: by last message, so a reply lifts its thread. */
static void
test_active(struct fixture *fx, gconstpointer data)
{
	static const struct {
		int limit;
		const char *want;
	} cases[] = {
	    {10, "d1@x c1@x a1@x b1@x"},
	    {2, "d1@x c1@x"},
	};

	(void)data;
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		GError *e = NULL;
		g_autoptr(GPtrArray) a =
		    store_web_threads_active(fx->s, fx->l1, cases[i].limit, &e);
		g_autofree char *got = NULL;

		g_assert_no_error(e);
		got = ids_of(a);
		g_assert_cmpstr(got, ==, cases[i].want);
	}
}

/* Counts of the activity strip: threads started, posts dated. */
static void
test_count(struct fixture *fx, gconstpointer data)
{
	static const struct {
		int list;
		gint64 from, to, threads, posts;
	} cases[] = {
	    {1, JAN, FEB, 1, 1},
	    {1, FEB, MAR, 2, 5},
	    {1, MAR, APR, 1, 1},
	    {1, APR, APR + 30 * DAY, 0, 0},
	    {1, 0, G_MAXINT64, 4, 7},
	    {2, FEB, MAR, 1, 1},
	};

	(void)data;
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		gint64 t = -1, p = -1;
		GError *e = NULL;

		g_assert_true(
		    store_web_count(fx->s, cases[i].list == 1 ? fx->l1 : fx->l2,
			cases[i].from, cases[i].to, &t, &p, &e));
		g_assert_no_error(e);
		g_assert_cmpint(t, ==, cases[i].threads);
		g_assert_cmpint(p, ==, cases[i].posts);
		/* Threads only. */
		t = -1;
		g_assert_true(
		    store_web_count(fx->s, cases[i].list == 1 ? fx->l1 : fx->l2,
			cases[i].from, cases[i].to, &t, NULL, &e));
		g_assert_cmpint(t, ==, cases[i].threads);
	}
}

/* The walk over months with threads. */
static void
test_next_start(struct fixture *fx, gconstpointer data)
{
	static const struct {
		gint64 from;
		bool found;
		gint64 start;
	} cases[] = {
	    {0, true, JAN + 2 * DAY},
	    {FEB, true, FEB + 1 * DAY},
	    {FEB + 2 * DAY, true, FEB + 5 * DAY},
	    {MAR + 10 * DAY, true, MAR + 10 * DAY},
	    {MAR + 10 * DAY + 1, false, 0},
	};

	(void)data;
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		gint64 start = -1;
		bool found = !cases[i].found;
		GError *e = NULL;

		g_assert_true(store_web_next_start(
		    fx->s, fx->l1, cases[i].from, &start, &found, &e));
		g_assert_no_error(e);
		g_assert_cmpint(found, ==, cases[i].found);
		g_assert_cmpint(start, ==, cases[i].start);
	}
}

/* A message by Message-ID within its list; its thread in date order. */
static void
test_message(struct fixture *fx, gconstpointer data)
{
	static const struct {
		int list;
		const char *id;
		bool raw;
		const char *subject; /* NULL: not found */
	} cases[] = {
	    {1, "a1@x", false, "첫 모임 안내"},
	    {2, "a1@x", true, "other list"},
	    {2, "c1@x", false, NULL},
	    {1, "<a1@x>", false, NULL},
	    {1, "", false, NULL},
	};

	(void)data;
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct store_web_msg *m = NULL;
		GError *e = NULL;

		g_assert_true(store_web_message(fx->s,
		    cases[i].list == 1 ? fx->l1 : fx->l2, cases[i].id,
		    cases[i].raw, &m, &e));
		g_assert_no_error(e);
		if (cases[i].subject == NULL) {
			g_assert_null(m);
			continue;
		}
		g_assert_nonnull(m);
		g_assert_cmpstr(m->subject, ==, cases[i].subject);
		g_assert_nonnull(strstr(m->text, "body of"));
		g_assert_cmpint(m->raw != NULL, ==, cases[i].raw);
		if (m->raw != NULL)
			g_assert_nonnull(g_strstr_len(
			    g_bytes_get_data(m->raw, NULL),
			    g_bytes_get_size(m->raw), "Message-ID: <a1@x>"));
		store_web_msg_free(m);
	}
}

/* The messages of a thread, by date, with a limit. */
static void
test_thread_msgs(struct fixture *fx, gconstpointer data)
{
	static const struct {
		int limit;
		bool raw;
		const char *want;
	} cases[] = {
	    {0, false, "c1@x c2@x c3@x"},
	    {2, true, "c1@x c2@x"},
	};
	struct store_web_msg *m = NULL;
	GError *e = NULL;

	(void)data;
	g_assert_true(store_web_message(fx->s, fx->l1, "c2@x", false, &m, &e));
	g_assert_nonnull(m);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GPtrArray) a = store_web_thread_msgs(
		    fx->s, m->thread_id, cases[i].raw, cases[i].limit, &e);
		g_autoptr(GString) got = g_string_new(NULL);

		g_assert_no_error(e);
		for (guint j = 0; j < a->len; j++) {
			struct store_web_msg *x = g_ptr_array_index(a, j);

			g_string_append_printf(
			    got, "%s%s", j ? " " : "", x->message_id);
			g_assert_cmpint(x->thread_id, ==, m->thread_id);
			g_assert_cmpint(x->raw != NULL, ==, cases[i].raw);
		}
		g_assert_cmpstr(got->str, ==, cases[i].want);
	}
	store_web_msg_free(m);
}

#define TEST(path, fn)                                                         \
	g_test_add(path, struct fixture, NULL, fx_setup, fn, fx_teardown)

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_mime_init();
	TEST("/store_web/started", test_started);
	TEST("/store_web/thread-fields", test_thread_fields);
	TEST("/store_web/active", test_active);
	TEST("/store_web/count", test_count);
	TEST("/store_web/next-start", test_next_start);
	TEST("/store_web/message", test_message);
	TEST("/store_web/thread-msgs", test_thread_msgs);
	return g_test_run();
}
