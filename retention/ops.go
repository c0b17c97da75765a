package retention

import (
	"github.com/shopspring/decimal"
	"github.com/successkit/cs"
)

// ops is the arithmetic the metrics run on: int64 minor units (fastOps) or exact
// decimals (exactOps). Writing the metrics once over ops keeps both paths
// identical by construction.
type ops[T any] interface {
	// at returns customer c's MRR in month m valued at the rates of month r.
	at(c, m, r int) T
	add(x, y T) T
	sub(x, y T) T
	cmp(x, y T) int
	sign(x T) int
	money(x T) cs.Money
	overflowed() bool
}

type fastOps struct {
	b   *Book
	ovf *bool
}

func (b *Book) fastOps() fastOps { return fastOps{b: b, ovf: new(bool)} }

func (o fastOps) at(c, m, _ int) int64 { return o.b.fast[c*o.b.n+m] }

func (o fastOps) add(x, y int64) int64 {
	s := x + y
	if (x > 0 && y > 0 && s < 0) || (x < 0 && y < 0 && s >= 0) {
		*o.ovf = true
	}
	return s
}

func (o fastOps) sub(x, y int64) int64 {
	s := x - y
	if (x >= 0 && y < 0 && s < 0) || (x < 0 && y > 0 && s >= 0) {
		*o.ovf = true
	}
	return s
}

func (fastOps) cmp(x, y int64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func (fastOps) sign(x int64) int {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}

func (o fastOps) money(x int64) cs.Money {
	if x == 0 {
		// Most movements are zero; Money is immutable, so one zero serves them all
		// and saves a big.Int allocation each.
		return o.b.zero
	}
	m, _ := cs.MoneyFromMinor(x, o.b.currency)
	return m
}

func (o fastOps) overflowed() bool { return *o.ovf }

type exactOps struct{ b *Book }

func (b *Book) exactOps() exactOps { return exactOps{b: b} }

func (o exactOps) at(c, m, r int) decimal.Decimal {
	b := o.b
	var s decimal.Decimal
	for l := b.custLine[c]; l < b.custLine[c+1]; l++ {
		v := b.native[int(l)*b.n+m]
		if v.IsZero() {
			continue
		}
		if cur := b.lines[l].cur; cur != 0 {
			v = v.Mul(b.rates[cur][r])
		}
		s = s.Add(v)
	}
	return s
}

func (exactOps) add(x, y decimal.Decimal) decimal.Decimal { return x.Add(y) }
func (exactOps) sub(x, y decimal.Decimal) decimal.Decimal { return x.Sub(y) }
func (exactOps) cmp(x, y decimal.Decimal) int             { return x.Cmp(y) }
func (exactOps) sign(x decimal.Decimal) int               { return x.Sign() }
func (exactOps) overflowed() bool                         { return false }

func (o exactOps) money(x decimal.Decimal) cs.Money {
	m, _ := cs.NewMoney(x, o.b.currency)
	return m
}

// exactCopy returns b in exact mode, for a computation whose int64 sums overflowed.
// b itself is never changed, so a Book stays safe for concurrent use.
func (src *Book) exactCopy() *Book {
	if src.fast == nil {
		return src
	}
	cp := *src
	b := &cp
	b.lines = make([]line, len(b.ids))
	b.custLine = make([]int32, len(b.ids)+1)
	b.native = make([]decimal.Decimal, len(b.fast))
	for c := range b.ids {
		b.lines[c] = line{cust: int32(c)}
		b.custLine[c+1] = int32(c + 1)
	}
	for k, v := range b.fast {
		if v != 0 {
			b.native[k] = decimal.New(v, -b.digits)
		}
	}
	b.fast = nil
	return b
}
