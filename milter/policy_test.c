/*
 * policy_test - moim-milter's decisions, table-driven, without libmilter
 */
#include <string.h>

#include "err.h"
#include "policy.h"

#define MEMBER ((int)STORE_ROLE_MEMBER)
#define MOD ((int)STORE_ROLE_MODERATOR)
#define OWNER ((int)STORE_ROLE_OWNER)
#define NONE (-1)

/* make_list - a list ai@lists.example.org with policy p */
static struct store_list *
make_list(enum listset_policy p)
{
	struct store_list *l = g_new0(struct store_list, 1);

	l->id = 7;
	l->local = g_strdup("ai");
	l->domain = g_strdup("lists.example.org");
	l->address = g_strdup("ai@lists.example.org");
	listset_defaults(&l->set, "AI");
	l->set.policy = p;
	l->set.max_size = 10000;
	l->set.rate_limit = 3;
	return l;
}

static const struct {
	const char *name;
	enum policy_stage stage;
	bool has_list;
	enum listset_policy policy;
	enum listset_nonmember nonmember;
	bool require_auth;
	enum rcpt_kind kind;
	int env_role, from_role;
	gint64 size;
	int recent;
	bool is_auto, has_list_id, authed;
	enum policy_dmarc dmarc;
	/* expected */
	enum policy_action action;
	enum policy_hold hold;
	const char *reply; /* "code xcode text" or NULL */
} cases[] = {
    {"unknown address", POLICY_AT_RCPT, false, 0, 0, false, RCPT_POST, NONE,
	NONE, -1, 0, false, false, false, 0, POLICY_REJECT, 0,
	"550 5.1.1 <ai-nope@lists.example.org>: no such list address"},
    {"rcpt: member envelope", POLICY_AT_RCPT, true, LISTSET_POLICY_MEMBERS, 0,
	false, RCPT_POST, MEMBER, NONE, -1, 0, false, false, false, 0,
	POLICY_CONTINUE, 0, NULL},
    {"rcpt: non-member waits for From", POLICY_AT_RCPT, true,
	LISTSET_POLICY_MEMBERS, 0, false, RCPT_POST, NONE, NONE, -1, 0, false,
	false, false, 0, POLICY_CONTINUE, 0, NULL},
    {"rcpt: announce non-owner waits for From", POLICY_AT_RCPT, true,
	LISTSET_POLICY_ANNOUNCE, 0, false, RCPT_POST, MEMBER, NONE, -1, 0,
	false, false, false, 0, POLICY_CONTINUE, 0, NULL},
    {"rcpt: SIZE over max", POLICY_AT_RCPT, true, LISTSET_POLICY_OPEN, 0, false,
	RCPT_POST, MEMBER, NONE, 10001, 0, false, false, false, 0,
	POLICY_REJECT, 0,
	"552 5.3.4 Message too big for <ai@lists.example.org> (max 10000 "
	"bytes)"},
    {"rcpt: SIZE at max", POLICY_AT_RCPT, true, LISTSET_POLICY_OPEN, 0, false,
	RCPT_POST, MEMBER, NONE, 10000, 0, false, false, false, 0,
	POLICY_CONTINUE, 0, NULL},
    {"rcpt: SIZE does not apply to commands", POLICY_AT_RCPT, true,
	LISTSET_POLICY_OPEN, 0, false, RCPT_REQUEST, NONE, NONE, 99999, 0,
	false, false, false, 0, POLICY_CONTINUE, 0, NULL},
    {"rcpt: rate at limit", POLICY_AT_RCPT, true, LISTSET_POLICY_OPEN, 0, false,
	RCPT_POST, MEMBER, NONE, -1, 3, false, false, false, 0, POLICY_TEMPFAIL,
	0,
	"450 4.7.1 Too many posts to <ai@lists.example.org>; try again later"},
    {"rcpt: rate below limit", POLICY_AT_RCPT, true, LISTSET_POLICY_OPEN, 0,
	false, RCPT_POST, MEMBER, NONE, -1, 2, false, false, false, 0,
	POLICY_CONTINUE, 0, NULL},
    {"rcpt: owner address is open", POLICY_AT_RCPT, true,
	LISTSET_POLICY_ANNOUNCE, 0, false, RCPT_OWNER, NONE, NONE, -1, 99,
	false, false, false, 0, POLICY_CONTINUE, 0, NULL},
    {"eom: non-member refused", POLICY_AT_EOM, true, LISTSET_POLICY_MEMBERS,
	LISTSET_NONMEMBER_REFUSE, false, RCPT_POST, NONE, NONE, 100, 0, false,
	false, false, 0, POLICY_REJECT, 0,
	"550 5.7.1 Only members may post to <ai@lists.example.org>; to join, "
	"write to <ai-request@lists.example.org>"},
    {"eom: non-member held", POLICY_AT_EOM, true, LISTSET_POLICY_MEMBERS,
	LISTSET_NONMEMBER_HOLD, false, RCPT_POST, NONE, NONE, 100, 0, false,
	false, false, 0, POLICY_HOLD, POLICY_HOLD_NONMEMBER, NULL},
    {"eom: member by From (SRS envelope)", POLICY_AT_EOM, true,
	LISTSET_POLICY_MEMBERS, 0, false, RCPT_POST, NONE, MEMBER, 100, 0,
	false, false, false, 0, POLICY_CONTINUE, 0, NULL},
    {"eom: announce member refused", POLICY_AT_EOM, true,
	LISTSET_POLICY_ANNOUNCE, 0, false, RCPT_POST, MEMBER, MEMBER, 100, 0,
	false, false, false, 0, POLICY_REJECT, 0,
	"550 5.7.1 Only the list owners and moderators may post to "
	"<ai@lists.example.org>"},
    {"eom: announce moderator by From", POLICY_AT_EOM, true,
	LISTSET_POLICY_ANNOUNCE, 0, false, RCPT_POST, NONE, MOD, 100, 0, false,
	false, false, 0, POLICY_CONTINUE, 0, NULL},
    {"eom: announce owner", POLICY_AT_EOM, true, LISTSET_POLICY_ANNOUNCE, 0,
	false, RCPT_POST, OWNER, NONE, 100, 0, false, false, false, 0,
	POLICY_CONTINUE, 0, NULL},
    {"eom: open list, anyone", POLICY_AT_EOM, true, LISTSET_POLICY_OPEN, 0,
	false, RCPT_POST, NONE, NONE, 100, 0, false, false, false, 0,
	POLICY_CONTINUE, 0, NULL},
    {"eom: moderated list is listd's business", POLICY_AT_EOM, true,
	LISTSET_POLICY_MODERATED, 0, false, RCPT_POST, NONE, NONE, 100, 0,
	false, false, false, 0, POLICY_CONTINUE, 0, NULL},
    {"eom: loop first, even from the owner", POLICY_AT_EOM, true,
	LISTSET_POLICY_OPEN, 0, false, RCPT_POST, OWNER, OWNER, 100000, 0,
	false, true, false, 0, POLICY_REJECT, 0,
	"550 5.4.6 Mail loop: message already carries this list's List-Id"},
    {"eom: body over max", POLICY_AT_EOM, true, LISTSET_POLICY_OPEN, 0, false,
	RCPT_POST, OWNER, NONE, 10001, 0, false, false, false, 0, POLICY_REJECT,
	0,
	"552 5.3.4 Message too big for <ai@lists.example.org> (max 10000 "
	"bytes)"},
    {"eom: auto-reply to -request discarded", POLICY_AT_EOM, true,
	LISTSET_POLICY_MEMBERS, 0, false, RCPT_REQUEST, NONE, NONE, 100, 0,
	true, false, false, 0, POLICY_DISCARD, 0, NULL},
    {"eom: auto-reply to -confirm discarded", POLICY_AT_EOM, true,
	LISTSET_POLICY_MEMBERS, 0, false, RCPT_CONFIRM, NONE, NONE, 100, 0,
	true, false, false, 0, POLICY_DISCARD, 0, NULL},
    {"eom: bounce to -bounces passes", POLICY_AT_EOM, true,
	LISTSET_POLICY_MEMBERS, 0, false, RCPT_BOUNCES, NONE, NONE, 100, 0,
	true, false, false, 0, POLICY_CONTINUE, 0, NULL},
    {"eom: human to -request passes", POLICY_AT_EOM, true,
	LISTSET_POLICY_MEMBERS, 0, false, RCPT_REQUEST, NONE, NONE, 100, 0,
	false, false, false, 0, POLICY_CONTINUE, 0, NULL},
    {"eom: require_auth, DMARC fail", POLICY_AT_EOM, true,
	LISTSET_POLICY_MEMBERS, 0, true, RCPT_POST, MEMBER, NONE, 100, 0, false,
	false, false, POLICY_DMARC_FAIL, POLICY_HOLD, POLICY_HOLD_DMARC, NULL},
    {"eom: require_auth, no trusted result", POLICY_AT_EOM, true,
	LISTSET_POLICY_MEMBERS, 0, true, RCPT_POST, MEMBER, NONE, 100, 0, false,
	false, false, POLICY_DMARC_UNKNOWN, POLICY_HOLD, POLICY_HOLD_DMARC,
	NULL},
    {"eom: require_auth, DMARC pass", POLICY_AT_EOM, true,
	LISTSET_POLICY_MEMBERS, 0, true, RCPT_POST, MEMBER, NONE, 100, 0, false,
	false, false, POLICY_DMARC_PASS, POLICY_CONTINUE, 0, NULL},
    {"eom: require_auth, no DMARC policy", POLICY_AT_EOM, true,
	LISTSET_POLICY_MEMBERS, 0, true, RCPT_POST, MEMBER, NONE, 100, 0, false,
	false, false, POLICY_DMARC_NONE, POLICY_CONTINUE, 0, NULL},
    {"eom: require_auth, SASL client", POLICY_AT_EOM, true,
	LISTSET_POLICY_MEMBERS, 0, true, RCPT_POST, MEMBER, NONE, 100, 0, false,
	false, true, POLICY_DMARC_FAIL, POLICY_CONTINUE, 0, NULL},
    {"eom: DMARC fail without require_auth", POLICY_AT_EOM, true,
	LISTSET_POLICY_MEMBERS, 0, false, RCPT_POST, MEMBER, NONE, 100, 0,
	false, false, false, POLICY_DMARC_FAIL, POLICY_CONTINUE, 0, NULL},
    {"eom: non-member refusal beats DMARC hold", POLICY_AT_EOM, true,
	LISTSET_POLICY_MEMBERS, LISTSET_NONMEMBER_REFUSE, true, RCPT_POST, NONE,
	NONE, 100, 0, false, false, false, POLICY_DMARC_FAIL, POLICY_REJECT, 0,
	"550 5.7.1 Only members may post to <ai@lists.example.org>; to join, "
	"write to <ai-request@lists.example.org>"},
};

