/*
 * repeat - read a repeat rule written in Korean or English
 *
 * A small scanner walks the text phrase by phrase: at the start of each
 * word it tries the rule's phrases (refusals first, so "주 2회" is never
 * read as "2회"), and copies any other word, byte for byte, to the rest
 * that the When grammar of evblock reads. Dates are plain calendar days
 * here; instants are the caller's business, except UNTIL, which RFC 5545
 * wants in UTC.
 */
#include "config.h"

#include <string.h>

#include "repeat.h"

static const struct {
	const char *en, *ko;
} reasons[] = {
    [REPEAT_OK] = {"ok", "정상"},
    [REPEAT_NO_DAYS] = {"the repeat rule names no days; write them, for "
			"example 매주 화요일, 목요일 or every Tuesday and "
			"Thursday",
	"반복 규칙에 요일이 없습니다. 예: 매주 화요일, 목요일"},
    [REPEAT_AMBIGUOUS] = {"the repeat rule can be read two ways; write "
			  "every other week, or the days of the week",
	"반복 규칙이 두 가지로 읽힙니다. 격주 토요일이나 요일을 적어 "
	"주세요"},
    [REPEAT_NO_ANCHOR] = {"the repeat rule needs a day of the week or a "
			  "first date",
	"반복 규칙에 요일이나 첫 날짜가 필요합니다"},
    [REPEAT_CONFLICT] = {"the repeat rule says two different things",
	"반복 규칙이 서로 다른 두 가지를 말합니다"},
    [REPEAT_DAY_MISMATCH] = {"the first date is not a day the repeat rule "
			     "names",
	"첫 날짜가 반복 규칙의 요일이나 날짜와 맞지 않습니다"},
    [REPEAT_BAD_END] = {"the end of the repetition is before the first "
			"session or too far away",
	"반복이 끝나는 날이 첫 모임보다 앞이거나 너무 멉니다"},
    [REPEAT_BAD_SKIP] = {"a skipped date is not one of the sessions",
	"쉬는 날로 적은 날짜가 모임 날이 아닙니다"},
    [REPEAT_TOO_MANY] = {"too many sessions or skipped dates",
	"모임 횟수나 쉬는 날이 너무 많습니다"},
    [REPEAT_UNKNOWN] = {"unknown words in the repeat rule",
	"반복 규칙에 알 수 없는 말이 있습니다"},
};

static const char *const ko_days[] = {"월", "화", "수", "목", "금", "토", "일"};
static const char *const en_days[] = {"monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday"};
static const char *const en_abbr[] = {
    "mon", "tue|tues", "wed|weds", "thu|thur|thurs", "fri", "sat", "sun"};
static const char *const byday[] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
static const char *const en_months[] = {"january", "february", "march", "april",
    "may", "june", "july", "august", "september", "october", "november",
    "december"};
#define ALL_WEEKDAYS 0x1fu /* Monday to Friday */
#define WEEKEND 0x60u

struct scan {
	const char *p;
	const char *word; /* where the phrase being read began */
	struct repeat *r;
	GString *rest;
	struct repeat_error *e;
	bool is_skip_line;
	bool expect_days; /* a rule word came before: a lone day is ours */
	bool after_every;
	const char *every; /* where "every" was, while after_every */
	bool failed;
};

/* repeat_reason_en - the English sentence of a reason */
const char *
repeat_reason_en(enum repeat_reason reason)
{
	return reasons[reason].en;
}

/* repeat_reason_ko - the Korean sentence of a reason */
const char *
repeat_reason_ko(enum repeat_reason reason)
{
	return reasons[reason].ko;
}

