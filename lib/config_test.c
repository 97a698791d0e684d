/*
 * config_test - unit tests for the config module
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "limits.h"

/* load - load data as "moim.conf", asserting success */
static struct moim_config *
load(const char *data)
{
	GError *e = NULL;
	struct moim_config *c;

	c = config_load_data(data, strlen(data), "moim.conf", &e);
	g_assert_no_error(e);
	g_assert_nonnull(c);
	return c;
}

/* field_text - the value of group/key in c as text, ints in decimal */
static char *
field_text(const struct moim_config *c, const char *group, const char *key)
{
	const struct {
		const char *group, *key, *s;
		int n;
	} f[] = {
	    {"moim", "database", c->database, 0},
	    {"moim", "secret_file", c->secret_file, 0},
	    {"moim", "templates", c->templates, 0},
	    {"moim", "language", c->language, 0},
	    {"moim", "timezone", c->timezone, 0},
	    {"moim", "user", c->user, 0},
	    {"moim", "group", c->group, 0},
	    {"moim", "archive_url", c->archive_url, 0},
	    {"milter", "socket", c->milter_socket, 0},
	    {"milter", "socket_group", c->milter_socket_group, 0},
	    {"milter", "cache_ms", NULL, c->milter_cache_ms},
	    {"listd", "lmtp", c->lmtp, 0},
	    {"listd", "socket_group", c->listd_socket_group, 0},
	    {"listd", "relay", c->relay, 0},
	    {"listd", "hostname", c->hostname, 0},
	    {"listd", "dns_server", c->dns_server, 0},
	    {"listd", "connections", NULL, c->connections},
	    {"listd", "retry_max_age", NULL, c->retry_max_age},
	    {"listd", "worker_lease", NULL, c->worker_lease},
	    {"listd", "bounce_threshold", NULL, c->bounce_threshold},
	    {"listd", "dns_timeout", NULL, c->dns_timeout},
	    {"listd", "arc_selector", c->arc_selector, 0},
	    {"listd", "arc_key", c->arc_key, 0},
	    {"listd", "dkim_selector", c->dkim_selector, 0},
	    {"listd", "dkim_key", c->dkim_key, 0},
	    {"listd", "dkim_ed25519_selector", c->dkim_ed25519_selector, 0},
	    {"listd", "dkim_ed25519_key", c->dkim_ed25519_key, 0},
	    {"web", "listen", c->web_listen, 0},
	    {"web", "base_url", c->base_url, 0},
	    {"web", "threads", NULL, c->web_threads},
	    {"web", "socket_group", c->web_socket_group, 0},
	};

	if (strcmp(key, "domains") == 0)
		return g_strjoinv(";", c->domains);
	if (strcmp(key, "trusted_authserv_ids") == 0)
		return g_strjoinv(";", c->trusted_authserv_ids);
	for (size_t i = 0; i < G_N_ELEMENTS(f); i++)
		if (strcmp(f[i].group, group) == 0 &&
		    strcmp(f[i].key, key) == 0)
			return f[i].s != NULL ? g_strdup(f[i].s)
					      : g_strdup_printf("%d", f[i].n);
	g_assert_not_reached();
}

