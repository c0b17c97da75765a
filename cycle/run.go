package cycle

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/successkit/cs"
	"github.com/successkit/cs/effort"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/touch"
)

// run is one Run in progress.
type run struct {
	c      *Cycle
	ctx    context.Context
	in     Input
	prior  Prior
	sink   Sink
	top    int
	tab    *table
	rep    Report
	inputs inputs
	eff    *efforts

	// health
	schemes   []health.GradeScheme // by profile index
	profiles  map[string]uint8
	overrides map[string][]health.Override
	res       health.Result // reused by ScoreInto

	// book summary, accumulated in the first pass
	book bookAcc

	// touch
	accounts []touch.Account

	// lists
	silent    *top[Silent]
	worst     *top[Account]
	newRed    *top[Account]
	recovered *top[Account]

	// playbook
	tasks    []playbook.Task
	expired  []playbook.TaskRecord
	fireDays map[int32]bool // days with a fire in the History
	hbuf     []health.Snapshot
	outcomes int
}

func (r *run) do() (*Result, error) {
	r.top = r.c.cfg.Top
	r.tab = newTable()
	r.rep = Report{AsOf: r.in.AsOf, Previous: r.prior.Last}
	r.inputs = inputs{signals: map[string]bool{}, attrs: map[string]bool{}, touch: r.c.cfg.Assigner != nil}
	r.book = newBookAcc()
	r.silent = newTop(r.top, func(a, b *Silent) bool {
		return cmp.Or(cmp.Compare(len(b.Evidence), len(a.Evidence)), strings.Compare(a.ID, b.ID)) < 0
	})
	byRisk := func(a, b *Account) bool {
		return cmp.Or(cmp.Compare(b.Share, a.Share), cmp.Compare(a.Score, b.Score), strings.Compare(a.ID, b.ID)) < 0
	}
	r.worst, r.newRed, r.recovered = newTop(r.top, byRisk), newTop(r.top, byRisk), newTop(r.top, byRisk)
	scorer := r.c.cfg.Scorer
	r.profiles = map[string]uint8{}
	for i, p := range scorer.Config().Profiles {
		r.profiles[p.Name] = uint8(i)
		r.schemes = append(r.schemes, p.GradeScheme())
	}
	r.rep.Health = HealthReport{Scorecard: scorer.Version(), Fingerprint: scorer.Fingerprint(), Grades: []GradeRow{}, AtRisk: []cs.Money{}}

	if err := r.loadOverrides(); err != nil {
		return nil, err
	}
	if err := r.runEffort(); err != nil {
		return nil, err
	}
	if err := r.pass1(); err != nil {
		return nil, err
	}
	r.rep.Unread = unread(r.c.reads, &r.inputs)
	if r.c.cfg.Strict && len(r.rep.Unread) > 0 {
		var list []error
		for _, u := range r.rep.Unread {
			list = append(list, errors.New(u.Message))
		}
		return nil, fmt.Errorf("cycle: %w: %w", ErrUnread, errors.Join(list...))
	}
	if err := r.tab.sort(); err != nil {
		return nil, fmt.Errorf("cycle: %w", err)
	}
	if err := r.readPrior(); err != nil {
		return nil, err
	}
	r.hotSpots()
	res := &Result{History: r.prior.History, tab: r.tab}
	if err := r.assign(res); err != nil {
		return nil, err
	}
	if err := r.pass2(); err != nil {
		return nil, err
	}
	// The passes are done: the effort profiles and the previous runs' state
	// are not needed by the plan.
	r.eff = nil
	r.tab.snaps, r.tab.prev, r.tab.prevSig, r.tab.prevAttr, r.tab.intern = nil, nil, nil, nil, nil
	r.finishHealth()
	if err := r.plan(res); err != nil {
		return nil, err
	}
	if err := r.runRetention(); err != nil {
		return nil, err
	}
	res.Report = r.rep
	return res, nil
}

