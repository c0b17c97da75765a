package csbeam

import (
	"encoding/json"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/successkit/cs"
	"github.com/successkit/cs/effort"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/retention"
)

// Chunk is a run of whole records of one input file, the unit the readers hand to
// the workers: the raw bytes of consecutive lines, cut where the library's reader
// starts a record (never inside a quoted CSV field), the file's header for CSV
// inputs, and the 1-based line number of the chunk's first line, so every error
// names its file and line. Reading Header followed by Data with the library's
// reader gives the records of those lines as reading the whole file gives them.
type Chunk struct {
	File string // the file's name as given to the reader
	// Header is, for CSV, the file's bytes before its first record: the header
	// line with its line end (and any blank lines after it); "" for JSON Lines.
	Header    string
	FirstLine int    // line number of Data's first line
	Data      []byte // whole lines with their line ends; a line over 1 MiB cut to 1 MiB + 1 byte
}

// DeadLetter is a record that a transform refused: where it came from and why.
// Nothing is dropped silently: every refused record is one DeadLetter, also counted
// in the pipeline's metrics (see [MetricsNamespace]).
type DeadLetter struct {
	Transform string `json:"transform"`        // "ScoreCustomers", "Friction", "Retention" or "Backtest"
	File      string `json:"file,omitempty"`   // the input file, when the record came from one
	Line      int    `json:"line,omitempty"`   // the 1-based line, 0 when not tied to one line
	Record    string `json:"record,omitempty"` // the record's ID (customer, contact, case)
	Err       string `json:"error"`            // the library's error message
}

// ScoreRow is the health score of one customer, as health.Scorer.Score computes it:
// the score, its grade ("" when Unknown), the coverage and the first of
// Result.Reasons. Score and Coverage are the library's float64 values bit for bit.
type ScoreRow struct {
	ID       string  `json:"id"`
	File     string  `json:"file"`
	Line     int     `json:"line"`
	Profile  string  `json:"profile"`
	Score    float64 `json:"score"`
	Grade    string  `json:"grade"`
	Unknown  bool    `json:"unknown"`
	Coverage float64 `json:"coverage"`
	Reason   string  `json:"reason,omitempty"`
}

// located wraps a record read from a file with its place, so that a refusal found
// after a shuffle still names the file and line.
type located[T any] struct {
	File string
	Line int
	Rec  T
}

// Contact is an effort.Contact with the file and line it was read from.
type Contact located[effort.Contact]

// CaseEvent is an effort.CaseEvent with the file and line it was read from.
type CaseEvent located[effort.CaseEvent]

// MRRRecord is a retention.Record with the file and line it was read from. Bad
// marks a line that could not be read: it carries only the customer ID, so that
// the customer is left out of the book, as retention.ReadMRR leaves it out.
type MRRRecord struct {
	File string
	Line int
	Rec  retention.Record
	Bad  bool
}

// Snapshot is a scored customer as of a date (health.ScoredSnapshot) with the file
// and line of its row.
type Snapshot located[health.ScoredSnapshot]

// Outcome is a customer's outcome (health.Outcome) with the file and line of its row.
type Outcome located[health.Outcome]

func init() {
	// Every type that crosses a shuffle has a coder for the whole struct, written
	// here by hand: Beam's default schema coder cannot see the unexported fields of
	// cs.Money (amount and currency) and would deliver every amount as zero, without
	// an error. TestReshuffleRoundTrip sends one value of each through a shuffle.
	beam.RegisterCoder(reflect.TypeFor[Chunk](), encChunk, decChunk)
	beam.RegisterCoder(reflect.TypeFor[DeadLetter](), encDeadLetter, decDeadLetter)
	beam.RegisterCoder(reflect.TypeFor[ScoreRow](), encScoreRow, decScoreRow)
	beam.RegisterCoder(reflect.TypeFor[Contact](), encContact, decContact)
	beam.RegisterCoder(reflect.TypeFor[CaseEvent](), encCaseEvent, decCaseEvent)
	beam.RegisterCoder(reflect.TypeFor[MRRRecord](), encMRRRecord, decMRRRecord)
	beam.RegisterCoder(reflect.TypeFor[Snapshot](), encSnapshot, decSnapshot)
	beam.RegisterCoder(reflect.TypeFor[Outcome](), encOutcome, decOutcome)
	beam.RegisterCoder(reflect.TypeFor[cs.Customer](), encCustomer, decCustomer)
	beam.RegisterCoder(reflect.TypeFor[cs.Money](), encMoney, decMoney)
	beam.RegisterCoder(reflect.TypeFor[effort.CustomerFriction](), encFriction, decFriction)
	beam.RegisterCoder(reflect.TypeFor[retention.Period](), encPeriod, decPeriod)
	beam.RegisterCoder(reflect.TypeFor[retention.Cohort](), encCohort, decCohort)
	beam.RegisterCoder(reflect.TypeFor[bookAcc](), encBookAcc, decBookAcc)
	beam.RegisterCoder(reflect.TypeFor[BacktestReport](), encBacktestReport, decBacktestReport)
	beam.RegisterCoder(reflect.TypeFor[RetentionReport](), encRetentionReport, decRetentionReport)
}

