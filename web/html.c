/*
 * html.c - moim-web's templates, escaping, and the pages every route
 * can answer: errors, redirects (see web.h)
 *
 * Templates are templates/LANG/web/NAME.html under [moim] templates,
 * read once by web_templates_load() into w->templates ("LANG/NAME" ->
 * text), so that a request never touches the disk and a template error
 * (an unknown "$" form) stops the start instead of a page.
 *
 * web_page() borrows body_html: the caller still frees it.
 */
#include <string.h>

#include "err.h"
#include "log.h"
#include "weblink.h"
#include "web.h"

/* Template files are small; a larger one is a mistake. */
#define HTML_MAX_TEMPLATE (256 * 1024)

static const char *const langs[] = {"ko", "en"};

/* tpl_check - whether every "$" in t starts "$$" or "${name}" or
 * "${name:html}" with name in [a-z0-9_] */
static bool
tpl_check(const char *t, GError **err)
{
	for (const char *p = strchr(t, '$'); p != NULL; p = strchr(p, '$')) {
		const char *q;

		if (p[1] == '$') {
			p += 2;
			continue;
		}
		if (p[1] != '{')
			return moim_fail(err, MOIM_ERR_CONFIG, "bare '$'");
		q = p + 2;
		while (g_ascii_isalnum(*q) || *q == '_')
			q++;
		if (q == p + 2)
			return moim_fail(err, MOIM_ERR_CONFIG, "empty ${}");
		if (strncmp(q, ":html}", 6) == 0)
			q += 5;
		if (*q != '}')
			return moim_fail(err, MOIM_ERR_CONFIG, "unclosed ${");
		p = q + 1;
	}
	return true;
}

/* web_templates_load - read the web templates of each language;
 * layout and error must exist in every language */
bool
web_templates_load(struct web *w, GError **err)
{
	GHashTable *t =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

	for (size_t i = 0; i < G_N_ELEMENTS(langs); i++) {
		g_autofree char *dir =
		    g_build_filename(w->cfg->templates, langs[i], "web", NULL);
		GDir *d = g_dir_open(dir, 0, err);
		const char *name;

		if (d == NULL) {
			g_prefix_error(err, "templates: ");
			goto fail;
		}
		while ((name = g_dir_read_name(d)) != NULL) {
			g_autofree char *path = NULL, *text = NULL;
			size_t len;
			GError *e = NULL;

			if (!g_str_has_suffix(name, ".html"))
				continue;
			path = g_build_filename(dir, name, NULL);
			if (!g_file_get_contents(path, &text, &len, &e) ||
			    len > HTML_MAX_TEMPLATE ||
			    !g_utf8_validate(text, (gssize)len, NULL) ||
			    strlen(text) != len || !tpl_check(text, &e)) {
				moim_fail(err, MOIM_ERR_CONFIG,
				    "template %s: %s", path,
				    e != NULL ? e->message
					      : "too large or not UTF-8");
				g_clear_error(&e);
				g_dir_close(d);
				goto fail;
			}
			g_hash_table_insert(t,
			    g_strdup_printf("%s/%.*s", langs[i],
				(int)(strlen(name) - 5), name),
			    g_steal_pointer(&text));
		}
		g_dir_close(d);
		for (size_t j = 0; j < 2; j++) {
			const char *need = j == 0 ? "layout" : "error";
			g_autofree char *key =
			    g_strdup_printf("%s/%s", langs[i], need);

			if (!g_hash_table_contains(t, key)) {
				moim_fail(err, MOIM_ERR_CONFIG,
				    "template %s/%s.html missing", dir, need);
				goto fail;
			}
		}
	}
	if (w->templates != NULL)
		g_hash_table_unref(w->templates);
	w->templates = t;
	return true;
fail:
	g_hash_table_unref(t);
	return false;
}

/* html_esc - append text HTML-escaped; invalid UTF-8 and control
 * characters (but tab, LF and CR) become U+FFFD. Runs of characters
 * that need nothing are appended at once: a page is mostly such runs. */
