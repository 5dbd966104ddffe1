// Package impact turns the anonymous monitoring events (bot.Event) into the
// figures a service lead shows commissioners: referrals by week, source, age
// band, help wanted and situation; the funnel of where young people stop;
// time to claim; outcomes; follow-up check-ins; and the change in wellbeing
// and situation between the referral and the check-in.
//
// Build reads the events and makes a Report; the Report writes itself as
// JSON, CSV or Markdown, whole or one figure at a time; API serves it.
//
// # Cohorts
//
// Conversation figures (Conversations, Safeguarding, RisksByKind, Funnels)
// count what happened in the period [From, To). A funnel follows each
// conversation started in the period to its end, even past To.
//
// Referral figures (every other figure) count the referrals made in the
// period and follow each one to now: its claim, its outcome, its check-in
// and the check-in's answers are counted whenever they happened. A report
// for a recent period therefore shows more referrals awaiting an outcome
// than the same report run later.
//
// # Suppression
//
// Every count from 1 to below the threshold (Options.SuppressBelow,
// default 5) leaves this package as "<5"; 0 shows as 0. A mean, median or
// percentage worked out from fewer people than the threshold shows as
// "n<5". Complementary suppression (see suppress.go) hides, as "[c]",
// enough other rows of a table with a shown total that no "<5" can be
// worked out by subtraction, and a percentage is hidden as "[c]" when it
// would give away a hidden count. The raw value of a hidden count is never
// written anywhere.
package impact

// Methods says in plain words how each figure is worked out: the end of
// every Markdown report, and the README's section on impact figures.
const Methods = `All figures come from anonymous events: no names, contact details or free text, only flow
steps, coded answers (option ids, age bands, 0–10 scores), channel, school or link code, and a
pseudonymous id per person that deleting the person removes.

**Which conversations and referrals are counted.** Conversations, safeguarding alerts and the
funnels count what happened in the period (a funnel follows each conversation started in the
period to its end). Every referral figure counts the referrals made in the period and follows
each of them up to today: its claim, outcome and check-in count whenever they happened. So a
report for the last few weeks shows more referrals still awaiting an outcome or a check-in than
the same report run again later.

**Small numbers.** A count from 1 to 4 shows as "<5" (with the usual threshold of 5); 0 shows
as 0. When a table shows its total and one row is hidden, the total minus the other rows would
give it away, so the smallest other row is hidden too and shows "[c]"; where the rows add up to
the total, more rows are hidden, smallest first, until no hidden small row can be worked out
exactly. An average, median or percentage worked out from fewer than 5 people shows "n<5", and
a percentage that would give away a hidden row shows "[c]". Hidden numbers are never written
anywhere: not in the JSON, the spreadsheet (CSV) or this report. This protects each table
against its own total; figures in different tables (referrals minus claimed referrals, one step
of a funnel minus the next) can still be subtracted, and so can reports for overlapping
periods: share one report for a period, not a series of them a few days apart.

- **Conversations started**: conversations young people started in the period (check-in
  conversations are counted under check-ins).
- **Referrals made**, **by week**, **by school or link code**, **by age**, **by situation**,
  **by channel**: referrals made in the period, each in exactly one row. Weeks start on Monday
  and every week of the period is shown, including weeks with none. "No school or link code"
  means the young person came directly. "Not given" means the question was skipped or not asked.
- **Help asked for**: a referral counts once in each kind of help it picked, so the rows can add
  up to more than the total (the number of referrals).
- **Safeguarding alerts**, **by category**: messages in the period in which the safeguarding
  check found a risk, by the kind of risk.
- **Where conversations stop** (one funnel per flow): for each question, how many conversations
  started in the period reached it; how many stopped there (it was the last question they
  reached, and they made no referral and reached no end); and how many of those timed out with
  no reply.
- **Time to claim**: from each referral to the first time a link worker claimed it. The median
  is the time by which half were claimed; "90% claimed within" the time by which nine in ten
  were (nearest-rank, so both are real waiting times). Referrals not claimed yet are counted
  separately and are not in the times.
- **Outcomes**: the last outcome a link worker recorded for each referral; "Awaiting an
  outcome" are referrals with none yet.
- **Check-ins**: for each referral, whether its check-in fell due, was sent, or was not sent
  because the young person had opted out of messages; whether the check-in got at least one
  answer, and whether it reached its end. "Help had since the referral" counts each young person
  once for each kind of help they said they had.
- **Wellbeing**: the four ONS personal wellbeing questions (0 to 10), for the young people who
  gave a score both at referral and at the check-in (the last answer they gave in the check-in).
  Shown: the mean score at referral, the mean at the check-in, and the mean change. For anxiety
  a fall is an improvement.
- **Situation change**: for the young people who said what they were doing both at referral and
  at the check-in (not skipped): the share not in work, education or training ("NEET") each
  time, both tables, and how many moved from NEET into work, education or training ("Something
  else" does not count as moving in).
`
