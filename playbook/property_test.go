package playbook

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"

	cs "github.com/successkit/cs"
	"pgregory.net/rapid"
)

var (
	grades  = []string{"red", "yellow", "green"}
	signals = []string{"usage", "usage_trend", "seat_utilization"}
	// numbers drawn often, so that equality and boundaries are hit.
	pivots = []float64{0.1, 0.5, 0.9, 10, 50, 90}
)

func genLeaf(t *rapid.T) Expr {
	switch rapid.IntRange(0, 9).Draw(t, "field") {
	case 0, 1:
		f := rapid.SampledFrom([]string{"health.score", "effort.friction"}).Draw(t, "f")
		op := rapid.SampledFrom([]Op{Eq, Ne, Lt, Le, Gt, Ge, Exists}).Draw(t, "op")
		if op == Exists {
			return Known(f)
		}
		return Num(f, op, rapid.SampledFrom([]float64{10, 50, 90}).Draw(t, "k"))
	case 2, 3:
		f := "signal." + rapid.SampledFrom(signals).Draw(t, "sig")
		op := rapid.SampledFrom([]Op{Eq, Ne, Lt, Le, Gt, Ge, Exists, In, NotIn}).Draw(t, "op")
		switch op {
		case Exists:
			return Known(f)
		case In, NotIn:
			ks := rapid.SliceOfN(rapid.SampledFrom(pivots), 1, 3).Draw(t, "ks")
			b, _ := json.Marshal(ks)
			return Expr{Field: f, Op: op, Value: b}
		}
		return Num(f, op, rapid.SampledFrom(pivots).Draw(t, "k"))
	case 4:
		return Num("days_to_renewal", rapid.SampledFrom([]Op{Lt, Le, Gt, Ge, Eq}).Draw(t, "op"), rapid.SampledFrom([]float64{0, 30, 90}).Draw(t, "k"))
	case 5:
		op := rapid.SampledFrom([]Op{Eq, Ne, In, NotIn, Exists}).Draw(t, "op")
		if op == Exists {
			return Known("tier")
		}
		if op == In || op == NotIn {
			ks := rapid.SliceOfN(rapid.SampledFrom(tierNames), 1, 2).Draw(t, "ks")
			b, _ := json.Marshal(ks)
			return Expr{Field: "tier", Op: op, Value: b}
		}
		return Str("tier", op, rapid.SampledFrom(tierNames).Draw(t, "k"))
	case 6:
		return Str("health.grade", rapid.SampledFrom([]Op{Eq, Ne}).Draw(t, "op"), rapid.SampledFrom(grades).Draw(t, "k"))
	case 7:
		return OneOf("stage", rapid.SliceOfN(rapid.SampledFrom([]string{"onboarding", "adoption", "renewal"}), 1, 2).Draw(t, "ks")...)
	case 8:
		return Is(rapid.SampledFrom([]string{"community", "event.case_closed"}).Draw(t, "f"), rapid.Bool().Draw(t, "k"))
	default:
		return Str("attr.plan", rapid.SampledFrom([]Op{Eq, Ne}).Draw(t, "op"), rapid.SampledFrom([]string{"starter", "enterprise"}).Draw(t, "k"))
	}
}

func genExpr(t *rapid.T, depth int) Expr {
	if depth == 0 {
		return genLeaf(t)
	}
	switch rapid.IntRange(0, 5).Draw(t, "node") {
	case 0:
		return All(rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Expr { return genExpr(t, depth-1) }), 1, 4).Draw(t, "all")...)
	case 1:
		return Any(rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Expr { return genExpr(t, depth-1) }), 1, 4).Draw(t, "any")...)
	case 2:
		return Not(genExpr(t, depth-1))
	case 3:
		return Entering(genExpr(t, depth-1))
	}
	return genLeaf(t)
}

func genNum(t *rapid.T, label string, lo, hi float64) float64 {
	if rapid.Bool().Draw(t, label+"pivot") {
		return rapid.SampledFrom(pivots).Draw(t, label)
	}
	return rapid.Float64Range(lo, hi).Draw(t, label)
}

var now = cs.MustParseDate("2026-06-30")

