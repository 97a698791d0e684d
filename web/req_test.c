/*
 * req_test - unit tests for moim-web's request parsers
 */
#include <string.h>

#include "err.h"
#include "req.h"

/* joined - the segments joined with "|", or "ERR" */
static char *
split_joined(const char *path)
{
	char **seg = NULL;
	size_t n = 0;
	GError *e = NULL;
	char *out;

	if (!req_path_split(path, &seg, &n, &e)) {
		g_assert_true(g_error_matches(e, MOIM_ERROR, MOIM_ERR_INPUT));
		g_error_free(e);
		return g_strdup("ERR");
	}
	g_assert_cmpuint(n, ==, g_strv_length(seg));
	out = g_strjoinv("|", seg);
	g_strfreev(seg);
	return out;
}

static void
test_path(void)
{
	static const struct {
		const char *in, *want;
	} rows[] = {
	    {"/", ""},
	    {"/style.css", "style.css"},
	    {"/a@b/", "a@b|"},
	    {"/a@b", "a@b"},
	    {"/a@b/m/x%2Fy@z/", "a@b|m|x/y@z|"},
	    {"/a@b/m/%3Cx%3E/raw", "a@b|m|<x>|raw"},
	    {"/%EC%84%B8/", "세|"},
	    {"/a+b/", "a+b|"}, /* "+" is a space only in forms */
	    {"/a%20b", "a b"},
	    {"/a%2e", "a."},
	    /* refused */
	    {"", "ERR"},
	    {"a/b", "ERR"},
	    {"//", "ERR"},
	    {"/a//b", "ERR"},
	    {"/./", "ERR"},
	    {"/a/../b", "ERR"},
	    {"/a/%2E%2E/b", "ERR"},
	    {"/a/%2e", "ERR"},
	    {"/..", "ERR"},
	    {"/a%00b", "ERR"},
	    {"/a%0Ab", "ERR"},
	    {"/a%7F", "ERR"},
	    {"/a%", "ERR"},
	    {"/a%4", "ERR"},
	    {"/a%zz", "ERR"},
	    {"/a%FF", "ERR"}, /* not UTF-8 */
	    {"/a\tb", "ERR"},
	    {"/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17", "ERR"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autofree char *got = split_joined(rows[i].in);

		if (strcmp(got, rows[i].want) != 0)
			g_error("path %s: got %s, want %s", rows[i].in, got,
			    rows[i].want);
	}
	/* The length bound. */
	g_autofree char *long_ok = g_strnfill(REQ_MAX_PATH, 'a');
	long_ok[0] = '/';
	g_autofree char *got = split_joined(long_ok);
	g_assert_cmpstr(got, !=, "ERR");
	g_autofree char *too_long = g_strnfill(REQ_MAX_PATH + 1, 'a');
	too_long[0] = '/';
	g_autofree char *got2 = split_joined(too_long);
	g_assert_cmpstr(got2, ==, "ERR");
}

/* form_dump - "k=v;" for the given keys in order, "-" for absent */
static char *
form_dump(GHashTable *f, const char *keys)
{
	g_auto(GStrv) k = g_strsplit(keys, ",", -1);
	GString *out = g_string_new(NULL);

	for (size_t i = 0; k[i] != NULL; i++) {
		const char *v = g_hash_table_lookup(f, k[i]);

		g_string_append_printf(out, "%s=%s;", k[i], v ? v : "-");
	}
	g_string_append_printf(out, "n=%u", g_hash_table_size(f));
	return g_string_free(out, FALSE);
}

static void
test_urlencoded(void)
{
	static const struct {
		const char *in, *keys, *want;
	} rows[] = {
	    {"", "a", "a=-;n=0"},
	    {"a=1&b=2", "a,b", "a=1;b=2;n=2"},
	    {"q=hello+world%21", "q", "q=hello world!;n=1"},
	    {"q=a%2Bb", "q", "q=a+b;n=1"},
	    {"a=1&a=2", "a", "a=1;n=1"}, /* the first wins */
	    {"a&b=", "a,b", "a=;b=;n=2"},
	    {"&&a=1&&", "a", "a=1;n=1"},
	    {"a=x=y", "a", "a=x=y;n=1"},
	    {"q=%EC%84%B8%EB%AF%B8%EB%82%98", "q", "q=세미나;n=1"},
	    {"List-Unsubscribe=One-Click", "List-Unsubscribe",
		"List-Unsubscribe=One-Click;n=1"},
	    {"%61=1", "a", "a=1;n=1"},
	    /* refused */
	    {"a=%00", "a", "ERR"},
	    {"a=%", "a", "ERR"},
	    {"a=%G1", "a", "ERR"},
	    {"a=%C3%28", "a", "ERR"},
	    {"%ZZ=1", "a", "ERR"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
		GError *e = NULL;
		GHashTable *f =
		    req_form_urlencoded(rows[i].in, strlen(rows[i].in), &e);
		g_autofree char *got =
		    f != NULL ? form_dump(f, rows[i].keys) : g_strdup("ERR");

		if (f != NULL)
			g_hash_table_unref(f);
		else
			g_error_free(e);
		if (strcmp(got, rows[i].want) != 0)
			g_error("form %s: got %s, want %s", rows[i].in, got,
			    rows[i].want);
	}
	/* Too many fields, a too long name. */
	GString *many = g_string_new(NULL);
	for (int i = 0; i <= REQ_MAX_FIELDS; i++)
		g_string_append_printf(many, "f%d=1&", i);
	GError *e = NULL;
	g_assert_null(req_form_urlencoded(many->str, many->len, &e));
	g_clear_error(&e);
	g_string_free(many, TRUE);
	g_autofree char *name = g_strnfill(REQ_MAX_NAME + 1, 'n');
	g_assert_null(req_form_urlencoded(name, strlen(name), &e));
	g_clear_error(&e);
	/* Bytes after the length are not read. */
	GHashTable *f = req_form_urlencoded("a=1&b=2", 3, &e);
	g_assert_nonnull(f);
	g_assert_cmpuint(g_hash_table_size(f), ==, 1);
	g_hash_table_unref(f);
}

#define CT "multipart/form-data; boundary=XyZ"

static void
test_multipart(void)
{
	static const struct {
		const char *ct, *in, *keys, *want;
	} rows[] = {
	    {CT,
		"--XyZ\r\nContent-Disposition: form-data; "
		"name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--XyZ--\r\n",
		"List-Unsubscribe", "List-Unsubscribe=One-Click;n=1"},
	    {"multipart/form-data; boundary=\"a b\"",
		"preamble\r\n--a b\r\ncontent-disposition: form-data; "
		"name=x\r\nContent-Type: text/plain\r\n\r\n1\r\n2\r\n--a "
		"b\r\nContent-Disposition: form-data; name=\"y\"\r\n\r\n\r\n"
		"--a b--",
		"x,y", "x=1\r\n2;y=;n=2"},
	    {CT,
		"--XyZ\r\nContent-Disposition: form-data; name=\"f\"; "
		"filename=\"a.txt\"\r\n\r\n\x01\x02\r\n--XyZ\r\n"
		"Content-Disposition: form-data; name=\"a\"\r\n\r\n"
		"세\r\n--XyZ\r\nContent-Disposition: form-data; "
		"name=\"a\"\r\n\r\nsecond\r\n--XyZ--",
		"a,f", "a=세;f=-;n=1"},
	    {CT, "--XyZ--\r\n", "a", "a=-;n=0"},
	    /* refused */
	    {CT, "", "a", "ERR"},
	    {CT,
		"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"
		"no end",
		"a", "ERR"},
	    {CT, "--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--", "a",
		"ERR"},
	    {CT,
		"--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n"
		"--XyZ--",
		"a", "ERR"},
	    {CT,
		"--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n"
		"--XyZ--",
		"a", "ERR"},
	    {CT, "--XyZ\r\nno blank line\r\n--XyZ--", "a", "ERR"},
	    {CT, "--XyZjunk\r\n", "a", "ERR"},
	    {"multipart/form-data", "--\r\n", "a", "ERR"},
	    {"multipart/form-data; boundary=", "--\r\n", "a", "ERR"},
	    {"text/plain; boundary=XyZ", "--XyZ--", "a", "ERR"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
		GError *e = NULL;
		size_t len = strlen(rows[i].in);
		GHashTable *f =
		    req_form_multipart(rows[i].ct, rows[i].in, len, &e);
		g_autofree char *got =
		    f != NULL ? form_dump(f, rows[i].keys) : g_strdup("ERR");

		if (f != NULL)
			g_hash_table_unref(f);
		else
			g_error_free(e);
		if (strcmp(got, rows[i].want) != 0)
			g_error("multipart row %zu: got %s, want %s", i, got,
			    rows[i].want);
	}
	/* A NUL inside a value (the table cannot hold one). */
	static const char nul[] = "--XyZ\r\nContent-Disposition: form-data; "
				  "name=a\r\n\r\nx\0y\r\n--XyZ--";
	GError *e = NULL;
	g_assert_null(req_form_multipart(CT, nul, sizeof nul - 1, &e));
	g_clear_error(&e);
	/* A boundary over 70 bytes. */
	g_autofree char *b71 = g_strnfill(71, 'b');
	g_autofree char *ct71 =
	    g_strconcat("multipart/form-data; boundary=", b71, NULL);
	g_autofree char *body71 = g_strconcat("--", b71, "--", NULL);
	g_assert_null(req_form_multipart(ct71, body71, strlen(body71), &e));
	g_clear_error(&e);
}

static void
test_cookie(void)
{
	static const struct {
		const char *hdr, *name, *want;
	} rows[] = {
	    {"moim_session=abc", "moim_session", "abc"},
	    {"a=1; moim_session=abc; b=2", "moim_session", "abc"},
	    {"a=1;moim_session=\"abc\"", "moim_session", "abc"},
	    {"xmoim_session=abc", "moim_session", NULL},
	    {"moim_session_x=abc", "moim_session", NULL},
	    {"moim_session=a; moim_session=b", "moim_session", "a"},
	    {"moim_session=", "moim_session", ""},
	    {"", "moim_session", NULL},
	    {NULL, "moim_session", NULL},
	    {";;;", "moim_session", NULL},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autofree char *got =
		    req_cookie_get(rows[i].hdr, rows[i].name);
		g_assert_cmpstr(got, ==, rows[i].want);
	}
	g_autofree char *big = g_strnfill(REQ_MAX_COOKIE + 1, 'v');
	g_autofree char *hdr = g_strconcat("s=", big, NULL);
	g_autofree char *got = req_cookie_get(hdr, "s");
	g_assert_null(got);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/req/path", test_path);
	g_test_add_func("/req/urlencoded", test_urlencoded);
	g_test_add_func("/req/multipart", test_multipart);
	g_test_add_func("/req/cookie", test_cookie);
	return g_test_run();
}
