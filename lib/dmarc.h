/*
 * dmarc - find the DMARC policy an author's domain publishes
 *
 * SYNOPSIS
 *	void dmarc_record_parse(const char *buf, size_t len,
 *	    struct dmarc_record *rec_out);
 *	char *dmarc_org_domain(const char *domain);
 *	struct dmarc *dmarc_new(const char *server, int timeout_ms,
 *	    GError **err);
 *	void dmarc_free(struct dmarc *d);
 *	struct dns *dmarc_dns(struct dmarc *d);
 *	enum dmarc_result dmarc_lookup(struct dmarc *d, const char *domain,
 *	    gint64 now);
 *	GPtrArray *dmarc_names(const char *domain);
 *	bool dmarc_wants_munge(enum dmarc_result r);
 *	const char *dmarc_result_name(enum dmarc_result r);
 * DESCRIPTION
 *	A list that sends a post on with the author's From breaks the
 *	author's DMARC alignment (RFC 7489) once it adds a subject prefix or
 *	a footer; when the author's domain asks receivers to quarantine or
 *	reject such mail, moim-listd rewrites From (dmarc = auto). This
 *	module says what the domain asks.
 *
 *	dmarc_record_parse() reads the text of one TXT record (RFC 7489 6.3,
 *	6.4). is_dmarc tells that it starts with the tag v=DMARC1 (blanks
 *	before and around '=' allowed, the value compared without regard to
 *	case); anything else is not a DMARC record and is ignored by the
 *	lookup. Tags are separated by ';' with optional blanks around it;
 *	tag names and the values of p, sp, adkim and aspf are read without
 *	regard to case; unknown tags and parts without '=' are ignored.
 *	is_valid tells that the record has a usable policy: a valid p= (and
 *	a valid sp= if any), or else a rua= with at least one URI, in which
 *	case it counts as p=none (RFC 7489 6.6.3); an sp= without a valid
 *	value is as bad as a bad p=. sp is p when absent. pct (0..100) and
 *	adkim/aspf ('r' or 's') keep their defaults (100, 'r') when absent
 *	or malformed. A tag given twice, which RFC 6376 3.2 forbids, is not
 *	refused: of several p= (or sp=) values the strictest counts, since
 *	a receiver may read any of them; of other tags the last valid one.
 *
 *	dmarc_org_domain() gives the organizational domain of a domain (RFC
 *	7489 3.2: its public suffix plus one label), from the Public Suffix
 *	List that libpsl finds (the publicsuffix package's file, or the copy
 *	built into libpsl, whichever is newer); NULL when domain is itself
 *	a public suffix or not a domain.
 *
 *	dmarc_new() makes a resolver with a cache. server is "IPV4:PORT" or
 *	"[IPV6]:PORT", the one DNS server to ask (a local validating
 *	resolver), or NULL or "" for the servers of /etc/resolv.conf, read
 *	again at each lookup that misses the cache. timeout_ms (between
 *	DMARC_MIN_TIMEOUT_MS and DMARC_MAX_TIMEOUT_MS) bounds each
 *	dmarc_lookup() as a whole.
 *
 *	dmarc_dns() gives the resolver (lib/dns) that d looks up with, for
 *	the DKIM and ARC key lookups of moim-listd: same server, same
 *	bounds, one cache. It belongs to d.
 *
 *	dmarc_lookup() looks up the policy of domain (the author's, from
 *	From; UTF-8 or ASCII, any case, one trailing dot allowed) as RFC
 *	7489 6.6.3 says: the TXT records at _dmarc.DOMAIN; if none of them
 *	is a DMARC record (or the name does not exist), those at
 *	_dmarc.ORGDOMAIN, whose sp= then applies (p= when there is no sp=).
 *	More than one DMARC record at a name, or one without a usable policy,
 *	is DMARC_NO_POLICY, without looking further. A CNAME at the name is
 *	followed as far as the server's answer goes. A TXT record of several
 *	strings is read as their concatenation.
 *
 *	  DMARC_NO_POLICY   no record, NXDOMAIN, several records, unusable
 *	                    record, or domain is no DNS name (an address
 *	                    literal)
 *	  DMARC_NONE        p=none (monitoring only)
 *	  DMARC_QUARANTINE  p=quarantine
 *	  DMARC_REJECT      p=reject
 *	  DMARC_DNS_FAIL    no answer in time, SERVFAIL, REFUSED or a
 *	                    malformed answer from every server
 *
 *	dmarc_names() gives the names dmarc_lookup() of domain may ask for
 *	(_dmarc.DOMAIN and, when it differs, _dmarc.ORGDOMAIN; none for what
 *	is no DNS name), so that they can be asked ahead (dns_ready()).
 *
 *	pct= is not applied: like Mailman, moim munges whenever the policy
 *	is quarantine or reject, since a receiver that samples 10% still
 *	drops the list's copies for 10% of the members.
 *	dmarc_wants_munge() is true for QUARANTINE, REJECT and DNS_FAIL: when
 *	the policy cannot be known, munging is the copy that surely arrives.
 *
 *	The records are looked up and cached by lib/dns (the resolver of
 *	dmarc_dns()), per name asked (_dmarc. and the author's domain, and
 *	of the organizational domain): DMARC_CACHE_TTL seconds, also for
 *	"no record", and DMARC_FAIL_TTL seconds for a DNS failure, so that a
 *	resolver that is down costs one timeout per domain a minute, not one
 *	per post. The cache holds at most DMARC_CACHE_MAX names; when it is
 *	full, the name stored longest ago goes. now is the time in seconds on
 *	a clock that does not jump (g_get_monotonic_time() / G_USEC_PER_SEC);
 *	it is used for the cache only.
 *
 *	dmarc_result_name() gives "no_policy", "none", "quarantine",
 *	"reject" or "dns_fail", for logs.
 * HOW THE LOOKUP IS BOUNDED
 *	One deadline, now + timeout_ms, is fixed when dmarc_lookup() starts
 *	and both names' queries (lib/dns, which says how) wait only until
 *	it.
 * OWNERSHIP
 *	dmarc_org_domain() returns a new string (g_free), dmarc_names() a
 *	new array (g_ptr_array_unref). dmarc_new()'s
 *	result belongs to the caller (dmarc_free(), which accepts NULL).
 *	dmarc_result_name() returns a static string.
 * INPUT AND LIMITS
 *	Records and DNS answers are untrusted. A record over
 *	DMARC_MAX_RECORD bytes is never valid (it still counts as a DMARC
 *	record when it starts like one); an answer over DMARC_MAX_ANSWER
 *	bytes is a DNS failure; at most DMARC_MAX_CNAMES CNAMEs are followed.
 *	A domain over 4 * MOIM_MAX_DOMAIN bytes or not a DNS name gives
 *	DMARC_NO_POLICY without a query.
 * THREADS
 *	dmarc_record_parse(), dmarc_org_domain() and dmarc_wants_munge() have
 *	no shared state. A struct dmarc may be used by several threads at
 *	once, as its struct dns may (lib/dns).
 * ERRORS
 *	dmarc_new(): MOIM_ERR_CONFIG for a bad server or timeout. The lookup
 *	does not fail: DNS trouble is the result DMARC_DNS_FAIL.
 * SEE ALSO
 *	RFC 7489 (DMARC) 3.2, 6.3, 6.4, 6.6.3; RFC 6376 3.2; RFC 1035;
 *	libpsl; lib/dns; listd/post.c (munge_from).
 */
