/*
 * privs - drop root privileges to the configured user and group
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "db.h"
#include "privs.h"

/* privs_umask - no access for others to any file we create */
void
privs_umask(void)
{
	mode_t m = umask(027);

	(void)umask(m | 027);
}

/* privs_ids - uid of user and gid of group */
bool
privs_ids(const char *user, const char *group, uid_t *uid_out, gid_t *gid_out,
    GError **err)
{
	struct passwd *pw = getpwnam(user);
	struct group *gr;

	if (pw == NULL)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "[moim] user %s does not exist (create it with"
		    " \"useradd --system %s\")",
		    user, user);
	*uid_out = pw->pw_uid;
	gr = getgrnam(group);
	if (gr == NULL)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "[moim] group %s does not exist", group);
	*gid_out = gr->gr_gid;
	return true;
}

/* privs_drop - become user:group when running as root */
bool
privs_drop(const char *user, const char *group, GError **err)
{
	uid_t uid;
	gid_t gid;

	if (geteuid() != 0)
		return true;
	if (!privs_ids(user, group, &uid, &gid, err))
		return false;
	if (uid == 0)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "[moim] user %s is root: refusing to run as root", user);
	if (setgroups(1, &gid) != 0 || setgid(gid) != 0 || setuid(uid) != 0)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "dropping privileges to %s: %s", user, g_strerror(errno));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "PR_SET_NO_NEW_PRIVS: %s", g_strerror(errno));
	if (setuid(0) == 0 || geteuid() == 0)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "root privileges remain after dropping to %s", user);
	return true;
}

/* clear_stale - remove a stale socket, or a symbolic link, at path */
static bool
clear_stale(const char *path, GError **err)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ||
		    moim_fail(err, MOIM_ERR_CONFIG, "%s: %s", path,
			g_strerror(errno));
	if (!S_ISSOCK(st.st_mode) && !S_ISLNK(st.st_mode))
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "%s exists and is not a socket: refusing to replace it",
		    path);
	/* unlink(2) removes a link itself, never what it points to. */
	if (unlink(path) != 0 && errno != ENOENT)
		return moim_fail(err, MOIM_ERR_CONFIG, "removing %s: %s", path,
		    g_strerror(errno));
	return true;
}

/* privs_socket - bind a unix socket born with mode 0660 and group */
bool
privs_socket(const char *path, const char *group, const char *key,
    bool (*bind_fn)(void *data, GError **err), void *data, GError **err)
{
	struct group *gr = getgrnam(group);
	bool root = geteuid() == 0, ok;
	gid_t egid = getegid(), gid;
	struct stat st;
	mode_t old;

	if (gr == NULL)
		return moim_fail(
		    err, MOIM_ERR_CONFIG, "%s: no group '%s'", key, group);
	gid = gr->gr_gid;
	if (!clear_stale(path, err))
		return false;
	old = umask(0117);
	if (root && setegid(gid) != 0) {
		(void)umask(old);
		return moim_fail(err, MOIM_ERR_CONFIG, "%s: setegid %s: %s",
		    key, group, g_strerror(errno));
	}
	ok = bind_fn(data, err);
	if (root && setegid(egid) != 0) {
		(void)umask(old);
		return ok &&
		    moim_fail(err, MOIM_ERR_CONFIG, "setegid back to %ju: %s",
			(uintmax_t)egid, g_strerror(errno));
	}
	(void)umask(old);
	if (!ok)
		return false;
	if (lstat(path, &st) != 0 || !S_ISSOCK(st.st_mode))
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "%s: not a socket after binding it", path);
	if (st.st_gid == gid)
		return true;
	if (root)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "socket %s came out with group %ju, not %s (a "
		    "set-group-ID directory?): put it in another directory",
		    path, (uintmax_t)st.st_gid, group);
	if (lchown(path, (uid_t)-1, gid) == 0)
		return true;
	log_warn("socket %s: not given to group %s: %s", path, group,
	    g_strerror(errno));
	return true;
}

/* may - whether the effective user may access path as mode says */
static bool
may(const char *path, int mode)
{
	return faccessat(AT_FDCWD, path, mode, AT_EACCESS) == 0;
}

/* first_unreachable - "enter DIR", "read FILE" or "write DIR": the first
 * thing on the way to path that we may not do; NULL if none (g_free) */
static char *
first_unreachable(const char *path, enum privs_need need)
{
	g_autofree char *abs = g_canonicalize_filename(path, NULL);
	g_autofree char *dir = g_path_get_dirname(abs);
	size_t i, n = strlen(dir);
	struct stat st;

	/* Each directory on the way, "/" left out. */
	for (i = 1; i <= n; i++) {
		if (dir[i] == '/' || dir[i] == '\0') {
			g_autofree char *step = g_strndup(dir, i);

			if (!may(step, X_OK))
				return errno == EACCES
				    ? g_strdup_printf("enter %s", step)
				    : NULL;
		}
	}
	if (lstat(abs, &st) != 0) {
		if (need == PRIVS_WRITE && !may(dir, W_OK) && errno == EACCES)
			return g_strdup_printf("write %s", dir);
		return NULL;
	}
	if (need == PRIVS_READ)
		return may(abs, S_ISDIR(st.st_mode) ? R_OK | X_OK : R_OK)
		    ? NULL
		    : g_strdup_printf("read %s", abs);
	if (!may(abs, R_OK | W_OK))
		return g_strdup_printf("write %s", abs);
	if (!may(dir, W_OK))
		return g_strdup_printf("write %s", dir);
	return NULL;
}

/* privs_blame - add who we run as and what they cannot reach to *err;
 * whether there was such a thing */
bool
privs_blame(
    GError **err, const char *key, const char *path, enum privs_need need)
{
	g_autofree char *what = NULL, *name = NULL;
	struct passwd *pw;
	char *msg;

	/* A PostgreSQL connection string names no file. */
	if (err == NULL || *err == NULL || db_spec_is_postgresql(path) ||
	    (what = first_unreachable(path, need)) == NULL)
		return false;
	pw = getpwuid(geteuid());
	name = pw != NULL ? g_strdup(pw->pw_name)
			  : g_strdup_printf("%ju", (uintmax_t)geteuid());
	msg = g_strdup_printf("%s (running as user %s, who cannot %s: give "
			      "%s access, or set %s)",
	    (*err)->message, name, what, name, key);
	g_free((*err)->message);
	(*err)->message = msg;
	return true;
}
