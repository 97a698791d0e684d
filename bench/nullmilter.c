/*
 * nullmilter - a libmilter milter that does nothing, the floor of
 *bench/milter.sh
 *
 * SYNOPSIS
 *	nullmilter unix:/PATH
 * DESCRIPTION
 *	Registers a DATA and an end-of-message callback that both continue
 *	(with a DATA callback, as the issue says every milter here should),
 *	so that the benchmark measures the cost of the milter protocol alone.
 *	Build: cc -o nullmilter nullmilter.c -lmilter -lpthread
 */
#include <libmilter/mfapi.h>
#include <stdio.h>
#include <sys/stat.h>

/* on_data - no opinion */
static sfsistat
on_data(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_CONTINUE;
}

/* on_eom - no opinion either */
static sfsistat
on_eom(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_CONTINUE;
}

int
main(int argc, char **argv)
{
	struct smfiDesc d = {
	    .xxfi_name = "nullmilter",
	    .xxfi_version = SMFI_VERSION,
	    .xxfi_data = on_data,
	    .xxfi_eom = on_eom,
	};

	if (argc != 2 || smfi_setconn(argv[1]) != MI_SUCCESS ||
	    smfi_register(d) != MI_SUCCESS ||
	    smfi_opensocket(1) != MI_SUCCESS) {
		fprintf(stderr, "usage: nullmilter unix:/PATH\n");
		return 2;
	}
	if (argv[1][0] == 'u')
		(void)chmod(argv[1] + 5, 0666); /* a benchmark, not a service */
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
