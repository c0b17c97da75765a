package playbook

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"

	cs "github.com/successkit/cs"
	"github.com/successkit/cs/internal/errs"
	"github.com/successkit/cs/internal/jsonx"
)

// Op is a comparison operator.
type Op string

// The operators. Order operators apply to numbers only; In and NotIn take a JSON
// list; Exists takes no value and is true when the field is known.
const (
	Eq     Op = "=="
	Ne     Op = "!="
	Lt     Op = "<"
	Le     Op = "<="
	Gt     Op = ">"
	Ge     Op = ">="
	In     Op = "in"
	NotIn  Op = "not_in"
	Exists Op = "exists"
)

// Expr is a condition as data: exactly one of All, Any, Not, Entering or Field is
// set. It is the JSON form of a condition:
//
//	{"all": [{"field": "health.score", "op": "<", "value": 50},
//	         {"entering": {"field": "health.grade", "op": "==", "value": "red"}}]}
//
// A comparison on a missing value is false (and Ne, NotIn are false too); Not
// negates its operand as evaluated. Entering is true when its operand is true now
// and was false at the previous evaluation (or there was none).
//
// Fields: health.score, health.grade, health.trend, health.declining_for, tier,
// community, effort.friction, effort.fcr, effort.ces, days_to_renewal, tenure_days,
// mrr (the amount in the customer's currency), stage, segment, signal.<name>,
// attr.<name> and event.<name> (true when the named event is among the recent ones).
type Expr struct {
	All      []Expr          `json:"all,omitempty"`
	Any      []Expr          `json:"any,omitempty"`
	Not      *Expr           `json:"not,omitempty"`
	Entering *Expr           `json:"entering,omitempty"`
	Field    string          `json:"field,omitempty"`
	Op       Op              `json:"op,omitempty"`
	Value    json.RawMessage `json:"value,omitempty"`
}

// All is true when every operand is.
func All(es ...Expr) Expr { return Expr{All: es} }

// Any is true when one operand is.
func Any(es ...Expr) Expr { return Expr{Any: es} }

// Not negates e.
func Not(e Expr) Expr { return Expr{Not: &e} }

// Entering is true on the evaluation at which e becomes true.
func Entering(e Expr) Expr { return Expr{Entering: &e} }

// Num compares a numeric field with v.
func Num(field string, op Op, v float64) Expr {
	return Expr{Field: field, Op: op, Value: json.RawMessage(strconv.FormatFloat(v, 'g', -1, 64))}
}

// Str compares a text field with v.
func Str(field string, op Op, v string) Expr {
	return Expr{Field: field, Op: op, Value: json.RawMessage(strconv.Quote(v))}
}

// Is compares a flag field (community, event.<name>) with v.
func Is(field string, v bool) Expr {
	return Expr{Field: field, Op: Eq, Value: json.RawMessage(strconv.FormatBool(v))}
}

// OneOf is true when a text field is one of vs.
func OneOf(field string, vs ...string) Expr {
	b, _ := json.Marshal(vs) // a []string always marshals
	return Expr{Field: field, Op: In, Value: b}
}

// Known is true when the field has a value.
func Known(field string) Expr { return Expr{Field: field, Op: Exists} }

// String returns the condition as compact JSON.
func (e Expr) String() string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // keep "<" readable in reasons
	if err := enc.Encode(e); err != nil {
		return "<invalid: " + err.Error() + ">"
	}
	return strings.TrimSuffix(b.String(), "\n")
}

type kind uint8

const (
	kNum kind = iota + 1
	kStr
	kBool
)

type fieldInfo struct {
	kind   kind
	lo, hi float64  // bounds of a numeric field; NaN if unbounded
	domain []string // allowed values of a text field; nil = any
}

var nan = math.NaN()

