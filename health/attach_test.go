package health_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"slices"
	"testing"

	"github.com/successkit/cs/health"
)

// A result read back from JSON names its vetoes and reasons again once attached to
// the scorer that made it.
func ExampleScorer_Attach() {
	s, err := health.Compile(health.SampleConfig())
	if err != nil {
		log.Fatal(err)
	}
	c := account("acme", 0.05, 8) // usage collapsed: the usage veto caps the score
	r, err := s.Score(&c, asOf)
	if err != nil {
		log.Fatal(err)
	}
	stored, _ := json.Marshal(r)
	var back health.Result
	if err := json.Unmarshal(stored, &back); err != nil {
		log.Fatal(err)
	}
	fmt.Println(back.VetoNames())
	if err := s.Attach(&back); err != nil {
		log.Fatal(err)
	}
	fmt.Println(back.VetoNames())
	// Output:
	// []
	// [usage collapse]
}

func TestAttach(t *testing.T) {
	s, err := health.Compile(health.SampleConfig())
	if err != nil {
		t.Fatal(err)
	}
	c := account("acme", 0.05, 2)
	r, err := s.Score(&c, asOf)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(r)
	var back health.Result
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if err := s.Attach(&back); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Reasons(), r.Reasons()) || !slices.Equal(back.VetoNames(), r.VetoNames()) {
		t.Errorf("attached result explains %q %q, the original %q %q", back.Reasons(), back.VetoNames(), r.Reasons(), r.VetoNames())
	}
	for _, tc := range []struct {
		why    string
		change func(*health.Result)
	}{
		{"another configuration", func(r *health.Result) { r.Fingerprint = "sha256:0" }},
		{"a profile the configuration lacks", func(r *health.Result) { r.Profile = "nope" }},
	} {
		x := back
		tc.change(&x)
		if err := s.Attach(&x); !errors.Is(err, health.ErrInvalidConfig) {
			t.Errorf("%s: Attach = %v, want ErrInvalidConfig", tc.why, err)
		}
	}
}
