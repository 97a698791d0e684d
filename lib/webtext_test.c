/*
 * webtext_test - names, hidden addresses, folded quotes and months of the
 * web archive pages
 */
#include <string.h>

#include "webtext.h"

static void
test_name(void)
{
	static const struct {
		const char *name, *addr, *want;
	} cases[] = {
	    {"김지현", "jh@example.net", "김지현"},
	    {NULL, "jh@example.net", "jh"},
	    {"", "jh@example.net", "jh"},
	    {"jh@example.net", "jh@example.net", "jh"},
	    {"Bob <bob@example.com>", "x@y", "Bob <bob"},
	    {"@example.net", "x@y", "?"},
	    {"  ", "x@y", "?"},
	    {NULL, NULL, "?"},
	    {NULL, "noat", "noat"},
	    {"<script>", NULL, "<script>"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got =
		    webtext_name(cases[i].name, cases[i].addr);

		g_assert_cmpstr(got, ==, cases[i].want);
	}
}

static void
test_hide_addrs(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"write to jh@example.net now", "write to jh@… now"},
	    {"<a.b+c@mail.example.co.kr>", "<a.b+c@…>"},
	    {"two: a@x.org, b@y.org.", "two: a@…, b@…."},
	    {"no domain dot: a@localhost", "no domain dot: a@localhost"},
	    {"김민수 <minsu@example.org>님이 작성:",
		"김민수 <minsu@…>님이 작성:"},
	    {"", ""},
	    {NULL, ""},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = webtext_hide_addrs(cases[i].in);

		g_assert_cmpstr(got, ==, cases[i].want);
	}
}

/* shape - blocks as "P:text|Q2:text|..." (Q with its line count) */
static char *
shape(GPtrArray *bs)
{
	GString *out = g_string_new(NULL);

	for (guint i = 0; i < bs->len; i++) {
		const struct webtext_block *b = g_ptr_array_index(bs, i);

		if (i > 0)
			g_string_append_c(out, '|');
		if (b->is_quote)
			g_string_append_printf(out, "Q%d:", b->nlines);
		else
			g_string_append(out, "P:");
		g_string_append(out, b->text);
	}
	return g_string_free(out, FALSE);
}

static void
test_fold(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"plain\ntext\n", "P:plain\ntext"},
	    {"", ""},
	    {NULL, ""},
	    {"I agree.\n\nOn Mon, X wrote:\n> a\n> b\n\nthanks\n",
		"P:I agree.|Q3:On Mon, X wrote:\n> a\n> b|P:thanks"},
	    {"\n\n  \n", ""},
	    /* An empty line between attribution and quote, and inside it. */
	    {"2026년 2월 3일 김민수 님이 작성:\n\n> 가\n>\n\n> 나\n끝",
		"Q6:2026년 2월 3일 김민수 님이 작성:\n\n> 가\n>\n\n> 나|P:끝"},
	    /* A line ending in ":" that no quote follows is text. */
	    {"Agenda:\n1. x\n", "P:Agenda:\n1. x"},
	    /* Quotes only; CRLF. */
	    {"> a\r\n> b\r\n", "Q2:> a\n> b"},
	    /* Interleaved replies. */
	    {"> q1\nanswer 1\n> q2\nanswer 2",
		"Q1:> q1|P:answer 1|Q1:> q2|P:answer 2"},
	    /* Outlook: everything from the original on. */
	    {"Yes.\n-----Original Message-----\nFrom: x\nSubject: y\n\nold",
		"P:Yes.|Q5:-----Original Message-----\nFrom: x\nSubject: "
		"y\n\nold"},
	    {"네.\n  -----원본 메시지-----\n보낸 사람: x",
		"P:네.|Q2:  -----원본 메시지-----\n보낸 사람: x"},
	    /* A ">" not at the start of a line is text. */
	    {"a > b\n", "P:a > b"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GPtrArray) bs = webtext_fold(cases[i].in);
		g_autofree char *got = shape(bs);

		g_assert_cmpstr(got, ==, cases[i].want);
	}
}

/* A long attribution line is text, not the start of a quote. */
static void
test_fold_long_attribution(void)
{
	g_autofree char *line = g_strnfill(WEBTEXT_ATTRIBUTION, 'x');
	g_autofree char *in = NULL, *got = NULL;
	g_autoptr(GPtrArray) bs = NULL;

	line[WEBTEXT_ATTRIBUTION - 1] = ':';
	in = g_strdup_printf("%sx\n> q", line);
	bs = webtext_fold(in);
	got = shape(bs);
	g_assert_true(g_str_has_prefix(got, "P:"));
	g_assert_true(g_str_has_suffix(got, "|Q1:> q"));
	g_clear_pointer(&bs, g_ptr_array_unref);
	g_clear_pointer(&got, g_free);
	bs = webtext_fold(line);
	got = shape(bs);
	g_assert_true(g_str_has_prefix(got, "P:"));
}

static void
test_month(void)
{
	static const struct {
		const char *in;
		bool ok;
		int y, m;
	} cases[] = {
	    {"2026-02", true, 2026, 2},
	    {"1000-12", true, 1000, 12},
	    {"9998-01", true, 9998, 1},
	    {"2026-13", false, 0, 0},
	    {"2026-00", false, 0, 0},
	    {"0999-01", false, 0, 0},
	    {"9999-01", false, 0, 0},
	    {"2026-2", false, 0, 0},
	    {"2026-02-", false, 0, 0},
	    {"20x6-02", false, 0, 0},
	    {"2026+02", false, 0, 0},
	    {"+026-02", false, 0, 0},
	    {"2026- 2", false, 0, 0},
	    {"", false, 0, 0},
	    {NULL, false, 0, 0},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		int y = 0, m = 0;

		g_assert_cmpint(
		    webtext_month_parse(cases[i].in, &y, &m), ==, cases[i].ok);
		g_assert_cmpint(y, ==, cases[i].y);
		g_assert_cmpint(m, ==, cases[i].m);
	}
}

static void
test_snippet_hit(void)
{
	static const struct {
		const char *snip, *query;
		bool found;
		size_t at, len;
	} cases[] = {
	    {"다음 [모임]에서", "모임", true, 7, 6},
	    {"...the [Seminar] starts", "seminar", true, 7, 7},
	    {"a [b] and [seminar]", "seminar", true, 10, 7},
	    {"[x] text [y]", "y x", true, 0, 1},
	    {"no hit [here]", "there", false, 0, 0},
	    {"empty", "", false, 0, 0},
	    {"\"[q]\"", "\"q\"", true, 1, 1},
	    {NULL, "x", false, 0, 0},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		size_t at = 0, len = 0;

		g_assert_cmpint(webtext_snippet_hit(
				    cases[i].snip, cases[i].query, &at, &len),
		    ==, cases[i].found);
		g_assert_cmpuint(at, ==, cases[i].at);
		g_assert_cmpuint(len, ==, cases[i].len);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/webtext/name", test_name);
	g_test_add_func("/webtext/hide-addrs", test_hide_addrs);
	g_test_add_func("/webtext/fold", test_fold);
	g_test_add_func(
	    "/webtext/fold-long-attribution", test_fold_long_attribution);
	g_test_add_func("/webtext/month", test_month);
	g_test_add_func("/webtext/snippet-hit", test_snippet_hit);
	return g_test_run();
}
