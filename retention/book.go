package retention

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/successkit/cs"
)

// Record is one row of MRR: a subscription's monthly recurring revenue in a month, as
// in mrr.csv (customer_id,subscription_id,month,mrr,currency). A customer's MRR for a
// month is the sum of its records for that month; a month with no record is 0.
type Record struct {
	Customer     string   // customer_id, not empty
	Subscription string   // subscription_id; a customer's records in a month are summed
	Month        Month    // the month the MRR is for
	MRR          cs.Money // ≥ 0, in a known currency
}

// Rate is a caller-supplied exchange rate: Rate units of the book's reporting
// currency per unit of From, valid for the whole of Month (for example the month's
// average or closing rate; the caller chooses and the book never guesses one). A
// Rate with the zero Month is a standing rate: it applies to every month of the
// book that has no rate of its own for From, so a constant rate is one Rate.
type Rate struct {
	From  cs.Currency     // the currency converted
	Month Month           // the month the rate is for; zero for a standing rate
	Rate  decimal.Decimal // reporting-currency units per unit of From, > 0
}

// Options configures NewBook. The zero Options is a single-currency book: every
// record must be in one currency, which becomes the reporting currency.
type Options struct {
	// Currency is the reporting currency. Empty means the single currency of the
	// records; a book with records in two currencies and no Currency is an error.
	Currency cs.Currency
	// Rates convert every other currency of the records into Currency. A currency
	// that occurs in the records needs a rate for every month of the book's range.
	Rates []Rate
	// First and Last fix the book's range of months, both included. Zero (both)
	// means the range of the records. With a fixed range a record outside it is a
	// bad record (ErrMonth) and its customer is left out, a book may hold no
	// customer at all, and books built from disjoint sets of customers with the
	// same Options report periods and cohorts that add up exactly (Period.Add,
	// AddCohorts) to those of the book of all of them. Setting only one of them,
	// First after Last, a month outside years 1 to 9999 or a range longer than
	// MaxMonths is an error wrapping ErrOption.
	First, Last Month
	// Workers is the number of goroutines NewBook and the book's computations
	// (Period, Movements, Cohorts) may use: 0 or 1 means the caller's goroutine
	// only, a negative number GOMAXPROCS. Customers are split into contiguous
	// ranges whose exact partial sums are added in range order, so results are
	// identical, digit for digit, for any number of workers.
	Workers int

	// grain, when positive, replaces the fewest records (NewBook) and customers
	// (computations) a worker is given, so that tests run tiny books in parallel.
	grain int
}

// MaxMonths is the longest range of months a book may span: 50 years.
const MaxMonths = 600

// fixedRange checks the range set in opt and reports whether there is one.
func (opt Options) fixedRange() (bool, error) {
	if opt.First == 0 && opt.Last == 0 {
		return false, nil
	}
	lo, hi := NewMonth(1, 1), NewMonth(9999, 12)
	if opt.First < lo || opt.First > hi || opt.Last < lo || opt.Last > hi || opt.Last < opt.First || int(opt.Last-opt.First) >= MaxMonths {
		return false, fmt.Errorf("retention: options: months %s to %s: want First ≤ Last within years 1 to 9999 and at most %d months: %w",
			opt.First, opt.Last, MaxMonths, ErrOption)
	}
	return true, nil
}

// Book is a set of customers' monthly MRR over a contiguous range of months, in one
// reporting currency, ready for movements, retention metrics and cohort tables. It
// is built once by NewBook and immutable afterwards: safe for concurrent use.
//
// A book holds no decimal, map or pointer per record. Each customer's months, from
// its first record to its last, are one flat run of int64 cells per currency, in
// units of 10^-p of that currency (p its minor digits, or more for amounts with
// finer fractions), and customers' IDs are one byte string: about 8 bytes per
// customer-month plus 30 per customer (BenchmarkBookBytes measures it). Amounts
// become decimals only at the edge: in results, and when converting currencies.
//
// A one-currency book computes in int64 when no sum it reports can overflow
// (customers × months × the largest cell < 2^63), and in exact decimals
// otherwise, as a book with several currencies always does; both give identical
// results (a property test checks it). Options.Workers spreads the work over
// customers; every sum is exact, so the worker count never changes a digit.
type Book struct {
	first    Month
	n        int // months in the book
	currency cs.Currency
	curs     []bookCurrency // [0] is the reporting currency
	workers  int
	grain    int // the fewest customers a worker is given

	// Customers, sorted by ID: customer c's ID is idBuf[idEnd[c-1]:idEnd[c]].
	idBuf []byte
	idEnd []int
	// Customer c's cells are cells[off[c]:off[c+1]]: one run per line (currency)
	// over the months lo[c] .. lo[c]+span−1 (indices from first), span being
	// the cells over the lines.
	lo    []int32
	off   []int64
	cells []int64
	// custLine[c]:custLine[c+1] are customer c's lines and lineCur their
	// currencies, in currency order; both nil when every customer has one line in
	// the reporting currency.
	custLine []int32
	lineCur  []uint8
	firstPay []int32 // per customer: index of the first month with MRR > 0, or -1

	int64Path bool     // sums fit int64: one currency and no possible overflow
	zero      cs.Money // 0 in the reporting currency

	probs problems // the bad records
}

