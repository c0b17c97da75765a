package csbeam

import (
	"context"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/graph/coder"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/vet"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/successkit/cs"
	"github.com/successkit/cs/effort"
	"github.com/successkit/cs/examples/samplebook"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/retention"
)

// moneyEqual compares amounts by value and currency: the exponent a decimal
// carries is not part of an amount.
var moneyEqual = cmp.Comparer(func(a, b cs.Money) bool { return a.Currency() == b.Currency() && a.Equal(b) })

func sampleElements() []any {
	usd := cs.MustParseMoney("1200.50 USD")
	fine := cs.MustParseMoney("0.125 USD") // below the minor unit: exact text keeps it
	huge := cs.MustParseMoney("92233720368547758.08 USD")
	jpy := cs.MustParseMoney("1800 JPY")
	at := time.Date(2026, 6, 30, 23, 59, 59, 123, time.UTC)
	month := retention.MustParseMonth("2026-05")
	p := retention.Period{From: month, To: month + 1, StartMRR: usd, EndMRR: fine, BaseMRR: huge, RetainedMRR: usd, KeptMRR: usd,
		Movements:      retention.Movements{New: usd, Expansion: fine, Contraction: usd, Churn: huge, Reactivation: usd, FX: usd.Neg()},
		StartCustomers: 3, EndCustomers: 2, LostCustomers: 1, NewCustomers: 4, ReactivatedCustomers: 5, JoinedAndLeft: 6}
	co := retention.Cohort{Start: month, Customers: 7, Ages: []retention.CohortAge{{Age: 0, Month: month, Active: 7, MRR: usd, Base: usd}, {Age: 1, Month: month + 1, Active: 6, MRR: fine, Base: huge}}}
	return []any{
		Chunk{File: "customers.csv", Header: "id,mrr,currency\n", FirstLine: 2, Data: []byte("c1,1.00,USD\nc2,\"a\nb\",USD\n")},
		DeadLetter{Transform: "Retention", File: "mrr.csv", Line: 17, Record: "c42", Err: `retention: mrr line 17: mrr "12,00": not a decimal`},
		ScoreRow{ID: "c1", File: "f", Line: 3, Profile: "default", Score: math.Nextafter(62.5, 100), Grade: "yellow", Coverage: 1.0 / 3, Reason: "nps pulls the score down most"},
		Contact{File: "contacts.csv", Line: 9, Rec: effort.Contact{ID: "k1", CustomerID: "c1", CaseID: "s1", Time: at, Channel: effort.Phone, Agent: "a", RepeatedInfo: true, Transferred: true}},
		CaseEvent{File: "case_events.csv", Line: 4, Rec: effort.CaseEvent{CaseID: "s1", CustomerID: "c1", Kind: effort.Reopened, Time: at}},
		MRRRecord{File: "mrr.csv", Line: 5, Rec: retention.Record{Customer: "c1", Subscription: "s1", Month: month, MRR: fine}},
		MRRRecord{File: "mrr.csv", Line: 6, Rec: retention.Record{Customer: "c2"}, Bad: true},
		Snapshot{File: "snapshots.csv", Line: 8, Rec: health.ScoredSnapshot{ID: "c1", Date: samplebook.DefaultAsOf, Score: 49.999999999999, Grade: "red", MRR: huge, Segment: "smb", Profile: "default"}},
		Outcome{File: "outcomes.csv", Line: 2, Rec: health.Outcome{ID: "c1", Churned: true, Date: cs.MustParseDate("2026-09-01")}},
		cs.Customer{ID: "c1", Name: "Acme, \"Inc\"", Segment: "smb", Stage: cs.StageRenewal, ContractStart: cs.MustParseDate("2025-07-01"),
			RenewalDate: cs.MustParseDate("2026-07-01"), MRR: fine, Signals: cs.Signals{"usage": 0.1 + 0.2, "nps": math.Copysign(0, -1)}, Attributes: cs.Attributes{"plan": "growth"}},
		usd, jpy, huge,
		effort.CustomerFriction{CustomerID: "c1", Friction: 100.0 / 3, Cases: 3, Open: 1, Resolved: 2, FirstContactResolved: 1, FCRRate: 0.5,
			Drivers: []effort.Driver{{Name: "transfers", Value: 2, Points: 1.0 / 7}}, LastActivity: at},
		p, co,
		bounds{Months: []monthCount{{int32(month), 3}, {int32(month) + 3, 1}}, Currencies: []cs.Currency{"EUR", "USD"}},
		retAcc{First: int32(month), Currency: "USD", Periods: []retention.Period{p}, Cohorts: []retention.Cohort{co}, Customers: 2},
		bookAcc{N: 3, Churners: 1, Flag: []string{"red"}, Conf: health.Confusion{TP: 1, TN: 2},
			Grades:   map[string]*gradeAcc{"red": {Accounts: 3, Churners: 1, MRR: map[cs.Currency]cs.Money{"USD": huge}, ChurnedMRR: map[cs.Currency]cs.Money{"USD": fine}}},
			LeadDays: map[int]int{30: 2}, Hist: map[float64][2]int64{-49.5: {1, 2}, -0.1: {0, 1}}},
		ContactBatch{[]Contact{{File: "contacts.csv", Line: 9, Rec: effort.Contact{ID: "k1", CustomerID: "c1", CaseID: "s1", Time: at, Channel: effort.Chat}}}},
		CaseEventBatch{[]CaseEvent{{File: "case_events.csv", Line: 4, Rec: effort.CaseEvent{CaseID: "s1", CustomerID: "c1", Kind: effort.Opened, Time: at}}}},
		MRRBatch{[]MRRRecord{{File: "mrr.csv", Line: 5, Rec: retention.Record{Customer: "c1", Subscription: "s1", Month: month, MRR: huge}}, {Line: 6, Bad: true, Rec: retention.Record{Customer: "c2"}}}},
		SnapshotBatch{[]Snapshot{{File: "snapshots.csv", Line: 8, Rec: health.ScoredSnapshot{ID: "c1", Date: samplebook.DefaultAsOf, Score: 0.1, Grade: "red", MRR: fine}}}},
		OutcomeBatch{[]Outcome{{File: "outcomes.csv", Line: 2, Rec: health.Outcome{ID: "c1", Churned: true}}}},
		BacktestReport{N: 3, Churners: 1, BaseRate: 1.0 / 3, AUC: health.Interval{Estimate: 0.75, Low: 0.5, High: 1, SE: 0.1, Method: "delong"},
			ROC:    []health.ROCPoint{{Threshold: math.Inf(1)}, {Threshold: 49.5, FPR: 0.5, TPR: 1}},
			Grades: []health.GradeRow{{Grade: "red", Accounts: 3, Churners: 1, ChurnRate: 1.0 / 3, MRR: []cs.Money{huge}, ChurnedMRR: []cs.Money{fine}}},
			Flag:   []string{"red"}, LeadTime: health.LeadTime{Churners: 1, Flagged: 1, Days: []int{30}, Median: 30}},
	}
}

