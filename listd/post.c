/*
 * post - a post to L@D: the list's policy decides what becomes of it
 *
 * The policy of the list decides (open, members, moderated, announce;
 * automatic mail, a milter's hold, a post without a required topic, an
 * organizer's post that nothing vouches for): a post that may go is
 * handed to copy.c, which prepares it once and queues it for the
 * members; an organizer's post with an event goes to event.c; a held
 * post waits for the moderators.
 */
#include <string.h>

#include "copy.h"
#include "err.h"
#include "event.h"
#include "job.h"
#include "log.h"
#include "mime.h"
#include "moderate.h"
#include "notice.h"
#include "post.h"
#include "privileged.h"
#include "rsvp.h"
#include "topics.h"

/* Why automatic mail from a member or a stranger waits for a moderator. */
#define AUTO_HOLD_WHY                                                          \
	"automatic mail (Auto-Submitted or Precedence: bulk/list/junk): a "    \
	"moderator decides whether the list passes it on"

/* Why an owner's or moderator's post waits for a confirmation. */
#define PRIVILEGED_WHY                                                         \
	"only the list's owners and moderators may do this, and nothing "      \
	"but the From line says the message is theirs"

/* sender_role - the poster's membership: -1 if not a member; *who_out
 * is the address that has it (From before the envelope), or NULL */
static bool
sender_role(
    struct job *j, int *role_out, const struct addr **who_out, GError **err)
{
	const struct addr *cand[] = {j->from, j->envelope};
	size_t i;

	*role_out = -1;
	*who_out = NULL;
	for (i = 0; i < G_N_ELEMENTS(cand); i++) {
		struct store_member *m = NULL;

		if (cand[i] == NULL)
			continue;
		if (!store_member_get(
			j->s, j->t.list->id, addr_canonical(cand[i]), &m, err))
			return false;
		if (m != NULL && (int)m->role > *role_out) {
			*role_out = (int)m->role;
			*who_out = cand[i];
		}
		store_member_free(m);
	}
	return true;
}

enum verdict { V_ACCEPT, V_HOLD, V_REFUSE };

/* decide - the list's policy for a poster with this role */
static enum verdict
decide(const struct listset *ls, int role, const char **why_out)
{
	bool privileged = role >= (int)STORE_ROLE_MODERATOR;

	*why_out = NULL;
	switch (ls->policy) {
	case LISTSET_POLICY_OPEN:
		return V_ACCEPT;
	case LISTSET_POLICY_MEMBERS:
		if (role >= 0)
			return V_ACCEPT;
		*why_out = "only members may post to this list";
		return ls->nonmember == LISTSET_NONMEMBER_HOLD ? V_HOLD
							       : V_REFUSE;
	case LISTSET_POLICY_MODERATED:
		*why_out = "every post to this list is moderated";
		return privileged ? V_ACCEPT : V_HOLD;
	case LISTSET_POLICY_ANNOUNCE:
		*why_out = "only the owners and moderators post to this list";
		return privileged ? V_ACCEPT : V_REFUSE;
	}
	return V_HOLD;
}

/* hold_reason - a known reason for a milter hold, never the raw text */
static const char *
hold_reason(const char *h)
{
	if (g_str_has_prefix(h, "dmarc"))
		return "the author's domain failed DMARC authentication";
	if (g_str_has_prefix(h, "nonmember"))
		return "only members may post without moderation";
	return "held by the SMTP-time filter";
}

/* needs_consent - whether an owner's or moderator's accepted post is a
 * privileged act that nothing vouches for: a post to an announce list,
 * one that skips a moderated list's moderation, or an event, with neither
 * moim-milter's X-Moim-Auth nor a confirmation, on a list with
 * privileged_auth = confirm */
static bool
needs_consent(struct job *j, bool *needs_out, GError **err)
{
	const struct listset *ls = &j->t.list->set;

	*needs_out = false;
	if (j->is_verified || ls->privileged_auth != LISTSET_PRIVILEGED_CONFIRM)
		return true;
	if (ls->policy == LISTSET_POLICY_ANNOUNCE ||
	    ls->policy == LISTSET_POLICY_MODERATED) {
		*needs_out = true;
		return true;
	}
	return event_wanted(j, needs_out, err);
}

