/*
 * post - a post to L@D: the list's policy decides what becomes of it
 *
 * SYNOPSIS
 *	bool post_handle(struct job *j, GError **err);
 * DESCRIPTION
 *	post_handle() applies the list's policy to a post to L@D (RCPT_POST) and
 *	acts on it: distributed (copy.c), an event (event.c), an answer to an
 *	event (rsvp.c), held (moderate.c, privileged.c) or refused. request.c
 *	calls it again for a held post its author confirmed.
 */
#ifndef MOIM_POST_H
#define MOIM_POST_H

#include "job.h"

bool post_handle(struct job *j, GError **err);

#endif
