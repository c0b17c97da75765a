package server

import (
	"encoding/json"
	"runtime"
	"strconv"
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

// batchAnswer posts a batch body and returns the answer's status and body.
func batchAnswer(t *testing.T, e *env, explain string, body []byte) string {
	t.Helper()
	a := do(t, "POST", e.URL+"/v1/score/batch?explain="+explain, e.read, "application/json", body)
	return strconv.Itoa(a.status) + " " + string(a.body)
}

// TestScoreBatchOnePass: a body scored in one pass, cut into runs of
// customers for many workers, gets the answer, byte for byte, of the same
// customers split first (the date after the customers sends the body that
// way), with good and bad customers, customers for the strict decoder and
// names that look like a cut on either side of the cuts.
func TestScoreBatchOnePass(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8))
	defer func(n int) { plainRunBytes = n }(plainRunBytes)
	e := newEnv(t, Limits{})
	var parts []string
	for i, c := range sampleCustomers(t, 200) {
		b, _ := json.Marshal(&c)
		switch s := string(b); i % 7 {
		case 1:
			parts = append(parts, strings.TrimSuffix(s, `"}}`)+`},{x"}}`)
		case 3:
			parts = append(parts, strings.Replace(s, `"signals":{`, `"signals":{"usage":"high",`, 1))
		case 4:
			parts = append(parts, strings.Replace(s, `"name":"`, `"name":"},{é} , {`, 1))
		case 5:
			parts = append(parts, strings.Replace(s, `"id":"`, `"x":{"y":1},"id":"`, 1))
		case 6:
			parts = append(parts, strings.Replace(s, `"stage":"`, `"stage":"adoption","stage":"`, 1))
		default:
			parts = append(parts, s)
		}
	}
	customers := `"customers":[` + strings.Join(parts, ",\n ") + `]`
	onePass := []byte(`{"as_of":"2026-06-30",` + customers + `}`)
	if _, _, ok := batchHead(onePass); !ok {
		t.Fatal("batchHead refused the one-pass body")
	}
	split := []byte(`{` + customers + `,"as_of":"2026-06-30"}`)
	for _, explain := range []string{"full", "reasons"} {
		want := batchAnswer(t, e, explain, split)
		if !strings.HasPrefix(want, "200 ") {
			t.Fatal(want)
		}
		for _, procs := range []int{1, 2, 3, 5, 8, 13} {
			runtime.GOMAXPROCS(procs)
			for _, n := range []int{4 << 10, 1} {
				plainRunBytes = n
				if got := batchAnswer(t, e, explain, onePass); got != want {
					t.Fatalf("explain=%s, %d procs, runs of %d bytes: one pass differs from split first:\n%.300s\n%.300s",
						explain, procs, n, got, want)
				}
			}
		}
	}
}
