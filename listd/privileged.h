/*
 * privileged - an owner's or moderator's act waits for proof or consent
 *
 * SYNOPSIS
 *	bool privileged_hold(struct job *j, const struct addr *who, const
 *	    char *why, GError **err);
 * DESCRIPTION
 *	privileged_hold() holds an unproven privileged post and mails who a
 *	token of purpose PRIVILEGED_PURPOSE; request.c takes the answer and runs
 *	the post again (post_handle()) as a confirmed act.
 */
#ifndef MOIM_PRIVILEGED_H
#define MOIM_PRIVILEGED_H

#include "job.h"

/* The token's purpose: distinct from moderation and subscription. */
#define PRIVILEGED_PURPOSE "privileged"

bool privileged_hold(
    struct job *j, const struct addr *who, const char *why, GError **err);

#endif
