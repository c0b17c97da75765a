package server

import (
	"encoding/json"
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
	t.Logf("%s", a.body)
}

func TestScoreBatchErrors(t *testing.T) {
	e := newEnv(t, Limits{})
	body := `{"as_of":"2026-06-30","customers":[` + oneCustomer + `,{"id":"C2","signals":{"usage":"high"}},{"id":"C3","signals":{"usage":0.5,"usage":0.6}},{"id":"C4","mrr":"12,00 USD"},` + oneCustomer + `]}`
	a := do(t, "POST", e.URL+"/v1/score/batch", e.read, "application/json", []byte(body))
	t.Logf("%d %s", a.status, a.body)
}