/* test_decide - every row of cases */
static void
test_decide(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct store_list *l = make_list(cases[i].policy);
		struct policy_facts f = {0};
		struct policy_verdict v;
		g_autofree char *reply = NULL;
		GError *e = NULL;

		g_test_message("%s", cases[i].name);
		l->set.nonmember = cases[i].nonmember;
		l->set.require_auth = cases[i].require_auth;
		f.stage = cases[i].stage;
		f.rcpt = cases[i].has_list ? "ai@lists.example.org"
					   : "ai-nope@lists.example.org";
		f.list = cases[i].has_list ? l : NULL;
		f.kind = cases[i].kind;
		f.envelope_role = cases[i].env_role;
		f.from_role = cases[i].from_role;
		f.size = cases[i].size;
		f.recent_posts = cases[i].recent;
		f.is_auto_reply = cases[i].is_auto;
		f.has_list_id = cases[i].has_list_id;
		f.is_authenticated = cases[i].authed;
		f.dmarc = cases[i].dmarc;
		g_assert_true(policy_decide(&f, &v, &e));
		g_assert_no_error(e);
		g_assert_cmpint(v.action, ==, cases[i].action);
		g_assert_cmpint(v.hold, ==, cases[i].hold);
		if (cases[i].reply != NULL) {
			reply = g_strdup_printf(
			    "%s %s %s", v.code, v.xcode, v.text);
			g_assert_cmpstr(reply, ==, cases[i].reply);
		}
		store_list_free(l);
	}
}

