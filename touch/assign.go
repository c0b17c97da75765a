package touch

import (
	"fmt"
	"hash/maphash"
	"math"
	"math/big"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	cs "github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
)

// Assign assigns every account to a tier and an owner for the period asOf, under
// the policy's thresholds, hysteresis, fit gate, cost gate and capacity:
//
//  1. The value alone gives a tier: High from high.min_value, Low from
//     low.min_value, Tech below.
//  2. Hysteresis: an account keeps the tier its value earned last period
//     (State.Due, else State.Tier) unless its value crossed a threshold by the
//     margin, or has pointed to the same other tier for the policy's number of
//     consecutive periods (State.Streak, counted once per asOf: assigning the
//     same period again does not count it twice). The outcome is the
//     account's Due tier.
//  3. The fit gate (Policy.PoorFit) caps a poor-fit account at Tech; the cost
//     gate skips every tier whose cost to serve exceeds the maximum share of the
//     account's value.
//  4. Capacity: accounts are taken in descending value, ties by ascending ID.
//     Each takes the highest tier it may have that has room, on its current
//     owner if that CSM still serves the tier and has room, else on the CSM the
//     tier's Method picks; when a tier cannot take an account it closes, and
//     that account and every later one that seeks the tier spill to the next
//     one down. Closing at the first misfit keeps the order of values: a more
//     valuable account never gets less attention than a less valuable one for
//     capacity reasons. Tech touch is the floor: an account it cannot take
//     stays in Tech without an owner (ReasonUnserved).
//
// Assign reads no clock: asOf names the period, and must be a valid date not
// before any account's State.AsOf.
//
// A bad account (an empty ID, one with a control character or invalid UTF-8
// (cs.CheckID), a duplicate ID, a missing or negative value, a value in a
// currency without a rate, a health outside 0..100 (cs.ErrRange) or not
// finite, a non-finite signal, a state from a later period) is left out of
// Result.Accounts and listed in Result.Rejected; the others are assigned as
// if it were absent, and the returned error wraps one *cs.FieldError per
// rejected account (ten listed, the others counted), naming accounts[i] and the
// field. Both duplicates
// of a duplicate ID are rejected, so that the result does not depend on input
// order. The error is nil when every account was assigned; the Result is nil
// only when asOf is invalid or the policy has no currency.
func (a *Assigner) Assign(accounts []Account, asOf cs.Date) (*Result, error) {
	if asOf.IsZero() || !asOf.Valid() {
		return nil, fmt.Errorf("touch: %w", fieldErr("as_of", asOf.String(), cs.ErrInvalidDate))
	}
	if a.currency == "" && len(accounts) > 0 {
		return nil, fmt.Errorf("touch: %w", fieldErr("currency", "", fmt.Errorf("the policy has no currency; set Policy.Currency: %w", cs.ErrMissing)))
	}
	if len(accounts) > math.MaxInt32 {
		return nil, fmt.Errorf("touch: %w", fieldErr("accounts", strconv.Itoa(len(accounts)), fmt.Errorf("more than %d accounts: %w", math.MaxInt32, cs.ErrRange)))
	}
	n := len(accounts)
	sc := a.scratch(n)
	defer a.pool.Put(sc)
	w := &run{
		a:     a,
		accts: accounts,
		asOf:  asOf,
		recs:  sc.recs,
		sc:    sc,
		hyst:  a.periods > 0 || a.up != a.plain || a.down != a.plain,
	}
	w.check()
	w.dedupe(sc.keys, sc.tmp)
	order := w.sortByValue(sc.keys, sc.tmp)
	res := &Result{AsOf: asOf, Basis: a.policy.Basis, Currency: a.currency}
	w.fill(order, res)
	w.summarise(res)
	return res, w.reject(res)
}

// scratch is the working memory of one Assign call, about 76 bytes per
// account. Assigners keep it in a sync.Pool for their next calls, so that
// assigning every period does not allocate (and, in a new process, fault in)
// that memory again, while the garbage collector still frees it when Assign
// is no longer called.
type scratch struct {
	recs      []rec
	keys, tmp []kv // dedupe and sortByValue share them
	pos       []int32
	pri       []prior
}

