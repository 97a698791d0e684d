/*
 * config - load moim.conf into an immutable, validated, shared struct
 *
 * SYNOPSIS
 *	struct moim_config *config_load(const char *path, GError **err);
 *	struct moim_config *config_load_data(const char *data, size_t len,
 *	    const char *name, GError **err);
 *	struct moim_config *config_ref(struct moim_config *c);
 *	void config_unref(struct moim_config *c);
 *	const char *config_default_path(void);
 *	bool config_is_list_domain(const struct moim_config *c,
 *	    const char *domain);
 *	bool config_parse_endpoint(const char *spec, char **host_out,
 *	    int *port_out, char **unix_path_out, GError **err);
 *	const struct config_key_info *config_key_info(size_t i);
 *	const struct config_key_info *config_restart_key(
 *	    const struct moim_config *a, const struct moim_config *b);
 * DESCRIPTION
 *	config_load() reads a GLib key file (SPEC "Configuration") and
 *	returns every key of the groups [moim], [milter] and [listd], each
 *	either as written or as its default. One table in config.c names each
 *	key with its type, default, range and documentation; parsing,
 *	defaults, validation and doc/moim.conf.5 all follow it. An unknown
 *	group or key, an empty value where one is needed, a value of the
 *	wrong form or out of range is an error: moim never guesses.
 *	config_load_data() does the same with bytes in memory; name is used
 *	in messages and path is "".
 *
 *	domains are lower-cased ASCII (IDN labels as xn--), without duplicates.
 *	A [listd] *_selector and its *_key are both set or both empty.
 *	config_is_list_domain() tells whether domain (any case, UTF-8 or
 *	ASCII, one trailing dot allowed) is one of them.
 *
 *	config_parse_endpoint() splits a socket address: "unix:/PATH" gives
 *	*unix_path_out (and *host_out = NULL, *port_out = 0); "inet:PORT@HOST",
 *	"HOST:PORT" and "[IPV6]:PORT" give *host_out and *port_out (and
 *	*unix_path_out = NULL). Any out-parameter may be NULL.
 *
 *	config_key_info() describes the i-th key of the table (NULL past the
 *	end), for documentation checks and "moimctl check".
 *	config_restart_key() names the first key that moim-listd keeps as it
 *	started with (the database, secret, user, group, sockets, relay,
 *	connections, DNS server and signing keys: the table marks them) and
 *	whose value differs between a and b, or NULL: a reload from a to b
 *	is refused when it is not NULL.
 * OWNERSHIP
 *	config_load*() return one reference; config_ref() adds one and
 *	config_unref() drops one, freeing the struct with the last. The
 *	struct and everything it points to must not be modified.
 *	config_parse_endpoint()'s strings belong to the caller (g_free).
 *	config_default_path() and config_key_info() return static data.
 * INPUT AND LIMITS
 *	The file is trusted but validated; over MOIM_MAX_CONFIG_FILE bytes,
 *	a NUL byte or invalid UTF-8 is refused before parsing. Values with
 *	control characters are refused, so none reaches a protocol line.
 *	config_is_list_domain() takes untrusted input: over 4 *
 *	MOIM_MAX_DOMAIN bytes it is simply not a list domain.
 * THREADS
 *	A loaded config may be read and ref'd/unref'd from any thread (the
 *	count is atomic). Reload builds a new one; the old one stays valid
 *	for whoever holds a reference.
 * ERRORS
 *	MOIM_ERR_CONFIG only, naming file, [group] key and the reason, e.g.
 *	"moim.conf: [listd] connections: 0 is out of range 1..64";
 *	syntax errors say "FILE: line N: ..."; a file that cannot be read
 *	says "PATH: strerror". config_parse_endpoint()'s message names only
 *	the value; the caller adds where it came from.
 * SEE ALSO
 *	moim.conf(5), err, limits.h
 */
#ifndef MOIM_CONFIG_H
#define MOIM_CONFIG_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

struct moim_config {
	/* [moim] */
	char *path; /* file it was loaded from ("" for data) */
	char *database; /* SQLite file */
	char **domains; /* NULL-terminated, lower-cased ASCII (xn--) */
	char *secret_file; /* HMAC key for tokens */
	char *templates; /* built-in template directory */
	char *language; /* "ko" or "en" */
	char *timezone; /* an identifier g_time_zone_new_identifier() takes */
	char *user; /* daemons drop to this user when started as root */
	char *group; /* and this group */
	char *archive_url; /* base URL for List-Archive; "" = no header */
	/* [milter] */
	char *milter_socket; /* "unix:/PATH" or "inet:PORT@HOST" */
	char *milter_socket_group; /* group of the unix socket (0660) */
	char **trusted_authserv_ids; /* Authentication-Results we believe */
	/* [listd] */
	char *lmtp; /* "unix:/PATH", "HOST:PORT" or "[IPV6]:PORT" */
	char *listd_socket_group; /* group of a unix LMTP socket (0660) */
	char *relay; /* "HOST:PORT" or "[IPV6]:PORT" */
	int connections; /* parallel SMTP sessions to the relay */
	char *hostname; /* name in LMTP greeting and SMTP EHLO */
	int retry_max_age; /* seconds a deferred copy is retried */
	int worker_lease; /* seconds a worker's claims outlive its silence */
	int bounce_threshold; /* permanent failures that disable a member */
	char *dns_server; /* "IPV4:PORT", "[IPV6]:PORT" or "" (resolv.conf) */
	int dns_timeout; /* milliseconds for one DMARC lookup */
	/* Keys that sign what the lists send (d = the list's domain); each
	 * selector is "" exactly when its key is "" (off). */
	char *arc_selector; /* ARC-Seal and ARC-Message-Signature */
	char *arc_key; /* PEM, RSA >= 2048 bits */
	char *dkim_selector; /* DKIM-Signature on every copy */
	char *dkim_key; /* PEM, RSA >= 2048 bits */
	char *dkim_ed25519_selector; /* a second DKIM-Signature */
	char *dkim_ed25519_key; /* PEM, Ed25519 (RFC 8463) */
	/* [web] */
	char *web_listen; /* "unix:/PATH", "HOST:PORT" or "[IPV6]:PORT" */
	char *base_url; /* public URL ending in "/"; "" = no web links */
	int web_threads; /* threads serving requests */
	char *web_socket_group; /* group of a unix socket (0660) */
};

/* One key of the table, as documented in moim.conf(5). */
struct config_key_info {
	const char *group;
	const char *key;
	const char *def; /* default as text; NULL: computed at load */
	const char *doc; /* one line */
	int min; /* range of an integer key; 0..0 for others */
	int max;
};

struct moim_config *config_load(const char *path, GError **err);
struct moim_config *config_load_data(
    const char *data, size_t len, const char *name, GError **err);
struct moim_config *config_ref(struct moim_config *c);
void config_unref(struct moim_config *c);
const char *config_default_path(void);
bool config_is_list_domain(const struct moim_config *c, const char *domain);
bool config_parse_endpoint(const char *spec, char **host_out, int *port_out,
    char **unix_path_out, GError **err);
const struct config_key_info *config_key_info(size_t i);
const struct config_key_info *config_restart_key(
    const struct moim_config *a, const struct moim_config *b);

#endif
