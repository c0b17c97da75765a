package bench

import (
	"fmt"
	"testing"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/interpreter"
	"github.com/successkit/cs/playbook"
)

// condition4 is playbook's benchmark condition (playbook/cond_test.go):
// health.score < 50 and days_to_renewal <= 90 and (tier == "high" or
// signal.usage_trend < -0.2). A comparison on a missing value is false.
const condition4 = `{"all": [
	{"field": "health.score", "op": "<", "value": 50},
	{"field": "days_to_renewal", "op": "<=", "value": 90},
	{"any": [
		{"field": "tier", "op": "==", "value": "high"},
		{"field": "signal.usage_trend", "op": "<", "value": -0.2}
	]}
]}`

// condEnv is the typed environment of the expr and CEL versions: the fields the
// condition reads, copied once per situation, as playbook copies a situation's
// numbers into its dense layout at the first Eval. The missing-value rule is
// written out with HealthKnown (every situation has a renewal date and a
// usage_trend signal).
type condEnv struct {
	HealthKnown   bool
	HealthScore   float64
	DaysToRenewal int
	Tier          string
	UsageTrend    float64
}

func envOf(s *playbook.Situation) condEnv {
	days, _ := s.Customer.DaysToRenewal(s.Now)
	trend, _ := s.Customer.Signals.Get("usage_trend")
	return condEnv{HealthKnown: s.HealthKnown, HealthScore: s.HealthScore, DaysToRenewal: days, Tier: s.Tier, UsageTrend: trend}
}

// exprCondition4 is condition4 in expr-lang.
const exprCondition4 = `HealthKnown && HealthScore < 50 && DaysToRenewal <= 90 && (Tier == "high" || UsageTrend < -0.2)`

// compileExpr compiles the condition once against the typed env struct
// (expr.Env with a struct type lets the compiler check field names and types;
// expr.AsBool fixes the result type): https://expr-lang.org/docs/getting-started
// and https://pkg.go.dev/github.com/expr-lang/expr#Compile. Every expr program
// here is run with a reused vm.VM
// (https://pkg.go.dev/github.com/expr-lang/expr/vm#VM.Run), which saves
// allocating a VM per run as expr.Run does. Measured here, the struct is
// slower than a map[string]any environment (expr v1.17 reads a map variable
// with a dedicated opcode, OpLoadFast, and a struct field by reflection), so
// BenchmarkCondition4/expr uses the map and /expr-struct this.
func compileExpr() (*vm.Program, error) {
	return expr.Compile(exprCondition4, expr.Env(condEnv{}), expr.AsBool())
}

// celCondition4 is condition4 in CEL.
const celCondition4 = `health_known && health_score < 50.0 && days_to_renewal <= 90 && (tier == "high" || usage_trend < -0.2)`

// celActivation resolves the condition's variables from values converted to
// CEL's ref.Val once per situation, so that Eval neither converts nor boxes
// them. It implements interpreter.Activation
// (https://pkg.go.dev/github.com/google/cel-go/interpreter#Activation), the
// documented alternative to the map-based cel.Activation.
type celActivation struct {
	known, score, days, tier, trend ref.Val
}

func (a *celActivation) ResolveName(name string) (any, bool) {
	switch name {
	case "health_known":
		return a.known, true
	case "health_score":
		return a.score, true
	case "days_to_renewal":
		return a.days, true
	case "tier":
		return a.tier, true
	case "usage_trend":
		return a.trend, true
	}
	return nil, false
}

func (a *celActivation) Parent() interpreter.Activation { return nil }

func celActivationOf(e condEnv) *celActivation {
	return &celActivation{
		known: types.Bool(e.HealthKnown), score: types.Double(e.HealthScore), days: types.Int(e.DaysToRenewal),
		tier: types.String(e.Tier), trend: types.Double(e.UsageTrend),
	}
}

// compileCEL declares the variables with their types, compiles and
// type-checks the condition once, and plans it with OptOptimize (constant
// folding and precomputed overloads at plan time), following
// https://pkg.go.dev/github.com/google/cel-go/cel (Env.Compile, Env.Program,
// EvalOptions) and the cel-go README's "Evaluate" section.
func compileCEL() (cel.Program, error) {
	env, err := cel.NewEnv(
		cel.Variable("health_known", cel.BoolType),
		cel.Variable("health_score", cel.DoubleType),
		cel.Variable("days_to_renewal", cel.IntType),
		cel.Variable("tier", cel.StringType),
		cel.Variable("usage_trend", cel.DoubleType),
	)
	if err != nil {
		return nil, err
	}
	ast, iss := env.Compile(celCondition4)
	if iss.Err() != nil {
		return nil, iss.Err()
	}
	if ast.OutputType() != cel.BoolType {
		return nil, fmt.Errorf("bench: CEL condition has type %v, want bool", ast.OutputType())
	}
	return env.Program(ast, cel.EvalOptions(cel.OptOptimize))
}

// envMap is a situation as the map environment most expr and CEL examples use
// (expr.Env(map[string]any{...}); cel.Program.Eval(map[string]any{...})). It
// is expr's fastest environment here, and slower than celActivation for CEL.
func envMap(e condEnv) map[string]any {
	return map[string]any{
		"health_known": e.HealthKnown, "health_score": e.HealthScore, "days_to_renewal": e.DaysToRenewal,
		"tier": e.Tier, "usage_trend": e.UsageTrend,
	}
}

// exprMapCondition4 is condition4 in expr-lang over envMap's names.
const exprMapCondition4 = `health_known && health_score < 50 && days_to_renewal <= 90 && (tier == "high" || usage_trend < -0.2)`

