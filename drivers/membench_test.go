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

// heap returns the bytes of heap objects (live or not yet swept) and the
// heap live at the last garbage collection.
func heap() (objects, live uint64) {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64(), s[1].Value.Uint64()
}

// peakDuring runs f and returns, above the heap before it, the largest live
// heap (what the program held at a garbage collection) and the largest heap
// including garbage not yet collected, sampled every half millisecond.
func peakDuring(f func()) (live, total uint64) {
	runtime.GC()
	base, baseLive := heap()
	var mu sync.Mutex
	sample := func() {
		o, l := heap()
		mu.Lock()
		defer mu.Unlock()
		if o > base {
			total = max(total, o-base)
		}
		if l > baseLive {
			live = max(live, l-baseLive)
		}
	}
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
				sample()
			}
		}
	}()
	f()
	runtime.GC() // what f left live counts too
	sample()
	close(stop)
	<-done
	return live, total
}

// BenchmarkLoadTouchStates1M loads last period's touch states of 1,000,000
// customers into their accounts, ready for Assign, and reports the peak live
// heap the load adds (and the peak with uncollected garbage) against the size
// of the states loaded (1M touch.State). Budget: peak live within 2x.
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
	var live, total uint64
	for i := 0; i < b.N; i++ {
		l, t := peakDuring(func() {
			n, _, err := s.FillTouchStates(ctx, bigDate(bigWeeks), accounts)
			if err != nil || n != bigCustomers {
				b.Fatalf("FillTouchStates = %d, %v", n, err)
			}
		})
		live, total = max(live, l), max(total, t)
	}
	b.StopTimer()
	r := float64(live) / float64(data)
	b.ReportMetric(float64(live)/1e6, "peak-live-MB")
	b.ReportMetric(float64(total)/1e6, "peak-heap-MB")
	b.ReportMetric(float64(data)/1e6, "data-MB")
	b.ReportMetric(r, "x-data")
	if r > 2 {
		b.Errorf("loading touch states held at most %.2fx the states' size live (budget 2x)", r)
	}
}

// BenchmarkLoadHistory1M loads the playbook History of 1,000,000 customers
// (an open task each and two fires) and reports the peak live heap during
// the load (and the peak with uncollected garbage) against the History's own
// size once loaded. Budget: peak live within 2x.
func BenchmarkLoadHistory1M(b *testing.B) {
	s := bigStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	var live, total, size uint64
	for i := 0; i < b.N; i++ {
		var h *playbook.History
		l, t := peakDuring(func() {
			var err error
			h, err = s.History(ctx, bigDate(bigWeeks), playbook.Default().Lookback())
			if err != nil {
				b.Fatal(err)
			}
		})
		live, total = max(live, l), max(total, t)
		runtime.GC()
		before, _ := heap()
		fires, tasks := h.Len()
		if fires != 2*bigCustomers || tasks != bigCustomers {
			b.Fatalf("History has %d fires and %d tasks", fires, tasks)
		}
		h = nil
		runtime.GC()
		after, _ := heap()
		size = before - after
	}
	b.StopTimer()
	r := float64(live) / float64(size)
	b.ReportMetric(float64(live)/1e6, "peak-live-MB")
	b.ReportMetric(float64(total)/1e6, "peak-heap-MB")
	b.ReportMetric(float64(size)/1e6, "history-MB")
	b.ReportMetric(float64(size)/float64(bigCustomers), "B/customer")
	b.ReportMetric(r, "x-data")
	if r > 2 {
		b.Errorf("loading the History held at most %.2fx its size live (budget 2x)", r)
	}
}