/* test_defaults - an empty file gives every default of the table */
static void
test_defaults(void)
{
	struct moim_config *c = load("");
	const struct config_key_info *k;
	g_autofree char *v = NULL;

	g_assert_cmpstr(c->path, ==, "");
	g_assert_nonnull(c->domains);
	g_assert_null(c->domains[0]);
	g_assert_cmpstr(
	    c->database, ==, MOIM_LOCALSTATEDIR "/lib/moim/moim.db");
	g_assert_cmpstr(c->secret_file, ==, MOIM_SYSCONFDIR "/moim/secret");
	g_assert_cmpstr(c->templates, ==, MOIM_DATADIR "/templates");
	g_assert_cmpstr(c->language, ==, "ko");
	g_assert_cmpstr(c->timezone, ==, "Asia/Seoul");
	g_assert_cmpstr(c->user, ==, "moim");
	g_assert_cmpstr(c->group, ==, "moim");
	g_assert_cmpstr(c->archive_url, ==, "");
	g_assert_cmpstr(c->milter_socket, ==, "unix:/run/moim/milter.sock");
	g_assert_cmpstr(c->lmtp, ==, "unix:/run/moim/lmtp.sock");
	g_assert_cmpstr(c->relay, ==, "127.0.0.1:10026");
	g_assert_cmpint(c->connections, ==, 4);
	g_assert_cmpstr(c->hostname, ==, g_get_host_name());
	g_assert_cmpint(c->retry_max_age, ==, 432000);
	g_assert_cmpint(c->worker_lease, ==, 30);
	g_assert_cmpint(c->bounce_threshold, ==, 5);
	g_assert_cmpstr(c->dns_server, ==, "");
	g_assert_cmpint(c->dns_timeout, ==, 3000);
	g_assert_cmpint(c->milter_cache_ms, ==, 1000);
	/* and the table says the same */
	for (size_t i = 0; (k = config_key_info(i)) != NULL; i++) {
		if (k->def == NULL)
			continue;
		g_clear_pointer(&v, g_free);
		v = field_text(c, k->group, k->key);
		g_assert_cmpstr(v, ==, k->def);
	}
	config_unref(c);
}

static const struct {
	const char *group, *key, *value, *expect;
} every_key[] = {
    {"moim", "database", "/srv/moim/lists.db", NULL},
    {"moim", "domains", "lists.example.org; 모임.kr",
	"lists.example.org;xn--v52b68u.kr"},
    {"moim", "secret_file", "/srv/moim/secret", NULL},
    {"moim", "templates", "/srv/moim/templates", NULL},
    {"moim", "language", "en", NULL},
    {"moim", "timezone", "Europe/Berlin", NULL},
    {"moim", "user", "_moim", NULL},
    {"moim", "group", "mail", NULL},
    {"moim", "archive_url", "https://lists.example.org/archive/", NULL},
    {"milter", "socket", "inet:8891@127.0.0.1", NULL},
    {"milter", "socket_group", "mail", NULL},
    {"milter", "trusted_authserv_ids", "mx.example.org; MX2.Example.org",
	"mx.example.org;mx2.example.org"},
    {"milter", "cache_ms", "0", NULL},
    {"listd", "lmtp", "[::1]:2424", NULL},
    {"listd", "socket_group", "mail", NULL},
    {"listd", "relay", "localhost:10025", NULL},
    {"listd", "connections", "64", NULL},
    {"listd", "hostname", "mx1.example.org", NULL},
    {"listd", "retry_max_age", "3600", NULL},
    {"listd", "worker_lease", "3", NULL},
    {"listd", "bounce_threshold", "1", NULL},
    {"listd", "dns_server", "127.0.0.1:5353", NULL},
    {"listd", "dns_timeout", "100", NULL},
    {"listd", "arc_selector", "arc2027.moim", NULL},
    {"listd", "arc_key", "/etc/moim/arc.pem", NULL},
    {"listd", "dkim_selector", "moim2027", NULL},
    {"listd", "dkim_key", "/etc/moim/dkim.pem", NULL},
    {"listd", "dkim_ed25519_selector", "ed2027", NULL},
    {"listd", "dkim_ed25519_key", "/etc/moim/ed25519.pem", NULL},
    {"web", "listen", "unix:/run/moim/web.sock", NULL},
    {"web", "base_url", "https://lists.example.org/", NULL},
    {"web", "threads", "64", NULL},
    {"web", "socket_group", "nginx", NULL},
};

/* test_round_trip - every key of the table, set in the file, comes back */
static void
test_round_trip(void)
{
	GString *data = g_string_new(NULL);
	const char *group = "";
	struct moim_config *c;
	size_t n = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(every_key); i++) {
		if (strcmp(group, every_key[i].group) != 0)
			g_string_append_printf(
			    data, "[%s]\n", group = every_key[i].group);
		/* trailing blanks are dropped, not part of the value */
		g_string_append_printf(
		    data, "%s = %s  \n", every_key[i].key, every_key[i].value);
	}
	c = load(data->str);
	for (size_t i = 0; i < G_N_ELEMENTS(every_key); i++) {
		g_autofree char *v =
		    field_text(c, every_key[i].group, every_key[i].key);
		g_assert_cmpstr(v, ==,
		    every_key[i].expect ? every_key[i].expect
					: every_key[i].value);
	}
	while (config_key_info(n) != NULL)
		n++;
	g_assert_cmpuint(n, ==, G_N_ELEMENTS(every_key)); /* none forgotten */
	config_unref(c);
	g_string_free(data, true);
}

