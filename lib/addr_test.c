/*
 * addr_test - unit tests for the addr module
 */
#include <string.h>

#include "addr.h"
#include "err.h"
#include "limits.h"

#define HONG "\xed\x99\x8d\xea\xb8\xb8\xeb\x8f\x99" /* 홍길동 in UTF-8 */

struct parse_case {
	const char *in;
	size_t len; /* 0: strlen(in) */
	const char *canonical; /* NULL: must fail with MOIM_ERR_INPUT */
	const char *name; /* expected display name, NULL for none */
};

static const struct parse_case parse_cases[] = {
    {"\"" HONG "\" <Gil@Example.ORG>", 0, "gil@example.org", HONG},
    {HONG " <Gil@Example.ORG>", 0, "gil@example.org", HONG},
    {"=?EUC-KR?B?yKux5rW/?= <a@b>", 0, "a@b", HONG},
    {"=?UTF-8?B?7ZmN6ri464+Z?= <a@b.kr>", 0, "a@b.kr", HONG},
    {"=?utf-8?q?=ED=99=8D=EA=B8=B8=EB=8F=99?= <a@b.kr>", 0, "a@b.kr", HONG},
    /* Undeclared 8-bit EUC-KR: the CP949 fallback decodes it. */
    {"\xc8\xab\xb1\xe6\xb5\xbf <a@b.kr>", 0, "a@b.kr", HONG},
    {"\"Kim, Gil\" <kim@example.org>", 0, "kim@example.org", "Kim, Gil"},
    /* Issue 12: GMime 3.2.13 cut these after the first (padded) word. */
    {"=?utf-8?b?6rmAIOyngO2YhA==?= =?utf-8?b?7Jew6rWs7JuQ?= <k@b.kr>", 0,
	"k@b.kr", "김 지현연구원"},
    {"=?utf-8?b?6rmAIOyngO2YhA==?= =?utf-8?b?IOyxheyehA==?=\t"
     "=?utf-8?b?IOyXsOq1rOybkA==?= <k@b.kr>",
	0, "k@b.kr", "김 지현 책임 연구원"},
    {"\"=?utf-8?b?6rmAIOyngO2YhA==?=\" (comment) <k@b.kr>", 0, "k@b.kr",
	"김 지현"},
    {"\"a \\\"b\\\" c\" <k@b.kr>", 0, "k@b.kr", "a \"b\" c"},
    {"Gil (x <y>) <g@b.kr>", 0, "g@b.kr", "Gil"}, {"a@b", 0, "a@b", NULL},
    {"<a@b>", 0, "a@b", NULL},
    {"User@EXAMPLE.org", 0, "user@example.org", NULL},
    {"user@\xeb\xaa\xa8\xec\x9e\x84.kr", 0, "user@xn--v52b68u.kr", NULL},
    {"user@XN--V52B68U.KR", 0, "user@xn--v52b68u.kr", NULL},
    {"user@example.org.", 0, "user@example.org", NULL},
    {"\"john doe\"@example.org", 0, "\"john doe\"@example.org", NULL},
    {"\"John Doe\"@Example.ORG", 0, "\"john doe\"@example.org", NULL},
    {"\"John\"@example.org", 0, "john@example.org", NULL},
    {"\"a\\\"b\"@c.d", 0, "\"a\\\"b\"@c.d", NULL},
    {"\"a@b\"@c.d", 0, "\"a@b\"@c.d", NULL},
    {"first.last+tag@sub.example.org", 0, "first.last+tag@sub.example.org",
	NULL},
    {"@", 0, NULL, NULL}, {"a@", 0, NULL, NULL}, {"@b", 0, NULL, NULL},
    {"a", 0, NULL, NULL}, {"", 0, NULL, NULL}, {"a b@c", 0, NULL, NULL},
    {"\"\"@b.c", 0, NULL, NULL},
    {"a@b\r\nBcc: victim@example.org", 0, NULL, NULL},
    {"a@b\rc", 0, NULL, NULL}, {"a@b\nc", 0, NULL, NULL},
    {"a@b\0.evil.org", 13, NULL, NULL}, {"a@-b.c", 0, NULL, NULL},
    {"a@b-.c", 0, NULL, NULL}, {"a@b_c.d", 0, NULL, NULL},
    {"a@[192.0.2.1]", 0, NULL, NULL}, {"a@b, c@d", 0, NULL, NULL},
    {"team: a@b.c;", 0, NULL, NULL},
    {"undisclosed-recipients:;", 0, NULL, NULL},
    {"=?UTF-8?B?7ZmN6ri464+Z?=", 0, NULL, NULL},
    {"a@"
     "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd.kr",
	0, NULL, NULL}, /* a 64-octet label */
};

