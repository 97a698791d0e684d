/*
 * sign - moim-listd's ARC set per post and DKIM signatures per copy
 *
 * SYNOPSIS
 *	bool sign_init(struct listd *d, GError **err);
 *	void sign_free(struct listd *d);
 *	enum arc_cv sign_arc_check(struct job *j);
 *	GBytes *sign_arc_seal(struct job *j, GBytes *post);
 *	void sign_body_hash(const char *msg, size_t len,
 *	    char bh_out[DKIM_BH_SIZE]);
 *	bool sign_copy(struct listd *d, const char *domain, const char *bh,
 *	    GString *msg);
 * DESCRIPTION
 *	sign_init() reads the keys moim.conf names (lib/signkey; a key that
 *	cannot be loaded stops the start with one line). The keys of
 *	incoming ARC chains are fetched with the DMARC lookups' resolver
 *	(dmarc_dns()), through [listd] dns_server, within dns_timeout.
 *
 *	sign_arc_check() validates the ARC chain the post of j arrived with
 *	(j->raw, as received) once per job and keeps the verdict and the
 *	chain's length in j: the seal's cv= and, with the list setting
 *	arc_trust, whether dmarc=auto may keep From (post.c).
 *
 *	sign_arc_seal() gives post (the prepared post, as stored for the
 *	senders) with one ARC set on top, made with [listd] arc_key and d =
 *	the list's domain: the AAR copies the first Authentication-Results
 *	field of j's message whose authserv-id is in [milter]
 *	trusted_authserv_ids (else the list host's own, with no results),
 *	with the arc= verdict added; the AMS covers sighdr_ams_names; the
 *	AS carries cv from sign_arc_check(). Without an ARC key, with a
 *	chain already at ARC_MAX_INSTANCES, or when sealing fails, it logs
 *	why and gives post unchanged: the post goes out unsealed, never
 *	held.
 *
 *	sign_body_hash() is the relaxed body hash of msg's body, for
 *	sign_copy(): the senders compute it once per outbound post.
 *	sign_copy() puts DKIM-Signature fields (RSA, and Ed25519 when
 *	configured) for domain on top of msg, covering sighdr_dkim_names;
 *	bh is msg's body hash. Without a DKIM key it does nothing; when
 *	signing fails it logs why and leaves msg unsigned (false).
 * OWNERSHIP
 *	sign_arc_seal() returns a new reference.
 * THREADS
 *	Keys are loaded before the threads start and are shared read-only
 *	(lib/dkim allows that; lib/dns guards its cache).
 * ERRORS
 *	sign_init(): MOIM_ERR_CONFIG or MOIM_ERR_TEMP naming the setting
 *	and the file.
 * SEE ALSO
 *	lib/arc, lib/dkim, lib/dns, lib/signkey, listd/sighdr.h, RFC 8617,
 *	RFC 6376
 */
#ifndef MOIM_SIGN_H
#define MOIM_SIGN_H

#include <glib.h>
#include <stdbool.h>

#include "arc.h"
#include "dkim.h"
#include "job.h"
#include "listd.h"

bool sign_init(struct listd *d, GError **err);
void sign_free(struct listd *d);
enum arc_cv sign_arc_check(struct job *j);
GBytes *sign_arc_seal(struct job *j, GBytes *post);
void sign_body_hash(const char *msg, size_t len, char bh_out[DKIM_BH_SIZE]);
bool sign_copy(
    struct listd *d, const char *domain, const char *bh, GString *msg);

#endif
