package server

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/successkit/cs"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/store"
)

// Inline SVG charts. Coordinates are computed here and reach the templates
// as numbers and number lists, never as markup, so html/template escapes
// everything a user could have written (grade labels included).

const (
	chartW, chartH       = 720, 220
	chartLeft, chartBase = 36, 190 // x of the first point, y of the zero line
	chartTop             = 14
	maxChartPoints       = 120 // the most recent points drawn
)

type tick struct {
	X, Y   float64
	Label  string
	Anchor string // text-anchor: start, middle or end
}

type series struct {
	Name, Color    string
	Points         string // "x,y x,y ..."
	LabelX, LabelY float64
}

// trendChart is the book's customers by grade over the runs.
type trendChart struct {
	W, H, X0, X1, Y0 float64
	Max              int
	Series           []series
	Ticks            []tick
	Points           bool
}

var gradeColors = map[string]string{"red": "#c62828", "yellow": "#b58900", "green": "#2e7d32"}

func gradeColor(g string) string {
	if c, ok := gradeColors[g]; ok {
		return c
	}
	return "#757575"
}

// bookChart draws one line per grade: its customers at each run date.
func bookChart(counts []store.GradeCount) trendChart {
	ch := trendChart{W: chartW, H: chartH, X0: chartLeft, X1: chartW - 60, Y0: chartBase}
	var dates []cs.Date
	for _, g := range counts {
		if !slices.Contains(dates, g.AsOf) {
			dates = append(dates, g.AsOf)
		}
	}
	slices.SortFunc(dates, cs.Date.Compare)
	if len(dates) > maxChartPoints {
		dates = dates[len(dates)-maxChartPoints:]
	}
	if len(dates) < 2 {
		return ch
	}
	ch.Points = true
	byGrade := map[string]map[cs.Date]int{}
	rank := map[string]int{}
	for _, g := range counts {
		name := g.Grade
		if name == "" {
			name = "unknown"
		}
		if byGrade[name] == nil {
			byGrade[name] = map[cs.Date]int{}
			rank[name] = g.GradeIndex
		}
		byGrade[name][g.AsOf] += g.Customers
		ch.Max = max(ch.Max, byGrade[name][g.AsOf])
	}
	x := func(i int) float64 { return ch.X0 + (ch.X1-ch.X0)*float64(i)/float64(len(dates)-1) }
	y := func(n int) float64 { return ch.Y0 - (ch.Y0-chartTop)*float64(n)/float64(max(ch.Max, 1)) }
	names := make([]string, 0, len(byGrade))
	for n := range byGrade {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Or(cmp.Compare(rank[a], rank[b]), cmp.Compare(a, b)) })
	for _, n := range names {
		var pts strings.Builder
		var last float64
		for i, d := range dates {
			if i > 0 {
				pts.WriteByte(' ')
			}
			last = y(byGrade[n][d])
			pts.WriteString(xy(x(i), last))
		}
		ch.Series = append(ch.Series, series{Name: n, Color: gradeColor(n), Points: pts.String(), LabelX: ch.X1 + 4, LabelY: last + 4})
	}
	ch.Ticks = dateTicks(dates, x, ch.Y0+16)
	return ch
}

// scoreChart is one customer's score over the runs, over the grade bands.
type scoreChart struct {
	W, H, X0, Y0 float64
	Points       string
	Dots         []tick
	Ticks        []tick
	Bands        []band
}

type band struct {
	Y, W, H float64
	Color   string
}

// historyChart draws a customer's known scores; the bands are the sample
// grades (red to 50, yellow to 75, green above) as its results name them.
func historyChart(hist []health.Result) scoreChart {
	ch := scoreChart{W: chartW, H: chartH, X0: chartLeft, Y0: chartBase}
	if len(hist) > maxChartPoints {
		hist = hist[len(hist)-maxChartPoints:]
	}
	var known []health.Result
	for _, r := range hist {
		if !r.Unknown {
			known = append(known, r)
		}
	}
	if len(known) == 0 {
		return ch
	}
	x1 := float64(chartW - 20)
	x := func(i int) float64 {
		if len(known) == 1 {
			return (ch.X0 + x1) / 2
		}
		return ch.X0 + (x1-ch.X0)*float64(i)/float64(len(known)-1)
	}
	y := func(s float64) float64 { return ch.Y0 - (ch.Y0-chartTop)*s/100 }
	var pts strings.Builder
	dates := make([]cs.Date, len(known))
	for i, r := range known {
		if i > 0 {
			pts.WriteByte(' ')
		}
		pts.WriteString(xy(x(i), y(r.Score)))
		ch.Dots = append(ch.Dots, tick{X: x(i), Y: y(r.Score), Label: r.AsOf.String() + ": " + strconv.FormatFloat(r.Score, 'f', 1, 64) + " " + r.Grade})
		dates[i] = r.AsOf
	}
	ch.Points = pts.String()
	for _, b := range []struct {
		lo, hi float64
		color  string
	}{{0, 50, "red"}, {50, 75, "yellow"}, {75, 100, "green"}} {
		ch.Bands = append(ch.Bands, band{Y: y(b.hi), W: x1 - ch.X0, H: y(b.lo) - y(b.hi), Color: gradeColor(b.color)})
	}
	if len(dates) > 1 {
		ch.Ticks = dateTicks(dates, x, ch.Y0+16)
	}
	return ch
}

// dateTicks labels up to six dates spread along the x axis, the first
// starting at its point and the last ending at its point so neither is cut.
func dateTicks(dates []cs.Date, x func(int) float64, y float64) []tick {
	step := max(1, (len(dates)+5)/6)
	var out []tick
	for i := 0; i < len(dates); i += step {
		out = append(out, tick{X: x(i), Y: y, Label: dates[i].String(), Anchor: "middle"})
	}
	if last := len(dates) - 1; len(out) > 0 && (last-0)%step != 0 {
		out = append(out, tick{X: x(last), Y: y, Label: dates[last].String()})
	}
	out[0].Anchor = "start"
	if len(out) > 1 {
		out[len(out)-1].Anchor = "end"
	}
	return out
}

func xy(x, y float64) string {
	return strconv.FormatFloat(x, 'f', 1, 64) + "," + strconv.FormatFloat(y, 'f', 1, 64)
}
