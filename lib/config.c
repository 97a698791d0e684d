/*
 * config - load moim.conf into an immutable, validated, shared struct
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "db.h"
#include "err.h"
#include "limits.h"

enum config_type {
	CT_NAME, /* user or group name */
	CT_PATH, /* absolute file or directory */
	CT_DATABASE, /* CT_PATH (SQLite) or a PostgreSQL connection string */
	CT_INT, /* decimal integer in min..max */
	CT_LIST, /* ';'-separated domains, normalised */
	CT_ENDPOINT, /* unix:/PATH, inet:PORT@HOST, HOST:PORT, [IPV6]:PORT */
	CT_HOSTPORT, /* HOST:PORT or [IPV6]:PORT only */
	CT_MILTER, /* unix:/PATH or inet:PORT@HOST, as smfi_setconn() takes */
	CT_LANGUAGE, /* ko | en */
	CT_TIMEZONE, /* an identifier GLib knows */
	CT_HOSTNAME, /* a DNS name for the greeting and EHLO */
	CT_URL, /* http(s) URL or empty */
	CT_IPPORT, /* IPV4:PORT or [IPV6]:PORT: an address, not a name */
	CT_SELECTOR, /* a DKIM selector: one or more DNS labels */
};

/* A value may be "" (otherwise "key =" is an error). */
#define CF_EMPTY_OK 0x1
/* moim-listd keeps what it started with (threads, sockets, key, the
 * privileges it dropped): a reload that changes the key is refused. */
#define CF_RESTART 0x2

struct config_key {
	struct config_key_info info;
	enum config_type type;
	size_t offset; /* of the field in struct moim_config */
	unsigned flags;
	const char *(*compute)(void); /* default when info.def is NULL */
};

#define F(field) offsetof(struct moim_config, field)

/* The table: parsing, defaults, validation, freeing and doc/moim.conf.5
 * all follow it (config_test checks the man page against it). */
