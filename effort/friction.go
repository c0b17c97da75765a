package effort

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	cs "github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
)

// Driver is one reason for a case's or a customer's friction: the driver's name, its
// value (occurrences, or the 0..1 overshoot for over_target) and the points it added.
type Driver struct {
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Points float64 `json:"points"`
}

// CaseFriction is the friction of one support case and its explanation.
type CaseFriction struct {
	CaseID     string
	CustomerID string
	Opened     time.Time     // earliest opening
	Resolved   time.Time     // latest resolution when the case is resolved; zero while open
	Open       bool          // not resolved, or reopened after its last resolution
	Contacts   int           // distinct contacts
	Duration   time.Duration // time to resolution, or age at "now" while open
	FCR        bool          // first-contact resolution (see Config.FCRWindowDays)
	NextCase   string        // the case counted as this case's next issue, or ""
	Values     [NumDrivers]float64
	Points     [NumDrivers]float64
	Score      float64 // sum of Points capped at 100
}

// Drivers returns the drivers with points, highest first (ties by name).
func (c CaseFriction) Drivers() []Driver { return drivers(nil, c.Values, c.Points) }

// drivers appends the drivers with points to buf, sorted, and returns the new part.
func drivers(buf []Driver, vals, pts [NumDrivers]float64) []Driver {
	out := buf[len(buf):len(buf):cap(buf)]
	if cap(out) < int(NumDrivers) {
		out = make([]Driver, 0, int(NumDrivers))
	}
	for i := range pts {
		if pts[i] > 0 {
			out = append(out, Driver{Name: driverNames[i], Value: vals[i], Points: pts[i]})
		}
	}
	slices.SortStableFunc(out, func(a, b Driver) int {
		if c := cmp.Compare(b.Points, a.Points); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out[:len(out):len(out)]
}

// CustomerFriction is a customer's friction over its cases.
//
// Friction is the mean of the case scores weighted by Decay(now − last activity of the
// case, half-life), so it stays within 0..100 and recent cases weigh more. Drivers are
// the same weighted means per driver (Value counts are plain sums, undecayed); their
// points may sum above Friction when cases hit the cap of 100. FCRRate is
// FirstContactResolved ÷ Resolved, the common first-contact resolution rate,
// meaningful only when Resolved > 0.
type CustomerFriction struct {
	CustomerID           string
	Friction             float64
	Cases                int
	Open                 int
	Resolved             int
	FirstContactResolved int
	FCRRate              float64
	Drivers              []Driver
	LastActivity         time.Time
}

// caseRes is the compact per-case result.
type caseRes struct {
	opened, resolved, last int64
	vals                   [NumDrivers - 1]int32 // every driver but OverTarget
	over                   float64
	score                  float64
	contacts               int32
	next                   int32 // next-issue case, -1 for none
	cust                   int32 // -1: case invalid
	open, fcr              bool
}

// Report is the result of Model.AnalyzeAt: per-customer friction sorted by customer ID,
// the cases (see NumCases and Case) and one error per rejected record. It is
// read-only and safe for concurrent use.
type Report struct {
	Customers []CustomerFriction
	// Errors lists one error per rejected record, sorted by message: contacts and
	// events after now (ErrFuture), contacts and events of a case never opened
	// (ErrUnknownCase), resolutions or reopenings before the opening (cs.ErrDateOrder),
	// records whose customer differs from the case's (ErrCustomerMismatch), copies of
	// a contact ID on another case (cs.ErrDuplicate).
	Errors []error

	m        *Model
	b        *Batch
	res      []caseRes
	order    []int32 // valid cases by (customer ID, opened, case ID)
	custCase []int32 // customer k's cases are order[custCase[k]:custCase[k+1]]
}

// NumCases returns the number of valid cases.
func (r *Report) NumCases() int { return len(r.order) }

// Case returns the i-th valid case, in the order of customer ID, opening time and case ID.
func (r *Report) Case(i int) CaseFriction {
	c := r.order[i]
	x := &r.res[c]
	out := CaseFriction{
		CaseID:     r.b.cases[c],
		CustomerID: r.b.custs[x.cust],
		Opened:     time.Unix(x.opened, 0).UTC(),
		Open:       x.open,
		Contacts:   int(x.contacts),
		FCR:        x.fcr,
		Score:      x.score,
	}
	if !x.open {
		out.Resolved = time.Unix(x.resolved, 0).UTC()
	}
	out.Duration = time.Duration(x.resolved-x.opened) * time.Second
	if x.next >= 0 {
		out.NextCase = r.b.cases[x.next]
	}
	out.Values = x.values()
	out.Points = r.m.points(&out.Values)
	return out
}

// CasesOf returns the valid cases of one customer, in opening order.
func (r *Report) CasesOf(customerID string) []CaseFriction {
	k, ok := slices.BinarySearchFunc(r.Customers, customerID, func(c CustomerFriction, id string) int {
		return strings.Compare(c.CustomerID, id)
	})
	if !ok {
		return nil
	}
	var out []CaseFriction
	for i := r.custCase[k]; i < r.custCase[k+1]; i++ {
		out = append(out, r.Case(int(i)))
	}
	return out
}

func (x *caseRes) values() [NumDrivers]float64 {
	var v [NumDrivers]float64
	j := 0
	for i := range v {
		if DriverKind(i) == OverTarget {
			v[i] = x.over
			continue
		}
		v[i] = float64(x.vals[j])
		j++
	}
	return v
}

func (m *Model) points(v *[NumDrivers]float64) [NumDrivers]float64 {
	var p [NumDrivers]float64
	for i := range p {
		p[i] = v[i] * m.w[i]
	}
	return p
}

// score sums the points in driver order (bit-reproducible: no fused multiply-add) and
// caps the sum at 100.
func (m *Model) score(v *[NumDrivers]float64) float64 {
	var s float64
	for i := range v {
		s = float64(v[i]*m.w[i]) + s
	}
	return min(s, 100)
}

// bucket groups the indices 0..len(keys)-1 by key (0..n-1), stably: it returns the
// starts (len n+1) and the permutation.
func bucket(keys []int32, n int) (start, perm []int32) {
	start = make([]int32, n+1)
	for _, k := range keys {
		start[k+1]++
	}
	for i := 1; i <= n; i++ {
		start[i] += start[i-1]
	}
	perm = make([]int32, len(keys))
	next := make([]int32, n)
	copy(next, start[:n])
	for i, k := range keys {
		perm[next[k]] = int32(i)
		next[k]++
	}
	return start, perm
}

// sortSmall sorts s with less by insertion, falling back to the standard sort for
// long runs; it does not allocate.
func sortSmall(s []int32, less func(a, b int32) bool) {
	if len(s) > 48 {
		slices.SortFunc(s, func(a, b int32) int {
			switch {
			case less(a, b):
				return -1
			case less(b, a):
				return 1
			}
			return 0
		})
		return
	}
	for i := 1; i < len(s); i++ {
		v := s[i]
		j := i
		for ; j > 0 && less(v, s[j-1]); j-- {
			s[j] = s[j-1]
		}
		s[j] = v
	}
}

// crec is a contact copied next to the other contacts of its case, so that a case's
// contacts are read from one place rather than from ten random ones.
type crec struct {
	t    int64
	h    uint32 // hash of the contact ID (equal hashes are confirmed on the bytes)
	idx  int32  // index in the batch
	cust int32
	meta uint8
}

// scratch holds the large working arrays of one Analyze call. Models keep them for
// the next call (not in a sync.Pool, which the garbage collector empties between
// two analyses of a large batch), so that analysing again does not allocate (or
// fault in) fresh memory per contact.
type scratch struct {
	start, next    []int32
	recs           []crec
	pairs, pairTmp []hrec
	drop           []bool
	gnext          []int32
	grecs          []grec
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// gather copies the contacts into case order: case c's are recs[start[c]:start[c+1]].
// Contacts flagged in drop are left out.
func gather(b *Batch, w *scratch, drop []bool) (start []int32, recs []crec) {
	n := len(b.cases)
	w.start = grow(w.start, n+1)
	start = w.start
	clear(start)
	for i, k := range b.cCase {
		if drop == nil || !drop[i] {
			start[k+1]++
		}
	}
	for i := 1; i <= n; i++ {
		start[i] += start[i-1]
	}
	w.next = grow(w.next, n)
	next := w.next
	copy(next, start[:n])
	w.recs = grow(w.recs, int(start[n]))
	recs = w.recs
	// Scattering ten million records straight to their cases' runs writes all over
	// the array, missing the cache and the TLB on nearly every record. Two passes are
	// faster: first into 256 groups of neighbouring cases, then each group's records
	// into runs that lie within a megabyte or so of each other.
	shift := uint(0)
	for n>>shift >= 256 {
		shift++
	}
	groups := n>>shift + 1
	w.gnext = grow(w.gnext, groups)
	for g := range groups {
		w.gnext[g] = start[min(g<<shift, n)]
	}
	w.grecs = grow(w.grecs, int(start[n]))
	tmp := w.grecs
	for i, k := range b.cCase {
		if drop != nil && drop[i] {
			continue
		}
		g := k >> shift
		tmp[w.gnext[g]] = grec{t: b.cTime[i], h: b.cHash[i], idx: int32(i), cust: b.cCust[i], k: k, meta: b.cMeta[i]}
		w.gnext[g]++
	}
	for _, r := range tmp {
		recs[next[r.k]] = crec{t: r.t, h: r.h, idx: r.idx, cust: r.cust, meta: r.meta}
		next[r.k]++
	}
	return start, recs
}

// grec is a crec with its case, between the two passes of gather.
type grec struct {
	t    int64
	h    uint32
	idx  int32
	cust int32
	k    int32
	meta uint8
}

// sameID reports whether contacts i and j have the same ID.
func (b *Batch) sameID(i, j int32) bool { return bytes.Equal(b.contactID(i), b.contactID(j)) }

// timeCmp orders a case's contacts by time, then ID (hash, then bytes), then flags: a
// total order on distinct records, so the result does not depend on input order.
func (b *Batch) timeCmp(p, q *crec) int {
	if p.t != q.t {
		return cmp.Compare(p.t, q.t)
	}
	if p.h != q.h {
		return cmp.Compare(p.h, q.h)
	}
	if c := bytes.Compare(b.contactID(p.idx), b.contactID(q.idx)); c != 0 {
		return c
	}
	return cmp.Compare(p.meta, q.meta)
}

// idCmp orders by ID first, then as timeCmp.
func (b *Batch) idCmp(p, q *crec) int {
	if p.h != q.h {
		return cmp.Compare(p.h, q.h)
	}
	if c := bytes.Compare(b.contactID(p.idx), b.contactID(q.idx)); c != 0 {
		return c
	}
	return b.timeCmp(p, q)
}

// sortByTime sorts by timeCmp: by insertion for the usual handful of contacts, with
// the standard sort for long cases.
func (b *Batch) sortByTime(s []crec) {
	if len(s) > 48 {
		slices.SortFunc(s, func(p, q crec) int { return b.timeCmp(&p, &q) })
		return
	}
	for i := 1; i < len(s); i++ {
		v := s[i]
		j := i
		for ; j > 0 && b.timeCmp(&v, &s[j-1]) < 0; j-- {
			s[j] = s[j-1]
		}
		s[j] = v
	}
}

// dedupe sorts a case's contacts by time and drops the later copies of each contact
// ID, keeping the earliest. Short cases compare each contact with those kept (copies
// share a hash, so the ID bytes are read only for copies and hash collisions); long
// ones sort by ID to stay n log n.
func (b *Batch) dedupe(s []crec) []crec {
	if len(s) <= 64 {
		b.sortByTime(s)
		kept := s[:0]
	next:
		for _, c := range s {
			for k := range kept {
				if kept[k].h == c.h && b.sameID(kept[k].idx, c.idx) {
					continue next
				}
			}
			kept = append(kept, c)
		}
		return kept
	}
	slices.SortFunc(s, func(p, q crec) int { return b.idCmp(&p, &q) })
	kept := s[:0]
	for _, c := range s {
		if len(kept) > 0 && kept[len(kept)-1].h == c.h && b.sameID(kept[len(kept)-1].idx, c.idx) {
			continue
		}
		kept = append(kept, c)
	}
	b.sortByTime(kept)
	return kept
}

// analyzer holds the state of one Analyze call.
type analyzer struct {
	m    *Model
	b    *Batch
	now  int64
	errs []error
}

func (a *analyzer) contactErr(i int32, field, value string, err error) {
	b := a.b
	a.errs = append(a.errs, fmt.Errorf("effort: contact %q: %w", b.contactID(i),
		&cs.FieldError{File: "contacts", Record: errs.Clip(b.custs[b.cCust[i]]), Field: field, Value: errs.Clip(value), Err: err}))
}

func (a *analyzer) eventErr(i int32, field, value string, err error) {
	b := a.b
	a.errs = append(a.errs, fmt.Errorf("effort: case %q: %s event: %w", errs.Clip(b.cases[b.eCase[i]]), EventKind(b.eKind[i]),
		&cs.FieldError{File: "case_events", Record: errs.Clip(b.custs[b.eCust[i]]), Field: field, Value: errs.Clip(value), Err: err}))
}

func unixText(t int64) string { return time.Unix(t, 0).UTC().Format(time.RFC3339) }

// AnalyzeAt scores every case of the batch and aggregates per customer at the instant
// now. The time of day matters, which is why this entry point takes a time.Time and
// not a cs.Date like the rest of the library: a case's weight decays with its age in
// seconds (Decay), an open case's duration runs to now, and a record after now is
// refused (ErrFuture). For a report as of a day d, pass the last second of d in the
// time zone you book in, such as d.AddDays(1).In(loc).Add(-time.Second). Records
// in error are reported in Report.Errors and left out; everything else is analysed.
// The result does not depend on the order in which records were added, and a contact
// ID counts once: the earliest copy is kept, and a copy on another case than the kept
// one is reported (cs.ErrDuplicate). Contacts are processed in flat arrays: the work
// is linear in the number of records apart from sorting each case's few contacts, and
// the allocations do not grow with the number of contacts.
func (m *Model) AnalyzeAt(b *Batch, now time.Time) *Report {
	a := &analyzer{m: m, b: b, now: now.Unix()}
	nCases := len(b.cases)
	w := m.scratch()
	defer m.release(w)
	cStart, recs := gather(b, w, a.crossCase(w))
	eStart, ePerm := bucket(b.eCase, nCases)
	res := make([]caseRes, nCases)
	for c := range nCases {
		x := &res[c]
		x.cust, x.next = -1, -1
		a.scoreCase(x, ePerm[eStart[c]:eStart[c+1]], recs[cStart[c]:cStart[c+1]])
	}
	r := &Report{m: m, b: b, res: res}
	a.group(r)
	a.nextIssues(r, ePerm, eStart)
	a.customers(r)
	// Sorted by message; a repeated bad record yields one error, as a repeated good
	// record counts once.
	type msgErr struct {
		msg string
		err error
	}
	all := make([]msgErr, len(a.errs))
	for i, e := range a.errs {
		all[i] = msgErr{e.Error(), e}
	}
	slices.SortFunc(all, func(x, y msgErr) int { return strings.Compare(x.msg, y.msg) })
	all = slices.CompactFunc(all, func(x, y msgErr) bool { return x.msg == y.msg })
	for _, e := range all {
		r.Errors = append(r.Errors, e.err)
	}
	return r
}

// Top returns the n customers with the highest friction, highest first, ties broken
// by customer ID; all of them if n exceeds their number or is negative.
func (r *Report) Top(n int) []CustomerFriction {
	out := slices.Clone(r.Customers)
	slices.SortStableFunc(out, func(a, b CustomerFriction) int { return cmp.Compare(b.Friction, a.Friction) })
	if n >= 0 && n < len(out) {
		out = out[:n]
	}
	return out
}

// scoreCase derives one case's metrics from its events and contacts.
func (a *analyzer) scoreCase(x *caseRes, evs []int32, cts []crec) {
	a.sortEvents(evs)
	a.opening(x, evs)
	valid := x.cust >= 0
	life := a.lifecycle(x, evs, valid)
	n := a.validContacts(x, cts, valid)
	if !valid {
		x.cust = -1
		return
	}
	a.contactDrivers(x, a.b.dedupe(cts[:n]), life)
}

// life is what a case's events tell: whether and when it was first resolved,
// how often it was reopened, and its latest activity.
type life struct {
	resolvedOnce bool
	firstRes     int64
	reopens      int32
	last         int64
}

// sortEvents orders a case's events by time, kind and customer ID.
func (a *analyzer) sortEvents(evs []int32) {
	b := a.b
	sortSmall(evs, func(i, j int32) bool {
		if b.eTime[i] != b.eTime[j] {
			return b.eTime[i] < b.eTime[j]
		}
		if b.eKind[i] != b.eKind[j] {
			return b.eKind[i] < b.eKind[j]
		}
		return b.custs[b.eCust[i]] < b.custs[b.eCust[j]]
	})
}

// opening sets the case's customer and opening: the case belongs to the
// customer of its earliest opening (ties by customer ID, thanks to the sort)
// and opens then. Without an opening up to now, x.cust stays -1.
func (a *analyzer) opening(x *caseRes, evs []int32) {
	b := a.b
	for _, e := range evs {
		if EventKind(b.eKind[e]) == Opened && b.eTime[e] <= a.now {
			x.cust, x.opened = b.eCust[e], b.eTime[e]
			return
		}
	}
}

// lifecycle walks the case's events in order, reporting the bad ones (after
// now, of a case never opened, of another customer, before the opening), and
// sets whether the case is open and when it was resolved.
func (a *analyzer) lifecycle(x *caseRes, evs []int32, valid bool) life {
	b := a.b
	l := life{last: x.opened}
	for k, e := range evs {
		t := b.eTime[e]
		switch {
		case t > a.now:
			a.eventErr(e, "time", unixText(t), ErrFuture)
			continue
		case !valid:
			a.eventErr(e, "case_id", b.cases[b.eCase[e]], ErrUnknownCase)
			continue
		case b.eCust[e] != x.cust:
			a.eventErr(e, "customer_id", b.custs[b.eCust[e]], ErrCustomerMismatch)
			continue
		case t < x.opened:
			a.eventErr(e, "time", unixText(t), fmt.Errorf("%w: before the opening %s", cs.ErrDateOrder, unixText(x.opened)))
			continue
		}
		// Exact repeats of an event count once.
		if k > 0 && b.eTime[evs[k-1]] == t && b.eKind[evs[k-1]] == b.eKind[e] && b.eCust[evs[k-1]] == b.eCust[e] {
			continue
		}
		l.last = max(l.last, t)
		switch EventKind(b.eKind[e]) {
		case Resolved:
			if !l.resolvedOnce {
				l.resolvedOnce, l.firstRes = true, t
			}
			x.open, x.resolved = false, t
		case Reopened:
			l.reopens++
			x.open = true
		}
	}
	if !l.resolvedOnce {
		x.open = true
	}
	if x.open {
		x.resolved = a.now
	}
	return l
}

// validContacts moves the case's valid contacts to the front of cts and
// returns their number, reporting the others: after now, of a case never
// opened, of another customer.
func (a *analyzer) validContacts(x *caseRes, cts []crec, valid bool) int {
	b := a.b
	n := 0
	for _, c := range cts {
		switch {
		case c.t > a.now:
			a.contactErr(c.idx, "time", unixText(c.t), ErrFuture)
		case !valid:
			a.contactErr(c.idx, "case_id", b.cases[b.cCase[c.idx]], ErrUnknownCase)
		case c.cust != x.cust:
			a.contactErr(c.idx, "customer_id", b.custs[c.cust], ErrCustomerMismatch)
		default:
			cts[n] = c
			n++
		}
	}
	return n
}

// contactDrivers counts the drivers of the case's kept contacts, in time
// order, and sets its FCR, overshoot and last activity.
func (a *analyzer) contactDrivers(x *caseRes, kept []crec, l life) {
	m := a.m
	var v [NumDrivers]float64
	early := 0 // contacts up to the FCR window after the first resolution
	last := l.last
	for k := range kept {
		t, meta := kept[k].t, kept[k].meta
		last = max(last, t)
		if meta&flagTransfer != 0 {
			v[Transfer]++
		}
		if meta&flagRepeated != 0 {
			v[RepeatedInfo]++
		}
		if meta&flagGeneric != 0 {
			v[GenericAnswer]++
		}
		if l.resolvedOnce && t <= l.firstRes+m.fcr {
			early++
		}
		if k == 0 {
			continue
		}
		if t-kept[k-1].t <= m.repeat {
			v[RepeatContact]++
		}
		from, to := Channel(kept[k-1].meta&channelMask), Channel(meta&channelMask)
		switch {
		case from == to:
		case from == SelfService && to.Assisted():
			v[ForcedSwitch]++
		default:
			v[ChannelSwitch]++
		}
	}
	v[Reopen] = float64(l.reopens)
	if over := x.resolved - x.opened - m.target; over > 0 {
		x.over = min(1, float64(over)/float64(m.target))
	}
	x.fcr = l.resolvedOnce && l.reopens == 0 && early <= 1
	x.contacts = int32(len(kept))
	x.last = last
	j := 0
	for i := range v {
		if DriverKind(i) != OverTarget {
			x.vals[j] = int32(v[i])
			j++
		}
	}
}

// group orders the valid cases by customer ID, opening time and case ID.
func (a *analyzer) group(r *Report) {
	b := a.b
	custOrder := make([]int32, len(b.custs))
	for i := range custOrder {
		custOrder[i] = int32(i)
	}
	slices.SortFunc(custOrder, func(i, j int32) int { return strings.Compare(b.custs[i], b.custs[j]) })
	rank := make([]int32, len(b.custs))
	for k, c := range custOrder {
		rank[c] = int32(k)
	}
	// Bucket valid cases by customer rank; customers without a valid case get an
	// empty range and are dropped later.
	keys := make([]int32, 0, len(r.res))
	ids := make([]int32, 0, len(r.res))
	for c := range r.res {
		if r.res[c].cust >= 0 {
			keys = append(keys, rank[r.res[c].cust])
			ids = append(ids, int32(c))
		}
	}
	start, perm := bucket(keys, len(b.custs))
	r.order = make([]int32, len(perm))
	for k, p := range perm {
		r.order[k] = ids[p]
	}
	for k := range len(b.custs) {
		sortSmall(r.order[start[k]:start[k+1]], func(i, j int32) bool {
			if r.res[i].opened != r.res[j].opened {
				return r.res[i].opened < r.res[j].opened
			}
			return b.cases[i] < b.cases[j]
		})
	}
	r.custCase = start
	r.Customers = make([]CustomerFriction, len(b.custs))
	for k, c := range custOrder {
		r.Customers[k].CustomerID = b.custs[c]
	}
}

// nextIssues marks each case whose resolution was followed, within NextIssueDays, by
// the opening of another case of the same customer, then scores every case.
func (a *analyzer) nextIssues(r *Report, ePerm, eStart []int32) {
	b, m := a.b, a.m
	for k := range r.Customers {
		cases := r.order[r.custCase[k]:r.custCase[k+1]]
		for _, c := range cases {
			x := &r.res[c]
			for _, e := range ePerm[eStart[c]:eStart[c+1]] {
				t := b.eTime[e]
				if EventKind(b.eKind[e]) != Resolved || t > a.now || t < x.opened || b.eCust[e] != x.cust {
					continue
				}
				lo, _ := slices.BinarySearchFunc(cases, t, func(o int32, t int64) int { return cmp.Compare(r.res[o].opened, t) })
				for _, o := range cases[lo:] {
					if r.res[o].opened > t+m.nextIssue {
						break
					}
					if o != c {
						x.next = o
						break
					}
				}
				if x.next >= 0 {
					break
				}
			}
			if x.next >= 0 {
				x.vals[NextIssue-1] = 1
			}
			v := x.values()
			x.score = m.score(&v)
		}
	}
}

// customers aggregates the cases per customer with time decay.
func (a *analyzer) customers(r *Report) {
	m := a.m
	out := r.Customers[:0]
	// custCase is rebuilt for the compacted list: dropped customers have empty ranges,
	// so each kept customer's range still starts where the previous one ended.
	cc := make([]int32, 0, len(r.Customers)+1)
	// The customers' driver lists share backing arrays, a few allocations in all.
	var buf []Driver
	for k := range r.Customers {
		cf := r.Customers[k]
		cases := r.order[r.custCase[k]:r.custCase[k+1]]
		if len(cases) == 0 {
			continue
		}
		var (
			sumW, sumF float64
			pts, vals  [NumDrivers]float64
			last       int64
		)
		for _, c := range cases {
			x := &r.res[c]
			w := 1.0
			if age := a.now - x.last; age > 0 {
				w = math.Exp2(-float64(age) / m.halfLife)
			}
			v := x.values()
			p := m.points(&v)
			for i := range pts {
				pts[i] = float64(w*p[i]) + pts[i]
				vals[i] += v[i]
			}
			sumW += w
			sumF = float64(w*x.score) + sumF
			last = max(last, x.last)
			cf.Cases++
			switch {
			case x.open:
				cf.Open++
			default:
				cf.Resolved++
			}
			if x.fcr {
				cf.FirstContactResolved++
			}
		}
		if sumW > 0 {
			cf.Friction = min(100, max(0, sumF/sumW))
			for i := range pts {
				pts[i] /= sumW
			}
		}
		if cf.Resolved > 0 {
			cf.FCRRate = float64(cf.FirstContactResolved) / float64(cf.Resolved)
		}
		if cap(buf)-len(buf) < int(NumDrivers) {
			// Room for the next 4096 customers at most: a small batch must not
			// pay for a large one's block.
			buf = make([]Driver, 0, min(4096, len(r.Customers)-k)*int(NumDrivers))
		}
		cf.Drivers = drivers(buf, vals, pts)
		buf = buf[:len(buf)+len(cf.Drivers)]
		cf.LastActivity = time.Unix(last, 0).UTC()
		out = append(out, cf)
		cc = append(cc, r.custCase[k])
	}
	cc = append(cc, int32(len(r.order)))
	r.Customers = out
	r.custCase = cc
}

// scratch takes a set of working memory from the Model's free list, or a new one.
func (m *Model) scratch() *scratch {
	m.mu.Lock()
	defer m.mu.Unlock()
	if n := len(m.free); n > 0 {
		w := m.free[n-1]
		m.free = m.free[:n-1]
		return w
	}
	return new(scratch)
}

// release returns w to the Model's free list.
func (m *Model) release(w *scratch) {
	m.mu.Lock()
	m.free = append(m.free, w)
	m.mu.Unlock()
}
