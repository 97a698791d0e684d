/*
 * tpl_test - unit tests of the tpl module
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "err.h"
#include "limits.h"
#include "tpl.h"

/* templates_dir - $top_srcdir/templates, or NULL (test skipped) */
static char *
templates_dir(void)
{
	const char *top = g_getenv("top_srcdir");
	char *d = g_build_filename(top != NULL ? top : ".", "templates", NULL);

	if (!g_file_test(d, G_FILE_TEST_IS_DIR)) {
		g_free(d);
		g_test_skip("no templates directory (set top_srcdir)");
		return NULL;
	}
	return d;
}

/* all_vars - every variable a template may use, with sample values */
static GHashTable *
all_vars(void)
{
	GHashTable *v = g_hash_table_new(g_str_hash, g_str_equal);

	g_hash_table_insert(v, "list_name", "AI 스터디");
	g_hash_table_insert(v, "list_address", "ai@lists.example.org");
	g_hash_table_insert(
	    v, "request_address", "ai-request@lists.example.org");
	g_hash_table_insert(v, "owner_address", "ai-owner@lists.example.org");
	g_hash_table_insert(v, "address", "hong@example.org");
	g_hash_table_insert(
	    v, "confirm_address", "ai-confirm+TOKEN123@lists.example.org");
	g_hash_table_insert(v, "token", "TOKEN123");
	g_hash_table_insert(v, "command", "subscribe");
	g_hash_table_insert(
	    v, "results", "> subscribe\n확인 메일을 보냈습니다.");
	g_hash_table_insert(v, "reason", "구독자가 아닌 주소");
	g_hash_table_insert(v, "sender", "kim@example.org");
	g_hash_table_insert(v, "subject", "세미나 안내");
	g_hash_table_insert(v, "id", "42");
	g_hash_table_insert(v, "hold_days", "14");
	g_hash_table_insert(v, "member", "park@example.org");
	g_hash_table_insert(v, "attendee", "lee@example.org");
	g_hash_table_insert(v, "event", "제1회 공개기술포럼");
	g_hash_table_insert(v, "when", "2026-12-16 14:00-17:00 (Asia/Seoul)");
	g_hash_table_insert(v, "where", "4층 시청각실");
	g_hash_table_insert(v, "rsvp_address", "ai-rsvp+3@lists.example.org");
	g_hash_table_insert(v, "status", "참석으로 등록되었습니다 (1명).");
	g_hash_table_insert(v, "line", "2");
	g_hash_table_insert(v, "position", "2번째 줄");
	g_hash_table_insert(v, "issue", "3");
	g_hash_table_insert(v, "signin_url",
	    "https://lists.example.org/signin/abcdefghijklmnopqrstuvwxyz234567");
	g_hash_table_insert(v, "minutes", "30");
	g_hash_table_insert(v, "report",
	    "  attending   2  a@example.net (김철수)\n  waitlist    1  b@example.net\n");
	g_hash_table_insert(v, "organizer", "김조직");
	g_hash_table_insert(v, "about", "LLM 논문 함께 읽기\n준비물: 노트북");
	g_hash_table_insert(v, "sessions",
	    "\n회차별 응답:\n  2026-12-23 (수) 19:30  참석 2/20명, 대기 0명,"
	    " 불참 1명\n  2026-12-30 (수) 19:30  휴강\n");
	g_hash_table_insert(v, "going", "2");
	g_hash_table_insert(v, "waiting", "1");
	g_hash_table_insert(v, "capacity", "2");
	g_hash_table_insert(v, "count", "2");
	g_hash_table_insert(v, "date", "2026-12-16");
	g_hash_table_insert(v, "web_footer", "");
	g_hash_table_insert(v, "web_links", "");
	g_hash_table_insert(
	    v, "list_url", "https://l.example.org/ai@lists.example.org/");
	g_hash_table_insert(
	    v, "rsvp_yes", "https://l.example.org/r/3-T?answer=yes");
	g_hash_table_insert(
	    v, "rsvp_no", "https://l.example.org/r/3-T?answer=no");
	g_hash_table_insert(
	    v, "rsvp_maybe", "https://l.example.org/r/3-T?answer=maybe");
	g_hash_table_insert(
	    v, "event_url", "https://l.example.org/ai@lists.example.org/e/3/");
	g_hash_table_insert(v, "recipient", "ai@lists.example.org");
	g_hash_table_insert(v, "tries", "24");
	g_hash_table_insert(v, "message_id", "<a b@example.org>");
	g_hash_table_insert(v, "topics", "세미나 구인 질문");
	g_hash_table_insert(v, "followed", "세미나");
	g_hash_table_insert(v, "muted", "구인");
	g_hash_table_insert(v, "toc",
	    "  1. 세미나 안내 (김철수)\n  2. Re: 세미나 안내 (박영희)\n");
	return v;
}