static const struct {
	const char *data;
	const char *message; /* exact, or a prefix when it ends in "..." */
} bad_files[] = {
    {"[listd]\nconnections = 0\n",
	"moim.conf: [listd] connections: 0 is out of range 1..64"},
    {"[listd]\nconnections = 65\n",
	"moim.conf: [listd] connections: 65 is out of range 1..64"},
    {"[listd]\nconnections = 99999999999999999999\n",
	"moim.conf: [listd] connections: '99999999999999999999' is not a whole "
	"number"},
    {"[listd]\nconnections = four\n",
	"moim.conf: [listd] connections: 'four' is not a whole number"},
    {"[listd]\nconnections = 4 # four\n",
	"moim.conf: [listd] connections: '4 # four': comments must be on lines "
	"of their own"},
    {"[listd]\nretry_max_age = 3599\n",
	"moim.conf: [listd] retry_max_age: 3599 is out of range 3600..2592000"},
    {"[listd]\nworker_lease = 2\n",
	"moim.conf: [listd] worker_lease: 2 is out of range 3..3600"},
    {"[listd]\nbounce_threshold = 101\n",
	"moim.conf: [listd] bounce_threshold: 101 is out of range 1..100"},
    {"[moim]\ndatabse = /x.db\n", "moim.conf: [moim] databse: unknown key"},
    {"[moim]\nlanguage[ko] = en\n",
	"moim.conf: [moim] language[ko]: unknown key"},
    {"[milter]\nrelay = 127.0.0.1:25\n",
	"moim.conf: [milter] relay: unknown key"},
    {"[moim]\n[bogus]\nx = 1\n", "moim.conf: [bogus]: unknown group"},
    {"# moim\n\nfoo\n", "moim.conf: line 3: ..."},
    {"[moim]\nlanguage = en\n[listd\n", "moim.conf: line 3: ..."},
    {"language = en\n", "moim.conf: line 1: ..."},
    {"[moim]\ndatabase =\n", "moim.conf: [moim] database: empty value"},
    {"[listd]\nconnections =\n", "moim.conf: [listd] connections: empty value"},
    {"[moim]\ndatabase = moim.db\n",
	"moim.conf: [moim] database: 'moim.db' is not an absolute path"},
    {"[moim]\ndatabase = db.example.org/moim\n",
	"moim.conf: [moim] database: 'db.example.org/moim' is not an absolute"
	" path"},
    {"[moim]\ndatabase = /a\\nb\n",
	"moim.conf: [moim] database: control character in the value"},
    {"[moim]\ndatabase = /a\\qb\n", "moim.conf: [moim] database: ..."},
    {"[moim]\nlanguage = fr\n",
	"moim.conf: [moim] language: 'fr' is not ko or en"},
    {"[moim]\ntimezone = Mars/Olympus\n",
	"moim.conf: [moim] timezone: 'Mars/Olympus' is not a known time zone"},
    {"[moim]\nuser = -rf\n",
	"moim.conf: [moim] user: '-rf' is not a user or group name"},
    {"[moim]\narchive_url = ftp://example.org/\n",
	"moim.conf: [moim] archive_url: 'ftp://example.org/' is not an http:// "
	"or https:// URL"},
    {"[moim]\narchive_url = https://x/<a>\n",
	"moim.conf: [moim] archive_url: 'https://x/<a>' has a space, '<', '>' "
	"or '\"' in it"},
    {"[moim]\ndomains = lists.example.org; a..b\n",
	"moim.conf: [moim] domains: 'a..b' is not a domain name"},
    {"[moim]\ndomains = lists.example.org; LISTS.example.org.\n",
	"moim.conf: [moim] domains: 'lists.example.org' is listed twice"},
    {"[milter]\nsocket = unix:milter.sock\n",
	"moim.conf: [milter] socket: unix socket path 'milter.sock' is not "
	"absolute"},
    {"[milter]\nsocket = inet:8891\n",
	"moim.conf: [milter] socket: 'inet:8891' is not unix:/PATH, "
	"inet:PORT@HOST, HOST:PORT or [IPV6]:PORT"},
    {"[milter]\nsocket = 127.0.0.1:8891\n",
	"moim.conf: [milter] socket: '127.0.0.1:8891' is not unix:/PATH or "
	"inet:PORT@HOST"},
    {"[listd]\nlmtp = 127.0.0.1:0\n",
	"moim.conf: [listd] lmtp: port '0' is not a number in 1..65535"},
    {"[listd]\nrelay = unix:/run/relay.sock\n",
	"moim.conf: [listd] relay: 'unix:/run/relay.sock' is not HOST:PORT or "
	"[IPV6]:PORT"},
    {"[listd]\nhostname = mx_1.example.org\n",
	"moim.conf: [listd] hostname: 'mx_1.example.org' is not a host name"},
    {"[listd]\ndns_server = localhost:53\n",
	"moim.conf: [listd] dns_server: 'localhost:53' is not IPV4:PORT or "
	"[IPV6]:PORT"},
    {"[listd]\ndns_server = unix:/run/dns.sock\n",
	"moim.conf: [listd] dns_server: 'unix:/run/dns.sock' is not IPV4:PORT "
	"or [IPV6]:PORT"},
    {"[listd]\ndns_server = 127.0.0.1:0\n",
	"moim.conf: [listd] dns_server: port '0' is not a number in 1..65535"},
    {"[milter]\ncache_ms = 60001\n",
	"moim.conf: [milter] cache_ms: 60001 is out of range 0..60000"},
    {"[listd]\ndns_timeout = 99\n",
	"moim.conf: [listd] dns_timeout: 99 is out of range 100..30000"},
    {"[listd]\ndns_timeout = 30001\n",
	"moim.conf: [listd] dns_timeout: 30001 is out of range 100..30000"},
    {"[listd]\narc_selector = my_sel\narc_key = /k.pem\n",
	"moim.conf: [listd] arc_selector: 'my_sel' is not a selector (DNS "
	"labels)"},
    {"[listd]\ndkim_key = k.pem\ndkim_selector = s1\n",
	"moim.conf: [listd] dkim_key: 'k.pem' is not an absolute path"},
    {"[listd]\narc_selector = s1\n",
	"moim.conf: [listd] arc_selector: set without [listd] arc_key"},
    {"[listd]\ndkim_key = /etc/moim/dkim.pem\n",
	"moim.conf: [listd] dkim_key: set without [listd] dkim_selector"},
    {"[listd]\ndkim_ed25519_selector = ed\n",
	"moim.conf: [listd] dkim_ed25519_selector: set without [listd] "
	"dkim_ed25519_key"},
    {"[listd]\ndkim_ed25519_selector = ed\ndkim_ed25519_key = /ed.pem\n",
	"moim.conf: [listd] dkim_ed25519_key: set without [listd] dkim_key (an "
	"RSA signature)"},
};