/* repeat_words - the text from..to as message words in buf */
void
repeat_words(char *buf, size_t size, const char *from, const char *to)
{
	size_t n = (size_t)(to - from);
	const char *end;

	if (n >= size)
		n = size - 1;
	memcpy(buf, from, n);
	buf[n] = '\0';
	/* Do not leave half a UTF-8 character at the cut; the words go into
	 * a notice and a log line, so no control characters either. */
	if (!g_utf8_validate(buf, -1, &end))
		buf[end - buf] = '\0';
	for (char *c = buf; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = ' ';
	g_strstrip(buf);
}

/* refuse - fail the scan for reason, naming the words from..to */
static bool
refuse(
    struct scan *s, enum repeat_reason reason, const char *from, const char *to)
{
	s->e->reason = reason;
	repeat_words(s->e->words, sizeof s->e->words, from, to);
	s->failed = true;
	return true;
}

/* fail_with - fill e for reason and words; false */
static bool
fail_with(struct repeat_error *e, enum repeat_reason reason, const char *w)
{
	e->reason = reason;
	g_strlcpy(e->words, w, sizeof e->words);
	return false;
}

/* sep_len - bytes of a separator at p (blank, comma, ideographic space) */
static size_t
sep_len(const char *p)
{
	if (*p == ' ' || *p == '\t' || *p == ',' || *p == ';')
		return 1;
	if (strncmp(p, "\u3000", 3) == 0)
		return 3;
	return 0;
}

/* blanks - skip blanks (not commas) */
static void
blanks(const char **pp)
{
	while (**pp == ' ' || **pp == '\t')
		(*pp)++;
}

/* lit - consume w (ASCII case-insensitive); an English word must end */
static bool
lit(const char **pp, const char *w)
{
	size_t n = strlen(w);

	if (g_ascii_strncasecmp(*pp, w, n) != 0)
		return false;
	if (g_ascii_isalpha(w[n - 1]) && g_ascii_isalpha((*pp)[n]))
		return false;
	*pp += n;
	return true;
}

/* lit_any - consume the first of the '|'-separated words in ws */
static bool
lit_any(const char **pp, const char *ws)
{
	g_auto(GStrv) v = g_strsplit(ws, "|", -1);

	for (size_t i = 0; v[i] != NULL; i++)
		if (lit(pp, v[i]))
			return true;
	return false;
}

/* lit_seq - consume words separated by blanks, e.g. "of the month" */
static bool
lit_seq(const char **pp, const char *ws)
{
	g_auto(GStrv) v = g_strsplit(ws, " ", -1);
	const char *p = *pp;

	for (size_t i = 0; v[i] != NULL; i++) {
		if (i > 0)
			blanks(&p);
		if (!lit(&p, v[i]))
			return false;
	}
	*pp = p;
	return true;
}

/* number - 1 to 4 digits */
static bool
number(const char **pp, int *n)
{
	const char *p = *pp;
	int v = 0;

	while (g_ascii_isdigit(*p) && p - *pp < 5)
		v = v * 10 + (*p++ - '0');
	if (p == *pp || p - *pp > 4)
		return false;
	*n = v;
	*pp = p;
	return true;
}

/* number_word - digits, or an English number up to twelve */
static bool
number_word(const char **pp, int *n)
{
	static const char *const w[] = {"one", "two", "three", "four", "five",
	    "six", "seven", "eight", "nine", "ten", "eleven", "twelve"};

	if (number(pp, n))
		return true;
	for (size_t i = 0; i < G_N_ELEMENTS(w); i++)
		if (lit(pp, w[i])) {
			*n = (int)i + 1;
			return true;
		}
	return false;
}

/* is_hangul_at - whether p starts with a Hangul syllable */
static bool
is_hangul_at(const char *p)
{
	gunichar c;

	if ((unsigned char)*p < 0x80)
		return false;
	c = g_utf8_get_char_validated(p, -1);
	return c >= 0xAC00 && c <= 0xD7A3;
}

/* ko_particle - consume a particle that may follow a day or a date */
static void
ko_particle(const char **pp)
{
	(void)lit_any(pp, "마다|에는|에|은|는|엔|도");
}

/* ko_day - one Korean day, "수" or "수요일"; *full when 요일 follows */
static int
ko_day(const char **pp, bool *full)
{
	for (int i = 0; i < 7; i++)
		if (lit(pp, ko_days[i])) {
			*full = lit(pp, "요일");
			return i + 1;
		}
	return 0;
}

/* day_range - the days from a to b (Monday to Friday: 월~금) */
static unsigned
day_range(int a, int b)
{
	unsigned m = 0;

	for (int w = a;; w = w % 7 + 1) {
		m |= 1u << (w - 1);
		if (w == b)
			break;
	}
	return m;
}

/* ko_sep - a separator between Korean days: ·, /, 와, 과, 및, ... */
static bool
ko_sep(const char **pp)
{
	const char *p = *pp;

	blanks(&p);
	if (!lit_any(&p,
		"\u00b7|\u318d|\u30fb|\u2027|/|,|\u3001|와|과|및|랑|"
		"하고|&"))
		return false;
	blanks(&p);
	*pp = p;
	return true;
}

/* take_days - the days a list named, read up to end */
static bool
take_days(struct scan *s, unsigned mask, const char *end)
{
	s->r->days |= mask;
	if (s->r->day_words[0] == '\0')
		repeat_words(
		    s->r->day_words, sizeof s->r->day_words, s->p, end);
	s->p = end;
	s->expect_days = false;
	return true;
}

/* ko_days_list - 수요일, 월·수·금, 월수금, 월~금, 화요일과 목요일 */
static bool
ko_days_list(struct scan *s)
{
	const char *p = s->p, *q, *t;
	unsigned mask = 0;
	int n = 0, w, w2;
	bool full = false, f2, each;

	while ((w = ko_day(&p, &full)) != 0) {
		mask |= 1u << (w - 1);
		n++;
		q = p;
		if (lit_any(&q, "~|-|\uff5e") && (w2 = ko_day(&q, &f2)) != 0) {
			mask |= day_range(w, w2);
			n++;
			full = f2;
			p = q;
		}
		q = p;
		t = q;
		if (ko_sep(&q)) {
			t = q;
			if (ko_day(&t, &f2) == 0)
				break;
			p = q;
		} else if (full || ko_day(&t, &f2) == 0) {
			break; /* "월수금" runs on only without 요일 */
		}
	}
	if (n == 0)
		return false;
	/* "수요일" alone may be a date's weekday; "수요일마다" is a rule. */
	each = lit(&p, "마다");
	ko_particle(&p);
	if (is_hangul_at(p) || (n < 2 && !each && !s->expect_days))
		return false;
	return take_days(s, mask, p);
}

/* en_day - one English day: "Wednesday", "Wednesdays", "Wed", "Wed." */
static int
en_day(const char **pp, bool *plural)
{
	for (int i = 0; i < 7; i++) {
		const char *p = *pp;
		size_t n = strlen(en_days[i]);

		if (g_ascii_strncasecmp(p, en_days[i], n) == 0) {
			p += n;
			*plural = g_ascii_tolower(*p) == 's';
			if (*plural)
				p++;
		} else if (lit_any(&p, en_abbr[i])) {
			(void)lit(&p, ".");
			*plural = false;
		} else {
			continue;
		}
		if (g_ascii_isalpha(*p))
			return 0;
		*pp = p;
		return i + 1;
	}
	return 0;
}

/* en_sep - a separator between English days: ",", "/", "&", "and" */
static bool
en_sep(const char **pp)
{
	const char *p = *pp;
	bool any = false;

	blanks(&p);
	any |= lit(&p, ",");
	blanks(&p);
	any |= lit_any(&p, "/|&|+|and|or");
	blanks(&p);
	if (!any)
		return false;
	*pp = p;
	return true;
}

/* en_days_list - Wednesdays, Tuesdays and Thursdays, Mon/Wed/Fri */
static bool
en_days_list(struct scan *s)
{
	const char *p = s->p, *q;
	unsigned mask = 0;
	int n = 0, w, w2;
	bool plural = false, any_plural = false;

	while ((w = en_day(&p, &plural)) != 0) {
		any_plural |= plural;
		mask |= 1u << (w - 1);
		n++;
		q = p;
		blanks(&q);
		if (lit_any(&q, "-|\u2013|to|through|thru")) {
			blanks(&q);
			if ((w2 = en_day(&q, &plural)) == 0)
				break;
			mask |= day_range(w, w2);
			n++;
			p = q;
			q = p;
		}
		if (!en_sep(&q) || !g_ascii_isalpha(*q))
			break;
		{
			const char *t = q;
			bool pl;

			if (en_day(&t, &pl) == 0)
				break;
		}
		p = q;
	}
	if (n == 0 || (n < 2 && !any_plural && !s->expect_days))
		return false;
	return take_days(s, mask, p);
}

/* set_freq - the rule's frequency; two different ones conflict */
static bool
set_freq(struct scan *s, enum repeat_freq f, int interval, bool is_written)
{
	struct repeat *r = s->r;

	if (r->freq != REPEAT_NONE && r->freq != f)
		return false;
	if (r->freq == f && is_written && r->is_interval_set &&
	    r->interval != interval)
		return false;
	r->freq = f;
	if (is_written || r->interval == 0) {
		r->interval = interval;
		r->is_interval_set |= is_written;
	}
	if (r->first_words[0] == '\0' && s->word != NULL)
		repeat_words(
		    r->first_words, sizeof r->first_words, s->word, s->p);
	return true;
}

/* freq - set the frequency read from s->word to s->p, or refuse */
static bool
freq(struct scan *s, enum repeat_freq f, int interval)
{
	if (!set_freq(s, f, interval, true))
		return refuse(s, REPEAT_CONFLICT, s->word, s->p);
	s->expect_days = true;
	return true;
}

/* ko_times - "2회", "두 번", "2 times" followed by nothing else: how
 * often in a week or month, with no days */
static bool
ko_times(const char **pp)
{
	const char *p = *pp;
	int n;

	blanks(&p);
	if (!(number(&p, &n) || lit_any(&p, "한|두|세|네|다섯|여러|몇")))
		return false;
	blanks(&p);
	if (!lit_any(&p, "회|번|차례"))
		return false;
	*pp = p;
	return true;
}

/* m_ko_refuse - 주 2회, 일주일에 두 번, 월 2회, 한 달에 두 번 */
static bool
m_ko_refuse(struct scan *s)
{
	const char *p = s->p;

	if (lit_any(&p,
		"일주일에|1주일에|한 주에|주에|주|월|한 달에|한달에|"
		"달에") &&
	    ko_times(&p))
		return refuse(s, REPEAT_NO_DAYS, s->word, p);
	return false;
}

/* m_ko_freq - 매주, 격주, 2주마다, 매월, 매달, 격월, 3개월마다, 평일 */
static bool
m_ko_freq(struct scan *s)
{
	static const struct {
		const char *w;
		enum repeat_freq f;
		int interval;
	} words[] = {{"매주|매 주", REPEAT_WEEKLY, 1},
	    {"격주", REPEAT_WEEKLY, 2},
	    {"매월|매달|매 월|매 달|다달이", REPEAT_MONTHLY, 1},
	    {"격월|격달", REPEAT_MONTHLY, 2}};
	const char *p = s->p, *q;
	int n;

	for (size_t i = 0; i < G_N_ELEMENTS(words); i++) {
		if (!lit_any(&p, words[i].w))
			continue;
		q = p;
		s->p = p;
		/* "매주 2회" is how often, not which days. */
		if (words[i].interval == 1 && ko_times(&q))
			return refuse(s, REPEAT_NO_DAYS, s->word, q);
		(void)lit_any(&s->p, "로|마다|에");
		return freq(s, words[i].f, words[i].interval);
	}
	if (number(&p, &n) && n >= 1 && n <= 12) {
		q = p;
		blanks(&q);
		if (lit(&q, "주") &&
		    lit_any(&q,
			"마다| 마다|간격으로| 간격으로|"
			"에 한 번|에 한번")) {
			s->p = q;
			return freq(s, REPEAT_WEEKLY, n);
		}
		q = p;
		blanks(&q);
		if (lit_any(&q, "개월|달") &&
		    lit_any(&q, "마다| 마다|에 한 번|에 한번|간격으로")) {
			s->p = q;
			return freq(s, REPEAT_MONTHLY, n);
		}
	}
	return false;
}

/* day_set - a weekly set of days (평일, weekends) read up to end */
static bool
day_set(struct scan *s, unsigned mask, const char *end)
{
	s->p = end;
	if (!set_freq(s, REPEAT_WEEKLY, 1, false))
		return refuse(s, REPEAT_CONFLICT, s->word, s->p);
	s->r->days |= mask;
	s->expect_days = false;
	return true;
}

/* m_ko_daysets - 평일, 주중, 주말, 매일 */
static bool
m_ko_daysets(struct scan *s)
{
	const char *p = s->p;
	unsigned mask;

	if (lit_any(&p, "평일|주중"))
		mask = ALL_WEEKDAYS;
	else if (lit(&p, "주말"))
		mask = WEEKEND;
	else if (lit(&p, "매일"))
		mask = 0x7f;
	else
		return false;
	ko_particle(&p);
	return !is_hangul_at(p) && day_set(s, mask, p);
}

/* ko_ordinal - 첫째, 첫 번째, 둘째, ..., 마지막 (+ 주) */
static int
ko_ordinal(const char **pp)
{
	static const char *const ords[] = {"첫째|첫 번째|첫번째|첫",
	    "둘째|두 번째|두번째|두째", "셋째|세 번째|세번째",
	    "넷째|네 번째|네번째", "다섯째|다섯 번째|다섯번째"};
	const char *p = *pp;
	int n = 0;

	for (int i = 0; i < 5 && n == 0; i++)
		if (lit_any(&p, ords[i]))
			n = i + 1;
	if (n == 0 && lit(&p, "마지막"))
		n = -1;
	if (n == 0)
		return 0;
	blanks(&p);
	(void)lit_any(&p, "주의|주|週");
	blanks(&p);
	*pp = p;
	return n;
}

/* en_ordinal - first, 1st, ..., fifth, last */
static int
en_ordinal(const char **pp)
{
	static const char *const ords[] = {
	    "first|1st", "second|2nd", "third|3rd", "fourth|4th", "fifth|5th"};

	(void)lit(pp, "on");
	blanks(pp);
	(void)lit(pp, "the");
	blanks(pp);
	for (int i = 0; i < 5; i++)
		if (lit_any(pp, ords[i]))
			return i + 1;
	return lit(pp, "last") ? -1 : 0;
}

/* month_phrase - "of the month", "of every month", "each month", ... */
static bool
month_phrase(const char **pp)
{
	const char *p = *pp;

	blanks(&p);
	if (!(lit_seq(&p, "of the month") || lit_seq(&p, "of every month") ||
		lit_seq(&p, "of each month") || lit_seq(&p, "each month") ||
		lit_seq(&p, "every month") || lit_seq(&p, "of a month") ||
		lit_seq(&p, "monthly")))
		return false;
	*pp = p;
	return true;
}

/* nth_day - the n-th (or last) day read after an ordinal at s->word */
static bool
nth_day(struct scan *s, int n, bool is_ko, const char *p)
{
	const char *q = p;
	unsigned before = s->r->days;
	struct scan t = *s;
	bool ok;

	t.p = q;
	t.expect_days = true;
	s->r->days = 0;
	ok = is_ko ? ko_days_list(&t) : en_days_list(&t);
	if (!ok) {
		s->r->days = before;
		return false;
	}
	if (s->r->setpos != 0 || s->r->monthday != 0 || before != 0)
		return refuse(s, REPEAT_CONFLICT, s->word, t.p);
	q = t.p;
	if (!is_ko && month_phrase(&q)) {
		s->p = q;
	} else if (!is_ko && s->after_every && n != 1 && n != -1) {
		/* "every second Saturday": of the month, or every other? */
		return refuse(s, REPEAT_AMBIGUOUS, s->every, q);
	} else {
		s->p = t.p;
	}
	s->r->setpos = n;
	repeat_words(s->r->day_words, sizeof s->r->day_words, s->word, s->p);
	if (!set_freq(s, REPEAT_MONTHLY, 1, false))
		return refuse(s, REPEAT_CONFLICT, s->word, s->p);
	s->expect_days = false;
	return true;
}

/* m_nth - 매월 첫째 주 금요일, 마지막 주 금요일, first Friday */
static bool
m_nth(struct scan *s)
{
	const char *p = s->p;
	int n;

	if ((n = ko_ordinal(&p)) != 0 && nth_day(s, n, true, p))
		return true;
	p = s->p;
	if ((n = en_ordinal(&p)) != 0) {
		blanks(&p);
		return nth_day(s, n, false, p);
	}
	return false;
}

/* m_monthday - 매달 15일, on the 15th (of every month), every 15th */
static bool
m_monthday(struct scan *s)
{
	const char *p = s->p;
	bool monthly = s->r->freq == REPEAT_MONTHLY && s->expect_days;
	int d;

	if (monthly && number(&p, &d) && lit(&p, "일")) {
		ko_particle(&p);
		if (is_hangul_at(p) || d < 1 || d > 31)
			return false;
	} else {
		p = s->p;
		(void)lit(&p, "on");
		blanks(&p);
		(void)lit(&p, "the");
		blanks(&p);
		if (!number(&p, &d) || !lit_any(&p, "st|nd|rd|th") || d < 1 ||
		    d > 31)
			return false;
		if (month_phrase(&p))
			monthly = true;
		if (!monthly && !s->after_every &&
		    !(s->r->freq == REPEAT_MONTHLY))
			return false;
	}
	s->p = p;
	if (s->r->monthday != 0 || s->r->setpos != 0 || s->r->days != 0 ||
	    !set_freq(s, REPEAT_MONTHLY, 1, false))
		return refuse(s, REPEAT_CONFLICT, s->word, s->p);
	s->r->monthday = d;
	repeat_words(s->r->day_words, sizeof s->r->day_words, s->word, s->p);
	s->expect_days = false;
	return true;
}

/* m_en_refuse - biweekly, bi-monthly, twice a week, 2 times a month */
static bool
m_en_refuse(struct scan *s)
{
	const char *p = s->p;
	int n;

	if (lit_any(&p,
		"biweekly|bi-weekly|bimonthly|bi-monthly|"
		"semimonthly|semi-monthly|semiweekly|semi-weekly|"
		"bi-annually|biannually"))
		return refuse(s, REPEAT_AMBIGUOUS, s->word, p);
	p = s->p;
	if (lit_any(&p, "twice|thrice") ||
	    (number_word(&p, &n) && (blanks(&p), lit_any(&p, "times|x")))) {
		blanks(&p);
		if (lit_seq(&p, "a week") || lit_seq(&p, "per week") ||
		    lit_seq(&p, "a month") || lit_seq(&p, "per month") ||
		    lit_any(&p, "weekly|monthly") ||
		    lit_seq(&p, "every week") || lit_seq(&p, "each week"))
			return refuse(s, REPEAT_NO_DAYS, s->word, p);
	}
	return false;
}

/* m_every - every, every other, every 2 weeks, every week, every day */
static bool
m_every(struct scan *s)
{
	const char *p = s->p, *q;
	int n;

	if (!lit_any(&p, "every|each"))
		return false;
	blanks(&p);
	s->p = p;
	q = p;
	if (lit(&q, "other")) {
		blanks(&q);
		s->p = q;
		if (lit_any(&q, "week|weeks")) {
			s->p = q;
			return freq(s, REPEAT_WEEKLY, 2);
		}
		if (lit_any(&q, "month|months")) {
			s->p = q;
			return freq(s, REPEAT_MONTHLY, 2);
		}
		return freq(s, REPEAT_WEEKLY, 2);
	}
	q = p;
	if (number_word(&q, &n) && n >= 1 && n <= 12) {
		blanks(&q);
		if (lit_any(&q, "weeks|week")) {
			s->p = q;
			return freq(s, REPEAT_WEEKLY, n);
		}
		if (lit_any(&q, "months|month")) {
			s->p = q;
			return freq(s, REPEAT_MONTHLY, n);
		}
	}
	q = p;
	if (lit(&q, "week")) {
		s->p = q;
		return freq(s, REPEAT_WEEKLY, 1);
	}
	if (lit(&q, "month")) {
		s->p = q;
		return freq(s, REPEAT_MONTHLY, 1);
	}
	s->after_every = true;
	s->every = s->word;
	s->expect_days = true;
	return true;
}

/* m_en_freq - weekly, fortnightly, monthly, weekdays, weekends, daily */
static bool
m_en_freq(struct scan *s)
{
	const char *p = s->p;
	unsigned mask = 0;

	if (lit(&p, "weekly")) {
		s->p = p;
		return freq(s, REPEAT_WEEKLY, 1);
	}
	if (lit(&p, "fortnightly")) {
		s->p = p;
		return freq(s, REPEAT_WEEKLY, 2);
	}
	if (lit(&p, "monthly")) {
		s->p = p;
		return freq(s, REPEAT_MONTHLY, 1);
	}
	if (lit(&p, "weekdays") || (s->after_every && lit(&p, "weekday")))
		mask = ALL_WEEKDAYS;
	else if (lit(&p, "weekends") || (s->after_every && lit(&p, "weekend")))
		mask = WEEKEND;
	else if (lit(&p, "daily") || (s->after_every && lit(&p, "day")))
		mask = 0x7f;
	else
		return false;
	return day_set(s, mask, p);
}

/* m_filler - "on", "at", "the" inside a rule: English glue */
static bool
m_filler(struct scan *s)
{
	const char *p = s->p;

	if (!repeat_is_set(s->r) && !s->expect_days)
		return false;
	if (!lit_any(&p, "on|at|in|and|of|the|starting at"))
		return false;
	s->p = p;
	return true;
}

/* month_name - an English month name or its abbreviation */
static int
month_name(const char **pp)
{
	for (int i = 0; i < 12; i++) {
		char abbr[5];

		g_strlcpy(abbr, en_months[i], 4);
		if (lit(pp, en_months[i]) || lit(pp, abbr) ||
		    (i == 8 && lit(pp, "sept"))) {
			(void)lit(pp, ".");
			return i + 1;
		}
	}
	return 0;
}

/* date_wday - skip the weekday written with a date: "(수)", "(Fri)",
 * "수요일", "Wednesday" */
static void
date_wday(const char **pp)
{
	const char *p = *pp;
	bool b, paren;

	blanks(&p);
	paren = lit_any(&p, "(|\uff08");
	blanks(&p);
	if (paren ? ko_day(&p, &b) == 0 && en_day(&p, &b) == 0
		  : !((ko_day(&p, &b) != 0 && b) ||
			(en_day(&p, &b) != 0 && !b && g_ascii_isalpha(p[-1]))))
		return;
	blanks(&p);
	if (!paren || lit_any(&p, ")|\uff09"))
		*pp = p;
}

/* en_date - "March 31", "Mar 31, 2027", "31 March", "March" */
static bool
en_date(const char **pp, struct repeat_date *d)
{
	const char *p = *pp, *q;
	int n, y;

	if ((d->mo = month_name(&p)) != 0) {
		q = p;
		blanks(&q);
		if (number(&q, &n) && n <= 31 && *q != ':') {
			d->d = n;
			(void)lit_any(&q, "st|nd|rd|th");
			p = q;
		}
	} else if (number(&p, &n) && n <= 31 &&
	    ((void)lit_any(&p, "st|nd|rd|th"), blanks(&p),
		(d->mo = month_name(&p)) != 0)) {
		d->d = n;
	} else {
		return false;
	}
	q = p;
	blanks(&q);
	(void)lit(&q, ",");
	blanks(&q);
	if (number(&q, &y) && y >= 1900 && *q != ':' && !g_ascii_isalpha(*q)) {
		d->y = y;
		p = q;
	}
	*pp = p;
	return true;
}

/* num_date - 2027-03-31, 2027.3.31., 2027년 3월 31일, 3월 31일, 12월,
 * 3/31, 3/31/2027 */
static bool
num_date(const char **pp, struct repeat_date *d)
{
	const char *p = *pp;
	int a, b, c;

	if (!number(&p, &a))
		return false;
	if (p - *pp == 4 && (*p == '-' || *p == '.' || *p == '/')) {
		char sep = *p++;

		if (!number(&p, &b) || *p != sep)
			return false;
		p++;
		if (!number(&p, &c))
			return false;
		(void)lit(&p, ".");
		d->y = a, d->mo = b, d->d = c;
	} else if (lit(&p, "년")) {
		blanks(&p);
		if (!number(&p, &b) || !lit(&p, "월"))
			return false;
		d->y = a, d->mo = b;
		const char *q = p;
		blanks(&q);
		if (number(&q, &c) && lit(&q, "일"))
			d->d = c, p = q;
	} else if (lit(&p, "월")) {
		const char *q = p;

		d->mo = a;
		blanks(&q);
		if (number(&q, &c) && lit(&q, "일"))
			d->d = c, p = q;
	} else if (*p == '/' && g_ascii_isdigit(p[1])) {
		p++;
		(void)number(&p, &b);
		d->mo = a, d->d = b;
		if (*p == '/' && g_ascii_isdigit(p[1])) {
			p++;
			(void)number(&p, &c);
			d->y = c < 100 ? 2000 + c : c;
		}
	} else {
		return false;
	}
	*pp = p;
	return true;
}

/* read_date - one date in any form above, with its written words */
static bool
read_date(const char **pp, struct repeat_date *d)
{
	const char *p = *pp;

	memset(d, 0, sizeof *d);
	if (!num_date(&p, d) && !(memset(d, 0, sizeof *d), en_date(&p, d)))
		return false;
	if (d->mo < 1 || d->mo > 12 || d->d < 0 || d->d > 31)
		return false;
	date_wday(&p);
	repeat_words(d->words, sizeof d->words, *pp, p);
	*pp = p;
	return true;
}

/* date_list - dates separated by ",", "·", "and", "와", ... */
static size_t
date_list(const char **pp, struct repeat_date *out, size_t max)
{
	const char *p = *pp, *q;
	size_t n = 0;

	while (n < max && read_date(&p, &out[n])) {
		n++;
		*pp = p;
		q = p;
		blanks(&q);
		if (!lit_any(&q, ",|\u00b7|\u3001|and|&|or|와|과|및"))
			break;
		blanks(&q);
		p = q;
	}
	return n;
}

/* add_skips - keep dates as skipped ones */
static bool
add_skips(struct scan *s, const struct repeat_date *d, size_t n)
{
	struct repeat *r = s->r;

	for (size_t i = 0; i < n; i++) {
		if (r->n_skips >= REPEAT_MAX_SKIPS)
			return refuse(s, REPEAT_TOO_MANY, s->word, s->p);
		r->skips[r->n_skips++] = d[i];
	}
	return true;
}

/* set_until - the end date; two ends conflict */
static bool
set_until(struct scan *s, const struct repeat_date *d)
{
	if (s->r->has_until)
		return refuse(s, REPEAT_CONFLICT, s->word, s->p);
	s->r->has_until = true;
	s->r->until = *d;
	return true;
}

/* m_dates - dates and what follows: 까지 (end), 휴강/제외 (skips),
 * 부터 (the first date, to the rest), or nothing (to the rest) */
static bool
m_dates(struct scan *s)
{
	struct repeat_date d[REPEAT_MAX_SKIPS + 1];
	const char *p = s->p, *end;
	size_t n = date_list(&p, d, G_N_ELEMENTS(d));

	if (n == 0)
		return false;
	end = p;
	blanks(&p);
	/* "3월 말까지": to the end of a month named without a day */
	if (n == 1 &&
	    (lit(&p, "까지") ||
		(d[0].d == 0 && lit_any(&p, "말까지|말일까지")))) {
		s->p = p;
		ko_particle(&s->p);
		return set_until(s, &d[0]);
	}
	ko_particle(&p);
	blanks(&p);
	if (lit_any(&p,
		"휴강|휴회|휴무|쉼|쉽니다|쉬어요|쉬고|제외|빼고|"
		"없음|없습니다|모임 없음")) {
		s->p = p;
		return add_skips(s, d, n);
	}
	if (s->is_skip_line) {
		s->p = end;
		return add_skips(s, d, n);
	}
	p = end;
	if (n == 1 && (blanks(&p), lit_any(&p, "부터|에 시작|시작"))) {
		g_string_append_len(s->rest, s->p, end - s->p);
		s->p = p;
		s->expect_days = false;
		return true;
	}
	/* A date of the When value itself, kept whole for evblock. */
	g_string_append_len(s->rest, s->p, end - s->p);
	s->p = end;
	s->expect_days = false;
	return true;
}

/* m_en_dates - until March 31, except Dec 24, no session on April 2,
 * starting Dec 9 */
static bool
m_en_dates(struct scan *s)
{
	struct repeat_date d[REPEAT_MAX_SKIPS];
	const char *p = s->p, *date0;
	size_t n;
	int kind;

	if (lit_any(&p, "until|till|til|through|thru|ending|ends"))
		kind = 0;
	else if (lit_any(&p,
		     "except|excluding|skip|skipping|skips|not|"
		     "without") ||
	    lit_seq(&p, "but not") || lit_seq(&p, "no session") ||
	    lit_seq(&p, "no sessions") || lit_seq(&p, "no meeting") ||
	    lit_seq(&p, "no meetings") || lit_seq(&p, "no class"))
		kind = 1;
	else if (lit_any(&p, "starting|from|beginning|begins|starts"))
		kind = 2;
	else
		return false;
	blanks(&p);
	(void)lit_any(&p, "on|from");
	blanks(&p);
	if (kind == 0) {
		(void)lit_seq(&p, "the end of");
		(void)lit_seq(&p, "end of");
		blanks(&p);
	}
	date0 = p;
	n = date_list(&p, d, G_N_ELEMENTS(d));
	if (n == 0 || (kind != 1 && n > 1))
		return false;
	if (kind == 2) {
		/* "starting Dec 9": the first date, for evblock */
		g_string_append_len(s->rest, date0, p - date0);
		s->p = p;
		s->expect_days = false;
		return true;
	}
	s->p = p;
	return kind == 0 ? set_until(s, &d[0]) : add_skips(s, d, n);
}

/* m_count - 총 10회, 10회, 8주간, 3개월간, for 8 weeks, 10 sessions */
static bool
m_count(struct scan *s)
{
	const char *p = s->p, *q;
	int n;

	(void)lit(&p, "총");
	blanks(&p);
	(void)lit(&p, "for");
	blanks(&p);
	if (!number_word(&p, &n))
		return false;
	blanks(&p);
	q = p;
	if (lit_any(&q,
		"회|번|차|sessions|session|times|occurrences|"
		"meetings|classes|lessons|weeks of sessions")) {
		if (s->r->count != 0)
			return refuse(s, REPEAT_CONFLICT, s->word, q);
		(void)lit_any(&q, "간|진행|까지");
		s->p = q;
		s->r->count = n;
		return n >= 1 && n <= REPEAT_MAX_COUNT
		    ? true
		    : refuse(s, REPEAT_TOO_MANY, s->word, q);
	}
	q = p;
	if (lit_any(&q, "주간|주 동안|주동안|weeks|week")) {
		s->r->weeks = n;
	} else if (lit_any(&q, "개월간|개월 동안|달간|달 동안|months|month")) {
		s->r->months = n;
	} else {
		return false;
	}
	if (n < 1 || n > EVBLOCK_MAX_YEARS * 12)
		return refuse(s, REPEAT_BAD_END, s->word, q);
	s->p = q;
	return true;
}

/* m_paren - "(1/1 휴강)", "(except Dec 24)" */
static bool
m_paren(struct scan *s)
{
	struct repeat saved = *s->r;
	size_t rest_len = s->rest->len;
	const char *p = s->p;
	size_t n_skips = s->r->n_skips;
	bool had_until = s->r->has_until;

	if (!lit_any(&p, "(|\uff08"))
		return false;
	blanks(&p);
	s->p = p;
	if ((m_dates(s) || m_en_dates(s)) && !s->failed &&
	    (s->r->n_skips > n_skips || s->r->has_until != had_until)) {
		blanks(&s->p);
		if (lit_any(&s->p, ")|\uff09"))
			return true;
	}
	if (s->failed)
		return true;
	*s->r = saved;
	g_string_truncate(s->rest, rest_len);
	s->p = s->word;
	return false;
}

/* copy_word - copy the next word, byte for byte, to the rest */
static void
copy_word(struct scan *s)
{
	const char *p = s->p;

	while (*p != '\0' && sep_len(p) == 0)
		p++;
	g_string_append_len(s->rest, s->p, p - s->p);
	s->p = p;
}

/* phrase - read one phrase of a rule at s->p; false: not one */
static bool
phrase(struct scan *s)
{
	s->word = s->p;
	if (m_ko_refuse(s) || m_en_refuse(s) || m_paren(s) || m_ko_freq(s) ||
	    m_ko_daysets(s) || m_nth(s) || m_monthday(s) || m_count(s) ||
	    m_dates(s) || m_en_dates(s) || m_every(s) || m_en_freq(s) ||
	    ko_days_list(s) || en_days_list(s))
		return true;
	s->after_every = false;
	return m_filler(s);
}

/* repeat_scan - take the repeat rule out of text */
bool
repeat_scan(const char *text, bool is_skip_line, struct repeat *r,
    GString *rest, struct repeat_error *e)
{
	struct scan s = {.p = text,
	    .r = r,
	    .rest = rest,
	    .e = e,
	    .is_skip_line = is_skip_line};

	e->reason = REPEAT_OK;
	e->words[0] = '\0';
	while (*s.p != '\0' && !s.failed) {
		size_t n = sep_len(s.p);
		const char *before = s.p;

		if (n > 0) {
			g_string_append_len(rest, s.p, (gssize)n);
			s.p += n;
			continue;
		}
		if (!phrase(&s))
			copy_word(&s);
		else if (s.p == before)
			copy_word(&s); /* a phrase must advance */
	}
	return !s.failed;
}

/* repeat_is_set - whether r holds a rule: a frequency or days */
bool
repeat_is_set(const struct repeat *r)
{
	return r->freq != REPEAT_NONE || r->days != 0 || r->setpos != 0 ||
	    r->monthday != 0;
}

/* wbit - the day bit of a date */
static unsigned
wbit(const GDate *d)
{
	return 1u << (g_date_get_weekday(d) - 1);
}

/* pattern_has - whether d is a day the rule's days, n-th weekday or day
 * of the month name (frequency and anchor aside) */
static bool
pattern_has(const struct repeat *r, const GDate *d)
{
	int day = g_date_get_day(d);
	int dim =
	    g_date_get_days_in_month(g_date_get_month(d), g_date_get_year(d));

	if (r->monthday != 0)
		return day == r->monthday;
	if (r->setpos != 0)
		return (r->days & wbit(d)) != 0 &&
		    (r->setpos > 0 ? (day - 1) / 7 + 1 == r->setpos
				   : day + 7 > dim);
	return r->days != 0 && (r->days & wbit(d)) != 0;
}

/* occurs - whether d is a session of the resolved rule from first */
static bool
occurs(const struct repeat *r, const GDate *first, const GDate *d)
{
	int months;
	gint64 weeks;

	if (g_date_compare(d, first) < 0)
		return false;
	if (r->freq == REPEAT_WEEKLY) {
		/* Weeks start on Monday (WKST=MO, the RFC 5545 default). */
		weeks = ((gint64)g_date_get_julian(d) -
			    ((gint64)g_date_get_julian(first) -
				(g_date_get_weekday(first) - 1))) /
		    7;
		return (r->days & wbit(d)) != 0 && weeks % r->interval == 0;
	}
	months = (g_date_get_year(d) - g_date_get_year(first)) * 12 +
	    (int)g_date_get_month(d) - (int)g_date_get_month(first);
	if (months % r->interval != 0)
		return false;
	if (r->monthday == 0 && r->setpos == 0)
		return g_date_get_day(d) == g_date_get_day(first);
	return pattern_has(r, d);
}

/* words_of - the words a message about the rule's days names */
static const char *
words_of(const struct repeat *r)
{
	return r->day_words[0] != '\0' ? r->day_words : r->first_words;
}

/* repeat_first - the first day from y-mo-d that the rule's days name */
bool
repeat_first(const struct repeat *r, int y, int mo, int d,
    struct repeat_date *first_out, struct repeat_error *e)
{
	GDate g;

	memset(first_out, 0, sizeof *first_out);
	if (r->days == 0 && r->monthday == 0)
		return fail_with(e, REPEAT_NO_ANCHOR, words_of(r));
	if (!g_date_valid_dmy(d, mo, y))
		return fail_with(e, REPEAT_NO_ANCHOR, words_of(r));
	g_date_clear(&g, 1);
	g_date_set_dmy(&g, d, mo, y);
	for (int i = 0; i < 400; i++, g_date_add_days(&g, 1))
		if (pattern_has(r, &g)) {
			first_out->y = g_date_get_year(&g);
			first_out->mo = g_date_get_month(&g);
			first_out->d = g_date_get_day(&g);
			return true;
		}
	return fail_with(e, REPEAT_NO_ANCHOR, words_of(r));
}

/* resolve_year - a date without a year: the next one from first;
 * a month alone is its last day */
static bool
resolve_year(struct repeat_date *x, const GDate *first, GDate *out)
{
	int fy = g_date_get_year(first), fm = g_date_get_month(first);
	int fd = g_date_get_day(first);

	if (x->y == 0) {
		x->y = fy;
		if (x->mo < fm || (x->mo == fm && x->d != 0 && x->d < fd))
			x->y++;
	}
	if (x->y < 1900 || x->y > 9000 || x->mo < 1 || x->mo > 12)
		return false;
	if (x->d == 0)
		x->d = g_date_get_days_in_month(x->mo, x->y);
	if (!g_date_valid_dmy(x->d, x->mo, x->y))
		return false;
	g_date_clear(out, 1);
	g_date_set_dmy(out, x->d, x->mo, x->y);
	return true;
}

/* check_shape - the frequency and days agree with each other and with
 * the first date */
static bool
check_shape(struct repeat *r, const GDate *f, struct repeat_error *e)
{
	if (r->freq == REPEAT_NONE && r->setpos == 0 && r->monthday == 0 &&
	    r->days == 0)
		return fail_with(e, REPEAT_NO_DAYS, words_of(r));
	if (r->freq == REPEAT_NONE)
		r->freq = r->setpos != 0 || r->monthday != 0 ? REPEAT_MONTHLY
							     : REPEAT_WEEKLY;
	if (r->interval < 1)
		r->interval = 1;
	if (r->freq == REPEAT_WEEKLY && (r->setpos != 0 || r->monthday != 0))
		return fail_with(e, REPEAT_CONFLICT, words_of(r));
	if (r->freq == REPEAT_MONTHLY && r->setpos == 0 && r->days != 0) {
		/* "매월 수요일": every Wednesday, or one of them? */
		g_autofree char *w =
		    g_strjoin(" ", r->first_words, r->day_words, NULL);

		return fail_with(e, REPEAT_AMBIGUOUS, w);
	}
	if (r->freq == REPEAT_WEEKLY && r->days == 0)
		r->days = wbit(f);
	if (!occurs(r, f, f))
		return fail_with(e, REPEAT_DAY_MISMATCH, words_of(r));
	return true;
}

/* resolve_end - the end as a date (until) or a count, checked */
static bool
resolve_end(
    struct repeat *r, const GDate *f, GDate *limit, struct repeat_error *e)
{
	GDate far = *f;
	int ends = (r->has_until ? 1 : 0) + (r->count != 0 ? 1 : 0) +
	    (r->weeks != 0 ? 1 : 0) + (r->months != 0 ? 1 : 0);

	g_date_add_years(&far, EVBLOCK_MAX_YEARS);
	*limit = far;
	if (ends > 1)
		return fail_with(e, REPEAT_CONFLICT, r->until.words);
	if (r->weeks != 0 || r->months != 0) {
		GDate u = *f;

		if (r->weeks != 0)
			g_date_add_days(&u, (guint)r->weeks * 7 - 1);
		else
			g_date_add_months(&u, (guint)r->months);
		if (r->months != 0)
			g_date_subtract_days(&u, 1);
		r->has_until = true;
		r->until.y = g_date_get_year(&u);
		r->until.mo = g_date_get_month(&u);
		r->until.d = g_date_get_day(&u);
	}
	if (!r->has_until)
		return true;
	if (!resolve_year(&r->until, f, limit) ||
	    g_date_compare(limit, f) < 0 || g_date_compare(limit, &far) > 0)
		return fail_with(e, REPEAT_BAD_END, r->until.words);
	return true;
}

/* walk - go through the sessions: mark skipped ones found, and turn a
 * count of sessions held into the RRULE's COUNT */
static bool
walk(struct repeat *r, const GDate *f, const GDate *limit, const GDate *skips,
    struct repeat_error *e)
{
	bool found[REPEAT_MAX_SKIPS] = {false};
	int total = 0, held = 0;
	GDate d = *f;

	for (; g_date_compare(&d, limit) <= 0; g_date_add_days(&d, 1)) {
		bool skipped = false;

		if (!occurs(r, f, &d))
			continue;
		total++;
		for (size_t i = 0; i < r->n_skips; i++)
			if (g_date_compare(&skips[i], &d) == 0)
				skipped = found[i] = true;
		if (!skipped && ++held == r->count)
			break;
	}
	for (size_t i = 0; i < r->n_skips; i++)
		if (!found[i])
			return fail_with(e, REPEAT_BAD_SKIP, r->skips[i].words);
	if (r->count != 0)
		r->rule_count = total;
	return true;
}

/* repeat_resolve - check r against the first session's date */
bool
repeat_resolve(
    struct repeat *r, const struct repeat_date *first, struct repeat_error *e)
{
	GDate f, limit, skips[REPEAT_MAX_SKIPS];

	e->reason = REPEAT_OK;
	e->words[0] = '\0';
	if (!g_date_valid_dmy(first->d, first->mo, first->y))
		return fail_with(e, REPEAT_NO_ANCHOR, words_of(r));
	g_date_clear(&f, 1);
	g_date_set_dmy(&f, first->d, first->mo, first->y);
	if (!check_shape(r, &f, e) || !resolve_end(r, &f, &limit, e))
		return false;
	for (size_t i = 0; i < r->n_skips; i++) {
		/* "1/1 휴강" is the one after the first session. */
		if (r->skips[i].d == 0 ||
		    !resolve_year(&r->skips[i], &f, &skips[i]))
			return fail_with(e, REPEAT_BAD_SKIP, r->skips[i].words);
	}
	return walk(r, &f, &limit, skips, e);
}

/* until_text - UNTIL: the end of the day in tzid as UTC, or a DATE */
static char *
until_text(const struct repeat_date *u, const char *tzid, bool is_all_day)
{
	GTimeZone *tz;
	GDateTime *l, *utc;
	char *s;

	if (is_all_day)
		return g_strdup_printf("%04d%02d%02d", u->y, u->mo, u->d);
	tz = tzid != NULL ? g_time_zone_new_identifier(tzid) : NULL;
	if (tz == NULL)
		tz = g_time_zone_new_utc();
	l = g_date_time_new(tz, u->y, u->mo, u->d, 23, 59, 59);
	g_time_zone_unref(tz);
	if (l == NULL)
		return g_strdup_printf(
		    "%04d%02d%02dT235959Z", u->y, u->mo, u->d);
	utc = g_date_time_to_utc(l);
	s = g_date_time_format(utc, "%Y%m%dT%H%M%SZ");
	g_date_time_unref(l);
	g_date_time_unref(utc);
	return s;
}

/* repeat_rrule - the RRULE value of a resolved rule */
char *
repeat_rrule(const struct repeat *r, const char *tzid, int hour, int minute,
    bool is_all_day)
{
	GString *s = g_string_new(
	    r->freq == REPEAT_MONTHLY ? "FREQ=MONTHLY" : "FREQ=WEEKLY");
	const char *sep = ";BYDAY=";

	(void)hour;
	(void)minute;
	if (r->interval > 1)
		g_string_append_printf(s, ";INTERVAL=%d", r->interval);
	for (int w = 0; w < 7 && r->monthday == 0; w++) {
		if ((r->days & (1u << w)) == 0)
			continue;
		g_string_append(s, sep);
		if (r->setpos != 0)
			g_string_append_printf(s, "%d", r->setpos);
		g_string_append(s, byday[w]);
		sep = ",";
	}
	if (r->monthday != 0)
		g_string_append_printf(s, ";BYMONTHDAY=%d", r->monthday);
	if (r->has_until) {
		g_autofree char *u = until_text(&r->until, tzid, is_all_day);

		g_string_append_printf(s, ";UNTIL=%s", u);
	} else if (r->count != 0) {
		g_string_append_printf(s, ";COUNT=%d", r->rule_count);
	}
	return g_string_free(s, FALSE);
}
