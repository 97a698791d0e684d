/*
 * member - moimctl's member verbs: add, rm, ls, show
 */
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "err.h"
#include "json.h"

/* role_mode_opts - --role and --mode, with their defaults */
static bool
role_mode_opts(struct ctl_args *a, enum store_role *role_out,
    enum store_mode *mode_out, GError **err)
{
	const char *role = ctl_opt(a, "role");
	const char *mode = ctl_opt(a, "mode");

	*role_out = STORE_ROLE_MEMBER;
	*mode_out = STORE_MODE_REGULAR;
	if (role != NULL && !store_role_parse(role, role_out))
		return moim_fail(err, MOIM_ERR_INPUT,
		    "--role %s: not member, moderator or owner", role);
	if (mode != NULL && !store_mode_parse(mode, mode_out))
		return moim_fail(err, MOIM_ERR_INPUT,
		    "--mode %s: not regular, digest or nomail", mode);
	return true;
}

/* add_each - add every address of argv[1..]; *bad_out counts refusals */
static bool
add_each(struct ctl *c, gint64 list_id, struct ctl_args *a,
    enum store_role role, enum store_mode mode, guint *bad_out, GError **err)
{
	for (guint i = 1; i < a->pos->len; i++) {
		struct addr *m = NULL;
		bool added = false, ok;

		if (!ctl_addr_parse(ctl_arg(a, i), &m, NULL)) {
			ctl_err(
			    "%s: %s: invalid address", c->verb, ctl_arg(a, i));
			++*bad_out;
			continue;
		}
		ok = store_member_add(c->store, list_id, addr_canonical(m),
		    addr_display_name(m), role, mode, ctl_now(), &added, err);
		if (ok && !added)
			ctl_err("%s: %s: already a member", c->verb,
			    addr_canonical(m));
		addr_free(m);
		if (!ok)
			return false;
	}
	return true;
}

/* ctl_member_add - member add L ADDR... [--role R] [--mode M] */
int
ctl_member_add(struct ctl *c, struct ctl_args *a)
{
	struct store_list *l = NULL;
	enum store_role role;
	enum store_mode mode;
	GError *e = NULL;
	guint bad = 0;
	bool ok;

	if (!role_mode_opts(a, &role, &mode, &e) ||
	    !ctl_list_find(c, ctl_arg(a, 0), &l, &e))
		return ctl_fail_list(c, ctl_arg(a, 0), e);
	ok = store_begin(c->store, &e) &&
	    add_each(c, l->id, a, role, mode, &bad, &e) &&
	    store_commit(c->store, &e);
	store_list_free(l);
	if (!ok) {
		store_rollback(c->store);
		return ctl_fail_list(c, ctl_arg(a, 0), e);
	}
	return bad > 0 ? CTL_USER : CTL_OK;
}

/* rm_each - remove every address of argv[1..]; *bad_out counts misses */
static bool
rm_each(struct ctl *c, gint64 list_id, struct ctl_args *a, guint *bad_out,
    GError **err)
{
	for (guint i = 1; i < a->pos->len; i++) {
		struct addr *m = NULL;
		bool removed = false, ok;

		if (!addr_parse(
			ctl_arg(a, i), strlen(ctl_arg(a, i)), &m, NULL)) {
			ctl_err(
			    "%s: %s: invalid address", c->verb, ctl_arg(a, i));
			++*bad_out;
			continue;
		}
		ok = store_member_remove(
		    c->store, list_id, addr_canonical(m), &removed, err);
		if (ok && !removed) {
			ctl_err(
			    "%s: %s: not a member", c->verb, addr_canonical(m));
			++*bad_out;
		}
		addr_free(m);
		if (!ok)
			return false;
	}
	return true;
}

/* ctl_member_rm - member rm L ADDR... */
int
ctl_member_rm(struct ctl *c, struct ctl_args *a)
{
	struct store_list *l = NULL;
	GError *e = NULL;
	guint bad = 0;
	bool ok;

	if (!ctl_list_find(c, ctl_arg(a, 0), &l, &e))
		return ctl_fail_list(c, ctl_arg(a, 0), e);
	ok = store_begin(c->store, &e) && rm_each(c, l->id, a, &bad, &e) &&
	    store_commit(c->store, &e);
	store_list_free(l);
	if (!ok) {
		store_rollback(c->store);
		return ctl_fail_list(c, ctl_arg(a, 0), e);
	}
	return bad > 0 ? CTL_USER : CTL_OK;
}

/* bounce_json - the member's bounce state as JSON members of an object */
static void
bounce_json(GString *out, bool *first, const struct store_bounce_state *b)
{
	g_autofree char *last = b->last > 0 ? ctl_time(b->last) : NULL;

	json_key(out, first, "bounce_score");
	g_string_append_printf(out, "%.3f", b->score);
	json_key(out, first, "policy_score");
	g_string_append_printf(out, "%.3f", b->policy_score);
	json_str_member(out, first, "last_bounce", last);
	json_str_member(out, first, "last_bounce_kind", b->kind);
	json_str_member(out, first, "last_bounce_status", b->status);
	json_str_member(out, first, "last_bounce_reason", b->diagnostic);
}

