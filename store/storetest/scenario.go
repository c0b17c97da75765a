package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/successkit/cs"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/store"
	"github.com/successkit/cs/touch"
)

// Start is the first as-of date of Scenario.
var Start = cs.MustParseDate("2026-06-01")

// Week saves one weekly run of the book as of a date: the sample scorecard
// and Policy as its configurations, the overrides found expired, every
// customer's snapshot and health result (scored with the overrides active in
// the store), touch assignments carried from the store's last states, a few
// outcomes and a document. It returns the committed run.
func Week(ctx context.Context, s *store.Store, book []cs.Customer, asOf cs.Date) (store.Run, error) {
	at := time.Date(asOf.Year, asOf.Month, asOf.Day, 6, 30, 0, 123456789, time.UTC)
	tx, err := s.BeginRun(ctx, store.RunInfo{AsOf: asOf, At: at, By: "storetest", Inputs: []string{"customers.csv", "policy.json"}, Version: "v0.0.0-storetest"})
	if err != nil {
		return store.Run{}, err
	}
	defer tx.Rollback()
	sc := Scorer()
	hc, err := store.HealthConfig(sc.Config())
	if err != nil {
		return store.Run{}, err
	}
	tc, err := store.TouchConfig(Policy())
	if err != nil {
		return store.Run{}, err
	}
	pc, err := store.PlaybookConfig(playbook.Default())
	if err != nil {
		return store.Run{}, err
	}
	for _, c := range []store.Config{hc, tc, pc} {
		if err := tx.SaveConfig(c); err != nil {
			return store.Run{}, err
		}
	}
	if _, err := tx.ExpireOverrides(); err != nil {
		return store.Run{}, err
	}
	overrides := map[string][]health.Override{}
	for co, err := range s.ActiveOverrides(ctx, asOf, store.Page{}) {
		if err != nil {
			return store.Run{}, err
		}
		overrides[co.CustomerID] = co.Overrides
	}
	scores := map[string]float64{}
	for i := range book {
		c := &book[i]
		if err := tx.AddCustomer(c); err != nil {
			return store.Run{}, err
		}
		r, err := sc.Score(c, asOf, overrides[c.ID]...)
		if err != nil {
			return store.Run{}, err
		}
		if err := tx.AddHealth(&r); err != nil {
			return store.Run{}, err
		}
		if !r.Unknown {
			scores[c.ID] = r.Score
		}
	}
	accounts, err := touch.FromCustomers(book, touch.ARR, nil)
	if err != nil {
		return store.Run{}, err
	}
	for i := range accounts {
		accounts[i].Health, accounts[i].HealthKnown = scores[accounts[i].ID]
	}
	if _, _, err := s.FillTouchStates(ctx, asOf, accounts); err != nil {
		return store.Run{}, err
	}
	res, err := touch.MustCompile(Policy()).Assign(accounts, asOf)
	if err != nil {
		return store.Run{}, err
	}
	if err := tx.SaveTouch(res); err != nil {
		return store.Run{}, err
	}
	for i := 0; i < 5 && i < len(book); i++ {
		o := playbook.Outcome{CustomerID: book[i].ID, Date: asOf.AddDays(-28), Tier: "low",
			HealthBefore: float64(40 + i), HealthAfter: scores[book[i].ID], Renewed: i%2 == 0, Churned: i == 3}
		if i%2 == 1 {
			o.PlayID = "renewal-risk"
		}
		if err := tx.AddOutcome(o); err != nil {
			return store.Run{}, err
		}
	}
	if err := tx.SaveDoc("plan", []byte(fmt.Sprintf(`{ "as_of": %q, "customers": %d }`, asOf, len(book)))); err != nil {
		return store.Run{}, err
	}
	return tx.Commit()
}

