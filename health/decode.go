package health

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// ParseConfig decodes a JSON configuration strictly and validates it. Unknown
// fields, values of the wrong type and trailing data are errors; every problem
// is reported, joined, as a *ConfigError naming its JSON path:
//
//	health: profiles[0].groups[1].measures[0].bands[2]: upper bound 40 is below lower bound 50
//
// MarshalConfig writes a Config that ParseConfig reads back equal.
func ParseConfig(data []byte) (Config, error) {
	var c Config
	if err := decodeStrict(data, &c); err != nil {
		return Config{}, err
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// decodeStrict decodes data into v (a pointer), value by value, so that each
// error carries the JSON path of the value at fault.
func decodeStrict(data []byte, v any) error {
	if !json.Valid(data) {
		var x any
		err := json.Unmarshal(data, &x)
		msg := "not valid JSON"
		if err != nil {
			msg += ": " + strings.TrimPrefix(err.Error(), "json: ")
		}
		return &ConfigError{Msg: msg}
	}
	d := &decoder{}
	d.value(json.RawMessage(bytes.TrimSpace(data)), reflect.ValueOf(v).Elem(), "")
	return errors.Join(d.errs...)
}

type decoder struct {
	errs []error
}

func (d *decoder) add(path, msg string) {
	d.errs = append(d.errs, &ConfigError{Path: path, Msg: msg})
}

var (
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
)

// kindOf names the JSON kind of a raw value for error messages.
func kindOf(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
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

func (d *decoder) value(raw json.RawMessage, v reflect.Value, path string) {
	at := path
	if at == "" {
		at = "(document)"
	}
	if string(raw) == "null" {
		v.SetZero()
		return
	}
	if pt := v.Addr().Type(); pt.Implements(jsonUnmarshaler) || pt.Implements(textUnmarshaler) {
		if err := json.Unmarshal(raw, v.Addr().Interface()); err != nil {
			d.add(path, "value "+snippet(raw)+": "+strings.TrimPrefix(err.Error(), "json: "))
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		e := reflect.New(v.Type().Elem())
		d.value(raw, e.Elem(), path)
		v.Set(e)
	case reflect.Struct:
		var obj map[string]json.RawMessage
		if raw[0] != '{' || json.Unmarshal(raw, &obj) != nil {
			d.add(path, "want an object, got "+kindOf(raw))
			return
		}
		if k, dup := duplicateKey(raw); dup {
			d.add(join(path, k), "duplicate key")
		}
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			f, ok := fieldByTag(v.Type(), k)
			if !ok {
				d.add(join(path, k), "unknown field")
				continue
			}
			d.value(obj[k], v.Field(f), join(path, k))
		}
	case reflect.Slice:
		var arr []json.RawMessage
		if raw[0] != '[' || json.Unmarshal(raw, &arr) != nil {
			d.add(path, "want an array, got "+kindOf(raw))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(arr), len(arr))
		for i, e := range arr {
			d.value(e, s.Index(i), path+"["+strconv.Itoa(i)+"]")
		}
		v.Set(s)
	case reflect.Map:
		var obj map[string]json.RawMessage
		if raw[0] != '{' || json.Unmarshal(raw, &obj) != nil {
			d.add(path, "want an object, got "+kindOf(raw))
			return
		}
		if k, dup := duplicateKey(raw); dup {
			d.add(join(path, k), "duplicate key")
		}
		m := reflect.MakeMapWithSize(v.Type(), len(obj))
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			e := reflect.New(v.Type().Elem()).Elem()
			d.value(obj[k], e, join(path, k))
			m.SetMapIndex(reflect.ValueOf(k).Convert(v.Type().Key()), e)
		}
		v.Set(m)
	case reflect.Float64:
		f, err := strconv.ParseFloat(string(raw), 64)
		if raw[0] == '"' || raw[0] == 't' || raw[0] == 'f' || raw[0] == '[' || raw[0] == '{' {
			d.add(at, "want a number, got "+kindOf(raw))
		} else if err != nil {
			d.add(at, "number "+snippet(raw)+" out of range")
		} else {
			v.SetFloat(f)
		}
	case reflect.Int, reflect.Int64:
		if raw[0] == '"' || raw[0] == 't' || raw[0] == 'f' || raw[0] == '[' || raw[0] == '{' {
			d.add(at, "want an integer, got "+kindOf(raw))
			return
		}
		n, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil || v.OverflowInt(n) {
			d.add(at, "number "+snippet(raw)+" is not an integer in range")
			return
		}
		v.SetInt(n)
	case reflect.String:
		var s string
		if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
			d.add(at, "want a string, got "+kindOf(raw))
			return
		}
		v.SetString(s)
	case reflect.Bool:
		switch string(raw) {
		case "true":
			v.SetBool(true)
		case "false":
			v.SetBool(false)
		default:
			d.add(at, "want a boolean, got "+kindOf(raw))
		}
	default:
		// Every type of Config is handled above; reaching here is a bug of this
		// package, reported rather than panicking.
		d.add(at, "cannot decode into "+v.Type().String())
	}
}

// duplicateKey reports the first key that occurs twice in a JSON object
// (encoding/json would silently keep the last value).
func duplicateKey(raw json.RawMessage) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return "", false
	}
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return "", false
		}
		k, _ := t.(string)
		if seen[k] {
			return k, true
		}
		seen[k] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return "", false
		}
	}
	return "", false
}

// fieldByTag finds the struct field whose JSON name is name.
func fieldByTag(t reflect.Type, name string) (int, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == "-" {
			continue
		}
		if tag == "" {
			tag = f.Name
		}
		if tag == name {
			return i, true
		}
	}
	return 0, false
}

// snippet quotes a raw value for a message, shortened.
func snippet(raw json.RawMessage) string {
	s := string(raw)
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	if strings.HasPrefix(s, `"`) {
		return s
	}
	return strconv.Quote(s)
}
