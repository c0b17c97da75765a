// Package retention checks whether an offering is a retention model at all, and
// measures and projects the retention of a recurring-revenue business exactly:
// MRR movements, churn and retention rates, LTV, cohort tables, and the
// shifted-beta-geometric projection of a cohort's survival.
//
// # API by family
//
// The retention model (DOMAIN.md §2):
//   - Offering (Pricing, FeeMonths): a description of a product; DecodeOffering and
//     DecodeOfferings read it from JSON; Offering.Validate.
//   - Thresholds, DefaultThresholds, NewChecker → Checker; Checker.Check →
//     Assessment (overall Verdict, a Finding per criterion with Reasons, Facts and
//     Changes; Assessment.Changes).
//
// Books of MRR (DOMAIN.md §6):
//   - Record, Month (ParseMonth, MustParseMonth, NewMonth, MonthOf), Options, Rate.
//   - NewBook, ReadMRR (mrr.csv) → Book; Book.Errors (one *RecordError per bad
//     record), Book.Customers, Book.Months, Book.Currency, Book.MRR, Book.Exact.
//   - Book.Movements → CustomerMovements per customer; Book.Period → Period with
//     Movements (New, Expansion, Contraction, Churn, Reactivation, FX) and logo
//     counts.
//   - Period.GrossMRRChurn, NetMRRChurn, GRR, NRR, LogoChurn and ChurnedCustomers
//     / AcquiredCustomers by Convention (ChartMogul, Stripe, ProfitWell),
//     CustomerRetention, StartingCohortRetention, QuickRatio, ARPA, LTV.
//   - LTV, CACPayback; Ratio (NewRatio, Defined, Decimal, Float64, Percent, Cmp).
//   - Book.Cohorts → Cohort with CohortAge per month of age; Cohort.LogoRetention,
//     Cohort.NRR.
//   - Merging across workers: books of disjoint customers built with the same
//     Options and a fixed range (Options.First, Options.Last, at most MaxMonths)
//     add up exactly: Period.Add, Cohort.Add, AddCohorts.
//
// Projection:
//   - Inflow (seed 004): Active (closed form), Simulate, Limit.
//   - FitSBG → SBG: Churn, Survival, Retention, Project, DERL, Value.
//
// # Contracts
//
// Money is cs.Money and exact throughout. A Book keeps a flat int64 matrix of minor
// units when every amount is a whole number of minor units of one currency, and
// exact decimals otherwise (or when an int64 sum would overflow); both paths run
// the same generic code and give identical results (a property test checks it).
// Rates are exact Ratios, rounded only by the caller for display.
//
// Undefined results are reported as undefined, never as 0 or Inf: a Ratio over a
// zero base has Defined() false and prints "undefined"; LTV at zero churn returns an
// error wrapping ErrUndefined.
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
// cohort's retention (S − lost) ÷ S by JoinedAndLeft ÷ S (DOMAIN.md §6: 85% vs 90%).
//
// Currencies never mix implicitly. A book with records in two currencies needs a
// reporting currency and a caller-supplied rate per currency and month, or a
// standing rate for every month (ErrNoRate, cs.ErrCurrencyMismatch otherwise). Each month's change is valued at that month's
// rate and the revaluation of the previous month's MRR is reported as FX, apart from
// the movements; GRR, NRR and cohort NRR are at constant currency (the end month's
// rates on both sides).
//
// The four criteria: a criterion is NotMet when any of its conditions fails,
// Unknown when none fails but the description omits a fact it needs, Met otherwise;
// the overall verdict is NotMet if any criterion is, Met if all four are. The zero
// Thresholds means the documented defaults: at least 4 uses a month, notice of at
// most 31 days, no cancellation fee in any month, an initial cost of at most one
// month's charge, a release in the last 90 days and at least 4 a year.
//
// Bad input is an error prefixed "retention: " that names the field, JSON path or
// CSV line and wraps a sentinel of this package (ErrMonth, ErrPeriod, ErrNoRate,
// ErrSurvivors, ErrNoConvergence, ErrJSON, ErrOption, ErrUndefined) or of package
// cs. In batch work a bad record is reported with its index or line and its
// customer left out; the others are still processed.
//
// Determinism: results never depend on the order of the input records (customers
// are sorted by ID), and FitSBG's search has fixed start, coefficients and
// tolerances, so the same counts give bit-identical estimates. No function reads
// the clock: Checker.Check takes the date. Book, Checker and SBG are immutable and
// safe for concurrent use.
//
// # Sources
//
//   - The four criteria: Hiroko Razavi, カスタマーサクセスとは何か ("What is customer
//     success", 2019), as seeds 000, 001 and 004 state them (DOMAIN.md §2).
//   - Movements, gross and net MRR churn, logo churn, LTV: ChartMogul's metric
//     definitions (DOMAIN.md §6); GRR and NRR: SaaS Capital; quick ratio:
//     Baremetrics.
//   - Projection of a constant inflow: seed 004 (200 → 300 → 350 → 400).
//   - Shifted-beta-geometric model: Fader & Hardie, "How to Project Customer
//     Retention", Journal of Interactive Marketing 21(1), 2007 (eqs. 1, 7, 8 and
//     the likelihood B1); DERL: Fader & Hardie, "Customer-Base Valuation in a
//     Contractual Setting: The Perils of Ignoring Heterogeneity", Marketing Science
//     29(1), 2010; Nelder & Mead, Computer Journal 7(4), 1965.
package retention
