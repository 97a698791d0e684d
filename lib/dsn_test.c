/*
 * dsn_test - unit cases for lib/dsn and a run over the shared bounce corpus
 *
 * The dialect table reads tests/data/bounces (EXPECTED.tsv gives each
 * file's verdict). The corpus run reads every file under bounces/ of the
 * shared corpus
 * (MOIM_CORPUS, else $top_srcdir/../shared/corpus, else
 * /work/shared/corpus; skipped when absent) and compares with the oracles'
 * TSVs: the share of failed addresses found, the share of kinds that agree
 * with sisimai's reason, and the not-bounces taken for bounces. Set
 * DSN_TEST_VERBOSE=1 to list every disagreement.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "addr.h"
#include "dsn.h"
#include "err.h"
#include "testutil.h"

/* Thresholds reached on the corpus (see test_corpus). */
#define ADDR_MIN 0.93
#define KIND_MIN 0.84

struct unit_case {
	const char *name;
	const char *msg;
	bool is_bounce;
	bool is_auto_reply;
	bool is_delay;
	const char *address; /* first recipient, or NULL for none */
	enum dsn_kind kind; /* of that recipient, or of the report */
	const char *status;
};

#define HDR_DAEMON                                                             \
	"From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\n"          \
	"To: list-bounces+abc@lists.example.org\n"                             \
	"Date: Mon, 1 Jan 2024 00:00:00 +0000\n"                               \
	"Message-ID: <b1@mx.example.org>\n"

#define REPORT_HEAD                                                            \
	HDR_DAEMON "Subject: Undelivered Mail Returned to Sender\n"            \
		   "Auto-Submitted: auto-replied\n"                            \
		   "MIME-Version: 1.0\n"                                       \
		   "Content-Type: multipart/report; "                          \
		   "report-type=delivery-status; boundary=\"B\"\n\n"           \
		   "--B\nContent-Type: text/plain\n\nIt failed.\n\n"           \
		   "--B\nContent-Type: message/delivery-status\n\n"            \
		   "Reporting-MTA: dns; mx.example.org\n\n"