func lookupField(name string) (fieldInfo, bool) {
	switch name {
	case "health.score", "effort.friction":
		return fieldInfo{kind: kNum, lo: 0, hi: 100}, true
	case "effort.fcr":
		return fieldInfo{kind: kNum, lo: 0, hi: 1}, true
	case "effort.ces":
		return fieldInfo{kind: kNum, lo: 1, hi: 7}, true
	case "health.declining_for", "mrr", "tenure_days":
		return fieldInfo{kind: kNum, lo: 0, hi: nan}, true
	case "days_to_renewal":
		return fieldInfo{kind: kNum, lo: nan, hi: nan}, true
	case "health.grade", "segment":
		return fieldInfo{kind: kStr}, true
	case "health.trend":
		return fieldInfo{kind: kStr, domain: trendNames}, true
	case "tier":
		return fieldInfo{kind: kStr, domain: tierNames}, true
	case "stage":
		var names []string
		for _, st := range cs.Stages() {
			names = append(names, st.String())
		}
		return fieldInfo{kind: kStr, domain: names}, true
	case "community":
		return fieldInfo{kind: kBool}, true
	}
	switch {
	case strings.HasPrefix(name, "signal.") && len(name) > len("signal."):
		return fieldInfo{kind: kNum, lo: nan, hi: nan}, true
	case strings.HasPrefix(name, "attr.") && len(name) > len("attr."):
		return fieldInfo{kind: kStr}, true
	case strings.HasPrefix(name, "event.") && len(name) > len("event."):
		return fieldInfo{kind: kBool}, true
	}
	return fieldInfo{}, false
}

type pred func(*Situation) bool

// node is a compiled Expr kept for explanations.
type node struct {
	e    *Expr
	kids []*node
	p    pred
	slot int // numeric leaf: slot; else -1
	str  func(*Situation) string
	flag func(*Situation) bool
}

// Condition is a compiled Expr: immutable and safe for concurrent use. Evaluating
// it does not allocate once the Situation has been prepared for its layout.
type Condition struct {
	expr   Expr
	root   *node
	layout *layout
}

// Compile checks e and compiles it. The error lists every problem (the first
// ten, then a count), each a *cs.FieldError with its JSON path rooted at "when"
// wrapping cs.ErrUnknownField (an unknown field), cs.ErrWrongType (a string for
// a number, a scalar for in), ErrImpossible (a comparison that is never true),
// ErrUnknownValue (an unknown operator), cs.ErrMissing (no value, no operand)
// or cs.ErrSyntax (a node with no kind or two, nesting deeper than 64).
func Compile(e Expr) (*Condition, error) {
	var list errs.List
	c := compileCondition(&e, "when", &list)
	if list.Len() > 0 {
		return nil, wrap(list.Err())
	}
	return c, nil
}

func compileCondition(e *Expr, path string, list *errs.List) *Condition {
	cc := compiler{l: &layout{}, list: list}
	n := cc.compile(e, path, 0)
	if n == nil {
		return nil
	}
	return &Condition{expr: *e, root: n, layout: cc.l}
}

// ParseCondition decodes a JSON condition strictly and compiles it. Decoding
// refuses what every decoder of the module refuses (an unknown or repeated key
// wraps cs.ErrUnknownField or cs.ErrDuplicateKey, a value of the wrong JSON kind
// cs.ErrWrongType, malformed JSON, trailing data and nesting deeper than 64
// cs.ErrSyntax; a leading byte-order mark is accepted); then the condition is
// checked as Compile does. Every problem is a *cs.FieldError with its JSON path
// rooted at "when"; the error lists the first ten and counts the others.
func ParseCondition(data []byte) (*Condition, error) {
	var (
		e    Expr
		list errs.List
	)
	if !jsonx.DecodeTo(&list, data, &e, locate("when")) || list.Len() > 0 {
		return nil, wrap(list.Err())
	}
	return Compile(e)
}

// Expr returns the condition's source.
func (c *Condition) Expr() Expr { return c.expr }

// Eval reports whether the situation meets the condition, preparing s (and
// s.Previous) for the condition's layout first if needed.
func (c *Condition) Eval(s *Situation) bool {
	if s.layout != c.layout {
		s.prepare(c.layout)
	}
	return c.root.p(s)
}

