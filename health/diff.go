package health

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
)

// ChangeKind classifies a Change.
type ChangeKind string

// The kinds of Change.
const (
	Added     ChangeKind = "added"
	Removed   ChangeKind = "removed"
	Modified  ChangeKind = "modified"
	Reordered ChangeKind = "reordered" // same names, another order (matters for profiles)
)

// Change is one difference between two configurations. Path locates it with
// named elements where the configuration has names, so that a weight change
// reads
//
//	profiles[default].groups[Adoption].measures[usage].weight
//
// and bands and thresholds by index (…measures[nps].bands[2].max). Old and New
// are the JSON values (empty for an added or removed value's missing side).
type Change struct {
	Path string     `json:"path"`          // where, with named elements
	Kind ChangeKind `json:"kind"`          // added, removed, modified or reordered
	Old  string     `json:"old,omitempty"` // JSON of the value in a
	New  string     `json:"new,omitempty"` // JSON of the value in b
}

// namedLists are the arrays whose elements are matched by their "name" field.
var namedLists = map[string]bool{"profiles": true, "groups": true, "measures": true, "vetoes": true}

// Diff lists the differences from a to b — version, weights, thresholds,
// bands, grades, policies, measures, groups, profiles and vetoes added or
// removed — sorted by path. Profiles, groups, measures and vetoes are matched
// by name, so moving a measure within its group is no change (the order never
// changes a score) while reordering profiles is one (the first match wins).
// Configurations with equal fingerprints have no differences.
func Diff(a, b Config) ([]Change, error) {
	ta, err := tree(a)
	if err != nil {
		return nil, err
	}
	tb, err := tree(b)
	if err != nil {
		return nil, err
	}
	var out []Change
	diffValue("", "", ta, tb, &out)
	slices.SortStableFunc(out, func(x, y Change) int {
		switch {
		case x.Path < y.Path:
			return -1
		case x.Path > y.Path:
			return 1
		}
		return 0
	})
	return out, nil
}

func tree(c Config) (any, error) {
	raw, err := MarshalConfig(c)
	if err != nil {
		return nil, err
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

func encode(v any) string {
	b, _ := json.Marshal(v) // values decoded from JSON always encode
	return string(b)
}

func diffValue(path, key string, a, b any, out *[]Change) {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			break
		}
		keys := slices.Sorted(maps.Keys(av))
		for _, k := range slices.Sorted(maps.Keys(bv)) {
			if _, ok := av[k]; !ok {
				keys = append(keys, k)
			}
		}
		for _, k := range keys {
			x, inA := av[k]
			y, inB := bv[k]
			p := join(path, k)
			switch {
			case !inA:
				*out = append(*out, Change{Path: p, Kind: Added, New: encode(y)})
			case !inB:
				*out = append(*out, Change{Path: p, Kind: Removed, Old: encode(x)})
			default:
				diffValue(p, k, x, y, out)
			}
		}
		return
	case []any:
		bv, ok := b.([]any)
		if !ok {
			break
		}
		if namedLists[key] {
			diffNamed(path, key, av, bv, out)
			return
		}
		for i := range max(len(av), len(bv)) {
			p := path + "[" + strconv.Itoa(i) + "]"
			switch {
			case i >= len(av):
				*out = append(*out, Change{Path: p, Kind: Added, New: encode(bv[i])})
			case i >= len(bv):
				*out = append(*out, Change{Path: p, Kind: Removed, Old: encode(av[i])})
			default:
				diffValue(p, "", av[i], bv[i], out)
			}
		}
		return
	}
	if ea, eb := encode(a), encode(b); ea != eb {
		*out = append(*out, Change{Path: path, Kind: Modified, Old: ea, New: eb})
	}
}

func nameOf(v any) string {
	if m, ok := v.(map[string]any); ok {
		if s, ok := m["name"].(string); ok {
			return s
		}
	}
	return ""
}

func diffNamed(path, key string, a, b []any, out *[]Change) {
	index := func(l []any) (map[string]any, []string) {
		m := map[string]any{}
		var order []string
		for _, e := range l {
			n := nameOf(e)
			m[n] = e
			order = append(order, n)
		}
		return m, order
	}
	am, ao := index(a)
	bm, bo := index(b)
	for _, n := range ao {
		p := path + "[" + n + "]"
		if y, ok := bm[n]; ok {
			diffValue(p, "", am[n], y, out)
		} else {
			*out = append(*out, Change{Path: p, Kind: Removed, Old: encode(am[n])})
		}
	}
	for _, n := range bo {
		if _, ok := am[n]; !ok {
			*out = append(*out, Change{Path: path + "[" + n + "]", Kind: Added, New: encode(bm[n])})
		}
	}
	if len(ao) == len(bo) && !slices.Equal(ao, bo) && key == "profiles" {
		common := true
		for _, n := range ao {
			_, ok := bm[n]
			common = common && ok
		}
		if common {
			*out = append(*out, Change{Path: path, Kind: Reordered, Old: encode(ao), New: encode(bo)})
		}
	}
}
