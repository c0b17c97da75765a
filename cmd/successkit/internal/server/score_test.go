package server

import (
	"encoding/json"
	"strings"
	"testing"
)

const oneCustomer = `{"id":"C00001","name":"Lumen","segment":"smb","stage":"adoption","mrr":"2059.00 USD","signals":{"days_since_login":0,"feature_adoption":0.7,"logins_30d":969,"nps":7,"seat_utilization":0.817,"tickets_90d":0,"usage":0.928,"usage_trend":0.004}}`

func TestScoreOne(t *testing.T) {
	e := newEnv(t, Limits{})
	a := do(t, "POST", e.URL+"/v1/score", e.read, "application/json", []byte(`{"as_of":"2026-06-30","customer":`+oneCustomer+`}`))
	if a.status != 200 {
		t.Fatalf("%d %s", a.status, a.body)
	}
	var r map[string]any
	if err := json.Unmarshal(a.body, &r); err != nil {
		t.Fatal(err)
	}
	if r["customer_id"] != "C00001" || r["grade"] == "" {
		t.Fatalf("%s", a.body)
	}
}

// TestScoreBatchErrors: each bad customer gets its own entry with its index
// and JSON path, whether the fast path or the strict decoder finds it; the
// others are scored.
func TestScoreBatchErrors(t *testing.T) {
	e := newEnv(t, Limits{})
	body := `{"as_of":"2026-06-30","customers":[` + oneCustomer + `,{"id":"C2","signals":{"usage":"high"}},{"id":"C3","signals":{"usage":0.5,"usage":0.6}},` +
		`{"id":"C4","mrr":"12,00 USD"},{"":"","":{}},` + strings.Replace(oneCustomer, "C00001", "C00005", 1) + `]}`
	for _, b := range []string{body, strings.Replace(body, `"as_of"`, ` "as_of"`, 1) + " "} {
		var got struct {
			Results []struct {
				Index      int    `json:"index"`
				CustomerID string `json:"customer_id"`
			} `json:"results"`
			Errors []struct {
				Index  int            `json:"index"`
				Errors []ProblemField `json:"errors"`
			} `json:"errors"`
		}
		a := do(t, "POST", e.URL+"/v1/score/batch", e.read, "application/json", []byte(b))
		if a.status != 200 || json.Unmarshal(a.body, &got) != nil {
			t.Fatalf("%d %s", a.status, a.body)
		}
		if len(got.Results) != 2 || got.Results[0].Index != 0 || got.Results[1].Index != 5 || got.Results[1].CustomerID != "C00005" {
			t.Fatalf("results %+v", got.Results)
		}
		wantPath := map[int]string{1: "customers[1].signals.usage", 2: "customers[2].signals.usage", 3: "customers[3].mrr", 4: "customers[4]"}
		if len(got.Errors) != 4 {
			t.Fatalf("errors %+v", got.Errors)
		}
		for _, e := range got.Errors {
			if !strings.HasPrefix(e.Errors[0].Path, wantPath[e.Index]) {
				t.Errorf("entry %d: %+v, want path %s", e.Index, e.Errors, wantPath[e.Index])
			}
		}
	}
}