static const struct config_key keys[] = {
    {{"moim", "database", MOIM_LOCALSTATEDIR "/lib/moim/moim.db",
	 "SQLite database file or PostgreSQL connection string", 0, 0},
	CT_DATABASE, F(database), CF_RESTART, NULL},
    {{"moim", "domains", "", "list domains, ';'-separated", 0, 0}, CT_LIST,
	F(domains), CF_EMPTY_OK, NULL},
    {{"moim", "secret_file", MOIM_SYSCONFDIR "/moim/secret",
	 "HMAC key for tokens, created 0600 if absent", 0, 0},
	CT_PATH, F(secret_file), CF_RESTART, NULL},
    {{"moim", "templates", MOIM_DATADIR "/templates",
	 "directory of the built-in templates", 0, 0},
	CT_PATH, F(templates), 0, NULL},
    {{"moim", "language", "ko", "default template language: ko or en", 0, 0},
	CT_LANGUAGE, F(language), 0, NULL},
    {{"moim", "timezone", "Asia/Seoul", "default time zone of events", 0, 0},
	CT_TIMEZONE, F(timezone), 0, NULL},
    {{"moim", "user", "moim", "user the daemons run as", 0, 0}, CT_NAME,
	F(user), CF_RESTART, NULL},
    {{"moim", "group", "moim", "group the daemons run as", 0, 0}, CT_NAME,
	F(group), CF_RESTART, NULL},
    {{"moim", "archive_url", "", "base URL for List-Archive; empty: none", 0,
	 0},
	CT_URL, F(archive_url), CF_EMPTY_OK, NULL},
    {{"milter", "socket", "unix:/run/moim/milter.sock",
	 "socket moim-milter listens on", 0, 0},
	CT_MILTER, F(milter_socket), 0, NULL},
    {{"milter", "socket_group", "postfix",
	 "group of moim-milter's unix socket (mode 0660)", 0, 0},
	CT_NAME, F(milter_socket_group), 0, NULL},
    {{"milter", "trusted_authserv_ids", "",
	 "authserv-ids of Authentication-Results to believe, ';'-separated", 0,
	 0},
	CT_LIST, F(trusted_authserv_ids), CF_EMPTY_OK, NULL},
    {{"listd", "lmtp", "unix:/run/moim/lmtp.sock",
	 "socket moim-listd takes LMTP on", 0, 0},
	CT_ENDPOINT, F(lmtp), CF_RESTART, NULL},
    {{"listd", "relay", "127.0.0.1:10026",
	 "Postfix smtpd without milters, for fan-out", 0, 0},
	CT_HOSTPORT, F(relay), CF_RESTART, NULL},
    {{"listd", "connections", "4", "parallel SMTP sessions to the relay", 1,
	 64},
	CT_INT, F(connections), CF_RESTART, NULL},
    {{"listd", "socket_group", "postfix",
	 "group of moim-listd's unix LMTP socket (mode 0660)", 0, 0},
	CT_NAME, F(listd_socket_group), CF_RESTART, NULL},
    {{"listd", "hostname", NULL,
	 "name in the LMTP greeting and SMTP EHLO; default: the host name", 0,
	 0},
	CT_HOSTNAME, F(hostname), 0, g_get_host_name},
    {{"listd", "retry_max_age", "432000",
	 "seconds a deferred copy is retried before it counts as failed", 3600,
	 2592000},
	CT_INT, F(retry_max_age), 0, NULL},
    {{"listd", "worker_lease", "30",
	 "seconds a moim-listd's claims stay its own after it was last heard "
	 "from",
	 3, 3600},
	CT_INT, F(worker_lease), 0, NULL},
    {{"listd", "bounce_threshold", "5",
	 "permanent failures that disable a member", 1, 100},
	CT_INT, F(bounce_threshold), 0, NULL},
    {{"listd", "dns_server", "",
	 "IPV4:PORT or [IPV6]:PORT of the DNS server for DMARC, DKIM and ARC "
	 "lookups; empty: those of /etc/resolv.conf",
	 0, 0},
	CT_IPPORT, F(dns_server), CF_EMPTY_OK | CF_RESTART, NULL},
    {{"listd", "dns_timeout", "3000",
	 "milliseconds one DMARC lookup may take in all", 100, 30000},
	CT_INT, F(dns_timeout), CF_RESTART, NULL},
    /* The keys are read once at start-up, before any thread runs. */
    {{"listd", "arc_selector", "",
	 "selector of the ARC key: SELECTOR._domainkey.LISTDOMAIN; empty: "
	 "no ARC",
	 0, 0},
	CT_SELECTOR, F(arc_selector), CF_EMPTY_OK | CF_RESTART, NULL},
    {{"listd", "arc_key", "",
	 "PEM private key (RSA, 2048 bits or more) that seals posts with ARC",
	 0, 0},
	CT_PATH, F(arc_key), CF_EMPTY_OK | CF_RESTART, NULL},
    {{"listd", "dkim_selector", "",
	 "selector of the DKIM key: SELECTOR._domainkey.LISTDOMAIN; empty: "
	 "copies not signed",
	 0, 0},
	CT_SELECTOR, F(dkim_selector), CF_EMPTY_OK | CF_RESTART, NULL},
    {{"listd", "dkim_key", "",
	 "PEM private key (RSA, 2048 bits or more) that signs every copy", 0,
	 0},
	CT_PATH, F(dkim_key), CF_EMPTY_OK | CF_RESTART, NULL},
    {{"listd", "dkim_ed25519_selector", "",
	 "selector of an Ed25519 key for a second DKIM signature; empty: none",
	 0, 0},
	CT_SELECTOR, F(dkim_ed25519_selector), CF_EMPTY_OK | CF_RESTART, NULL},
    {{"listd", "dkim_ed25519_key", "",
	 "PEM Ed25519 private key of the second DKIM signature (RFC 8463)", 0,
	 0},
	CT_PATH, F(dkim_ed25519_key), CF_EMPTY_OK | CF_RESTART, NULL},
    {{"web", "listen", "127.0.0.1:8025",
	 "where moim-web takes HTTP: HOST:PORT or unix:/PATH", 0, 0},
	CT_ENDPOINT, F(web_listen), CF_RESTART, NULL},
    {{"web", "base_url", "",
	 "public URL of moim-web's pages; when set, mail carries web links", 0,
	 0},
	CT_URL, F(base_url), CF_EMPTY_OK, NULL},
    {{"web", "threads", "4", "threads serving HTTP requests", 1, 64}, CT_INT,
	F(web_threads), CF_RESTART, NULL},
    {{"web", "socket_group", "www-data",
	 "group of moim-web's unix socket (mode 0660)", 0, 0},
	CT_NAME, F(web_socket_group), CF_RESTART, NULL},
};