static const struct unit_case cases[] = {
    {"rfc3464 two recipients, first user unknown",
	REPORT_HEAD "Final-Recipient: rfc822; Gone@Example.COM\n"
		    "Action: failed\nStatus: 5.1.1\n"
		    "Diagnostic-Code: smtp; 550 5.1.1 <gone@example.com>:\n"
		    "  Recipient address rejected: User unknown\n\n"
		    "Final-Recipient: rfc822; full@example.net\n"
		    "Action: failed\nStatus: 5.2.2\n"
		    "Diagnostic-Code: smtp; 552 mailbox full\n\n"
		    "--B--\n",
	true, false, false, "gone@example.com", DSN_PERMANENT, "5.1.1"},
    {"rfc3464 generic 5.0.0 refined by the diagnostic",
	REPORT_HEAD "Final-Recipient: rfc822; a@example.com\n"
		    "Action: failed\nStatus: 5.0.0\n"
		    "Diagnostic-Code: smtp; 550 5.1.1 No such user\n\n--B--\n",
	true, false, false, "a@example.com", DSN_PERMANENT, "5.1.1"},
    {"rfc3464 5.7.1 spam is policy",
	REPORT_HEAD "Final-Recipient: rfc822; a@example.com\n"
		    "Action: failed\nStatus: 5.7.1\n"
		    "Diagnostic-Code: smtp; 550 5.7.1 Message rejected as "
		    "spam\n\n--B--\n",
	true, false, false, "a@example.com", DSN_POLICY, "5.7.1"},
    {"rfc3464 DMARC failure is policy",
	REPORT_HEAD "Final-Recipient: rfc822; a@example.com\n"
		    "Action: failed\nStatus: 5.7.26\n"
		    "Diagnostic-Code: smtp; 550 5.7.26 Unauthenticated email "
		    "from example.org is not accepted due to domain's DMARC "
		    "policy\n\n--B--\n",
	true, false, false, "a@example.com", DSN_POLICY, "5.7.26"},
    {"rfc3464 a final failure of a full mailbox counts",
	REPORT_HEAD "Final-Recipient: rfc822; a@example.com\n"
		    "Action: failed\nStatus: 5.2.2\n\n--B--\n",
	true, false, false, "a@example.com", DSN_PERMANENT, "5.2.2"},
    {"rfc3464 a full mailbox still retried is a delay",
	REPORT_HEAD "Final-Recipient: rfc822; a@example.com\n"
		    "Action: delayed\nStatus: 4.2.2\n\n--B--\n",
	false, false, true, "a@example.com", DSN_TEMPORARY, "4.2.2"},
    {"rfc3464 given up after retries (4.4.1, failed) counts",
	REPORT_HEAD "Final-Recipient: rfc822; a@example.com\n"
		    "Action: failed\nStatus: 4.4.1\n"
		    "Diagnostic-Code: X-Postfix; delivery temporarily "
		    "suspended: connect to mx[192.0.2.1]:25: Connection "
		    "timed out\n\n--B--\n",
	true, false, false, "a@example.com", DSN_PERMANENT, "4.4.1"},
    {"rfc3464 policy wording beats retry wording in a final failure",
	REPORT_HEAD "Final-Recipient: rfc822; a@example.com\n"
		    "Action: failed\nStatus: 5.0.0\n"
		    "Diagnostic-Code: smtp; 554 Message rejected as spam, "
		    "try later\n\n--B--\n",
	true, false, false, "a@example.com", DSN_POLICY, "5.0.0"},
    {"rfc3464 the Original-Recipient comes before an alias",
	REPORT_HEAD "Original-Recipient: rfc822;member@example.org\n"
		    "Final-Recipient: rfc822; u1@mbox.example.org\n"
		    "Action: failed\nStatus: 5.1.1\n\n--B--\n",
	true, false, false, "member@example.org", DSN_PERMANENT, "5.1.1"},
    {"rfc3464 delayed only is no bounce",
	REPORT_HEAD "Final-Recipient: rfc822; slow@example.com\n"
		    "Action: delayed\nStatus: 4.4.1\n\n--B--\n",
	false, false, true, "slow@example.com", DSN_TEMPORARY, "4.4.1"},
    {"rfc3464 delivered recipient is not listed",
	REPORT_HEAD "Final-Recipient: rfc822; ok@example.com\n"
		    "Action: delivered\nStatus: 2.0.0\n\n--B--\n",
	false, true, false, NULL, DSN_NOT_BOUNCE, NULL},
    {"rfc3464 groups without blank lines",
	REPORT_HEAD "Final-Recipient: rfc822; one@example.com\n"
		    "Action: failed\nStatus: 5.1.1\n"
		    "Final-Recipient: rfc822; two@example.com\n"
		    "Action: failed\nStatus: 5.1.1\n--B--\n",
	true, false, false, "one@example.com", DSN_PERMANENT, "5.1.1"},
    {"qmail text bounce",
	HDR_DAEMON "Subject: failure notice\n\n"
		   "Hi. This is the qmail-send program at mx.example.org.\n"
		   "I'm afraid I wasn't able to deliver your message to the "
		   "following addresses.\nThis is a permanent error; I've "
		   "given up. Sorry it didn't work out.\n\n"
		   "<kijitora@example.ne.jp>:\n"
		   "192.0.2.1 does not like recipient.\n"
		   "Remote host said: 550 5.1.1 unknown user\n\n"
		   "--- Below this line is a copy of the message.\n\n"
		   "To: other@example.com\nFrom: x@example.com\n",
	true, false, false, "kijitora@example.ne.jp", DSN_PERMANENT, "5.1.1"},
    {"exim text bounce with X-Failed-Recipients",
	HDR_DAEMON "Subject: Mail delivery failed: returning message to "
		   "sender\nX-Failed-Recipients: who@example.ed.jp\n"
		   "Auto-Submitted: auto-replied\n\n"
		   "A message that you sent could not be delivered to one "
		   "or more of its\nrecipients. This is a permanent error. "
		   "The following address(es) failed:\n\n"
		   "  who@example.ed.jp\n"
		   "    SMTP error from remote mail server after RCPT "
		   "TO:<who@example.ed.jp>:\n"
		   "    host mx.example.ed.jp [192.0.2.20]: 552 5.2.2 "
		   "Mailbox full\n",
	true, false, false, "who@example.ed.jp", DSN_PERMANENT, "5.2.2"},
    {"postfix text bounce, blocked as spam, sender not taken",
	HDR_DAEMON "Subject: Undelivered Mail Returned to Sender\n\n"
		   "<member@example.com>: host mx.example.com said: 554 "
		   "5.7.1 Service unavailable; client blocked using "
		   "zen.spamhaus.org (in reply to MAIL FROM "
		   "<list-bounces+abc@lists.example.org>)\n",
	true, false, false, "member@example.com", DSN_POLICY, "5.7.1"},
    {"korean text bounce",
	"From: postmaster@mail.example.kr\n"
	"To: list-bounces+abc@lists.example.org\n"
	"Subject: =?UTF-8?B?66mU7J28IOuwmOyGoQ==?=\n"
	"Content-Type: text/plain; charset=UTF-8\n\n"
	"다음 수신자에게 메일을 전달하지 못했습니다.\n"
	"hong@example.kr : 수신자를 찾을 수 없습니다.\n",
	true, false, false, "hong@example.kr", DSN_PERMANENT, NULL},
    {"vacation reply",
	"From: Hong <hong@example.kr>\nTo: list@lists.example.org\n"
	"Subject: Out of Office: meeting\nAuto-Submitted: auto-replied\n\n"
	"I am away until Monday. Mail to boss@example.kr meanwhile.\n",
	false, true, false, NULL, DSN_NOT_BOUNCE, NULL},
    {"MDN is an automatic answer, not a bounce",
	"From: a@example.com\nTo: b@example.org\nSubject: Read: hi\n"
	"MIME-Version: 1.0\nContent-Type: multipart/report; "
	"report-type=disposition-notification; boundary=\"M\"\n\n"
	"--M\nContent-Type: text/plain\n\nRead.\n"
	"--M\nContent-Type: message/disposition-notification\n\n"
	"Final-Recipient: rfc822; a@example.com\n"
	"Disposition: manual-action/MDN-sent-manually; displayed\n--M--\n",
	false, true, false, NULL, DSN_NOT_BOUNCE, NULL},
    {"challenge-response DSN is not a bounce",
	REPORT_HEAD "Final-Recipient: rfc822; a@example.com\n"
		    "Action: failed\nStatus: 5.0.0\n"
		    "Diagnostic-Code: smtp; 550 Your server requires "
		    "confirmation. Visit http://x.example/Whitelist\n\n--B--\n",
	false, true, false, "a@example.com", DSN_NOT_BOUNCE, NULL},
    {"ordinary mail mentioning an error",
	"From: Kim <kim@example.kr>\nTo: list@lists.example.org\n"
	"Subject: about the 550 error\n\n"
	"Mail to lee@example.kr failed with 550 5.1.1 user unknown.\n",
	false, false, false, NULL, DSN_NOT_BOUNCE, NULL},
};

