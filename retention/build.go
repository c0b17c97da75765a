package retention

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/shopspring/decimal"
	"github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
)

// The limits of the records a book accepts.
const (
	// maxGap is the largest distance in months between a record's month and the
	// book's main body of months: a month further away is a bad record.
	maxGap = 24
	// extraDigits is how many decimal places beyond its currency's minor digits
	// an amount may carry.
	extraDigits = 6
	// partRecords is the fewest records a worker of NewBook is given.
	partRecords = 1 << 15
)

var pow10 = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// Flags of a customer while a book is built.
const (
	custBad       uint8 = 1 << iota // a record of the customer is bad: leave it out
	custUnordered                   // its records are not one run in increasing (month, subscription) order
	custShared                      // its records were read by more than one worker
)

// builder gathers MRR records into a few flat columns, one entry per record, and
// then lays the book out from them. NewBook fills the columns from a slice (in
// parallel parts when asked for workers), ReadMRR from a stream: neither keeps a
// copy of the records themselves.
type builder struct {
	opt     Options
	fixed   bool
	workers int

	// Per record, indexed by its position in the input (NewBook) or its order of
	// reading (ReadMRR); NewBook's come from cols.
	cols *columns
	cust []int32 // customer: a part's local index, then the global one; -1 for none
	mon  []Month // month; 0 for a bad record
	val  []int64 // amount in units of 10^-scale of its currency
	cur  []uint8 // currency index; nil while there is one currency
	line []int32 // ReadMRR: the record's line
	sub  []int32 // ReadMRR: the record's interned subscription
	recs []Record

	parts []*part
	subs  map[string]int32 // ReadMRR: interned subscriptions
	subID []string

	// After merging the parts: customers sorted by ID, and their state.
	names []string
	flags []uint8
	clo   []Month // first and last month of the customer's usable records
	chi   []Month
	probs problems
	fine  []fineAmount
	file  string // ReadBook: the file name its errors carry

	// The layout: customer → index in the book (-1 when left out), and for a
	// book of several currencies the set of each customer's currencies.
	final []int32
	masks []uint64
	words int
}

// part reads a contiguous range of records: its own customer map and errors, so
// that parts run in parallel and are merged in input order.
type part struct {
	lo, hi int // the records [lo, hi) of the builder's columns

	// Customers by local index. While their IDs arrive in increasing order (a
	// file sorted by customer) no customer can come back, and ids stays nil.
	ids   map[string]int32
	names []string
	flags []uint8
	clo   []Month
	chi   []Month
	trans []int32 // local customer → global, after the merge

	curs   []cs.Currency // currencies in order of first appearance
	digits []int32
	cur    []uint8 // per record from lo: local currency; nil while there is one
	fine   []fineAmount
	probs  problems

	prevCust  int32
	prevMon   Month
	prevSub   string
	prevSubOK string // the last subscription ID that passed cs.CheckID
	lastCur   int    // index in curs of the last record's currency, -1 before one
	lastCode  cs.Currency
	boundExp  int32
	bound     decimal.Decimal // math.MaxInt64 at exponent boundExp
}

// fineAmount is a record whose amount is not a whole number of its currency's
// minor units that fits an int64; the book finds the scale it needs at the end.
type fineAmount struct {
	i   int
	amt decimal.Decimal
}

func newBuilder(opt Options, n int) (*builder, error) {
	fixed, err := opt.fixedRange()
	if err != nil {
		return nil, err
	}
	if opt.Currency != "" && !opt.Currency.Known() {
		return nil, fmt.Errorf("retention: reporting currency %q: %w", string(opt.Currency), cs.ErrUnknownCurrency)
	}
	w := opt.Workers
	switch {
	case w < 0:
		w = runtime.GOMAXPROCS(0)
	case w == 0:
		w = 1
	}
	bd := &builder{opt: opt, fixed: fixed, workers: w}
	bd.cols = getColumns(n)
	bd.cust, bd.mon, bd.val = bd.cols.cust[:n], bd.cols.mon[:n], bd.cols.val[:n]
	return bd, nil
}

// columns are a builder's per-record columns, reused from one NewBook to the
// next: 16 bytes a record that would otherwise be fresh memory every time.
type columns struct {
	cust []int32
	mon  []Month
	val  []int64
}