/* test_real_templates - every template renders in ko and en */
static void
test_real_templates(void)
{
	g_autofree char *dir = templates_dir();
	GHashTable *vars;
	const char *langs[] = {"ko", "en"};

	if (dir == NULL)
		return;
	vars = all_vars();
	for (size_t l = 0; l < G_N_ELEMENTS(langs); l++) {
		for (size_t i = 0; tpl_names()[i] != NULL; i++) {
			g_autofree char *path = g_strdup_printf(
			    "%s/%s/%s.txt", dir, langs[l], tpl_names()[i]);
			char *subj = NULL, *body = NULL;
			GError *err = NULL;

			g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));
			g_assert_true(tpl_render(dir, langs[l], tpl_names()[i],
			    vars, &subj, &body, &err));
			g_assert_no_error(err);
			g_assert_cmpstr(subj, !=, "");
			g_assert_null(strchr(subj, '\n'));
			g_assert_null(strstr(body, "${"));
			g_assert_true(g_utf8_validate(body, -1, NULL));
			g_assert_true(g_str_has_suffix(body, "\n"));
			g_free(subj);
			g_free(body);
		}
	}
	g_hash_table_unref(vars);
}

struct content_case {
	const char *lang;
	const char *name;
	const char *subject;
	const char *in_body[3];
};

/* test_template_content - the texts say what each template is for */
static void
test_template_content(void)
{
	static const struct content_case cases[] = {
	    {"ko", "confirm-subscribe", "[AI 스터디] 구독 확인 요청",
		{"ai-confirm+TOKEN123@lists.example.org", "confirm TOKEN123",
		    "hong@example.org"}},
	    {"en", "confirm-unsubscribe",
		"[AI 스터디] Please confirm leaving the list",
		{"ai-confirm+TOKEN123@lists.example.org", "confirm TOKEN123",
		    "ignore"}},
	    {"ko", "results", "[AI 스터디] 명령 처리 결과",
		{"> subscribe\n확인 메일을 보냈습니다.\n", NULL, NULL}},
	    {"ko", "help", "[AI 스터디] 명령 도움말",
		{"구독취소", "rsvp", "ai-request@lists.example.org"}},
	    {"en", "post-held", NULL, {"구독자가 아닌 주소", NULL, NULL}},
	    {"ko", "footer", "-",
		{"ai-request@lists.example.org", "구독취소",
		    "ai-owner@lists.example.org"}},
	    {"fr", "welcome", "[AI 스터디] Welcome", {"Welcome", NULL, NULL}},
	    {"en", "rsvp-held-other",
		"[AI 스터디] An answer for another address: 제1회 공개기술포럼",
		{"park@example.org", "lee@example.org",
		    "moimctl event promote 42 park@example.org"}},
	    {"ko", "rsvp-stranger",
		"[AI 스터디] ai-rsvp+3@lists.example.org로 보내신 응답",
		{"참석으로 등록되었습니다", NULL, NULL}},
	};
	g_autofree char *dir = templates_dir();
	GHashTable *vars;

	if (dir == NULL)
		return;
	vars = all_vars();
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *subj = NULL, *body = NULL;

		g_assert_true(tpl_render(dir, cases[i].lang, cases[i].name,
		    vars, &subj, &body, NULL));
		if (cases[i].subject != NULL)
			g_assert_cmpstr(subj, ==, cases[i].subject);
		for (int j = 0; j < 3 && cases[i].in_body[j] != NULL; j++)
			g_assert_nonnull(strstr(body, cases[i].in_body[j]));
	}
	g_hash_table_unref(vars);
}

/* write_file - write text to dir/rel, making directories */
static void
write_file(const char *dir, const char *rel, const char *text)
{
	g_autofree char *path = g_build_filename(dir, rel, NULL);
	g_autofree char *parent = g_path_get_dirname(path);

	g_assert_cmpint(g_mkdir_with_parents(parent, 0700), ==, 0);
	g_assert_true(g_file_set_contents(path, text, -1, NULL));
}

/* remove_tree - remove a temporary directory tree */
static void
remove_tree(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	if (d == NULL)
		return;
	while ((name = g_dir_read_name(d)) != NULL) {
		g_autofree char *p = g_build_filename(dir, name, NULL);

		if (g_file_test(p, G_FILE_TEST_IS_DIR))
			remove_tree(p);
		else
			g_assert_cmpint(g_unlink(p), ==, 0);
	}
	g_dir_close(d);
	g_assert_cmpint(g_rmdir(dir), ==, 0);
}

struct render_case {
	const char *lang;
	const char *name;
	const char *value; /* of ${v} */
	int code; /* -1: success */
	const char *want; /* subject|body on success, else in the message */
};

