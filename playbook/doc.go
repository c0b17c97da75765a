// Package playbook turns each customer's situation into prioritised tasks,
// remembers what was fired and done from one run to the next, and learns which
// plays work: the plan–do–check–act loop of customer success (the subscription
// customer-service article), with "must do" kept apart from "better than
// nothing" (the S-cubism article). The sources are listed under Sources below.
//
// # Situations
//
// A [Situation] is what a play reads about one customer on one day: the
// [cs.Customer], Now, the health score, grade and trend, the touch tier and
// community flag, effort friction, FCR and CES, recent events, and the previous
// situation for "entering" conditions. [NewSituation] starts one;
// [Situation.SetHealth], [Situation.SetTier], [Situation.SetEffort] and
// [Situation.SetEffortFromSignals] copy in the results of the health, touch and
// effort packages; [Situation.Invalidate] discards what a condition cached.
//
// # Conditions
//
// An [Expr] is a condition as data and as JSON; build it in Go with [All], [Any],
// [Not], [Entering], [Num], [Str], [Is], [OneOf] and [Known] over the operators
// [Eq], [Ne], [Lt], [Le], [Gt], [Ge], [In], [NotIn] and [Exists]. [Compile] and
// [ParseCondition] give a [Condition]: [Condition.Eval], [Condition.Explain]
// (the [Match] values that decided it), [Condition.Expr] and [Condition.Reads].
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
// Compilation checks every node and reports every problem (the first ten, then
// a count) with its JSON path (plays[2].when.all[1].value), wrapping
// [cs.ErrUnknownField] (unknown field), [cs.ErrWrongType] (a string for a
// number, a scalar for in), [ErrImpossible] (order on text, a value outside the
// field's domain or bounds such as health.score > 100 or tier == "medium", an
// empty in list), [ErrUnknownValue] (an unknown operator), [cs.ErrMissing] (no
// value, an empty all or any) or [cs.ErrSyntax] (no kind or two in one node,
// nesting deeper than 64). Numeric fields, signals included, are resolved to
// slots of a dense array at compile time, so evaluation reads no map: about 9 ns
// and no allocation for the four comparisons of BenchmarkCondition4.
//
// # Plays and tasks
//
// A [Play] has a [Priority] ([Must], [Should], [Could]), a condition and
// [Action] templates naming one of [Channels] and one of [Roles]; a [Document] is
// their JSON form. [New] and [Parse] compile plays into a [Playbook]; [Default]
// and [DefaultJSON] give the shipped one. [Playbook.Evaluate],
// [Playbook.EvaluateAll] and [Playbook.AppendTasks] turn situations into [Task]
// values, each with its [Reason]. [Playbook.Plays] lists the plays,
// [Playbook.Lookback] says how much history they read, and [Playbook.Reads] and
// [Playbook.Unmet] (each a [Read]) say which fields each play reads and which
// plays can never fire on a book without them.
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
// Order: tasks are sorted by priority (must, should, could), then carried tasks
// before new ones, then MRR at risk (higher first; when currencies differ, by
// currency code — convert MRR into one reporting currency first if the book mixes
// them), then customer ID, then play and action order. EvaluateAll reports one
// error per situation it cannot evaluate (no customer ID, no date, a customer ID
// seen before, or a known health score, friction, FCR or CES that is NaN,
// infinite or outside the bounds listed under Conditions, wrapping cs.ErrRange)
// and evaluates the others.
//
// # The weekly cycle
//
// A [History] remembers fires and tasks between runs; each task is a
// [TaskRecord] with its [TaskState]. A weekly run calls, in order:
// [History.Expire] (close the tasks left undone past their due date plus a
// grace), [Playbook.EvaluateAll] with the History (cooldowns and caps read its
// fires; a task whose key is open comes back with Update set), [History.Record]
// (each task's fire starts its play's cooldown; each task opens, or updates the
// open one), [History.Plan] (plans every open task, those opened before the date
// first within their priority; the deferred ones stay open and are counted), then
// [History.Done] and [History.Skip] as the team works, each with who, when and a
// note. [History.Open], [History.Overdue] and [History.Task] list and look up
// tasks; [History.Fires] and [History.FireLog] the [Fire] values.
//
// Only a fire starts a cooldown, never a plan or a deferral, so a fired task is
// never lost: it ends done, skipped or expired, exactly once, with its reason.
// A task expires by one rule only, its due date plus the caller's grace: a task
// whose condition stopped holding stays open, since the call or review it asks
// for usually still matters; skip it to say otherwise.
//
// [Plan] (and History.Plan) take tasks in that order and give each to its owner
// role while the role's [Capacity] has slots and hours left; the others are
// deferred with the reason, which says whether a must-do task is over capacity
// (add capacity or accept the risk) or a better-than-nothing task was crowded
// out, and by how many tasks of each priority. The result is a [Schedule] of the
// tasks to do, the [Deferred] ones and each role's [Usage].
//
// # Keeping state
//
// A History is saved as rows: [History.AllFires] and [History.AllTasks] stream
// them sorted, [NewHistory] (or [History.AddFire] and [History.AddTask], one row
// at a time) loads them back, and [History.MarshalJSON] and
// [History.UnmarshalJSON] do the same as one document. A loaded History evaluates
// and plans exactly as the saved one. Evaluation reads only the open tasks and
// the fires of the last Lookback days: a store may load just those, and
// [History.Forget] trims a History kept in memory. [History.Len] counts the rows.
//
// # Check and act
//
// An [Outcome] records one fire (or, with no play ID, a customer the play did not
// fire for) and what followed: health before and after N days, renewal, churn. A
// success ([Outcome.Success]) is no churn and a renewal or a health gain.
// [Assess] reports per play an [Effect]: the fires, the success rate with its 95%
// [Wilson] score interval (Wilson 1927, as method 3 of Newcombe 1998; tested
// against Newcombe's worked values), the mean health change, and the same for
// comparable customers — those the play did not fire for in the same tier and
// the same ten-point health band at the start — with the uplift. The
// [Recommendation]: [Keep] when the Wilson lower bound beats the comparables'
// success rate, or the uplift is positive at a success rate at least theirs;
// [Retire] when the Wilson upper bound is below their rate; [Revise] otherwise;
// keep (marked "too few to judge") under [MinFires] fires or without
// comparables. These rules are this package's choice, not a source's.
//
// # Contracts
//
//   - Concurrency: Condition and Playbook are immutable and safe for concurrent
//     use. A Situation is prepared in place when evaluated, and a History is
//     changed by Record, Done, Skip, Expire, Plan, Forget, AddFire and AddTask:
//     neither may be shared between goroutines during those calls. Concurrent
//     evaluations may share a History that is not being changed.
//   - Time is an argument: Situation.Now and the dates of the History's calls;
//     nothing reads the clock.
//   - Determinism: the same situations and history give the same tasks in the
//     same order, whatever the order of the situations; a History gives the same
//     rows whatever the order it was loaded in; Assess sorts its input before
//     summing.
//   - Errors: every problem is a [*cs.FieldError] naming the JSON path, the
//     situation or row index, or the field (and the customer when one is
//     concerned), wrapping a sentinel of this package or of cs that errors.Is
//     finds; the package adds its prefix by wrapping, so messages start with
//     "playbook: ". Decoders (Parse, ParseCondition, History.UnmarshalJSON)
//     refuse unknown and repeated keys, wrong JSON kinds, trailing data and
//     nesting deeper than 64 exactly as every decoder of the module does, and
//     accept a leading byte-order mark. Errors stay short whatever the input:
//     a quoted value is cut to 64 bytes, and a list of problems keeps the first
//     ten and counts the rest. Bad input never panics; Wilson panics on k > n,
//     a programming error.
//   - Zero values: a zero History is empty and ready; a zero Capacity gives a role
//     nothing; the zero Priority and TaskState are invalid.
//
// # The default playbook
//
// default.json (embedded; Default, DefaultJSON) holds eight plays, each with its
// purpose and source: onboarding stalled (tenure ≥ 30 days with low adoption or
// few logins; the subscription customer-service article's "act on usage data");
// silent risk (usage trend ≤ −20%, no tickets, no NPS or CES answer: the silently
// dissatisfied customer of the ECのミカタ article); renewal at risk (renewal
// within 90 days with red grade or health trending down); high-effort case
// closed (event case_closed with friction ≥ 60: call back and resolve the next
// issue, after Razavi 2019 and Dixon, Toman & DeLisi 2013); expansion (entering
// seat utilisation ≥ 90%); tech-touch account ready for low touch and community
// invitation for healthy power users (the community-touch column, 2024); monthly
// executive review for high touch (the touch tiers of the S-cubism article and
// the community-touch column). TestDefaultReads lists the fields each reads.
//
// # Sources
//
//   - The S-cubism article: S-cubism (EC-ORANGE), 「カスタマーサクセス」をアップデート
//     デジタルを駆使した顧客接点づくり ("Updating customer success: building
//     customer touchpoints with digital"), web article, undated.
//   - Razavi 2019: Hiroko Razavi, 『カスタマーサクセスとは何か』 ("What is customer
//     success?"), Eiji Press, 2019.
//   - Dixon, Toman & DeLisi 2013: Matthew Dixon, Nick Toman and Rick DeLisi, The
//     Effortless Experience, Portfolio, 2013.
//   - The ECのミカタ article: ECのミカタ編集部, 6割超が「カスタマーサクセス」の意味を
//     誤解? ("Over 60% misunderstand customer success?"), ECのミカタ, undated.
//   - The community-touch column, 2024: コミュニティタッチとは? ("What is community
//     touch? The fourth touch across high, low and tech touch"), web column,
//     2024-07-02.
//   - The subscription customer-service article: サブスクリプションで顧客満足を
//     高めるカスタマーサービス像とは ("The customer service that raises
//     satisfaction in subscriptions"), web article, undated.
//   - Score trends (up, down, same) and validating scores taken 60–90 days
//     before renewal: the health-score vendors' own documentation (Gainsight,
//     ChurnZero, Totango, Planhat, Catalyst).
//   - Wilson, E. B. (1927), "Probable inference, the law of succession, and
//     statistical inference", JASA 22:209–212; Newcombe, R. G. (1998),
//     "Two-sided confidence intervals for the single proportion: comparison of
//     seven methods", Statistics in Medicine 17:857–872.
package playbook
