/*
 * html_test - unit tests for moim-web's templates, escaping and the
 * pages every route answers (web/html.c)
 */
#include <string.h>

#include <glib/gstdio.h>

#include "err.h"
#include "web.h"

static void
test_esc(void)
{
	static const struct {
		const char *in, *want;
	} rows[] = {
	    {"plain", "plain"},
	    {"<a href=\"x\">&'", "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"},
	    {"세미나", "세미나"},
	    {"tab\tlf\ncr\r", "tab\tlf\ncr\r"},
	    {"nul\x01"
	     "bell\x07"
	     "esc\x1b"
	     "del\x7f",
		"nul\xEF\xBF\xBD"
		"bell\xEF\xBF\xBD"
		"esc\xEF\xBF\xBD"
		"del\xEF\xBF\xBD"},
	    {"c1\xC2\x85", "c1\xEF\xBF\xBD"},
	    {"bad\xFF"
	     "x",
		"bad\xEF\xBF\xBD"
		"x"},
	    {"cut\xEC\x84", "cut\xEF\xBF\xBD\xEF\xBF\xBD"},
	    {"", ""},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autoptr(GString) out = g_string_new(NULL);

		html_esc(out, rows[i].in);
		g_assert_cmpstr(out->str, ==, rows[i].want);
		g_assert_true(g_utf8_validate(out->str, -1, NULL));
	}
}

/* resp_clear - what web_resp_clear() (route.c) does, for this test */
static void
resp_clear(struct web_resp *r)
{
	if (r->body != NULL)
		g_string_free(r->body, TRUE);
	g_free(r->location);
	memset(r, 0, sizeof *r);
}

/* fixture: templates in a temporary directory */
struct fx {
	char *dir;
	struct moim_config *cfg;
	struct web w;
	struct web_req req;
	struct web_resp resp;
	struct web_ctx c;
};

static void
put(const char *dir, const char *lang, const char *name, const char *text)
{
	g_autofree char *d = g_build_filename(dir, lang, "web", NULL);
	g_autofree char *f = g_strconcat(d, "/", name, ".html", NULL);

	g_assert_cmpint(g_mkdir_with_parents(d, 0755), ==, 0);
	g_assert_true(g_file_set_contents(f, text, -1, NULL));
}

static void
fx_setup(struct fx *f, const char *base_url)
{
	g_autofree char *conf = NULL;
	GError *e = NULL;

	memset(f, 0, sizeof *f);
	f->dir = g_dir_make_tmp("html_test.XXXXXX", NULL);
	g_assert_nonnull(f->dir);
	for (int i = 0; i < 2; i++) {
		const char *l = i == 0 ? "ko" : "en";

		put(f->dir, l, "layout",
		    "<html lang=\"${lang}\"><title>${title}</title>"
		    "<link href=\"${base}style.css\">${body:html}</html>");
		put(f->dir, l, "error",
		    i == 0 ? "<h1>${title}</h1><p>${message}</p>${status}"
			     "<a href=\"${home}\">$$</a>"
			   : "<h1>${title}</h1><p>${message}</p>${status}"
			     "<a href=\"${home}\">home</a>");
	}
	put(f->dir, "en", "hello", "Hi ${name}, ${frag:html} $$5");
	conf = g_strdup_printf("[moim]\ndomains = lists.example.org\n"
			       "templates = %s\nlanguage = ko\n[web]\n"
			       "base_url = %s\n",
	    f->dir, base_url);
	f->cfg = config_load_data(conf, strlen(conf), "test", &e);
	g_assert_no_error(e);
	f->w.cfg = f->cfg;
	g_assert_true(web_templates_load(&f->w, &e));
	g_assert_no_error(e);
	f->req = (struct web_req){.method = WEB_GET, .path = "/", .query = ""};
	f->c = (struct web_ctx){.w = &f->w, .req = &f->req, .resp = &f->resp};
}

static void
fx_teardown(struct fx *f)
{
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", f->dir);

	resp_clear(&f->resp);
	g_hash_table_unref(f->w.templates);
	config_unref(f->cfg);
	g_assert_cmpint(system(cmd), ==, 0);
	g_free(f->dir);
}

