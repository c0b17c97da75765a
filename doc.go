// Package cs is the shared vocabulary of the successkit customer-success library:
// the customer, its recurring revenue as exact money, its signals and attributes,
// civil dates for contract arithmetic, and the errors every package reports.
//
// The subpackages build on it: health scores customers with explainable scorecards,
// retention measures and projects recurring revenue, touch assigns customers to
// service tiers, effort scores customer effort, and playbook turns a customer's
// situation into prioritised tasks.
//
// # Money
//
// Money is an exact decimal amount (github.com/shopspring/decimal) with an ISO 4217
// Currency. It never converts implicitly: adding, subtracting or comparing two
// currencies is an error wrapping ErrCurrencyMismatch, and Convert takes the rate
// from the caller. Rounding to the currency's minor unit is explicit (Round,
// RoundBank). Parse and format with ParseMoney and String ("1200.50 USD"); Money
// marshals to and from the same text in JSON and CSV.
//
// # Customers
//
// Customer holds an account's ID, name, segment, lifecycle Stage, contract start
// and renewal Dates, MRR, numeric Signals and categorical Attributes. Missing is
// always explicit: the zero Date, the zero Money, StageUnknown, or a name absent
// from Signals or Attributes. Customer.Validate refuses NaN and infinite signals,
// negative MRR, unknown currencies and renewal dates before the contract start.
//
// # Dates and time
//
// Date is a civil date. Days to renewal are calendar days (Date.DaysUntil), right
// across daylight-saving changes and month ends. No function in this library reads
// the clock: "now" or "today" is always an argument.
//
// # Errors
//
// Errors wrap the sentinel errors of this package (ErrNotDecimal, ErrNegative,
// ErrCurrencyMismatch, ...) for errors.Is, and bad input values are reported as a
// *FieldError carrying the file, line, record and field:
//
//	customers.csv:17: mrr: "12,00": not a decimal
//
// # Concurrency
//
// Money, Date, Stage and Currency are immutable values, safe to share. A Customer is
// a plain struct whose maps the caller owns; the library never modifies a Customer
// it is given.
package cs
