package csbeam

import (
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
)

// batchSize is the most records of one customer group a batch carries across a
// shuffle. Records travel in batches because a runner's cost per element (on
// prism about a hundred microseconds under load) dwarfs the library's work per
// record; a worker buffers at most batchSize records per group.
const batchSize = 512

// The batches of records keyed by customer group, one type per record type (a
// registered type or function is found by name, and generic instantiations share
// theirs).
type (
	// ContactBatch is a batch of contacts of one customer group.
	ContactBatch struct{ Recs []Contact }
	// CaseEventBatch is a batch of case events of one customer group.
	CaseEventBatch struct{ Recs []CaseEvent }
	// MRRBatch is a batch of MRR records of one customer group.
	MRRBatch struct{ Recs []MRRRecord }
	// SnapshotBatch is a batch of scored snapshots of one customer group.
	SnapshotBatch struct{ Recs []Snapshot }
	// OutcomeBatch is a batch of outcomes of one customer group.
	OutcomeBatch struct{ Recs []Outcome }
)

// batches buffers records per group and hands out full batches.
type batches[T any] struct {
	m map[int][]T
}

func (b *batches[T]) add(k int, x T, full func(int, []T)) {
	if b.m == nil {
		b.m = map[int][]T{}
	}
	s := append(b.m[k], x)
	if len(s) >= batchSize {
		full(k, s)
		s = nil
	}
	b.m[k] = s
}

func (b *batches[T]) flush(out func(int, []T)) {
	for k, s := range b.m {
		if len(s) > 0 {
			out(k, s)
		}
	}
	b.m = nil
}

// encBatch and decBatch code a batch as its records' own encodings, each with its
// length.
func encBatch[T any](recs []T, enc func(T) ([]byte, error)) ([]byte, error) {
	var w wbuf
	w.int(int64(len(recs)))
	for _, r := range recs {
		b, err := enc(r)
		if err != nil {
			return nil, err
		}
		w.bytes(b)
	}
	return w.b, nil
}

func decBatch[T any](p []byte, dec func([]byte) (T, error)) ([]T, error) {
	r := rbuf{b: p}
	n := r.int()
	if n < 0 || n > int64(len(p)) {
		return nil, errCodec
	}
	recs := make([]T, 0, n)
	for range n {
		x, err := dec(r.raw())
		if err != nil {
			return nil, err
		}
		recs = append(recs, x)
	}
	return recs, r.done()
}

func withNil[T any](f func(T) []byte) func(T) ([]byte, error) {
	return func(x T) ([]byte, error) { return f(x), nil }
}

func encContactBatch(b ContactBatch) ([]byte, error) { return encBatch(b.Recs, withNil(encContact)) }
func decContactBatch(p []byte) (ContactBatch, error) {
	r, err := decBatch(p, decContact)
	return ContactBatch{r}, err
}
func encCaseEventBatch(b CaseEventBatch) ([]byte, error) {
	return encBatch(b.Recs, withNil(encCaseEvent))
}
func decCaseEventBatch(p []byte) (CaseEventBatch, error) {
	r, err := decBatch(p, decCaseEvent)
	return CaseEventBatch{r}, err
}
func encMRRBatch(b MRRBatch) ([]byte, error) { return encBatch(b.Recs, encMRRRecord) }
func decMRRBatch(p []byte) (MRRBatch, error) {
	r, err := decBatch(p, decMRRRecord)
	return MRRBatch{r}, err
}
func encSnapshotBatch(b SnapshotBatch) ([]byte, error) { return encBatch(b.Recs, encSnapshot) }
func decSnapshotBatch(p []byte) (SnapshotBatch, error) {
	r, err := decBatch(p, decSnapshot)
	return SnapshotBatch{r}, err
}
func encOutcomeBatch(b OutcomeBatch) ([]byte, error) { return encBatch(b.Recs, withNil(encOutcome)) }
func decOutcomeBatch(p []byte) (OutcomeBatch, error) {
	r, err := decBatch(p, decOutcome)
	return OutcomeBatch{r}, err
}

// snapshotKeyFn and outcomeKeyFn batch records by their customer's group.
type snapshotKeyFn struct {
	Buckets int `json:"buckets"`
	b       batches[Snapshot]
}

func (f *snapshotKeyFn) ProcessElement(x Snapshot, emit func(int, SnapshotBatch)) {
	f.b.add(bucketOf(x.Rec.ID, f.Buckets), x, func(k int, s []Snapshot) { emit(k, SnapshotBatch{s}) })
}

func (f *snapshotKeyFn) FinishBundle(emit func(int, SnapshotBatch)) {
	f.b.flush(func(k int, s []Snapshot) { emit(k, SnapshotBatch{s}) })
}

type outcomeKeyFn struct {
	Buckets int `json:"buckets"`
	b       batches[Outcome]
}

func (f *outcomeKeyFn) ProcessElement(x Outcome, emit func(int, OutcomeBatch)) {
	f.b.add(bucketOf(x.Rec.ID, f.Buckets), x, func(k int, s []Outcome) { emit(k, OutcomeBatch{s}) })
}

func (f *outcomeKeyFn) FinishBundle(emit func(int, OutcomeBatch)) {
	f.b.flush(func(k int, s []Outcome) { emit(k, OutcomeBatch{s}) })
}

func init() {
	beam.RegisterCoder(reflect.TypeFor[ContactBatch](), encContactBatch, decContactBatch)
	beam.RegisterCoder(reflect.TypeFor[CaseEventBatch](), encCaseEventBatch, decCaseEventBatch)
	beam.RegisterCoder(reflect.TypeFor[MRRBatch](), encMRRBatch, decMRRBatch)
	beam.RegisterCoder(reflect.TypeFor[SnapshotBatch](), encSnapshotBatch, decSnapshotBatch)
	beam.RegisterCoder(reflect.TypeFor[OutcomeBatch](), encOutcomeBatch, decOutcomeBatch)
	register.DoFn2x0[Snapshot, func(int, SnapshotBatch)](&snapshotKeyFn{})
	register.DoFn2x0[Outcome, func(int, OutcomeBatch)](&outcomeKeyFn{})
	register.Emitter2[int, ContactBatch]()
	register.Emitter2[int, CaseEventBatch]()
	register.Emitter2[int, MRRBatch]()
	register.Emitter2[int, SnapshotBatch]()
	register.Emitter2[int, OutcomeBatch]()
	register.Iter1[ContactBatch]()
	register.Iter1[CaseEventBatch]()
	register.Iter1[MRRBatch]()
	register.Iter1[SnapshotBatch]()
	register.Iter1[OutcomeBatch]()
}
