package server

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/successkit/cs"
	"github.com/successkit/cs/examples/samplebook"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/internal/csio"
	"github.com/successkit/cs/internal/errs"
)

// strictCustomer is the reference: the library's strict decoder.
func strictCustomer(b []byte) (cs.Customer, error) {
	var c cs.Customer
	err := c.UnmarshalJSON(b)
	return c, err
}

// sameCustomer compares customers, an empty map equal to none (the fast
// path reuses its maps).
func sameCustomer(a, b cs.Customer) bool {
	if len(a.Signals) == 0 && len(b.Signals) == 0 {
		a.Signals, b.Signals = nil, nil
	}
	if len(a.Attributes) == 0 && len(b.Attributes) == 0 {
		a.Attributes, b.Attributes = nil, nil
	}
	return reflect.DeepEqual(a, b)
}

// checkPlain asserts that the fast path, when it accepts b, decodes the
// customer the strict decoder does, and never accepts what the strict one
// refuses.
func checkPlain(t *testing.T, b []byte) {
	t.Helper()
	var fast cs.Customer
	ok := plainCustomer(b, &fast, map[string]string{})
	strict, err := strictCustomer(b)
	if ok && err != nil {
		t.Fatalf("fast path accepted %q, the strict decoder refused it: %v", b, err)
	}
	if ok {
		if err := fast.Validate(); err != nil {
			t.Fatalf("fast path accepted %q, which Validate refuses: %v", b, err)
		}
	}
	if ok && !sameCustomer(fast, strict) {
		t.Fatalf("%q: fast %+v, strict %+v", b, fast, strict)
	}
}

func sampleCustomers(t testing.TB, n int) []cs.Customer {
	return samplebook.MustGenerate(samplebook.Config{Customers: n}).Customers
}

func TestPlainCustomerSample(t *testing.T) {
	for _, c := range sampleCustomers(t, 300) {
		b, err := json.Marshal(&c)
		if err != nil {
			t.Fatal(err)
		}
		var fast cs.Customer
		if !plainCustomer(b, &fast, map[string]string{}) {
			t.Fatalf("the fast path refused a plain customer %s", b)
		}
		checkPlain(t, b)
	}
}

func TestPlainCustomerOdd(t *testing.T) {
	for _, s := range []string{
		`{"id":"a"}`, `{"id":""}`, `{}`, `{"id":"a","id":"b"}`, `{"id":"a","x":1}`,
		`{"id":"a\u0000"}`, `{"id":"a\nb"}`, `{"id":"a","signals":{"u":1,"u":2}}`,
		`{"id":"a","signals":{"u":-0}}`, `{"id":"a","signals":{"u":1e400}}`, `{"id":"a","signals":{"u":01}}`,
		`{"id":"a","signals":{"u":1.}}`, `{"id":"a","signals":{"u":.5}}`, `{"id":"a","signals":{"u":-1.5e-7}}`,
		`{"id":"a","signals":{"u":null}}`, `{"id":"a","signals":{"":1}}`, `{"id":"a","attributes":{"p":""}}`,
		`{"id":"a","attributes":{"p":"x","p":"y"}}`, `{"id":"a","mrr":"-1.00 USD"}`, `{"id":"a","mrr":"1.00 XXX"}`,
		`{"id":"a","stage":"nope"}`, `{"id":"a","contract_start":"2026-02-01","renewal_date":"2026-01-01"}`,
		`{"id":"a"} x`, `{"id":"a",}`, `{"id" : "a" , "name" : "b" }`, ` {"id":"a"} `, "\ufeff{\"id\":\"a\"}",
		`{"id":"\xff"}`, `{"id":"é","name":"Ünïcode"}`, `{"id":"a","signals":{"u":123456789012345678}}`,
		`{"id":"a","signals":{"u":-123456789012345}}`, `{"id":"a","signals":{}}`, `{"id":"a","attributes":{}}`,
		`[]`, `"a"`, `null`, ``, `{"id":"a","signals":{"u":true}}`, `{"id":"a","name":null}`,
		`{"id":"a","renewal_date":"2028-02-29"}`, `{"id":"a","renewal_date":"2026-02-29"}`, `{"id":"a","renewal_date":"0000-01-01"}`,
		`{"id":"a","renewal_date":"2026-1-011"}`, `{"id":"a","renewal_date":"+026-01-01"}`, `{"id":"a","renewal_date":"2026-13-01"}`,
		`{"id":"a","renewal_date":"2026/01/01"}`, `{"id":"a","renewal_date":""}`, `{"id":"a","stage":"Adoption"}`,
	} {
		checkPlain(t, []byte(s))
	}
}

func FuzzPlainCustomer(f *testing.F) {
	for _, c := range sampleCustomers(f, 20) {
		b, _ := json.Marshal(&c)
		f.Add(b)
	}
	f.Add([]byte(`{"id":"a","signals":{"u":1,"u":2}}`))
	f.Fuzz(func(t *testing.T, b []byte) { checkPlain(t, b) })
}

