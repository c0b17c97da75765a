// Package jsonx is the library's one strict JSON decoder. Every configuration and
// record decoder of the module goes through Decode, so the same mistake gets the
// same answer everywhere:
//
//   - an unknown key is errs.ErrUnknownField, a repeated key errs.ErrDuplicateKey, a value of
//     the wrong JSON kind errs.ErrWrongType ("want a string, got a number"), an integer
//     with a fraction or out of range errs.ErrWrongType or errs.ErrRange;
//   - malformed JSON, data after the value and nesting deeper than MaxDepth arrays
//     and objects are errs.ErrSyntax;
//   - a leading UTF-8 byte-order mark is accepted.
//
// Each problem is located by its JSON path ("plays[2].actions[0].due_days"; "$" is
// the whole document) and handed to the caller's Locate function, which builds the
// error the caller's package reports; the errors are kept in an errs.List, so at
// most errs.MaxProblems are kept and the message stays bounded whatever the input.
// Decoding runs in one pass over the input, in time linear in its length.
//
// The sentinels are those of package errs, which the root package re-exports under
// the same names, so errors.Is finds the same value from every package.
package jsonx

import (
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/successkit/cs/internal/errs"
)

// MaxDepth is the deepest nesting of arrays and objects Decode accepts; deeper
// input is errs.ErrSyntax. The library's formats nest a few levels (a playbook
// condition a dozen at most), so the limit only stops hostile input.
const MaxDepth = 64

// Locate builds the error of one problem: the JSON path of the value at fault, the
// value's text (already cut to errs.MaxValue bytes; empty when there is nothing
// to quote) and the cause, which wraps one of the sentinels or is the error of the
// value's own UnmarshalJSON or UnmarshalText.
type Locate func(path, value string, err error) error

// Decode decodes the JSON document data into v, which must be a non-nil pointer,
// and returns every problem found, located by locate, as one bounded error (nil
// when there is none). On a syntax error it stops; on other problems it goes on,
// so one call reports every bad value (up to errs.MaxProblems, then a count).
// What v holds after an error is unspecified.
//
// Struct fields are matched to keys by their json tag names, exactly (no case
// folding); fields without a tag use their Go name and a "-" tag is never
// decoded. A JSON null leaves the zero value. Types whose pointer implements
// json.Unmarshaler get their value's bytes, after they are checked here;
// encoding.TextUnmarshaler types get the string's content (a value that is not a
// string is errs.ErrWrongType); json.RawMessage gets the checked bytes; an interface
// type gets float64, string, bool, nil, []any or map[string]any.
func Decode(data []byte, v any, locate Locate) error {
	var list errs.List
	DecodeTo(&list, data, v, locate)
	return list.Err()
}

// DecodeTo is Decode adding its problems to list, for a caller that checks more
// after decoding and reports everything in one list. It reports false when the
// input is not JSON (a syntax error), when nothing more is worth checking.
func DecodeTo(list *errs.List, data []byte, v any, locate Locate) bool {
	d := decoder{data: data, locate: locate, list: list}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		list.Add(locate("$", "", fmt.Errorf("%w: decode needs a non-nil pointer, got %T", errs.ErrWrongType, v)))
		return false
	}
	if len(d.data) >= 3 && d.data[0] == 0xEF && d.data[1] == 0xBB && d.data[2] == 0xBF {
		d.pos = 3
	}
	d.skipSpace()
	if d.pos == len(d.data) {
		d.problem("", fmt.Errorf("%w: no JSON value", errs.ErrSyntax))
		return false
	}
	if !d.value(rv.Elem()) {
		return false
	}
	d.skipSpace()
	if d.pos < len(d.data) {
		return d.syntax("data after the JSON value")
	}
	return true
}

// Valid checks data as Decode does (syntax, duplicate keys, depth) without
// decoding it, reporting problems through locate.
func Valid(data []byte, locate Locate) error {
	var raw json.RawMessage
	return Decode(data, &raw, locate)
}

type decoder struct {
	data   []byte
	pos    int
	depth  int
	path   []elem // the path of the value being decoded
	list   *errs.List
	locate Locate
}

