/*
 * rsvp - answers to events by iMIP, by reply, by command; seats
 *
 * SYNOPSIS
 *	bool rsvp_handle(struct job *j, GError **err);
 *	bool rsvp_reply(struct job *j, bool *handled_out, GError **err);
 *	bool rsvp_command(struct job *j, const struct cmd *c, const
 *	    char **result_out, GError **err);
 *	extern const char rsvp_answered[];
 *	bool rsvp_tell_promoted(struct job *j, const struct store_event *ev,
 *	    const struct store_rsvp *r, bool was_held, GError **err);
 *	bool rsvp_record(struct job *j, const struct store_event *ev, const
 *	    char *addr, const char *name, enum seats_answer a, int headcount,
 *	    const char *source, const char *other, GError **err);
 *	GPtrArray *rsvp_session_seated(struct job *j, const struct
 *	    store_event *ev, gint64 id, GError **err);
 *	bool rsvp_record_session(struct job *j, const struct store_event *ev,
 *	    gint64 session, const char *addr, const char *name, enum
 *	    seats_answer a, int headcount, const char *source, const
 *	    char *other, GError **err);
 * DESCRIPTION
 *	rsvp_handle() takes mail to L-rsvp+ID@D; rsvp_reply() a reply to the
 *	list that answers an event (*handled_out false: not one); rsvp_command()
 *	the rsvp command (its result rsvp_answered: the confirmation mail is the
 *	answer). rsvp_record() takes addr's answer by the rules of answers by
 *	mail (source: the stored source word, "web" for moim-web);
 *	rsvp_record_session() the same for one session of a recurring event (its
 *	original start; 0: the series). rsvp_session_seated() is the addresses
 *	(char *, new array) seated at one session (0: a one-session event).
 *	rsvp_tell_promoted() tells a member a seat came free for them.
 */
#ifndef MOIM_RSVP_H
#define MOIM_RSVP_H

#include "commands.h"
#include "job.h"
#include "seats.h"

bool rsvp_handle(struct job *j, GError **err);
bool rsvp_reply(struct job *j, bool *handled_out, GError **err);
bool rsvp_command(
    struct job *j, const struct cmd *c, const char **result_out, GError **err);
extern const char rsvp_answered[];
bool rsvp_tell_promoted(struct job *j, const struct store_event *ev,
    const struct store_rsvp *r, bool was_held, GError **err);
bool rsvp_record(struct job *j, const struct store_event *ev, const char *addr,
    const char *name, enum seats_answer a, int headcount, const char *source,
    const char *other, GError **err);
GPtrArray *rsvp_session_seated(
    struct job *j, const struct store_event *ev, gint64 id, GError **err);
bool rsvp_record_session(struct job *j, const struct store_event *ev,
    gint64 session, const char *addr, const char *name, enum seats_answer a,
    int headcount, const char *source, const char *other, GError **err);

#endif
