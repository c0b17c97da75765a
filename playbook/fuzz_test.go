package playbook

import (
	"encoding/json"
	"testing"

	cs "github.com/successkit/cs"
)

// FuzzHistoryJSON: whatever the bytes, UnmarshalJSON returns a History or a
// short error, and a History it accepts encodes to JSON that decodes to the
// same JSON again and evaluates without error.
func FuzzHistoryJSON(f *testing.F) {
	f.Add([]byte(`{"fires":[],"tasks":[]}`))
	f.Add([]byte(`{"fires":[{"customer_id":"A","play_id":"risk","date":"2026-06-01"}],"tasks":[{"task":{"key":"A/risk#0","customer_id":"A","play_id":"risk","play_name":"r","priority":"must","action":{"title":"t","channel":"call","owner":"csm","due_days":7,"hours":1},"fired":"2026-06-01","due":"2026-06-08","mrr":"100.00 USD","reason":{"condition":"{}","matches":[{"field":"health.score","op":"<","want":40,"known":true,"num":30}]}},"state":"open","opened":"2026-06-01","deferred":1,"deferred_on":"2026-06-01","deferred_why":"no capacity"}]}`))
	f.Add([]byte(`{"fires":[],"tasks":[{"task":{"key":"A#0","customer_id":"A","play_id":"p","priority":"could","fired":"2026-06-01","due":"2026-06-01","mrr":""},"state":"skipped","opened":"2026-06-01","closed":"2026-06-02","by":"ana","note":"no"}]}`))
	f.Add([]byte(`{"fires":null,"tasks":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var h History
		if err := json.Unmarshal(data, &h); err != nil {
			if len(err.Error()) > 8192 {
				t.Fatalf("error of %d bytes", len(err.Error()))
			}
			return
		}
		b, err := json.Marshal(&h)
		if err != nil {
			t.Fatalf("Marshal of an accepted History: %v", err)
		}
		var back History
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("Unmarshal(%s): %v", b, err)
		}
		if b2, _ := json.Marshal(&back); string(b2) != string(b) {
			t.Fatalf("JSON changed:\n%s\n%s", b, b2)
		}
		s := &Situation{Customer: &cs.Customer{ID: "A", Signals: cs.Signals{"usage": 0.5}}, Now: now, Tier: "high", HealthScore: 30, HealthKnown: true}
		tasks, err := Default().Evaluate(s, &back)
		if err != nil {
			t.Fatal(err)
		}
		if err := back.Record(tasks); err != nil {
			t.Fatal(err)
		}
		if _, err := back.Plan(now, map[string]Capacity{"csm": {Slots: 1}}); err != nil {
			t.Fatal(err)
		}
		if _, err := back.Expire(now, 0); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzTaskStateText: UnmarshalText accepts exactly the four names, and what it
// accepts marshals back to the same text.
func FuzzTaskStateText(f *testing.F) {
	for _, s := range []string{"open", "done", "skipped", "expired", "", "Open", "closed"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var s TaskState
		if err := s.UnmarshalText(data); err != nil {
			if len(err.Error()) > 512 {
				t.Fatalf("error of %d bytes", len(err.Error()))
			}
			return
		}
		b, err := s.MarshalText()
		if err != nil || string(b) != string(data) {
			t.Fatalf("%q → %v → %q, %v", data, s, b, err)
		}
	})
}

// FuzzPriorityText: the same for priorities.
func FuzzPriorityText(f *testing.F) {
	for _, s := range []string{"must", "should", "could", "", "urgent"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var p Priority
		if err := p.UnmarshalText(data); err != nil {
			if len(err.Error()) > 512 {
				t.Fatalf("error of %d bytes", len(err.Error()))
			}
			return
		}
		b, err := p.MarshalText()
		if err != nil || string(b) != string(data) {
			t.Fatalf("%q → %v → %q, %v", data, p, b, err)
		}
	})
}
