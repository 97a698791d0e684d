/*
 * err_test - unit tests for the err module
 */
#include "err.h"

static void
test_fail_sets_error(void)
{
	GError *e = NULL;

	g_assert_false(moim_fail(&e, MOIM_ERR_INPUT, "bad %s", "line"));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
	g_assert_cmpstr(e->message, ==, "bad line");
	g_assert_false(moim_is_temp(e));
	g_clear_error(&e);
	g_assert_false(moim_fail(NULL, MOIM_ERR_TEMP, "ignored"));
}

static void
test_temp_classes(void)
{
	GError *e = g_error_new(MOIM_ERROR, MOIM_ERR_TEMP, "busy");
	GError *f = g_error_new(g_quark_from_static_string("x"), 1, "x");
	GError *i = g_error_new(MOIM_ERROR, MOIM_ERR_INTERNAL, "bug");
	GError *p = g_error_new(MOIM_ERROR, MOIM_ERR_POLICY, "no");

	g_assert_true(moim_is_temp(e));
	g_assert_true(moim_is_temp(f));
	g_assert_true(moim_is_temp(i));
	g_assert_false(moim_is_temp(p));
	g_assert_false(moim_is_temp(NULL));
	g_error_free(e);
	g_error_free(f);
	g_error_free(i);
	g_error_free(p);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/err/fail", test_fail_sets_error);
	g_test_add_func("/err/temp", test_temp_classes);
	return g_test_run();
}