// bookCurrency is a currency of a book: its amounts are in units of 10^-scale,
// converted at rates[m] in month m (nil for the reporting currency).
type bookCurrency struct {
	code  cs.Currency
	scale int32
	rates []decimal.Decimal
}

// NewBook builds a book from MRR records in any order. A bad record (an empty
// customer ID, a negative or zero-currency amount, a month outside years 1 to 9999
// or far from the book's other months, a duplicate customer/subscription/month, an
// amount that does not fit) is reported in Errors and its customer left out; the
// other customers are still processed. The error return is for faults of the
// whole input: no usable record, a range of months over MaxMonths, two currencies
// with no reporting currency, a currency of the records with no rate for some
// month (ErrNoRate), a non-positive rate, an invalid Options field (ErrOption).
//
// Months: with Options.First and Last the book covers exactly that range.
// Otherwise it covers the records' months, where a month more than 24 months
// away from every month of the book's main body (the largest run of records whose
// successive months are at most 24 apart) is a bad record: one typo such as
// 2224-12 in a file of 2024 must not stretch the book to two centuries.
//
// Amounts: an amount is kept exactly as a whole number of units of 10^-p of its
// currency, p being the currency's minor digits, or up to 6 more when some record
// of that currency has a finer fraction. A record with a finer fraction still, or
// whose amount, or the sum of its customer's subscriptions in a month, exceeds
// 2^63−1 units, is a bad record wrapping cs.ErrRange.
func NewBook(recs []Record, opt Options) (*Book, error) {
	bd, err := newBuilder(opt, len(recs))
	if err != nil {
		return nil, err
	}
	bd.addRecords(recs)
	return bd.finish()
}

// Err returns nil when every record was good, and otherwise the bad records'
// errors as one error whose message lists the first errs.MaxProblems (10) by
// line or index, one per line, then "and N more problems": it stays short
// whatever the input; it starts "retention: ". Each is a *cs.FieldError (file
// and line from ReadBook, "[index].column" from NewBook, the customer, the
// column and the value); errors.As finds them and errors.Is their sentinels.
func (b *Book) Err() error {
	if err := b.probs.err(); err != nil {
		return fmt.Errorf("retention: %w", err)
	}
	return nil
}

// Bad returns the number of bad records, whose customers are left out.
func (b *Book) Bad() int { return b.probs.n }

// Currency returns the reporting currency.
func (b *Book) Currency() cs.Currency { return b.currency }

// Months returns the first and last month of the book.
func (b *Book) Months() (first, last Month) { return b.first, b.first.Add(b.n - 1) }

// Len returns the number of customers in the book.
func (b *Book) Len() int { return len(b.idEnd) }

func (b *Book) idBytes(c int) []byte {
	lo := 0
	if c > 0 {
		lo = b.idEnd[c-1]
	}
	return b.idBuf[lo:b.idEnd[c]]
}

// Customers returns the IDs of the customers in the book, sorted.
func (b *Book) Customers() []string {
	out := make([]string, b.Len())
	s := string(b.idBuf) // one allocation shared by every ID
	lo := 0
	for c, hi := range b.idEnd {
		out[c] = s[lo:hi]
		lo = hi
	}
	return out
}

// Exact reports whether the book computes in exact decimals rather than int64
// (several currencies, or sums that could overflow int64). Results are the same
// either way; only speed differs.
func (b *Book) Exact() bool { return !b.int64Path }

// MRR returns customer id's MRR in month m in the reporting currency, converted at
// m's rates, and false if the customer or the month is not in the book.
func (b *Book) MRR(id string, m Month) (cs.Money, bool) {
	c, ok := b.lookup(id)
	if !ok || m < b.first || int(m-b.first) >= b.n {
		return cs.Money{}, false
	}
	mi := int(m - b.first)
	if b.int64Path {
		return b.money64(b.cell(c, 0, mi)), true
	}
	e := exactOps{b}
	return e.money(e.at(c, mi, mi)), true
}

// lookup returns the index of customer id by binary search over the sorted IDs.
func (b *Book) lookup(id string) (int, bool) {
	lo, hi := 0, b.Len()
	for lo < hi {
		h := int(uint(lo+hi) >> 1)
		if string(b.idBytes(h)) < id {
			lo = h + 1
		} else {
			hi = h
		}
	}
	return lo, lo < b.Len() && string(b.idBytes(lo)) == id
}

// span returns customer c's first month index and number of months.
func (b *Book) span(c int) (lo, n int) {
	cells := int(b.off[c+1] - b.off[c])
	if b.custLine != nil {
		cells /= int(b.custLine[c+1] - b.custLine[c])
	}
	return int(b.lo[c]), cells
}

// cell returns customer c's amount on its line j in month index m (0 outside
// the customer's months), in that line's units.
func (b *Book) cell(c, j, m int) int64 {
	lo, n := b.span(c)
	k := m - lo
	if uint(k) >= uint(n) {
		return 0
	}
	return b.cells[int(b.off[c])+j*n+k]
}

// money64 converts an int64 amount of the reporting currency into Money.
func (b *Book) money64(x int64) cs.Money {
	if x == 0 {
		// Most movements are zero; Money is immutable, so one zero serves them all
		// and saves a big.Int allocation each.
		return b.zero
	}
	m, _ := cs.NewMoney(decimal.New(x, -b.curs[0].scale), b.currency)
	return m
}

func joinCurrencies(cs []cs.Currency) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}