// TestSplitBatch checks the fast envelope against the strict one.
func TestSplitBatch(t *testing.T) {
	for _, s := range []string{
		`{"as_of":"2026-06-30","customers":[{"id":"a"},{"id":"b","signals":{"u":1}}]}`,
		`{"customers":[],"as_of":"2026-06-30"}`, `{"customers":[]}`, `{"as_of":"2026-06-30"}`,
		`{"customers":[{"id":"a"}],"customers":[]}`, `{"customers":[{"id":"a"}],"x":1}`,
		`{"customers":[{"id":"a","s":{"t":{"u":1}}}]}`, `{"customers":[[]]}`, `{"customers":[{"id":"a"},]}`,
		`{"customers":[{"id":"a"}]} `, `{"customers":[{"id":"a"}]}x`, `{"as_of":"30/06/2026","customers":[]}`,
	} {
		asOf, raws, ok := splitBatch([]byte(s))
		if !ok {
			continue
		}
		var req batchRequest
		var list errs.List
		decodeEnvelope(&list, []byte(s), &req)
		if _, rest := elementErrors(list.Errs(), "customers"); len(rest) > 0 {
			t.Fatalf("%s: fast split accepted, strict refused: %v", s, list.Err())
		}
		if asOf != req.AsOf || len(raws) != len(req.Customers) {
			t.Fatalf("%s: fast %v %q, strict %v %q", s, asOf, raws, req.AsOf, req.Customers)
		}
		for i := range raws {
			if !bytes.Equal(raws[i], req.Customers[i]) {
				t.Fatalf("%s: element %d: %q vs %q", s, i, raws[i], req.Customers[i])
			}
		}
	}
}

// TestAppendResult checks the hand-written encoder against encoding/json on
// every result of a sample book and on results with odd strings.
func TestAppendResult(t *testing.T) {
	sc, err := health.Compile(health.SampleConfig())
	if err != nil {
		t.Fatal(err)
	}
	asOf := cs.MustParseDate("2026-06-30")
	var fc floatCache
	custs := sampleCustomers(t, 500)
	custs = append(custs, cs.Customer{ID: `odd "quoted" <id> \ é`}, cs.Customer{ID: "nosignals"})
	for i := range custs {
		ov := []health.Override(nil)
		if i%7 == 0 {
			ov = []health.Override{{Points: 12.5, Reason: "call", Author: "ann", SetAt: asOf.AddDays(-1), Expires: asOf.AddDays(9)},
				{Measure: "nps", Points: 1e-7, Reason: "r\u2028", Author: "bob", SetAt: asOf.AddDays(-1), Expires: asOf.AddDays(9)}}
		}
		r, err := sc.Score(&custs[i], asOf, ov...)
		if err != nil {
			continue
		}
		if i%3 == 0 { // as a calibrated profile gives it
			r.Churn = health.ChurnProbability{HorizonDays: 180, P: 0.31, Low: 0.26, High: 1e-7}
		}
		for _, idx := range []int{-1, i} {
			full := idx < 0 || i%2 == 0
			got, err := appendResult(nil, idx, &r, &fc, full)
			if err != nil {
				t.Fatal(err)
			}
			v := apiResultOf(idx, &r, r.Reasons(), full)
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(false)
			enc.Encode(v)
			if w := strings.TrimSuffix(want.String(), "\n"); string(got) != w {
				t.Fatalf("customer %d:\n got %s\nwant %s", i, got, w)
			}
		}
	}
}

func TestAppendFloat(t *testing.T) {
	for _, f := range []float64{0, 1, -1, 100, 0.5, 1e-7, -1e-7, 1e21, 1e20, 123456789012345, 1e15, 1e16, 0.1 + 0.2, 75.99999999999999, 5e-324} {
		want, _ := json.Marshal(f)
		if got := appendFloat(nil, f); string(got) != string(want) {
			t.Errorf("%v: got %s, want %s", f, got, want)
		}
		var fc floatCache
		fc.append(nil, f)
		if got := fc.append(nil, f); string(got) != string(want) {
			t.Errorf("cached %v: got %s, want %s", f, got, want)
		}
	}
}

func TestSplitScore(t *testing.T) {
	for _, s := range []string{
		`{"as_of":"2026-06-30","customer":{"id":"a"}}`, `{"customer":{"id":"a"},"as_of":"2026-06-30"}`, `{"customer":{"id":"a"}}`,
		`{"customer":{"id":"a"},"customer":{"id":"b"}}`, `{"customer":{"id":"a"},"x":1}`, `{"as_of":"2026-06-30"}`,
		`{"customer":[]}`, `{"customer":{"id":"a"}} x`, `{"as_of":"2026-6-30","customer":{"id":"a"}}`,
	} {
		asOf, raw, ok := splitScore([]byte(s))
		if !ok {
			continue
		}
		var req scoreRequest
		if err := csio.DecodeJSON([]byte(s), &req); err != nil {
			t.Fatalf("%s: fast split accepted, strict refused: %v", s, err)
		}
		if asOf != req.AsOf || !bytes.Equal(raw, req.Customer) {
			t.Fatalf("%s: fast %v %s, strict %v %s", s, asOf, raw, req.AsOf, req.Customer)
		}
	}
}

// TestAPIResultHasEveryField: apiResult lists every JSON field of
// health.Result, so a field added to the library reaches the API (and the
// OpenAPI test then asks for its documentation).
func TestAPIResultHasEveryField(t *testing.T) {
	have := map[string]bool{}
	at := reflect.TypeFor[apiResult]()
	for i := range at.NumField() {
		name, _, _ := strings.Cut(at.Field(i).Tag.Get("json"), ",")
		have[name] = true
	}
	rt := reflect.TypeFor[health.Result]()
	for i := range rt.NumField() {
		f := rt.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if !have[name] {
			t.Errorf("health.Result's field %s (%q) is not in apiResult", f.Name, name)
		}
	}
}
