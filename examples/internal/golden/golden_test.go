package golden

import "testing"

func TestFirstDiff(t *testing.T) {
	for _, tc := range []struct{ want, got, diff string }{
		{"a\nb\n", "a\nb\n", ""},
		{"a\nb\n", "a\nc\n", "line 2:\n  want: b\n  got:  c"},
		{"a\n", "a\nextra\n", "line 2:\n  want: \n  got:  extra"},
		{"a\nb", "a", "line 2:\n  want: b\n  got:  "},
	} {
		if d := FirstDiff([]byte(tc.want), []byte(tc.got)); d != tc.diff {
			t.Errorf("FirstDiff(%q, %q) = %q, want %q", tc.want, tc.got, d, tc.diff)
		}
	}
}

func TestCheck(t *testing.T) {
	if *update {
		t.Skip("-update would rewrite the fixture")
	}
	Check(t, "hello.golden", []byte("hello\n"))
	var r recorder
	Check(&r, "hello.golden", []byte("goodbye\n"))
	if !r.failed {
		t.Error("Check passed different output")
	}
}

// recorder is a testing.TB that records a failure instead of failing.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Fatalf(string, ...any) { r.failed = true }
