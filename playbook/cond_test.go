package playbook

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	cs "github.com/successkit/cs"
)

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name, json, path string
		err              error
	}{
		// An unknown field is named with its JSON path.
		{"unknown field", `{"all":[{"field":"health.scor","op":"<","value":50}]}`, "when.all[0].field", cs.ErrUnknownField},
		// A string where a number is needed.
		{"type mismatch", `{"field":"health.score","op":"<","value":"50"}`, "when.value", cs.ErrWrongType},
		// A number for a text field.
		{"number for tier", `{"any":[{"field":"tier","op":"==","value":1}]}`, "when.any[0].value", cs.ErrWrongType},
		// The score is 0..100: above 100 it is never reached.
		{"out of bounds", `{"field":"health.score","op":">","value":100}`, "when", ErrImpossible},
		// Text has no order.
		{"ordered text", `{"field":"tier","op":"<","value":"high"}`, "when.op", ErrImpossible},
		// A tier that does not exist.
		{"unknown tier", `{"field":"tier","op":"==","value":"medium"}`, "when.value", ErrImpossible},
		// A stage that does not exist, inside a list.
		{"unknown stage", `{"field":"stage","op":"in","value":["adoption","trial"]}`, "when.value[1]", ErrImpossible},
		// An empty membership list is never true.
		{"empty in", `{"field":"signal.usage","op":"in","value":[]}`, "when.value", ErrImpossible},
		// in wants a list.
		{"in scalar", `{"field":"signal.usage","op":"in","value":1}`, "when.value", cs.ErrWrongType},
		// Two operators in one node.
		{"two kinds", `{"field":"tier","op":"==","value":"high","not":{"field":"community","op":"exists"}}`, "when", cs.ErrSyntax},
		// No operator at all.
		{"empty", `{}`, "when", cs.ErrSyntax},
		// An empty all.
		{"empty all", `{"all":[]}`, "when.all", cs.ErrMissing},
		// An unknown operator.
		{"bad op", `{"field":"mrr","op":"=~","value":1}`, "when.op", ErrUnknownValue},
		// A comparison needs a value.
		{"no value", `{"field":"mrr","op":"<"}`, "when.value", cs.ErrMissing},
		// exists takes none.
		{"exists value", `{"field":"mrr","op":"exists","value":1}`, "when.value", cs.ErrSyntax},
		// A key the format does not have.
		{"unknown key", `{"field":"mrr","op":"exists","note":1}`, "when.note", cs.ErrUnknownField},
		// Deep paths are kept.
		{"deep", `{"not":{"entering":{"all":[{"field":"tier","op":"exists"},{"field":"x","op":"exists"}]}}}`, "when.not.entering.all[1].field", cs.ErrUnknownField},
	}
	for _, tt := range tests {
		_, err := ParseCondition([]byte(tt.json))
		if !errors.Is(err, tt.err) || fieldOf(err) != tt.path || !strings.HasPrefix(fmt.Sprint(err), "playbook: "+tt.path+":") {
			t.Errorf("%s: ParseCondition(%s) = %v, want path %s and %v", tt.name, tt.json, err, tt.path, tt.err)
		}
	}
}

func TestConditionTable(t *testing.T) {
	c := &cs.Customer{ID: "C1", Stage: cs.StageRenewal, RenewalDate: cs.MustParseDate("2026-08-29"),
		MRR: cs.MustParseMoney("1200 USD"), Signals: cs.Signals{"usage_trend": -0.25}, Attributes: cs.Attributes{"plan": "growth"}}
	s := &Situation{Customer: c, Now: cs.MustParseDate("2026-06-30"), HealthScore: 42, HealthKnown: true, Tier: "low"}
	tests := []struct {
		json string
		want bool
	}{
		{`{"field":"days_to_renewal","op":"==","value":60}`, true},        // 30 June to 29 August
		{`{"field":"health.score","op":"<","value":50}`, true},            // known and below
		{`{"field":"effort.friction","op":"<","value":50}`, false},        // missing: false
		{`{"not":{"field":"effort.friction","op":"<","value":50}}`, true}, // not of missing
		{`{"field":"effort.friction","op":"!=","value":50}`, false},       // != on missing: false
		{`{"field":"signal.nps","op":"exists"}`, false},                   // absent signal
		{`{"field":"signal.usage_trend","op":"<","value":-0.2}`, true},    // present signal
		{`{"field":"stage","op":"==","value":"renewal"}`, true},           // stage by name
		{`{"field":"attr.plan","op":"in","value":["growth","enterprise"]}`, true},
		{`{"field":"mrr","op":">=","value":1200}`, true},
		{`{"field":"event.case_closed","op":"==","value":false}`, true},
		{`{"entering":{"field":"tier","op":"==","value":"low"}}`, true}, // no previous: entering
	}
	for _, tt := range tests {
		cond, err := ParseCondition([]byte(tt.json))
		if err != nil {
			t.Fatalf("ParseCondition(%s): %v", tt.json, err)
		}
		if got := cond.Eval(s); got != tt.want {
			t.Errorf("Eval(%s) = %v, want %v", tt.json, got, tt.want)
		}
	}
}

