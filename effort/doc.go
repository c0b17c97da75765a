// Package effort measures customer effort: from CES surveys, and from the support
// interactions themselves as a friction score with its drivers; it rolls both up per
// customer, feeds them to health as signals, and finds the customers who suffer in
// silence.
//
// Customers leave over effort rather than over a lack of delight: 96% of customers
// with a high-effort service interaction became more disloyal, against 9% with a low
// one (DOMAIN.md §5; Dixon, Toman & DeLisi, "The Effortless Experience", 2013).
//
// # API by family
//
// Surveys:
//   - Scale (ScaleCES2, ScaleCES1, ScaleNPS), ParseScale, Response, Response.Validate.
//   - Ease: a CES answer on the common 0–100 ease scale.
//   - SummarizeCES, CESByCustomer, CESByMonth → CESSummary (mean, share easy, share
//     difficult, distribution, count, Method), CustomerCES, PeriodCES.
//
// Friction from interactions:
//   - Contact, Channel (SelfService, Email, Chat, Phone, Meeting), CaseEvent,
//     EventKind (Opened, Resolved, Reopened), ParseChannel, ParseEventKind.
//   - Batch (NewBatch, AddContact, AddCaseEvent): records in a compact interned form.
//   - Config, Weights, DefaultWeights, NewModel → Model; Model.AnalyzeAt → Report with
//     CustomerFriction per customer (Report.Top for the highest), CaseFriction per
//     case (Report.Case, CasesOf) and one error per rejected record. Driver,
//     DriverKind and NumDrivers name the drivers.
//   - Decay: the half-life weight of a case by age.
//
// Per customer and signals:
//   - Profiles joins friction and CES into CustomerEffort; CustomerEffort.AddSignals
//     writes the cs.Signals "friction" (0..100), "fcr_rate" (0..1) and "ces" (1..7).
//   - Silence.FindAt lists the silently dissatisfied (Silent, Evidence, Complaint).
//
// Files (the sample book's formats; streaming, one error per bad line):
//   - NewContactReader (contacts.csv), NewCaseEventReader (case_events.csv),
//     NewSurveyReader (surveys.csv); LoadBatch and ReadResponses read whole files.
//
// # Formulas and their sources
//
// CES 2.0 ("the company made it easy for me to handle my issue", 1–7, higher easier)
// and CES 1.0 ("how much effort did you personally have to put forth", 1–5, lower
// easier) are as in DOMAIN.md §5. Ease maps CES 2.0 s to (s−1)/6×100 and CES 1.0 s to
// (5−s)/4×100, so both scales' extremes are 0 and 100 and their midpoints 50. Share
// easy counts CES 2.0 answers 5–7 and share difficult 1–3 (DOMAIN.md §5: 8 answers of
// 5–7 out of 10 = 80%); CES 1.0 answers are classified by the same ease threshold (1–2
// easy, 4–5 difficult).
//
// First-contact resolution follows DOMAIN.md §5: cases resolved with no further
// contact about the same issue within a window (7 days by default) ÷ cases resolved.
// Here a case is first-contact resolved when it was resolved, never reopened, and had
// at most one contact from its start to FCRWindowDays after its first resolution.
//
// The friction drivers are those of "The Effortless Experience" (repeat contacts,
// transfers, channel switching — self-service forced to an assisted channel counted
// apart —, repeating information, generic answers) plus reopenings, resolution time
// beyond a target, and the "next issue" of seed 001 (another case opened within
// NextIssueDays of a resolution counts against that resolution). A case's friction is
// Σ value×weight over the drivers, capped at 100; the default weights
// (DefaultWeights) are product choices documented there, not figures from a source.
// A customer's friction is the mean of its cases' friction weighted by
// 2^(−age/half-life), age being the time from a case's last activity to "now".
//
// # Contracts
//
//   - Bounds: friction 0..100; ease 0..100; shares and rates 0..1; Decay 0..1.
//   - Zero values: the zero Config and the zero Weights mean the defaults; a
//     CESSummary with Count 0 means no data; signals without data are left absent.
//   - Time is an argument: Analyze and Silence.FindAt take "now"; no function reads the
//     clock. Times are compared as instants (Unix seconds), whatever their location.
//   - Errors: messages start with "effort: " and wrap a *cs.FieldError naming the file
//     and line, or the record and field; errors.Is works with this package's sentinels
//     (ErrUnknownCase, ErrFuture, ErrScore, ...) and the root package's. In batch work
//     a bad record yields one error and never stops the others: a contact for a case
//     never opened, a resolution before its opening, a record after "now" or naming
//     another customer than its case.
//   - Determinism: Analyze's result does not depend on the order of the records. A
//     contact ID counts once: within its case the earliest copy is kept; copies on
//     other cases are dropped with an error wrapping cs.ErrDuplicate. An event
//     repeated exactly counts once, and a repeated bad record gives one error.
//     Contacts may precede their case's opening event (a first contact often opens it). Outputs
//     are sorted by customer ID, then opening time and case ID; sums are taken in that
//     order without fused multiply-add.
//   - Concurrency: a Model and a filled Batch are safe for concurrent Analyze calls; a
//     Batch must not be added to concurrently. Reports are read-only.
//   - Performance: Analyze finds copies across cases with a radix sort of 32-bit ID
//     hashes and copies the contacts into per-case runs of 24-byte records, all in
//     memory the Model keeps for its next calls, so its allocations do not grow
//     with the number of contacts
//     (BenchmarkFriction10M: 10M contacts, 1M cases, 100k customers).
package effort
