package cycle

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/successkit/cs"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/touch"
)

// row is the compact state a run keeps per customer: a few words, never a
// whole result. Strings are copies, so that a row never pins the line a
// reader delivered its customer in.
type row struct {
	id, name  string
	mrr       int64   // MRR in minor units of currencies[cur]; see exotic
	score     float64 // today's score when fScored and not fUnknown
	prevScore float64 // the last stored score when fPrevKnown
	prevDay   int32   // its date (Date.Unix)
	hist      int32   // first of the row's previous snapshots in table.snaps
	prev      int32   // index in table.prev of the previous customer; -1 none
	acct      int32   // index of the touch account while assigning; -1 none
	cur       uint8
	nhist     uint8
	profile   uint8 // index of the scoring profile
	grade     int8  // band index; -1 when Unknown or not scored
	label     uint8 // index of the grade label in table.labels
	prevGrade int8  // band of prevScore under today's scheme; -1 none
	tier      touch.Tier
	prevTier  touch.Tier
	flags     uint16
}

const (
	fChurned    uint16 = 1 << iota // stage churned
	fScored                        // a health result was computed
	fUnknown                       // ... and it was Unknown
	fPrevKnown                     // prevScore is set
	fCommunity                     // flagged by the community overlay
	fTierMoved                     // the tier changed since the last period
	fCaseClosed                    // a support case was resolved in the last 7 days
	fExotic                        // MRR not a whole number of minor units: in table.exotic
	fAssigned                      // has a touch assignment
)

func (r *row) has(f uint16) bool { return r.flags&f != 0 }

// snap is one previous score, compact.
type snap struct {
	score   float64
	day     int32
	unknown bool
}

// prevCustomer is what the previous situation of a customer needs: the base
// fields the plays read and the signals and attributes read under "entering".
type prevCustomer struct {
	segment        string
	start, renewal int32 // Date.Unix; 0 none
	mrr            int64
	cur            uint8
	stage          cs.Stage
}

// table is the run's per-customer state, sorted by ID after the first pass.
type table struct {
	rows       []row
	snaps      []snap
	prev       []prevCustomer
	prevSig    []float64 // len(entering.signals) per prev customer; NaN missing
	prevAttr   []string  // len(entering.attrs) per prev customer; "" missing
	currencies []cs.Currency
	labels     []string
	exotic     map[string]cs.Money // MRR that is not whole minor units, by ID
	intern     map[string]string
}

func newTable() *table {
	return &table{currencies: []cs.Currency{""}, labels: []string{""}, intern: map[string]string{}}
}

// str returns a shared copy of a short repeated string (segment, owner).
func (t *table) str(s string) string {
	if v, ok := t.intern[s]; ok {
		return v
	}
	if t.intern == nil || len(t.intern) > 1<<16 {
		return strings.Clone(s)
	}
	v := strings.Clone(s)
	t.intern[v] = v
	return v
}

func (t *table) currency(c cs.Currency) (uint8, error) {
	if c == "" {
		return 0, nil
	}
	for i, x := range t.currencies {
		if x == c {
			return uint8(i), nil
		}
	}
	if len(t.currencies) > math.MaxUint8 {
		return 0, fmt.Errorf("more than %d currencies: %w", math.MaxUint8, cs.ErrRange)
	}
	t.currencies = append(t.currencies, c)
	return uint8(len(t.currencies) - 1), nil
}

func (t *table) label(s string) uint8 {
	for i, x := range t.labels {
		if x == s {
			return uint8(i)
		}
	}
	if len(t.labels) > math.MaxUint8 {
		return 0
	}
	t.labels = append(t.labels, strings.Clone(s))
	return uint8(len(t.labels) - 1)
}

// setMRR keeps m in the row.
func (t *table) setMRR(r *row, m cs.Money) error {
	if m.Currency() == "" {
		return nil
	}
	cur, err := t.currency(m.Currency())
	if err != nil {
		return err
	}
	r.cur = cur
	if n, ok := m.Minor(); ok {
		r.mrr = n
		return nil
	}
	if m.IsZero() {
		return nil
	}
	if t.exotic == nil {
		t.exotic = map[string]cs.Money{}
	}
	t.exotic[r.id] = m
	r.flags |= fExotic
	return nil
}

