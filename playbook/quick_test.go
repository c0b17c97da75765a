package playbook

import "testing"

func TestDefaultParses(t *testing.T) {
	pb, err := Parse(defaultJSON)
	if err != nil {
		t.Fatal(err)
	}
	if len(pb.plays) != 8 {
		t.Fatalf("plays = %d", len(pb.plays))
	}
}