var columnPool sync.Pool // of *columns

// getColumns returns columns of n zero entries.
func getColumns(n int) *columns {
	c, _ := columnPool.Get().(*columns)
	if c == nil || cap(c.cust) < n {
		return &columns{cust: make([]int32, n), mon: make([]Month, n), val: make([]int64, n)}
	}
	clear(c.mon[:n])
	clear(c.val[:n])
	return c
}

// release hands the builder's columns back for reuse; the builder is done.
func (bd *builder) release() {
	if bd.cols != nil && bd.line == nil {
		columnPool.Put(bd.cols)
	}
	bd.cols, bd.cust, bd.mon, bd.val = nil, nil, nil, nil
}

func newPart(lo, hi int) *part {
	return &part{lo: lo, hi: hi, prevCust: -1, lastCur: -1, boundExp: math.MinInt32}
}

// reserve sizes the part's customer lists for n customers.
func (p *part) reserve(n int) {
	p.names = make([]string, 0, n)
	p.flags = make([]uint8, 0, n)
	p.clo = make([]Month, 0, n)
	p.chi = make([]Month, 0, n)
}

// addRecords reads recs into the columns, in parallel parts when the builder
// has workers and the records are many.
func (bd *builder) addRecords(recs []Record) {
	bd.recs = recs
	n := len(recs)
	grain := partRecords
	if bd.opt.grain > 0 {
		grain = bd.opt.grain
	}
	np := max(1, min(bd.workers, n/grain))
	var wg sync.WaitGroup
	for k := range np {
		p := newPart(k*n/np, (k+1)*n/np)
		bd.parts = append(bd.parts, p)
		wg.Add(1)
		go func() {
			defer wg.Done()
			// The runs of equal IDs bound the customers, tightly when a
			// customer's records come together.
			runs := 0
			for i := p.lo; i < p.hi; i++ {
				if i == p.lo || recs[i].Customer != recs[i-1].Customer {
					runs++
				}
			}
			p.reserve(min(runs, 1<<20))
			for i := p.lo; i < p.hi; i++ {
				bd.addRecord(p, i, &recs[i])
			}
		}()
	}
	wg.Wait()
}

func (bd *builder) addRecord(p *part, i int, r *Record) {
	// Only checked IDs are kept, so the previous record's customer needs no check.
	if p.prevCust < 0 || r.Customer != p.names[p.prevCust] {
		if err := cs.CheckID(r.Customer); err != nil {
			bd.cust[i] = -1
			p.fail(bd, i, "", "customer_id", r.Customer, err)
			return
		}
	}
	c := p.customer(r.Customer, r.Subscription, r.Month, false)
	bd.cust[i] = c
	cur := r.MRR.Currency()
	amt := r.MRR.Amount()
	switch {
	case r.Subscription != p.prevSubOK && cs.CheckID(r.Subscription) != nil:
		p.fail(bd, i, r.Customer, "subscription_id", r.Subscription, cs.CheckID(r.Subscription))
	case cur == "":
		p.fail(bd, i, r.Customer, "currency", "", cs.ErrMissing)
	case amt.Sign() < 0:
		p.fail(bd, i, r.Customer, "mrr", amt.String(), cs.ErrNegative)
	case !bd.monthOK(r.Month):
		p.fail(bd, i, r.Customer, "month", monthText(r.Month), bd.monthErr(r.Month))
	default:
		p.prevSubOK = r.Subscription
		ci, digits := p.currency(cur)
		bd.use(p, i, c, r.Month, ci)
		v, ok := p.units(amt, digits)
		if !ok {
			p.fine = append(p.fine, fineAmount{i: i, amt: amt})
		}
		bd.val[i] = v
	}
}

// monthText formats m as YYYY-MM when it has four digits of year, and as its
// number otherwise.
func monthText(m Month) string {
	if m < NewMonth(1, 1) || m > NewMonth(9999, 12) {
		return strconv.Itoa(int(m))
	}
	return m.String()
}

// monthOK reports whether a book may hold month m: years 1 to 9999, and within
// the fixed range if there is one.
func (bd *builder) monthOK(m Month) bool {
	if bd.fixed {
		return m >= bd.opt.First && m <= bd.opt.Last
	}
	return m >= NewMonth(1, 1) && m <= NewMonth(9999, 12)
}

