// Package cs is the shared vocabulary of the successkit customer-success library:
// the customer, its recurring revenue as exact money, its signals and attributes,
// civil dates for contract arithmetic, the errors every package reports, and the
// readers and writers of customer files.
//
// The subpackages build on it: health scores customers with explainable scorecards,
// retention measures and projects recurring revenue, touch assigns customers to
// service tiers, effort scores customer effort, and playbook turns a customer's
// situation into prioritised tasks.
//
// # Index
//
// Money: [Money], [NewMoney], [MoneyFromMinor], [ParseMoney], [MustParseMoney],
// [ParseDecimal], [Sum]; [Money.Add], [Money.Sub], [Money.Cmp], [Money.Equal],
// [Money.Round], [Money.RoundBank], [Money.Minor], [Money.Convert], [Money.String].
// [Currency], [ParseCurrency], [Currency.Digits], [Currency.Known].
//
// Customers: [Customer] ([Customer.Validate], [Customer.ARR],
// [Customer.DaysToRenewal], [Customer.TenureDays], [Customer.MarshalJSON],
// [Customer.UnmarshalJSON]), [Signals], [Attributes], [Stage] ([ParseStage],
// [Stages]), [CheckID].
//
// Dates: [Date], [ParseDate], [MustParseDate], [NewDate], [DateOf], [DateFromUnix];
// [Date.DaysUntil], [Date.AddDays], [Date.AddMonths], [Date.Compare].
//
// Files: [ReadCustomersCSV], [CSVOptions.ReadCSV] and [CSVRecord] (extra columns,
// such as snapshots.csv's as_of), [CSVOptions.NewDecoder] and [CustomerDecoder]
// (rows split by a pipeline); [WriteCustomersCSV], [CSVWriter], [CSVLayout],
// [LayoutOf], [BaseColumns]; [ReadCustomersJSONL], [JSONLOptions.ReadJSONL],
// [WriteCustomersJSONL], [JSONLWriter].
//
// Errors: [FieldError], [CheckID] and the sentinels [ErrCurrencyMismatch],
// [ErrUnknownCurrency], [ErrNotDecimal], [ErrNotNumber], [ErrNotFinite],
// [ErrNegative], [ErrInvalidDate], [ErrDateOrder], [ErrMissing], [ErrUnknownField],
// [ErrDuplicateKey], [ErrDuplicate], [ErrInvalidStage], [ErrInvalidRate], [ErrRange],
// [ErrSyntax], [ErrWrongType], [ErrTooLong], [ErrInvalidID].
//
// # Money
//
// Money is an exact decimal amount (github.com/shopspring/decimal) with an ISO 4217
// Currency. It never converts implicitly: adding, subtracting or comparing two
// currencies is an error wrapping ErrCurrencyMismatch, and Convert takes the rate
// from the caller. The zero Money means "no amount" and is the identity of Add and
// Sub, so a running total may start from it. Rounding to the currency's minor unit
// is explicit: Round (half away from zero) or RoundBank (half to even). Parse and
// format with ParseMoney and String ("1200.50 USD"): String writes at least the
// minor digits and more only when significant, so equal amounts format alike and
// ParseMoney(m.String()) equals m for every amount. Money marshals to and from the
// same text in JSON and CSV. Amounts are plain decimals: no exponent, no grouping,
// no comma as decimal mark ("12,00" is ErrNotDecimal).
//
// # Customers
//
// Customer holds an account's ID, name, segment, lifecycle Stage, contract start
// and renewal Dates, MRR, numeric Signals and categorical Attributes. Missing is
// always explicit: the zero Date, the zero Money (HasMRR is false), StageUnknown, or
// a name absent from Signals or Attributes; a zero signal is a measured zero.
// Customer.Validate refuses an empty ID, NaN and infinite signals, negative MRR,
// unknown currencies, empty attribute values and renewal dates before the contract
// start; it allocates nothing for a valid customer.
//
// # Dates and time
//
// Date is a civil date of the proleptic Gregorian calendar, years 1 to 9999. Days
// to renewal are calendar days (Date.DaysUntil), right across daylight-saving
// changes, leap years and month ends, counted with Howard Hinnant's days_from_civil
// algorithm ("chrono-Compatible Low-Level Date Algorithms", 2013). AddMonths clamps
// to the end of a shorter month, as billing systems do. No function in this library
// reads the clock: "now" or "today" is always an argument; convert an instant with
// DateOf in the location whose calendar counts (23:30 UTC on June 30 is July 1 in
// Tokyo).
//
// # Files
//
// The customer CSV layout is a header row, then one customer per row:
//
//	id,name,segment,stage,contract_start,renewal_date,mrr,currency,signal.<name>...,attr.<name>...
//
// An empty cell is missing. The reader matches columns by header name, in any
// order; only id is required, mrr and currency come as a pair, and any other column
// is ErrUnknownField unless listed in CSVOptions.Extra. Signals are float64 cells,
// MRR a plain decimal amount with its currency code in the next column, dates
// YYYY-MM-DD, stages their lower-case word. The writer puts the base columns first,
// then the signal and attribute columns, each sorted, with the union of the names
// over all customers; it formats floats with strconv 'g' and the shortest exact
// precision, so write then read returns equal customers.
//
// JSON Lines holds one Customer.MarshalJSON object per line:
//
//	{"id":"c1","stage":"adoption","mrr":"1200.50 USD","signals":{"usage":0.82},"attributes":{"plan":"growth"}}
//
// Both readers are streaming iterators (iter.Seq2) that yield each good customer
// and, for each bad row or line, one error made of *FieldError values naming file,
// line, customer, field and the offending text; the rows after a bad one are still
// read, and a customer ID seen on an earlier row is ErrDuplicate. They never panic,
// whatever the bytes (fuzzed), and their memory does not follow the input: a row or
// line over 1 MiB (configurable) is ErrTooLong and is skipped without being held, a
// quote left open is reported at the line it opened and ends the file, UTF-16 text
// and files separated by semicolons are refused at the header with what to do. The
// duplicate-ID check keeps about 16 bytes per customer when the input can be read
// again (a file, a bytes.Reader): a 64-bit hash and the line, with a hash match
// confirmed by reading the earlier row again, so a collision never refuses a good
// file; reading a stream, it keeps the IDs. Lines with no quote and no carriage
// return are split directly; every other line is read by encoding/csv, with the
// same records, errors and line numbers (tested against an encoding/csv-only
// reader). Delivered strings (ID, name, segment, attributes) share the memory of
// their line. See BenchmarkReadCustomersCSV for the cost against encoding/csv.
//
// # Errors
//
// Errors wrap the sentinel errors of this package for errors.Is, and bad input
// values are reported as a *FieldError carrying the file, line, record and field or
// JSON path:
//
//	customers.csv:17: customer "c42": mrr: "12,00": not a decimal: a decimal comma? write 12.00
//
// FieldError is the one located error of the whole module: every package reports
// bad input with it, wrapped with its package name ("health: ", "touch: ").
// Messages are bounded: a quoted value is cut to 64 bytes, and a list of problems
// keeps ten and counts the rest ("and 999990 more problems"), so no error grows
// with the input. The JSON decoders of every package share one set of rules: an
// unknown key is ErrUnknownField, a repeated key ErrDuplicateKey, a value of the
// wrong kind ErrWrongType, malformed JSON, trailing data or nesting deeper than 64
// arrays and objects ErrSyntax, and a leading byte-order mark is accepted. Errors
// not tied to a file start with the package name, "cs: ".
//
// # Concurrency
//
// Money, Date, Stage, Currency, CSVOptions and CSVLayout are immutable values, safe
// to share. A Customer is a plain struct whose maps the caller owns; the library
// never modifies a Customer it is given. A CSVWriter or JSONLWriter, and each
// sequence a reader returns, is for one goroutine at a time.
package cs
