package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
)

// command is one subcommand: its name, a line saying what it does, and the
// function running it on its arguments (after the subcommand's name).
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *Env, args []string) error
}

// commands is the table of subcommands, in the order help lists them. A new
// subcommand is one entry here and a function.
func commands() []command {
	return []command{
		{"init", "create or upgrade a store (SQLite file, or -db postgres://…)", cmdInit},
		{"run", "run one week of the cycle on your files and store it", cmdRun},
		{"tasks", "list tasks: open, due, overdue, deferred, by owner", cmdTasks},
		{"task", "close a task: task done|skip KEY -by WHO -note …", cmdTask},
		{"override", "health overrides: override set|revoke|list", cmdOverride},
		{"history", "a customer's scores, grades, tiers and tasks over time", cmdHistory},
		{"assess", "check which plays worked, and what to change", cmdAssess},
		{"report", "write a self-contained HTML report from the store", cmdReport},
		{"replay", "run the cycle at every month-end of a history file, then assess the plays", cmdReplay},
		{"demo", "26 weekly cycles on the bundled sample book", cmdDemo},
		{"serve", "serve the HTTP API for CRM plugins and the dashboard", cmdServe},
		{"token", "API tokens for serve: token create|revoke|list", cmdToken},
	}
}

// Main runs the command line args and returns the exit code: 0 on success, 1
// on a failure, 2 on a mistake in the arguments.
func Main(ctx context.Context, args []string, env *Env) int {
	err := dispatch(ctx, args, env)
	switch {
	case err == nil, errors.Is(err, errHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintln(env.Stderr, err)
		return 2
	default:
		fmt.Fprintln(env.Stderr, err)
		return 1
	}
}

func dispatch(ctx context.Context, args []string, env *Env) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		if len(args) > 1 {
			if args[1] == "mapping" {
				fmt.Fprint(env.Stdout, mappingHelp)
				return errHelp
			}
			return dispatch(ctx, append(args[1:], "-h"), env)
		}
		writeHelp(env)
		if len(args) == 0 {
			return usageErr("successkit: no subcommand given")
		}
		return errHelp
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, env, args[1:])
		}
	}
	return usageErr("successkit: unknown subcommand %q (see successkit help)", args[0])
}

func writeHelp(env *Env) {
	var b strings.Builder
	b.WriteString("Usage: successkit <subcommand> [flags]\n\nRuns the customer-success cycle week after week on your own files, with its\nstate in a store (successkit.db, or -db postgres://…).\n\nSubcommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-9s %s\n", c.name, c.summary)
	}
	b.WriteString("\nRun successkit <subcommand> -h for its flags and an example, and successkit help\nmapping for the column mapping of your own customer files.\n")
	fmt.Fprint(env.Stdout, b.String())
}

// errHelp: -h printed the usage; the exit code is 0.
var errHelp = flag.ErrHelp

// errUsage marks a mistake in the arguments (exit code 2).
var errUsage = errors.New("usage")

type usageError struct{ msg string }

func (e *usageError) Error() string        { return e.msg }
func (e *usageError) Is(target error) bool { return target == errUsage }

func usageErr(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}