func (bd *builder) monthErr(m Month) error {
	if bd.fixed && m >= NewMonth(1, 1) && m <= NewMonth(9999, 12) {
		return fmt.Errorf("%w: outside the book's months %s to %s", ErrMonth, bd.opt.First, bd.opt.Last)
	}
	return fmt.Errorf("%w: want years 0001 to 9999", ErrMonth)
}

// use records that record i of local customer c is usable: in month m, in the
// part's currency ci.
func (bd *builder) use(p *part, i int, c int32, m Month, ci int) {
	bd.mon[i] = m
	p.clo[c] = min(p.clo[c], m)
	p.chi[c] = max(p.chi[c], m)
	if ci != 0 || p.cur != nil {
		k := i - p.lo
		if p.cur == nil {
			p.cur = make([]uint8, k, max(k+1, p.hi-p.lo))
		}
		for len(p.cur) <= k {
			p.cur = append(p.cur, 0)
		}
		p.cur[k] = uint8(ci)
	}
}

// customer returns the local index of customer id for a record of subscription
// sub in month m, and keeps track of whether the customer's records come as one
// run in strictly increasing (month, subscription) order: only then can they hold
// no duplicate without a further check. id and sub must outlive the builder
// unless copy is set.
func (p *part) customer(id, sub string, m Month, copy bool) int32 {
	if p.prevCust >= 0 && id == p.names[p.prevCust] {
		c := p.prevCust
		if m < p.prevMon || m == p.prevMon && sub <= p.prevSub {
			p.flags[c] |= custUnordered
		}
		p.prevMon, p.prevSub = m, sub
		return c
	}
	var c int32
	ok := false
	if p.ids == nil && len(p.names) > 0 && id <= p.names[len(p.names)-1] {
		// The IDs are not in increasing order after all: index them.
		p.ids = make(map[string]int32, max(len(p.names), 1<<10))
		for k, name := range p.names {
			p.ids[name] = int32(k)
		}
	}
	if p.ids != nil {
		c, ok = p.ids[id]
	}
	if ok {
		p.flags[c] |= custUnordered // a second run of the customer's records
	} else {
		if copy {
			id = strings.Clone(id)
		}
		c = int32(len(p.names))
		if p.ids != nil {
			p.ids[id] = c
		}
		p.names = append(p.names, id)
		p.flags = append(p.flags, 0)
		p.clo = append(p.clo, math.MaxInt32)
		p.chi = append(p.chi, math.MinInt32)
	}
	p.prevCust, p.prevMon, p.prevSub = c, m, sub
	return c
}

// fail reports record i as bad (field and value at fault, the cause) and marks
// its customer, if it has one, bad.
func (p *part) fail(bd *builder, i int, id, field, value string, err error) {
	if c := bd.cust[i]; c >= 0 {
		p.flags[c] |= custBad
	}
	p.probs.add(bd.pos(i), i, func() error { return bd.fieldErr(i, id, field, value, err) })
}

// pos returns record i's line, 0 when it is not from a file.
func (bd *builder) pos(i int) int {
	if bd.line != nil {
		return int(bd.line[i])
	}
	return 0
}

// fieldErr locates a problem of record i: by file and line from ReadBook, by
// index in the records from NewBook ("[3].month").
func (bd *builder) fieldErr(i int, id, field, value string, err error) error {
	fe := &cs.FieldError{File: bd.file, Record: errs.Clip(id), Field: field, Value: errs.Clip(value), Err: err}
	if bd.line != nil {
		fe.Line = int(bd.line[i])
	} else {
		fe.Field = "[" + strconv.Itoa(i) + "]." + field
	}
	return fe
}

// currency returns the part's index of currency c and its minor digits.
func (p *part) currency(c cs.Currency) (int, int32) {
	if p.lastCur >= 0 && p.lastCode == c {
		return p.lastCur, p.digits[p.lastCur]
	}
	k := slices.Index(p.curs, c)
	if k < 0 {
		k = len(p.curs)
		p.curs = append(p.curs, cs.Currency(strings.Clone(string(c))))
		p.digits = append(p.digits, int32(c.Digits()))
	}
	p.lastCur, p.lastCode = k, p.curs[k]
	return k, p.digits[k]
}

