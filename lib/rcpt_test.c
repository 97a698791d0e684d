/*
 * rcpt_test - unit tests for the rcpt module
 */
#include <glib.h>
#include <string.h>

#include "rcpt.h"
#include "token.h"

static void
test_table(void)
{
	static const struct {
		const char *local;
		bool ok, as_list_ok, suffixed_ok;
		const char *list;
		enum rcpt_kind kind;
		const char *ext;
	} cases[] = {
	    {"ai-friends", true, true, false, "", RCPT_POST, ""},
	    {"ai-friends-request", true, true, true, "ai-friends", RCPT_REQUEST,
		""},
	    {"ai-friends-subscribe", true, true, true, "ai-friends",
		RCPT_SUBSCRIBE, ""},
	    {"ai-friends-unsubscribe", true, true, true, "ai-friends",
		RCPT_UNSUBSCRIBE, ""},
	    {"ai-friends-unsubscribe+tok", true, false, true, "ai-friends",
		RCPT_UNSUBSCRIBE, "tok"},
	    {"ai-friends-confirm+abc", true, false, true, "ai-friends",
		RCPT_CONFIRM, "abc"},
	    {"ai-friends-confirm", true, true, false, "", RCPT_POST, ""},
	    {"ai-friends-owner", true, true, true, "ai-friends", RCPT_OWNER,
		""},
	    {"ai-friends-owner+x", false, false, false, "", RCPT_POST, "x"},
	    {"ai-friends-bounces+t", true, false, true, "ai-friends",
		RCPT_BOUNCES, "t"},
	    {"ai-friends-bounces", true, true, true, "ai-friends", RCPT_BOUNCES,
		""},
	    {"ai-friends-rsvp+42", true, false, true, "ai-friends", RCPT_RSVP,
		"42"},
	    {"ai-friends+x", false, false, false, "", RCPT_POST, "x"},
	    {"-request", true, true, false, "", RCPT_POST, ""},
	    {"+x", false, false, false, "", RCPT_POST, ""},
	    {"", false, false, false, "", RCPT_POST, ""},
	    {"a-confirm+", false, false, false, "", RCPT_POST, ""},
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct rcpt_parts p;
		bool ok = rcpt_split(cases[i].local, &p);

		g_test_message("case %s", cases[i].local);
		g_assert_cmpint(ok, ==, cases[i].ok);
		g_assert_cmpint(p.as_list_ok, ==, cases[i].as_list_ok);
		g_assert_cmpint(p.suffixed_ok, ==, cases[i].suffixed_ok);
		if (p.suffixed_ok) {
			g_assert_cmpstr(p.list, ==, cases[i].list);
			g_assert_cmpint(p.kind, ==, cases[i].kind);
		}
		g_assert_cmpstr(p.ext, ==, cases[i].ext);
	}
}

static void
test_overlong(void)
{
	char buf[MOIM_MAX_LOCALPART + 2];
	struct rcpt_parts p;

	memset(buf, 'a', sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	g_assert_false(rcpt_split(buf, &p));
}

static void
test_reserved(void)
{
	g_assert_true(rcpt_is_reserved_local("x-request"));
	g_assert_true(rcpt_is_reserved_local("x-bounces"));
	g_assert_true(rcpt_is_reserved_local("x+y"));
	g_assert_false(rcpt_is_reserved_local("ai-friends"));
	g_assert_cmpstr(rcpt_kind_suffix(RCPT_CONFIRM), ==, "-confirm");
	g_assert_cmpstr(rcpt_kind_name(RCPT_RSVP), ==, "rsvp");
}

/* The longest list name, with its longest address, is still read back. */
static void
test_list_local_max(void)
{
	enum rcpt_kind longest = RCPT_POST;
	size_t max = rcpt_list_local_max(&longest);
	g_autofree char *name = g_strnfill(max, 'a');
	g_autofree char *tok = g_strnfill(TOKEN_ADDR_MAX, 'b');
	g_autofree char *local = g_strconcat(name, "-unsubscribe+", tok, NULL);
	g_autofree char *over = g_strconcat("a", local, NULL);
	struct rcpt_parts p;

	g_assert_cmpuint(max, ==, 19);
	g_assert_cmpint(longest, ==, RCPT_UNSUBSCRIBE);
	g_assert_cmpuint(strlen(local), ==, MOIM_MAX_LOCALPART);
	g_assert_true(rcpt_split(local, &p));
	g_assert_cmpint(p.kind, ==, RCPT_UNSUBSCRIBE);
	g_assert_cmpstr(p.list, ==, name);
	g_assert_cmpstr(p.ext, ==, tok);
	g_assert_false(rcpt_split(over, &p));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/rcpt/table", test_table);
	g_test_add_func("/rcpt/overlong", test_overlong);
	g_test_add_func("/rcpt/reserved", test_reserved);
	g_test_add_func("/rcpt/list-local-max", test_list_local_max);
	return g_test_run();
}