// loadOverrides reads the overrides active on the date (a few customers).
func (r *run) loadOverrides() error {
	if r.prior.Overrides == nil {
		return nil
	}
	r.overrides = map[string][]health.Override{}
	for o, err := range r.prior.Overrides {
		if err != nil {
			return fmt.Errorf("cycle: reading overrides: %w", err)
		}
		r.overrides[o.CustomerID] = append(r.overrides[o.CustomerID], o.Overrides...)
	}
	return nil
}

// check returns the context's error every 1024 records.
func (r *run) check(n int) error {
	if n&1023 == 0 {
		if err := r.ctx.Err(); err != nil {
			return fmt.Errorf("cycle: %w", err)
		}
	}
	return nil
}

// addEffort adds the customer's effort signals to it and returns its
// profile.
func (r *run) addEffort(c *cs.Customer) *effortRow {
	if r.eff == nil {
		return nil
	}
	p, ok := r.eff.profile(c.ID)
	if !ok {
		return nil
	}
	if c.Signals == nil {
		c.Signals = cs.Signals{}
	}
	p.addSignals(c.Signals)
	return p
}

// pass1 reads the customers once: effort signals, health, the book summary,
// the silence check, and the touch accounts; each customer leaves a row.
func (r *run) pass1() error {
	n := 0
	for c, err := range r.in.Customers() {
		n++
		if err := r.check(n); err != nil {
			return err
		}
		if err != nil {
			r.rep.Rejected.add(r.top, err)
			continue
		}
		if err := r.first(&c); err != nil {
			return err
		}
	}
	if len(r.tab.rows) == 0 {
		if r.rep.Rejected.Count > 0 {
			return fmt.Errorf("cycle: %w: %s", ErrNoCustomers, r.rep.Rejected.First[0])
		}
		return fmt.Errorf("cycle: %w", ErrNoCustomers)
	}
	r.rep.Book = r.book.finish()
	return nil
}

func (r *run) first(c *cs.Customer) error {
	p := r.addEffort(c)
	r.see(c)
	if err := r.book.add(c, r.in.AsOf); err != nil {
		return fmt.Errorf("cycle: customer %q: %w", c.ID, err)
	}
	rw := row{id: strings.Clone(c.ID), name: strings.Clone(c.Name), prev: -1, acct: -1, grade: -1, prevGrade: -1}
	if err := r.tab.setMRR(&rw, c.MRR); err != nil {
		return fmt.Errorf("cycle: customer %q: %w", c.ID, err)
	}
	if c.Stage == cs.StageChurned {
		rw.flags |= fChurned
		// A churned customer's effort still counts (its trouble may explain
		// why it left).
		if p != nil {
			r.silenceProfile(p)
		}
	} else {
		if err := r.score(c, &rw); err != nil {
			return err
		}
		r.silence(c, p)
		if err := r.account(c, &rw); err != nil {
			return err
		}
	}
	if err := r.sink.AddCustomer(c); err != nil {
		return err
	}
	r.tab.rows = append(r.tab.rows, rw)
	return nil
}

