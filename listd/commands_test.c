/*
 * commands_test - table tests for the email command reader
 */
#include <string.h>

#include "commands.h"

struct want {
	enum cmd_verb verb;
	const char *arg, *arg2;
	bool bad;
};

static const struct {
	const char *subject, *body;
	size_t n;
	struct want w[3];
} cases[] = {
    {"subscribe", "", 1, {{CMD_SUBSCRIBE, NULL, NULL, false}}},
    {"Re: 구독", "", 1, {{CMD_SUBSCRIBE, NULL, NULL, false}}},
    {"답장: 탈퇴", NULL, 1, {{CMD_UNSUBSCRIBE, NULL, NULL, false}}},
    {"please add me", "subscribe\n", 1, {{CMD_SUBSCRIBE, NULL, NULL, false}}},
    {"", "  HELP  \n\n-- \nsubscribe\n", 1, {{CMD_HELP, NULL, NULL, false}}},
    {"", "confirm abc123\n", 1, {{CMD_CONFIRM, "abc123", NULL, false}}},
    {"", "confirm\n", 1, {{CMD_CONFIRM, NULL, NULL, true}}},
    {"", "digest on\nnomail off\n", 2,
	{{CMD_DIGEST, "on", NULL, false}, {CMD_NOMAIL, "off", NULL, false}}},
    {"", "digest maybe\n", 1, {{CMD_DIGEST, "maybe", NULL, true}}},
    {"", "rsvp 12 yes +2\n", 1, {{CMD_RSVP, "12", "yes", false}}},
    {"", "rsvp 12 perhaps\n", 1, {{CMD_RSVP, "12", NULL, true}}},
    {"", "참석 12\n", 1, {{CMD_RSVP, "12", "yes", false}}},
    {"", "불참 12\n", 1, {{CMD_RSVP, "12", "no", false}}},
    {"", "미정 7 +1\n", 1, {{CMD_RSVP, "7", "maybe", false}}},
    {"", "> subscribe\nOn Tue, Jan 1, 2026, Kim wrote:\n> help\n", 0, {}},
    {"", "hello there\nsubscribe\n", 2,
	{{CMD_UNKNOWN, NULL, NULL, false}, {CMD_SUBSCRIBE, NULL, NULL, false}}},
    {"subscribe", "subscribe\n", 1, {{CMD_SUBSCRIBE, NULL, NULL, false}}},
    {"", "subscribe someone@else.org\n", 1,
	{{CMD_SUBSCRIBE, NULL, NULL, true}}},
    {"", "help\nend\nunsubscribe\n", 1, {{CMD_HELP, NULL, NULL, false}}},
    {"", "2026년 12월 16일 (수) 오후 2시, 홍길동님이 작성:\n> 구독\n", 0, {}},
    {"", "-----Original Message-----\nsubscribe\n", 0, {}},
    {"", "events\n", 1, {{CMD_EVENTS, NULL, NULL, false}}},
    {"", "rsvp 3@2026-12-23 no\nrsvp 3@2026-12-30 no\n", 2,
	{{CMD_RSVP, "3", "no", false}, {CMD_RSVP, "3", "no", false}}},
    {"", "a\nb\nc\nd\ne\nsubscribe\n", 5, {{CMD_UNKNOWN, NULL, NULL, false}}},
    /* topics (issue 15) */
    {"topics", "", 1, {{CMD_TOPICS, NULL, NULL, false}}},
    {"Re: 주제", "", 1, {{CMD_TOPICS, NULL, NULL, false}}},
    {"", "mute 구인\n", 1, {{CMD_MUTE, "구인", NULL, false}}},
    {"", "끄기 #구인\n", 1, {{CMD_MUTE, "구인", NULL, false}}},
    {"", "follow 세미나\nfollow [질문]\n", 2,
	{{CMD_FOLLOW, "세미나", NULL, false},
	    {CMD_FOLLOW, "질문", NULL, false}}},
    {"", "받기 세미나\n받기 세미나\n", 1,
	{{CMD_FOLLOW, "세미나", NULL, false}}},
    {"", "mute\n", 1, {{CMD_MUTE, NULL, NULL, true}}},
    {"", "follow a b\n", 1, {{CMD_FOLLOW, "a", NULL, true}}},
    {"", "mute #\n", 1, {{CMD_MUTE, "", NULL, true}}},
    {"", "all\n", 1, {{CMD_ALL, NULL, NULL, false}}},
    {"전체", "", 1, {{CMD_ALL, NULL, NULL, false}}},
    {"", "all topics\n", 1, {{CMD_ALL, NULL, NULL, true}}},
    /* 끄기 is still "off" after digest */
    {"", "digest 끄기\n", 1, {{CMD_DIGEST, "끄기", NULL, false}}},
};

