package cycle

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/successkit/cs/retention"
)

// retentionOptions returns the options of the retention book: Config.Retention,
// or, when it is zero and there is a touch policy, the policy's currency and
// its rates held constant for every month (so no movement comes from exchange
// rates), with the rates as text for the report.
func (c *Cycle) retentionOptions() (retention.Options, map[string]string) {
	opt := c.cfg.Retention
	var rates map[string]string
	if opt.Currency == "" && len(opt.Rates) == 0 && c.cfg.Assigner != nil {
		p := c.cfg.Assigner.Policy()
		opt.Currency = c.cfg.Assigner.Currency()
		for _, cur := range slices.Sorted(maps.Keys(p.Rates)) {
			opt.Rates = append(opt.Rates, retention.Rate{From: cur, Rate: p.Rates[cur]})
		}
	}
	for _, rt := range opt.Rates {
		if rates == nil {
			rates = map[string]string{}
		}
		rates[string(rt.From)] = rt.Rate.String()
	}
	return opt, rates
}

// runRetention reads the MRR file into one book and reports the last twelve
// months up to the run's month: movements, GRR, NRR, churn and cohorts. Months
// after the run's month are left out.
func (r *run) runRetention() error {
	if r.in.MRR.R == nil {
		return nil
	}
	opt, rates := r.c.retentionOptions()
	sec := &RetentionReport{Currency: opt.Currency, Rates: rates, Monthly: []MonthMoves{}, Cohorts: []CohortRow{}}
	r.rep.Retention = sec
	// A file the retention book cannot be built from is reported, and the
	// week's other steps are kept.
	in, err := checked(r.in.MRR)
	if err != nil {
		sec.Errors.add(r.top, err)
		return nil
	}
	book, err := retention.ReadBook(in, r.in.MRR.Name, opt)
	if err != nil {
		sec.Errors.add(r.top, err)
		return nil
	}
	if err := book.Err(); err != nil {
		// The first problems, one per line, and how many there were.
		for _, line := range strings.Split(err.Error(), "\n") {
			if len(sec.Errors.First) < r.top && !strings.HasPrefix(line, "and ") {
				sec.Errors.First = append(sec.Errors.First, line)
			}
		}
		sec.Errors.Count += book.Bad()
	}
	sec.Currency = book.Currency()
	first, last := book.Months()
	last = min(last, retention.MonthOf(r.in.AsOf))
	sec.First, sec.Last = first, last
	for m := max(first+1, last-11); m <= last; m++ {
		p, err := book.Period(m-1, m)
		if err != nil {
			return fmt.Errorf("cycle: %w", err)
		}
		sec.Monthly = append(sec.Monthly, MonthMoves{Month: m, MRR: p.EndMRR, New: p.New, Expansion: p.Expansion,
			Contraction: p.Contraction, Churn: p.Churn, Reactivation: p.Reactivation, FX: p.FX})
	}
	if from := max(first, last-12); from < last {
		p, err := book.Period(from, last)
		if err != nil {
			return fmt.Errorf("cycle: %w", err)
		}
		sec.Year = &YearSummary{From: from, To: last, StartMRR: p.StartMRR, EndMRR: p.EndMRR,
			GRR: p.GRR().Percent(1), NRR: p.NRR().Percent(1), GrossMRRChurn: p.GrossMRRChurn().Percent(1),
			NetMRRChurn: p.NetMRRChurn().Percent(1), LogoChurn: p.LogoChurn(retention.ChartMogul).Percent(1),
			QuickRatio: decimalText(p.QuickRatio()), StartCustomers: p.StartCustomers, EndCustomers: p.EndCustomers,
			LostCustomers: p.LostCustomers, NewCustomers: p.NewCustomers, ReactivatedCust: p.ReactivatedCustomers}
	}
	for _, c := range book.Cohorts() {
		if c.Start > last {
			continue
		}
		row := CohortRow{Start: c.Start, Customers: c.Customers}
		for k := range c.Ages {
			if c.Ages[k].Month > last {
				break
			}
			row.Retention = append(row.Retention, ratio4(c.LogoRetention(k)))
			row.NRR = append(row.NRR, ratio4(c.NRR(k)))
		}
		sec.Cohorts = append(sec.Cohorts, row)
	}
	return nil
}

// ratio4 returns the ratio rounded to four decimals, nil when undefined.
func ratio4(r retention.Ratio) *float64 {
	d, ok := r.Decimal(4)
	if !ok {
		return nil
	}
	f := d.InexactFloat64()
	return &f
}

// decimalText formats a ratio with two decimals ("2.35"), or "undefined".
func decimalText(r retention.Ratio) string {
	d, ok := r.Decimal(2)
	if !ok {
		return "undefined"
	}
	return d.StringFixed(2)
}
