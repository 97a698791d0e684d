/*
 * topics - the topic of a post, who gets it, and members' choices
 *
 * SYNOPSIS
 *	extern const char topics_listed[];
 *	bool topics_of_post(struct job *j, char **topic_out, GError **err);
 *	bool topics_required_why(struct job *j, char **why_out, GError **err);
 *	bool topics_mark_copy(struct job *j, const char *topic, GError **err);
 *	bool topics_keep(struct job *j, const char *topic, GPtrArray *members,
 *	    GError **err);
 *	bool topics_archived(struct job *j, const char *topic, GError **err);
 *	bool topics_command(struct job *j, const struct cmd *c, const
 *	    char **result_out, GError **err);
 * DESCRIPTION
 *	topics_of_post() is the topic of the post (new string or NULL);
 *	topics_required_why() why it must wait for the moderators (NULL: it need
 *	not); topics_mark_copy() puts the topic in the copy; topics_keep()
 *	leaves in members only those who get the topic; topics_archived()
 *	records the topic of the archived post. topics_command() answers
 *	"topics", "mute", "follow" and "all" (its result topics_listed: the
 *	topics mail is the answer).
 */
#ifndef MOIM_TOPICS_H
#define MOIM_TOPICS_H

#include "commands.h"
#include "job.h"

extern const char topics_listed[];
bool topics_of_post(struct job *j, char **topic_out, GError **err);
bool topics_required_why(struct job *j, char **why_out, GError **err);
bool topics_mark_copy(struct job *j, const char *topic, GError **err);
bool topics_keep(
    struct job *j, const char *topic, GPtrArray *members, GError **err);
bool topics_archived(struct job *j, const char *topic, GError **err);
bool topics_command(
    struct job *j, const struct cmd *c, const char **result_out, GError **err);

#endif
