package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/successkit/cs/health"
)

// layout is what every result of one profile of one configuration shares:
// the groups and measures in the order of Result.Groups and Result.Measures,
// with their names, signals and nominal weights. It is stored once per
// configuration and profile (cs_health_layouts), so a result's row keeps only
// what varies by customer.
type layout struct {
	Groups   []layoutGroup   `json:"groups"`
	Measures []layoutMeasure `json:"measures"`
}

type layoutGroup struct {
	Name   string  `json:"name"`
	Weight float64 `json:"weight"`
}

type layoutMeasure struct {
	Name   string  `json:"name"`
	Group  string  `json:"group"`
	Signal string  `json:"signal,omitempty"`
	Weight float64 `json:"weight"`
}

func layoutOf(r *health.Result) *layout {
	l := &layout{Groups: make([]layoutGroup, len(r.Groups)), Measures: make([]layoutMeasure, len(r.Measures))}
	for i, g := range r.Groups {
		l.Groups[i] = layoutGroup{Name: g.Name, Weight: g.Weight}
	}
	for i, m := range r.Measures {
		l.Measures[i] = layoutMeasure{Name: m.Name, Group: m.Group, Signal: m.Signal, Weight: m.Weight}
	}
	return l
}

// fits reports whether the result has the layout's groups and measures.
func (l *layout) fits(r *health.Result) bool {
	if len(r.Groups) != len(l.Groups) || len(r.Measures) != len(l.Measures) {
		return false
	}
	for i := range r.Groups {
		if g := &r.Groups[i]; g.Name != l.Groups[i].Name || g.Weight != l.Groups[i].Weight {
			return false
		}
	}
	for i := range r.Measures {
		m, lm := &r.Measures[i], &l.Measures[i]
		if m.Name != lm.Name || m.Group != lm.Group || m.Signal != lm.Signal || m.Weight != lm.Weight {
			return false
		}
	}
	return true
}

// detailVersion is the first byte of every detail.
const detailVersion = 1

// Measure flags in a detail.
const (
	mStatus   = 0x03 // health.Status
	mHasRaw   = 1 << 2
	mRaw      = 1 << 3 // a non-zero Raw follows
	mText     = 1 << 4 // Text follows
	mScored   = 1 << 5 // Points and Effective follow
	mGrade    = 1 << 6 // Grade follows
	mOverride = 1 << 7 // the override's JSON follows
)

// appendDetail encodes what varies by customer in a result's groups and
// measures: per group whether it counted, its score and effective share; per
// measure its status, value, points, effective share, grade and override.
// Names, signals and nominal weights are the layout's; Contribution is
// Effective × Points, recomputed on reading as health computes it.
//
//	detail  = version(1) uvarint(groups) group* uvarint(measures) measure*
//	group   = flags(1: bit 0 present) [score f64 effective f64 if present]
//	measure = flags(1) [raw f64] [text] [points f64 effective f64] [grade] [override JSON]
//	text, grade, JSON = uvarint(length) bytes;  f64 = IEEE 754 bits, little-endian
func appendDetail(b []byte, r *health.Result) ([]byte, error) {
	b = append(b, detailVersion)
	b = binary.AppendUvarint(b, uint64(len(r.Groups)))
	for i := range r.Groups {
		g := &r.Groups[i]
		if !g.Present {
			b = append(b, 0)
			continue
		}
		b = append(b, 1)
		b = appendF64(b, g.Score)
		b = appendF64(b, g.Effective)
	}
	b = binary.AppendUvarint(b, uint64(len(r.Measures)))
	for i := range r.Measures {
		m := &r.Measures[i]
		if m.Status > health.StatusOverridden {
			return nil, fmt.Errorf("measures[%d]: status %d", i, m.Status)
		}
		f := byte(m.Status)
		if m.HasRaw {
			f |= mHasRaw
		}
		if m.Raw != 0 || math.Signbit(m.Raw) {
			f |= mRaw
		}
		if m.Text != "" {
			f |= mText
		}
		if m.Points != 0 || m.Effective != 0 || math.Signbit(m.Points) || math.Signbit(m.Effective) {
			f |= mScored
		}
		if m.Grade != "" {
			f |= mGrade
		}
		if m.Override != nil {
			f |= mOverride
		}
		b = append(b, f)
		if f&mRaw != 0 {
			b = appendF64(b, m.Raw)
		}
		if f&mText != 0 {
			b = appendString(b, m.Text)
		}
		if f&mScored != 0 {
			b = appendF64(b, m.Points)
			b = appendF64(b, m.Effective)
		}
		if f&mGrade != 0 {
			b = appendString(b, m.Grade)
		}
		if f&mOverride != 0 {
			j, err := json.Marshal(m.Override)
			if err != nil {
				return nil, fmt.Errorf("measures[%d].override: %w", i, err)
			}
			b = appendString(b, string(j))
		}
	}
	return b, nil
}