/* assert_message - e is a config error whose message is want, or starts
 * with it when want ends in "..." */
static void
assert_message(const GError *e, const char *want)
{
	size_t n = strlen(want);

	g_assert_error(e, MOIM_ERROR, MOIM_ERR_CONFIG);
	if (g_str_has_suffix(want, "...")) {
		g_assert_cmpuint(strlen(e->message), >, n - 3);
		g_assert_cmpint(strncmp(e->message, want, n - 3), ==, 0);
	} else {
		g_assert_cmpstr(e->message, ==, want);
	}
}

/* test_bad_files - each bad file is refused with a message naming the
 * file, [group] key and the reason */
static void
test_bad_files(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(bad_files); i++) {
		GError *e = NULL;
		struct moim_config *c = config_load_data(bad_files[i].data,
		    strlen(bad_files[i].data), "moim.conf", &e);

		g_test_message("case %zu: %s", i, bad_files[i].data);
		g_assert_null(c);
		assert_message(e, bad_files[i].message);
		g_error_free(e);
	}
}

/* test_bad_bytes - NUL bytes, invalid UTF-8 and oversized data */
static void
test_bad_bytes(void)
{
	static const char nul[] = "[moim]\nlanguage = en\0\n";
	GError *e = NULL;
	char *big = g_malloc(MOIM_MAX_CONFIG_FILE + 1);
	struct moim_config *c;

	g_assert_null(config_load_data(nul, sizeof(nul) - 1, "m.conf", &e));
	assert_message(e, "m.conf: contains a NUL byte");
	g_clear_error(&e);
	g_assert_null(config_load_data("[moim]\n\xff\n", 9, "m.conf", &e));
	assert_message(e, "m.conf: not valid UTF-8");
	g_clear_error(&e);
	/* a file of comment lines of exactly the limit is fine, one more
	 * byte is refused */
	memset(big, '#', MOIM_MAX_CONFIG_FILE + 1);
	for (size_t i = 80; i < MOIM_MAX_CONFIG_FILE; i += 81)
		big[i] = '\n';
	c = config_load_data(big, MOIM_MAX_CONFIG_FILE, "m.conf", &e);
	g_assert_no_error(e);
	config_unref(c);
	g_assert_null(
	    config_load_data(big, MOIM_MAX_CONFIG_FILE + 1, "m.conf", &e));
	assert_message(e, "m.conf: larger than 1048576 bytes");
	g_clear_error(&e);
	g_free(big);
}

