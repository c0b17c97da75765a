package effort

import (
	"encoding"
	"testing"

	"pgregory.net/rapid"
)

// The words of the enums round-trip through text: decode(encode(x)) equals x for
// every defined value, and the unknown values refuse to encode.
func TestPropWordsRoundTrip(t *testing.T) {
	check := func(t *rapid.T, name string, x encoding.TextMarshaler, back encoding.TextUnmarshaler, valid bool, equal func() bool) {
		b, err := x.MarshalText()
		if !valid {
			if err == nil {
				t.Fatalf("%s %v encoded as %q, want an error", name, x, b)
			}
			return
		}
		if err != nil {
			t.Fatalf("%s %v: MarshalText: %v", name, x, err)
		}
		if err := back.UnmarshalText(b); err != nil || !equal() {
			t.Fatalf("%s %v through text %q: %v", name, x, b, err)
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.Uint8Range(0, 12).Draw(t, "n")
		c, c2 := Channel(n), Channel(0)
		check(t, "Channel", c, &c2, n >= 1 && int(n) < len(channelNames), func() bool { return c == c2 })
		k, k2 := EventKind(n), EventKind(0)
		check(t, "EventKind", k, &k2, n >= 1 && int(n) < len(eventNames), func() bool { return k == k2 })
		s, s2 := Scale(n), Scale(0)
		check(t, "Scale", s, &s2, n >= 1 && int(n) < len(scaleNames), func() bool { return s == s2 })
		d, d2 := DriverKind(n), DriverKind(0)
		check(t, "DriverKind", d, &d2, d < NumDrivers, func() bool { return d == d2 })
	})
}
