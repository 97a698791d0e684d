/*
 * progress - a progress line on a terminal (see progress.h)
 */
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "progress.h"

struct progress {
	int fd;
	char *what, *unit;
	gint64 total;
	gint64 count, work;
	gint64 start_us, drawn_us;
};

/* progress_new - a line on fd when fd is a terminal, else one that stays
 * quiet */
struct progress *
progress_new(int fd, const char *what, const char *unit, gint64 total)
{
	struct progress *p = g_new0(struct progress, 1);

	p->fd = isatty(fd) ? fd : -1;
	p->what = g_strdup(what);
	p->unit = g_strdup(unit);
	p->total = total;
	p->start_us = g_get_monotonic_time();
	return p;
}

/* clock_text - seconds as M:SS or H:MM:SS (g_free) */
static char *
clock_text(gint64 s)
{
	if (s >= 3600)
		return g_strdup_printf("%" G_GINT64_FORMAT ":%02d:%02d",
		    s / 3600, (int)(s / 60 % 60), (int)(s % 60));
	return g_strdup_printf(
	    "%" G_GINT64_FORMAT ":%02d", s / 60, (int)(s % 60));
}

/* progress_line - the text of one progress line (g_free) */
char *
progress_line(const char *what, const char *unit, gint64 count, gint64 work,
    gint64 total, gint64 elapsed_us)
{
	GString *s = g_string_new(NULL);
	bool has_rate = elapsed_us >= G_USEC_PER_SEC;

	g_string_printf(s, "%s: %" G_GINT64_FORMAT " %s", what, count, unit);
	if (total > 0) {
		gint64 w = CLAMP(work, 0, total);

		g_string_append_printf(s, " (%d%%)", (int)(w * 100 / total));
	}
	if (has_rate)
		g_string_append_printf(s, ", %" G_GINT64_FORMAT "/s",
		    count * G_USEC_PER_SEC / elapsed_us);
	if (has_rate && total > 0 && work > 0 && work < total) {
		/* The rest at the pace so far. */
		double left = (double)elapsed_us / G_USEC_PER_SEC *
		    (double)(total - work) / (double)work;
		g_autofree char *t = clock_text((gint64)(left + 0.5));

		g_string_append_printf(s, ", %s left", t);
	}
	return g_string_free(s, FALSE);
}

/* draw - write text as the terminal's current line, then end */
static void
draw(struct progress *p, const char *text, const char *end)
{
	g_autofree char *out = g_strconcat("\r", text, "\033[K", end, NULL);
	size_t len = strlen(out), off = 0;

	while (off < len) {
		ssize_t n = write(p->fd, out + off, len - off);

		if (n <= 0)
			return; /* a courtesy: never a reason to stop */
		off += (size_t)n;
	}
}

/* progress_update - record how far the work is; redraw now and then */
void
progress_update(struct progress *p, gint64 count, gint64 work)
{
	gint64 now;

	p->count = count;
	p->work = work;
	if (p->fd < 0)
		return;
	now = g_get_monotonic_time();
	if (p->drawn_us != 0 && now - p->drawn_us < PROGRESS_REDRAW_US)
		return;
	p->drawn_us = now;
	g_autofree char *line = progress_line(
	    p->what, p->unit, count, work, p->total, now - p->start_us);
	draw(p, line, "");
}

/* progress_done - the final line: count, rate, time taken; frees p */
void
progress_done(struct progress *p)
{
	if (p == NULL)
		return;
	if (p->fd >= 0) {
		gint64 us = g_get_monotonic_time() - p->start_us;
		g_autofree char *line =
		    progress_line(p->what, p->unit, p->count, 0, 0, us);
		g_autofree char *t = clock_text(us / G_USEC_PER_SEC);
		g_autofree char *full = g_strdup_printf("%s, in %s", line, t);

		draw(p, full, "\n");
	}
	g_free(p->what);
	g_free(p->unit);
	g_free(p);
}
