// Package health computes weighted, explainable customer health scores that a
// CS team can trust: every score says what moved it, missing data never shifts
// weights silently, manual overrides expire and are never overwritten,
// exceptions can only lower a score, and each measure may keep its own bands.
// It then checks the score against what happened: does it rank churners first,
// what is a customer's chance of churning, and how long do red customers last?
//
// # API by topic
//
// Configuration, plain data with JSON of the same field names: a [Config] of
// [Profile]s, each with a [Selector], [Group]s of [Measure]s and [Veto]es. A
// measure has one curve: [Ramp], [Band]s, [Steps] of [Threshold]s, [Categories]
// with an [UnknownRule], or a [Func] registered [WithFunc]. [MissingPolicy] and
// [Profile].MinCoverage govern missing values; [GradeScheme] of [GradeBand]s,
// [DefaultGrades], [LetterGrades] the grades. [ParseConfig] reads a
// configuration strictly, [Config.Validate] checks it, [MarshalConfig] writes
// its canonical form, [Fingerprint] identifies it, [Diff] lists [Change]s;
// [SampleConfig] and [SampleJSON] give a worked example.
//
// Scoring: [Compile] gives a [Scorer]; [Scorer.Score] and [Scorer.ScoreInto]
// (with [Override]s) give a [Result] of [MeasureResult]s and [GroupResult]s,
// with [Status], [UnknownCause], [Result.Reasons], [Result.WeakestMeasure] and
// [Result.VetoNames]. Batches: [Scorer.Batch] over [Input]s, [Scorer.ScoreBook].
// The columnar path for large books: [Columns], [SetPresent], [Scorer.Plan] →
// [Plan], [Plan.Score] → [Scored].
//
// History: [SnapshotOf] a result, [ComputeTrend] of [Snapshot]s with
// [TrendOptions] → [Trend] and its [Direction].
//
// Backtest, against real churn: [Observation]s and [Outcome]s ([ReadOutcomes]);
// [Backtest] and [BacktestScores] (pre-scored [ScoredSnapshot]s) with
// [BacktestOptions] → [BacktestReport] (AUC [Interval], [ROCPoint]s, [GradeRow]s
// with MRR at risk, the flag's [Confusion], [LeadTime], AUC per segment and
// profile as [GroupAUC]); [Compare] → [Comparison].
//
// Fit: [Fit] with [FitOptions] → [FitResult], an ordinary Config with learned
// non-negative weights ([FittedWeight], flagged when a measure looks reversed),
// in-sample and cross-validated AUC with a fold-based interval.
//
// Calibration: [Calibrate] with [CalibrateOptions] → [CalibrationResult]: a
// [Calibration] ([CalibrationPlatt] with [PlattCalibration], or
// [CalibrationIsotonic] with [CalibrationStep]s) stored in the Profile, so that
// every [Result] carries its [ChurnProbability], "P(churn in 180 days) = 0.31
// (0.26–0.36)"; [Calibration.Probability] for the columnar path. Its quality,
// in sample and cross-validated: [CalibrationReport] with [ReliabilityBin]s.
//
// Survival: [Lifetime]s ([ReadLifetimes]) → [Survival] with [SurvivalOptions] →
// [SurvivalReport] of [SurvivalCurve]s ([SurvivalPoint]s, median lifetime), the
// [LogRank] test and Harrell's [Concordance]; [SurvivalByGrade] from
// observations and outcomes.
//
// # The score
//
// A measure turns one signal (or attribute) into points 0..100. Within a group,
// the group score is Σ(weight × points) / Σ weight over the measures that
// count; overall, the score is Σ(group weight × group score) / Σ group weight
// over the groups with a measure that counts. This is Gainsight's two-level
// weighted mean (Gainsight's health score documentation; Totango and Catalyst
// roll up the same way). Weights are any non-negative numbers; only their
// ratios matter.
//
// Missing values follow the measure's policy (the profile's by default,
// [MissingRedistribute] if none): redistribute leaves the measure out, so its
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
// # From a score to a probability and a lifetime
//
// A score ranks customers; it is not a probability. [Calibrate] maps it to the
// probability of churn within a horizon, by Platt scaling (a logistic curve on
// the score, with the Wald interval of its two parameters) or by isotonic
// regression (a step function that never rises with the score), and measures the
// result both on the customers it was fitted on and by k-fold cross-validation,
// so the in-sample optimism is visible. The measures: the Brier score with its
// decomposition into reliability, resolution and uncertainty, the expected
// calibration error, and a reliability table of deciles with Wilson intervals.
//
// [Survival] answers "how long do red customers last compared with green?":
// Kaplan–Meier curves with right censoring (a customer still there is counted
// until last seen), Greenwood intervals on the log-log scale, median lifetimes,
// the log-rank test and Harrell's C of the score against the time to churn.
//
// # Contracts
//
// Bounds: points, scores, caps and neutral values are in [0,100]; coverage and
// MinCoverage in [0,1]; probabilities in [0,1]. A NaN or infinite signal is
// refused with an error wrapping cs.ErrNotFinite, never read as missing.
//
// Determinism: measures are evaluated and summed in a canonical order (groups
// by name, measures by name), so the configuration's order never changes a
// result, not even in the last bit. Sums are written float64(x*y) + z so no
// fused multiply-add can change a result across architectures. Score, the
// columnar Plan.Score and the batches agree bit for bit, for any worker count.
// Backtests, fits, calibrations and survival curves are functions of their
// input's content and seed, not of its order. Diff output is sorted by path. No
// function reads the clock: the scoring date is an argument.
//
// Concurrency: a Scorer and a Plan are immutable and safe for concurrent use;
// Compile deep-copies its Config. A Result belongs to its caller.
//
// Allocation: ScoreInto with a reused Result does not allocate (a calibrated
// profile included); Score allocates the result's two slices; Plan.Score
// allocates nothing per account.
//
// Errors: messages start with "health: ". A located problem is a *cs.FieldError,
// the module's one located error (errors.As finds it), whose path names the
// value at fault: a JSON path in a configuration
// ("profiles[0].groups[1].weight"), the record's index in a batch
// ("[3].signals.usage") or in an analysis's input ("observations[12].as_of",
// "outcomes[4].id", "lifetimes[0].end"), the file and line from a reader. The
// sentinels are this package's (ErrInvalidConfig, ErrNoProfile,
// ErrInvalidOverride, ErrColumns, ...) and the cs package's (cs.ErrUnknownField,
// cs.ErrDuplicateKey, cs.ErrWrongType, cs.ErrSyntax, cs.ErrNotFinite, ...), the
// same everywhere in the module. Lists of problems keep the first ten and count
// the rest, so no message grows with the input; quoted values are cut to 64
// bytes. In batches each bad record yields one error and the others are scored;
// an analysis that cannot run because every record was bad lists the first
// rejected records in its error. Nothing panics on bad input; SampleConfig
// panics only if the package was built with a broken embedded file, which its
// tests rule out.
//
// Readers ([ReadOutcomes], [ReadLifetimes], and [ReadOptions] for the line
// limit) are iter.Seq2 sequences over the CSV reader of the module: one bad
// line yields one error and the good lines keep coming; IDs are checked by
// cs.CheckID.
//
// # Sources
//
// The CS platforms' own documentation (Gainsight, ChurnZero, Totango, Planhat
// and Catalyst): the two-level weighted rollup and the default red/yellow/green
// bands with exclusive lower bounds (Gainsight), band grids with top-inclusive
// ranges (ChurnZero), bounded linear factors (Planhat), redistribution of
// missing weight within then across groups and the input pulling the score down
// most (Catalyst), and validating a score against churn by AUC, precision,
// recall and lift on scores taken 60–90 days before each renewal.
//
// Statistics, computed in the module's internal/stats package whose
// documentation lists the full references: AUC as the normalised Mann–Whitney U
// with ties counted half (Hanley & McNeil, 1982), its interval by DeLong, DeLong
// & Clarke-Pearson (1988) or a seeded stratified bootstrap (Efron & Tibshirani,
// 1993), churn-rate bounds by Wilson (1927), every 95% interval with z =
// 1.959964; Fit as L2-regularised logistic regression with non-negative weights
// by projected Newton (Bertsekas, 1982); calibration by Platt (1999) and
// pool-adjacent-violators (Ayer et al., 1955; Barlow et al., 1972), measured by
// the Brier score (Brier, 1950) and its decomposition (Murphy, 1973; Stephenson,
// Coelho & Jolliffe, 2008); survival by Kaplan & Meier (1958), Greenwood (1926),
// the log-log interval (Kalbfleisch & Prentice, 1980), the median's interval
// (Brookmeyer & Crowley, 1982), the log-rank test (Peto & Peto, 1972) and
// Harrell's C (Harrell et al., 1982, 1996).
package health