/* test_contract - facts that break the contract are internal errors */
static void
test_contract(void)
{
	struct policy_facts f = {
	    .stage = POLICY_AT_EOM, .rcpt = "ai@lists.example.org"};
	struct policy_verdict v;
	GError *e = NULL;

	g_assert_false(policy_decide(&f, &v, &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_INTERNAL);
	g_clear_error(&e);
	f.rcpt = NULL;
	g_assert_false(policy_decide(&f, &v, &e));
	g_assert_error(e, MOIM_ERROR, MOIM_ERR_INTERNAL);
	g_clear_error(&e);
}

/* test_size_param - SIZE=n, and what is not */
static void
test_size_param(void)
{
	static const struct {
		const char *arg;
		bool ok;
		gint64 n;
	} t[] = {
	    {"SIZE=1000", true, 1000},
	    {"size=0", true, 0},
	    {"SIZE=9223372036854775807", true, G_MAXINT64},
	    {"SIZE=9223372036854775808", false, 0},
	    {"SIZE=", false, 0},
	    {"SIZE=-5", false, 0},
	    {"SIZE=12ab", false, 0},
	    {"SIZE=00000000000000000000001", false, 0},
	    {"BODY=8BITMIME", false, 0},
	    {NULL, false, 0},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
		gint64 n = -1;

		g_assert_cmpint(policy_size_param(t[i].arg, &n), ==, t[i].ok);
		if (t[i].ok)
			g_assert_cmpint(n, ==, t[i].n);
	}
}

/* test_header_is_auto - RFC 3834 and practice, field by field */
static void
test_header_is_auto(void)
{
	static const struct {
		const char *name, *value;
		bool is_auto;
	} t[] = {
	    {"Auto-Submitted", "auto-replied", true},
	    {"auto-submitted", " Auto-Generated (vacation)", true},
	    {"Auto-Submitted", "no", false},
	    {"Auto-Submitted", " No (a person)", false},
	    {"Precedence", "bulk", true},
	    {"Precedence", "JUNK", true},
	    {"Precedence", "list", true},
	    {"Precedence", "first-class", false},
	    {"X-Autoreply", "yes", true},
	    {"X-Autorespond", "", true},
	    {"X-Auto-Response-Suppress", "DR, OOF, AutoReply, All", true},
	    {"X-Auto-Response-Suppress", "OOF", false},
	    {"X-Auto-Response-Suppress", "Allow", false},
	    {"Subject", "Auto-Submitted: auto-replied", false},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
		g_test_message("%s: %s", t[i].name, t[i].value);
		g_assert_cmpint(policy_header_is_auto(t[i].name, t[i].value),
		    ==, t[i].is_auto);
	}
}

/* test_list_id - our List-Id, in any case, with a phrase or not */
static void
test_list_id(void)
{
	const char *l = "ai", *d = "lists.example.org";

	g_assert_true(policy_list_id_is("<ai.lists.example.org>", l, d));
	g_assert_true(
	    policy_list_id_is("\"AI friends\" <AI.Lists.Example.ORG>", l, d));
	g_assert_false(policy_list_id_is("<ai2.lists.example.org>", l, d));
	g_assert_false(policy_list_id_is("<xai.lists.example.org>", l, d));
	g_assert_false(policy_list_id_is("ai.lists.example.org", l, d));
	g_assert_false(policy_list_id_is("", l, d));
}

/* test_ar_dmarc - Authentication-Results from trusted servers only */
static void
test_ar_dmarc(void)
{
	const char *const trusted[] = {"mx.example.org", NULL};
	static const struct {
		const char *value, *from;
		enum policy_dmarc want;
	} t[] = {
	    {"mx.example.org; dmarc=fail (p=reject dis=none) "
	     "header.from=evil.example",
		"evil.example", POLICY_DMARC_FAIL},
	    {"MX.example.org 1; spf=pass smtp.mailfrom=a.example;\r\n\t"
	     "dmarc=pass header.from=A.example",
		"a.example", POLICY_DMARC_PASS},
	    {"mx.example.org; dmarc=none header.from=a.example", "a.example",
		POLICY_DMARC_NONE},
	    {"mx.example.org; dmarc=temperror header.from=a.example",
		"a.example", POLICY_DMARC_UNKNOWN},
	    /* another server's word does not count */
	    {"evil.example; dmarc=pass header.from=a.example", "a.example",
		POLICY_DMARC_UNKNOWN},
	    /* a result for another From domain does not count */
	    {"mx.example.org; dmarc=pass header.from=b.example", "a.example",
		POLICY_DMARC_UNKNOWN},
	    /* no header.from: the result is the From's */
	    {"mx.example.org; dmarc=fail", "a.example", POLICY_DMARC_FAIL},
	    /* a comment or a quoted string cannot smuggle a result */
	    {"mx.example.org; dkim=fail (; dmarc=pass) reason=\"; dmarc=pass\"",
		"a.example", POLICY_DMARC_UNKNOWN},
	    {"mx.example.org (; dmarc=pass); none", "a.example",
		POLICY_DMARC_UNKNOWN},
	    {"mx.example.org; dkim=pass header.d=a.example; dmarc/1=fail",
		"a.example", POLICY_DMARC_FAIL},
	    {"", "a.example", POLICY_DMARC_UNKNOWN},
	    {"mx.example.org; dmarc=pass", NULL, POLICY_DMARC_UNKNOWN},
	    {"(((((unbalanced", "a.example", POLICY_DMARC_UNKNOWN},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
		g_test_message("%s", t[i].value);
		g_assert_cmpint(policy_ar_dmarc(t[i].value, trusted, t[i].from),
		    ==, t[i].want);
	}
	g_assert_cmpint(
	    policy_ar_dmarc("mx.example.org; dmarc=pass", NULL, "a.example"),
	    ==, POLICY_DMARC_UNKNOWN);
}

/* test_auth - what vouches for a post's author beyond From: a SASL login
 * or a trusted DMARC pass; nothing for a refused post (issue 13.4) */
static void
test_auth(void)
{
	static const struct {
		const char *name;
		enum listset_policy policy;
		int from_role;
		bool authed, verified;
		enum policy_action action;
		enum policy_auth auth;
	} t[] = {
	    {"forged owner From, nothing else", LISTSET_POLICY_ANNOUNCE, OWNER,
		false, false, POLICY_CONTINUE, POLICY_AUTH_NONE},
	    {"owner with a trusted DMARC pass", LISTSET_POLICY_ANNOUNCE, OWNER,
		false, true, POLICY_CONTINUE, POLICY_AUTH_DOMAIN},
	    {"owner logged in", LISTSET_POLICY_ANNOUNCE, OWNER, true, true,
		POLICY_CONTINUE, POLICY_AUTH_SASL},
	    {"member to announce: refused, no auth", LISTSET_POLICY_ANNOUNCE,
		MEMBER, true, true, POLICY_REJECT, POLICY_AUTH_NONE},
	    {"member post with DMARC pass", LISTSET_POLICY_MEMBERS, MEMBER,
		false, true, POLICY_CONTINUE, POLICY_AUTH_DOMAIN},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
		struct store_list *l = make_list(t[i].policy);
		struct policy_facts f = {.stage = POLICY_AT_EOM,
		    .rcpt = "ai@lists.example.org",
		    .list = l,
		    .kind = RCPT_POST,
		    .envelope_role = NONE,
		    .from_role = t[i].from_role,
		    .size = 100,
		    .is_authenticated = t[i].authed,
		    .from_verified = t[i].verified};
		struct policy_verdict v;

		g_test_message("%s", t[i].name);
		g_assert_true(policy_decide(&f, &v, NULL));
		g_assert_cmpint(v.action, ==, t[i].action);
		g_assert_cmpint(v.auth, ==, t[i].auth);
		store_list_free(l);
	}
	g_assert_cmpstr(policy_auth_name(POLICY_AUTH_SASL), ==, "sasl");
	g_assert_cmpstr(policy_auth_name(POLICY_AUTH_DOMAIN), ==, "domain");
	g_assert_null(policy_auth_name(POLICY_AUTH_NONE));
}

/* test_ar_verified - a trusted DMARC pass or From-aligned DKIM pass */
static void
test_ar_verified(void)
{
	const char *const trusted[] = {"mx.example.org", NULL};
	static const struct {
		const char *value, *from;
		bool want;
	} t[] = {
	    {"mx.example.org; dmarc=pass header.from=a.example", "a.example",
		true},
	    {"mx.example.org; dmarc=fail header.from=a.example", "a.example",
		false},
	    /* dmarc=none: the domain vouches for nothing */
	    {"mx.example.org; dmarc=none header.from=a.example", "a.example",
		false},
	    {"mx.example.org; dkim=pass header.d=a.example", "a.example", true},
	    /* a signature of another domain is not aligned */
	    {"mx.example.org; dkim=pass header.d=evil.example", "a.example",
		false},
	    {"mx.example.org; dkim=fail header.d=a.example", "a.example",
		false},
	    /* a DMARC failure outweighs any signature */
	    {"mx.example.org; dkim=pass header.d=a.example; dmarc=fail",
		"a.example", false},
	    {"evil.example; dmarc=pass header.from=a.example", "a.example",
		false},
	    {"mx.example.org; dkim=fail (dkim=pass header.d=a.example)",
		"a.example", false},
	    {"mx.example.org; dmarc=pass", "", false},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
		g_test_message("%s", t[i].value);
		g_assert_cmpint(
		    policy_ar_verified(t[i].value, trusted, t[i].from), ==,
		    t[i].want);
	}
	g_assert_true(policy_ar_is_trusted("MX.example.org 1; none", trusted));
	g_assert_true(policy_ar_is_trusted(" mx.example.org;", trusted));
	g_assert_false(policy_ar_is_trusted("evil.example; none", trusted));
	g_assert_false(policy_ar_is_trusted("mx.example.org.evil; x", trusted));
	g_assert_false(policy_ar_is_trusted("", trusted));
	/* read as the result reader reads it (found by fuzz_authres) */
	g_assert_true(policy_ar_is_trusted("mx.example.org\0031; x", trusted));
	g_assert_true(
	    policy_ar_is_trusted("(c) mx.example.org; dmarc=pass", trusted));
	g_assert_false(policy_ar_is_trusted("mx.example.org; none", NULL));
}

/* test_internal_header - X-Moim-* in any case */
static void
test_internal_header(void)
{
	g_assert_true(policy_is_internal_header("X-Moim-Hold"));
	g_assert_true(policy_is_internal_header("x-moim-verdict"));
	g_assert_false(policy_is_internal_header("X-Moimx"));
	g_assert_false(policy_is_internal_header("X-Mailer"));
	g_assert_cmpstr(policy_hold_name(POLICY_HOLD_DMARC), ==, "dmarc");
	g_assert_cmpstr(
	    policy_hold_name(POLICY_HOLD_NONMEMBER), ==, "nonmember");
	g_assert_null(policy_hold_name(POLICY_HOLD_NONE));
}

/* test_rate - counts within the hour, at most limit times per key */
static void
test_rate(void)
{
	struct policy_rate *r = policy_rate_new();
	const gint64 t0 = 1000000;

	g_assert_cmpint(policy_rate_count(r, "7 a@x.example", t0), ==, 0);
	g_assert_true(policy_rate_note(r, "7 a@x.example", 3, t0));
	g_assert_true(policy_rate_note(r, "7 a@x.example", 3, t0 + 10));
	g_assert_cmpint(policy_rate_count(r, "7 a@x.example", t0 + 20), ==, 2);
	g_assert_cmpint(policy_rate_count(r, "8 a@x.example", t0 + 20), ==, 0);
	/* at most limit kept */
	for (int i = 0; i < 10; i++)
		policy_rate_note(r, "7 a@x.example", 3, t0 + 20 + i);
	g_assert_cmpint(policy_rate_count(r, "7 a@x.example", t0 + 30), ==, 3);
	/* the oldest kept was noted at t0 + 27: gone an hour later */
	g_assert_cmpint(
	    policy_rate_count(r, "7 a@x.example", t0 + 27 + POLICY_RATE_WINDOW),
	    ==, 2);
	g_assert_cmpint(
	    policy_rate_count(r, "7 a@x.example", t0 + 29 + POLICY_RATE_WINDOW),
	    ==, 0);
	/* limit 0: nothing noted */
	g_assert_true(policy_rate_note(r, "9 b@x.example", 0, t0));
	g_assert_cmpint(policy_rate_count(r, "9 b@x.example", t0), ==, 0);
	policy_rate_free(r);
}

/* test_rate_bounded - a flood of senders keeps the table bounded */
static void
test_rate_bounded(void)
{
	struct policy_rate *r = policy_rate_new();
	char key[64];
	bool all_kept = true;

	for (int i = 0; i <= POLICY_RATE_MAX_KEYS; i++) {
		g_snprintf(key, sizeof(key), "1 s%d@x.example", i);
		all_kept = policy_rate_note(r, key, 5, 100) && all_kept;
	}
	/* all within the hour: the table had to start over once */
	g_assert_false(all_kept);
	g_assert_cmpint(policy_rate_count(r, key, 100), ==, 1);
	g_assert_cmpint(policy_rate_count(r, "1 s0@x.example", 100), ==, 0);
	/* full again, an hour later: expired keys go, the table stays */
	for (int i = 1; i < POLICY_RATE_MAX_KEYS; i++) {
		g_snprintf(key, sizeof(key), "2 s%d@x.example", i);
		g_assert_true(policy_rate_note(r, key, 5, 200));
	}
	g_assert_true(policy_rate_note(
	    r, "1 late@x.example", 5, 100 + POLICY_RATE_WINDOW + 1));
	g_assert_cmpint(policy_rate_count(
			    r, "2 s1@x.example", 100 + POLICY_RATE_WINDOW + 1),
	    ==, 1);
	policy_rate_free(r);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/policy/decide", test_decide);
	g_test_add_func("/policy/contract", test_contract);
	g_test_add_func("/policy/size_param", test_size_param);
	g_test_add_func("/policy/header_is_auto", test_header_is_auto);
	g_test_add_func("/policy/list_id", test_list_id);
	g_test_add_func("/policy/ar_dmarc", test_ar_dmarc);
	g_test_add_func("/policy/ar_verified", test_ar_verified);
	g_test_add_func("/policy/auth", test_auth);
	g_test_add_func("/policy/internal_header", test_internal_header);
	g_test_add_func("/policy/rate", test_rate);
	g_test_add_func("/policy/rate_bounded", test_rate_bounded);
	return g_test_run();
}