// maxDepth is the deepest nesting of condition nodes Compile accepts, as the
// strict JSON decoder limits documents.
const maxDepth = jsonx.MaxDepth

// compiler compiles conditions into one layout, adding each problem to list.
type compiler struct {
	l    *layout
	list *errs.List
}

func (c *compiler) fail(path, value string, err error) {
	if c.list.Full() {
		c.list.Count()
		return
	}
	c.list.Add(fieldErr(path, value, err))
}

// compile compiles e, or adds its problems to the list and returns nil; it
// goes on past a bad operand, so one call reports every problem.
func (c *compiler) compile(e *Expr, path string, depth int) *node {
	if depth > maxDepth {
		c.fail(path, "", why(cs.ErrSyntax, "nested deeper than %d", maxDepth))
		return nil
	}
	set := 0
	for _, b := range [...]bool{e.All != nil, e.Any != nil, e.Not != nil, e.Entering != nil, e.Field != "" || e.Op != "" || e.Value != nil} {
		if b {
			set++
		}
	}
	if set != 1 {
		c.fail(path, "", why(cs.ErrSyntax, "want exactly one of all, any, not, entering or field, got %d", set))
		return nil
	}
	switch {
	case e.All != nil || e.Any != nil:
		return c.compileList(e, path, depth)
	case e.Not != nil:
		k := c.compile(e.Not, path+".not", depth+1)
		if k == nil {
			return nil
		}
		in := k.p
		return &node{e: e, slot: -1, kids: []*node{k}, p: func(s *Situation) bool { return !in(s) }}
	case e.Entering != nil:
		k := c.compile(e.Entering, path+".entering", depth+1)
		if k == nil {
			return nil
		}
		return &node{e: e, slot: -1, kids: []*node{k}, p: entering(k.p, c.l)}
	}
	p, slot, ok := c.compileLeaf(e, path)
	if !ok {
		return nil
	}
	n := &node{e: e, slot: slot, p: p}
	if info, _ := lookupField(e.Field); info.kind == kStr {
		n.str = strGetter(e.Field)
	} else if info.kind == kBool {
		n.flag = boolGetter(e.Field)
	}
	return n
}

// compileList compiles an all or an any node.
func (c *compiler) compileList(e *Expr, path string, depth int) *node {
	list, name := e.All, "all"
	if e.Any != nil {
		list, name = e.Any, "any"
	}
	if len(list) == 0 {
		c.fail(path+"."+name, "", why(cs.ErrMissing, "an empty list"))
		return nil
	}
	n := &node{e: e, slot: -1, kids: make([]*node, len(list))}
	ps := make([]pred, len(list))
	ok := true
	for i := range list {
		k := c.compile(&list[i], path+"."+name+"["+strconv.Itoa(i)+"]", depth+1)
		if k == nil {
			ok = false
			continue
		}
		n.kids[i], ps[i] = k, k.p
	}
	if !ok {
		return nil
	}
	if e.All != nil {
		n.p = allOf(ps)
	} else {
		n.p = anyOf(ps)
	}
	return n
}

// entering is true when in is true now and was false at the previous
// evaluation (or there was none).
func entering(in pred, l *layout) pred {
	return func(s *Situation) bool {
		if !in(s) {
			return false
		}
		p := s.Previous
		if p == nil {
			return true
		}
		if p.layout != l {
			p.fill(l)
		}
		return !in(p)
	}
}

func allOf(ps []pred) pred {
	switch len(ps) {
	case 1:
		return ps[0]
	case 2:
		a, b := ps[0], ps[1]
		return func(s *Situation) bool { return a(s) && b(s) }
	case 3:
		a, b, c := ps[0], ps[1], ps[2]
		return func(s *Situation) bool { return a(s) && b(s) && c(s) }
	}
	return func(s *Situation) bool {
		for _, p := range ps {
			if !p(s) {
				return false
			}
		}
		return true
	}
}