/* write_temp - a new temporary file holding len bytes of data */
static char *
write_temp(const char *data, size_t len)
{
	GError *e = NULL;
	char *path = NULL;
	int fd = g_file_open_tmp("moim-config-XXXXXX.conf", &path, &e);

	g_assert_no_error(e);
	g_assert_true(g_file_set_contents(path, data, (gssize)len, &e));
	g_assert_no_error(e);
	g_assert_cmpint(close(fd), ==, 0);
	return path;
}

/* test_files - load from a file; a missing or oversized file is refused */
static void
test_files(void)
{
	static const char text[] = "[listd]\nconnections = 8\n";
	GError *e = NULL;
	char *path = write_temp(text, sizeof(text) - 1);
	char *big = g_malloc0(MOIM_MAX_CONFIG_FILE + 100);
	struct moim_config *c = config_load(path, &e);
	g_autofree char *want = NULL;

	g_assert_no_error(e);
	g_assert_cmpstr(c->path, ==, path);
	g_assert_cmpint(c->connections, ==, 8);
	config_unref(c);
	g_assert_cmpint(remove(path), ==, 0);
	g_assert_null(config_load(path, &e));
	want = g_strdup_printf("%s: No such file or directory", path);
	assert_message(e, want);
	g_clear_error(&e);
	g_free(path);
	memset(big, '\n', MOIM_MAX_CONFIG_FILE + 100);
	path = write_temp(big, MOIM_MAX_CONFIG_FILE + 100);
	g_assert_null(config_load(path, &e));
	g_clear_pointer(&want, g_free);
	want = g_strdup_printf("%s: larger than 1048576 bytes", path);
	assert_message(e, want);
	g_clear_error(&e);
	g_assert_cmpint(remove(path), ==, 0);
	g_free(path);
	g_free(big);
}

