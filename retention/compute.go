package retention

import (
	"math"
	"math/bits"
	"sync"
)

// workerCustomers is the fewest customers a worker of a book's computations is
// given: below that a goroutine costs more than it saves.
const workerCustomers = 1 << 12

// run calls fn on contiguous ranges [lo, hi) covering 0 … n−1, one range per
// worker, on as many goroutines, and returns the number of ranges; range k
// precedes range k+1, so partial results merged in k order are in customer order.
func (b *Book) run(n int, fn func(k, lo, hi int)) int {
	w := max(1, min(b.workers, n/b.grain))
	if w == 1 {
		fn(0, 0, n)
		return 1
	}
	var wg sync.WaitGroup
	for k := range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(k, k*n/w, (k+1)*n/w)
		}()
	}
	wg.Wait()
	return w
}

// firstPaid finds each customer's first paying month and chooses the int64 path
// when no sum the book reports can overflow: every sum is over at most all
// customers and all months of one cell each.
func (b *Book) firstPaid() {
	nc := b.Len()
	b.firstPay = make([]int32, nc)
	maxes := make([]int64, max(1, b.workers))
	b.run(nc, func(k, lo, hi int) {
		var mx int64
		for c := lo; c < hi; c++ {
			l, n := b.span(c)
			cells := b.cells[b.off[c]:b.off[c+1]]
			b.firstPay[c] = -1
			for m := 0; m < n; m++ {
				if anyPositive(cells, n, m) {
					b.firstPay[c] = int32(l + m)
					break
				}
			}
			for _, v := range cells {
				mx = max(mx, v)
			}
		}
		maxes[k] = mx
	})
	var mx int64
	for _, v := range maxes {
		mx = max(mx, v)
	}
	hi, lo := bits.Mul64(uint64(nc)*uint64(max(b.n, 1)), uint64(mx))
	b.int64Path = len(b.curs) == 1 && hi == 0 && lo <= math.MaxInt64 && uint64(nc) <= math.MaxUint32 && b.n <= MaxMonths
}

// anyPositive reports whether month m of a customer's lines of n months each
// holds an amount.
func anyPositive(cells []int64, n, m int) bool {
	for j := m; j < len(cells); j += n {
		if cells[j] > 0 {
			return true
		}
	}
	return false
}

// sums64 is a period's sums over a range of customers, in int64 units.
type sums64 struct {
	start, end, newB, exp, con, churn, react, base, retained, kept int64

	startN, endN, lost, newN, reactN, joinedLeft int
}

func (s *sums64) add(o *sums64) {
	s.start += o.start
	s.end += o.end
	s.newB += o.newB
	s.exp += o.exp
	s.con += o.con
	s.churn += o.churn
	s.react += o.react
	s.base += o.base
	s.retained += o.retained
	s.kept += o.kept
	s.startN += o.startN
	s.endN += o.endN
	s.lost += o.lost
	s.newN += o.newN
	s.reactN += o.reactN
	s.joinedLeft += o.joinedLeft
}

// period64 is Period on the int64 path.
func (b *Book) period64(i0, i1 int) Period {
	parts := make([]sums64, max(1, b.workers))
	n := b.run(b.Len(), func(k, lo, hi int) { b.periodRange64(lo, hi, i0, i1, &parts[k]) })
	var s sums64
	for k := range n {
		s.add(&parts[k])
	}
	m := b.money64
	return Period{
		From: b.first.Add(i0), To: b.first.Add(i1),
		StartMRR: m(s.start), EndMRR: m(s.end),
		Movements: Movements{New: m(s.newB), Expansion: m(s.exp), Contraction: m(s.con),
			Churn: m(s.churn), Reactivation: m(s.react), FX: m(0)},
		BaseMRR: m(s.base), RetainedMRR: m(s.retained), KeptMRR: m(s.kept),
		StartCustomers: s.startN, EndCustomers: s.endN, LostCustomers: s.lost,
		NewCustomers: s.newN, ReactivatedCustomers: s.reactN, JoinedAndLeft: s.joinedLeft,
	}
}

// periodRange64 sums the period i0 → i1 over customers c0 … c1−1.
func (b *Book) periodRange64(c0, c1, i0, i1 int, out *sums64) {
	var s sums64
	cells, off, los, fps := b.cells, b.off, b.lo, b.firstPay
	for c := c0; c < c1; c++ {
		o, e := off[c], off[c+1]
		lo := int(los[c])
		if lo > i1 || lo+int(e-o) <= i0 {
			continue // no month of the customer in the period
		}
		x := cells[o:e]
		start := at64(x, i0-lo)
		if i1 == i0+1 {
			// A month's report, the common case, without the loop.
			end := at64(x, i1-lo)
			switch {
			case start == end:
			case start == 0:
				if int(fps[c]) == i1 {
					s.newB += end
				} else {
					s.react += end
				}
			case end == 0:
				s.churn += start
			case end > start:
				s.exp += end - start
			default:
				s.con += start - end
			}
			s.tally(start, end, false, int(fps[c]) > i0)
			continue
		}
		m := moves64(x, lo, i0, i1, int(fps[c]))
		s.newB += m.newB
		s.exp += m.exp
		s.con += m.con
		s.churn += m.churn
		s.react += m.react
		s.tally(start, m.end, m.paidBetween, int(fps[c]) > i0)
	}
	*out = s
}

