package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/store"
)

// The security and fault table against the real store: each case asserts
// the status, the problem type, and that the store is unchanged where it
// must be (the cases that need no store are in limits_test.go).

// storeState digests what a write could change: the audit (every task
// closure, override event, token change and run), the runs and every task
// record as it stands.
func storeState(t testing.TB, st *store.Store) string {
	t.Helper()
	ctx := context.Background()
	h := sha256.New()
	enc := json.NewEncoder(h)
	for e, err := range st.Audit(ctx, store.Page{}) {
		if err != nil {
			t.Fatal(err)
		}
		enc.Encode(e)
	}
	for r, err := range st.Runs(ctx, store.Page{}) {
		if err != nil {
			t.Fatal(err)
		}
		enc.Encode(r)
	}
	for r, err := range st.Tasks(ctx, store.TaskFilter{}, store.Page{}) {
		if err != nil {
			t.Fatal(err)
		}
		enc.Encode(r)
	}
	for tk, err := range st.Tokens(ctx, store.Page{}) {
		if err != nil {
			t.Fatal(err)
		}
		enc.Encode(tk)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func firstOpenTask(t testing.TB, e *env) playbook.TaskRecord {
	t.Helper()
	for rec, err := range e.st.Tasks(context.Background(), store.TaskFilter{State: playbook.TaskOpen}, store.Page{Limit: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	t.Fatal("no open task")
	return playbook.TaskRecord{}
}

func TestSecurityTable(t *testing.T) {
	e := populated(t)
	rec := firstOpenTask(t, e)
	key := url.PathEscape(rec.Task.Key)
	cust := url.PathEscape(rec.Task.CustomerID)
	ctx := context.Background()
	revoked, _, err := e.st.CreateToken(ctx, "gone", ScopeAdmin, "test", testClock)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.RevokeToken(ctx, "gone", "test", testClock); err != nil {
		t.Fatal(err)
	}
	deep := strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000)
	override := `{"points":40,"reason":"r","expires":"2026-09-01"}`
	type tc struct {
		name, method, path, token, ct, body string
		status                              int
		kind                                string
	}
	cases := []tc{
		{"missing token", "POST", "/v1/tasks/" + key + "/done", "", "", "", 401, "unauthorized"},
		{"malformed token", "POST", "/v1/tasks/" + key + "/done", "not a token!", "", "", 401, "unauthorized"},
		{"unknown token", "POST", "/v1/tasks/" + key + "/done", "csk_" + strings.Repeat("A", 43), "", "", 401, "unauthorized"},
		{"revoked token", "POST", "/v1/tasks/" + key + "/done", revoked, "", "", 401, "unauthorized"},
		{"revoked token reads", "GET", "/v1/tasks", revoked, "", "", 401, "unauthorized"},
		{"read scope writes a task", "POST", "/v1/tasks/" + key + "/done", e.read, "", "", 403, "forbidden"},
		{"read scope sets an override", "POST", "/v1/customers/" + cust + "/overrides", e.read, "application/json", override, 403, "forbidden"},
		{"read scope runs", "POST", "/v1/runs", e.read, "application/json", `{"as_of":"2026-07-31"}`, 403, "forbidden"},
		{"read scope ingests", "PUT", "/v1/inputs/2026-07-31/customers", e.read, "text/csv", "id\nc1\n", 403, "forbidden"},
		{"write scope makes a token", "POST", "/v1/tokens", e.write, "application/json", `{"name":"x","scope":"admin"}`, 403, "forbidden"},
		{"write scope revokes a token", "POST", "/v1/tokens/admin/revoke", e.write, "", "", 403, "forbidden"},
		{"SQL in a customer ID", "GET", "/v1/customers/" + url.PathEscape("' OR '1'='1"), e.read, "", "", 404, "not-found"},
		{"SQL in a task key", "POST", "/v1/tasks/" + url.PathEscape("x' OR 1=1; DELETE FROM cs_task_closures; --") + "/done", e.write, "", "", 404, "not-found"},
		{"SQL in a filter", "GET", "/v1/tasks?customer_id=" + url.QueryEscape("' OR 1=1 --"), e.read, "", "", 200, ""},
		{"SQL in a cursor", "GET", "/v1/customers?cursor=" + url.QueryEscape("JyBPUiAxPTEgLS0"), e.read, "", "", 200, ""},
		{"path traversal in a customer ID", "GET", "/v1/customers/..%2F..%2F..%2Fetc%2Fpasswd", e.read, "", "", 404, "not-found"},
		{"path traversal in a task key", "POST", "/v1/tasks/..%2F..%2Fstore.db/done", e.write, "", "", 404, "not-found"},
		{"path traversal in an input date", "PUT", "/v1/inputs/..%2F..%2Ftmp/customers", e.write, "text/csv", "id\nc1\n", 400, "invalid-parameter"},
		{"path traversal in an input kind", "PUT", "/v1/inputs/2026-07-31/..%2F..%2Fpasswd", e.write, "text/csv", "id\nc1\n", 400, "invalid-parameter"},
		{"NUL in a customer ID", "POST", "/v1/customers/a%00b/overrides", e.write, "application/json", override, 400, "invalid-parameter"},
		{"oversized override", "POST", "/v1/customers/" + cust + "/overrides", e.write, "application/json", `{"points":40,"reason":"` + strings.Repeat("x", 2<<20) + `","expires":"2026-09-01"}`, 413, "body-too-large"},
		{"oversized upload", "PUT", "/v1/inputs/2026-07-31/customers", e.write, "text/csv", "id\n" + strings.Repeat("c\n", 17<<20), 413, "body-too-large"},
		{"nested 10,000 deep", "POST", "/v1/customers/" + cust + "/overrides", e.write, "application/json", deep, 400, "invalid-body"},
		{"nested 10,000 deep run", "POST", "/v1/runs", e.write, "application/json", deep, 400, "invalid-body"},
		{"duplicate key", "POST", "/v1/customers/" + cust + "/overrides", e.write, "application/json", `{"points":40,"points":90,"reason":"r","expires":"2026-09-01"}`, 400, "invalid-body"},
		{"duplicate key in a note", "POST", "/v1/tasks/" + key + "/done", e.write, "application/json", `{"note":"a","note":"b"}`, 400, "invalid-body"},
		{"author in the body", "POST", "/v1/customers/" + cust + "/overrides", e.write, "application/json", `{"points":40,"reason":"r","author":"ceo","expires":"2026-09-01"}`, 400, "invalid-body"},
		{"wrong content type", "POST", "/v1/tasks/" + key + "/done", e.write, "text/plain", `{"note":"a"}`, 415, "unsupported-media-type"},
		{"form to the API", "POST", "/v1/customers/" + cust + "/overrides", e.write, "application/x-www-form-urlencoded", "points=40", 415, "unsupported-media-type"},
		{"JSON said to be CSV", "PUT", "/v1/inputs/2026-07-31/customers", e.write, "text/csv", `[{"id":"c1"}]`, 400, "invalid-body"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := storeState(t, e.st)
			req, _ := http.NewRequest(c.method, e.URL+c.path, strings.NewReader(c.body))
			if c.token != "" {
				req.Header.Set("Authorization", "Bearer "+c.token)
			}
			if c.ct != "" {
				req.Header.Set("Content-Type", c.ct)
			}
			a := send(t, req)
			if c.kind == "" {
				if a.status != c.status {
					t.Fatalf("%d, want %d: %.300s", a.status, c.status, a.body)
				}
			} else {
				wantProblem(t, a, c.status, c.kind)
			}
			if after := storeState(t, e.st); after != before {
				t.Fatal("the store changed")
			}
		})
	}
	if open := firstOpenTask(t, e); open.Task.Key != rec.Task.Key {
		t.Fatalf("the task was closed: %+v", open)
	}
}

// TestSQLTextStoredVerbatim: SQL in a name, reason or note is data, bound as
// a parameter: stored and read back byte for byte, and the tables intact.
func TestSQLTextStoredVerbatim(t *testing.T) {
	e := populated(t)
	ctx := context.Background()
	runs := 0
	for range e.st.Runs(ctx, store.Page{}) {
		runs++
	}
	evil := `'); DROP TABLE cs_runs; DELETE FROM cs_audit; --`
	body, _ := json.Marshal(map[string]any{"points": 30, "reason": evil, "expires": "2026-09-01"})
	a := do(t, "POST", e.URL+"/v1/customers/"+url.PathEscape("C' OR '1'='1")+"/overrides", e.write, "application/json", body)
	ev := decode[map[string]any](t, a)
	if ev["customer_id"] != "C' OR '1'='1" || ev["override"].(map[string]any)["reason"] != evil {
		t.Fatalf("%v", ev)
	}
	tb, _ := json.Marshal(map[string]string{"name": "x'; DROP TABLE cs_tokens; --", "scope": "read"})
	decode[map[string]any](t, do(t, "POST", e.URL+"/v1/tokens", e.admin, "application/json", tb))
	rec := firstOpenTask(t, e)
	nb, _ := json.Marshal(map[string]string{"note": evil})
	decode[map[string]any](t, do(t, "POST", e.URL+"/v1/tasks/"+url.PathEscape(rec.Task.Key)+"/done", e.write, "application/json", nb))
	n := 0
	for range e.st.Runs(ctx, store.Page{}) {
		n++
	}
	got, err := e.st.Task(ctx, rec.Task.Key)
	if n != runs || err != nil || got.Note != evil {
		t.Fatalf("runs %d of %d, note %q, %v", n, runs, got.Note, err)
	}
	if _, err := e.st.Token(ctx, "x'; DROP TABLE cs_tokens; --"); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentTaskWrites: of concurrent closures of one task, exactly one
// wins; the others get 409 and the audit has one closure.
func TestConcurrentTaskWrites(t *testing.T) {
	e := populated(t)
	rec := firstOpenTask(t, e)
	const n = 16
	codes := make([]int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			verb, body := "done", fmt.Sprintf(`{"note":"writer %d"}`, i)
			if i%2 == 1 {
				verb, body = "skip", fmt.Sprintf(`{"reason":"writer %d"}`, i)
			}
			req, _ := http.NewRequest("POST", e.URL+"/v1/tasks/"+url.PathEscape(rec.Task.Key)+"/"+verb, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+e.write)
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			codes[i] = res.StatusCode
		}()
	}
	close(start)
	wg.Wait()
	won := 0
	for _, c := range codes {
		switch c {
		case 200:
			won++
		case 409:
		default:
			t.Errorf("status %d", c)
		}
	}
	if won != 1 {
		t.Fatalf("%d writers won: %v", won, codes)
	}
	closures := 0
	for en, err := range e.st.Audit(context.Background(), store.Page{}) {
		if err != nil {
			t.Fatal(err)
		}
		if en.Object == rec.Task.Key && strings.HasPrefix(en.Action, "task.") {
			closures++
		}
	}
	if closures != 1 {
		t.Fatalf("%d closures in the audit", closures)
	}
}

// TestRevocation: a token revoked through the server is refused at once; one
// revoked by another process (the command) once the server's confirmation
// of it is older than TokenCacheTTL.
func TestRevocation(t *testing.T) {
	e := newEnv(t, Limits{})
	nt := decode[map[string]any](t, do(t, "POST", e.URL+"/v1/tokens", e.admin, "application/json", []byte(`{"name":"plugin","scope":"read"}`)))
	secret := nt["token"].(string)
	if a := do(t, "GET", e.URL+"/v1/problems/conflict", secret, "", nil); a.status != 200 {
		t.Fatalf("%d", a.status)
	}
	decode[map[string]any](t, do(t, "POST", e.URL+"/v1/tokens/plugin/revoke", e.admin, "", nil))
	wantProblem(t, do(t, "GET", e.URL+"/v1/problems/conflict", secret, "", nil), 401, "unauthorized")

	other, _, err := e.st.CreateToken(context.Background(), "cli", ScopeRead, "test", testClock)
	if err != nil {
		t.Fatal(err)
	}
	if a := do(t, "GET", e.URL+"/v1/problems/conflict", other, "", nil); a.status != 200 {
		t.Fatalf("%d", a.status)
	}
	if _, err := e.st.RevokeToken(context.Background(), "cli", "test", testClock); err != nil {
		t.Fatal(err)
	}
	e.clock.advance(TokenCacheTTL)
	wantProblem(t, do(t, "GET", e.URL+"/v1/problems/conflict", other, "", nil), 401, "unauthorized")
}
