package errs

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{strings.Repeat("a", MaxValue), strings.Repeat("a", MaxValue)},
		{strings.Repeat("a", MaxValue+1), strings.Repeat("a", MaxValue) + "…"},
		// A cut never splits a rune: é is two bytes, the 64th byte starts one.
		{strings.Repeat("a", MaxValue-1) + "é", strings.Repeat("a", MaxValue-1) + "…"},
	} {
		if got := Clip(tc.in); got != tc.want {
			t.Errorf("Clip(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := ClipBytes([]byte(tc.in)); got != tc.want {
			t.Errorf("ClipBytes(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if s := Clip(strings.Repeat("é", 100)); !utf8.ValidString(s) {
		t.Errorf("Clip cut a rune: %q", s)
	}
}

func TestList(t *testing.T) {
	var l List
	if l.Err() != nil || l.Len() != 0 {
		t.Fatal("the zero List is not empty")
	}
	one := errors.New("one")
	l.Add(nil)
	l.Add(one)
	if l.Err() != one {
		t.Fatalf("a list of one = %v, want the error itself", l.Err())
	}
	sentinel := errors.New("sentinel")
	for i := range 25 {
		if l.Full() {
			l.Count()
			continue
		}
		l.Add(fmt.Errorf("problem %d: %w", i, sentinel))
	}
	err := l.Err()
	if l.Len() != 26 || len(l.Errs()) != MaxProblems || !errors.Is(err, one) || !errors.Is(err, sentinel) {
		t.Fatalf("Len %d, kept %d, err %v", l.Len(), len(l.Errs()), err)
	}
	if lines := strings.Split(err.Error(), "\n"); len(lines) != MaxProblems+1 || lines[MaxProblems] != "and 16 more problems" {
		t.Errorf("message:\n%s", err)
	}
}