/* test_unit - one table row through dsn_parse() */
static void
test_unit(gconstpointer data)
{
	const struct unit_case *c = data;
	struct dsn_result res;
	GError *err = NULL;

	g_assert_true(dsn_parse(c->msg, strlen(c->msg), &res, &err));
	g_assert_no_error(err);
	g_assert_cmpint(res.is_bounce, ==, c->is_bounce);
	g_assert_cmpint(res.is_auto_reply, ==, c->is_auto_reply);
	g_assert_cmpint(res.is_delay, ==, c->is_delay);
	if (c->address == NULL) {
		g_assert_cmpuint(res.rcpts->len, ==, 0);
		g_assert_cmpint(res.kind, ==, DSN_NOT_BOUNCE);
	} else if (c->is_bounce || c->is_delay) {
		const struct dsn_rcpt *r = res.rcpts->pdata[0];

		g_assert_cmpuint(res.rcpts->len, >=, 1);
		g_assert_cmpstr(r->address, ==, c->address);
		g_assert_cmpstr(
		    dsn_kind_name(r->kind), ==, dsn_kind_name(c->kind));
		g_assert_cmpstr(r->status, ==, c->status);
		g_assert_cmpint(res.kind, ==, c->kind);
	}
	dsn_result_clear(&res);
	dsn_result_clear(&res); /* twice is harmless */
}

