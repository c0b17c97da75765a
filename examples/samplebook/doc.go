// Package samplebook generates a realistic, deterministic book of SaaS customers to
// try the library on: customers with their signals, 24 months of history, support
// interactions, survey answers, monthly recurring revenue per subscription, and
// churn outcomes drawn from a latent risk that depends on those signals. It is also
// a model researchers can use: every parameter below is documented, the churn
// model's coefficients are a Config field, and the ground truth (Outcomes) is known,
// so a health score can be checked against it — a good score finds the churners and
// a bad one does not.
//
// # API by family
//
//   - Config (Customers, Months, Seed, AsOf, HorizonMonths, Hazard), DefaultHazard,
//     the Default* constants and DefaultAsOf.
//   - Generate, MustGenerate → *Book: Customers ([]cs.Customer as of the book date),
//     Snapshots (monthly), MRR ([]MRRRow), Contacts, CaseEvents, Surveys, Outcomes.
//   - Record types: Snapshot, MRRRow, Contact (Channel), CaseEvent (EventKind),
//     Survey (SurveyKind), Outcome.
//   - Files and Book.WriteCSV, Book.WriteDir: the CSV files of the book (customers.csv,
//     mrr.csv, contacts.csv, case_events.csv, surveys.csv, outcomes.csv,
//     snapshots.csv) in the layouts the module's readers take.
//
// # The generative model
//
// Each customer is simulated month by month from its own PCG random stream
// (math/rand/v2, seeded with Config.Seed and the customer's number).
//
// Size and revenue. 75% of customers are smb, 22% mid_market and 3% enterprise;
// purchased seats are log-normal within the segment: medians 15 (1..49), 120
// (50..499) and 600 (500 and more), σ = 0.8, 0.6 and 0.5 on the log scale, so a few
// customers are very large and most are small. The plan follows the segment (starter, growth, enterprise), and MRR is seats ×
// a price per seat and month (starter 12 USD / 11 EUR / 1,800 JPY, growth 29 / 27 /
// 4,400, enterprise 55 / 51 / 8,300). 80% of customers pay in USD, 12% in EUR and
// 8% in JPY. Contracts are monthly or annual (35% annual in smb, 85% in mid_market,
// 95% in enterprise).
//
// Start. Two customers in three were customers before the history begins (up to 36
// months before); the others start in a uniformly drawn month of the history. A
// customer's first three months ramp its usage up.
//
// Engagement and usage. A latent engagement e (logit scale) reverts to the
// customer's long-run level μ ~ N(1.0, 0.8): e ← e + 0.3(μ − e) + 0.25·N(0,1). Each
// month, with probability 1.5% a lasting shock lowers μ by N(1.5, 0.5) (a champion
// leaves, a budget is cut) and with probability 1% μ rises by 0.8 (a new team
// adopts the product). usage = sigmoid(e); assigned seats follow usage plus 15%;
// usage_trend is usage now ÷ usage three months ago − 1; logins, days since the last
// login and feature adoption follow engagement.
//
// Usage and seats_used are measured before the month's seat purchase or return,
// seats_purchased after it, so in a month when an account bought seats its
// seat_utilization can be below its usage (and above it after a return). The
// default book's figures are relied on by the golden files of examples/backtest,
// examples/projection and examples/portfolio, so the model is kept as it is.
//
// Seats and subscriptions. An account assigning ≥ 95% of its seats buys 10–40% more
// with probability 0.15 a month (expansion); one assigning < 65% gives back 10–30%
// with probability 0.4 at a renewal (contraction). Some customers buy an add-on
// subscription worth 15–35% of the main one (0.4%, 1.2% and 2% a month in smb,
// mid_market and enterprise) and cancel it with probability 2.5% a month, keeping the
// main one (contraction). A churned customer comes back with probability 3% a month,
// once, on a new subscription with 60% of its former seats (reactivation).
//
// Support. Cases arrive as Poisson((0.12 + 0.025·√seats)·φ·(1.5 − usage)) a month,
// where φ ~ logN(0, 0.5) is the customer's friction proneness. A case starts in
// self-service (35%), email, chat or phone (meetings for some enterprise cases); it
// needs more contacts with probability min(0.6, 0.25φ) each, switches channel
// (mostly to the phone, and 60% of the time after self-service), is transferred,
// gets generic answers and makes the customer repeat information with probabilities
// growing with φ, and is reopened with probability 0.08φ. A case's effort is the
// count of those events. 45% of cases get a CES answer (90% CES 2.0, about 6.3 −
// 0.7·effort on 1..7; 10% CES 1.0, about 1.7 + 0.5·effort on 1..5); NPS answers come
// at random (12% of customer-months), about 2 + 8·usage − 0.4·friction on 0..10.
//
// Churn. The monthly hazard is a logistic function of usage, falling usage,
// friction and low CES, plus an smb term: see Hazard for the formula and
// DefaultHazard for the coefficients. Monthly contracts may churn any month, annual
// contracts at renewal with the hazard accumulated over the term. No customer
// churns before the history begins. With the defaults about 14% of customers churn
// in a year, and the latent risk is visible in the signals: churners have lower
// usage, falling usage, lower CES and more support cases than the others (the
// tests check each).
//
// Stages. At each month-end a customer is onboarding in its first 90 days, renewal
// when an annual contract renews within 90 days, expansion when every purchased seat
// is assigned or usage rose by more than 20% in three months, adoption otherwise, and
// churned once it has left. Renewal dates are contract anniversaries (monthly or
// yearly) counted with cs.Date.AddMonths from the contract start.
//
// The effort drivers (repeat contacts, transfers, channel switches, repeated
// information, generic answers) and the CES 1.0 and 2.0 scales come from "The
// Effortless Experience" (Dixon, Toman & DeLisi, 2013); the MRR movements (new,
// expansion, contraction, churn, reactivation, where cancelling one of several
// subscriptions is a contraction) follow ChartMogul's definitions. The numbers of
// the model are this package's own, chosen to look like a B2B SaaS book;
// they are not measured from any real company.
//
// # Contracts
//
// Generate is deterministic: the same Config gives the same Book and the same bytes
// from WriteCSV, whatever the platform. It reads no clock: the book date is
// Config.AsOf. The default book (2,000 customers, 24 months) is generated in well
// under a second. A Book is plain data owned by the caller; Generate is safe for
// concurrent use. Errors start with "samplebook:" and name the Config field or file.
//
// The book's files: customers.csv (the cs customer layout; churned customers with
// stage churned and a zero MRR), mrr.csv (one row per subscription and month with
// MRR > 0), contacts.csv, case_events.csv, surveys.csv, outcomes.csv (id,churned,date
// for every customer active at the book date: churned within the horizon, and the
// churn date or the horizon's end) and snapshots.csv (as_of, then the customer
// layout, one row per customer and month-end from the customer's start).
package samplebook
