package cycle

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/successkit/cs"
	"github.com/successkit/cs/effort"
)

// endOfDay is the last second of d in UTC: "now" for the interaction records of
// a week dated d (effort's decay and the open cases' age depend on the time of
// day; the cycle counts the whole as-of day).
func endOfDay(d cs.Date) time.Time {
	return d.AddDays(1).In(time.UTC).Add(-time.Second)
}

// efforts is what the effort step leaves for the passes: each customer's
// effort signals and silence evidence in a few words, whether a case of
// theirs closed this week, and the survey answers by customer for the
// silence check.
type efforts struct {
	profiles  []effortRow       // by customer ID
	closed    []string          // customers with a case resolved in the last 7 days, sorted
	responses []effort.Response // by customer ID, then time
	top       []effort.CustomerFriction
}

// effortRow is a customer's effort profile, compact: the signals
// effort.CustomerEffort.AddSignals writes, and what the silence check reads.
type effortRow struct {
	id                  string
	friction, fcr, ces  float64
	meanEase            float64
	answers             int
	hasFriction, hasFCR bool
	hasCES              bool
}

// compact keeps what the passes read of a profile.
func compact(p *effort.CustomerEffort, tmp cs.Signals) effortRow {
	clear(tmp)
	p.AddSignals(tmp)
	r := effortRow{id: p.CustomerID, meanEase: p.CES.Summary.MeanEase, answers: p.CES.Summary.Count}
	r.friction, r.hasFriction = tmp[effort.SignalFriction]
	r.fcr, r.hasFCR = tmp[effort.SignalFCRRate]
	r.ces, r.hasCES = tmp[effort.SignalCES]
	return r
}

// addSignals writes the effort signals into dst, as AddSignals did.
func (r *effortRow) addSignals(dst cs.Signals) {
	if r.hasFriction {
		dst[effort.SignalFriction] = r.friction
	}
	if r.hasFCR {
		dst[effort.SignalFCRRate] = r.fcr
	}
	if r.hasCES {
		dst[effort.SignalCES] = r.ces
	}
}

// profile rebuilds the part of the customer's effort profile the silence
// check reads.
func (r *effortRow) profile() effort.CustomerEffort {
	e := effort.CustomerEffort{CustomerID: r.id, HasFriction: r.hasFriction}
	e.Friction.Friction = r.friction
	e.CES.Summary.Count, e.CES.Summary.MeanEase = r.answers, r.meanEase
	return e
}

func (e *efforts) profile(id string) (*effortRow, bool) {
	i, ok := slices.BinarySearchFunc(e.profiles, id, func(p effortRow, id string) int {
		return strings.Compare(p.id, id)
	})
	if !ok {
		return nil, false
	}
	return &e.profiles[i], true
}

func (e *efforts) caseClosed(id string) bool {
	_, ok := slices.BinarySearch(e.closed, id)
	return ok
}

// answers returns the customer's survey answers.
func (e *efforts) answers(id string) []effort.Response {
	lo, _ := slices.BinarySearchFunc(e.responses, id, func(r effort.Response, id string) int {
		return strings.Compare(r.CustomerID, id)
	})
	hi := lo
	for hi < len(e.responses) && e.responses[hi].CustomerID == id {
		hi++
	}
	return e.responses[lo:hi]
}

