// Command projection shows the two retention projections of package retention.
//
// With no flags it prints the projection of the subscription customer-service
// article (サブスクリプションで顧客満足を高めるカスタマーサービス像とは, undated: 200 new customers a
// year, half of each cohort kept → 200, 300, 350, … towards 400), the closed form
// beside the cohort-by-cohort simulation, and then a shifted-beta-geometric fit
// (Fader & Hardie 2007) of sample data: a synthetic monthly cohort of 1,000
// following the pooled logo retention of the default sample book
// (examples/samplebook) over 12 months.
//
//	go run ./examples/projection
//	go run ./examples/projection -survivors 1000,869,743,653,593,551,517,491
//	go run ./examples/projection -survivors 1000,631,468,382 -format json
//
// The sample's periods are months, and its discount rate is 10% a year unless
// -discount says otherwise.
//
// -survivors fits the given counts (the cohort's size first, then the customers
// left after each period) and prints α, β, the log-likelihood, the projected
// survival for the next -periods periods (12 by default), the discounted expected
// residual lifetime of a new customer at -discount per period and, with -payment,
// that customer's discounted value. -format json prints an object with the keys
// alpha, beta, loglik, survival, derl and value (and, with no -survivors, inflow).
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/successkit/cs"
	"github.com/successkit/cs/examples/samplebook"
	"github.com/successkit/cs/retention"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}

// sampleRates are the illustrative constant rates (USD per unit) at which the
// sample book's EUR and JPY rows are converted. Logo retention, which the fit
// reads, does not depend on them; a real book supplies its own rates.
var sampleRates = map[cs.Currency]string{"EUR": "1.08", "JPY": "0.0066"}

// sampleAges is how many monthly retention steps the synthetic cohort follows.
const sampleAges = 12

// sampleCohort builds a synthetic cohort of 1,000 customers from the default
// sample book (examples/samplebook): it follows the pooled month-on-month logo
// retention of the cohorts that start inside the book's history (the first
// month's cohort is left out, since it mixes customers of every tenure), each
// step taken over the cohorts old enough to show it.
func sampleCohort() ([]float64, error) {
	sb, err := samplebook.Generate(samplebook.Config{})
	if err != nil {
		return nil, err
	}
	monthly := map[string]bool{}
	for _, c := range sb.Customers {
		monthly[c.ID] = c.Attributes["contract"] == "monthly"
	}
	var recs []retention.Record
	for _, r := range sb.MRR {
		if monthly[r.CustomerID] {
			recs = append(recs, retention.Record{Customer: r.CustomerID, Subscription: r.SubscriptionID, Month: retention.MonthOf(r.Month), MRR: r.MRR})
		}
	}
	opt := retention.Options{Currency: "USD"}
	for _, c := range []cs.Currency{"EUR", "JPY"} {
		// A Rate without a Month is a standing rate, for every month.
		opt.Rates = append(opt.Rates, retention.Rate{From: c, Rate: decimal.RequireFromString(sampleRates[c])})
	}
	book, err := retention.NewBook(recs, opt)
	if err != nil {
		return nil, err
	}
	if err := book.Err(); err != nil {
		return nil, err
	}
	cohorts := book.Cohorts()
	s := []float64{1000}
	for k := 0; k < sampleAges; k++ {
		var kept, base int
		for _, c := range cohorts[1:] {
			if len(c.Ages) > k+1 {
				kept += c.Ages[k+1].Active
				base += c.Ages[k].Active
			}
		}
		if base == 0 {
			break
		}
		// Reactivations can make a month's count rise; a survivor count cannot.
		next := min(s[k], math.Round(s[k]*float64(kept)/float64(base)))
		s = append(s, next)
	}
	return s, nil
}

// fitReport is the JSON form of a fit.
type fitReport struct {
	Cohort    string        `json:"cohort,omitempty"`
	Survivors []float64     `json:"survivors"`
	Alpha     float64       `json:"alpha"`
	Beta      float64       `json:"beta"`
	LogLik    float64       `json:"loglik"`
	Survival  []float64     `json:"survival"`
	Discount  float64       `json:"discount"`
	DERL      float64       `json:"derl"`
	Payment   *cs.Money     `json:"payment,omitempty"`
	Value     *cs.Money     `json:"value,omitempty"`
	Inflow    *inflowReport `json:"inflow,omitempty"`
}

type inflowReport struct {
	New        string   `json:"new"`
	Retention  string   `json:"retention"`
	Active     []string `json:"active"`
	Simulation []string `json:"simulation"`
	Limit      string   `json:"limit"`
}