/* test_domains - the list is split, trimmed, lower-cased and IDN-encoded */
static void
test_domains(void)
{
	static const struct {
		const char *value;
		const char *want; /* joined with ';' */
	} cases[] = {
	    {"Lists.Example.ORG; 모임.kr", "lists.example.org;xn--v52b68u.kr"},
	    {"a.org;;b.org;", "a.org;b.org"},
	    {" lists.example.org. ", "lists.example.org"},
	    {"", ""},
	    {"xn--V52B68U.KR", "xn--v52b68u.kr"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *data =
		    g_strdup_printf("[moim]\ndomains = %s\n", cases[i].value);
		struct moim_config *c = load(data);
		g_autofree char *got = g_strjoinv(";", c->domains);

		g_assert_cmpstr(got, ==, cases[i].want);
		config_unref(c);
	}
}

/* test_is_list_domain - matching ignores case, form (IDN) and a final dot */
static void
test_is_list_domain(void)
{
	static const struct {
		const char *domain;
		bool want;
	} cases[] = {
	    {"lists.example.org", true},
	    {"LISTS.Example.Org", true},
	    {"lists.example.org.", true},
	    {"모임.kr", true},
	    {"XN--V52B68U.kr", true},
	    {"example.org", false},
	    {"sub.lists.example.org", false},
	    {"lists.example.org\r\n", false},
	    {"lists.example.org..", false},
	    {"", false},
	    {NULL, false},
	};
	struct moim_config *c =
	    load("[moim]\ndomains = Lists.Example.ORG; 모임.kr\n");
	struct moim_config *none = load("");
	char *huge = g_strnfill(4 * MOIM_MAX_DOMAIN + 1, 'a');

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_test_message("case %zu: %s", i, cases[i].domain);
		g_assert_cmpint(config_is_list_domain(c, cases[i].domain), ==,
		    cases[i].want);
		g_assert_false(config_is_list_domain(none, cases[i].domain));
	}
	g_assert_false(config_is_list_domain(c, huge));
	g_free(huge);
	config_unref(none);
	config_unref(c);
}

/* test_endpoints - config_parse_endpoint() on good and bad addresses */
static void
test_endpoints(void)
{
	static const struct {
		const char *spec;
		bool ok;
		const char *host;
		int port;
		const char *path;
	} cases[] = {
	    {"unix:/run/moim/lmtp.sock", true, NULL, 0, "/run/moim/lmtp.sock"},
	    {"inet:8891@127.0.0.1", true, "127.0.0.1", 8891, NULL},
	    {"inet:8891@localhost", true, "localhost", 8891, NULL},
	    {"127.0.0.1:24", true, "127.0.0.1", 24, NULL},
	    {"localhost:65535", true, "localhost", 65535, NULL},
	    {"[::1]:10026", true, "::1", 10026, NULL},
	    {"mx.example.org:25", true, "mx.example.org", 25, NULL},
	    {"h:00025", true, "h", 25, NULL},
	    {"", false, NULL, 0, NULL},
	    {"unix:", false, NULL, 0, NULL},
	    {"unix:run/x.sock", false, NULL, 0, NULL},
	    {"inet:8891", false, NULL, 0, NULL},
	    {"inet:@127.0.0.1", false, NULL, 0, NULL},
	    {"inet:8891@", false, NULL, 0, NULL},
	    {"inet:0@127.0.0.1", false, NULL, 0, NULL},
	    {"127.0.0.1:65536", false, NULL, 0, NULL},
	    {"127.0.0.1:", false, NULL, 0, NULL},
	    {"127.0.0.1:-1", false, NULL, 0, NULL},
	    {"127.0.0.1:+25", false, NULL, 0, NULL},
	    {"127.0.0.1:25x", false, NULL, 0, NULL},
	    {"127.0.0.1:000025", false, NULL, 0, NULL},
	    {":25", false, NULL, 0, NULL},
	    {"localhost", false, NULL, 0, NULL},
	    {"::1:25", false, NULL, 0, NULL},
	    {"[::1]25", false, NULL, 0, NULL},
	    {"[::1:25", false, NULL, 0, NULL},
	    {"[127.0.0.1]:25", false, NULL, 0, NULL},
	    {"[]:25", false, NULL, 0, NULL},
	    {"bad host:25", false, NULL, 0, NULL},
	    {"host:25\r\n", false, NULL, 0, NULL},
	};

	static char untouched[] = "untouched"; /* failure leaves it alone */

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		GError *e = NULL;
		char *host = untouched, *path = untouched;
		int port = -1;
		bool ok = config_parse_endpoint(
		    cases[i].spec, &host, &port, &path, &e);

		g_test_message("case %zu: %s", i, cases[i].spec);
		g_assert_cmpint(ok, ==, cases[i].ok);
		/* every out-parameter may be NULL */
		g_assert_cmpint(config_parse_endpoint(
				    cases[i].spec, NULL, NULL, NULL, NULL),
		    ==, cases[i].ok);
		if (ok) {
			g_assert_no_error(e);
			g_assert_cmpstr(host, ==, cases[i].host);
			g_assert_cmpint(port, ==, cases[i].port);
			g_assert_cmpstr(path, ==, cases[i].path);
		} else {
			g_assert_error(e, MOIM_ERROR, MOIM_ERR_CONFIG);
			g_assert_true(host == untouched);
			g_assert_cmpint(port, ==, -1);
			g_assert_true(path == untouched);
			g_error_free(e);
			continue;
		}
		g_free(host);
		g_free(path);
	}
	g_assert_false(config_parse_endpoint(NULL, NULL, NULL, NULL, NULL));
}

