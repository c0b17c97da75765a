// Package stats holds the statistics behind health's backtest and fit, on plain
// float64 slices with no knowledge of scorecards: ranking measures of a risk score
// against binary outcomes, their intervals, flag tables, and a non-negative
// regularised logistic regression with cross-validation.
//
// # API by family
//
// Ranking a score against outcomes:
//   - Rank → Ranking (sorted once); Ranking.AUC, Ranking.ROC → []Point, AUC for a
//     one-off; Ranking.Len, Ranking.Positives; Thin for a display-sized curve.
//
// Intervals (all 95%, as Interval with its Method):
//   - Ranking.DeLong: analytic, one linear pass; CompareDeLong for the difference of
//     two scores' AUCs on the same rows.
//   - Ranking.Bootstrap, CompareBootstrap: seeded, stratified, paired percentile
//     bootstrap, one linear pass per replicate (no re-sorting).
//   - Wilson: a proportion's score interval.
//
// Flags:
//   - Confuse, Confusion (Add, N, Precision, Recall, BaseRate, Lift), Lift.
//
// Backtesting a scored book (used by health's Backtest):
//   - Snapshot, Outcome, BookOptions, Book → BookReport (N, BaseRate, AUC, ROC,
//     Grades as GradeRow with Wilson bounds, lift and MRR per currency, flag precision,
//     recall and lift, LeadTime, per-record Errors); CompareBooks for two scores of the
//     same customers.
//   - ReadOutcomes: the outcomes CSV (id,churned[,date]) with one error per bad line.
//
// Fitting:
//   - Matrix, FitOptions, Logistic → Model (Linear, Probability), CheckFit, MinRows,
//     DefaultLambda; Folds, CrossValidate → CVResult.
//   - WeightOptions, FitWeights → WeightFit: non-negative scorecard weights learned
//     from measure points (0–100) and churn, with in-sample and k-fold CV AUC (used by
//     health's Fit).
//
// # Contracts
//
// A higher score means a higher predicted risk of the positive outcome. The AUC
// counts ties as half a win; it is in [0, 1], 0.5 for a constant score, and depends
// only on the order of the scores, so any strictly increasing transform leaves it
// unchanged. Rows are sorted by (score, row index), so every output is a function of
// the input values alone; sums run in a fixed order and are written so that fused
// multiply-add cannot change them; every random draw comes from a PCG generator
// seeded by the caller. A Ranking and a Model are immutable and safe for concurrent
// use; nothing reads a clock.
//
// Book evaluates each customer on its latest snapshot not after its outcome; one bad
// record (an empty ID, a non-finite score, a missing or duplicate outcome, an outcome
// for an unknown ID, a snapshot dated after its outcome) is reported in
// BookReport.Errors and the others are still counted, never dropped or counted twice.
// MRR is summed exactly, in int64 minor units with an exact decimal fallback.
//
// Errors start with "stats:" and wrap ErrLength, ErrOneClass, ErrTooFewRows,
// ErrConstantFeature, ErrOption, ErrUnknownID, ErrNotBool, ErrNoSignal or a root
// sentinel (cs.ErrNotFinite, cs.ErrMissing, cs.ErrDuplicate, cs.ErrDateOrder, ...). A fit that the data cannot
// support (one class, fewer than MinRows rows, a constant column) fails rather than
// returning a meaningless model.
//
// # Methods and sources
//
//   - AUC as the normalised Mann–Whitney U: Hanley & McNeil (1982), "The meaning and
//     use of the area under a receiver operating characteristic (ROC) curve",
//     Radiology 143:29–36. Validating a health score by AUC, precision, recall and
//     lift: DOMAIN.md §4.
//   - Interval of an AUC and of the difference of two correlated AUCs: DeLong, DeLong
//     & Clarke-Pearson (1988), Biometrics 44:837–845, with a Wald interval AUC ±
//     1.96·SE clipped to the possible range. The bootstrap alternative resamples
//     positives and negatives separately (stratified) and takes percentiles (Efron &
//     Tibshirani, 1993; Hyndman & Fan, 1996, definition 7 for the quantile).
//   - Proportions: Wilson (1927), JASA 22:209–212.
//   - Fit: L2-penalised mean log-loss minimised under wⱼ ≥ 0 by Bertsekas' projected
//     Newton method (SIAM J. Control Optim. 20(2), 1982) with an Armijo search.
//
// The package is internal: its users are health's Backtest, Compare and Fit.
package stats
