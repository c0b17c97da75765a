package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"time"

	"github.com/successkit/cs/cmd/successkit/internal/server"
	"github.com/successkit/cs/cycle"
	"github.com/successkit/cs/drivers"
	"github.com/successkit/cs/store"
)

// cmdServe serves the HTTP API and the dashboard on a store until SIGINT or
// SIGTERM, then lets the requests in flight finish.
func cmdServe(ctx context.Context, env *Env, args []string) error {
	c := newCLI(env, "serve", "[flags]",
		`Serves the JSON API (/v1/..., described at /v1/openapi.json) for CRM plugins
in any language, and the dashboard (/ui/), on the store. Every request needs a
token (successkit token create) but /healthz and /readyz. Runs posted to
/v1/runs use the configurations given here, as successkit run does: start the
server with the same -health, -policy, -playbook and -capacity as your runs.
Inputs uploaded to /v1/inputs wait in the -staging directory for their run.
SIGINT or SIGTERM stops accepting connections and lets the requests in
flight finish (up to -shutdown-timeout); a run is one transaction, committed
whole or rolled back.`,
		"successkit serve -db demo.db -addr 127.0.0.1:8080",
		"successkit serve -db postgres://cs@db/cs -addr :8080 -staging /var/lib/successkit/inputs").withDB()
	addr := c.fs.String("addr", "127.0.0.1:8080", "the `address` to listen on (host:port)")
	staging := c.fs.String("staging", "", "the `directory` uploaded inputs wait in (default: next to a SQLite store, DB.inputs; none for PostgreSQL)")
	files := c.configFlags()
	strict := c.fs.Bool("strict", false, "refuse a run when a measure, touch rule or play reads an input no customer has")
	logFormat := c.fs.String("log", "json", "access log `format` on standard error: json or text")
	rate := c.fs.Float64("rate", 100, "requests a `second` allowed per token (429 beyond)")
	burst := c.fs.Int("burst", 0, "requests allowed at once per token (default 2×rate)")
	maxBatch := c.fs.Int("max-batch", 5000, "the most customers of one batch scoring `request`")
	batchConc := c.fs.Int("batch-concurrency", 0, "batch requests (scoring, ingest, runs) run at `once` (default GOMAXPROCS)")
	shutdown := c.fs.Duration("shutdown-timeout", 30*time.Second, "how long to wait for requests in flight on SIGTERM")
	pos, err := c.parse(args)
	if err != nil {
		return err
	}
	if err := c.want(pos); err != nil {
		return err
	}
	var handler slog.Handler
	switch *logFormat {
	case "json":
		handler = slog.NewJSONHandler(env.Stderr, nil)
	case "text":
		handler = slog.NewTextHandler(env.Stderr, nil)
	default:
		return usageErr("successkit serve: -log %q: want json or text", *logFormat)
	}
	cfg, err := files.load()
	if err != nil {
		return c.errorf("%w", err)
	}
	st, err := openStore(ctx, *c.db)
	if err != nil {
		return c.errorf("%w", err)
	}
	defer st.Close()
	rn, err := newRunner(st, cfg, *strict)
	if err != nil {
		return c.errorf("%w", err)
	}
	if *staging == "" && !drivers.IsPostgres(*c.db) {
		*staging = strings.TrimSuffix(*c.db, filepath.Ext(*c.db)) + ".inputs"
	}
	srv, err := server.New(server.Config{
		Store: st, Cycle: rn.cyc, Staging: *staging, Logger: slog.New(handler), Now: env.Now,
		Run: func(ctx context.Context, in cycle.Input, inputs []string, by string, at time.Time, rewrite bool) (store.Run, *cycle.Report, error) {
			res, run, err := rn.run(ctx, week{input: in, inputs: inputs, by: by, at: at, force: rewrite})
			if err != nil {
				return run, nil, err
			}
			return run, &res.Report, nil
		},
		Limits: server.Limits{Rate: *rate, Burst: *burst, MaxBatch: *maxBatch, BatchConcurrency: *batchConc, ShutdownTimeout: *shutdown},
	})
	if err != nil {
		return c.errorf("%w", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return c.errorf("%w", err)
	}
	fmt.Fprintf(env.Stderr, "successkit serve: listening on http://%s (API /v1/, dashboard /ui/)\n", ln.Addr())
	if err := srv.Serve(ctx, ln); err != nil {
		return c.errorf("%w", err)
	}
	fmt.Fprintln(env.Stderr, "successkit serve: stopped")
	return nil
}