// money returns the row's MRR.
func (t *table) money(r *row) cs.Money {
	if r.has(fExotic) {
		return t.exotic[r.id]
	}
	if r.cur == 0 {
		return cs.Money{}
	}
	m, _ := cs.MoneyFromMinor(r.mrr, t.currencies[r.cur])
	return m
}

func (t *table) sort() error {
	slices.SortFunc(t.rows, func(a, b row) int { return strings.Compare(a.id, b.id) })
	for i := 1; i < len(t.rows); i++ {
		if t.rows[i].id == t.rows[i-1].id {
			return fmt.Errorf("customer %q: %w", t.rows[i].id, cs.ErrDuplicate)
		}
	}
	return nil
}

// find returns the index of the row with the ID.
func (t *table) find(id string) (int, bool) {
	return slices.BinarySearchFunc(t.rows, id, func(r row, id string) int { return strings.Compare(r.id, id) })
}

// history returns the row's previous snapshots as health.Snapshots, appended
// to dst.
func (t *table) history(dst []health.Snapshot, r *row) []health.Snapshot {
	for _, s := range t.snaps[r.hist : r.hist+int32(r.nhist)] {
		dst = append(dst, health.Snapshot{AsOf: cs.DateFromUnix(int(s.day)), Score: s.score, Unknown: s.unknown})
	}
	return dst
}

func (t *table) standing(i int) Standing {
	r := &t.rows[i]
	s := Standing{ID: r.id, Name: r.name, MRR: t.money(r), Churned: r.has(fChurned), Scored: r.has(fScored),
		Unknown: r.has(fUnknown), GradeRank: int(r.grade), Tier: r.tier}
	if r.has(fScored) && !r.has(fUnknown) {
		s.Score, s.Grade = r.score, t.labels[r.label]
	}
	return s
}

// previous rebuilds the customer of the previous run from its compact form.
func (t *table) previous(r *row, e *entering) *cs.Customer {
	if r.prev < 0 {
		return nil
	}
	p := &t.prev[r.prev]
	c := &cs.Customer{ID: r.id, Segment: p.segment, Stage: p.stage}
	if p.start != 0 {
		c.ContractStart = cs.DateFromUnix(int(p.start))
	}
	if p.renewal != 0 {
		c.RenewalDate = cs.DateFromUnix(int(p.renewal))
	}
	if p.cur != 0 {
		c.MRR, _ = cs.MoneyFromMinor(p.mrr, t.currencies[p.cur])
	}
	if n := len(e.signals); n > 0 {
		for k, v := range t.prevSig[int(r.prev)*n : int(r.prev+1)*n] {
			if !math.IsNaN(v) {
				if c.Signals == nil {
					c.Signals = cs.Signals{}
				}
				c.Signals[e.signals[k]] = v
			}
		}
	}
	if n := len(e.attrs); n > 0 {
		for k, v := range t.prevAttr[int(r.prev)*n : int(r.prev+1)*n] {
			if v != "" {
				if c.Attributes == nil {
					c.Attributes = cs.Attributes{}
				}
				c.Attributes[e.attrs[k]] = v
			}
		}
	}
	return c
}

// addPrevious keeps the fields of the previous customer c for row r.
func (t *table) addPrevious(r *row, c *cs.Customer, e *entering) error {
	p := prevCustomer{segment: t.str(c.Segment), stage: c.Stage}
	if !c.ContractStart.IsZero() {
		p.start = int32(c.ContractStart.Unix())
	}
	if !c.RenewalDate.IsZero() {
		p.renewal = int32(c.RenewalDate.Unix())
	}
	if n, ok := c.MRR.Minor(); ok {
		cur, err := t.currency(c.MRR.Currency())
		if err != nil {
			return err
		}
		p.mrr, p.cur = n, cur
	}
	r.prev = int32(len(t.prev))
	t.prev = append(t.prev, p)
	for _, s := range e.signals {
		v, ok := c.Signals.Get(s)
		if !ok {
			v = math.NaN()
		}
		t.prevSig = append(t.prevSig, v)
	}
	for _, a := range e.attrs {
		v, _ := c.Attributes.Get(a)
		t.prevAttr = append(t.prevAttr, t.str(v))
	}
	return nil
}
