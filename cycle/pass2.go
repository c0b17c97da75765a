package cycle

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/successkit/cs"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/touch"
)

// pass2 reads the customers again, now that tiers are known: each active
// customer's situation (health with its trend, tier, effort, events and the
// previous situation) goes through the playbook, the lists of the report
// take their candidates, and the outcomes of the fires OutcomeDays ago are
// measured.
func (r *run) pass2() error {
	h := r.prior.History
	if r.c.cfg.Playbook != nil {
		expired, err := h.Expire(r.in.AsOf, r.c.cfg.GraceDays)
		if err != nil {
			return fmt.Errorf("cycle: %w", err)
		}
		r.expired = expired
		r.fireDays = map[int32]bool{}
		for f := range h.AllFires() {
			r.fireDays[int32(f.Date.Unix())] = true
		}
	}
	seen := make([]bool, len(r.tab.rows))
	n, found := 0, 0
	for c, err := range r.in.Customers() {
		n++
		if err := r.check(n); err != nil {
			return err
		}
		if err != nil {
			continue
		}
		i, ok := r.tab.find(c.ID)
		if !ok || seen[i] {
			return fmt.Errorf("cycle: customer %q: %w", c.ID, ErrInputChanged)
		}
		seen[i] = true
		found++
		if err := r.second(&c, &r.tab.rows[i]); err != nil {
			return err
		}
	}
	if found != len(r.tab.rows) {
		return fmt.Errorf("cycle: %d of %d customers read again: %w", found, len(r.tab.rows), ErrInputChanged)
	}
	return nil
}

func (r *run) second(c *cs.Customer, rw *row) error {
	// The tasks and outcomes keep the customer's ID: the row's copy, not the
	// reader's, which shares the memory of the whole line.
	c.ID = rw.id
	r.addEffort(c)
	if err := r.outcome(c, rw); err != nil {
		return err
	}
	if rw.has(fChurned) {
		return nil
	}
	r.lists(c, rw)
	if r.c.cfg.Playbook == nil {
		return nil
	}
	s, err := r.situation(c, rw)
	if err != nil {
		r.playbookErr(err)
		return nil
	}
	if r.tasks, err = r.c.cfg.Playbook.AppendTasks(r.tasks, s, r.prior.History); err != nil {
		r.playbookErr(err)
	}
	return nil
}

func (r *run) playbookErr(err error) {
	if r.rep.Playbook == nil {
		r.rep.Playbook = &PlaybookReport{}
	}
	r.rep.Playbook.Errors.add(r.top, err)
}

// trend computes the customer's trend over its previous scores and today's.
func (r *run) trend(rw *row) (health.Trend, error) {
	r.hbuf = r.tab.history(r.hbuf[:0], rw)
	if rw.has(fScored) {
		r.hbuf = append(r.hbuf, health.Snapshot{AsOf: r.in.AsOf, Score: rw.score, Unknown: rw.has(fUnknown)})
	}
	return health.ComputeTrend(r.hbuf, r.c.cfg.Trend)
}

// situation builds what the plays read about an active customer. Its MRR is
// converted into the touch policy's currency at the policy's rates, so that
// tasks rank by one currency.
func (r *run) situation(c *cs.Customer, rw *row) (*playbook.Situation, error) {
	if a := r.c.cfg.Assigner; a != nil && c.HasMRR() && c.MRR.Currency() != a.Currency() {
		rate, ok := a.Policy().Rates[c.MRR.Currency()]
		if !ok {
			return nil, fmt.Errorf("customer %q: no rate from %s to %s in the policy", c.ID, c.MRR.Currency(), a.Currency())
		}
		m, err := c.MRR.Convert(a.Currency(), rate)
		if err != nil {
			return nil, fmt.Errorf("customer %q: %w", c.ID, err)
		}
		c.MRR = m.RoundBank()
	}
	trend, err := r.trend(rw)
	if err != nil {
		r.playbookErr(fmt.Errorf("customer %q: %w", c.ID, err))
	}
	s := playbook.NewSituation(c, r.in.AsOf)
	if rw.has(fScored) {
		hr := health.Result{Score: rw.score, Unknown: rw.has(fUnknown)}
		if !hr.Unknown {
			hr.Grade = r.tab.labels[rw.label]
		}
		s.SetHealth(&hr, trend)
	} else {
		s.SetHealth(nil, trend)
	}
	if rw.has(fAssigned) {
		a := touch.Assignment{Tier: rw.tier}
		if rw.has(fCommunity) {
			a.Community = touch.CommunityAdvocate
		}
		s.SetTier(a)
	}
	s.SetEffortFromSignals()
	if r.eff != nil && r.eff.caseClosed(c.ID) {
		s.Events = []string{"case_closed"}
	}
	if r.c.entering.any {
		if pc := r.tab.previous(rw, &r.c.entering); pc != nil {
			ps := playbook.NewSituation(pc, r.prior.Last)
			if rw.has(fPrevKnown) && rw.has(fScored) {
				_, g := r.schemes[rw.profile].Grade(rw.prevScore)
				ps.HealthScore, ps.HealthKnown, ps.HealthGrade = rw.prevScore, true, g
			}
			if rw.prevTier != touch.None {
				ps.Tier = rw.prevTier.String()
			}
			ps.SetEffortFromSignals()
			s.Previous = ps
		}
	}
	return s, nil
}

