/*
 * arc - validate an ARC chain and seal the next ARC set (RFC 8617)
 *
 * Skeleton: the interface of arc.h, filled in by the next commits.
 */
#include "config.h"

#include "arc.h"
#include "err.h"

enum arc_cv
arc_validate(const char *msg, size_t len, dns_txt_fn lookup, void *data,
    int *count_out, char **why_out)
{
	(void)msg;
	(void)len;
	(void)lookup;
	(void)data;
	*count_out = 0;
	if (why_out != NULL)
		*why_out = g_strdup("not yet supported");
	return ARC_CV_NONE;
}

char *
arc_seal(
    const struct arc_seal_args *a, const char *msg, size_t len, GError **err)
{
	(void)a;
	(void)msg;
	(void)len;
	(void)moim_fail(
	    err, MOIM_ERR_INTERNAL, "ARC sealing not yet supported");
	return NULL;
}

const char *
arc_cv_name(enum arc_cv cv)
{
	switch (cv) {
	case ARC_CV_NONE:
		return "none";
	case ARC_CV_PASS:
		return "pass";
	case ARC_CV_FAIL:
		return "fail";
	}
	return "fail";
}
