/*
 * svg_test - unit tests for the svg module
 *
 * A table of seat counts with the width expected of each segment of
 * the bar (attending, free, waiting, the open end of an event without
 * a limit) and where the capacity mark is drawn; every bar's segments
 * must add up to its width. Then the escaping of titles and the
 * activity strip's columns.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "svg.h"

struct seats_case {
	const char *what;
	int attending, capacity, waiting;
	int taken, free, wait, open; /* widths; 0: not drawn */
	int cap_x; /* x of the capacity mark; -1: none */
};

static const struct seats_case seats_cases[] = {
    {"nobody yet", 0, 10, 0, 0, 300, 0, 0, -1},
    {"half full", 5, 10, 0, 150, 150, 0, 0, -1},
    {"full with a waitlist", 10, 10, 2, 250, 0, 50, 0, -1},
    {"rounding adds up", 1, 7, 0, 43, 257, 0, 0, -1},
    {"thirds", 1, 3, 1, 75, 150, 75, 0, -1},
    {"overfull by hand", 12, 10, 0, 300, 0, 0, 0, 250},
    {"overfull and waiting", 12, 10, 3, 240, 0, 60, 0, 200},
    {"no limit", 3, 0, 0, 240, 0, 0, 60, -1},
    {"no limit, nobody", 0, 0, 0, 0, 0, 0, 300, -1},
    {"no limit with waiting", 3, 0, 1, 180, 0, 60, 60, -1},
    {"negative counts as 0", -4, 5, -1, 0, 300, 0, 0, -1},
    {"large numbers", 1000000, 2000000, 0, 150, 150, 0, 0, -1},
};

/* width_of - the width of the rect of class cls in svg, 0 if none */
static int
width_of(const char *svg, const char *cls)
{
	g_autofree char *pat = g_strdup_printf(
	    "<rect class=\"%s\" x=\"\\d+\" y=\"\\d+\" width=\"(\\d+)\"", cls);
	g_autoptr(GRegex) re = g_regex_new(pat, 0, 0, NULL);
	g_autoptr(GMatchInfo) mi = NULL;
	g_autofree char *w = NULL;

	if (!g_regex_match(re, svg, 0, &mi))
		return 0;
	w = g_match_info_fetch(mi, 1);
	g_assert_false(g_match_info_next(mi, NULL));
	return atoi(w);
}

/* cap_of - the x of the capacity mark, -1 if none */
static int
cap_of(const char *svg)
{
	const char *p = strstr(svg, "<line class=\"seats-cap\" x1=\"");

	return p ? atoi(p + strlen("<line class=\"seats-cap\" x1=\"")) : -1;
}

/* test_seats - the table */
static void
test_seats(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(seats_cases); i++) {
		const struct seats_case *c = &seats_cases[i];
		g_autoptr(GString) out = g_string_new(NULL);
		int taken, free, wait, open;

		g_test_message("%s", c->what);
		svg_seats(out, c->attending, c->capacity, c->waiting, "t");
		taken = width_of(out->str, "seats-taken");
		free = width_of(out->str, "seats-free");
		wait = width_of(out->str, "seats-wait");
		/* The dashed outline is drawn 1 unit inside its place. */
		open = width_of(out->str, "seats-open");
		open = open ? open + 1 : 0;
		g_assert_cmpint(taken, ==, c->taken);
		g_assert_cmpint(free, ==, c->free);
		g_assert_cmpint(wait, ==, c->wait);
		g_assert_cmpint(open, ==, c->open);
		g_assert_cmpint(
		    taken + free + wait + open, ==, SVG_SEATS_WIDTH);
		g_assert_cmpint(cap_of(out->str), ==, c->cap_x);
		g_assert_true(
		    g_str_has_prefix(out->str, "<svg class=\"seats\""));
		g_assert_true(g_str_has_suffix(out->str, "</svg>"));
	}
}

/* test_sums - every bar adds up, over a grid of counts */
static void
test_sums(void)
{
	for (int c = 0; c <= 13; c++)
		for (int a = 0; a <= 15; a++)
			for (int w = 0; w <= 4; w++) {
				g_autoptr(GString) out = g_string_new(NULL);
				int open;

				svg_seats(out, a, c, w, NULL);
				open = width_of(out->str, "seats-open");
				g_assert_cmpint(
				    width_of(out->str, "seats-taken") +
					width_of(out->str, "seats-free") +
					width_of(out->str, "seats-wait") +
					(open ? open + 1 : 0),
				    ==, SVG_SEATS_WIDTH);
			}
}

/* test_title_escaped - the title is text, never markup */
static void
test_title_escaped(void)
{
	g_autoptr(GString) out = g_string_new(NULL);

	svg_seats(out, 1, 2, 0, "참석 1명 </title><script>x</script>&");
	g_assert_null(strstr(out->str, "<script"));
	g_assert_nonnull(strstr(out->str,
	    "<title>참석 1명 &lt;/title&gt;&lt;script&gt;x&lt;/script&gt;"
	    "&amp;</title>"));
	g_assert_null(strstr(out->str, "style="));
}

/* test_activity - columns in proportion to the busiest month */
static void
test_activity(void)
{
	const struct svg_month m[] = {
	    {"2026-01 <b>", 1, 4},
	    {"2026-02", 2, 8},
	    {"2026-03", 0, 0},
	    {"2026-04", 9, 2},
	};
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(GString) none = g_string_new(NULL);
	struct svg_month many[SVG_MAX_MONTHS + 5] = {{0}};
	g_auto(GStrv) cols = NULL;

	svg_activity(out, m, G_N_ELEMENTS(m));
	g_assert_nonnull(strstr(out->str, "viewBox=\"0 0 60 40\""));
	g_assert_nonnull(strstr(out->str, "<title>2026-01 &lt;b&gt;</title>"));
	/* 4 of 8 posts: half the height; the busiest month is full. */
	g_assert_nonnull(strstr(out->str,
	    "class=\"act-posts\" x=\"0\" y=\"20\" width=\"12\" height=\"20\""));
	g_assert_nonnull(strstr(out->str,
	    "class=\"act-posts\" x=\"16\" y=\"0\" width=\"12\" height=\"40\""));
	/* More threads than posts (moved archive) stay inside the posts. */
	g_assert_nonnull(strstr(out->str,
	    "class=\"act-threads\" x=\"48\" y=\"30\" width=\"12\" "
	    "height=\"10\""));
	cols = g_strsplit(out->str, "<g>", -1);
	g_assert_cmpuint(g_strv_length(cols) - 1, ==, G_N_ELEMENTS(m));
	svg_activity(none, NULL, 0);
	g_assert_cmpstr(none->str, ==,
	    "<svg class=\"activity\" xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 0 40\" width=\"0\" height=\"40\"></svg>");
	g_string_truncate(none, 0);
	svg_activity(none, many, G_N_ELEMENTS(many));
	g_assert_nonnull(strstr(none->str, "viewBox=\"0 0 380 40\""));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/svg/seats", test_seats);
	g_test_add_func("/svg/sums", test_sums);
	g_test_add_func("/svg/title_escaped", test_title_escaped);
	g_test_add_func("/svg/activity", test_activity);
	return g_test_run();
}
