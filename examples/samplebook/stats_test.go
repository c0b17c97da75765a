package samplebook

import (
	"cmp"
	"slices"
	"testing"

	"github.com/successkit/cs"
)

// bookStats summarises a book for the distribution tests.
type bookStats struct {
	active, churners      int
	churnRate             float64 // churners ÷ active at the book date, over the horizon
	annualChurn           float64 // churned in the last 12 months of history ÷ active 12 months earlier
	top10Share            float64 // share of USD MRR held by the top 10% of USD customers
	usageChurn, usageStay float64 // mean usage at the book date of churners and of the others
}

func statsOf(t *testing.T, b *Book) bookStats {
	t.Helper()
	var s bookStats
	churned := map[string]bool{}
	for _, o := range b.Outcomes {
		churned[o.ID] = o.Churned
	}
	var usd []int64
	var nc, ns int
	for _, c := range b.Customers {
		if c.Stage == cs.StageChurned {
			continue
		}
		s.active++
		if c.MRR.Currency() == "USD" {
			n, _ := c.MRR.Minor()
			usd = append(usd, n)
		}
		u := c.Signals["usage"]
		if churned[c.ID] {
			s.churners++
			s.usageChurn += u
			nc++
		} else {
			s.usageStay += u
			ns++
		}
	}
	s.usageChurn /= float64(max(nc, 1))
	s.usageStay /= float64(max(ns, 1))
	s.churnRate = float64(s.churners) / float64(s.active)
	slices.SortFunc(usd, func(x, y int64) int { return cmp.Compare(y, x) })
	var top, all int64
	for i, n := range usd {
		if i < len(usd)/10 {
			top += n
		}
		all += n
	}
	s.top10Share = float64(top) / float64(all)
	// Annual logo churn over the history's last 12 months, from the snapshots.
	yearAgo := b.Config.AsOf.AddMonths(-12)
	var start, lost int
	stageAt := map[string]cs.Stage{}
	for _, sn := range b.Snapshots {
		if sn.AsOf.Year == yearAgo.Year && sn.AsOf.Month == yearAgo.Month && sn.Customer.Stage != cs.StageChurned {
			stageAt[sn.Customer.ID] = sn.Customer.Stage
		}
	}
	for _, c := range b.Customers {
		if _, ok := stageAt[c.ID]; ok {
			start++
			if c.Stage == cs.StageChurned {
				lost++
			}
		}
	}
	s.annualChurn = float64(lost) / float64(start)
	return s
}

// defaultBook is generated once for the tests that only read it.
var defaultBook = MustGenerate(Config{})

func TestDistribution(t *testing.T) {
	s := statsOf(t, defaultBook)
	t.Logf("%+v", s)
	// Few large, many small: the issue asks that the top 10% hold over 40% of MRR.
	if s.top10Share <= 0.40 {
		t.Errorf("top 10%% of USD customers hold %.2f of MRR, want > 0.40", s.top10Share)
	}
	// A plausible B2B churn rate: 5–25% of customers a year.
	if s.annualChurn < 0.05 || s.annualChurn > 0.25 {
		t.Errorf("annual logo churn = %.3f, want 0.05..0.25", s.annualChurn)
	}
	if s.churnRate < 0.025 || s.churnRate > 0.125 {
		t.Errorf("churn over the 6-month horizon = %.3f, want 0.025..0.125", s.churnRate)
	}
	// The latent risk shows in the signals, so a health score can find it.
	if s.usageChurn >= s.usageStay-0.05 {
		t.Errorf("mean usage of churners %.3f, of the others %.3f: want churners clearly lower", s.usageChurn, s.usageStay)
	}
}