// silenceProfile checks a customer the run does not score (churned) on its
// effort alone.
func (r *run) silenceProfile(p *effortRow) {
	found, err := r.c.cfg.Silence.FindAt([]effort.CustomerEffort{p.profile()}, nil, r.eff.answers(p.id), nil, endOfDay(r.in.AsOf))
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

// see notes what the customer carries, for the declared reads.
func (r *run) see(c *cs.Customer) {
	for k := range c.Signals {
		if !r.inputs.signals[k] {
			r.inputs.signals[strings.Clone(k)] = true
		}
	}
	for k := range c.Attributes {
		if !r.inputs.attrs[k] {
			r.inputs.attrs[strings.Clone(k)] = true
		}
	}
	in := &r.inputs
	in.stage = in.stage || c.Stage != cs.StageUnknown
	in.renewal = in.renewal || !c.RenewalDate.IsZero()
	in.start = in.start || !c.ContractStart.IsZero()
	in.mrr = in.mrr || c.HasMRR()
	in.segment = in.segment || c.Segment != ""
}

// score scores an active customer, gives the result to the sink and keeps
// its score and grade in the row.
func (r *run) score(c *cs.Customer, rw *row) error {
	res := &r.res
	if err := r.c.cfg.Scorer.ScoreInto(res, c, r.in.AsOf, r.overrides[c.ID]...); err != nil {
		r.rep.Health.Errors.add(r.top, err)
		return nil
	}
	if err := r.sink.AddHealth(res); err != nil {
		return err
	}
	rw.flags |= fScored
	rw.profile = r.profiles[res.Profile]
	if res.Unknown {
		rw.flags |= fUnknown
	} else {
		rw.score, rw.grade, rw.label = res.Score, int8(res.GradeIndex), r.tab.label(res.Grade)
	}
	return r.book.grade(res, c)
}

// account builds the customer's touch account: its value on the policy's
// basis, its health, and the signals the rules read.
func (r *run) account(c *cs.Customer, rw *row) error {
	a := r.c.cfg.Assigner
	if a == nil || !c.HasMRR() {
		return nil
	}
	accs, err := touch.FromCustomers([]cs.Customer{*c}, a.Policy().Basis, nil)
	if err != nil {
		r.touchErr(err)
	}
	if len(accs) != 1 {
		return nil
	}
	acc := accs[0]
	acc.ID = rw.id
	acc.Signals = nil
	for _, s := range r.c.readSig {
		if v, ok := c.Signals.Get(s); ok {
			if acc.Signals == nil {
				acc.Signals = make(cs.Signals, len(r.c.readSig))
			}
			acc.Signals[s] = v
		}
	}
	if rw.has(fScored) && !rw.has(fUnknown) {
		acc.Health, acc.HealthKnown = rw.score, true
	}
	rw.acct = int32(len(r.accounts))
	r.accounts = append(r.accounts, acc)
	return nil
}

func (r *run) touchErr(err error) {
	if r.rep.Touch == nil {
		r.rep.Touch = &TouchReport{}
	}
	r.rep.Touch.Errors.add(r.top, err)
}

// readPrior merges the previous runs' state into the rows, which are sorted
// by ID as the sequences are.
func (r *run) readPrior() error {
	t := r.tab
	if s := r.prior.Scores; s != nil {
		i := 0
		for h, err := range s {
			if err != nil {
				return fmt.Errorf("cycle: reading previous scores: %w", err)
			}
			if i = t.seek(i, h.CustomerID); i < 0 {
				break
			}
			if i < len(t.rows) && t.rows[i].id == h.CustomerID {
				r.keepHistory(&t.rows[i], h.Snapshots)
			}
		}
	}
	if s := r.prior.Customers; s != nil {
		i := 0
		for c, err := range s {
			if err != nil {
				return fmt.Errorf("cycle: reading previous customers: %w", err)
			}
			if i = t.seek(i, c.ID); i < 0 {
				break
			}
			if i < len(t.rows) && t.rows[i].id == c.ID {
				if err := r.keepPrevious(&t.rows[i], &c); err != nil {
					return fmt.Errorf("cycle: previous customer %q: %w", c.ID, err)
				}
			}
		}
	}
	if s := r.prior.Touch; s != nil {
		i := 0
		for st, err := range s {
			if err != nil {
				return fmt.Errorf("cycle: reading touch states: %w", err)
			}
			if i = t.seek(i, st.CustomerID); i < 0 {
				break
			}
			if i < len(t.rows) && t.rows[i].id == st.CustomerID {
				rw := &t.rows[i]
				rw.prevTier = st.State.Tier
				if rw.acct >= 0 {
					st.State.Owner = t.str(st.State.Owner)
					r.accounts[rw.acct].State = st.State
				}
				if r.rep.Touch == nil {
					r.rep.Touch = &TouchReport{}
				}
				if st.State.AsOf.After(r.rep.Touch.PreviousAsOf) {
					r.rep.Touch.PreviousAsOf = st.State.AsOf
				}
			}
		}
	}
	return nil
}

// seek advances i to the first row whose ID is not below id; -1 when the
// rows are exhausted. A sequence out of order is read from its start again
// by binary search.
func (t *table) seek(i int, id string) int {
	if i > 0 && i <= len(t.rows) && t.rows[i-1].id > id {
		j, _ := t.find(id)
		return j
	}
	for i < len(t.rows) && t.rows[i].id < id {
		i++
	}
	if i == len(t.rows) {
		return -1
	}
	return i
}

// keepHistory keeps the snapshots before the run (the 255 latest at most):
// the previous score, the trend's history and the score OutcomeDays back.
// The caller of Run chooses how many it passes.
func (r *run) keepHistory(rw *row, snaps []health.Snapshot) {
	asOf := r.in.AsOf.Unix()
	end := len(snaps)
	for end > 0 && snaps[end-1].AsOf.Unix() >= asOf {
		end--
	}
	snaps = snaps[max(0, end-255):end]
	if len(snaps) == 0 {
		return
	}
	if last := snaps[len(snaps)-1]; !last.Unknown {
		rw.flags |= fPrevKnown
		rw.prevScore, rw.prevDay = last.Score, int32(last.AsOf.Unix())
		if rw.has(fScored) {
			g, _ := r.schemes[rw.profile].Grade(last.Score)
			rw.prevGrade = int8(g)
		}
	}
	rw.hist = int32(len(r.tab.snaps))
	for _, s := range snaps {
		r.tab.snaps = append(r.tab.snaps, snap{score: s.Score, day: int32(s.AsOf.Unix()), unknown: s.Unknown})
	}
	rw.nhist = uint8(len(snaps))
}

// keepPrevious keeps what the previous customer tells: its situation for the
// "entering" conditions, and its value on the touch basis a period ago.
func (r *run) keepPrevious(rw *row, c *cs.Customer) error {
	if err := r.tab.addPrevious(rw, c, &r.c.entering); err != nil {
		return err
	}
	a := r.c.cfg.Assigner
	if a == nil || rw.acct < 0 || !c.HasMRR() || c.Stage == cs.StageChurned {
		return nil
	}
	accs, _ := touch.FromCustomers([]cs.Customer{*c}, a.Policy().Basis, nil)
	if len(accs) == 1 {
		r.accounts[rw.acct].PreviousValue = accs[0].Value
	}
	return nil
}

// assign assigns the accounts to tiers, gives each assignment to the sink and
// keeps its tier in the row.
func (r *run) assign(res *Result) error {
	a := r.c.cfg.Assigner
	if a == nil {
		return nil
	}
	if r.rep.Touch == nil {
		r.rep.Touch = &TouchReport{}
	}
	sec := r.rep.Touch
	p := a.Policy()
	sec.Basis, sec.Currency = p.Basis.String(), a.Currency()
	for cur, v := range p.Rates {
		if sec.Rates == nil {
			sec.Rates = map[string]string{}
		}
		sec.Rates[string(cur)] = v.String()
	}
	tr, err := a.Assign(r.accounts, r.in.AsOf)
	if tr == nil {
		return fmt.Errorf("cycle: %w", err)
	} // otherwise err only lists tr.Rejected, reported below
	r.accounts = nil
	moves := newTop(r.top, func(a, b *TierMove) bool { return a.ID < b.ID })
	for i := range tr.Accounts {
		as := &tr.Accounts[i]
		if err := r.sink.AddAssignment(as); err != nil {
			return err
		}
		if as.Community.Flagged() {
			sec.Community++
		}
		k, ok := r.tab.find(as.ID)
		if !ok {
			continue
		}
		rw := &r.tab.rows[k]
		rw.tier, rw.flags = as.Tier, rw.flags|fAssigned
		if as.Community != 0 {
			rw.flags |= fCommunity
		}
		if as.Changed {
			rw.flags |= fTierMoved
			moves.add(TierMove{ID: as.ID, Name: rw.name, From: as.Previous.String(), To: as.Tier.String(), Reasons: as.Reasons.String()})
		}
	}
	r.rep.Changes.TierMoves = moves.list()
	sec.Tiers = tr.Tiers
	cands := newTop(r.top, func(a, b *touch.Candidate) bool { return false })
	for _, c := range tr.Candidates {
		cands.add(c)
	}
	sec.Candidates = cands.list()
	for _, rej := range tr.Rejected {
		sec.Errors.add(r.top, fmt.Errorf("%s: %s", rej.ID, rej.Error))
	}
	tr.Accounts = nil
	res.Touch = tr
	return nil
}