func appendF64(b []byte, f float64) []byte {
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

var errDetail = errors.New("malformed health detail")

// detailReader decodes a detail.
type detailReader struct {
	b   []byte
	err error
}

func (d *detailReader) byte() byte {
	if d.err != nil || len(d.b) < 1 {
		d.err = errDetail
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *detailReader) uvarint(max int) int {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 || v > uint64(max) {
		d.err = errDetail
		return 0
	}
	d.b = d.b[n:]
	return int(v)
}

func (d *detailReader) f64() float64 {
	if d.err != nil || len(d.b) < 8 {
		d.err = errDetail
		return 0
	}
	f := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return f
}

func (d *detailReader) string() string {
	n := d.uvarint(len(d.b))
	if d.err == nil && n > len(d.b) {
		d.err = errDetail
	}
	if d.err != nil {
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

// decodeDetail fills r's Groups and Measures (reusing their capacity) from a
// detail and the layout of its profile.
func decodeDetail(b []byte, l *layout, r *health.Result) error {
	d := detailReader{b: b}
	if v := d.byte(); v != detailVersion {
		return fmt.Errorf("%w: version %d", errDetail, v)
	}
	ng := d.uvarint(len(l.Groups))
	if d.err == nil && ng != len(l.Groups) {
		return fmt.Errorf("%w: %d groups for a layout of %d", errDetail, ng, len(l.Groups))
	}
	r.Groups = r.Groups[:0]
	for i := 0; i < ng && d.err == nil; i++ {
		g := health.GroupResult{Name: l.Groups[i].Name, Weight: l.Groups[i].Weight}
		switch d.byte() {
		case 0:
		case 1:
			g.Present, g.Score, g.Effective = true, d.f64(), d.f64()
		default:
			d.err = errDetail
		}
		r.Groups = append(r.Groups, g)
	}
	nm := d.uvarint(len(l.Measures))
	if d.err == nil && nm != len(l.Measures) {
		return fmt.Errorf("%w: %d measures for a layout of %d", errDetail, nm, len(l.Measures))
	}
	r.Measures = r.Measures[:0]
	for i := 0; i < nm && d.err == nil; i++ {
		lm := &l.Measures[i]
		m := health.MeasureResult{Name: lm.Name, Group: lm.Group, Signal: lm.Signal, Weight: lm.Weight}
		f := d.byte()
		m.Status = health.Status(f & mStatus)
		m.HasRaw = f&mHasRaw != 0
		if f&mRaw != 0 {
			m.Raw = d.f64()
		}
		if f&mText != 0 {
			m.Text = d.string()
		}
		if f&mScored != 0 {
			m.Points, m.Effective = d.f64(), d.f64()
			m.Contribution = m.Effective * m.Points
		}
		if f&mGrade != 0 {
			m.Grade = d.string()
		}
		if f&mOverride != 0 {
			j := d.string()
			if d.err == nil {
				m.Override = new(health.Override)
				if err := json.Unmarshal([]byte(j), m.Override); err != nil {
					return fmt.Errorf("%w: measures[%d].override: %v", errDetail, i, err)
				}
			}
		}
		r.Measures = append(r.Measures, m)
	}
	if d.err == nil && len(d.b) != 0 {
		d.err = errDetail
	}
	return d.err
}
