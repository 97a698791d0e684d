/*
 * winzone - the IANA zone of a TZID as calendars write it (CLDR table)
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <libical/ical.h>

#include "winzone.h"

struct winzone {
	const char *windows;
	const char *iana;
};

static const struct winzone table[] = {
#include "winzone_table.h"
};

/* by_name - bsearch order of the table: ASCII case ignored */
static int
by_name(const void *key, const void *elem)
{
	const struct winzone *w = elem;

	return g_ascii_strcasecmp(key, w->windows);
}

/* winzone_windows - the IANA zone CLDR names for a Windows zone, or NULL */
const char *
winzone_windows(const char *windows_name)
{
	const struct winzone *w;

	if (windows_name == NULL)
		return NULL;
	w = bsearch(windows_name, table, G_N_ELEMENTS(table), sizeof(table[0]),
	    by_name);
	return w != NULL ? w->iana : NULL;
}

/* is_known - whether libical has a zone of this name */
static bool
is_known(const char *name)
{
	return icaltimezone_get_builtin_timezone(name) != NULL;
}

/* winzone_iana - the IANA zone libical knows for tzid, or NULL: the
 * name itself, its Windows mapping, or the longest "Area/Place" tail of
 * a path-prefixed name */
const char *
winzone_iana(const char *tzid)
{
	const char *s, *w;

	if (tzid == NULL || *tzid == '\0' || strlen(tzid) > 256)
		return NULL;
	if (strcmp(tzid, "UTC") == 0 || strcmp(tzid, "Etc/UTC") == 0)
		return "UTC";
	if (is_known(tzid))
		return tzid;
	if ((w = winzone_windows(tzid)) != NULL && is_known(w))
		return w;
	/* "/mozilla.org/20050126_1/Asia/Seoul": drop one leading part at a
	 * time while the rest still has an Area/Place slash. */
	for (s = strchr(tzid + 1, '/'); s != NULL && strchr(s + 1, '/') != NULL;
	     s = strchr(s + 1, '/'))
		if (is_known(s + 1))
			return s + 1;
	return NULL;
}
