package server

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/successkit/cs"
)

// stageBook uploads the fixture book's week at d: customers as CSV or JSON,
// the other files as CSV.
func stageBook(t testing.TB, e *env, d cs.Date, customersJSON bool) {
	t.Helper()
	b := fixtureBook()
	var custs []cs.Customer
	for _, s := range b.Snapshots {
		if s.AsOf == d {
			custs = append(custs, s.Customer)
		}
	}
	var body bytes.Buffer
	ct := "text/csv"
	if customersJSON {
		json.NewEncoder(&body).Encode(custs)
		ct = "application/json"
	} else if err := cs.WriteCustomersCSV(&body, custs); err != nil {
		t.Fatal(err)
	}
	if a := do(t, "PUT", e.URL+"/v1/inputs/"+d.String()+"/customers", e.write, ct, body.Bytes()); a.status != 201 {
		t.Fatalf("customers: %d %s", a.status, a.body)
	}
	for _, k := range []string{"contacts", "case_events", "surveys", "mrr"} {
		var buf bytes.Buffer
		if err := b.WriteCSV(&buf, k+".csv"); err != nil {
			t.Fatal(err)
		}
		if a := do(t, "PUT", e.URL+"/v1/inputs/"+d.String()+"/"+k, e.write, "text/csv", buf.Bytes()); a.status != 201 {
			t.Fatalf("%s: %d %s", k, a.status, a.body)
		}
	}
}

func TestIngestAndRun(t *testing.T) {
	e := newEnv(t, Limits{})
	dates := monthEnds(2)
	stageBook(t, e, dates[0], false)
	stageBook(t, e, dates[1], true)
	ls := decode[listBody](t, do(t, "GET", e.URL+"/v1/inputs/"+dates[1].String(), e.read, "", nil))
	if len(ls.Items) != 5 || ls.Items[0]["file"] != "customers.jsonl" {
		t.Fatalf("%v", ls)
	}
	wantProblem(t, do(t, "POST", e.URL+"/v1/runs", e.read, "application/json", []byte(`{"as_of":"`+dates[0].String()+`"}`)), 403, "forbidden")
	for _, d := range dates {
		a := do(t, "POST", e.URL+"/v1/runs", e.write, "application/json", []byte(`{"as_of":"`+d.String()+`"}`))
		run := decode[map[string]any](t, a)
		if a.status != 201 || run["by"] != "writer" || run["report"] == nil {
			t.Fatalf("%d %v", a.status, run)
		}
	}
	// A run before the latest needs rewrite.
	p := wantProblem(t, do(t, "POST", e.URL+"/v1/runs", e.write, "application/json", []byte(`{"as_of":"`+dates[0].String()+`"}`)), 409, "conflict")
	if !strings.Contains(p.Detail, "rewrite") {
		t.Fatalf("%+v", p)
	}
	// No customers staged.
	wantProblem(t, do(t, "POST", e.URL+"/v1/runs", e.write, "application/json", []byte(`{"as_of":"2030-01-01"}`)), 400, "invalid-body")
	runs := decode[listBody](t, do(t, "GET", e.URL+"/v1/runs", e.read, "", nil))
	if len(runs.Items) != 2 {
		t.Fatalf("%v", runs)
	}
	ret := decode[map[string]any](t, do(t, "GET", e.URL+"/v1/retention?from=2025-06&to=2026-04", e.read, "", nil))
	per, _ := ret["period"].(map[string]any)
	if ret["source"] != "mrr" || per == nil || per["grr"] == "" || len(ret["monthly"].([]any)) == 0 {
		t.Fatalf("%v", ret)
	}
	t.Logf("retention %v", per)
	wantProblem(t, do(t, "GET", e.URL+"/v1/retention?from=June", e.read, "", nil), 400, "invalid-parameter")
}

func TestIngestRefusesBadRecords(t *testing.T) {
	e := newEnv(t, Limits{})
	for _, tc := range []struct {
		kind, ct, body, path string
	}{
		{"customers", "text/csv", "id,mrr,currency\nc1,12.00,USD\nc2,\"12,00\",USD\n", "mrr"},
		{"customers", "application/json", `[{"id":"c1"},{"id":"c2","signals":{"usage":"x"}}]`, "[1].signals.usage"},
		{"customers", "application/json", `[{"id":"c1"},{"id":"c1"}]`, "[1].id"},
		{"customers", "application/json", `[{"id":"c1","id":"c2"}]`, "[0].id"},
		{"contacts", "application/json", `[{"contact_id":"x","customer_id":"c1","case_id":"k","time":"yesterday","channel":"email"}]`, "time"},
		{"mrr", "application/json", `[{"customer_id":"c1","subscription_id":"s","month":"2026-13","mrr":"1","currency":"USD","extra":1}]`, "[0].extra"},
		{"mrr", "text/csv", "customer_id,subscription_id,month,mrr\n", ""},
		{"mrr", "text/csv", "customer_id,subscription_id,month,mrr,currency\nc1,s1,2026-06,1.00,USD\nc1,s1,June,1.00,USD\n", ""},
		{"surveys", "text/csv", "who,when\n", ""},
	} {
		a := do(t, "PUT", e.URL+"/v1/inputs/2026-06-30/"+tc.kind, e.write, tc.ct, []byte(tc.body))
		p := wantProblem(t, a, 400, "invalid-body")
		if tc.path != "" && !hasPathSuffix(p, tc.path) {
			t.Errorf("%s %s: errors %+v do not name %s", tc.kind, tc.body, p.Errors, tc.path)
		}
	}
	ls := decode[listBody](t, do(t, "GET", e.URL+"/v1/inputs/2026-06-30", e.read, "", nil))
	if len(ls.Items) != 0 {
		t.Fatalf("refused uploads were staged: %v", ls)
	}
	wantProblem(t, do(t, "PUT", e.URL+"/v1/inputs/2026-06-30/..%2F..%2Fetc", e.write, "text/csv", []byte("x\n")), 400, "invalid-parameter")
	wantProblem(t, do(t, "PUT", e.URL+"/v1/inputs/..%2F2026-06-30/customers", e.write, "text/csv", []byte("id\nc1\n")), 400, "invalid-parameter")
	wantProblem(t, do(t, "PUT", e.URL+"/v1/inputs/2026-06-30/customers", e.write, "application/xml", []byte("<a/>")), 415, "unsupported-media-type")
}

func hasPathSuffix(p Problem, path string) bool {
	for _, e := range p.Errors {
		if strings.HasSuffix(e.Path, path) || strings.Contains(e.Path, path) {
			return true
		}
	}
	return false
}
