/*
 * smtpc_test - unit tests for the SMTP client against real servers
 *
 * Most cases talk to Postfix's smtp-sink on a loopback port, which dumps
 * each message it gets (dot-unstuffed, LF line ends) to a file. Where the
 * exact bytes on the wire matter, or smtp-sink cannot misbehave the way we
 * need (one recipient of three refused, 354 after no recipient), a small
 * scripted server thread in this file plays the relay.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "smtpc.h"

#define SINK "/usr/sbin/smtp-sink"

/* listen_any - a listening loopback socket on a free port */
static int
listen_any(int *port_out)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	g_assert_cmpint(fd, >=, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	g_assert_cmpint(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), ==, 0);
	g_assert_cmpint(listen(fd, 8), ==, 0);
	g_assert_cmpint(getsockname(fd, (struct sockaddr *)&sin, &len), ==, 0);
	*port_out = ntohs(sin.sin_port);
	return fd;
}

/* free_port - a port nobody listens on (just released) */
static int
free_port(void)
{
	int port, fd = listen_any(&port);

	close(fd);
	return port;
}

struct sink {
	GPid pid;
	int port;
	char *dir;
};

/* sink_child_setup - in the child: die with the test process */
static void
sink_child_setup(gpointer data)
{
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM); /* best effort cleanup */
}

/* sink_start - run smtp-sink with extra options (NULL-terminated) */
static void
sink_start(struct sink *k, const char *const *opts)
{
	GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) e = NULL;

	k->dir = g_dir_make_tmp("smtpc_test-XXXXXX", &e);
	g_assert_no_error(e);
	k->port = free_port();
	g_ptr_array_add(argv, g_strdup(SINK));
	/* smtp-sink run by root must be told whose privileges to take. */
	if (getuid() == 0) {
		g_ptr_array_add(argv, g_strdup("-u"));
		g_ptr_array_add(argv, g_strdup(g_get_user_name()));
	}
	g_ptr_array_add(argv, g_strdup("-d"));
	g_ptr_array_add(argv, g_strdup_printf("%s/%%M.", k->dir));
	for (; opts != NULL && *opts != NULL; opts++)
		g_ptr_array_add(argv, g_strdup(*opts));
	g_ptr_array_add(argv, g_strdup_printf("127.0.0.1:%d", k->port));
	g_ptr_array_add(argv, g_strdup("10"));
	g_ptr_array_add(argv, NULL);
	/* Keep smtp-sink off the TAP pipe, and gone if the test aborts. */
	g_spawn_async(NULL, (char **)argv->pdata, NULL,
	    G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
		G_SPAWN_STDERR_TO_DEV_NULL,
	    sink_child_setup, NULL, &k->pid, &e);
	g_assert_no_error(e);
	g_ptr_array_free(argv, TRUE);
}

/* sink_connect - connect, retrying while smtp-sink starts up (bounded) */
static struct smtpc *
sink_connect(struct sink *k)
{
	g_autoptr(GError) e = NULL;
	struct smtpc *c = NULL;

	for (int i = 0; i < 500 && c == NULL; i++) {
		g_clear_error(&e);
		c = smtpc_connect("127.0.0.1", k->port, "client.test", 10, &e);
		if (c == NULL)
			g_usleep(10 * 1000);
	}
	g_assert_no_error(e);
	return c;
}

/* sink_dumps - the messages smtp-sink wrote, as strings */
static GPtrArray *
sink_dumps(const struct sink *k)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
	GDir *d = g_dir_open(k->dir, 0, NULL);
	const char *name;

	g_assert_nonnull(d);
	while ((name = g_dir_read_name(d)) != NULL) {
		g_autofree char *path = g_build_filename(k->dir, name, NULL);
		char *text = NULL;

		g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
		g_ptr_array_add(a, text);
	}
	g_dir_close(d);
	return a;
}