void
html_esc(GString *out, const char *text)
{
	const char *p = text, *run = text;

	if (text == NULL)
		return;
	while (*p) {
		unsigned char b = (unsigned char)*p;
		const char *rep = NULL;
		gunichar c;

		if (b >= 0x20 && b < 0x7f && b != '&' && b != '<' && b != '>' &&
		    b != '"' && b != '\'') {
			p++;
			continue;
		}
		if (b == '\t' || b == '\n' || b == '\r') {
			p++;
			continue;
		}
		if (b >= 0x80) {
			c = g_utf8_get_char_validated(p, -1);
			if (c != (gunichar)-1 && c != (gunichar)-2 &&
			    !(c >= 0x80 && c <= 0x9f)) {
				p = g_utf8_next_char(p);
				continue;
			}
		}
		g_string_append_len(out, run, p - run);
		switch (b) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			rep = "\xEF\xBF\xBD";
			break;
		}
		g_string_append(out, rep);
		/* A C1 control is two bytes; a bad byte or other control is
		 * one. */
		if (b >= 0x80 &&
		    (c = g_utf8_get_char_validated(p, -1)) != (gunichar)-1 &&
		    c != (gunichar)-2)
			p = g_utf8_next_char(p);
		else
			p++;
		run = p;
	}
	g_string_append_len(out, run, p - run);
}

/* web_lang - the language of the page: the list's, else [moim] language */
const char *
web_lang(struct web_ctx *c)
{
	const char *l = NULL;

	if (c->list != NULL)
		l = c->list->set.language;
	if (l == NULL || (strcmp(l, "ko") != 0 && strcmp(l, "en") != 0))
		l = c->w->cfg->language;
	if (l == NULL || (strcmp(l, "ko") != 0 && strcmp(l, "en") != 0))
		l = "ko";
	return l;
}

/* tpl_find - a template in the page's language, else in en, else ko */
static const char *
tpl_find(struct web_ctx *c, const char *name)
{
	const char *order[] = {web_lang(c), "en", "ko"};

	if (c->w->templates == NULL)
		return NULL;
	for (size_t i = 0; i < G_N_ELEMENTS(order); i++) {
		g_autofree char *key = g_strdup_printf("%s/%s", order[i], name);
		const char *t = g_hash_table_lookup(c->w->templates, key);

		if (t != NULL)
			return t;
	}
	return NULL;
}

/* web_tpl - render template name with vars into out; false (logged)
 * for a missing template or variable */
bool
web_tpl(struct web_ctx *c, const char *name, GHashTable *vars, GString *out)
{
	const char *t = tpl_find(c, name), *p;

	if (t == NULL) {
		log_error("web: no template %s", name);
		return false;
	}
	while ((p = strchr(t, '$')) != NULL) {
		const char *q;
		g_autofree char *var = NULL;
		const char *val;
		bool raw = false;

		g_string_append_len(out, t, p - t);
		if (p[1] == '$') {
			g_string_append_c(out, '$');
			t = p + 2;
			continue;
		}
		/* tpl_check() made sure of "${name}" or "${name:html}". */
		q = p + 2;
		while (g_ascii_isalnum(*q) || *q == '_')
			q++;
		var = g_strndup(p + 2, (gsize)(q - p - 2));
		if (*q == ':') {
			raw = true;
			q += 5;
		}
		val = vars != NULL ? g_hash_table_lookup(vars, var) : NULL;
		if (val == NULL) {
			log_error(
			    "web: template %s: no value for ${%s}", name, var);
			return false;
		}
		if (raw)
			g_string_append(out, val);
		else
			html_esc(out, val);
		t = q + 1;
	}
	g_string_append(out, t);
	return true;
}

/* resp_set_body - replace resp's body */
static void
resp_set_body(struct web_resp *r, GString *body)
{
	if (r->body != NULL)
		g_string_free(r->body, TRUE);
	r->body = body;
}

