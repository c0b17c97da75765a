package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/successkit/cs"
)

// cli is one subcommand's command line: its flags, with -format (and -db for
// those using the store), and the usage -h prints.
type cli struct {
	env      *Env
	fs       *flag.FlagSet
	name     string // "run", "task done"
	synopsis string // "-asof DATE -customers FILE [flags]"
	about    string
	examples []string
	format   *string
	db       *string
}

func newCLI(env *Env, name, synopsis, about string, examples ...string) *cli {
	c := &cli{env: env, fs: flag.NewFlagSet("successkit "+name, flag.ContinueOnError), name: name, synopsis: synopsis,
		about: about, examples: examples}
	c.fs.SetOutput(io.Discard)
	c.format = c.fs.String("format", "text", "output `format`: text or json")
	return c
}

// withDB adds -db: the store, a SQLite file or a postgres:// URL.
func (c *cli) withDB() *cli {
	def := "successkit.db"
	if v := c.env.Getenv("SUCCESSKIT_DB"); v != "" {
		def = v
	}
	c.db = c.fs.String("db", def, "the store: a SQLite `file` (created if missing) or a postgres:// URL; $SUCCESSKIT_DB sets the default")
	return c
}

func (c *cli) usage(w io.Writer) {
	fmt.Fprintf(w, "Usage: successkit %s %s\n\n%s\n\nExample", c.name, c.synopsis, c.about)
	if len(c.examples) > 1 {
		fmt.Fprint(w, "s")
	}
	fmt.Fprint(w, ":\n")
	for _, e := range c.examples {
		fmt.Fprintf(w, "  %s\n", e)
	}
	fmt.Fprint(w, "\nFlags:\n")
	c.fs.SetOutput(w)
	c.fs.PrintDefaults()
	c.fs.SetOutput(io.Discard)
}

// parse parses the arguments, flags and positional ones in any order, and
// returns the positional ones. -h prints the usage (errHelp); a bad flag is a
// usage error naming the subcommand.
func (c *cli) parse(args []string) ([]string, error) {
	var pos []string
	for {
		if err := c.fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				c.usage(c.env.Stdout)
				return nil, errHelp
			}
			return nil, usageErr("successkit %s: %v (see successkit %s -h)", c.name, err, c.name)
		}
		args = c.fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	switch *c.format {
	case "text", "json":
	default:
		return nil, usageErr("successkit %s: -format %q: want text or json", c.name, *c.format)
	}
	return pos, nil
}

// want checks the number of positional arguments.
func (c *cli) want(pos []string, names ...string) error {
	if len(pos) < len(names) {
		return usageErr("successkit %s: missing %s (see successkit %s -h)", c.name, names[len(pos)], c.name)
	}
	if len(pos) > len(names) {
		return usageErr("successkit %s: unexpected argument %q", c.name, pos[len(names)])
	}
	return nil
}

// errorf is a failure of the subcommand, prefixed with its name.
func (c *cli) errorf(format string, args ...any) error {
	return fmt.Errorf("successkit %s: "+format, append([]any{c.name}, args...)...)
}

// output prints v as JSON with -format json, else calls text.
func (c *cli) output(v any, text func(w *textOut)) error {
	if *c.format == "json" {
		enc := json.NewEncoder(c.env.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return c.errorf("%w", err)
		}
		return nil
	}
	t := &textOut{w: c.env.Stdout}
	text(t)
	if t.err != nil {
		return c.errorf("%w", t.err)
	}
	return nil
}

// dateFlag is a flag holding a cs.Date.
type dateFlag struct{ d *cs.Date }

func (f dateFlag) String() string {
	if f.d == nil || f.d.IsZero() {
		return ""
	}
	return f.d.String()
}

func (f dateFlag) Set(s string) error {
	d, err := cs.ParseDate(s)
	if err != nil {
		return err
	}
	*f.d = d
	return nil
}

func (c *cli) date(name, usage string) *cs.Date {
	d := new(cs.Date)
	c.fs.Var(dateFlag{d}, name, usage)
	return d
}

// textOut writes text and keeps the first error.
type textOut struct {
	w   io.Writer
	err error
}

func (t *textOut) printf(format string, args ...any) {
	if t.err == nil {
		_, t.err = fmt.Fprintf(t.w, format, args...)
	}
}

// table prints rows in aligned columns, the first left-aligned when align
// says 'l' for it.
func (t *textOut) table(align string, header []string, rows [][]string) {
	widths := make([]int, len(header))
	all := append([][]string{header}, rows...)
	for _, r := range all {
		for i, c := range r {
			if i < len(widths) {
				widths[i] = max(widths[i], len([]rune(c)))
			}
		}
	}
	for _, r := range all {
		var b strings.Builder
		for i, c := range r {
			if i >= len(widths) {
				break
			}
			pad := strings.Repeat(" ", widths[i]-len([]rune(c)))
			b.WriteString("  ")
			if i < len(align) && align[i] == 'l' {
				b.WriteString(c + pad)
			} else {
				b.WriteString(pad + c)
			}
		}
		t.printf("%s\n", strings.TrimRight(b.String(), " "))
	}
}
