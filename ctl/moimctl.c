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
 *	moimctl [-c FILE] secret [--owner USER]
 * DESCRIPTION
 *	main() reads the global options, finds the verb in one table, checks
 *	the verb's options and argument count against the table, loads the
 *	config, opens the store when the verb needs it and calls the verb's
 *	handler (list.c, member.c, import.c, postfix.c, webconf.c, check.c,
 *	secret.c, archive.c, event.c). The table is the only place that knows
 *which verb takes which option. OWNERSHIP main() owns the struct ctl (config
 *and store) and frees it on exit. INPUT AND LIMITS argv comes from the
 *operator; options and counts are checked before any handler runs. THREADS One
 *thread. ERRORS Exit 0 on success, 1 on a user error (a message on stderr
 *naming the problem; also a bad config or an unusable database), 2 on a usage
 *	error (unknown verb or option, missing argument), with a usage line.
 * SEE ALSO
 *	moimctl(8), moim.conf(5), ctl.h
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "privs.h"
#include "err.h"
#include "limits.h"

struct ctl_verb {
	const char *noun;
	const char *sub; /* NULL: one-word verb */
	int (*run)(struct ctl *c, struct ctl_args *a);
	guint min, max; /* positional arguments */
	const char *opts; /* "name= flag ...": '=' takes a value */
	bool needs_store;
	const char *usage;
};

#define MANY G_MAXUINT

static const struct ctl_verb verbs[] = {
    {"list", "create", ctl_list_create, 1, 1,
	"name= policy= language= owner=", true,
	"list create L@D [--name N] [--policy P] [--language ko|en] "
	"[--owner ADDR]"},
    {"list", "ls", ctl_list_ls, 0, 0, "json", true, "list ls [--json]"},
    {"list", "show", ctl_list_show, 1, 1, "json", true, "list show L [--json]"},
    {"list", "set", ctl_list_set, 2, MANY, "", true, "list set L KEY=VALUE..."},
    {"list", "delete", ctl_list_delete, 1, 1, "", true, "list delete L"},
    {"member", "add", ctl_member_add, 2, MANY, "role= mode=", true,
	"member add L ADDR... [--role member|moderator|owner] "
	"[--mode regular|digest|nomail]"},
    {"member", "rm", ctl_member_rm, 2, MANY, "", true, "member rm L ADDR..."},
    {"member", "ls", ctl_member_ls, 1, 1, "role= json", true,
	"member ls L [--role R] [--json]"},
    {"member", "show", ctl_member_show, 2, 2, "json", true,
	"member show L ADDR [--json]"},
    {"member", "import", ctl_member_import, 2, 2, "", true,
	"member import L FILE|DIR|-"},
    {"mod", "ls", ctl_mod_ls, 1, 1, "json", true, "mod ls L [--json]"},
    {"mod", "approve", ctl_mod_approve, 1, 1, "", true, "mod approve ID"},
    {"mod", "reject", ctl_mod_reject, 1, 1, "reason=", true,
	"mod reject ID [--reason TEXT]"},
    {"postfix-config", NULL, ctl_postfix_config, 0, 0, "", false,
	"postfix-config"},
    {"web-config", NULL, ctl_web_config, 0, 0, "", false, "web-config"},
    {"check", NULL, ctl_check, 0, 0, "", false, "check"},
    {"secret", NULL, ctl_secret, 0, 0, "owner=", false,
	"secret [--owner USER]"},
    {"archive", "search", ctl_archive_search, 2, 2, "json limit=", true,
	"archive search L QUERY [--json] [--limit N]"},
    {"archive", "thread", ctl_archive_thread, 1, 1, "", true,
	"archive thread MSGID"},
    {"archive", "export", ctl_archive_export, 1, 2, "", true,
	"archive export L [FILE]"},
    {"archive", "import", ctl_archive_import, 2, 2, "", true,
	"archive import L MBOX|DIR"},
    {"archive", "reindex", ctl_archive_reindex, 0, 1, "", true,
	"archive reindex [L]"},
    {"archive", "threads", ctl_archive_threads, 1, 1, "topic= json limit=",
	true, "archive threads L [--topic T] [--json] [--limit N]"},
    {"event", "ls", ctl_event_ls, 1, 1, "json", true, "event ls L [--json]"},
    {"event", "show", ctl_event_show, 1, 1, "json", true,
	"event show EVENT [--json]"},
    {"event", "rsvps", ctl_event_rsvps, 1, 1, "csv json session=", true,
	"event rsvps EVENT [--session DATE] [--csv | --json]"},
    {"event", "update", ctl_event_update, 2, MANY, "", true,
	"event update EVENT KEY=VALUE..."},
    {"event", "cancel", ctl_event_cancel, 1, 1, "", true, "event cancel EVENT"},
    {"event", "promote", ctl_event_promote, 2, 2, "", true,
	"event promote EVENT ADDR"},
    {"event", "skip", ctl_event_skip, 2, 2, "", true, "event skip EVENT DATE"},
    {"event", "move", ctl_event_move, 3, 3, "", true,
	"event move EVENT DATE WHEN"},
};

