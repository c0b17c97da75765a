package server

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"
)

// A JSON Schema (2020-12) validator for the subset the OpenAPI document
// uses: $ref to components, type (one or a list), properties, required,
// additionalProperties, items, enum, allOf/anyOf/oneOf, minimum/maximum,
// minLength/maxLength, maxItems, pattern and the formats date and date-time.
// A keyword outside the subset is an error, so the document cannot use one
// that goes unchecked. Written here instead of taking a validator as a test
// dependency: the subset is small and a dependency would be one more module
// for the command to carry.

type schemaDoc struct {
	root map[string]any
}

var knownKeywords = map[string]bool{
	"$ref": true, "type": true, "properties": true, "required": true, "additionalProperties": true, "items": true,
	"enum": true, "allOf": true, "anyOf": true, "oneOf": true, "minimum": true, "maximum": true, "minLength": true,
	"maxLength": true, "maxItems": true, "pattern": true, "format": true, "description": true, "default": true,
}

// validate returns the problems of v against schema s, each with its JSON path.
func (d *schemaDoc) validate(s map[string]any, v any, path string) []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, path+": "+fmt.Sprintf(format, args...)) }
	for k := range s {
		if !knownKeywords[k] {
			bad("schema keyword %q outside the validated subset", k)
		}
	}
	if r, ok := s["$ref"].(string); ok {
		t, err := d.resolve(r)
		if err != nil {
			bad("%v", err)
			return out
		}
		return append(out, d.validate(t, v, path)...)
	}
	if t, ok := s["type"]; ok {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				types = append(types, x.(string))
			}
		}
		match := false
		for _, t := range types {
			if isType(v, t) {
				match = true
			}
		}
		if !match {
			bad("want %s, got %s", strings.Join(types, " or "), kindOf(v))
			return out
		}
	}
	if e, ok := s["enum"].([]any); ok {
		found := false
		for _, x := range e {
			if fmt.Sprint(x) == fmt.Sprint(v) {
				found = true
			}
		}
		if !found {
			bad("%v not in %v", v, e)
		}
	}
	for _, k := range []string{"allOf", "anyOf", "oneOf"} {
		subs, ok := s[k].([]any)
		if !ok {
			continue
		}
		n := 0
		var errs []string
		for _, sub := range subs {
			e := d.validate(sub.(map[string]any), v, path)
			if len(e) == 0 {
				n++
			}
			errs = append(errs, e...)
		}
		switch {
		case k == "allOf" && n != len(subs), k == "anyOf" && n == 0, k == "oneOf" && n != 1:
			bad("%s: %d of %d match: %v", k, n, len(subs), errs)
		}
	}
	switch v := v.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		if req, ok := s["required"].([]any); ok {
			for _, r := range req {
				if _, ok := v[r.(string)]; !ok {
					bad("missing required %q", r)
				}
			}
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if p, ok := props[k]; ok {
				out = append(out, d.validate(p.(map[string]any), v[k], path+"."+k)...)
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					bad("property %q is not in the schema", k)
				}
			case map[string]any:
				out = append(out, d.validate(ap, v[k], path+"."+k)...)
			}
		}
	case []any:
		if it, ok := s["items"].(map[string]any); ok {
			for i, x := range v {
				out = append(out, d.validate(it, x, fmt.Sprintf("%s[%d]", path, i))...)
			}
		}
		if m, ok := s["maxItems"].(float64); ok && float64(len(v)) > m {
			bad("%d items, at most %v", len(v), m)
		}
	case string:
		if m, ok := s["minLength"].(float64); ok && float64(len(v)) < m {
			bad("shorter than %v", m)
		}
		if m, ok := s["maxLength"].(float64); ok && float64(len(v)) > m {
			bad("longer than %v", m)
		}
		if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(v) {
			bad("%q does not match %s", v, p)
		}
		switch s["format"] {
		case "date":
			if _, err := time.Parse("2006-01-02", v); err != nil {
				bad("%q is not a date", v)
			}
		case "date-time":
			if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
				bad("%q is not a date-time", v)
			}
		}
	case float64:
		if m, ok := s["minimum"].(float64); ok && v < m {
			bad("%v below %v", v, m)
		}
		if m, ok := s["maximum"].(float64); ok && v > m {
			bad("%v above %v", v, m)
		}
	}
	return out
}

func (d *schemaDoc) resolve(ref string) (map[string]any, error) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, fmt.Errorf("$ref %q outside the document", ref)
	}
	var cur any = d.root
	for _, part := range strings.Split(ref[2:], "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("$ref %q: no %q", ref, part)
		}
		if cur, ok = m[part]; !ok {
			return nil, fmt.Errorf("$ref %q: no %q", ref, part)
		}
	}
	m, ok := cur.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("$ref %q is not a schema", ref)
	}
	return m, nil
}

func isType(v any, t string) bool {
	switch t {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "integer":
		f, ok := v.(float64)
		return ok && f == math.Trunc(f)
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "null":
		return v == nil
	}
	return false
}

func kindOf(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

func parseJSON(b []byte) (any, error) {
	var v any
	err := json.Unmarshal(b, &v)
	return v, err
}