#ifndef MOIM_DMARC_H
#define MOIM_DMARC_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#include "dns.h"
#include "limits.h"

enum dmarc_result {
	DMARC_NO_POLICY,
	DMARC_NONE,
	DMARC_QUARANTINE,
	DMARC_REJECT,
	DMARC_DNS_FAIL,
};

struct dmarc_record {
	bool is_dmarc; /* starts with v=DMARC1: counts as a record at all */
	bool is_valid; /* has a usable policy (p, sp below) */
	enum dmarc_result p; /* DMARC_NONE, _QUARANTINE or _REJECT */
	enum dmarc_result sp; /* for subdomains; p when absent */
	bool has_sp;
	bool has_rua;
	int pct; /* 0..100, default 100; not applied */
	char adkim; /* 'r' or 's' */
	char aspf; /* 'r' or 's' */
};

struct dmarc;

void dmarc_record_parse(
    const char *buf, size_t len, struct dmarc_record *rec_out);
char *dmarc_org_domain(const char *domain);
struct dmarc *dmarc_new(const char *server, int timeout_ms, GError **err);
void dmarc_free(struct dmarc *d);
struct dns *dmarc_dns(struct dmarc *d);
enum dmarc_result dmarc_lookup(struct dmarc *d, const char *domain, gint64 now);
GPtrArray *dmarc_names(const char *domain);
bool dmarc_wants_munge(enum dmarc_result r);
const char *dmarc_result_name(enum dmarc_result r);

#endif