/* test_unix_path_limit - a socket path must fit in sockaddr_un */
static void
test_unix_path_limit(void)
{
	g_autofree char *fits = g_strnfill(107, 'a');
	g_autofree char *over = g_strnfill(108, 'a');
	g_autofree char *s1 = NULL, *s2 = NULL;

	fits[0] = over[0] = '/';
	s1 = g_strconcat("unix:", fits, NULL);
	s2 = g_strconcat("unix:", over, NULL);
	g_assert_true(config_parse_endpoint(s1, NULL, NULL, NULL, NULL));
	g_assert_false(config_parse_endpoint(s2, NULL, NULL, NULL, NULL));
}

/* test_refcount - a reference keeps the config alive after the loader's
 * reference is dropped (ASan catches a use after free or a leak) */
static void
test_refcount(void)
{
	struct moim_config *c = load("[moim]\nlanguage = en\n");
	struct moim_config *held = config_ref(c);

	g_assert_true(held == c);
	config_unref(c);
	g_assert_cmpstr(held->language, ==, "en");
	g_assert_true(config_ref(held) == held);
	config_unref(held);
	g_assert_cmpstr(held->language, ==, "en");
	config_unref(held);
	config_unref(NULL);
}

/* test_default_path - the path the programs use without -c */
static void
test_default_path(void)
{
	g_assert_cmpstr(
	    config_default_path(), ==, MOIM_SYSCONFDIR "/moim/moim.conf");
}

/* man_entry - the paragraph of key in the section of group, or NULL */
static char *
man_entry(const char *man, const char *group, const char *key)
{
	g_autofree char *sect = g_strdup_printf("\n.SS \"[%s]\"\n", group);
	g_autofree char *item = g_strdup_printf("\n.B %s\n", key);
	const char *s = strstr(man, sect), *end, *p;

	if (s == NULL)
		return NULL;
	s += strlen(sect);
	if ((end = strstr(s, "\n.S")) == NULL)
		end = s + strlen(s);
	if ((p = g_strstr_len(s, end - s, item)) == NULL)
		return NULL;
	p += strlen(item);
	/* the entry ends at the next .TP, .SS or .SH */
	if ((end = strstr(p, "\n.S")) == NULL)
		end = p + strlen(p);
	if ((s = g_strstr_len(p, end - p, "\n.TP")) != NULL)
		end = s;
	return g_strndup(p, end - p);
}

/* default_tail - the part of a default the man page can show: without
 * the build's directory prefixes */
static const char *
default_tail(const char *def)
{
	const char *const dirs[] = {
	    MOIM_LOCALSTATEDIR, MOIM_SYSCONFDIR, MOIM_DATADIR};

	for (size_t i = 0; i < G_N_ELEMENTS(dirs); i++)
		if (g_str_has_prefix(def, dirs[i]))
			return def + strlen(dirs[i]);
	return def;
}

/* assert_example_loads - the EXAMPLE section of the man page is valid */
static void
assert_example_loads(const char *man)
{
	static const char start[] = "\n.SH EXAMPLE\n.EX\n";
	const char *p = strstr(man, start), *end;
	g_autofree char *text = NULL;
	struct moim_config *c;

	g_assert_nonnull(p);
	p += strlen(start);
	g_assert_nonnull(end = strstr(p, "\n.EE\n"));
	text = g_strndup(p, end + 1 - p);
	c = load(text);
	g_assert_true(config_is_list_domain(c, "모임.kr"));
	config_unref(c);
}

