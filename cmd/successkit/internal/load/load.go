// Package load is a small open-loop HTTP load generator: it sends requests
// at a fixed rate whatever the answers' latency, and measures each latency
// from the moment the request was due, not from when it was sent, so a slow
// server cannot hide its queue (no coordinated omission). The program
// loadgen runs it against a successkit serve; the server's benchmarks run
// it in process.
package load

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Config is one load run.
type Config struct {
	URL         string        // the request URL
	Method      string        // default POST with a body, GET without
	Body        []byte        // sent with each request
	ContentType string        // default application/json with a body
	Token       string        // sent as Authorization: Bearer
	Rate        float64       // requests a second
	Duration    time.Duration // how long to send
	Warmup      time.Duration // sent before the measured run, not counted
	MaxInFlight int           // requests outstanding at most (default 1,000); beyond, a request counts as an error
	Client      *http.Client  // default: a client keeping up to MaxInFlight idle connections
}

// Result is what a run measured.
type Result struct {
	Sent, OK, Errors int
	FirstError       string
	P50, P90, P99    time.Duration
	Max              time.Duration
	Elapsed          time.Duration
}

func (r Result) String() string {
	s := fmt.Sprintf("%d requests in %v (%.0f/s): %d ok, %d errors; latency p50 %v, p90 %v, p99 %v, max %v",
		r.Sent, r.Elapsed.Round(time.Millisecond), float64(r.Sent)/r.Elapsed.Seconds(), r.OK, r.Errors,
		r.P50.Round(time.Microsecond), r.P90.Round(time.Microsecond), r.P99.Round(time.Microsecond), r.Max.Round(time.Microsecond))
	if r.FirstError != "" {
		s += "; first error: " + r.FirstError
	}
	return s
}

// Run sends the load and returns the latencies of the 2xx answers; any
// other answer, a transport error or a request that could not be sent for
// lack of room counts as an error.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if cfg.Rate <= 0 || cfg.Duration <= 0 {
		return Result{}, fmt.Errorf("load: rate and duration must be positive")
	}
	cfg = cfg.withDefaults()
	if cfg.Warmup > 0 {
		w := cfg
		w.Duration, w.Warmup = cfg.Warmup, 0
		if _, err := Run(ctx, w); err != nil {
			return Result{}, err
		}
	}
	interval := time.Duration(float64(time.Second) / cfg.Rate)
	n := int(cfg.Duration / interval)
	l := &loader{cfg: cfg, lat: make([]time.Duration, 0, n), inFlight: make(chan struct{}, cfg.MaxInFlight)}
	start := time.Now()
	for i := 0; i < n; i++ {
		due := start.Add(time.Duration(i) * interval)
		if d := time.Until(due); d > 0 {
			select {
			case <-time.After(d):
			case <-ctx.Done():
				return l.res, ctx.Err()
			}
		}
		l.res.Sent++
		select {
		case l.inFlight <- struct{}{}:
		default:
			l.fail(fmt.Sprintf("more than %d requests outstanding", cfg.MaxInFlight))
			continue
		}
		l.wg.Add(1)
		go l.send(ctx, due)
	}
	l.wg.Wait()
	return l.result(time.Since(start)), nil
}

// withDefaults returns cfg with its zero fields set to their documented
// defaults.
func (cfg Config) withDefaults() Config {
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = 1000
	}
	if cfg.Method == "" {
		cfg.Method = "GET"
		if cfg.Body != nil {
			cfg.Method = "POST"
		}
	}
	if cfg.ContentType == "" && cfg.Body != nil {
		cfg.ContentType = "application/json"
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.MaxInFlight, MaxIdleConns: cfg.MaxInFlight}, Timeout: 30 * time.Second}
	}
	return cfg
}

// A loader is the state of one measured run, shared by its requests.
type loader struct {
	cfg      Config
	inFlight chan struct{} // a slot per outstanding request
	wg       sync.WaitGroup

	mu  sync.Mutex // guards lat and res but for res.Sent, which only Run touches
	lat []time.Duration
	res Result
}

// fail counts an error, keeping the first message.
func (l *loader) fail(msg string) {
	l.mu.Lock()
	l.res.Errors++
	if l.res.FirstError == "" {
		l.res.FirstError = msg
	}
	l.mu.Unlock()
}

// send sends one request that was due at due, records its latency from then
// and frees its slot in l.inFlight.
func (l *loader) send(ctx context.Context, due time.Time) {
	defer func() { <-l.inFlight; l.wg.Done() }()
	cfg := &l.cfg
	req, err := http.NewRequestWithContext(ctx, cfg.Method, cfg.URL, bytes.NewReader(cfg.Body))
	if err != nil {
		l.fail(err.Error())
		return
	}
	if cfg.Token != "" {
		req.Header.Set("Authorization", "Bearer "+cfg.Token)
	}
	if cfg.ContentType != "" {
		req.Header.Set("Content-Type", cfg.ContentType)
	}
	r, err := cfg.Client.Do(req)
	if err != nil {
		l.fail(err.Error())
		return
	}
	_, err = io.Copy(io.Discard, r.Body)
	r.Body.Close()
	took := time.Since(due)
	if err != nil || r.StatusCode/100 != 2 {
		l.fail(fmt.Sprintf("status %d %v", r.StatusCode, err))
		return
	}
	l.mu.Lock()
	l.lat = append(l.lat, took)
	l.res.OK++
	l.mu.Unlock()
}

// result returns the counts with the latency quantiles, once every request
// has finished.
func (l *loader) result(elapsed time.Duration) Result {
	res, lat := l.res, l.lat
	res.Elapsed = elapsed
	slices.Sort(lat)
	q := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	res.P50, res.P90, res.P99 = q(0.50), q(0.90), q(0.99)
	if len(lat) > 0 {
		res.Max = lat[len(lat)-1]
	}
	return res
}
