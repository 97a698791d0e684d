/*
 * err - the MOIM_ERROR domain and helpers for failing with a GError
 *
 * SYNOPSIS
 *	#define MOIM_ERROR moim_error_quark()
 *	enum moim_err { MOIM_ERR_TEMP, MOIM_ERR_INPUT, ... };
 *	bool moim_fail(GError **err, enum moim_err code, const char *fmt, ...);
 *	bool moim_is_temp(const GError *e);
 *	char *moim_text_line(const char *s);
 * DESCRIPTION
 *	Every module of moim reports failure through one GError domain whose
 *	code is the class of the failure, because the class is what a caller
 *	needs to decide what the peer is told: TEMP (retry may work: busy
 *	database, I/O, relay down), INPUT (malformed; retry will not help),
 *	POLICY (well formed, refused), CONFIG, INTERNAL (a bug we caught).
 *
 *	moim_fail() sets *err (when err is not NULL) and returns false, so a
 *	validator can read "return moim_fail(err, MOIM_ERR_INPUT, ...)".
 *	moim_is_temp() tells whether a retry may help: TEMP, INTERNAL and
 *	foreign domains count as temporary, so nothing unjudged is refused.
 *	moim_text_line() puts a text on one line, for stored one-line texts
 *	and for a library's error text that becomes a GError message (a log
 *	line, an SMTP reply).
 * THREADS
 *	No shared state.
 */
#ifndef MOIM_ERR_H
#define MOIM_ERR_H

#include <glib.h>
#include <stdbool.h>

#define MOIM_ERROR moim_error_quark()

enum moim_err {
	MOIM_ERR_TEMP,
	MOIM_ERR_INPUT,
	MOIM_ERR_POLICY,
	MOIM_ERR_CONFIG,
	MOIM_ERR_INTERNAL,
	MOIM_ERR_NOTFOUND,
};

GQuark moim_error_quark(void);
bool moim_fail(GError **err, enum moim_err code, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
bool moim_is_temp(const GError *e);
/* A new copy of s (NULL for NULL) on one line: each run of control
 * characters (CR, LF, TAB, other C0 and C1 controls, DEL, U+2028,
 * U+2029) becomes one space. For texts shown on one line: the names the
 * store keeps (store.h) and a library's error text (libpq's spans
 * lines). */
char *moim_text_line(const char *s);

#endif