func genSituation(t *rapid.T, id string) *Situation {
	c := &cs.Customer{ID: id, Stage: rapid.SampledFrom(cs.Stages()).Draw(t, "stage"), Signals: cs.Signals{}, Attributes: cs.Attributes{}}
	if rapid.Bool().Draw(t, "renews") {
		c.RenewalDate = now.AddDays(rapid.SampledFrom([]int{-5, 0, 30, 60, 90, 91, 200}).Draw(t, "renewal"))
	}
	if rapid.Bool().Draw(t, "hasMRR") {
		c.MRR = cs.MustParseMoney(fmt.Sprintf("%d %s", rapid.IntRange(0, 5000).Draw(t, "mrr"), rapid.SampledFrom([]string{"USD", "EUR"}).Draw(t, "currency")))
	}
	for _, name := range signals {
		if rapid.Bool().Draw(t, "has"+name) {
			c.Signals[name] = genNum(t, name, -1, 2)
		}
	}
	if rapid.Bool().Draw(t, "hasPlan") {
		c.Attributes["plan"] = rapid.SampledFrom([]string{"starter", "growth", "enterprise"}).Draw(t, "plan")
	}
	s := &Situation{
		Customer:      c,
		Now:           now,
		HealthScore:   genNum(t, "score", 0, 100),
		HealthKnown:   rapid.Bool().Draw(t, "healthKnown"),
		HealthGrade:   rapid.SampledFrom(append([]string{""}, grades...)).Draw(t, "grade"),
		Tier:          rapid.SampledFrom(append([]string{""}, tierNames...)).Draw(t, "tier"),
		Community:     rapid.Bool().Draw(t, "community"),
		Friction:      genNum(t, "friction", 0, 100),
		FrictionKnown: rapid.Bool().Draw(t, "frictionKnown"),
	}
	if rapid.Bool().Draw(t, "closed") {
		s.Events = []string{"case_closed"}
	}
	return s
}

// The compiled condition agrees with the slow tree-walking reference on random
// conditions and situations, including "entering" against a random previous one.
func TestCompiledAgreesWithReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		e := genExpr(t, 3)
		c, err := Compile(e)
		if err != nil {
			t.Fatalf("Compile(%s): %v", e, err)
		}
		s := genSituation(t, "C1")
		if rapid.Bool().Draw(t, "hasPrevious") {
			s.Previous = genSituation(t, "C1")
		}
		if got, want := c.Eval(s), refEval(e, s); got != want {
			t.Fatalf("Eval(%s) = %v, want %v", e, got, want)
		}
		// A second evaluation reuses the prepared layout and must agree too.
		if got, want := c.Eval(s), refEval(e, s); got != want {
			t.Fatalf("second Eval(%s) = %v, want %v", e, got, want)
		}
	})
}

func genPlay(t *rapid.T, id string) Play {
	p := Play{
		ID:       id,
		Name:     "play " + id,
		Priority: rapid.SampledFrom([]Priority{Must, Should, Could}).Draw(t, "priority"),
		When:     genExpr(t, 2),
		Actions: []Action{{
			Title: "do " + id, Channel: rapid.SampledFrom(channels).Draw(t, "channel"),
			Owner: rapid.SampledFrom(roles).Draw(t, "owner"), DueDays: rapid.IntRange(0, 30).Draw(t, "due"),
		}},
		CooldownDays: rapid.IntRange(0, 10).Draw(t, "cooldown"),
		MaxFires:     rapid.IntRange(0, 3).Draw(t, "maxFires"),
		PeriodDays:   rapid.IntRange(0, 20).Draw(t, "period"),
	}
	if rapid.Bool().Draw(t, "tiers") {
		p.Tiers = rapid.SliceOfNDistinct(rapid.SampledFrom(tierNames), 1, 2, rapid.ID).Draw(t, "tierList")
	}
	if rapid.Bool().Draw(t, "stages") {
		p.Stages = rapid.SliceOfNDistinct(rapid.SampledFrom(cs.Stages()), 1, 3, rapid.ID).Draw(t, "stageList")
	}
	if rapid.Bool().Draw(t, "byCustomer") {
		p.DedupeKey = "customer"
	}
	return p
}

