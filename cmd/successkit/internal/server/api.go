package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strconv"

	"github.com/successkit/cs"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/store"
	"github.com/successkit/cs/touch"
)

// today is the server's date: the day of its clock in the process's time
// zone (as the command's edits are dated). Writes are dated with it.
func (s *Server) today() cs.Date { return cs.DateOf(s.now()) }

// lastRun returns the date of the store's latest run: the default date of
// every read. No run yet is a 404.
func (c *call) lastRun() (cs.Date, error) {
	r, ok, err := c.s.store.LastRun(c.r.Context())
	if err != nil {
		return cs.Date{}, err
	}
	if !ok {
		return cs.Date{}, newProblem("not-found", "the store holds no run yet: run the cycle first")
	}
	return r.AsOf, nil
}

// asOfParam reads ?as_of=, defaulting to the latest run.
func (c *call) asOfParam(q *query) (cs.Date, error) {
	d := q.date("as_of", cs.Date{})
	if err := q.err(); err != nil {
		return d, err
	}
	if d.IsZero() {
		return c.lastRun()
	}
	return d, nil
}

func dateKey(d cs.Date) string { return d.String() }

// runs lists the runs, oldest first.
func (c *call) listRuns() error {
	q := c.params("limit", "cursor")
	p := q.page()
	if err := q.err(); err != nil {
		return err
	}
	out, err := collect(c, p, func(p store.Page) iter.Seq2[store.Run, error] { return c.s.store.Runs(c.r.Context(), p) },
		func(r store.Run) string { return dateKey(r.AsOf) })
	if err != nil {
		return storeError(err, "")
	}
	return writeJSON(c.w, c.r, out)
}

// runDetail is one run with the cycle's report.
type runDetail struct {
	store.Run
	Report json.RawMessage `json:"report,omitempty"`
}

// getRun answers one run ("latest" or a date) with its report.
func (c *call) getRun() error {
	s := c.r.PathValue("as_of")
	var d cs.Date
	var err error
	if s == "latest" {
		d, err = c.lastRun()
	} else {
		d, err = cs.ParseDate(s)
		if err != nil {
			err = paramProblem("as_of", s, err)
		}
	}
	if err != nil {
		return err
	}
	ctx := c.r.Context()
	run, err := c.s.store.Run(ctx, d)
	if err != nil {
		return storeError(err, "")
	}
	rep, err := c.s.store.Doc(ctx, d, reportDoc)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return writeJSON(c.w, c.r, runDetail{Run: run, Report: rep})
}

func paramProblem(name, value string, err error) *Problem {
	p := newProblem("invalid-parameter", name+": "+errDetail(err))
	p.Errors = []ProblemField{{Path: name, Value: clipValue(value), Detail: errDetail(err)}}
	return p
}

// customerSummary is one customer in the list of a date.
type customerSummary struct {
	CustomerID string  `json:"customer_id"`
	Score      float64 `json:"score"`
	Grade      string  `json:"grade"`
	Unknown    bool    `json:"unknown"`
	Coverage   float64 `json:"coverage"`
	Overridden bool    `json:"overridden,omitempty"`
}

func summaryOf(r *health.Result) customerSummary {
	return customerSummary{CustomerID: r.CustomerID, Score: r.Score, Grade: r.Grade, Unknown: r.Unknown, Coverage: r.Coverage, Overridden: r.Overridden}
}

// listCustomers lists the health of every customer scored on a date.
func (c *call) listCustomers() error {
	q := c.params("as_of", "limit", "cursor")
	p := q.page()
	d, err := c.asOfParam(q)
	if err != nil {
		return err
	}
	out, err := collect(c, p, func(p store.Page) iter.Seq2[customerSummary, error] {
		return mapSeq(c.s.store.HealthOn(c.r.Context(), d, p), func(r health.Result) customerSummary { return summaryOf(&r) })
	}, func(s customerSummary) string { return s.CustomerID })
	if err != nil {
		return storeError(err, "")
	}
	return writeJSON(c.w, c.r, out)
}

