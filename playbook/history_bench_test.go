package playbook

import (
	"encoding/json"
	"runtime"
	"slices"
	"testing"
	"time"
)

// sampleRows returns the saved rows of a History of n customers after a few
// weeks of the default playbook: about two fires and two task records (one open,
// one done) per customer, each task with its reason.
func sampleRows(n int) ([]Fire, []TaskRecord) {
	pb := Default()
	h := &History{}
	sits := benchSituations(n)
	for w := range 3 {
		on := now.AddDays(-21 + 7*w)
		for _, s := range sits {
			s.Now = on
			tasks, _ := pb.Evaluate(s, h)
			h.Record(tasks)
		}
		for _, r := range h.Open(on) {
			if r.Task.Priority == Could {
				h.Done(r.Task.Key, on, "ana", "sent")
			}
		}
	}
	for _, s := range sits {
		s.Now = now
	}
	return slices.Collect(h.AllFires()), slices.Collect(h.AllTasks())
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkHistoryMemory loads the History of 100,000 customers from its rows
// and measures what it keeps in memory, against the size of the same rows as
// JSON (the data's own size; a store's rows are of that order). Budget: the
// History at most 1× its JSON.
func BenchmarkHistoryMemory(b *testing.B) {
	const n = 100_000
	fires, tasks := sampleRows(n)
	js, err := json.Marshal(historyJSON{Fires: fires, Tasks: tasks})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var kept uint64
	for b.Loop() {
		before := heapInUse()
		h, err := NewHistory(fires, tasks)
		if err != nil {
			b.Fatal(err)
		}
		kept = heapInUse() - before
		runtime.KeepAlive(h)
	}
	ratio := float64(kept) / float64(len(js))
	b.ReportMetric(float64(kept)/n, "B/customer")
	b.ReportMetric(float64(len(js))/n, "JSON-B/customer")
	b.ReportMetric(float64(len(tasks))/n, "tasks/customer")
	b.ReportMetric(ratio, "x-ref")
	if ratio > 1 {
		b.Errorf("History keeps %.2f× its JSON (%d bytes for %d), budget 1×", ratio, kept, len(js))
	}
}

// BenchmarkHistoryRoundTrip saves the History of 100,000 customers as rows and
// loads it back, against encoding the same rows with encoding/json (the
// reference). Budget: 2× the reference (measured 0.7× to 1.2× on a loaded
// 2-core machine).
func BenchmarkHistoryRoundTrip(b *testing.B) {
	const n = 100_000
	fires, tasks := sampleRows(n)
	h, err := NewHistory(fires, tasks)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var ref, ours float64
	for b.Loop() {
		t0 := time.Now()
		if _, err := json.Marshal(historyJSON{Fires: fires, Tasks: tasks}); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		g, err := NewHistory(slices.Collect(h.AllFires()), slices.Collect(h.AllTasks()))
		if err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		runtime.KeepAlive(g)
		ref += t1.Sub(t0).Seconds()
		ours += t2.Sub(t1).Seconds()
	}
	b.ReportMetric(ours/ref, "x-ref")
	b.ReportMetric(float64(b.N)*n/ours, "customers/s")
	if ours > 2*ref {
		b.Errorf("save and load took %.2f× encoding the rows as JSON, budget 2×", ours/ref)
	}
}