// elem is one step of a JSON path: an object key or, when key is unset, an index.
type elem struct {
	key   string
	index int
	isKey bool
}

// pathString formats the current path: "a.b[2].c", or "$" for the document.
func (d *decoder) pathString() string {
	if len(d.path) == 0 {
		return "$"
	}
	b := make([]byte, 0, 32)
	for i, e := range d.path {
		if e.isKey {
			if i > 0 {
				b = append(b, '.')
			}
			b = append(b, errs.Clip(e.key)...)
		} else {
			b = append(b, '[')
			b = strconv.AppendInt(b, int64(e.index), 10)
			b = append(b, ']')
		}
	}
	return string(b)
}

// problem records a problem at the current path.
func (d *decoder) problem(value string, err error) {
	if d.list.Full() {
		d.list.Count()
		return
	}
	d.list.Add(d.locate(d.pathString(), value, err))
}

// syntax records a syntax error at the current position and reports false, so
// callers can `return d.syntax(...)`; decoding stops after it.
func (d *decoder) syntax(msg string) bool {
	line, col := 1, 1
	for _, c := range d.data[:min(d.pos, len(d.data))] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	d.problem(errs.ClipBytes(d.data[min(d.pos, len(d.data)):]), fmt.Errorf("%w: %s at line %d, column %d", errs.ErrSyntax, msg, line, col))
	return false
}