// lists offers an active customer to the report's lists of accounts: the
// lowest grade's, the new reds and the recoveries.
func (r *run) lists(c *cs.Customer, rw *row) {
	if !rw.has(fScored) || rw.has(fUnknown) {
		return
	}
	a := Account{ID: rw.id, Score: round2(rw.score), Share: r.book.share(c.MRR)}
	red := rw.grade == 0
	newRed := red && (rw.has(fPrevKnown) && rw.prevGrade != 0 || rw.nhist == 0 && !r.prior.Last.IsZero())
	recovered := !red && rw.has(fPrevKnown) && rw.prevGrade == 0
	if !(red && r.worst.fits(&a) || newRed && r.newRed.fits(&a) || recovered && r.recovered.fits(&a)) {
		// Counted, not kept.
		if red {
			r.worst.count++
		}
		if newRed {
			r.newRed.count++
		}
		if recovered {
			r.recovered.count++
		}
		return
	}
	r.explain(&a, c, rw)
	if red {
		r.worst.add(a)
	}
	if rw.has(fPrevKnown) {
		_, g := r.schemes[rw.profile].Grade(rw.prevScore)
		a.Previous = &Score{AsOf: cs.DateFromUnix(int(rw.prevDay)), Score: round2(rw.prevScore), Grade: g}
	}
	if newRed {
		r.newRed.add(a)
	}
	if recovered {
		r.recovered.add(a)
	}
}

// explain fills an account row with its health explanation, scoring the
// customer again (only customers who make a list are).
func (r *run) explain(a *Account, c *cs.Customer, rw *row) {
	a.Name, a.MRR, a.Grade = rw.name, c.MRR, r.tab.labels[rw.label]
	res := &r.res
	if err := r.c.cfg.Scorer.ScoreInto(res, c, r.in.AsOf, r.overrides[c.ID]...); err != nil {
		return
	}
	a.Vetoes = res.VetoNames()
	if m, ok := res.WeakestMeasure(); ok {
		a.Weakest, a.Raw = m.Name, round2(m.Raw)
	}
	reasons := res.Reasons()
	a.Reasons = reasons[:min(len(reasons), 2)]
}

// outcome measures, for a customer scored OutcomeDays ago on a day some play
// fired, what happened since: one outcome per play fired for it that day, or
// one without a play (a comparable) when none fired for it.
func (r *run) outcome(c *cs.Customer, rw *row) error {
	pb := r.c.cfg.Playbook
	if pb == nil || rw.nhist == 0 {
		return nil
	}
	cutoff := int32(r.in.AsOf.Unix() - r.c.cfg.OutcomeDays)
	var at *snap
	for k := int(rw.nhist) - 1; k >= 0; k-- {
		if s := &r.tab.snaps[int(rw.hist)+k]; s.day <= cutoff {
			at = s
			break
		}
	}
	if at == nil || at.unknown || !r.fireDays[at.day] {
		return nil
	}
	o := playbook.Outcome{CustomerID: c.ID, Date: cs.DateFromUnix(int(at.day)), HealthBefore: at.score}
	switch {
	case rw.has(fChurned):
		o.Churned, o.HealthAfter = true, at.score
	case rw.has(fScored) && !rw.has(fUnknown):
		o.HealthAfter = rw.score
	default:
		return nil
	}
	if !o.Churned && rw.prev >= 0 {
		p := &r.tab.prev[rw.prev]
		o.Renewed = p.renewal > at.day && p.renewal <= int32(r.in.AsOf.Unix())
	}
	tier := rw.prevTier
	if tier == touch.None {
		tier = rw.tier
	}
	if tier != touch.None {
		o.Tier = tier.String()
	}
	fired := false
	for _, p := range pb.Plays() {
		if slices.Contains(r.prior.History.Fires(c.ID, p.ID), o.Date) {
			fired = true
			o.PlayID = p.ID
			if err := r.sink.AddOutcome(o); err != nil {
				return err
			}
			r.outcomes++
		}
	}
	if !fired {
		o.PlayID = ""
		if err := r.sink.AddOutcome(o); err != nil {
			return err
		}
		r.outcomes++
	}
	return nil
}