#undef F

/* The struct handed out is the first member, so the two pointers agree. */
struct config_box {
	struct moim_config pub;
	gatomicrefcount refs;
};

/* find_key - the table entry of group/key (the first of group when key
 * is NULL), or NULL */
static const struct config_key *
find_key(const char *group, const char *key)
{
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
		if (strcmp(keys[i].info.group, group) == 0 &&
		    (key == NULL || strcmp(keys[i].info.key, key) == 0))
			return &keys[i];
	return NULL;
}

/* has_control - whether s holds a control character (CR, LF, TAB, ...) */
static bool
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* is_dns_name - whether s is an ASCII host name: labels of letters,
 * digits and inner hyphens, each 1..63, in all 1..MOIM_MAX_DOMAIN */
static bool
is_dns_name(const char *s)
{
	size_t label = 0, n = strlen(s);

	if (n == 0 || n > MOIM_MAX_DOMAIN)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (s[i] == '.' || s[i] == '\0') {
			if (label == 0 || label > 63 || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!g_ascii_isalnum(s[i]) && (s[i] != '-' || label == 0))
			return false;
		label++;
	}
	return true;
}

/* normalise_domain - a domain as lower-case ASCII (IDN as xn--) without a
 * trailing dot, or NULL with *err set */
static char *
normalise_domain(const char *s, GError **err)
{
	g_autofree char *ascii = NULL;
	char *lower;
	size_t n;

	/* g_hostname_to_ascii() reads past the end of invalid UTF-8 */
	if (strlen(s) > 4 * MOIM_MAX_DOMAIN || !g_utf8_validate(s, -1, NULL) ||
	    (ascii = g_hostname_to_ascii(s)) == NULL) {
		moim_fail(
		    err, MOIM_ERR_CONFIG, "'%.64s' is not a domain name", s);
		return NULL;
	}
	lower = g_ascii_strdown(ascii, -1);
	n = strlen(lower);
	if (n > 1 && lower[n - 1] == '.')
		lower[n - 1] = '\0';
	if (!is_dns_name(lower)) {
		moim_fail(
		    err, MOIM_ERR_CONFIG, "'%.64s' is not a domain name", s);
		g_free(lower);
		return NULL;
	}
	return lower;
}

/* is_in - whether the first n strings of v include s */
static bool
is_in(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

/* parse_domains - split a ';'-separated list into normalised domains,
 * skipping empty items and refusing duplicates */
static char **
parse_domains(const char *v, GError **err)
{
	g_auto(GStrv) items = g_strsplit(v, ";", -1);
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	char *d;

	for (size_t i = 0; items[i] != NULL; i++) {
		g_strstrip(items[i]);
		if (items[i][0] == '\0')
			continue;
		if ((d = normalise_domain(items[i], err)) == NULL)
			goto fail;
		if (is_in((char **)out->pdata, out->len, d)) {
			moim_fail(
			    err, MOIM_ERR_CONFIG, "'%s' is listed twice", d);
			g_free(d);
			goto fail;
		}
		g_ptr_array_add(out, d);
	}
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(out, false);
fail:
	g_ptr_array_free(out, true);
	return NULL;
}

/* parse_port - a decimal TCP port 1..65535, digits only */
static bool
parse_port(const char *s, int *port_out, GError **err)
{
	int port = 0;
	size_t i;

	for (i = 0; i < 5 && g_ascii_isdigit(s[i]); i++)
		port = port * 10 + (s[i] - '0');
	if (i == 0 || s[i] != '\0' || port < 1 || port > 65535)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "port '%.16s' is not a number in 1..65535", s);
	*port_out = port;
	return true;
}

/* check_host - a host name or IPv4 address, or an IPv6 address if is_v6
 * (the text between brackets) */
static bool
check_host(const char *host, bool is_v6, GError **err)
{
	bool ok;

	if (is_v6)
		ok =
		    strchr(host, ':') != NULL && g_hostname_is_ip_address(host);
	else
		ok = strchr(host, ':') == NULL &&
		    (g_hostname_is_ip_address(host) || is_dns_name(host));
	if (!ok)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    is_v6 ? "'%.64s' is not an IPv6 address"
			  : "'%.64s' is not a host name or IPv4 address",
		    host);
	return true;
}