func encChunk(c Chunk) []byte {
	w := wbuf{b: make([]byte, 0, len(c.Data)+len(c.File)+len(c.Header)+16)}
	w.str(c.File)
	w.str(c.Header)
	w.int(int64(c.FirstLine))
	w.bytes(c.Data)
	return w.b
}

func decChunk(b []byte) (Chunk, error) {
	r := rbuf{b: b}
	c := Chunk{File: r.str(), Header: r.str(), FirstLine: int(r.int()), Data: r.bytes()}
	return c, r.done()
}

func encDeadLetter(d DeadLetter) []byte {
	var w wbuf
	w.str(d.Transform)
	w.str(d.File)
	w.int(int64(d.Line))
	w.str(d.Record)
	w.str(d.Err)
	return w.b
}

func decDeadLetter(b []byte) (DeadLetter, error) {
	r := rbuf{b: b}
	d := DeadLetter{Transform: r.str(), File: r.str(), Line: int(r.int()), Record: r.str(), Err: r.str()}
	return d, r.done()
}

func encScoreRow(s ScoreRow) []byte {
	var w wbuf
	w.str(s.ID)
	w.str(s.File)
	w.int(int64(s.Line))
	w.str(s.Profile)
	w.f64(s.Score)
	w.str(s.Grade)
	w.bool(s.Unknown)
	w.f64(s.Coverage)
	w.str(s.Reason)
	return w.b
}

func decScoreRow(b []byte) (ScoreRow, error) {
	r := rbuf{b: b}
	s := ScoreRow{ID: r.str(), File: r.str(), Line: int(r.int()), Profile: r.str(), Score: r.f64(),
		Grade: r.str(), Unknown: r.bool(), Coverage: r.f64(), Reason: r.str()}
	return s, r.done()
}

func encContact(c Contact) []byte {
	var w wbuf
	w.str(c.File)
	w.int(int64(c.Line))
	x := &c.Rec
	w.str(x.ID)
	w.str(x.CustomerID)
	w.str(x.CaseID)
	w.time(x.Time)
	w.int(int64(x.Channel))
	w.str(x.Agent)
	w.bool(x.RepeatedInfo)
	w.bool(x.GenericAnswer)
	w.bool(x.Transferred)
	return w.b
}

func decContact(b []byte) (Contact, error) {
	r := rbuf{b: b}
	c := Contact{File: r.str(), Line: int(r.int())}
	x := &c.Rec
	x.ID, x.CustomerID, x.CaseID = r.str(), r.str(), r.str()
	x.Time = r.time()
	x.Channel = effort.Channel(r.int())
	x.Agent = r.str()
	x.RepeatedInfo, x.GenericAnswer, x.Transferred = r.bool(), r.bool(), r.bool()
	return c, r.done()
}

func encCaseEvent(e CaseEvent) []byte {
	var w wbuf
	w.str(e.File)
	w.int(int64(e.Line))
	w.str(e.Rec.CaseID)
	w.str(e.Rec.CustomerID)
	w.int(int64(e.Rec.Kind))
	w.time(e.Rec.Time)
	return w.b
}

func decCaseEvent(b []byte) (CaseEvent, error) {
	r := rbuf{b: b}
	e := CaseEvent{File: r.str(), Line: int(r.int())}
	e.Rec.CaseID, e.Rec.CustomerID = r.str(), r.str()
	e.Rec.Kind = effort.EventKind(r.int())
	e.Rec.Time = r.time()
	return e, r.done()
}

func encMRRRecord(m MRRRecord) ([]byte, error) {
	var w wbuf
	w.str(m.File)
	w.int(int64(m.Line))
	w.str(m.Rec.Customer)
	w.str(m.Rec.Subscription)
	w.int(int64(m.Rec.Month))
	w.money(m.Rec.MRR)
	w.bool(m.Bad)
	return w.b, w.err
}

