/*
 * privs - drop root privileges to the configured user and group
 *
 * SYNOPSIS
 *	bool privs_drop(const char *user, const char *group, GError **err);
bool privs_socket(
    const char *path, const char *group, const char *key, GError **err);
 *	bool privs_socket(const char *path, const char *group,
 *	    const char *key, GError **err);
 * DESCRIPTION
 *	When the process runs as root, privs_drop() sets the supplementary
 *	groups, gid and uid to those of user and group, sets
 *	PR_SET_NO_NEW_PRIVS, and fails if root can be regained. When the
 *	process does not run as root it does nothing: a developer running a
 *	daemon by hand keeps their own identity.
 *
 *	privs_socket() gives a unix socket the daemon just bound mode 0660
 *	and the group named (key, e.g. "[milter] socket_group", is for
 *	messages), so that Postfix's processes can connect. As root a
 *	failure is an error; otherwise (a developer, or a service manager
 *	that starts the daemon unprivileged) the socket keeps the process's
 *	group and a warning is logged.
 *	Call before starting threads.
 * ERRORS
 *	MOIM_ERR_CONFIG, naming the user or the call that failed.
 */
#ifndef MOIM_PRIVS_H
#define MOIM_PRIVS_H

#include <glib.h>
#include <stdbool.h>

bool privs_drop(const char *user, const char *group, GError **err);
bool privs_socket(
    const char *path, const char *group, const char *key, GError **err);

#endif
