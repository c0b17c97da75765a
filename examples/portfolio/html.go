package main

import (
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// The ids of the charts of the HTML report, in page order.
const (
	chartGrades  = "chart-grades"
	chartTrend   = "chart-health-trend"
	chartTiers   = "chart-tier-capacity"
	chartCohorts = "chart-cohort-heatmap"
	chartROC     = "chart-backtest-roc"
)

// gradeColors are the fills of the usual grade labels; others are grey.
var gradeColors = map[string]string{"red": "#d9534f", "yellow": "#f0ad4e", "green": "#5cb85c", unknownGrade: "#aaaaaa"}

func gradeColor(g string) string {
	if c, ok := gradeColors[g]; ok {
		return c
	}
	return "#7a8ca0"
}

func esc(s string) string { return html.EscapeString(s) }

func num(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }

// page accumulates the HTML and keeps the first write error.
type page struct {
	w   io.Writer
	err error
}

func (p *page) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func writeHTMLFile(path string, r *report) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("portfolio: %w", err)
	}
	err = writeHTML(f, r)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("portfolio: %w", cerr)
	}
	return err
}

// writeHTML writes the report as one self-contained page: inline CSS and SVG, no
// script, no external asset, well-formed XML (XHTML syntax) so that any XML parser
// reads it.
func writeHTML(w io.Writer, r *report) error {
	p := &page{w: w}
	p.head(r)
	p.summary(r)
	if h := r.Health; h != nil {
		p.health(h)
	}
	if e := r.Effort; e != nil {
		p.effort(e)
	}
	if t := r.Touch; t != nil {
		p.touch(t)
	}
	if pb := r.Playbook; pb != nil {
		p.playbook(pb)
	}
	if rt := r.Retention; rt != nil {
		p.retention(rt)
	}
	if b := r.Backtest; b != nil && len(b.ROC) > 0 {
		p.backtest(b)
	}
	p.printf("</body>\n</html>\n")
	return p.err
}

// head writes the document up to the opening body tag, styles included.
func (p *page) head(r *report) {
	p.printf(`<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" lang="en">
<head>
<meta charset="utf-8"/>
<title>Portfolio report: %s, as of %s</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 64em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.5em 0; } td, th { padding: 0.2em 0.7em; text-align: right; }
td.l, th.l { text-align: left; } tr:nth-child(even) { background: #f6f6f6; }
p.note { color: #555; font-size: 0.9em; max-width: 50em; }
svg { display: block; margin: 0.5em 0; } svg text { font-size: 11px; fill: #333; }
</style>
</head>
<body>
`, esc(r.Source), r.AsOf)
}

// summary writes the title, the book's counts and its MRR by currency.
func (p *page) summary(r *report) {
	s := &r.Summary
	p.printf("<h1>Portfolio report</h1>\n<p>%s, as of %s: %s customers, %s active, %s churned.</p>\n",
		esc(r.Source), r.AsOf, count(s.Customers), count(s.Active), count(s.Churned))
	p.printf("<h2>MRR by currency</h2>\n<p class=\"note\">Amounts in different currencies are never added up.</p>\n")
	var rows [][]string
	for _, g := range s.ByCurrency {
		rows = append(rows, []string{g.Name, count(g.Customers), money(g.MRR[0]), money(g.MRR[0].MulInt(12))})
	}
	p.table([]string{"currency", "customers", "MRR", "ARR"}, rows)
}

// health writes the grades, the trend if there is one and the accounts
// pulling the book down.
func (p *page) health(h *healthSection) {
	p.printf("<h2>Health</h2>\n<p class=\"note\">Scorecard %s. Each active customer's score (0 to 100) and grade; the MRR at risk is the MRR of the worst grade (%s): %s.</p>\n",
		esc(h.Scorecard), esc(h.RiskGrade), esc(moneyList(h.AtRisk)))
	p.gradeChart(h)
	if len(h.Trend) > 0 {
		p.printf("<p class=\"note\">Health trend of the book: the share of each grade at every month-end (bars) and the mean score (line), scored from the monthly snapshots.</p>\n")
		p.trendChart(h)
	}
	if len(h.Worst) > 0 {
		p.printf("<p>Accounts pulling the book down, largest share of their currency's MRR first:</p>\n")
		var rows [][]string
		for _, a := range h.Worst {
			rows = append(rows, []string{a.ID, a.Name, fixed(a.Score, 1), money(a.MRR), strings.Join(a.Reasons, "; ")})
		}
		p.table([]string{"id", "name", "score", "MRR", "why"}, rows)
	}
}

