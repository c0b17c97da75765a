package main

import (
	"context"
	"strconv"

	"github.com/successkit/cs"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/store"
)

func cmdOverride(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "set":
			return overrideSet(ctx, env, args[1:])
		case "revoke":
			return overrideRevoke(ctx, env, args[1:])
		case "list":
			return overrideList(ctx, env, args[1:])
		case "-h", "-help", "--help":
			env.Stdout.Write([]byte("Usage: successkit override set|revoke|list ...\n\nRun successkit override set -h (or revoke, list) for the flags.\n"))
			return errHelp
		}
	}
	return usageErr("successkit override: want set, revoke or list, as in: successkit override list")
}

func overrideSet(ctx context.Context, env *Env, args []string) error {
	c := newCLI(env, "override set", "CUSTOMER -points N -reason TEXT -by WHO -expires DATE [flags]",
		`Sets a manual health score for a customer (or for one measure with -measure),
with its reason, author and expiry: runs from -from until the day before
-expires use it, keep the computed score beside it, and never overwrite it.
Every override is kept in an append-only audit.`,
		`successkit override set C042 -points 30 -reason "CEO left; renewal at risk" -by ana -expires 2026-09-30`).withDB()
	points := c.fs.Float64("points", -1, "the score 0..100 it sets (required)")
	measure := c.fs.String("measure", "", "the `measure` it overrides (default: the overall score)")
	reason := c.fs.String("reason", "", "why (required)")
	by := c.fs.String("by", "", "who sets it (required)")
	from := c.date("from", "the first `date` it applies (default: today)")
	expires := c.date("expires", "the first `date` it no longer applies (required)")
	pos, err := c.parse(args)
	if err != nil {
		return err
	}
	if err := c.want(pos, "the CUSTOMER ID"); err != nil {
		return err
	}
	switch {
	case *points < 0 || *points > 100:
		return usageErr("successkit override set: -points is required, from 0 to 100")
	case *reason == "":
		return usageErr("successkit override set: -reason is required: an override says why")
	case *by == "":
		return usageErr("successkit override set: -by is required: an override says who set it")
	case expires.IsZero():
		return usageErr("successkit override set: -expires is required: an override never lasts for ever")
	}
	if from.IsZero() {
		*from = today(env)
	}
	st, err := openStore(ctx, *c.db)
	if err != nil {
		return c.errorf("%w", err)
	}
	defer st.Close()
	ev, err := st.SetOverride(ctx, pos[0], health.Override{Measure: *measure, Points: *points, Reason: *reason, Author: *by,
		SetAt: *from, Expires: *expires}, env.Now())
	if err != nil {
		return c.errorf("%w", err)
	}
	return c.output(ev, func(t *textOut) {
		what := "score"
		if ev.Override.Measure != "" {
			what = "measure " + ev.Override.Measure
		}
		t.printf("override %d set: %s %s = %s from %s until %s, by %s: %s\n", ev.ID, ev.CustomerID, what,
			fixed(ev.Override.Points, 1), ev.Override.SetAt, ev.Override.Expires, ev.Override.Author, ev.Override.Reason)
	})
}

func overrideRevoke(ctx context.Context, env *Env, args []string) error {
	c := newCLI(env, "override revoke", "ID -by WHO -reason TEXT [flags]",
		"Revokes an override from a date on (default: today), with who and why. The\naudit keeps both events.",
		`successkit override revoke 7 -by ana -reason "new CEO signed the renewal"`).withDB()
	by := c.fs.String("by", "", "who revokes it (required)")
	reason := c.fs.String("reason", "", "why (required)")
	on := c.date("on", "the first `date` it no longer applies (default: today)")
	pos, err := c.parse(args)
	if err != nil {
		return err
	}
	if err := c.want(pos, "the override's ID (see successkit override list)"); err != nil {
		return err
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil || id <= 0 {
		return usageErr("successkit override revoke: %q is not an override ID (a positive number; see successkit override list)", pos[0])
	}
	if *by == "" || *reason == "" {
		return usageErr("successkit override revoke: -by and -reason are required: the audit says who revoked it and why")
	}
	if on.IsZero() {
		*on = today(env)
	}
	st, err := openStore(ctx, *c.db)
	if err != nil {
		return c.errorf("%w", err)
	}
	defer st.Close()
	ev, err := st.RevokeOverride(ctx, id, *on, *by, *reason, env.Now())
	if err != nil {
		return c.errorf("%w", err)
	}
	return c.output(ev, func(t *textOut) {
		t.printf("override %d revoked from %s by %s: %s\n", ev.ID, ev.Effective, ev.By, ev.Note)
	})
}

func overrideList(ctx context.Context, env *Env, args []string) error {
	c := newCLI(env, "override list", "[CUSTOMER] [flags]",
		"Lists the overrides active on a date (default: today), or, for one customer,\nits whole audit: set, revoked and expired events with who, when and why.",
		"successkit override list", "successkit override list C042 -format json").withDB()
	on := c.date("on", "the `date` of the active overrides (default: today)")
	pos, err := c.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usageErr("successkit override list: unexpected argument %q", pos[1])
	}
	st, err := openStore(ctx, *c.db)
	if err != nil {
		return c.errorf("%w", err)
	}
	defer st.Close()
	if len(pos) == 1 {
		events := []store.OverrideEvent{}
		for ev, err := range st.OverrideEvents(ctx, pos[0], store.Page{}) {
			if err != nil {
				return c.errorf("%w", err)
			}
			events = append(events, ev)
		}
		return c.output(struct {
			CustomerID string                `json:"customer_id"`
			Events     []store.OverrideEvent `json:"events"`
		}{pos[0], events}, func(t *textOut) {
			t.printf("override audit of %s: %d events\n", pos[0], len(events))
			var rows [][]string
			for _, ev := range events {
				what := ev.Override.Measure
				if what == "" {
					what = "score"
				}
				note := ev.Override.Reason
				if ev.Note != "" {
					note = ev.Note
				}
				rows = append(rows, []string{strconv.FormatInt(ev.ID, 10), string(ev.Action), what, fixed(ev.Override.Points, 1),
					ev.Override.SetAt.String(), ev.Override.Expires.String(), ev.By, note})
			}
			t.table("rlllllll", []string{"id", "event", "on", "points", "from", "expires", "by", "why"}, rows)
		})
	}
	if on.IsZero() {
		*on = today(env)
	}
	type active struct {
		ID         int64           `json:"override_id"`
		CustomerID string          `json:"customer_id"`
		Override   health.Override `json:"override"`
	}
	list := []active{}
	for co, err := range st.ActiveOverrides(ctx, *on, store.Page{}) {
		if err != nil {
			return c.errorf("%w", err)
		}
		for i, o := range co.Overrides {
			list = append(list, active{ID: co.IDs[i], CustomerID: co.CustomerID, Override: o})
		}
	}
	return c.output(struct {
		On        cs.Date  `json:"on"`
		Overrides []active `json:"overrides"`
	}{*on, list}, func(t *textOut) {
		t.printf("%d overrides active on %s\n", len(list), *on)
		var rows [][]string
		for _, a := range list {
			what := a.Override.Measure
			if what == "" {
				what = "score"
			}
			rows = append(rows, []string{strconv.FormatInt(a.ID, 10), a.CustomerID, what, fixed(a.Override.Points, 1),
				a.Override.Expires.String(), a.Override.Author, a.Override.Reason})
		}
		if len(rows) > 0 {
			t.table("rllllll", []string{"id", "customer", "on", "points", "expires", "by", "why"}, rows)
		}
	})
}
