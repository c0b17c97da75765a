package csbeam

import (
	"encoding"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/core/graph/coder"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
	"github.com/successkit/cs"
	"github.com/successkit/cs/retention"
)

// elementCoder is the registered coder of one element type, called as the
// workers call it.
type elementCoder struct {
	t    reflect.Type
	cc   *coder.CustomCoder
	json bool // the coder writes JSON or text: floats must be finite, text UTF-8
}

// jsonCoded lists the element types whose coders write JSON (or text).
var jsonCoded = map[reflect.Type]bool{
	reflect.TypeFor[cs.Customer](): true, reflect.TypeFor[cs.Money](): true,
	reflect.TypeFor[retention.Period](): true, reflect.TypeFor[retention.Cohort](): true,
	reflect.TypeFor[bookAcc](): true, reflect.TypeFor[BacktestReport](): true, reflect.TypeFor[RetentionReport](): true,
	reflect.TypeFor[bounds](): true, reflect.TypeFor[retAcc](): true,
}

// elementCoders returns the coder registered for every element type of the
// transforms (one value of each is in sampleElements).
func elementCoders(t testing.TB) []elementCoder {
	var out []elementCoder
	seen := map[reflect.Type]bool{}
	for _, v := range sampleElements() {
		typ := reflect.TypeOf(v)
		if seen[typ] {
			continue
		}
		seen[typ] = true
		cc := coder.LookupCustomCoder(typ)
		if cc == nil {
			t.Fatalf("%v has no registered coder", typ)
		}
		out = append(out, elementCoder{t: typ, cc: cc, json: jsonCoded[typ] || typ.String() == "effort.CustomerFriction"})
	}
	return out
}

func (c elementCoder) encode(v any) ([]byte, error) {
	out := c.cc.Enc.Fn.Call([]any{v})
	var err error
	if len(out) == 2 && out[1] != nil {
		err = out[1].(error)
	}
	return out[0].([]byte), err
}

func (c elementCoder) decode(b []byte) (any, error) {
	out := c.cc.Dec.Fn.Call([]any{b})
	var err error
	if len(out) == 2 && out[1] != nil {
		err = out[1].(error)
	}
	return out[0], err
}

// sameElement compares elements as the coders promise to keep them: floats bit
// for bit, amounts by value and currency, instants to the nanosecond with their
// offset; an empty slice or map may come back nil.
var sameElement = cmp.Options{
	moneyEqual,
	cmpopts.EquateEmpty(),
	cmp.Comparer(func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }),
	cmp.Comparer(func(a, b time.Time) bool {
		_, oa := a.Zone()
		_, ob := b.Zone()
		return a.Equal(b) && oa == ob
	}),
}

// gen builds a value of any element type from fuzz bytes, reflectively, so that
// a field added to an element type is filled too and its coder must carry it.
// Values stay in their types' domains: a JSON coder gets finite floats and
// UTF-8 text, money has a currency, months and dates are valid.
type gen struct {
	b    []byte
	json bool
}

func (g *gen) u8() byte {
	if len(g.b) == 0 {
		return 0
	}
	x := g.b[0]
	g.b = g.b[1:]
	return x
}

func (g *gen) u64() uint64 {
	var x uint64
	for range 8 {
		x = x<<8 | uint64(g.u8())
	}
	return x
}

func (g *gen) intn(n int) int { return int(g.u8()) % n }

func (g *gen) str() string {
	n := g.intn(12)
	b := make([]byte, n)
	for i := range b {
		b[i] = g.u8()
	}
	if g.json {
		return strings.ToValidUTF8(string(b), "?")
	}
	return string(b)
}

func (g *gen) f64() float64 {
	f := math.Float64frombits(g.u64())
	if g.json && (math.IsNaN(f) || math.IsInf(f, 0)) {
		return float64(int64(g.u64())) / 1024
	}
	return f
}

var currencies = []cs.Currency{"USD", "EUR", "JPY", "KWD", "GBP"}

func (g *gen) money() cs.Money {
	if g.intn(5) == 0 {
		return cs.Money{}
	}
	m, err := cs.NewMoney(decimal.New(int64(g.u64()), -int32(g.intn(9))), currencies[g.intn(len(currencies))])
	if err != nil {
		panic(err)
	}
	return m
}

var (
	moneyT    = reflect.TypeFor[cs.Money]()
	dateT     = reflect.TypeFor[cs.Date]()
	timeT     = reflect.TypeFor[time.Time]()
	monthT    = reflect.TypeFor[retention.Month]()
	currencyT = reflect.TypeFor[cs.Currency]()
	customerT = reflect.TypeFor[cs.Customer]()
	textT     = reflect.TypeFor[encoding.TextMarshaler]()
)

