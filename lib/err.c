/*
 * err - the MOIM_ERROR domain and helpers for failing with a GError
 */
#include <stdarg.h>

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
