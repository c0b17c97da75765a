// Package touch assigns customers to the high-, low- and tech-touch tiers under
// real CSM capacity, flags community touch across them, and lists tech-touch
// accounts that are growing into low touch.
//
// The touch models come from seeds 000 and 003 (DOMAIN.md §3): tiers are sized by
// the customer's value to the business, LTV by default ("LTV tells how much may be
// spent to retain a customer"); community touch crosses all three tiers and is
// never a fourth; tech-touch accounts that grow are candidates to move up. The
// capacity figures quoted in DOMAIN.md §3 (about 1 CSM per $2M ARR; 20-80 accounts
// per high-touch CSM, 150-400 low touch, 500-2,000 tech touch pooled; CS cost under
// 15-20% of ACV) are what a Policy expresses; only the 20% cost share is a default
// (DefaultMaxCostShare), the rest are the caller's settings.
//
// # API by family
//
// Tiers and words:
//   - Tier (None, Tech, Low, High; ordered by human attention), Tiers, ParseTier;
//     text and JSON as the words "high", "low", "tech" ("" for None).
//   - Basis (LTV, ARR, MRR), Method (LeastAccounts, LeastARR, RoundRobin): text
//     and JSON as lower-case words ("ltv", "least_arr", ...).
//   - Reasons (ReasonThreshold, ReasonNew, ReasonHeld, ReasonMargin,
//     ReasonPeriods, ReasonCapacity, ReasonCost, ReasonPoorFit, ReasonUnserved)
//     and Community (CommunityAdvocate, CommunityPromoter, CommunityPeerHelp):
//     bit sets with Has and String, JSON lists of words.
//
// Policies:
//   - Policy with TierPolicy per tier (MinValue, CSMs, Pooled, Headcount, Pool,
//     MaxAccounts, MaxARR, CostToServe, Method), MaxCostShare, Hysteresis
//     (Margin, Periods), Upgrade, CommunityPolicy and the PoorFit predicate.
//   - ParsePolicy (JSON, errors by JSON path), MarshalPolicy.
//   - Compile, MustCompile → *Assigner; Assigner.Policy, Assigner.Currency.
//
// Accounts:
//   - Account (ID, Value, ARR, PreviousValue, Health, Signals, State) and State
//     (Tier, Owner, Due, Toward, Streak, AsOf).
//   - FromCustomers builds accounts from cs.Customer records in a Basis;
//     ValueFunc and Precomputed supply values such as LTVs from retention.
//
// Assignment:
//   - Assigner.Assign(accounts, asOf) → *Result: Accounts (one Assignment per
//     valid account: Tier, Previous, Changed, Due, Owner, Reasons, FitReason,
//     Community, Value, ARR, Toward, Streak), Tiers (TierSummary per tier:
//     accounts, ARR, value, cost, headcount, load per CSM, CSMLoad per CSM or
//     pool, Capacity and Left, Overflow), Candidates (Candidate with the value
//     and usage evidence) and Rejected.
//   - Result.Tier, Result.Changes, Result.Carry (states for the next period),
//     Assignment.State.
//
// Errors: *Error (JSON path or accounts[i] field, customer ID, offending text)
// wrapping ErrUnknownTier, ErrThresholdOrder, ErrNoRate, ErrInvalid or the root
// package's sentinels (cs.ErrNegative, cs.ErrDuplicate, cs.ErrCurrencyMismatch,
// cs.ErrMissing, cs.ErrUnknownField, cs.ErrNotFinite, cs.ErrDateOrder).
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
// know-how (health and usage at least MinHealth and MinUsage; seed 003:
// high-touch customers who share know-how lift the others), promoters answered
// NPS 9-10, peer-help accounts opened MinTickets support cases in 90 days that
// peers could answer. Upgrade candidates are tech-touch accounts, not poor fits,
// whose value rose by ValueGrowth over PreviousValue or whose usage_trend signal
// is at least UsageTrend.
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
// Errors: Compile reports every bad setting at once, each an *Error naming its
// JSON path. Assign rejects a bad account (empty or duplicate ID, missing or
// negative value, no rate, health outside 0..100 or not finite, non-finite
// signal, state from a later period) into
// Result.Rejected and the joined error, and assigns the others as if it were
// absent; both records of a duplicate ID are rejected. No input panics; only
// MustCompile panics, by design, on a bad policy.
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
// passes; beyond its flat arrays it allocates only for values converted from
// another currency, upgrade candidates, fit-gate reasons and rejections. BenchmarkAssign1M assigns a million accounts across three tiers with
// capacity and hysteresis.
package touch
