// Package playbook turns each customer's situation into prioritised tasks, and
// learns which plays work: the plan–do–check–act loop of customer success
// (DOMAIN.md §1, seed 004), with "must do" kept apart from "better than nothing"
// (seed 000).
//
// # API by family
//
// Situations (what a play reads):
//   - Situation: the customer (cs.Customer), "now", health score, grade, trend and
//     declining streak, touch tier and community flag, effort friction, FCR and
//     CES, recent events, and the previous situation for "entering" conditions.
//   - NewSituation, Situation.SetHealth (from a health.Result and its
//     health.Trend), Situation.SetTier (from a touch.Assignment),
//     Situation.SetEffort (from effort.CustomerEffort),
//     Situation.SetEffortFromSignals (from the "friction", "fcr_rate", "ces"
//     signals), Situation.Invalidate.
//
// Conditions:
//   - Expr: a condition as data and as JSON; built in Go with All, Any, Not,
//     Entering, Num, Str, Is, OneOf, Known and the operators Eq, Ne, Lt, Le, Gt, Ge,
//     In, NotIn, Exists.
//   - Compile, ParseCondition → Condition; Condition.Eval, Condition.Explain →
//     []Match; Condition.Expr.
//
// Plays and evaluation:
//   - Play, Action, Priority (Must, Should, Could), Channels, Roles, Document.
//   - New, Parse → Playbook; Default and DefaultJSON (the shipped playbook,
//     default.json); Playbook.Plays.
//   - Playbook.Evaluate, Playbook.EvaluateAll, Playbook.AppendTasks → Task with its
//     Reason; Playbook.Lookback.
//
// State across runs: History (Record, Fires, FireLog → Fire, Open, Overdue,
// Task → TaskRecord with its TaskState, Done, Skip, Expire, Plan, Forget, Len);
// keeping it: AllFires, AllTasks, NewHistory, AddFire, AddTask, MarshalJSON,
// UnmarshalJSON.
//
// Planning: Plan with a Capacity per owner role → Schedule (Do, Deferred with
// the reason, Used); History.Plan for the open tasks, carried ones first.
//
// Check and act: Outcome, Assess → Effect per play with Recommendation (Keep,
// Revise, Retire) and its evidence; Wilson; MinFires.
//
// # Conditions
//
// A condition is a tree of all / any / not / entering nodes over comparisons
// {"field", "op", "value"}. Fields: health.score (0..100), health.grade,
// health.trend ("up", "down", "same"), health.declining_for, tier ("high", "low",
// "tech"), community, effort.friction (0..100), effort.fcr (0..1), effort.ces
// (1..7), days_to_renewal (from the customer's renewal date and "now"),
// tenure_days, mrr (the amount in the customer's own currency), stage, segment,
// signal.<name> (the sample book's names: usage, usage_trend, seat_utilization,
// logins_30d, days_since_login, feature_adoption, nps, ces, tickets_90d, friction),
// attr.<name> and event.<name>. Order operators take numbers; in and not_in take a
// non-empty list; exists takes no value.
//
// Missing values: a comparison on a missing value is false, including != and
// not_in; not negates the result, so {"not": {"field": "signal.nps", "op":
// "exists"}} is the way to say "no NPS answer". An empty text value counts as
// missing. entering is true when its operand is true now and was false in
// Situation.Previous (or there is no previous situation): it fires once per entry,
// not while the state lasts.
//
// Compilation checks every node once and reports the first problem as an *Error
// with its JSON path (plays[2].when.all[1].value) wrapping cs.ErrUnknownField
// (unknown field), ErrTypeMismatch (a string for a number, a scalar for in),
// ErrImpossible (order on text, a value outside the field's domain or bounds such
// as health.score > 100 or tier == "medium", an empty list) or ErrSyntax. Numeric
// fields, signals included, are resolved to slots of a dense array at compile
// time, so evaluation reads no map: about 9 ns and no allocation for the four
// comparisons of BenchmarkCondition4.
//
// # Plays and tasks
//
// A play applies to its Tiers and Stages (all when empty) and fires when its
// condition holds, unless it fired for the customer less than CooldownDays ago or
// already MaxFires times in the last PeriodDays (default 30). Each action becomes a
// Task keyed by the dedupe key and the action index ("C42/renewal-risk#0", or
// "C42#0" with dedupe_key "customer", one open task per customer among such
// plays); when a task with that key is open in the History, the Task has Update
// set, so callers update it rather than open a duplicate. Evaluate never changes
// the History: History.Record commits the tasks. Every Task carries its Reason:
// the condition's JSON and the comparisons that decided it, with the values seen.
//
// Order: tasks are sorted by priority (must, should, could), then MRR at risk
// (higher first; when currencies differ, by currency code — convert MRR into one
// reporting currency first if the book mixes them), then customer ID, then play
// and action order. EvaluateAll reports one error per situation it cannot
// evaluate (no customer ID, no date, a customer ID seen before, or a known health
// score, friction, FCR or CES that is NaN, infinite or outside the bounds listed
// under Conditions, wrapping cs.ErrRange) and evaluates the others.
//
// # The weekly cycle
//
// A History remembers fires and tasks between runs. A weekly run calls, in order:
// History.Expire (close the tasks left undone past their due date plus a grace),
// Playbook.EvaluateAll with the History (cooldowns and caps read its fires; a
// task whose key is open comes back with Update set), History.Record (each task's
// fire starts its play's cooldown; each task opens, or updates the open one),
// History.Plan (plans every open task; those opened before the date, Carried,
// come first within their priority; the deferred ones stay open, counted), then
// History.Done and History.Skip as the team works, each with who, when and a
// note. Only a fire starts a cooldown, never a plan or a deferral, so a fired
// task is never lost: it ends done, skipped or expired, exactly once, with its
// reason. A History is saved as rows (AllFires, AllTasks) or JSON and loaded
// back (NewHistory, UnmarshalJSON) with the same results.
//
// Plan takes tasks in that order and gives each to its owner role while the role
// has slots and hours left; the others are deferred with the reason, which says
// whether a must-do task is over capacity (add capacity or accept the risk) or a
// better-than-nothing task was crowded out, and by how many tasks of each
// priority.
//
// # Check and act
//
// An Outcome records one fire (or, with no play ID, a customer the play did not
// fire for) and what followed: health before and after N days, renewal, churn. A
// success is no churn and a renewal or a health gain. Assess reports per play the
// fires, the success rate with its 95% Wilson score interval (Wilson 1927, as
// method 3 of Newcombe 1998; tested against Newcombe's worked values), the mean
// health change, and the same for comparable customers — those the play did not
// fire for in the same tier and the same ten-point health band at the start —
// with the uplift. The recommendation: keep when the Wilson lower bound beats the
// comparables' success rate, or the uplift is positive at a success rate at least
// theirs; retire when the Wilson upper bound is below their rate; revise
// otherwise; keep (marked "too few to judge") under MinFires fires or without
// comparables. These rules are this package's choice, not a source's.
//
// # Contracts
//
//   - Concurrency: Condition and Playbook are immutable and safe for concurrent
//     use. A Situation is prepared in place when evaluated and a History is
//     mutated by Record and Close: neither may be shared between goroutines
//     during those calls.
//   - Time is an argument: Situation.Now; nothing reads the clock.
//   - Determinism: the same situations and history give the same tasks in the
//     same order, whatever the order of the situations; Assess sorts its input
//     before summing.
//   - Errors start with "playbook: " and name the JSON path, the situation index
//     or the outcome index; bad input never panics. Wilson panics on k > n, a
//     programming error.
//   - Zero values: a zero History is empty and ready; a zero Capacity gives a role
//     nothing; Priority's zero value is invalid.
//
// # The default playbook
//
// default.json (embedded; Default, DefaultJSON) holds eight plays, each with its
// purpose and source: onboarding stalled (tenure ≥ 30 days with low adoption or
// few logins); silent risk (usage trend ≤ −20%, no tickets, no NPS or CES answer —
// seed 002's silently dissatisfied); renewal at risk (renewal within 90 days with
// red grade or health trending down); high-effort case closed (event case_closed
// with friction ≥ 60: call back and resolve the next issue — seed 001); expansion
// (entering seat utilisation ≥ 90%); tech-touch account ready for low touch (seed
// 003); community invitation for healthy power users (seed 003); monthly executive
// review for high touch (DOMAIN.md §3).
package playbook
