package main

import (
	"context"
	"fmt"
	"html"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/successkit/cs"
	"github.com/successkit/cs/cycle"
	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/store"
)

// htmlPage accumulates a page and keeps the first write error.
type htmlPage struct {
	w   io.Writer
	err error
}

func (p *htmlPage) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func esc(s string) string { return html.EscapeString(s) }

func num(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }

var gradeColors = map[string]string{"red": "#d9534f", "yellow": "#f0ad4e", "green": "#5cb85c", "": "#aaaaaa"}

func gradeColor(g string) string {
	if c, ok := gradeColors[g]; ok {
		return c
	}
	return "#7a8ca0"
}

// reportData is what the page shows, read from the store.
type reportData struct {
	AsOf       cs.Date
	Report     *cycle.Report
	Grades     []store.GradeCount
	Histories  []customerHistory
	Open       map[string][2]int // owner → open, overdue
	Assessment assessment
}

type customerHistory struct {
	Account cycle.Account
	Points  []store.GradeCount // one per run: AsOf, Grade, MeanScore = the score
}

// readReport reads what the page needs: the last run's report, the book's
// grades at every run, the score history of the accounts pulling the book
// down, the open tasks by owner and the assessment.
func readReport(ctx context.Context, st *store.Store) (*reportData, error) {
	asOf, err := lastRunDate(ctx, st)
	if err != nil {
		return nil, err
	}
	d := &reportData{AsOf: asOf, Open: map[string][2]int{}}
	if d.Report, err = storedReport(ctx, st, asOf); err != nil {
		return nil, err
	}
	for g, err := range st.Grades(ctx, cs.Date{}, cs.Date{}) {
		if err != nil {
			return nil, err
		}
		d.Grades = append(d.Grades, g)
	}
	for _, a := range d.Report.Health.Worst.Items {
		h := customerHistory{Account: a}
		for r, err := range st.HealthHistory(ctx, a.ID, store.Page{}) {
			if err != nil {
				return nil, err
			}
			if !r.Unknown {
				h.Points = append(h.Points, store.GradeCount{AsOf: r.AsOf, Grade: r.Grade, MeanScore: r.Score})
			}
		}
		d.Histories = append(d.Histories, h)
	}
	for r, err := range st.Tasks(ctx, store.TaskFilter{State: playbook.TaskOpen}, store.Page{}) {
		if err != nil {
			return nil, err
		}
		n := d.Open[r.Task.Action.Owner]
		n[0]++
		if r.Task.Due.Before(asOf) {
			n[1]++
		}
		d.Open[r.Task.Action.Owner] = n
	}
	if d.Assessment, err = assess(ctx, st, cs.Date{}, cs.Date{}, nil); err != nil {
		return nil, err
	}
	return d, nil
}