// The benchmark condition, with its explanation.
func TestExplain(t *testing.T) {
	cond, err := ParseCondition([]byte(condition4))
	if err != nil {
		t.Fatal(err)
	}
	c := &cs.Customer{ID: "C1", RenewalDate: cs.MustParseDate("2026-08-29"), Signals: cs.Signals{"usage_trend": -0.25}}
	s := &Situation{Customer: c, Now: cs.MustParseDate("2026-06-30"), HealthScore: 42, HealthKnown: true, Tier: "low"}
	if !cond.Eval(s) {
		t.Fatal("Eval = false, want true")
	}
	var got []string
	for _, m := range cond.Explain(s) {
		got = append(got, m.String())
	}
	want := []string{"health.score < 50 (got 42)", "days_to_renewal <= 90 (got 60)", "signal.usage_trend < -0.2 (got -0.25)"}
	if len(got) != len(want) {
		t.Fatalf("Explain = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Explain[%d] = %q, want %q", i, got[i], want[i])
		}
	}
}

// condition4 is the benchmark condition of four comparisons (BenchmarkCondition4),
// health.score < 50 and days_to_renewal <= 90 and (tier == "high" or signal.usage_trend < -0.2).
const condition4 = `{"all": [
	{"field": "health.score", "op": "<", "value": 50},
	{"field": "days_to_renewal", "op": "<=", "value": 90},
	{"any": [
		{"field": "tier", "op": "==", "value": "high"},
		{"field": "signal.usage_trend", "op": "<", "value": -0.2}
	]}
]}`

func TestEvalDoesNotAllocate(t *testing.T) {
	cond, err := ParseCondition([]byte(condition4))
	if err != nil {
		t.Fatal(err)
	}
	s := &Situation{Customer: &cs.Customer{ID: "C1", Signals: cs.Signals{"usage_trend": -0.3}}, Now: now}
	cond.Eval(s)
	if n := testing.AllocsPerRun(100, func() { cond.Eval(s) }); n != 0 {
		t.Errorf("Eval allocates %v times, want 0", n)
	}
}

func FuzzParseCondition(f *testing.F) {
	f.Add([]byte(condition4))
	f.Add([]byte(`{"not":{"entering":{"field":"stage","op":"in","value":["onboarding"]}}}`))
	f.Add([]byte(`{"field":"health.score","op":">","value":1e999}`))
	f.Add([]byte(`{"any":[{"field":"event.x","op":"exists"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCondition(data)
		if err != nil {
			var fe *cs.FieldError
			if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), "playbook: ") || len(err.Error()) > 4096 {
				t.Fatalf("error %v is not a short *cs.FieldError with the package prefix", err)
			}
			return
		}
		s := &Situation{Customer: &cs.Customer{ID: "C"}, Now: now}
		if c.Eval(s) != refEval(c.Expr(), s) {
			t.Fatalf("compiled and reference disagree on %s", data)
		}
	})
}

func FuzzParse(f *testing.F) {
	f.Add(defaultJSON)
	f.Add([]byte(`{"plays":[{"id":"a","name":"a","priority":"must","when":{"field":"tier","op":"exists"},"actions":[{"title":"t","channel":"email","owner":"csm"}]}]}`))
	f.Add([]byte(`{"plays":[{"id":"a","priority":"urgent"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		pb, err := Parse(data)
		if err != nil {
			var fe *cs.FieldError
			if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), "playbook: ") || len(err.Error()) > 8192 {
				t.Fatalf("error %v is not a short *cs.FieldError with the package prefix", err)
			}
			return
		}
		s := &Situation{Customer: &cs.Customer{ID: "C", Signals: cs.Signals{"usage": 0.5}}, Now: now, Tier: "high"}
		if _, err := pb.Evaluate(s, nil); err != nil {
			t.Fatal(err)
		}
	})
}

// fieldOf returns the Field of the first *cs.FieldError in err.
func fieldOf(err error) string {
	var fe *cs.FieldError
	if errors.As(err, &fe) {
		return fe.Field
	}
	return ""
}

func TestMatchString(t *testing.T) {
	s := &Situation{Customer: &cs.Customer{ID: "C", Attributes: cs.Attributes{"plan": "growth"}}, Now: now, Community: true}
	tests := []struct {
		e    Expr
		want string
	}{
		{Known("community"), "community exists (got present)"},                   // exists shows presence, not a number
		{Is("community", true), "community == true (got true)"},                  // flags print as booleans
		{Known("signal.nps"), "signal.nps exists (got missing)"},                 // a missing signal
		{OneOf("attr.plan", "growth"), `attr.plan in ["growth"] (got "growth")`}, // text is quoted
	}
	for _, tt := range tests {
		c, err := Compile(tt.e)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Explain(s)[0].String(); got != tt.want {
			t.Errorf("Explain(%s) = %q, want %q", tt.e, got, tt.want)
		}
	}
}
