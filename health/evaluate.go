package health

import (
	"fmt"
	"math"
	"slices"

	"github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
	"github.com/successkit/cs/internal/stats"
)

// evaluation is the customers a fit or a calibration learns from: each one's
// latest usable observation and its outcome, in ascending ID order, with the
// records rejected on the way.
type evaluation struct {
	pick     []int // observation index per customer
	outcome  []int // outcome index per customer
	excluded int   // observations left out by the lead window
	tooLate  int   // customers with no observation before the lead window
	errs     []error
}

// evaluated pairs each outcome with its customer's latest observation not dated
// after the outcome (any date when the outcome has none). It returns the chosen
// observation indices and outcomes in ascending ID order, and one error per bad
// record: observation errors in input order, then outcome errors in input order.
func evaluated(obs []Observation, outcomes []Outcome, lead int) (ev evaluation) {
	bad := func(kind string, i int, id, field string, err error) error {
		return wrap(&cs.FieldError{Field: fmt.Sprintf("%s[%d].%s", kind, i, field), Record: errs.Clip(id), Value: errs.Clip(id), Err: err})
	}
	errs := &ev.errs
	type indexed struct {
		i   int
		err error
	}
	var outErrs []indexed
	byID := make(map[string]int, len(outcomes))
	for i, o := range outcomes {
		if o.ID == "" {
			outErrs = append(outErrs, indexed{i, bad("outcomes", i, "", "id", cs.ErrMissing)})
			continue
		}
		if first, dup := byID[o.ID]; dup {
			outErrs = append(outErrs, indexed{i, bad("outcomes", i, o.ID, "id", fmt.Errorf("%w: also outcomes[%d]", cs.ErrDuplicate, first))})
			continue
		}
		byID[o.ID] = i
	}
	type idDate struct {
		id   string
		date cs.Date
	}
	onDate := make(map[idDate]int, len(obs))
	best := make(map[string]int, len(byID))
	late := map[string]bool{} // customers with observations only inside the lead window
	for i := range obs {
		id := obs[i].Customer.ID
		oi, has := byID[id]
		var until cs.Date
		if has {
			until = outcomes[oi].Date
		}
		switch {
		case id == "":
			*errs = append(*errs, bad("observations", i, "", "id", cs.ErrMissing))
			continue
		case !has:
			*errs = append(*errs, bad("observations", i, id, "id", fmt.Errorf("no outcome: %w", cs.ErrMissing)))
			continue
		case !until.IsZero() && until.Before(obs[i].AsOf):
			*errs = append(*errs, bad("observations", i, id, "as_of", fmt.Errorf("%s after the outcome's %s: %w", obs[i].AsOf, until, cs.ErrDateOrder)))
			continue
		}
		if first, dup := onDate[idDate{id, obs[i].AsOf}]; dup {
			*errs = append(*errs, bad("observations", i, id, "as_of", fmt.Errorf("%s: %w: also observations[%d]", obs[i].AsOf, cs.ErrDuplicate, first)))
			continue
		}
		onDate[idDate{id, obs[i].AsOf}] = i
		if lead > 0 && !until.IsZero() && obs[i].AsOf.After(until.AddDays(-lead)) {
			ev.excluded++
			if _, seen := best[id]; !seen {
				late[id] = true
			}
			continue
		}
		delete(late, id)
		if b, seen := best[id]; !seen || obs[b].AsOf.Before(obs[i].AsOf) {
			best[id] = i
		}
	}
	ev.tooLate = len(late)
	for id, i := range byID {
		if _, seen := best[id]; !seen && !late[id] {
			outErrs = append(outErrs, indexed{i, bad("outcomes", i, id, "id", ErrUnknownID)})
		}
	}
	slices.SortFunc(outErrs, func(a, b indexed) int { return a.i - b.i })
	for _, e := range outErrs {
		*errs = append(*errs, e.err)
	}
	ids := make([]string, 0, len(best))
	for id := range best {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		ev.pick = append(ev.pick, best[id])
		ev.outcome = append(ev.outcome, byID[id])
	}
	return ev
}

// profileRows are the evaluated customers one profile scored: one row per
// customer, one column per measure in the result's canonical order.
type profileRows struct {
	cols  []MeasureResult
	data  []float64 // points, NaN where the measure is missing
	y     []bool    // churned
	pick  []int     // observation index of each row
	out   []int     // outcome index of each row
	score []float64 // the score, NaN when Unknown
	grade []string  // the grade, "" when Unknown
}

// known returns the rows with a known score as (score, churned).
func (pr *profileRows) known() ([]float64, []bool) {
	var s []float64
	var y []bool
	for i, v := range pr.score {
		if !math.IsNaN(v) {
			s = append(s, v)
			y = append(y, pr.y[i])
		}
	}
	return s, y
}

// scoreEvaluated scores each evaluated customer once and sorts the rows by the
// profile that scored them. A reused Result keeps it allocation-free per row;
// a customer that cannot be scored is reported in *errs.
func scoreEvaluated(s *Scorer, obs []Observation, outcomes []Outcome, ev evaluation, errs *[]error) map[string]*profileRows {
	byProfile := map[string]*profileRows{}
	var r Result
	for k, i := range ev.pick {
		if err := s.ScoreInto(&r, &obs[i].Customer, obs[i].AsOf); err != nil {
			*errs = append(*errs, at(fmt.Sprintf("observations[%d]", i), err))
			continue
		}
		pr := byProfile[r.Profile]
		if pr == nil {
			pr = &profileRows{cols: slices.Clone(r.Measures)}
			byProfile[r.Profile] = pr
		}
		for _, m := range r.Measures {
			if m.Status == StatusMissing {
				pr.data = append(pr.data, math.NaN())
			} else {
				pr.data = append(pr.data, m.Points)
			}
		}
		o := &outcomes[ev.outcome[k]]
		pr.y = append(pr.y, o.Churned)
		pr.pick = append(pr.pick, i)
		pr.out = append(pr.out, ev.outcome[k])
		if r.Unknown {
			pr.score = append(pr.score, math.NaN())
		} else {
			pr.score = append(pr.score, r.Score)
		}
		pr.grade = append(pr.grade, r.Grade)
	}
	return byProfile
}

// chooseProfile returns the named profile's rows, or with no name those of the
// profile that scored the most customers (the first in profile order on a tie).
func chooseProfile(s *Scorer, byProfile map[string]*profileRows, name, what string) (string, *profileRows, error) {
	profiles := s.Profiles()
	if name == "" {
		most := 0
		for _, p := range profiles {
			if pr := byProfile[p]; pr != nil && len(pr.y) > most {
				name, most = p, len(pr.y)
			}
		}
	} else if !slices.Contains(profiles, name) {
		return name, nil, fmt.Errorf("health: %s: profile %q: not in the configuration (%v)", what, name, profiles)
	}
	pr := byProfile[name]
	if pr == nil {
		return name, nil, fmt.Errorf("health: %s: no customer with an outcome is scored by profile %q: %w", what, name, stats.ErrTooFewRows)
	}
	return name, pr, nil
}
