package playbook

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	cs "github.com/successkit/cs"
)

// equalMoney compares amounts by value: "900 USD" and "900.00 USD" are the same
// MRR, and JSON keeps the value, not the decimal's exponent.
var equalMoney = cmp.Comparer(func(a, b cs.Money) bool { return a.Currency() == b.Currency() && a.Equal(b) })

func genText(t *rapid.T, label string) string {
	return rapid.OneOf(rapid.SampledFrom([]string{"", "C1", "renewal-risk", "Ünïcødé ✓", `quote " and \ slash`, "a/b#c", "line\nbreak"}),
		rapid.StringN(0, 12, -1)).Draw(t, label)
}

func genDate(t *rapid.T, label string) cs.Date {
	if rapid.IntRange(0, 9).Draw(t, label+"zero") == 0 {
		return cs.Date{}
	}
	return now.AddDays(rapid.IntRange(-4000, 4000).Draw(t, label))
}

func genMoney(t *rapid.T) cs.Money {
	if rapid.Bool().Draw(t, "noMRR") {
		return cs.Money{}
	}
	m, err := cs.MoneyFromMinor(rapid.Int64Range(-1e12, 1e12).Draw(t, "minor"), rapid.SampledFrom([]cs.Currency{"USD", "EUR", "JPY", "BHD"}).Draw(t, "currency"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func genFloat(t *rapid.T, label string) float64 {
	return rapid.OneOf(rapid.SampledFrom([]float64{0, -0.25, 0.1, 1e300, 5e-324}), rapid.Float64Range(-1e9, 1e9)).Draw(t, label)
}

func genMatch(t *rapid.T) Match {
	m := Match{Field: genText(t, "field"), Op: rapid.SampledFrom([]Op{Eq, Ne, Lt, Le, Gt, Ge, In, NotIn, Exists}).Draw(t, "op"),
		Known: rapid.Bool().Draw(t, "known"), Num: genFloat(t, "num"), Text: genText(t, "text"), Flag: rapid.Bool().Draw(t, "flag")}
	if rapid.Bool().Draw(t, "want") {
		// Compact JSON: encoding/json compacts a RawMessage it writes.
		m.Want = json.RawMessage(rapid.SampledFrom([]string{`50`, `-0.2`, `"red"`, `true`, `["high","low"]`, `[0.1,0.9]`}).Draw(t, "wantJSON"))
	}
	return m
}

func genTask(t *rapid.T) Task {
	return Task{
		Key: genText(t, "key"), CustomerID: genText(t, "customer"), PlayID: genText(t, "play"), PlayName: genText(t, "name"),
		Priority: rapid.SampledFrom([]Priority{Must, Should, Could}).Draw(t, "priority"),
		Action: Action{Title: genText(t, "title"), Channel: rapid.SampledFrom(Channels()).Draw(t, "channel"), Owner: rapid.SampledFrom(Roles()).Draw(t, "owner"),
			DueDays: rapid.IntRange(0, 400).Draw(t, "due"), Hours: genFloat(t, "hours")},
		Fired: genDate(t, "fired"), Due: genDate(t, "due"), MRR: genMoney(t),
		Update: rapid.Bool().Draw(t, "update"), Carried: rapid.Bool().Draw(t, "carried"),
		Reason: Reason{Condition: genText(t, "condition"), Matches: rapid.SliceOfN(rapid.Custom(genMatch), 0, 3).Draw(t, "matches")},
	}
}

func genRecord(t *rapid.T) TaskRecord {
	return TaskRecord{Task: genTask(t), State: rapid.SampledFrom([]TaskState{TaskOpen, TaskDone, TaskSkipped, TaskExpired}).Draw(t, "state"),
		Opened: genDate(t, "opened"), Deferred: rapid.IntRange(0, 9).Draw(t, "deferred"), DeferredOn: genDate(t, "deferredOn"),
		DeferredWhy: genText(t, "why"), Closed: genDate(t, "closed"), By: genText(t, "by"), Note: genText(t, "note")}
}

func genOutcome(t *rapid.T) Outcome {
	return Outcome{CustomerID: genText(t, "customer"), PlayID: genText(t, "play"), Date: genDate(t, "date"), Tier: genText(t, "tier"),
		HealthBefore: genFloat(t, "before"), HealthAfter: genFloat(t, "after"), Renewed: rapid.Bool().Draw(t, "renewed"), Churned: rapid.Bool().Draw(t, "churned")}
}

func genFire(t *rapid.T) Fire {
	return Fire{CustomerID: genText(t, "customer"), PlayID: genText(t, "play"), Date: genDate(t, "date")}
}

// roundTrip checks decode(encode(x)) == x for one generated type.
func roundTrip[T any](t *testing.T, gen func(*rapid.T) T) {
	t.Helper()
	rapid.Check(t, func(t *rapid.T) {
		x := gen(t)
		b, err := json.Marshal(x)
		if err != nil {
			t.Fatalf("Marshal(%+v): %v", x, err)
		}
		var back T
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("Unmarshal(%s): %v", b, err)
		}
		if d := cmp.Diff(x, back, equalMoney, cmp.AllowUnexported(Task{})); d != "" {
			t.Fatalf("round trip of %s (-want +got):\n%s", b, d)
		}
	})
}

// Every type a user stores or sends comes back from its JSON unchanged.
func TestJSONRoundTrip(t *testing.T) {
	t.Run("Task", func(t *testing.T) { roundTrip(t, genTask) })
	t.Run("TaskRecord", func(t *testing.T) { roundTrip(t, genRecord) })
	t.Run("Fire", func(t *testing.T) { roundTrip(t, genFire) })
	t.Run("Outcome", func(t *testing.T) { roundTrip(t, genOutcome) })
	t.Run("Match", func(t *testing.T) { roundTrip(t, genMatch) })
	t.Run("TaskState", func(t *testing.T) {
		roundTrip(t, func(t *rapid.T) TaskState {
			return rapid.SampledFrom([]TaskState{TaskOpen, TaskDone, TaskSkipped, TaskExpired}).Draw(t, "s")
		})
	})
	t.Run("Priority", func(t *testing.T) {
		roundTrip(t, func(t *rapid.T) Priority { return rapid.SampledFrom([]Priority{Must, Should, Could}).Draw(t, "p") })
	})
	t.Run("Schedule", func(t *testing.T) {
		roundTrip(t, func(t *rapid.T) Schedule {
			s := Schedule{Do: rapid.SliceOfN(rapid.Custom(genTask), 0, 2).Draw(t, "do"), Used: map[string]Usage{}}
			for range rapid.IntRange(0, 2).Draw(t, "deferred") {
				s.Deferred = append(s.Deferred, Deferred{Task: genTask(t), Why: genText(t, "why")})
			}
			s.Used["csm"] = Usage{Tasks: rapid.IntRange(0, 9).Draw(t, "tasks"), Hours: genFloat(t, "hours")}
			return s
		})
	})
}

// Tasks as Evaluate returns them come back from JSON the same in every
// exported field (the unexported tie-break is Evaluate's own).
func TestEvaluatedTasksRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		pb, _ := genPlaybook(t)
		tasks, _ := pb.EvaluateAll([]*Situation{genSituation(t, "C1"), genSituation(t, "C2")}, nil)
		b, err := json.Marshal(tasks)
		if err != nil {
			t.Fatal(err)
		}
		var back []Task
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		for i := range tasks {
			tasks[i].order = 0
		}
		if d := cmp.Diff(tasks, back, equalMoney, cmp.AllowUnexported(Task{})); d != "" {
			t.Fatalf("(-want +got):\n%s", d)
		}
	})
}