/* split_tcp - cut "inet:PORT@HOST", "[IPV6]:PORT" or "HOST:PORT" into
 * *host_out and *port_text_out, both new strings */
static bool
split_tcp(const char *spec, char **host_out, char **port_text_out,
    bool *is_v6_out, GError **err)
{
	const char *sep;

	*is_v6_out = false;
	if (g_str_has_prefix(spec, "inet:")) {
		if ((sep = strchr(spec, '@')) == NULL)
			goto bad;
		*port_text_out = g_strndup(spec + 5, (size_t)(sep - spec - 5));
		*host_out = g_strdup(sep + 1);
		return true;
	}
	if (spec[0] == '[') {
		if ((sep = strchr(spec, ']')) == NULL || sep[1] != ':')
			goto bad;
		*is_v6_out = true;
		*host_out = g_strndup(spec + 1, (size_t)(sep - spec - 1));
		*port_text_out = g_strdup(sep + 2);
		return true;
	}
	if ((sep = strrchr(spec, ':')) == NULL)
		goto bad;
	*host_out = g_strndup(spec, (size_t)(sep - spec));
	*port_text_out = g_strdup(sep + 1);
	return true;
bad:
	return moim_fail(err, MOIM_ERR_CONFIG,
	    "'%.64s' is not unix:/PATH, inet:PORT@HOST, HOST:PORT or "
	    "[IPV6]:PORT",
	    spec);
}

/* check_unix_path - an absolute path that fits in sockaddr_un */
static bool
check_unix_path(const char *path, GError **err)
{
	const size_t max = sizeof(((struct sockaddr_un *)NULL)->sun_path) - 1;

	if (path[0] != '/')
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "unix socket path '%.64s' is not absolute", path);
	if (strlen(path) > max)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "unix socket path is longer than %zu bytes", max);
	return true;
}

/* config_parse_endpoint - split a socket address into host and port or a
 * unix socket path */
bool
config_parse_endpoint(const char *spec, char **host_out, int *port_out,
    char **unix_path_out, GError **err)
{
	g_autofree char *host = NULL, *port_text = NULL;
	bool is_v6;
	int port = 0;

	if (spec == NULL || has_control(spec))
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "no endpoint or a control character in it");
	if (g_str_has_prefix(spec, "unix:")) {
		if (!check_unix_path(spec + 5, err))
			return false;
		if (host_out != NULL)
			*host_out = NULL;
		if (port_out != NULL)
			*port_out = 0;
		if (unix_path_out != NULL)
			*unix_path_out = g_strdup(spec + 5);
		return true;
	}
	if (!split_tcp(spec, &host, &port_text, &is_v6, err) ||
	    !check_host(host, is_v6, err) || !parse_port(port_text, &port, err))
		return false;
	if (host_out != NULL)
		*host_out = g_steal_pointer(&host);
	if (port_out != NULL)
		*port_out = port;
	if (unix_path_out != NULL)
		*unix_path_out = NULL;
	return true;
}

/* check_name - a user or group name: letters, digits, '.', '_', '-',
 * not starting with '-', at most 32 bytes (useradd's limit) */
static bool
check_name(const char *v, GError **err)
{
	size_t n = strlen(v);

	if (n > 32 || v[0] == '-' ||
	    strspn(v,
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"0123456789._-") != n)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "'%.64s' is not a user or group name", v);
	return true;
}

/* check_url - an http or https URL that can sit between < and > in a
 * List-Archive field (RFC 2369) */
static bool
check_url(const char *v, GError **err)
{
	if (!g_str_has_prefix(v, "http://") && !g_str_has_prefix(v, "https://"))
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "'%.64s' is not an http:// or https:// URL", v);
	if (strpbrk(v, " <>\"") != NULL)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "'%.64s' has a space, '<', '>' or '\"' in it", v);
	return true;
}

/* check_timezone - whether GLib knows the time zone identifier v */
static bool
check_timezone(const char *v, GError **err)
{
	GTimeZone *tz = g_time_zone_new_identifier(v);

	if (tz == NULL)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "'%.64s' is not a known time zone", v);
	g_time_zone_unref(tz);
	return true;
}