// units returns the non-negative d in units of 10^-digits, if it is a whole
// number of them that fits an int64. It reads the decimal without allocating.
func (p *part) units(d decimal.Decimal, digits int32) (int64, bool) {
	e := d.Exponent()
	if e != p.boundExp {
		p.boundExp, p.bound = e, decimal.New(math.MaxInt64, e)
	}
	if d.Cmp(p.bound) > 0 {
		return 0, false
	}
	return scaleUnits(d.CoefficientInt64(), e+digits)
}

// scaleUnits returns c × 10^s if it is a whole number that fits an int64 (c ≥ 0).
func scaleUnits(c int64, s int32) (int64, bool) {
	switch {
	case s == 0:
		return c, true
	case s > 0:
		if s > 18 || c > math.MaxInt64/pow10[s] {
			return 0, false
		}
		return c * pow10[s], true
	case s < -18 || c%pow10[-s] != 0:
		return 0, false
	}
	return c / pow10[-s], true
}

// finish merges the parts and lays out the book.
func (bd *builder) finish() (*Book, error) {
	defer bd.release()
	b := &Book{workers: bd.workers, grain: workerCustomers}
	if bd.opt.grain > 0 {
		b.grain = bd.opt.grain
	}
	if err := bd.mergeCurrencies(b); err != nil {
		return nil, err
	}
	bd.mergeCustomers()
	bd.scaleFine(b)
	if err := bd.monthRange(b); err != nil {
		return nil, err
	}
	if err := bd.rates(b); err != nil {
		return nil, err
	}
	bd.duplicates()
	for {
		bd.layout(b)
		if !bd.fill(b) {
			break
		}
		// A customer's cell overflowed: it is bad now, lay the book out again.
	}
	b.firstPaid()
	b.probs = bd.probs
	return b, nil
}

// mergeCurrencies lists the book's currencies, the reporting one first and the
// others sorted, and rewrites the records' currency indices.
func (bd *builder) mergeCurrencies(b *Book) error {
	var all []cs.Currency
	for _, p := range bd.parts {
		for _, c := range p.curs {
			if !slices.Contains(all, c) {
				all = append(all, c)
			}
		}
	}
	slices.Sort(all)
	b.currency = bd.opt.Currency
	if b.currency == "" {
		if len(all) > 1 {
			return fmt.Errorf("retention: records in %s with no reporting currency: %w", joinCurrencies(all), cs.ErrCurrencyMismatch)
		}
		if len(all) == 1 {
			b.currency = all[0]
		}
	}
	if i := slices.Index(all, b.currency); i >= 0 {
		all = slices.Delete(all, i, i+1)
	}
	all = slices.Insert(all, 0, b.currency)
	if len(all) > math.MaxUint8+1 {
		return fmt.Errorf("retention: records in %d currencies, at most %d: %w", len(all), math.MaxUint8+1, cs.ErrRange)
	}
	b.curs = make([]bookCurrency, len(all))
	for k, c := range all {
		b.curs[k] = bookCurrency{code: c, scale: int32(max(0, c.Digits()))}
	}
	b.zero, _ = cs.NewMoney(decimal.New(0, -b.curs[0].scale), b.currency)
	if len(all) == 1 {
		return nil
	}
	bd.cur = make([]uint8, len(bd.cust))
	for _, p := range bd.parts {
		tr := make([]uint8, len(p.curs))
		for k, c := range p.curs {
			tr[k] = uint8(slices.Index(all, c))
		}
		for k := p.lo; k < p.hi; k++ {
			if bd.mon[k] == 0 {
				continue
			}
			var lc uint8
			if j := k - p.lo; j < len(p.cur) {
				lc = p.cur[j]
			}
			bd.cur[k] = tr[lc]
		}
		p.cur = nil
	}
	return nil
}

