package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/successkit/cs"
	"github.com/successkit/cs/examples/samplebook"
	"github.com/successkit/cs/retention"
)

// retentionSection is the book's recurring revenue over time: movements month by
// month, the last twelve months' GRR, NRR and churn, and the cohort table.
type retentionSection struct {
	Currency cs.Currency       `json:"currency"`
	Rates    map[string]string `json:"rates,omitempty"` // standing rates into Currency
	First    retention.Month   `json:"first_month"`
	Last     retention.Month   `json:"last_month"`
	Monthly  []monthMoves      `json:"monthly"`
	Year     *yearSummary      `json:"last_12_months,omitempty"`
	Cohorts  []cohortRow       `json:"cohorts"`
	Errors   []string          `json:"errors,omitempty"`
}

type monthMoves struct {
	Month        retention.Month `json:"month"`
	MRR          cs.Money        `json:"mrr"`
	New          cs.Money        `json:"new"`
	Expansion    cs.Money        `json:"expansion"`
	Contraction  cs.Money        `json:"contraction"`
	Churn        cs.Money        `json:"churn"`
	Reactivation cs.Money        `json:"reactivation"`
	FX           cs.Money        `json:"fx"`
}

type yearSummary struct {
	From            retention.Month `json:"from"`
	To              retention.Month `json:"to"`
	StartMRR        cs.Money        `json:"start_mrr"`
	EndMRR          cs.Money        `json:"end_mrr"`
	GRR             string          `json:"grr"`
	NRR             string          `json:"nrr"`
	GrossMRRChurn   string          `json:"gross_mrr_churn"`
	NetMRRChurn     string          `json:"net_mrr_churn"`
	LogoChurn       string          `json:"logo_churn"`
	QuickRatio      string          `json:"quick_ratio"`
	StartCustomers  int             `json:"start_customers"`
	EndCustomers    int             `json:"end_customers"`
	LostCustomers   int             `json:"lost_customers"`
	NewCustomers    int             `json:"new_customers"`
	ReactivatedCust int             `json:"reactivated_customers"`
}

// cohortRow is one cohort's logo retention at each age, as fractions (nil beyond
// the book's last month).
type cohortRow struct {
	Start     retention.Month `json:"start"`
	Customers int             `json:"customers"`
	Retention []*float64      `json:"logo_retention"` // null where undefined
	NRR       []*float64      `json:"nrr"`
}

// runRetention reads mrr.csv into one book in the touch policy's currency, other
// currencies converted at the policy's rates held constant for every month (so FX
// is zero and no movement comes from exchange rates); nil without mrr.csv.
//
// Months after the report date's month are left out of the movements and GRR/NRR.
func runRetention(in *input, t *touchSection, asof cs.Date) (*retentionSection, error) {
	data := in.files[samplebook.MRRFile]
	if data == nil {
		return nil, nil
	}
	sec := &retentionSection{}
	opt := retention.Options{}
	if t != nil {
		sec.Currency, sec.Rates = t.Currency, t.Rates
		opt.Currency = t.Currency
		for cur, r := range t.Rates {
			d, err := cs.ParseDecimal(r)
			if err != nil {
				return nil, fmt.Errorf("portfolio: rate %s: %w", cur, err)
			}
			opt.Rates = append(opt.Rates, retention.Rate{From: cs.Currency(cur), Rate: d})
		}
	}
	book, err := retention.ReadBook(bytes.NewReader(data), samplebook.MRRFile, opt)
	if err != nil {
		return nil, fmt.Errorf("portfolio: %w", err)
	}
	if err := book.Err(); err != nil {
		sec.Errors = append(sec.Errors, strings.Split(err.Error(), "\n")...)
	}
	sec.Currency = book.Currency()
	first, last := book.Months()
	last = min(last, retention.MonthOf(asof))
	sec.First, sec.Last = first, last
	for m := max(first+1, last-11); m <= last; m++ {
		p, err := book.Period(m-1, m)
		if err != nil {
			return nil, fmt.Errorf("portfolio: %w", err)
		}
		sec.Monthly = append(sec.Monthly, monthMoves{Month: m, MRR: p.EndMRR, New: p.New, Expansion: p.Expansion,
			Contraction: p.Contraction, Churn: p.Churn, Reactivation: p.Reactivation, FX: p.FX})
	}
	if from := max(first, last-12); from < last {
		p, err := book.Period(from, last)
		if err != nil {
			return nil, fmt.Errorf("portfolio: %w", err)
		}
		sec.Year = &yearSummary{From: from, To: last, StartMRR: p.StartMRR, EndMRR: p.EndMRR,
			GRR: p.GRR().Percent(1), NRR: p.NRR().Percent(1), GrossMRRChurn: p.GrossMRRChurn().Percent(1),
			NetMRRChurn: p.NetMRRChurn().Percent(1), LogoChurn: p.LogoChurn(retention.ChartMogul).Percent(1),
			QuickRatio: decimalText(p.QuickRatio()), StartCustomers: p.StartCustomers, EndCustomers: p.EndCustomers,
			LostCustomers: p.LostCustomers, NewCustomers: p.NewCustomers, ReactivatedCust: p.ReactivatedCustomers}
	}
	for _, c := range book.Cohorts() {
		if c.Start > last {
			continue
		}
		row := cohortRow{Start: c.Start, Customers: c.Customers}
		for k := range c.Ages {
			if c.Ages[k].Month > last {
				break
			}
			row.Retention = append(row.Retention, ratio4(c.LogoRetention(k)))
			row.NRR = append(row.NRR, ratio4(c.NRR(k)))
		}
		sec.Cohorts = append(sec.Cohorts, row)
	}
	return sec, nil
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

// decimalText formats a ratio as a number with two decimals ("2.35"), or
// "undefined".
func decimalText(r retention.Ratio) string {
	d, ok := r.Decimal(2)
	if !ok {
		return "undefined"
	}
	return d.StringFixed(2)
}