/* test_second_rcpt - the second group of a DSN keeps its own kind */
static void
test_second_rcpt(void)
{
	struct dsn_result res;
	const char *m = cases[0].msg;
	const struct dsn_rcpt *r;

	g_assert_true(dsn_parse(m, strlen(m), &res, NULL));
	g_assert_cmpuint(res.rcpts->len, ==, 2);
	r = res.rcpts->pdata[1];
	g_assert_cmpstr(r->address, ==, "full@example.net");
	g_assert_cmpint(r->kind, ==, DSN_PERMANENT);
	g_assert_cmpstr(r->diagnostic, ==, "552 mailbox full");
	r = res.rcpts->pdata[0];
	/* Folded diagnostic: one line, single spaces, no CR/LF. */
	g_assert_cmpstr(r->diagnostic, ==,
	    "550 5.1.1 <gone@example.com>: Recipient address rejected: "
	    "User unknown");
	dsn_result_clear(&res);
}

/* test_bad_input - unparseable input is MOIM_ERR_INPUT, result empty */
static void
test_bad_input(void)
{
	struct dsn_result res;
	GError *err = NULL;
	GString *big = g_string_new("From: a@example.com\nX-Big: ");

	while (big->len < 80 * 1024)
		g_string_append(big, "aaaaaaaaaaaaaaaa");
	g_string_append(big, "\n\nbody\n");
	g_assert_false(dsn_parse(big->str, big->len, &res, &err));
	g_assert_error(err, MOIM_ERROR, MOIM_ERR_INPUT);
	g_assert_nonnull(res.rcpts);
	g_assert_cmpuint(res.rcpts->len, ==, 0);
	g_assert_false(res.is_bounce);
	dsn_result_clear(&res);
	g_clear_error(&err);
	g_string_free(big, TRUE);
}

/* test_diag_bounded - a hostile diagnostic is cut and cleaned */
static void
test_diag_bounded(void)
{
	GString *m = g_string_new(REPORT_HEAD
	    "Final-Recipient: rfc822; a@example.com\nAction: failed\n"
	    "Status: 5.1.1\nDiagnostic-Code: smtp; 550 \x01\x7f");
	struct dsn_result res;
	const struct dsn_rcpt *r;

	for (int i = 0; i < 500; i++)
		g_string_append(m, "\n x\xff\xfe user unknown");
	g_string_append(m, "\n\n--B--\n");
	g_assert_true(dsn_parse(m->str, m->len, &res, NULL));
	r = res.rcpts->pdata[0];
	g_assert_cmpuint(strlen(r->diagnostic), <=, DSN_MAX_DIAGNOSTIC + 4);
	g_assert_true(g_utf8_validate(r->diagnostic, -1, NULL));
	g_assert_null(strpbrk(r->diagnostic, "\r\n\t\x01\x7f"));
	dsn_result_clear(&res);
	g_string_free(m, TRUE);
}

/* Reasons of sisimai that map to one kind; others are not compared. */
/* A final failure of a full mailbox or after the sending MTA gave up
 * counts as permanent (as in Mailman); only a delay is temporary. */
static const char *const reasons_perm[] = {"userunknown", "hostunknown",
    "hasmoved", "suspend", "notaccept", "mailboxfull", "expired", "systemfull",
    "toomanyconn", "exceedlimit", "networkerror", NULL};