// writeReportHTML writes one self-contained page: inline CSS and SVG, no script,
// no external asset, well-formed XHTML; every string from the data is escaped.
func writeReportHTML(w io.Writer, d *reportData) error {
	p := &htmlPage{w: w}
	r := d.Report
	p.printf(`<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" lang="en">
<head>
<meta charset="utf-8"/>
<title>Customer success report as of %s</title>
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
<h1>Customer success report as of %s</h1>
`, d.AsOf, d.AsOf)
	b := &r.Book
	p.printf("<p>%s customers: %s active, %s churned. %s runs in the store.</p>\n", count(b.Customers), count(b.Active), count(b.Churned), count(countRuns(d.Grades)))

	p.printf("<h2>Health today</h2>\n")
	p.gradeBars(r)
	p.printf(`<p class="note">Active customers per grade under scorecard %s; MRR in the %s grade: %s.</p>`+"\n",
		esc(r.Health.Scorecard), esc(r.Health.RiskGrade), esc(moneyList(r.Health.AtRisk)))

	p.printf("<h2>The book's grades over time</h2>\n")
	p.gradesOverTime(d.Grades)
	p.printf(`<p class="note">Each column is a run: the share of scored customers in each grade. A growing red band is the early warning.</p>` + "\n")

	p.printf("<h2>Accounts pulling the book down, and their score history</h2>\n")
	p.printf(`<table><tr><th class="l">id</th><th class="l">name</th><th>MRR</th><th>score</th><th class="l">history</th><th class="l">why</th></tr>` + "\n")
	for i, h := range d.Histories {
		why := ""
		if len(h.Account.Reasons) > 0 {
			why = h.Account.Reasons[0]
		}
		p.printf(`<tr><td class="l">%s</td><td class="l">%s</td><td>%s</td><td>%s</td><td class="l">`, esc(h.Account.ID), esc(h.Account.Name),
			esc(money(h.Account.MRR)), num(h.Account.Score))
		p.sparkline("history-"+strconv.Itoa(i), h.Points)
		p.printf(`</td><td class="l">%s</td></tr>`+"\n", esc(why))
	}
	p.printf("</table>\n")

	if t := r.Touch; t != nil {
		p.printf("<h2>Touch tiers</h2>\n<table><tr><th class=\"l\">tier</th><th>accounts</th><th>ARR</th><th>CSMs</th><th>accounts per CSM</th><th>overflow</th></tr>\n")
		for _, x := range t.Tiers {
			p.printf("<tr><td class=\"l\">%s</td><td>%s</td><td>%s</td><td>%d</td><td>%s</td><td>%s</td></tr>\n", esc(x.Tier.String()),
				count(x.Accounts), esc(money(x.ARR)), x.Headcount, num(x.AccountsPerCSM), count(x.Overflow))
		}
		p.printf("</table>\n")
	}

	p.printf("<h2>Open tasks by owner</h2>\n<table><tr><th class=\"l\">owner</th><th>open</th><th>overdue</th></tr>\n")
	owners := make([]string, 0, len(d.Open))
	for o := range d.Open {
		owners = append(owners, o)
	}
	slices.Sort(owners)
	for _, o := range owners {
		p.printf("<tr><td class=\"l\">%s</td><td>%s</td><td>%s</td></tr>\n", esc(o), count(d.Open[o][0]), count(d.Open[o][1]))
	}
	p.printf("</table>\n")

	p.printf("<h2>Which plays worked</h2>\n")
	if len(d.Assessment.Effects) == 0 {
		p.printf("<p>No play has fired long enough ago to measure.</p>\n")
	} else {
		p.printf("<table><tr><th class=\"l\">play</th><th>fires</th><th>success (95%%)</th><th>health</th><th>uplift</th><th class=\"l\">verdict</th></tr>\n")
		for _, e := range d.Assessment.Effects {
			p.printf("<tr><td class=\"l\">%s</td><td>%s</td><td>%s (%s–%s)</td><td>%s</td><td>%s</td><td class=\"l\">%s</td></tr>\n",
				esc(e.PlayID), count(e.Fires), pct(e.SuccessRate), pct(e.Low), pct(e.High), signed(e.HealthChange), signed(e.Uplift), esc(string(e.Recommendation)))
		}
		p.printf("</table>\n")
		for _, a := range d.Assessment.Act {
			p.printf("<p class=\"note\">%s</p>\n", esc(a))
		}
	}
	p.printf("</body>\n</html>\n")
	return p.err
}

func countRuns(gs []store.GradeCount) int {
	n := 0
	var last cs.Date
	for _, g := range gs {
		if g.AsOf != last {
			n++
			last = g.AsOf
		}
	}
	return n
}

func (p *htmlPage) svgOpen(id, title string, w, h int) {
	p.printf(`<svg id="%s" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`+"\n<title>%s</title>\n",
		id, w, h, w, h, esc(title), esc(title))
}

func (p *htmlPage) text(x, y float64, anchor, s string) {
	p.printf(`<text x="%s" y="%s" text-anchor="%s">%s</text>`+"\n", num(x), num(y), anchor, esc(s))
}

func (p *htmlPage) gradeBars(r *cycle.Report) {
	const w, left, barH = 640, 80, 26
	gs := r.Health.Grades
	p.svgOpen("chart-grades", "Grade distribution of the active customers", w, 20+len(gs)*(barH+8))
	most := 1
	for _, g := range gs {
		most = max(most, g.Customers)
	}
	for i, g := range gs {
		y := 10 + float64(i*(barH+8))
		bw := float64(w-left-120) * float64(g.Customers) / float64(most)
		p.text(left-8, y+barH*0.65, "end", g.Grade)
		p.printf(`<rect x="%d" y="%s" width="%s" height="%d" fill="%s"/>`+"\n", left, num(y), num(bw), barH, gradeColor(g.Grade))
		p.text(float64(left)+bw+6, y+barH*0.65, "start", count(g.Customers)+" customers")
	}
	p.printf("</svg>\n")
}

