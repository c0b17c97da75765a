package effort

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
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
