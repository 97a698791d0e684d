/*
 * links_test - table tests for the web links in list mail
 */
#include <glib.h>
#include <string.h>

#include "links.h"
#include "weblink.h"

#define NOW 1796000000
#define LIST "ai@lists.example.org"
#define MAILTO "mailto:ai-unsubscribe+abc@lists.example.org"

static struct token_key *
key(void)
{
	return token_key_new("0123456789abcdef0123456789abcdef", 32);
}

/* test_unsubscribe_mailto_only - no base, or no member: the mailto alone,
 * and never List-Unsubscribe-Post */
static void
test_unsubscribe_mailto_only(void)
{
	static const struct {
		const char *base;
		gint64 member_id;
	} cases[] = {{NULL, 7}, {"", 7}, {"https://l.example.org/", 0}};
	struct token_key *k = key();

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *h = links_unsubscribe(k, cases[i].base, LIST,
		    cases[i].member_id, "kim@example.org", MAILTO, NOW);

		g_assert_cmpstr(h, ==, "List-Unsubscribe: <" MAILTO ">\n");
	}
	token_key_free(k);
}

/* test_unsubscribe_url - the member's URL first, the mailto second, then
 * List-Unsubscribe-Post; the token is the member's and verifies */
static void
test_unsubscribe_url(void)
{
	static const struct {
		const char *base, *prefix;
	} cases[] = {
	    {"https://l.example.org/",
		"List-Unsubscribe: <https://l.example.org/u/"},
	    {"https://l.example.org/lists",
		"List-Unsubscribe: <https://l.example.org/lists/u/"},
	    {"http://127.0.0.1:8080/",
		"List-Unsubscribe: <http://127.0.0.1:8080/u/"},
	};
	struct token_key *k = key();

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *h = links_unsubscribe(
		    k, cases[i].base, LIST, 7, "kim@example.org", MAILTO, NOW);
		g_autofree char *other = links_unsubscribe(
		    k, cases[i].base, LIST, 8, "lee@example.org", MAILTO, NOW);
		const char *tok = h + strlen(cases[i].prefix);
		g_autofree char *t = NULL;
		const char *end;
		GError *e = NULL;

		g_assert_true(g_str_has_prefix(h, cases[i].prefix));
		end = strchr(tok, '>');
		g_assert_nonnull(end);
		t = g_strndup(tok, (gsize)(end - tok));
		g_assert_true(g_str_has_prefix(end, ">,\n <" MAILTO ">\n"));
		g_assert_true(g_str_has_suffix(h,
		    "\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\n"));
		g_assert_true(token_verify(
		    k, WEBLINK_UNSUB, LIST, "kim@example.org", t, NOW, &e));
		g_assert_no_error(e);
		/* Another member's token, another list: refused. */
		g_assert_false(token_verify(
		    k, WEBLINK_UNSUB, LIST, "lee@example.org", t, NOW, &e));
		g_clear_error(&e);
		g_assert_false(token_verify(k, WEBLINK_UNSUB,
		    "ml@lists.example.org", "kim@example.org", t, NOW, &e));
		g_clear_error(&e);
		g_assert_cmpstr(h, !=, other);
		/* Good for WEBLINK_LINK_DAYS, not a second more. */
		g_assert_true(
		    token_verify(k, WEBLINK_UNSUB, LIST, "kim@example.org", t,
			NOW + (gint64)WEBLINK_LINK_DAYS * 86400, NULL));
		g_assert_false(
		    token_verify(k, WEBLINK_UNSUB, LIST, "kim@example.org", t,
			NOW + (gint64)WEBLINK_LINK_DAYS * 86400 + 1, NULL));
	}
	token_key_free(k);
}

/* test_list_archive - the list page beats archive_url; hidden lists and
 * no base fall back to archive_url, or nothing */
static void
test_list_archive(void)
{
	static const struct {
		const char *base, *archive_url;
		enum listset_archive a;
		const char *want;
	} cases[] = {
	    {"https://l.example.org/", "", LISTSET_ARCHIVE_MEMBERS,
		"<https://l.example.org/ai@lists.example.org/>"},
	    {"https://l.example.org", "https://old.example.org",
		LISTSET_ARCHIVE_PUBLIC,
		"<https://l.example.org/ai@lists.example.org/>"},
	    {"https://l.example.org/", "https://old.example.org",
		LISTSET_ARCHIVE_HIDDEN, "<https://old.example.org/ai>"},
	    {"https://l.example.org/", "", LISTSET_ARCHIVE_HIDDEN, NULL},
	    {"", "https://old.example.org", LISTSET_ARCHIVE_PUBLIC,
		"<https://old.example.org/ai>"},
	    {"", "", LISTSET_ARCHIVE_PUBLIC, NULL},
	    {NULL, NULL, LISTSET_ARCHIVE_MEMBERS, NULL},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *v = links_list_archive(cases[i].base,
		    cases[i].archive_url, "ai", LIST, cases[i].a);

		g_assert_cmpstr(v, ==, cases[i].want);
	}
}

