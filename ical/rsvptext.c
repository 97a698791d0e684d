/*
 * rsvptext - read a plain-text reply to an event announcement
 *
 * Korean puts particles and verb endings on the stem with no space, and
 * people write the same answer with many endings (참석합니다, 참석할게요,
 * 참석 예정입니다, 참석이요), so the cues below are stems followed by
 * any ending, with negation (못, 안, -지 못/않, 수 없, 어렵, 힘들) as its
 * own cue that wins over the stem it sits beside.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "rsvptext.h"

enum pat {
	P_CUTOFF,
	P_ATTRIB,
	P_ATTRIB_START,
	P_HDR_FROM,
	P_HDR_NEXT,
	P_QUESTION,
	P_NO,
	P_MAYBE,
	P_YES,
	P_WEAK,
	P_PLUS1,
	P_TOTAL1,
	P_GUESTS,
	P_ONE_GUEST,
	P_TOTAL2,
	P_FILLER,
	P_THIS_WEEK,
	P_NEXT_WEEK,
	P_ALL,
	P_DATE_KO,
	P_DATE_EN,
	P_DATE_NUM,
	P_N,
};

/* Numbers as people write them before 명 or "guests". */
#define NUM                                                                    \
	"(\\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|"      \
	"한|하나|두|둘|세|셋|네|넷|다섯|여섯|일곱|여덟|아홉|열)"
/* A Korean stem starts a word, or follows a particle or an adverb. */
/* The same without "a"/"an": "we are a team" is no headcount. */
#define NUMT                                                                   \
	"(\\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|"          \
	"한|하나|두|둘|세|셋|네|넷|다섯|여섯|일곱|여덟|아홉|열)"
#define KO_START "(?:(?<![가-힣])|(?<=도|는|은|저|꼭|또|나|면|럼|엔|서))"
#define ATTEND_EN                                                              \
	"(?:make|attend|come|go\\b|join|be there|participate|turn up|"         \
	"show up|be present|be attending)"

