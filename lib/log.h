/*
 * log - one line per event, to syslog (mail facility) or stderr
 *
 * SYNOPSIS
 *	void log_open(const char *ident, bool to_stderr);
 *	void log_set_verbose(bool verbose);
 *	void log_info(const char *fmt, ...);
 *	void log_warn(const char *fmt, ...);
 *	void log_error(const char *fmt, ...);
 *	void log_debug(const char *fmt, ...);
 *	char *log_quote(const char *s, size_t max);
 * DESCRIPTION
 *	Daemons log to syslog with LOG_MAIL unless started in the foreground.
 *	Each event is one line of key=value fields that names the list and the
 *	Message-ID (or LMTP id) it concerns.
 *
 *	log_quote() makes untrusted text safe for a log line: non-printable
 *	bytes become \xNN, quotes and backslashes are escaped, and the result
 *	is cut at max bytes with "..." appended. It returns a new string.
 * THREADS
 *	Safe to call from any thread after log_open().
 */
#ifndef MOIM_LOG_H
#define MOIM_LOG_H

#include <stdbool.h>
#include <stddef.h>

void log_open(const char *ident, bool to_stderr);
void log_set_verbose(bool verbose);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *log_quote(const char *s, size_t max);

#endif
