package server

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"

	"github.com/successkit/cs"
	"github.com/successkit/cs/health"
)

// apiResult is a result as the API sends it: the fields of the library's
// health.Result (a test checks that none is missing) with the name of the
// weakest measure, the reasons and, in a batch, the customer's index in the
// request. With explain=reasons the groups and measures are left out.
type apiResult struct {
	Index           *int                    `json:"index,omitempty"`
	CustomerID      string                  `json:"customer_id"`
	Profile         string                  `json:"profile"`
	Version         string                  `json:"version,omitempty"`
	Fingerprint     string                  `json:"fingerprint"`
	AsOf            cs.Date                 `json:"as_of"`
	Score           float64                 `json:"score"`
	Grade           string                  `json:"grade"`
	GradeIndex      int                     `json:"grade_index"`
	Unknown         bool                    `json:"unknown"`
	Cause           health.UnknownCause     `json:"cause,omitempty"`
	Coverage        float64                 `json:"coverage"`
	Computed        float64                 `json:"computed"`
	ComputedUnknown bool                    `json:"computed_unknown,omitempty"`
	Vetoes          uint64                  `json:"vetoes,omitempty"`
	Overridden      bool                    `json:"overridden,omitempty"`
	Override        health.Override         `json:"override,omitzero"`
	Weakest         int                     `json:"weakest"`
	WeakestMeasure  string                  `json:"weakest_measure,omitempty"`
	Churn           health.ChurnProbability `json:"churn,omitzero"`
	Groups          *[]health.GroupResult   `json:"groups,omitempty"`
	Measures        *[]health.MeasureResult `json:"measures,omitempty"`
	Reasons         []string                `json:"reasons"`
}

func apiResultOf(index int, r *health.Result, reasons []string, full bool) apiResult {
	v := apiResult{CustomerID: r.CustomerID, Profile: r.Profile, Version: r.Version, Fingerprint: r.Fingerprint, AsOf: r.AsOf,
		Score: r.Score, Grade: r.Grade, GradeIndex: r.GradeIndex, Unknown: r.Unknown, Cause: r.Cause, Coverage: r.Coverage,
		Computed: r.Computed, ComputedUnknown: r.ComputedUnknown, Vetoes: r.Vetoes, Overridden: r.Overridden, Override: r.Override,
		Weakest: r.Weakest, Churn: r.Churn, Reasons: reasons}
	if m, ok := r.WeakestMeasure(); ok {
		v.WeakestMeasure = m.Name
	}
	if full {
		v.Groups, v.Measures = &r.Groups, &r.Measures
	}
	if index >= 0 {
		v.Index = &index
	}
	if v.Reasons == nil {
		v.Reasons = []string{}
	}
	return v
}

// appendResult writes the JSON of r (with its index when index ≥ 0; with
// its groups and measures when full) to b. The bytes are those encoding/json
// writes for apiResult with HTML escaping off (a test checks it on every
// result of the sample book and on odd ones); the hand-written path runs
// when every string is plain ASCII needing no escape, encoding/json
// otherwise. It exists because encoding the full explanation with
// reflection costs more than computing it.
func appendResult(b []byte, index int, r *health.Result, fc *floatCache, full bool) ([]byte, error) {
	reasons := r.Reasons()
	n := len(b)
	if out, ok := appendResultFast(b, index, r, reasons, fc, full); ok {
		return out, nil
	}
	v := apiResultOf(index, r, reasons, full)
	buf := bytes.NewBuffer(b[:n])
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return b[:n], err
	}
	out := buf.Bytes()
	return out[:len(out)-1], nil // without the encoder's newline
}

