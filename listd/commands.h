/*
 * commands - read the email commands of SPEC from a request mail
 *
 * SYNOPSIS
 *	GPtrArray *cmd_parse(const char *subject, const char *body);
 *	void cmd_free(struct cmd *c);
 * DESCRIPTION
 *	Commands (subscribe, unsubscribe, confirm TOKEN, help, digest on|off,
 *	nomail on|off, events, rsvp EVENT[@YYYY-MM-DD] yes|no|maybe [+N]
 *	(a date names one session of a recurring event), topics, mute
 *	TOPIC, follow TOPIC, all, and the Korean aliases 구독, 구독취소/탈퇴,
 *	도움말, 참석/불참/미정, 주제, 끄기, 받기, 전체) are read from the
 *	Subject (after Re:/답장: markers) and then from the first lines of
 *	the body. Quoted lines ("> ..."), attribution lines ("On ... wrote:",
 *	"...님이 작성:", "-----Original Message-----") and everything after a
 *	signature separator ("-- ") are ignored; reading stops at "end" or
 *	after MOIM_MAX_COMMAND_LINES lines or five unknown lines in a row.
 *	A Subject that is not a command is not an error (people write
 *	"Please subscribe me" in Subject and "subscribe" in the body).
 *
 *	The result has one struct cmd per recognised or unrecognised line
 *	(CMD_UNKNOWN keeps the line so the reply can quote it), in order,
 *	with duplicates of the same command dropped.
 * INPUT AND LIMITS
 *	subject and body are untrusted UTF-8 (mime_body_text() output);
 *	lines over MOIM_MAX_COMMAND_LINE bytes are unknown.
 * THREADS
 *	No shared state.
 */
#ifndef MOIM_COMMANDS_H
#define MOIM_COMMANDS_H

#include <glib.h>
#include <stdbool.h>

enum cmd_verb {
	CMD_UNKNOWN,
	CMD_SUBSCRIBE,
	CMD_UNSUBSCRIBE,
	CMD_CONFIRM,
	CMD_HELP,
	CMD_DIGEST,
	CMD_NOMAIL,
	CMD_EVENTS,
	CMD_RSVP,
	CMD_TOPICS,
	CMD_MUTE,
	CMD_FOLLOW,
	CMD_ALL,
};

struct cmd {
	enum cmd_verb verb;
	char *arg; /* TOKEN, on|off, EVENT, TOPIC; NULL if none */
	char *arg2; /* rsvp answer: yes|no|maybe */
	int guests; /* rsvp +N */
	int year, month, day; /* rsvp EVENT@YYYY-MM-DD; 0 when no date */
	bool bad_args;
	char *line; /* the line as written (for the reply) */
};

GPtrArray *cmd_parse(const char *subject, const char *body);
void cmd_free(struct cmd *c);
const char *cmd_verb_name(enum cmd_verb v);

#endif