// mergeCustomers merges the parts' customers into one list sorted by ID, and
// rewrites the records' customer indices.
func (bd *builder) mergeCustomers() {
	perms := make([][]int32, len(bd.parts))
	bd.parallel(len(bd.parts), func(k int) { perms[k] = sortedOrder(bd.parts[k].names) })
	for _, p := range bd.parts {
		p.trans = make([]int32, len(p.names))
	}
	heads := make([]int, len(bd.parts))
	for {
		best := -1
		for k, p := range bd.parts {
			if heads[k] < len(perms[k]) && (best < 0 || p.names[perms[k][heads[k]]] < bd.parts[best].names[perms[best][heads[best]]]) {
				best = k
			}
		}
		if best < 0 {
			break
		}
		id := bd.parts[best].names[perms[best][heads[best]]]
		g := int32(len(bd.names))
		bd.names = append(bd.names, id)
		bd.flags = append(bd.flags, 0)
		bd.clo = append(bd.clo, math.MaxInt32)
		bd.chi = append(bd.chi, math.MinInt32)
		seen := false
		for k, p := range bd.parts {
			if heads[k] == len(perms[k]) {
				continue
			}
			l := perms[k][heads[k]]
			if p.names[l] != id {
				continue
			}
			heads[k]++
			p.trans[l] = g
			if seen {
				bd.flags[g] |= custUnordered | custShared
			}
			seen = true
			bd.flags[g] |= p.flags[l]
			bd.clo[g] = min(bd.clo[g], p.clo[l])
			bd.chi[g] = max(bd.chi[g], p.chi[l])
		}
	}
	bd.parallel(len(bd.parts), func(k int) {
		p := bd.parts[k]
		for i := p.lo; i < p.hi; i++ {
			if c := bd.cust[i]; c >= 0 {
				bd.cust[i] = p.trans[c]
			}
		}
	})
	for _, p := range bd.parts {
		bd.probs.merge(&p.probs)
		bd.fine = append(bd.fine, p.fine...)
	}
}

// sortedOrder returns the indices of names in sorted order (names are unique).
func sortedOrder(names []string) []int32 {
	perm := make([]int32, len(names))
	for i := range perm {
		perm[i] = int32(i)
	}
	if !slices.IsSorted(names) {
		slices.SortFunc(perm, func(x, y int32) int { return strings.Compare(names[x], names[y]) })
	}
	return perm
}

// bad reports record i as bad after the merge and marks its customer bad.
func (bd *builder) bad(i int, field, value string, err error) {
	id := ""
	if c := bd.cust[i]; c >= 0 {
		id = bd.names[c]
		bd.flags[c] |= custBad
	}
	bd.probs.add(bd.pos(i), i, func() error { return bd.fieldErr(i, id, field, value, err) })
	bd.mon[i] = 0
}

// scaleFine gives a currency with amounts finer than its minor unit the scale
// they need (up to extraDigits more), rescales its other amounts, and reports
// the amounts that still do not fit.
func (bd *builder) scaleFine(b *Book) {
	fine := bd.fine
	if len(fine) == 0 {
		return
	}
	curOf := func(i int) int {
		if bd.cur == nil {
			return 0
		}
		return int(bd.cur[i])
	}
	scale := make([]int32, len(b.curs))
	for k, c := range b.curs {
		scale[k] = c.scale
	}
	for _, f := range fine {
		k := curOf(f.i)
		need := decimalPlaces(f.amt)
		if need > b.curs[k].scale+extraDigits {
			bd.bad(f.i, "mrr", f.amt.String(), fmt.Errorf("%w: more than %d decimal places", cs.ErrRange, b.curs[k].scale+extraDigits))
			continue
		}
		scale[k] = max(scale[k], need)
	}
	for i, m := range bd.mon {
		k := curOf(i)
		if m == 0 || scale[k] == b.curs[k].scale || bd.val[i] == 0 {
			continue
		}
		v, ok := scaleUnits(bd.val[i], scale[k]-b.curs[k].scale)
		if !ok {
			bd.bad(i, "mrr", decimal.New(bd.val[i], -b.curs[k].scale).String(), rangeErr(b.curs[k].code, scale[k]))
			continue
		}
		bd.val[i] = v
	}
	for k := range b.curs {
		b.curs[k].scale = scale[k]
	}
	b.zero, _ = cs.NewMoney(decimal.New(0, -b.curs[0].scale), b.currency)
	for _, f := range fine {
		if bd.mon[f.i] == 0 {
			continue
		}
		k := curOf(f.i)
		v, ok := decimalUnits(f.amt, scale[k])
		if !ok {
			bd.bad(f.i, "mrr", f.amt.String(), rangeErr(b.curs[k].code, scale[k]))
			continue
		}
		bd.val[f.i] = v
	}
}

