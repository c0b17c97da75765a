// Package stats holds the statistics behind health's backtest, fit, calibration
// and survival analysis, on plain float64 slices with no knowledge of scorecards:
// ranking measures of a risk score against binary outcomes and their intervals,
// flag tables, a non-negative regularised logistic regression with
// cross-validation, probability calibration, and survival curves with censoring.
//
// # API by topic
//
// Ranking a score against outcomes: [Rank] → [Ranking] ([Ranking.AUC],
// [Ranking.ROC] → [Point], [Ranking.DeLong], [Ranking.Bootstrap]); [AUC] for a
// one-off; [CompareDeLong] and [CompareBootstrap] for two scores of the same rows;
// [Thin] for a display-sized curve; [Wilson] for a proportion. Every interval is an
// [Interval] naming its method.
//
// Flags: [Confuse] → [Confusion] with [Confusion.Precision], [Confusion.Recall]
// and [Confusion.Lift]; [Lift].
//
// Backtesting a scored book: [Book] over [Snapshot] and [Outcome] with
// [BookOptions] → [BookReport] (grade table of [GradeRow], [LeadTime], AUC per
// segment and profile as [GroupAUC]); [CompareBooks].
//
// Fitting: [Logistic] on a [Matrix] with [FitOptions] → [Model] (its stop reason:
// [StopGradient], [StopStalled], [StopMaxIter]); [CheckFit], [MinRows]; [Folds],
// [CrossValidate] → [CVResult] with a fold-based and a pooled interval;
// [FitWeights] with [WeightOptions] → [WeightFit] (scorecard weights, imputing
// within each training fold).
//
// Calibration: [FitPlatt] → [Platt], [FitIsotonic] → [Isotonic] (both
// [Calibrator]s); [OutOfFold] for cross-validated probabilities; [Reliability] →
// [CalibrationReport] with its [ReliabilityBin]s, the Brier score's exact
// decomposition and the ECE.
//
// Survival: [Survival] with [SurvivalOptions] ([Transform]) → [SurvivalResult]
// of one [Curve] per group ([SurvivalPoint]s, median with interval,
// [Curve.At]) and the [LogRank] test; [Concordance] → [ConcordanceResult]
// (Harrell's C); [ChiSquareSurvival] and [StudentQuantile].
//
// # Contracts
//
// A higher score means a higher predicted risk of the positive outcome, except in
// [Concordance], whose prediction is a predicted survival (a health score). The AUC
// counts ties as half a win; it is in [0, 1], 0.5 for a constant score, and depends
// only on the order of the scores. Rows are sorted by (value, row index) or split
// into sorted parts, so every output is a function of the input values alone, never
// of their order; sums run in a fixed order and are written float64(x*y) + z so that
// fused multiply-add cannot change them on any platform; every random draw comes
// from a PCG generator seeded by the caller. A [Ranking], a [Model], a [Platt] and an
// [Isotonic] are immutable and safe for concurrent use; nothing reads a clock.
//
// [Book] evaluates each customer on its latest snapshot not after its outcome; one
// bad record is reported in [BookReport].Errors as a *cs.FieldError naming its
// path ("snapshots[3].score") and customer, and the others are still counted,
// never dropped or counted twice. MRR is summed exactly, in int64 minor units with
// an exact decimal fallback.
//
// Errors carry no package prefix: the package is internal, and health, its user,
// adds its own by wrapping. They wrap [ErrLength], [ErrOneClass], [ErrTooFewRows],
// [ErrConstantFeature], [ErrOption], [ErrUnknownID], [ErrNotBool], [ErrNoSignal],
// [ErrSeparated] or a root sentinel (cs.ErrNotFinite, cs.ErrMissing,
// cs.ErrDuplicate, cs.ErrDateOrder, ...). A computation the data cannot support
// (one class, too few rows, a constant column, a separating score) fails rather
// than returning a meaningless value.
//
// # Methods and sources
//
// Every two-sided 95% interval uses z = 1.959964, the 97.5% quantile of the
// standard normal distribution, to seven figures.
//
//   - AUC as the normalised Mann–Whitney U: Hanley & McNeil (1982), "The meaning and
//     use of the area under a receiver operating characteristic (ROC) curve",
//     Radiology 143:29–36.
//   - Its interval and that of the difference of two correlated AUCs: DeLong,
//     DeLong & Clarke-Pearson (1988), Biometrics 44:837–845, as AUC ± z·SE clipped
//     to the possible range; or a stratified percentile bootstrap (Efron &
//     Tibshirani, 1993, "An Introduction to the Bootstrap"; Hyndman & Fan, 1996,
//     definition 7 for the quantile).
//   - Proportions: Wilson (1927), "Probable inference, the law of succession, and
//     statistical inference", JASA 22:209–212.
//   - Validating a score by AUC, precision (the churn rate among flagged
//     accounts), recall and lift: the practice the CS platforms document
//     (Gainsight, ChurnZero, Totango, Planhat and Catalyst product documentation).
//   - Fit: L2-penalised mean log-loss minimised under wⱼ ≥ 0 by Bertsekas'
//     projected Newton method ("Projected Newton methods for optimization problems
//     with simple constraints", SIAM J. Control Optim. 20(2), 1982) with an Armijo
//     search. The fold-based interval of a cross-validated AUC understates its
//     uncertainty (Bengio & Grandvalet, 2004, "No unbiased estimator of the
//     variance of k-fold cross-validation", JMLR 5:1089–1105).
//   - Calibration: Platt (1999), "Probabilistic outputs for support vector
//     machines and comparisons to regularized likelihood methods"; pool-adjacent-
//     violators: Ayer, Brunk, Ewing, Reid & Silverman (1955), Ann. Math. Statist.
//     26:641–647, and Barlow, Bartholomew, Bremner & Brunk (1972), "Statistical
//     Inference under Order Restrictions"; the Brier score: Brier (1950), Monthly
//     Weather Review 78:1–3, its decomposition: Murphy (1973), J. Appl. Meteor.
//     12:595–600, with the within-bin terms of Stephenson, Coelho & Jolliffe (2008),
//     Weather and Forecasting 23:752–757; ECE: Naeini, Cooper & Hauskrecht (2015).
//   - Survival: Kaplan & Meier (1958), JASA 53:457–481; Greenwood (1926); the
//     log-log interval: Kalbfleisch & Prentice (1980); the median's interval:
//     Brookmeyer & Crowley (1982), Biometrics 38:29–41; the log-rank test: Mantel
//     (1966), Peto & Peto (1972); Harrell's C: Harrell, Califf, Pryor, Lee & Rosati
//     (1982), JAMA 247:2543–2546, and Harrell, Lee & Mark (1996), Statistics in
//     Medicine 15:361–387.
//   - Distributions: Abramowitz & Stegun (1964), "Handbook of Mathematical
//     Functions", 26.4 and 26.7; Press, Teukolsky, Vetterling & Flannery (2007),
//     "Numerical Recipes", 3rd ed., §6.2 and §6.4.
//
// The figures the tests check against, with their sources, are in testdata/.
//
// The package is internal: its users are health's Backtest, Compare, Fit,
// Calibrate and Survival.
package stats
