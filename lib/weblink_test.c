/*
 * weblink_test - unit tests for the web links in mail
 */
#include <string.h>

#include "err.h"
#include "weblink.h"

#define KEY "moim-test-key-0123456789"
#define LIST "ai-friends@lists.example.org"
#define NOW G_GINT64_CONSTANT(1796000000)

static void
test_paths(void)
{
	static const struct {
		const char *base, *path, *want;
	} rows[] = {
	    {"https://l.example.org/", "a@b/", "https://l.example.org/a@b/"},
	    {"https://l.example.org", "a@b/", "https://l.example.org/a@b/"},
	    {"https://l.example.org/x/", "/u/T", "https://l.example.org/x/u/T"},
	    {"", "a", NULL},
	    {NULL, "a", NULL},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autofree char *u = weblink_path(rows[i].base, rows[i].path);
		g_assert_cmpstr(u, ==, rows[i].want);
	}
}

static void
test_segments(void)
{
	static const struct {
		const char *in, *want;
	} rows[] = {
	    {"CAF+x=1@mail.gmail.com", "CAF%2Bx%3D1@mail.gmail.com"},
	    {"a/b?c#d", "a%2Fb%3Fc%23d"},
	    {"세미나", "%EC%84%B8%EB%AF%B8%EB%82%98"},
	    {"a.b_c-d~e", "a.b_c-d~e"},
	    {"<x>", "%3Cx%3E"},
	    {"", ""},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autofree char *s = weblink_segment(rows[i].in);
		g_assert_cmpstr(s, ==, rows[i].want);
	}
	g_autofree char *m =
	    weblink_message("https://l.example.org/", LIST, "a/b@c");
	g_assert_cmpstr(m, ==,
	    "https://l.example.org/ai-friends@lists.example.org/m/a%2Fb@c/");
	g_autofree char *e = weblink_event("https://l.example.org/", LIST, 7);
	g_assert_cmpstr(
	    e, ==, "https://l.example.org/ai-friends@lists.example.org/e/7/");
}

static void
test_unsub(void)
{
	struct token_key *k = token_key_new(KEY, strlen(KEY));
	g_autofree char *u = weblink_unsub(
	    k, "https://l.example.org/", LIST, 42, "gil@example.org", NOW);
	g_autofree char *t =
	    weblink_unsub_token(k, LIST, 42, "gil@example.org", NOW);
	guint64 id;
	gint64 exp;
	GError *e = NULL;

	g_assert_true(g_str_has_prefix(u, "https://l.example.org/u/"));
	g_assert_cmpstr(u + strlen("https://l.example.org/u/"), ==, t);
	g_assert_true(token_decode(t, &id, &exp, NULL));
	g_assert_cmpuint(id, ==, 42);
	g_assert_cmpint(exp, ==, NOW + WEBLINK_LINK_DAYS * 86400);
	g_assert_true(token_verify(
	    k, WEBLINK_UNSUB, LIST, "gil@example.org", t, NOW, NULL));
	/* Another list's, another member's, another purpose's: refused. */
	g_assert_false(token_verify(k, WEBLINK_UNSUB, "x@lists.example.org",
	    "gil@example.org", t, NOW, &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
	g_clear_error(&e);
	g_assert_false(token_verify(
	    k, WEBLINK_UNSUB, LIST, "eve@example.org", t, NOW, NULL));
	g_assert_false(token_verify(
	    k, WEBLINK_RSVP, LIST, "gil@example.org", t, NOW, NULL));
	g_assert_null(weblink_unsub(k, "", LIST, 42, "gil@example.org", NOW));
	token_key_free(k);
}

static void
test_rsvp(void)
{
	struct token_key *k = token_key_new(KEY, strlen(KEY));
	g_autofree char *u = weblink_rsvp(k, "https://l.example.org/", LIST, 7,
	    42, "gil@example.org", "yes", NOW);
	g_autofree char *t =
	    weblink_rsvp_token(k, LIST, 7, 42, "gil@example.org", NOW);
	g_autofree char *want =
	    g_strconcat("https://l.example.org/r/", t, "?answer=yes", NULL);
	gint64 ev, mid;

	g_assert_cmpstr(u, ==, want);
	g_assert_true(weblink_rsvp_decode(t, &ev, &mid, NULL));
	g_assert_cmpint(ev, ==, 7);
	g_assert_cmpint(mid, ==, 42);
	g_assert_true(
	    weblink_rsvp_verify(k, LIST, 7, "gil@example.org", t, NOW, NULL));
	/* The same token for another event, list or member: refused. */
	g_autofree char *other = g_strconcat("8", t + 1, NULL);
	g_assert_true(weblink_rsvp_decode(other, &ev, &mid, NULL));
	g_assert_false(weblink_rsvp_verify(
	    k, LIST, 8, "gil@example.org", other, NOW, NULL));
	g_assert_false(weblink_rsvp_verify(
	    k, "x@lists.example.org", 7, "gil@example.org", t, NOW, NULL));
	g_assert_false(
	    weblink_rsvp_verify(k, LIST, 7, "eve@example.org", t, NOW, NULL));
	g_assert_false(weblink_rsvp_verify(k, LIST, 7, "gil@example.org", t,
	    NOW + (WEBLINK_LINK_DAYS + 1) * 86400, NULL));
	/* Malformed. */
	static const char *const bad[] = {
	    "", "-", "7", "7-", "-abc", "07-aaaa", "x-aaaa", "7-!!", NULL};
	for (size_t i = 0; bad[i]; i++)
		g_assert_false(weblink_rsvp_decode(bad[i], &ev, &mid, NULL));
	token_key_free(k);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/weblink/paths", test_paths);
	g_test_add_func("/weblink/segments", test_segments);
	g_test_add_func("/weblink/unsub", test_unsub);
	g_test_add_func("/weblink/rsvp", test_rsvp);
	return g_test_run();
}