// Scenario writes a fixed history into an empty store: three weekly runs of
// a book of n customers (the hostile IDs among them) drifting from week to
// week, overrides set between them (one revoked, one left to expire), and two
// tokens with fixed hashes. The same scenario leaves the same Dump in every
// database.
func Scenario(ctx context.Context, s *store.Store, n int) error {
	book := Book(n, 1, Start, true)
	ids := func(i int) string { return book[i%len(book)].ID }
	for week := 0; week < 3; week++ {
		asOf := Start.AddDays(7 * week)
		if week > 0 {
			Drift(book, 1, week)
		}
		if _, err := Week(ctx, s, book, asOf); err != nil {
			return fmt.Errorf("week %d: %w", week, err)
		}
		at := time.Date(asOf.Year, asOf.Month, asOf.Day, 15, 4, 5, 0, time.FixedZone("JST", 9*3600))
		switch week {
		case 0:
			if _, err := s.SetOverride(ctx, ids(1), health.Override{Points: 20, Reason: "exec escalation: \"'; --", Author: "ana",
				SetAt: asOf.AddDays(1), Expires: asOf.AddDays(10)}, at); err != nil {
				return err
			}
			if _, err := s.SetOverride(ctx, ids(2), health.Override{Measure: "usage", Points: 90, Reason: "usage feed broken",
				Author: "bo", SetAt: asOf, Expires: asOf.AddDays(60)}, at); err != nil {
				return err
			}
			if _, err := s.AddToken(ctx, "crm-plugin", store.ScopeWrite, strings.Repeat("ab", 32), "admin", at); err != nil {
				return err
			}
		case 1:
			ev, err := s.SetOverride(ctx, ids(9), health.Override{Points: 80, Reason: "renewal signed", Author: "ana",
				SetAt: asOf, Expires: asOf.AddDays(90)}, at)
			if err != nil {
				return err
			}
			if _, err := s.RevokeOverride(ctx, ev.ID, asOf.AddDays(3), "bo", "signed by the wrong entity", at.Add(time.Hour)); err != nil {
				return err
			}
			if _, err := s.AddToken(ctx, "dashboard", store.ScopeRead, strings.Repeat("cd", 32), "admin", at); err != nil {
				return err
			}
			if _, err := s.RevokeToken(ctx, "dashboard", "admin", at.Add(time.Minute)); err != nil {
				return err
			}
		}
	}
	return nil
}

// Dump returns everything the store's public API reads back, one JSON line
// per item in a fixed order: runs, configurations, per run its health
// results, customers, touch assignments and summary and documents, the
// grades, outcomes, the override audit and active overrides, tokens and the
// audit. Two stores with the same Dump answer every read the same.
func Dump(ctx context.Context, s *store.Store) (string, error) {
	var b strings.Builder
	line := func(kind string, v any) error {
		j, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("%s: %w", kind, err)
		}
		b.WriteString(kind)
		b.WriteByte(' ')
		b.Write(j)
		b.WriteByte('\n')
		return nil
	}
	var runs []store.Run
	for r, err := range s.Runs(ctx, store.Page{}) {
		if err != nil {
			return "", err
		}
		runs = append(runs, r)
		if err := line("run", r); err != nil {
			return "", err
		}
	}
	for c, err := range s.Configs(ctx, "", store.Page{}) {
		if err != nil {
			return "", err
		}
		if err := line("config", c); err != nil {
			return "", err
		}
	}
	for _, r := range runs {
		for h, err := range s.HealthOn(ctx, r.AsOf, store.Page{}) {
			if err != nil {
				return "", err
			}
			if err := line("health", h); err != nil {
				return "", err
			}
		}
		for c, err := range s.Customers(ctx, r.AsOf, store.Page{}) {
			if err != nil {
				return "", err
			}
			if err := line("customer "+r.AsOf.String(), c); err != nil {
				return "", err
			}
		}
		for a, err := range s.Assignments(ctx, r.AsOf, store.Page{}) {
			if err != nil {
				return "", err
			}
			if err := line("touch "+r.AsOf.String(), a); err != nil {
				return "", err
			}
		}
		if r.Counts.Touch > 0 {
			sum, err := s.TouchSummary(ctx, r.AsOf)
			if err != nil {
				return "", err
			}
			if err := line("touch-summary", sum); err != nil {
				return "", err
			}
		}
		for _, name := range []string{"plan", "touch"} {
			if d, err := s.Doc(ctx, r.AsOf, name); err == nil {
				if err := line("doc "+r.AsOf.String()+" "+name, json.RawMessage(d)); err != nil {
					return "", err
				}
			}
		}
		for st, err := range s.TouchStates(ctx, r.AsOf.AddDays(1), store.Page{}) {
			if err != nil {
				return "", err
			}
			if err := line("state "+r.AsOf.String(), st); err != nil {
				return "", err
			}
		}
		for co, err := range s.ActiveOverrides(ctx, r.AsOf, store.Page{}) {
			if err != nil {
				return "", err
			}
			if err := line("active "+r.AsOf.String(), co); err != nil {
				return "", err
			}
		}
	}
	for g, err := range s.Grades(ctx, cs.Date{}, cs.Date{}) {
		if err != nil {
			return "", err
		}
		if err := line("grades", g); err != nil {
			return "", err
		}
	}
	for o, err := range s.Outcomes(ctx, cs.Date{}, cs.Date{}) {
		if err != nil {
			return "", err
		}
		if err := line("outcome", o); err != nil {
			return "", err
		}
	}
	for ev, err := range s.OverrideEvents(ctx, "", store.Page{}) {
		if err != nil {
			return "", err
		}
		if err := line("override", ev); err != nil {
			return "", err
		}
	}
	for t, err := range s.Tokens(ctx, store.Page{}) {
		if err != nil {
			return "", err
		}
		if err := line("token "+t.Hash, t); err != nil {
			return "", err
		}
	}
	for a, err := range s.Audit(ctx, store.Page{}) {
		if err != nil {
			return "", err
		}
		if err := line("audit", a); err != nil {
			return "", err
		}
	}
	return b.String(), nil
}
