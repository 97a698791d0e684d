/*
 * signkey - the signing keys moim.conf names, loaded and checked
 *
 * SYNOPSIS
 *	size_t signkey_specs(const struct moim_config *c,
 *	    struct signkey_spec out[SIGNKEY_MAX]);
 *	struct dkim_key *signkey_load(const struct signkey_spec *s,
 *	    GError **err);
 * DESCRIPTION
 *	[listd] arc_key, dkim_key and dkim_ed25519_key (moim.conf(5)) are
 *	read by moim-listd at start-up and checked by "moimctl check" the
 *	same way, here. signkey_specs() fills out with the keys that are
 *	set, in that order (ARC, DKIM RSA, DKIM Ed25519), and returns how
 *	many: each names its setting ("[listd] arc_key"), its selector,
 *	its file and the type of key the setting takes (RSA for ARC, RFC
 *	8617 defines no other; RSA for dkim_key, which every receiver
 *	checks; Ed25519 for dkim_ed25519_key).
 *
 *	signkey_load() reads one key with lib/dkim (PEM, RSA of 2048 bits
 *	or more or Ed25519) and refuses a key of the other type, so that a
 *	wrong file is found before the first post rather than by receivers.
 * OWNERSHIP
 *	The specs point into c, valid while c is. The key is the caller's
 *	(dkim_key_free()).
 * INPUT AND LIMITS
 *	The files are the administrator's (trusted, validated by lib/dkim).
 * THREADS
 *	No shared state.
 * ERRORS
 *	MOIM_ERR_CONFIG (or MOIM_ERR_TEMP when the file cannot be read),
 *	one line naming the setting and the file: "[listd] dkim_key
 *	/etc/moim/dkim.pem: ...".
 * SEE ALSO
 *	lib/dkim, lib/config, listd/sign.c, ctl/check.c
 */
#ifndef MOIM_SIGNKEY_H
#define MOIM_SIGNKEY_H

#include <glib.h>
#include <stddef.h>

#include "config.h"
#include "dkim.h"

#define SIGNKEY_MAX 3

enum signkey_use {
	SIGNKEY_ARC,
	SIGNKEY_DKIM,
	SIGNKEY_DKIM_ED25519,
};

struct signkey_spec {
	enum signkey_use use;
	const char *what; /* "[listd] arc_key" */
	const char *selector;
	const char *path;
	enum dkim_alg alg; /* the type the setting takes */
};

size_t signkey_specs(
    const struct moim_config *c, struct signkey_spec out[SIGNKEY_MAX]);
struct dkim_key *signkey_load(const struct signkey_spec *s, GError **err);

#endif
