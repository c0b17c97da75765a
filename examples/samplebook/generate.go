package samplebook

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/successkit/cs"
)

// Generate returns the book of cfg. The same Config gives the same book, byte for
// byte once written, on every platform: each customer draws from its own PCG
// stream seeded with (Seed, customer number), so customers do not depend on one
// another and adding customers leaves the first ones unchanged. The error names the
// Config field out of range.
func Generate(cfg Config) (*Book, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	b := &Book{Config: cfg}
	width := max(5, len(strconv.Itoa(cfg.Customers)))
	last := monthIndex(cfg.AsOf)
	g := gen{cfg: cfg, haz: *cfg.Hazard, first: last - cfg.Months + 1, last: last, book: b}
	b.Snapshots = make([]Snapshot, 0, cfg.Customers*cfg.Months*3/4)
	b.Customers = make([]cs.Customer, 0, cfg.Customers)
	for i := range cfg.Customers {
		id := "C" + zeroPad(i+1, width)
		g.customer(i, id)
	}
	// Customers were generated in ID order; the snapshots need a date-major order and
	// the interactions of a customer a time order.
	slices.SortStableFunc(b.Snapshots, func(x, y Snapshot) int { return x.AsOf.Compare(y.AsOf) })
	slices.SortFunc(b.Contacts, func(x, y Contact) int {
		return cmp.Or(cmp.Compare(x.CustomerID, y.CustomerID), x.Time.Compare(y.Time), cmp.Compare(x.ContactID, y.ContactID))
	})
	slices.SortFunc(b.CaseEvents, func(x, y CaseEvent) int {
		return cmp.Or(cmp.Compare(x.CustomerID, y.CustomerID), x.Time.Compare(y.Time), cmp.Compare(x.CaseID, y.CaseID),
			cmp.Compare(eventOrder(x.Event), eventOrder(y.Event)))
	})
	slices.SortFunc(b.Surveys, func(x, y Survey) int {
		return cmp.Or(cmp.Compare(x.CustomerID, y.CustomerID), x.Time.Compare(y.Time), cmp.Compare(x.Kind, y.Kind), cmp.Compare(x.Score, y.Score))
	})
	slices.SortFunc(b.Outcomes, func(x, y Outcome) int { return cmp.Compare(x.ID, y.ID) })
	return b, nil
}

// MustGenerate is Generate for examples and tests: it panics on an error.
func MustGenerate(cfg Config) *Book {
	b, err := Generate(cfg)
	if err != nil {
		panic(err)
	}
	return b
}

func eventOrder(e EventKind) int {
	switch e {
	case Opened:
		return 0
	case Reopened:
		return 1
	}
	return 2
}

