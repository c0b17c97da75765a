package main

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/successkit/cs"
	"github.com/successkit/cs/effort"
	"github.com/successkit/cs/examples/samplebook"
)

// effortSection is what the effort package found: the customers with the most
// friction in their support cases and why, and the silently dissatisfied.
type effortSection struct {
	Cases     int         `json:"cases"`
	Customers int         `json:"customers_with_cases"`
	Answers   int         `json:"survey_answers"`
	MeanCES2  float64     `json:"mean_ces2,omitempty"`
	ShareEasy float64     `json:"share_easy"`
	HotSpots  []hotSpot   `json:"hot_spots"`
	Silent    []silentRow `json:"silently_dissatisfied"`
	SilentN   int         `json:"silently_dissatisfied_count"`
	Errors    []string    `json:"errors,omitempty"`

	report *effort.Report // for the playbook's case events
}

type hotSpot struct {
	ID       string          `json:"id"`
	Name     string          `json:"name,omitempty"`
	Friction float64         `json:"friction"`
	Cases    int             `json:"cases"`
	FCRRate  float64         `json:"fcr_rate"`
	Drivers  []effort.Driver `json:"drivers"` // the two heaviest
}

type silentRow struct {
	ID       string     `json:"id"`
	Name     string     `json:"name,omitempty"`
	MRR      cs.Money   `json:"mrr,omitzero"`
	Evidence []evidence `json:"evidence"`
}

// evidence is a trouble sign of effort.Silence.FindAt, with JSON names.
type evidence struct {
	Sign      string  `json:"sign"`
	Value     float64 `json:"value"`
	Threshold float64 `json:"threshold"`
}

// endOfDay is the last second of d in UTC: "now" for the interaction records of a
// book dated d.
func endOfDay(d cs.Date) time.Time {
	return d.AddDays(1).In(time.UTC).Add(-time.Second)
}

const listLimit = 10

// runEffort analyses the support interactions and surveys, adds the effort signals
// (friction, fcr_rate, ces) to the customers it is given (copies of the input's),
// and returns the effort section; nil when the book has no interaction files.
func runEffort(in *input, customers []cs.Customer, asof cs.Date) (*effortSection, error) {
	contacts, events, surveys := in.files[samplebook.ContactsFile], in.files[samplebook.CaseEventsFile], in.files[samplebook.SurveysFile]
	if contacts == nil && surveys == nil {
		return nil, nil
	}
	now := endOfDay(asof)
	sec := &effortSection{}
	var friction []effort.CustomerFriction
	var report *effort.Report
	if contacts != nil {
		var ev io.Reader
		if events != nil {
			ev = bytes.NewReader(events)
		}
		batch, err := effort.LoadBatch(bytes.NewReader(contacts), samplebook.ContactsFile, ev, samplebook.CaseEventsFile)
		if err != nil {
			sec.Errors = append(sec.Errors, strings.Split(err.Error(), "\n")...)
		}
		m, err := effort.NewModel(effort.Config{})
		if err != nil {
			return nil, fmt.Errorf("portfolio: %w", err)
		}
		report = m.AnalyzeAt(batch, now)
		sec.report = report
		for _, e := range report.Errors {
			sec.Errors = append(sec.Errors, e.Error())
		}
		friction = report.Customers
		sec.Cases = report.NumCases()
		sec.Customers = len(report.Customers)
	}
	var responses []effort.Response
	var ces []effort.CustomerCES
	if surveys != nil {
		var err error
		responses, err = effort.ReadResponses(bytes.NewReader(surveys), samplebook.SurveysFile)
		if err != nil {
			sec.Errors = append(sec.Errors, strings.Split(err.Error(), "\n")...)
		}
		ces, err = effort.CESByCustomer(responses, now.AddDate(0, 0, -90), now)
		if err != nil {
			return nil, fmt.Errorf("portfolio: %w", err)
		}
		var all []effort.Response
		for _, r := range responses {
			if r.Scale != effort.ScaleNPS && !r.Time.After(now) && r.Time.After(now.AddDate(0, 0, -90)) {
				all = append(all, r)
			}
		}
		s, err := effort.SummarizeCES(all)
		if err != nil {
			return nil, fmt.Errorf("portfolio: %w", err)
		}
		sec.Answers = s.Count
		sec.MeanCES2, _ = s.MeanCES2()
		sec.ShareEasy = s.ShareEasy
	}
	profiles := effort.Profiles(friction, ces)
	byID := indexByID(customers)
	for _, p := range profiles {
		if i, ok := byID[p.CustomerID]; ok {
			if customers[i].Signals == nil {
				customers[i].Signals = cs.Signals{}
			}
			p.AddSignals(customers[i].Signals)
		}
	}
	if report != nil {
		for _, f := range report.Top(listLimit) {
			h := hotSpot{ID: f.CustomerID, Friction: round2(f.Friction), Cases: f.Cases, FCRRate: round2(f.FCRRate)}
			if i, ok := byID[f.CustomerID]; ok {
				h.Name = customers[i].Name
			}
			h.Drivers = topDrivers(f.Drivers, 2)
			sec.HotSpots = append(sec.HotSpots, h)
		}
	}
	var active []cs.Customer
	for _, c := range customers {
		if c.Stage != cs.StageChurned {
			active = append(active, c)
		}
	}
	silent, err := effort.Silence{}.FindAt(profiles, active, responses, nil, now)
	if err != nil {
		sec.Errors = append(sec.Errors, err.Error())
	}
	sec.SilentN = len(silent)
	for i, s := range silent {
		if i == listLimit {
			break
		}
		row := silentRow{ID: s.CustomerID}
		for _, e := range s.Evidence {
			row.Evidence = append(row.Evidence, evidence{Sign: e.Sign, Value: round2(e.Value), Threshold: e.Threshold})
		}
		if j, ok := byID[s.CustomerID]; ok {
			row.Name, row.MRR = customers[j].Name, customers[j].MRR
		}
		sec.Silent = append(sec.Silent, row)
	}
	return sec, nil
}

// topDrivers returns the n drivers with the most points, ties by name.
func topDrivers(ds []effort.Driver, n int) []effort.Driver {
	out := slices.Clone(ds)
	slices.SortFunc(out, func(a, b effort.Driver) int {
		return cmp.Or(cmp.Compare(b.Points, a.Points), cmp.Compare(a.Name, b.Name))
	})
	var kept []effort.Driver
	for _, d := range out {
		if len(kept) == n || d.Points <= 0 {
			break
		}
		d.Points, d.Value = round2(d.Points), round2(d.Value)
		kept = append(kept, d)
	}
	return kept
}

func indexByID(customers []cs.Customer) map[string]int {
	m := make(map[string]int, len(customers))
	for i, c := range customers {
		m[c.ID] = i
	}
	return m
}

// round2 rounds a figure for display to two decimals, so reports do not depend on
// the last bits of a float.
func round2(x float64) float64 { return math.Round(x*100) / 100 }