/* member_json - append one member, with its bounce state, as JSON */
static void
member_json(GString *out, const struct store_member *m,
    const struct store_bounce_state *b)
{
	g_autofree char *since = ctl_time(m->created);
	bool first = true;

	g_string_append_c(out, '{');
	json_str_member(out, &first, "address", m->address);
	json_str_member(out, &first, "name", m->display_name);
	json_str_member(out, &first, "role", store_role_name(m->role));
	json_str_member(out, &first, "mode", store_mode_name(m->mode));
	json_bool_member(out, &first, "enabled", m->enabled);
	json_str_member(out, &first, "since", since);
	bounce_json(out, &first, b);
	g_string_append_c(out, '}');
}

/* print_members - member ls output, text or JSON */
static bool
print_members(struct ctl *c, const GPtrArray *ms, bool json, GError **err)
{
	g_autoptr(GString) out = g_string_new("[");

	for (guint i = 0; i < ms->len; i++) {
		const struct store_member *m = g_ptr_array_index(ms, i);
		struct store_bounce_state *b = NULL;

		if (json) {
			if (!store_member_bounce_state(
				c->store, m->id, &b, err))
				return false;
			g_string_append(out, i ? ",\n " : "");
			if (b != NULL)
				member_json(out, m, b);
			store_bounce_state_free(b);
			continue;
		}
		g_autofree char *name = ctl_printable(m->display_name);

		printf("%s\t%s\t%s\t%s\t%s\n", m->address,
		    store_role_name(m->role), store_mode_name(m->mode),
		    m->enabled ? "enabled" : "disabled", name);
	}
	if (json)
		printf("%s]\n", out->str);
	return true;
}

/* print_member - member show output: text (one "key: value" a line) or
 * the JSON object member ls --json gives */
static void
print_member(
    const struct store_member *m, const struct store_bounce_state *b, bool json)
{
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *name = ctl_printable(m->display_name);
	g_autofree char *since = ctl_time(m->created);
	g_autofree char *last = b->last > 0 ? ctl_time(b->last) : NULL;
	g_autofree char *reason = ctl_printable(b->diagnostic);

	if (json) {
		member_json(out, m, b);
		printf("%s\n", out->str);
		return;
	}
	printf("address: %s\nname: %s\nrole: %s\nmode: %s\n"
	       "delivery: %s\nsince: %s\n"
	       "bounce score: %.3f\npolicy score: %.3f\n",
	    m->address, name, store_role_name(m->role),
	    store_mode_name(m->mode), m->enabled ? "enabled" : "disabled",
	    since, b->score, b->policy_score);
	printf("last bounce: %s\n", last ? last : "-");
	if (last != NULL)
		printf("last bounce kind: %s\nlast bounce status: %s\n"
		       "last bounce reason: %s\n",
		    b->kind ? b->kind : "-", b->status ? b->status : "-",
		    reason);
}

/* ctl_member_show - member show L ADDR [--json] */
int
ctl_member_show(struct ctl *c, struct ctl_args *a)
{
	struct store_list *l = NULL;
	struct store_member *m = NULL;
	struct store_bounce_state *b = NULL;
	struct addr *ad = NULL;
	GError *e = NULL;
	bool ok;

	if (!ctl_list_find(c, ctl_arg(a, 0), &l, &e))
		return ctl_fail_list(c, ctl_arg(a, 0), e);
	if (!addr_parse(ctl_arg(a, 1), strlen(ctl_arg(a, 1)), &ad, NULL)) {
		ctl_err("%s: %s: invalid address", c->verb, ctl_arg(a, 1));
		store_list_free(l);
		return CTL_USER;
	}
	ok = store_member_get(c->store, l->id, addr_canonical(ad), &m, &e) &&
	    (m == NULL || store_member_bounce_state(c->store, m->id, &b, &e));
	store_list_free(l);
	if (ok && (m == NULL || b == NULL))
		ctl_err("%s: %s: not a member", c->verb, addr_canonical(ad));
	else if (ok)
		print_member(m, b, ctl_opt(a, "json") != NULL);
	addr_free(ad);
	store_member_free(m);
	store_bounce_state_free(b);
	if (!ok)
		return ctl_fail_list(c, ctl_arg(a, 0), e);
	return b != NULL ? CTL_OK : CTL_USER;
}

/* ctl_member_ls - member ls L [--role R] [--json] */
int
ctl_member_ls(struct ctl *c, struct ctl_args *a)
{
	struct store_list *l = NULL;
	enum store_role role = STORE_ROLE_MEMBER;
	const char *r = ctl_opt(a, "role");
	GPtrArray *ms;
	GError *e = NULL;
	bool ok;

	if (r != NULL && !store_role_parse(r, &role)) {
		ctl_err("%s: --role %s: not member, moderator or owner",
		    c->verb, r);
		return CTL_USER;
	}
	if (!ctl_list_find(c, ctl_arg(a, 0), &l, &e))
		return ctl_fail_list(c, ctl_arg(a, 0), e);
	ms = store_member_list(c->store, l->id, r ? (int)role : -1, &e);
	store_list_free(l);
	if (ms == NULL)
		return ctl_fail_list(c, ctl_arg(a, 0), e);
	ok = print_members(c, ms, ctl_opt(a, "json") != NULL, &e);
	g_ptr_array_unref(ms);
	if (!ok)
		return ctl_fail_list(c, ctl_arg(a, 0), e);
	return CTL_OK;
}