static const char *const reasons_temp[] = {"delayed", NULL};
static const char *const reasons_policy[] = {"blocked", "policyviolation",
    "spamdetected", "securityerror", "virusdetected", "contenterror",
    "rejected", "norelaying", "authfailure", "mesgtoobig", NULL};

/* The README's not-bounce lists (auto-replies, ARF, MDN, challenges,
 * delay warnings). */
static const char *const not_bounces[] = {"sisimai/bsd/rfc3834-*",
    "sisimai/bsd/arf-*", "sisimai/not-bounce/*", "bounceparser/autoreply.msg",
    "bounceparser/aol-vacation.msg", "bounceparser/polish-autoreply.msg",
    "bounceparser/non-autoreply.msg", "bounceparser/bluebottle.msg",
    "bounceparser/boxbe-cr.msg", "bounceparser/boxbe-cr2.msg",
    "bounceparser/whitelist.msg", "bounceparser/warning-?.msg",
    "mimekit/disposition-notification*", "mimekit/feedback-report.txt", NULL};

/* Files the README lists as not-bounces whose content reports a failed
 * delivery all the same: warning-1..4 are multipart/report DSNs with
 * Action: failed and 5.x.x status, warning-7 and -9 Sendmail "Returned
 * mail" with Auto-Submitted: auto-generated (failure), non-autoreply an
 * Exim "Mail delivery failed", rb-issue-368 a "rejected ... Mailbox full"
 * notice from postmaster. They are counted and printed, not asserted. */
static const char *const disputed[] = {"bounceparser/warning-1.msg",
    "bounceparser/warning-2.msg", "bounceparser/warning-3.msg",
    "bounceparser/warning-4.msg", "bounceparser/warning-7.msg",
    "bounceparser/warning-9.msg", "bounceparser/non-autoreply.msg",
    "sisimai/not-bounce/rb-issue-368-bug.eml", NULL};

struct oracle {
	GPtrArray *sis; /* canonical addresses sisimai says failed */
	GPtrArray *reason; /* sisimai's reason for each */
	GPtrArray *bp; /* BounceParser's, when it says is_bounce */
};

struct tally {
	int addr_total, addr_found;
	int file_total, file_bounce;
	int kind_total, kind_same;
	int nb_total, nb_fp, disputed_bounce;
	bool verbose;
};

/* oracle_free - release one struct oracle */
static void
oracle_free(gpointer p)
{
	struct oracle *o = p;

	g_ptr_array_unref(o->sis);
	g_ptr_array_unref(o->reason);
	g_ptr_array_unref(o->bp);
	g_free(o);
}

/* canon - the canonical form of an oracle's address, or NULL */
static char *
canon(const char *s)
{
	struct addr *a = NULL;
	char *out = NULL;

	if (addr_parse_path(s, strlen(s), &a, NULL) && a != NULL)
		out = g_strdup(addr_canonical(a));
	addr_free(a);
	return out;
}

/* oracle_get - the entry of one file, made on first use */
static struct oracle *
oracle_get(GHashTable * or, const char *key)
{
	struct oracle *o = g_hash_table_lookup(or, key);

	if (o == NULL) {
		o = g_new0(struct oracle, 1);
		o->sis = g_ptr_array_new_with_free_func(g_free);
		o->reason = g_ptr_array_new_with_free_func(g_free);
		o->bp = g_ptr_array_new_with_free_func(g_free);
		g_hash_table_insert(or, g_strdup(key), o);
	}
	return o;
}

/* oracle_row - take one TSV row of either oracle */
static void
oracle_row(GHashTable * or, const char *sub, char **f, bool sisimai)
{
	g_autofree char *key = g_strdup_printf("%s/%s", sub, f[0]);
	struct oracle *o;
	char *a;

	if (g_strv_length(f) < 4)
		return;
	if (sisimai &&
	    (strcmp(f[3], "feedback") == 0 || strcmp(f[3], "vacation") == 0 ||
		strcmp(f[3], "delivered") == 0))
		return;
	if (!sisimai && strcmp(f[1], "1") != 0)
		return;
	a = canon(sisimai ? f[1] : f[2]);
	if (a == NULL)
		return;
	o = oracle_get(or, key);
	g_ptr_array_add(sisimai ? o->sis : o->bp, a);
	if (sisimai)
		g_ptr_array_add(o->reason, g_strdup(f[3]));
}

