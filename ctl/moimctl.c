/*
 * moimctl - the administrator's command line: lists, members, moderation
 *
 * SYNOPSIS
 *	moimctl [-c FILE] list create L@D [--name N] [--policy P]
 *	    [--language ko|en] [--owner ADDR]
 *	moimctl [-c FILE] list ls [--json] | show L [--json] |
 *	    set L KEY=VALUE... | delete L
 *	moimctl [-c FILE] member add L ADDR... [--role R] [--mode M]
 *	moimctl [-c FILE] member rm L ADDR... | ls L [--role R] [--json] |
 *	    show L ADDR [--json] | import L FILE
 *	moimctl [-c FILE] mod ls L [--json]
 *	moimctl [-c FILE] archive search L QUERY [--json] [--limit N] |
 *	    threads L [--topic T] [--json] [--limit N] |
 *	    thread MSGID | export L [FILE] | import L MBOX|DIR | reindex [L]
 *	moimctl [-c FILE] event ls L [--json] | show EVENT [--json] |
 *	    rsvps EVENT [--session DATE] [--csv | --json] |
 *	    update EVENT KEY=VALUE... |
 *	    cancel EVENT | promote EVENT ADDR | skip EVENT DATE |
 *	    move EVENT DATE WHEN
 *	moimctl [-c FILE] postfix-config
 *	moimctl [-c FILE] web-config
 *	moimctl [-c FILE] check
 *	moimctl [-c FILE] migrate --to URI
 *	moimctl [-c FILE] secret [--owner USER]
 * DESCRIPTION
 *	moimctl-full, the program behind moimctl (ctl/front.c runs it for
 *	every verb it does not serve itself): main() hands its table to
 *	ctl_main() (verb.c), which reads the global options, finds the
 *	verb, checks the verb's options and argument count against the
 *	table, loads the config, opens the store when the verb needs it and
 *	calls the verb's handler (list.c, member.c, import.c, postfix.c,
 *	webconf.c, check.c, secret.c, archive.c, search.c, event.c,
 *	migrate.c). The
 *	table is the only place that knows which verb takes which option
 *	(the front's one row is this table's CTL_VERB_ARCHIVE_SEARCH).
 * OWNERSHIP
 *	ctl_main() owns the struct ctl (config and store) and frees it on
 *	exit.
 * INPUT AND LIMITS
 *	argv comes from the operator; options and counts are checked before
 *	any handler runs.
 * THREADS
 *	One thread.
 * ERRORS
 *	Exit 0 on success, 1 on a user error (a message on stderr naming the
 *	problem; also a bad config or an unusable database), 2 on a usage
 *	error (unknown verb or option, missing argument), with a usage line.
 * SEE ALSO
 *	moimctl(8), moim.conf(5), ctl.h, front.c, verb.c
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "privs.h"
#include "err.h"
#include "limits.h"

#define MANY G_MAXUINT

static const struct ctl_verb verbs[] = {
    {"list", "create", ctl_list_create, 1, 1,
	"name= policy= language= owner=", CTL_STORE_RW,
	"list create L@D [--name N] [--policy P] [--language ko|en] "
	"[--owner ADDR]"},
    {"list", "ls", ctl_list_ls, 0, 0, "json", CTL_STORE_RW, "list ls [--json]"},
    {"list", "show", ctl_list_show, 1, 1, "json", CTL_STORE_RW,
	"list show L [--json]"},
    {"list", "set", ctl_list_set, 2, MANY, "", CTL_STORE_RW,
	"list set L KEY=VALUE..."},
    {"list", "delete", ctl_list_delete, 1, 1, "", CTL_STORE_RW,
	"list delete L"},
    {"member", "add", ctl_member_add, 2, MANY, "role= mode=", CTL_STORE_RW,
	"member add L ADDR... [--role member|moderator|owner] "
	"[--mode regular|digest|nomail]"},
    {"member", "rm", ctl_member_rm, 2, MANY, "", CTL_STORE_RW,
	"member rm L ADDR..."},
    {"member", "ls", ctl_member_ls, 1, 1, "role= json", CTL_STORE_RW,
	"member ls L [--role R] [--json]"},
    {"member", "show", ctl_member_show, 2, 2, "json", CTL_STORE_RW,
	"member show L ADDR [--json]"},
    {"member", "import", ctl_member_import, 2, 2, "", CTL_STORE_RW,
	"member import L FILE|DIR|-"},
    {"mod", "ls", ctl_mod_ls, 1, 1, "json", CTL_STORE_RW, "mod ls L [--json]"},
    {"mod", "approve", ctl_mod_approve, 1, 1, "", CTL_STORE_RW,
	"mod approve ID"},
    {"mod", "reject", ctl_mod_reject, 1, 1, "reason=", CTL_STORE_RW,
	"mod reject ID [--reason TEXT]"},
    {"postfix-config", NULL, ctl_postfix_config, 0, 0, "", CTL_STORE_NONE,
	"postfix-config"},
    {"web-config", NULL, ctl_web_config, 0, 0, "", CTL_STORE_NONE,
	"web-config"},
    {"check", NULL, ctl_check, 0, 0, "", CTL_STORE_NONE, "check"},
    {"migrate", NULL, ctl_migrate, 0, 0, "to=", CTL_STORE_RW,
	"migrate --to postgresql://..."},
    {"secret", NULL, ctl_secret, 0, 0, "owner=", CTL_STORE_NONE,
	"secret [--owner USER]"},
    CTL_VERB_ARCHIVE_SEARCH,
    {"archive", "thread", ctl_archive_thread, 1, 1, "", CTL_STORE_RW,
	"archive thread MSGID"},
    {"archive", "export", ctl_archive_export, 1, 2, "", CTL_STORE_RW,
	"archive export L [FILE]"},
    {"archive", "import", ctl_archive_import, 2, 2, "", CTL_STORE_RW,
	"archive import L MBOX|DIR"},
    {"archive", "reindex", ctl_archive_reindex, 0, 1, "", CTL_STORE_RW,
	"archive reindex [L]"},
    {"archive", "threads", ctl_archive_threads, 1, 1, "topic= json limit=",
	CTL_STORE_RW, "archive threads L [--topic T] [--json] [--limit N]"},
    {"event", "ls", ctl_event_ls, 1, 1, "json", CTL_STORE_RW,
	"event ls L [--json]"},
    {"event", "show", ctl_event_show, 1, 1, "json", CTL_STORE_RW,
	"event show EVENT [--json]"},
    {"event", "rsvps", ctl_event_rsvps, 1, 1, "csv json session=", CTL_STORE_RW,
	"event rsvps EVENT [--session DATE] [--csv | --json]"},
    {"event", "update", ctl_event_update, 2, MANY, "", CTL_STORE_RW,
	"event update EVENT KEY=VALUE..."},
    {"event", "cancel", ctl_event_cancel, 1, 1, "", CTL_STORE_RW,
	"event cancel EVENT"},
    {"event", "promote", ctl_event_promote, 2, 2, "", CTL_STORE_RW,
	"event promote EVENT ADDR"},
    {"event", "skip", ctl_event_skip, 2, 2, "", CTL_STORE_RW,
	"event skip EVENT DATE"},
    {"event", "move", ctl_event_move, 3, 3, "", CTL_STORE_RW,
	"event move EVENT DATE WHEN"},
};

/* ctl_addr_parse - one mailbox the operator typed, checked strictly */
bool
ctl_addr_parse(const char *text, struct addr **a_out, GError **err)
{
	struct addr *a = NULL;

	*a_out = NULL;
	if (!addr_parse(text, strlen(text), &a, err))
		return false;
	if (!addr_is_valid_mailbox(addr_canonical(a))) {
		addr_free(a);
		return moim_fail(err, MOIM_ERR_INPUT, "invalid address");
	}
	*a_out = a;
	return true;
}

/* ctl_list_find - the list named by "L@D" or an unambiguous "L" */
bool
ctl_list_find(
    struct ctl *c, const char *spec, struct store_list **l_out, GError **err)
{
	struct addr *a = NULL;
	bool ok;

	*l_out = NULL;
	if (strchr(spec, '@') == NULL)
		return ctl_list_by_local(c, spec, l_out, err);
	if (!addr_parse(spec, strlen(spec), &a, NULL))
		return moim_fail(
		    err, MOIM_ERR_NOTFOUND, "no such list: %s", spec);
	ok =
	    store_list_get(c->store, addr_local(a), addr_domain(a), l_out, err);
	addr_free(a);
	if (ok && *l_out == NULL)
		return moim_fail(
		    err, MOIM_ERR_NOTFOUND, "no such list: %s", spec);
	return ok;
}

/* main - the full program: every verb of the table */
int
main(int argc, char **argv)
{
	static const struct ctl_program full = {
	    verbs, G_N_ELEMENTS(verbs), NULL, NULL};

	return ctl_main(argc, argv, &full);
}
