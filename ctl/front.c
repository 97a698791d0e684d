/*
 * front - moimctl as started: serves "archive search L" itself and runs
 * moimctl-full for everything else
 *
 * SYNOPSIS
 *	moimctl [-c FILE] archive search L QUERY [--json] [--limit N]
 *	moimctl [-c FILE] VERB ...	(run by moimctl-full)
 * DESCRIPTION
 *	A search should cost about what SQLite does. Loading GMime, libical
 *	(with ICU and libstdc++), OpenSSL and GIO and running their
 *	initialisers costs several times that at every start, so this
 *	program links GLib and SQLite only, serves the one verb of its
 *	table (moimctl.c's CTL_VERB_ARCHIVE_SEARCH row) when the list is
 *	named by its local part, and otherwise executes moimctl-full with
 *	the same argv before reading any config: another verb, -h, an
 *	unknown global option and "L@D" (an address is parsed by lib/addr,
 *	which needs GMime); and, once the config is read, a database this
 *	program has no driver for (PostgreSQL: libpq would bring OpenSSL
 *	back). moimctl-full is the file beside this program
 *	when there is one (the build tree), else pkglibexecdir's, under
 *	the DESTDIR this program was installed into, if any.
 * ERRORS
 *	As moimctl-full's (ctl_main()); a moimctl-full that cannot be
 *	executed is exit 1 with a message naming it.
 * SEE ALSO
 *	moimctl(8), moimctl.c, verb.c, search.c
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"

#define FULL_NAME "moimctl-full"

/* full_path - where moimctl-full is: beside this program (the build
 * tree), else in pkglibexecdir under the root this program's bindir is
 * installed in (a DESTDIR, or none) */
static char *
full_path(void)
{
	g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
	g_autofree char *dir = self ? g_path_get_dirname(self) : NULL;
	char *beside;

	if (dir == NULL)
		return g_strdup(MOIM_PKGLIBEXECDIR "/" FULL_NAME);
	beside = g_build_filename(dir, FULL_NAME, NULL);
	if (access(beside, X_OK) == 0)
		return beside;
	g_free(beside);
	if (!g_str_has_suffix(dir, MOIM_BINDIR))
		return g_strdup(MOIM_PKGLIBEXECDIR "/" FULL_NAME);
	dir[strlen(dir) - strlen(MOIM_BINDIR)] = '\0';
	return g_strconcat(dir, MOIM_PKGLIBEXECDIR "/" FULL_NAME, NULL);
}

/* pass_on - run moimctl-full with argv; returns only on failure */
static int
pass_on(char **argv)
{
	g_autofree char *full = full_path();

	execv(full, argv);
	ctl_err("cannot run %s: %s", full, g_strerror(errno));
	return CTL_USER;
}

/* serves - whether this program serves a itself: a list named "L" */
static bool
serves(const struct ctl_args *a)
{
	return strchr(ctl_arg(a, 0), '@') == NULL;
}

/* ctl_list_find - the list named by an unambiguous "L" (serves() passes
 * "L@D" on) */
bool
ctl_list_find(
    struct ctl *c, const char *spec, struct store_list **l_out, GError **err)
{
	g_assert(strchr(spec, '@') == NULL);
	*l_out = NULL;
	return ctl_list_by_local(c, spec, l_out, err);
}

/* main - the front's table: the one row it serves */
int
main(int argc, char **argv)
{
	static const struct ctl_verb verbs[] = {CTL_VERB_ARCHIVE_SEARCH};
	static const struct ctl_program front = {
	    verbs, G_N_ELEMENTS(verbs), serves, pass_on};

	return ctl_main(argc, argv, &front);
}