// customerHealth is a customer's health on a date with its explanation,
// reasons and trend, the customer as read that day and its tier.
type customerHealth struct {
	Customer *cs.Customer      `json:"customer,omitempty"`
	Health   json.RawMessage   `json:"health"`
	Trend    health.Trend      `json:"trend"`
	Tier     *touch.Assignment `json:"tier,omitempty"`
}

func (c *call) customerHealth() error {
	id, err := c.pathID("id")
	if err != nil {
		return err
	}
	q := c.params("as_of")
	d, err := c.asOfParam(q)
	if err != nil {
		return err
	}
	ch, err := c.s.customerHealth(c.r.Context(), id, d)
	if err != nil {
		return storeError(err, "")
	}
	return writeJSON(c.w, c.r, ch)
}

// customerHealth reads what GET /v1/customers/{id} answers.
func (s *Server) customerHealth(ctx context.Context, id string, d cs.Date) (customerHealth, error) {
	var out customerHealth
	r, err := s.store.Health(ctx, id, d)
	if err != nil {
		return out, err
	}
	if out.Health, err = appendResult(nil, -1, &r, nil, true); err != nil {
		return out, err
	}
	if out.Trend, err = s.store.Trend(ctx, id, d, health.TrendOptions{}); err != nil {
		return out, err
	}
	for snap, err := range s.store.CustomerHistory(ctx, id, store.Page{After: d.AddDays(-1).String(), Limit: 1}) {
		if err != nil {
			return out, err
		}
		if snap.AsOf == d {
			out.Customer = &snap.Customer
		}
	}
	for tp, err := range s.store.TierHistory(ctx, id, store.Page{After: d.AddDays(-1).String(), Limit: 1}) {
		if err != nil {
			return out, err
		}
		if tp.AsOf == d {
			out.Tier = &tp.Assignment
		}
	}
	return out, nil
}

// historyPoint is one past score of a customer.
type historyPoint struct {
	AsOf       cs.Date `json:"as_of"`
	Score      float64 `json:"score"`
	Grade      string  `json:"grade"`
	Unknown    bool    `json:"unknown"`
	Coverage   float64 `json:"coverage"`
	Computed   float64 `json:"computed"`
	Overridden bool    `json:"overridden,omitempty"`
	Weakest    string  `json:"weakest,omitempty"` // the measure pulling the score down most
}

func (c *call) customerHistory() error {
	id, err := c.pathID("id")
	if err != nil {
		return err
	}
	q := c.params("limit", "cursor")
	p := q.page()
	if err := q.err(); err != nil {
		return err
	}
	out, err := collect(c, p, func(p store.Page) iter.Seq2[historyPoint, error] {
		return mapSeq(c.s.store.HealthHistory(c.r.Context(), id, p), pointOf)
	}, func(h historyPoint) string { return dateKey(h.AsOf) })
	if err != nil {
		return storeError(err, "")
	}
	if len(out.Items) == 0 && p.After == "" {
		return newProblem("not-found", fmt.Sprintf("no health result for customer %q", clipValue(id)))
	}
	return writeJSON(c.w, c.r, out)
}

func pointOf(r health.Result) historyPoint {
	h := historyPoint{AsOf: r.AsOf, Score: r.Score, Grade: r.Grade, Unknown: r.Unknown, Coverage: r.Coverage, Computed: r.Computed, Overridden: r.Overridden}
	if m, ok := r.WeakestMeasure(); ok {
		h.Weakest = m.Name
	}
	return h
}

// activeOverride is an override in force with its ID.
type activeOverride struct {
	ID       int64           `json:"override_id"`
	Override health.Override `json:"override"`
}

// customerOverrides is a customer's overrides in force and its override
// events (set, revoked, expired), oldest first.
type customerOverrides struct {
	Active []activeOverride `json:"active"`
	listPage[store.OverrideEvent]
}

