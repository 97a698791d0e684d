/*
 * prefetch - ask the DNS ahead for what processing a post looks up
 *
 * The names come from the libraries that will look them up (dmarc_names(),
 * arc_key_names()), so that what is asked ahead is what is asked later.
 */
#include <string.h>

#include "addr.h"
#include "arc.h"
#include "dns.h"
#include "limits.h"
#include "prefetch.h"
#include "rawhdr.h"
#include "rcpt.h"

/* add_all - move the names of more to the end of names */
static void
add_all(GPtrArray *names, GPtrArray *more)
{
	for (guint i = 0; i < more->len; i++)
		g_ptr_array_add(names, g_strdup(more->pdata[i]));
	g_ptr_array_unref(more);
}

/* author_domain - the domain of raw's From, or NULL */
static char *
author_domain(const char *raw, size_t len)
{
	g_autofree char *from =
	    rawhdr_first(raw, len, "From", MOIM_MAX_HEADER_FIELD);
	struct addr *a = NULL;
	char *domain = NULL;

	if (from != NULL && addr_parse(from, strlen(from), &a, NULL) &&
	    a != NULL)
		domain = g_strdup(addr_domain(a));
	addr_free(a);
	return domain;
}

/* prefetch_names - the names a post to l (NULL: any) may look up */
GPtrArray *
prefetch_names(struct listd *d, const struct store_list *l, const char *from,
    const char *raw, size_t len)
{
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *domain = NULL;

	if (from == NULL || *from == '\0')
		return names;
	if ((l == NULL || l->set.dmarc == LISTSET_DMARC_AUTO) &&
	    (domain = author_domain(raw, len)) != NULL)
		add_all(names, dmarc_names(domain));
	if (d->arc_key != NULL || (l != NULL && l->set.arc_trust))
		add_all(names, arc_key_names(raw, len));
	return names;
}

/* prefetch_ready - whether every name's answer is cached; the others
 * are asked */
bool
prefetch_ready(struct listd *d, const GPtrArray *names)
{
	gint64 now = g_get_monotonic_time() / G_USEC_PER_SEC;
	bool is_ready = true;

	/* Every name is asked, not only up to the first one missing. */
	for (guint i = 0; i < names->len; i++)
		is_ready =
		    dns_ready(dmarc_dns(d->dmarc), names->pdata[i], now) &&
		    is_ready;
	return is_ready;
}
