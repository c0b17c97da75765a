package playbook

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

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

// handCondition4 is condition4 written by hand in Go, reading the Situation's
// fields directly: the reference BenchmarkCondition4 compares the compiled
// condition with.
func handCondition4(s *Situation) bool {
	if !s.HealthKnown || !(s.HealthScore < 50) || s.Customer.RenewalDate.IsZero() {
		return false
	}
	if s.Now.DaysUntil(s.Customer.RenewalDate) > 90 {
		return false
	}
	if s.Tier == "high" {
		return true
	}
	v, ok := s.Customer.Signals.Get("usage_trend")
	return ok && v < -0.2
}

// BenchmarkCondition4 evaluates condition4, compiled from JSON, over varied
// situations, against the same condition written by hand in Go (the reference)
// in the same run. Budget: 2× the hand-written condition, and no allocation.
func BenchmarkCondition4(b *testing.B) {
	cond, err := ParseCondition([]byte(condition4))
	if err != nil {
		b.Fatal(err)
	}
	sits := benchSituations(1024)
	// Both agree on every situation, and the condition is sometimes true: the
	// check covers all of them, whatever b.N.
	hits := 0
	for _, s := range sits {
		if got, want := cond.Eval(s), handCondition4(s); got != want {
			b.Fatalf("%s: compiled %v, hand-written %v", s.Customer.ID, got, want)
		} else if got {
			hits++
		}
	}
	if hits == 0 {
		b.Fatal("condition never true")
	}
	b.ReportAllocs()
	var ref, ours time.Duration
	n := 0
	for b.Loop() {
		t0 := time.Now()
		for i := range 1024 {
			if handCondition4(sits[i]) {
				hits++
			}
		}
		t1 := time.Now()
		for i := range 1024 {
			if cond.Eval(sits[i]) {
				hits++
			}
		}
		ours += time.Since(t1)
		ref += t1.Sub(t0)
		n += 1024
	}
	ratio := ours.Seconds() / ref.Seconds()
	b.ReportMetric(ratio, "x-ref")
	b.ReportMetric(ours.Seconds()*1e9/float64(n), "ns/eval")
	b.ReportMetric(ref.Seconds()*1e9/float64(n), "ref-ns/eval")
	if ratio > 2 {
		b.Errorf("compiled condition took %.2f× the hand-written one, budget 2×", ratio)
	}
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
// 1,000,000 situations (4,096 distinct ones cycled) with a history, against
// evaluating the 50 plays' compiled conditions alone on the same situations
// (the reference: the work no playbook can skip) in the same run. Budget: 4×
// the reference, for the tier and stage filters, cooldowns, fire caps, open
// tasks, due dates, keys and reasons.
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
	conds := make([]*Condition, len(pb.plays))
	for i := range pb.plays {
		conds[i] = pb.plays[i].cond
	}
	dst := make([]Task, 0, 256)
	b.ReportAllocs()
	total, hits := 0, 0
	var ref, ours time.Duration
	for b.Loop() {
		t0 := time.Now()
		for i := range 1_000_000 {
			s := sits[i&4095]
			s.prepare(pb.layout)
			for _, c := range conds {
				if c.root.p(s) {
					hits++
				}
			}
		}
		t1 := time.Now()
		for i := range 1_000_000 {
			var err error
			dst, err = pb.AppendTasks(dst[:0], sits[i&4095], h)
			if err != nil {
				b.Fatal(err)
			}
			total += len(dst)
		}
		ours += time.Since(t1)
		ref += t1.Sub(t0)
	}
	ratio := ours.Seconds() / ref.Seconds()
	b.ReportMetric(ratio, "x-ref")
	b.ReportMetric(float64(b.N)*1e6/ours.Seconds(), "situations/s")
	b.ReportMetric(float64(total)/float64(b.N), "tasks/op")
	if ratio > 4 {
		b.Errorf("Evaluate took %.2f× evaluating the conditions alone, budget 4×", ratio)
	}
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

// largeDocument returns a playbook document of n plays: the default plays
// repeated with new IDs, about 1.4 KB each.
func largeDocument(n int) []byte {
	base := Default().Plays()
	plays := make([]Play, n)
	for i := range plays {
		plays[i] = base[i%len(base)]
		plays[i].ID = fmt.Sprintf("%s-%d", plays[i].ID, i)
	}
	b, err := json.Marshal(Document{Plays: plays})
	if err != nil {
		panic(err)
	}
	return b
}

// BenchmarkParseLarge parses a playbook of 58,000 plays (about 36 MB) against
// encoding/json decoding the same bytes into an any (the reference), in the
// same run. Budget: 4× the reference: Parse also checks every key, value and
// condition and compiles it.
func BenchmarkParseLarge(b *testing.B) {
	data := largeDocument(58_000)
	b.ReportAllocs()
	var ref, ours time.Duration
	for b.Loop() {
		t0 := time.Now()
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
		ours += time.Since(t1)
		ref += t1.Sub(t0)
	}
	ratio := ours.Seconds() / ref.Seconds()
	b.ReportMetric(ratio, "x-ref")
	b.ReportMetric(float64(len(data))/1e6, "MB")
	if ratio > 4 {
		b.Errorf("Parse took %.2f× encoding/json into any, budget 4×", ratio)
	}
}