// scratch returns working memory for n accounts, cleared where the run reads
// it before writing.
func (a *Assigner) scratch(n int) *scratch {
	sc, _ := a.pool.Get().(*scratch)
	if sc == nil || cap(sc.recs) < n {
		sc = &scratch{recs: make([]rec, n), keys: make([]kv, 0, n), tmp: make([]kv, n), pos: make([]int32, n), pri: make([]prior, n)}
	}
	sc.recs = sc.recs[:n]
	clear(sc.recs)
	sc.keys, sc.tmp, sc.pos, sc.pri = sc.keys[:0], sc.tmp[:n], sc.pos[:n], sc.pri[:n]
	clear(sc.pri)
	return sc
}

// per-account flags of a run.
const (
	fBad         uint8 = 1 << iota // rejected
	fARRKnown                      // the account has an ARR
	fSamePeriod                    // State.AsOf is the assignment date
	fPoorFit                       // the fit gate refused the account
	fValueRising                   // value rose by the upgrade growth over PreviousValue
	fUsageRising                   // usage_trend at or above the upgrade trend
)

// rec is what the fill reads of an account, gathered in input order by check so
// that the fill, which walks the accounts in value order, reads 32 bytes per
// account rather than the whole Account. It holds no pointer, so that the
// garbage collector need not scan it.
type rec struct {
	val       int64 // value, minor units of the policy currency
	arr       int64 // ARR, minor units; 0 when unknown
	streak    int32
	owner     int32 // csmRef of State.Owner; -1 for none or a CSM the policy lacks
	tier      Tier  // State.Tier
	due       Tier  // State.Due, else State.Tier
	toward    Tier
	flags     uint8
	community Community
}

// run is the scratch state of one Assign call.
type run struct {
	a     *Assigner
	accts []Account
	asOf  cs.Date
	recs  []rec
	sc    *scratch
	hyst  bool             // whether hysteresis is on
	fits  map[int32]string // the fit gate's reasons, by account index
	errs  []rejection
	loads [4]tierLoad // indexed by Tier
}

type rejection struct {
	idx int
	err *cs.FieldError
}

func (w *run) bad(i int, field, value string, err error) {
	if w.recs[i].flags&fBad != 0 {
		return // one error per account is enough to reject it
	}
	w.recs[i].flags |= fBad
	w.errs = append(w.errs, rejection{i, &cs.FieldError{
		Record: errs.Clip(w.accts[i].ID), Field: "accounts[" + strconv.Itoa(i) + "]" + field, Value: errs.Clip(value), Err: err,
	}})
}

// check validates every account, converts its amounts to minor units and
// gathers what the fill needs into its rec: the state, the fit gate's verdict,
// the community overlay and the upgrade evidence. It runs in input order, so
// that the one pass over the whole Accounts is sequential.
func (w *run) check() {
	for i := range w.accts {
		acc := &w.accts[i]
		rc := &w.recs[i]
		rc.owner = -1
		if err := cs.CheckID(acc.ID); err != nil {
			w.bad(i, ".id", acc.ID, err)
			continue
		}
		prev, ok := w.amounts(i, acc, rc)
		if !ok || !w.checkScores(i, acc) || !w.checkState(i, &acc.State) {
			continue
		}
		w.carry(acc, rc)
		w.judge(i, acc, rc, prev)
	}
}

// amounts converts the value, ARR and previous value of account i into rc;
// prev is the previous value, -1 when unknown. ok is false when the account
// was rejected.
func (w *run) amounts(i int, acc *Account, rc *rec) (prev int64, ok bool) {
	a := w.a
	if acc.Value.Currency() == "" {
		w.bad(i, ".value", "", cs.ErrMissing)
		return 0, false
	}
	v, _, err := a.minorOf(acc.Value)
	if err != nil {
		w.bad(i, ".value", acc.Value.String(), err)
		return 0, false
	}
	rc.val = v
	if acc.ARR.Currency() != "" {
		n, _, err := a.minorOf(acc.ARR)
		if err != nil {
			w.bad(i, ".arr", acc.ARR.String(), err)
			return 0, false
		}
		rc.arr = n
		rc.flags |= fARRKnown
	} else if !acc.ARR.IsZero() {
		w.bad(i, ".arr", acc.ARR.Amount().String(), cs.ErrUnknownCurrency)
		return 0, false
	}
	prev = -1
	if acc.PreviousValue.Currency() != "" {
		n, _, err := a.minorOf(acc.PreviousValue)
		if err != nil {
			w.bad(i, ".previous_value", acc.PreviousValue.String(), err)
			return 0, false
		}
		prev = n
	}
	return prev, true
}

