/*
 * verb - moimctl's driver, shared by its two programs: global options,
 * the verb's table row, option parsing, config and store, the handler
 *
 * DESCRIPTION
 *	See ctl.h. ctl_main() is the main() of moimctl (front.c, the
 *	table of verbs it serves itself) and of moimctl-full (moimctl.c,
 *	every verb). It reads the global options, finds the verb in the
 *	program's table, checks the verb's options and argument count
 *	against its row, loads the config, opens the store when the verb
 *	needs it and calls the verb's handler. In the front, anything it
 *	does not serve (another verb, -h, a global option it does not know,
 *	arguments its serves() refuses) goes to the full program with the
 *	same argv before any config is read, so both answer alike.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "db.h"
#include "err.h"
#include "privs.h"

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
usage(const struct ctl_program *p, FILE *f, const char *noun)
{
	size_t i;

	fprintf(f, "usage: moimctl [-c FILE] VERB ...\n");
	for (i = 0; i < p->n_verbs; i++)
		if (noun == NULL || strcmp(noun, p->verbs[i].noun) == 0)
			fprintf(f, "       moimctl %s\n", p->verbs[i].usage);
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

/* ctl_list_by_local - the one list called local, or an error naming
 * them */
bool
ctl_list_by_local(
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

/* ctl_fail - print a GError for this verb and return CTL_USER */
int
ctl_fail(struct ctl *c, GError *e)
{
	ctl_err("%s: %s", c->verb, e->message);
	g_error_free(e);
	return CTL_USER;
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
find_verb(const struct ctl_program *p, int argc, char **argv)
{
	const struct ctl_verb *verbs = p->verbs;
	size_t i;

	for (i = 0; i < p->n_verbs; i++) {
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

/* global_opts - -c FILE and -h before the verb; index of the verb or -1
 * (the front's -1 says nothing: the full program will) */
static int
global_opts(int argc, char **argv, struct ctl *c)
{
	bool is_front = c->prog->pass_on != NULL;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (is_help(argv[i]) && is_front)
			return -1;
		if (is_help(argv[i])) {
			usage(c->prog, stdout, NULL);
			exit(CTL_OK);
		} else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			c->config_path = argv[++i];
		else if (strncmp(argv[i], "-c", 2) == 0 && argv[i][2] != '\0')
			c->config_path = argv[i] + 2;
		else if (strncmp(argv[i], "--config=", 9) == 0)
			c->config_path = argv[i] + 9;
		else {
			if (!is_front)
				ctl_err("unknown option %s", argv[i]);
			return -1;
		}
	}
	return i < argc ? i : -1;
}

/* ctl_setup - load the config and, if the verb needs it, the store;
 * *pass_out: this program has no driver for the database (the front is
 * built without PostgreSQL's), so the full program must serve the verb */
static bool
ctl_setup(struct ctl *c, const struct ctl_verb *v, bool *pass_out)
{
	GError *e = NULL;

	*pass_out = false;
	c->cfg = config_load(c->config_path, &e);
	if (c->cfg != NULL && v->needs_store != CTL_STORE_NONE &&
	    c->prog->pass_on != NULL && db_engine(c->cfg->database) == NULL) {
		*pass_out = true;
		return false;
	}
	/* Files we create must belong to the user the daemons run as. */
	if (c->cfg != NULL && v->needs_store != CTL_STORE_NONE &&
	    privs_drop(c->cfg->user, c->cfg->group, &e)) {
		c->store = v->needs_store == CTL_STORE_READ
		    ? store_open(c->cfg->database, STORE_RO_BRIEF, NULL)
		    : NULL;
		/* A verb that only reads still gets what a writer would:
		 * a database created or migrated, or the writer's error. */
		if (c->store == NULL)
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
	bool pass;

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
	else if (c->prog->serves != NULL && !c->prog->serves(&a))
		rc = c->prog->pass_on(c->argv);
	else if (ctl_setup(c, v, &pass))
		rc = v->run(c, &a);
	else
		rc = pass ? c->prog->pass_on(c->argv) : CTL_USER;
	if (rc == CTL_USAGE)
		fprintf(stderr, "usage: moimctl [-c FILE] %s\n", v->usage);
	g_ptr_array_unref(a.pos);
	g_hash_table_unref(a.opts);
	return rc;
}

/* ctl_main - global options, verb lookup, run: the main() of both
 * programs */
int
ctl_main(int argc, char **argv, const struct ctl_program *p)
{
	struct ctl c = {config_default_path(), NULL, NULL, NULL, p, argv};
	const struct ctl_verb *v;
	int i, words, rc;

	privs_umask(); /* what we create: no access for others */
	i = global_opts(argc, argv, &c);
	if (i < 0 && p->pass_on != NULL)
		return p->pass_on(argv);
	if (i < 0)
		return usage(p, stderr, NULL);
	v = find_verb(p, argc - i, argv + i);
	if (v == NULL && p->pass_on != NULL)
		return p->pass_on(argv);
	if (v == NULL) {
		ctl_err("unknown verb: %s%s%s", argv[i],
		    i + 1 < argc ? " " : "", i + 1 < argc ? argv[i + 1] : "");
		return usage(p, stderr, argv[i]);
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
