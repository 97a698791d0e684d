/*
 * err - the MOIM_ERROR domain and helpers for failing with a GError
 */
#include <stdarg.h>
#include <string.h>

#include "err.h"

/* moim_error_quark - the quark of the MOIM_ERROR domain */
GQuark
moim_error_quark(void)
{
	return g_quark_from_static_string("moim-error-quark");
}

/* moim_fail - set *err to a MOIM_ERROR of class code, return false */
bool
moim_fail(GError **err, enum moim_err code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return false;
	g_return_val_if_fail(*err == NULL, false);
	va_start(ap, fmt);
	*err = g_error_new_valist(MOIM_ERROR, code, fmt, ap);
	va_end(ap);
	return false;
}

/* moim_is_temp - whether a retry may help; unknown errors count as temporary */
bool
moim_is_temp(const GError *e)
{
	if (e == NULL)
		return false;
	if (e->domain != MOIM_ERROR)
		return true;
	return e->code == MOIM_ERR_TEMP || e->code == MOIM_ERR_INTERNAL;
}

/* moim_text_line - s with each run of control characters as one space */
char *
moim_text_line(const char *s)
{
	GString *out;
	const guchar *p;
	bool in_run = false;

	if (s == NULL)
		return NULL;
	out = g_string_sized_new(strlen(s));
	for (p = (const guchar *)s; *p != '\0';) {
		size_t n = 0;

		if (*p < 0x20 || *p == 0x7f)
			n = 1;
		else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			n = 2; /* C1 */
		else if (p[0] == 0xe2 && p[1] == 0x80 &&
		    (p[2] == 0xa8 || p[2] == 0xa9))
			n = 3; /* line and paragraph separators */
		if (n == 0) {
			g_string_append_c(out, (char)*p++);
			in_run = false;
			continue;
		}
		if (!in_run)
			g_string_append_c(out, ' ');
		in_run = true;
		p += n;
	}
	return g_string_free(out, FALSE);
}
