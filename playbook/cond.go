package playbook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	cs "github.com/successkit/cs"
)

// Errors a compile or decode can wrap, besides cs.ErrUnknownField.
var (
	// ErrSyntax: a condition or play that is not well formed (no operator, two
	// operators in one node, a missing value).
	ErrSyntax = errors.New("malformed")
	// ErrTypeMismatch: a value of the wrong type for its field, such as a string
	// compared with health.score.
	ErrTypeMismatch = errors.New("type mismatch")
	// ErrImpossible: a comparison that can never be true, such as health.score > 100,
	// tier < "high" or tier == "medium".
	ErrImpossible = errors.New("impossible comparison")
)

// Error locates a problem in a condition or a playbook by its JSON path, such as
// plays[2].when.all[1].value. Unwrap returns the cause, one of the sentinel errors.
type Error struct {
	Path string
	Err  error
	Msg  string // detail; may be empty
}

// Error formats the path, the cause and the detail.
func (e *Error) Error() string {
	s := "playbook: " + e.Path + ": " + e.Err.Error()
	if e.Msg != "" {
		s += ": " + e.Msg
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

func errAt(path string, err error, format string, args ...any) *Error {
	return &Error{Path: path, Err: err, Msg: fmt.Sprintf(format, args...)}
}

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

// Compile checks e and compiles it. Errors are *Error values with the JSON path
// (rooted at "when") wrapping cs.ErrUnknownField, ErrSyntax, ErrTypeMismatch or
// ErrImpossible.
func Compile(e Expr) (*Condition, error) {
	l := &layout{}
	n, err := compile(&e, "when", l)
	if err != nil {
		return nil, err
	}
	return &Condition{expr: e, root: n, layout: l}, nil
}

// ParseCondition decodes a JSON condition and compiles it.
func ParseCondition(data []byte) (*Condition, error) {
	e, err := decodeExpr(data, "when")
	if err != nil {
		return nil, err
	}
	return Compile(e)
}

func decodeExpr(data []byte, path string) (Expr, error) {
	var e Expr
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return Expr{}, errAt(path, ErrSyntax, "%v", err)
	}
	if dec.More() {
		return Expr{}, errAt(path, ErrSyntax, "trailing data after the condition")
	}
	return e, nil
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

func compile(e *Expr, path string, l *layout) (*node, error) {
	set := 0
	for _, b := range []bool{e.All != nil, e.Any != nil, e.Not != nil, e.Entering != nil, e.Field != "" || e.Op != "" || e.Value != nil} {
		if b {
			set++
		}
	}
	if set != 1 {
		return nil, errAt(path, ErrSyntax, "want exactly one of all, any, not, entering or field, got %d", set)
	}
	n := &node{e: e, slot: -1}
	switch {
	case e.All != nil || e.Any != nil:
		list, name := e.All, "all"
		if e.Any != nil {
			list, name = e.Any, "any"
		}
		if len(list) == 0 {
			return nil, errAt(path+"."+name, ErrSyntax, "empty list")
		}
		ps := make([]pred, len(list))
		for i := range list {
			k, err := compile(&list[i], fmt.Sprintf("%s.%s[%d]", path, name, i), l)
			if err != nil {
				return nil, err
			}
			n.kids = append(n.kids, k)
			ps[i] = k.p
		}
		if e.All != nil {
			n.p = allOf(ps)
		} else {
			n.p = anyOf(ps)
		}
	case e.Not != nil:
		k, err := compile(e.Not, path+".not", l)
		if err != nil {
			return nil, err
		}
		n.kids = []*node{k}
		in := k.p
		n.p = func(s *Situation) bool { return !in(s) }
	case e.Entering != nil:
		k, err := compile(e.Entering, path+".entering", l)
		if err != nil {
			return nil, err
		}
		n.kids = []*node{k}
		in := k.p
		n.p = func(s *Situation) bool {
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
	default:
		p, slot, err := compileLeaf(e, path, l)
		if err != nil {
			return nil, err
		}
		n.p, n.slot = p, slot
		if info, _ := lookupField(e.Field); info.kind == kStr {
			n.str = strGetter(e.Field)
		} else if info.kind == kBool {
			n.flag = boolGetter(e.Field)
		}
	}
	return n, nil
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

// decodeValue returns the value as float64, string, bool or a list of one of them.
func decodeValue(raw json.RawMessage) (any, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	return v, nil
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

func compileLeaf(e *Expr, path string, l *layout) (pred, int, error) {
	info, ok := lookupField(e.Field)
	if !ok {
		return nil, -1, errAt(path+".field", cs.ErrUnknownField, "%q", e.Field)
	}
	switch e.Op {
	case Exists:
		if e.Value != nil {
			return nil, -1, errAt(path+".value", ErrSyntax, "exists takes no value")
		}
	case Eq, Ne, Lt, Le, Gt, Ge, In, NotIn:
		if e.Value == nil {
			return nil, -1, errAt(path+".value", ErrSyntax, "missing")
		}
	default:
		return nil, -1, errAt(path+".op", ErrSyntax, "unknown operator %q", e.Op)
	}
	var vals []any
	if e.Op != Exists {
		v, err := decodeValue(e.Value)
		if err != nil {
			return nil, -1, errAt(path+".value", ErrSyntax, "%v", err)
		}
		if e.Op == In || e.Op == NotIn {
			list, ok := v.([]any)
			if !ok {
				return nil, -1, errAt(path+".value", ErrTypeMismatch, "%s wants a list, got %s", e.Op, typeName(v))
			}
			if len(list) == 0 {
				return nil, -1, errAt(path+".value", ErrImpossible, "empty list")
			}
			vals = list
		} else {
			vals = []any{v}
		}
		for i, v := range vals {
			vp := path + ".value"
			if e.Op == In || e.Op == NotIn {
				vp = fmt.Sprintf("%s.value[%d]", path, i)
			}
			if t := typeName(v); t != kindNames[info.kind] {
				return nil, -1, errAt(vp, ErrTypeMismatch, "%s is a %s, got %s", e.Field, kindNames[info.kind], t)
			}
			if s, ok := v.(string); ok && (s == "" || info.domain != nil && !slices.Contains(info.domain, s)) {
				return nil, -1, errAt(vp, ErrImpossible, "%s is never %q (want one of %s)", e.Field, s, strings.Join(info.domain, ", "))
			}
		}
	}
	switch e.Op {
	case Lt, Le, Gt, Ge:
		if info.kind != kNum {
			return nil, -1, errAt(path+".op", ErrImpossible, "%s is a %s: no order", e.Field, kindNames[info.kind])
		}
	}
	switch info.kind {
	case kNum:
		slot := l.slot(e.Field)
		p, err := numPred(e.Op, slot, vals, info, path)
		return p, slot, err
	case kStr:
		return strPred(e.Op, strGetter(e.Field), vals), -1, nil
	default:
		return boolPred(e.Op, boolGetter(e.Field), vals), -1, nil
	}
}

func numPred(op Op, i int, vals []any, info fieldInfo, path string) (pred, error) {
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
		return nil, errAt(path, ErrImpossible, "%s %v is never true (bounds %v..%v)", op, k, lo, hi)
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