func anyOf(ps []pred) pred {
	switch len(ps) {
	case 1:
		return ps[0]
	case 2:
		a, b := ps[0], ps[1]
		return func(s *Situation) bool { return a(s) || b(s) }
	case 3:
		a, b, c := ps[0], ps[1], ps[2]
		return func(s *Situation) bool { return a(s) || b(s) || c(s) }
	}
	return func(s *Situation) bool {
		for _, p := range ps {
			if p(s) {
				return true
			}
		}
		return false
	}
}

func typeName(v any) string {
	switch v.(type) {
	case float64:
		return "number"
	case string:
		return "string"
	case bool:
		return "boolean"
	case []any:
		return "list"
	case nil:
		return "null"
	}
	return "object"
}

var kindNames = map[kind]string{kNum: "number", kStr: "string", kBool: "boolean"}

// compileLeaf compiles a comparison: its predicate and, for a numeric field,
// its slot.
func (c *compiler) compileLeaf(e *Expr, path string) (pred, int, bool) {
	info, ok := lookupField(e.Field)
	if !ok {
		c.fail(path+".field", e.Field, cs.ErrUnknownField)
		return nil, -1, false
	}
	switch e.Op {
	case Exists:
		if e.Value != nil {
			c.fail(path+".value", string(e.Value), why(cs.ErrSyntax, "exists takes no value"))
			return nil, -1, false
		}
	case Eq, Ne, Lt, Le, Gt, Ge, In, NotIn:
		if e.Value == nil {
			c.fail(path+".value", "", cs.ErrMissing)
			return nil, -1, false
		}
	default:
		c.fail(path+".op", string(e.Op), why(ErrUnknownValue, "want ==, !=, <, <=, >, >=, in, not_in or exists"))
		return nil, -1, false
	}
	vals, ok := c.values(e, path, info)
	if !ok {
		return nil, -1, false
	}
	switch e.Op {
	case Lt, Le, Gt, Ge:
		if info.kind != kNum {
			c.fail(path+".op", string(e.Op), why(ErrImpossible, "%s is a %s: no order", e.Field, kindNames[info.kind]))
			return nil, -1, false
		}
	}
	switch info.kind {
	case kNum:
		slot := c.l.slot(e.Field)
		p, err := numPred(e.Op, slot, vals, info)
		if err != nil {
			c.fail(path, "", err)
			return nil, -1, false
		}
		return p, slot, true
	case kStr:
		return strPred(e.Op, strGetter(e.Field), vals), -1, true
	default:
		return boolPred(e.Op, boolGetter(e.Field), vals), -1, true
	}
}

// values decodes a comparison's value into the list of values it compares
// with (one, or the list of in and not_in), checked against the field.
func (c *compiler) values(e *Expr, path string, info fieldInfo) ([]any, bool) {
	if e.Op == Exists {
		return nil, true
	}
	var v any
	if !jsonx.DecodeTo(c.list, e.Value, &v, locate(path+".value")) {
		return nil, false
	}
	vals := []any{v}
	if e.Op == In || e.Op == NotIn {
		list, ok := v.([]any)
		if !ok {
			c.fail(path+".value", string(e.Value), why(cs.ErrWrongType, "%s wants a list, got %s", e.Op, typeName(v)))
			return nil, false
		}
		if len(list) == 0 {
			c.fail(path+".value", "", why(ErrImpossible, "an empty list"))
			return nil, false
		}
		vals = list
	}
	ok := true
	for i, v := range vals {
		vp := path + ".value"
		if e.Op == In || e.Op == NotIn {
			vp += "[" + strconv.Itoa(i) + "]"
		}
		if t := typeName(v); t != kindNames[info.kind] {
			c.fail(vp, "", why(cs.ErrWrongType, "%s is a %s, got %s", e.Field, kindNames[info.kind], t))
			ok = false
		} else if s, isStr := v.(string); isStr && (s == "" || info.domain != nil && !slices.Contains(info.domain, s)) {
			c.fail(vp, s, why(ErrImpossible, "%s is never that (want one of %s)", e.Field, strings.Join(info.domain, ", ")))
			ok = false
		}
	}
	return vals, ok
}

