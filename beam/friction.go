package csbeam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
// effort.NewContactReader and effort.NewCaseEventReader), groups the records by
// the customer they name (customers in DefaultBuckets groups) and runs
// effort.Model.Analyze on each group's records at opt.Now, giving each customer's
// effort.CustomerFriction.
//
// Exact: Analyze works per customer (a case's friction, its next issue and the
// time-decayed mean over the customer's cases read nothing of other customers),
// so each customer's result equals, bit for bit, its entry in the Report of
// Analyze over the whole book, whenever each contact ID and each case ID belongs
// to one customer, as in any consistent export.
//
// Not the same on inconsistent records that cross customers: a contact naming
// another customer than its case's events is reported as a contact of a case never
// opened (effort.ErrUnknownCase) rather than effort.ErrCustomerMismatch, and a
// contact ID repeated under two customers is kept under both, where Analyze keeps
// the earliest copy. Lines the readers refuse carry their file and line; the errors
// of Analyze name the record and customer (effort does not keep lines).
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
	r := effort.NewContactReader(c.records(), c.File)
	for {
		x, err := r.Read()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			header := firstLine(err) == 1
			err = c.relocate(err)
			dead(deadLetter(ctx, "Friction", c.File, firstLine(err), "", err))
			if header { // a bad header is returned by every call
				return
			}
			continue
		}
		f.b.add(bucketOf(x.CustomerID, f.Buckets), Contact{File: c.File, Rec: x}, func(k int, s []Contact) { emit(k, ContactBatch{s}) })
	}
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
	r := effort.NewCaseEventReader(c.records(), c.File)
	for {
		x, err := r.Read()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			header := firstLine(err) == 1
			err = c.relocate(err)
			dead(deadLetter(ctx, "Friction", c.File, firstLine(err), "", err))
			if header {
				return
			}
			continue
		}
		f.b.add(bucketOf(x.CustomerID, f.Buckets), CaseEvent{File: c.File, Rec: x}, func(k int, s []CaseEvent) { emit(k, CaseEventBatch{s}) })
	}
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
	rep := f.model.Analyze(b, f.now)
	for _, err := range rep.Errors {
		dead(deadLetter(ctx, "Friction", "", 0, "", err))
	}
	for _, cf := range rep.Customers {
		cf.Drivers = slices.Clone(cf.Drivers) // the report's drivers share one array
		f.c.out.Inc(ctx, 1)
		emit(cf)
	}
}
