/*
 * rcpt - map a list-domain recipient to a list and what it is for
 */
#include <glib.h>
#include <string.h>

#include "rcpt.h"
#include "token.h"

/* The longest extension moim writes after '+': a token (lib/token), or an
 * event id in decimal (at most 19 digits for a positive gint64). */
#define RCPT_EVENT_ID_MAX (sizeof("9223372036854775807") - 1)

struct suffix {
	const char *suffix;
	enum rcpt_kind kind;
	bool ext_required, ext_allowed;
	size_t ext_max; /* longest extension moim itself writes */
};

static const struct suffix suffixes[] = {
    {"-request", RCPT_REQUEST, false, false, 0},
    {"-subscribe", RCPT_SUBSCRIBE, false, false, 0},
    {"-unsubscribe", RCPT_UNSUBSCRIBE, false, true, TOKEN_ADDR_MAX},
    {"-confirm", RCPT_CONFIRM, true, true, TOKEN_ADDR_MAX},
    {"-owner", RCPT_OWNER, false, false, 0},
    {"-bounces", RCPT_BOUNCES, false, true, TOKEN_ADDR_MAX},
    {"-rsvp", RCPT_RSVP, true, true, RCPT_EVENT_ID_MAX},
};

static const char *const kind_names[] = {"post", "request", "subscribe",
    "unsubscribe", "confirm", "owner", "bounces", "rsvp"};

/* rcpt_split - propose the readings of a list-domain local part */
bool
rcpt_split(const char *local, struct rcpt_parts *p_out)
{
	const char *plus;
	size_t base_len, i;

	memset(p_out, 0, sizeof(*p_out));
	if (local == NULL || *local == '\0' ||
	    strlen(local) > MOIM_MAX_LOCALPART)
		return false;
	plus = strchr(local, '+');
	base_len = plus ? (size_t)(plus - local) : strlen(local);
	if (base_len == 0)
		return false;
	memcpy(p_out->as_list, local, base_len);
	if (plus != NULL)
		g_strlcpy(p_out->ext, plus + 1, sizeof(p_out->ext));
	p_out->as_list_ok = plus == NULL;
	for (i = 0; i < G_N_ELEMENTS(suffixes); i++) {
		const struct suffix *sf = &suffixes[i];
		size_t sl = strlen(sf->suffix);

		if (base_len <= sl ||
		    strcmp(p_out->as_list + base_len - sl, sf->suffix) != 0)
			continue;
		if (plus != NULL && (!sf->ext_allowed || p_out->ext[0] == '\0'))
			continue;
		if (plus == NULL && sf->ext_required)
			continue;
		memcpy(p_out->list, local, base_len - sl);
		p_out->kind = sf->kind;
		p_out->suffixed_ok = true;
		break;
	}
	return p_out->as_list_ok || p_out->suffixed_ok;
}

/* rcpt_kind_suffix - the local-part suffix of a kind ("" for posts) */
const char *
rcpt_kind_suffix(enum rcpt_kind k)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(suffixes); i++)
		if (suffixes[i].kind == k)
			return suffixes[i].suffix;
	return "";
}

/* rcpt_list_local_max - the longest list name whose every address fits */
size_t
rcpt_list_local_max(enum rcpt_kind *longest_out)
{
	size_t worst = 0, i;

	for (i = 0; i < G_N_ELEMENTS(suffixes); i++) {
		const struct suffix *sf = &suffixes[i];
		size_t n = strlen(sf->suffix) +
		    (sf->ext_allowed ? 1 + sf->ext_max : 0);

		if (n > worst) {
			worst = n;
			if (longest_out != NULL)
				*longest_out = sf->kind;
		}
	}
	return MOIM_MAX_LOCALPART - worst;
}

/* rcpt_kind_name - a word for logs */
const char *
rcpt_kind_name(enum rcpt_kind k)
{
	return kind_names[k];
}

/* rcpt_is_reserved_local - whether a list may not be called local */
bool
rcpt_is_reserved_local(const char *local)
{
	struct rcpt_parts p;

	if (strchr(local, '+') != NULL)
		return true;
	for (size_t i = 0; i < G_N_ELEMENTS(suffixes); i++) {
		size_t sl = strlen(suffixes[i].suffix), ll = strlen(local);

		if (ll >= sl &&
		    strcmp(local + ll - sl, suffixes[i].suffix) == 0)
			return true;
	}
	return !rcpt_split(local, &p);
}

/* rcpt_resolve - find the list and kind a list-domain recipient names */
bool
rcpt_resolve(struct store *s, const char *local, const char *domain,
    struct rcpt_target *t_out, GError **err)
{
	struct rcpt_parts p;

	memset(t_out, 0, sizeof(*t_out));
	if (!rcpt_split(local, &p))
		return true;
	if (p.as_list_ok) {
		if (!store_list_get(s, p.as_list, domain, &t_out->list, err))
			return false;
		if (t_out->list != NULL) {
			t_out->kind = RCPT_POST;
			return true;
		}
	}
	if (!p.suffixed_ok)
		return true;
	if (!store_list_get(s, p.list, domain, &t_out->list, err))
		return false;
	t_out->kind = p.kind;
	g_strlcpy(t_out->ext, p.ext, sizeof(t_out->ext));
	return true;
}

/* rcpt_target_clear - free what t holds */
void
rcpt_target_clear(struct rcpt_target *t)
{
	g_clear_pointer(&t->list, store_list_free);
}
