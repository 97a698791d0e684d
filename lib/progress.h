/*
 * progress - a progress line on a terminal for long operator commands
 *
 * SYNOPSIS
 *	#include "progress.h"
 *
 *	struct progress *progress_new(int fd, const char *what,
 *	    const char *unit, gint64 total);
 *	void progress_update(struct progress *p, gint64 count, gint64 work);
 *	void progress_done(struct progress *p);
 *	char *progress_line(const char *what, const char *unit, gint64 count,
 *	    gint64 work, gint64 total, gint64 elapsed_us);
 * DESCRIPTION
 *	moimctl migrate and moimctl archive import run for minutes on a big
 *	archive; on a terminal they show how far they are. progress_new()
 *	starts a line on fd for what (e.g. "moimctl: migrate: members"),
 *	counting unit ("rows", "messages"), total the work to do (in the
 *	caller's unit of work: rows, bytes read; 0 or less: unknown). When
 *	fd is not a terminal, p does nothing at all: logs and pipes get no
 *	progress noise (the command's summary is its only output).
 *
 *	progress_update() records count things done and work of total done,
 *	redrawing the line ("\r", line, clear to end of line) at most every
 *	PROGRESS_REDRAW_US, so a caller may call it for every row.
 *	progress_done() draws the final line ("WHAT: COUNT UNIT, R/s, in T",
 *	the count reached and the time taken), ends it with a newline and
 *	frees p; NULL is fine.
 *
 *	progress_line() is the text of one line, a pure function for the
 *	tests: "WHAT: COUNT UNIT (P%), R/s, T left", where the percentage
 *	is work / total, the rate count per second of elapsed_us, and the
 *	time left elapsed * (total - work) / work; the rate and time left
 *	appear from the first second on, the percentage and time left only
 *	when total > 0. Times read M:SS, or H:MM:SS from an hour.
 * OWNERSHIP
 *	p belongs to the caller until progress_done(); progress_line()'s
 *	result too (g_free). what and unit are copied.
 * INPUT AND LIMITS
 *	what and unit come from the program, not from outside.
 * THREADS
 *	No shared state; one p per thread.
 * ERRORS
 *	None: a failed write to the terminal is ignored (progress is a
 *	courtesy, never a reason to stop the work).
 */
#ifndef MOIM_PROGRESS_H
#define MOIM_PROGRESS_H

#include <glib.h>

/* Redraw at most this often: a terminal need not see every row. */
#define PROGRESS_REDRAW_US (200 * 1000)

struct progress;

struct progress *progress_new(
    int fd, const char *what, const char *unit, gint64 total);
void progress_update(struct progress *p, gint64 count, gint64 work);
void progress_done(struct progress *p);
char *progress_line(const char *what, const char *unit, gint64 count,
    gint64 work, gint64 total, gint64 elapsed_us);

#endif
