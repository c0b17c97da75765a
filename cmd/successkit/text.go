package main

import (
	"strconv"
	"strings"

	"github.com/successkit/cs"
	"github.com/successkit/cs/cycle"
)

// count formats a count with thousands separators.
func count(n int) string { return group3(strconv.Itoa(n)) }

// money formats an amount with thousands separators and its code: "1,234.50
// USD"; a missing amount prints as "-".
func money(m cs.Money) string {
	if m.Currency() == "" {
		return "-"
	}
	s := m.Amount().StringFixed(int32(max(m.Currency().Digits(), 0)))
	return group3(s) + " " + string(m.Currency())
}

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
	out := sign + b.String()
	if hasFrac {
		out += "." + frac
	}
	return out
}

func fixed(x float64, digits int) string { return strconv.FormatFloat(x, 'f', digits, 64) }

// writeWeek prints a run's report: the book, health, what changed since the
// previous run and this week's plan.
func writeWeek(t *textOut, r *cycle.Report, db string) {
	t.printf("Week of %s", r.AsOf)
	if !r.Previous.IsZero() {
		t.printf(" (previous run %s)", r.Previous)
	} else {
		t.printf(" (first run)")
	}
	if db != "" {
		t.printf(", stored in %s", db)
	}
	t.printf("\n")
	writeSummary(t, r)
	writeChanges(t, r, 10)
	writePlan(t, r, 10)
	if len(r.Unread) > 0 {
		t.printf("\nInputs no customer has\n")
		for _, u := range r.Unread {
			t.printf("  %s\n", u.Message)
		}
	}
	writeProblems(t, "Rows not read", r.Rejected)
	writeProblems(t, "Health errors", r.Health.Errors)
	if r.Effort != nil {
		writeProblems(t, "Effort records refused", r.Effort.Errors)
	}
	if r.Touch != nil {
		writeProblems(t, "Touch errors", r.Touch.Errors)
	}
	if r.Playbook != nil {
		writeProblems(t, "Playbook errors", r.Playbook.Errors)
	}
	if r.Retention != nil {
		writeProblems(t, "MRR records refused", r.Retention.Errors)
	}
}

func writeSummary(t *textOut, r *cycle.Report) {
	b := &r.Book
	t.printf("Book: %s customers, %s active, %s churned\n", count(b.Customers), count(b.Active), count(b.Churned))
	h := &r.Health
	var grades []string
	for _, g := range h.Grades {
		grades = append(grades, count(g.Customers)+" "+g.Grade)
	}
	t.printf("Health: %s (mean score %s)", strings.Join(grades, ", "), fixed(h.MeanScore, 1))
	if h.RiskGrade != "" {
		t.printf("; MRR %s: %s", h.RiskGrade, moneyList(h.AtRisk))
	}
	t.printf("\n")
	if tr := r.Touch; tr != nil && len(tr.Tiers) > 0 {
		var tiers []string
		for _, x := range tr.Tiers {
			tiers = append(tiers, count(x.Accounts)+" "+x.Tier.String())
		}
		t.printf("Touch: %s; %s in the community\n", strings.Join(tiers, ", "), count(tr.Community))
	}
	if rt := r.Retention; rt != nil && rt.Year != nil {
		t.printf("Retention %s to %s: GRR %s, NRR %s, logo churn %s\n", rt.Year.From, rt.Year.To, rt.Year.GRR, rt.Year.NRR, rt.Year.LogoChurn)
	}
}

func writeChanges(t *textOut, r *cycle.Report, n int) {
	ch := &r.Changes
	if ch.Since.IsZero() {
		t.printf("\nChanges (first run: everything is new)\n")
	} else {
		t.printf("\nChanges since %s\n", ch.Since)
	}
	t.table("l", []string{"", "customers"}, [][]string{
		{"new red", count(ch.NewRed.Count)},
		{"recovered", count(ch.Recovered.Count)},
		{"tier moves", count(ch.TierMoves.Count)},
		{"tasks opened", count(ch.Opened)},
		{"tasks due this week", count(ch.Due.Count)},
		{"tasks overdue", count(ch.Overdue.Count)},
		{"tasks deferred", count(ch.Deferred.Count)},
		{"tasks expired", count(ch.Expired.Count)},
	})
	accounts := func(title string, l cycle.List[cycle.Account]) {
		if len(l.Items) == 0 {
			return
		}
		t.printf("\n%s (%s; first %d by share of MRR)\n", title, count(l.Count), min(n, len(l.Items)))
		var rows [][]string
		for _, a := range l.Items[:min(n, len(l.Items))] {
			was := ""
			if a.Previous != nil {
				was = fixed(a.Previous.Score, 1) + " " + a.Previous.Grade
			}
			why := ""
			if len(a.Reasons) > 0 {
				why = a.Reasons[0]
			}
			rows = append(rows, []string{a.ID, a.Name, money(a.MRR), fixed(a.Score, 1), was, why})
		}
		t.table("llrrll", []string{"id", "name", "MRR", "score", "was", "why"}, rows)
	}
	accounts("New red", ch.NewRed)
	accounts("Recovered", ch.Recovered)
	if len(ch.TierMoves.Items) > 0 {
		t.printf("\nTier moves (%s; first %d by ID)\n", count(ch.TierMoves.Count), min(n, len(ch.TierMoves.Items)))
		var rows [][]string
		for _, m := range ch.TierMoves.Items[:min(n, len(ch.TierMoves.Items))] {
			rows = append(rows, []string{m.ID, m.Name, m.From + " -> " + m.To, m.Reasons})
		}
		t.table("llll", []string{"id", "name", "move", "reasons"}, rows)
	}
	tasks := func(title string, l cycle.List[cycle.Task]) {
		if len(l.Items) == 0 {
			return
		}
		t.printf("\n%s (%s; first %d)\n", title, count(l.Count), min(n, len(l.Items)))
		writeTasks(t, l.Items[:min(n, len(l.Items))])
	}
	tasks("Overdue", ch.Overdue)
	tasks("Expired today", ch.Expired)
}

func writeTasks(t *textOut, ks []cycle.Task) {
	var rows [][]string
	for _, k := range ks {
		rows = append(rows, []string{k.Priority, k.Key, k.Name, money(k.MRR), k.Owner, k.Due.String(), k.Title})
	}
	t.table("lllrlll", []string{"priority", "task", "name", "MRR", "owner", "due", "action"}, rows)
}

func writePlan(t *textOut, r *cycle.Report, n int) {
	p := r.Playbook
	if p == nil {
		return
	}
	t.printf("\nThis week's plan: %s to do within capacity, %s deferred (%s open; %s fired today)\n",
		count(p.Do.Count), count(p.Deferred.Count), count(p.Open), count(p.Fired))
	if len(p.Do.Items) > 0 {
		writeTasks(t, p.Do.Items[:min(n, len(p.Do.Items))])
		t.printf("Why the first: %s\n", p.Do.Items[0].Why)
	}
}

func writeProblems(t *textOut, title string, p cycle.Problems) {
	if p.Count == 0 {
		return
	}
	t.printf("\n%s (%s", title, count(p.Count))
	if len(p.First) < p.Count {
		t.printf("; first %d", len(p.First))
	}
	t.printf(")\n")
	for _, e := range p.First {
		t.printf("  %s\n", e)
	}
}
