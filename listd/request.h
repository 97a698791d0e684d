/*
 * request - commands, subscriptions and confirmations by mail
 *
 * SYNOPSIS
 *	bool request_handle(struct job *j, GError **err);
 *	bool request_subscribe(struct job *j, const struct addr *a, const
 *	    char **result_out, GError **err);
 *	bool request_unsubscribed(struct job *j, const char *addr, const
 *	    char **result_out, GError **err);
 * DESCRIPTION
 *	request_handle() answers L-request@D, L-subscribe@D, L-unsubscribe@D and
 *	L-confirm+TOKEN@D. request_subscribe() asks a for the confirmation of a
 *	subscription; request_unsubscribed() removes a member who unsubscribed
 *	on the web (webact.c) and tells them.
 */
#ifndef MOIM_REQUEST_H
#define MOIM_REQUEST_H

#include "job.h"

bool request_handle(struct job *j, GError **err);
bool request_subscribe(
    struct job *j, const struct addr *a, const char **result_out, GError **err);
bool request_unsubscribed(
    struct job *j, const char *addr, const char **result_out, GError **err);

#endif
