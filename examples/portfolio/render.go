package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/successkit/cs"
	"github.com/successkit/cs/touch"
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

// table prints rows aligned in columns: align has one letter per column, 'l' for
// left (text) and 'r' for right (figures); columns beyond it are right-aligned.
func (t *textWriter) table(align string, header []string, rows [][]string) {
	widths := make([]int, len(header))
	all := append([][]string{header}, rows...)
	for _, r := range all {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range all {
		var b strings.Builder
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
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

// money formats an amount with thousands separators and its code: "1,234.50 USD".
// A missing amount prints as "-".
func money(m cs.Money) string {
	if m.Currency() == "" {
		return "-"
	}
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
	t.table("l", []string{"currency", "customers", "MRR", "ARR"}, rows)

	groups := func(title, col string, gs []group) {
		t.printf("\n%s\n", title)
		header := append([]string{col, "customers"}, s.Currencies...)
		var rows [][]string
		for _, g := range gs {
			rows = append(rows, append([]string{g.Name, count(g.Customers)}, byCurrency(s.Currencies, g.MRR)...))
		}
		t.table("l", header, rows)
	}
	groups("Customers and MRR by segment", "segment", s.BySegment)
	groups("Customers and MRR by stage", "stage", s.ByStage)

	t.printf("\nRenewals due from %s (active customers; a monthly contract renews every month)\n", r.AsOf)
	rows = nil
	for _, rw := range s.Renewals {
		rows = append(rows, append([]string{"within " + strconv.Itoa(rw.Days) + " days", count(rw.Customers)}, byCurrency(s.Currencies, rw.MRR)...))
	}
	t.table("l", append([]string{"window", "customers"}, s.Currencies...), rows)

	if r.Health != nil {
		writeHealth(t, r.Health, s.Currencies)
	}
	if r.Effort != nil {
		writeEffort(t, r.Effort)
	}
	if r.Touch != nil {
		writeTouch(t, r.Touch)
	}
	if r.Playbook != nil {
		writePlaybook(t, r.Playbook)
	}
	if r.Retention != nil {
		writeRetention(t, r.Retention)
	}
	if r.Backtest != nil {
		writeBacktest(t, r.Backtest)
	}

	if len(r.Rejected) > 0 {
		t.printf("\nRows not read (%d)\n", max(r.rejectedN, len(r.Rejected)))
		for _, e := range r.Rejected {
			t.printf("  %s\n", e)
		}
	}
	return t.err
}

// signedPct formats a growth rate as "+12%" or "-3%".
func signedPct(x float64) string {
	if x >= 0 {
		return "+" + pct(x)
	}
	return pct(x)
}

func pct(x float64) string { return strconv.FormatFloat(x*100, 'f', 0, 64) + "%" }

func fixed(x float64, digits int) string { return strconv.FormatFloat(x, 'f', digits, 64) }

func moneyList(ms []cs.Money) string {
	if len(ms) == 0 {
		return "none"
	}
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = money(m)
	}
	return strings.Join(parts, ", ")
}

func writeHealth(t *textWriter, h *healthSection, currencies []string) {
	t.printf("\nHealth (scorecard %s; active customers)\n", h.Scorecard)
	var rows [][]string
	for _, g := range h.Grades {
		rows = append(rows, append([]string{g.Grade, count(g.Customers)}, byCurrency(currencies, g.MRR)...))
	}
	t.table("l", append([]string{"grade", "customers"}, currencies...), rows)
	if h.RiskGrade != "" {
		t.printf("MRR at risk (grade %s): %s\n", h.RiskGrade, moneyList(h.AtRisk))
	}

	if len(h.Worst) > 0 {
		t.printf("\nAccounts pulling the book down (grade %s, largest share of their currency's MRR first) and why\n", h.RiskGrade)
		rows = nil
		for _, a := range h.Worst {
			why := a.Weakest + " = " + strconv.FormatFloat(a.Raw, 'f', -1, 64)
			if len(a.Vetoes) > 0 {
				why += "; capped by " + strings.Join(a.Vetoes, ", ")
			}
			rows = append(rows, []string{a.ID, a.Name, fixed(a.Score, 1), money(a.MRR), fixed(a.Share*100, 2) + "%", why})
		}
		t.table("llrrrl", []string{"id", "name", "score", "MRR", "share", "weakest measure"}, rows)
	}

	if len(h.Trend) > 0 {
		grades := make([]string, 0, len(h.Grades))
		for _, g := range h.Grades {
			grades = append(grades, g.Grade)
		}
		t.printf("\nHealth trend of the book (mean score and share of each grade, month by month)\n")
		rows = nil
		for _, p := range h.Trend {
			row := []string{p.AsOf.String(), count(p.Scored), fixed(p.Mean, 1)}
			for _, g := range grades {
				row = append(row, pct(p.Shares[g]))
			}
			rows = append(rows, row)
		}
		t.table("l", append([]string{"month-end", "scored", "mean"}, grades...), rows)
	}
	writeErrors(t, "health", h.Errors, h.errorN)
}

func writeEffort(t *textWriter, e *effortSection) {
	t.printf("\nCustomer effort: %s support cases of %s customers; %s CES answers in the last 90 days",
		count(e.Cases), count(e.Customers), count(e.Answers))
	if e.MeanCES2 > 0 {
		t.printf(" (CES 2.0 mean %s, %s easy)", fixed(e.MeanCES2, 2), pct(e.ShareEasy))
	}
	t.printf("\n")
	if len(e.HotSpots) > 0 {
		t.printf("\nFriction hot spots (highest friction 0-100, recent cases weigh more)\n")
		var rows [][]string
		for _, h := range e.HotSpots {
			var ds []string
			for _, d := range h.Drivers {
				ds = append(ds, d.Name+" "+fixed(d.Points, 0))
			}
			rows = append(rows, []string{h.ID, h.Name, fixed(h.Friction, 1), count(h.Cases), pct(h.FCRRate), strings.Join(ds, ", ")})
		}
		t.table("llrrrl", []string{"id", "name", "friction", "cases", "FCR", "main drivers (points)"}, rows)
	}
	t.printf("\nSilently dissatisfied: %s customers show trouble and have not spoken up in 90 days\n", count(e.SilentN))
	if len(e.Silent) > 0 {
		var rows [][]string
		for _, s := range e.Silent {
			var ev []string
			for _, x := range s.Evidence {
				ev = append(ev, x.Sign+" "+strconv.FormatFloat(round2(x.Value), 'f', -1, 64))
			}
			rows = append(rows, []string{s.ID, s.Name, money(s.MRR), strings.Join(ev, ", ")})
		}
		t.table("llrl", []string{"id", "name", "MRR", "evidence"}, rows)
	}
	writeErrors(t, "effort", e.Errors, e.errorN)
}

// writeErrors prints how many records a step refused and the first few.
// n counts them all; errs may hold only the first ones.
func writeErrors(t *textWriter, step string, errs []string, n int) {
	if len(errs) == 0 {
		return
	}
	t.printf("%s: %d records refused", step, max(n, len(errs)))
	if len(errs) > 3 {
		t.printf(" (first 3 shown)")
	}
	t.printf("\n")
	for _, e := range errs[:min(3, len(errs))] {
		t.printf("  %s\n", e)
	}
}

func capacityText(c touch.Capacity) string {
	if c.Accounts < 0 {
		return "no limit"
	}
	return count(c.Accounts)
}

func writeTouch(t *textWriter, s *touchSection) {
	t.printf("\nTouch tiers (by %s in %s", strings.ToUpper(s.Basis), s.Currency)
	var rates []string
	for _, cur := range slices.Sorted(maps.Keys(s.Rates)) {
		rates = append(rates, cur+" at "+s.Rates[cur])
	}
	if len(rates) > 0 {
		t.printf("; %s converted at the policy's rates", strings.Join(rates, ", "))
	}
	t.printf(")\n")
	var rows [][]string
	for _, tr := range s.Tiers {
		perCSM, arrPerCSM := "-", "-"
		if tr.Headcount > 0 {
			perCSM, arrPerCSM = fixed(tr.AccountsPerCSM, 1), money(tr.ARRPerCSM)
		}
		rows = append(rows, []string{tr.Tier.String(), count(tr.Accounts), money(tr.ARR), count(tr.Headcount),
			perCSM, arrPerCSM, capacityText(tr.Capacity), capacityText(tr.Left), count(tr.Overflow)})
	}
	t.table("l", []string{"tier", "accounts", "ARR", "CSMs", "accounts/CSM", "ARR/CSM", "capacity", "left", "overflow"}, rows)
	t.printf("\nCSM load\n")
	rows = nil
	for _, tr := range s.Tiers {
		for _, c := range tr.CSMs {
			name := c.Name
			if c.Pooled {
				name += " (pool of " + strconv.Itoa(c.Headcount) + ")"
			}
			rows = append(rows, []string{name, tr.Tier.String(), count(c.Accounts), money(c.ARR)})
		}
	}
	t.table("ll", []string{"CSM", "tier", "accounts", "ARR"}, rows)
	t.printf("Community touch: %s accounts invited. Upgrade candidates (tech touch, value or usage rising): %s\n",
		count(s.Community), count(s.CandidateN))
	if len(s.Candidates) > 0 {
		t.printf("\nUpgrade candidates for low touch (highest value first)\n")
		var rows [][]string
		for _, c := range s.Candidates {
			was, growth, usage := "-", "-", "-"
			if !c.PreviousValue.IsZero() {
				was, growth = money(c.PreviousValue), signedPct(c.ValueGrowth)
			}
			if c.UsageKnown {
				usage = strconv.FormatFloat(c.UsageTrend, 'f', 2, 64)
			}
			rows = append(rows, []string{c.ID, money(c.Value), was, growth, usage})
		}
		t.table("l", []string{"id", "value", "a month ago", "growth", "usage trend"}, rows)
	}
	if !s.PreviousAsOf.IsZero() {
		t.printf("\nTier changes since %s: %s\n", s.PreviousAsOf, count(s.ChangeN))
		var rows [][]string
		for _, c := range s.Changes {
			rows = append(rows, []string{c.ID, c.From + " -> " + c.To, c.Reasons})
		}
		t.table("lll", []string{"id", "change", "reasons"}, rows)
	}
	writeErrors(t, "touch", s.Errors, s.errorN)
}

func writePlaybook(t *textWriter, p *playbookSection) {
	t.printf("\nThis week's tasks (default playbook): %s fired; %s to do within capacity, %s deferred\n",
		count(p.Fired), count(p.DoN), count(p.DeferredN))
	var rows [][]string
	for _, play := range slices.Sorted(maps.Keys(p.ByPlay)) {
		rows = append(rows, []string{play, count(p.ByPlay[play])})
	}
	t.table("l", []string{"play", "tasks"}, rows)
	t.printf("\nCapacity used\n")
	rows = nil
	for _, role := range sortedRoles(p.Used) {
		u, c := p.Used[role], p.Capacity[role]
		limit := "no limit"
		switch {
		case c.Hours > 0:
			limit = fixed(c.Hours, 0) + " h"
		case c.Slots > 0:
			limit = count(c.Slots) + " tasks"
		}
		rows = append(rows, []string{role, count(u.Tasks), fixed(u.Hours, 1), limit})
	}
	t.table("l", []string{"owner", "tasks", "hours", "capacity"}, rows)
	if len(p.Do) > 0 {
		t.printf("\nFirst %d tasks to do (priority, then MRR at risk in %s)\n", len(p.Do), p.Currency)
		rows = nil
		for _, k := range p.Do {
			rows = append(rows, []string{k.Priority, k.Customer, k.Name, money(k.MRR), k.Owner, k.Due.String(), k.Title})
		}
		t.table("lllrlll", []string{"priority", "id", "name", "MRR", "owner", "due", "task"}, rows)
		t.printf("Why the first: %s\n", p.Do[0].Why)
	}
	if len(p.Deferred) > 0 {
		t.printf("\nDeferred (first %d)\n", len(p.Deferred))
		for _, d := range p.Deferred {
			t.printf("  %s %s %s: %s\n", d.Task.Customer, d.Task.Play, d.Task.Owner, d.Why)
		}
	}
	writeErrors(t, "playbook", p.Errors, p.errorN)
}

func writeRetention(t *textWriter, r *retentionSection) {
	t.printf("\nMRR movements (in %s", r.Currency)
	var rates []string
	for _, cur := range slices.Sorted(maps.Keys(r.Rates)) {
		rates = append(rates, cur+" at "+r.Rates[cur])
	}
	if len(rates) > 0 {
		t.printf("; %s held constant, so no movement comes from exchange rates", strings.Join(rates, ", "))
	}
	t.printf(")\n")
	var rows [][]string
	for _, m := range r.Monthly {
		rows = append(rows, []string{m.Month.String(), money(m.MRR), money(m.New), money(m.Expansion),
			money(m.Contraction.Neg()), money(m.Churn.Neg()), money(m.Reactivation)})
	}
	t.table("l", []string{"month", "MRR", "new", "expansion", "contraction", "churn", "reactivation"}, rows)
	if y := r.Year; y != nil {
		t.printf("\nLast 12 months (%s to %s): MRR %s -> %s\n", y.From, y.To, money(y.StartMRR), money(y.EndMRR))
		t.printf("  GRR %s, NRR %s, gross MRR churn %s, net MRR churn %s, quick ratio %s\n", y.GRR, y.NRR, y.GrossMRRChurn, y.NetMRRChurn, y.QuickRatio)
		t.printf("  customers %s -> %s: %s lost, %s new, %s reactivated; logo churn %s (ChartMogul)\n",
			count(y.StartCustomers), count(y.EndCustomers), count(y.LostCustomers), count(y.NewCustomers), count(y.ReactivatedCust), y.LogoChurn)
	}
	if len(r.Cohorts) > 0 {
		ages := []int{0, 1, 3, 6, 9, 12, 18}
		t.printf("\nCohorts: share of each cohort's customers still paying, by months since their first payment\n")
		header := []string{"cohort", "customers"}
		for _, a := range ages {
			header = append(header, "m"+strconv.Itoa(a))
		}
		rows = nil
		for _, c := range r.Cohorts {
			row := []string{c.Start.String(), count(c.Customers)}
			for _, a := range ages {
				cell := ""
				if a < len(c.Retention) && c.Retention[a] != nil {
					cell = pct(*c.Retention[a])
				}
				row = append(row, cell)
			}
			rows = append(rows, row)
		}
		t.table("l", header, rows)
		t.printf("The first cohort holds every customer already paying when the book begins.\n")
	}
	writeErrors(t, "retention", r.Errors, r.errorN)
}

func writeBacktest(t *textWriter, b *backtestSection) {
	t.printf("\nDoes the health score predict churn? (backtest against the outcomes)\n")
	if len(b.Grades) == 0 {
		t.printf("  %s\n", b.Note)
		writeErrors(t, "backtest", b.Errors, len(b.Errors))
		return
	}
	t.printf("  %s customers, %s churned afterwards (base rate %s); AUC %s (95%% interval %s to %s, %s)\n",
		count(b.N), count(b.Churners), pct1(b.BaseRate), fixed(b.AUC, 3), fixed(b.AUCLow, 3), fixed(b.AUCHigh, 3), b.Method)
	var rows [][]string
	for _, g := range b.Grades {
		rows = append(rows, []string{g.Grade, count(g.Accounts), count(g.Churners), pct1(g.ChurnRate), fixed(g.Lift, 2)})
	}
	t.table("l", []string{"grade", "customers", "churned", "churn rate", "lift"}, rows)
	t.printf("  flag %s: precision %s, recall %s, lift %s", strings.Join(b.Flag, ","), pct1(b.Precision), pct1(b.Recall), fixed(b.Lift, 2))
	if b.LeadN > 0 {
		t.printf("; flagged churners were flagged a median %s days before churning (%d churners)", fixed(b.LeadDays, 0), b.LeadN)
	}
	t.printf("\n")
	writeErrors(t, "backtest", b.Errors, len(b.Errors))
}

func pct1(x float64) string { return strconv.FormatFloat(x*100, 'f', 1, 64) + "%" }