/* sink_stop - stop smtp-sink and remove its dumps */
static void
sink_stop(struct sink *k)
{
	GDir *d;
	const char *name;

	kill(k->pid, SIGTERM);
	waitpid(k->pid, NULL, 0);
	g_spawn_close_pid(k->pid);
	d = g_dir_open(k->dir, 0, NULL);
	while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
		g_autofree char *path = g_build_filename(k->dir, name, NULL);

		g_assert_cmpint(unlink(path), ==, 0);
	}
	if (d != NULL)
		g_dir_close(d);
	g_assert_cmpint(rmdir(k->dir), ==, 0);
	g_free(k->dir);
}

/* send_ok - send and expect success with every reply 2xx */
static void
send_ok(struct smtpc *c, const char *from, const char *const *rcpts, size_t n,
    const char *msg)
{
	struct smtpc_result res;
	g_autoptr(GError) e = NULL;

	g_assert_true(
	    smtpc_send(c, from, false, rcpts, n, msg, strlen(msg), &res, &e));
	g_assert_no_error(e);
	g_assert_cmpint(res.mail_code, ==, 250);
	g_assert_cmpuint(res.nrcpt, ==, n);
	for (size_t i = 0; i < n; i++)
		g_assert_cmpint(res.rcpt[i].code, ==, 250);
	g_assert_cmpint(res.data_code, ==, 250);
	g_assert_cmpstr(res.data_text, ==, "2.0.0 Ok");
	g_assert_false(smtpc_is_broken(c));
	smtpc_result_clear(&res);
}

static const char *const three[] = {"r1@x.test", "r2@x.test", "r3@x.test"};

/* sink_one - one transaction against smtp-sink with options opts, then
 * check that the single dump holds each needle */
static void
sink_one(const char *const *opts, const char *from, const char *msg,
    const char *const *needles)
{
	struct sink k;
	struct smtpc *c;
	GPtrArray *d;

	sink_start(&k, opts);
	c = sink_connect(&k);
	g_assert_false(smtpc_has_xverp(c));
	send_ok(c, from, three, 3, msg);
	smtpc_close(c);
	d = sink_dumps(&k);
	g_assert_cmpuint(d->len, ==, 1);
	for (; *needles != NULL; needles++) {
		g_autofree char *esc = g_strescape(*needles, NULL);

		g_test_message("looking for \"%s\"", esc);
		g_assert_nonnull(strstr(d->pdata[0], *needles));
	}
	g_ptr_array_free(d, TRUE);
	sink_stop(&k);
}

/* test_sink_dots - three recipients, lines starting with dots, pipelined */
static void
test_sink_dots(void)
{
	static const char *const needles[] = {"X-Mail-Args: <a@x.test>\n",
	    "X-Rcpt-Args: <r1@x.test>\nX-Rcpt-Args: <r2@x.test>\n"
	    "X-Rcpt-Args: <r3@x.test>\n",
	    "\nSubject: dots\n\n.\n..two\n.three\nend\n", NULL};

	sink_one(NULL, "a@x.test",
	    "Subject: dots\r\n\r\n.\r\n..two\r\n.three\r\nend\r\n", needles);
}

/* test_sink_lf - LF-only input, last line without a line end */
static void
test_sink_lf(void)
{
	static const char *const needles[] = {
	    "\nSubject: lf\n\none\n.\n.x\nlast\n", NULL};

	sink_one(NULL, "a@x.test", "Subject: lf\n\none\n.\n.x\nlast", needles);
}

/* test_sink_8bit - 8-bit body gets BODY=8BITMIME and arrives intact */
static void
test_sink_8bit(void)
{
	static const char *const needles[] = {
	    "X-Mail-Args: <a@x.test> BODY=8BITMIME\n",
	    "\nSubject: 8\n\n\xed\x95\x9c\xea\xb8\x80 \xff\n", NULL};

	sink_one(NULL, "a@x.test",
	    "Subject: 8\n\n\xed\x95\x9c\xea\xb8\x80 \xff\n", needles);
}

/* test_sink_null_sender - "" gives MAIL FROM:<> */
static void
test_sink_null_sender(void)
{
	static const char *const needles[] = {"X-Mail-Args: <>\n", NULL};

	sink_one(NULL, "", "Subject: bounce\n\nx\n", needles);
}

