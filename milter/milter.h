/*
 * milter - moim-milter's libmilter glue, as main.c sees it
 *
 * SYNOPSIS
 *	bool milter_init(struct moim_config *cfg, GError **err);
 *	struct smfiDesc *milter_desc(void);
 *	void milter_shutdown(void);
 * DESCRIPTION
 *	milter_init() keeps a reference to cfg for the sessions to come and
 *	sets up the shared rate table and the (empty) pool of read-only
 *	database connections with what they remember of lists and members
 *	(cache.h); milter_desc() is the filter description to give
 *	smfi_register(); milter_shutdown() drops them after smfi_main()
 *	returned.
 *
 *	The callbacks (callbacks.c) gather facts and ask policy_decide();
 *	see policy.h for the rules and moim-milter(8) for what a client sees.
 * OWNERSHIP
 *	milter_init() takes a reference of its own to cfg.
 * THREADS
 *	milter_init() and milter_shutdown() before and after the libmilter
 *	threads run; the callbacks run on many threads, each session on one
 *	at a time.
 * ERRORS
 *	milter_init() cannot fail today; it takes err for symmetry with the
 *	other start-up steps.
 */
#ifndef MOIM_MILTER_H
#define MOIM_MILTER_H

#include <glib.h>
#include <libmilter/mfapi.h>
#include <stdbool.h>

#include "config.h"

bool milter_init(struct moim_config *cfg, GError **err);
struct smfiDesc *milter_desc(void);
void milter_shutdown(void);

#endif
