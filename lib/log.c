/*
 * log - one line per event, to syslog (mail facility) or stderr
 */
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

static bool log_stderr = true;
static bool log_verbose;
static const char *log_ident = "moim";

/* log_open - choose the destination; called once before serving */
void
log_open(const char *ident, bool to_stderr)
{
	log_ident = ident;
	log_stderr = to_stderr;
	if (!to_stderr)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

/* log_set_verbose - whether log_debug() lines are written */
void
log_set_verbose(bool verbose)
{
	log_verbose = verbose;
}

/* log_emit - write one line at the given syslog priority */
static void __attribute__((format(printf, 2, 0)))
log_emit(int prio, const char *fmt, va_list ap)
{
	char line[2048];
	static const char *names[] = {
	    [LOG_ERR] = "error",
	    [LOG_WARNING] = "warning",
	    [LOG_INFO] = "info",
	    [LOG_DEBUG] = "debug",
	};

	vsnprintf(line, sizeof(line), fmt, ap);
	if (!log_stderr) {
		syslog(prio, "%s", line);
		return;
	}
	fprintf(stderr, "%s: %s: %s\n", log_ident,
	    names[prio] ? names[prio] : "log", line);
}

#define LOG_FUNC(name, prio, guard)                                            \
	void name(const char *fmt, ...)                                        \
	{                                                                      \
		va_list ap;                                                    \
		if (!(guard))                                                  \
			return;                                                \
		va_start(ap, fmt);                                             \
		log_emit(prio, fmt, ap);                                       \
		va_end(ap);                                                    \
	}

LOG_FUNC(log_info, LOG_INFO, true)
LOG_FUNC(log_warn, LOG_WARNING, true)
LOG_FUNC(log_error, LOG_ERR, true)
LOG_FUNC(log_debug, LOG_DEBUG, log_verbose)

/* log_quote - escape and truncate untrusted text for a log line */
char *
log_quote(const char *s, size_t max)
{
	GString *out = g_string_new(NULL);
	size_t i;

	if (s == NULL)
		return g_string_free(out, FALSE);
	for (i = 0; s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		if (out->len >= max) {
			g_string_append(out, "...");
			break;
		}
		if (c == '"' || c == '\\')
			g_string_append_printf(out, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			g_string_append_printf(out, "\\x%02x", c);
		else
			g_string_append_c(out, (char)c);
	}
	return g_string_free(out, FALSE);
}