func rangeErr(c cs.Currency, scale int32) error {
	return fmt.Errorf("%w: over %s %s (2^63−1 units of 10^-%d)", cs.ErrRange, decimal.New(math.MaxInt64, -scale), c, scale)
}

// decimalPlaces returns the number of decimal places d needs (trailing zeros
// not counted).
func decimalPlaces(d decimal.Decimal) int32 {
	if d.Exponent() >= 0 {
		return 0
	}
	s := d.String()
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return int32(len(s) - i - 1)
	}
	return 0
}

// decimalUnits returns d in units of 10^-scale if it is a whole number of them
// that fits an int64.
func decimalUnits(d decimal.Decimal, scale int32) (int64, bool) {
	s := d.Shift(scale)
	if !s.IsInteger() {
		return 0, false
	}
	bi := s.BigInt()
	if !bi.IsInt64() {
		return 0, false
	}
	return bi.Int64(), true
}

// monthRange sets the book's months: the fixed range, or the main body of the
// records' months, whose outliers become bad records.
func (bd *builder) monthRange(b *Book) error {
	if bd.fixed {
		b.first, b.n = bd.opt.First, int(bd.opt.Last-bd.opt.First)+1
		return nil
	}
	lo, hi := Month(math.MaxInt32), Month(math.MinInt32)
	for c := range bd.names {
		lo, hi = min(lo, bd.clo[c]), max(hi, bd.chi[c])
	}
	if hi < lo {
		if bd.probs.n > 0 {
			return fmt.Errorf("retention: no usable record: %w", bd.probs.err())
		}
		return fmt.Errorf("retention: no records: %w", cs.ErrMissing)
	}
	if int(hi-lo) > maxGap {
		count := make([]int, hi-lo+1)
		for _, m := range bd.mon {
			if m != 0 {
				count[m-lo]++
			}
		}
		lo, hi = bd.mainBody(count, lo)
	}
	if int(hi-lo) >= MaxMonths {
		return bd.spanErr(lo, hi)
	}
	b.first, b.n = lo, int(hi-lo)+1
	return nil
}

// mainBody returns the range of the largest run of months (by records) whose
// successive months are at most maxGap apart, and reports the records outside it.
func (bd *builder) mainBody(count []int, base Month) (lo, hi Month) {
	bestN, n := -1, 0
	start, prev := -1, -1
	for m := 0; m <= len(count); m++ {
		if m < len(count) && count[m] == 0 {
			continue
		}
		if m == len(count) || start >= 0 && m-prev > maxGap {
			if n > bestN {
				bestN, lo, hi = n, base+Month(start), base+Month(prev)
			}
			start, n = -1, 0
		}
		if m == len(count) {
			break
		}
		if start < 0 {
			start = m
		}
		n += count[m]
		prev = m
	}
	for i, m := range bd.mon {
		if m == 0 || m >= lo && m <= hi {
			continue
		}
		d := int(lo - m)
		if m > hi {
			d = int(m - hi)
		}
		bd.bad(i, "month", m.String(), fmt.Errorf("%w: %d months from the book's other months (%s to %s)", ErrMonth, d, lo, hi))
	}
	for c := range bd.names {
		if bd.clo[c] < lo || bd.chi[c] > hi {
			bd.clo[c], bd.chi[c] = max(bd.clo[c], lo), min(bd.chi[c], hi)
		}
	}
	return lo, hi
}

// spanErr refuses a book over MaxMonths, naming the first record in the extreme
// month further from the others.
func (bd *builder) spanErr(lo, hi Month) error {
	var below, above int
	mid := lo + (hi-lo)/2
	for _, m := range bd.mon {
		switch {
		case m == 0:
		case m < mid:
			below++
		default:
			above++
		}
	}
	end := lo // the records crowd at the top: the bottom is the odd end
	if below > above {
		end = hi
	}
	i := slices.Index(bd.mon, end)
	id := ""
	if c := bd.cust[i]; c >= 0 {
		id = bd.names[c]
	}
	return fmt.Errorf("retention: %w", bd.fieldErr(i, id, "month", end.String(), fmt.Errorf("%w: the book would span %s to %s, more than %d months", ErrPeriod, lo, hi, MaxMonths)))
}

