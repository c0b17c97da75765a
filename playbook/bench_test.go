package playbook

import (
	"fmt"
	"testing"

	cs "github.com/successkit/cs"
)

// benchSituations returns n varied situations (a quarter match condition4).
func benchSituations(n int) []*Situation {
	out := make([]*Situation, n)
	for i := range out {
		c := &cs.Customer{
			ID: fmt.Sprintf("C%07d", i), Stage: cs.Stages()[i%4], MRR: cs.MustParseMoney(fmt.Sprintf("%d USD", 50+i%1000)),
			ContractStart: now.AddDays(-400 + i%300), RenewalDate: now.AddDays(i % 365),
			Signals: cs.Signals{
				"usage": float64(i%10) / 10, "usage_trend": float64(i%7-4) / 10, "seat_utilization": float64(i%12) / 10,
				"logins_30d": float64(i % 40), "feature_adoption": float64(i%11) / 10, "tickets_90d": float64(i % 3),
			},
		}
		s := &Situation{
			Customer: c, Now: now, HealthScore: float64(i % 101), HealthKnown: i%13 != 0,
			HealthGrade: grades[i%3], HealthTrend: trendNames[i%3], Tier: tierNames[i%3], Community: i%5 == 0,
			Friction: float64(i % 97), FrictionKnown: i%2 == 0,
		}
		if i%17 == 0 {
			s.Events = []string{"case_closed"}
		}
		out[i] = s
	}
	return out
}

// BenchmarkCondition4 evaluates condition4, compiled from JSON, over
// varied situations. Budget: 20 ns and no allocation per evaluation.
func BenchmarkCondition4(b *testing.B) {
	cond, err := ParseCondition([]byte(condition4))
	if err != nil {
		b.Fatal(err)
	}
	sits := benchSituations(1024)
	// The check that the condition is sometimes true covers every situation, so
	// that it holds whatever b.N (with -benchtime=1x only the first is timed).
	hits := 0
	for _, s := range sits {
		if cond.Eval(s) {
			hits++
		}
	}
	if hits == 0 {
		b.Fatal("condition never true")
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if cond.Eval(sits[n&1023]) {
			hits++
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "evals/s")
}

// paddedDefault is the default playbook padded to 50 plays with variants of its
// plays (same conditions with shifted thresholds and new IDs).
func paddedDefault(b *testing.B) *Playbook {
	plays := Default().Plays()
	base := len(plays)
	for i := 0; len(plays) < 50; i++ {
		p := plays[i%base]
		p.ID = fmt.Sprintf("%s-%d", p.ID, i)
		p.CooldownDays += i
		plays = append(plays, p)
	}
	pb, err := New(plays...)
	if err != nil {
		b.Fatal(err)
	}
	return pb
}

// BenchmarkEvaluate50x1M evaluates the default playbook padded to 50 plays over
// 1,000,000 situations (4,096 distinct ones cycled) with a history. Budget: 2 s per
// iteration on one core.
func BenchmarkEvaluate50x1M(b *testing.B) {
	pb := paddedDefault(b)
	sits := benchSituations(4096)
	h := &History{}
	// Yesterday's fires for half of the customers, so cooldowns and open-task
	// updates happen as in a daily run.
	for _, s := range sits[:2048] {
		s.Now = now.AddDays(-1)
		tasks, _ := pb.Evaluate(s, nil)
		h.Record(tasks)
		s.Now = now
	}
	dst := make([]Task, 0, 256)
	b.ReportAllocs()
	total := 0
	for b.Loop() {
		for i := range 1_000_000 {
			var err error
			dst, err = pb.AppendTasks(dst[:0], sits[i&4095], h)
			if err != nil {
				b.Fatal(err)
			}
			total += len(dst)
		}
	}
	b.ReportMetric(float64(b.N)*1e6/b.Elapsed().Seconds(), "situations/s")
	b.ReportMetric(float64(total)/float64(b.N), "tasks/op")
}

// BenchmarkParseDefault decodes and compiles the default playbook.
func BenchmarkParseDefault(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(defaultJSON); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "playbooks/s")
}