/* check_hostport - a TCP endpoint, not a unix socket */
static bool
check_hostport(const char *v, GError **err)
{
	if (g_str_has_prefix(v, "unix:") || g_str_has_prefix(v, "inet:"))
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "'%.64s' is not HOST:PORT or [IPV6]:PORT", v);
	return config_parse_endpoint(v, NULL, NULL, NULL, err);
}

/* check_ipport - a TCP or UDP endpoint whose host is an IP address: the
 * DNS server cannot be found by a name that needs DNS */
static bool
check_ipport(const char *v, GError **err)
{
	g_autofree char *host = NULL;

	if (g_str_has_prefix(v, "unix:") || g_str_has_prefix(v, "inet:"))
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "'%.64s' is not IPV4:PORT or [IPV6]:PORT", v);
	if (!config_parse_endpoint(v, &host, NULL, NULL, err))
		return false;
	if (!g_hostname_is_ip_address(host))
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "'%.64s' is not IPV4:PORT or [IPV6]:PORT", v);
	return true;
}

/* check_milter - an endpoint libmilter's smfi_setconn() takes as it is */
static bool
check_milter(const char *v, GError **err)
{
	if (!g_str_has_prefix(v, "unix:") && !g_str_has_prefix(v, "inet:"))
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "'%.64s' is not unix:/PATH or inet:PORT@HOST", v);
	return config_parse_endpoint(v, NULL, NULL, NULL, err);
}

/* check_text - refusals every value goes through, whatever its type */
static bool
check_text(const struct config_key *k, const char *v, GError **err)
{
	if (has_control(v))
		return moim_fail(
		    err, MOIM_ERR_CONFIG, "control character in the value");
	if (v[0] == '\0' && !(k->flags & CF_EMPTY_OK))
		return moim_fail(err, MOIM_ERR_CONFIG, "empty value");
	/* GKeyFile has no trailing comments: "x = 4 # four" is "4 # four". */
	if (strstr(v, " #") != NULL)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "'%.64s': comments must be on lines of their own", v);
	return true;
}

/* check_string - validate a value of a string type */
static bool
check_string(const struct config_key *k, const char *v, GError **err)
{
	if (v[0] == '\0')
		return true; /* check_text() allowed it */
	switch (k->type) {
	case CT_NAME:
		return check_name(v, err);
	case CT_DATABASE:
	case CT_PATH:
		if (k->type == CT_DATABASE && db_spec_is_postgresql(v))
			return true;
		if (v[0] != '/')
			return moim_fail(err, MOIM_ERR_CONFIG,
			    "'%.64s' is not an absolute path", v);
		return true;
	case CT_ENDPOINT:
		return config_parse_endpoint(v, NULL, NULL, NULL, err);
	case CT_HOSTPORT:
		return check_hostport(v, err);
	case CT_MILTER:
		return check_milter(v, err);
	case CT_LANGUAGE:
		if (strcmp(v, "ko") != 0 && strcmp(v, "en") != 0)
			return moim_fail(
			    err, MOIM_ERR_CONFIG, "'%.64s' is not ko or en", v);
		return true;
	case CT_TIMEZONE:
		return check_timezone(v, err);
	case CT_HOSTNAME:
		if (!is_dns_name(v))
			return moim_fail(err, MOIM_ERR_CONFIG,
			    "'%.64s' is not a host name", v);
		return true;
	case CT_URL:
		return check_url(v, err);
	case CT_IPPORT:
		return check_ipport(v, err);
	case CT_SELECTOR:
		if (!is_dns_name(v))
			return moim_fail(err, MOIM_ERR_CONFIG,
			    "'%.64s' is not a selector (DNS labels)", v);
		return true;
	default:
		return true;
	}
}

/* parse_int - a decimal integer within the key's range */
static bool
parse_int(const struct config_key *k, const char *v, int *n_out, GError **err)
{
	gint64 n;

	if (!g_ascii_string_to_signed(v, 10, G_MININT64, G_MAXINT64, &n, NULL))
		return moim_fail(
		    err, MOIM_ERR_CONFIG, "'%.64s' is not a whole number", v);
	if (n < k->info.min || n > k->info.max)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "%" G_GINT64_FORMAT " is out of range %d..%d", n,
		    k->info.min, k->info.max);
	*n_out = (int)n;
	return true;
}

