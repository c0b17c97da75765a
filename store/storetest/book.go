package storetest

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/successkit/cs"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/touch"
)

// HostileIDs are customer IDs a store must keep byte for byte: quotes,
// SQL, comment markers, wildcards, backslashes, non-ASCII text and a path.
// Each is bound as a parameter, never spliced into SQL.
var hostileIDs = [...]string{
	`o'brien`,
	`"quoted"`,
	`x'); DROP TABLE cs_health; --`,
	`Robert'); DELETE FROM cs_runs WHERE ('1'='1`,
	`100%_like\`,
	`../../etc/passwd`,
	`顧客-42 🚀`,
	`$1 ? :name @p1`,
}

// HostileIDs returns customer IDs made to break SQL that splices them into
// its text: quotes, statements, comments, wildcards, backslashes,
// placeholders, non-ASCII text and a path.
func HostileIDs() []string { return append([]string(nil), hostileIDs[:]...) }

// Book returns n deterministic customers for a seed, valid as of a date: IDs
// c00000, c00001, ... (with the hostile IDs among the first when hostile is
// set), segments, stages, contract and renewal dates, MRR in USD or EUR, and
// the sample scorecard's signals, each missing one time in ten.
func Book(n int, seed uint64, asOf cs.Date, hostile bool) []cs.Customer {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	segments := [...]string{"smb", "mid_market", "enterprise"}
	out := make([]cs.Customer, n)
	for i := range out {
		c := &out[i]
		c.ID = fmt.Sprintf("c%05d", i)
		if hostile && i < len(hostileIDs) {
			c.ID = hostileIDs[i]
		}
		c.Name = fmt.Sprintf("Customer %d", i)
		c.Segment = segments[r.IntN(len(segments))]
		c.Stage = cs.Stage(1 + r.IntN(4))
		c.ContractStart = asOf.AddDays(-30 - r.IntN(700))
		c.RenewalDate = c.ContractStart.AddMonths(12 * (1 + r.IntN(2)))
		if c.RenewalDate.Before(asOf) {
			c.RenewalDate = c.RenewalDate.AddMonths(12)
		}
		cur := cs.Currency("USD")
		if r.IntN(5) == 0 {
			cur = "EUR"
		}
		c.MRR, _ = cs.MoneyFromMinor(int64(5000+r.IntN(2_000_000)), cur)
		c.Signals = cs.Signals{}
		set := func(name string, v float64) {
			if r.IntN(10) != 0 {
				c.Signals[name] = math.Round(v*1000) / 1000
			}
		}
		set("usage", r.Float64())
		set("usage_trend", r.Float64()-0.5)
		set("seat_utilization", r.Float64())
		set("feature_adoption", r.Float64())
		set("days_since_login", float64(r.IntN(40)))
		set("logins_30d", float64(r.IntN(60)))
		set("nps", float64(r.IntN(11)))
		set("ces", float64(1+r.IntN(7)))
		set("tickets_90d", float64(r.IntN(10)))
		set("friction", float64(r.IntN(101)))
		c.Attributes = cs.Attributes{"plan": [...]string{"starter", "growth", "scale"}[r.IntN(3)]}
	}
	return out
}

// Drift moves a book one period on: signals change a little, deterministically
// for the seed and the period.
func Drift(book []cs.Customer, seed uint64, period int) {
	r := rand.New(rand.NewPCG(seed, uint64(period)))
	for i := range book {
		c := &book[i]
		s := cs.Signals{}
		for k, v := range c.Signals {
			s[k] = v
		}
		for _, k := range c.Signals.Names() {
			d := (r.Float64() - 0.5) * 0.2
			if k == "days_since_login" || k == "logins_30d" || k == "tickets_90d" || k == "friction" || k == "nps" || k == "ces" {
				d *= 10
			}
			v := math.Round((s[k]+d)*1000) / 1000
			switch k {
			case "ces":
				v = min(7, max(1, v))
			case "nps":
				v = min(10, max(0, v))
			case "friction":
				v = min(100, max(0, v))
			case "usage_trend":
				v = min(0.5, max(-0.5, v))
			case "days_since_login", "logins_30d", "tickets_90d":
				v = max(0, v)
			default:
				v = min(1, max(0, v))
			}
			s[k] = v
		}
		c.Signals = s
	}
}

// Scorer returns the compiled sample scorecard.
func Scorer() *health.Scorer {
	sc, err := health.Compile(health.SampleConfig())
	if err != nil {
		panic(err)
	}
	return sc
}

// Policy returns a touch policy with capacity and hysteresis for books made
// by Book: tiers by ARR in USD, EUR converted at a fixed rate.
func Policy() touch.Policy {
	p, err := touch.ParsePolicy([]byte(`{
		"basis": "arr", "currency": "USD", "rates": {"EUR": "1.08"},
		"high": {"min_value": "150000.00 USD", "csms": ["aiko", "bruno"], "max_accounts": 6},
		"low": {"min_value": "40000.00 USD", "headcount": 2, "pool": "scale-team", "max_accounts": 20},
		"hysteresis": {"margin": "0.1", "periods": 2}
	}`))
	if err != nil {
		panic(err)
	}
	return p
}