func (d *decoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

var (
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	rawMessageType      = reflect.TypeFor[json.RawMessage]()
)

// value decodes the value at d.pos into v. It reports false after a syntax error,
// when decoding must stop.
func (d *decoder) value(v reflect.Value) bool {
	d.skipSpace()
	if d.pos == len(d.data) {
		return d.syntax("unexpected end of input")
	}
	c := d.data[d.pos]
	if c == 'n' {
		if !d.literal("null") {
			return false
		}
		v.SetZero()
		return true
	}
	t := v.Type()
	if h := hooksOf(t); h != hookNone {
		return d.hooked(v, c, h)
	}
	switch t.Kind() {
	case reflect.Pointer:
		e := reflect.New(t.Elem())
		if !d.value(e.Elem()) {
			return false
		}
		v.Set(e)
		return true
	case reflect.Struct:
		return d.object(v, d.structMember)
	case reflect.Map:
		if t.Key().Kind() != reflect.String && hooksOf(t.Key()) != hookText {
			return d.unsupported(t)
		}
		if v.IsNil() {
			v.Set(reflect.MakeMap(t))
		}
		return d.object(v, d.mapMember)
	case reflect.Slice:
		return d.array(v)
	case reflect.Array:
		return d.array(v)
	case reflect.Interface:
		if t.NumMethod() != 0 {
			return d.unsupported(t)
		}
		x, ok := d.anyValue()
		if ok && x != nil {
			v.Set(reflect.ValueOf(x))
		}
		return ok
	case reflect.String:
		if c != '"' {
			return d.wrongKind("a string")
		}
		s, ok := d.str()
		v.SetString(s)
		return ok
	case reflect.Bool:
		switch c {
		case 't':
			v.SetBool(true)
			return d.literal("true")
		case 'f':
			v.SetBool(false)
			return d.literal("false")
		}
		return d.wrongKind("a boolean")
	case reflect.Float32, reflect.Float64:
		return d.float(v)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return d.integer(v)
	}
	return d.unsupported(t)
}

// hooked decodes a value whose type decodes by its own method (h is not
// hookNone); c is the value's first byte.
func (d *decoder) hooked(v reflect.Value, c byte, h hook) bool {
	switch h {
	case hookRaw:
		start := d.pos
		if !d.skip() {
			return false
		}
		v.SetBytes(append([]byte(nil), d.data[start:d.pos]...))
		return true
	case hookJSON:
		start := d.pos
		if !d.skip() {
			return false
		}
		raw := d.data[start:d.pos]
		if err := v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(raw); err != nil {
			if c == '"' {
				raw = raw[1 : len(raw)-1] // quote the text, not the JSON string
			}
			d.problem(errs.ClipBytes(raw), err)
		}
		return true
	case hookText:
		if c != '"' {
			return d.wrongKind("a string")
		}
		s, ok := d.str()
		if !ok {
			return false
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			d.problem(errs.Clip(s), err)
		}
		return true
	}
	panic("jsonx: hooked called with hookNone")
}

// unsupported reports a Go type Decode cannot fill: a bug of the calling package,
// reported as an error rather than a panic. The value is skipped.
func (d *decoder) unsupported(t reflect.Type) bool {
	d.problem("", fmt.Errorf("%w: cannot decode into %s", errs.ErrWrongType, t))
	return d.skip()
}

// wrongKind reports a value of the wrong JSON kind and skips it.
func (d *decoder) wrongKind(want string) bool {
	start := d.pos
	got := KindName(d.data[d.pos])
	if !d.skip() {
		return false
	}
	value := d.data[start:d.pos]
	if value[0] == '"' {
		value = value[1 : len(value)-1] // quote the text, not the JSON string
	}
	d.problem(errs.ClipBytes(value), fmt.Errorf("%w: want %s, got %s", errs.ErrWrongType, want, got))
	return true
}

// KindName names the JSON kind of a value whose first byte is c: "an object",
// "an array", "a string", "a boolean", "null" or "a number".
func KindName(c byte) string {
	switch c {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func (d *decoder) literal(word string) bool {
	if len(d.data)-d.pos < len(word) || string(d.data[d.pos:d.pos+len(word)]) != word {
		return d.syntax("invalid literal")
	}
	d.pos += len(word)
	return true
}

// enter and leave track nesting; enter reports false (after a syntax error) when
// the limit is passed.
func (d *decoder) enter() bool {
	d.depth++
	if d.depth > MaxDepth {
		return d.syntax("nested deeper than " + strconv.Itoa(MaxDepth) + " arrays and objects")
	}
	return true
}

func (d *decoder) leave() { d.depth-- }

// object decodes an object member by member, calling member with the key (the
// key is pushed on the path) after checking that it is new.
func (d *decoder) object(v reflect.Value, member func(v reflect.Value, key string, seen *keySet) bool) bool {
	if d.data[d.pos] != '{' {
		return d.wrongKind("an object")
	}
	if !d.enter() {
		return false
	}
	defer d.leave()
	d.pos++
	var seen keySet
	for first := true; ; first = false {
		d.skipSpace()
		if d.pos == len(d.data) {
			return d.syntax("unexpected end of input in an object")
		}
		if d.data[d.pos] == '}' {
			d.pos++
			return true
		}
		if !first {
			if d.data[d.pos] != ',' {
				return d.syntax("want ',' or '}' after an object member")
			}
			d.pos++
			d.skipSpace()
		}
		if d.pos == len(d.data) || d.data[d.pos] != '"' {
			return d.syntax("want a string key")
		}
		key, ok := d.str()
		if !ok {
			return false
		}
		d.skipSpace()
		if d.pos == len(d.data) || d.data[d.pos] != ':' {
			return d.syntax("want ':' after an object key")
		}
		d.pos++
		d.path = append(d.path, elem{key: key, isKey: true})
		ok = member(v, key, &seen)
		d.path = d.path[:len(d.path)-1]
		if !ok {
			return false
		}
	}
}

// keySet remembers the keys of one object: a slice for the usual few, a map once
// there are many, so a huge object stays linear.
type keySet struct {
	few  []string
	many map[string]struct{}
}

// add reports whether key is new.
func (s *keySet) add(key string) bool {
	if s.many != nil {
		if _, dup := s.many[key]; dup {
			return false
		}
		s.many[key] = struct{}{}
		return true
	}
	for _, k := range s.few {
		if k == key {
			return false
		}
	}
	s.few = append(s.few, key)
	if len(s.few) > 16 {
		s.many = make(map[string]struct{}, 64)
		for _, k := range s.few {
			s.many[k] = struct{}{}
		}
		s.few = nil
	}
	return true
}

// duplicate reports a repeated key at the current path and skips its value.
func (d *decoder) duplicate() bool {
	d.problem("", errs.ErrDuplicateKey)
	return d.skip()
}

func (d *decoder) structMember(v reflect.Value, key string, seen *keySet) bool {
	if !seen.add(key) {
		return d.duplicate()
	}
	index, ok := fieldsOf(v.Type())[key]
	if !ok {
		d.problem("", errs.ErrUnknownField)
		return d.skip()
	}
	f, ok := fieldByIndex(v, index)
	if !ok {
		d.problem("", fmt.Errorf("%w: cannot decode into an embedded nil pointer", errs.ErrWrongType))
		return d.skip()
	}
	return d.value(f)
}

// fieldByIndex is v.FieldByIndex, allocating embedded struct pointers on the way.
func fieldByIndex(v reflect.Value, index []int) (reflect.Value, bool) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				if !v.CanSet() {
					return reflect.Value{}, false
				}
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, true
}

func (d *decoder) mapMember(v reflect.Value, key string, seen *keySet) bool {
	if !seen.add(key) {
		return d.duplicate()
	}
	t := v.Type()
	k := reflect.New(t.Key()).Elem()
	if hooksOf(t.Key()) == hookText {
		if err := k.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(key)); err != nil {
			d.problem(errs.Clip(key), err)
			return d.skip()
		}
	} else {
		k.SetString(key)
	}
	e := reflect.New(t.Elem()).Elem()
	if !d.value(e) {
		return false
	}
	v.SetMapIndex(k, e)
	return true
}

// array decodes a JSON array into a slice or an array.
func (d *decoder) array(v reflect.Value) bool {
	if d.data[d.pos] != '[' {
		return d.wrongKind("an array")
	}
	if !d.enter() {
		return false
	}
	defer d.leave()
	d.pos++
	t := v.Type()
	isSlice := t.Kind() == reflect.Slice
	if isSlice {
		v.Set(reflect.MakeSlice(t, 0, 0))
	}
	n := 0
	for ; ; n++ {
		d.skipSpace()
		if d.pos == len(d.data) {
			return d.syntax("unexpected end of input in an array")
		}
		if d.data[d.pos] == ']' {
			d.pos++
			break
		}
		if n > 0 {
			if d.data[d.pos] != ',' {
				return d.syntax("want ',' or ']' after an array element")
			}
			d.pos++
		}
		d.path = append(d.path, elem{index: n})
		var ok bool
		switch {
		case isSlice:
			// Decode in place: the slice grows by doubling, each element once.
			if n == v.Cap() {
				v.Grow(1)
			}
			v.SetLen(n + 1)
			ok = d.value(v.Index(n))
		case n < v.Len():
			ok = d.value(v.Index(n))
		default:
			ok = d.skip()
		}
		d.path = d.path[:len(d.path)-1]
		if !ok {
			return false
		}
	}
	if !isSlice && n != v.Len() {
		d.problem("", fmt.Errorf("%w: want %d elements, got %d", errs.ErrWrongType, v.Len(), n))
	}
	return true
}

// skip checks the value at d.pos (syntax, nesting, duplicate keys) and moves past
// it without decoding.
func (d *decoder) skip() bool {
	_, ok := d.generic(false)
	return ok
}

// anyValue decodes the value at d.pos as encoding/json decodes into an any.
func (d *decoder) anyValue() (any, bool) { return d.generic(true) }

// generic walks one value, building it as an any when build is set.
func (d *decoder) generic(build bool) (any, bool) {
	d.skipSpace()
	if d.pos == len(d.data) {
		return nil, d.syntax("unexpected end of input")
	}
	switch c := d.data[d.pos]; c {
	case '{':
		return d.genericObject(build)
	case '[':
		return d.genericArray(build)
	case '"':
		s, ok := d.str()
		return s, ok
	case 't':
		return true, d.literal("true")
	case 'f':
		return false, d.literal("false")
	case 'n':
		return nil, d.literal("null")
	default:
		start := d.pos
		if !d.number() {
			return nil, false
		}
		if !build {
			return nil, true
		}
		f, err := strconv.ParseFloat(string(d.data[start:d.pos]), 64)
		if err != nil {
			d.problem(errs.ClipBytes(d.data[start:d.pos]), fmt.Errorf("%w: number does not fit a float64", errs.ErrRange))
		}
		return f, true
	}
}

func (d *decoder) genericObject(build bool) (any, bool) {
	var m map[string]any
	if build {
		m = map[string]any{}
	}
	ok := d.object(reflect.Value{}, func(_ reflect.Value, key string, seen *keySet) bool {
		if !seen.add(key) {
			return d.duplicate()
		}
		x, ok := d.generic(build)
		if build {
			m[key] = x
		}
		return ok
	})
	return m, ok
}

func (d *decoder) genericArray(build bool) (any, bool) {
	if !d.enter() {
		return nil, false
	}
	defer d.leave()
	d.pos++
	var out []any
	if build {
		out = []any{}
	}
	for n := 0; ; n++ {
		d.skipSpace()
		if d.pos == len(d.data) {
			return nil, d.syntax("unexpected end of input in an array")
		}
		if d.data[d.pos] == ']' {
			d.pos++
			return out, true
		}
		if n > 0 {
			if d.data[d.pos] != ',' {
				return nil, d.syntax("want ',' or ']' after an array element")
			}
			d.pos++
		}
		d.path = append(d.path, elem{index: n})
		x, ok := d.generic(build)
		d.path = d.path[:len(d.path)-1]
		if !ok {
			return nil, false
		}
		if build {
			out = append(out, x)
		}
	}
}

// number scans a JSON number.
func (d *decoder) number() bool {
	p, data := d.pos, d.data
	digits := func() int {
		n := 0
		for p < len(data) && data[p] >= '0' && data[p] <= '9' {
			p, n = p+1, n+1
		}
		return n
	}
	if p < len(data) && data[p] == '-' {
		p++
	}
	switch {
	case p < len(data) && data[p] == '0':
		p++
	case digits() == 0:
		d.pos = p
		return d.syntax("invalid character in a value")
	}
	if p < len(data) && data[p] == '.' {
		p++
		if digits() == 0 {
			d.pos = p
			return d.syntax("want a digit after the decimal point")
		}
	}
	if p < len(data) && (data[p] == 'e' || data[p] == 'E') {
		p++
		if p < len(data) && (data[p] == '+' || data[p] == '-') {
			p++
		}
		if digits() == 0 {
			d.pos = p
			return d.syntax("want a digit in the exponent")
		}
	}
	d.pos = p
	return true
}

func (d *decoder) float(v reflect.Value) bool {
	c := d.data[d.pos]
	if c != '-' && (c < '0' || c > '9') {
		return d.wrongKind("a number")
	}
	start := d.pos
	if !d.number() {
		return false
	}
	text := string(d.data[start:d.pos])
	f, err := strconv.ParseFloat(text, v.Type().Bits())
	if err != nil {
		d.problem(errs.Clip(text), fmt.Errorf("%w: number does not fit a float%d", errs.ErrRange, v.Type().Bits()))
		return true
	}
	v.SetFloat(f)
	return true
}

func (d *decoder) integer(v reflect.Value) bool {
	c := d.data[d.pos]
	if c != '-' && (c < '0' || c > '9') {
		return d.wrongKind("an integer")
	}
	start := d.pos
	if !d.number() {
		return false
	}
	text := string(d.data[start:d.pos])
	bits := v.Type().Bits()
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(text, 10, bits)
		if err == nil {
			v.SetInt(n)
			return true
		}
		d.integerProblem(text, err)
	default:
		n, err := strconv.ParseUint(text, 10, bits)
		if err == nil {
			v.SetUint(n)
			return true
		}
		d.integerProblem(text, err)
	}
	return true
}