/* set_value - validate v (taken) and store it in its field of c */
static bool
set_value(
    struct moim_config *c, const struct config_key *k, char *v, GError **err)
{
	g_autofree char *text = v;
	void *field = (char *)c + k->offset;
	char **list;

	if (!check_text(k, text, err))
		return false;
	if (k->type == CT_INT)
		return parse_int(k, text, field, err);
	if (k->type == CT_LIST) {
		if ((list = parse_domains(text, err)) == NULL)
			return false;
		*(char ***)field = list;
		return true;
	}
	if (!check_string(k, text, err))
		return false;
	*(char **)field = g_steal_pointer(&text);
	return true;
}

/* load_key - read one key of the table from kf, or take its default */
static bool
load_key(struct moim_config *c, const struct config_key *k, GKeyFile *kf,
    GError **err)
{
	g_autoptr(GError) e = NULL;
	char *v;

	if (!g_key_file_has_key(kf, k->info.group, k->info.key, NULL))
		return set_value(c, k,
		    g_strdup(k->info.def != NULL ? k->info.def : k->compute()),
		    err);
	/* GKeyFile may return a string and an error (a bad escape) */
	v = g_key_file_get_string(kf, k->info.group, k->info.key, &e);
	if (e != NULL) {
		g_free(v);
		return moim_fail(err, MOIM_ERR_CONFIG, "%s", e->message);
	}
	g_strchomp(v); /* trailing blanks are invisible: drop them */
	return set_value(c, k, v, err);
}

/* check_bytes - refuse what GKeyFile should never see */
static bool
check_bytes(const char *data, size_t len, const char *name, GError **err)
{
	if (len > MOIM_MAX_CONFIG_FILE)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "%s: larger than %d bytes", name, MOIM_MAX_CONFIG_FILE);
	if (memchr(data, '\0', len) != NULL)
		return moim_fail(
		    err, MOIM_ERR_CONFIG, "%s: contains a NUL byte", name);
	if (!g_utf8_validate(data, (gssize)len, NULL))
		return moim_fail(
		    err, MOIM_ERR_CONFIG, "%s: not valid UTF-8", name);
	return true;
}

/* prefix_parses - whether GKeyFile accepts the first len bytes */
static bool
prefix_parses(const char *data, size_t len)
{
	GKeyFile *kf = g_key_file_new();
	bool ok = g_key_file_load_from_data(kf, data, len, 0, NULL);

	g_key_file_free(kf);
	return ok;
}

/* first_bad_line - the line GKeyFile refuses, which it does not say: the
 * shortest run of whole lines that fails to parse ends with it, and a
 * binary search finds that run in log2(lines) parses */
static size_t
first_bad_line(const char *data, size_t len)
{
	GArray *ends = g_array_new(false, false, sizeof(size_t));
	size_t lo = 1, hi, mid, end;

	for (size_t i = 0; i < len; i++)
		if (data[i] == '\n' || i + 1 == len) {
			end = i + 1;
			g_array_append_val(ends, end);
		}
	hi = ends->len;
	while (lo < hi) { /* invariant: the first hi lines fail */
		mid = lo + (hi - lo) / 2;
		if (prefix_parses(data, g_array_index(ends, size_t, mid - 1)))
			lo = mid + 1;
		else
			hi = mid;
	}
	g_array_free(ends, true);
	return hi;
}

/* parse_keyfile - load data into kf, naming the line of a syntax error */
static bool
parse_keyfile(
    GKeyFile *kf, const char *data, size_t len, const char *name, GError **err)
{
	g_autoptr(GError) e = NULL;

	if (g_key_file_load_from_data(kf, data, len, 0, &e))
		return true;
	return moim_fail(err, MOIM_ERR_CONFIG, "%s: line %zu: %s", name,
	    first_bad_line(data, len), e->message);
}

/* check_locale_keys - refuse "key[ko] = ...", which GKeyFile accepts but
 * hides from g_key_file_get_keys(); the data has parsed already, so each
 * line is blank, a comment, a [group] or key=value */
