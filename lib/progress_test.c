/*
 * progress_test - unit tests for the progress module: the line's text,
 * quiet on a pipe, drawn on a pseudo-terminal
 */
#define _XOPEN_SOURCE 700
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "progress.h"

#define S G_USEC_PER_SEC

static const struct {
	gint64 count, work, total, elapsed_us;
	const char *want;
} lines[] = {
    /* Before the first second: no rate, no time left. */
    {0, 0, 100, 0, "m: 0 rows (0%)"},
    {10, 10, 100, S / 2, "m: 10 rows (10%)"},
    /* A quarter in 10 s: 30 s left. */
    {25, 25, 100, 10 * S, "m: 25 rows (25%), 2/s, 0:30 left"},
    /* Count and work in different units (messages, bytes). */
    {500, 1 << 20, 4 << 20, 2 * S, "m: 500 rows (25%), 250/s, 0:06 left"},
    /* Unknown total: count and rate only. */
    {3000, 0, 0, 3 * S, "m: 3000 rows, 1000/s"},
    /* Hours. */
    {1, 1, 1000, 10 * S, "m: 1 rows (0%), 0/s, 2:46:30 left"},
    /* Done: no time left; work beyond total shows 100%. */
    {100, 100, 100, 4 * S, "m: 100 rows (100%), 25/s"},
    {120, 130, 100, 4 * S, "m: 120 rows (100%), 30/s"},
};

/* Each row of the table: the text of one line. */
static void
test_line(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(lines); i++) {
		g_autofree char *got =
		    progress_line("m", "rows", lines[i].count, lines[i].work,
			lines[i].total, lines[i].elapsed_us);

		g_assert_cmpstr(got, ==, lines[i].want);
	}
}

/* read_all - what is waiting on fd (non-blocking), as a string */
static char *
read_all(int fd)
{
	GString *s = g_string_new(NULL);
	char buf[512];
	ssize_t n;

	g_assert_cmpint(fcntl(fd, F_SETFL, O_NONBLOCK), ==, 0);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		g_string_append_len(s, buf, n);
	return g_string_free(s, FALSE);
}

/* Not a terminal (a pipe, as under a log or cron): nothing written. */
static void
test_quiet_on_pipe(void)
{
	int fds[2];
	struct progress *p;
	g_autofree char *got = NULL;

	g_assert_cmpint(pipe(fds), ==, 0);
	p = progress_new(fds[1], "m", "rows", 10);
	for (int i = 1; i <= 10; i++)
		progress_update(p, i, i);
	progress_done(p);
	g_assert_cmpint(close(fds[1]), ==, 0);
	got = read_all(fds[0]);
	g_assert_cmpstr(got, ==, "");
	g_assert_cmpint(close(fds[0]), ==, 0);
}

/* A terminal: the first update drawn at once, then the final line. */
static void
test_drawn_on_tty(void)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY), slave;
	struct progress *p;
	g_autofree char *got = NULL;

	g_assert_cmpint(master, >=, 0);
	g_assert_cmpint(grantpt(master), ==, 0);
	g_assert_cmpint(unlockpt(master), ==, 0);
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	g_assert_cmpint(slave, >=, 0);
	p = progress_new(slave, "m", "rows", 10);
	progress_update(p, 3, 3);
	/* Within the redraw interval: not drawn. */
	progress_update(p, 4, 4);
	progress_done(p);
	got = read_all(master);
	g_assert_nonnull(strstr(got, "\rm: 3 rows (30%)\033[K"));
	g_assert_null(strstr(got, "4 rows ("));
	g_assert_nonnull(strstr(got, "\rm: 4 rows, in 0:00\033[K"));
	g_assert_cmpint(close(slave), ==, 0);
	g_assert_cmpint(close(master), ==, 0);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/progress/line", test_line);
	g_test_add_func("/progress/quiet-on-pipe", test_quiet_on_pipe);
	g_test_add_func("/progress/drawn-on-tty", test_drawn_on_tty);
	return g_test_run();
}
