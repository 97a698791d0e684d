/*
 * tpl - render message templates (templates/LANG/NAME.txt)
 */
#include "config.h"

#include <string.h>

#include "err.h"
#include "limits.h"
#include "tpl.h"

/* Longest variable name between "${" and "}". */
#define TPL_MAX_VAR 32

/* is_word - whether s is 1..max of lower-case letters (digits, '-') */
static bool
is_word(const char *s, size_t max, bool is_name)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++)
		if (!g_ascii_islower(s[n]) &&
		    !(is_name && (g_ascii_isdigit(s[n]) || s[n] == '-')))
			return false;
	return n > 0 && n <= max;
}

/* read_template - the text of DIR/LANG/NAME.txt; true with NULL if absent */
static bool
read_template(const char *dir, const char *lang, const char *name,
    char **text_out, GError **err)
{
	g_autofree char *file = g_strconcat(name, ".txt", NULL);
	g_autofree char *path = g_build_filename(dir, lang, file, NULL);
	GError *e = NULL;
	gsize len = 0;

	*text_out = NULL;
	if (!g_file_test(path, G_FILE_TEST_IS_REGULAR))
		return true;
	if (!g_file_get_contents(path, text_out, &len, &e)) {
		moim_fail(
		    err, MOIM_ERR_CONFIG, "template %s: %s", path, e->message);
		g_error_free(e);
		return false;
	}
	if (len > MOIM_MAX_TEMPLATE_OUTPUT || strlen(*text_out) != len ||
	    !g_utf8_validate(*text_out, len, NULL)) {
		g_clear_pointer(text_out, g_free);
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "template %s: too large, NUL or not UTF-8", path);
	}
	return true;
}

/* find_template - the text of NAME in lang, else en, else ko */
static bool
find_template(const char *dir, const char *lang, const char *name,
    char **text_out, GError **err)
{
	const char *langs[] = {lang, "en", "ko"};

	for (size_t i = 0; i < G_N_ELEMENTS(langs); i++) {
		if (!read_template(dir, langs[i], name, text_out, err))
			return false;
		if (*text_out != NULL)
			return true;
	}
	return moim_fail(
	    err, MOIM_ERR_CONFIG, "template %s not found in %s", name, dir);
}

/* split_template - the Subject value and the body of a template text */
static bool
split_template(const char *name, char *text, char **subject_out,
    char **body_out, GError **err)
{
	char *end = strstr(text, "\n\n");

	if (end == NULL || strchr(text, '\r') != NULL)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "template %s: no blank line after the header, or CR", name);
	*end = '\0';
	if (g_ascii_strncasecmp(text, "Subject:", 8) != 0 ||
	    strchr(text, '\n') != NULL)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "template %s: the header must be one Subject: line", name);
	*subject_out = text + 8;
	*body_out = end + 2;
	return true;
}

/* lookup - the value of the variable at p ("${name}"); sets *len_out */
static const char *
lookup(const char *tname, const char *p, GHashTable *vars, size_t *len_out,
    GError **err)
{
	const char *close = strchr(p + 2, '}');
	g_autofree char *var = NULL;
	const char *v;

	if (close == NULL || close - (p + 2) > TPL_MAX_VAR) {
		moim_fail(err, MOIM_ERR_CONFIG, "template %s: unterminated ${",
		    tname);
		return NULL;
	}
	var = g_strndup(p + 2, close - (p + 2));
	v = vars != NULL ? g_hash_table_lookup(vars, var) : NULL;
	if (v == NULL) {
		moim_fail(err, MOIM_ERR_CONFIG,
		    "template %s: unknown variable %s", tname, var);
		return NULL;
	}
	if (!g_utf8_validate(v, -1, NULL)) {
		moim_fail(err, MOIM_ERR_INPUT, "template %s: %s is not UTF-8",
		    tname, var);
		return NULL;
	}
	*len_out = close + 1 - p;
	return v;
}