static bool
check_locale_keys(const char *data, const char *name, GError **err)
{
	g_auto(GStrv) lines = g_strsplit(data, "\n", -1);
	const char *group = "", *line, *eq;

	for (size_t i = 0; lines[i] != NULL; i++) {
		line = lines[i] + strspn(lines[i], " \t");
		if (line[0] == '[')
			group = line;
		if (line[0] == '#' || line[0] == '[' ||
		    (eq = strchr(line, '=')) == NULL)
			continue;
		if (memchr(line, '[', (size_t)(eq - line)) != NULL)
			return moim_fail(err, MOIM_ERR_CONFIG,
			    "%s: %.*s %.*s: unknown key", name,
			    (int)strcspn(group, "]") + 1, group,
			    (int)strcspn(line, " \t="), line);
	}
	return true;
}

/* check_known - refuse a group or key the table does not have */
static bool
check_known(GKeyFile *kf, const char *name, GError **err)
{
	g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);
	g_auto(GStrv) keys_in = NULL;

	for (size_t i = 0; groups[i] != NULL; i++) {
		if (find_key(groups[i], NULL) == NULL)
			return moim_fail(err, MOIM_ERR_CONFIG,
			    "%s: [%s]: unknown group", name, groups[i]);
		g_clear_pointer(&keys_in, g_strfreev);
		keys_in = g_key_file_get_keys(kf, groups[i], NULL, NULL);
		for (size_t j = 0; keys_in[j] != NULL; j++)
			if (find_key(groups[i], keys_in[j]) == NULL)
				return moim_fail(err, MOIM_ERR_CONFIG,
				    "%s: [%s] %s: unknown key", name, groups[i],
				    keys_in[j]);
	}
	return true;
}

/* config_free - free c and every field the table names */
static void
config_free(struct moim_config *c)
{
	void *field;

	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
		field = (char *)c + keys[i].offset;
		if (keys[i].type == CT_LIST)
			g_strfreev(*(char ***)field);
		else if (keys[i].type != CT_INT)
			g_free(*(char **)field);
	}
	g_free(c->path);
	g_free((struct config_box *)c);
}

/* The selector and key settings that only make sense together. */
static const struct {
	const char *selector, *key;
	size_t selector_off, key_off;
} key_pairs[] = {
    {"arc_selector", "arc_key", offsetof(struct moim_config, arc_selector),
	offsetof(struct moim_config, arc_key)},
    {"dkim_selector", "dkim_key", offsetof(struct moim_config, dkim_selector),
	offsetof(struct moim_config, dkim_key)},
    {"dkim_ed25519_selector", "dkim_ed25519_key",
	offsetof(struct moim_config, dkim_ed25519_selector),
	offsetof(struct moim_config, dkim_ed25519_key)},
};

/* check_pairs - a selector without its key (or a key without its
 * selector) is an error: half a setting would silently sign nothing */
static bool
check_pairs(const struct moim_config *c, const char *name, GError **err)
{
	for (size_t i = 0; i < G_N_ELEMENTS(key_pairs); i++) {
		const char *sel = *(
		    char *const *)((const char *)c + key_pairs[i].selector_off);
		const char *key =
		    *(char *const *)((const char *)c + key_pairs[i].key_off);

		if ((*sel == '\0') != (*key == '\0'))
			return moim_fail(err, MOIM_ERR_CONFIG,
			    "%s: [listd] %s: set without [listd] %s", name,
			    *sel ? key_pairs[i].selector : key_pairs[i].key,
			    *sel ? key_pairs[i].key : key_pairs[i].selector);
	}
	/* Receivers that know no Ed25519 need the RSA signature. */
	if (*c->dkim_ed25519_key != '\0' && *c->dkim_key == '\0')
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "%s: [listd] dkim_ed25519_key: set without [listd] "
		    "dkim_key (an RSA signature)",
		    name);
	return true;
}

/* load - validate, parse and check data, then fill a new config */
static struct moim_config *
load(const char *data, size_t len, const char *name, const char *path,
    GError **err)
{
	g_autofree char *text = NULL;
	GKeyFile *kf = NULL;
	struct config_box *box = NULL;

	if (!check_bytes(data, len, name, err))
		return NULL;
	text = g_strndup(data, len);
	kf = g_key_file_new();
	if (!parse_keyfile(kf, text, len, name, err) ||
	    !check_locale_keys(text, name, err) || !check_known(kf, name, err))
		goto out;
	box = g_new0(struct config_box, 1);
	g_atomic_ref_count_init(&box->refs);
	box->pub.path = g_strdup(path);
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
		if (!load_key(&box->pub, &keys[i], kf, err)) {
			g_prefix_error(err, "%s: [%s] %s: ", name,
			    keys[i].info.group, keys[i].info.key);
			config_free(&box->pub);
			box = NULL;
			break;
		}
	}
	if (box != NULL && !check_pairs(&box->pub, name, err)) {
		config_free(&box->pub);
		box = NULL;
	}
