package server

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"

	"github.com/successkit/cs"
	"github.com/successkit/cs/cycle"
	"github.com/successkit/cs/retention"
	"github.com/successkit/cs/store"
)

// retentionAnswer is GET /v1/retention: the retention metrics of a period.
// With the run's MRR staged on this server (source "mrr") they are computed
// exactly for From → To with the retention package; otherwise (source
// "report") they are the run's stored report: the monthly movements inside
// the period and the twelve months ending at the run.
type retentionAnswer struct {
	AsOf    cs.Date            `json:"as_of"`
	Source  string             `json:"source"`
	From    retention.Month    `json:"from,omitzero"`
	To      retention.Month    `json:"to,omitzero"`
	Period  *periodMetrics     `json:"period,omitempty"`
	Monthly []cycle.MonthMoves `json:"monthly"`
	Year    *cycle.YearSummary `json:"last_12_months,omitempty"`
}

// periodMetrics are the exact rates of a period, as decimal strings (four
// places; "" when undefined, such as a churn rate with no customer at the
// start).
type periodMetrics struct {
	StartMRR          cs.Money `json:"start_mrr"`
	EndMRR            cs.Money `json:"end_mrr"`
	GRR               string   `json:"grr"`
	NRR               string   `json:"nrr"`
	GrossMRRChurn     string   `json:"gross_mrr_churn"`
	NetMRRChurn       string   `json:"net_mrr_churn"`
	LogoChurn         string   `json:"logo_churn"` // ChartMogul's convention
	CustomerRetention string   `json:"customer_retention"`
	QuickRatio        string   `json:"quick_ratio"`
	StartCustomers    int      `json:"start_customers"`
	EndCustomers      int      `json:"end_customers"`
	LostCustomers     int      `json:"lost_customers"`
	NewCustomers      int      `json:"new_customers"`
}

func ratio(r retention.Ratio) string {
	d, ok := r.Decimal(4)
	if !ok {
		return ""
	}
	return d.StringFixed(4)
}

func (c *call) getRetention() error {
	q := c.params("as_of", "from", "to")
	var from, to retention.Month
	for _, p := range []struct {
		name string
		dst  *retention.Month
	}{{"from", &from}, {"to", &to}} {
		if s := q.str(p.name); s != "" {
			m, err := retention.ParseMonth(s)
			if err != nil {
				q.add(p.name, s, errDetail(err))
			}
			*p.dst = m
		}
	}
	d, err := c.asOfParam(q)
	if err != nil {
		return err
	}
	ans := retentionAnswer{AsOf: d, Monthly: []cycle.MonthMoves{}}
	if dir, err := c.s.stagingDir(d); err == nil {
		if f, err := os.Open(filepath.Join(dir, "mrr.csv")); err == nil {
			defer f.Close()
			book, err := retention.ReadBook(f, "mrr.csv", c.s.mrrOptions())
			if err != nil {
				return err
			}
			first, last := book.Months()
			if to == 0 {
				to = last
			}
			if from == 0 {
				from = max(first, to-12)
			}
			p, err := book.Period(from, to)
			if err != nil {
				return paramProblem("from", from.String(), err)
			}
			ans.Source, ans.From, ans.To = "mrr", from, to
			ans.Period = &periodMetrics{StartMRR: p.StartMRR, EndMRR: p.EndMRR, GRR: ratio(p.GRR()), NRR: ratio(p.NRR()),
				GrossMRRChurn: ratio(p.GrossMRRChurn()), NetMRRChurn: ratio(p.NetMRRChurn()),
				LogoChurn: ratio(p.LogoChurn(retention.ChartMogul)), CustomerRetention: ratio(p.CustomerRetention()),
				QuickRatio: ratio(p.QuickRatio()), StartCustomers: p.StartCustomers, EndCustomers: p.EndCustomers,
				LostCustomers: p.LostCustomers, NewCustomers: p.NewCustomers}
		}
	}
	b, err := c.s.store.Doc(c.r.Context(), d, reportDoc)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if b != nil {
		var rep cycle.Report
		if err := json.Unmarshal(b, &rep); err != nil {
			return err
		}
		if rr := rep.Retention; rr != nil {
			for _, m := range rr.Monthly {
				if (from == 0 || m.Month >= from) && (to == 0 || m.Month <= to) {
					ans.Monthly = append(ans.Monthly, m)
				}
			}
			ans.Year = rr.Year
		}
	}
	if ans.Source == "" {
		ans.Source, ans.From, ans.To = "report", from, to
	}
	return writeJSON(c.w, c.r, ans)
}
