/*
 * privs - drop root privileges to the configured user and group
 *
 * SYNOPSIS
 *	bool privs_drop(const char *user, const char *group, GError **err);
 * DESCRIPTION
 *	When the process runs as root, privs_drop() sets the supplementary
 *	groups, gid and uid to those of user and group, sets
 *	PR_SET_NO_NEW_PRIVS, and fails if root can be regained. When the
 *	process does not run as root it does nothing: a developer running a
 *	daemon by hand keeps their own identity.
 * THREADS
 *	Call before starting threads.
 * ERRORS
 *	MOIM_ERR_CONFIG, naming the user or the call that failed.
 */
#ifndef MOIM_PRIVS_H
#define MOIM_PRIVS_H

#include <glib.h>
#include <stdbool.h>

bool privs_drop(const char *user, const char *group, GError **err);

#endif
