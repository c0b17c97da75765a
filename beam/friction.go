package csbeam

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/successkit/cs/effort"
)

// FrictionOptions configure Friction.
type FrictionOptions struct {
	// Config is effort's model configuration; the zero Config is the defaults.
	Config effort.Config
	// Now is the instant the friction is measured at (time decay, open cases,
	// records after it are refused).
	Now time.Time
	// ChunkBytes is the chunk size of the readers; 0 means DefaultChunkBytes.
	ChunkBytes int
	// Buckets is the number of customer groups; 0 means DefaultBuckets.
	Buckets int
}

// FrictionOutput is the output of Friction.
type FrictionOutput struct {
	Customers beam.PCollection // effort.CustomerFriction, one per customer with a valid case
	Dead      beam.PCollection // DeadLetter
}

// Friction reads contacts.csv and case_events.csv files (the layouts of
// effort.ReadContacts and effort.ReadCaseEvents, which read each chunk), groups
// the records by the customer they name (customers in DefaultBuckets groups) and
// runs effort.Model.AnalyzeAt on each group's records at opt.Now, giving each
// customer's effort.CustomerFriction.
//
// Exact: AnalyzeAt works per customer (a case's friction, its next issue and the
// time-decayed mean over the customer's cases read nothing of other customers),
// so each customer's result equals, bit for bit, its entry in the Report of
// AnalyzeAt over the whole book, whenever each contact ID and each case ID belongs
// to one customer, as in any consistent export.
//
// Not the same on inconsistent records that cross customers: a contact naming
// another customer than its case's events is reported as a contact of a case never
// opened (effort.ErrUnknownCase) rather than effort.ErrCustomerMismatch, and a
// contact ID repeated under two customers is kept under both, where AnalyzeAt keeps
// the earliest copy. Lines the readers refuse are DeadLetters with their file and
// line; the records AnalyzeAt refuses are DeadLetters with its error, which names
// the record and customer but no line (effort's Report does not say which record
// of its batch an error is about).
func Friction(s beam.Scope, contacts, events []string, opt FrictionOptions) (FrictionOutput, error) {
	s = s.Scope("Friction")
	if _, err := effort.NewModel(opt.Config); err != nil {
		return FrictionOutput{}, fmt.Errorf("csbeam: Friction: %w", err)
	}
	cfg, err := json.Marshal(opt.Config)
	if err != nil {
		return FrictionOutput{}, fmt.Errorf("csbeam: Friction: %w", err)
	}
	ro := ReadOptions{Format: CSV, ChunkBytes: opt.ChunkBytes}
	cChunks, dead0 := Chunks(s.Scope("contacts"), "Friction", contacts, ro)
	eChunks, dead1 := Chunks(s.Scope("events"), "Friction", events, ro)
	cKV, dead2 := beam.ParDo2(s, &decodeContactsFn{Buckets: opt.Buckets}, cChunks)
	eKV, dead3 := beam.ParDo2(s, &decodeEventsFn{Buckets: opt.Buckets}, eChunks)
	grouped := beam.CoGroupByKey(s, cKV, eKV)
	out, dead4 := beam.ParDo2(s, &frictionFn{Config: string(cfg), Now: opt.Now.UTC().Format(time.RFC3339Nano)}, grouped)
	return FrictionOutput{Customers: out, Dead: beam.Flatten(s, dead0, dead1, dead2, dead3, dead4)}, nil
}

// decodeContactsFn reads a chunk of contacts.csv with effort's reader and keys
// each contact by its customer's group.
type decodeContactsFn struct {
	Buckets int `json:"buckets"`
	b       batches[Contact]
}

func (f *decodeContactsFn) FinishBundle(emit func(int, ContactBatch), _ func(DeadLetter)) {
	f.b.flush(func(k int, s []Contact) { emit(k, ContactBatch{s}) })
}

func (f *decodeContactsFn) ProcessElement(ctx context.Context, c Chunk, emit func(int, ContactBatch), dead func(DeadLetter)) {
	full := func(k int, s []Contact) { emit(k, ContactBatch{s}) }
	readChunk(&c, effort.ReadContacts(c.records(), c.File), func(line int, _ []string, x effort.Contact, err error) {
		if err != nil {
			dead(deadLetter(ctx, "Friction", c.File, line, "", err))
			return
		}
		f.b.add(bucketOf(x.CustomerID, f.Buckets), Contact{File: c.File, Line: line, Rec: x}, full)
	})
}

// decodeEventsFn reads a chunk of case_events.csv with effort's reader and keys
// each event by its customer's group.
type decodeEventsFn struct {
	Buckets int `json:"buckets"`
	b       batches[CaseEvent]
}

func (f *decodeEventsFn) FinishBundle(emit func(int, CaseEventBatch), _ func(DeadLetter)) {
	f.b.flush(func(k int, s []CaseEvent) { emit(k, CaseEventBatch{s}) })
}

func (f *decodeEventsFn) ProcessElement(ctx context.Context, c Chunk, emit func(int, CaseEventBatch), dead func(DeadLetter)) {
	full := func(k int, s []CaseEvent) { emit(k, CaseEventBatch{s}) }
	readChunk(&c, effort.ReadCaseEvents(c.records(), c.File), func(line int, _ []string, x effort.CaseEvent, err error) {
		if err != nil {
			dead(deadLetter(ctx, "Friction", c.File, line, "", err))
			return
		}
		f.b.add(bucketOf(x.CustomerID, f.Buckets), CaseEvent{File: c.File, Line: line, Rec: x}, full)
	})
}

// frictionFn analyses the contacts and case events of one group of customers.
type frictionFn struct {
	Config string `json:"config"`
	Now    string `json:"now"`

	model *effort.Model
	now   time.Time
	c     counters
}

func (f *frictionFn) Setup() error {
	var cfg effort.Config
	if err := json.Unmarshal([]byte(f.Config), &cfg); err != nil {
		return err
	}
	var err error
	if f.model, err = effort.NewModel(cfg); err != nil {
		return err
	}
	if f.now, err = time.Parse(time.RFC3339Nano, f.Now); err != nil {
		return err
	}
	f.c = newCounters("Friction")
	return nil
}

func (f *frictionFn) ProcessElement(ctx context.Context, _ int, contacts func(*ContactBatch) bool, events func(*CaseEventBatch) bool,
	emit func(effort.CustomerFriction), dead func(DeadLetter)) {
	b := effort.NewBatch()
	var cb ContactBatch
	var eb CaseEventBatch
	var in int64
	// The batch does not depend on the order of its records (Analyze's contract),
	// so the order the runner delivers them in does not matter.
	for contacts(&cb) {
		for _, c := range cb.Recs {
			in++
			if err := b.AddContact(c.Rec); err != nil {
				dead(deadLetter(ctx, "Friction", c.File, c.Line, c.Rec.CustomerID, err))
			}
		}
	}
	for events(&eb) {
		for _, e := range eb.Recs {
			in++
			if err := b.AddCaseEvent(e.Rec); err != nil {
				dead(deadLetter(ctx, "Friction", e.File, e.Line, e.Rec.CustomerID, err))
			}
		}
	}
	f.c.in.Inc(ctx, in)
	rep := f.model.AnalyzeAt(b, f.now)
	for _, err := range rep.Errors {
		dead(deadLetter(ctx, "Friction", "", 0, "", err))
	}
	for _, cf := range rep.Customers {
		cf.Drivers = slices.Clone(cf.Drivers) // the report's drivers share one array
		f.c.out.Inc(ctx, 1)
		emit(cf)
	}
}