func (d *decoder) integerProblem(text string, err error) {
	if errors.Is(err, strconv.ErrRange) {
		d.problem(errs.Clip(text), errs.ErrRange)
		return
	}
	d.problem(errs.Clip(text), fmt.Errorf("%w: want an integer", errs.ErrWrongType))
}

// str decodes the JSON string at d.pos. Invalid UTF-8 is replaced by U+FFFD, as
// encoding/json does.
func (d *decoder) str() (string, bool) {
	d.pos++ // the opening quote
	start := d.pos
	data := d.data
	// Fast path: no escapes, valid UTF-8.
	for p := start; p < len(data); p++ {
		c := data[p]
		if c == '"' {
			if s := data[start:p]; utf8.Valid(s) {
				d.pos = p + 1
				return string(s), true
			}
			break
		}
		if c == '\\' || c < 0x20 {
			break
		}
	}
	buf := make([]byte, 0, 16)
	for p := start; ; {
		if p >= len(data) {
			d.pos = p
			return "", d.syntax("unterminated string")
		}
		c := data[p]
		switch {
		case c == '"':
			d.pos = p + 1
			return string(buf), true
		case c < 0x20:
			d.pos = p
			return "", d.syntax("control character in a string")
		case c == '\\':
			if p+1 >= len(data) {
				d.pos = p
				return "", d.syntax("unterminated string")
			}
			p++
			switch data[p] {
			case '"', '\\', '/':
				buf = append(buf, data[p])
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r, n := unicodeEscape(data[p-1:])
				if n == 0 {
					d.pos = p
					return "", d.syntax("invalid \\u escape")
				}
				buf = utf8.AppendRune(buf, r)
				p += n - 2
			default:
				d.pos = p
				return "", d.syntax("invalid escape")
			}
			p++
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			p++
		default:
			r, size := utf8.DecodeRune(data[p:])
			buf = utf8.AppendRune(buf, r) // RuneError for invalid bytes
			p += size
		}
	}
}