/* test_man_page - doc/moim.conf.5 documents every key of the table under
 * its group, with its default and range */
static void
test_man_page(void)
{
	const char *top = g_getenv("top_srcdir");
	g_autofree char *file = NULL, *man = NULL;
	const struct config_key_info *k;
	GError *e = NULL;

	if (top == NULL) {
		g_test_skip("top_srcdir is not set");
		return;
	}
	file = g_build_filename(top, "doc", "moim.conf.5", NULL);
	g_assert_true(g_file_get_contents(file, &man, NULL, &e));
	g_assert_no_error(e);
	for (size_t i = 0; (k = config_key_info(i)) != NULL; i++) {
		g_autofree char *p = man_entry(man, k->group, k->key);
		g_autofree char *lo = g_strdup_printf("%d", k->min);
		g_autofree char *hi = g_strdup_printf("%d", k->max);

		g_test_message("[%s] %s", k->group, k->key);
		g_assert_nonnull(p);
		g_assert_nonnull(strstr(p, "Default"));
		if (k->def != NULL && k->def[0] != '\0')
			g_assert_nonnull(strstr(p, default_tail(k->def)));
		if (k->max != 0) {
			g_assert_nonnull(strstr(p, lo));
			g_assert_nonnull(strstr(p, hi));
		}
	}
	assert_example_loads(man);
}

/* test_restart_key - which changes a reload of moim-listd refuses */
static void
test_restart_key(void)
{
	static const struct {
		const char *change; /* appended to the base file */
		const char *key; /* "group/key", or NULL: a reload takes it */
	} rows[] = {
	    {"", NULL},
	    {"[moim]\nlanguage = en\n", NULL},
	    {"[moim]\ntimezone = UTC\n", NULL},
	    {"[listd]\nbounce_threshold = 3\n", NULL},
	    {"[moim]\ndatabase = /var/lib/moim/other.db\n", "moim/database"},
	    {"[moim]\ndatabase = postgresql://moim@db.example.org/moim\n",
		"moim/database"},
	    {"[moim]\ndatabase = host=db.example.org dbname=moim\n",
		"moim/database"},
	    {"[moim]\nsecret_file = /etc/moim/other\n", "moim/secret_file"},
	    {"[moim]\nuser = nobody\n", "moim/user"},
	    {"[listd]\nrelay = 127.0.0.1:1\n", "listd/relay"},
	    {"[listd]\nconnections = 9\n", "listd/connections"},
	    {"[listd]\nsocket_group = moim\n", "listd/socket_group"},
	    {"[listd]\ndns_timeout = 500\n", "listd/dns_timeout"},
	};
	struct moim_config *a = load("");

	for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
		struct moim_config *b = load(rows[i].change);
		const struct config_key_info *k = config_restart_key(a, b);
		g_autofree char *got = k != NULL
		    ? g_strdup_printf("%s/%s", k->group, k->key)
		    : NULL;

		g_assert_cmpstr(got, ==, rows[i].key);
		config_unref(b);
	}
	config_unref(a);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/config/defaults", test_defaults);
	g_test_add_func("/config/round_trip", test_round_trip);
	g_test_add_func("/config/bad_files", test_bad_files);
	g_test_add_func("/config/bad_bytes", test_bad_bytes);
	g_test_add_func("/config/files", test_files);
	g_test_add_func("/config/domains", test_domains);
	g_test_add_func("/config/is_list_domain", test_is_list_domain);
	g_test_add_func("/config/endpoints", test_endpoints);
	g_test_add_func("/config/unix_path_limit", test_unix_path_limit);
	g_test_add_func("/config/refcount", test_refcount);
	g_test_add_func("/config/default_path", test_default_path);
	g_test_add_func("/config/man_page", test_man_page);
	g_test_add_func("/config/restart_key", test_restart_key);
	return g_test_run();
}