/* test_sink_no_pipelining - the same, one command at a time */
static void
test_sink_no_pipelining(void)
{
	static const char *const opts[] = {"-p", NULL};
	static const char *const needles[] = {
	    "X-Rcpt-Args: <r3@x.test>\n", "\nSubject: p\n\n.dot\n", NULL};

	sink_one(opts, "a@x.test", "Subject: p\r\n\r\n.dot\r\n", needles);
}

/* test_sink_many - many transactions over one connection */
static void
test_sink_many(void)
{
	struct sink k;
	struct smtpc *c;
	GPtrArray *d;

	sink_start(&k, NULL);
	c = sink_connect(&k);
	for (int i = 0; i < 25; i++) {
		g_autofree char *msg =
		    g_strdup_printf("Subject: n%d\n\nx\n", i);

		send_ok(c, "a@x.test", three + i % 3, 3 - i % 3, msg);
	}
	smtpc_close(c);
	d = sink_dumps(&k);
	g_assert_cmpuint(d->len, ==, 25);
	g_ptr_array_free(d, TRUE);
	sink_stop(&k);
}

/* test_sink_rcpt_rejected - every RCPT refused: results, not an error; no
 * DATA, RSET, and the connection carries the next transaction */
static void
test_sink_rcpt_rejected(void)
{
	static const char *const opts[] = {"-f", "RCPT", NULL};
	struct sink k;
	struct smtpc *c;
	GPtrArray *d;

	sink_start(&k, opts);
	c = sink_connect(&k);
	for (int round = 0; round < 2; round++) {
		struct smtpc_result res;
		g_autoptr(GError) e = NULL;

		g_assert_true(smtpc_send(
		    c, "a@x.test", false, three, 3, "x\n", 2, &res, &e));
		g_assert_cmpint(res.mail_code, ==, 250);
		for (size_t i = 0; i < 3; i++) {
			g_assert_cmpint(res.rcpt[i].code, ==, 500);
			g_assert_cmpstr(res.rcpt[i].text, ==,
			    "5.3.0 Error: command failed");
		}
		g_assert_cmpint(res.data_code, ==, 0);
		g_assert_null(res.data_text);
		g_assert_false(smtpc_is_broken(c));
		smtpc_result_clear(&res);
	}
	smtpc_close(c);
	d = sink_dumps(&k);
	g_assert_cmpuint(d->len, ==, 0);
	g_ptr_array_free(d, TRUE);
	sink_stop(&k);
}

/* test_sink_bad_rcpt - a recipient that cannot go on the wire ("a b"@x,
 * a quoted local part with a space) among good ones fails alone: the
 * others get the message in the same transaction, with and without
 * PIPELINING, and the session carries the next one */
static void
test_sink_bad_rcpt(void)
{
	static const struct {
		const char *rcpts[4];
		int want[4];
		int data_code;
	} cases[] = {
	    {{"r1@x.test", "\"a b\"@evil.test", "r2@x.test", NULL},
		{250, SMTPC_REFUSED_CODE, 250}, 250},
	    {{"\"a b\"@evil.test", "r1@x.test", NULL},
		{SMTPC_REFUSED_CODE, 250}, 250},
	    {{"r1@x.test", "a\r\nRCPT TO:<z@x>", NULL},
		{250, SMTPC_REFUSED_CODE}, 250},
	    {{"a b@x", "<c@x>", NULL}, {SMTPC_REFUSED_CODE, SMTPC_REFUSED_CODE},
		0},
	};
	static const char *const pipelined[] = {NULL};
	static const char *const stepwise[] = {"-p", NULL};
	const char *const *opts[] = {pipelined, stepwise};

	for (size_t o = 0; o < G_N_ELEMENTS(opts); o++) {
		struct sink k;
		struct smtpc *c;
		GPtrArray *d;
		guint sent = 0;

		sink_start(&k, opts[o]);
		c = sink_connect(&k);
		for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
			struct smtpc_result res;
			g_autoptr(GError) e = NULL;
			size_t n = 0;

			while (n < 4 && cases[i].rcpts[n] != NULL)
				n++;
			g_assert_true(smtpc_send(c, "a@x.test", false,
			    cases[i].rcpts, n, "x\n", 2, &res, &e));
			g_assert_no_error(e);
			for (size_t r = 0; r < n; r++)
				g_assert_cmpint(
				    res.rcpt[r].code, ==, cases[i].want[r]);
			g_assert_cmpint(res.data_code, ==, cases[i].data_code);
			g_assert_false(smtpc_is_broken(c));
			sent += cases[i].data_code == 250;
			smtpc_result_clear(&res);
		}
		send_ok(c, "a@x.test", three, 3, "after\n");
		smtpc_close(c);
		d = sink_dumps(&k);
		g_assert_cmpuint(d->len, ==, sent + 1);
		for (guint i = 0; i < d->len; i++)
			g_assert_null(strstr(d->pdata[i], "a b"));
		g_ptr_array_free(d, TRUE);
		sink_stop(&k);
	}
}