/* expand_dollar - append what "$..." at p stands for; next p or NULL */
static const char *
expand_dollar(const char *tname, const char *p, GHashTable *vars,
    bool is_subject, GString *out, GError **err)
{
	const char *v;
	size_t len = 0;

	if (p[1] == '$') {
		g_string_append_c(out, '$');
		return p + 2;
	}
	if (p[1] != '{') {
		moim_fail(err, MOIM_ERR_CONFIG,
		    "template %s: a lone $ (write $$)", tname);
		return NULL;
	}
	if ((v = lookup(tname, p, vars, &len, err)) == NULL)
		return NULL;
	if (is_subject && strpbrk(v, "\r\n") != NULL) {
		moim_fail(err, MOIM_ERR_INPUT,
		    "template %s: CR or LF in a subject value", tname);
		return NULL;
	}
	g_string_append(out, v);
	return p + len;
}

/* expand - src with ${var} and $$ replaced, or NULL */
static char *
expand(const char *tname, const char *src, GHashTable *vars, bool is_subject,
    GError **err)
{
	GString *out = g_string_new(NULL);
	const char *p = src;

	while (p != NULL && *p != '\0') {
		if (*p != '$')
			g_string_append_c(out, *p++);
		else
			p = expand_dollar(tname, p, vars, is_subject, out, err);
		if (p != NULL && out->len > MOIM_MAX_TEMPLATE_OUTPUT) {
			moim_fail(err, MOIM_ERR_CONFIG,
			    "template %s: output over %d bytes", tname,
			    MOIM_MAX_TEMPLATE_OUTPUT);
			p = NULL;
		}
	}
	if (p == NULL) {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}

/* tpl_render - render template name in lang with vars */
bool
tpl_render(const char *dir, const char *lang, const char *name,
    GHashTable *vars, char **subject_out, char **body_out, GError **err)
{
	g_autofree char *text = NULL;
	g_autofree char *subject = NULL;
	char *subj_src = NULL, *body_src = NULL, *body = NULL;

	if (dir == NULL || name == NULL || !is_word(name, 64, true))
		return moim_fail(err, MOIM_ERR_INPUT, "bad template name");
	if (lang == NULL || !is_word(lang, 8, false))
		return moim_fail(err, MOIM_ERR_INPUT, "bad template language");
	if (!find_template(dir, lang, name, &text, err) ||
	    !split_template(name, text, &subj_src, &body_src, err))
		return false;
	subject = expand(name, subj_src, vars, true, err);
	if (subject == NULL)
		return false;
	body = expand(name, body_src, vars, false, err);
	if (body == NULL)
		return false;
	if (strlen(subject) + strlen(body) > MOIM_MAX_TEMPLATE_OUTPUT) {
		g_free(body);
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "template %s: output over %d bytes", name,
		    MOIM_MAX_TEMPLATE_OUTPUT);
	}
	*subject_out = g_strdup(g_strstrip(subject));
	*body_out = body;
	return true;
}

/* Every template moim renders; "moimctl check" and the tests use it. */
static const char *const names[] = {"already-member", "bounce-disabled",
    "bounce-policy", "bounce-probe", "confirm-command", "confirm-subscribe",
    "confirm-unsubscribe", "digest", "event-cancel", "event-held",
    "event-invite", "event-reminder", "event-update", "footer", "goodbye",
    "help", "job-failed", "mod-request", "not-member", "post-confirm",
    "post-expired", "post-held", "post-refused", "post-rejected", "reenabled",
    "results", "rsvp-admitted", "rsvp-confirm", "rsvp-held", "rsvp-promoted",
    "rsvp-report", "welcome", "rsvp-held-other", "rsvp-stranger", "signin",
    "footer-web", "event-links", "topics", NULL};

/* tpl_names - the templates moim renders, NULL-terminated */
const char *const *
tpl_names(void)
{
	return names;
}