// gradesOverTime draws one 100% stacked column per run.
func (p *htmlPage) gradesOverTime(gs []store.GradeCount) {
	type col struct {
		asOf   cs.Date
		total  int
		grades []store.GradeCount
	}
	var cols []col
	for _, g := range gs {
		if len(cols) == 0 || cols[len(cols)-1].asOf != g.AsOf {
			cols = append(cols, col{asOf: g.AsOf})
		}
		c := &cols[len(cols)-1]
		c.total += g.Customers
		c.grades = append(c.grades, g)
	}
	const w, hgt, left, top, bottom = 640, 240, 40, 10, 40
	p.svgOpen("chart-grades-over-time", "The book's grades at every run", w, hgt)
	if len(cols) == 0 {
		p.printf("</svg>\n")
		return
	}
	plotH := float64(hgt - top - bottom)
	colW := float64(w-left-10) / float64(len(cols))
	for i, c := range cols {
		x := float64(left) + colW*float64(i)
		acc := 0.0
		for _, g := range c.grades {
			share := float64(g.Customers) / float64(max(1, c.total))
			p.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`+"\n",
				num(x+1), num(float64(top)+plotH*(1-acc-share)), num(max(colW-2, 1)), num(plotH*share), gradeColor(g.Grade))
			acc += share
		}
		if step := max(1, len(cols)/8); i%step == 0 || i == len(cols)-1 {
			p.text(x+colW/2, float64(hgt-bottom)+14, "middle", c.asOf.String()[5:])
		}
	}
	p.printf("</svg>\n")
}

// sparkline draws a customer's scores over the runs, 0–100.
func (p *htmlPage) sparkline(id string, pts []store.GradeCount) {
	const w, h = 160, 30
	p.svgOpen(id, "score history", w, h)
	if len(pts) > 0 {
		var xy []string
		for i, pt := range pts {
			x := 2.0
			if len(pts) > 1 {
				x += float64(w-4) * float64(i) / float64(len(pts)-1)
			}
			xy = append(xy, num(x)+","+num(2+float64(h-4)*(1-pt.MeanScore/100)))
		}
		p.printf(`<polyline points="%s" fill="none" stroke="#1f3b73" stroke-width="1.5"/>`+"\n", strings.Join(xy, " "))
		last := pts[len(pts)-1]
		p.printf(`<circle cx="%s" cy="%s" r="2.5" fill="%s"/>`+"\n", strings.Split(xy[len(xy)-1], ",")[0], strings.Split(xy[len(xy)-1], ",")[1], gradeColor(last.Grade))
	}
	p.printf("</svg>")
}

func cmdReport(ctx context.Context, env *Env, args []string) error {
	c := newCLI(env, "report", "-o FILE [flags]",
		`Writes a self-contained HTML page (no script, no network) from the store: the
book's health today, its grades at every run, the accounts pulling it down with
their score history, the touch tiers, the open tasks by owner and which plays
worked. With -format json it prints the same data instead.`,
		"successkit report -o report.html", "successkit report -db demo.db -o demo.html").withDB()
	out := c.fs.String("o", "", "write the page to this `file` (required with -format text)")
	pos, err := c.parse(args)
	if err != nil {
		return err
	}
	if err := c.want(pos); err != nil {
		return err
	}
	if *out == "" && *c.format == "text" {
		return usageErr("successkit report: -o is required: the HTML file to write")
	}
	st, err := openStore(ctx, *c.db)
	if err != nil {
		return c.errorf("%w", err)
	}
	defer st.Close()
	d, err := readReport(ctx, st)
	if err != nil {
		return c.errorf("%w", err)
	}
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return c.errorf("%w", err)
		}
		err = writeReportHTML(f, d)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return c.errorf("%w", err)
		}
	}
	return c.output(struct {
		AsOf       cs.Date            `json:"as_of"`
		File       string             `json:"file,omitempty"`
		Grades     []store.GradeCount `json:"grades_over_time"`
		Assessment assessment         `json:"assessment"`
	}{d.AsOf, *out, d.Grades, d.Assessment}, func(t *textOut) {
		t.printf("wrote %s: the report as of %s\n", *out, d.AsOf)
	})
}