func (c *call) customerOverrides() error {
	id, err := c.pathID("id")
	if err != nil {
		return err
	}
	q := c.params("on", "limit", "cursor")
	p := q.page()
	on := q.date("on", c.s.today())
	if err := q.err(); err != nil {
		return err
	}
	ctx := c.r.Context()
	out := customerOverrides{}
	if out.Active, err = c.s.activeOverrides(ctx, id, on); err != nil {
		return storeError(err, "")
	}
	out.listPage, err = collect(c, p, func(p store.Page) iter.Seq2[store.OverrideEvent, error] {
		return c.s.store.OverrideEvents(ctx, id, p)
	}, func(e store.OverrideEvent) string { return strconv.FormatInt(e.Seq, 10) })
	if err != nil {
		return storeError(err, "")
	}
	return writeJSON(c.w, c.r, out)
}

// activeOverrides returns a customer's overrides in force on a date with
// their IDs: the set events of its audit that were neither revoked nor
// expired, active on the date.
func (s *Server) activeOverrides(ctx context.Context, id string, on cs.Date) ([]activeOverride, error) {
	var sets []store.OverrideEvent
	ended := map[int64]bool{}
	for ev, err := range s.store.OverrideEvents(ctx, id, store.Page{}) {
		if err != nil {
			return nil, err
		}
		if ev.Action == store.OverrideSet {
			sets = append(sets, ev)
		} else {
			ended[ev.ID] = true
		}
	}
	out := []activeOverride{}
	for _, ev := range sets {
		if !ended[ev.ID] && ev.Override.Active(on) {
			out = append(out, activeOverride{ID: ev.ID, Override: ev.Override})
		}
	}
	return out, nil
}

// overrideRequest is the body of POST /v1/customers/{id}/overrides. The
// author is the token's name; a body naming one is refused (unknown field).
type overrideRequest struct {
	Measure string   `json:"measure"`
	Points  *float64 `json:"points"`
	Reason  string   `json:"reason"`
	SetAt   cs.Date  `json:"set_at"`
	Expires cs.Date  `json:"expires"`
}

func (c *call) setOverride() error {
	id, err := c.pathID("id")
	if err != nil {
		return err
	}
	var req overrideRequest
	if err := c.decodeBody(&req); err != nil {
		return err
	}
	if req.Points == nil {
		return invalidBody(&cs.FieldError{Field: "points", Err: cs.ErrMissing}, "")
	}
	o := health.Override{Measure: req.Measure, Points: *req.Points, Reason: req.Reason, Author: c.id.Name,
		SetAt: req.SetAt, Expires: req.Expires}
	if o.SetAt.IsZero() {
		o.SetAt = c.s.today()
	}
	ev, err := c.s.store.SetOverride(c.r.Context(), id, o, c.s.now())
	if err != nil {
		return storeError(err, "")
	}
	c.w.Header().Set("Location", "/v1/overrides/"+strconv.FormatInt(ev.ID, 10))
	return writeStatusJSON(c.w, http.StatusCreated, ev)
}

// overrideAudit lists an override's events: set, then revoked or expired.
func (c *call) overrideAudit() error {
	oid, err := c.overrideID()
	if err != nil {
		return err
	}
	out := listPage[store.OverrideEvent]{Items: []store.OverrideEvent{}}
	for ev, err := range c.s.store.OverrideAudit(c.r.Context(), oid) {
		if err != nil {
			return storeError(err, "")
		}
		out.Items = append(out.Items, ev)
	}
	if len(out.Items) == 0 {
		return newProblem("not-found", "no override with that ID")
	}
	return writeJSON(c.w, c.r, out)
}

func (c *call) overrideID() (int64, error) {
	s := c.r.PathValue("oid")
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, paramProblem("oid", s, errors.New("not an override ID (a positive whole number)"))
	}
	return n, nil
}

// revokeRequest is the body of POST /v1/overrides/{oid}/revoke.
type revokeRequest struct {
	Reason string `json:"reason"`
}