/* organizer_post - an owner's or moderator's accepted post: an event, an
 * announcement, or one that waits for its author's consent first */
static bool
organizer_post(struct job *j, const struct addr *who, GError **err)
{
	bool needs, handled = false;

	if (!needs_consent(j, &needs, err))
		return false;
	/* Automatic mail is never answered: a moderator decides. */
	if (needs && j->is_auto)
		return moderate_hold(j, PRIVILEGED_WHY, err);
	if (needs)
		return privileged_hold(j, who, PRIVILEGED_WHY, err);
	if (!event_post(j, &handled, err))
		return false;
	return handled || copy_distribute(j, err);
}

/* member_post - a member's accepted post: distributed, unless the list
 * requires a topic and it has none */
static bool
member_post(struct job *j, GError **err)
{
	g_autofree char *why = NULL;

	if (!topics_required_why(j, &why, err))
		return false;
	if (why != NULL)
		return moderate_hold(j, why, err);
	return copy_distribute(j, err);
}

/* post_handle - apply the list's policy to a post and act on it */
bool
post_handle(struct job *j, GError **err)
{
	g_autofree char *hold_why = NULL;
	const struct addr *who;
	const char *why;
	int role;
	bool handled = false;

	if (j->is_loop) {
		j->result = "loop dropped";
		log_warn("post: list=%s message-id=%s carries our List-Id:"
			 " dropped",
		    j->t.list->address, j->message_id ? j->message_id : "-");
		return true;
	}
	if (j->msg == NULL)
		return moderate_hold(
		    j, "the message could not be read as MIME", err);
	/* A vacation reply to a post, or a null sender's mail, is never
	 * passed on (RFC 3834); other automatic mail (a newsletter, another
	 * list, a notification) may be what the list is for: below. */
	if (j->is_auto_reply) {
		j->result = "auto-reply dropped";
		return true;
	}
	/* moim-milter refuses these at SMTP time; without it in front (or
	 * past a client that lied about SIZE=) the list's limit still holds. */
	if ((gint64)g_bytes_get_size(j->raw) > j->t.list->set.max_size) {
		g_autofree char *big = g_strdup_printf(
		    "the message is larger than this list accepts (%" G_GINT64_FORMAT
		    " bytes at most)",
		    j->t.list->set.max_size);

		j->result = "refused: too big";
		log_info("post: list=%s message-id=%s refused: %" G_GSIZE_FORMAT
			 " bytes over max_size",
		    j->t.list->address, j->message_id ? j->message_id : "-",
		    g_bytes_get_size(j->raw));
		return notice_author(j, "post-refused", big, err);
	}
	/* The milter asks for a hold; a forged one can only hold, never
	 * let a post through, so it is safe to honour. */
	hold_why = mime_header_text(GMIME_OBJECT(j->msg), "X-Moim-Hold");
	if (hold_why != NULL)
		return moderate_hold(j, hold_reason(hold_why), err);
	if (!rsvp_reply(j, &handled, err))
		return false;
	if (handled)
		return true;
	if (!sender_role(j, &role, &who, err))
		return false;
	switch (decide(&j->t.list->set, role, &why)) {
	case V_ACCEPT:
		/* Automatic mail is not dropped unseen, nor passed on unseen
		 * (a loop through a notifier or another list): a moderator
		 * decides, unless an owner or moderator sent it. Its sender is
		 * not told (RFC 3834). */
		if (j->is_auto && role < (int)STORE_ROLE_MODERATOR)
			return moderate_hold(j, AUTO_HOLD_WHY, err);
		/* An organizer's announcement, perhaps with an event. */
		if (role >= (int)STORE_ROLE_MODERATOR)
			return organizer_post(j, who, err);
		return member_post(j, err);
	case V_HOLD:
		return moderate_hold(j, why, err);
	case V_REFUSE:
		j->result = "refused";
		log_info("post: list=%s message-id=%s refused: %s",
		    j->t.list->address, j->message_id ? j->message_id : "-",
		    why);
		return notice_author(j, "post-refused", why, err);
	}
	return true;
}