func zeroPad(n, width int) string {
	s := strconv.Itoa(n)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

// monthIndex numbers months consecutively: year×12 + month − 1.
func monthIndex(d cs.Date) int { return d.Year*12 + int(d.Month) - 1 }

func monthStart(m int) cs.Date { return cs.NewDate(m/12, time.Month(m%12+1), 1) }

func monthEnd(m int) cs.Date { return monthStart(m + 1).AddDays(-1) }

// dayIn returns day d of month m, clamped to the month's length.
func dayIn(m, d int) cs.Date {
	e := monthEnd(m)
	if d > e.Day {
		d = e.Day
	}
	return cs.NewDate(e.Year, e.Month, d)
}

// randomDay returns a uniformly drawn day among the first n of month m, never after
// the book date when m is its month.
func (c *cust) randomDay(m, n int) cs.Date {
	limit := monthEnd(m).Day
	if m == c.g.last {
		limit = c.g.cfg.AsOf.Day
	}
	return dayIn(m, 1+c.r.IntN(min(n, limit)))
}

// gen holds what is shared by the customers of one book.
type gen struct {
	cfg         Config
	haz         Hazard
	first, last int // month indexes of the history
	book        *Book
}

// Prices per seat and month, in minor units, by plan and currency.
var seatPrice = map[string]map[cs.Currency]int64{
	"starter":    {"USD": 1200, "EUR": 1100, "JPY": 1800},
	"growth":     {"USD": 2900, "EUR": 2700, "JPY": 4400},
	"enterprise": {"USD": 5500, "EUR": 5100, "JPY": 8300},
}

var (
	industries = []string{"software", "retail", "manufacturing", "healthcare", "finance", "education", "media", "logistics"}
	nameFirst  = []string{"Northwind", "Bluebird", "Summit", "Cedar", "Harbor", "Atlas", "Maple", "Orbit", "Granite", "Lumen",
		"Pioneer", "Silver", "Beacon", "Crescent", "Delta", "Evergreen", "Falcon", "Juniper", "Keystone", "Meridian",
		"Nimbus", "Oakridge", "Prairie", "Quartz", "Redwood", "Sakura", "Tidal", "Vertex", "Willow", "Zenith"}
	nameSecond = []string{"Analytics", "Foods", "Logistics", "Health", "Capital", "Learning", "Media", "Robotics", "Retail",
		"Energy", "Labs", "Systems", "Travel", "Studios", "Works", "Partners", "Motors", "Bank", "Clinics", "Software"}
)

// sub is one subscription of a customer.
type sub struct {
	id     string
	minor  int64 // MRR in minor units
	active bool
}

// caseEffort is what the hazard remembers of a support case.
type caseEffort struct {
	day    int // Unix day opened
	effort float64
}

type answer struct {
	day   int
	score int
}

// cust is the state of one customer while it is simulated.
type cust struct {
	g        *gen
	r        *rand.Rand
	id       string
	currency cs.Currency
	segment  string
	plan     string
	annual   bool
	industry string
	region   string
	name     string

	mu, e, nu, phi float64 // long-run engagement, engagement (logit scale), feature affinity, friction proneness
	seats          int
	assigned       int
	usage          []float64 // by month since the simulation began
	start          cs.Date   // start of the current contract
	startMonth     int
	main, addon    sub
	addonEver      bool
	subs           int
	churned        bool
	reactivated    bool
	churnDate      cs.Date
	termSurvival   float64
	cases          []caseEffort
	ces2           []answer
	nps            int
	hasNPS         bool
	caseN          int
	last           cs.Customer // the last snapshot
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}

func poisson(r *rand.Rand, lambda float64) int {
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

func (g *gen) customer(i int, id string) {
	r := rand.New(rand.NewPCG(g.cfg.Seed, uint64(i)))
	c := &cust{g: g, r: r, id: id}
	c.draw()
	// Two customers in three were already customers when the history begins; their
	// simulation starts up to six months earlier so their state is warmed up.
	c.startMonth = g.first + r.IntN(g.cfg.Months)
	if r.Float64() < 2.0/3 {
		c.startMonth = g.first - 1 - r.IntN(36)
	}
	c.start = c.randomDay(c.startMonth, 28)
	simStart := max(c.startMonth, g.first-6)
	c.subscribe()
	for m := simStart; m <= g.last+g.cfg.HorizonMonths; m++ {
		c.month(m)
	}
}

// draw sets the customer's fixed traits.
func (c *cust) draw() {
	r := c.r
	switch u := r.Float64(); {
	case u < 0.80:
		c.currency = "USD"
	case u < 0.92:
		c.currency = "EUR"
	default:
		c.currency = "JPY"
	}
	switch c.currency {
	case "EUR":
		c.region = "emea"
	case "JPY":
		c.region = "apac"
	default:
		c.region = [...]string{"na", "na", "na", "na", "na", "na", "na", "latam", "apac", "emea"}[r.IntN(10)]
	}
	// The segment comes first, then log-normal seats within the segment's range.
	lognormal := func(median, sigma float64, lo, hi int) int {
		n := int(math.Round(math.Exp(math.Log(median) + sigma*r.NormFloat64())))
		return min(max(n, lo), hi)
	}
	u := r.Float64()
	switch v := r.Float64(); {
	case v < 0.75:
		c.segment = "smb"
		c.seats = lognormal(15, 0.8, 1, 49)
		c.plan = "starter"
		if u < 0.3 {
			c.plan = "growth"
		}
		c.annual = r.Float64() < 0.35
	case v < 0.97:
		c.segment = "mid_market"
		c.seats = lognormal(110, 0.6, 50, 499)
		c.plan = "growth"
		if u < 0.3 {
			c.plan = "enterprise"
		}
		c.annual = r.Float64() < 0.85
	default:
		c.segment = "enterprise"
		c.seats = lognormal(600, 0.5, 500, 20000)
		c.plan = "enterprise"
		if u < 0.15 {
			c.plan = "growth"
		}
		c.annual = r.Float64() < 0.95
	}
	c.industry = industries[r.IntN(len(industries))]
	suffix := map[string]string{"EUR": "GmbH", "JPY": "KK"}[string(c.currency)]
	if suffix == "" {
		suffix = [...]string{"Inc", "LLC", "Ltd", "Corp"}[r.IntN(4)]
	}
	c.name = nameFirst[r.IntN(len(nameFirst))] + " " + nameSecond[r.IntN(len(nameSecond))] + " " + suffix
	c.mu = 1.0 + 0.8*r.NormFloat64()
	c.e = c.mu + 0.3*r.NormFloat64()
	c.nu = -0.3 + 0.7*r.NormFloat64()
	c.phi = math.Exp(0.5 * r.NormFloat64())
}

// subscribe starts a contract with a new main subscription.
func (c *cust) subscribe() {
	c.subs++
	price := seatPrice[c.plan][c.currency]
	c.main = sub{id: c.id + "-S" + strconv.Itoa(c.subs), minor: int64(c.seats) * price, active: true}
	c.termSurvival = 1
	c.churned = false
}

func (c *cust) mainPrice() int64 { return seatPrice[c.plan][c.currency] }

func (c *cust) month(m int) {
	g := c.g
	history := m >= g.first && m <= g.last
	if m < c.startMonth {
		return
	}
	if c.churned && !c.comeBack(m) {
		if history {
			c.snapshot(m)
		}
		return
	}
	tenure := m - c.startMonth
	usage := c.engage(tenure)
	c.supportCases(m, usage, history)
	c.survey(m, usage, history)
	renewal := tenure > 0 && (!c.annual || tenure%12 == 0)
	c.resize(renewal)
	c.addOrCancelAddon(tenure)
	if tenure > 0 && m >= g.first {
		c.churn(m, usage, renewal)
	}
	if c.churned {
		if m > g.last {
			return
		}
		if history {
			c.snapshot(m)
		}
		return
	}
	if history {
		c.bill(m)
		c.snapshot(m)
	}
	if m == g.last+g.cfg.HorizonMonths && !c.churned {
		g.book.Outcomes = append(g.book.Outcomes, Outcome{ID: c.id, Date: monthEnd(m)})
	}
}

// comeBack reports whether a churned customer comes back in month m: it may
// once, paying for fewer seats at first.
func (c *cust) comeBack(m int) bool {
	if c.reactivated || m > c.g.last || c.r.Float64() >= 0.03 {
		return false
	}
	c.reactivated = true
	c.seats = max(1, c.seats*6/10)
	c.mu += 0.5
	c.e = c.mu
	c.start = c.randomDay(m, 28)
	c.startMonth = m
	c.subscribe()
	return true
}

// engage draws the month's engagement and returns the usage it leads to,
// setting the seats assigned. Engagement is mean-reverting around mu, with
// rare lasting shocks (a champion leaves, a budget is cut; or a new team
// adopts the product); new customers ramp up over their first three months.
func (c *cust) engage(tenure int) (usage float64) {
	r := c.r
	switch u := r.Float64(); {
	case u < 0.015:
		c.mu -= 1.5 + 0.5*r.NormFloat64()
	case u < 0.025:
		c.mu += 0.8
	}
	c.e += float64(0.3*(c.mu-c.e)) + 0.25*r.NormFloat64()
	eff := c.e
	if tenure < 3 {
		eff -= 1.2 * float64(3-tenure) / 3
	}
	usage = round(sigmoid(eff), 3)
	c.usage = append(c.usage, usage)
	assigned := math.Min(1.2, usage+0.15+0.08*r.NormFloat64())
	c.assigned = max(1, min(int(math.Round(assigned*float64(c.seats))), c.seats*12/10))
	if c.assigned > c.seats && c.seats == 1 {
		c.assigned = 1
	}
	return usage
}

// survey may draw an NPS answer in month m, higher with usage and lower with
// friction; it is kept in the book only within the history.
func (c *cust) survey(m int, usage float64, history bool) {
	r := c.r
	if r.Float64() >= 0.12 {
		return
	}
	day := c.randomDay(m, 31)
	score := int(math.Round(2 + 8*usage + 1.8*r.NormFloat64() - 0.4*c.friction(monthEnd(m))))
	score = min(max(score, 0), 10)
	c.nps, c.hasNPS = score, true
	if history {
		c.g.book.Surveys = append(c.g.book.Surveys, Survey{CustomerID: c.id, Time: at(day, 10+r.IntN(8), r.IntN(60)), Kind: NPS, Score: score})
	}
}

// resize makes seats follow use: full accounts buy more, empty ones give
// seats back (annual contracts only at renewal).
func (c *cust) resize(renewal bool) {
	r := c.r
	util := float64(c.assigned) / float64(c.seats)
	switch {
	case util >= 0.95 && r.Float64() < 0.15:
		c.seats += max(1, int(float64(c.seats)*(0.1+0.3*r.Float64())))
	case util < 0.65 && renewal && c.seats > 1 && r.Float64() < 0.4:
		c.seats = max(1, int(float64(c.seats)*(0.7+0.2*r.Float64())))
	}
	c.seats = min(c.seats, 24000)
	c.main.minor = int64(c.seats) * c.mainPrice()
}

// addOrCancelAddon draws the add-on: a second subscription some customers
// buy, and some cancel later while keeping the main one (a contraction, not
// a churn).
func (c *cust) addOrCancelAddon(tenure int) {
	r := c.r
	if c.addon.active && r.Float64() < 0.025 {
		c.addon.active = false
	} else if !c.addonEver && tenure > 2 && r.Float64() < map[string]float64{"smb": 0.004, "mid_market": 0.012, "enterprise": 0.02}[c.segment] {
		c.addonEver = true
		c.subs++
		c.addon = sub{id: c.id + "-S" + strconv.Itoa(c.subs), minor: max(1, int64(float64(c.main.minor)*(0.15+0.2*r.Float64()))), active: true}
	}
}

// bill records the month's MRR of each active subscription.
func (c *cust) bill(m int) {
	for _, s := range [...]sub{c.main, c.addon} {
		if s.active && s.minor > 0 {
			money, _ := cs.MoneyFromMinor(s.minor, c.currency)
			c.g.book.MRR = append(c.g.book.MRR, MRRRow{CustomerID: c.id, SubscriptionID: s.id, Month: monthStart(m), MRR: money})
		}
	}
}

// churn draws the churn of month m from the latent hazard (see Hazard).
func (c *cust) churn(m int, usage float64, renewal bool) {
	g, r := c.g, c.r
	end := monthEnd(m)
	z := g.haz.Base + g.haz.Usage*(0.6-usage) + g.haz.Falling*math.Max(0, -c.trend()) +
		g.haz.Friction*c.friction(end)
	if ces, ok := c.cesMean(end); ok {
		z += g.haz.LowCES * math.Max(0, 5-ces)
	}
	if c.segment == "smb" {
		z += g.haz.SMB
	}
	h := sigmoid(z)
	var p float64
	if c.annual {
		c.termSurvival *= 1 - h
		if !renewal {
			return
		}
		p, c.termSurvival = 1-c.termSurvival, 1
	} else if renewal {
		p = h
	}
	if r.Float64() >= p {
		return
	}
	c.churned = true
	c.main.active, c.addon.active = false, false
	c.churnDate = dayIn(m, c.start.Day)
	if c.churnDate.After(g.cfg.AsOf) && m == g.last {
		c.churnDate = g.cfg.AsOf
	}
	if m > g.last {
		if m <= g.last+g.cfg.HorizonMonths && c.activeAtAsOf() {
			g.book.Outcomes = append(g.book.Outcomes, Outcome{ID: c.id, Churned: true, Date: c.churnDate})
		}
	}
}

// activeAtAsOf reports whether the last snapshot of the history was active.
func (c *cust) activeAtAsOf() bool { return c.last.ID != "" && c.last.Stage != cs.StageChurned }

// trend is the relative change of usage over the last three months, 0 without
// three months of history.
func (c *cust) trend() float64 {
	n := len(c.usage)
	if n < 4 || c.usage[n-4] <= 0 {
		return 0
	}
	return round(c.usage[n-1]/c.usage[n-4]-1, 3)
}

// friction is the mean effort of the cases opened in the 90 days to d, capped at 6.
func (c *cust) friction(d cs.Date) float64 {
	from, to := d.Unix()-90, d.Unix()
	var sum float64
	n := 0
	for i := len(c.cases) - 1; i >= 0 && c.cases[i].day > from; i-- {
		if c.cases[i].day <= to {
			sum += c.cases[i].effort
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return math.Min(6, sum/float64(n))
}

func (c *cust) tickets90(d cs.Date) int {
	from, to := d.Unix()-90, d.Unix()
	n := 0
	for i := len(c.cases) - 1; i >= 0 && c.cases[i].day > from; i-- {
		if c.cases[i].day <= to {
			n++
		}
	}
	return n
}

func (c *cust) cesMean(d cs.Date) (float64, bool) {
	from, to := d.Unix()-90, d.Unix()
	sum, n := 0, 0
	for i := len(c.ces2) - 1; i >= 0 && c.ces2[i].day > from; i-- {
		if c.ces2[i].day <= to {
			sum += c.ces2[i].score
			n++
		}
	}
	if n == 0 {
		return 0, false
	}
	return float64(sum) / float64(n), true
}

func at(d cs.Date, hour, minute int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, minute, 0, 0, time.UTC)
}

// supportCases draws the support cases opened in month m and records their
// contacts, events and CES answers (only those up to the book date are kept).
func (c *cust) supportCases(m int, usage float64, history bool) {
	r, g := c.r, c.g
	lambda := (0.12 + 0.025*math.Sqrt(float64(c.seats))) * c.phi * (1.5 - usage)
	n := min(poisson(r, lambda), 12)
	cutoff := at(g.cfg.AsOf, 23, 59).Add(59 * time.Second)
	for range n {
		c.caseN++
		caseID := c.id + "-K" + zeroPad(c.caseN, 4)
		opened := at(c.randomDay(m, 31), 8+r.IntN(10), r.IntN(60))
		b := g.book
		keep := func(t time.Time) bool { return history && !t.After(cutoff) }
		if keep(opened) {
			b.CaseEvents = append(b.CaseEvents, CaseEvent{CaseID: caseID, CustomerID: c.id, Event: Opened, Time: opened})
		}
		effort := 0.0
		t := opened
		ch := firstChannel(r, c.segment)
		agent := ""
		k := 0
		contact := func(ch Channel, repeated bool) {
			k++
			if ch != SelfService && (agent == "" || r.Float64() < 0.3) {
				agent = "agent-" + zeroPad(1+r.IntN(30), 2)
			}
			ct := Contact{ContactID: caseID + "-" + strconv.Itoa(k), CustomerID: c.id, CaseID: caseID, Time: t, Channel: ch,
				RepeatedInfo: repeated}
			if ch != SelfService {
				ct.Agent = agent
				ct.GenericAnswer = r.Float64() < 0.12*c.phi
				ct.Transferred = r.Float64() < 0.12*c.phi
			}
			for _, f := range [...]bool{ct.RepeatedInfo, ct.GenericAnswer, ct.Transferred} {
				if f {
					effort++
				}
			}
			if ct.Transferred {
				agent = "agent-" + zeroPad(1+r.IntN(30), 2)
			}
			if keep(t) {
				b.Contacts = append(b.Contacts, ct)
			}
		}
		contact(ch, false)
		for extra := 0; extra < 4 && r.Float64() < math.Min(0.6, 0.25*c.phi); extra++ {
			effort++
			t = t.Add(time.Duration(2+r.IntN(70)) * time.Hour)
			next := ch
			if ch == SelfService && r.Float64() < 0.6 || r.Float64() < 0.2*c.phi {
				next = switchChannel(r, ch)
				effort++
			}
			ch = next
			contact(ch, r.Float64() < math.Min(0.8, 0.15*c.phi+0.3))
		}
		t = t.Add(time.Duration(1+r.IntN(24)) * time.Hour)
		if keep(t) {
			b.CaseEvents = append(b.CaseEvents, CaseEvent{CaseID: caseID, CustomerID: c.id, Event: Resolved, Time: t})
		}
		if r.Float64() < 0.08*c.phi {
			effort++
			t = t.Add(time.Duration(24+r.IntN(96)) * time.Hour)
			if keep(t) {
				b.CaseEvents = append(b.CaseEvents, CaseEvent{CaseID: caseID, CustomerID: c.id, Event: Reopened, Time: t})
			}
			t = t.Add(time.Duration(1+r.IntN(8)) * time.Hour)
			contact(ch, r.Float64() < 0.5)
			t = t.Add(time.Duration(1+r.IntN(24)) * time.Hour)
			if keep(t) {
				b.CaseEvents = append(b.CaseEvents, CaseEvent{CaseID: caseID, CustomerID: c.id, Event: Resolved, Time: t})
			}
		}
		c.cases = append(c.cases, caseEffort{day: cs.DateOf(opened).Unix(), effort: effort})
		if r.Float64() < 0.45 {
			t = t.Add(time.Duration(2+r.IntN(46)) * time.Hour)
			s := Survey{CustomerID: c.id, Time: t, Kind: CES2}
			if r.Float64() < 0.1 {
				s.Kind = CES1
				s.Score = min(max(int(math.Round(1.7+0.5*effort+0.7*r.NormFloat64())), 1), 5)
			} else {
				s.Score = min(max(int(math.Round(6.3-0.7*effort+0.9*r.NormFloat64())), 1), 7)
				c.ces2 = append(c.ces2, answer{day: cs.DateOf(t).Unix(), score: s.Score})
			}
			if keep(t) {
				b.Surveys = append(b.Surveys, s)
			}
		}
	}
}

func firstChannel(r *rand.Rand, segment string) Channel {
	u := r.Float64()
	if segment == "enterprise" && u < 0.05 {
		return Meeting
	}
	switch {
	case u < 0.35:
		return SelfService
	case u < 0.65:
		return Email
	case u < 0.87:
		return Chat
	}
	return Phone
}

// switchChannel moves a case to another channel, mostly towards the phone.
func switchChannel(r *rand.Rand, from Channel) Channel {
	for {
		var ch Channel
		switch u := r.Float64(); {
		case u < 0.5:
			ch = Phone
		case u < 0.75:
			ch = Email
		default:
			ch = Chat
		}
		if ch != from {
			return ch
		}
	}
}

// snapshot records the customer as it stands at the end of month m (the book date
// for the last month).
func (c *cust) snapshot(m int) {
	g := c.g
	d := monthEnd(m)
	if m == g.last {
		d = g.cfg.AsOf
	}
	cu := cs.Customer{ID: c.id, Name: c.name, Segment: c.segment}
	cu.Attributes = cs.Attributes{"plan": c.plan, "contract": "monthly", "industry": c.industry, "region": c.region}
	if c.annual {
		cu.Attributes["contract"] = "annual"
	}
	cu.ContractStart = c.start
	if c.churned {
		cu.Stage = cs.StageChurned
		cu.MRR, _ = cs.MoneyFromMinor(0, c.currency)
		cu.Signals = c.last.Signals
		if c.last.ID == "" {
			cu.Signals = nil
		}
		g.record(d, m, cu)
		return
	}
	var total int64
	for _, s := range [...]sub{c.main, c.addon} {
		if s.active {
			total += s.minor
		}
	}
	cu.MRR, _ = cs.MoneyFromMinor(total, c.currency)
	term := 1
	if c.annual {
		term = 12
	}
	// AddMonths clamps to the month's end, so count whole terms from the start.
	var renew cs.Date
	for k := 1; ; k++ {
		if rd := c.start.AddMonths(k * term); rd.After(d) {
			renew = rd
			break
		}
	}
	cu.RenewalDate = renew
	usage := c.usage[len(c.usage)-1]
	sig := cs.Signals{
		"usage":            usage,
		"seats_used":       float64(c.assigned),
		"seats_purchased":  float64(c.seats),
		"seat_utilization": round(float64(c.assigned)/float64(c.seats), 3),
		"feature_adoption": round(sigmoid(c.nu+0.5*c.e), 2),
		"tickets_90d":      float64(c.tickets90(d)),
	}
	if len(c.usage) >= 4 && c.usage[len(c.usage)-4] > 0 {
		sig["usage_trend"] = c.trend()
	}
	active := usage * float64(c.seats)
	logins := math.Round(active * (8 + 10*usage) * math.Exp(0.3*c.r.NormFloat64()))
	sig["logins_30d"] = logins
	if logins >= 1 {
		sig["days_since_login"] = math.Min(90, math.Floor(c.r.ExpFloat64()*30/logins))
	} else {
		sig["days_since_login"] = float64(31 + c.r.IntN(60))
	}
	if c.hasNPS {
		sig["nps"] = float64(c.nps)
	}
	if ces, ok := c.cesMean(d); ok {
		sig["ces"] = round(ces, 2)
	}
	cu.Signals = sig
	tenureDays := c.start.DaysUntil(d)
	switch {
	case tenureDays < 90:
		cu.Stage = cs.StageOnboarding
	case c.annual && d.DaysUntil(renew) <= 90:
		cu.Stage = cs.StageRenewal
	case sig["seat_utilization"] >= 1 || sig["usage_trend"] > 0.2:
		cu.Stage = cs.StageExpansion
	default:
		cu.Stage = cs.StageAdoption
	}
	c.last = cu
	g.record(d, m, cu)
}

func (g *gen) record(d cs.Date, m int, cu cs.Customer) {
	g.book.Snapshots = append(g.book.Snapshots, Snapshot{AsOf: d, Customer: cu})
	if m == g.last {
		g.book.Customers = append(g.book.Customers, cu)
	}
}