func (c *call) revokeOverride() error {
	oid, err := c.overrideID()
	if err != nil {
		return err
	}
	var req revokeRequest
	if err := c.decodeBody(&req); err != nil {
		return err
	}
	ev, err := c.s.store.RevokeOverride(c.r.Context(), oid, c.s.today(), c.id.Name, req.Reason, c.s.now())
	if err != nil {
		return storeError(err, "")
	}
	return writeStatusJSON(c.w, http.StatusOK, ev)
}

// tiers is the touch result of a date: the tier table and the assignments.
type tiers struct {
	AsOf    cs.Date          `json:"as_of"`
	Summary *json.RawMessage `json:"summary,omitempty"`
	listPage[touch.Assignment]
}

func (c *call) listTiers() error {
	q := c.params("as_of", "limit", "cursor")
	p := q.page()
	d, err := c.asOfParam(q)
	if err != nil {
		return err
	}
	ctx := c.r.Context()
	out := tiers{AsOf: d}
	if sum, err := c.s.store.TouchSummary(ctx, d); err == nil {
		b, err := json.Marshal(sum)
		if err != nil {
			return err
		}
		raw := json.RawMessage(b)
		out.Summary = &raw
	} else if !errors.Is(err, store.ErrNotFound) {
		return storeError(err, "")
	}
	out.listPage, err = collect(c, p, func(p store.Page) iter.Seq2[touch.Assignment, error] { return c.s.store.Assignments(ctx, d, p) },
		func(a touch.Assignment) string { return a.ID })
	if err != nil {
		return storeError(err, "")
	}
	return writeJSON(c.w, c.r, out)
}

// listTasks lists task records, filtered by customer, owner role, state and
// due date.
func (c *call) listTasks() error {
	q := c.params("customer_id", "owner", "state", "due_before", "limit", "cursor")
	p := q.page()
	f := store.TaskFilter{CustomerID: q.id("customer_id"), Owner: q.str("owner"), DueBefore: q.date("due_before", cs.Date{})}
	if s := q.str("state"); s != "" {
		if err := f.State.UnmarshalText([]byte(s)); err != nil {
			q.add("state", s, "want open, done, skipped or expired")
		}
	}
	if f.Owner != "" && !contains(playbook.Roles(), f.Owner) {
		q.add("owner", f.Owner, "not an owner role; want one of csm, pooled_csm, support, product, executive_sponsor, automated")
	}
	if err := q.err(); err != nil {
		return err
	}
	out, err := collect(c, p, func(p store.Page) iter.Seq2[playbook.TaskRecord, error] { return c.s.store.Tasks(c.r.Context(), f, p) },
		taskCursorKey)
	if err != nil {
		return storeError(err, "")
	}
	return writeJSON(c.w, c.r, out)
}

// taskCursorKey is the store's cursor of a task; collect wraps it again, so
// every cursor of the API has one form.
func taskCursorKey(r playbook.TaskRecord) string {
	b, _ := decodeB64(store.TaskCursor(r))
	return string(b)
}

// taskDetail is a task's record as it stands and its log of versions.
type taskDetail struct {
	Task playbook.TaskRecord `json:"task"`
	Log  []store.TaskVersion `json:"log"`
}

func (c *call) getTask() error {
	key, err := c.pathID("key")
	if err != nil {
		return err
	}
	d, err := c.s.taskDetail(c.r.Context(), key)
	if err != nil {
		return storeError(err, "")
	}
	return writeJSON(c.w, c.r, d)
}

func (s *Server) taskDetail(ctx context.Context, key string) (taskDetail, error) {
	rec, err := s.store.Task(ctx, key)
	if err != nil {
		return taskDetail{}, err
	}
	d := taskDetail{Task: rec, Log: []store.TaskVersion{}}
	for v, err := range s.store.TaskLog(ctx, key) {
		if err != nil {
			return d, err
		}
		d.Log = append(d.Log, v)
	}
	return d, nil
}

// closeRequest is the body of POST /v1/tasks/{key}/done and /skip: a note
// (done; optional) or the reason (skip; required).
type closeRequest struct {
	Note   string `json:"note"`
	Reason string `json:"reason"`
}