/* test_render_cases - substitution, fallback and every refusal */
static void
test_render_cases(void)
{
	static const struct render_case cases[] = {
	    {"en", "plain", "x", -1, "S x|b x $5 $${v}\n"},
	    {"ko", "plain", "x", -1, "S x|b x $5 $${v}\n"}, /* ko -> en */
	    {"en", "only-ko", "x", -1, "K|ko\n"}, /* en -> ko */
	    {"en", "plain", "a\nb", MOIM_ERR_INPUT, "CR or LF"},
	    {"en", "plain", "a\rb", MOIM_ERR_INPUT, "CR or LF"},
	    {"en", "body-only", "a\nb", -1, "S|a\nb\n"},
	    {"en", "unknown", "x", MOIM_ERR_CONFIG, "unknown variable nope"},
	    {"en", "unknown", "x", MOIM_ERR_CONFIG, "template unknown"},
	    {"en", "lone", "x", MOIM_ERR_CONFIG, "lone $"},
	    {"en", "open", "x", MOIM_ERR_CONFIG, "unterminated"},
	    {"en", "no-blank", "x", MOIM_ERR_CONFIG, "blank line"},
	    {"en", "not-subject", "x", MOIM_ERR_CONFIG, "Subject"},
	    {"en", "missing", "x", MOIM_ERR_CONFIG, "not found"},
	    {"en", "../en/plain", "x", MOIM_ERR_INPUT, "name"},
	    {"en", "Plain", "x", MOIM_ERR_INPUT, "name"},
	    {"en", "", "x", MOIM_ERR_INPUT, "name"},
	    {"../en", "plain", "x", MOIM_ERR_INPUT, "language"},
	    {"en", "plain", "\xff", MOIM_ERR_INPUT, "UTF-8"},
	};
	g_autofree char *dir = g_dir_make_tmp("tpl_test-XXXXXX", NULL);

	write_file(dir, "en/plain.txt",
	    "Subject: S ${v} \n\nb ${v} $$5 "
	    "$$$${v}\n");
	write_file(dir, "ko/only-ko.txt", "Subject: K\n\nko\n");
	write_file(dir, "en/body-only.txt", "Subject: S\n\n${v}\n");
	write_file(dir, "en/unknown.txt", "Subject: S\n\n${nope}\n");
	write_file(dir, "en/lone.txt", "Subject: S\n\ncosts $5\n");
	write_file(dir, "en/open.txt", "Subject: S\n\n${v\n");
	write_file(dir, "en/no-blank.txt", "Subject: S\nbody\n");
	write_file(dir, "en/not-subject.txt", "From: x\n\nbody\n");
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		GHashTable *vars = g_hash_table_new(g_str_hash, g_str_equal);
		char *subj = NULL, *body = NULL;
		GError *err = NULL;
		bool ok;

		g_hash_table_insert(vars, "v", (char *)cases[i].value);
		ok = tpl_render(dir, cases[i].lang, cases[i].name, vars, &subj,
		    &body, &err);
		if (cases[i].code < 0) {
			g_autofree char *got =
			    g_strdup_printf("%s|%s", subj, body);

			g_assert_no_error(err);
			g_assert_true(ok);
			g_assert_cmpstr(got, ==, cases[i].want);
		} else {
			g_assert_false(ok);
			g_assert_null(subj);
			g_assert_error(err, MOIM_ERROR, cases[i].code);
			g_assert_nonnull(strstr(err->message, cases[i].want));
			g_clear_error(&err);
		}
		g_free(subj);
		g_free(body);
		g_hash_table_unref(vars);
	}
	remove_tree(dir);
}

/* test_output_limit - output over MOIM_MAX_TEMPLATE_OUTPUT is refused */
static void
test_output_limit(void)
{
	g_autofree char *dir = g_dir_make_tmp("tpl_test-XXXXXX", NULL);
	g_autofree char *big = g_strnfill(MOIM_MAX_TEMPLATE_OUTPUT / 2, 'a');
	GHashTable *vars = g_hash_table_new(g_str_hash, g_str_equal);
	char *subj = NULL, *body = NULL;
	GError *err = NULL;

	write_file(dir, "en/twice.txt", "Subject: S\n\n${v}${v}${v}\n");
	g_hash_table_insert(vars, "v", big);
	g_assert_false(
	    tpl_render(dir, "en", "twice", vars, &subj, &body, &err));
	g_assert_error(err, MOIM_ERROR, MOIM_ERR_CONFIG);
	g_clear_error(&err);
	g_hash_table_unref(vars);
	remove_tree(dir);
}

/* main - register and run the tests */
int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/tpl/real-templates", test_real_templates);
	g_test_add_func("/tpl/template-content", test_template_content);
	g_test_add_func("/tpl/render-cases", test_render_cases);
	g_test_add_func("/tpl/output-limit", test_output_limit);
	return g_test_run();
}
