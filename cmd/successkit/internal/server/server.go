// Package server is the HTTP side of `successkit serve`: a versioned JSON API
// (/v1/...) described by an OpenAPI 3.1 document, for CRM plugins written in
// any language, and a server-rendered dashboard for CS teams, both on the
// store.
//
// Every request but /healthz, /readyz and the dashboard's login form and
// stylesheet carries a bearer token (API) or a session made from one
// (dashboard); a token's scope (read, write, admin) decides what it may do
// and its name is the author of every write in the store's audit. Failures
// are RFC 9457 problem documents whose errors name the JSON path at fault.
// Bodies, headers, time and request rates are bounded per request and per
// token; batch scoring runs a bounded number of requests at a time; SIGTERM
// lets requests in flight finish.
//
// A Server is safe for concurrent use; its limits are fixed when it is made.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/successkit/cs/cycle"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/store"
)

// Limits bounds what one request, one token and the whole server may use.
// The zero value of each field means the default documented beside it.
type Limits struct {
	// MaxBody is the largest request body of an ordinary operation, in bytes
	// (default 1 MiB); a larger body gets 413.
	MaxBody int64
	// MaxBatchBody is the largest body of batch scoring and ingest (default 32 MiB).
	MaxBatchBody int64
	// MaxBatch is the most customers one batch scoring request may hold
	// (default 5,000).
	MaxBatch int
	// BatchConcurrency is how many batch requests (scoring, ingest, runs) run
	// at once (default GOMAXPROCS); BatchWait how long a further one waits for
	// a turn before it gets 503 with Retry-After (default 2 s).
	BatchConcurrency int
	BatchWait        time.Duration
	// Rate is the sustained requests per second allowed per token (default
	// 100) and Burst the most at once (default 2×Rate); beyond them, 429 with
	// Retry-After.
	Rate  float64
	Burst int
	// ReadHeaderTimeout bounds the time to read the request line and headers
	// (default 5 s), ReadTimeout the whole request with its body (default 60 s),
	// WriteTimeout the answer (default 120 s) and IdleTimeout a kept-alive
	// connection between requests (default 60 s). MaxHeaderBytes bounds the
	// headers (default 64 KiB).
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	MaxHeaderBytes    int
	// ShutdownTimeout is how long Serve waits for requests in flight after
	// its context is done (default 30 s).
	ShutdownTimeout time.Duration
}

func (l Limits) withDefaults() Limits {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	if l.MaxBody <= 0 {
		l.MaxBody = 1 << 20
	}
	if l.MaxBatchBody <= 0 {
		l.MaxBatchBody = 32 << 20
	}
	if l.MaxBatch <= 0 {
		l.MaxBatch = 5000
	}
	if l.BatchConcurrency <= 0 {
		l.BatchConcurrency = runtime.GOMAXPROCS(0)
	}
	def(&l.BatchWait, 2*time.Second)
	if l.Rate <= 0 {
		l.Rate = 100
	}
	if l.Burst <= 0 {
		l.Burst = int(2 * l.Rate)
	}
	def(&l.ReadHeaderTimeout, 5*time.Second)
	def(&l.ReadTimeout, 60*time.Second)
	def(&l.WriteTimeout, 120*time.Second)
	def(&l.IdleTimeout, 60*time.Second)
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = 64 << 10
	}
	def(&l.ShutdownTimeout, 30*time.Second)
	return l
}

// Config is what a Server serves.
type Config struct {
	// Store holds the state: tokens, runs, results, tasks, overrides, the
	// audit. It is required.
	Store *store.Store
	// Cycle is the compiled weekly cycle: its scorecard scores the stateless
	// requests and its retention options read staged MRR. Nil answers
	// /v1/runs with 503.
	Cycle *cycle.Cycle
	// Run runs one week into the store for POST /v1/runs; the serve command
	// passes its own runner, so a run through the API equals `successkit
	// run`. Nil runs RunWeek with Cycle.
	Run RunFunc
	// Staging is the directory where uploaded inputs wait for their run, one
	// subdirectory per date; "" refuses uploads (503).
	Staging string
	// Scorer scores the stateless scoring requests; nil means the Cycle's
	// scorecard, or the sample one without a Cycle.
	Scorer *health.Scorer
	// Logger receives one structured line per request; nil discards them.
	Logger *slog.Logger
	// Now is the clock (the server stamps writes and sessions with it); nil
	// means time.Now.
	Now    func() time.Time
	Limits Limits
}

// RunFunc runs one week of the cycle on in and stores it in one
// transaction, recorded as read from inputs by by at at; rewrite allows a
// date before the latest run. A date before the latest run without rewrite
// is an error wrapping store.ErrPastRun.
type RunFunc func(ctx context.Context, in cycle.Input, inputs []string, by string, at time.Time, rewrite bool) (store.Run, *cycle.Report, error)

// Server answers the API and the dashboard. Make it with New.
type Server struct {
	store   *store.Store
	cycle   *cycle.Cycle
	run     RunFunc
	staging string
	scorer  *health.Scorer
	log     *slog.Logger
	now     func() time.Time
	lim     Limits

	mux      *http.ServeMux
	handler  http.Handler
	limiter  *rateLimiter
	lookups  *rateLimiter  // store lookups of unconfirmed tokens, per client address
	batch    chan struct{} // batch-operation slots
	metrics  *metrics
	sessions *sessions
	tokens   tokenCache
	stopping atomic.Bool
	reqID    atomic.Uint64
}

// New returns a server for the configuration.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("server: Config.Store is nil")
	}
	s := &Server{store: cfg.Store, cycle: cfg.Cycle, run: cfg.Run, staging: cfg.Staging, scorer: cfg.Scorer, log: cfg.Logger, now: cfg.Now, lim: cfg.Limits.withDefaults()}
	if s.scorer == nil && s.cycle != nil {
		s.scorer = s.cycle.Config().Scorer
	}
	if s.scorer == nil {
		var err error
		if s.scorer, err = health.Compile(health.SampleConfig()); err != nil {
			return nil, fmt.Errorf("server: %w", err)
		}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.limiter = newRateLimiter(s.lim.Rate, s.lim.Burst)
	s.lookups = newRateLimiter(max(s.lim.Rate/5, 20), max(s.lim.Burst/5, 40))
	s.batch = make(chan struct{}, s.lim.BatchConcurrency)
	s.metrics = newMetrics()
	s.sessions = newSessions()
	s.routes()
	return s, nil
}

// Handler returns the server's HTTP handler: the API, the dashboard, the
// probes and the metrics, with logging, metrics and panic recovery.
func (s *Server) Handler() http.Handler { return s.handler }

// HTTPServer returns an http.Server for the handler with the server's
// timeouts and header limit.
func (s *Server) HTTPServer() *http.Server {
	return &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.lim.ReadHeaderTimeout,
		ReadTimeout:       s.lim.ReadTimeout,
		WriteTimeout:      s.lim.WriteTimeout,
		IdleTimeout:       s.lim.IdleTimeout,
		MaxHeaderBytes:    s.lim.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

// Serve answers on ln until ctx is done, then stops accepting connections,
// answers /readyz with 503, waits up to Limits.ShutdownTimeout for the
// requests in flight (a write either commits whole or is rolled back by the
// store) and returns. It returns nil after a clean shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := s.HTTPServer()
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	s.stopping.Store(true)
	s.log.Info("shutting down", "timeout", s.lim.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.lim.ShutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if serr := <-done; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if err != nil {
		hs.Close()
		return fmt.Errorf("server: shutdown: %w", err)
	}
	return nil
}
