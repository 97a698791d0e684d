/*
 * topic - a list's topics, the topic of a Subject, who gets a topic
 *
 * SYNOPSIS
 *	char **topic_list_parse(const char *value, GError **err);
 *	const char *topic_find(const char *const *topics, const char *word,
 *	    size_t len);
 *	const char *topic_of_subject(const char *subject, const char *prefix,
 *	    const char *const *topics);
 *	bool topic_delivers(const char *topic, const char *const *topics,
 *	    const char *const *follows, const char *const *mutes);
 *	bool topic_is_offered(const char *const *topics, const char *pick);
 * DESCRIPTION
 *	topic_list_parse() reads the list setting "topics": words
 *	separated by blanks or commas, each a tag a member can write in a
 *	Subject, so none holds a bracket, '#', a blank or a control
 *	character; at most MOIM_MAX_TOPICS of them, each of at most
 *	MOIM_MAX_TOPIC bytes, no two the same (ASCII case ignored). An
 *	empty value is no topics (an empty vector).
 *
 *	topic_find() is the list's spelling of the word at word (len
 *	bytes) when it is one of topics: Latin letters in any case, and
 *	Unicode forms (NFC and NFD Hangul) compare equal.
 *
 *	topic_of_subject() is the topic of a Subject (decoded UTF-8): the
 *	first "[topic]" (also "【topic】" or "［topic］", blanks inside
 *	ignored) or "#topic" (at the start or after a blank or bracket,
 *	also "＃topic") that names one of topics, wherever it stands: after
 *	reply markers (Re:, Fwd:, 회신:, 답장:) and the list's own prefix
 *	(which is never a topic, even when it reads like one), or at the
 *	end. Unknown tags are passed over. The topic of a reply is its
 *	thread's; the caller decides that, this module only reads text.
 *
 *	topic_delivers() decides whether a member with these choices gets
 *	a post of topic (NULL: none; else spelled as in topics, the list's
 *	topics now): not when the member muted it; when the member follows
 *	topics, only when it is one of them (a post with no topic then does
 *	not arrive either); otherwise yes. Only choices that are still
 *	among topics count (compared as topic_find() does): a follow or a
 *	mute of a topic the owner removed is ignored, so a member whose
 *	every followed topic is gone gets every post again, as after "all".
 *	topic_is_offered() tells whether a member's choice is still one of
 *	topics.
 * OWNERSHIP
 *	topic_list_parse() returns a GStrv the caller frees (g_strfreev);
 *	topic_find() and topic_of_subject() point into topics.
 * INPUT AND LIMITS
 *	subject is untrusted; only its first MOIM_TOPIC_SCAN bytes are
 *	read, and invalid UTF-8 matches nothing. value comes from an
 *	administrator; a bad one is MOIM_ERR_INPUT saying why.
 * THREADS
 *	No shared state.
 */
#ifndef MOIM_TOPIC_H
#define MOIM_TOPIC_H

#include <glib.h>
#include <stdbool.h>

char **topic_list_parse(const char *value, GError **err);
const char *topic_find(const char *const *topics, const char *word, size_t len);
const char *topic_of_subject(
    const char *subject, const char *prefix, const char *const *topics);
bool topic_delivers(const char *topic, const char *const *topics,
    const char *const *follows, const char *const *mutes);
bool topic_is_offered(const char *const *topics, const char *pick);

#endif