// conditionFixture is everything the evaluators need, built once.
type conditionFixture struct {
	sits  []*playbook.Situation
	cond  *playbook.Condition
	envs  []condEnv
	expr  *vm.Program
	acts  []*celActivation
	celPr cel.Program
	maps  []map[string]any
	exprM *vm.Program
}

func newConditionFixture(tb testing.TB, n int) *conditionFixture {
	tb.Helper()
	f := &conditionFixture{sits: benchSituations(n)}
	var err error
	if f.cond, err = playbook.ParseCondition([]byte(condition4)); err != nil {
		tb.Fatal(err)
	}
	if f.expr, err = compileExpr(); err != nil {
		tb.Fatal(err)
	}
	if f.celPr, err = compileCEL(); err != nil {
		tb.Fatal(err)
	}
	if f.exprM, err = expr.Compile(exprMapCondition4, expr.Env(envMap(condEnv{})), expr.AsBool()); err != nil {
		tb.Fatal(err)
	}
	for _, s := range f.sits {
		e := envOf(s)
		f.envs = append(f.envs, e)
		f.acts = append(f.acts, celActivationOf(e))
		f.maps = append(f.maps, envMap(e))
	}
	return f
}

func (f *conditionFixture) evalExpr(m *vm.VM, i int) (bool, error) {
	v, err := m.Run(f.expr, &f.envs[i])
	if err != nil {
		return false, err
	}
	return v.(bool), nil
}

func (f *conditionFixture) evalExprMap(m *vm.VM, i int) (bool, error) {
	v, err := m.Run(f.exprM, f.maps[i])
	if err != nil {
		return false, err
	}
	return v.(bool), nil
}

func (f *conditionFixture) evalCEL(i int) (bool, error) { return f.evalCELWith(f.acts[i]) }

func (f *conditionFixture) evalCELMap(i int) (bool, error) { return f.evalCELWith(f.maps[i]) }

func (f *conditionFixture) evalCELWith(act any) (bool, error) {
	v, _, err := f.celPr.Eval(act)
	if err != nil {
		return false, err
	}
	b, ok := v.(types.Bool)
	if !ok {
		return false, fmt.Errorf("bench: CEL returned %T", v)
	}
	return bool(b), nil
}

// TestConditionsAgree checks that the five evaluators give the same answer on
// every one of the benchmark's 1024 situations, and that the workload has both
// outcomes (a quarter of playbook's situations are meant to match).
func TestConditionsAgree(t *testing.T) {
	f := newConditionFixture(t, 1024)
	var m vm.VM
	hits := 0
	for i, s := range f.sits {
		want := f.cond.Eval(s)
		gotExpr, err := f.evalExpr(&m, i)
		if err != nil {
			t.Fatalf("situation %d: expr: %v", i, err)
		}
		gotCEL, err := f.evalCEL(i)
		if err != nil {
			t.Fatalf("situation %d: cel: %v", i, err)
		}
		gotExprMap, err := f.evalExprMap(&m, i)
		if err != nil {
			t.Fatalf("situation %d: expr with a map: %v", i, err)
		}
		gotCELMap, err := f.evalCELMap(i)
		if err != nil {
			t.Fatalf("situation %d: cel with a map: %v", i, err)
		}
		if gotExpr != want || gotCEL != want || gotExprMap != want || gotCELMap != want {
			t.Errorf("situation %d (%+v): successkit %v, expr %v, cel %v, expr with a map %v, cel with a map %v",
				i, f.envs[i], want, gotExpr, gotCEL, gotExprMap, gotCELMap)
		}
		if want {
			hits++
		}
	}
	if hits == 0 || hits == len(f.sits) {
		t.Fatalf("condition true on %d of %d situations; the comparison needs both outcomes", hits, len(f.sits))
	}
	t.Logf("condition true on %d of %d situations", hits, len(f.sits))
}

// BenchmarkCondition4 evaluates playbook's 4-clause condition over its 1024
// varied situations with successkit, expr-lang and CEL, each compiled once and
// each given its environment prepared before timing: expr with a
// map[string]any per situation (its fastest here), expr-struct with condEnv,
// cel with celActivation (its fastest), cel-map with the map.
func BenchmarkCondition4(b *testing.B) {
	f := newConditionFixture(b, 1024)
	for _, s := range f.sits {
		f.cond.Eval(s) // prepare, as playbook's own benchmark does
	}
	bench := func(b *testing.B, eval func(i int) bool) {
		b.ReportAllocs()
		n, hits := 0, 0
		for b.Loop() {
			if eval(n & 1023) {
				hits++
			}
			n++
		}
		if hits == 0 {
			b.Fatal("condition never true")
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "evals/s")
	}
	b.Run("successkit", func(b *testing.B) {
		bench(b, func(i int) bool { return f.cond.Eval(f.sits[i]) })
	})
	b.Run("expr", func(b *testing.B) {
		var m vm.VM
		bench(b, func(i int) bool {
			ok, err := f.evalExprMap(&m, i)
			if err != nil {
				b.Fatal(err)
			}
			return ok
		})
	})
	b.Run("expr-struct", func(b *testing.B) {
		var m vm.VM
		bench(b, func(i int) bool {
			ok, err := f.evalExpr(&m, i)
			if err != nil {
				b.Fatal(err)
			}
			return ok
		})
	})
	b.Run("cel", func(b *testing.B) {
		bench(b, func(i int) bool {
			ok, err := f.evalCEL(i)
			if err != nil {
				b.Fatal(err)
			}
			return ok
		})
	})
	b.Run("cel-map", func(b *testing.B) {
		bench(b, func(i int) bool {
			ok, err := f.evalCELMap(i)
			if err != nil {
				b.Fatal(err)
			}
			return ok
		})
	})
}