// tally adds one customer's start and end MRR and logo counts.
func (s *sums64) tally(start, end int64, paidBetween, firstAfter bool) {
	s.start += start
	s.end += end
	switch {
	case start > 0:
		s.startN++
		s.base += start
		s.kept += end
		s.retained += min(start, end)
		if end > 0 {
			s.endN++
		} else {
			s.lost++
		}
	case end > 0:
		s.endN++
		if firstAfter {
			s.newN++
		} else {
			s.reactN++
		}
	case paidBetween:
		s.joinedLeft++
	}
}

// at64 returns x[k], or 0 outside x: a customer's MRR in a month outside its run.
func at64(x []int64, k int) int64 {
	if uint(k) < uint(len(x)) {
		return x[k]
	}
	return 0
}

// moves64 is one customer's movements from month i0 to i1 (int64 path), its
// cells x starting at month lo and first paying month fp.
type move64 struct {
	end, newB, exp, con, churn, react int64
	paidBetween                       bool
}

func moves64(x []int64, lo, i0, i1, fp int) move64 {
	var r move64
	prev := at64(x, i0-lo)
	for k := i0 + 1; k <= i1; k++ {
		cur := at64(x, k-lo)
		switch {
		case cur == prev:
		case prev == 0:
			if k == fp {
				r.newB += cur
			} else {
				r.react += cur
			}
		case cur == 0:
			r.churn += prev
		case cur > prev:
			r.exp += cur - prev
		default:
			r.con += prev - cur
		}
		if k < i1 && cur > 0 {
			r.paidBetween = true
		}
		prev = cur
	}
	r.end = prev
	return r
}

// movements64 is Movements on the int64 path.
func (b *Book) movements64(i0, i1 int) []CustomerMovements {
	out := make([]CustomerMovements, b.Len())
	ids := string(b.idBuf)
	b.run(b.Len(), func(_, c0, c1 int) {
		m := b.money64
		for c := c0; c < c1; c++ {
			x := b.cells[b.off[c]:b.off[c+1]]
			lo := int(b.lo[c])
			r := moves64(x, lo, i0, i1, int(b.firstPay[c]))
			idLo := 0
			if c > 0 {
				idLo = b.idEnd[c-1]
			}
			out[c] = CustomerMovements{ID: ids[idLo:b.idEnd[c]], Start: m(at64(x, i0-lo)), End: m(r.end), Movements: Movements{
				New: m(r.newB), Expansion: m(r.exp), Contraction: m(r.con), Churn: m(r.churn), Reactivation: m(r.react), FX: m(0),
			}}
		}
	})
	return out
}

// cohortTable64 is the cohort table's sums over a range of customers: for the
// cohort of first month s at age k, index tri(s)+k.
type cohortTable64 struct {
	customers []int64
	active    []int64
	mrr       []int64
}

// tri returns the offset of cohort s's ages in a triangular table of n months.
func tri(n, s int) int { return s*n - s*(s-1)/2 }

// cohorts64 is Cohorts on the int64 path.
func (b *Book) cohorts64() []Cohort {
	n := b.n
	size := tri(n, n)
	parts := make([]cohortTable64, max(1, b.workers))
	w := b.run(b.Len(), func(k, c0, c1 int) {
		t := cohortTable64{customers: make([]int64, n), active: make([]int64, size), mrr: make([]int64, size)}
		for c := c0; c < c1; c++ {
			fp := int(b.firstPay[c])
			if fp < 0 {
				continue
			}
			t.customers[fp]++
			x := b.cells[b.off[c]:b.off[c+1]]
			lo := int(b.lo[c])
			base := tri(n, fp) - fp
			for m := fp; m < lo+len(x); m++ {
				if v := x[m-lo]; v > 0 {
					t.active[base+m]++
					t.mrr[base+m] += v
				}
			}
		}
		parts[k] = t
	})
	t := parts[0]
	for _, p := range parts[1:w] {
		for i, v := range p.customers {
			t.customers[i] += v
		}
		for i := range p.active {
			t.active[i] += p.active[i]
			t.mrr[i] += p.mrr[i]
		}
	}
	var out []Cohort
	for s := range n {
		if t.customers[s] == 0 {
			continue
		}
		o := tri(n, s)
		base := b.money64(t.mrr[o])
		co := Cohort{Start: b.first.Add(s), Customers: int(t.customers[s]), Ages: make([]CohortAge, n-s)}
		for k := range co.Ages {
			co.Ages[k] = CohortAge{Age: k, Month: b.first.Add(s + k), Active: int(t.active[o+k]), MRR: b.money64(t.mrr[o+k]), Base: base}
		}
		out = append(out, co)
	}
	return out
}

// exactView returns b computing in exact decimals, for tests comparing the two
// paths. b itself is never changed, so a Book stays safe for concurrent use.
func (b *Book) exactView() *Book {
	cp := *b
	cp.int64Path = false
	return &cp
}
