// Package health computes weighted, explainable customer health scores that a
// CS team can trust: every score says what moved it, missing data never shifts
// weights silently, manual overrides expire and are never overwritten,
// exceptions can only lower a score, and each measure may keep its own bands.
//
// # API by family
//
// Configuration (plain data, JSON with the same field names):
//   - Config, Profile, Selector, Group, Measure — scorecards with a segment
//     selector, groups and measures;
//   - curves: Ramp (linear, either direction, clamped or Bounded), Band (value
//     ranges with explicit inclusive/exclusive bounds), Steps and Threshold,
//     Categories with an UnknownRule, and Go functions (Func, WithFunc);
//   - MissingPolicy (MissingRedistribute, MissingNeutral, MissingZero,
//     MissingRequired), Profile.MinCoverage;
//   - Veto; GradeScheme, GradeBand, DefaultGrades, LetterGrades, MaxGradeBands;
//   - ParseConfig (strict), Config.Validate, MarshalConfig (canonical),
//     Fingerprint, Diff and Change, SampleConfig and SampleJSON.
//
// Scoring:
//   - Compile → *Scorer (Version, Fingerprint, Config, Profiles);
//   - Scorer.Score and Scorer.ScoreInto with Override → Result, MeasureResult,
//     GroupResult, Status, UnknownCause; Result.Reasons, WeakestMeasure,
//     VetoNames;
//   - batches: Scorer.Batch (a stream of Input), Scorer.ScoreBook, RecordError;
//   - the columnar path for large books: Columns, SetPresent, Scorer.Plan →
//     *Plan, Plan.Score → Scored.
//
// History: Snapshot, SnapshotOf, ComputeTrend with TrendOptions → Trend and
// Direction.
//
// Backtest and fit (against real churn):
//   - Observation, Outcome, ReadOutcomes; Backtest, BacktestScores (pre-scored
//     ScoredSnapshot rows) with BacktestOptions (Flag, Grades, BootstrapReps,
//     Seed, Lead) → BacktestReport (AUC Interval, ROC []ROCPoint, Grades
//     []GradeRow with MRR at risk, flag Confusion with precision, recall and
//     lift, LeadTime, per-record Errors); Compare → Comparison (paired AUC
//     difference);
//   - Fit with FitOptions (Profile, Seed, Folds, Lambda, Lead) → FitResult: an
//     ordinary Config with learned non-negative weights, with in-sample and
//     k-fold cross-validated AUC.
//
// # The score
//
// A measure turns one signal (or attribute) into points 0..100. Within a group,
// the group score is Σ(weight × points) / Σ weight over the measures that
// count; overall, the score is Σ(group weight × group score) / Σ group weight
// over the groups with a measure that counts. This is Gainsight's two-level
// weighted mean (DOMAIN.md §4; Totango and Catalyst roll up the same way).
// Weights are any non-negative numbers; only their ratios matter.
//
// Missing values follow the measure's policy (the profile's by default,
// MissingRedistribute if none): redistribute leaves the measure out, so its
// weight goes to the group's other measures and an empty group's weight to the
// other groups (Catalyst); neutral and zero score fixed points; required makes
// the result Unknown. Coverage is the share of the nominal weight whose
// measures had a value; a result with coverage 0, or below the profile's
// MinCoverage, is Unknown with Score 0 and Grade "" — never a guess.
//
// Vetoes then lower the score (min with a cap or with a measure's points) and
// never raise it. An active overall Override replaces the final score; a
// measure override replaces the measure's points before the rollup. Both are
// recorded in the Result beside the computed score; an override applies from
// SetAt to the day before Expires, and expired ones are ignored.
//
// Grades: bands with inclusive upper bounds, the first starting at 0, so each
// lower bound is exclusive except the first (Gainsight); the default is red
// 0–50, yellow >50–75, green >75–100.
//
// Trend: direction compares the last two known scores with a tolerance; the
// slope is ordinary least squares over the last k known snapshots in points per
// 30 days; Declining counts the consecutive drops ending at the latest one.
//
// # Contracts
//
// Bounds: points, scores, caps and neutral values are in [0,100]; coverage and
// MinCoverage in [0,1]. A NaN or infinite signal is refused with an error
// wrapping cs.ErrNotFinite, never read as missing.
//
// Determinism: measures are evaluated and summed in a canonical order (groups
// by name, measures by name), so the configuration's order never changes a
// result, not even in the last bit. Sums are written float64(x*y) + z so no
// fused multiply-add can change a result across architectures. Score, the
// columnar Plan.Score and the batches agree bit for bit, for any worker count.
// Diff output is sorted by path. No function reads the clock: the scoring date
// is an argument.
//
// Concurrency: a Scorer and a Plan are immutable and safe for concurrent use;
// Compile deep-copies its Config. A Result belongs to its caller.
//
// Allocation: ScoreInto with a reused Result does not allocate; Score
// allocates the result's two slices; Plan.Score allocates nothing per account.
//
// Errors: messages start with "health: " and name the JSON path, customer or
// record at fault. Configuration problems are *ConfigError (ErrInvalidConfig),
// all reported at once; per-customer problems wrap ErrNoProfile,
// ErrInvalidOverride or a cs sentinel; in batches each bad record yields one
// *RecordError and the others are scored. Nothing panics on bad input;
// SampleConfig panics only if the package was built with a broken embedded
// file, which its tests rule out.
//
// # Sources
//
// DOMAIN.md §4 (what Gainsight, ChurnZero, Totango, Planhat and Catalyst do):
// the two-level weighted rollup and the default red/yellow/green bands with
// exclusive lower bounds (Gainsight), band grids with top-inclusive ranges
// (ChurnZero), bounded linear factors (Planhat), redistribution of missing
// weight within then across groups and the input pulling the score down most
// (Catalyst), and the users' complaints this package answers.
//
// Backtest and fit (DOMAIN.md §4, "Validating a score"): AUC as the normalised
// Mann–Whitney U with ties counted half (Hanley & McNeil 1982), its interval by
// DeLong, DeLong & Clarke-Pearson (1988) or a seeded stratified bootstrap,
// churn-rate bounds by Wilson (1927); Fit is L2-regularised logistic regression
// with non-negative weights by projected Newton (Bertsekas 1982). The
// computations live in the module's internal/stats package.
package health
