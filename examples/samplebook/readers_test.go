package samplebook_test

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"github.com/successkit/cs"
	"github.com/successkit/cs/effort"
	"github.com/successkit/cs/examples/samplebook"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/retention"
)

func csvOf(t *testing.T, b *samplebook.Book, file string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := b.WriteCSV(&buf, file); err != nil {
		t.Fatalf("WriteCSV(%s) = %v", file, err)
	}
	return buf.Bytes()
}

var moneyEqual = cmp.Comparer(func(a, b cs.Money) bool { return a.Equal(b) })

// TestFilesPassTheReaders reads every file of the default book back with the reader
// the module has for it: no line is refused, and customers come back equal.
func TestFilesPassTheReaders(t *testing.T) {
	b := samplebook.MustGenerate(samplebook.Config{})

	var got []cs.Customer
	for c, err := range cs.ReadCustomersCSV(bytes.NewReader(csvOf(t, b, samplebook.CustomersFile)), samplebook.CustomersFile) {
		if err != nil {
			t.Fatalf("cs.ReadCustomersCSV: %v", err)
		}
		got = append(got, c)
	}
	if diff := cmp.Diff(b.Customers, got, moneyEqual); diff != "" {
		t.Errorf("customers.csv read back differs (-want +got):\n%s", diff)
	}

	opt := cs.CSVOptions{Extra: []string{"as_of"}, AllowDuplicateIDs: true}
	n := 0
	for rec, err := range opt.ReadCSV(bytes.NewReader(csvOf(t, b, samplebook.SnapshotsFile)), samplebook.SnapshotsFile) {
		if err != nil {
			t.Fatalf("snapshots.csv: %v", err)
		}
		want := b.Snapshots[n]
		if rec.Extra[0] != want.AsOf.String() || rec.Customer.ID != want.Customer.ID || !rec.Customer.MRR.Equal(want.Customer.MRR) {
			t.Fatalf("snapshots.csv line %d: %s %s, want %s %s", rec.Line, rec.Extra[0], rec.Customer.ID, want.AsOf, want.Customer.ID)
		}
		n++
	}
	if n != len(b.Snapshots) {
		t.Errorf("snapshots.csv: %d rows read, want %d", n, len(b.Snapshots))
	}

	batch, err := effort.LoadBatch(bytes.NewReader(csvOf(t, b, samplebook.ContactsFile)), samplebook.ContactsFile,
		bytes.NewReader(csvOf(t, b, samplebook.CaseEventsFile)), samplebook.CaseEventsFile)
	if err != nil || batch == nil {
		t.Errorf("effort.LoadBatch: %v", err)
	}
	rs, err := effort.ReadResponses(bytes.NewReader(csvOf(t, b, samplebook.SurveysFile)), samplebook.SurveysFile)
	if err != nil || len(rs) != len(b.Surveys) {
		t.Errorf("effort.ReadResponses: %d responses (want %d), error %v", len(rs), len(b.Surveys), err)
	}

	// The retention book takes one reporting currency: convert EUR and JPY at a
	// constant rate every month of the history.
	var rates []retention.Rate
	first := retention.MonthOf(b.Config.AsOf) - retention.Month(b.Config.Months-1)
	for m := first; m <= retention.MonthOf(b.Config.AsOf); m++ {
		rates = append(rates, retention.Rate{From: "EUR", Month: m, Rate: decimal.RequireFromString("1.08")},
			retention.Rate{From: "JPY", Month: m, Rate: decimal.RequireFromString("0.0067")})
	}
	book, err := retention.ReadBook(bytes.NewReader(csvOf(t, b, samplebook.MRRFile)), samplebook.MRRFile, retention.Options{Currency: "USD", Rates: rates})
	if err != nil {
		t.Fatalf("retention.ReadBook: %v", err)
	}
	if err := book.Err(); err != nil {
		t.Errorf("retention.ReadBook: %d bad records: %v", book.Bad(), err)
	}

	var outs []health.Outcome
	var outErrs []error
	for o, err := range health.ReadOutcomes(bytes.NewReader(csvOf(t, b, samplebook.OutcomesFile)), samplebook.OutcomesFile) {
		if err != nil {
			outErrs = append(outErrs, err)
			continue
		}
		outs = append(outs, o)
	}
	if len(outErrs) > 0 || len(outs) != len(b.Outcomes) {
		t.Errorf("health.ReadOutcomes: %d outcomes (want %d), errors %v", len(outs), len(b.Outcomes), outErrs)
	}
	for i, o := range outs {
		if o.ID != b.Outcomes[i].ID || o.Churned != b.Outcomes[i].Churned || o.Date != b.Outcomes[i].Date {
			t.Fatalf("outcomes.csv row %d = %+v, want %+v", i, o, b.Outcomes[i])
		}
	}
}
