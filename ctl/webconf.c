/*
 * webconf - moimctl web-config: the nginx and Apache lines that put
 * moim-web behind TLS
 *
 * The lines follow [web] listen (where the web server passes requests
 * to) and [web] base_url (the public URL: its host names the server,
 * its path is where the pages are). The request target is passed on
 * unchanged (nginx: proxy_pass without a path; Apache: nocanon and
 * AllowEncodedSlashes NoDecode), because a Message-ID in a path may
 * hold an encoded "/" that a rewritten target loses; moim-web itself
 * drops the path of base_url in front. doc/web-setup.md shows
 * the output for the example configuration, and a test keeps the two
 * the same (tests/ctl/example_conf_test.sh) and runs nginx with it
 * (tests/e2e/web_proxy_test.sh).
 */
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "err.h"

/* The largest request body moim-web takes (web/web.h WEB_MAX_BODY). */
#define WEBCONF_MAX_BODY "16k"
#define WEBCONF_MAX_BODY_BYTES "16384"

/* plain_ok - whether s can stand unquoted in nginx and quoted in
 * Apache lines: no blanks, quotes, separators or variables */
static bool
plain_ok(const char *what, const char *s, GError **err)
{
	if (s[0] == '\0' || strpbrk(s, " \t\"'\\;{}$#") != NULL)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "%s \"%s\" cannot be written in nginx or Apache syntax",
		    what, s);
	return true;
}

struct webconf {
	char *server; /* host of base_url, or "_" without one */
	char *prefix; /* path of base_url, starting and ending with "/" */
	char *nginx_to; /* proxy_pass target */
	char *apache_to; /* ProxyPass target */
};

/* webconf_clear - free what webconf_make() made */
static void
webconf_clear(struct webconf *w)
{
	g_free(w->server);
	g_free(w->prefix);
	g_free(w->nginx_to);
	g_free(w->apache_to);
}

/* webconf_make - the pieces of the lines, from the configuration */
static bool
webconf_make(const struct moim_config *cfg, struct webconf *w, GError **err)
{
	g_autofree char *host = NULL, *path = NULL;
	int port = 0;

	if (!config_parse_endpoint(cfg->web_listen, &host, &port, &path, err))
		return false;
	if (path != NULL) {
		if (!plain_ok("[web] listen", path, err))
			return false;
		w->nginx_to = g_strdup_printf("http://unix:%s", path);
		w->apache_to =
		    g_strdup_printf("unix:%s|http://localhost", path);
	} else {
		const char *l = strchr(host, ':') != NULL ? "[" : "";
		const char *r = *l != '\0' ? "]" : "";

		if (!plain_ok("[web] listen", host, err))
			return false;
		w->nginx_to =
		    g_strdup_printf("http://%s%s%s:%d", l, host, r, port);
		w->apache_to = g_strdup(w->nginx_to);
	}
	if (cfg->base_url != NULL && cfg->base_url[0] != '\0') {
		g_autoptr(GUri) u =
		    g_uri_parse(cfg->base_url, G_URI_FLAGS_NONE, err);
		const char *p;

		if (u == NULL)
			return false;
		p = g_uri_get_path(u);
		w->server = g_strdup(g_uri_get_host(u));
		w->prefix = g_str_has_suffix(p, "/")
		    ? g_strdup(p)
		    : g_strconcat(p, "/", NULL);
		if (w->prefix[0] != '/') {
			char *t = g_strconcat("/", w->prefix, NULL);

			g_free(w->prefix);
			w->prefix = t;
		}
		if (w->server == NULL ||
		    !plain_ok("[web] base_url", w->server, err) ||
		    !plain_ok("[web] base_url", w->prefix, err))
			return false;
	} else {
		w->server = g_strdup("_");
		w->prefix = g_strdup("/");
	}
	return true;
}

/* print_nginx - the location block for the server block of base_url */
static void
print_nginx(GString *out, const struct webconf *w)
{
	g_string_append_printf(out,
	    "# ---- nginx ----\n"
	    "# In the server block that does TLS for %s\n"
	    "# (server_name %s;):\n"
	    "location %s {\n"
	    "    proxy_pass %s;\n"
	    "    proxy_http_version 1.1;\n"
	    "    proxy_set_header Connection \"\";\n"
	    "    proxy_set_header Host $host;\n"
	    "    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
	    "    proxy_set_header X-Forwarded-Proto $scheme;\n"
	    "    proxy_read_timeout 30s;\n"
	    "    client_max_body_size %s;\n"
	    "}\n",
	    w->server, w->server, w->prefix, w->nginx_to, WEBCONF_MAX_BODY);
}

/* print_apache - the lines for the VirtualHost of base_url */
static void
print_apache(GString *out, const struct webconf *w)
{
	g_string_append_printf(out,
	    "# ---- Apache ----\n"
	    "# In the <VirtualHost *:443> that does TLS for %s\n"
	    "# (a2enmod proxy proxy_http headers):\n"
	    "AllowEncodedSlashes NoDecode\n"
	    "ProxyPass \"%s\" \"%s%s\" nocanon timeout=30\n"
	    "RequestHeader set X-Forwarded-Proto \"https\"\n"
	    "<Location \"%s\">\n"
	    "    LimitRequestBody %s\n"
	    "</Location>\n",
	    w->server, w->prefix, w->apache_to, w->prefix, w->prefix,
	    WEBCONF_MAX_BODY_BYTES);
}

/* ctl_web_config - web-config: print the lines to paste */
int
ctl_web_config(struct ctl *c, struct ctl_args *a)
{
	g_autoptr(GString) out = g_string_new(NULL);
	struct webconf w = {0};
	GError *e = NULL;

	(void)a;
	if (!webconf_make(c->cfg, &w, &e)) {
		ctl_err("%s: %s: %s", c->verb, c->cfg->path, e->message);
		g_error_free(e);
		webconf_clear(&w);
		return CTL_USER;
	}
	g_string_append_printf(out,
	    "# Web server settings for moim-web, from %s.\n"
	    "# moim-web takes HTTP on %s ([web] listen); the web server\n"
	    "# in front of it does TLS and passes %s on, its paths as\n"
	    "# they came.\n",
	    c->cfg->path, c->cfg->web_listen, w.prefix);
	print_nginx(out, &w);
	print_apache(out, &w);
	fputs(out->str, stdout);
	webconf_clear(&w);
	return CTL_OK;
}
