/*
 * check - moimctl check: config, database, secret, templates, lists,
 * signing keys
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "ctl.h"
#include "db.h"
#include "rcpt.h"
#include "err.h"
#include "privs.h"
#include "signkey.h"
#include "tpl.h"

/* The template languages and the files each must have: keep in step with
 * templates/templates.am, which installs them, and what listd renders. */
static const char *const template_langs[] = {"ko", "en"};

/* report - print "ok ..." or "FAIL ..." and return ok */
static bool G_GNUC_PRINTF(2, 3) report(bool ok, const char *fmt, ...)
{
	va_list ap;

	fputs(ok ? "ok " : "FAIL ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return ok;
}

/* check_secret - the HMAC key: 0600 regular file, or creatable */
static bool
check_secret(const char *path)
{
	g_autofree char *dir = g_path_get_dirname(path);
	struct stat st;

	if (stat(path, &st) != 0 && errno == ENOENT)
		return g_file_test(dir, G_FILE_TEST_IS_DIR)
		    ? report(
			  true, "secret %s absent; will be created 0600", path)
		    : report(
			  false, "secret %s: directory %s missing", path, dir);
	if (stat(path, &st) != 0)
		return report(false, "secret %s: %s", path, g_strerror(errno));
	if (!S_ISREG(st.st_mode))
		return report(false, "secret %s: not a regular file", path);
	if ((st.st_mode & 077) != 0)
		return report(false, "secret %s has mode %04o, want 0600", path,
		    (unsigned)(st.st_mode & 07777));
	return report(true, "secret %s (mode %04o)", path,
	    (unsigned)(st.st_mode & 07777));
}

/* check_lang - one language directory of the templates */
static bool
check_lang(const char *base, const char *lang)
{
	g_autofree char *dir = g_build_filename(base, lang, NULL);
	g_autoptr(GString) missing = g_string_new(NULL);
	const char *const *names = tpl_names();

	if (!g_file_test(dir, G_FILE_TEST_IS_DIR))
		return report(false, "templates %s: missing directory", dir);
	for (size_t i = 0; names[i] != NULL; i++) {
		g_autofree char *p =
		    g_strdup_printf("%s/%s.txt", dir, names[i]);

		if (!g_file_test(p, G_FILE_TEST_IS_REGULAR))
			g_string_append_printf(missing, "%s%s.txt",
			    missing->len ? ", " : "", names[i]);
	}
	if (missing->len > 0)
		return report(
		    false, "templates %s: missing %s", dir, missing->str);
	return report(true, "templates %s", dir);
}

/* check_templates - the template directory has every language */
static bool
check_templates(const char *base)
{
	bool ok = true;

	if (!g_file_test(base, G_FILE_TEST_IS_DIR))
		return report(false, "templates %s: missing directory", base);
	for (size_t i = 0; i < G_N_ELEMENTS(template_langs); i++)
		ok = check_lang(base, template_langs[i]) && ok;
	return ok;
}

/* check_lists - each list's domain is a list domain of the config */
static bool
check_lists(struct ctl *c)
{
	GError *e = NULL;
	g_autoptr(GPtrArray) all = store_list_all(c->store, &e);
	bool ok = true;

	if (all == NULL) {
		report(false, "lists: %s", e->message);
		g_error_free(e);
		return false;
	}
	for (guint i = 0; i < all->len; i++) {
		const struct store_list *l = g_ptr_array_index(all, i);

		if (strlen(l->local) > rcpt_list_local_max(NULL))
			printf("WARN list %s: name longer than %zu "
			       "characters; its unsubscribe and bounce "
			       "addresses exceed %d and are refused by "
			       "MTAs\n",
			    l->address, rcpt_list_local_max(NULL),
			    MOIM_MAX_LOCALPART);
		if (config_is_list_domain(c->cfg, l->domain))
			report(true, "list %s", l->address);
		else
			ok = report(false,
			    "list %s: %s is not in [moim] domains "
			    "of %s",
			    l->address, l->domain, c->cfg->path);
	}
	return ok;
}

/* check_database - open (create, migrate) the database, keep it open */
static bool
check_database(struct ctl *c)
{
	g_autofree char *shown = NULL;
	GError *e = NULL;

	/* Check as the daemons see it, and create as they would. */
	if (!privs_drop(c->cfg->user, c->cfg->group, &e)) {
		report(false, "%s", e->message);
		g_error_free(e);
		return false;
	}
	c->store = store_open(c->cfg->database, STORE_RW, &e);
	if (c->store == NULL) {
		(void)privs_blame(
		    &e, "[moim] database", c->cfg->database, PRIVS_WRITE);
		report(false, "%s", e->message);
		g_error_free(e);
		return false;
	}
	shown = db_spec_shown(c->cfg->database);
	return report(true, "database %s (schema %d)", shown,
	    store_schema_version(c->store));
}

/* print_txt - the TXT record of key under selector for every list
 * domain, in zone-file form: strings of at most 255 characters */
static void
print_txt(const struct moim_config *cfg, const char *selector,
    const struct dkim_key *k)
{
	g_autofree char *txt = dkim_key_txt(k);
	g_autoptr(GString) quoted = g_string_new(NULL);
	size_t n = strlen(txt);

	for (size_t i = 0; i < n; i += 255)
		g_string_append_printf(quoted, "%s\"%.*s\"", i ? " " : "",
		    (int)MIN(255, n - i), txt + i);
	for (char **d = cfg->domains; d != NULL && *d != NULL; d++)
		printf("%s._domainkey.%s TXT %s\n", selector, *d, quoted->str);
}

/* check_keys - each signing key loads and is of the type its setting
 * takes; the DNS records to publish for it follow its line */
static bool
check_keys(const struct moim_config *cfg)
{
	struct signkey_spec s[SIGNKEY_MAX];
	size_t n = signkey_specs(cfg, s);
	bool ok = true;

	if (n == 0)
		return report(true,
		    "signing keys: none ([listd] arc_key, "
		    "dkim_key unset: no ARC, no DKIM)");
	for (size_t i = 0; i < n; i++) {
		GError *e = NULL;
		struct dkim_key *k = signkey_load(&s[i], &e);

		if (k == NULL) {
			(void)privs_blame(&e, s[i].what, s[i].path, PRIVS_READ);
			ok = report(false, "%s", e->message);
			g_error_free(e);
			continue;
		}
		report(true,
		    "%s %s: %s, %d bits, selector %s; publish:", s[i].what,
		    s[i].path,
		    dkim_key_alg(k) == DKIM_ALG_ED25519_SHA256 ? "Ed25519"
							       : "RSA",
		    dkim_key_bits(k), s[i].selector);
		print_txt(cfg, s[i].selector, k);
		dkim_key_free(k);
	}
	return ok;
}

/* ctl_check - check: one line per check, exit 1 if any failed */
int
ctl_check(struct ctl *c, struct ctl_args *a)
{
	bool ok = report(true, "config %s", c->cfg->path);

	if (c->cfg->domains == NULL || c->cfg->domains[0] == NULL)
		ok = report(false, "config %s: no list domains", c->cfg->path);
	if (check_database(c))
		ok = check_lists(c) && ok;
	else
		ok = false;
	ok = check_secret(c->cfg->secret_file) && ok;
	ok = check_templates(c->cfg->templates) && ok;
	ok = check_keys(c->cfg) && ok;
	return ok ? CTL_OK : CTL_USER;
}