static const char *const pat_src[P_N] = {
    [P_CUTOFF] = "^(?:-{2,}\\s*(?:original message|원본 메시지|원본 메일|"
		 "forwarded message|전달된 메일|전달된 메시지|"
		 "message d'origine|ursprüngliche nachricht)\\s*-*|"
		 "-{5,}\\s*original\\b.*|_{10,}|-- ?|—|"
		 "sent from my .*|sent from (?:mail|outlook|yahoo).*|"
		 "get outlook for .*|.*에서 보(?:냄|냈습니다)\\.?|"
		 "begin forwarded message:?)$",
    [P_ATTRIB] = "(?:\\b(?:wrote|writes|a écrit|schrieb|escribió|skrev)\\s*:|"
		 "(?:작성|쓴\\s*글|씀|작성하셨습니다)\\s*:|"
		 "<[^<>\\s]+@[^<>\\s]+>\\s*:)\\s*$",
    [P_ATTRIB_START] = "^(?:on|le|am|el|\\d{4}[-./년]|\\d{1,2}[/.])\\s",
    [P_HDR_FROM] = "^(?:from|보낸\\s*사람|von|de)\\s*:",
    [P_HDR_NEXT] = "^(?:sent|date|to|cc|subject|보낸\\s*날짜|받는\\s*사람|"
		   "날짜|제목|참조|gesendet|an|betreff|envoyé|objet)\\s*:",
    [P_QUESTION] =
	"(?:\\?|？|나요|까요|습니까|니까|는지요|인가요|한가요|은가요|"
	"는가요|될까|할까|되나|있나|없나|ㄹ까|^(?:is|are|does|do|"
	"can|could|should|what|where|when|how|who|which|why)\\s"
	".*[^.!])$",
    [P_NO] =
	"불참|" KO_START "못\\s*(?:가|갈|갑|와|올|오|감|간|참석|참가|"
	"참여|할|하|해|합|뵙|뵐|갔|뵈)|(?:참석|참가|참여|출석|가기|"
	"가는\\s*건|가는\\s*것|방문)\\s*(?:이|은|는|을|가|하기|하는\\s*건)?"
	"\\s*(?:는|도)?\\s*(?:어렵|힘들|곤란|불가|안\\s*될|안될|무리)|" KO_START
	"안\\s*(?:가|갈|갑|와|올|감|간다|할게|할래|하겠|합니다|"
	"해요)|참석\\s*안\\s*(?:해|하|합|할)|"
	"(?:갈|올|할|참석할|참가할|참여할|가볼)\\s*수\\s*(?:가|도|는)?\\s*없|"
	"(?:가|하|오)지\\s*(?:못|않(?!을까|나요|을래|으세요|으실))|"
	"어려울\\s*(?:것|듯)|어렵겠|어렵습니다|어려워요|어렵네요|어렵게\\s*됐|"
	"어려울\\s*거|힘들\\s*(?:것|듯)|힘들겠|힘들어요|힘듭니다|힘들\\s*거|"
	"취소\\s*(?:합|할|해|하|요|부탁|드|$)|빠질게|빠지겠|빠져야|빠질\\s*것|"
	"패스|\\b(?:can'?t|cannot|can not|won'?t|will not|couldn'?t|"
	"could not|unable to|not able to|wouldn'?t|would not)\\s+"
	"(?:be\\s+able\\s+to\\s+)?" ATTEND_EN
	"|\\bnot\\s+(?:going|coming|attending|joining|participating|"
	"make it|be attending|be coming|be there|be joining|be able)\\b"
	"(?!\\s+to\\s+miss)|\\b(?:decline|declining|declined|regretfully|"
	"regrets|count me out|count us out|i'?m out|i'?ll pass|"
	"pass this time|have to pass|must pass|probably not|unregister|"
	"definitely not|certainly not|"
	"cancel(?:l?ing)? my (?:rsvp|registration|spot|seat|attendance))"
	"\\b|\\b(?:i|we) (?:can'?t|cannot)[\\s.!~]*$|"
	"(?<!not )(?<!never )\\b(?:have to|'ll|will|gonna|going to|"
	"must|need to)\\s+miss\\b|^(?:no|nope|nah)\\b(?!\\s+(?:problem|"
	"worries|doubt|question))",
    [P_MAYBE] =
	"미정|아마(?!추)|모르겠|잘\\s*모르|아직\\s*모르|확실하지|확실치|"
	"불확실|유동적|가능하면|가능성|(?:될|갈|올|참석할|참가할|"
	"가볼)\\s*수도|장담|확정\\s*(?:이\\s*)?(?:안|아니|못)|봐야|"
	"(?:보고|확인\\s*후|확인하고)\\s*(?:말씀|알려|연락)|추후|"
	"알려\\s*드릴게|말씀\\s*드릴게|고민|보류|"
	"\\b(?:maybe|perhaps|possibly|tentative(?:ly)?|not sure|unsure|"
	"not certain|uncertain|might|may (?:be able|come|attend|join|"
	"make)|don'?t know (?:yet|if)|tbd|will try|i'?ll try|try to "
	"(?:make|come|attend|be there|join)|hopefully|probably|"
	"depends|not yet decided|if (?:i|we) can|if possible)\\b|"
	"(?:되면|괜찮으면|허락하면|없으면|생기면)\\s*(?:참석|참가|참여|갈|가|갑)",
    [P_YES] =
	"(?:참석|참가|참여|출석)(?!자|여부|비|\\s*여부|\\s*인원|"
	"\\s*대상|\\s*방법|\\s*문의|\\s*확인\\s*부탁)|" KO_START
	"(?:갈게|갈께|갈꺼|갈거|갈겁|갈래|갈\\s*예정|갈\\s*수\\s*있|갑니다|"
	"갑니당|가겠|가요|가려고|가도록|가볼게|가\\s*볼게|가봅니다|"
	"가\\s*보겠|가볼께|간다|갈\\s*게요)|신청(?:합|할게|해요|이요|드립|"
	"드려요)|\\b(?:yes|yep|yeah|yup|count me in|count us in|"
	"i'?m in|we'?re in|sign me up|sign us up|i'?ll be there|"
	"we'?ll be there|will be there|(?:i|we) will be there|"
	"(?:i|we)(?:'ll| will) (?:attend|come|join|make it)|"
	"(?:i|we)(?:'m| am|'re| are) (?:attending|coming|joining)|"
	"(?:i|we)(?:'m| am|'re| are) going(?!\\s+to\\s+(?!the\\b|this\\b|"
	"it\\b))|i accept|accepted|attending|rsvp:? yes|definitely|"
	"absolutely|wouldn'?t miss|would not miss|not going to miss|"
	"won'?t miss|can'?t wait|cannot wait|i'?d love to (?:come|"
	"attend|join)|(?:happy|glad|delighted) to (?:attend|come|join)|"
	"attend)\\b|^(?:going|coming|attending|in)[\\s!~]*$",
    [P_WEAK] = "뵙겠|뵐게|봬요|뵈어요|뵈요|뵙죠|^(?:네|넵|넹|예|저도요?|"
	       "ok|okay|sure|me too|same here|오케이|ㅇㅋ|ㅇㅇ)[\\s!~.]*$|"
	       "\\b(?:see you (?:there|then|soon|at)|looking forward)\\b",
    [P_PLUS1] = "^\\+\\s*1[\\s!.~]*$",
    [P_TOTAL1] =
	"(?:저|본인|나|제|저를|나를)\\s*(?:를|을)?\\s*포함(?:해서|하여|"
	"해|한)?\\s*(?:총\\s*)?" NUMT "\\s*명|총\\s*" NUMT "\\s*명|"
	"\\bwe(?:'re| are| will be|'ll be)\\s+" NUMT "\\b|"
	"\\b" NUMT "\\s+of\\s+us\\b|\\bparty of\\s+" NUMT "\\b|"
	"\\btotal(?:\\s+of)?\\s+" NUMT "\\b|(둘|셋|넷|다섯)이(?:서)?",
    [P_GUESTS] =
	"(?:동반|일행|친구|동료|지인|가족|게스트|손님|후배|선배)\\s*" NUM
	"\\s*명|" NUM "\\s*명\\s*(?:동반|더|추가|과\\s*함께|과\\s*같이|"
	"이랑)|외\\s*" NUM "\\s*명|\\+\\s*(\\d{1,3})(?!\\s*(?:시|분|일|"
	"hours?|days?|:))|\\bplus\\s+" NUM "\\b|\\b(?:with|bringing|"
	"bring|and)\\s+" NUM "\\s+(?:guests?|friends?|colleagues?|"
	"people|others|coworkers?|co-workers?|students?|kids?|"
	"children|family members?|members?|more)\\b",
    [P_ONE_GUEST] =
	"\\bwith\\s+my\\s+(?:wife|husband|partner|spouse|"
	"colleague|friend|son|daughter|kid|child|boss|coworker|"
	"co-worker)\\b|(?:아내|남편|와이프|배우자|딸|아들|동료|친구|"
	"지인|후배)(?:와|과|랑|이랑|하고)\\s*(?:같이|함께)",
    [P_TOTAL2] = NUMT "\\s*명|\\b" NUMT "\\s+(?:people|persons|attendees|"
		      "seats|spots|places)\\b",
    [P_FILLER] = "^(?:hi|hello|hey|dear|thanks|thank you|thx|cheers|best|"
		 "regards|best regards|kind regards|sincerely|안녕하세요|"
		 "안녕하십니까|감사합니다|감사해요|고맙습니다|수고하세요|"
		 "수고하십시오|좋은 하루|잘 부탁|그럼)|(?:드림|올림|배상)$",
    /* Which session of a series an answer is for. */
    [P_THIS_WEEK] = "이번\\s*주|금주|\\bthis\\s+(?:week|wednesday|monday|"
		    "tuesday|thursday|friday|saturday|sunday)\\b|"
		    "이번\\s*(?:모임|세션|회차|스터디)",
    [P_NEXT_WEEK] = "다음\\s*주|담주|차주|\\bnext\\s+week\\b",
    [P_ALL] = "매주|매번|모든\\s*(?:회차|모임|세션)|전\\s*회차|"
	      "(?:모두|전부|다)\\s*(?:참석|참가|참여|갈게|갑니다|가겠)|"
	      "\\b(?:all of them|all sessions|all (?:the )?(?:weeks|meetings)|"
	      "every (?:week|session|one of them|meeting)|each week|"
	      "the whole series|all of the sessions)\\b",
    [P_DATE_KO] = "(\\d{1,2})\\s*월\\s*(\\d{1,2})\\s*일",
    [P_DATE_EN] = "\\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
		  "[a-z]*\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b",
    [P_DATE_NUM] = "(?<![\\d/])(\\d{1,2})/(\\d{1,2})(?![\\d/])",
};

