/*
 * bounce - bounces to L-bounces@D: probes, disabling, removal
 *
 * SYNOPSIS
 *	bool bounce_handle(struct job *j, GError **err);
 *	bool bounce_apply(struct job *j, const struct store_member *m, enum
 *	    dsn_kind kind, const char *status, const char *diag, GError **err);
 * DESCRIPTION
 *	bounce_handle() reads a delivery status notification to L-bounces@D
 *	(VERP or token) and applies it; bounce_apply() applies one failure of
 *	member m, also one the relay refused at SMTP time (fanout.c).
 */
#ifndef MOIM_BOUNCE_H
#define MOIM_BOUNCE_H

#include "dsn.h"
#include "job.h"

bool bounce_handle(struct job *j, GError **err);
bool bounce_apply(struct job *j, const struct store_member *m,
    enum dsn_kind kind, const char *status, const char *diag, GError **err);

#endif
