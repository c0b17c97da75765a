// Package retention checks whether an offering is a retention model at all, and
// measures and projects the retention of a recurring-revenue business exactly:
// MRR movements, churn and retention rates, LTV, cohort tables, and the
// shifted-beta-geometric projection of a cohort's survival.
//
// # The retention model
//
// An [Offering] ([Pricing], [FeeMonths]) describes a product; [DecodeOffering]
// and [DecodeOfferings] read it from JSON, [Offering.Validate] checks it. A
// [Checker] made by [NewChecker] from [Thresholds] (or [DefaultThresholds])
// judges it with [Checker.Check], giving an [Assessment]: an overall [Verdict]
// and a [Finding] per criterion with its reasons, facts and the changes that
// would meet it ([Assessment.Changes]).
//
// # Books of MRR
//
// A [Book] holds customers' monthly MRR: [NewBook] builds it from [Record]s and
// [Options] ([Rate]s for several currencies, a fixed range of [Month]s, workers),
// [ReadBook] straight from mrr.csv, and [ReadMRR] reads mrr.csv as a sequence of
// records. Months are [Month] values ([ParseMonth], [MustParseMonth], [NewMonth],
// [MonthOf], [Month.Add]). A book reports [Book.Customers], [Book.Months],
// [Book.Currency], [Book.MRR], [Book.Len], [Book.Exact], and its bad records with
// [Book.Err] and [Book.Bad].
//
//   - [Book.Period] gives a [Period]: [Movements] (new, expansion, contraction,
//     churn, reactivation, FX) and logo counts, with the rates
//     [Period.GrossMRRChurn], [Period.NetMRRChurn], [Period.GRR], [Period.NRR],
//     [Period.LogoChurn] by [Convention] ([Period.ChurnedCustomers],
//     [Period.AcquiredCustomers]), [Period.CustomerRetention],
//     [Period.StartingCohortRetention], [Period.QuickRatio], [Period.ARPA] and
//     [Period.LTV].
//   - [Book.Movements] gives each customer's [CustomerMovements].
//   - [Book.Cohorts] gives the cohort table: a [Cohort] per first paying month
//     with a [CohortAge] per month of age; [Cohort.LogoRetention], [Cohort.NRR].
//   - Across workers or machines: books of disjoint customers built with the
//     same Options and a fixed range add up exactly with [Period.Add],
//     [Cohort.Add] and [AddCohorts].
//   - [LTV] and [CACPayback]; rates are exact [Ratio]s ([NewRatio],
//     [Ratio.Defined], [Ratio.Decimal], [Ratio.Float64], [Ratio.Percent],
//     [Ratio.Cmp]).
//
// # Projection
//
// [Inflow] is a constant inflow of customers with a constant retention
// ([Inflow.Active] in closed form, [Inflow.Simulate], [Inflow.Limit]). [FitSBG]
// fits the shifted-beta-geometric model [SBG] to a cohort's survivors
// ([SBG.Churn], [SBG.Survival], [SBG.Retention], [SBG.Project], [SBG.DERL],
// [SBG.Value]).
//
// # Design
//
// Money is cs.Money and exact throughout. A Book keeps each customer's months,
// from its first record to its last, as one flat run of int64 cells per
// currency, in units of 10^-p of the currency (p its minor digits, or up to 6
// more when amounts have finer fractions): no decimal, map or pointer per
// record, about 8 bytes per customer-month (BenchmarkNewBook reports the bytes
// per record). Amounts become decimals only at the edge: in results, and when
// converting currencies. A one-currency book sums in int64 when no sum can
// overflow and in exact decimals otherwise; a book of several currencies
// converts in exact decimals. Both paths give identical results (a property
// test checks it). Rates are exact Ratios, rounded only by the caller for
// display.
//
// With [Options.Workers] the book is built and computed on several goroutines,
// each over a contiguous range of records or customers whose partial sums are
// added in range order; every sum is exact, so the number of workers never
// changes a digit (a property test checks it).
//
// Undefined results are reported as undefined, never as 0 or Inf: a Ratio over a
// zero base has Defined() false and prints "undefined"; LTV at zero churn returns an
// error wrapping [ErrUndefined].
//
// Movements follow ChartMogul: classified month by month on a customer's total
// MRR, so cancelling one of several subscriptions is contraction and only a drop to
// zero is churn; a rise from zero is new business in the customer's first paying
// month in the book and reactivation after it. For every customer and the book,
// start + FX + New + Expansion + Reactivation − Contraction − Churn = end, exactly.
// A customer's history before the book's first month is invisible: everyone paying
// then belongs to the first cohort.
//
// GRR and NRR follow SaaS Capital: over the customers paying in the start month,
// GRR caps each customer at their starting MRR (so GRR ≤ 100% and GRR ≤ NRR), NRR
// includes expansion; new customers are excluded from both.
//
// Logo churn defaults to ChartMogul's convention: customers who joined and left
// inside the period count neither as churned nor in the base, but as acquired.
// Stripe counts them as both acquired and churned; ProfitWell ignores them. The
// customer retention rate (E − N) ÷ S subtracts every customer acquired in the
// period, including those gone again by its end, so it is lower than the starting
// cohort's retention (S − lost) ÷ S by JoinedAndLeft ÷ S (S = 100, 10 lost, 20 new
// of whom 5 left again: 85% against 90%).
//
// Currencies never mix implicitly. A book with records in two currencies needs a
// reporting currency and a caller-supplied rate per currency and month, or a
// standing rate for every month ([ErrNoRate], cs.ErrCurrencyMismatch otherwise).
// Each month's change is valued at that month's rate and the revaluation of the
// previous month's MRR is reported as FX, apart from the movements; GRR, NRR and
// cohort NRR are at constant currency (the end month's rates on both sides).
//
// Input sanity: a month more than 24 months from every month of the book's main
// body is a bad record, and a book spanning more than [MaxMonths] is refused with
// the line that caused it, so one typo month cannot stretch a book over
// centuries.
//
// The four criteria: a criterion is NotMet when any of its conditions fails,
// Unknown when none fails but the description omits a fact it needs, Met otherwise;
// the overall verdict is NotMet if any criterion is, Met if all four are. The zero
// Thresholds means the documented defaults: at least 4 uses a month, notice of at
// most 31 days, no cancellation fee in any month, an initial cost of at most one
// month's charge, a release in the last 90 days and at least 4 a year.
//
// # Errors
//
// Bad input is an error starting "retention: " that locates the problem with a
// *cs.FieldError (file and line, or JSON path, or record index; the customer;
// the column; the value, cut to 64 bytes) and wraps a sentinel of this package
// ([ErrMonth], [ErrPeriod], [ErrNoRate], [ErrSurvivors], [ErrNoConvergence],
// [ErrOption], [ErrUndefined]) or of package cs (cs.ErrSyntax,
// cs.ErrUnknownField, cs.ErrDuplicateKey, cs.ErrWrongType, cs.ErrNegative,
// cs.ErrInvalidID, ...). In batch work a bad record costs only its customer, who
// is left out; the errors kept are bounded (the first 10 and a count), whatever
// the input.
//
// Determinism: results never depend on the order of the input records (customers
// are sorted by ID) nor on the number of workers, and FitSBG's search has fixed
// start, coefficients and tolerances, so the same counts give bit-identical
// estimates. No function reads the clock: Checker.Check takes the date. Book,
// Checker and SBG are immutable and safe for concurrent use.
//
// # Sources
//
//   - The four criteria of the retention model: Hiroko Razavi,
//     『カスタマーサクセスとは何か――日本企業にこそ必要な「これからの顧客との付き合い方」』
//     ("What is customer success?"), Eiji Press, 2019 (Razavi, 2019); S-cubism
//     (EC-ORANGE), 「カスタマーサクセス」をアップデート デジタルを駆使した顧客接点づくり
//     ("Updating customer success: building customer touchpoints with
//     digital"), web article, undated (the S-cubism article); and
//     サブスクリプションで顧客満足を高めるカスタマーサービス像とは ("The customer
//     service that raises satisfaction in subscriptions"), web article,
//     undated (the subscription customer-service article), which also gives the
//     projection 200 → 300 → 350 → 400 of a constant inflow.
//   - Movements, gross and net MRR churn, logo churn, LTV: ChartMogul's metric
//     definitions (ChartMogul Help Center, "Metric: Customer Churn rate" and
//     the MRR movement and LTV articles); GRR and NRR: SaaS Capital; quick
//     ratio: Baremetrics; the logo-churn conventions of Stripe and ProfitWell:
//     their documentation.
//   - Shifted-beta-geometric model: Fader & Hardie, "How to Project Customer
//     Retention", Journal of Interactive Marketing 21(1), 2007 (eqs. 1, 7, 8 and
//     the likelihood B1); DERL: Fader & Hardie, "Customer-Base Valuation in a
//     Contractual Setting: The Perils of Ignoring Heterogeneity", Marketing Science
//     29(1), 2010; Nelder & Mead, Computer Journal 7(4), 1965.
package retention