/* check_parse_case - run one parse_case through addr_parse */
static void
check_parse_case(const struct parse_case *c)
{
	GError *e = NULL;
	struct addr *a = NULL;
	size_t len = c->len != 0 ? c->len : strlen(c->in);
	bool ok = addr_parse(c->in, len, &a, &e);

	if (c->canonical == NULL) {
		if (ok)
			g_test_message(
			    "accepted: %s -> %s", c->in, addr_canonical(a));
		g_assert_false(ok);
		g_assert_null(a);
		g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
		g_clear_error(&e);
		return;
	}
	if (!ok)
		g_test_message("refused: %s: %s", c->in, e->message);
	g_assert_true(ok);
	g_assert_no_error(e);
	g_assert_cmpstr(addr_canonical(a), ==, c->canonical);
	g_assert_cmpstr(addr_display_name(a), ==, c->name);
	addr_free(a);
}

static void
test_parse_table(void)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(parse_cases); i++)
		check_parse_case(&parse_cases[i]);
}

static void
test_parse_parts(void)
{
	struct addr *a = NULL;
	struct addr *b;

	g_assert_true(addr_parse("Gil <Gil.Dong@Example.ORG>", 25, &a, NULL));
	g_assert_cmpstr(addr_local(a), ==, "gil.dong");
	g_assert_cmpstr(addr_domain(a), ==, "example.org");
	b = addr_dup(a);
	addr_free(a);
	g_assert_cmpstr(addr_canonical(b), ==, "gil.dong@example.org");
	g_assert_cmpstr(addr_display_name(b), ==, "Gil");
	addr_free(b);
	addr_free(NULL);
}

