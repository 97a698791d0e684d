/*
 * privs - drop root privileges to the configured user and group
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "privs.h"

/* privs_drop - become user:group when running as root */
bool
privs_drop(const char *user, const char *group, GError **err)
{
	struct passwd *pw;
	struct group *gr;

	if (geteuid() != 0)
		return true;
	pw = getpwnam(user);
	if (pw == NULL)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "[moim] user %s does not exist (create it with"
		    " \"useradd --system %s\")",
		    user, user);
	gr = getgrnam(group);
	if (gr == NULL)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "[moim] group %s does not exist", group);
	if (pw->pw_uid == 0)
		return moim_fail(err, MOIM_ERR_CONFIG,
		    "[moim] user %s is root: refusing to run as root", user);
	if (setgroups(1, &gr->gr_gid) != 0 || setgid(gr->gr_gid) != 0 ||
	    setuid(pw->pw_uid) != 0)
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

/* privs_socket - mode 0660 and the given group for a unix socket */
bool
privs_socket(const char *path, const char *group, const char *key, GError **err)
{
	struct group *gr = getgrnam(group);

	if (chmod(path, 0660) != 0)
		return moim_fail(err, MOIM_ERR_CONFIG, "chmod %s: %s", path,
		    g_strerror(errno));
	if (gr == NULL)
		return moim_fail(
		    err, MOIM_ERR_CONFIG, "%s: no group '%s'", key, group);
	if (chown(path, (uid_t)-1, gr->gr_gid) == 0)
		return true;
	if (geteuid() == 0)
		return moim_fail(err, MOIM_ERR_CONFIG, "chown %s: %s", path,
		    g_strerror(errno));
	log_warn("socket %s: not given to group %s: %s", path, group,
	    g_strerror(errno));
	return true;
}
