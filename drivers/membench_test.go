package drivers_test

import (
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/touch"
)

// heapObjects returns the bytes of heap objects, live or not yet swept.
func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// peakDuring runs f and returns the largest heap the process had meanwhile,
// sampled every half millisecond, above the heap before it.
func peakDuring(f func()) (peak uint64) {
	runtime.GC()
	base := heapObjects()
	var mu sync.Mutex
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(500 * time.Microsecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if h := heapObjects(); h > base {
					mu.Lock()
					peak = max(peak, h-base)
					mu.Unlock()
				}
			}
		}
	}()
	f()
	if h := heapObjects(); h > base {
		peak = max(peak, h-base)
	}
	close(stop)
	<-done
	return peak
}

// BenchmarkLoadTouchStates1M loads last period's touch states of 1,000,000
// customers into their accounts, ready for Assign, and reports the peak heap
// the load adds against the size of the states loaded (1M touch.State).
// Budget: 2x.
func BenchmarkLoadTouchStates1M(b *testing.B) {
	s := bigStore(b)
	ctx := context.Background()
	accounts := make([]touch.Account, bigCustomers)
	for i := range accounts {
		accounts[i].ID = fmt.Sprintf("c%07d", i)
	}
	data := uint64(len(accounts)) * uint64(unsafe.Sizeof(touch.State{}))
	b.ReportAllocs()
	b.ResetTimer()
	var peak uint64
	for i := 0; i < b.N; i++ {
		peak = max(peak, peakDuring(func() {
			n, _, err := s.FillTouchStates(ctx, bigDate(bigWeeks), accounts)
			if err != nil || n != bigCustomers {
				b.Fatalf("FillTouchStates = %d, %v", n, err)
			}
		}))
	}
	b.StopTimer()
	r := float64(peak) / float64(data)
	b.ReportMetric(float64(peak)/1e6, "peak-MB")
	b.ReportMetric(float64(data)/1e6, "data-MB")
	b.ReportMetric(r, "x-data")
	if r > 2 {
		b.Errorf("loading touch states peaked at %.2fx the states' size (budget 2x)", r)
	}
}

// BenchmarkLoadHistory1M loads the playbook History of 1,000,000 customers
// (an open task each and two fires) and reports the peak heap during the
// load against the History's own size once loaded. Budget: 2x.
func BenchmarkLoadHistory1M(b *testing.B) {
	s := bigStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	var peak, size uint64
	for i := 0; i < b.N; i++ {
		var h *playbook.History
		peak = max(peak, peakDuring(func() {
			var err error
			h, err = s.History(ctx, bigDate(bigWeeks), playbook.Default().Lookback())
			if err != nil {
				b.Fatal(err)
			}
		}))
		runtime.GC()
		before := heapObjects()
		fires, tasks := h.Len()
		if fires != 2*bigCustomers || tasks != bigCustomers {
			b.Fatalf("History has %d fires and %d tasks", fires, tasks)
		}
		h = nil
		runtime.GC()
		size = before - heapObjects()
	}
	b.StopTimer()
	r := float64(peak) / float64(size)
	b.ReportMetric(float64(peak)/1e6, "peak-MB")
	b.ReportMetric(float64(size)/1e6, "history-MB")
	b.ReportMetric(float64(size)/bigCustomers, "B/customer")
	b.ReportMetric(r, "x-data")
	if r > 2 {
		b.Errorf("loading the History peaked at %.2fx its size (budget 2x)", r)
	}
}
