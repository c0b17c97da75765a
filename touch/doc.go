// Package touch assigns customers to the high-, low- and tech-touch tiers under
// real CSM capacity, flags community touch across them, and lists tech-touch
// accounts that are growing into low touch.
//
// Tiers are sized by the customer's value to the business, LTV by default, since
// LTV tells how much may be spent to retain a customer; community touch crosses
// all three tiers and is never a fourth; tech-touch accounts that grow are
// candidates to move up (the community-touch column, 2024; S-cubism). The
// capacity figures practitioners quote (about 1 CSM per $2M ARR, Gainsight's
// blog; 20-80 accounts per high-touch CSM, 150-400 low touch, 500-2,000 tech
// touch pooled; CS cost under 15-20% of ACV) are what a [Policy] expresses; only
// the 20% cost share is a default ([DefaultMaxCostShare]), the rest are the
// caller's settings.
//
// # Sources
//
//   - コミュニティタッチとは? カスタマーサクセスを実現するハイタッチ、ロータッチ、テックタッチを横断する「4つ目のタッチ」
//     ("What is community touch? The fourth touch across high, low and tech
//     touch"), web column, 2024-07-02: cited as "the community-touch column, 2024".
//   - S-cubism (EC-ORANGE), 「カスタマーサクセス」をアップデート デジタルを駆使した顧客接点づくり
//     ("Updating customer success: building customer touchpoints with
//     digital"), web article, undated: cited as "S-cubism".
//   - Hiroko Razavi, 『カスタマーサクセスとは何か』 ("What is customer success?"),
//     Eiji Press, 2019: cited as "Razavi, 2019" (define the customers the company
//     cannot make successful).
//   - Field conventions: Gainsight's blog (about 1 CSM per $2M ARR); a
//     ClientSuccess survey of about 600 companies, relayed on gaingrowretain.com
//     ($1.72M ARR and 104 accounts per CSM on average); Fred Reichheld's Net
//     Promoter Score (promoters answer 9 or 10).
//
// # API
//
// Tiers and words: [Tier] ([None], [Tech], [Low], [High]; ordered by human
// attention), [Tiers], [ParseTier]; [Basis] ([LTV], [ARR], [MRR]) and [Method]
// ([LeastAccounts], [LeastARR], [RoundRobin]) as lower-case words in text and
// JSON; the bit sets [Reasons] ([ReasonThreshold] ... [ReasonUnserved]) and
// [Community] ([CommunityAdvocate], [CommunityPromoter], [CommunityPeerHelp]),
// with [Reasons.Has] and [Community.Has], as words joined by commas in text and
// lists of words in JSON.
//
// Policies: [Policy] with a [TierPolicy] per tier, [Hysteresis], [Upgrade] and
// [CommunityPolicy]; [ParsePolicy] and [MarshalPolicy]; [Compile] and
// [MustCompile] give an [Assigner] ([Assigner.Policy], [Assigner.Currency]).
//
// Accounts: [Account] and its [State]; [FromCustomers] builds accounts from
// cs.Customer records in a [Basis], with a [ValueFunc] such as [Precomputed]
// for LTVs computed elsewhere.
//
// Assignment: [Assigner.Assign] gives a [Result]: an [Assignment] per valid
// account ([Assignment.Value], [Assignment.ARR], [Assignment.State]), a
// [TierSummary] per tier with its [CSMLoad]s and [Capacity], the upgrade
// [Candidate]s and the [Rejected] accounts; [Result.Tier], [Result.Changes] and
// [Result.Carry] (the states for the next period).
//
// Errors: every located problem is a *cs.FieldError (a JSON path such as
// "high.max_accounts", or "accounts[3].value" with the customer ID), wrapped
// with the prefix "touch: " and, for policies, [ErrInvalidPolicy]. The package's
// sentinels are [ErrInvalidPolicy], [ErrUnknownTier], [ErrThresholdOrder] and
// [ErrNoRate]; the others are the root package's (cs.ErrNegative, cs.ErrRange,
// cs.ErrDuplicate, cs.ErrCurrencyMismatch, cs.ErrMissing, cs.ErrUnknownField,
// cs.ErrNotFinite, cs.ErrDateOrder and the JSON sentinels).
//
// # How Assign decides
//
// Per account, in this order: the value's tier by the thresholds (High from
// high.min_value, Low from low.min_value, Tech below); hysteresis from the tier
// the value earned last period (State.Due), which the account keeps unless its
// value crosses a threshold by the margin (a share of the threshold) or points to
// the same other tier for Periods consecutive periods, giving the account's Due
// tier; the fit gate (a poor fit gets Tech and no human capacity, with the
// predicate's reason); the cost gate (a tier whose cost to serve exceeds
// MaxCostShare of the value is skipped); then capacity. Accounts are taken in
// descending value, ties by ascending ID, and each takes the highest tier it may
// have that has room: on its current owner if that CSM still serves the tier and
// has room (sticky), else on the CSM the tier's Method picks. When a tier cannot
// take an account it closes, and every later account that seeks it spills to the
// next tier down, so a more valuable account never gets less attention than a
// less valuable one. Tech touch is the floor: an account its capacity cannot take
// stays in Tech without an owner (ReasonUnserved) and counts as its overflow.
//
// Hysteresis works on Due, not on the served tier, so that capacity, cost and fit
// do not feed back into it: assigning a result again (Result.Carry, then Assign
// for the same date) changes nothing, and the streak counts each asOf once.
//
// Capacity per CSM is MaxAccounts accounts and MaxARR of ARR, either zero meaning
// no limit of that kind; a pool (Pooled with named CSMs, or a Headcount) has its
// members' capacity together and is recorded as one owner, Pool. A tier with no
// CSMs and no headcount does not model capacity and records no owner.
//
// Community touch: advocates are healthy, engaged accounts invited to share
// know-how (health and usage at least MinHealth and MinUsage; high-touch
// customers who share know-how lift the others, the community-touch column,
// 2024), promoters answered NPS 9-10, peer-help accounts opened MinTickets
// support cases in 90 days that peers could answer. Upgrade candidates are
// tech-touch accounts, not poor fits, whose value rose by ValueGrowth over
// PreviousValue or whose usage_trend signal is at least UsageTrend.
//
// # Contracts
//
// Money is cs.Money and exact. Amounts are compared and summed in int64 minor
// units of the policy currency (sums in 128 bits); a value in another currency is
// converted only with a rate from Policy.Rates and rounded half to even to the
// minor unit, and a currency without a rate is an error for that account, never
// a guess. Assignment.Value and ARR are shown in the policy currency.
//
// Bounds: values, ARR and capacities are non-negative; thresholds must satisfy
// high > low, and tech takes none; MaxCostShare is in (0, 1], Hysteresis.Margin
// in [0, 1); Health is 0..100; signals must be finite. A Policy's zero fields
// have documented defaults; the zero Policy with only its Currency set puts
// every account in tech touch (with no currency at all, Assign returns an error
// naming "currency", since no value can be read).
//
// Errors: Compile reports every bad setting at once (the first ten listed, the
// others counted), each naming its JSON path. Assign rejects a bad account
// (empty or duplicate ID, missing or negative value, no rate, health outside
// 0..100 or not finite, non-finite signal, state from a later period) into
// Result.Rejected and the returned error, and assigns the others as if it were
// absent; both records of a duplicate ID are rejected. No error message grows
// with the input: values are quoted cut to 64 bytes. No input panics; only
// MustCompile panics, by design, on a bad policy.
//
// JSON: ParsePolicy and the UnmarshalJSON methods of Result, Assignment,
// Account and State decode under the library's strict rules (unknown and
// repeated keys, values of the wrong kind, trailing data and nesting deeper than
// 64 levels are errors; a UTF-8 byte-order mark is accepted), and every type a
// user stores round-trips: decoding what was encoded gives the same value.
//
// Determinism: the same accounts give the same Result byte for byte whatever
// their order; ties are broken by customer ID. Assign reads no clock: asOf is an
// argument. Rejected lists input indexes, which follow the input.
//
// Concurrency: an *Assigner is immutable and safe for concurrent use by several
// goroutines (the PoorFit predicate, called from Assign, must be too). Assign
// does not modify the accounts; Result.Carry writes their State.
//
// Cost: Assign sorts once (a radix sort on the value) and makes a few flat
// passes, reading the accounts in input order; an Assignment is about 100 bytes
// with no allocation of its own, and the working memory (about 76 bytes per
// account) is kept in a sync.Pool for the next call. BenchmarkAssign1M assigns a
// million accounts across three tiers with capacity and hysteresis, and holds
// Assign to twice the time of sorting the same accounts by value.
package touch