// checkScores refuses a health score outside 0..100 or not finite, and a
// signal Assign reads that is not finite.
func (w *run) checkScores(i int, acc *Account) bool {
	if acc.HealthKnown && (!finite(acc.Health) || acc.Health < 0 || acc.Health > 100) {
		why := cs.ErrRange // a finite score outside 0..100
		if !finite(acc.Health) {
			why = cs.ErrNotFinite
		}
		w.bad(i, ".health", strconv.FormatFloat(acc.Health, 'g', -1, 64), fmt.Errorf("want 0..100: %w", why))
		return false
	}
	if len(acc.Signals) > 0 {
		for _, name := range readSignals {
			if f, ok := acc.Signals[name]; ok && !finite(f) {
				w.bad(i, ".signals."+name, strconv.FormatFloat(f, 'g', -1, 64), cs.ErrNotFinite)
				return false
			}
		}
	}
	return true
}

// checkState refuses undefined tiers, a streak out of range and a state from
// a period after the assignment's.
func (w *run) checkState(i int, st *State) bool {
	switch {
	case !st.Tier.Valid():
		w.bad(i, ".state.tier", st.Tier.String(), ErrUnknownTier)
	case !st.Due.Valid():
		w.bad(i, ".state.due", st.Due.String(), ErrUnknownTier)
	case !st.Toward.Valid():
		w.bad(i, ".state.toward", st.Toward.String(), ErrUnknownTier)
	case st.Streak < 0:
		w.bad(i, ".state.streak", strconv.Itoa(st.Streak), cs.ErrNegative)
	case st.Streak > math.MaxInt32:
		w.bad(i, ".state.streak", strconv.Itoa(st.Streak), cs.ErrRange)
	case !st.AsOf.IsZero() && st.AsOf.After(w.asOf):
		w.bad(i, ".state.as_of", st.AsOf.String(), fmt.Errorf("after the assignment date %s: %w", w.asOf, cs.ErrDateOrder))
	default:
		return true
	}
	return false
}

// carry copies the account's State into rc: the tiers, the streak and the
// owner's csmRef (left -1 for a CSM the policy lacks).
func (w *run) carry(acc *Account, rc *rec) {
	st := &acc.State
	rc.tier, rc.due, rc.toward, rc.streak = st.Tier, st.Due, st.Toward, int32(st.Streak)
	if rc.due == None {
		rc.due = st.Tier
	}
	if st.AsOf == w.asOf {
		rc.flags |= fSamePeriod
	}
	if st.Owner != "" {
		if ref, ok := w.a.owners[st.Owner]; ok {
			rc.owner = ref
		}
	}
}

// judge applies the fit gate, the community rules and the upgrade rules to
// account i; prev is its previous value, -1 when unknown.
func (w *run) judge(i int, acc *Account, rc *rec, prev int64) {
	a := w.a
	if a.policy.PoorFit != nil {
		if why := a.policy.PoorFit(acc); why != "" {
			rc.flags |= fPoorFit
			if w.fits == nil {
				w.fits = map[int32]string{}
			}
			w.fits[int32(i)] = why
		}
	}
	rc.community = a.communityOf(acc)
	if a.policy.Upgrade.Off {
		return
	}
	v := rc.val
	if prev >= 0 && ((prev == 0 && v > 0) || (prev > 0 && v > prev && a.grewBy(uint64(v-prev), uint64(prev)))) {
		rc.flags |= fValueRising
	}
	if u, ok := acc.Signals["usage_trend"]; ok && u >= a.usageTrend {
		rc.flags |= fUsageRising
	}
}

// readSignals are the signals Assign reads (the shared vocabulary).
var readSignals = []string{"usage", "usage_trend", "nps", "tickets_90d"}