out:
	g_key_file_free(kf);
	return box != NULL ? &box->pub : NULL;
}

/* read_file - read at most MOIM_MAX_CONFIG_FILE + 1 bytes of path, so that
 * check_bytes() sees an oversized file without us reading all of it */
static bool
read_file(const char *path, GString *buf, GError **err)
{
	char chunk[8192];
	ssize_t n = 0;
	int fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return moim_fail(
		    err, MOIM_ERR_CONFIG, "%s: %s", path, g_strerror(errno));
	while (buf->len <= MOIM_MAX_CONFIG_FILE) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		g_string_append_len(buf, chunk, n);
	}
	saved = errno;
	(void)close(fd); /* read-only: close cannot lose data */
	if (n < 0)
		return moim_fail(
		    err, MOIM_ERR_CONFIG, "%s: %s", path, g_strerror(saved));
	return true;
}

/* config_load - load and validate the file at path */
struct moim_config *
config_load(const char *path, GError **err)
{
	GString *buf = g_string_new(NULL);
	struct moim_config *c = NULL;

	if (read_file(path, buf, err))
		c = load(buf->str, buf->len, path, path, err);
	g_string_free(buf, true);
	return c;
}

/* config_load_data - load and validate a config held in memory */
struct moim_config *
config_load_data(const char *data, size_t len, const char *name, GError **err)
{
	if (data == NULL)
		data = ""; /* only valid with len 0; check_bytes reads len */
	return load(data, len, name != NULL ? name : "(data)", "", err);
}

/* config_ref - take one more reference to c */
struct moim_config *
config_ref(struct moim_config *c)
{
	g_atomic_ref_count_inc(&((struct config_box *)c)->refs);
	return c;
}

/* config_unref - drop one reference to c, freeing it with the last */
void
config_unref(struct moim_config *c)
{
	if (c != NULL &&
	    g_atomic_ref_count_dec(&((struct config_box *)c)->refs))
		config_free(c);
}

/* config_default_path - where the programs look without -c */
const char *
config_default_path(void)
{
	return MOIM_SYSCONFDIR "/moim/moim.conf";
}

/* config_is_list_domain - whether domain (UTF-8 or ASCII, any case) is
 * one of c's list domains */
bool
config_is_list_domain(const struct moim_config *c, const char *domain)
{
	g_autofree char *d = NULL;

	if (c == NULL || domain == NULL ||
	    strnlen(domain, 4 * MOIM_MAX_DOMAIN + 1) > 4 * MOIM_MAX_DOMAIN)
		return false;
	if ((d = normalise_domain(domain, NULL)) == NULL)
		return false;
	return g_strv_contains((const char *const *)c->domains, d);
}

/* config_restart_key - the first key a reload cannot change (CF_RESTART)
 * whose value differs between a and b, or NULL */
const struct config_key_info *
config_restart_key(const struct moim_config *a, const struct moim_config *b)
{
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
		const void *pa = (const char *)a + keys[i].offset;
		const void *pb = (const char *)b + keys[i].offset;
		bool same;

		if (!(keys[i].flags & CF_RESTART))
			continue;
		if (keys[i].type == CT_INT)
			same = *(const int *)pa == *(const int *)pb;
		else if (keys[i].type == CT_LIST)
			same = g_strv_equal(*(const char *const *const *)pa,
			    *(const char *const *const *)pb);
		else
			same = g_strcmp0(
				   *(char *const *)pa, *(char *const *)pb) == 0;
		if (!same)
			return &keys[i].info;
	}
	return NULL;
}

/* config_key_info - the i-th key of the table, or NULL past the end */
const struct config_key_info *
config_key_info(size_t i)
{
	return i < G_N_ELEMENTS(keys) ? &keys[i].info : NULL;
}