/* What one clause says. */
enum cue { CUE_NONE, CUE_WEAK_YES, CUE_YES, CUE_MAYBE, CUE_NO };

/* The session a clause names. */
struct when {
	enum rsvptext_when when;
	int month, day;
};

struct state {
	enum cue strong, weak; /* the last of each kind seen */
	int headcount; /* 0 = none written */
	bool has_question, has_discussion;
	struct when strong_when, weak_when; /* named in those clauses */
	struct when any_when; /* the last named in any clause */
};

static GRegex *pats[P_N];

/* compile_all - compile every pattern once; a bad one is our bug */
static gpointer
compile_all(gpointer unused)
{
	(void)unused;
	for (int i = 0; i < P_N; i++) {
		GError *e = NULL;

		pats[i] = g_regex_new(
		    pat_src[i], G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, &e);
		if (pats[i] == NULL)
			g_error("rsvptext pattern %d: %s", i, e->message);
	}
	return pats;
}

/* pat - the compiled pattern i */
static GRegex *
pat(enum pat i)
{
	static GOnce once = G_ONCE_INIT;

	g_once(&once, compile_all, NULL);
	return pats[i];
}

/* has - whether pattern i matches s */
static bool
has(enum pat i, const char *s)
{
	return g_regex_match(pat(i), s, 0, NULL);
}

