/*
 * repeat_test - the repeat rules organizers write, and what they become
 *
 * Each row is the text of a When or Repeats value ("|" starts a Skip
 * line), the first session's date (or NULL: the first day the rule
 * names from TODAY), and what must come out: the RRULE, "@" the first
 * date, "EX=" the skipped dates, "|" what is left for the When grammar;
 * "!reason words" for a refusal; "-" when the text holds no rule. A rule
 * with nothing left (no time) is an all-day one: UNTIL is a DATE.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "repeat.h"

/* 2026-12-06, a Sunday. */
#define TODAY_Y 2026
#define TODAY_M 12
#define TODAY_D 6
#define TZ "Asia/Seoul"

struct repeat_case {
	const char *text;
	const char *first; /* YYYY-MM-DD or NULL */
	const char *want;
};

static const struct repeat_case cases[] = {
    /* weekly, Korean */
    {"매주 수요일", NULL, "FREQ=WEEKLY;BYDAY=WE @20261209"},
    {"매주 수요일 19:30-21:00", NULL,
	"FREQ=WEEKLY;BYDAY=WE @20261209 |19:30-21:00"},
    {"매주 수요일 19:30-21:00, 12월까지", NULL,
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20261231T145959Z @20261209 |19:30-21:00"},
    {"매주 수요일, 12월까지", NULL,
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20261231 @20261209"},
    {"수요일마다 19:00", NULL, "FREQ=WEEKLY;BYDAY=WE @20261209 |19:00"},
    {"매주 수요일마다 저녁 7시", NULL,
	"FREQ=WEEKLY;BYDAY=WE @20261209 |저녁 7시"},
    {"월·수·금", NULL, "FREQ=WEEKLY;BYDAY=MO,WE,FR @20261207"},
    {"월/수/금 07:00", NULL, "FREQ=WEEKLY;BYDAY=MO,WE,FR @20261207 |07:00"},
    {"월수금 아침 7시", NULL, "FREQ=WEEKLY;BYDAY=MO,WE,FR @20261207 |아침 7시"},
    {"월, 수, 금 07:00", NULL, "FREQ=WEEKLY;BYDAY=MO,WE,FR @20261207 |07:00"},
    {"월ㆍ수ㆍ금", NULL, "FREQ=WEEKLY;BYDAY=MO,WE,FR @20261207"},
    {"화요일과 목요일 19:00", NULL, "FREQ=WEEKLY;BYDAY=TU,TH @20261208 |19:00"},
    {"매주 화, 목", NULL, "FREQ=WEEKLY;BYDAY=TU,TH @20261208"},
    {"매주 화요일, 목요일 저녁 7시", NULL,
	"FREQ=WEEKLY;BYDAY=TU,TH @20261208 |저녁 7시"},
    {"매주 화요일 및 목요일", NULL, "FREQ=WEEKLY;BYDAY=TU,TH @20261208"},
    {"화목 20:00", NULL, "FREQ=WEEKLY;BYDAY=TU,TH @20261208 |20:00"},
    {"평일", NULL, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR @20261207"},
    {"평일 오전 7시", NULL,
	"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR @20261207 |오전 7시"},
    {"주중 저녁 9시", NULL,
	"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR @20261207 |저녁 9시"},
    {"주말", NULL, "FREQ=WEEKLY;BYDAY=SA,SU @20261206"},
    {"주말 오후 2시", NULL, "FREQ=WEEKLY;BYDAY=SA,SU @20261206 |오후 2시"},
    {"매주 토요일, 일요일", NULL, "FREQ=WEEKLY;BYDAY=SA,SU @20261206"},
    {"월~금", NULL, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR @20261207"},
    {"매주 월~금 07:00", NULL,
	"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR @20261207 |07:00"},
    {"매일", NULL, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU @20261206"},
    {"매주", "2026-12-10", "FREQ=WEEKLY;BYDAY=TH @20261210"},
    {"매주 일요일", NULL, "FREQ=WEEKLY;BYDAY=SU @20261206"},
    {"매 주 금요일", NULL, "FREQ=WEEKLY;BYDAY=FR @20261211"},
    /* weekly, English */
    {"every Wednesday", NULL, "FREQ=WEEKLY;BYDAY=WE @20261209"},
    {"every Wednesday 7pm-9pm", NULL,
	"FREQ=WEEKLY;BYDAY=WE @20261209 |7pm-9pm"},
    {"every Wednesday at 19:30", NULL, "FREQ=WEEKLY;BYDAY=WE @20261209 |19:30"},
    {"Wednesdays", NULL, "FREQ=WEEKLY;BYDAY=WE @20261209"},
    {"Wednesdays 6:30 pm", NULL, "FREQ=WEEKLY;BYDAY=WE @20261209 |6:30 pm"},
    {"Tuesdays and Thursdays", NULL, "FREQ=WEEKLY;BYDAY=TU,TH @20261208"},
    {"Tuesdays & Thursdays 8am", NULL,
	"FREQ=WEEKLY;BYDAY=TU,TH @20261208 |8am"},
    {"every Tuesday and Thursday", NULL, "FREQ=WEEKLY;BYDAY=TU,TH @20261208"},
    {"Mon/Wed/Fri", NULL, "FREQ=WEEKLY;BYDAY=MO,WE,FR @20261207"},
    {"Mon, Wed, Fri", NULL, "FREQ=WEEKLY;BYDAY=MO,WE,FR @20261207"},
    {"Mon, Wed and Fri 7:00", NULL,
	"FREQ=WEEKLY;BYDAY=MO,WE,FR @20261207 |7:00"},
    {"Monday, Wednesday, and Friday", NULL,
	"FREQ=WEEKLY;BYDAY=MO,WE,FR @20261207"},
    {"weekdays", NULL, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR @20261207"},
    {"every weekday at 8am", NULL,
	"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR @20261207 |8am"},
    {"weekends", NULL, "FREQ=WEEKLY;BYDAY=SA,SU @20261206"},
    {"every weekend", NULL, "FREQ=WEEKLY;BYDAY=SA,SU @20261206"},
    {"weekly on Friday", NULL, "FREQ=WEEKLY;BYDAY=FR @20261211"},
    {"weekly on Fridays at 18:00", NULL,
	"FREQ=WEEKLY;BYDAY=FR @20261211 |18:00"},
    {"weekly", "2026-12-09", "FREQ=WEEKLY;BYDAY=WE @20261209"},
    {"every week", "2026-12-10", "FREQ=WEEKLY;BYDAY=TH @20261210"},
    {"Mon-Fri", NULL, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR @20261207"},
    {"Monday to Friday", NULL, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR @20261207"},
    {"every day", NULL, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU @20261206"},
    {"daily 7am", NULL,
	"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU @20261206 |7am"},
    {"every Sat.", NULL, "FREQ=WEEKLY;BYDAY=SA @20261212"},
    {"every Thurs", NULL, "FREQ=WEEKLY;BYDAY=TH @20261210"},
    /* every other week */
    {"격주 토요일", NULL, "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA @20261212"},
    {"격주 토요일 오후 2시", NULL,
	"FREQ=WEEKLY;INTERVAL=2;BYDAY=SA @20261212 |오후 2시"},
    {"격주로 토요일", NULL, "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA @20261212"},
    {"2주마다 토요일", NULL, "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA @20261212"},
    {"2주 마다 토요일", NULL, "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA @20261212"},
    {"2주에 한 번 토요일", NULL, "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA @20261212"},
    {"3주마다 월요일", NULL, "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO @20261207"},
    {"every other Saturday", NULL, "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA @20261212"},
    {"every other Saturday 2pm", NULL,
	"FREQ=WEEKLY;INTERVAL=2;BYDAY=SA @20261212 |2pm"},
    {"every 2 weeks on Saturday", NULL,
	"FREQ=WEEKLY;INTERVAL=2;BYDAY=SA @20261212"},
    {"every two weeks on Saturday", NULL,
	"FREQ=WEEKLY;INTERVAL=2;BYDAY=SA @20261212"},
    {"every other week on Saturday", NULL,
	"FREQ=WEEKLY;INTERVAL=2;BYDAY=SA @20261212"},
    {"fortnightly on Saturday", NULL,
	"FREQ=WEEKLY;INTERVAL=2;BYDAY=SA @20261212"},
    {"fortnightly on Saturdays", NULL,
	"FREQ=WEEKLY;INTERVAL=2;BYDAY=SA @20261212"},
    {"격주", "2026-12-12", "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA @20261212"},
    {"fortnightly", "2026-12-19", "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA @20261219"},
    {"격주 토요일", "2026-12-19", "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA @20261219"},
    {"격주 월·목", NULL, "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH @20261207"},
    /* n-th or last weekday of a month */
    {"매월 첫째 주 금요일", NULL, "FREQ=MONTHLY;BYDAY=1FR @20270101"},
    {"매월 첫째주 금요일 19:00", NULL,
	"FREQ=MONTHLY;BYDAY=1FR @20270101 |19:00"},
    {"매달 셋째 목요일", NULL, "FREQ=MONTHLY;BYDAY=3TH @20261217"},
    {"마지막 주 금요일", NULL, "FREQ=MONTHLY;BYDAY=-1FR @20261225"},
    {"매월 마지막 주 금요일 19:00", NULL,
	"FREQ=MONTHLY;BYDAY=-1FR @20261225 |19:00"},
    {"매월 둘째 토요일", NULL, "FREQ=MONTHLY;BYDAY=2SA @20261212"},
    {"매월 첫 번째 월요일", NULL, "FREQ=MONTHLY;BYDAY=1MO @20261207"},
    {"매월 넷째 주 수요일", NULL, "FREQ=MONTHLY;BYDAY=4WE @20261223"},
    {"매월 첫째 주 금요일", "2027-01-01", "FREQ=MONTHLY;BYDAY=1FR @20270101"},
    {"격월 첫째 주 금요일", NULL,
	"FREQ=MONTHLY;INTERVAL=2;BYDAY=1FR @20270101"},
    {"first Friday of the month", NULL, "FREQ=MONTHLY;BYDAY=1FR @20270101"},
    {"the first Friday of every month", NULL,
	"FREQ=MONTHLY;BYDAY=1FR @20270101"},
    {"first Friday of each month 7pm", NULL,
	"FREQ=MONTHLY;BYDAY=1FR @20270101 |7pm"},
    {"last Thursday of every month", NULL, "FREQ=MONTHLY;BYDAY=-1TH @20261231"},
    {"on the last Friday of the month", NULL,
	"FREQ=MONTHLY;BYDAY=-1FR @20261225"},
    {"every first Friday", NULL, "FREQ=MONTHLY;BYDAY=1FR @20270101"},
    {"third Wednesday of the month 7pm", NULL,
	"FREQ=MONTHLY;BYDAY=3WE @20261216 |7pm"},
    {"second Tuesday monthly", NULL, "FREQ=MONTHLY;BYDAY=2TU @20261208"},
    {"every second Saturday of the month", NULL,
	"FREQ=MONTHLY;BYDAY=2SA @20261212"},
    {"the 2nd Monday of each month", NULL, "FREQ=MONTHLY;BYDAY=2MO @20261214"},
    /* a day of the month */
    {"매달 15일", NULL, "FREQ=MONTHLY;BYMONTHDAY=15 @20261215"},
    {"매월 15일 오후 7시", NULL,
	"FREQ=MONTHLY;BYMONTHDAY=15 @20261215 |오후 7시"},
    {"매달 1일", NULL, "FREQ=MONTHLY;BYMONTHDAY=1 @20270101"},
    {"매달 31일", NULL, "FREQ=MONTHLY;BYMONTHDAY=31 @20261231"},
    {"monthly on the 15th", NULL, "FREQ=MONTHLY;BYMONTHDAY=15 @20261215"},
    {"on the 15th of every month", NULL,
	"FREQ=MONTHLY;BYMONTHDAY=15 @20261215"},
    {"the 15th of each month 10am", NULL,
	"FREQ=MONTHLY;BYMONTHDAY=15 @20261215 |10am"},
    {"every month on the 15th", NULL, "FREQ=MONTHLY;BYMONTHDAY=15 @20261215"},
    {"every 15th", NULL, "FREQ=MONTHLY;BYMONTHDAY=15 @20261215"},
    {"격월 15일", NULL, "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15 @20261215"},
    /* every n months */
    {"격월", "2026-12-16", "FREQ=MONTHLY;INTERVAL=2 @20261216"},
    {"every 2 months", "2026-12-16", "FREQ=MONTHLY;INTERVAL=2 @20261216"},
    {"every other month", "2026-12-16", "FREQ=MONTHLY;INTERVAL=2 @20261216"},
    {"2개월마다", "2026-12-16", "FREQ=MONTHLY;INTERVAL=2 @20261216"},
    {"3개월마다", "2026-12-16", "FREQ=MONTHLY;INTERVAL=3 @20261216"},
    {"매달", "2026-12-20", "FREQ=MONTHLY @20261220"},
    {"monthly", "2026-12-20", "FREQ=MONTHLY @20261220"},
    /* ends */
    {"매주 수요일, 2027년 3월 31일까지", NULL,
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20270331 @20261209"},
    {"매주 수요일 19:00 3월 31일까지", NULL,
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20270331T145959Z @20261209 |19:00"},
    {"매주 수요일 19:00, 2027-03-31까지", NULL,
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20270331T145959Z @20261209 |19:00"},
    {"every Wednesday 7pm until March 31", NULL,
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20270331T145959Z @20261209 |7pm"},
    {"every Wednesday 7pm until March 31, 2027", NULL,
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20270331T145959Z @20261209 |7pm"},
    {"every Wednesday 7pm through 2027-03-31", NULL,
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20270331T145959Z @20261209 |7pm"},
    {"every Wednesday 7pm until the end of March", NULL,
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20270331T145959Z @20261209 |7pm"},
    {"every Wednesday 7pm till 31 March", NULL,
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20270331T145959Z @20261209 |7pm"},
    {"매주 수요일 19:00 8주간", NULL,
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20270202T145959Z @20261209 |19:00"},
    {"매주 수요일 19:00, 8주 동안", NULL,
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20270202T145959Z @20261209 |19:00"},
    {"every Wednesday 7pm for 8 weeks", NULL,
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20270202T145959Z @20261209 |7pm"},
    {"매주 수요일 19:00 총 10회", NULL,
	"FREQ=WEEKLY;BYDAY=WE;COUNT=10 @20261209 |19:00"},
    {"매주 수요일 19:00, 10회", NULL,
	"FREQ=WEEKLY;BYDAY=WE;COUNT=10 @20261209 |19:00"},
    {"every Wednesday 7pm, 10 sessions", NULL,
	"FREQ=WEEKLY;BYDAY=WE;COUNT=10 @20261209 |7pm"},
    {"every Wednesday 7pm, 8 times", NULL,
	"FREQ=WEEKLY;BYDAY=WE;COUNT=8 @20261209 |7pm"},
    {"격주 토요일 14:00 총 8회", NULL,
	"FREQ=WEEKLY;INTERVAL=2;BYDAY=SA;COUNT=8 @20261212 |14:00"},
    {"매월 첫째 주 금요일 19:00 3개월간", NULL,
	"FREQ=MONTHLY;BYDAY=1FR;UNTIL=20270331T145959Z @20270101 |19:00"},
    {"every Wednesday 7pm for 3 months", NULL,
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20270308T145959Z @20261209 |7pm"},
    {"매주 수요일 19:00 12월까지", "2027-01-06",
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20271231T145959Z @20270106 |19:00"},
    {"매주 수요일 19:00, 11월 30일까지", NULL,
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20271130T145959Z @20261209 |19:00"},
    {"매주 수요일 2026년 11월 30일까지", NULL, "!bad-end 2026년 11월 30일"},
    {"매주 수요일 2035년 1월 1일까지", NULL, "!bad-end 2035년 1월 1일"},
    {"매주 수요일 12월까지 총 10회", NULL, "!conflict 12월"},
    {"매주 수요일 총 0회", NULL, "!too-many 총 0회"},
    {"매주 수요일 총 999회", NULL, "!too-many 총 999회"},
    {"매주 수요일 12월까지 1월까지", NULL, "!conflict 1월까지"},
    {"12월까지", NULL, "-"},
    /* skipped dates */
    {"매주 수요일 19:00, 12월까지, 12/23 휴강", NULL,
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20261231T145959Z @20261209 EX=20261223 |19:00"},
    {"매주 수요일 19:00 1/6 휴강", NULL,
	"FREQ=WEEKLY;BYDAY=WE @20261209 EX=20270106 |19:00"},
    {"매주 수요일 19:00 3월 17일 휴강", NULL,
	"FREQ=WEEKLY;BYDAY=WE @20261209 EX=20270317 |19:00"},
    {"매주 수요일 19:00, 3월 17일, 4월 7일 휴강", NULL,
	"FREQ=WEEKLY;BYDAY=WE @20261209 EX=20270317,20270407 |19:00"},
    {"매주 목요일 19:00 4월 1일 제외", NULL,
	"FREQ=WEEKLY;BYDAY=TH @20261210 EX=20270401 |19:00"},
    {"every Thursday 7pm except Dec 24", NULL,
	"FREQ=WEEKLY;BYDAY=TH @20261210 EX=20261224 |7pm"},
    {"every Thursday 7pm, except Dec 24 and Dec 31", NULL,
	"FREQ=WEEKLY;BYDAY=TH @20261210 EX=20261224,20261231 |7pm"},
    {"every Thursday 7pm, no session on April 1", NULL,
	"FREQ=WEEKLY;BYDAY=TH @20261210 EX=20270401 |7pm"},
    {"매주 목요일 19:00 (12/24 휴강)", NULL,
	"FREQ=WEEKLY;BYDAY=TH @20261210 EX=20261224 |19:00"},
    {"매주 목요일 19:00 12월 24일은 휴강", NULL,
	"FREQ=WEEKLY;BYDAY=TH @20261210 EX=20261224 |19:00"},
    {"every Thursday 7pm (except Dec 24)", NULL,
	"FREQ=WEEKLY;BYDAY=TH @20261210 EX=20261224 |7pm"},
    {"매주 수요일 1/1 휴강", NULL, "!bad-skip 1/1"},
    {"매주 수요일 총 3회, 12/30 휴강", NULL, "!bad-skip 12/30"},
    {"매주 수요일 19:00 총 3회, 12/16 휴강", NULL,
	"FREQ=WEEKLY;BYDAY=WE;COUNT=4 @20261209 EX=20261216 |19:00"},
    {"every Wednesday 7pm, 2 sessions, except Dec 16", NULL,
	"FREQ=WEEKLY;BYDAY=WE;COUNT=3 @20261209 EX=20261216 |7pm"},
    {"격주 토요일 12/19 휴강", NULL, "!bad-skip 12/19"},
    {"격주 토요일 12/26 휴강", NULL,
	"FREQ=WEEKLY;INTERVAL=2;BYDAY=SA @20261212 EX=20261226"},
    {"매월 첫째 주 금요일, 2/5 휴강", NULL,
	"FREQ=MONTHLY;BYDAY=1FR @20270101 EX=20270205"},
    {"매주 수요일|12/23, 12/30", NULL,
	"FREQ=WEEKLY;BYDAY=WE @20261209 EX=20261223,20261230"},
    {"every Thursday|Dec 24 and Dec 31", NULL,
	"FREQ=WEEKLY;BYDAY=TH @20261210 EX=20261224,20261231"},
    {"매주 수요일|12/24", NULL, "!bad-skip 12/24"},
    /* refused: no days, two readings, contradictions */
    {"주 2회", NULL, "!no-days 주 2회"},
    {"주2회 저녁", NULL, "!no-days 주2회"},
    {"매주 2회", NULL, "!no-days 매주 2회"},
    {"일주일에 두 번", NULL, "!no-days 일주일에 두 번"},
    {"월 2회", NULL, "!no-days 월 2회"},
    {"매달 2회", NULL, "!no-days 매달 2회"},
    {"biweekly", NULL, "!ambiguous biweekly"},
    {"bi-weekly on Saturday", NULL, "!ambiguous bi-weekly"},
    {"bi-monthly", NULL, "!ambiguous bi-monthly"},
    {"bimonthly meetup", NULL, "!ambiguous bimonthly"},
    {"semi-monthly", NULL, "!ambiguous semi-monthly"},
    {"twice a week", NULL, "!no-days twice a week"},
    {"2 times a week", NULL, "!no-days 2 times a week"},
    {"3 times per month", NULL, "!no-days 3 times per month"},
    {"every second Saturday", NULL, "!ambiguous every second Saturday"},
    {"every 2nd Saturday", NULL, "!ambiguous every 2nd Saturday"},
    {"매월 수요일", NULL, "!ambiguous 매월 수요일"},
    {"매주 첫째 금요일", NULL, "!conflict 첫째 금요일"},
    {"매주 격주 토요일", NULL, "!conflict 격주"},
    {"매월 15일 첫째 금요일", NULL, "!conflict 첫째 금요일"},
    {"매주 수요일", "2026-12-10", "!mismatch 수요일"},
    {"월·수·금", "2026-12-08", "!mismatch 월·수·금"},
    {"every Wednesday", "2026-12-10", "!mismatch Wednesday"},
    {"매달 15일", "2026-12-16", "!mismatch 15일"},
    {"매월 첫째 주 금요일", "2027-01-08", "!mismatch 첫째 주 금요일"},
    {"격주", NULL, "!no-anchor 격주"},
    {"every other week", NULL, "!no-anchor every other week"},
    {"격월", NULL, "!no-anchor 격월"},
    {"매주", NULL, "!no-anchor 매주"},
    {"weekly", NULL, "!no-anchor weekly"},
    /* SPEC "Recurring events", form by form, with the variants people
     * write: every other month (격월 without a day or a start has no
     * anchor; with only a weekday it could be any of the month's),
     * counts, skipped dates, the last weekday, ends (…까지, 말까지),
     * and the refusals (주 2회, biweekly, 격주 alone) */
    {"격월 수요일", NULL, "!ambiguous 격월 수요일"},
    {"격월 셋째 주 수요일 19:00", NULL,
	"FREQ=MONTHLY;INTERVAL=2;BYDAY=3WE @20261216 |19:00"},
    {"every other month", NULL, "!no-anchor every other month"},
    {"every other month on the 15th", NULL,
	"FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15 @20261215"},
    {"2개월마다 15일", NULL, "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15 @20261215"},
    {"every 2 months on the first Friday", NULL,
	"FREQ=MONTHLY;INTERVAL=2;BYDAY=1FR @20270101"},
    {"격달 15일", NULL, "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15 @20261215"},
    {"격월로 15일", NULL, "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15 @20261215"},
    {"bimonthly on the 15th", NULL, "!ambiguous bimonthly"},
    {"매주 금요일 19:00, 10 sessions", NULL,
	"FREQ=WEEKLY;BYDAY=FR;COUNT=10 @20261211 |19:00"},
    {"every Friday 7pm, 10 sessions", NULL,
	"FREQ=WEEKLY;BYDAY=FR;COUNT=10 @20261211 |7pm"},
    {"매주 금요일 10 sessions", NULL,
	"FREQ=WEEKLY;BYDAY=FR;COUNT=10 @20261211"},
    {"every Friday for 10 sessions", NULL,
	"FREQ=WEEKLY;BYDAY=FR;COUNT=10 @20261211"},
    {"10 sessions every Friday", NULL,
	"FREQ=WEEKLY;BYDAY=FR;COUNT=10 @20261211"},
    {"매주 금요일 19:00 4월 2일 제외", NULL,
	"FREQ=WEEKLY;BYDAY=FR @20261211 EX=20270402 |19:00"},
    {"매주 금요일 4월 2일 제외", NULL,
	"FREQ=WEEKLY;BYDAY=FR @20261211 EX=20270402"},
    {"매주 금요일 19:00, 4월 2일은 제외", NULL,
	"FREQ=WEEKLY;BYDAY=FR @20261211 EX=20270402 |19:00"},
    {"매주 금요일 19:00 4/2 제외", NULL,
	"FREQ=WEEKLY;BYDAY=FR @20261211 EX=20270402 |19:00"},
    {"매주 금요일 19:00 4월 2일, 4월 9일 제외", NULL,
	"FREQ=WEEKLY;BYDAY=FR @20261211 EX=20270402,20270409 |19:00"},
    {"every Friday 7pm except April 2", NULL,
	"FREQ=WEEKLY;BYDAY=FR @20261211 EX=20270402 |7pm"},
    {"every Friday except April 2", NULL,
	"FREQ=WEEKLY;BYDAY=FR @20261211 EX=20270402"},
    {"every Friday 7pm, except April 2 and April 9", NULL,
	"FREQ=WEEKLY;BYDAY=FR @20261211 EX=20270402,20270409 |7pm"},
    {"every Friday 7pm except 2 April", NULL,
	"FREQ=WEEKLY;BYDAY=FR @20261211 EX=20270402 |7pm"},
    {"every Friday 7pm except Apr. 2", NULL,
	"FREQ=WEEKLY;BYDAY=FR @20261211 EX=20270402 |7pm"},
    {"마지막 주 목요일", NULL, "FREQ=MONTHLY;BYDAY=-1TH @20261231"},
    {"마지막 주 목요일 19:00", NULL,
	"FREQ=MONTHLY;BYDAY=-1TH @20261231 |19:00"},
    {"매월 마지막 주 목요일", NULL, "FREQ=MONTHLY;BYDAY=-1TH @20261231"},
    {"매달 마지막 목요일", NULL, "FREQ=MONTHLY;BYDAY=-1TH @20261231"},
    {"last Thursday of the month", NULL, "FREQ=MONTHLY;BYDAY=-1TH @20261231"},
    {"every last Thursday", NULL, "FREQ=MONTHLY;BYDAY=-1TH @20261231"},
    {"the last Thursday of each month 7pm", NULL,
	"FREQ=MONTHLY;BYDAY=-1TH @20261231 |7pm"},
    {"매주 수요일 3월 31일까지", NULL,
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20270331 @20261209"},
    {"매주 수요일 2027년 3월 31일까지", NULL,
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20270331 @20261209"},
    {"매주 수요일 19:00 2027.3.31까지", NULL,
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20270331T145959Z @20261209 |19:00"},
    {"매주 수요일 19:00 3/31까지", NULL,
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20270331T145959Z @20261209 |19:00"},
    {"매주 수요일 19:00 3월 말까지", NULL,
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20270331T145959Z @20261209 |19:00"},
    {"every Wednesday until March 31", NULL,
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20270331 @20261209"},
    {"every Wednesday 7pm until March 31, 2027", NULL,
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20270331T145959Z @20261209 |7pm"},
    {"every Wednesday 7pm until 31 March", NULL,
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20270331T145959Z @20261209 |7pm"},
    {"매주 수요일 8주간", NULL,
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20270202 @20261209"},
    {"매주 수요일 19:00 8주 동안", NULL,
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20270202T145959Z @20261209 |19:00"},
    {"every Wednesday for 8 weeks", NULL,
	"FREQ=WEEKLY;BYDAY=WE;UNTIL=20270202 @20261209"},
    {"격주 토요일 8주간", NULL,
	"FREQ=WEEKLY;INTERVAL=2;BYDAY=SA;UNTIL=20270205 @20261212"},
    {"주 2회 화·목", NULL, "!no-days 주 2회"},
    {"biweekly", NULL, "!ambiguous biweekly"},
    {"biweekly on Saturday", NULL, "!ambiguous biweekly"},
    {"격주 19:00", NULL, "!no-anchor 격주"},
    {"격주 토요일", NULL, "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA @20261212"},
    {"격주로", NULL, "!no-anchor 격주로"},
    {"every other week 7pm", NULL, "!no-anchor every other week"},
    {"fortnightly", NULL, "!no-anchor fortnightly"},
    {"fortnightly on Saturday", NULL,
	"FREQ=WEEKLY;INTERVAL=2;BYDAY=SA @20261212"},
    {"every other Saturday", NULL, "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA @20261212"},
    {"2주마다", NULL, "!no-anchor 2주마다"},
    {"2주마다 토요일", NULL, "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA @20261212"},
    {"매월 첫째 주 금요일", NULL, "FREQ=MONTHLY;BYDAY=1FR @20270101"},
    {"first Friday of the month", NULL, "FREQ=MONTHLY;BYDAY=1FR @20270101"},
    {"first Friday of every month 7pm", NULL,
	"FREQ=MONTHLY;BYDAY=1FR @20270101 |7pm"},
    {"매달 15일", NULL, "FREQ=MONTHLY;BYMONTHDAY=15 @20261215"},
    {"monthly on the 15th", NULL, "FREQ=MONTHLY;BYMONTHDAY=15 @20261215"},
    {"매달 15일 19:00 총 6회", NULL,
	"FREQ=MONTHLY;BYMONTHDAY=15;COUNT=6 @20261215 |19:00"},
    {"Tuesdays and Thursdays", NULL, "FREQ=WEEKLY;BYDAY=TU,TH @20261208"},
    {"Tuesdays and Thursdays 7pm", NULL,
	"FREQ=WEEKLY;BYDAY=TU,TH @20261208 |7pm"},
    {"매주 수요일 3월 17일 휴강", NULL,
	"FREQ=WEEKLY;BYDAY=WE @20261209 EX=20270317"},
    {"매주 금요일 1/1 휴강", NULL,
	"FREQ=WEEKLY;BYDAY=FR @20261211 EX=20270101"},
    /* not a rule: the When value as before */
    {"2026-12-16 14:00-17:00", NULL, "-"},
    {"2026년 12월 16일 수요일 14:00", NULL, "-"},
    {"2026년 12월 16일 (수) 오후 2시~5시", NULL, "-"},
    {"Wed, December 16 2:00 PM - 5:00 PM", NULL, "-"},
    {"Oct 9 until Oct 11", NULL, "-"},
    {"12월 16일 오후 2시부터 5시까지", NULL, "-"},
    {"16 Dec 2026 10am to 12pm", NULL, "-"},
    {"10월 9일~10일", NULL, "-"},
    {"12월 16일 (종일)", NULL, "-"},
    /* a first date in the text goes to the rest */
    {"2026-12-09부터 매주 수요일 19:30", "2026-12-09",
	"FREQ=WEEKLY;BYDAY=WE @20261209 |2026-12-09 19:30"},
    {"12월 16일부터 매주 수요일 19:30", "2026-12-16",
	"FREQ=WEEKLY;BYDAY=WE @20261216 |12월 16일 19:30"},
    {"매주 수요일 starting Dec 16 7pm", "2026-12-16",
	"FREQ=WEEKLY;BYDAY=WE @20261216 |Dec 16 7pm"},
    {"every Wednesday from 2027-01-06 7pm", "2027-01-06",
	"FREQ=WEEKLY;BYDAY=WE @20270106 |2027-01-06 7pm"},
    {"2026년 12월 9일 (수) 19:30 매주", "2026-12-09",
	"FREQ=WEEKLY;BYDAY=WE @20261209 |2026년 12월 9일 (수) 19:30"},
};

static const char *const reason_names[] = {"ok", "no-days", "ambiguous",
    "no-anchor", "conflict", "mismatch", "bad-end", "bad-skip", "too-many",
    "unknown"};

/* squeeze - blanks and commas of the rest as one space, trimmed */
static char *
squeeze(const char *s)
{
	GString *o = g_string_new(NULL);

	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == ',' || *s == '\t') {
			if (o->len > 0 && o->str[o->len - 1] != ' ')
				g_string_append_c(o, ' ');
		} else {
			g_string_append_c(o, *s);
		}
	}
	if (o->len > 0 && o->str[o->len - 1] == ' ')
		g_string_truncate(o, o->len - 1);
	return g_string_free(o, FALSE);
}

/* refusal - "!reason words" */
static char *
refusal(const struct repeat_error *e)
{
	return g_strdup_printf("!%s %s", reason_names[e->reason], e->words);
}

/* outcome - what a row's text becomes */
static char *
outcome(const struct repeat_case *c)
{
	struct repeat r;
	struct repeat_error e;
	struct repeat_date first;
	g_autoptr(GString) rest = g_string_new(NULL);
	g_autoptr(GString) skips = g_string_new(NULL);
	g_auto(GStrv) parts = g_strsplit(c->text, "|", 2);
	g_autofree char *left = NULL, *rule = NULL;
	GString *o;

	memset(&r, 0, sizeof r);
	if (!repeat_scan(parts[0], false, &r, rest, &e) ||
	    (parts[1] != NULL && !repeat_scan(parts[1], true, &r, skips, &e)))
		return refusal(&e);
	if (!repeat_is_set(&r))
		return g_strdup("-");
	memset(&first, 0, sizeof first);
	if (c->first != NULL)
		sscanf(c->first, "%d-%d-%d", &first.y, &first.mo, &first.d);
	else if (!repeat_first(&r, TODAY_Y, TODAY_M, TODAY_D, &first, &e))
		return refusal(&e);
	if (!repeat_resolve(&r, &first, &e))
		return refusal(&e);
	left = squeeze(rest->str);
	rule = repeat_rrule(&r, TZ, 0, 0, *left == '\0');
	o = g_string_new(rule);
	g_string_append_printf(o, " @%04d%02d%02d", first.y, first.mo, first.d);
	for (size_t i = 0; i < r.n_skips; i++)
		g_string_append_printf(o, "%s%04d%02d%02d",
		    i ? "," : " EX=", r.skips[i].y, r.skips[i].mo,
		    r.skips[i].d);
	if (*left != '\0')
		g_string_append_printf(o, " |%s", left);
	return g_string_free(o, FALSE);
}

/* test_table - every row */
static void
test_table(void)
{
	int failed = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = outcome(&cases[i]);

		if (strcmp(got, cases[i].want) != 0) {
			g_printerr(
			    "row %zu \"%s\" (first %s):\n  want %s\n  got  "
			    "%s\n",
			    i, cases[i].text,
			    cases[i].first ? cases[i].first : "-",
			    cases[i].want, got);
			failed++;
		}
	}
	g_assert_cmpint(failed, ==, 0);
}

/* test_reasons - every reason has both sentences */
static void
test_reasons(void)
{
	for (int r = REPEAT_OK; r <= REPEAT_UNKNOWN; r++) {
		g_assert_nonnull(repeat_reason_en(r));
		g_assert_nonnull(repeat_reason_ko(r));
	}
	g_assert_cmpuint(G_N_ELEMENTS(reason_names), ==, REPEAT_UNKNOWN + 1);
}

/* test_limits - more skipped dates than REPEAT_MAX_SKIPS is refused */
static void
test_limits(void)
{
	GString *t = g_string_new("매주 수요일");
	g_autoptr(GString) rest = g_string_new(NULL);
	struct repeat r;
	struct repeat_error e;

	for (int i = 0; i <= REPEAT_MAX_SKIPS; i++)
		g_string_append(t, " 1/6 휴강");
	memset(&r, 0, sizeof r);
	g_assert_false(repeat_scan(t->str, false, &r, rest, &e));
	g_assert_cmpint(e.reason, ==, REPEAT_TOO_MANY);
	g_string_free(t, TRUE);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/repeat/table", test_table);
	g_test_add_func("/repeat/reasons", test_reasons);
	g_test_add_func("/repeat/limits", test_limits);
	return g_test_run();
}