static void
test_tpl(void)
{
	struct fx f;
	g_autoptr(GHashTable) vars = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GString) out = g_string_new(NULL);

	fx_setup(&f, "");
	g_hash_table_insert(vars, "name", "<b>&");
	g_hash_table_insert(vars, "frag", "<i>x</i>");
	/* "hello" exists only in en: ko falls back to it */
	g_assert_true(web_tpl(&f.c, "hello", vars, out));
	g_assert_cmpstr(out->str, ==, "Hi &lt;b&gt;&amp;, <i>x</i> $5");
	/* an unknown variable or template is an error, not a page */
	g_hash_table_remove(vars, "frag");
	g_string_truncate(out, 0);
	g_assert_false(web_tpl(&f.c, "hello", vars, out));
	g_assert_false(web_tpl(&f.c, "nosuch", vars, out));
	fx_teardown(&f);
}

static void
test_load_refuses(void)
{
	static const char *const bad[] = {
	    "a $ b",
	    "${}",
	    "${x",
	    "${x:raw}",
	    "${x-y}",
	    "$x",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		struct fx f;
		GError *e = NULL;

		fx_setup(&f, "");
		put(f.dir, "ko", "broken", bad[i]);
		g_assert_false(web_templates_load(&f.w, &e));
		g_assert_error(e, MOIM_ERROR, MOIM_ERR_CONFIG);
		g_assert_nonnull(strstr(e->message, "broken.html"));
		g_error_free(e);
		fx_teardown(&f);
	}
	/* a language without error.html */
	struct fx f;
	GError *e = NULL;
	g_autofree char *p = NULL;

	fx_setup(&f, "");
	p = g_build_filename(f.dir, "en", "web", "error.html", NULL);
	g_assert_cmpint(g_unlink(p), ==, 0);
	g_assert_false(web_templates_load(&f.w, &e));
	g_assert_nonnull(strstr(e->message, "error.html missing"));
	g_error_free(e);
	fx_teardown(&f);
}

static void
test_pages(void)
{
	struct fx f;
	struct store_list l = {.address = "a@lists.example.org"};

	fx_setup(&f, "https://l.example.org/x/");
	web_error(&f.c, 404);
	g_assert_cmpint(f.resp.status, ==, 404);
	g_assert_nonnull(strstr(f.resp.body->str, "<html lang=\"ko\">"));
	g_assert_nonnull(strstr(f.resp.body->str, "찾을 수 없음"));
	g_assert_nonnull(
	    strstr(f.resp.body->str, "href=\"https://l.example.org/x/\">$<"));
	g_assert_nonnull(strstr(
	    f.resp.body->str, "href=\"https://l.example.org/x/style.css\""));
	resp_clear(&f.resp);

	/* the list's language decides */
	l.set.language = "en";
	f.c.list = &l;
	web_error(&f.c, 405);
	g_assert_cmpint(f.resp.status, ==, 405);
	g_assert_nonnull(strstr(f.resp.body->str, "<html lang=\"en\">"));
	g_assert_nonnull(strstr(f.resp.body->str, "Method not allowed"));
	resp_clear(&f.resp);
	f.c.list = NULL;

	/* an unknown status is a 500 page with that status */
	web_error(&f.c, 418);
	g_assert_cmpint(f.resp.status, ==, 418);
	resp_clear(&f.resp);

	web_redirect(&f.c, 301, "a@b/");
	g_assert_cmpint(f.resp.status, ==, 301);
	g_assert_cmpstr(f.resp.location, ==, "https://l.example.org/x/a@b/");
	resp_clear(&f.resp);

	char *u = web_url(&f.c, "/u/T");
	g_assert_cmpstr(u, ==, "https://l.example.org/x/u/T");
	g_free(u);
	fx_teardown(&f);

	/* without base_url: paths from "/" */
	fx_setup(&f, "");
	u = web_url(&f.c, "a@b/");
	g_assert_cmpstr(u, ==, "/a@b/");
	g_free(u);
	g_autoptr(GString) body = g_string_new("<p>x</p>");
	web_page(&f.c, 200, "<t>", body);
	g_assert_cmpint(f.resp.status, ==, 200);
	g_assert_cmpstr(f.resp.body->str, ==,
	    "<html lang=\"ko\"><title>&lt;t&gt;</title><link "
	    "href=\"/style.css\"><p>x</p></html>");
	fx_teardown(&f);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/html/esc", test_esc);
	g_test_add_func("/html/tpl", test_tpl);
	g_test_add_func("/html/load_refuses", test_load_refuses);
	g_test_add_func("/html/pages", test_pages);
	return g_test_run();
}