/* num_value - a number word or digits as an int, -1 if none */
static int
num_value(const char *w)
{
	static const char *const words[][3] = {{"a", "an", "one"},
	    {"two", "두", "둘"}, {"three", "세", "셋"}, {"four", "네", "넷"},
	    {"five", "다섯", NULL}, {"six", "여섯", NULL},
	    {"seven", "일곱", NULL}, {"eight", "여덟", NULL},
	    {"nine", "아홉", NULL}, {"ten", "열", NULL}};

	if (g_ascii_isdigit(w[0]))
		return atoi(w);
	if (strcmp(w, "한") == 0 || strcmp(w, "하나") == 0)
		return 1;
	for (size_t i = 0; i < G_N_ELEMENTS(words); i++)
		for (int j = 0; j < 3; j++)
			if (words[i][j] != NULL &&
			    g_ascii_strcasecmp(w, words[i][j]) == 0)
				return (int)i + 1;
	return -1;
}

/* match_num - the number in the first group of pattern i that matched */
static int
match_num(enum pat i, const char *s)
{
	GMatchInfo *mi = NULL;
	int n = -1;

	if (g_regex_match(pat(i), s, 0, &mi)) {
		int groups = g_match_info_get_match_count(mi);

		for (int g = 1; g < groups && n < 0; g++) {
			g_autofree char *w = g_match_info_fetch(mi, g);

			if (w != NULL && w[0] != '\0')
				n = num_value(w);
		}
	}
	g_match_info_free(mi);
	return n;
}

/* clause_count - the headcount a clause writes, or 0 */
static int
clause_count(const char *c)
{
	int n;

	if (has(P_PLUS1, c))
		return 1;
	if ((n = match_num(P_TOTAL1, c)) >= 1)
		return n;
	if ((n = match_num(P_GUESTS, c)) >= 0)
		return n + 1;
	if (has(P_ONE_GUEST, c))
		return 2;
	if ((n = match_num(P_TOTAL2, c)) >= 1)
		return n;
	return 0;
}

/* clause_cue - the answer a clause gives; no beats maybe beats yes */
static enum cue
clause_cue(const char *c)
{
	if (has(P_NO, c))
		return CUE_NO;
	if (has(P_MAYBE, c))
		return CUE_MAYBE;
	if (has(P_YES, c) || has(P_PLUS1, c))
		return CUE_YES;
	if (has(P_WEAK, c))
		return CUE_WEAK_YES;
	return CUE_NONE;
}

/* word_count - words of a clause, split at blanks */
static int
word_count(const char *c)
{
	int n = 0;

	for (const char *p = c; *p != '\0'; p++)
		if (*p != ' ' && (p == c || p[-1] == ' '))
			n++;
	return n;
}

/* date_of - the month and day pattern i finds in c; false if none */
static bool
date_of(enum pat i, const char *c, struct when *w)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	GMatchInfo *mi = NULL;
	g_autofree char *a = NULL, *b = NULL;
	const char *m;
	bool ok = false;

	if (g_regex_match(pat(i), c, 0, &mi)) {
		a = g_match_info_fetch(mi, 1);
		b = g_match_info_fetch(mi, 2);
		ok = a != NULL && b != NULL;
	}
	g_match_info_free(mi);
	if (!ok)
		return false;
	if (i == P_DATE_EN) {
		m = strstr(months, a);
		w->month = m != NULL ? (int)((m - months) / 3) + 1 : 0;
	} else {
		w->month = atoi(a);
	}
	w->day = atoi(b);
	return w->month >= 1 && w->month <= 12 && w->day >= 1 && w->day <= 31;
}