// unicodeEscape decodes "\uXXXX" (and a following low surrogate) at the start of
// b, returning the rune and the bytes used, or 0 bytes if malformed.
func unicodeEscape(b []byte) (rune, int) {
	r1, ok := hex4(b)
	if !ok {
		return 0, 0
	}
	if !utf16.IsSurrogate(r1) {
		return r1, 6
	}
	if r2, ok := hex4(b[6:]); ok {
		if r := utf16.DecodeRune(r1, r2); r != utf8.RuneError {
			return r, 12
		}
	}
	return utf8.RuneError, 6
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return 0, false
	}
	var r rune
	for _, c := range b[2:6] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// hook says how a type decodes: by one of its own methods, or by kind.
type hook uint8

const (
	hookNone hook = iota
	hookRaw       // json.RawMessage: the checked bytes
	hookJSON      // *T implements json.Unmarshaler
	hookText      // *T implements encoding.TextUnmarshaler
)

var hookCache sync.Map // reflect.Type → hook

// hooksOf returns how t decodes, computed once per type.
func hooksOf(t reflect.Type) hook {
	if h, ok := hookCache.Load(t); ok {
		return h.(hook)
	}
	h := hookNone
	switch pt := reflect.PointerTo(t); {
	case t == rawMessageType:
		h = hookRaw
	case pt.Implements(jsonUnmarshalerType):
		h = hookJSON
	case pt.Implements(textUnmarshalerType):
		h = hookText
	}
	hookCache.Store(t, h)
	return h
}

// fieldCache maps a struct type to its JSON key → field index table.
var fieldCache sync.Map // reflect.Type → map[string][]int

// fieldsOf returns the JSON keys of a struct type's decodable fields, as
// encoding/json names them: the json tag's name, else the Go name; fields of
// embedded structs without a tag are promoted.
func fieldsOf(t reflect.Type) map[string][]int {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string][]int)
	}
	m := map[string][]int{}
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() && !f.Anonymous {
			continue
		}
		tag := f.Tag.Get("json")
		name, _, _ := cutComma(tag)
		if name == "-" && tag == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				continue // its fields are visited as promoted fields
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, taken := m[name]; taken && len(f.Index) >= len(m[name]) {
			continue // the shallower field wins, as in encoding/json
		}
		m[name] = f.Index
	}
	fieldCache.Store(t, m)
	return m
}

func cutComma(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == ',' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}
