/*
 * list - moimctl's list verbs: create, ls, show, set, delete; mod ls
 */
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "err.h"
#include "json.h"
#include "limits.h"
#include "rcpt.h"

/* Local parts that would collide with a list's own addresses (SPEC
 * "Addresses of a list"). */
static const char *const reserved_suffixes[] = {"-request", "-owner",
    "-bounces", "-confirm", "-subscribe", "-unsubscribe", "-rsvp"};

/* list_local_ok - whether local may name a list */
static bool
list_local_ok(const char *local, GError **err)
{
	size_t i;

	if (local[0] == '"')
		return moim_fail(err, MOIM_ERR_INPUT,
		    "%s: quoted local part "
		    "is not allowed for a list",
		    local);
	if (strchr(local, '+') != NULL)
		return moim_fail(err, MOIM_ERR_INPUT,
		    "%s: '+' is not allowed in a list name", local);
	if (strlen(local) > rcpt_list_local_max(NULL))
		return moim_fail(err, MOIM_ERR_INPUT,
		    "%s: a list name may have at most %zu characters, so "
		    "that L-unsubscribe+TOKEN fits %d",
		    local, rcpt_list_local_max(NULL), MOIM_MAX_LOCALPART);
	for (i = 0; i < G_N_ELEMENTS(reserved_suffixes); i++)
		if (g_str_has_suffix(local, reserved_suffixes[i]))
			return moim_fail(err, MOIM_ERR_INPUT,
			    "%s: ends with the reserved suffix %s", local,
			    reserved_suffixes[i]);
	return true;
}

/* list_address_ok - parse L@D for list create and check it */
static bool
list_address_ok(
    struct ctl *c, const char *spec, struct addr **a_out, GError **err)
{
	struct addr *a = NULL;

	if (strchr(spec, '@') == NULL)
		return moim_fail(
		    err, MOIM_ERR_INPUT, "%s: give the full address L@D", spec);
	if (!ctl_addr_parse(spec, &a, NULL))
		return moim_fail(
		    err, MOIM_ERR_INPUT, "%s: invalid address", spec);
	if (!config_is_list_domain(c->cfg, addr_domain(a))) {
		g_autofree char *doms = g_strjoinv("; ", c->cfg->domains);

		moim_fail(err, MOIM_ERR_INPUT,
		    "%s is not a list domain in %s (domains = %s)",
		    addr_domain(a), c->cfg->path, doms);
		addr_free(a);
		return false;
	}
	if (!list_local_ok(addr_local(a), err)) {
		addr_free(a);
		return false;
	}
	*a_out = a;
	return true;
}

/* create_rows - the list, its optional settings and owner, in one unit */
static bool
create_rows(
    struct ctl *c, const struct addr *la, struct ctl_args *a, GError **err)
{
	static const char *const keys[] = {"policy", "language"};
	const char *name = ctl_opt(a, "name");
	const char *owner = ctl_opt(a, "owner");
	struct addr *oa = NULL;
	gint64 id;
	bool ok;

	if (!store_list_create(c->store, addr_local(la), addr_domain(la),
		name ? name : addr_local(la), ctl_now(), &id, err))
		return false;
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
		if (ctl_opt(a, keys[i]) != NULL &&
		    !store_list_set(
			c->store, id, keys[i], ctl_opt(a, keys[i]), err))
			return false;
	if (owner == NULL)
		return true;
	if (!ctl_addr_parse(owner, &oa, NULL))
		return moim_fail(
		    err, MOIM_ERR_INPUT, "--owner %s: invalid address", owner);
	ok = store_member_add(c->store, id, addr_canonical(oa),
	    addr_display_name(oa), STORE_ROLE_OWNER, STORE_MODE_REGULAR,
	    ctl_now(), NULL, err);
	addr_free(oa);
	return ok;
}

/* ctl_list_create - list create L@D [--name N] [--policy P] ... */
int
ctl_list_create(struct ctl *c, struct ctl_args *a)
{
	struct addr *la = NULL;
	GError *e = NULL;
	bool ok;

	if (!list_address_ok(c, ctl_arg(a, 0), &la, &e))
		goto fail;
	ok = store_begin(c->store, &e) && create_rows(c, la, a, &e) &&
	    store_commit(c->store, &e);
	if (!ok) {
		store_rollback(c->store);
		goto fail;
	}
	printf("created %s\n", addr_canonical(la));
	addr_free(la);
	return CTL_OK;
fail:
	addr_free(la);
	ctl_err("%s: %s", c->verb, e->message);
	g_error_free(e);
	return CTL_USER;
}

