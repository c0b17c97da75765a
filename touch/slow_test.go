package touch

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	cs "github.com/successkit/cs"
	"pgregory.net/rapid"
)

// slowOut is what the slow reference decides for an account.
type slowOut struct {
	Tier, Due Tier
	Owner     string
}

// slowAssign is an obviously correct Assign for the properties below: decimals
// instead of minor units, a comparison sort instead of the radix sort, maps
// instead of slots, one pass that does everything. It follows the steps of
// Assign's doc comment literally. Accounts must be valid and USD or EUR.
func slowAssign(p Policy, accs []Account, asOf cs.Date) map[string]slowOut {
	one := decimal.NewFromInt(1)
	value := func(m cs.Money) decimal.Decimal {
		if m.Currency() == "USD" {
			return m.Amount().RoundBank(2)
		}
		return m.Amount().Mul(p.Rates[m.Currency()]).RoundBank(2)
	}
	set := func(m cs.Money) bool { return m.Currency() != "" }
	bound := func(t Tier) (decimal.Decimal, bool) { // the threshold into t
		tp := p.tierPolicy(t)
		return tp.MinValue.Amount(), t != Tech && set(tp.MinValue)
	}
	// at reports whether v has reached the boundary into tier t, scaled by f.
	at := func(v decimal.Decimal, t Tier, f decimal.Decimal) bool {
		b, ok := bound(t)
		return ok && v.GreaterThanOrEqual(b.Mul(f))
	}
	tierBy := func(v decimal.Decimal, f func(Tier) decimal.Decimal) Tier {
		switch {
		case at(v, High, f(High)):
			return High
		case at(v, Low, f(Low)):
			return Low
		}
		return Tech
	}
	m := p.Hysteresis.Margin
	hyst := p.Hysteresis.Periods > 0 || !m.IsZero()
	share := p.MaxCostShare
	if share.IsZero() {
		share = decimal.RequireFromString(DefaultMaxCostShare)
	}

	sorted := slices.Clone(accs)
	slices.SortStableFunc(sorted, func(x, y Account) int {
		if c := value(y.Value).Cmp(value(x.Value)); c != 0 {
			return c
		}
		return strings.Compare(x.ID, y.ID)
	})
	type slotLoad struct {
		n   int
		arr decimal.Decimal
	}
	loads := map[string]*slotLoad{}
	closed := map[Tier]bool{}
	next := map[Tier]int{}
	out := map[string]slowOut{}
	for _, acc := range sorted {
		v, arr := value(acc.Value), decimal.Zero
		if set(acc.ARR) {
			arr = value(acc.ARR)
		}
		plain := tierBy(v, func(Tier) decimal.Decimal { return one })
		st := acc.State
		base := cmp.Or(st.Due, st.Tier)
		want := plain
		if base != None && plain != base && hyst {
			streak := 1
			if st.Toward == plain {
				streak = st.Streak
				if st.AsOf != asOf {
					streak++
				}
				streak = max(streak, 1)
			}
			switch {
			case p.Hysteresis.Periods > 0 && streak >= p.Hysteresis.Periods:
			case m.IsZero():
				want = base
			default:
				want = tierBy(v, func(t Tier) decimal.Decimal {
					if t > base {
						return one.Add(m)
					}
					return one.Sub(m)
				})
			}
		}
		due := want
		if p.PoorFit != nil && p.PoorFit(&acc) != "" {
			want = Tech
		}
		t, owner := want, ""
		for {
			tp := p.tierPolicy(t)
			if t > Tech && set(tp.CostToServe) && tp.CostToServe.Amount().GreaterThan(share.Mul(v)) {
				t--
				continue
			}
			// The tier's owners and the capacity of each.
			var names []string
			per := 1
			switch {
			case tp.Headcount > 0 || (tp.Pooled && len(tp.CSMs) > 0):
				names = []string{cmp.Or(tp.Pool, t.String()+"-pool")}
				per = max(tp.Headcount, len(tp.CSMs))
			default:
				names = tp.CSMs
			}
			if len(names) == 0 {
				break // no capacity modelled
			}
			fits := func(name string) bool {
				l := loads[name]
				if l == nil {
					l = &slotLoad{}
					loads[name] = l
				}
				if tp.MaxAccounts > 0 && l.n+1 > tp.MaxAccounts*per {
					return false
				}
				return !set(tp.MaxARR) || l.arr.Add(arr).LessThanOrEqual(tp.MaxARR.Amount().Mul(decimal.NewFromInt(int64(per))))
			}
			pick := ""
			if !closed[t] {
				if slices.Contains(names, st.Owner) && fits(st.Owner) {
					pick = st.Owner
				} else {
					for k := range names {
						j := k
						if tp.Method == RoundRobin {
							j = (next[t] + k) % len(names)
						}
						if !fits(names[j]) {
							continue
						}
						switch {
						case pick == "" && tp.Method == RoundRobin:
							pick = names[j]
							next[t] = (j + 1) % len(names)
						case pick == "":
							pick = names[j]
						case tp.Method == LeastAccounts && loads[names[j]].n < loads[pick].n:
							pick = names[j]
						case tp.Method == LeastARR && loads[names[j]].arr.LessThan(loads[pick].arr):
							pick = names[j]
						}
					}
				}
			}
			if pick != "" {
				owner = pick
				loads[pick].n++
				loads[pick].arr = loads[pick].arr.Add(arr)
				break
			}
			closed[t] = true
			if t == Tech {
				break
			}
			t--
		}
		out[acc.ID] = slowOut{t, due, owner}
	}
	return out
}

