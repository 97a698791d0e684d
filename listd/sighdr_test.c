/*
 * sighdr_test - table tests for the fields moim-listd signs and seals
 */
#include <glib.h>
#include <string.h>

#include "sighdr.h"

static const char *const trusted[] = {
    "mx.example.org", "mx2.example.org", NULL};

/* test_ar_split - which Authentication-Results is believed, and what of
 * it the ARC-Authentication-Results carries */
static void
test_ar_split(void)
{
	static const struct {
		const char *value;
		bool trusted;
		const char *id, *results;
	} cases[] = {
	    {"mx.example.org; dkim=pass header.d=example.net; spf=pass", true,
		"mx.example.org", "dkim=pass header.d=example.net; spf=pass"},
	    /* folded, with a version and the id in another case */
	    {"MX.Example.org 1;\r\n\tdkim=pass\r\n  header.d=example.net", true,
		"MX.Example.org", "dkim=pass header.d=example.net"},
	    {"mx2.example.org; none", true, "mx2.example.org", NULL},
	    {"mx2.example.org", true, "mx2.example.org", NULL},
	    {"  mx.example.org ;  ", true, "mx.example.org", NULL},
	    {"evil.example; dkim=pass", false, NULL, NULL},
	    /* a trusted name as a suffix or prefix is not the name */
	    {"x.mx.example.org; dkim=pass", false, NULL, NULL},
	    {"mx.example.org.evil; dkim=pass", false, NULL, NULL},
	    {"; dkim=pass", false, NULL, NULL},
	    {"", false, NULL, NULL},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *id = NULL, *results = NULL;
		bool got =
		    sighdr_ar_split(cases[i].value, trusted, &id, &results);

		g_test_message("case %zu: %s", i, cases[i].value);
		g_assert_cmpint(got, ==, cases[i].trusted);
		g_assert_cmpstr(id, ==, cases[i].id);
		g_assert_cmpstr(results, ==, cases[i].results);
	}
	/* no trusted ids: nothing is believed */
	{
		g_autofree char *id = NULL, *results = NULL;

		g_assert_false(sighdr_ar_split(
		    "mx.example.org; dkim=pass", NULL, &id, &results));
	}
}

/* test_aar_results - the chain's verdict goes after the results, once */
static void
test_aar_results(void)
{
	static const struct {
		const char *results, *arc, *want;
	} cases[] = {
	    {NULL, "none", "arc=none"},
	    {"dkim=pass header.d=example.net", "pass",
		"dkim=pass header.d=example.net; arc=pass"},
	    {"dkim=fail; arc=fail smtp.remote-ip=192.0.2.1", "pass",
		"dkim=fail; arc=fail smtp.remote-ip=192.0.2.1"},
	    {"spf=pass; ARC=pass", "fail", "spf=pass; ARC=pass"},
	    /* "narc=" is not an arc result */
	    {"x-narc=pass", "none", "x-narc=pass; arc=none"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got =
		    sighdr_aar_results(cases[i].results, cases[i].arc);

		g_assert_cmpstr(got, ==, cases[i].want);
	}
}

/* joined - an h= list as one string, ':'-separated */
static char *
joined(const char **h)
{
	char *s = g_strjoinv(":", (char **)h);

	g_free(h);
	return s;
}

/* test_list - each present field once per occurrence, the oversigned
 * ones once more, absent ones left out unless oversigned; the body's
 * "From:" lines do not count */
static void
test_list(void)
{
	static const char *const names[] = {
	    "From", "Subject", "Date", "Message-ID", "Cc", "List-Id", NULL};
	static const char *const over[] = {"From", "List-Id", NULL};
	static const struct {
		const char *msg, *want;
	} cases[] = {
	    {"From: a@example.net\nSubject: s\nDate: d\n\nFrom: body\n",
		"From:From:Subject:Date:List-Id"},
	    {"from: a@example.net\r\nMessage-ID: <m@x>\r\nSUBJECT: s\r\n"
	     "Received: x\r\nCc: c\r\nCc: d\r\n\r\nbody\r\n",
		"From:From:Subject:Message-ID:Cc:Cc:List-Id"},
	    /* folded fields count once; a header without a body */
	    {"Subject: a\n b\nList-Id: <l.example.org>\n",
		"From:Subject:List-Id:List-Id"},
	    {"", "From:List-Id"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = joined(sighdr_list(
		    cases[i].msg, strlen(cases[i].msg), names, over));

		g_test_message("case %zu", i);
		g_assert_cmpstr(got, ==, cases[i].want);
	}
}

/* test_ams_leaves_out_personal - the ARC-Message-Signature never covers a
 * field that differs per member; the DKIM-Signature covers RFC 8058's */
static void
test_ams_leaves_out_personal(void)
{
	static const char *const personal[] = {"List-Unsubscribe",
	    "List-Unsubscribe-Post", "Return-Path", "DKIM-Signature", NULL};

	for (size_t i = 0; personal[i] != NULL; i++) {
		g_assert_false(g_strv_contains(sighdr_ams_names, personal[i]));
		g_assert_false(g_strv_contains(sighdr_ams_over, personal[i]));
	}
	g_assert_true(g_strv_contains(sighdr_dkim_names, "List-Unsubscribe"));
	g_assert_true(
	    g_strv_contains(sighdr_dkim_names, "List-Unsubscribe-Post"));
	/* everything oversigned is signed */
	for (size_t i = 0; sighdr_dkim_over[i] != NULL; i++)
		g_assert_true(
		    g_strv_contains(sighdr_dkim_names, sighdr_dkim_over[i]));
	for (size_t i = 0; sighdr_ams_over[i] != NULL; i++)
		g_assert_true(
		    g_strv_contains(sighdr_ams_names, sighdr_ams_over[i]));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sighdr/ar_split", test_ar_split);
	g_test_add_func("/sighdr/aar_results", test_aar_results);
	g_test_add_func("/sighdr/list", test_list);
	g_test_add_func(
	    "/sighdr/ams_leaves_out_personal", test_ams_leaves_out_personal);
	return g_test_run();
}