/* web_page - answer status with body_html inside layout.html */
void
web_page(struct web_ctx *c, int status, const char *title, GString *body_html)
{
	g_autoptr(GHashTable) vars = g_hash_table_new(g_str_hash, g_str_equal);
	g_autofree char *base = web_url(c, "");
	GString *out = g_string_sized_new(body_html->len + 1024);

	g_hash_table_insert(vars, "lang", (char *)web_lang(c));
	g_hash_table_insert(vars, "title", (char *)title);
	g_hash_table_insert(vars, "body", body_html->str);
	g_hash_table_insert(vars, "base", base);
	if (!web_tpl(c, "layout", vars, out)) {
		/* Only a broken template gets here; answer something plain. */
		g_string_assign(out, "<!DOCTYPE html><title>500</title>");
		status = 500;
	}
	c->resp->status = status;
	c->resp->content_type = NULL;
	resp_set_body(c->resp, out);
}

struct errtext {
	int status;
	const char *ko_title, *ko_text, *en_title, *en_text;
};

static const struct errtext errtexts[] = {
    {400, "잘못된 요청", "주소나 양식이 올바르지 않습니다.", "Bad request",
	"The address or the form is not valid."},
    {403, "읽을 수 없음", "이 목록의 보관함은 회원만 볼 수 있습니다.",
	"Not allowed", "Only members can read this list's archive."},
    {404, "찾을 수 없음", "이 주소에는 페이지가 없습니다.", "Not found",
	"There is no page at this address."},
    {405, "허용되지 않는 방법", "이 주소는 그 요청 방법을 받지 않습니다.",
	"Method not allowed", "This address does not take that method."},
    {413, "요청이 너무 큼", "보낸 내용이 너무 큽니다.", "Request too large",
	"What was sent is too large."},
    {500, "서버 오류", "잠시 후 다시 해 보세요.", "Server error",
	"Please try again later."},
    {503, "잠시 사용할 수 없음", "잠시 후 다시 해 보세요.",
	"Service unavailable", "Please try again later."},
};

/* web_error - answer a short page for status in the page's language */
void
web_error(struct web_ctx *c, int status)
{
	const struct errtext *e = &errtexts[5]; /* 500 */
	g_autoptr(GHashTable) vars = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GString) body = g_string_new(NULL);
	g_autofree char *code = g_strdup_printf("%d", status);
	g_autofree char *home = web_url(c, "");
	bool ko = strcmp(web_lang(c), "ko") == 0;

	for (size_t i = 0; i < G_N_ELEMENTS(errtexts); i++)
		if (errtexts[i].status == status)
			e = &errtexts[i];
	g_hash_table_insert(vars, "status", code);
	g_hash_table_insert(vars, "home", home);
	g_hash_table_insert(
	    vars, "title", (char *)(ko ? e->ko_title : e->en_title));
	g_hash_table_insert(
	    vars, "message", (char *)(ko ? e->ko_text : e->en_text));
	if (!web_tpl(c, "error", vars, body))
		g_string_assign(body, "<p>error</p>");
	web_page(c, status, ko ? e->ko_title : e->en_title, body);
}

/* web_redirect - answer status (301, 303) pointing at path under base */
void
web_redirect(struct web_ctx *c, int status, const char *path)
{
	g_autoptr(GString) body = g_string_new("<p><a href=\"");
	char *url = web_url(c, path);

	html_esc(body, url);
	g_string_append(body, "\">");
	html_esc(body, url);
	g_string_append(body, "</a></p>");
	web_page(c, status, "→", body);
	g_free(c->resp->location);
	c->resp->location = url;
}

/* web_url - [web] base_url joined with path, or path from "/" */
char *
web_url(struct web_ctx *c, const char *path)
{
	char *u = weblink_path(c->w->cfg->base_url, path);

	if (u != NULL)
		return u;
	while (*path == '/')
		path++;
	return g_strconcat("/", path, NULL);
}
