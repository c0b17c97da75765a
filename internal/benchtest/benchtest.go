// Package benchtest holds what the module's benchmarks share to state a speed
// budget as a ratio to a reference measured in the same run: the only form of
// a budget that holds on a shared machine. Only tests import it.
package benchtest

import (
	"testing"
	"time"
)

// Ratio times a workload and its reference alternately inside one benchmark
// loop, so both see the same machine load.
type Ratio struct {
	work, ref time.Duration
	n         int
}

// Measure runs ref, then work, once each.
func (r *Ratio) Measure(work, ref func()) {
	t0 := time.Now()
	ref()
	t1 := time.Now()
	work()
	r.ref += t1.Sub(t0)
	r.work += time.Since(t1)
	r.n++
}

// Report records the work's time per run, the reference's, and their ratio as
// "x-<refName>", and fails the benchmark when the ratio is over budget (budget
// 0: reported only).
func (r *Ratio) Report(b *testing.B, refName string, budget float64) {
	b.Helper()
	if r.n == 0 || r.ref == 0 {
		return
	}
	ratio := float64(r.work) / float64(r.ref)
	b.ReportMetric(r.work.Seconds()/float64(r.n), "s/work")
	b.ReportMetric(r.ref.Seconds()/float64(r.n), "s/"+refName)
	b.ReportMetric(ratio, "x-"+refName)
	if budget > 0 && ratio > budget {
		b.Errorf("%.2f× the %s reference, budget %.1f×", ratio, refName, budget)
	}
}

// Work returns the workload's total time and the number of runs measured.
func (r *Ratio) Work() (time.Duration, int) { return r.work, r.n }

// Ref returns the reference's total time.
func (r *Ratio) Ref() time.Duration { return r.ref }
