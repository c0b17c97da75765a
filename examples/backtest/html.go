package main

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"math"
	"strings"

	"github.com/successkit/cs/health"
)

// The charts' size and margins, in SVG user units.
const (
	chartW, chartH = 480.0, 320.0
	padL, padR     = 52.0, 16.0
	padT, padB     = 16.0, 44.0
)

// curveColors are the strokes of the grade curves; other grades are grey.
var curveColors = map[string]string{"red": "#d9534f", "yellow": "#e0a020", "green": "#4cae4c"}

func curveColor(g string) string {
	if c, ok := curveColors[g]; ok {
		return c
	}
	return "#7a8ca0"
}

// frame maps data coordinates to the chart and draws its axes.
type frame struct {
	b          *strings.Builder
	xmax, ymax float64
}

func (f *frame) x(v float64) float64 { return padL + v/f.xmax*(chartW-padL-padR) }
func (f *frame) y(v float64) float64 { return chartH - padB - v/f.ymax*(chartH-padT-padB) }

// open starts an SVG chart with its axes, ticks and labels.
func (f *frame) open(title, xlabel, ylabel string, xticks, yticks []float64, xfmt, yfmt string) {
	b := f.b
	fmt.Fprintf(b, `<figure><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" role="img" aria-label="%s">`+"\n",
		chartW, chartH, chartW, chartH, html.EscapeString(title))
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#888"/>`+"\n",
		padL, padT, chartW-padL-padR, chartH-padT-padB)
	for _, t := range xticks {
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="11" text-anchor="middle">`+xfmt+`</text>`+"\n", f.x(t), chartH-padB+15, t)
	}
	for _, t := range yticks {
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#eee"/>`+"\n", padL, f.y(t), chartW-padR, f.y(t))
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="11" text-anchor="end">`+yfmt+`</text>`+"\n", padL-4, f.y(t)+4, t)
	}
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="12" text-anchor="middle">%s</text>`+"\n", (padL+chartW-padR)/2, chartH-8, html.EscapeString(xlabel))
	fmt.Fprintf(b, `<text x="12" y="%.1f" font-size="12" text-anchor="middle" transform="rotate(-90 12 %.1f)">%s</text>`+"\n",
		(padT+chartH-padB)/2, (padT+chartH-padB)/2, html.EscapeString(ylabel))
}

func (f *frame) close(caption string) {
	fmt.Fprintf(f.b, "</svg><figcaption>%s</figcaption></figure>\n", html.EscapeString(caption))
}

// polyline draws the points as one line.
func (f *frame) polyline(xs, ys []float64, stroke, extra string) {
	var pts strings.Builder
	for i := range xs {
		fmt.Fprintf(&pts, "%.1f,%.1f ", f.x(xs[i]), f.y(ys[i]))
	}
	fmt.Fprintf(f.b, `<polyline points="%s" fill="none" stroke="%s" %s/>`+"\n", strings.TrimSpace(pts.String()), stroke, extra)
}

// rocChart plots the ROC curve of the backtest.
func rocChart(b *strings.Builder, pts []health.ROCPoint, auc float64) {
	f := &frame{b: b, xmax: 1, ymax: 1}
	ticks := []float64{0, 0.25, 0.5, 0.75, 1}
	f.open("ROC curve", "false positive rate", "true positive rate", ticks, ticks, "%.2f", "%.2f")
	f.polyline([]float64{0, 1}, []float64{0, 1}, "#bbb", `stroke-dasharray="4 3"`)
	xs, ys := make([]float64, len(pts)), make([]float64, len(pts))
	for i, p := range pts {
		xs[i], ys[i] = p.FPR, p.TPR
	}
	f.polyline(xs, ys, "#337ab7", `stroke-width="2"`)
	f.close(fmt.Sprintf("ROC of the health score for churn, AUC %.3f", auc))
}

