/*
 * topic - a list's topics, the topic of a Subject, who gets a topic
 */
#include <string.h>

#include "err.h"
#include "limits.h"
#include "topic.h"

/* Brackets and hash signs a tag is written with: ASCII, and the
 * full-width forms Korean and Japanese input methods produce. */
static const char *const opens[] = {"[", "\xe3\x80\x90", "\xef\xbc\xbb", NULL};
static const char *const closes[] = {"]", "\xe3\x80\x91", "\xef\xbc\xbd", NULL};
static const char *const hashes[] = {"#", "\xef\xbc\x83", NULL};

/* at_any - the length of the string of set that p (before end) starts
 * with, or 0 */
static size_t
at_any(const char *const *set, const char *p, const char *end)
{
	for (size_t i = 0; set[i] != NULL; i++) {
		size_t n = strlen(set[i]);

		if ((size_t)(end - p) >= n && memcmp(p, set[i], n) == 0)
			return n;
	}
	return 0;
}

/* is_mark - whether p starts a bracket or hash sign */
static bool
is_mark(const char *p, const char *end)
{
	return at_any(opens, p, end) || at_any(closes, p, end) ||
	    at_any(hashes, p, end);
}

/* topic_key - the form two topics are compared in: NFC, case folded;
 * NULL for invalid UTF-8 */
static char *
topic_key(const char *word, size_t len)
{
	g_autofree char *n = NULL;

	if (!g_utf8_validate(word, (gssize)len, NULL))
		return NULL;
	n = g_utf8_normalize(word, (gssize)len, G_NORMALIZE_NFC);
	return n != NULL ? g_utf8_casefold(n, -1) : NULL;
}

/* topic_find - the list's spelling of word, or NULL */
const char *
topic_find(const char *const *topics, const char *word, size_t len)
{
	g_autofree char *key = NULL;

	if (topics == NULL || len == 0 || len > MOIM_MAX_TOPIC * 4)
		return NULL;
	key = topic_key(word, len);
	if (key == NULL)
		return NULL;
	for (size_t i = 0; topics[i] != NULL; i++) {
		g_autofree char *k = topic_key(topics[i], strlen(topics[i]));

		if (k != NULL && strcmp(k, key) == 0)
			return topics[i];
	}
	return NULL;
}

/* word_ok - whether w can be a topic: text, no blank, bracket or hash */
static bool
word_ok(const char *w)
{
	const char *end = w + strlen(w);

	if (end - w > MOIM_MAX_TOPIC || !g_utf8_validate(w, -1, NULL))
		return false;
	for (const char *p = w; p < end; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || is_mark(p, end))
			return false;
	return true;
}

/* topic_list_parse - the list's topics from the setting's value */
char **
topic_list_parse(const char *value, GError **err)
{
	g_auto(GStrv) words = g_strsplit_set(value, " \t,", -1);
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

	for (char **w = words; *w != NULL; w++) {
		if (**w == '\0')
			continue;
		if (!word_ok(*w)) {
			moim_fail(err, MOIM_ERR_INPUT,
			    "a topic is a word of at most %d bytes without "
			    "brackets or #",
			    MOIM_MAX_TOPIC);
			goto bad;
		}
		g_ptr_array_add(out, NULL);
		if (topic_find((const char *const *)out->pdata, *w,
			strlen(*w)) != NULL) {
			moim_fail(err, MOIM_ERR_INPUT, "a topic named twice");
			goto bad;
		}
		out->pdata[out->len - 1] = g_strdup(*w);
		if (out->len > MOIM_MAX_TOPICS) {
			moim_fail(err, MOIM_ERR_INPUT, "more than %d topics",
			    MOIM_MAX_TOPICS);
			goto bad;
		}
	}
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(out, FALSE);
bad:
	g_ptr_array_free(out, TRUE);
	return NULL;
}

/* bracket_topic - the topic of the bracketed tag at p (an open bracket
 * of olen bytes), or NULL; *next_out is where scanning goes on */