/* clause_when - the session a clause names: a date, this or next week,
 * all of them; RSVPTEXT_WHEN_NONE when it names none */
static struct when
clause_when(const char *c)
{
	struct when w = {RSVPTEXT_WHEN_NONE, 0, 0};

	if (date_of(P_DATE_KO, c, &w) || date_of(P_DATE_EN, c, &w) ||
	    date_of(P_DATE_NUM, c, &w))
		w.when = RSVPTEXT_WHEN_DATE;
	else if (has(P_NEXT_WEEK, c))
		w.when = RSVPTEXT_WHEN_NEXT_WEEK;
	else if (has(P_THIS_WEEK, c))
		w.when = RSVPTEXT_WHEN_THIS_WEEK;
	else if (has(P_ALL, c))
		w.when = RSVPTEXT_WHEN_ALL;
	if (w.when != RSVPTEXT_WHEN_DATE)
		w.month = w.day = 0;
	return w;
}

/* read_clause - add one clause of lower-cased new text to st */
static void
read_clause(struct state *st, const char *c)
{
	enum cue cue;
	struct when w;
	int n;

	if (c[0] == '\0')
		return;
	if (has(P_QUESTION, c)) {
		st->has_question = st->has_discussion = true;
		return;
	}
	cue = clause_cue(c);
	n = clause_count(c);
	w = clause_when(c);
	if (w.when != RSVPTEXT_WHEN_NONE)
		st->any_when = w;
	if (n > 0 && n <= RSVPTEXT_MAX_HEADCOUNT)
		st->headcount = n;
	if (cue == CUE_WEAK_YES) {
		st->weak = cue;
		st->weak_when = w;
	} else if (cue != CUE_NONE) {
		st->strong = cue;
		st->strong_when = w;
	} else if (n == 0 && w.when == RSVPTEXT_WHEN_NONE &&
	    !has(P_FILLER, c) && word_count(c) >= 3) {
		st->has_discussion = true;
	}
}

/* attribution_lines - how many lines (0, 1 or 2: Gmail wraps) say who
 * wrote the quote below */
static int
attribution_lines(const char *line, const char *next)
{
	g_autofree char *two = NULL;

	if (strlen(line) > 400)
		return 0;
	if (has(P_ATTRIB, line))
		return 1;
	if (next == NULL || strlen(next) > 200 || !has(P_ATTRIB_START, line))
		return 0;
	two = g_strconcat(line, " ", next, NULL);
	return has(P_ATTRIB, two) ? 2 : 0;
}

/* is_header_block - "From:"/"보낸 사람:" with more header lines below */
static bool
is_header_block(char **lines, int i, int n)
{
	if (!has(P_HDR_FROM, lines[i]))
		return false;
	for (int j = i + 1; j < n && j <= i + 4; j++)
		if (has(P_HDR_NEXT, g_strstrip(lines[j])))
			return true;
	return false;
}

/* next_nonblank - index of the next non-blank line after i, or n */
static int
next_nonblank(char **lines, int i, int n)
{
	for (i++; i < n; i++)
		if (g_strstrip(lines[i])[0] != '\0')
			return i;
	return n;
}

/* new_text - the lines of body that the sender wrote, quotes cut */
static GString *
new_text(char **lines, int n)
{
	GString *out = g_string_new(NULL);
	int kept = 0;

	for (int i = 0; i < n && kept < RSVPTEXT_MAX_LINES; i++) {
		char *l = g_strstrip(lines[i]);
		int a, nx;

		if (l[0] == '>' || l[0] == '|')
			continue;
		if (has(P_CUTOFF, l) || is_header_block(lines, i, n))
			break;
		a = attribution_lines(
		    l, i + 1 < n ? g_strstrip(lines[i + 1]) : NULL);
		if (a > 0) {
			/* Above a quote: skip it and read on (bottom posting);
			 * above an unquoted original: the new text ends. */
			nx = next_nonblank(lines, i + a - 1, n);
			if (nx < n && lines[nx][0] == '>') {
				i += a - 1;
				continue;
			}
			break;
		}
		g_string_append(out, l);
		g_string_append_c(out, '\n');
		kept++;
	}
	return out;
}