func numPred(op Op, i int, vals []any, info fieldInfo) (pred, error) {
	if op == Exists {
		return func(s *Situation) bool { v := s.nums[i]; return v == v }, nil
	}
	ks := make([]float64, len(vals))
	for j, v := range vals {
		ks[j] = v.(float64)
	}
	k := ks[0]
	lo, hi := info.lo, info.hi
	never := false
	switch op {
	case Lt:
		never = k <= lo
	case Le:
		never = k < lo
	case Gt:
		never = k >= hi
	case Ge:
		never = k > hi
	case Eq:
		never = k < lo || k > hi
	}
	if never {
		return nil, why(ErrImpossible, "%s %v is never true (bounds %v..%v)", op, k, lo, hi)
	}
	switch op {
	case Eq:
		return func(s *Situation) bool { return s.nums[i] == k }, nil
	case Ne:
		return func(s *Situation) bool { v := s.nums[i]; return v == v && v != k }, nil
	case Lt:
		return func(s *Situation) bool { return s.nums[i] < k }, nil
	case Le:
		return func(s *Situation) bool { return s.nums[i] <= k }, nil
	case Gt:
		return func(s *Situation) bool { return s.nums[i] > k }, nil
	case Ge:
		return func(s *Situation) bool { return s.nums[i] >= k }, nil
	case In:
		return func(s *Situation) bool { return slices.Contains(ks, s.nums[i]) }, nil
	default: // NotIn
		return func(s *Situation) bool { v := s.nums[i]; return v == v && !slices.Contains(ks, v) }, nil
	}
}

func strGetter(field string) func(*Situation) string {
	switch field {
	case "health.grade":
		return func(s *Situation) string { return s.HealthGrade }
	case "health.trend":
		return func(s *Situation) string { return s.HealthTrend }
	case "tier":
		return func(s *Situation) string { return s.Tier }
	case "stage":
		return func(s *Situation) string { return s.stage().String() }
	case "segment":
		return func(s *Situation) string {
			if s.Customer == nil {
				return ""
			}
			return s.Customer.Segment
		}
	}
	name := field[len("attr."):]
	return func(s *Situation) string {
		if s.Customer == nil {
			return ""
		}
		v, _ := s.Customer.Attributes.Get(name)
		return v
	}
}

func strPred(op Op, get func(*Situation) string, vals []any) pred {
	if op == Exists {
		return func(s *Situation) bool { return get(s) != "" }
	}
	ks := make([]string, len(vals))
	for j, v := range vals {
		ks[j] = v.(string)
	}
	k := ks[0]
	switch op {
	case Eq:
		return func(s *Situation) bool { return get(s) == k }
	case Ne:
		return func(s *Situation) bool { v := get(s); return v != "" && v != k }
	case In:
		return func(s *Situation) bool { return slices.Contains(ks, get(s)) }
	default: // NotIn
		return func(s *Situation) bool { v := get(s); return v != "" && !slices.Contains(ks, v) }
	}
}

// boolGetter returns the flag; flags are always known.
func boolGetter(field string) func(*Situation) bool {
	if field == "community" {
		return func(s *Situation) bool { return s.Community }
	}
	name := field[len("event."):]
	return func(s *Situation) bool { return s.hasEvent(name) }
}

func boolPred(op Op, get func(*Situation) bool, vals []any) pred {
	if op == Exists {
		return func(*Situation) bool { return true }
	}
	ks := make([]bool, len(vals))
	for j, v := range vals {
		ks[j] = v.(bool)
	}
	k := ks[0]
	switch op {
	case Eq:
		return func(s *Situation) bool { return get(s) == k }
	case Ne:
		return func(s *Situation) bool { return get(s) != k }
	case In:
		return func(s *Situation) bool { return slices.Contains(ks, get(s)) }
	default:
		return func(s *Situation) bool { return !slices.Contains(ks, get(s)) }
	}
}
