package samplebook

import (
	"math/rand/v2"
	"testing"

	"github.com/successkit/cs"
	"github.com/successkit/cs/internal/stats"
)

// TestEveryMovementOccurs classifies the month-to-month change of every customer's
// MRR with ChartMogul's movements and checks that the default book
// holds each kind, including a contraction that cancels one of several
// subscriptions while others remain.
func TestEveryMovementOccurs(t *testing.T) {
	b := defaultBook
	type key struct {
		id    string
		month int
	}
	total := map[key]int64{}
	subs := map[key]map[string]bool{}
	for _, r := range b.MRR {
		n, ok := r.MRR.Minor()
		if !ok {
			t.Fatalf("MRR row %+v is not whole minor units", r)
		}
		k := key{r.CustomerID, monthIndex(r.Month)}
		total[k] += n
		if subs[k] == nil {
			subs[k] = map[string]bool{}
		}
		subs[k][r.SubscriptionID] = true
	}
	first, last := monthIndex(b.Config.AsOf)-b.Config.Months+1, monthIndex(b.Config.AsOf)
	count := map[string]int{}
	for _, c := range b.Customers {
		paid := false
		for m := first; m <= last; m++ {
			prev, cur := total[key{c.ID, m - 1}], total[key{c.ID, m}]
			switch {
			case m == first:
			case prev == 0 && cur > 0 && paid:
				count["reactivation"]++
			case prev == 0 && cur > 0:
				count["new"]++
			case prev > 0 && cur == 0:
				count["churn"]++
			case cur > prev:
				count["expansion"]++
			case cur < prev:
				count["contraction"]++
				for s := range subs[key{c.ID, m - 1}] {
					if !subs[key{c.ID, m}][s] {
						count["cancel one of several"]++
					}
				}
			}
			paid = paid || cur > 0
		}
	}
	t.Logf("movements: %v", count)
	for _, kind := range []string{"new", "expansion", "contraction", "churn", "reactivation", "cancel one of several"} {
		if count[kind] < 5 {
			t.Errorf("%d %s movements in the default book, want at least 5", count[kind], kind)
		}
	}
}

// TestLatentRiskIsDetectable: a score built from the signals the hazard reads ranks
// churners above the others (AUC well above 0.5), and a score unrelated to them
// does not — so a backtest can tell a good health score from a bad one.
func TestLatentRiskIsDetectable(t *testing.T) {
	churned := map[string]bool{}
	for _, o := range defaultBook.Outcomes {
		churned[o.ID] = o.Churned
	}
	var good, bad []float64
	var labels []bool
	r := rand.New(rand.NewPCG(9, 9))
	for _, c := range defaultBook.Customers {
		if c.Stage == cs.StageChurned {
			continue
		}
		risk := 0.6 - c.Signals["usage"] + max(0, -c.Signals["usage_trend"])
		if ces, ok := c.Signals["ces"]; ok {
			risk += 0.1 * max(0, 5-ces)
		}
		good = append(good, risk)
		bad = append(bad, r.Float64())
		labels = append(labels, churned[c.ID])
	}
	goodAUC, err := stats.AUC(good, labels)
	if err != nil {
		t.Fatal(err)
	}
	badAUC, err := stats.AUC(bad, labels)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("AUC of a signal-based score %.3f, of a random score %.3f", goodAUC, badAUC)
	if goodAUC < 0.68 {
		t.Errorf("signal-based score AUC = %.3f, want ≥ 0.68", goodAUC)
	}
	if badAUC < 0.4 || badAUC > 0.6 {
		t.Errorf("random score AUC = %.3f, want within 0.4..0.6", badAUC)
	}

	// Each driver of the hazard differs between churners and the others, in the
	// direction the package documentation states.
	for _, d := range []struct {
		signal string
		lower  bool // churners' mean is lower
	}{{"usage", true}, {"usage_trend", true}, {"ces", true}, {"tickets_90d", false}} {
		var sum [2]float64
		var n [2]int
		for _, c := range defaultBook.Customers {
			v, ok := c.Signals[d.signal]
			if c.Stage == cs.StageChurned || !ok {
				continue
			}
			k := 0
			if churned[c.ID] {
				k = 1
			}
			sum[k] += v
			n[k]++
		}
		stay, churn := sum[0]/float64(n[0]), sum[1]/float64(n[1])
		t.Logf("%s: churners %.3f (n=%d), others %.3f (n=%d)", d.signal, churn, n[1], stay, n[0])
		if (churn < stay) != d.lower {
			t.Errorf("%s: churners' mean %.3f, others' %.3f: want churners %s", d.signal, churn, stay, map[bool]string{true: "lower", false: "higher"}[d.lower])
		}
	}
}
