// Package effort measures customer effort: from CES surveys, and from the support
// interactions themselves as a friction score with its drivers; it rolls both up per
// customer, feeds them to health as signals, and finds the customers who suffer in
// silence.
//
// Customers leave over effort rather than over a lack of delight: 96% of customers
// with a high-effort service interaction became more disloyal, against 9% with a low
// one (Dixon, Toman & DeLisi, 2013).
//
// # Sources
//
//   - Matthew Dixon, Nick Toman and Rick DeLisi, The Effortless Experience:
//     Conquering the New Battleground for Customer Loyalty, Portfolio, 2013: cited
//     as "Dixon, Toman & DeLisi, 2013" (the CES questions, the effort drivers, the
//     loyalty figures).
//   - Matthew Dixon, Karen Freeman and Nicholas Toman, "Stop Trying to Delight
//     Your Customers", Harvard Business Review, July–August 2010: cited as "the HBR
//     survey, 2010" (62% of customers contacted repeatedly, 59% were transferred,
//     57% switched from web to phone, 56% had to re-explain).
//   - Hiroko Razavi, 『カスタマーサクセスとは何か』 ("What is customer success?"),
//     Eiji Press, 2019: cited as "Razavi, 2019" (LinkedIn's support team: whoever
//     takes the call owns the problem and resolves the likely next issue in the
//     same contact, "next issue avoidance").
//   - ECのミカタ編集部, 6割超が「カスタマーサクセス」の意味を誤解? ODKソリューションズが調査結果を公開
//     ("Over 60% misunderstand customer success? ODK Solutions publishes a
//     survey"), ECのミカタ, undated: cited as "the ECのミカタ survey article"
//     (dissatisfied customers who never raise it with support).
//
// # API
//
// Surveys: [Scale] ([ScaleCES2], [ScaleCES1], [ScaleNPS]), [ParseScale], [Response]
// and [Response.Validate]; [Ease] puts a CES answer on the common 0–100 ease
// scale; [SummarizeCES], [CESByCustomer] and [CESByMonth] give a [CESSummary]
// ([CESSummary.MeanCES2], [MethodCES]), per [CustomerCES] or [PeriodCES].
//
// Friction from interactions: [Contact] with its [Channel] ([ParseChannel],
// [Channel.Assisted]) and [CaseEvent] with its [EventKind] ([ParseEventKind]) go
// into a [Batch] ([NewBatch], [Batch.AddContact], [Batch.AddCaseEvent],
// [Batch.Len]); a [Config] with its [Weights] ([DefaultWeights]) compiles with
// [NewModel] into a [Model] ([Model.Config]), whose [Model.AnalyzeAt] gives a
// [Report]: a [CustomerFriction] per customer ([Report.Top]), a [CaseFriction] per
// case ([Report.NumCases], [Report.Case], [Report.CasesOf],
// [CaseFriction.Drivers]) explained by [Driver]s of each [DriverKind], and one
// error per rejected record. [Decay] is the half-life weight of a case by age.
//
// Per customer: [Profiles] joins friction and CES into a [CustomerEffort], whose
// [CustomerEffort.AddSignals] writes the cs.Signals [SignalFriction] (0..100),
// [SignalFCRRate] (0..1) and [SignalCES] (1..7); [Silence.FindAt] lists the
// silently dissatisfied ([Silent], [Evidence], [Complaint]).
//
// Files (the sample book's formats): [ReadContacts], [ReadCaseEvents] and
// [ReadSurveys] stream contacts.csv, case_events.csv and surveys.csv as
// iter.Seq2 sequences, with [CSVOptions] for the longest record; [LoadBatch]
// and [ReadResponses] read whole files.
//
// # Formulas and their sources
//
// CES 2.0 ("the company made it easy for me to handle my issue", 1–7, higher easier)
// and CES 1.0 ("how much effort did you personally have to put forth to handle your
// request", 1–5, lower easier) are those of Dixon, Toman & DeLisi (2013). Ease maps
// CES 2.0 s to (s−1)/6×100 and CES 1.0 s to (5−s)/4×100, so both scales' extremes
// are 0 and 100 and their midpoints 50. Share easy counts CES 2.0 answers 5–7 and
// share difficult 1–3 (8 answers of 5–7 out of 10 is 80% easy); CES 1.0 answers are
// classified by the same ease threshold (1–2 easy, 4–5 difficult).
//
// First-contact resolution is the common measure: cases resolved with no further
// contact about the same issue within a window (7 days is the usual one, 7–14
// days are seen) ÷ cases resolved. Here a case is first-contact resolved when it
// was resolved, never reopened, and had at most one contact from its start to
// FCRWindowDays after its first resolution.
//
// The friction drivers are those of Dixon, Toman & DeLisi (2013) and the HBR
// survey (2010): repeat contacts, transfers, channel switching (self-service forced
// to an assisted channel counted apart), repeating information, generic answers;
// plus reopenings, resolution time beyond a target, and the "next issue" of
// Razavi (2019): another case opened within NextIssueDays of a resolution counts
// against that resolution. A case's friction is Σ value×weight over the drivers,
// capped at 100; the default weights (DefaultWeights) are product choices
// documented there, not figures from a source. A customer's friction is the mean of
// its cases' friction weighted by 2^(−age/half-life), age being the time from a
// case's last activity to "now".
//
// # Contracts
//
//   - Bounds: friction 0..100; ease 0..100; shares and rates 0..1; Decay 0..1.
//   - Zero values: the zero Config and the zero Weights mean the defaults; a
//     CESSummary with Count 0 means no data; signals without data are left absent.
//   - Time is an argument: AnalyzeAt and Silence.FindAt take "now" as an instant,
//     since decay and the future check depend on the time of day (hence the At in
//     their names); no function reads the clock. Times are compared as instants
//     (Unix seconds), whatever their location.
//   - Errors: messages start with "effort: " and wrap a *cs.FieldError naming the file
//     and line, or the record and field; errors.Is works with this package's sentinels
//     (ErrUnknownCase, ErrFuture, ErrScore, ...) and the root package's. In batch work
//     a bad record yields one error and never stops the others: a contact for a case
//     never opened, a resolution before its opening, a record after "now" or naming
//     another customer than its case. Values are quoted cut to 64 bytes, and the
//     errors that join problems list ten and count the rest, so no message grows
//     with the input; a CSV line over the reader's limit (1 MiB) is skipped without
//     being read into memory.
//   - Determinism: AnalyzeAt's result does not depend on the order of the records. A
//     contact ID counts once: within its case the earliest copy is kept; copies on
//     other cases are dropped with an error wrapping cs.ErrDuplicate. An event
//     repeated exactly counts once, and a repeated bad record gives one error.
//     Contacts may precede their case's opening event (a first contact often opens
//     it). Outputs are sorted by customer ID, then opening time and case ID; sums
//     are taken in that order without fused multiply-add.
//   - Concurrency: a Model and a filled Batch are safe for concurrent AnalyzeAt calls;
//     a Batch must not be added to concurrently. Reports are read-only.
//   - Performance: AnalyzeAt finds copies across cases with a radix sort of 32-bit ID
//     hashes and copies the contacts into per-case runs of 24-byte records, all in
//     memory the Model keeps for its next calls, so its allocations do not grow with
//     the number of contacts. BenchmarkFriction10M (10M contacts, 1M cases, 100k
//     customers) holds it to three times one sort and one pass over the contacts.
package effort
