package effort

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	cs "github.com/successkit/cs"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// workedBatch is a hand-worked book: case K1 of customer A goes self-service → phone
// with a transfer (forced switch, transfer, repeat contacts), is resolved after 96 h
// against a 72 h target, and is followed three days later by case K2, which is
// resolved on its first contact.
func workedBatch(t testing.TB) *Batch {
	b := NewBatch()
	for _, c := range []Contact{
		{ID: "c1", CustomerID: "A", CaseID: "K1", Time: at("2026-05-01T09:00:00Z"), Channel: SelfService},
		{ID: "c2", CustomerID: "A", CaseID: "K1", Time: at("2026-05-01T10:00:00Z"), Channel: Phone, Transferred: true},
		{ID: "c3", CustomerID: "A", CaseID: "K1", Time: at("2026-05-02T10:00:00Z"), Channel: Phone},
		{ID: "c2", CustomerID: "A", CaseID: "K1", Time: at("2026-05-01T10:00:00Z"), Channel: Phone, Transferred: true},
		{ID: "c4", CustomerID: "A", CaseID: "K2", Time: at("2026-05-08T09:00:00Z"), Channel: Chat},
	} {
		if err := b.AddContact(c); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range []CaseEvent{
		{CaseID: "K2", CustomerID: "A", Kind: Resolved, Time: at("2026-05-08T12:00:00Z")},
		{CaseID: "K1", CustomerID: "A", Kind: Opened, Time: at("2026-05-01T09:00:00Z")},
		{CaseID: "K1", CustomerID: "A", Kind: Resolved, Time: at("2026-05-05T09:00:00Z")},
		{CaseID: "K2", CustomerID: "A", Kind: Opened, Time: at("2026-05-08T09:00:00Z")},
	} {
		if err := b.AddCaseEvent(e); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

func TestAnalyzeWorked(t *testing.T) {
	m, err := NewModel(Config{})
	if err != nil {
		t.Fatal(err)
	}
	now := at("2026-05-10T12:00:00Z")
	r := m.AnalyzeAt(workedBatch(t), now)
	if len(r.Errors) != 0 {
		t.Fatalf("errors: %v", r.Errors)
	}
	if r.NumCases() != 2 {
		t.Fatalf("NumCases = %d, want 2", r.NumCases())
	}
	k1 := r.Case(0)
	// repeat 2×20, transfer 18, forced switch 20, over target (96−72)/72 × 15 = 5,
	// next issue (a new case soon after) 12 = 95.
	wantVals := [NumDrivers]float64{RepeatContact: 2, Transfer: 1, ForcedSwitch: 1, OverTarget: 1.0 / 3, NextIssue: 1}
	if diff := cmp.Diff(wantVals, k1.Values); diff != "" {
		t.Errorf("K1 values (-want +got):\n%s", diff)
	}
	if k1.CaseID != "K1" || k1.Contacts != 3 || k1.FCR || k1.Open || k1.NextCase != "K2" || k1.Duration != 96*time.Hour {
		t.Errorf("K1 = %+v", k1)
	}
	if math.Abs(k1.Score-95) > 1e-9 {
		t.Errorf("K1 score = %v, want 95", k1.Score)
	}
	if got := k1.Drivers()[0]; got.Name != "repeat_contact" || got.Points != 40 {
		t.Errorf("K1 top driver = %+v, want repeat_contact 40", got)
	}
	k2 := r.Case(1)
	if k2.CaseID != "K2" || !k2.FCR || k2.Score != 0 || k2.Contacts != 1 {
		t.Errorf("K2 = %+v", k2)
	}
	if len(r.Customers) != 1 {
		t.Fatalf("customers = %d", len(r.Customers))
	}
	c := r.Customers[0]
	w1 := math.Exp2(-5.125 / 90) // K1 last active 05-05 09:00, 5 days 3 h before now
	w2 := math.Exp2(-2.0 / 90)   // K2 last active 05-08 12:00, 2 days before now
	want := (95 * w1) / (w1 + w2)
	if math.Abs(c.Friction-want) > 1e-9 {
		t.Errorf("friction = %v, want %v", c.Friction, want)
	}
	if c.Cases != 2 || c.Resolved != 2 || c.FirstContactResolved != 1 || c.FCRRate != 0.5 {
		t.Errorf("customer = %+v", c)
	}
	if got := r.CasesOf("A"); len(got) != 2 || got[1].CaseID != "K2" {
		t.Errorf("CasesOf(A) = %v", got)
	}
	if got := r.CasesOf("Z"); got != nil {
		t.Errorf("CasesOf(Z) = %v, want nil", got)
	}
}

func TestAnalyzeRecordErrors(t *testing.T) {
	now := at("2026-05-10T00:00:00Z")
	tests := []struct {
		name string
		c    []Contact
		e    []CaseEvent
		want error
	}{
		// a contact for a case with no events at all
		{"unknown case", []Contact{{ID: "x", CustomerID: "A", CaseID: "nope", Time: at("2026-05-01T00:00:00Z"), Channel: Email}}, nil, ErrUnknownCase},
		// a resolution earlier than the opening
		{"resolved before opened", nil, []CaseEvent{
			{CaseID: "K", CustomerID: "A", Kind: Opened, Time: at("2026-05-02T00:00:00Z")},
			{CaseID: "K", CustomerID: "A", Kind: Resolved, Time: at("2026-05-01T00:00:00Z")}}, cs.ErrDateOrder},
		// a contact after now
		{"future contact", []Contact{{ID: "x", CustomerID: "A", CaseID: "K", Time: at("2026-06-01T00:00:00Z"), Channel: Email}},
			[]CaseEvent{{CaseID: "K", CustomerID: "A", Kind: Opened, Time: at("2026-05-01T00:00:00Z")}}, ErrFuture},
		// a contact ID already counted on another case (c4 of K2, later and on K1)
		{"copy on another case", []Contact{{ID: "c4", CustomerID: "A", CaseID: "K1", Time: at("2026-05-09T00:00:00Z"), Channel: Phone}}, nil, cs.ErrDuplicate},
		// a contact naming another customer than its case
		{"customer mismatch", []Contact{{ID: "x", CustomerID: "B", CaseID: "K", Time: at("2026-05-02T00:00:00Z"), Channel: Email}},
			[]CaseEvent{{CaseID: "K", CustomerID: "A", Kind: Opened, Time: at("2026-05-01T00:00:00Z")}}, ErrCustomerMismatch},
	}
	m, _ := NewModel(Config{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := workedBatch(t)
			for _, c := range tt.c {
				if err := b.AddContact(c); err != nil {
					t.Fatal(err)
				}
			}
			for _, e := range tt.e {
				if err := b.AddCaseEvent(e); err != nil {
					t.Fatal(err)
				}
			}
			r := m.AnalyzeAt(b, now)
			if len(r.Errors) != 1 || !errors.Is(r.Errors[0], tt.want) {
				t.Fatalf("Errors = %v, want one wrapping %v", r.Errors, tt.want)
			}
			var fe *cs.FieldError
			if !errors.As(r.Errors[0], &fe) || r.Errors[0].Error()[:8] != "effort: " {
				t.Errorf("error %q is not an effort *cs.FieldError", r.Errors[0])
			}
			// The good records are still analysed.
			var k1 CaseFriction
			for i := range r.NumCases() {
				if c := r.Case(i); c.CaseID == "K1" {
					k1 = c
				}
			}
			if math.Abs(k1.Score-95) > 1e-9 {
				t.Errorf("K1 = %+v, want score 95 as without the bad record", k1)
			}
		})
	}
}

func TestAddRejects(t *testing.T) {
	b := NewBatch()
	good := Contact{ID: "x", CustomerID: "A", CaseID: "K", Time: at("2026-05-01T00:00:00Z"), Channel: Email}
	tests := []struct {
		name  string
		edit  func(*Contact)
		field string
	}{
		{"no id", func(c *Contact) { c.ID = "" }, "contact_id"},                // IDs are required
		{"no customer", func(c *Contact) { c.CustomerID = "" }, "customer_id"}, // customers are required
		{"no case", func(c *Contact) { c.CaseID = "" }, "case_id"},             // cases are required
		{"no time", func(c *Contact) { c.Time = time.Time{} }, "time"},         // the zero time is missing
		{"bad channel", func(c *Contact) { c.Channel = 9 }, "channel"},         // out-of-range enum
	}
	for _, tt := range tests {
		c := good
		tt.edit(&c)
		err := b.AddContact(c)
		var fe *cs.FieldError
		if !errors.As(err, &fe) || fe.Field != tt.field {
			t.Errorf("%s: AddContact = %v, want field %s", tt.name, err, tt.field)
		}
	}
	if err := b.AddCaseEvent(CaseEvent{CaseID: "K", CustomerID: "A", Time: good.Time}); !errors.Is(err, ErrEvent) {
		t.Errorf("AddCaseEvent(no kind) = %v, want ErrEvent", err)
	}
	if n, e := b.Len(); n != 0 || e != 0 {
		t.Errorf("Len = %d, %d after rejects, want 0, 0", n, e)
	}
}

func TestReopenAndOpenCase(t *testing.T) {
	m, _ := NewModel(Config{})
	b := NewBatch()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	// Case R is resolved, reopened and resolved again: one reopening, not FCR.
	must(b.AddCaseEvent(CaseEvent{CaseID: "R", CustomerID: "A", Kind: Opened, Time: at("2026-05-01T00:00:00Z")}))
	must(b.AddCaseEvent(CaseEvent{CaseID: "R", CustomerID: "A", Kind: Resolved, Time: at("2026-05-01T01:00:00Z")}))
	must(b.AddCaseEvent(CaseEvent{CaseID: "R", CustomerID: "A", Kind: Reopened, Time: at("2026-05-01T02:00:00Z")}))
	must(b.AddCaseEvent(CaseEvent{CaseID: "R", CustomerID: "A", Kind: Resolved, Time: at("2026-05-01T03:00:00Z")}))
	// Case O is still open 6 days later: 144 h against 72 h is a full over_target.
	must(b.AddCaseEvent(CaseEvent{CaseID: "O", CustomerID: "B", Kind: Opened, Time: at("2026-05-01T00:00:00Z")}))
	r := m.AnalyzeAt(b, at("2026-05-07T00:00:00Z"))
	rc, oc := r.CasesOf("A")[0], r.CasesOf("B")[0]
	if rc.Values[Reopen] != 1 || rc.FCR || rc.Open || rc.Score != 20 {
		t.Errorf("R = %+v, want 1 reopening, resolved, score 20", rc)
	}
	if !oc.Open || oc.Values[OverTarget] != 1 || oc.Score != 15 || !oc.Resolved.IsZero() {
		t.Errorf("O = %+v, want open, over_target 1, score 15", oc)
	}
	if r.Customers[1].Resolved != 0 || r.Customers[1].Open != 1 {
		t.Errorf("B = %+v", r.Customers[1])
	}
}

func TestNewModelErrors(t *testing.T) {
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{RepeatWindowDays: -1}, "repeat_window_days"},              // negative window
		{Config{HalfLifeDays: math.NaN()}, "half_life_days"},              // NaN
		{Config{Weights: Weights{Transfer: -3}}, "weights.transfer"},      // negative weight
		{Config{Weights: Weights{Reopen: math.Inf(1)}}, "weights.reopen"}, // infinite weight
		{Config{TargetHours: 1e-9}, "target_hours"},                       // target rounds to zero seconds
	}
	for _, tt := range tests {
		_, err := NewModel(tt.cfg)
		if err == nil || !errors.Is(err, ErrConfig) || !contains(err.Error(), tt.want) {
			t.Errorf("NewModel(%+v) = %v, want ErrConfig naming %s", tt.cfg, err, tt.want)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// Analyze's allocations do not grow with the number of contacts: ten times the
// contacts over the same cases and customers cost the same allocations once the
// model's working memory is warm.
func TestAnalyzeAllocsPerContact(t *testing.T) {
	m, _ := NewModel(Config{})
	small, now := benchBook(t, 2_000, 200, 20)
	large, _ := benchBook(t, 20_000, 200, 20)
	m.AnalyzeAt(large, now) // warm the pool with the larger working set
	a := testing.AllocsPerRun(5, func() { m.AnalyzeAt(small, now) })
	b := testing.AllocsPerRun(5, func() { m.AnalyzeAt(large, now) })
	// The slack covers the pool's working arrays, which the race detector's sync.Pool
	// drops at random; an allocation per contact would add 18,000.
	if b > a+5 {
		t.Errorf("allocations: %v for 2,000 contacts, %v for 20,000", a, b)
	}
	if cfg := m.Config(); cfg.RepeatWindowDays != 7 || cfg.HalfLifeDays != 90 || cfg.Weights != DefaultWeights() {
		t.Errorf("Config() = %+v, want the defaults filled in", cfg)
	}
}