// effort writes the support load and the customers with the most friction.
func (p *page) effort(e *effortSection) {
	p.printf("<h2>Customer effort</h2>\n<p>%s support cases; %s customers silently dissatisfied (trouble signs and no word from them in 90 days).</p>\n",
		count(e.Cases), count(e.SilentN))
	var rows [][]string
	for _, h := range e.HotSpots {
		var ds []string
		for _, d := range h.Drivers {
			ds = append(ds, d.Name)
		}
		rows = append(rows, []string{h.ID, h.Name, fixed(h.Friction, 1), count(h.Cases), strings.Join(ds, ", ")})
	}
	p.table([]string{"id", "name", "friction", "cases", "main drivers"}, rows)
}

// touch writes the tiers against their capacity and each owner's accounts.
func (p *page) touch(t *touchSection) {
	p.printf("<h2>Touch tiers and capacity</h2>\n<p class=\"note\">Accounts per tier (bars) against the tier's capacity in accounts (outline); tech touch has no limit.</p>\n")
	p.tierChart(t)
	var rows [][]string
	for _, tr := range t.Tiers {
		for _, c := range tr.CSMs {
			rows = append(rows, []string{c.Name, tr.Tier.String(), count(c.Accounts), money(c.ARR)})
		}
	}
	p.table([]string{"owner", "tier", "accounts", "ARR"}, rows)
	p.printf("<p>Community touch: %s accounts invited; %s tech-touch accounts are rising (upgrade candidates).</p>\n", count(t.Community), count(t.CandidateN))
}

// playbook writes the tasks that fit this week's capacity.
func (p *page) playbook(pb *playbookSection) {
	p.printf("<h2>This week's tasks</h2>\n<p>%s tasks fired; %s fit this week's capacity, %s are deferred.</p>\n", count(pb.Fired), count(pb.DoN), count(pb.DeferredN))
	var rows [][]string
	for _, k := range pb.Do {
		rows = append(rows, []string{k.Priority, k.Customer, k.Name, money(k.MRR), k.Owner, k.Due.String(), k.Title})
	}
	p.table([]string{"priority", "id", "name", "MRR", "owner", "due", "task"}, rows)
}

// retention writes the year's rates, the monthly MRR movements and the
// cohorts.
func (p *page) retention(rt *retentionSection) {
	p.printf("<h2>Retention</h2>\n")
	if y := rt.Year; y != nil {
		p.printf("<p>Last 12 months (%s to %s), in %s: GRR %s, NRR %s, logo churn %s, quick ratio %s.</p>\n",
			y.From, y.To, rt.Currency, y.GRR, y.NRR, y.LogoChurn, y.QuickRatio)
	}
	var rows [][]string
	for _, m := range rt.Monthly {
		rows = append(rows, []string{m.Month.String(), money(m.MRR), money(m.New), money(m.Expansion),
			money(m.Contraction.Neg()), money(m.Churn.Neg()), money(m.Reactivation)})
	}
	p.table([]string{"month", "MRR", "new", "expansion", "contraction", "churn", "reactivation"}, rows)
	p.printf("<p class=\"note\">Cohort retention: each row is the customers who first paid in a month; each cell the share still paying that many months later (darker is higher).</p>\n")
	p.cohortChart(rt)
}

// backtest writes how well the grades predicted churn.
func (p *page) backtest(b *backtestSection) {
	p.printf("<h2>Does the health score predict churn?</h2>\n<p class=\"note\">%s</p>\n", esc(b.Note))
	p.rocChart(b)
	var rows [][]string
	for _, g := range b.Grades {
		rows = append(rows, []string{g.Grade, count(g.Accounts), count(g.Churners), pct1(g.ChurnRate), fixed(g.Lift, 2)})
	}
	p.table([]string{"grade", "customers", "churned", "churn rate", "lift"}, rows)
	p.printf("<p>Read %s as a churn flag: precision %s (churn rate among flagged customers), recall %s (share of churners flagged), lift %s.</p>\n",
		esc(strings.Join(b.Flag, ", ")), pct1(b.Precision), pct1(b.Recall), fixed(b.Lift, 2))
}