static void
test_parse_too_long(void)
{
	GError *e = NULL;
	struct addr *a = NULL;
	GString *s = g_string_new(NULL);

	while (s->len < 390)
		g_string_append(s, "abcdefghij.");
	g_string_append(s, "x@example.org");
	g_assert_false(addr_parse(s->str, s->len, &a, &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
	g_clear_error(&e);
	g_assert_false(addr_parse_path(s->str, s->len, &a, &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
	g_clear_error(&e);
	g_assert_false(addr_is_valid_mailbox(s->str));
	g_string_free(s, TRUE);
}

struct list_case {
	const char *in;
	const char *expect; /* canonical addresses joined by ',' */
};

static const struct list_case list_cases[] = {
    {"", ""},
    {"@@@", ""},
    {"undisclosed-recipients:;", ""},
    {"a@b.c", "a@b.c"},
    {"\"Kim, Gil\" <A@B.c>, bad, c@d.e, Joe <j@-x.y>, <@>", "a@b.c,c@d.e"},
    {"team: a@b.c, =?UTF-8?B?7ZmN6ri464+Z?= <h@x.kr>;, e@f.g",
	"a@b.c,h@x.kr,e@f.g"},
    {"one: a@b.c;, two: d@e.f, nope;", "a@b.c,d@e.f"},
    {"a@b.c,\r\n c@d.e,\n\tf@g.h", "a@b.c,c@d.e,f@g.h"},
    {"x@[192.0.2.1], y@\xeb\xaa\xa8\xec\x9e\x84.kr", "y@xn--v52b68u.kr"},
};

/* joined - the canonical forms of an addr_parse_list result, comma-joined */
static char *
joined(GPtrArray *arr)
{
	GString *s = g_string_new(NULL);
	guint i;

	for (i = 0; i < arr->len; i++)
		g_string_append_printf(s, "%s%s", i > 0 ? "," : "",
		    addr_canonical(g_ptr_array_index(arr, i)));
	return g_string_free(s, FALSE);
}

static void
test_list_table(void)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(list_cases); i++) {
		GError *e = NULL;
		GPtrArray *arr = addr_parse_list(
		    list_cases[i].in, strlen(list_cases[i].in), &e);
		char *got;

		g_assert_no_error(e);
		g_assert_nonnull(arr);
		got = joined(arr);
		g_assert_cmpstr(got, ==, list_cases[i].expect);
		g_free(got);
		g_ptr_array_unref(arr);
	}
}

static void
test_list_names(void)
{
	static const char in[] = "t: =?EUC-KR?B?yKux5rW/?= <h@x.kr>;, b@c.d";
	GPtrArray *arr = addr_parse_list(in, strlen(in), NULL);

	g_assert_nonnull(arr);
	g_assert_cmpuint(arr->len, ==, 2);
	g_assert_cmpstr(addr_display_name(g_ptr_array_index(arr, 0)), ==, HONG);
	g_assert_null(addr_display_name(g_ptr_array_index(arr, 1)));
	g_ptr_array_unref(arr);
}

/* assert_list_refused - addr_parse_list(buf, len) fails with INPUT */
static void
assert_list_refused(const char *buf, size_t len)
{
	GError *e = NULL;

	g_assert_null(addr_parse_list(buf, len, &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
	g_clear_error(&e);
}

static void
test_list_limits(void)
{
	GString *s = g_string_new(NULL);
	GPtrArray *arr;
	int i;

	for (i = 0; i < MOIM_MAX_RCPTS; i++)
		g_string_append_printf(s, "%su%d@x.org", i > 0 ? "," : "", i);
	arr = addr_parse_list(s->str, s->len, NULL);
	g_assert_nonnull(arr);
	g_assert_cmpuint(arr->len, ==, MOIM_MAX_RCPTS);
	g_ptr_array_unref(arr);
	g_string_append(s, ",one@more.org");
	assert_list_refused(s->str, s->len);
	g_string_set_size(s, 0);
	while (s->len <= MOIM_MAX_HEADER_FIELD)
		g_string_append(s, "a@b.c,        ");
	assert_list_refused(s->str, s->len);
	g_string_free(s, TRUE);
	assert_list_refused("a@b.c\r\nBcc: v@x.org", 19);
	assert_list_refused("a@b.c\0, d@e.f", 13);
}

struct path_case {
	const char *in;
	bool ok;
	const char *canonical; /* NULL with ok: the null sender */
};

static const struct path_case path_cases[] = {
    {"<>", true, NULL},
    {"<a@b>", true, "a@b"},
    {"a@b", true, "a@b"},
    {"<Gil@Example.ORG>", true, "gil@example.org"},
    {"<@relay.example,@r2.example:Gil@Example.ORG>", true, "gil@example.org"},
    {"<\"john doe\"@example.org>", true, "\"john doe\"@example.org"},
    {"<user@\xeb\xaa\xa8\xec\x9e\x84.kr>", true, "user@xn--v52b68u.kr"},
    {"", false, NULL},
    {"<", false, NULL},
    {"< >", false, NULL},
    {"<<>>", false, NULL},
    {"<a@b", false, NULL},
    {"a@b>", false, NULL},
    {"<<a@b>>", false, NULL},
    {"\"Name\" <a@b>", false, NULL},
    {"<a@b> x", false, NULL},
    {"<a b@c>", false, NULL},
    {"<a@b (comment)>", false, NULL},
    {"<@relay.example>", false, NULL},
    {"<@relay.example:>", false, NULL},
    {"<a@b\r\n>", false, NULL},
    {"<a@b, c@d>", false, NULL},
};

static void
test_path_table(void)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(path_cases); i++) {
		const struct path_case *c = &path_cases[i];
		GError *e = NULL;
		struct addr *a = NULL;
		bool ok = addr_parse_path(c->in, strlen(c->in), &a, &e);

		if (ok != c->ok)
			g_test_message("case %zu: %s", i, c->in);
		g_assert_cmpint(ok, ==, c->ok);
		if (!ok) {
			g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
			g_assert_null(a);
			g_clear_error(&e);
			continue;
		}
		g_assert_no_error(e);
		if (c->canonical == NULL)
			g_assert_null(a);
		else
			g_assert_cmpstr(addr_canonical(a), ==, c->canonical);
		addr_free(a);
	}
}

static void
test_format(void)
{
	struct addr *a = addr_new(HONG, "Gil@Example.ORG", NULL);
	struct addr *b = NULL;
	char *s;

	g_assert_nonnull(a);
	s = addr_format(a);
	g_assert_true(g_str_has_prefix(s, "=?UTF-8?b?") ||
	    g_str_has_prefix(s, "=?UTF-8?B?"));
	g_assert_true(g_str_has_suffix(s, "?= <gil@example.org>"));
	for (const char *p = s; *p != '\0'; p++)
		g_assert_true((unsigned char)*p >= 0x20 && *p < 0x7f);
	/* What we write, we read back the same. */
	g_assert_true(addr_parse(s, strlen(s), &b, NULL));
	g_assert_cmpstr(addr_display_name(b), ==, HONG);
	g_assert_cmpstr(addr_canonical(b), ==, "gil@example.org");
	g_free(s);
	addr_free(a);
	addr_free(b);
	a = addr_new("Kim, Gil", "kim@example.org", NULL);
	s = addr_format(a);
	g_assert_cmpstr(s, ==, "\"Kim, Gil\" <kim@example.org>");
	g_free(s);
	addr_free(a);
	a = addr_new(NULL, "kim@example.org", NULL);
	s = addr_format(a);
	g_assert_cmpstr(s, ==, "kim@example.org");
	g_free(s);
	addr_free(a);
}

struct new_case {
	const char *name;
	const char *address;
	const char *canonical; /* NULL: must fail */
};

static const struct new_case new_cases[] = {
    {HONG, "Gil@Example.ORG", "gil@example.org"},
    {NULL, "a@b", "a@b"},
    {"", "a@b", "a@b"},
    {"Tab\tName", "a@b", "a@b"},
    {"x", "Name <a@b>", NULL},
    {"x", "<a@b>", NULL},
    {"x", "a@b (comment)", NULL},
    {"a\r\nBcc: v@x.org", "a@b", NULL},
    {"\xff\xfe", "a@b", NULL},
    {NULL, "a b@c", NULL},
    {NULL, "a@b, c@d", NULL},
    {NULL, "", NULL},
    {NULL, NULL, NULL},
};

static void
test_new_table(void)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(new_cases); i++) {
		const struct new_case *c = &new_cases[i];
		GError *e = NULL;
		struct addr *a = addr_new(c->name, c->address, &e);

		if (c->canonical == NULL) {
			g_assert_null(a);
			g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
			g_clear_error(&e);
			continue;
		}
		g_assert_no_error(e);
		g_assert_nonnull(a);
		g_assert_cmpstr(addr_canonical(a), ==, c->canonical);
		addr_free(a);
	}
}