// finishHealth completes the health report after the second pass.
func (r *run) finishHealth() {
	sec := &r.rep.Health
	sec.Grades = r.book.gradeRows()
	var scores []float64
	for i := range r.tab.rows {
		rw := &r.tab.rows[i]
		if rw.has(fScored) {
			sec.Scored++
			if !rw.has(fUnknown) {
				scores = append(scores, rw.score)
			}
		}
		if rw.has(fScored) && !rw.has(fUnknown) && rw.grade == 0 && sec.RiskGrade == "" {
			sec.RiskGrade = r.tab.labels[rw.label]
		}
	}
	if len(scores) > 0 {
		// Summed in ascending order, so the mean does not depend on the
		// order of the input.
		slices.Sort(scores)
		var s float64
		for _, x := range scores {
			s += x
		}
		sec.MeanScore = round2(s / float64(len(scores)))
	}
	if g := r.book.grades[sec.RiskGrade]; g != nil && sec.RiskGrade != "" {
		sec.AtRisk = g.t.list()
	}
	sec.Worst = r.worst.list()
	r.rep.Changes.Since = r.prior.Last
	r.rep.Changes.NewRed = r.newRed.list()
	r.rep.Changes.Recovered = r.recovered.list()
}

// plan records the week's tasks in the History, plans every open task within
// capacity and reports the plan and the task changes.
func (r *run) plan(res *Result) error {
	pb := r.c.cfg.Playbook
	if pb == nil {
		return nil
	}
	if r.rep.Playbook == nil {
		r.rep.Playbook = &PlaybookReport{}
	}
	sec := r.rep.Playbook
	sec.ByPlay = map[string]int{}
	sec.Capacity = r.c.cfg.Capacity
	if sec.Capacity == nil {
		sec.Capacity = map[string]playbook.Capacity{}
	}
	if a := r.c.cfg.Assigner; a != nil {
		sec.Currency = a.Currency()
	}
	sec.Fired = len(r.tasks)
	for _, k := range r.tasks {
		sec.ByPlay[k.PlayID]++
	}
	h := r.prior.History
	asOf := r.in.AsOf
	if err := h.Record(r.tasks); err != nil {
		sec.Errors.add(r.top, err)
	}
	r.tasks = nil
	sched, err := h.Plan(asOf, r.c.cfg.Capacity)
	if err != nil {
		return fmt.Errorf("cycle: %w", err)
	}
	res.Do, res.Used = sched.Do, sched.Used
	sec.Used = sched.Used
	if sec.Used == nil {
		sec.Used = map[string]playbook.Usage{}
	}
	do := newTop(r.top, func(a, b *Task) bool { return false })
	for i := range sched.Do {
		do.add(r.task(&sched.Do[i], nil))
	}
	sec.Do = do.list()
	deferred := newTop(r.top, func(a, b *Task) bool { return false })
	for i := range sched.Deferred {
		d := &sched.Deferred[i]
		var rec *playbook.TaskRecord
		if x, ok := h.Task(d.Task.Key); ok {
			rec = &x
		}
		deferred.add(r.task(&d.Task, rec, d.Why))
	}
	sec.Deferred = deferred.list()

	ch := &r.rep.Changes
	ch.Deferred = sec.Deferred
	byDue := func(a, b *Task) bool {
		return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(priorityRank(a.Priority), priorityRank(b.Priority)), strings.Compare(a.Key, b.Key)) < 0
	}
	due, overdue := newTop(r.top, byDue), newTop(r.top, byDue)
	week := asOf.AddDays(7)
	for rec := range h.AllTasks() {
		if rec.Opened == asOf && rec.State == playbook.TaskOpen {
			ch.Opened++
		}
		if rec.State != playbook.TaskOpen {
			continue
		}
		sec.Open++
		switch {
		case rec.Task.Due.Before(asOf):
			overdue.add(r.task(&rec.Task, &rec))
		case rec.Task.Due.Before(week):
			due.add(r.task(&rec.Task, &rec))
		}
	}
	ch.Due, ch.Overdue = due.list(), overdue.list()
	expired := newTop(r.top, byDue)
	for i := range r.expired {
		expired.add(r.task(&r.expired[i].Task, &r.expired[i], r.expired[i].Note))
	}
	ch.Expired = expired.list()
	return nil
}

func priorityRank(p string) int {
	switch p {
	case "must":
		return 0
	case "should":
		return 1
	case "could":
		return 2
	}
	return 3
}

// task turns a task into a row of the report, with the customer's name.
func (r *run) task(k *playbook.Task, rec *playbook.TaskRecord, note ...string) Task {
	var why []string
	for _, m := range k.Reason.Matches {
		why = append(why, m.String())
	}
	t := Task{Key: k.Key, Customer: k.CustomerID, Play: k.PlayID, Priority: k.Priority.String(), Owner: k.Action.Owner,
		Title: k.Action.Title, Due: k.Due, MRR: k.MRR, Why: strings.Join(why, "; "), Carried: k.Carried}
	if i, ok := r.tab.find(k.CustomerID); ok {
		t.Name = r.tab.rows[i].name
	}
	if rec != nil {
		t.Opened, t.Deferred = rec.Opened, rec.Deferred
	}
	if len(note) > 0 {
		t.Note = note[0]
	}
	return t
}
