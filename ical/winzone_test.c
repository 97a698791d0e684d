/*
 * winzone_test - the CLDR table and the names calendars write
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <libical/ical.h>

#include "winzone.h"

static const struct {
	const char *windows;
	const char *iana;
} table[] = {
#include "winzone_table.h"
};

/* test_table - sorted for bsearch, every row found, every zone known */
static void
test_table(void)
{
	g_assert_cmpuint(G_N_ELEMENTS(table), >, 100);
	for (size_t i = 0; i < G_N_ELEMENTS(table); i++) {
		if (i > 0)
			g_assert_cmpint(g_ascii_strcasecmp(table[i - 1].windows,
					    table[i].windows),
			    <, 0);
		g_assert_cmpstr(
		    winzone_windows(table[i].windows), ==, table[i].iana);
		if (icaltimezone_get_builtin_timezone(table[i].iana) == NULL)
			g_error("libical does not know %s (for %s)",
			    table[i].iana, table[i].windows);
		/* Windows' "UTC" is CLDR's Etc/UTC; both are plain UTC. */
		g_assert_cmpstr(winzone_iana(table[i].windows), ==,
		    strcmp(table[i].windows, "UTC") == 0 ? "UTC"
							 : table[i].iana);
	}
}

/* test_names - what calendars write, and what is no zone */
static void
test_names(void)
{
	static const struct {
		const char *tzid;
		const char *iana;
	} rows[] = {
	    {"Korea Standard Time", "Asia/Seoul"},
	    {"KOREA STANDARD TIME", "Asia/Seoul"},
	    {"Tokyo Standard Time", "Asia/Tokyo"},
	    {"W. Europe Standard Time", "Europe/Berlin"},
	    {"Romance Standard Time", "Europe/Paris"},
	    {"Pacific Standard Time", "America/Los_Angeles"},
	    {"UTC", "UTC"},
	    {"Etc/UTC", "UTC"},
	    {"Asia/Seoul", "Asia/Seoul"},
	    {"America/Argentina/Buenos_Aires",
		"America/Argentina/Buenos_Aires"},
	    {"/mozilla.org/20050126_1/Asia/Seoul", "Asia/Seoul"},
	    {"/freeassociation.sourceforge.net/Tzfile/Europe/London",
		"Europe/London"},
	    {"/citadel.org/20190914_1/America/New_York", "America/New_York"},
	    {"Customized Time Zone", NULL},
	    {"(UTC+09:00) Seoul", NULL},
	    {"Korea Standard Time ", NULL},
	    {"/", NULL},
	    {"//", NULL},
	    {"/a/", NULL},
	    {"Seoul", NULL},
	    {"", NULL},
	    {NULL, NULL},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(rows); i++)
		g_assert_cmpstr(winzone_iana(rows[i].tzid), ==, rows[i].iana);
	g_assert_null(winzone_windows(NULL));
	g_assert_null(winzone_windows("Asia/Seoul"));
}

/* test_long - an absurd name is refused before any lookup */
static void
test_long(void)
{
	g_autofree char *s = g_strnfill(4096, '/');

	g_assert_null(winzone_iana(s));
	memcpy(s + 4096 - 11, "Asia/Seoul", 11);
	g_assert_null(winzone_iana(s));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/winzone/table", test_table);
	g_test_add_func("/winzone/names", test_names);
	g_test_add_func("/winzone/long", test_long);
	return g_test_run();
}
