package cs

import (
	"math"
	"strconv"
	"testing"

	"pgregory.net/rapid"
)

// parseShortDecimal accepts exactly its short form and agrees with strconv.
func TestParseShortDecimal(t *testing.T) {
	for _, tc := range []struct {
		why string
		in  string
		ok  bool
	}{
		{"a plain fraction", "0.25", true},
		{"an integer", "50", true},
		{"a negative fraction", "-0.25", true},
		{"negative zero keeps its sign", "-0", true},
		{"an explicit plus", "+7.5", true},
		{"a trailing dot, which strconv accepts", "1.", true},
		{"a leading dot, which strconv accepts", ".5", true},
		{"15 digits, the most the fast path takes", "123456789.012345", true},
		{"16 digits go to strconv", "1234567890.123456", false},
		{"15 fraction digits", "0.00000000000001", true},
		{"a lone dot is not a number", ".", false},
		{"a lone sign is not a number", "-", false},
		{"empty", "", false},
		{"an exponent goes to strconv", "1e5", false},
		{"two dots", "1.2.3", false},
		{"two signs", "--1", false},
		{"NaN goes to strconv", "NaN", false},
		{"an underscore goes to strconv", "1_0", false},
		{"a space", " 1", false},
	} {
		got, ok := parseShortDecimal(tc.in)
		if ok != tc.ok {
			t.Errorf("%s: parseShortDecimal(%q) ok = %v, want %v", tc.why, tc.in, ok, tc.ok)
			continue
		}
		if !ok {
			continue
		}
		want, err := strconv.ParseFloat(tc.in, 64)
		if err != nil || math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("%s: parseShortDecimal(%q) = %v, want %v (%v)", tc.why, tc.in, got, want, err)
		}
	}
}

// Property (reader speed): the fast path is exact. Whenever
// parseShortDecimal accepts a text, strconv.ParseFloat accepts it too and returns
// the same float64, bit for bit; and parseSignal agrees with strconv on every text.
func TestParseShortDecimalMatchesStrconvProperty(t *testing.T) {
	digits := rapid.SliceOfN(rapid.ByteRange('0', '9'), 0, 18)
	rapid.Check(t, func(t *rapid.T) {
		var s string
		switch rapid.IntRange(0, 2).Draw(t, "shape") {
		case 0: // the writer's form: the shortest 'g' text of a float64
			f := rapid.Float64().Draw(t, "f")
			if rapid.Bool().Draw(t, "small") {
				f = float64(rapid.Int64Range(-1e9, 1e9).Draw(t, "n")) / math.Pow(10, float64(rapid.IntRange(0, 9).Draw(t, "k")))
			}
			s = strconv.FormatFloat(f, 'g', -1, 64)
		case 1: // sign, digits, dot, digits
			s = rapid.SampledFrom([]string{"", "-", "+"}).Draw(t, "sign") + string(digits.Draw(t, "int"))
			if rapid.Bool().Draw(t, "dot") {
				s += "." + string(digits.Draw(t, "frac"))
			}
		default: // anything made of the characters that matter
			s = string(rapid.SliceOfN(rapid.SampledFrom([]byte("0123456789.-+eE_xpinfa")), 0, 20).Draw(t, "s"))
		}
		want, werr := strconv.ParseFloat(s, 64)
		if got, ok := parseShortDecimal(s); ok && (werr != nil || math.Float64bits(got) != math.Float64bits(want)) {
			t.Fatalf("parseShortDecimal(%q) = %v, want %v (%v)", s, got, want, werr)
		}
		got, err := parseSignal(s)
		if err == nil && (werr != nil || math.Float64bits(got) != math.Float64bits(want)) {
			t.Fatalf("parseSignal(%q) = %v, want %v (%v)", s, got, want, werr)
		}
		if err != nil && werr == nil && !math.IsInf(want, 0) && !math.IsNaN(want) {
			t.Fatalf("parseSignal(%q) error %v, strconv reads %v", s, err, want)
		}
	})
}
