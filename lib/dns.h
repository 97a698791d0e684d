/*
 * dns - look up TXT records with one deadline and a cache
 *
 * SYNOPSIS
 *	struct dns *dns_new(const char *server, int timeout_ms,
 *	    GError **err);
 *	void dns_free(struct dns *d);
 *	enum dns_status dns_txt(struct dns *d, const char *name, gint64 now,
 *	    gint64 deadline, GPtrArray **txt_out);
 *	enum dns_status dns_txt_lookup(void *dns, const char *name,
 *	    GPtrArray **txt_out);
 *	typedef enum dns_status (*dns_txt_fn)(void *data, const char *name,
 *	    GPtrArray **txt_out);
 *	int dns_timeout_ms(const struct dns *d);
 *	bool dns_ready(struct dns *d, const char *name, gint64 now);
 *	typedef void (*dns_notify_fn)(void *data);
 *	void dns_set_notify(struct dns *d, dns_notify_fn fn, void *data);
 *	char *dns_name_normalise(const char *domain);
 * DESCRIPTION
 *	The one resolver of moim-listd for DMARC policies (lib/dmarc) and
 *	DKIM and ARC keys (lib/dkim, lib/arc), so that all of them ask the
 *	same server ([listd] dns_server, the test DNS server in the
 *	end-to-end tests) within the same bounds and share one cache.
 *
 *	dns_new() makes a resolver with a cache. server is "IPV4:PORT" or
 *	"[IPV6]:PORT", the one DNS server to ask (a local validating
 *	resolver), or NULL or "" for the servers of /etc/resolv.conf, read
 *	again at each lookup that misses the cache. timeout_ms (between
 *	DMARC_MIN_TIMEOUT_MS and DMARC_MAX_TIMEOUT_MS) is what
 *	dns_txt_lookup() gives each lookup.
 *
 *	dns_txt() gives the TXT records at name (ASCII, any case, one
 *	trailing dot allowed; see dns_name_normalise()), each as one
 *	string: the concatenation of the record's character-strings. A
 *	record holding a NUL byte is left out. DNS_FOUND with at least one
 *	record; DNS_NONE when the name does not exist or holds no TXT
 *	record (*txt_out is then NULL); DNS_FAIL when no server answered
 *	in time, with SERVFAIL, REFUSED or a malformed answer. A CNAME at
 *	the name is followed as far as the server's answer goes. now is
 *	the time in seconds on a clock that does not jump
 *	(g_get_monotonic_time() / G_USEC_PER_SEC), used for the cache
 *	only; deadline (g_get_monotonic_time() microseconds) bounds every
 *	wait, so several lookups may share one deadline. When another
 *	thread is asking the servers for the same name, dns_txt() waits
 *	for its answer (until deadline: then DNS_FAIL) rather than asking
 *	again.
 *
 *	dns_txt_lookup() is dns_txt() with the clock read and a deadline of
 *	timeout_ms from now; its signature is the dns_txt_fn that lib/dkim
 *	and lib/arc take (data is the struct dns), so that tests can pass a
 *	table instead of a server.
 *
 *	dns_ready() says whether a dns_txt() of name would be answered from
 *	the cache now (true also for what is no DNS name, which dns_txt()
 *	does not ask). When not, it has one of at most DNS_MAX_THREADS
 *	threads of d ask the servers for it, within d's timeout, and put
 *	the answer in the cache, unless such a lookup is under way or
 *	DNS_MAX_PENDING of them are (then dns_txt() asks, when it comes to
 *	it). It never waits: this is how moim-listd asks early, when a
 *	message comes in, and lets the processor skip a job whose answers
 *	are not in yet. dns_set_notify() names a function that each of
 *	those threads calls after it stored an answer (moim-listd wakes
 *	its processor); call it before the first dns_ready().
 *
 *	dns_name_normalise() gives domain (UTF-8 or ASCII, any case, one
 *	trailing dot allowed) as lower-case ASCII (IDN as xn--) without the
 *	dot, or NULL when it is no DNS name: labels of letters, digits, '-'
 *	and '_', each 1..63 bytes, the whole at most MOIM_MAX_DOMAIN bytes,
 *	and a last label that is not all digits (an IPv4 address). dns_txt()
 *	looks up and caches names in this form.
 *
 *	Answers are cached per name: DMARC_CACHE_TTL seconds, also for
 *	DNS_NONE, and DMARC_FAIL_TTL seconds for DNS_FAIL, so that a
 *	resolver that is down costs one timeout per name a minute, not one
 *	per message. The cache holds at most DMARC_CACHE_MAX names; when it
 *	is full, the name stored longest ago goes.
 * HOW THE LOOKUP IS BOUNDED
 *	The lookup sends its own queries (built by res_nmkquery(), read
 *	with ns_initparse() and ns_parserr()) rather than calling
 *	res_nquery(), whose timeouts count in whole seconds per server and
 *	try. The servers are tried in order, each for its share of the time
 *	left before the deadline; a query is sent again over UDP halfway
 *	through a server's share, an answer marked truncated is asked again
 *	over TCP within the same share. A reply that does not come from the
 *	server asked, does not carry the query's random id or does not
 *	repeat its question is ignored.
 * OWNERSHIP
 *	dns_name_normalise() returns a new string (g_free). dns_new()'s
 *	result belongs to the caller (dns_free(), which accepts NULL; it
 *	drops the lookups dns_ready() queued and waits for those under way,
 *	at most the timeout). *txt_out is the caller's (g_ptr_array_unref;
 *	its strings go with it).
 * INPUT AND LIMITS
 *	DNS answers are untrusted: an answer over DMARC_MAX_ANSWER bytes is
 *	DNS_FAIL; at most DMARC_MAX_CNAMES CNAMEs are followed; at most
 *	DNS_MAX_RECORDS records are kept. A name over 4 * MOIM_MAX_DOMAIN
 *	bytes or not a DNS name gives DNS_NONE without a query.
 * THREADS
 *	A struct dns may be used by several threads at once: each lookup has
 *	its own resolver state and sockets, and the cache and the set of
 *	names being asked are guarded by a mutex that is never held during
 *	a query. The notify function runs in dns_ready()'s threads.
 * ERRORS
 *	dns_new(): MOIM_ERR_CONFIG for a bad server or timeout. Lookups do
 *	not fail: DNS trouble is the status DNS_FAIL.
 * SEE ALSO
 *	RFC 1035; RFC 7208 3.3 (TXT strings concatenated); lib/dmarc,
 *	lib/dkim, lib/arc.
 */
#ifndef MOIM_DNS_H
#define MOIM_DNS_H

#include <glib.h>
#include <stdbool.h>

#include "limits.h"

enum dns_status {
	DNS_FOUND,
	DNS_NONE,
	DNS_FAIL,
};

typedef enum dns_status (*dns_txt_fn)(
    void *data, const char *name, GPtrArray **txt_out);
typedef void (*dns_notify_fn)(void *data);

struct dns;

struct dns *dns_new(const char *server, int timeout_ms, GError **err);
void dns_free(struct dns *d);
enum dns_status dns_txt(struct dns *d, const char *name, gint64 now,
    gint64 deadline, GPtrArray **txt_out);
enum dns_status dns_txt_lookup(
    void *dns, const char *name, GPtrArray **txt_out);
int dns_timeout_ms(const struct dns *d);
bool dns_ready(struct dns *d, const char *name, gint64 now);
void dns_set_notify(struct dns *d, dns_notify_fn fn, void *data);
char *dns_name_normalise(const char *domain);

#endif