func (p *page) table(header []string, rows [][]string) {
	p.printf("<table>\n<tr>")
	for i, h := range header {
		p.printf("<th%s>%s</th>", cls(i, header), esc(h))
	}
	p.printf("</tr>\n")
	for _, r := range rows {
		p.printf("<tr>")
		for i, c := range r {
			p.printf("<td%s>%s</td>", cls(i, header), esc(c))
		}
		p.printf("</tr>\n")
	}
	p.printf("</table>\n")
}

// cls left-aligns the text columns.
func cls(i int, header []string) string {
	switch header[i] {
	case "id", "name", "currency", "why", "main drivers", "priority", "owner", "task", "due", "month", "grade", "tier":
		return ` class="l"`
	}
	return ""
}

func (p *page) svgOpen(id, title string, w, h int) {
	p.printf(`<svg id="%s" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`+"\n<title>%s</title>\n",
		id, w, h, w, h, esc(title), esc(title))
}

func (p *page) text(x, y float64, anchor, s string) {
	p.printf(`<text x="%s" y="%s" text-anchor="%s">%s</text>`+"\n", num(x), num(y), anchor, esc(s))
}

// gradeChart draws one horizontal bar per grade, its length the customers.
func (p *page) gradeChart(h *healthSection) {
	const w, left, barH = 640, 80, 26
	height := 20 + len(h.Grades)*(barH+8)
	p.svgOpen(chartGrades, "Grade distribution of the active customers", w, height)
	most := 1
	for _, g := range h.Grades {
		most = max(most, g.Customers)
	}
	for i, g := range h.Grades {
		y := 10 + float64(i*(barH+8))
		bw := float64(w-left-120) * float64(g.Customers) / float64(most)
		p.text(left-8, y+barH*0.65, "end", g.Grade)
		p.printf(`<rect x="%d" y="%s" width="%s" height="%d" fill="%s"/>`+"\n", left, num(y), num(bw), barH, gradeColor(g.Grade))
		p.text(float64(left)+bw+6, y+barH*0.65, "start", count(g.Customers)+" customers")
	}
	p.printf("</svg>\n")
}

// trendChart draws 100% stacked columns of grade shares per month-end and the
// mean score as a line on the same 0–100 scale.
func (p *page) trendChart(h *healthSection) {
	const w, hgt, left, top, bottom = 640, 260, 40, 10, 40
	n := len(h.Trend)
	p.svgOpen(chartTrend, "Health trend of the book", w, hgt)
	plotH := float64(hgt - top - bottom)
	colW := float64(w-left-10) / float64(n)
	y := func(v float64) float64 { return float64(top) + plotH*(1-v/100) }
	for _, v := range []float64{0, 50, 100} {
		p.text(left-4, y(v)+4, "end", strconv.Itoa(int(v)))
	}
	var pts []string
	for i, t := range h.Trend {
		x := float64(left) + colW*float64(i)
		acc := 0.0
		for _, g := range h.Grades {
			share := t.Shares[g.Grade]
			if share <= 0 {
				continue
			}
			p.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s" opacity="0.55"/>`+"\n",
				num(x+1), num(y(100*(acc+share))), num(colW-2), num(plotH*share), gradeColor(g.Grade))
			acc += share
		}
		pts = append(pts, num(x+colW/2)+","+num(y(t.Mean)))
		if i%3 == 0 || i == n-1 {
			p.text(x+colW/2, float64(hgt-bottom)+14, "middle", t.AsOf.String()[:7])
		}
	}
	p.printf(`<polyline points="%s" fill="none" stroke="#1f3b73" stroke-width="2"/>`+"\n", strings.Join(pts, " "))
	p.text(float64(w-10), float64(hgt-6), "end", "mean score (line); grade shares (bars)")
	p.printf("</svg>\n")
}