// A History's JSON decodes to a History with the same rows and the same JSON.
func TestHistoryJSONRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		pb, _ := genPlaybook(t)
		h := &History{}
		var prev []*Situation
		for w := range rapid.IntRange(0, 5).Draw(t, "weeks") {
			on := now.AddDays(7 * w)
			sits := genWeek(t, 3, on, prev)
			tasks, _ := pb.EvaluateAll(sits, h)
			h.Record(tasks)
			h.Plan(on, genCapacity(t))
			closeSome(t, on, h)
			h.Expire(on, 3)
			prev = sits
		}
		b, err := json.Marshal(h)
		if err != nil {
			t.Fatal(err)
		}
		var back History
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("Unmarshal(%s): %v", b, err)
		}
		if b2 := mustJSON(t, &back); b2 != string(b) {
			t.Fatalf("JSON differs:\n%s\n%s", b, b2)
		}
		if d := cmp.Diff(slices.Collect(h.AllTasks()), slices.Collect(back.AllTasks()), equalMoney, cmp.AllowUnexported(Task{})); d != "" {
			t.Fatalf("tasks (-want +got):\n%s", d)
		}
		if d := cmp.Diff(h.FireLog(), back.FireLog()); d != "" {
			t.Fatalf("fires (-want +got):\n%s", d)
		}
		// The empty History has a JSON form too, and a History held by value encodes.
		var empty History
		if got := mustJSON(t, empty); got != `{"fires":[],"tasks":[]}` {
			t.Fatalf("empty History = %s", got)
		}
		if got := mustJSON(t, struct{ H History }{*h}); got != `{"H":`+string(b)+`}` {
			t.Fatalf("History by value = %s", got)
		}
	})
}

// An MRR of zero keeps its currency through JSON: with omitzero it was dropped
// (Money.IsZero is true for "0.00 USD"), and a reloaded task sorted by currency
// as if it had no MRR.
func TestZeroMRRRoundTrip(t *testing.T) {
	task := Task{Key: "C1/p#0", CustomerID: "C1", Priority: Must, MRR: cs.MustParseMoney("0 USD")}
	var back Task
	if err := json.Unmarshal([]byte(mustJSON(t, task)), &back); err != nil || back.MRR.Currency() != "USD" {
		t.Fatalf("round trip of 0 USD = %v, %v", back.MRR, err)
	}
}