/* list_json - append one list as a JSON object for list ls */
static void
list_json(GString *out, const struct store_list *l, gint64 members)
{
	bool first = true;

	g_string_append_c(out, '{');
	json_str_member(out, &first, "address", l->address);
	json_str_member(out, &first, "name", l->set.name);
	json_str_member(
	    out, &first, "policy", listset_policy_name(l->set.policy));
	json_int_member(out, &first, "members", members);
	g_string_append_c(out, '}');
}

/* ctl_list_ls - list ls [--json] */
int
ctl_list_ls(struct ctl *c, struct ctl_args *a)
{
	GError *e = NULL;
	g_autoptr(GPtrArray) all = store_list_all(c->store, &e);
	g_autoptr(GString) out = g_string_new("[");
	bool json = ctl_opt(a, "json") != NULL;

	if (all == NULL)
		return ctl_fail_list(c, "", e);
	for (guint i = 0; i < all->len; i++) {
		const struct store_list *l = g_ptr_array_index(all, i);
		gint64 n = store_member_count(c->store, l->id, NULL);

		g_autofree char *name = ctl_printable(l->set.name);

		if (json) {
			g_string_append(out, i ? ",\n " : "");
			list_json(out, l, n);
		} else
			printf("%s\t%" G_GINT64_FORMAT "\t%s\t%s\n", l->address,
			    n, listset_policy_name(l->set.policy), name);
	}
	if (json)
		printf("%s]\n", out->str);
	return CTL_OK;
}

/* show_json - list show --json: one object, every setting as text */
static void
show_json(const struct store_list *l, gint64 members)
{
	g_autoptr(GString) out = g_string_new("{");
	g_autofree char *created = ctl_time(l->created);
	const char *const *k;
	bool first = true;

	json_str_member(out, &first, "address", l->address);
	json_int_member(out, &first, "members", members);
	json_str_member(out, &first, "created", created);
	for (k = listset_keys(); *k != NULL; k++) {
		g_autofree char *v = listset_value(&l->set, *k);

		json_str_member(out, &first, *k, v);
	}
	printf("%s}\n", out->str);
}

/* show_text - list show: one "key: value" line each */
static void
show_text(const struct store_list *l, gint64 members)
{
	g_autofree char *created = ctl_time(l->created);
	const char *const *k;

	printf("%-16s %s\n", "address:", l->address);
	printf("%-16s %" G_GINT64_FORMAT "\n", "members:", members);
	printf("%-16s %s\n", "created:", created);
	for (k = listset_keys(); *k != NULL; k++) {
		g_autofree char *raw = listset_value(&l->set, *k);
		g_autofree char *v = ctl_printable(raw);
		g_autofree char *label = g_strdup_printf("%s:", *k);

		printf("%-16s %s\n", label, v);
	}
}

/* ctl_list_show - list show L [--json] */
int
ctl_list_show(struct ctl *c, struct ctl_args *a)
{
	struct store_list *l = NULL;
	GError *e = NULL;
	gint64 n;

	if (!ctl_list_find(c, ctl_arg(a, 0), &l, &e))
		return ctl_fail_list(c, ctl_arg(a, 0), e);
	n = store_member_count(c->store, l->id, &e);
	if (n < 0) {
		store_list_free(l);
		return ctl_fail_list(c, ctl_arg(a, 0), e);
	}
	if (ctl_opt(a, "json") != NULL)
		show_json(l, n);
	else
		show_text(l, n);
	store_list_free(l);
	return CTL_OK;
}

/* set_all - apply every KEY=VALUE of argv[1..] to list id */
static bool
set_all(struct ctl *c, gint64 id, struct ctl_args *a, GError **err)
{
	for (guint i = 1; i < a->pos->len; i++) {
		const char *kv = ctl_arg(a, i);
		const char *eq = strchr(kv, '=');
		g_autofree char *key = NULL;

		if (eq == NULL || eq == kv)
			return moim_fail(
			    err, MOIM_ERR_INPUT, "%s: KEY=VALUE expected", kv);
		key = g_strndup(kv, eq - kv);
		if (!store_list_set(c->store, id, key, eq + 1, err))
			return false;
	}
	return true;
}

/* ctl_list_set - list set L KEY=VALUE...: all or nothing */
int
ctl_list_set(struct ctl *c, struct ctl_args *a)
{
	struct store_list *l = NULL;
	GError *e = NULL;
	bool ok;

	if (!ctl_list_find(c, ctl_arg(a, 0), &l, &e))
		return ctl_fail_list(c, ctl_arg(a, 0), e);
	ok = store_begin(c->store, &e) && set_all(c, l->id, a, &e) &&
	    store_commit(c->store, &e);
	store_list_free(l);
	if (ok)
		return CTL_OK;
	store_rollback(c->store);
	return ctl_fail_list(c, ctl_arg(a, 0), e);
}

