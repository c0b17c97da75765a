package main

import (
	"fmt"
	"slices"

	"github.com/successkit/cs"
	"github.com/successkit/cs/cycle"
	"github.com/successkit/cs/examples/samplebook"
	"github.com/successkit/cs/health"
)

// backtestSection answers "does the health score predict churn?": the scores at
// the report date against what happened after it (outcomes.csv), by
// health.BacktestScores.
type backtestSection struct {
	Note      string          `json:"note"`
	N         int             `json:"n"`
	Churners  int             `json:"churners"`
	BaseRate  float64         `json:"base_rate"`
	AUC       float64         `json:"auc"`
	AUCLow    float64         `json:"auc_low"`
	AUCHigh   float64         `json:"auc_high"`
	Method    string          `json:"auc_method"`
	Grades    []backtestGrade `json:"grades"`
	Flag      []string        `json:"flag"`
	Precision float64         `json:"precision"`
	Recall    float64         `json:"recall"`
	Lift      float64         `json:"lift"`
	LeadDays  float64         `json:"lead_time_median_days"`
	LeadN     int             `json:"lead_time_churners"`
	ROC       [][2]float64    `json:"roc"` // (false positive rate, true positive rate), thinned for display
	Errors    []string        `json:"errors,omitempty"`
}

type backtestGrade struct {
	Grade     string  `json:"grade"`
	Accounts  int     `json:"accounts"`
	Churners  int     `json:"churners"`
	ChurnRate float64 `json:"churn_rate"`
	Lift      float64 `json:"lift"`
}

// runBacktest backtests the health scores of the report date against the
// outcomes; the month-end scores of the snapshots before it are each customer's
// history, for the lead time of the churn flag. Only customers with an outcome are
// backtested. nil without outcomes.csv or health.
func runBacktest(in *input, res *cycle.Result, asof cs.Date, h *healthSection, hist *history) (*backtestSection, error) {
	f, err := in.open(samplebook.OutcomesFile)
	if f == nil || err != nil || h == nil {
		return nil, err
	}
	defer f.Close()
	sec := &backtestSection{}
	var outcomes []health.Outcome
	for o, err := range health.ReadOutcomes(f, in.name(samplebook.OutcomesFile)) {
		if err != nil {
			sec.Errors = append(sec.Errors, err.Error())
			continue
		}
		outcomes = append(outcomes, o)
	}
	var rows []health.ScoredSnapshot
	for _, o := range outcomes {
		st, ok := res.Standing(o.ID)
		if !ok || !st.Scored || st.Churned {
			continue
		}
		if hist != nil {
			if hs := hist.byID[o.ID]; hs != nil {
				for k, d := range hs.dates {
					if d.Before(asof) {
						rows = append(rows, health.ScoredSnapshot{ID: o.ID, Date: d, Score: hs.scores[k], Grade: hs.grades[k]})
					}
				}
			}
		}
		rows = append(rows, health.ScoredSnapshot{ID: o.ID, Date: asof, Score: st.Score, Grade: st.Grade, MRR: st.MRR})
	}
	var grades []string
	for _, g := range h.Grades {
		if g.Grade != unknownGrade {
			grades = append(grades, g.Grade)
		}
	}
	rep, err := health.BacktestScores(rows, outcomes, health.BacktestOptions{Grades: grades})
	for _, e := range rep.Errors {
		sec.Errors = append(sec.Errors, e.Error())
	}
	if err != nil {
		// One class only, or nothing to evaluate: say so rather than print a curve.
		sec.Note = "no backtest: " + err.Error()
		return sec, nil
	}
	sec.N, sec.Churners, sec.BaseRate = rep.N, rep.Churners, round4f(rep.BaseRate)
	sec.AUC, sec.AUCLow, sec.AUCHigh, sec.Method = round4f(rep.AUC.Estimate), round4f(rep.AUC.Low), round4f(rep.AUC.High), rep.AUC.Method
	for _, g := range rep.Grades {
		name := g.Grade
		if name == "" {
			name = unknownGrade
		}
		sec.Grades = append(sec.Grades, backtestGrade{Grade: name, Accounts: g.Accounts, Churners: g.Churners,
			ChurnRate: round4f(g.ChurnRate), Lift: round2(g.Lift)})
	}
	sec.Flag = rep.Flag
	sec.Precision, sec.Recall, sec.Lift = round4f(rep.Precision), round4f(rep.Recall), round2(rep.Lift)
	sec.LeadDays, sec.LeadN = rep.LeadTime.Median, len(rep.LeadTime.Days)
	sec.ROC = thinROC(rep.ROC, 0.01)
	sec.Note = fmt.Sprintf("The health score of each of the %d active customers on %s against whether it churned afterwards (%d churners, base rate %.1f%%). AUC %.3f (95%% interval %.3f to %.3f, %s): the probability that a churner scored below a customer who stayed; 0.5 is a score that knows nothing.",
		sec.N, asof, sec.Churners, 100*sec.BaseRate, sec.AUC, sec.AUCLow, sec.AUCHigh, sec.Method)
	return sec, nil
}

// thinROC keeps the curve's first and last points and every point at least step
// away (in FPR or TPR) from the last one kept, so the drawn curve stays within
// step of the full one.
func thinROC(pts []health.ROCPoint, step float64) [][2]float64 {
	var out [][2]float64
	for i, p := range pts {
		if i == 0 || i == len(pts)-1 || len(out) == 0 ||
			p.FPR-out[len(out)-1][0] >= step || p.TPR-out[len(out)-1][1] >= step {
			out = append(out, [2]float64{round4f(p.FPR), round4f(p.TPR)})
		}
	}
	if len(out) > 0 && (out[0] != [2]float64{0, 0}) {
		out = slices.Insert(out, 0, [2]float64{0, 0})
	}
	return out
}

func round4f(x float64) float64 {
	d := x * 10000
	if d < 0 {
		return -float64(int64(-d+0.5)) / 10000
	}
	return float64(int64(d+0.5)) / 10000
}