func (g *gen) fill(v reflect.Value) {
	switch v.Type() {
	case moneyT:
		v.Set(reflect.ValueOf(g.money()))
		return
	case currencyT:
		v.Set(reflect.ValueOf(currencies[g.intn(len(currencies))]))
		return
	case monthT:
		v.Set(reflect.ValueOf(retention.NewMonth(1+int(g.u64()%9999), time.Month(1+g.intn(12)))))
		return
	case dateT:
		d := cs.Date{}
		if g.intn(4) > 0 {
			d = cs.Date{Year: 1900 + g.intn(250), Month: time.Month(1 + g.intn(12)), Day: 1 + g.intn(28)}
		}
		v.Set(reflect.ValueOf(d))
		return
	case timeT:
		t := time.Unix(int64(g.u64()%(4<<30)), int64(g.u64()%1e9)).UTC()
		v.Set(reflect.ValueOf(t))
		return
	case customerT:
		c := cs.Customer{ID: "c" + strings.Map(keepID, g.str()), Name: g.str(), Segment: g.str(), MRR: g.money()}
		if c.MRR.IsNegative() {
			c.MRR = c.MRR.Neg()
		}
		if g.intn(2) == 0 {
			c.ContractStart, c.RenewalDate = cs.MustParseDate("2025-07-01"), cs.MustParseDate("2026-07-01")
		}
		for range g.intn(3) {
			if c.Signals == nil {
				c.Signals, c.Attributes = cs.Signals{}, cs.Attributes{}
			}
			c.Signals["s"+strings.Map(keepID, g.str())] = g.f64()
			c.Attributes["a"+strings.Map(keepID, g.str())] = "v" + strings.Map(keepID, g.str()) // an empty attribute is a missing one
		}
		v.Set(reflect.ValueOf(c))
		return
	}
	if v.Kind() >= reflect.Int && v.Kind() <= reflect.Uint64 && v.Type().Implements(textT) {
		// An enumeration: one of its values.
		for range 4 {
			g.fillInt(v)
			if _, err := v.Interface().(encoding.TextMarshaler).MarshalText(); err == nil {
				return
			}
		}
		v.SetZero()
		return
	}
	switch v.Kind() {
	case reflect.Bool:
		v.SetBool(g.u8()&1 == 1)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		g.fillInt(v)
	case reflect.Float64:
		v.SetFloat(g.f64())
	case reflect.String:
		v.SetString(g.str())
	case reflect.Slice:
		n := g.intn(4)
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			g.fill(s.Index(i))
		}
		v.Set(s)
	case reflect.Array:
		for i := range v.Len() {
			g.fill(v.Index(i))
		}
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for range g.intn(4) {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			g.fill(k)
			g.fill(e)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		g.fill(p.Elem())
		v.Set(p)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				g.fill(v.Field(i))
			}
		}
	}
}

func (g *gen) fillInt(v reflect.Value) {
	x := g.u64()
	if g.u8()&1 == 0 {
		x %= 64 // small values are the common ones
	}
	shift := 64 - v.Type().Bits()
	if v.CanInt() {
		v.SetInt(int64(x<<shift) >> shift)
		return
	}
	v.SetUint(x << shift >> shift)
}

// keepID keeps the runes an ID may hold (no control character).
func keepID(r rune) rune {
	if r < 0x20 || r == 0x7f || r == '\uFFFD' {
		return -1
	}
	return r
}

// FuzzCoders checks every registered coder of the transforms' element types on
// any input: decoding arbitrary bytes never panics, and what decodes encodes
// again to the same element; and an element built from the bytes (every field
// filled, within the type's domain) comes back equal through encode and decode.
func FuzzCoders(f *testing.F) {
	coders := elementCoders(f)
	for _, v := range sampleElements() {
		for _, c := range coders {
			if c.t == reflect.TypeOf(v) {
				b, err := c.encode(v)
				if err != nil {
					f.Fatalf("%v: %v", c.t, err)
				}
				f.Add(b)
			}
		}
	}
	f.Add([]byte{})
	f.Add([]byte("\x05\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, c := range coders {
			if x, err := c.decode(data); err == nil {
				b, err := c.encode(x)
				if err != nil {
					t.Fatalf("%v: decoded %#v from %q, which does not encode: %v", c.t, x, data, err)
				}
				y, err := c.decode(b)
				if err != nil {
					t.Fatalf("%v: %q decodes, its encoding %q does not: %v", c.t, data, b, err)
				}
				if diff := cmp.Diff(x, y, sameElement); diff != "" {
					t.Fatalf("%v: decoded from %q, then encoded and decoded again (-first +second):\n%s", c.t, data, diff)
				}
			}
			g := gen{b: data, json: c.json}
			v := reflect.New(c.t).Elem()
			g.fill(v)
			x := v.Interface()
			b, err := c.encode(x)
			if err != nil {
				t.Fatalf("%v: %#v does not encode: %v", c.t, x, err)
			}
			y, err := c.decode(b)
			if err != nil {
				t.Fatalf("%v: %#v encodes to %q, which does not decode: %v", c.t, x, b, err)
			}
			if diff := cmp.Diff(x, y, sameElement); diff != "" {
				t.Fatalf("%v through its coder (-sent +received):\n%s", c.t, diff)
			}
		}
	})
}