/* oracle_load - read one expected-*.tsv of a corpus folder */
static void
oracle_load(GHashTable * or, const char *dir, const char *sub, bool sisimai)
{
	g_autofree char *path = g_strdup_printf("%s/%s/expected-%s.tsv", dir,
	    sub, sisimai ? "sisimai-4.25.15" : "bounceparser-1.543");
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return;
	lines = g_strsplit(text, "\n", -1);
	for (size_t i = 1; lines[i] != NULL; i++) {
		g_auto(GStrv) f = g_strsplit(g_strchomp(lines[i]), "\t", -1);

		oracle_row(or, sub, f, sisimai);
	}
}

/* listed - whether a relative path matches one of the patterns */
static bool
listed(const char *rel, const char *const *pats)
{
	for (size_t i = 0; pats[i] != NULL; i++)
		if (g_pattern_match_simple(pats[i], rel))
			return true;
	return false;
}

/* has_reason - whether reason is one of the list */
static bool
has_reason(const char *reason, const char *const *list)
{
	for (size_t i = 0; list[i] != NULL; i++)
		if (strcmp(reason, list[i]) == 0)
			return true;
	return false;
}

/* oracle_kind - the kind a sisimai reason maps to, or DSN_NOT_BOUNCE */
static enum dsn_kind
oracle_kind(const char *reason)
{
	if (has_reason(reason, reasons_perm))
		return DSN_PERMANENT;
	if (has_reason(reason, reasons_temp))
		return DSN_TEMPORARY;
	if (has_reason(reason, reasons_policy))
		return DSN_POLICY;
	return DSN_NOT_BOUNCE;
}

/* find_rcpt - our recipient with that address, or NULL */
static const struct dsn_rcpt *
find_rcpt(const struct dsn_result *res, const char *address)
{
	for (guint i = 0; i < res->rcpts->len; i++) {
		const struct dsn_rcpt *r = res->rcpts->pdata[i];

		if (strcmp(r->address, address) == 0)
			return r;
	}
	return NULL;
}

/* compare_addresses - count the oracle's addresses we found, and kinds */
static void
compare_addresses(const char *rel, const struct oracle *o,
    const struct dsn_result *res, struct tally *t)
{
	GPtrArray *want = o->sis->len > 0 ? o->sis : o->bp;

	for (guint i = 0; i < want->len; i++) {
		const struct dsn_rcpt *r = find_rcpt(res, want->pdata[i]);
		enum dsn_kind k;

		t->addr_total++;
		if (r == NULL) {
			if (t->verbose)
				g_test_message("missed %s: %s (bounce=%d n=%u)",
				    rel, (char *)want->pdata[i], res->is_bounce,
				    res->rcpts->len);
			continue;
		}
		t->addr_found++;
		if (want != o->sis ||
		    (k = oracle_kind(o->reason->pdata[i])) == DSN_NOT_BOUNCE)
			continue;
		t->kind_total++;
		if (r->kind == k)
			t->kind_same++;
		else if (t->verbose)
			g_test_message("kind %s: %s is %s, sisimai %s: %s", rel,
			    r->address, dsn_kind_name(r->kind),
			    (char *)o->reason->pdata[i],
			    r->diagnostic != NULL ? r->diagnostic : "-");
	}
}