/* test_archived_at - the message page, its Message-ID percent-encoded */
static void
test_archived_at(void)
{
	static const struct {
		const char *base, *msgid;
		enum listset_archive a;
		const char *want;
	} cases[] = {
	    {"https://l.example.org/", "<a1@example.org>",
		LISTSET_ARCHIVE_MEMBERS,
		"<https://l.example.org/ai@lists.example.org/m/"
		"a1@example.org/>"},
	    {"https://l.example.org/", "x/y?z#w%v \"q\"@h",
		LISTSET_ARCHIVE_PUBLIC,
		"<https://l.example.org/ai@lists.example.org/m/"
		"x%2Fy%3Fz%23w%25v%20%22q%22@h/>"},
	    {"https://l.example.org/", "<>", LISTSET_ARCHIVE_PUBLIC, NULL},
	    {"https://l.example.org/", NULL, LISTSET_ARCHIVE_PUBLIC, NULL},
	    {"https://l.example.org/", "<a1@example.org>",
		LISTSET_ARCHIVE_HIDDEN, NULL},
	    {"", "<a1@example.org>", LISTSET_ARCHIVE_PUBLIC, NULL},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *v = links_archived_at(
		    cases[i].base, LIST, cases[i].a, cases[i].msgid);

		g_assert_cmpstr(v, ==, cases[i].want);
	}
}

/* test_event_vars - three answer links that verify for the member, and
 * the event page (the answer page on a hidden list) */
static void
test_event_vars(void)
{
	static const struct {
		enum listset_archive a;
		const char *page_prefix;
	} cases[] = {
	    {LISTSET_ARCHIVE_MEMBERS,
		"https://l.example.org/"
		"ai@lists.example.org/e/12/"},
	    {LISTSET_ARCHIVE_HIDDEN, "https://l.example.org/r/12-"},
	};
	static const char *const names[][2] = {{"rsvp_yes", "?answer=yes"},
	    {"rsvp_no", "?answer=no"}, {"rsvp_maybe", "?answer=maybe"}};
	struct token_key *k = key();

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		GHashTable *v = g_hash_table_new_full(
		    g_str_hash, g_str_equal, NULL, g_free);
		const char *page;

		g_assert_false(links_event_vars(
		    v, k, "", LIST, cases[i].a, 12, 7, "kim@example.org", NOW));
		g_assert_false(links_event_vars(v, k, "https://l.example.org/",
		    LIST, cases[i].a, 12, 0, "kim@example.org", NOW));
		g_assert_cmpuint(g_hash_table_size(v), ==, 0);
		g_assert_true(links_event_vars(v, k, "https://l.example.org/",
		    LIST, cases[i].a, 12, 7, "kim@example.org", NOW));
		for (size_t n = 0; n < G_N_ELEMENTS(names); n++) {
			const char *url = g_hash_table_lookup(v, names[n][0]);
			const char *tok =
			    url + strlen("https://l.example.org/r/");
			g_autofree char *t = NULL;
			gint64 ev, mid;

			g_assert_true(
			    g_str_has_prefix(url, "https://l.example.org/r/"));
			g_assert_true(g_str_has_suffix(url, names[n][1]));
			t = g_strndup(tok, strcspn(tok, "?"));
			g_assert_true(weblink_rsvp_decode(t, &ev, &mid, NULL));
			g_assert_cmpint(ev, ==, 12);
			g_assert_cmpint(mid, ==, 7);
			g_assert_true(weblink_rsvp_verify(
			    k, LIST, 12, "kim@example.org", t, NOW, NULL));
			g_assert_false(weblink_rsvp_verify(
			    k, LIST, 12, "lee@example.org", t, NOW, NULL));
		}
		page = g_hash_table_lookup(v, "event_url");
		g_assert_true(g_str_has_prefix(page, cases[i].page_prefix));
		g_assert_null(strchr(page, '?'));
		g_hash_table_unref(v);
	}
	token_key_free(k);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func(
	    "/links/unsubscribe_mailto_only", test_unsubscribe_mailto_only);
	g_test_add_func("/links/unsubscribe_url", test_unsubscribe_url);
	g_test_add_func("/links/list_archive", test_list_archive);
	g_test_add_func("/links/archived_at", test_archived_at);
	g_test_add_func("/links/event_vars", test_event_vars);
	return g_test_run();
}