// rates fills in each foreign currency's rate for every month of the book.
func (bd *builder) rates(b *Book) error {
	idx := func(c cs.Currency) int {
		return slices.IndexFunc(b.curs, func(x bookCurrency) bool { return x.code == c })
	}
	for k := 1; k < len(b.curs); k++ {
		b.curs[k].rates = make([]decimal.Decimal, b.n)
	}
	standing := make([]decimal.Decimal, len(b.curs)) // the Month-zero rate of each currency
	for i, rt := range bd.opt.Rates {
		k := idx(rt.From)
		if k < 0 || rt.Month != 0 && (rt.Month < b.first || int(rt.Month-b.first) >= b.n) {
			continue // a rate the book does not need
		}
		if k == 0 || rt.Rate.Sign() <= 0 {
			return fmt.Errorf("retention: rates[%d]: %s %s at %s: %w", i, rt.From, rt.Month, rt.Rate, cs.ErrInvalidRate)
		}
		if rt.Month == 0 {
			if !standing[k].IsZero() {
				return fmt.Errorf("retention: rates[%d]: %s for every month: %w", i, rt.From, cs.ErrDuplicate)
			}
			standing[k] = rt.Rate
			continue
		}
		m := int(rt.Month - b.first)
		if !b.curs[k].rates[m].IsZero() {
			return fmt.Errorf("retention: rates[%d]: %s %s: %w", i, rt.From, rt.Month, cs.ErrDuplicate)
		}
		b.curs[k].rates[m] = rt.Rate
	}
	for k := 1; k < len(b.curs); k++ {
		r := b.curs[k].rates
		for m := range r {
			switch {
			case !r[m].IsZero():
			case !standing[k].IsZero():
				r[m] = standing[k]
			default:
				return fmt.Errorf("retention: %s to %s in %s: %w", b.curs[k].code, b.currency, b.first.Add(m), ErrNoRate)
			}
		}
	}
	return nil
}

// duplicates reports a second record of a customer, subscription and month, for
// the customers whose records did not come in one increasing run.
func (bd *builder) duplicates() {
	check := func(c int32) bool { return c >= 0 && bd.flags[c]&(custUnordered|custBad) == custUnordered }
	var start []int32
	for i, c := range bd.cust {
		if bd.mon[i] != 0 && check(c) {
			if start == nil {
				start = make([]int32, len(bd.names)+1)
			}
			start[c+1]++
		}
	}
	if start == nil {
		return
	}
	for c := range bd.names {
		start[c+1] += start[c]
	}
	order := make([]int32, start[len(bd.names)])
	fill := slices.Clone(start)
	for i, c := range bd.cust {
		if bd.mon[i] != 0 && check(c) {
			order[fill[c]] = int32(i)
			fill[c]++
		}
	}
	cmpRec := func(x, y int32) int {
		if c := cmp.Compare(bd.mon[x], bd.mon[y]); c != 0 {
			return c
		}
		if bd.sub != nil {
			return cmp.Compare(bd.sub[x], bd.sub[y])
		}
		return strings.Compare(bd.recs[x].Subscription, bd.recs[y].Subscription)
	}
	var dups []int32
	for c := range bd.names {
		g := order[start[c]:start[c+1]]
		slices.SortStableFunc(g, cmpRec)
		for k := 1; k < len(g); k++ {
			if cmpRec(g[k-1], g[k]) == 0 {
				dups = append(dups, g[k])
			}
		}
	}
	for _, i := range dups {
		m, sub := bd.mon[i], ""
		if bd.sub != nil {
			sub = bd.subID[bd.sub[i]]
		} else {
			sub = bd.recs[i].Subscription
		}
		bd.bad(int(i), "subscription_id", sub, fmt.Errorf("%w in %s", cs.ErrDuplicate, m))
	}
}