static const char *
bracket_topic(const char *p, size_t olen, const char *end, const char *prefix,
    const char *const *topics, const char **next_out)
{
	const char *a = p + olen, *q = a, *b;
	size_t clen = 0;

	while (q < end && (clen = at_any(closes, q, end)) == 0 &&
	    at_any(opens, q, end) == 0)
		q++;
	*next_out = q;
	if (q == end || clen == 0)
		return NULL;
	*next_out = q + clen;
	/* The list's own prefix is not a tag, even if it reads like one. */
	if (prefix != NULL && *prefix != '\0' &&
	    strlen(prefix) == (size_t)(q + clen - p) &&
	    memcmp(prefix, p, strlen(prefix)) == 0)
		return NULL;
	for (b = q; a < b && (*a == ' ' || *a == '\t'); a++)
		;
	while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
		b--;
	return topic_find(topics, a, (size_t)(b - a));
}

/* hash_topic - the topic of "#word" at p (a hash sign of hlen bytes):
 * the word up to a blank, bracket, hash sign or comma, and then without
 * the sentence's punctuation after it ("#세미나!") */
static const char *
hash_topic(
    const char *p, size_t hlen, const char *end, const char *const *topics)
{
	const char *a = p + hlen, *b = a, *t;

	while (
	    b < end && *b != ' ' && *b != '\t' && *b != ',' && !is_mark(b, end))
		b++;
	while ((t = topic_find(topics, a, (size_t)(b - a))) == NULL && b > a &&
	    strchr(".!?:;)\"'~", b[-1]) != NULL)
		b--;
	return t;
}

/* topic_of_subject - the first known tag of a Subject, or NULL */
const char *
topic_of_subject(
    const char *subject, const char *prefix, const char *const *topics)
{
	const char *p, *end, *valid_end, *t = NULL;
	bool after_space = true;
	size_t n;

	if (subject == NULL || topics == NULL || topics[0] == NULL)
		return NULL;
	n = strnlen(subject, MOIM_TOPIC_SCAN);
	/* Read only the valid UTF-8 at the start. */
	(void)g_utf8_validate(subject, (gssize)n, &valid_end);
	end = valid_end;
	for (p = subject; p < end && t == NULL;) {
		size_t k;

		if ((k = at_any(opens, p, end)) != 0) {
			t = bracket_topic(p, k, end, prefix, topics, &p);
			after_space = true;
			continue;
		}
		if ((k = at_any(hashes, p, end)) != 0 && after_space)
			t = hash_topic(p, k, end, topics);
		after_space = *p == ' ' || *p == '\t' || *p == '(' ||
		    at_any(closes, p, end) != 0;
		p = g_utf8_next_char(p);
	}
	return t;
}

/* picked - in *known_out whether any of picks is still one of topics,
 * in *names_out whether one of them names topic; a pick the owner
 * removed from "topics" counts for neither */
static void
picked(const char *const *topics, const char *const *picks, const char *topic,
    bool *known_out, bool *names_out)
{
	*known_out = false;
	*names_out = false;
	for (size_t i = 0; picks != NULL && picks[i] != NULL; i++) {
		const char *t = topic_find(topics, picks[i], strlen(picks[i]));

		if (t == NULL)
			continue;
		*known_out = true;
		if (topic != NULL && strcmp(t, topic) == 0)
			*names_out = true;
	}
}

/* topic_delivers - whether a member with these choices gets the post */
bool
topic_delivers(const char *topic, const char *const *topics,
    const char *const *follows, const char *const *mutes)
{
	bool known, names;

	picked(topics, mutes, topic, &known, &names);
	if (names)
		return false;
	picked(topics, follows, topic, &known, &names);
	return !known || names;
}

/* topic_is_offered - whether a member's pick is still one of topics */
bool
topic_is_offered(const char *const *topics, const char *pick)
{
	return pick != NULL && topic_find(topics, pick, strlen(pick)) != NULL;
}
