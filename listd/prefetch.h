/*
 * prefetch - ask the DNS ahead for what processing a post looks up
 *
 * SYNOPSIS
 *	GPtrArray *prefetch_names(struct listd *d, const struct store_list *l,
 *	    const char *from, const char *raw, size_t len);
 *	bool prefetch_ready(struct listd *d, const GPtrArray *names);
 * DESCRIPTION
 *	Posting looks up the author domain's DMARC policy (dmarc = auto,
 *	post.c) and the keys of the ARC chain the post came with (sign.c),
 *	on the processor thread. Asked when the message comes in (LMTP,
 *	after it is stored), the answers are usually in lib/dns's cache by
 *	the time the processor gets to the post; a post whose answers are
 *	not in yet waits while other jobs go on (process.c), so a domain
 *	whose DNS does not answer holds up its own posts, not every list.
 *
 *	prefetch_names() gives the names a post from envelope sender from,
 *	with the bytes raw, to list l may make the processor look up:
 *	_dmarc. of the From domain (and of its organizational domain) when
 *	l's dmarc setting is auto, and the keys of its ARC chain when
 *	moim-listd seals ([listd] arc_key) or l has arc_trust. l NULL
 *	stands for a list with dmarc = auto and without arc_trust (at LMTP
 *	time, before the processor resolves the recipient). None for the null
 *sender (a bounce is no post).
 *
 *	prefetch_ready() is true when every name's answer is cached; the
 *	names that are not are asked by lib/dns's threads (dns_ready()),
 *	which wake the processor (listd_kick()) as answers come in.
 * OWNERSHIP
 *	The arrays are the caller's (g_ptr_array_unref).
 * THREADS
 *	Any thread; lib/dns guards its cache.
 * SEE ALSO
 *	lib/dns, lib/dmarc (dmarc_names()), lib/arc (arc_key_names())
 */
#ifndef MOIM_PREFETCH_H
#define MOIM_PREFETCH_H

#include <glib.h>
#include <stdbool.h>

#include "listd.h"
#include "store.h"

GPtrArray *prefetch_names(struct listd *d, const struct store_list *l,
    const char *from, const char *raw, size_t len);
bool prefetch_ready(struct listd *d, const GPtrArray *names);

#endif
