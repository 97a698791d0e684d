/*
 * svg - small inline SVG drawings (see svg.h)
 *
 * Widths are whole viewBox units cut at the rounded running sums, so
 * that the pieces of a bar always add up to its width, whatever the
 * rounding of each piece.
 */
#include "config.h"

#include "svg.h"
#include "web.h"

/* Activity columns: width, gap and height in viewBox units. */
#define ACT_COL 12
#define ACT_GAP 4
#define ACT_HEIGHT 40

/* nonneg - n, or 0 for a negative n */
static gint64
nonneg(int n)
{
	return n < 0 ? 0 : n;
}

/* cut - the rounded position of sum out of total on a width w line */
static int
cut(gint64 sum, gint64 total, int w)
{
	return total > 0 ? (int)((sum * w + total / 2) / total) : 0;
}

/* rect - one segment of the seats bar; nothing when it is empty */
static void
rect(GString *out, const char *cls, const char *fill, int x, int w)
{
	if (w <= 0)
		return;
	g_string_append_printf(out,
	    "<rect class=\"%s\" x=\"%d\" y=\"0\" width=\"%d\" height=\"%d\" "
	    "fill=\"%s\"/>",
	    cls, x, w, SVG_SEATS_HEIGHT, fill);
}

/* open_end - the dashed end of a bar without a capacity */
static void
open_end(GString *out, int x, int w)
{
	g_string_append_printf(out,
	    "<rect class=\"seats-open\" x=\"%d\" y=\"1\" width=\"%d\" "
	    "height=\"%d\" fill=\"none\" stroke=\"#8a8a8a\" "
	    "stroke-dasharray=\"4 3\"/>",
	    x, w - 1, SVG_SEATS_HEIGHT - 2);
}

/* svg_seats - the seats bar: attending, free, waiting */
void
svg_seats(
    GString *out, int attending, int capacity, int waiting, const char *title)
{
	gint64 a = nonneg(attending), c = nonneg(capacity),
	       wt = nonneg(waiting);
	gint64 free = c > a ? c - a : 0, held = c > a ? c : a;
	int w = c == 0 ? SVG_SEATS_WIDTH - SVG_SEATS_OPEN : SVG_SEATS_WIDTH;
	gint64 total = held + wt;
	int x1, x2, x3;

	if (c == 0 && total == 0)
		w = 0;
	x1 = cut(a, total, w);
	x2 = cut(a + free, total, w);
	x3 = total > 0 ? w : 0;
	g_string_append_printf(out,
	    "<svg class=\"seats\" xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">"
	    "<title>",
	    SVG_SEATS_WIDTH, SVG_SEATS_HEIGHT, SVG_SEATS_WIDTH,
	    SVG_SEATS_HEIGHT);
	html_esc(out, title ? title : "");
	g_string_append(out, "</title>");
	rect(out, "seats-taken", "#2f6f4f", 0, x1);
	rect(out, "seats-free", "#d9e8df", x1, x2 - x1);
	rect(out, "seats-wait", "#c9822b", x2, x3 - x2);
	if (c == 0)
		open_end(out, x3, SVG_SEATS_WIDTH - x3);
	else if (a > c)
		g_string_append_printf(out,
		    "<line class=\"seats-cap\" x1=\"%d\" y1=\"0\" x2=\"%d\" "
		    "y2=\"%d\" stroke=\"#1a1a1a\" stroke-width=\"2\"/>",
		    cut(c, total, w), cut(c, total, w), SVG_SEATS_HEIGHT);
	g_string_append(out, "</svg>");
}

/* column - one month of the activity strip */
static void
column(GString *out, const struct svg_month *m, int x, gint64 most)
{
	int hp = cut(nonneg(m->posts), most, ACT_HEIGHT);
	int ht = cut(nonneg(m->threads), most, ACT_HEIGHT);

	/* Threads are posts too: never draw more threads than posts. */
	if (ht > hp)
		ht = hp;
	g_string_append(out, "<g><title>");
	html_esc(out, m->title ? m->title : "");
	g_string_append_printf(out,
	    "</title><rect class=\"act-month\" x=\"%d\" y=\"0\" width=\"%d\" "
	    "height=\"%d\" fill=\"#f3f3f3\"/>",
	    x, ACT_COL, ACT_HEIGHT);
	if (hp > 0)
		g_string_append_printf(out,
		    "<rect class=\"act-posts\" x=\"%d\" y=\"%d\" width=\"%d\" "
		    "height=\"%d\" fill=\"#9cb8a8\"/>",
		    x, ACT_HEIGHT - hp, ACT_COL, hp);
	if (ht > 0)
		g_string_append_printf(out,
		    "<rect class=\"act-threads\" x=\"%d\" y=\"%d\" "
		    "width=\"%d\" height=\"%d\" fill=\"#2f6f4f\"/>",
		    x, ACT_HEIGHT - ht, ACT_COL, ht);
	g_string_append(out, "</g>");
}

/* svg_activity - the months as columns of posts with their threads */
void
svg_activity(GString *out, const struct svg_month *months, size_t n)
{
	gint64 most = 0;
	int width;

	if (n > SVG_MAX_MONTHS)
		n = SVG_MAX_MONTHS;
	/* A month's threads are among its posts: posts set the scale. */
	for (size_t i = 0; i < n; i++)
		most = MAX(most, nonneg(months[i].posts));
	width = n > 0 ? (int)n * (ACT_COL + ACT_GAP) - ACT_GAP : 0;
	g_string_append_printf(out,
	    "<svg class=\"activity\" xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">",
	    width, ACT_HEIGHT, width, ACT_HEIGHT);
	for (size_t i = 0; i < n; i++)
		column(out, &months[i], (int)i * (ACT_COL + ACT_GAP), most);
	g_string_append(out, "</svg>");
}