/* test_sink_drop - the relay hangs up mid-transaction: TEMP, broken */
static void
test_sink_drop(void)
{
	static const char *const opts[] = {"-q", "DATA", NULL};
	struct smtpc_result res;
	g_autoptr(GError) e = NULL;
	struct sink k;
	struct smtpc *c;

	sink_start(&k, opts);
	c = sink_connect(&k);
	g_assert_false(
	    smtpc_send(c, "a@x.test", false, three, 3, "x\n", 2, &res, &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_TEMP);
	g_assert_true(smtpc_is_broken(c));
	g_assert_null(res.rcpt);
	g_clear_error(&e);
	/* A broken connection refuses further work without writing. */
	g_assert_false(
	    smtpc_send(c, "a@x.test", false, three, 3, "x\n", 2, &res, &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_TEMP);
	smtpc_result_clear(&res);
	smtpc_close(c);
	sink_stop(&k);
}

/* test_greeting_refused - 5xx greeting is POLICY, 4xx is TEMP */
static void
test_greeting_refused(void)
{
	static const struct {
		const char *opt;
		int code;
	} t[] = {{"-f", MOIM_ERR_POLICY}, {"-r", MOIM_ERR_TEMP}};

	for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
		const char *const opts[] = {t[i].opt, "CONNECT", NULL};
		g_autoptr(GError) e = NULL;
		struct smtpc *c = NULL;
		struct sink k;

		sink_start(&k, opts);
		/* Retry only while the port is not yet open. */
		for (int n = 0; n < 500; n++) {
			g_clear_error(&e);
			c = smtpc_connect(
			    "127.0.0.1", k.port, "client.test", 10, &e);
			if (c != NULL ||
			    strstr(e->message, "connect to") == NULL)
				break;
			g_usleep(10 * 1000);
		}
		g_assert_null(c);
		g_assert_error(e, MOIM_ERROR, t[i].code);
		sink_stop(&k);
	}
}

/* test_refused_connect - nobody listening: TEMP */
static void
test_refused_connect(void)
{
	g_autoptr(GError) e = NULL;
	struct smtpc *c =
	    smtpc_connect("127.0.0.1", free_port(), "client.test", 5, &e);

	g_assert_null(c);
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_TEMP);
	g_clear_error(&e);
	g_assert_null(smtpc_connect("127.0.0.1", 25, "bad name", 5, &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
	smtpc_close(NULL);
}

/* test_bad_input - refused before writing; the connection stays usable */
static void
test_bad_input(void)
{
	static const char *const bad[] = {
	    "a b@x", "a\r\n@x", "<a@x>", "a>@x", "a\t@x", ""};
	const char *const ok[] = {"r@x.test"};
	struct sink k;
	struct smtpc *c;

	sink_start(&k, NULL);
	c = sink_connect(&k);
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		struct smtpc_result res;
		g_autoptr(GError) e = NULL;
		const char *const r[] = {bad[i]};

		/* A bad recipient alone: refused, nothing sent. */
		g_assert_true(
		    smtpc_send(c, "a@x", false, r, 1, "x\n", 2, &res, &e));
		g_assert_no_error(e);
		g_assert_cmpint(res.mail_code, ==, 0);
		g_assert_cmpint(res.rcpt[0].code, ==, SMTPC_REFUSED_CODE);
		g_assert_cmpstr(res.rcpt[0].text, ==, SMTPC_REFUSED_TEXT);
		g_assert_cmpint(res.data_code, ==, 0);
		smtpc_result_clear(&res);
		if (bad[i][0] != '\0') {
			g_assert_false(smtpc_send(
			    c, bad[i], false, ok, 1, "x\n", 2, &res, &e));
			g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
			g_clear_error(&e);
		}
		g_assert_false(smtpc_is_broken(c));
	}
	{
		struct smtpc_result res;
		g_autoptr(GError) e = NULL;

		/* smtp-sink does not offer XVERP. */
		g_assert_false(
		    smtpc_send(c, "a@x", true, ok, 1, "x\n", 2, &res, &e));
		g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
	}
	send_ok(c, "a@x.test", ok, 1, "x\n");
	smtpc_close(c);
	sink_stop(&k);
}

/* A scripted relay in a thread: one connection, every byte recorded. */
struct raw {
	int lfd;
	int port;
	const char *ehlo; /* the whole EHLO reply */
	bool is_data_354_always; /* answer DATA with 354 even with no rcpt */
	GString *got;
	GThread *thread;
};

/* raw_line - read one line (with its LF) from the client into line */
static bool
raw_line(int fd, GString *line, GString *got)
{
	char ch;

	g_string_truncate(line, 0);
	while (recv(fd, &ch, 1, 0) == 1) {
		g_string_append_c(line, ch);
		g_string_append_c(got, ch);
		if (ch == '\n')
			return true;
	}
	return false;
}

/* raw_say - write a reply; a client that has gone away is not an error
 * (what it sent is checked) */
static void
raw_say(int fd, const char *s)
{
	ssize_t n = send(fd, s, strlen(s), MSG_NOSIGNAL);

	if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
		return;
	g_assert_cmpint(n, ==, (ssize_t)strlen(s));
}

/* raw_command - answer one command; returns false after QUIT */
static bool
raw_command(struct raw *w, int fd, GString *line, int *nrcpt, bool *in_data)
{
	const char *l = line->str;

	if (g_str_has_prefix(l, "EHLO"))
		raw_say(fd, w->ehlo);
	else if (g_str_has_prefix(l, "MAIL")) {
		*nrcpt = 0;
		raw_say(fd, "250 2.1.0 Ok\r\n");
	} else if (g_str_has_prefix(l, "RCPT") && strstr(l, "bad") != NULL)
		raw_say(fd, "550-5.1.1 first\r\n550 5.1.1 second\xff\r\n");
	else if (g_str_has_prefix(l, "RCPT")) {
		(*nrcpt)++;
		raw_say(fd, "250 2.1.5 Ok\r\n");
	} else if (g_str_has_prefix(l, "DATA") &&
	    (*nrcpt > 0 || w->is_data_354_always)) {
		*in_data = true;
		raw_say(fd, "354 go\r\n");
	} else if (g_str_has_prefix(l, "DATA"))
		raw_say(fd, "554 5.5.1 no valid recipients\r\n");
	else if (g_str_has_prefix(l, "RSET"))
		raw_say(fd, "250 2.0.0 Ok\r\n");
	else if (g_str_has_prefix(l, "QUIT")) {
		raw_say(fd, "221 2.0.0 Bye\r\n");
		return false;
	} else
		raw_say(fd, "502 5.5.2 what\r\n");
	return true;
}

/* raw_serve - the relay thread */
static gpointer
raw_serve(gpointer data)
{
	struct raw *w = data;
	int fd = accept(w->lfd, NULL, NULL);
	g_autoptr(GString) line = g_string_new(NULL);
	bool in_data = false;
	int nrcpt = 0;

	g_assert_cmpint(fd, >=, 0);
	raw_say(fd, "220 raw ESMTP\r\n");
	while (raw_line(fd, line, w->got)) {
		if (in_data) {
			if (strcmp(line->str, ".\r\n") == 0) {
				in_data = false;
				raw_say(fd, "250 2.0.0 queued\r\n");
			}
		} else if (!raw_command(w, fd, line, &nrcpt, &in_data))
			break;
	}
	close(fd);
	return NULL;
}

/* raw_start - listen and start the relay thread */
static void
raw_start(struct raw *w, const char *ehlo, bool is_data_354_always)
{
	w->lfd = listen_any(&w->port);
	w->ehlo = ehlo;
	w->is_data_354_always = is_data_354_always;
	w->got = g_string_new(NULL);
	w->thread = g_thread_new("raw", raw_serve, w);
}

/* raw_finish - wait for the thread; returns everything the client sent */
static char *
raw_finish(struct raw *w)
{
	g_thread_join(w->thread);
	close(w->lfd);
	return g_string_free(w->got, FALSE);
}

#define EHLO_ALL                                                               \
	"250-raw\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-XVERP\r\n"      \
	"250 8BITMIME\r\n"

/* test_raw_wire - exact bytes: one write of MAIL/RCPT/DATA with XVERP,
 * SIZE and BODY; CRLF conversion and dot-stuffing; one of three refused;
 * multi-line reply text joined and sanitised */
static void
test_raw_wire(void)
{
	const char *const rcpts[] = {"r1@x", "bad@x", "r3@x"};
	const char *msg = "S: \xc3\xa9\n\n.a\r\nb\rc\n..\n.";
	struct smtpc_result res;
	g_autoptr(GError) e = NULL;
	g_autofree char *got = NULL;
	struct smtpc *c;
	struct raw w;

	raw_start(&w, EHLO_ALL, false);
	c = smtpc_connect("127.0.0.1", w.port, "client.test", 10, &e);
	g_assert_no_error(e);
	g_assert_true(smtpc_has_xverp(c));
	g_assert_true(
	    smtpc_send(c, "a@x", true, rcpts, 3, msg, strlen(msg), &res, &e));
	g_assert_cmpint(res.rcpt[0].code, ==, 250);
	g_assert_cmpint(res.rcpt[1].code, ==, 550);
	g_assert_cmpstr(res.rcpt[1].text, ==, "5.1.1 first 5.1.1 second?");
	g_assert_cmpint(res.rcpt[2].code, ==, 250);
	g_assert_cmpint(res.data_code, ==, 250);
	g_assert_cmpstr(res.data_text, ==, "2.0.0 queued");
	smtpc_result_clear(&res);
	smtpc_close(c);
	got = raw_finish(&w);
	g_assert_cmpstr(got, ==,
	    "EHLO client.test\r\n"
	    "MAIL FROM:<a@x> XVERP SIZE=29 BODY=8BITMIME\r\n"
	    "RCPT TO:<r1@x>\r\nRCPT TO:<bad@x>\r\nRCPT TO:<r3@x>\r\nDATA\r\n"
	    "S: \xc3\xa9\r\n\r\n..a\r\nb\r\nc\r\n...\r\n..\r\n.\r\n"
	    "QUIT\r\n");
}

/* test_raw_no_rcpt - no recipient accepted: with a compliant relay DATA is
 * refused and RSET follows; with one that says 354 anyway, only the dot
 * is sent and the message counts as not sent */
static void
test_raw_no_rcpt(void)
{
	static const char *const expect[] = {
	    "DATA\r\nRSET\r\nQUIT\r\n", "DATA\r\n.\r\nQUIT\r\n"};
	const char *const rcpts[] = {"bad1@x", "bad2@x"};

	for (int i = 0; i < 2; i++) {
		struct smtpc_result res;
		g_autoptr(GError) e = NULL;
		g_autofree char *got = NULL;
		struct smtpc *c;
		struct raw w;

		raw_start(&w, EHLO_ALL, i == 1);
		c = smtpc_connect("127.0.0.1", w.port, "client.test", 10, &e);
		g_assert_no_error(e);
		g_assert_true(smtpc_send(
		    c, "a@x", false, rcpts, 2, "body\n", 5, &res, &e));
		g_assert_cmpint(res.rcpt[0].code, ==, 550);
		g_assert_cmpint(res.rcpt[1].code, ==, 550);
		g_assert_cmpint(res.data_code, ==, 0);
		g_assert_false(smtpc_is_broken(c));
		smtpc_result_clear(&res);
		smtpc_close(c);
		got = raw_finish(&w);
		g_assert_true(g_str_has_suffix(got, expect[i]));
		g_assert_null(strstr(got, "body"));
	}
}

/* test_raw_head - smtpc_send_body(): one encoded body sent twice with
 * different heads puts on the wire exactly what smtpc_send() of head and
 * body joined does (SIZE, BODY=8BITMIME from either part, dot-stuffing
 * across the seam); a head that does not end a line is refused before
 * anything is written */
static void
test_raw_head(void)
{
	static const struct {
		const char *head, *body;
	} cases[] = {
	    {"", "S: x\n\nbody\n"},
	    {"X-A: 1\n", "S: x\n\n.a\r\nb\rc\n..\n."},
	    {".X: dot\r\n", ".leading dot\n"},
	    {"X-8: \xc3\xa9\n", "S: 7bit\n\nplain"},
	    {"X-A: 1\nX-B: 2\r\n", "S: \xed\x95\x9c\n\n\xff\n"},
	    {"X-A: 1\n", ""},
	};
	const char *const rcpts[] = {"r1@x"};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const char *head = cases[i].head, *body = cases[i].body;
		g_autofree char *joined = g_strconcat(head, body, NULL);
		g_autofree char *want = NULL, *got = NULL;
		struct smtpc_body *b = smtpc_body_new(body, strlen(body));
		struct smtpc_result res;
		g_autoptr(GError) e = NULL;
		struct smtpc *c;
		struct raw w;

		raw_start(&w, EHLO_ALL, false);
		c = smtpc_connect("127.0.0.1", w.port, "client.test", 10, &e);
		g_assert_no_error(e);
		g_assert_true(smtpc_send(c, "a@x", false, rcpts, 1, joined,
		    strlen(joined), &res, &e));
		g_assert_cmpint(res.data_code, ==, 250);
		smtpc_result_clear(&res);
		smtpc_close(c);
		want = raw_finish(&w);

		raw_start(&w, EHLO_ALL, false);
		c = smtpc_connect("127.0.0.1", w.port, "client.test", 10, &e);
		g_assert_no_error(e);
		g_assert_true(smtpc_send_body(c, "a@x", false, rcpts, 1, head,
		    strlen(head), b, NULL, &res, &e));
		g_assert_cmpint(res.data_code, ==, 250);
		smtpc_result_clear(&res);
		/* No line end at the end of the head: refused, nothing sent,
		 * the connection still good. */
		g_assert_false(smtpc_send_body(
		    c, "a@x", false, rcpts, 1, "X-A: 1", 6, b, NULL, &res, &e));
		g_assert_error(e, MOIM_ERROR, MOIM_ERR_INPUT);
		g_assert_false(smtpc_is_broken(c));
		smtpc_close(c);
		got = raw_finish(&w);
		smtpc_body_free(b);
		g_test_message("case %zu", i);
		g_assert_cmpstr(got, ==, want);
	}
}