// layout numbers the good customers in ID order and sizes their cells.
func (bd *builder) layout(b *Book) {
	final := make([]int32, len(bd.names))
	nc, idLen := 0, 0
	for c := range bd.names {
		final[c] = -1
		if bd.flags[c]&custBad == 0 && bd.clo[c] <= bd.chi[c] {
			final[c] = int32(nc)
			nc++
			idLen += len(bd.names[c])
		}
	}
	b.idBuf = make([]byte, 0, idLen)
	b.idEnd = make([]int, nc)
	b.lo = make([]int32, nc)
	b.off = make([]int64, nc+1)
	var masks []uint64 // multi-currency: per customer, the set of its currencies
	words := (len(b.curs) + 63) / 64
	if len(b.curs) > 1 {
		masks = make([]uint64, nc*words)
		for i, c := range bd.cust {
			if bd.mon[i] != 0 && c >= 0 && final[c] >= 0 {
				k := int(bd.cur[i])
				masks[int(final[c])*words+k/64] |= 1 << (k % 64)
			}
		}
		b.custLine = make([]int32, nc+1)
		b.lineCur = b.lineCur[:0]
	} else {
		b.custLine, b.lineCur = nil, nil
	}
	for c, f := range final {
		if f < 0 {
			continue
		}
		b.idBuf = append(b.idBuf, bd.names[c]...)
		b.idEnd[f] = len(b.idBuf)
		b.lo[f] = int32(bd.clo[c] - b.first)
		lines := 1
		if masks != nil {
			lines = 0
			for w, m := range masks[int(f)*words : int(f+1)*words] {
				for m != 0 {
					k := bits.TrailingZeros64(m)
					m &^= 1 << k
					b.lineCur = append(b.lineCur, uint8(w*64+k))
					lines++
				}
			}
			b.custLine[f+1] = b.custLine[f] + int32(lines)
		}
		b.off[f+1] = b.off[f] + int64(lines)*int64(bd.chi[c]-bd.clo[c]+1)
	}
	b.cells = make([]int64, b.off[nc])
	bd.final, bd.masks, bd.words = final, masks, words
}

// fill adds every usable record into its cell. A cell that overflows makes its
// customer bad; fill then returns true and the book must be laid out again.
func (bd *builder) fill(b *Book) bool {
	over := make([][]int, len(bd.parts))
	shared := make([][]int, len(bd.parts))
	bd.parallel(len(bd.parts), func(k int) {
		p := bd.parts[k]
		for i := p.lo; i < p.hi; i++ {
			c := bd.cust[i]
			switch {
			case bd.mon[i] == 0 || c < 0 || bd.final[c] < 0:
			case bd.flags[c]&custShared != 0:
				shared[k] = append(shared[k], i) // added below, by one goroutine
			case !bd.add(b, i):
				over[k] = append(over[k], i)
			}
		}
	})
	var overflow []int
	for k := range bd.parts {
		overflow = append(overflow, over[k]...)
		for _, i := range shared[k] {
			if !bd.add(b, i) {
				overflow = append(overflow, i)
			}
		}
	}
	for _, i := range overflow {
		k := bd.curIndex(i)
		bd.bad(i, "mrr", decimal.New(bd.val[i], -b.curs[k].scale).String(), fmt.Errorf("%w: the sum of the customer's subscriptions in %s is over 2^63−1 units of 10^-%d %s",
			cs.ErrRange, bd.mon[i], b.curs[k].scale, b.curs[k].code))
	}
	return len(overflow) > 0
}

func (bd *builder) curIndex(i int) int {
	if bd.cur == nil {
		return 0
	}
	return int(bd.cur[i])
}

// add adds record i into its cell and reports false if the cell overflows.
func (bd *builder) add(b *Book, i int) bool {
	f := int(bd.final[bd.cust[i]])
	o := b.off[f]
	n := int(b.off[f+1] - o)
	j := 0
	if bd.masks != nil {
		lines := int(b.custLine[f+1] - b.custLine[f])
		n /= lines
		k := int(bd.cur[i])
		for w, m := range bd.masks[f*bd.words : f*bd.words+k/64+1] {
			if w == k/64 {
				m &= 1<<(k%64) - 1
			}
			j += bits.OnesCount64(m)
		}
	}
	at := o + int64(j*n) + int64(int(bd.mon[i]-b.first)-int(b.lo[f]))
	s := b.cells[at] + bd.val[i]
	if s < b.cells[at] {
		return false
	}
	b.cells[at] = s
	return true
}

// parallel runs fn(0) … fn(n−1) on up to n goroutines and waits.
func (bd *builder) parallel(n int, fn func(k int)) {
	if n == 1 {
		fn(0)
		return
	}
	var wg sync.WaitGroup
	for k := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(k)
		}()
	}
	wg.Wait()
}