/* corpus_file - parse one corpus file and count it */
static void
corpus_file(const char *dir, const char *rel, GHashTable * or, struct tally *t)
{
	g_autofree char *path = g_build_filename(dir, rel, NULL);
	g_autofree char *buf = NULL;
	struct oracle *o = g_hash_table_lookup(or, rel);
	struct dsn_result res;
	gsize len;

	g_assert_true(g_file_get_contents(path, &buf, &len, NULL));
	if (!dsn_parse(buf, len, &res, NULL)) {
		g_test_message("unreadable %s", rel);
	} else if (listed(rel, not_bounces)) {
		bool d = listed(rel, disputed);

		t->nb_total += !d;
		t->nb_fp += !d && res.is_bounce;
		t->disputed_bounce += d && res.is_bounce;
		if (res.is_bounce && (t->verbose || !d))
			g_test_message("%s %s taken for a bounce",
			    d ? "disputed" : "NOT-BOUNCE", rel);
	} else if (o != NULL) {
		t->file_total++;
		t->file_bounce += res.is_bounce;
		compare_addresses(rel, o, &res, t);
	}
	dsn_result_clear(&res);
}

/* list_files - every message file under dir, relative, sorted */
static void
list_files(const char *root, const char *rel, GPtrArray *out)
{
	g_autofree char *path = g_build_filename(root, rel, NULL);
	GDir *d = g_dir_open(path, 0, NULL);
	const char *name;

	if (d == NULL)
		return;
	while ((name = g_dir_read_name(d)) != NULL) {
		char *r = rel[0] != '\0' ? g_strdup_printf("%s/%s", rel, name)
					 : g_strdup(name);
		g_autofree char *full = g_build_filename(root, r, NULL);

		if (g_file_test(full, G_FILE_TEST_IS_DIR)) {
			list_files(root, r, out);
			g_free(r);
		} else if (g_str_has_suffix(name, ".tsv") ||
		    g_str_has_suffix(name, ".md"))
			g_free(r);
		else
			g_ptr_array_add(out, r);
	}
	g_dir_close(d);
}

/* cmp_str - g_ptr_array_sort comparator for strings */
static gint
cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* share - a ratio for printing; 0 of 0 is 0 */
static double
share(int part, int whole)
{
	return whole > 0 ? (double)part / whole : 0.0;
}

/* test_corpus - the shares the issue asks for, with honest thresholds */
static void
test_corpus(void)
{
	static const char *const subs[] = {"sisimai", "bounceparser",
	    "ruby-mail", "mimekit", "calendarserver-imip", NULL};
	g_autofree char *dir = testutil_corpus("bounces");
	GHashTable * or ;
	GPtrArray *files;
	struct tally t = {0};

	if (dir == NULL) {
		g_test_skip("no shared corpus");
		return;
	}
	t.verbose = g_getenv("DSN_TEST_VERBOSE") != NULL;
	or = g_hash_table_new_full(
	       g_str_hash, g_str_equal, g_free, oracle_free);
	for (size_t i = 0; subs[i] != NULL; i++) {
		oracle_load(or, dir, subs[i], true);
		oracle_load(or, dir, subs[i], false);
	}
	files = g_ptr_array_new_with_free_func(g_free);
	list_files(dir, "", files);
	g_ptr_array_sort(files, cmp_str);
	for (guint i = 0; i < files->len; i++)
		corpus_file(dir, files->pdata[i], or, &t);
	g_test_message("corpus: %u files", files->len);
	g_test_message("bounces detected: %d/%d = %.3f", t.file_bounce,
	    t.file_total, share(t.file_bounce, t.file_total));
	g_test_message("failed addresses found: %d/%d = %.3f", t.addr_found,
	    t.addr_total, share(t.addr_found, t.addr_total));
	g_test_message("kind as sisimai's reason: %d/%d = %.3f", t.kind_same,
	    t.kind_total, share(t.kind_same, t.kind_total));
	g_test_message("not-bounces taken for bounces: %d/%d (disputed: %d)",
	    t.nb_fp, t.nb_total, t.disputed_bounce);
	g_assert_cmpint(t.nb_fp, ==, 0);
	g_assert_cmpfloat(share(t.addr_found, t.addr_total), >=, ADDR_MIN);
	g_assert_cmpfloat(share(t.kind_same, t.kind_total), >=, KIND_MIN);
	g_ptr_array_unref(files);
	g_hash_table_unref(or);
}