/* normalise - lower-case and one kind of apostrophe and space */
static char *
normalise(const char *s)
{
	g_autofree char *low = g_utf8_strdown(s, -1);
	GString *out = g_string_new(NULL);

	for (const char *p = low; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c == 0x2019 || c == 0x2018 || c == '`')
			g_string_append_c(out, '\'');
		else if (g_unichar_isspace(c))
			g_string_append_c(out, ' ');
		else
			g_string_append_unichar(out, c);
	}
	return g_string_free(out, FALSE);
}

/* split_clauses - read each clause of text, ending at . ! ? and more */
static void
split_clauses(struct state *st, const char *text)
{
	GString *c = g_string_new(NULL);

	for (const char *p = text;; p = g_utf8_next_char(p)) {
		gunichar u = g_utf8_get_char(p);
		bool ask = u == '?' || u == 0xff1f;

		if (ask)
			g_string_append_c(c, '?');
		if (!ask && u != '\0' && u != '\n' && u != '.' && u != '!' &&
		    u != ';' && u != '(' && u != ')' && u != 0x3002 &&
		    u != 0xff01) {
			g_string_append_unichar(c, u);
			continue;
		}
		read_clause(st, g_strstrip(c->str));
		g_string_truncate(c, 0);
		if (u == '\0')
			break;
	}
	g_string_free(c, TRUE);
}

/* decide - turn what the clauses said into out */
static void
decide(const struct state *st, struct rsvptext *out)
{
	enum cue cue = st->strong != CUE_NONE ? st->strong : st->weak;
	struct when w = st->strong != CUE_NONE ? st->strong_when
	    : st->weak != CUE_NONE	       ? st->weak_when
					       : st->any_when;

	/* "all of them" alone answers which sessions: every one, yes */
	if (cue == CUE_NONE &&
	    (st->headcount > 0 || st->any_when.when == RSVPTEXT_WHEN_ALL))
		cue = CUE_YES;
	if (w.when == RSVPTEXT_WHEN_NONE)
		w = st->any_when;
	out->when = w.when;
	out->month = w.month;
	out->day = w.day;
	out->has_question = st->has_question;
	out->has_discussion = st->has_discussion;
	switch (cue) {
	case CUE_NO:
		out->answer = RSVPTEXT_NO;
		break;
	case CUE_MAYBE:
		out->answer = RSVPTEXT_MAYBE;
		break;
	case CUE_YES:
	case CUE_WEAK_YES:
		out->answer = RSVPTEXT_YES;
		break;
	default:
		out->answer = RSVPTEXT_NONE;
		out->when = RSVPTEXT_WHEN_NONE;
		out->month = out->day = 0;
	}
	if (out->answer == RSVPTEXT_YES || out->answer == RSVPTEXT_MAYBE)
		out->headcount = st->headcount > 0 ? st->headcount : 1;
}

/* rsvptext_read - read the answer in the new text of a reply */
bool
rsvptext_read(const char *body_utf8, struct rsvptext *out)
{
	struct state st;
	g_autofree char *body = NULL;
	g_autofree char *low = NULL;
	char **lines;
	GString *text;
	size_t len;

	memset(out, 0, sizeof *out);
	memset(&st, 0, sizeof st);
	if (body_utf8 == NULL)
		return false;
	len = strnlen(body_utf8, RSVPTEXT_MAX_INPUT);
	/* Cut at a character boundary so a cut is not invalid UTF-8. */
	while (len > 0 && len == RSVPTEXT_MAX_INPUT &&
	    ((guchar)body_utf8[len] & 0xc0) == 0x80)
		len--;
	if (!g_utf8_validate(body_utf8, (gssize)len, NULL))
		return false;
	body = g_strndup(body_utf8, len);
	lines = g_strsplit(body, "\n", -1);
	text = new_text(lines, (int)g_strv_length(lines));
	g_strfreev(lines);
	low = normalise(text->str);
	g_string_free(text, TRUE);
	split_clauses(&st, low);
	decide(&st, out);
	return true;
}

/* rsvptext_answer_name - "none", "yes", "no" or "maybe" */
const char *
rsvptext_answer_name(enum rsvptext_answer a)
{
	switch (a) {
	case RSVPTEXT_YES:
		return "yes";
	case RSVPTEXT_NO:
		return "no";
	case RSVPTEXT_MAYBE:
		return "maybe";
	default:
		return "none";
	}
}