/* ctl_err - print "moimctl: MESSAGE" on stderr */
void
ctl_err(const char *fmt, ...)
{
	va_list ap;

	fputs("moimctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* usage - print the usage lines (of one noun, or all) and return 2 */
static int
usage(FILE *f, const char *noun)
{
	size_t i;

	fprintf(f, "usage: moimctl [-c FILE] VERB ...\n");
	for (i = 0; i < G_N_ELEMENTS(verbs); i++)
		if (noun == NULL || strcmp(noun, verbs[i].noun) == 0)
			fprintf(f, "       moimctl %s\n", verbs[i].usage);
	return CTL_USAGE;
}

/* opt_takes - whether spec names opt: 1 = takes a value, 0 = flag, -1 no */
static int
opt_takes(const char *spec, const char *opt)
{
	g_auto(GStrv) names = g_strsplit(spec, " ", -1);
	size_t n = strlen(opt);

	for (char **p = names; *p != NULL; p++) {
		if (strncmp(*p, opt, n) != 0)
			continue;
		if ((*p)[n] == '\0')
			return 0;
		if ((*p)[n] == '=' && (*p)[n + 1] == '\0')
			return 1;
	}
	return -1;
}

/* take_opt - record argv[*i], an option "--name[=value]", in a */
static bool
take_opt(int argc, char **argv, int *i, const char *spec, struct ctl_args *a,
    GError **err)
{
	const char *arg = argv[*i] + 2;
	const char *eq = strchr(arg, '=');
	g_autofree char *name = eq ? g_strndup(arg, eq - arg) : g_strdup(arg);
	int takes = opt_takes(spec, name);

	if (takes < 0)
		return moim_fail(
		    err, MOIM_ERR_INPUT, "unknown option --%s", name);
	if (takes == 0 && eq != NULL)
		return moim_fail(
		    err, MOIM_ERR_INPUT, "--%s takes no value", name);
	if (takes == 1 && eq == NULL && *i + 1 >= argc)
		return moim_fail(
		    err, MOIM_ERR_INPUT, "--%s needs a value", name);
	if (takes == 1 && eq == NULL)
		eq = argv[++*i] - 1;
	g_hash_table_replace(
	    a->opts, g_steal_pointer(&name), (gpointer)(takes ? eq + 1 : ""));
	return true;
}

/* parse_args - split argv into options (per spec) and positionals */
static bool
parse_args(
    int argc, char **argv, const char *spec, struct ctl_args *a, GError **err)
{
	bool only_pos = false;

	for (int i = 0; i < argc; i++) {
		if (!only_pos && strcmp(argv[i], "--") == 0)
			only_pos = true;
		else if (!only_pos && strncmp(argv[i], "--", 2) == 0) {
			if (!take_opt(argc, argv, &i, spec, a, err))
				return false;
		} else if (!only_pos && argv[i][0] == '-' && argv[i][1] != '\0')
			return moim_fail(
			    err, MOIM_ERR_INPUT, "unknown option %s", argv[i]);
		else
			g_ptr_array_add(a->pos, argv[i]);
	}
	return true;
}

/* ctl_opt - the value of option name, "" for a flag, NULL if absent */
const char *
ctl_opt(const struct ctl_args *a, const char *name)
{
	return g_hash_table_lookup(a->opts, name);
}

/* ctl_arg - positional argument i */
const char *
ctl_arg(const struct ctl_args *a, guint i)
{
	return g_ptr_array_index(a->pos, i);
}

/* ctl_now - the time in seconds since the epoch */
gint64
ctl_now(void)
{
	return g_get_real_time() / G_USEC_PER_SEC;
}

/* ctl_time - t as ISO 8601 UTC text (g_free) */
char *
ctl_time(gint64 t)
{
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(t);

	if (dt == NULL)
		return g_strdup("?");
	return g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
}

/* ctl_printable - s for a terminal: control characters (C0, DEL, C1)
 * and invalid UTF-8 become '?', so a display name that came by mail
 * cannot send escape sequences (g_free) */
char *
ctl_printable(const char *s)
{
	GString *out = g_string_new(NULL);
	const char *p = s ? s : "", *end = p + strlen(p);

	while (p < end) {
		gunichar u = g_utf8_get_char_validated(p, end - p);

		if (u >= (gunichar)-2 || u < 0x20 || (u >= 0x7f && u < 0xa0)) {
			g_string_append_c(out, '?');
			p += u >= (gunichar)-2 ? 1 : g_utf8_skip[*(guchar *)p];
			continue;
		}
		g_string_append_len(out, p, g_utf8_skip[*(guchar *)p]);
		p += g_utf8_skip[*(guchar *)p];
	}
	return g_string_free(out, FALSE);
}

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

/* list_by_local - the one list called local, or an error naming them */
static bool
list_by_local(
    struct ctl *c, const char *local, struct store_list **l_out, GError **err)
{
	g_autoptr(GPtrArray) all = store_list_by_local(c->store, local, err);
	g_autoptr(GString) names = g_string_new(NULL);

	if (all == NULL)
		return false;
	if (all->len == 0)
		return moim_fail(
		    err, MOIM_ERR_NOTFOUND, "no such list: %s", local);
	if (all->len == 1) {
		*l_out = g_ptr_array_steal_index(all, 0);
		return true;
	}
	for (guint i = 0; i < all->len; i++) {
		const struct store_list *l = g_ptr_array_index(all, i);

		g_string_append_printf(
		    names, "%s%s", i ? ", " : "", l->address);
	}
	return moim_fail(
	    err, MOIM_ERR_INPUT, "%s is ambiguous: %s", local, names->str);
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
		return list_by_local(c, spec, l_out, err);
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

/* ctl_fail_list - report a failed ctl_list_find() and return 1 */
int
ctl_fail_list(struct ctl *c, const char *spec, GError *e)
{
	if (e->code == MOIM_ERR_NOTFOUND)
		ctl_err("%s", e->message);
	else
		ctl_err("%s: %s", c->verb, e->message);
	g_error_free(e);
	return CTL_USER;
}

/* find_verb - the table entry for argv (noun [sub]), or NULL */
static const struct ctl_verb *
find_verb(int argc, char **argv)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(verbs); i++) {
		if (strcmp(verbs[i].noun, argv[0]) != 0)
			continue;
		if (verbs[i].sub == NULL)
			return &verbs[i];
		if (argc > 1 && strcmp(verbs[i].sub, argv[1]) == 0)
			return &verbs[i];
	}
	return NULL;
}

/* is_help - whether arg asks for help */
static bool
is_help(const char *arg)
{
	return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

/* global_opts - -c FILE and -h before the verb; index of the verb or -1 */
static int
global_opts(int argc, char **argv, struct ctl *c)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (is_help(argv[i])) {
			usage(stdout, NULL);
			exit(CTL_OK);
		} else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			c->config_path = argv[++i];
		else if (strncmp(argv[i], "-c", 2) == 0 && argv[i][2] != '\0')
			c->config_path = argv[i] + 2;
		else if (strncmp(argv[i], "--config=", 9) == 0)
			c->config_path = argv[i] + 9;
		else {
			ctl_err("unknown option %s", argv[i]);
			return -1;
		}
	}
	return i < argc ? i : -1;
}