/* verdict - what moim-listd makes of a bounce for member (as
 * bounce_handle and dsn_for do): "permanent", "policy", "temporary",
 * "delay" or "not-bounce" */
static const char *
verdict(const struct dsn_result *r, const char *member)
{
	const struct dsn_rcpt *x = NULL;

	if (!r->is_bounce)
		return r->is_delay ? "delay" : "not-bounce";
	for (guint i = 0; i < r->rcpts->len && x == NULL; i++) {
		const struct dsn_rcpt *y = r->rcpts->pdata[i];

		if (g_strcmp0(y->address, member) == 0)
			x = y;
	}
	if (x == NULL && r->rcpts->len > 0)
		x = r->rcpts->pdata[0];
	switch (x != NULL ? x->kind : r->kind) {
	case DSN_PERMANENT:
		return "permanent";
	case DSN_POLICY:
		return "policy";
	case DSN_TEMPORARY:
		return "temporary";
	default:
		return "not-bounce";
	}
}

/* named - whether the report lists member among its recipients */
static bool
named(const struct dsn_result *r, const char *member)
{
	for (guint i = 0; i < r->rcpts->len; i++)
		if (g_strcmp0(((struct dsn_rcpt *)r->rcpts->pdata[i])->address,
			member) == 0)
			return true;
	return false;
}

/* test_dialects - tests/data/bounces: bounces, delay warnings and
 * auto-replies of the MTAs members use (qmail, Exim, Postfix, Sendmail,
 * Exchange, GroupWise, Yahoo, SMTP32, Sina, Gmail, Korean, French,
 * Russian, RFC 3464 with an internal Final-Recipient), each with the
 * verdict EXPECTED.tsv gives; a failure names the recipient it is about */
static void
test_dialects(void)
{
	const char *top = g_getenv("top_srcdir");
	g_autofree char *dir = g_build_filename(
	    top ? top : "..", "tests", "data", "bounces", NULL);
	g_autofree char *tsv = g_build_filename(dir, "EXPECTED.tsv", NULL);
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	int n = 0, wrong = 0;

	g_assert_true(g_file_get_contents(tsv, &text, NULL, NULL));
	lines = g_strsplit(text, "\n", -1);
	for (size_t i = 0; lines[i] != NULL; i++) {
		g_auto(GStrv) f = g_strsplit(lines[i], "\t", -1);
		g_autofree char *path = NULL, *buf = NULL;
		struct dsn_result r;
		const char *got;
		gsize len;

		if (lines[i][0] == '#' || g_strv_length(f) < 3)
			continue;
		path = g_build_filename(dir, f[0], NULL);
		g_assert_true(g_file_get_contents(path, &buf, &len, NULL));
		g_assert_true(dsn_parse(buf, len, &r, NULL));
		got = verdict(&r, f[2]);
		n++;
		if (strcmp(got, f[1]) != 0 ||
		    (r.is_bounce && r.rcpts->len > 0 && !named(&r, f[2]))) {
			g_test_message("%s: want %s for %s, got %s%s", f[0],
			    f[1], f[2], got,
			    named(&r, f[2]) ? "" : " (member not named)");
			wrong++;
		}
		dsn_result_clear(&r);
	}
	g_test_message("dialects: %d files, %d wrong", n, wrong);
	g_assert_cmpint(n, >=, 70);
	g_assert_cmpint(wrong, ==, 0);
}

/* main - register the table and the corpus run */
int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *path = g_strdup_printf("/dsn/unit/%zu", i);

		g_test_add_data_func(path, &cases[i], test_unit);
	}
	g_test_add_func("/dsn/second_rcpt", test_second_rcpt);
	g_test_add_func("/dsn/bad_input", test_bad_input);
	g_test_add_func("/dsn/diag_bounded", test_diag_bounded);
	g_test_add_func("/dsn/corpus", test_corpus);
	g_test_add_func("/dsn/dialects", test_dialects);
	return g_test_run();
}
