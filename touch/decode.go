package touch

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	cs "github.com/successkit/cs"
)

// ParsePolicy decodes a Policy from JSON, with the field names of the Policy's
// tags, matched exactly. Every error is an *Error naming the JSON path of the
// offending value, such as "high.max_accounts" or "rates.EUR": an unknown field
// (wrapping cs.ErrUnknownField), a value of the wrong type, a malformed amount or
// word. ParsePolicy only decodes; Compile validates.
func ParsePolicy(data []byte) (Policy, error) {
	var p Policy
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return Policy{}, &Error{Path: "$", Err: fmt.Errorf("not JSON: %w", err)}
	}
	if _, err := dec.Token(); err == nil {
		return Policy{}, &Error{Path: "$", Err: fmt.Errorf("more than one JSON value: %w", cs.ErrUnknownField)}
	}
	if err := decodeInto(raw, reflect.ValueOf(&p).Elem(), ""); err != nil {
		return Policy{}, err
	}
	return p, nil
}

// MarshalPolicy is json.Marshal of the policy; it exists so that ParsePolicy and
// its inverse read side by side. PoorFit has no JSON form and is left out.
func MarshalPolicy(p Policy) ([]byte, error) { return json.Marshal(p) }

var (
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
)

// decodeInto decodes raw into v, recursing into plain structs and maps so that an
// error carries the path of the value that caused it.
func decodeInto(raw json.RawMessage, v reflect.Value, path string) error {
	t := v.Type()
	pt := reflect.PointerTo(t)
	isObject := t.Kind() == reflect.Struct && !pt.Implements(textUnmarshaler) && !pt.Implements(jsonUnmarshaler)
	isMap := t.Kind() == reflect.Map && t.Key().Kind() == reflect.String
	if !isObject && !isMap {
		if err := json.Unmarshal(raw, v.Addr().Interface()); err != nil {
			return &Error{Path: orRoot(path), Value: snippet(raw), Err: cleanJSONError(err)}
		}
		return nil
	}
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return &Error{Path: orRoot(path), Value: snippet(raw), Err: fmt.Errorf("want a JSON object: %w", cs.ErrUnknownField)}
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if isMap {
		if v.IsNil() {
			v.Set(reflect.MakeMapWithSize(t, len(fields)))
		}
		for _, k := range keys {
			elem := reflect.New(t.Elem()).Elem()
			if err := decodeInto(fields[k], elem, join(path, k)); err != nil {
				return err
			}
			v.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), elem)
		}
		return nil
	}
	for _, k := range keys {
		f, ok := fieldByTag(t, k)
		if !ok {
			return &Error{Path: join(path, k), Err: cs.ErrUnknownField}
		}
		if err := decodeInto(fields[k], v.FieldByIndex(f), join(path, k)); err != nil {
			return err
		}
	}
	return nil
}

// fieldByTag finds the exported field whose JSON name is name.
func fieldByTag(t reflect.Type, name string) ([]int, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || tag == "-" {
			continue
		}
		if tag == "" {
			tag = f.Name
		}
		if tag == name {
			return f.Index, true
		}
	}
	return nil, false
}

// cleanJSONError drops encoding/json's own prefix and Go type names from an
// error, and the package prefix of this package's word decoders (the Error
// carrying it has one), keeping the cause.
func cleanJSONError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("JSON %s is the wrong type: %w", te.Value, cs.ErrUnknownField)
	}
	if strings.HasPrefix(err.Error(), "touch: ") {
		return unprefixed{err}
	}
	return err
}

// unprefixed is an error of this package nested in an *Error, shown without its
// own "touch: ".
type unprefixed struct{ err error }

func (u unprefixed) Error() string { return strings.TrimPrefix(u.err.Error(), "touch: ") }
func (u unprefixed) Unwrap() error { return u.err }

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func orRoot(path string) string {
	if path == "" {
		return "$"
	}
	return path
}

// snippet gives at most 40 bytes of a raw value for errors, a JSON string
// unquoted.
func snippet(raw json.RawMessage) string {
	s := strings.TrimSpace(string(raw))
	var str string
	if strings.HasPrefix(s, `"`) && json.Unmarshal(raw, &str) == nil {
		s = str
	}
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return s
}
