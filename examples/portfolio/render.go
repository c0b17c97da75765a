package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/successkit/cs"
)

func writeJSON(w io.Writer, r *report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("portfolio: %w", err)
	}
	return nil
}

// textWriter accumulates the text report and keeps the first write error.
type textWriter struct {
	w   io.Writer
	err error
}

func (t *textWriter) printf(format string, args ...any) {
	if t.err == nil {
		_, t.err = fmt.Fprintf(t.w, format, args...)
	}
}

// table prints rows with the first column aligned left and the others right.
func (t *textWriter) table(header []string, rows [][]string) {
	widths := make([]int, len(header))
	for _, r := range append([][]string{header}, rows...) {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range append([][]string{header}, rows...) {
		var b strings.Builder
		b.WriteString("  ")
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			if i == 0 {
				b.WriteString(c + pad)
			} else {
				b.WriteString("  " + pad + c)
			}
		}
		t.printf("%s\n", strings.TrimRight(b.String(), " "))
	}
}

// money formats an amount with thousands separators and its code: "1,234.50 USD".
func money(m cs.Money) string {
	s := m.Amount().StringFixed(int32(max(m.Currency().Digits(), 0)))
	return group3(s) + " " + string(m.Currency())
}

func group3(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		return sign + b.String() + "." + frac
	}
	return sign + b.String()
}

func count(n int) string { return group3(strconv.Itoa(n)) }

// byCurrency returns one cell per currency of the book, "-" where the list has none.
func byCurrency(currencies []string, ms []cs.Money) []string {
	out := make([]string, len(currencies))
	for i, c := range currencies {
		out[i] = "-"
		for _, m := range ms {
			if string(m.Currency()) == c {
				out[i] = money(m)
			}
		}
	}
	return out
}

func writeText(w io.Writer, r *report) error {
	t := &textWriter{w: w}
	s := &r.Summary
	t.printf("Portfolio: %s, as of %s\n", r.Source, r.AsOf)
	t.printf("%s customers: %s active, %s churned", count(s.Customers), count(s.Active), count(s.Churned))
	if s.NoMRR > 0 {
		t.printf(", %s without MRR", count(s.NoMRR))
	}
	t.printf("\n\n")

	t.printf("MRR by currency (never summed across currencies)\n")
	var rows [][]string
	for _, g := range s.ByCurrency {
		arr := g.MRR[0].MulInt(12)
		rows = append(rows, []string{g.Name, count(g.Customers), money(g.MRR[0]), money(arr)})
	}
	t.table([]string{"currency", "customers", "MRR", "ARR"}, rows)

	groups := func(title, col string, gs []group) {
		t.printf("\n%s\n", title)
		header := append([]string{col, "customers"}, s.Currencies...)
		var rows [][]string
		for _, g := range gs {
			rows = append(rows, append([]string{g.Name, count(g.Customers)}, byCurrency(s.Currencies, g.MRR)...))
		}
		t.table(header, rows)
	}
	groups("Customers and MRR by segment", "segment", s.BySegment)
	groups("Customers and MRR by stage", "stage", s.ByStage)

	t.printf("\nRenewals due from %s (active customers; a monthly contract renews every month)\n", r.AsOf)
	rows = nil
	for _, rw := range s.Renewals {
		rows = append(rows, append([]string{"within " + strconv.Itoa(rw.Days) + " days", count(rw.Customers)}, byCurrency(s.Currencies, rw.MRR)...))
	}
	t.table(append([]string{"window", "customers"}, s.Currencies...), rows)

	if len(r.Rejected) > 0 {
		t.printf("\nRows not read (%d)\n", len(r.Rejected))
		for _, e := range r.Rejected {
			t.printf("  %s\n", e)
		}
	}
	return t.err
}
