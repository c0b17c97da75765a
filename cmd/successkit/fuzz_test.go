package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/successkit/cs"
	"github.com/successkit/cs/internal/csio"
	"github.com/successkit/cs/playbook"
)

// FuzzMapping reads any customer file through any mapping: it never panics,
// a customer it delivers is valid, and every error is located (a
// *cs.FieldError naming the file) and short.
func FuzzMapping(f *testing.F) {
	mapping, err := os.ReadFile("testdata/scenario/mapping.json")
	if err != nil {
		f.Fatal(err)
	}
	data, err := os.ReadFile("testdata/scenario/accounts_2026-06-09.csv")
	if err != nil {
		f.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	f.Add(mapping, []byte(strings.Join(lines[:4], "")))
	f.Add([]byte(`{"columns": {"id": "a"}, "stages": {"x": "churned"}, "values": {"a": {"1": ""}}}`), []byte("a,b\n1,2\n\"3\",\"4\n"))
	f.Add([]byte(`{"columns": {"id": "id", "mrr": "m"}, "currency": "EUR", "signals": {"s": "m"}, "scale": {"s": 1e308}}`), []byte("id,m\nc1,12,5\nc2,1e400\n"))
	f.Fuzz(func(t *testing.T, mappingJSON, file []byte) {
		path := filepath.Join(t.TempDir(), "m.json")
		if err := os.WriteFile(path, mappingJSON, 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := loadMapping(path)
		if err != nil {
			if len(err.Error()) > 4096 {
				t.Errorf("a mapping error of %d bytes", len(err.Error()))
			}
			return
		}
		n := 0
		for c, err := range m.Read(strings.NewReader(string(file)), "x.csv") {
			if n++; n > 10000 {
				t.Fatal("more records than lines")
			}
			if err != nil {
				var fe *cs.FieldError
				if !errors.As(err, &fe) || !strings.Contains(err.Error(), "x.csv") {
					t.Errorf("unlocated error %T: %v", err, err)
				}
				if len(err.Error()) > 4096 {
					t.Errorf("an error of %d bytes", len(err.Error()))
				}
				continue
			}
			if err := c.Validate(); err != nil {
				t.Errorf("delivered an invalid customer %+v: %v", c, err)
			}
		}
	})
}

// FuzzCapacity decodes any capacity file with the strict decoder run uses.
func FuzzCapacity(f *testing.F) {
	f.Add(defaultCapacity)
	f.Add([]byte(`{"csm": {"hours": 1e400}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var c map[string]playbook.Capacity
		if err := csio.DecodeJSON(data, &c); err != nil && len(err.Error()) > 4096 {
			t.Errorf("an error of %d bytes", len(err.Error()))
		}
	})
}
