/*
 * svg - small inline SVG drawings for moim-web's pages, without script
 *
 * SYNOPSIS
 *	void svg_seats(GString *out, int attending, int capacity,
 *	    int waiting, const char *title);
 *	void svg_activity(GString *out, const struct svg_month *months,
 *	    size_t n);
 * DESCRIPTION
 *	Organizers would rather look than count (issue 14): these append
 *	one <svg> element each, drawn with presentation attributes and
 *	classes only (the Content-Security-Policy forbids style
 *	attributes and scripts), scaled by its viewBox to the width the
 *	stylesheet gives it.
 *
 *	svg_seats() draws an event's seats as one bar SVG_SEATS_WIDTH
 *	units wide: attending (class seats-taken), free (seats-free) and
 *	waiting (seats-wait) side by side, in proportion to capacity plus
 *	waiting, or to attending plus waiting when more attend than the
 *	capacity (promoted by hand): then a mark (seats-cap) shows where
 *	the capacity ends and nothing is free. A capacity of 0 means no
 *	limit: the people drawn take SVG_SEATS_WIDTH - SVG_SEATS_OPEN units
 *	and an open, dashed end (seats-open) says there is room for more.
 *	The segments' widths are whole units and always add up to
 *	SVG_SEATS_WIDTH. title is the sentence a screen reader says (the
 *	caller words it in the page's language); it becomes the <title>.
 *
 *	svg_activity() draws a list's months as columns: the posts of each
 *	month (class act-posts) with its new threads inside (act-threads),
 *	in proportion to the busiest month; each column has its own
 *	<title> (months[i].title). n above SVG_MAX_MONTHS draws the first
 *	SVG_MAX_MONTHS.
 * OWNERSHIP
 *	Arguments are borrowed; out is appended to.
 * INPUT AND LIMITS
 *	Texts are escaped (html_esc()). Negative counts count as 0.
 * THREADS
 *	No shared state.
 * ERRORS
 *	None.
 * SEE ALSO
 *	web/web.h, SVG 1.1 (the title element), WEB-NOTES.md.
 */
#ifndef MOIM_SVG_H
#define MOIM_SVG_H

#include <stddef.h>

#include <glib.h>

/* The seats bar's width and height in viewBox units. */
#define SVG_SEATS_WIDTH 300
#define SVG_SEATS_HEIGHT 24
/* The open end of a bar without a capacity. */
#define SVG_SEATS_OPEN 60
/* The most months an activity strip draws (a list page shows a year). */
#define SVG_MAX_MONTHS 24

struct svg_month {
	const char *title; /* e.g. "2026-03: 4 threads, 17 posts" */
	int threads;
	int posts;
};

void svg_seats(
    GString *out, int attending, int capacity, int waiting, const char *title);
void svg_activity(GString *out, const struct svg_month *months, size_t n);

#endif