func genPlaybook(t *rapid.T) (*Playbook, []Play) {
	n := rapid.IntRange(1, 5).Draw(t, "plays")
	plays := make([]Play, n)
	for i := range plays {
		plays[i] = genPlay(t, fmt.Sprintf("p%d", i))
	}
	pb, err := New(plays...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return pb, plays
}

// Day by day over a month, with the tasks recorded: no cooldown or fire cap is
// ever violated, a play never fires outside its tiers and stages, no evaluation
// returns two tasks with one key, and a task whose key is open is an update.
func TestEvaluateInvariants(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		pb, _ := genPlaybook(t)
		var h History
		var prev []*Situation
		for day := range 30 {
			var sits []*Situation
			for i := range 3 {
				s := genSituation(t, fmt.Sprintf("C%d", i))
				s.Now = now.AddDays(day)
				if prev != nil {
					s.Previous = prev[i]
				}
				sits = append(sits, s)
			}
			tasks, err := pb.EvaluateAll(sits, &h)
			if err != nil {
				t.Fatal(err)
			}
			keys := map[string]bool{}
			for _, task := range tasks {
				if keys[task.Key] {
					t.Fatalf("day %d: two tasks with key %s", day, task.Key)
				}
				keys[task.Key] = true
				open := h.customer(task.CustomerID).isOpen(task.Key)
				if task.Update != open {
					t.Fatalf("task %s: Update = %v, open = %v", task.Key, task.Update, open)
				}
				p := pb.plays[task.order>>8].play
				var s *Situation
				for _, x := range sits {
					if x.Customer.ID == task.CustomerID {
						s = x
					}
				}
				if len(p.Tiers) > 0 && !slices.Contains(p.Tiers, s.Tier) {
					t.Fatalf("play %s fired for tier %q, applies to %v", p.ID, s.Tier, p.Tiers)
				}
				if len(p.Stages) > 0 && !slices.Contains(p.Stages, s.Customer.Stage) {
					t.Fatalf("play %s fired for stage %v, applies to %v", p.ID, s.Customer.Stage, p.Stages)
				}
			}
			h.Record(tasks)
			prev = sits
		}
		for _, c := range pb.plays {
			p := c.play
			for i := range 3 {
				fires := h.Fires(fmt.Sprintf("C%d", i), p.ID)
				for j := 1; j < len(fires); j++ {
					if gap := fires[j-1].DaysUntil(fires[j]); gap < p.CooldownDays {
						t.Fatalf("play %s: fires %v and %v are %d days apart, cooldown %d", p.ID, fires[j-1], fires[j], gap, p.CooldownDays)
					}
				}
				period := cmpOr(p.PeriodDays, 30)
				for j := range fires {
					n := 0
					for _, d := range fires[:j+1] {
						if d.DaysUntil(fires[j]) < period {
							n++
						}
					}
					if p.MaxFires > 0 && n > p.MaxFires {
						t.Fatalf("play %s: %d fires within %d days, max %d", p.ID, n, period, p.MaxFires)
					}
				}
			}
		}
		seen := map[string]bool{}
		for _, rec := range h.Open(now) {
			if seen[rec.Task.Key] {
				t.Fatalf("duplicate open task %s", rec.Task.Key)
			}
			seen[rec.Task.Key] = true
		}
	})
}

func cmpOr(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

// The same situations and history give the same tasks in the same order, whatever
// the order of the situations.
func TestEvaluateDeterministic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		pb, _ := genPlaybook(t)
		var sits []*Situation
		for i := range rapid.IntRange(1, 8).Draw(t, "n") {
			sits = append(sits, genSituation(t, fmt.Sprintf("C%d", i)))
		}
		var h History
		first, _ := pb.EvaluateAll(sits, &h)
		h.Record(first[:len(first)/2])
		a, _ := pb.EvaluateAll(sits, &h)
		shuffled := slices.Clone(sits)
		perm := rapid.Permutation(shuffled).Draw(t, "perm")
		b, _ := pb.EvaluateAll(perm, &h)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("EvaluateAll depends on input order:\n%v\n%v", a, b)
		}
		for i := 1; i < len(a); i++ {
			if compareTasks(a[i-1], a[i]) > 0 {
				t.Fatalf("tasks %d and %d out of order", i-1, i)
			}
		}
	})
}

// An "entering" play fires exactly on the evaluations at which its condition
// becomes true: once per entry, never while it stays true.
func TestEnteringFiresOncePerEntry(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		inner := genExpr(t, 1)
		pb, err := New(Play{ID: "e", Name: "e", Priority: Must, When: Entering(inner), Actions: []Action{{Title: "t", Channel: "email", Owner: "automated"}}})
		if err != nil {
			t.Fatal(err)
		}
		var h History
		var prev *Situation
		was := false
		for day := range 20 {
			s := genSituation(t, "C")
			s.Now, s.Previous = now.AddDays(day), prev
			is := refEval(inner, s)
			tasks, err := pb.Evaluate(s, &h)
			if err != nil {
				t.Fatal(err)
			}
			if want := is && !was; (len(tasks) == 1) != want || len(tasks) > 1 {
				t.Fatalf("day %d: %d tasks, want fire = %v (now %v, before %v)", day, len(tasks), want, is, was)
			}
			h.Record(tasks)
			prev, was = s, is
		}
	})
}

// A play marshalled to JSON and parsed back is the same play.
func TestPlayJSONRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		_, plays := genPlaybook(t)
		b, err := json.Marshal(Document{Plays: plays})
		if err != nil {
			t.Fatal(err)
		}
		pb, err := Parse(b)
		if err != nil {
			t.Fatalf("Parse(%s): %v", b, err)
		}
		if got := pb.Plays(); !reflect.DeepEqual(got, plays) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, plays)
		}
	})
}