// Assign agrees with the slow reference on books large enough for the radix
// sort, with every rule on.
func TestPropAgreesWithSlow(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := genPolicy(t, genOpts{hysteresis: true, fitGate: true, capacity: true})
		// Larger books than genAccounts: 256 accounts or more take the radix
		// sort; a few distinct values make ties by ID.
		n := rapid.IntRange(0, 700).Draw(t, "n")
		accs := make([]Account, n)
		for i := range accs {
			a := &accs[i]
			a.ID = fmt.Sprintf("c%04d", rapid.IntRange(0, 9999).Draw(t, "id"))
			cents := rapid.SampledFrom([]int64{0, 5000, 15000, 40000, 80000, 120000}).Draw(t, "value") + rapid.Int64Range(0, 3).Draw(t, "jitter")
			cur := rapid.SampledFrom([]cs.Currency{"USD", "USD", "EUR"}).Draw(t, "currency")
			a.Value, _ = cs.MoneyFromMinor(cents, cur)
			a.ARR, _ = cs.MoneyFromMinor(rapid.Int64Range(0, 50000).Draw(t, "arr"), "USD")
			a.State = State{
				Tier:   Tier(rapid.IntRange(0, 3).Draw(t, "state_tier")),
				Due:    Tier(rapid.IntRange(0, 3).Draw(t, "state_due")),
				Owner:  rapid.SampledFrom(owners).Draw(t, "state_owner"),
				Toward: Tier(rapid.IntRange(0, 3).Draw(t, "state_toward")),
				Streak: rapid.IntRange(0, 3).Draw(t, "state_streak"),
				AsOf:   rapid.SampledFrom([]cs.Date{{}, lastMonth, asOf}).Draw(t, "state_as_of"),
			}
		}
		// Duplicate IDs are rejected by Assign; the reference takes valid books.
		slices.SortStableFunc(accs, func(x, y Account) int { return strings.Compare(x.ID, y.ID) })
		accs = slices.CompactFunc(accs, func(x, y Account) bool { return x.ID == y.ID })
		accs = rapid.Permutation(accs).Draw(t, "order")

		r := mustAssign(t, MustCompile(p), accs)
		got := map[string]slowOut{}
		for _, x := range r.Accounts {
			got[x.ID] = slowOut{x.Tier, x.Due, x.Owner}
		}
		if diff := gocmp.Diff(slowAssign(p, accs, asOf), got); diff != "" {
			t.Fatalf("Assign disagrees with the slow reference (-slow +Assign):\n%s", diff)
		}
	})
}

// radixSort agrees with a stable comparison sort.
func TestPropRadixSort(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 2000).Draw(t, "n")
		mask := rapid.Uint64().Draw(t, "mask") // keys that share bytes skip passes
		keys := make([]kv, n)
		for i := range keys {
			keys[i] = kv{rapid.Uint64().Draw(t, "k") & mask, int32(i)}
		}
		want := slices.Clone(keys)
		slices.SortStableFunc(want, func(x, y kv) int { return cmp.Compare(x.k, y.k) })
		radixSort(keys, make([]kv, n))
		if !slices.Equal(keys, want) {
			t.Fatalf("radixSort differs from a stable sort")
		}
	})
}
