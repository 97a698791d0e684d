/*
 * commit - how long the store takes to commit one post with N deliveries,
 * for bench/scale.sh
 *
 * SYNOPSIS
 *	bench/commit DATABASE N [RUNS]
 * DESCRIPTION
 *	Opens DATABASE (a SQLite path or a PostgreSQL URI; created and
 *	migrated as moim-listd would) the way moim-listd's processor does
 *	(STORE_RW) and, RUNS times (default 3), commits in one transaction
 *	what a post to an N-member list writes: one outbound row with a
 *	5 KB copy and N deliveries (m000001@commit.bench.test, ...), timed
 *	from store_begin() to the end of store_commit(). Prints one line per
 *	run, "commit ms=X cpu_ms=Y" (Y: this process's CPU time, the
 *	client's share; a PostgreSQL server's is not in it), then
 *	"commit median_ms=X". The outbound rows and
 *	their deliveries stay: use a database nobody delivers from.
 * ERRORS
 *	Exits 1 with a message on stderr when the store fails, 2 on bad
 *	arguments.
 */
#include <glib.h>
#include <stdio.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "store.h"

#define COMMIT_MAX_RUNS 15

/* cmp_double - qsort order of doubles */
static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* cpu_ms - this process's user and system time so far */
static double
cpu_ms(void)
{
	struct rusage u;

	getrusage(RUSAGE_SELF, &u);
	return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000.0 +
	    (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1000.0;
}

/* one_run - commit one post with n deliveries; its milliseconds, < 0
 * on failure; *cpu_out the CPU milliseconds it took */
static double
one_run(struct store *s, const struct store_rcpt *r, size_t n, const char *raw,
    double *cpu_out, GError **err)
{
	gint64 t0 = g_get_monotonic_time(), now = g_get_real_time() / 1000000;
	double c0 = cpu_ms();
	g_autofree char *mid = g_strdup_printf(
	    "<%" G_GINT64_FORMAT ".commit@bench.test>", g_get_real_time());

	if (!store_begin(s, err))
		return -1;
	if (!store_outbound_add(s, 0, STORE_OUT_POST, NULL, mid, raw,
		strlen(raw), r, n, now, NULL, err) ||
	    !store_commit(s, err)) {
		store_rollback(s);
		return -1;
	}
	*cpu_out = cpu_ms() - c0;
	return (double)(g_get_monotonic_time() - t0) / 1000.0;
}

int
main(int argc, char **argv)
{
	GError *e = NULL;
	struct store *s;
	struct store_rcpt *r;
	char **addr;
	GString *raw;
	double ms[COMMIT_MAX_RUNS], cpu = 0;
	long n, runs = 3;
	int rc = 0;

	if (argc < 3 || argc > 4 || (n = strtol(argv[2], NULL, 10)) < 1 ||
	    n > 10000000 ||
	    (argc == 4 &&
		((runs = strtol(argv[3], NULL, 10)) < 1 ||
		    runs > COMMIT_MAX_RUNS))) {
		fprintf(stderr, "usage: commit DATABASE N [RUNS <= %d]\n",
		    COMMIT_MAX_RUNS);
		return 2;
	}
	s = store_open(argv[1], STORE_RW, &e);
	if (s == NULL) {
		fprintf(stderr, "commit: %s\n", e->message);
		g_error_free(e);
		return 1;
	}
	raw = g_string_new("From: Bench <poster@example.net>\r\n"
			   "Subject: commit benchmark\r\n\r\n");
	while (raw->len < 5120)
		g_string_append(raw,
		    "The quick brown fox jumps over the lazy "
		    "dog The quick brown fox jumps\r\n");
	r = g_new(struct store_rcpt, n);
	addr = g_new(char *, n);
	for (long i = 0; i < n; i++) {
		addr[i] = g_strdup_printf("m%06ld@commit.bench.test", i + 1);
		r[i] = (struct store_rcpt){addr[i], 0};
	}
	for (long i = 0; i < runs; i++) {
		ms[i] = one_run(s, r, (size_t)n, raw->str, &cpu, &e);
		if (ms[i] < 0) {
			fprintf(stderr, "commit: %s\n", e->message);
			g_clear_error(&e);
			rc = 1;
			break;
		}
		printf("commit ms=%.0f cpu_ms=%.0f\n", ms[i], cpu);
	}
	if (rc == 0) {
		qsort(ms, (size_t)runs, sizeof ms[0], cmp_double);
		printf("commit median_ms=%.0f\n",
		    runs % 2 ? ms[runs / 2]
			     : (ms[runs / 2 - 1] + ms[runs / 2]) / 2);
	}
	for (long i = 0; i < n; i++)
		g_free(addr[i]);
	g_free(addr);
	g_free(r);
	g_string_free(raw, true);
	store_close(s);
	return rc;
}
