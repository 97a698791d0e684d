/*
 * store_topics - members' topic choices, and the topic of threads and
 * messages
 *
 * A member's choice per topic (member_topics) is "follow" or "mute";
 * "all" clears them. A post's topic is decided by listd (lib/topic and
 * the thread it replies in) and kept on its archived message; its thread
 * takes the topic of its first message that has one, so that replies
 * without a tag keep the thread's topic. Topics are stored as the list's
 * "topics" setting spells them: callers compare them as strings.
 */

#include "store.h"
#include "store_int.h"

static const char *const choice_names[] = {"follow", "mute"};

/* pick_from_row - a struct store_topic_pick from (member_id, topic,
 * choice) */
static gpointer
pick_from_row(struct db_stmt *st)
{
	struct store_topic_pick *p = g_new0(struct store_topic_pick, 1);
	const char *c = sq_col_str(st, 2);

	p->member_id = sq_col_int(st, 0);
	p->topic = sq_text(st, 1);
	p->choice =
	    g_strcmp0(c, "mute") == 0 ? STORE_TOPIC_MUTE : STORE_TOPIC_FOLLOW;
	return p;
}

/* store_topic_choose - the member follows or mutes topic (replacing an
 * earlier choice of that topic) */
bool
store_topic_choose(struct store *s, gint64 member_id, const char *topic,
    enum store_topic_choice choice, GError **err)
{
	return sq_done(s,
	    sq_stmt(s, err,
		"INSERT INTO member_topics (member_id, topic, choice)"
		" VALUES (?, ?, ?) ON CONFLICT (member_id, topic)"
		" DO UPDATE SET choice = excluded.choice",
		"itt", member_id, topic, choice_names[choice]),
	    err);
}

/* store_topic_clear - the member takes every topic again */
bool
store_topic_clear(struct store *s, gint64 member_id, GError **err)
{
	return sq_done(s,
	    sq_stmt(s, err, "DELETE FROM member_topics WHERE member_id = ?",
		"i", member_id),
	    err);
}

/* store_topic_picks - one member's choices, by topic */
GPtrArray *
store_topic_picks(struct store *s, gint64 member_id, GError **err)
{
	return sq_collect(s,
	    sq_stmt(s, err,
		"SELECT member_id, topic, choice FROM member_topics"
		" WHERE member_id = ? ORDER BY topic",
		"i", member_id),
	    pick_from_row, (GDestroyNotify)store_topic_pick_free, err);
}

/* store_topic_list_picks - the choices of every member of a list, by
 * member */
GPtrArray *
store_topic_list_picks(struct store *s, gint64 list_id, GError **err)
{
	return sq_collect(s,
	    sq_stmt(s, err,
		"SELECT t.member_id, t.topic, t.choice FROM member_topics t"
		" JOIN members m ON m.id = t.member_id WHERE m.list_id = ?"
		" ORDER BY t.member_id, t.topic",
		"i", list_id),
	    pick_from_row, (GDestroyNotify)store_topic_pick_free, err);
}

/* store_topic_pick_free - release a choice */
void
store_topic_pick_free(struct store_topic_pick *p)
{
	if (p == NULL)
		return;
	g_free(p->topic);
	g_free(p);
}

/* text_from_row - column 0 as a string (NULL stays NULL) */
static gpointer
text_from_row(struct db_stmt *st)
{
	return sq_text(st, 0);
}

/* store_topic_of_thread - a thread's topic, or NULL */
bool
store_topic_of_thread(
    struct store *s, gint64 thread_id, char **topic_out, GError **err)
{
	return sq_one(s,
	    sq_stmt(s, err, "SELECT topic FROM threads WHERE id = ?", "i",
		thread_id),
	    text_from_row, (gpointer *)topic_out, err);
}

/* store_topic_of_message - an archived message's topic, or NULL */
bool
store_topic_of_message(struct store *s, gint64 list_id, const char *message_id,
    char **topic_out, GError **err)
{
	return sq_one(s,
	    sq_stmt(s, err,
		"SELECT topic FROM messages WHERE list_id = ? AND"
		" message_id = ?",
		"it", list_id, message_id),
	    text_from_row, (gpointer *)topic_out, err);
}

/* store_topic_set_message - the topic of an archived message, and of its
 * thread when the thread has none yet */
bool
store_topic_set_message(struct store *s, gint64 list_id, const char *message_id,
    const char *topic, GError **err)
{
	bool ok;

	if (!sq_begin(s, err))
		return false;
	ok = sq_done(s,
		 sq_stmt(s, err,
		     "UPDATE messages SET topic = ? WHERE list_id = ?"
		     " AND message_id = ?",
		     "tit", topic, list_id, message_id),
		 err) &&
	    sq_done(s,
		sq_stmt(s, err,
		    "UPDATE threads SET topic = ? WHERE topic IS NULL AND id ="
		    " (SELECT thread_id FROM messages WHERE list_id = ?"
		    " AND message_id = ?)",
		    "tit", topic, list_id, message_id),
		err);
	return sq_end(s, ok, err);
}