// reliabilityChart plots the cross-validated reliability bins against the
// diagonal, each with its Wilson interval.
func reliabilityChart(b *strings.Builder, c *health.CalibrationResult) {
	bins := c.CrossValidated.Bins
	top := 0.0
	for _, bin := range bins {
		top = max(top, bin.High, bin.MaxPredicted)
	}
	top = math.Min(1, math.Ceil(top*10)/10)
	f := &frame{b: b, xmax: top, ymax: top}
	var ticks []float64
	for t := 0.0; t <= top+1e-9; t += top / 5 {
		ticks = append(ticks, t)
	}
	f.open("Reliability", "predicted probability of churn", "observed churn rate", ticks, ticks, "%.2f", "%.2f")
	f.polyline([]float64{0, top}, []float64{0, top}, "#bbb", `stroke-dasharray="4 3"`)
	xs, ys := make([]float64, len(bins)), make([]float64, len(bins))
	for i, bin := range bins {
		xs[i], ys[i] = bin.MeanPredicted, bin.Observed
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#337ab7"/>`+"\n", f.x(bin.MeanPredicted), f.y(bin.Low), f.x(bin.MeanPredicted), f.y(bin.High))
		fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="#337ab7"/>`+"\n", f.x(bin.MeanPredicted), f.y(bin.Observed))
	}
	f.polyline(xs, ys, "#337ab7", "")
	f.close(fmt.Sprintf("Cross-validated %s calibration, deciles with Wilson 95%% intervals: Brier %.4f, ECE %.4f",
		c.Calibration.Method, c.CrossValidated.Brier, c.CrossValidated.ECE))
}

// survivalChart plots each grade's Kaplan–Meier curve as steps with its
// interval as a band.
func survivalChart(b *strings.Builder, s *health.SurvivalReport) {
	tmax, low := 0.0, 1.0
	for _, c := range s.Curves {
		for _, p := range c.Points {
			tmax, low = max(tmax, p.Time), min(low, p.Low)
		}
	}
	ymin := math.Floor(low*10) / 10
	f := &frame{b: b, xmax: math.Max(tmax, 1), ymax: 1 - ymin}
	// The y axis shows survival from ymin to 1: shift by ymin.
	var xticks, yticks []float64
	for t := 0.0; t <= tmax; t += 30 {
		xticks = append(xticks, t)
	}
	for v := 0.0; v <= 1-ymin+1e-9; v += (1 - ymin) / 5 {
		yticks = append(yticks, v)
	}
	f.open("Survival by grade", "days after the evaluated snapshot", "share still a customer", xticks, nil, "%.0f", "")
	for _, t := range yticks {
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#eee"/>`+"\n", padL, f.y(t), chartW-padR, f.y(t))
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="11" text-anchor="end">%.2f</text>`+"\n", padL-4, f.y(t)+4, t+ymin)
	}
	for k, c := range s.Curves {
		var xs, ys, lo, hi []float64
		sv, l, h := 1.0, 1.0, 1.0
		xs, ys, lo, hi = append(xs, 0), append(ys, sv-ymin), append(lo, l-ymin), append(hi, h-ymin)
		for _, p := range c.Points {
			xs = append(xs, p.Time, p.Time)
			ys = append(ys, sv-ymin, p.Survival-ymin)
			lo = append(lo, l-ymin, p.Low-ymin)
			hi = append(hi, h-ymin, p.High-ymin)
			sv, l, h = p.Survival, p.Low, p.High
		}
		xs, ys, lo, hi = append(xs, tmax), append(ys, sv-ymin), append(lo, l-ymin), append(hi, h-ymin)
		var band strings.Builder
		for i := range xs {
			fmt.Fprintf(&band, "%.1f,%.1f ", f.x(xs[i]), f.y(hi[i]))
		}
		for i := len(xs) - 1; i >= 0; i-- {
			fmt.Fprintf(&band, "%.1f,%.1f ", f.x(xs[i]), f.y(lo[i]))
		}
		col := curveColor(c.Group)
		fmt.Fprintf(b, `<polygon points="%s" fill="%s" fill-opacity="0.15" stroke="none"/>`+"\n", strings.TrimSpace(band.String()), col)
		f.polyline(xs, ys, col, `stroke-width="2"`)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="12" fill="%s">%s (%d)</text>`+"\n", padL+8, padT+16+14*float64(k), col, html.EscapeString(c.Group), c.N)
	}
	caption := fmt.Sprintf("Kaplan–Meier by grade with Greenwood %s 95%% intervals", s.Interval)
	if s.LogRank.DF > 0 {
		caption += fmt.Sprintf("; log-rank χ² = %.2f on %d df, p = %.3g", s.LogRank.ChiSquare, s.LogRank.DF, s.LogRank.P)
	}
	f.close(caption)
}

// writeHTML writes the report as one self-contained page: the text report and
// the SVG charts, no script and no external resource.
func writeHTML(w io.Writer, r *report) error {
	var text bytes.Buffer
	if err := writeText(&text, r); err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Backtest</title>\n")
	b.WriteString("<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:72em}figure{display:inline-block;margin:1em}figcaption{font-size:13px;max-width:480px}pre{font-size:12px;overflow-x:auto}</style></head><body>\n")
	fmt.Fprintf(&b, "<h1>Does the health score predict churn?</h1>\n<p>%s</p>\n", html.EscapeString(r.cfgName+" on "+r.source))
	rocChart(&b, thinROC(r.bt.ROC, 200), r.bt.AUC.Estimate)
	if r.cal != nil {
		reliabilityChart(&b, r.cal)
	}
	if r.surv != nil {
		survivalChart(&b, r.surv)
	}
	fmt.Fprintf(&b, "<pre>%s</pre>\n</body></html>\n", html.EscapeString(text.String()))
	_, err := io.WriteString(w, b.String())
	return err
}

func thinROC(pts []health.ROCPoint, n int) []health.ROCPoint { return rocPoints(pts, n) }
