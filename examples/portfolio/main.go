// Command portfolio runs the library on a book of customers and prints what a
// customer-success team needs to know this week. With no flags it generates the
// sample book of package samplebook (2,000 customers, seed 1, as of 2026-06-30), so
// it runs anywhere with no files:
//
//	go run ./examples/portfolio
//
// The flow, each step through its package's public API: a summary of the book
// (customers and MRR by segment, stage and currency, renewals due); effort (friction
// of the support cases, CES, the silently dissatisfied), whose signals (friction,
// fcr_rate, ces) are added to the customers; health (the sample scorecard: grades,
// MRR at risk, the accounts pulling the book down, the book's trend from the monthly
// snapshots); touch (tiers by the policy, CSM load); playbook (the default
// playbook, this week's plan within each role's capacity); retention (MRR
// movements, GRR, NRR, cohorts). MRR is never added across currencies, except
// where a step needs one currency (tiers, task ranking, retention), which converts
// at the touch policy's rates and says so.
//
// Flags:
//
//	-customers file.csv  read customers from the cs CSV layout instead of the sample book
//	-asof YYYY-MM-DD     the date the report is as of; the sample book is generated as
//	                     of it (default 2026-06-30); required with -customers
//	-seed N              generate the sample book with another seed
//	-format text|json    a readable report (default) or one JSON document
//	-report file.html    also write the report as a self-contained HTML page with
//	                     SVG charts (no script, no network)
//	-write DIR           write the sample book's CSV files into DIR and stop
//	-policy file.json    the touch policy (default: the embedded policy.json)
//	-health file.json    the health scorecard (default: the sample scorecard)
//	-contacts, -events, -surveys, -mrr, -outcomes, -snapshots file.csv
//	                     the other files of a user's book, in the sample book's
//	                     formats (with -customers); a step without its file is skipped
//
// -h lists the flags. The output depends only on the flags and the input: the
// program never reads the clock.
//
// The flow is the library's weekly cycle (package cycle), which streams the
// customers twice and keeps a few words per customer; the program adds the
// book's trend and the backtest from the monthly snapshots and outcomes.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		if errors.Is(err, errHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run is the program, with its arguments and output as parameters so that the
// golden tests run it in-process.
func run(args []string, stdout io.Writer) error {
	opts, err := parseFlags(args, stdout)
	if err != nil {
		return err
	}
	// The configurations are checked before the book is loaded, so a bad one
	// fails fast.
	if opts.assigner, err = loadPolicy(opts.policy); err != nil {
		return err
	}
	if opts.scorer, err = loadScorecard(opts.health); err != nil {
		return err
	}
	in, err := load(opts)
	if err != nil {
		return err
	}
	if opts.write != "" {
		return writeBook(in, opts.write, stdout)
	}
	rep, err := build(in, opts)
	if err != nil {
		return err
	}
	if opts.report != "" {
		if err := writeHTMLFile(opts.report, rep); err != nil {
			return err
		}
	}
	switch opts.format {
	case "json":
		return writeJSON(stdout, rep)
	default:
		return writeText(stdout, rep)
	}
}