static void
test_table(void)
{
	size_t i, k;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		GPtrArray *a = cmd_parse(cases[i].subject, cases[i].body);

		g_test_message("case %zu", i);
		g_assert_cmpuint(a->len, ==, cases[i].n);
		for (k = 0; k < a->len && k < 3 && cases[i].w[k].verb; k++) {
			struct cmd *c = a->pdata[k];

			g_assert_cmpint(c->verb, ==, cases[i].w[k].verb);
			g_assert_cmpstr(c->arg, ==, cases[i].w[k].arg);
			g_assert_cmpstr(c->arg2, ==, cases[i].w[k].arg2);
			g_assert_cmpint(c->bad_args, ==, cases[i].w[k].bad);
		}
		g_ptr_array_unref(a);
	}
}

/* test_session_date - rsvp EVENT@YYYY-MM-DD names one session */
static void
test_session_date(void)
{
	static const struct {
		const char *line;
		const char *arg;
		int y, m, d;
		bool bad;
	} dates[] = {
	    {"rsvp 12@2026-12-23 no", "12", 2026, 12, 23, false},
	    {"참석 12@2027-01-06", "12", 2027, 1, 6, false},
	    {"rsvp 12 yes", "12", 0, 0, 0, false},
	    {"rsvp 12@2026-02-30 yes", "12", 0, 0, 0, true},
	    {"rsvp 12@2026-12-2 yes", "12", 0, 0, 0, true},
	    {"rsvp 12@20261223 yes", "12", 0, 0, 0, true},
	    {"rsvp 12@2026-12-23x yes", "12", 0, 0, 0, true},
	    {"rsvp 12@+026-12-23 yes", "12", 0, 0, 0, true},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(dates); i++) {
		GPtrArray *a = cmd_parse(NULL, dates[i].line);
		const struct cmd *c = a->pdata[0];

		g_test_message("case %s", dates[i].line);
		g_assert_cmpuint(a->len, ==, 1);
		g_assert_cmpint(c->verb, ==, CMD_RSVP);
		g_assert_cmpint(c->bad_args, ==, dates[i].bad);
		g_assert_cmpstr(c->arg, ==, dates[i].arg);
		g_assert_cmpint(c->year, ==, dates[i].y);
		g_assert_cmpint(c->month, ==, dates[i].m);
		g_assert_cmpint(c->day, ==, dates[i].d);
		g_ptr_array_unref(a);
	}
}

static void
test_guests(void)
{
	GPtrArray *a = cmd_parse(NULL, "rsvp 3 yes +4");

	g_assert_cmpuint(a->len, ==, 1);
	g_assert_cmpint(((struct cmd *)a->pdata[0])->guests, ==, 4);
	g_ptr_array_unref(a);
}

static void
test_long_line(void)
{
	char *l = g_strnfill(5000, 'x');
	GPtrArray *a = cmd_parse(l, l);

	g_assert_cmpuint(a->len, ==, 1);
	g_assert_cmpint(((struct cmd *)a->pdata[0])->verb, ==, CMD_UNKNOWN);
	g_assert_cmpuint(strlen(((struct cmd *)a->pdata[0])->line), <=, 200);
	g_ptr_array_unref(a);
	g_free(l);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/commands/table", test_table);
	g_test_add_func("/commands/guests", test_guests);
	g_test_add_func("/commands/session_date", test_session_date);
	g_test_add_func("/commands/long-line", test_long_line);
	return g_test_run();
}
