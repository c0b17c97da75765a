// Command successkit runs the customer-success cycle of the library
// github.com/successkit/cs week after week on a team's own files, keeping its
// state (scores, tiers, tasks, overrides, outcomes) in a store: a SQLite file
// by default, PostgreSQL for production.
//
//	successkit init                                   create or upgrade successkit.db
//	successkit run -asof 2026-06-30 -customers customers.csv -contacts contacts.csv -mrr mrr.csv
//	successkit tasks -owner csm                       this week's open tasks
//	successkit task done C042/renewal-risk#0 -by ana -note "called, renewing"
//	successkit demo                                   26 weeks of the sample book in one command
//
// Every subcommand lists its flags with -h; `successkit help` lists the
// subcommands. Every subcommand takes -format text|json, exits 0 on success,
// 1 on a failure and 2 on a mistake in its arguments, with a message saying
// what to do. Nothing but a run's recorded time reads the clock: results
// depend only on the inputs and the as-of date. The store is -db, or
// $SUCCESSKIT_DB, or successkit.db in the current directory;
// $SUCCESSKIT_NOW fixes the recorded time (RFC 3339). The Go heap has a soft
// limit of 1,100 MiB unless $GOMEMLIMIT sets another.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"
)

// memoryLimit is the soft limit of the Go heap unless GOMEMLIMIT says
// otherwise: a week on a million customers then peaks near its live memory
// instead of twice it (the garbage collector works harder near the limit; a
// small book never reaches it). It is lower than examples/portfolio's
// because SQLite's memory is outside the Go heap: on a million customers
// 1,250 MiB peaked at 1.56 GB of RSS, 1,100 MiB at 1.41 GB for 12% more CPU.
const memoryLimit = 1100 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	now := time.Now
	// SUCCESSKIT_NOW fixes the time recorded with runs and edits (RFC 3339), so
	// that two stores built from the same commands are equal row for row.
	if v := os.Getenv("SUCCESSKIT_NOW"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			fmt.Fprintf(os.Stderr, "successkit: SUCCESSKIT_NOW=%q: want an RFC 3339 time such as 2026-06-30T09:00:00Z\n", v)
			os.Exit(2)
		}
		now = func() time.Time { return t }
	}
	code := Main(ctx, os.Args[1:], &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Now: now, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}

// Env is what a subcommand may use of the world: its streams, the clock (only
// to record when a run or an edit happened) and the environment. Tests and
// the HTTP server pass their own.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Now            func() time.Time
	Getenv         func(string) string
}