// appendResultFast appends the JSON of the result, or reports false when a
// string needs escaping or a value needs encoding/json's own treatment.
func appendResultFast(b []byte, index int, r *health.Result, reasons []string, fc *floatCache, full bool) ([]byte, bool) {
	ok := true
	str := func(s string) {
		if !plainASCII(s) {
			ok = false
		}
		b = append(b, '"')
		b = append(b, s...)
		b = append(b, '"')
	}
	num := func(f float64) {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			ok = false
		}
		b = fc.append(b, f)
	}
	text := func(m interface{ MarshalText() ([]byte, error) }) {
		t, err := m.MarshalText()
		if err != nil {
			ok = false
		}
		str(string(t))
	}
	b = append(b, '{')
	if index >= 0 {
		b = append(b, `"index":`...)
		b = strconv.AppendInt(b, int64(index), 10)
		b = append(b, ',')
	}
	b = append(b, `"customer_id":`...)
	str(r.CustomerID)
	b = append(b, `,"profile":`...)
	str(r.Profile)
	if r.Version != "" {
		b = append(b, `,"version":`...)
		str(r.Version)
	}
	b = append(b, `,"fingerprint":`...)
	str(r.Fingerprint)
	b = append(b, `,"as_of":`...)
	if r.AsOf.Valid() {
		b = append(appendDate(append(b, '"'), r.AsOf), '"')
	} else {
		text(r.AsOf)
	}
	b = append(b, `,"score":`...)
	num(r.Score)
	b = append(b, `,"grade":`...)
	str(r.Grade)
	b = append(b, `,"grade_index":`...)
	b = strconv.AppendInt(b, int64(r.GradeIndex), 10)
	b = append(b, `,"unknown":`...)
	b = strconv.AppendBool(b, r.Unknown)
	if r.Cause != 0 {
		b = append(b, `,"cause":`...)
		text(r.Cause)
	}
	b = append(b, `,"coverage":`...)
	num(r.Coverage)
	b = append(b, `,"computed":`...)
	num(r.Computed)
	if r.ComputedUnknown {
		b = append(b, `,"computed_unknown":true`...)
	}
	if r.Vetoes != 0 {
		b = append(b, `,"vetoes":`...)
		b = strconv.AppendUint(b, r.Vetoes, 10)
	}
	if r.Overridden {
		b = append(b, `,"overridden":true`...)
	}
	if !r.Override.IsZero() {
		b = append(b, `,"override":`...)
		b, ok = appendOverride(b, &r.Override, ok)
	}
	b = append(b, `,"weakest":`...)
	b = strconv.AppendInt(b, int64(r.Weakest), 10)
	if m, ok := r.WeakestMeasure(); ok && m.Name != "" {
		b = append(b, `,"weakest_measure":`...)
		str(m.Name)
	}
	if !r.Churn.IsZero() {
		b = append(b, `,"churn":{"horizon_days":`...)
		b = strconv.AppendInt(b, int64(r.Churn.HorizonDays), 10)
		b = append(b, `,"p":`...)
		num(r.Churn.P)
		b = append(b, `,"low":`...)
		num(r.Churn.Low)
		b = append(b, `,"high":`...)
		num(r.Churn.High)
		b = append(b, '}')
	}
	if !full {
		goto reasons
	}
	b = append(b, `,"groups":`...)
	if r.Groups == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.Groups {
			g := &r.Groups[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"name":`...)
			str(g.Name)
			b = append(b, `,"present":`...)
			b = strconv.AppendBool(b, g.Present)
			b = append(b, `,"score":`...)
			num(g.Score)
			b = append(b, `,"weight":`...)
			num(g.Weight)
			b = append(b, `,"effective":`...)
			num(g.Effective)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"measures":`...)
	if r.Measures == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.Measures {
			m := &r.Measures[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"name":`...)
			str(m.Name)
			b = append(b, `,"group":`...)
			str(m.Group)
			if m.Signal != "" {
				b = append(b, `,"signal":`...)
				str(m.Signal)
			}
			b = append(b, `,"has_raw":`...)
			b = strconv.AppendBool(b, m.HasRaw)
			b = append(b, `,"raw":`...)
			num(m.Raw)
			if m.Text != "" {
				b = append(b, `,"text":`...)
				str(m.Text)
			}
			b = append(b, `,"status":`...)
			text(m.Status)
			b = append(b, `,"points":`...)
			num(m.Points)
			if m.Grade != "" {
				b = append(b, `,"grade":`...)
				str(m.Grade)
			}
			b = append(b, `,"weight":`...)
			num(m.Weight)
			b = append(b, `,"effective":`...)
			num(m.Effective)
			b = append(b, `,"contribution":`...)
			num(m.Contribution)
			if m.Override != nil {
				b = append(b, `,"override":`...)
				b, ok = appendOverride(b, m.Override, ok)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
reasons:
	b = append(b, `,"reasons":[`...)
	for i, s := range reasons {
		if i > 0 {
			b = append(b, ',')
		}
		str(s)
	}
	b = append(b, "]}"...)
	return b, ok
}

func appendOverride(b []byte, o *health.Override, ok bool) ([]byte, bool) {
	plain := func(s string) {
		ok = ok && plainASCII(s)
		b = append(b, '"')
		b = append(b, s...)
		b = append(b, '"')
	}
	date := func(d cs.Date) {
		t, err := d.MarshalText()
		ok = ok && err == nil
		plain(string(t))
	}
	b = append(b, '{')
	if o.Measure != "" {
		b = append(b, `"measure":`...)
		plain(o.Measure)
		b = append(b, ',')
	}
	b = append(b, `"points":`...)
	ok = ok && !math.IsNaN(o.Points) && !math.IsInf(o.Points, 0)
	b = appendFloat(b, o.Points)
	b = append(b, `,"reason":`...)
	plain(o.Reason)
	b = append(b, `,"author":`...)
	plain(o.Author)
	b = append(b, `,"set_at":`...)
	date(o.SetAt)
	b = append(b, `,"expires":`...)
	date(o.Expires)
	return append(b, '}'), ok
}

// appendDate appends a valid date as Date.MarshalText writes it,
// YYYY-MM-DD, without allocating: every result has one.
func appendDate(b []byte, d cs.Date) []byte {
	y, m := d.Year, int(d.Month)
	b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-')
	return append(b, byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d.Day/10), byte('0'+d.Day%10))
}

// plainASCII reports whether s is printable ASCII needing no JSON escape.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// appendFloat formats f as encoding/json does: the shortest text that reads
// back the same, in exponent form below 1e-6 and from 1e21. Whole numbers,
// common in points and raw counts, skip the general algorithm.
func appendFloat(b []byte, f float64) []byte {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 && !(f == 0 && math.Signbit(f)) {
		return strconv.AppendInt(b, int64(f), 10)
	}
	abs := math.Abs(f)
	fmt := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		fmt = 'e'
	}
	b = strconv.AppendFloat(b, f, fmt, -1, 64)
	if fmt == 'e' { // "1e-07" → "1e-7", as encoding/json writes it
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// floatCache remembers the text of recently formatted floats: the weights,
// shares and points of a scorecard repeat from one customer to the next, and
// looking one up costs a fraction of formatting it. The zero value is an empty
// cache, a nil one caches nothing; it is for one goroutine.
type floatCache struct {
	slot [512]struct {
		bits uint64
		n    uint8
		text [24]byte
	}
}

func (fc *floatCache) append(b []byte, f float64) []byte {
	if fc == nil {
		return appendFloat(b, f)
	}
	bits := math.Float64bits(f)
	e := &fc.slot[(bits^bits>>29^bits>>47)*0x9E3779B97F4A7C15>>55]
	if e.n > 0 && e.bits == bits {
		return append(b, e.text[:e.n]...)
	}
	start := len(b)
	b = appendFloat(b, f)
	if n := len(b) - start; n <= len(e.text) {
		e.bits, e.n = bits, uint8(n)
		copy(e.text[:], b[start:])
	}
	return b
}