// runEffort analyses the interactions and surveys of the week: friction of
// the support cases, CES of the last 90 days, and the effort signals the
// passes add to the customers. It reads nothing when neither contacts nor
// surveys are given.
func (r *run) runEffort() error {
	in := r.in
	if in.Contacts.R == nil && in.Surveys.R == nil {
		return nil
	}
	now := endOfDay(in.AsOf)
	rep := &EffortReport{HotSpots: []HotSpot{}}
	r.rep.Effort = rep
	e := &efforts{}
	r.eff = e
	var friction []effort.CustomerFriction
	if in.Contacts.R != nil {
		batch := loadBatch(in.Contacts, in.CaseEvents, func(err error) { rep.Errors.add(r.top, err) })
		model := r.c.effort
		if model == nil {
			var err error
			if model, err = effort.NewModel(effort.Config{}); err != nil {
				return fmt.Errorf("cycle: %w", err)
			}
		}
		report := model.AnalyzeAt(batch, now)
		for _, err := range report.Errors {
			rep.Errors.add(r.top, err)
		}
		friction = report.Customers
		rep.Cases, rep.Customers = report.NumCases(), len(report.Customers)
		r.inputs.cases = rep.Cases > 0
		week := now.AddDate(0, 0, -7)
		for i := range report.NumCases() {
			k := report.Case(i)
			if !k.Open && k.Resolved.After(week) {
				e.closed = append(e.closed, k.CustomerID)
			}
		}
		slices.Sort(e.closed)
		e.closed = slices.Compact(e.closed)
		// The top customers are copied: Top's slice and the drivers share
		// the memory of every customer's friction.
		for _, f := range report.Top(r.top) {
			f.CustomerID, f.Drivers = strings.Clone(f.CustomerID), slices.Clone(f.Drivers)
			e.top = append(e.top, f)
		}
	}
	var ces []effort.CustomerCES
	if in.Surveys.R != nil {
		responses := readResponses(in.Surveys, func(err error) { rep.Errors.add(r.top, err) })
		var err error
		from := now.AddDate(0, 0, -90)
		if ces, err = effort.CESByCustomer(responses, from, now); err != nil {
			return fmt.Errorf("cycle: %w", err)
		}
		var recent []effort.Response
		for _, x := range responses {
			if x.Scale != effort.ScaleNPS && !x.Time.After(now) && x.Time.After(from) {
				recent = append(recent, x)
			}
		}
		s, err := effort.SummarizeCES(recent)
		if err != nil {
			return fmt.Errorf("cycle: %w", err)
		}
		rep.Answers = s.Count
		rep.MeanCES2, _ = s.MeanCES2()
		rep.ShareEasy = s.ShareEasy
		slices.SortStableFunc(responses, func(a, b effort.Response) int {
			return cmp.Or(strings.Compare(a.CustomerID, b.CustomerID), a.Time.Compare(b.Time))
		})
		e.responses = responses
	}
	profiles := effort.Profiles(friction, ces)
	friction, ces = nil, nil
	e.profiles = make([]effortRow, len(profiles))
	tmp := cs.Signals{}
	for i := range profiles {
		row := compact(&profiles[i], tmp)
		row.id = strings.Clone(row.id)
		e.profiles[i] = row
		r.inputs.friction = r.inputs.friction || row.hasFriction
		r.inputs.fcr = r.inputs.fcr || row.hasFCR
		r.inputs.ces = r.inputs.ces || row.hasCES
	}
	return nil
}

// silence checks one active customer for the signs of silent dissatisfaction.
func (r *run) silence(c *cs.Customer, p *effortRow) {
	if r.eff == nil {
		return
	}
	_, trend := c.Signals.Get("usage_trend")
	if p == nil && !trend {
		return
	}
	var profiles []effort.CustomerEffort
	if p != nil {
		profiles = []effort.CustomerEffort{p.profile()}
	}
	found, err := r.c.cfg.Silence.FindAt(profiles, []cs.Customer{*c}, r.eff.answers(c.ID), nil, endOfDay(r.in.AsOf))
	if err != nil {
		r.rep.Effort.Errors.add(r.top, err)
	}
	for _, s := range found {
		row := Silent{ID: strings.Clone(s.CustomerID)}
		for _, ev := range s.Evidence {
			row.Evidence = append(row.Evidence, Evidence{Sign: ev.Sign, Value: round2(ev.Value), Threshold: ev.Threshold})
		}
		r.silent.add(row)
	}
}

// hotSpots lists the customers with the most friction, with their names.
func (r *run) hotSpots() {
	if r.eff == nil {
		return
	}
	for _, f := range r.eff.top {
		h := HotSpot{ID: f.CustomerID, Friction: round2(f.Friction), Cases: f.Cases, FCRRate: round2(f.FCRRate),
			Drivers: topDrivers(f.Drivers, 2)}
		if i, ok := r.tab.find(f.CustomerID); ok {
			h.Name = r.tab.rows[i].name
		}
		r.rep.Effort.HotSpots = append(r.rep.Effort.HotSpots, h)
	}
	sil := r.silent.list()
	for i := range sil.Items {
		s := &sil.Items[i]
		if j, ok := r.tab.find(s.ID); ok {
			s.Name, s.MRR = r.tab.rows[j].name, r.tab.money(&r.tab.rows[j])
		}
	}
	r.rep.Effort.Silent = sil
}

// topDrivers returns the n drivers with the most points, ties by name.
func topDrivers(ds []effort.Driver, n int) []effort.Driver {
	out := slices.Clone(ds)
	slices.SortFunc(out, func(a, b effort.Driver) int {
		return cmp.Or(cmp.Compare(b.Points, a.Points), cmp.Compare(a.Name, b.Name))
	})
	var kept []effort.Driver
	for _, d := range out {
		if len(kept) == n || d.Points <= 0 {
			break
		}
		d.Points, d.Value = round2(d.Points), round2(d.Value)
		kept = append(kept, d)
	}
	return kept
}