func decMRRRecord(b []byte) (MRRRecord, error) {
	r := rbuf{b: b}
	m := MRRRecord{File: r.str(), Line: int(r.int())}
	m.Rec.Customer, m.Rec.Subscription = r.str(), r.str()
	m.Rec.Month = retention.Month(r.int())
	m.Rec.MRR = r.money()
	m.Bad = r.bool()
	return m, r.done()
}

func encSnapshot(s Snapshot) ([]byte, error) {
	var w wbuf
	w.str(s.File)
	w.int(int64(s.Line))
	w.str(s.Rec.ID)
	w.date(s.Rec.Date)
	w.f64(s.Rec.Score)
	w.str(s.Rec.Grade)
	w.money(s.Rec.MRR)
	w.str(s.Rec.Segment)
	w.str(s.Rec.Profile)
	return w.b, w.err
}

func decSnapshot(b []byte) (Snapshot, error) {
	r := rbuf{b: b}
	s := Snapshot{File: r.str(), Line: int(r.int())}
	s.Rec.ID = r.str()
	s.Rec.Date = r.date()
	s.Rec.Score = r.f64()
	s.Rec.Grade = r.str()
	s.Rec.MRR = r.money()
	s.Rec.Segment, s.Rec.Profile = r.str(), r.str()
	return s, r.done()
}

func encOutcome(o Outcome) []byte {
	var w wbuf
	w.str(o.File)
	w.int(int64(o.Line))
	w.str(o.Rec.ID)
	w.bool(o.Rec.Churned)
	w.date(o.Rec.Date)
	return w.b
}

func decOutcome(b []byte) (Outcome, error) {
	r := rbuf{b: b}
	o := Outcome{File: r.str(), Line: int(r.int())}
	o.Rec.ID = r.str()
	o.Rec.Churned = r.bool()
	o.Rec.Date = r.date()
	return o, r.done()
}

// A customer travels as its own JSON form (cs.Customer.MarshalJSON), which keeps
// MRR as exact decimal text and every signal as the shortest float text that reads
// back to the same bits.
func encCustomer(c cs.Customer) ([]byte, error) { return json.Marshal(c) }

func decCustomer(b []byte) (cs.Customer, error) {
	var c cs.Customer
	err := json.Unmarshal(b, &c)
	return c, err
}

func encMoney(m cs.Money) ([]byte, error) { return m.MarshalText() }

func decMoney(b []byte) (cs.Money, error) {
	var m cs.Money
	err := m.UnmarshalText(b)
	return m, err
}

// effort.CustomerFriction holds floats, ints, a time and drivers: JSON keeps them
// exactly (shortest round-trip floats, RFC 3339 times with nanoseconds).
func encFriction(f effort.CustomerFriction) ([]byte, error) { return json.Marshal(f) }

func decFriction(b []byte) (effort.CustomerFriction, error) {
	var f effort.CustomerFriction
	err := json.Unmarshal(b, &f)
	return f, err
}

// Periods and cohorts hold cs.Money (JSON text through MarshalText), months (text)
// and counts.
func encPeriod(p retention.Period) ([]byte, error) { return json.Marshal(p) }

func decPeriod(b []byte) (retention.Period, error) {
	var p retention.Period
	err := json.Unmarshal(b, &p)
	return p, err
}

func encCohort(c retention.Cohort) ([]byte, error) { return json.Marshal(c) }

func decCohort(b []byte) (retention.Cohort, error) {
	var c retention.Cohort
	err := json.Unmarshal(b, &c)
	return c, err
}

func encBookAcc(a bookAcc) ([]byte, error) { return a.marshal() }

func decBookAcc(b []byte) (bookAcc, error) { return unmarshalBookAcc(b) }

// The report travels as JSON, with the ROC curve's +Inf threshold as null (see
// FormatBacktest).
func encBacktestReport(r BacktestReport) ([]byte, error) {
	s, err := FormatBacktest(r)
	return []byte(s), err
}

func decBacktestReport(p []byte) (BacktestReport, error) { return parseBacktest(p) }

func encRetentionReport(r RetentionReport) ([]byte, error) { return json.Marshal(r) }

func decRetentionReport(b []byte) (RetentionReport, error) {
	var r RetentionReport
	err := json.Unmarshal(b, &r)
	return r, err
}