// round6 rounds to 6 decimal places, so that printed figures do not depend on the
// last bits of a float.
func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("projection", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	survivors := fs.String("survivors", "", "comma-separated survivor counts of a cohort, its size first")
	periods := fs.Int("periods", 12, "periods to project beyond the data")
	discount := fs.Float64("discount", 0.1, "discount rate per period for the expected residual lifetime")
	payment := fs.String("payment", "", `payment per period for the customer's value, e.g. "100 USD"`)
	format := fs.String("format", "text", "text or json")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stdout, "Usage of projection:\n")
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return nil
		}
		return fmt.Errorf("projection: %w", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("projection: unexpected argument %q", fs.Arg(0))
	}
	if *format != "text" && *format != "json" {
		return fmt.Errorf("projection: -format %q: want text or json", *format)
	}
	if *periods < 0 || *periods > 1000 {
		return fmt.Errorf("projection: -periods %d: want 0..1000", *periods)
	}
	var pay *cs.Money
	if *payment != "" {
		m, err := cs.ParseMoney(*payment)
		if err != nil {
			return fmt.Errorf("projection: -payment: %w", err)
		}
		pay = &m
	}
	rep := fitReport{Discount: *discount}
	if *survivors != "" {
		s, err := parseSurvivors(*survivors)
		if err != nil {
			return err
		}
		rep.Survivors = s
	} else {
		in, err := seed()
		if err != nil {
			return err
		}
		rep.Inflow = in
		if rep.Survivors, err = sampleCohort(); err != nil {
			return fmt.Errorf("projection: sample book: %w", err)
		}
		rep.Cohort = "the sample book's cohorts (monthly, pooled)"
		// The sample's periods are months: unless told otherwise, discount at 10% a
		// year, (1.1)^(1/12) − 1 a month.
		set := false
		fs.Visit(func(f *flag.Flag) { set = set || f.Name == "discount" })
		if !set {
			*discount = round6(math.Pow(1.1, 1.0/12) - 1)
			rep.Discount = *discount
		}
	}
	m, err := retention.FitSBG(rep.Survivors)
	if err != nil {
		return fmt.Errorf("projection: %w", err)
	}
	rep.Alpha, rep.Beta, rep.LogLik = round6(m.Alpha), round6(m.Beta), round6(m.LogLik)
	for _, s := range m.Project(len(rep.Survivors)-1, *periods) {
		rep.Survival = append(rep.Survival, round6(s))
	}
	derl, err := m.DERL(*discount, 0)
	if err != nil {
		return fmt.Errorf("projection: -discount: %w", err)
	}
	rep.DERL = round6(derl)
	if pay != nil {
		v, err := m.Value(*pay, *discount, 0)
		if err != nil {
			return fmt.Errorf("projection: -payment: %w", err)
		}
		rep.Payment, rep.Value = pay, &v
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return writeText(stdout, rep)
}

func parseSurvivors(s string) ([]float64, error) {
	parts := strings.Split(s, ",")
	out := make([]float64, len(parts))
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, fmt.Errorf("projection: -survivors item %d %q: %w", i+1, p, errors.Unwrap(err))
		}
		out[i] = v
	}
	return out, nil
}

// seed is the projection of the subscription customer-service article: 200 new
// customers a year, half kept.
func seed() (*inflowReport, error) {
	f := retention.Inflow{New: decimal.NewFromInt(200), Retention: decimal.RequireFromString("0.5")}
	const years = 6
	sim, err := f.Simulate(years)
	if err != nil {
		return nil, err
	}
	r := &inflowReport{New: f.New.String(), Retention: f.Retention.String()}
	for t := 1; t <= years; t++ {
		a, err := f.Active(t)
		if err != nil {
			return nil, err
		}
		d, _ := a.Decimal(4)
		r.Active = append(r.Active, d.String())
		r.Simulation = append(r.Simulation, sim[t-1].String())
	}
	l, err := f.Limit()
	if err != nil {
		return nil, err
	}
	d, _ := l.Decimal(4)
	r.Limit = d.String()
	return r, nil
}

func writeText(w io.Writer, rep fitReport) error {
	var b strings.Builder
	if in := rep.Inflow; in != nil {
		fmt.Fprintf(&b, "The subscription article's projection: %s new customers a year, %s of each cohort kept\n", in.New, in.Retention)
		fmt.Fprintf(&b, "%-6s %12s %12s\n", "year", "closed form", "simulation")
		for i := range in.Active {
			fmt.Fprintf(&b, "%-6d %12s %12s\n", i+1, in.Active[i], in.Simulation[i])
		}
		fmt.Fprintf(&b, "limit  %12s\n\n", in.Limit)
	}
	name := rep.Cohort
	if name == "" {
		name = "the given cohort"
	}
	fmt.Fprintf(&b, "Shifted-beta-geometric fit of %s\n", name)
	fmt.Fprintf(&b, "survivors  %s\n", joinFloats(rep.Survivors))
	fmt.Fprintf(&b, "alpha      %.6f\nbeta       %.6f\nloglik     %.6f\n", rep.Alpha, rep.Beta, rep.LogLik)
	n := len(rep.Survivors) - 1
	fmt.Fprintf(&b, "%-6s %10s %10s\n", "period", "survival", "expected")
	for i, s := range rep.Survival {
		fmt.Fprintf(&b, "%-6d %10.4f %10.1f\n", n+i+1, s, float64(s*rep.Survivors[0]))
	}
	fmt.Fprintf(&b, "DERL of a new customer at %s%% discount a period: %.4f periods\n", strconv.FormatFloat(rep.Discount*100, 'f', -1, 64), rep.DERL)
	if rep.Value != nil {
		fmt.Fprintf(&b, "discounted value of a new customer paying %s a period: %s\n", rep.Payment, rep.Value)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func joinFloats(fs []float64) string {
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i] = strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strings.Join(s, ",")
}
