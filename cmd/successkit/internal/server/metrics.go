package server

import (
	"bufio"
	"cmp"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// latencyBuckets are the upper bounds, in seconds, of the request duration
// histogram: from 0.5 ms (a probe) to 30 s (a large run).
var latencyBuckets = [...]float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

// metrics counts requests by route, method and status, their durations by
// route, and problems by route and type. Routes are the registered patterns
// (and "unmatched"), so the number of series is bounded by the route table.
type metrics struct {
	mu        sync.Mutex
	requests  map[reqKey]uint64
	durations map[string]*histogram
	problems  map[probKey]uint64
	inFlight  atomic.Int64
	started   time.Time
}

type reqKey struct {
	route, method string
	code          int
}

type probKey struct{ route, kind string }

type histogram struct {
	counts [len(latencyBuckets) + 1]uint64 // the last is +Inf
	sum    float64
	n      uint64
}

func newMetrics() *metrics {
	return &metrics{requests: map[reqKey]uint64{}, durations: map[string]*histogram{}, problems: map[probKey]uint64{}, started: time.Now()}
}

// observe records one answered request.
func (m *metrics) observe(route, method string, code int, problem string, d time.Duration) {
	sec := d.Seconds()
	i, _ := slices.BinarySearch(latencyBuckets[:], sec)
	m.mu.Lock()
	m.requests[reqKey{route, method, code}]++
	h := m.durations[route]
	if h == nil {
		h = new(histogram)
		m.durations[route] = h
	}
	h.counts[i]++
	h.sum += sec
	h.n++
	if problem != "" {
		m.problems[probKey{route, problem}]++
	}
	m.mu.Unlock()
}

// write writes the metrics in the Prometheus text exposition format 0.0.4,
// series sorted so the output is deterministic.
func (m *metrics) write(w io.Writer) error {
	m.mu.Lock()
	reqs := make([]reqKey, 0, len(m.requests))
	for k := range m.requests {
		reqs = append(reqs, k)
	}
	reqCounts := make([]uint64, len(reqs))
	slices.SortFunc(reqs, func(a, b reqKey) int {
		return cmp.Or(cmp.Compare(a.route, b.route), cmp.Compare(a.method, b.method), cmp.Compare(a.code, b.code))
	})
	for i, k := range reqs {
		reqCounts[i] = m.requests[k]
	}
	routes := make([]string, 0, len(m.durations))
	for r := range m.durations {
		routes = append(routes, r)
	}
	slices.Sort(routes)
	hists := make([]histogram, len(routes))
	for i, r := range routes {
		hists[i] = *m.durations[r]
	}
	probs := make([]probKey, 0, len(m.problems))
	for k := range m.problems {
		probs = append(probs, k)
	}
	slices.SortFunc(probs, func(a, b probKey) int { return cmp.Or(cmp.Compare(a.route, b.route), cmp.Compare(a.kind, b.kind)) })
	probCounts := make([]uint64, len(probs))
	for i, k := range probs {
		probCounts[i] = m.problems[k]
	}
	m.mu.Unlock()

	b := bufio.NewWriter(w)
	header := func(name, typ, help string) {
		b.WriteString("# HELP " + name + " " + help + "\n# TYPE " + name + " " + typ + "\n")
	}
	header("successkit_http_requests_total", "counter", "HTTP requests answered, by route pattern, method and status code.")
	for i, k := range reqs {
		b.WriteString("successkit_http_requests_total{route=" + label(k.route) + ",method=" + label(k.method) + ",code=\"" + strconv.Itoa(k.code) + "\"} " + strconv.FormatUint(reqCounts[i], 10) + "\n")
	}
	header("successkit_http_request_duration_seconds", "histogram", "Time to answer a request, by route pattern.")
	for i, r := range routes {
		h := &hists[i]
		var cum uint64
		for j, le := range latencyBuckets {
			cum += h.counts[j]
			b.WriteString("successkit_http_request_duration_seconds_bucket{route=" + label(r) + ",le=\"" + strconv.FormatFloat(le, 'g', -1, 64) + "\"} " + strconv.FormatUint(cum, 10) + "\n")
		}
		cum += h.counts[len(latencyBuckets)]
		b.WriteString("successkit_http_request_duration_seconds_bucket{route=" + label(r) + ",le=\"+Inf\"} " + strconv.FormatUint(cum, 10) + "\n")
		b.WriteString("successkit_http_request_duration_seconds_sum{route=" + label(r) + "} " + strconv.FormatFloat(h.sum, 'g', -1, 64) + "\n")
		b.WriteString("successkit_http_request_duration_seconds_count{route=" + label(r) + "} " + strconv.FormatUint(h.n, 10) + "\n")
	}
	header("successkit_http_problems_total", "counter", "Requests answered with a problem document, by route pattern and problem type.")
	for i, k := range probs {
		b.WriteString("successkit_http_problems_total{route=" + label(k.route) + ",type=" + label(k.kind) + "} " + strconv.FormatUint(probCounts[i], 10) + "\n")
	}
	header("successkit_http_requests_in_flight", "gauge", "Requests being answered.")
	b.WriteString("successkit_http_requests_in_flight " + strconv.FormatInt(m.inFlight.Load(), 10) + "\n")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	header("go_goroutines", "gauge", "Goroutines that currently exist.")
	b.WriteString("go_goroutines " + strconv.Itoa(runtime.NumGoroutine()) + "\n")
	header("go_memstats_heap_inuse_bytes", "gauge", "Bytes in in-use heap spans.")
	b.WriteString("go_memstats_heap_inuse_bytes " + strconv.FormatUint(ms.HeapInuse, 10) + "\n")
	header("go_memstats_sys_bytes", "gauge", "Bytes obtained from the system.")
	b.WriteString("go_memstats_sys_bytes " + strconv.FormatUint(ms.Sys, 10) + "\n")
	header("process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch, in seconds.")
	b.WriteString("process_start_time_seconds " + strconv.FormatInt(m.started.Unix(), 10) + "\n")
	return b.Flush()
}

// label quotes a label value as the text format asks: backslash, double
// quote and line feed escaped.
func label(v string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v) + `"`
}
