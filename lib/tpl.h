/*
 * tpl - render message templates (templates/LANG/NAME.txt)
 *
 * SYNOPSIS
 *	const char *const *tpl_names(void);
 *	bool tpl_render(const char *dir, const char *lang, const char *name,
 *	    GHashTable *vars, char **subject_out, char **body_out,
 *	    GError **err);
 * DESCRIPTION
 *	A template is a small mail: a header part with one "Subject:" line,
 *	a blank line, then the body. tpl_render() reads DIR/LANG/NAME.txt,
 *	or DIR/en/NAME.txt, then DIR/ko/NAME.txt when that is missing, and
 *	substitutes ${var} from vars (char * to char *) in the subject and
 *	the body. "$$" is a literal "$"; any other "$" is an error, so a
 *	typo in a template is found by the test suite and not by a member.
 *	The subject is trimmed; the body keeps its line ends (LF).
 * OWNERSHIP
 *	*subject_out and *body_out are new strings for the caller (g_free);
 *	they are set only on success. vars is borrowed.
 * INPUT AND LIMITS
 *	name must match [a-z0-9-]+ and lang [a-z]{2,8}: no paths from input.
 *	Values are UTF-8; a value with CR or LF cannot go into the subject.
 *	Template files and output over MOIM_MAX_TEMPLATE_OUTPUT are refused.
 * THREADS
 *	No shared state.
 * ERRORS
 *	MOIM_ERR_CONFIG: no such template in any language, a malformed
 *	template, an unknown variable (the message names template and
 *	variable), output over the limit. MOIM_ERR_INPUT: a bad name or
 *	lang, a value that is not UTF-8, CR or LF in a subject value.
 * SEE ALSO
 *	templates/{ko,en}/, lib/limits.h.
 */
#ifndef MOIM_TPL_H
#define MOIM_TPL_H

#include <stdbool.h>

#include <glib.h>

bool tpl_render(const char *dir, const char *lang, const char *name,
    GHashTable *vars, char **subject_out, char **body_out, GError **err);

/* The templates moim renders, NULL-terminated: each exists per language. */
const char *const *tpl_names(void);

#endif
