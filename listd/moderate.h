/*
 * moderate - held posts: the moderators' decisions and expiry
 *
 * SYNOPSIS
 *	bool moderate_hold(struct job *j, const char *why, GError **err);
 *	bool moderate_reply(struct job *j, const char *tok, const
 *	    char **result_out, GError **err);
 *	void moderate_timer(struct listd *d, struct store *s, gint64 now);
 * DESCRIPTION
 *	moderate_hold() keeps the post of j for the moderators, tells them and
 *	its author. moderate_reply() takes a moderator's answer to
 *	L-confirm+TOKEN@D (*result_out stays NULL when tok is not a moderation
 *	token); an approved post is distributed (copy.c). moderate_timer()
 *	expires held posts.
 */
#ifndef MOIM_MODERATE_H
#define MOIM_MODERATE_H

#include "job.h"
#include "listd.h"

bool moderate_hold(struct job *j, const char *why, GError **err);
bool moderate_reply(
    struct job *j, const char *tok, const char **result_out, GError **err);
void moderate_timer(struct listd *d, struct store *s, gint64 now);

#endif
