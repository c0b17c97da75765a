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
	w := resultWriter{b: b, ok: true, fc: fc}
	w.head(index, r)
	w.state(r)
	if full {
		w.groups(r.Groups)
		w.measures(r.Measures)
	}
	w.raw(`,"reasons":[`)
	for i, s := range reasons {
		if i > 0 {
			w.raw(",")
		}
		w.str(s)
	}
	w.raw("]}")
	return w.b, w.ok
}

// resultWriter appends a result's JSON field by field; ok turns false when a
// value needs encoding/json's own treatment (a string to escape, NaN, a
// value whose MarshalText fails).
type resultWriter struct {
	b  []byte
	ok bool
	fc *floatCache
}

func (w *resultWriter) raw(s string) { w.b = append(w.b, s...) }

func (w *resultWriter) str(s string) {
	if !plainASCII(s) {
		w.ok = false
	}
	w.b = append(w.b, '"')
	w.b = append(w.b, s...)
	w.b = append(w.b, '"')
}

func (w *resultWriter) num(f float64) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		w.ok = false
	}
	w.b = w.fc.append(w.b, f)
}

func (w *resultWriter) integer(n int64) { w.b = strconv.AppendInt(w.b, n, 10) }
func (w *resultWriter) boolean(v bool)  { w.b = strconv.AppendBool(w.b, v) }
func (w *resultWriter) override(o *health.Override) {
	w.b, w.ok = appendOverride(w.b, o, w.ok)
}

func (w *resultWriter) text(m interface{ MarshalText() ([]byte, error) }) {
	t, err := m.MarshalText()
	if err != nil {
		w.ok = false
	}
	w.str(string(t))
}

// head writes the opening brace and the result's identity: index, customer,
// profile, version, fingerprint and date.
func (w *resultWriter) head(index int, r *health.Result) {
	w.raw("{")
	if index >= 0 {
		w.raw(`"index":`)
		w.integer(int64(index))
		w.raw(",")
	}
	w.raw(`"customer_id":`)
	w.str(r.CustomerID)
	w.raw(`,"profile":`)
	w.str(r.Profile)
	if r.Version != "" {
		w.raw(`,"version":`)
		w.str(r.Version)
	}
	w.raw(`,"fingerprint":`)
	w.str(r.Fingerprint)
	w.raw(`,"as_of":`)
	if r.AsOf.Valid() {
		w.b = append(appendDate(append(w.b, '"'), r.AsOf), '"')
	} else {
		w.text(r.AsOf)
	}
}

// state writes the score and what shaped it: grade, coverage, vetoes,
// override, weakest measure and churn probability.
func (w *resultWriter) state(r *health.Result) {
	w.raw(`,"score":`)
	w.num(r.Score)
	w.raw(`,"grade":`)
	w.str(r.Grade)
	w.raw(`,"grade_index":`)
	w.integer(int64(r.GradeIndex))
	w.raw(`,"unknown":`)
	w.boolean(r.Unknown)
	if r.Cause != 0 {
		w.raw(`,"cause":`)
		w.text(r.Cause)
	}
	w.raw(`,"coverage":`)
	w.num(r.Coverage)
	w.raw(`,"computed":`)
	w.num(r.Computed)
	if r.ComputedUnknown {
		w.raw(`,"computed_unknown":true`)
	}
	if r.Vetoes != 0 {
		w.raw(`,"vetoes":`)
		w.b = strconv.AppendUint(w.b, r.Vetoes, 10)
	}
	if r.Overridden {
		w.raw(`,"overridden":true`)
	}
	if !r.Override.IsZero() {
		w.raw(`,"override":`)
		w.override(&r.Override)
	}
	w.raw(`,"weakest":`)
	w.integer(int64(r.Weakest))
	if m, ok := r.WeakestMeasure(); ok && m.Name != "" {
		w.raw(`,"weakest_measure":`)
		w.str(m.Name)
	}
	if !r.Churn.IsZero() {
		w.raw(`,"churn":{"horizon_days":`)
		w.integer(int64(r.Churn.HorizonDays))
		w.raw(`,"p":`)
		w.num(r.Churn.P)
		w.raw(`,"low":`)
		w.num(r.Churn.Low)
		w.raw(`,"high":`)
		w.num(r.Churn.High)
		w.raw("}")
	}
}

func (w *resultWriter) groups(gs []health.GroupResult) {
	w.raw(`,"groups":`)
	if gs == nil {
		w.raw("null")
		return
	}
	w.raw("[")
	for i := range gs {
		g := &gs[i]
		if i > 0 {
			w.raw(",")
		}
		w.raw(`{"name":`)
		w.str(g.Name)
		w.raw(`,"present":`)
		w.boolean(g.Present)
		w.raw(`,"score":`)
		w.num(g.Score)
		w.raw(`,"weight":`)
		w.num(g.Weight)
		w.raw(`,"effective":`)
		w.num(g.Effective)
		w.raw("}")
	}
	w.raw("]")
}

func (w *resultWriter) measures(ms []health.MeasureResult) {
	w.raw(`,"measures":`)
	if ms == nil {
		w.raw("null")
		return
	}
	w.raw("[")
	for i := range ms {
		if i > 0 {
			w.raw(",")
		}
		w.measure(&ms[i])
	}
	w.raw("]")
}

func (w *resultWriter) measure(m *health.MeasureResult) {
	w.raw(`{"name":`)
	w.str(m.Name)
	w.raw(`,"group":`)
	w.str(m.Group)
	if m.Signal != "" {
		w.raw(`,"signal":`)
		w.str(m.Signal)
	}
	w.raw(`,"has_raw":`)
	w.boolean(m.HasRaw)
	w.raw(`,"raw":`)
	w.num(m.Raw)
	if m.Text != "" {
		w.raw(`,"text":`)
		w.str(m.Text)
	}
	w.raw(`,"status":`)
	w.text(m.Status)
	w.raw(`,"points":`)
	w.num(m.Points)
	if m.Grade != "" {
		w.raw(`,"grade":`)
		w.str(m.Grade)
	}
	w.raw(`,"weight":`)
	w.num(m.Weight)
	w.raw(`,"effective":`)
	w.num(m.Effective)
	w.raw(`,"contribution":`)
	w.num(m.Contribution)
	if m.Override != nil {
		w.raw(`,"override":`)
		w.override(m.Override)
	}
	w.raw("}")
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
