/*
 * notice - the mails moim-listd writes from templates
 *
 * SYNOPSIS
 *	GHashTable *notice_vars(struct job *j, const char *to);
 *	bool notice_queue(struct job *j, const char *tpl, const char *to,
 *	    GHashTable *vars, const char *reply_to, GError **err);
 *	bool notice_queue_attach(struct job *j, const char *tpl, const char *to,
 *	    GHashTable *vars, const char *reply_to, GMimeMessage *attach,
 *	    GError **err);
 *	bool notice_owners(struct job *j, const char *tpl, GHashTable *vars,
 *	    GMimeMessage *attach, GError **err);
 *	bool notice_author(struct job *j, const char *tpl, const char *why,
 *	    GError **err);
 *	bool notice_queue_imip(struct job *j, const char *tpl, const struct
 *	    store_rcpt *to, GHashTable *vars, const char *ics, enum imip_method
 *	    method, GError **err);
 *	char *notice_from(const struct store_list *l);
 *	char *notice_list_id(const struct store_list *l);
 * DESCRIPTION
 *	notice_vars() is a new table of the variables every template gets;
 *	notice_queue() renders tpl to one address and queues it (with an
 *	attached message: notice_queue_attach(); to every owner:
 *	notice_owners(); to the author of j, never to an auto-reply:
 *	notice_author(), with why as "reason"; an iMIP invitation:
 *	notice_queue_imip()). notice_from() and notice_list_id() are the From
 *	and List-Id values of a list's own mail (new strings).
 */
#ifndef MOIM_NOTICE_H
#define MOIM_NOTICE_H

#include "imip.h"
#include "job.h"

GHashTable *notice_vars(struct job *j, const char *to);
bool notice_queue(struct job *j, const char *tpl, const char *to,
    GHashTable *vars, const char *reply_to, GError **err);
bool notice_queue_attach(struct job *j, const char *tpl, const char *to,
    GHashTable *vars, const char *reply_to, GMimeMessage *attach, GError **err);
bool notice_owners(struct job *j, const char *tpl, GHashTable *vars,
    GMimeMessage *attach, GError **err);
bool notice_author(
    struct job *j, const char *tpl, const char *why, GError **err);
bool notice_queue_imip(struct job *j, const char *tpl,
    const struct store_rcpt *to, GHashTable *vars, const char *ics,
    enum imip_method method, GError **err);
char *notice_from(const struct store_list *l);
char *notice_list_id(const struct store_list *l);

#endif
