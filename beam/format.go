package csbeam

import (
	"encoding/json"
	"math"
	"strconv"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/successkit/cs/effort"
	"github.com/successkit/cs/health"
)

// FormatDeadLetter formats a DeadLetter as one JSON object (a JSON Lines line).
func FormatDeadLetter(d DeadLetter) (string, error) { return jsonLine(d) }

// FormatFriction formats a customer's friction as one JSON object; floats are the
// shortest text that reads back to the same bits.
func FormatFriction(f effort.CustomerFriction) (string, error) { return jsonLine(f) }

// FormatRetention formats the retention report as one JSON object: amounts as exact
// decimal text with their currency, months as YYYY-MM.
func FormatRetention(r RetentionReport) (string, error) { return jsonLine(r) }

// FormatBacktest formats the backtest report as one JSON object. The ROC curve's
// first point, at threshold +Inf, is written with threshold null (JSON has no
// infinity).
func FormatBacktest(r BacktestReport) (string, error) {
	out := backtestWire{BacktestReport: r, ROC: make([]rocPoint, len(r.ROC))}
	for i, p := range r.ROC {
		out.ROC[i] = rocPoint{FPR: p.FPR, TPR: p.TPR}
		if !math.IsInf(p.Threshold, 0) {
			th := p.Threshold
			out.ROC[i].Threshold = &th
		}
	}
	return jsonLine(out)
}

type rocPoint struct {
	Threshold *float64 `json:"threshold"`
	FPR       float64  `json:"fpr"`
	TPR       float64  `json:"tpr"`
}

type backtestWire struct {
	BacktestReport
	ROC []rocPoint `json:"roc"`
}

// parseBacktest reads FormatBacktest's text.
func parseBacktest(b []byte) (BacktestReport, error) {
	var w backtestWire
	if err := json.Unmarshal(b, &w); err != nil {
		return BacktestReport{}, err
	}
	r := w.BacktestReport
	r.ROC = nil
	if w.ROC != nil {
		r.ROC = make([]health.ROCPoint, len(w.ROC))
	}
	for i, p := range w.ROC {
		r.ROC[i] = health.ROCPoint{Threshold: math.Inf(1), FPR: p.FPR, TPR: p.TPR}
		if p.Threshold != nil {
			r.ROC[i].Threshold = *p.Threshold
		}
	}
	return r, nil
}

func jsonLine(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

func init() {
	register.Function1x1(FormatScoreRow)
	register.Function1x2(FormatDeadLetter)
	register.Function1x2(FormatFriction)
	register.Function1x2(FormatRetention)
	register.Function1x2(FormatBacktest)
}

// FormatGradeCount formats a grade count of ScoreCustomers as a CSV line
// (grade,customers); the Unknown grade is written as an empty cell.
func FormatGradeCount(grade string, n int) string {
	return csvCell(grade) + "," + strconv.Itoa(n)
}

func init() { register.Function2x1(FormatGradeCount) }
