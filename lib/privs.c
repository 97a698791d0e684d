/*
 * privs - drop root privileges to the configured user and group
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "err.h"
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