/* A hook that counts its calls and fails when told to. */
struct hook_state {
	int calls;
	bool is_failing;
};

/* hook_run - the test's smtpc hook */
static bool
hook_run(void *arg, GError **err)
{
	struct hook_state *h = arg;

	h->calls++;
	if (h->is_failing)
		return moim_fail(err, MOIM_ERR_TEMP, "hook says no");
	return true;
}

/* test_raw_hook - the hook runs once per transaction, with and without
 * PIPELINING; when it fails, nothing of the message reaches the relay,
 * the hook's error comes back and the connection is broken */
static void
test_raw_hook(void)
{
	static const char *const ehlos[] = {
	    EHLO_ALL, "250-raw\r\n250 8BITMIME\r\n"};
	/* What the relay last got: the commands written before the hook. */
	static const char *const ends[] = {
	    "MAIL FROM:<b@x> SIZE=38\r\nRCPT TO:<r1@x>\r\nDATA\r\n",
	    "secret body\r\n.\r\nMAIL FROM:<b@x>\r\n"};
	const char *const rcpts[] = {"r1@x"};
	const char *msg = "Subject: hook\n\nsecret body\n";

	for (size_t i = 0; i < G_N_ELEMENTS(ehlos); i++) {
		struct smtpc_body *b = smtpc_body_new(msg, strlen(msg));
		struct hook_state h = {0};
		const struct smtpc_hook hook = {hook_run, &h};
		struct smtpc_result res;
		g_autoptr(GError) e = NULL;
		g_autofree char *got = NULL;
		struct smtpc *c;
		struct raw w;

		raw_start(&w, ehlos[i], false);
		c = smtpc_connect("127.0.0.1", w.port, "client.test", 10, &e);
		g_assert_no_error(e);
		g_assert_true(smtpc_send_body(c, "a@x", false, rcpts, 1,
		    "X-A: 1\n", 7, b, &hook, &res, &e));
		g_assert_no_error(e);
		g_assert_cmpint(res.data_code, ==, 250);
		g_assert_cmpint(h.calls, ==, 1);
		smtpc_result_clear(&res);
		h.is_failing = true;
		g_assert_false(smtpc_send_body(c, "b@x", false, rcpts, 1,
		    "X-B: 2\n", 7, b, &hook, &res, &e));
		g_assert_error(e, MOIM_ERROR, MOIM_ERR_TEMP);
		g_assert_cmpstr(e->message, ==, "hook says no");
		g_assert_cmpint(h.calls, ==, 2);
		g_assert_true(smtpc_is_broken(c));
		g_assert_null(res.rcpt);
		smtpc_close(c);
		got = raw_finish(&w);
		smtpc_body_free(b);
		/* The first message went out whole, the second not at all. */
		g_assert_nonnull(strstr(got, "X-A: 1\r\nSubject: hook\r\n"));
		g_assert_nonnull(strstr(got, "MAIL FROM:<b@x>"));
		g_assert_null(strstr(got, "X-B"));
		g_assert_true(g_str_has_suffix(got, ends[i]));
		g_assert_null(strstr(got, "QUIT"));
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	if (!g_file_test(SINK, G_FILE_TEST_IS_EXECUTABLE)) {
		puts("1..0 # SKIP no " SINK);
		return 0;
	}
	g_test_add_func("/smtpc/sink/dots", test_sink_dots);
	g_test_add_func("/smtpc/sink/lf", test_sink_lf);
	g_test_add_func("/smtpc/sink/8bit", test_sink_8bit);
	g_test_add_func("/smtpc/sink/null_sender", test_sink_null_sender);
	g_test_add_func("/smtpc/sink/no_pipelining", test_sink_no_pipelining);
	g_test_add_func("/smtpc/sink/many", test_sink_many);
	g_test_add_func("/smtpc/sink/rcpt_rejected", test_sink_rcpt_rejected);
	g_test_add_func("/smtpc/sink/bad_rcpt", test_sink_bad_rcpt);
	g_test_add_func("/smtpc/sink/drop", test_sink_drop);
	g_test_add_func("/smtpc/greeting_refused", test_greeting_refused);
	g_test_add_func("/smtpc/refused_connect", test_refused_connect);
	g_test_add_func("/smtpc/bad_input", test_bad_input);
	g_test_add_func("/smtpc/raw/wire", test_raw_wire);
	g_test_add_func("/smtpc/raw/no_rcpt", test_raw_no_rcpt);
	g_test_add_func("/smtpc/raw/head", test_raw_head);
	g_test_add_func("/smtpc/raw/hook", test_raw_hook);
	return g_test_run();
}
