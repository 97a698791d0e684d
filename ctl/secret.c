/*
 * secret - moimctl secret: make the HMAC key file before the daemon runs
 *
 * moim-listd creates [moim] secret_file itself when it can, but the units
 * start it as user moim with a read-only /etc, so the built-in default
 * /etc/moim/secret would stop it at start. The unit runs this verb as
 * root first (ExecStartPre=+...): it creates the key as the daemon would
 * and gives it to the daemon's user. An existing key is checked and kept:
 * rewriting it would void every token already mailed out.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include "ctl.h"
#include "token.h"

/* user_ids - uid and primary gid of user name; false (with a message
 * printed) if there is no such user */
static bool
user_ids(const char *name, uid_t *uid_out, gid_t *gid_out)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(name);
	if (pw == NULL && errno != 0 && errno != ENOENT && errno != ESRCH) {
		ctl_err(
		    "secret: looking up user %s: %s", name, g_strerror(errno));
		return false;
	}
	if (pw == NULL) {
		ctl_err("secret: no such user: %s", name);
		return false;
	}
	*uid_out = pw->pw_uid;
	*gid_out = pw->pw_gid;
	return true;
}

/* owner_text - "user:group" of st, names where known (g_free) */
static char *
owner_text(const struct stat *st)
{
	struct passwd *pw = getpwuid(st->st_uid);
	struct group *gr = getgrgid(st->st_gid);
	g_autofree char *u = pw != NULL
	    ? g_strdup(pw->pw_name)
	    : g_strdup_printf("%ju", (uintmax_t)st->st_uid);
	g_autofree char *g = gr != NULL
	    ? g_strdup(gr->gr_name)
	    : g_strdup_printf("%ju", (uintmax_t)st->st_gid);

	return g_strdup_printf("%s:%s", u, g);
}

/* ctl_secret - moimctl secret [--owner USER] */
int
ctl_secret(struct ctl *c, struct ctl_args *a)
{
	const char *owner = ctl_opt(a, "owner");
	const char *path = c->cfg->secret_file;
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;
	g_autofree char *who = NULL;
	GError *e = NULL;
	bool created = false;
	struct stat st;

	if (owner != NULL && !user_ids(owner, &uid, &gid))
		return CTL_USER;
	if (!token_key_ensure(path, uid, gid, &created, &e)) {
		ctl_err("secret: %s", e->message);
		g_error_free(e);
		return CTL_USER;
	}
	if (lstat(path, &st) != 0) {
		ctl_err("secret: %s: %s", path, g_strerror(errno));
		return CTL_USER;
	}
	who = owner_text(&st);
	printf("secret %s: %s, mode %04o, owner %s\n", path,
	    created ? "created" : "present", (unsigned)(st.st_mode & 07777),
	    who);
	return CTL_OK;
}
