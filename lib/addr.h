/*
 * addr - parse and normalise mail addresses
 *
 * SYNOPSIS
 *	bool addr_parse(const char *buf, size_t len, struct addr **a_out,
 *	    GError **err);
 *	GPtrArray *addr_parse_list(const char *buf, size_t len, GError **err);
 *	bool addr_parse_path(const char *buf, size_t len, struct addr **a_out,
 *	    GError **err);
 *	struct addr *addr_new(const char *display_name, const char *address,
 *	    GError **err);
 *	struct addr *addr_dup(const struct addr *a);
 *	void addr_free(struct addr *a);
 *	const char *addr_canonical(const struct addr *a);
 *	const char *addr_local(const struct addr *a);
 *	const char *addr_domain(const struct addr *a);
 *	const char *addr_display_name(const struct addr *a);
 *	char *addr_format(const struct addr *a);
 *	bool addr_is_valid_mailbox(const char *address);
 * DESCRIPTION
 *	addr_parse() reads one mailbox (RFC 5322 3.4), decodes an RFC 2047
 *	display name to UTF-8 (lib/hdrtext, from the text before "<") and
 *	puts the domain in one canonical form.
 *	Groups, several mailboxes or none are refused.
 *
 *	addr_parse_list() reads a To or Cc value with any number of mailboxes,
 *	flattens groups, and skips entries that are not valid mailboxes;
 *	its display names are GMime's. A folded value (line break followed
 *	by a space or tab) is unfolded.
 *
 *	addr_parse_path() reads an SMTP path (RFC 5321 4.1.2) as given to
 *	MAIL FROM or RCPT TO, with or without angle brackets; a source route
 *	is ignored. The null path "<>" is success with *a_out = NULL.
 *
 *	addr_canonical() is "local@domain": the local part with ASCII letters
 *	lower-cased (quotes kept only when the local part needs them) and the
 *	domain as lower-case ASCII, IDNs converted to "xn--" form (RFC 5891).
 *	It is the key for member lookups. addr_local() and addr_domain() are
 *	its two halves. addr_display_name() is UTF-8 or NULL.
 *
 *	addr_format() gives an RFC 5322 mailbox for a header field, with a
 *	non-ASCII display name RFC 2047 encoded, and the canonical address.
 *
 *	addr_new() builds an address from trusted parts (the database) and
 *	checks them as addr_parse() would; display_name may be NULL.
 *
 *	addr_is_valid_mailbox() is the stricter check for what an operator
 *	types: one addr-spec, no spaces or controls, local part of at most
 *	MOIM_MAX_LOCALPART octets, a domain with a dot or an IDN.
 * OWNERSHIP
 *	*a_out, addr_new() and addr_dup() results belong to the caller (free
 *	with addr_free(), which accepts NULL). The addr_parse_list() array
 *	owns its elements (struct addr *) and frees them with itself
 *	(g_ptr_array_unref). The string getters point into a. addr_format()
 *	returns a new string (g_free).
 * INPUT AND LIMITS
 *	buf is untrusted; over MOIM_MAX_ADDR bytes is MOIM_ERR_INPUT (for
 *	addr_parse_list: over MOIM_MAX_HEADER_FIELD bytes, or more than
 *	MOIM_MAX_RCPTS mailboxes). CR, LF and NUL are refused (except as
 *	folding in addr_parse_list). The domain must be a host name (letters,
 *	digits, hyphens, dots; labels of 1 to 63 octets not starting or ending
 *	with a hyphen) or UTF-8 that converts to one; domain literals are
 *	refused.
 * THREADS
 *	No shared state besides GMime's one-time initialisation (g_once).
 * ERRORS
 *	MOIM_ERR_INPUT only; never a temporary error.
 * SEE ALSO
 *	RFC 5321, RFC 5322, RFC 2047, RFC 5890; lib/limits.h.
 */
#ifndef MOIM_ADDR_H
#define MOIM_ADDR_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

struct addr;

bool addr_parse(const char *buf, size_t len, struct addr **a_out, GError **err);
GPtrArray *addr_parse_list(const char *buf, size_t len, GError **err);
bool addr_parse_path(
    const char *buf, size_t len, struct addr **a_out, GError **err);
struct addr *addr_new(
    const char *display_name, const char *address, GError **err);
struct addr *addr_dup(const struct addr *a);
void addr_free(struct addr *a);
const char *addr_canonical(const struct addr *a);
const char *addr_local(const struct addr *a);
const char *addr_domain(const struct addr *a);
const char *addr_display_name(const struct addr *a);
char *addr_format(const struct addr *a);
bool addr_is_valid_mailbox(const char *address);

#endif
