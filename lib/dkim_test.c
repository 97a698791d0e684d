/*
 * dkim_test - unit cases for lib/dkim, lib/arc and lib/dns
 */
#include "config.h"

#include <glib.h>

#include "arc.h"
#include "dkim.h"
#include "dns.h"
#include "err.h"

/* test_names - the result names logs use */
static void
test_names(void)
{
	g_assert_cmpstr(dkim_result_name(DKIM_TEMPERROR), ==, "temperror");
	g_assert_cmpstr(arc_cv_name(ARC_CV_FAIL), ==, "fail");
}

/* main - register and run the tests */
int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/dkim/names", test_names);
	return g_test_run();
}
