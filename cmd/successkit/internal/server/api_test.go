package server

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// populated is a server on a store holding three monthly runs of the
// fixture book.
func populated(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, Limits{})
	populate(t, e.st, 3)
	return e
}

func decode[T any](t testing.TB, a answer) T {
	t.Helper()
	if a.status/100 != 2 {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	var v T
	if err := json.Unmarshal(a.body, &v); err != nil {
		t.Fatalf("%v: %s", err, a.body)
	}
	return v
}

type listBody struct {
	Items      []map[string]any `json:"items"`
	NextCursor string           `json:"next_cursor"`
}

func TestAPIReads(t *testing.T) {
	e := populated(t)
	runs := decode[listBody](t, do(t, "GET", e.URL+"/v1/runs", e.read, "", nil))
	if len(runs.Items) != 3 {
		t.Fatalf("%d runs", len(runs.Items))
	}
	latest := decode[map[string]any](t, do(t, "GET", e.URL+"/v1/runs/latest", e.read, "", nil))
	if latest["report"] == nil {
		t.Fatalf("no report: %v", latest)
	}
	// Paging through the customers: 3 pages of 50 cover every customer once.
	seen := map[string]bool{}
	next := e.URL + "/v1/customers?limit=50"
	pages := 0
	for next != "" {
		a := do(t, "GET", next, e.read, "", nil)
		p := decode[listBody](t, a)
		pages++
		for _, it := range p.Items {
			id := it["customer_id"].(string)
			if seen[id] {
				t.Fatalf("%s twice", id)
			}
			seen[id] = true
		}
		next = ""
		if p.NextCursor != "" {
			next = e.URL + "/v1/customers?limit=50&cursor=" + p.NextCursor
			if link := a.header.Get("Link"); !strings.Contains(link, `rel="next"`) {
				t.Fatalf("Link %q", link)
			}
		}
	}
	if len(seen) < 100 || pages < 3 {
		t.Fatalf("%d customers in %d pages", len(seen), pages)
	}
	var red string
	for _, it := range decode[listBody](t, do(t, "GET", e.URL+"/v1/customers?limit=1000", e.read, "", nil)).Items {
		if it["grade"] == "red" {
			red = it["customer_id"].(string)
			break
		}
	}
	if red == "" {
		t.Fatal("no red customer")
	}
	ch := decode[map[string]any](t, do(t, "GET", e.URL+"/v1/customers/"+red, e.read, "", nil))
	h := ch["health"].(map[string]any)
	if h["grade"] != "red" || len(h["reasons"].([]any)) == 0 || ch["trend"] == nil || ch["customer"] == nil {
		t.Fatalf("%v", ch)
	}
	hist := decode[listBody](t, do(t, "GET", e.URL+"/v1/customers/"+red+"/history", e.read, "", nil))
	if len(hist.Items) != 3 {
		t.Fatalf("history %v", hist)
	}
	tiers := decode[map[string]any](t, do(t, "GET", e.URL+"/v1/tiers", e.read, "", nil))
	if tiers["summary"] == nil || len(tiers["items"].([]any)) == 0 {
		t.Fatalf("tiers %v", tiers)
	}
	tasks := decode[listBody](t, do(t, "GET", e.URL+"/v1/tasks?state=open&owner=csm", e.read, "", nil))
	if len(tasks.Items) == 0 {
		t.Fatal("no open csm task")
	}
	key := tasks.Items[0]["task"].(map[string]any)["key"].(string)
	td := decode[map[string]any](t, do(t, "GET", e.URL+"/v1/tasks/"+url.PathEscape(key), e.read, "", nil))
	if td["task"] == nil || len(td["log"].([]any)) == 0 {
		t.Fatalf("task %v", td)
	}
	decode[listBody](t, do(t, "GET", e.URL+"/v1/grades", e.read, "", nil))
	decode[map[string]any](t, do(t, "GET", e.URL+"/v1/assessment", e.read, "", nil))
	decode[listBody](t, do(t, "GET", e.URL+"/v1/audit", e.admin, "", nil))
	wantProblem(t, do(t, "GET", e.URL+"/v1/audit", e.write, "", nil), 403, "forbidden")
	wantProblem(t, do(t, "GET", e.URL+"/v1/tasks?state=closed", e.read, "", nil), 400, "invalid-parameter")
	wantProblem(t, do(t, "GET", e.URL+"/v1/tasks?stat=open", e.read, "", nil), 400, "invalid-parameter")
	wantProblem(t, do(t, "GET", e.URL+"/v1/customers?cursor=!!", e.read, "", nil), 400, "invalid-parameter")
	wantProblem(t, do(t, "GET", e.URL+"/v1/customers/nobody", e.read, "", nil), 404, "not-found")
}

func TestAPIWrites(t *testing.T) {
	e := populated(t)
	tasks := decode[listBody](t, do(t, "GET", e.URL+"/v1/tasks?state=open&limit=2", e.read, "", nil))
	k1 := url.PathEscape(tasks.Items[0]["task"].(map[string]any)["key"].(string))
	k2 := url.PathEscape(tasks.Items[1]["task"].(map[string]any)["key"].(string))
	wantProblem(t, do(t, "POST", e.URL+"/v1/tasks/"+k1+"/done", e.read, "application/json", []byte(`{}`)), 403, "forbidden")
	done := decode[map[string]any](t, do(t, "POST", e.URL+"/v1/tasks/"+k1+"/done", e.write, "application/json", []byte(`{"note":"called them"}`)))
	if done["state"] != "done" || done["by"] != "writer" {
		t.Fatalf("%v", done)
	}
	wantProblem(t, do(t, "POST", e.URL+"/v1/tasks/"+k1+"/done", e.write, "", nil), 409, "conflict")
	wantProblem(t, do(t, "POST", e.URL+"/v1/tasks/"+k2+"/skip", e.write, "application/json", []byte(`{}`)), 400, "invalid-body")
	sk := decode[map[string]any](t, do(t, "POST", e.URL+"/v1/tasks/"+k2+"/skip", e.write, "application/json", []byte(`{"reason":"not a fit"}`)))
	if sk["state"] != "skipped" {
		t.Fatalf("%v", sk)
	}
	// Overrides: set by the token, then revoked; the audit names the token.
	ov := decode[map[string]any](t, do(t, "POST", e.URL+"/v1/customers/C00002/overrides", e.write, "application/json",
		[]byte(`{"points":40,"reason":"exec escalation","expires":"2026-08-01"}`)))
	oid := int(ov["override_id"].(float64))
	if ov["override"].(map[string]any)["author"] != "writer" {
		t.Fatalf("%v", ov)
	}
	wantProblem(t, do(t, "POST", e.URL+"/v1/customers/C00002/overrides", e.write, "application/json",
		[]byte(`{"points":40,"reason":"x","author":"someone else","expires":"2026-08-01"}`)), 400, "invalid-body")
	co := decode[map[string]any](t, do(t, "GET", e.URL+"/v1/customers/C00002/overrides", e.read, "", nil))
	if len(co["active"].([]any)) != 1 {
		t.Fatalf("%v", co)
	}
	decode[map[string]any](t, do(t, "POST", e.URL+"/v1/overrides/"+strconv.Itoa(oid)+"/revoke", e.write, "application/json", []byte(`{"reason":"resolved"}`)))
	wantProblem(t, do(t, "POST", e.URL+"/v1/overrides/"+strconv.Itoa(oid)+"/revoke", e.write, "application/json", []byte(`{"reason":"again"}`)), 409, "conflict")
	audit := decode[listBody](t, do(t, "GET", e.URL+"/v1/overrides/"+strconv.Itoa(oid), e.read, "", nil))
	if len(audit.Items) != 2 || audit.Items[1]["by"] != "writer" {
		t.Fatalf("%v", audit)
	}
	all := decode[listBody](t, do(t, "GET", e.URL+"/v1/audit?limit=1000", e.admin, "", nil))
	byAction := map[string]string{}
	for _, it := range all.Items {
		byAction[it["action"].(string)] = it["by"].(string)
	}
	for _, a := range []string{"task.done", "task.skipped", "override.set", "override.revoke"} {
		if byAction[a] != "writer" {
			t.Errorf("audit %s by %q; entries %v", a, byAction[a], byAction)
		}
	}
}