// TestReshuffleRoundTrip sends one value of every element type through a
// shuffle on prism and checks that each comes back equal: money exactly (a struct
// field of type cs.Money must not arrive as zero, as it does through Beam's default
// schema coder), floats bit for bit, times and maps whole.
func TestReshuffleRoundTrip(t *testing.T) {
	want := sampleElements()
	p, s := beam.NewPipelineWithRoot()
	for i, v := range want {
		col := beam.Create(s, v)
		collect(s, t.Name()+"/"+reflect.TypeOf(v).String()+"/"+string(rune('a'+i)), beam.Reshuffle(s, col))
	}
	run(t, p)
	for i, v := range want {
		got := take[any](t.Name() + "/" + reflect.TypeOf(v).String() + "/" + string(rune('a'+i)))
		if len(got) != 1 {
			t.Errorf("%T: %d elements came back, want 1", v, len(got))
			continue
		}
		opts := cmp.Options{moneyEqual, cmpopts.EquateEmpty(), cmp.AllowUnexported(gradeAcc{})}
		if diff := cmp.Diff(v, got[0], opts); diff != "" {
			t.Errorf("%T through Reshuffle (-sent +received):\n%s", v, diff)
		}
	}
}

// TestEveryTypeHasACoder checks that every element type of the transforms has the
// coder registered for it, and that no PCollection of any transform (nor any part
// of a KV or a group) is coded by Beam's schema coder, which would silently zero
// a cs.Money.
func TestEveryTypeHasACoder(t *testing.T) {
	for _, v := range sampleElements() {
		if coder.LookupCustomCoder(reflect.TypeOf(v)) == nil {
			t.Errorf("%T has no registered coder", v)
		}
	}
	p, s := beam.NewPipelineWithRoot()
	buildAll(t, s)
	if bad := schemaCoded(t, p); len(bad) > 0 {
		t.Errorf("PCollections coded by the schema coder: %v", bad)
	}
	// The check itself: a struct with a cs.Money field and no registered coder
	// is found.
	p, s = beam.NewPipelineWithRoot()
	beam.Create(s, unregistered{MRR: cs.MustParseMoney("1.00 USD")})
	if bad := schemaCoded(t, p); len(bad) != 1 {
		t.Errorf("schemaCoded missed a struct with money and no coder: %v", bad)
	}
}

