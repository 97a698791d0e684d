/*
 * dns - look up TXT records with one deadline and a cache
 *
 * Skeleton: the interface of dns.h; the resolver moves here from
 * lib/dmarc.c in the next commits.
 */
#include "config.h"

#include "dns.h"
#include "err.h"

struct dns {
	int timeout_ms;
};

struct dns *
dns_new(const char *server, int timeout_ms, GError **err)
{
	struct dns *d;

	(void)server;
	if (timeout_ms < DMARC_MIN_TIMEOUT_MS ||
	    timeout_ms > DMARC_MAX_TIMEOUT_MS) {
		(void)moim_fail(
		    err, MOIM_ERR_CONFIG, "bad DNS timeout %d ms", timeout_ms);
		return NULL;
	}
	d = g_new0(struct dns, 1);
	d->timeout_ms = timeout_ms;
	return d;
}

void
dns_free(struct dns *d)
{
	g_free(d);
}

enum dns_status
dns_txt(struct dns *d, const char *name, gint64 now, gint64 deadline,
    GPtrArray **txt_out)
{
	(void)d;
	(void)name;
	(void)now;
	(void)deadline;
	*txt_out = NULL;
	return DNS_FAIL;
}

enum dns_status
dns_txt_lookup(void *dns, const char *name, GPtrArray **txt_out)
{
	struct dns *d = dns;
	gint64 t = g_get_monotonic_time();

	return dns_txt(d, name, t / G_USEC_PER_SEC,
	    t + (gint64)d->timeout_ms * 1000, txt_out);
}

int
dns_timeout_ms(const struct dns *d)
{
	return d->timeout_ms;
}
