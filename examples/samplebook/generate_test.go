package samplebook

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/successkit/cs"
)

func writeAll(t *testing.T, b *Book) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, f := range Files() {
		var buf bytes.Buffer
		if err := b.WriteCSV(&buf, f); err != nil {
			t.Fatalf("WriteCSV(%s) = %v", f, err)
		}
		out[f] = buf.Bytes()
	}
	return out
}

func smallConfig(seed uint64) Config {
	return Config{Customers: 150, Months: 12, Seed: seed}
}

func TestDeterministic(t *testing.T) {
	// The same seed gives the same bytes in every file. The default book is
	// generated a second time from the explicit defaults, which also checks that
	// the zero Config (seed 0 included) is the default book.
	explicit := Config{Customers: DefaultCustomers, Months: DefaultMonths, Seed: DefaultSeed, AsOf: DefaultAsOf, HorizonMonths: DefaultHorizonMonths}
	for _, pair := range [][2]*Book{
		{defaultBook, MustGenerate(explicit)},
		{MustGenerate(smallConfig(7)), MustGenerate(smallConfig(7))},
	} {
		a, b := writeAll(t, pair[0]), writeAll(t, pair[1])
		for _, f := range Files() {
			if !bytes.Equal(a[f], b[f]) {
				t.Errorf("config %+v: %s differs between two generations", pair[1].Config, f)
			}
			if len(a[f]) == 0 || bytes.Count(a[f], []byte("\n")) < 2 {
				t.Errorf("config %+v: %s has no rows", pair[1].Config, f)
			}
		}
	}
}

func TestSeedsDiffer(t *testing.T) {
	a, b := writeAll(t, MustGenerate(smallConfig(1))), writeAll(t, MustGenerate(smallConfig(2)))
	for _, f := range Files() {
		if bytes.Equal(a[f], b[f]) {
			t.Errorf("%s is the same for seeds 1 and 2", f)
		}
	}
}

func TestPrefixStable(t *testing.T) {
	// Each customer has its own random stream: more customers leave the first ones
	// as they were.
	small := MustGenerate(smallConfig(3))
	big := MustGenerate(Config{Customers: 300, Months: 12, Seed: 3})
	for i, c := range small.Customers {
		if big.Customers[i].ID != c.ID || !big.Customers[i].MRR.Equal(c.MRR) || big.Customers[i].Signals["usage"] != c.Signals["usage"] {
			t.Fatalf("customer %s differs when the book is larger", c.ID)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	nan := DefaultHazard()
	nan.Usage = math.NaN()
	huge := DefaultHazard()
	huge.Base = 1e9
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Customers: -1}, "samplebook: customers -1"},
		{Config{Months: 241}, "samplebook: months 241"},
		{Config{HorizonMonths: -2}, "samplebook: horizon_months -2"},
		{Config{AsOf: cs.NewDate(2026, 2, 30)}, "samplebook: as_of 2026-02-30"},
		{Config{Hazard: &nan}, "samplebook: hazard.usage NaN"},
		{Config{Hazard: &huge}, "samplebook: hazard.base 1e+09: want a coefficient within ±1000"},
	} {
		_, err := Generate(tc.cfg)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("Generate(%+v) = %v, want an error starting %q", tc.cfg, err, tc.want)
		}
	}
	var buf bytes.Buffer
	if err := defaultBook.WriteCSV(&buf, "nope.csv"); err == nil || !strings.Contains(err.Error(), `"nope.csv"`) {
		t.Errorf("WriteCSV(nope.csv) = %v, want an error naming the file", err)
	}
	_, err := Generate(Config{AsOf: cs.NewDate(2026, 13, 1)})
	if !errors.Is(err, cs.ErrInvalidDate) {
		t.Errorf("Generate(month 13) = %v, want cs.ErrInvalidDate", err)
	}
}