// tierChart draws each tier's accounts against its capacity.
func (p *page) tierChart(t *touchSection) {
	const w, left, barH = 640, 60, 26
	height := 20 + len(t.Tiers)*(barH+10)
	p.svgOpen(chartTiers, "Tier capacity", w, height)
	most := 1
	for _, tr := range t.Tiers {
		most = max(most, tr.Accounts, tr.Capacity.Accounts)
	}
	scale := float64(w-left-200) / float64(most)
	for i, tr := range t.Tiers {
		y := 10 + float64(i*(barH+10))
		p.text(left-8, y+barH*0.65, "end", tr.Tier.String())
		p.printf(`<rect x="%d" y="%s" width="%s" height="%d" fill="#4a7ab8"/>`+"\n", left, num(y), num(scale*float64(tr.Accounts)), barH)
		label := count(tr.Accounts) + " accounts"
		end := scale * float64(tr.Accounts)
		if tr.Capacity.Accounts >= 0 {
			cw := scale * float64(tr.Capacity.Accounts)
			p.printf(`<rect x="%d" y="%s" width="%s" height="%d" fill="none" stroke="#222" stroke-dasharray="4 3"/>`+"\n", left, num(y), num(cw), barH)
			label += " of " + count(tr.Capacity.Accounts)
			if tr.Overflow > 0 {
				label += ", " + count(tr.Overflow) + " overflow"
			}
			end = math.Max(end, cw)
		} else {
			label += " (no limit)"
		}
		p.text(float64(left)+end+6, y+barH*0.65, "start", label)
	}
	p.printf("</svg>\n")
}

// cohortChart draws the cohort logo retention as a heatmap.
func (p *page) cohortChart(r *retentionSection) {
	const cell, left, top = 18, 70, 24
	ages := 0
	for _, c := range r.Cohorts {
		ages = max(ages, len(c.Retention))
	}
	w, h := left+ages*cell+10, top+len(r.Cohorts)*cell+10
	p.svgOpen(chartCohorts, "Cohort retention heatmap", w, h)
	for a := 0; a < ages; a += 3 {
		p.text(float64(left+a*cell+cell/2), float64(top-8), "middle", "m"+strconv.Itoa(a))
	}
	p.text(float64(left-6), float64(top-8), "end", "cohort")
	for i, c := range r.Cohorts {
		y := top + i*cell
		p.text(float64(left-6), float64(y)+cell*0.7, "end", c.Start.String())
		for a, v := range c.Retention {
			if v == nil {
				continue
			}
			// White at 50% or less, full green at 100%.
			k := math.Min(1, math.Max(0, (*v-0.5)/0.5))
			fill := fmt.Sprintf("rgb(%d,%d,%d)", int(255-k*(255-40)), int(255-k*(255-140)), int(255-k*(255-70)))
			p.printf(`<rect x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s, month %d: %s</title></rect>`+"\n",
				left+a*cell, y, cell-1, cell-1, fill, c.Start, a, pct(*v))
		}
	}
	p.printf("</svg>\n")
}

// rocChart draws the backtest's ROC curve with the diagonal of a score that knows
// nothing.
func (p *page) rocChart(b *backtestSection) {
	const size, pad = 300, 40
	p.svgOpen(chartROC, "Backtest ROC curve of the health score", size+2*pad, size+2*pad)
	x := func(v float64) float64 { return pad + v*size }
	y := func(v float64) float64 { return pad + (1-v)*size }
	p.printf(`<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#999"/>`+"\n", pad, pad, size, size)
	p.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#bbb" stroke-dasharray="4 3"/>`+"\n", num(x(0)), num(y(0)), num(x(1)), num(y(1)))
	var pts []string
	for _, pt := range b.ROC {
		pts = append(pts, num(x(pt[0]))+","+num(y(pt[1])))
	}
	p.printf(`<polyline points="%s" fill="none" stroke="#1f3b73" stroke-width="2"/>`+"\n", strings.Join(pts, " "))
	p.text(x(0.5), float64(size+2*pad-8), "middle", "false positive rate")
	p.text(12, y(0.5), "middle", "TPR")
	p.text(x(0.6), y(0.2), "start", "AUC "+fixed(b.AUC, 3))
	p.printf("</svg>\n")
}

// chartIDs lists the charts the page of the sample book holds.
func chartIDs() []string {
	return []string{chartGrades, chartTrend, chartTiers, chartCohorts, chartROC}
}