func (c *call) taskDone() error { return c.closeTask(playbook.TaskDone) }
func (c *call) taskSkip() error { return c.closeTask(playbook.TaskSkipped) }

// closeTask closes an open task as done or skipped by the token's name. Of
// concurrent closures of one task exactly one succeeds; the others get 409.
// With If-Match, the task must still be the one its ETag names (412).
func (c *call) closeTask(state playbook.TaskState) error {
	key, err := c.pathID("key")
	if err != nil {
		return err
	}
	var req closeRequest
	if len(c.body) > 0 {
		if err := c.decodeBody(&req); err != nil {
			return err
		}
	}
	note := req.Note
	if state == playbook.TaskSkipped {
		if req.Note != "" {
			return invalidBody(&cs.FieldError{Field: "note", Err: fmt.Errorf("%w: a skip takes a reason", cs.ErrUnknownField)}, "")
		}
		note = req.Reason
	} else if req.Reason != "" {
		return invalidBody(&cs.FieldError{Field: "reason", Err: fmt.Errorf("%w: done takes a note", cs.ErrUnknownField)}, "")
	}
	ctx := c.r.Context()
	if m := c.r.Header.Get("If-Match"); m != "" {
		d, err := c.s.taskDetail(ctx, key)
		if err != nil {
			return storeError(err, "")
		}
		b, err := marshalLine(d)
		if err != nil {
			return err
		}
		if !etagMatch(m, etagOf(b)) {
			return newProblem("precondition-failed", "the task changed since it was read")
		}
	}
	rec, err := c.s.store.CloseTask(ctx, key, state, c.s.today(), c.id.Name, note, c.s.now())
	if err != nil {
		return storeError(err, "")
	}
	return writeStatusJSON(c.w, http.StatusOK, rec)
}

// listGrades lists the book's grades over time: per run date and grade, the
// customers and their mean score.
func (c *call) listGrades() error {
	q := c.params("from", "to")
	from, to := q.date("from", cs.Date{}), q.date("to", cs.Date{})
	if err := q.err(); err != nil {
		return err
	}
	out := listPage[store.GradeCount]{Items: []store.GradeCount{}}
	for g, err := range c.s.store.Grades(c.r.Context(), from, to) {
		if err != nil {
			return storeError(err, "")
		}
		out.Items = append(out.Items, g)
	}
	return writeJSON(c.w, c.r, out)
}

// assessment is the play assessment: for each play with fires among the
// outcomes of a period, its effect and what to do with it.
type assessment struct {
	From    cs.Date           `json:"from,omitzero"`
	To      cs.Date           `json:"to,omitzero"`
	Fires   int               `json:"outcomes"`
	Effects []playbook.Effect `json:"effects"`
}

func (c *call) getAssessment() error {
	q := c.params("from", "to")
	from, to := q.date("from", cs.Date{}), q.date("to", cs.Date{})
	if err := q.err(); err != nil {
		return err
	}
	var outs []playbook.Outcome
	for o, err := range c.s.store.Outcomes(c.r.Context(), from, to) {
		if err != nil {
			return storeError(err, "")
		}
		outs = append(outs, o)
	}
	eff, err := playbook.Assess(outs)
	if err != nil {
		return err
	}
	if eff == nil {
		eff = []playbook.Effect{}
	}
	return writeJSON(c.w, c.r, assessment{From: from, To: to, Fires: len(outs), Effects: eff})
}

func (c *call) listAudit() error {
	q := c.params("limit", "cursor")
	p := q.page()
	if err := q.err(); err != nil {
		return err
	}
	out, err := collect(c, p, func(p store.Page) iter.Seq2[store.AuditEntry, error] { return c.s.store.Audit(c.r.Context(), p) },
		func(e store.AuditEntry) string { return strconv.FormatInt(e.Seq, 10) })
	if err != nil {
		return storeError(err, "")
	}
	return writeJSON(c.w, c.r, out)
}