// unregistered is a struct with money and no coder: what must never be an
// element of the transforms.
type unregistered struct{ MRR cs.Money }

func init() { beam.RegisterType(reflect.TypeFor[unregistered]()) }

// schemaCoded lists the PCollections of p whose coder is, or contains, a row
// (schema) coder.
func schemaCoded(t *testing.T, p *beam.Pipeline) []string {
	t.Helper()
	_, nodes, err := p.Build()
	if err != nil {
		t.Fatal(err)
	}
	var bad []string
	var walk func(c *coder.Coder) bool
	walk = func(c *coder.Coder) bool {
		if c == nil {
			return false
		}
		if c.Kind == coder.Row {
			return true
		}
		for _, x := range c.Components {
			if walk(x) {
				return true
			}
		}
		return false
	}
	for _, n := range nodes {
		if walk(n.Coder) {
			bad = append(bad, n.String())
		}
	}
	return bad
}

// TestRegistered runs Beam's vet runner over every transform: it fails when a
// DoFn, function, type, emitter or iterator would need reflection or a symbol
// lookup on the workers, which is how a registration mistake shows on a cluster.
func TestRegistered(t *testing.T) {
	p, s := beam.NewPipelineWithRoot()
	buildAll(t, s)
	if _, err := vet.Execute(context.Background(), p); err != nil {
		t.Fatal(err)
	}
}

// buildAll adds every transform, and the writer, to s (without running them).
func buildAll(t *testing.T, s beam.Scope) {
	t.Helper()
	dir := t.TempDir()
	sc, err := ScoreCustomers(s, []string{"customers.csv"}, ScoreOptions{Config: health.SampleConfig(), AsOf: samplebook.DefaultAsOf})
	if err != nil {
		t.Fatal(err)
	}
	WriteLines(s, dir, "scores", "csv", ScoreCSVHeader, beam.ParDo(s, FormatScoreRow, sc.Results))
	WriteLines(s, dir, "dead", "jsonl", "", beam.ParDo(s, FormatDeadLetter, sc.Dead))
	fr, err := Friction(s, []string{"contacts.csv"}, []string{"case_events.csv"}, FrictionOptions{Now: time.Unix(0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	beam.ParDo(s, FormatFriction, fr.Customers)
	re, err := Retention(s, []string{"mrr.csv"}, RetentionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	beam.ParDo(s, FormatRetention, re.Report)
	snaps, _, err := ScoreSnapshots(s, []string{"snapshots.csv"}, ScoreOptions{Config: health.SampleConfig()})
	if err != nil {
		t.Fatal(err)
	}
	outs, _ := ReadOutcomes(s, []string{"outcomes.csv"}, 0)
	bt, _, err := Backtest(s, snaps, outs, BacktestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	beam.ParDo(s, FormatBacktest, bt)
}