/* ctl_list_delete - list delete L: the list and everything on it */
int
ctl_list_delete(struct ctl *c, struct ctl_args *a)
{
	struct store_list *l = NULL;
	GError *e = NULL;
	bool ok;

	if (!ctl_list_find(c, ctl_arg(a, 0), &l, &e))
		return ctl_fail_list(c, ctl_arg(a, 0), e);
	ok = store_list_delete(c->store, l->id, &e);
	if (ok)
		printf("deleted %s\n", l->address);
	store_list_free(l);
	return ok ? CTL_OK : ctl_fail_list(c, ctl_arg(a, 0), e);
}

/* held_json - append one held post as a JSON object */
static void
held_json(GString *out, const struct store_held *h)
{
	g_autofree char *created = ctl_time(h->created);
	g_autofree char *expires = ctl_time(h->expires);
	bool first = true;

	g_string_append_c(out, '{');
	json_int_member(out, &first, "id", h->id);
	json_str_member(out, &first, "sender", h->sender);
	json_str_member(out, &first, "subject", h->subject);
	json_str_member(out, &first, "reason", h->reason);
	json_str_member(out, &first, "created", created);
	json_str_member(out, &first, "expires", expires);
	g_string_append_c(out, '}');
}

/* print_held - mod ls text line; subject and sender come from mail */
static void
print_held(const struct store_held *h)
{
	g_autofree char *created = ctl_time(h->created);
	g_autofree char *sender = ctl_printable(h->sender);
	g_autofree char *subject = ctl_printable(h->subject);
	g_autofree char *reason = ctl_printable(h->reason);

	printf("%" G_GINT64_FORMAT "\t%s\t%s\t%s\t%s\n", h->id, created, sender,
	    reason, subject);
}

/* ctl_mod_ls - mod ls L [--json]: the posts held for moderation */
int
ctl_mod_ls(struct ctl *c, struct ctl_args *a)
{
	struct store_list *l = NULL;
	g_autoptr(GString) out = g_string_new("[");
	GPtrArray *held;
	GError *e = NULL;
	bool json = ctl_opt(a, "json") != NULL;

	if (!ctl_list_find(c, ctl_arg(a, 0), &l, &e))
		return ctl_fail_list(c, ctl_arg(a, 0), e);
	held = store_held_list(c->store, l->id, &e);
	store_list_free(l);
	if (held == NULL)
		return ctl_fail_list(c, ctl_arg(a, 0), e);
	for (guint i = 0; i < held->len; i++) {
		if (!json) {
			print_held(g_ptr_array_index(held, i));
			continue;
		}
		g_string_append(out, i ? ",\n " : "");
		held_json(out, g_ptr_array_index(held, i));
	}
	if (json)
		printf("%s]\n", out->str);
	g_ptr_array_unref(held);
	return CTL_OK;
}

/* mod_decide - record a moderator's decision; moim-listd carries it out */
static int
mod_decide(struct ctl *c, struct ctl_args *a, const char *state)
{
	const char *arg = ctl_arg(a, 0), *reason = ctl_opt(a, "reason");
	GError *e = NULL;
	bool changed = false;
	char *end;
	gint64 id = g_ascii_strtoll(arg, &end, 10);

	if (*arg == '\0' || *end != '\0' || id <= 0) {
		ctl_err("%s: %s: not a held post number", c->verb, arg);
		return CTL_USER;
	}
	if (!store_held_decide(
		c->store, id, state, "moimctl", reason, &changed, &e)) {
		ctl_err("%s: %s", c->verb, e->message);
		g_error_free(e);
		return CTL_USER;
	}
	if (!changed) {
		ctl_err(
		    "%s: %s: no post waiting with this number", c->verb, arg);
		return CTL_USER;
	}
	printf("%s %s\n", state, arg);
	return CTL_OK;
}

/* ctl_mod_approve - mod approve ID: the post goes to the list */
int
ctl_mod_approve(struct ctl *c, struct ctl_args *a)
{
	return mod_decide(c, a, "approved");
}

/* ctl_mod_reject - mod reject ID [--reason TEXT]: the author is told */
int
ctl_mod_reject(struct ctl *c, struct ctl_args *a)
{
	return mod_decide(c, a, "rejected");
}