// minorOf converts m to minor units of the policy currency, rounding half to
// even; exact reports that m was already in the policy currency and a whole
// number of minor units, so that it can be shown as given.
func (a *Assigner) minorOf(m cs.Money) (n int64, exact bool, err error) {
	if m.IsNegative() {
		return 0, false, cs.ErrNegative
	}
	amt := m.Amount()
	if c := m.Currency(); c != a.currency {
		rate, ok := a.rates[c]
		if !ok {
			return 0, false, fmt.Errorf("%s to %s: %w (%w)", c, a.currency, ErrNoRate, cs.ErrCurrencyMismatch)
		}
		if f, ok := a.fast[c]; ok {
			if src, ok := toMinor(amt, f.digits, false); ok {
				if v, ok := f.convert(src, a.digits); ok {
					return v, false, nil
				}
			}
		}
		conv, err := m.Convert(a.currency, rate)
		if err != nil {
			return 0, false, err
		}
		amt = conv.Amount()
	} else if v, ok := toMinor(amt, a.digits, false); ok {
		return v, true, nil
	}
	v, ok := toMinor(amt, a.digits, true)
	if !ok {
		return 0, false, fmt.Errorf("larger than 10^18 minor units: %w", cs.ErrRange)
	}
	return v, false, nil
}

// fastRate is an exchange rate as coef × 10^exp, for conversions in integers;
// digits are the minor digits of the currency converted from.
type fastRate struct {
	coef   uint64
	exp    int
	digits int
}

// convert returns src minor units of the rate's currency in minor units of a
// currency with dst digits, rounded half to even, exactly as Money.Convert then
// rounding would; ok is false when the integers would overflow.
func (f fastRate) convert(src int64, dst int) (int64, bool) {
	hi, lo := bits.Mul64(uint64(src), f.coef)
	switch scale := f.exp + dst - f.digits; {
	case scale >= 0:
		if hi != 0 || scale > 18 || lo >= uint64(pow10[18])/uint64(pow10[scale]) {
			return 0, false
		}
		return int64(lo) * pow10[scale], true
	case scale >= -18:
		p := uint64(pow10[-scale])
		if hi >= p {
			return 0, false
		}
		q, r := bits.Div64(hi, lo, p)
		if r > p-r || (r == p-r && q%2 != 0) {
			q++
		}
		if q >= uint64(pow10[18]) {
			return 0, false
		}
		return int64(q), true
	}
	return 0, false
}

// dedupe rejects every account whose ID occurs more than once. IDs are hashed
// and the hashes radix-sorted, which is several times faster than a map of a
// million strings; equal hashes are then compared as strings.
func (w *run) dedupe(keys, tmp []kv) {
	seed := maphash.MakeSeed()
	for i := range w.accts {
		if w.accts[i].ID != "" {
			// 32 bits of hash: the radix sort skips the four zero bytes, and
			// the hundred or so chance collisions in a million IDs cost a
			// string comparison each.
			keys = append(keys, kv{maphash.String(seed, w.accts[i].ID) >> 32, int32(i)})
		}
	}
	radixSort(keys, tmp[:len(keys)])
	for lo := 0; lo < len(keys); {
		hi := lo + 1
		for hi < len(keys) && keys[hi].k == keys[lo].k {
			hi++
		}
		if hi-lo > 1 {
			grp := keys[lo:hi]
			slices.SortFunc(grp, func(x, y kv) int {
				if c := strings.Compare(w.accts[x.i].ID, w.accts[y.i].ID); c != 0 {
					return c
				}
				return int(x.i - y.i)
			})
			for j := 1; j < len(grp); j++ {
				if w.accts[grp[j].i].ID == w.accts[grp[j-1].i].ID {
					w.dup(int(grp[j-1].i), int(grp[j].i))
					w.dup(int(grp[j].i), int(grp[j-1].i))
				}
			}
		}
		lo = hi
	}
}

func (w *run) dup(i, other int) {
	w.bad(i, ".id", w.accts[i].ID, fmt.Errorf("also at accounts[%d]: %w", other, cs.ErrDuplicate))
}