static void
test_new_names(void)
{
	struct addr *a = addr_new("", "a@b", NULL);

	g_assert_null(addr_display_name(a));
	addr_free(a);
	a = addr_new("Tab\tName", "a@b", NULL);
	g_assert_cmpstr(addr_display_name(a), ==, "Tab Name");
	addr_free(a);
}

struct valid_case {
	const char *address;
	bool ok;
};

static const struct valid_case valid_cases[] = {
    {"a@b.c", true},
    {"Gil.Dong+moim@Example.ORG", true},
    {"user@\xeb\xaa\xa8\xec\x9e\x84.kr", true},
    {"user@\xeb\xaa\xa8\xec\x9e\x84", true},
    {"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd@b.c",
	true},
    {"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcde@b.c",
	false},
    {"a@b", false},
    {"a@localhost", false},
    {"\"john doe\"@example.org", false},
    {"<a@b.c>", false},
    {"Name <a@b.c>", false},
    {"a@b.c ", false},
    {" a@b.c", false},
    {"a@b.c\n", false},
    {"a@-b.c", false},
    {"a@b..c", false},
    {"a@", false},
    {"@b.c", false},
    {"", false},
    {NULL, false},
};

static void
test_valid_mailbox(void)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(valid_cases); i++) {
		bool ok = addr_is_valid_mailbox(valid_cases[i].address);

		if (ok != valid_cases[i].ok)
			g_test_message(
			    "case %zu: %s", i, valid_cases[i].address);
		g_assert_cmpint(ok, ==, valid_cases[i].ok);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/addr/parse/table", test_parse_table);
	g_test_add_func("/addr/parse/parts", test_parse_parts);
	g_test_add_func("/addr/parse/too-long", test_parse_too_long);
	g_test_add_func("/addr/list/table", test_list_table);
	g_test_add_func("/addr/list/names", test_list_names);
	g_test_add_func("/addr/list/limits", test_list_limits);
	g_test_add_func("/addr/path/table", test_path_table);
	g_test_add_func("/addr/format", test_format);
	g_test_add_func("/addr/new/table", test_new_table);
	g_test_add_func("/addr/new/names", test_new_names);
	g_test_add_func("/addr/valid-mailbox", test_valid_mailbox);
	return g_test_run();
}
