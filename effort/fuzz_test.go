package effort

import (
	"encoding"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	cs "github.com/successkit/cs"
)

// decodeBook turns fuzz bytes into records, four bytes each: record kind (contact or
// one of the case events), case, hours before now (a few after it) and channel/flags.
func decodeBook(data []byte) ([]Contact, []CaseEvent) {
	var cts []Contact
	var evs []CaseEvent
	for i := 0; i+4 <= len(data); i += 4 {
		k, c, h, f := data[i], data[i+1]%7, data[i+2], data[i+3]
		caseID, cust := fmt.Sprintf("K%d", c), fmt.Sprintf("C%d", c%3)
		tm := propNow.Add(time.Duration(int(h)-250) * time.Hour)
		if k%4 == 0 {
			evs = append(evs, CaseEvent{CaseID: caseID, CustomerID: cust, Kind: EventKind(1 + f%3), Time: tm})
			continue
		}
		cts = append(cts, Contact{ID: fmt.Sprintf("m%d", k%16), CustomerID: cust, CaseID: caseID, Time: tm,
			Channel: Channel(1 + f%5), RepeatedInfo: f&8 != 0, GenericAnswer: f&16 != 0, Transferred: f&32 != 0})
	}
	return cts, evs
}

// FuzzAnalyze reuses the properties as a fuzz target for the event decoder: any
// sequence of records yields scores within bounds and the same report in reverse order.
func FuzzAnalyze(f *testing.F) {
	f.Add([]byte{0, 1, 10, 0, 1, 1, 11, 1, 2, 1, 12, 36, 4, 1, 30, 1, 8, 1, 40, 2, 5, 2, 20, 4})
	f.Add([]byte{0, 0, 255, 0, 3, 0, 254, 0, 4, 0, 253, 1, 9, 3, 1, 0})
	m, _ := NewModel(Config{})
	f.Fuzz(func(t *testing.T, data []byte) {
		cts, evs := decodeBook(data)
		r := m.AnalyzeAt(load(t, cts, evs), propNow)
		for i := range r.NumCases() {
			if s := r.Case(i).Score; !(s >= 0 && s <= 100) {
				t.Fatalf("score %v", s)
			}
		}
		slices.Reverse(cts)
		slices.Reverse(evs)
		if diff := cmp.Diff(snap(r), snap(m.AnalyzeAt(load(t, cts, evs), propNow))); diff != "" {
			t.Fatalf("reversed input changed the report (-want +got):\n%s", diff)
		}
	})
}

// FuzzWords checks the text decoders of the enums on any input: an error is a
// short *cs.FieldError with the package prefix, and an accepted word encodes back
// to itself.
func FuzzWords(f *testing.F) {
	for _, s := range []string{"phone", "self_service", "opened", "ces2", "nps", "repeat_contact", "", "fax"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var c Channel
		var k EventKind
		var sc Scale
		var d DriverKind
		for _, x := range []interface {
			encoding.TextMarshaler
			encoding.TextUnmarshaler
		}{&c, &k, &sc, &d} {
			if err := x.UnmarshalText([]byte(s)); err != nil {
				var fe *cs.FieldError
				if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), "effort: ") || len(err.Error()) > 512 {
					t.Fatalf("%T.UnmarshalText(%q): error %q", x, s, err)
				}
				continue
			}
			if b, err := x.MarshalText(); err != nil || string(b) != s {
				t.Fatalf("%T.UnmarshalText(%q) encodes as %q (%v)", x, s, b, err)
			}
		}
	})
}