// sortByValue returns the indexes of the valid accounts in descending value,
// ties by ascending ID: a radix sort on the value, then a comparison sort of the
// (usually short) runs of equal values.
func (w *run) sortByValue(keys, tmp []kv) []kv {
	keys = keys[:0]
	for i := range w.accts {
		if w.recs[i].flags&fBad == 0 {
			keys = append(keys, kv{uint64(math.MaxInt64 - w.recs[i].val), int32(i)})
		}
	}
	radixSort(keys, tmp[:len(keys)])
	for lo := 0; lo < len(keys); {
		hi := lo + 1
		for hi < len(keys) && keys[hi].k == keys[lo].k {
			hi++
		}
		if hi-lo > 1 {
			slices.SortFunc(keys[lo:hi], func(x, y kv) int {
				return strings.Compare(w.accts[x.i].ID, w.accts[y.i].ID)
			})
		}
		lo = hi
	}
	return keys
}

// kv is a sort key and an account index.
type kv struct {
	k uint64
	i int32
}

// radixSort sorts keys by k, stably, with tmp as scratch of the same length:
// least significant byte first, skipping bytes on which every key agrees.
func radixSort(keys, tmp []kv) {
	if len(keys) < 2 {
		return
	}
	if len(keys) < 256 {
		slices.SortStableFunc(keys, func(x, y kv) int {
			switch {
			case x.k < y.k:
				return -1
			case x.k > y.k:
				return 1
			}
			return 0
		})
		return
	}
	var count [8][256]int
	for _, e := range keys {
		k := e.k
		for b := range 8 {
			count[b][byte(k>>(8*b))]++
		}
	}
	src, dst := keys, tmp
	for b := range 8 {
		c := &count[b]
		if c[byte(src[0].k>>(8*b))] == len(src) {
			continue // every key has the same byte here
		}
		sum := 0
		for d := range c {
			c[d], sum = sum, sum+c[d]
		}
		shift := 8 * b
		for _, e := range src {
			d := byte(e.k >> shift)
			dst[c[d]] = e
			c[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &keys[0] {
		copy(keys, src)
	}
}

// tierOf is the tier the boundaries b (Tech|Low, Low|High) give value v.
func tierOf(v int64, b0, b1 int64) Tier {
	switch {
	case v >= b1:
		return High
	case v >= b0:
		return Low
	}
	return Tech
}

// marginTier is the tier of v seen from p with the hysteresis margin: a
// boundary above p must be passed by the margin, one below p fallen under by it.
func (a *Assigner) marginTier(v int64, p Tier) Tier {
	b0, b1 := a.down[0], a.down[1]
	if p < Low {
		b0 = a.up[0]
	}
	if p < High {
		b1 = a.up[1]
	}
	return tierOf(v, b0, b1)
}

// slot is one CSM's (or a pool's) load during a run.
type slot struct {
	accounts int64
	arr      u128
}

// fits reports whether the slot can take one more account of the given ARR.
func (s *slot) fits(r *tierRule, arr int64) bool {
	if s.accounts >= r.maxAccounts {
		return false
	}
	if r.maxARR == math.MaxInt64 {
		return true
	}
	return s.arr.hi == 0 && s.arr.lo <= uint64(r.maxARR) && uint64(arr) <= uint64(r.maxARR)-s.arr.lo
}

// tierLoad is a tier's running totals during a run.
type tierLoad struct {
	slots       []slot
	closed      bool
	next        int // round robin: the slot to try first
	accounts    int
	arr, value  u128
	overflow    int
	overflowARR u128
}

// pick returns the slot that takes an account of tier rule r, owned so far by
// owner (a csmRef, or -1), or -1 when the tier does not model capacity; ok is false when no CSM of
// the tier can take it.
func (l *tierLoad) pick(r *tierRule, owner int32, arr int64) (int, bool) {
	if !r.limited {
		return -1, true
	}
	if owner >= 0 && Tier(owner>>24) == r.tier {
		if j := int(owner & 0xffffff); l.slots[j].fits(r, arr) {
			return j, true
		}
	}
	best := -1
	switch r.method {
	case RoundRobin:
		for k := range l.slots {
			j := (l.next + k) % len(l.slots)
			if l.slots[j].fits(r, arr) {
				best = j
				break
			}
		}
		if best >= 0 {
			l.next = (best + 1) % len(l.slots)
		}
	case LeastARR:
		for j := range l.slots {
			if l.slots[j].fits(r, arr) && (best < 0 || l.slots[j].arr.less(l.slots[best].arr)) {
				best = j
			}
		}
	default:
		for j := range l.slots {
			if l.slots[j].fits(r, arr) && (best < 0 || l.slots[j].accounts < l.slots[best].accounts) {
				best = j
			}
		}
	}
	return best, best >= 0
}

// fill assigns the accounts in value order: the tier each one's value earns
// (due), the fit gate, then the cost gate and capacity (place).
func (w *run) fill(order []kv, res *Result) {
	w.openLoads()
	pri := w.lay(order, res)
	var cands []int
	for k := range res.Accounts {
		out := &res.Accounts[k]
		p := pri[k]
		plain, want := w.due(out, p.flags)
		if p.flags&fPoorFit != 0 {
			out.FitReason = w.fits[order[k].i]
			out.Reasons |= ReasonPoorFit
			want = Tech
		}
		w.place(out, p.owner, want)
		out.Changed = out.Previous != None && out.Tier != out.Previous
		if out.Tier == plain {
			out.Reasons |= ReasonThreshold
		}
		if out.Tier == Tech && p.flags&(fValueRising|fUsageRising) != 0 && p.flags&fPoorFit == 0 {
			cands = append(cands, k)
		}
	}
	for _, k := range cands {
		i := order[k].i
		res.Candidates = append(res.Candidates, w.a.candidate(&w.accts[i], res.Accounts[k].Value(), res.Accounts[k].ValueMinor, w.recs[i].flags))
	}
}

// prior is what the fill needs of an account beside its Assignment: the
// owner of its State and the flags check set.
type prior struct {
	owner int32
	flags uint8
}

// lay puts every valid account in its place in res.Accounts, in value order:
// its ID, currency, amounts, previous tier and community overlay, and its
// State's Due, Toward and Streak, which due reads and replaces. It walks the
// accounts in input order, so that the reads are sequential and only the
// writes scatter: reading a million records in value order would miss the
// cache (and, in a virtual machine, the TLB) on nearly every one.
func (w *run) lay(order []kv, res *Result) []prior {
	pos := w.sc.pos
	for k, e := range order {
		pos[e.i] = int32(k)
	}
	res.Accounts = make([]Assignment, len(order))
	pri := w.sc.pri[:len(order)]
	cur := w.a.currency
	for i := range w.recs {
		rc := &w.recs[i]
		if rc.flags&fBad != 0 {
			continue
		}
		k := pos[i]
		out := &res.Accounts[k]
		out.ID, out.Currency = w.accts[i].ID, cur
		out.ValueMinor, out.ARRMinor, out.ARRKnown = rc.val, rc.arr, rc.flags&fARRKnown != 0
		out.Previous, out.Due, out.Toward, out.Streak = rc.tier, rc.due, rc.toward, int(rc.streak)
		out.Community = rc.community
		pri[k] = prior{rc.owner, rc.flags}
	}
	return pri
}

// openLoads sizes the tiers' per-CSM loads.
func (w *run) openLoads() {
	for _, t := range Tiers() {
		w.loads[t].slots = make([]slot, len(w.a.rules[t].csms))
	}
}

// due applies the thresholds and hysteresis to out, which lay filled, from
// the tier the value earned last period (out.Due as laid, the State's; not
// the tier capacity left the account in). It replaces out's Due, Toward and
// Streak and returns the tier of the value alone and the tier due.
func (w *run) due(out *Assignment, flags uint8) (plain, want Tier) {
	a := w.a
	v := out.ValueMinor
	base, toward, last := out.Due, out.Toward, out.Streak
	out.Toward, out.Streak = None, 0
	plain = tierOf(v, a.plain[0], a.plain[1])
	want, streak := plain, 0
	switch {
	case base == None:
		out.Reasons |= ReasonNew
	case plain == base || !w.hyst:
	default:
		streak = 1
		if toward == plain {
			streak = last
			if flags&fSamePeriod == 0 {
				streak++
			}
			streak = max(streak, 1)
		}
		if a.periods > 0 && streak >= a.periods {
			out.Reasons |= ReasonPeriods
		} else if m := a.marginTier(v, base); m != base {
			want = m
			out.Reasons |= ReasonMargin
		} else {
			want = base
			out.Reasons |= ReasonHeld
		}
	}
	out.Due = want
	if want != plain {
		out.Toward, out.Streak = plain, streak
	}
	return plain, want
}

// place applies the cost gate and capacity from the tier sought down, and
// records the tier and owner in out and the tiers' loads; owner is the
// csmRef of the account's State, or -1.
func (w *run) place(out *Assignment, owner int32, want Tier) {
	a := w.a
	v, arr := out.ValueMinor, out.ARRMinor
	t := want
	name := ""
	for {
		r := &a.rules[t]
		l := &w.loads[t]
		if t > Tech && v < r.minAfford {
			out.Reasons |= ReasonCost
			t--
			continue
		}
		if !l.closed {
			j, ok := l.pick(r, owner, arr)
			if ok {
				if j >= 0 {
					name = r.csms[j]
					l.slots[j].accounts++
					l.slots[j].arr.add(arr)
				}
				break
			}
			l.closed = true
		}
		l.overflow++
		l.overflowARR.add(arr)
		if t == Tech {
			out.Reasons |= ReasonUnserved
			break
		}
		out.Reasons |= ReasonCapacity
		t--
	}
	l := &w.loads[t]
	l.accounts++
	l.arr.add(arr)
	l.value.add(v)
	out.Tier, out.Owner = t, name
}

// communityOf applies the community-touch rules to an account.
func (a *Assigner) communityOf(acc *Account) Community {
	c := &a.community
	if c.Off {
		return 0
	}
	var f Community
	if len(acc.Signals) > 0 {
		if u, ok := acc.Signals["usage"]; ok && acc.HealthKnown && acc.Health >= c.MinHealth && u >= c.MinUsage {
			f |= CommunityAdvocate
		}
		if s, ok := acc.Signals["nps"]; ok && s >= c.MinNPS {
			f |= CommunityPromoter
		}
		if s, ok := acc.Signals["tickets_90d"]; ok && s >= c.MinTickets {
			f |= CommunityPeerHelp
		}
	}
	return f
}

// candidate writes the evidence of a rising tech-touch account; flags say
// which of value and usage check found rising.
func (a *Assigner) candidate(acc *Account, value cs.Money, v int64, flags uint8) Candidate {
	c := Candidate{ID: acc.ID, Value: value, ValueRising: flags&fValueRising != 0, UsageRising: flags&fUsageRising != 0}
	if acc.PreviousValue.Currency() != "" {
		prev, exact, _ := a.minorOf(acc.PreviousValue) // check accepted it
		if exact {
			c.PreviousValue = acc.PreviousValue
		} else {
			c.PreviousValue, _ = cs.MoneyFromMinor(prev, a.currency)
		}
		if prev > 0 {
			c.ValueGrowth = float64(v-prev) / float64(prev)
		}
	}
	c.UsageTrend, c.UsageKnown = acc.Signals["usage_trend"]
	return c
}

// grewBy reports whether rise ÷ base ≥ the policy's value growth, exactly.
func (a *Assigner) grewBy(rise, base uint64) bool {
	g := a.valueGrowth
	num, exp := g.CoefficientInt64(), -int(g.Exponent())
	if g.NumDigits() > 18 || exp > 18 || exp < 0 {
		return decimal.NewFromUint64(rise).GreaterThanOrEqual(decimal.NewFromUint64(base).Mul(g))
	}
	h1, l1 := bits.Mul64(rise, uint64(pow10[exp]))
	h2, l2 := bits.Mul64(base, uint64(num))
	return h1 > h2 || (h1 == h2 && l1 >= l2)
}

// summarise writes the tier table.
func (w *run) summarise(res *Result) {
	a := w.a
	cur := a.currency
	for _, t := range Tiers() {
		r := &a.rules[t]
		l := &w.loads[t]
		s := TierSummary{
			Tier: t, Accounts: l.accounts, Headcount: r.headcount,
			ARR: l.arr.money(cur), Value: l.value.money(cur), OverflowARR: l.overflowARR.money(cur),
			Overflow: l.overflow,
		}
		if r.cost > 0 {
			var c u128
			c.hi, c.lo = bits.Mul64(uint64(r.cost), uint64(l.accounts))
			s.Cost = c.money(cur)
		}
		if r.headcount > 0 {
			s.AccountsPerCSM = float64(l.accounts) / float64(r.headcount)
			s.ARRPerCSM, _ = divRound(s.ARR, r.headcount)
		}
		s.Capacity, s.Left = Capacity{Accounts: -1}, Capacity{Accounts: -1}
		if r.limited {
			var capAcc, leftAcc int64
			var capARR, leftARR u128
			for j := range l.slots {
				sl := &l.slots[j]
				load := CSMLoad{Name: r.csms[j], Pooled: r.pooled, Headcount: 1, Accounts: int(sl.accounts), ARR: sl.arr.money(cur)}
				if r.pooled {
					load.Headcount = r.headcount
				}
				s.CSMs = append(s.CSMs, load)
				capAcc = satAdd(capAcc, r.maxAccounts)
				leftAcc = satAdd(leftAcc, r.maxAccounts-sl.accounts)
				capARR.add(r.maxARR)
				left := u128{lo: uint64(r.maxARR)}
				left.sub(sl.arr)
				leftARR.addU(left)
			}
			if r.maxAccounts != math.MaxInt64 {
				s.Capacity.Accounts, s.Left.Accounts = int(capAcc), int(leftAcc)
			}
			if r.maxARR != math.MaxInt64 {
				s.Capacity.ARR, s.Left.ARR = capARR.money(cur), leftARR.money(cur)
			}
		}
		res.Tiers = append(res.Tiers, s)
	}
}

// divRound returns m ÷ n rounded half to even to the minor unit.
func divRound(m cs.Money, n int) (cs.Money, bool) {
	if n <= 0 || m.Currency() == "" {
		return cs.Money{}, false
	}
	q := m.Amount().DivRound(decimal.NewFromInt(int64(n)), int32(m.Currency().Digits())+2)
	out, err := cs.NewMoney(q, m.Currency())
	if err != nil {
		return cs.Money{}, false
	}
	return out.RoundBank(), true
}

// reject lists the rejected accounts by ID, then index, and joins their errors.
func (w *run) reject(res *Result) error {
	if len(w.errs) == 0 {
		return nil
	}
	slices.SortFunc(w.errs, func(x, y rejection) int {
		if c := strings.Compare(w.accts[x.idx].ID, w.accts[y.idx].ID); c != 0 {
			return c
		}
		return x.idx - y.idx
	})
	var list errs.List
	res.Rejected = make([]Rejected, 0, len(w.errs))
	for _, r := range w.errs {
		res.Rejected = append(res.Rejected, Rejected{Index: r.idx, ID: w.accts[r.idx].ID, Error: r.err.Error()})
		list.Add(r.err)
	}
	return fmt.Errorf("touch: %w", list.Err())
}

func satAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// u128 is an unsigned 128-bit sum of minor units, so that totals of a million
// large amounts never overflow.
type u128 struct{ hi, lo uint64 }

func (x *u128) add(n int64) {
	var c uint64
	x.lo, c = bits.Add64(x.lo, uint64(n), 0)
	x.hi += c
}

func (x *u128) addU(y u128) {
	var c uint64
	x.lo, c = bits.Add64(x.lo, y.lo, 0)
	x.hi += y.hi + c
}

func (x *u128) sub(y u128) {
	var b uint64
	x.lo, b = bits.Sub64(x.lo, y.lo, 0)
	x.hi -= y.hi + b
}

func (x u128) less(y u128) bool { return x.hi < y.hi || (x.hi == y.hi && x.lo < y.lo) }

// money returns x minor units of cur.
func (x u128) money(cur cs.Currency) cs.Money {
	if x.hi == 0 && x.lo <= math.MaxInt64 {
		m, _ := cs.MoneyFromMinor(int64(x.lo), cur)
		return m
	}
	b := new(big.Int).SetUint64(x.hi)
	b.Lsh(b, 64).Or(b, new(big.Int).SetUint64(x.lo))
	m, _ := cs.NewMoney(decimal.NewFromBigInt(b, -int32(cur.Digits())), cur)
	return m
}