/* ctl_setup - load the config and, if the verb needs it, the store */
static bool
ctl_setup(struct ctl *c, const struct ctl_verb *v)
{
	GError *e = NULL;

	c->cfg = config_load(c->config_path, &e);
	/* Files we create must belong to the user the daemons run as. */
	if (c->cfg != NULL && v->needs_store &&
	    privs_drop(c->cfg->user, c->cfg->group, &e)) {
		c->store = store_open(c->cfg->database, STORE_RW, &e);
		if (c->store == NULL)
			(void)privs_blame(&e, "[moim] database",
			    c->cfg->database, PRIVS_WRITE);
	}
	if (e == NULL)
		return true;
	ctl_err("%s", e->message);
	g_error_free(e);
	return false;
}

/* run_verb - check the arguments of v and run it */
static int
run_verb(struct ctl *c, const struct ctl_verb *v, int argc, char **argv)
{
	struct ctl_args a = {g_ptr_array_new(),
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL)};
	GError *e = NULL;
	int rc = CTL_USAGE;

	for (int i = 0; i < argc; i++)
		if (is_help(argv[i])) {
			printf("usage: moimctl [-c FILE] %s\n", v->usage);
			exit(CTL_OK);
		}
	if (!parse_args(argc, argv, v->opts, &a, &e)) {
		ctl_err("%s: %s", c->verb, e->message);
		g_error_free(e);
	} else if (a.pos->len < v->min || a.pos->len > v->max)
		ctl_err("%s: %s arguments", c->verb,
		    a.pos->len < v->min ? "missing" : "too many");
	else
		rc = ctl_setup(c, v) ? v->run(c, &a) : CTL_USER;
	if (rc == CTL_USAGE)
		fprintf(stderr, "usage: moimctl [-c FILE] %s\n", v->usage);
	g_ptr_array_unref(a.pos);
	g_hash_table_unref(a.opts);
	return rc;
}

/* main - global options, verb lookup, run */
int
main(int argc, char **argv)
{
	struct ctl c = {config_default_path(), NULL, NULL, NULL};
	const struct ctl_verb *v;
	int i, words, rc;

	privs_umask(); /* what we create: no access for others */
	i = global_opts(argc, argv, &c);
	if (i < 0)
		return usage(stderr, NULL);
	v = find_verb(argc - i, argv + i);
	if (v == NULL) {
		ctl_err("unknown verb: %s%s%s", argv[i],
		    i + 1 < argc ? " " : "", i + 1 < argc ? argv[i + 1] : "");
		return usage(stderr, argv[i]);
	}
	words = v->sub ? 2 : 1;
	g_autofree char *verb = g_strjoinv(
	    " ", (char *[]){argv[i], words == 2 ? argv[i + 1] : NULL, NULL});
	c.verb = verb;
	rc = run_verb(&c, v, argc - i - words, argv + i + words);
	store_close(c.store);
	if (c.cfg != NULL)
		config_unref(c.cfg);
	return rc;
}
