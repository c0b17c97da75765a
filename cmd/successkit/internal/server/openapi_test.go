package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The OpenAPI document cannot drift from the server: every route of the
// table is documented and every documented operation is a route, and every
// answer of the requests below (which reach every operation, its success and
// its failures) has a documented status and content type and validates
// against the documented schema.

type openapiDoc struct {
	schemaDoc
	paths map[string]any
}

func loadOpenAPI(t testing.TB) *openapiDoc {
	t.Helper()
	v, err := parseJSON(openapiJSON)
	if err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	root := v.(map[string]any)
	if root["openapi"] != "3.1.0" {
		t.Fatalf("openapi %v", root["openapi"])
	}
	return &openapiDoc{schemaDoc: schemaDoc{root: root}, paths: root["paths"].(map[string]any)}
}

// operation returns the documented operation of a route.
func (d *openapiDoc) operation(method, path string) map[string]any {
	p, ok := d.paths[path].(map[string]any)
	if !ok {
		return nil
	}
	op, _ := p[strings.ToLower(method)].(map[string]any)
	return op
}

// check validates one answer against the operation; it returns the problems.
func (d *openapiDoc) check(op map[string]any, a answer) []string {
	resps := op["responses"].(map[string]any)
	r, ok := resps[strconv.Itoa(a.status)].(map[string]any)
	if !ok {
		return []string{fmt.Sprintf("status %d is not documented (body %.300s)", a.status, a.body)}
	}
	if ref, ok := r["$ref"].(string); ok {
		var err error
		if r, err = d.resolve(ref); err != nil {
			return []string{err.Error()}
		}
	}
	content, _ := r["content"].(map[string]any)
	if len(content) == 0 {
		if len(a.body) != 0 {
			return []string{fmt.Sprintf("status %d documents no body, got %q", a.status, a.body)}
		}
		return nil
	}
	ct, _, _ := mime.ParseMediaType(a.header.Get("Content-Type"))
	media, ok := content[ct].(map[string]any)
	if !ok {
		return []string{fmt.Sprintf("status %d: content type %q is not documented", a.status, ct)}
	}
	if ct != "application/json" && ct != "application/problem+json" {
		return nil
	}
	v, err := parseJSON(a.body)
	if err != nil {
		return []string{fmt.Sprintf("status %d: body is not JSON: %v", a.status, err)}
	}
	return d.validate(media["schema"].(map[string]any), v, "$")
}

func TestOpenAPICoversTheRoutes(t *testing.T) {
	d := loadOpenAPI(t)
	e := newEnv(t, Limits{})
	documented := map[string]bool{}
	for path, item := range d.paths {
		for method := range item.(map[string]any) {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	for _, rt := range e.srv.table() {
		if rt.ui {
			continue
		}
		k := rt.method + " " + rt.path
		if !documented[k] {
			t.Errorf("route %s is not in openapi.json", k)
		}
		delete(documented, k)
	}
	for k := range documented {
		t.Errorf("openapi.json documents %s, which is no route", k)
	}
	// Every problem status has a documented response.
	resp := d.root["components"].(map[string]any)["responses"].(map[string]any)
	for _, k := range problems {
		if _, ok := resp["P"+strconv.Itoa(k.status)]; !ok {
			t.Errorf("problem %s: no response P%d", k.name, k.status)
		}
	}
}

func TestSchemaValidator(t *testing.T) {
	d := loadOpenAPI(t)
	s := map[string]any{"$ref": "#/components/schemas/Problem"}
	for _, tc := range []struct {
		json string
		ok   bool
	}{
		{`{"type":"/v1/problems/x","title":"t","status":400}`, true},
		{`{"type":"/v1/problems/x","title":"t"}`, false},
		{`{"type":"/v1/problems/x","title":"t","status":"400"}`, false},
		{`{"type":"/v1/problems/x","title":"t","status":400.5}`, false},
		{`{"type":"/v1/problems/x","title":"t","status":400,"extra":1}`, false},
		{`{"type":"/v1/problems/x","title":"t","status":400,"errors":[{"detail":"d"}]}`, true},
		{`{"type":"/v1/problems/x","title":"t","status":400,"errors":[{"path":"p"}]}`, false},
	} {
		v, _ := parseJSON([]byte(tc.json))
		if errs := d.validate(s, v, "$"); (len(errs) == 0) != tc.ok {
			t.Errorf("%s: %v", tc.json, errs)
		}
	}
	date := map[string]any{"$ref": "#/components/schemas/Date"}
	if errs := d.validate(date, "2026-13-01", "$"); len(errs) == 0 {
		t.Error("2026-13-01 passed as a date")
	}
}

// TestOpenAPIAnswers sends requests that reach every documented operation
// and checks every answer against the document.
func TestOpenAPIAnswers(t *testing.T) {
	d := loadOpenAPI(t)
	e := newEnv(t, Limits{})
	dates := monthEnds(2)
	stageBook(t, e, dates[0], false)
	stageBook(t, e, dates[1], true)
	for _, dt := range dates {
		if a := do(t, "POST", e.URL+"/v1/runs", e.write, "application/json", []byte(`{"as_of":"`+dt.String()+`"}`)); a.status != 201 {
			t.Fatalf("run: %d %s", a.status, a.body)
		}
	}
	var open listBody
	json.Unmarshal(do(t, "GET", e.URL+"/v1/tasks?state=open&limit=4", e.read, "", nil).body, &open)
	key := func(i int) string {
		return url.PathEscape(open.Items[i]["task"].(map[string]any)["key"].(string))
	}
	cust := open.Items[0]["task"].(map[string]any)["customer_id"].(string)
	var tag string
	tagOf := func() { tag = do(t, "GET", e.URL+"/v1/tasks/"+key(2), e.read, "", nil).header.Get("ETag") }
	tagOf()

	type req struct {
		method, path, token, ct, body string
		want                          int
		hdr                           []string
	}
	batch := `{"as_of":"2026-06-30","customers":[` + oneCustomer + `,{"id":"x","signals":{"usage":"high"}}]}`
	reqs := []req{
		{"GET", "/healthz", "", "", "", 200, nil},
		{"GET", "/readyz", "", "", "", 200, nil},
		{"GET", "/metrics", e.read, "", "", 200, nil},
		{"GET", "/v1/openapi.json", e.read, "", "", 200, nil},
		{"GET", "/v1/problems/conflict", e.read, "", "", 200, nil},
		{"GET", "/v1/problems/nope", e.read, "", "", 404, nil},
		{"POST", "/v1/score", e.read, "application/json", `{"as_of":"2026-06-30","customer":` + oneCustomer + `}`, 200, nil},
		{"POST", "/v1/score", e.read, "application/json", `{"customer":{"id":"a","signals":{"usage":"x"}}}`, 400, nil},
		{"POST", "/v1/score", e.read, "text/plain", `{}`, 415, nil},
		{"POST", "/v1/score", e.read, "application/json", `{"customer":{"id":"` + strings.Repeat("a", 2<<20) + `"}}`, 413, nil},
		{"POST", "/v1/score/batch", e.read, "application/json", batch, 200, nil},
		{"POST", "/v1/score/batch?explain=reasons", e.read, "application/json", batch, 200, nil},
		{"POST", "/v1/score?explain=all", e.read, "application/json", `{"customer":` + oneCustomer + `}`, 400, nil},
		{"POST", "/v1/score/batch", e.read, "application/json", `{"customers":{}}`, 400, nil},
		{"GET", "/v1/inputs/" + dates[1].String(), e.read, "", "", 200, nil},
		{"GET", "/v1/inputs/someday", e.read, "", "", 400, nil},
		{"PUT", "/v1/inputs/2030-01-01/customers", e.write, "text/csv", "id,name\nc1,One\n", 201, nil},
		{"PUT", "/v1/inputs/2030-01-01/contacts", e.write, "application/json", `[{"contact_id":"k1","customer_id":"c1","case_id":"s1","time":"2029-12-30T10:00:00Z","channel":"email"}]`, 201, nil},
		{"PUT", "/v1/inputs/2030-01-01/customers", e.write, "text/csv", "id,mrr\nc1,1\n", 400, nil},
		{"PUT", "/v1/inputs/2030-01-01/customers", e.write, "application/xml", "<a/>", 415, nil},
		{"DELETE", "/v1/inputs/2030-01-01/contacts", e.write, "", "", 204, nil},
		{"DELETE", "/v1/inputs/2030-01-01/contacts", e.write, "", "", 404, nil},
		{"GET", "/v1/runs", e.read, "", "", 200, nil},
		{"GET", "/v1/runs?limit=1", e.read, "", "", 200, nil},
		{"GET", "/v1/runs?limit=0", e.read, "", "", 400, nil},
		{"POST", "/v1/runs", e.write, "application/json", `{"as_of":"` + dates[0].String() + `"}`, 409, nil},
		{"POST", "/v1/runs", e.write, "application/json", `{"as_of":"` + dates[1].String() + `"}`, 201, nil},
		{"POST", "/v1/runs", e.write, "application/json", `{"as_of":"2031-01-01"}`, 400, nil},
		{"GET", "/v1/runs/latest", e.read, "", "", 200, nil},
		{"GET", "/v1/runs/" + dates[0].String(), e.read, "", "", 200, nil},
		{"GET", "/v1/runs/2001-01-01", e.read, "", "", 404, nil},
		{"GET", "/v1/runs/yesterday", e.read, "", "", 400, nil},
		{"GET", "/v1/customers?limit=5", e.read, "", "", 200, nil},
		{"GET", "/v1/customers?as_of=2001-01-01", e.read, "", "", 200, nil},
		{"GET", "/v1/customers?as_of=June", e.read, "", "", 400, nil},
		{"GET", "/v1/customers/" + cust, e.read, "", "", 200, nil},
		{"GET", "/v1/customers/nobody", e.read, "", "", 404, nil},
		{"GET", "/v1/customers/a%00b", e.read, "", "", 400, nil},
		{"GET", "/v1/customers/" + cust + "/history?limit=1", e.read, "", "", 200, nil},
		{"GET", "/v1/customers/nobody/history", e.read, "", "", 404, nil},
		{"POST", "/v1/customers/" + cust + "/overrides", e.write, "application/json", `{"points":35,"reason":"escalation","expires":"2026-09-01"}`, 201, nil},
		{"POST", "/v1/customers/" + cust + "/overrides", e.write, "application/json", `{"points":135,"reason":"x","expires":"2026-09-01"}`, 400, nil},
		{"GET", "/v1/customers/" + cust + "/overrides", e.read, "", "", 200, nil},
		{"GET", "/v1/overrides/1", e.read, "", "", 200, nil},
		{"GET", "/v1/overrides/999", e.read, "", "", 404, nil},
		{"GET", "/v1/overrides/x", e.read, "", "", 400, nil},
		{"POST", "/v1/overrides/1/revoke", e.write, "application/json", `{"reason":"resolved"}`, 200, nil},
		{"POST", "/v1/overrides/1/revoke", e.write, "application/json", `{"reason":"again"}`, 409, nil},
		{"POST", "/v1/overrides/999/revoke", e.write, "application/json", `{"reason":"x"}`, 404, nil},
		{"GET", "/v1/tiers?limit=3", e.read, "", "", 200, nil},
		{"GET", "/v1/tiers?as_of=1999-01-01", e.read, "", "", 200, nil},
		{"GET", "/v1/tasks?state=open&owner=csm&limit=2", e.read, "", "", 200, nil},
		{"GET", "/v1/tasks?customer_id=" + cust + "&due_before=2027-01-01", e.read, "", "", 200, nil},
		{"GET", "/v1/tasks?owner=boss", e.read, "", "", 400, nil},
		{"GET", "/v1/tasks/" + key(0), e.read, "", "", 200, nil},
		{"GET", "/v1/tasks/nothing", e.read, "", "", 404, nil},
		{"POST", "/v1/tasks/" + key(0) + "/done", e.write, "application/json", `{"note":"called"}`, 200, nil},
		{"POST", "/v1/tasks/" + key(0) + "/done", e.write, "", "", 409, nil},
		{"POST", "/v1/tasks/" + key(1) + "/skip", e.write, "application/json", `{}`, 400, nil},
		{"POST", "/v1/tasks/" + key(1) + "/skip", e.write, "application/json", `{"reason":"not now"}`, 200, nil},
		{"POST", "/v1/tasks/" + key(2) + "/done", e.write, "application/json", `{}`, 412, []string{"If-Match", `"stale"`}},
		{"POST", "/v1/tasks/" + key(2) + "/done", e.write, "application/json", `{}`, 200, []string{"If-Match", tag}},
		{"POST", "/v1/tasks/nothing/done", e.write, "", "", 404, nil},
		{"POST", "/v1/tasks/" + key(3) + "/done", e.write, "text/csv", "x", 415, nil},
		{"GET", "/v1/grades", e.read, "", "", 200, nil},
		{"GET", "/v1/grades?from=x", e.read, "", "", 400, nil},
		{"GET", "/v1/assessment", e.read, "", "", 200, nil},
		{"GET", "/v1/retention?from=2025-06&to=2026-04", e.read, "", "", 200, nil},
		{"GET", "/v1/retention?to=2026-13", e.read, "", "", 400, nil},
		{"GET", "/v1/audit?limit=5", e.admin, "", "", 200, nil},
		{"GET", "/v1/audit", e.write, "", "", 403, nil},
		{"GET", "/v1/tokens", e.admin, "", "", 200, nil},
		{"POST", "/v1/tokens", e.admin, "application/json", `{"name":"plugin","scope":"read"}`, 201, nil},
		{"POST", "/v1/tokens", e.admin, "application/json", `{"name":"plugin","scope":"read"}`, 409, nil},
		{"POST", "/v1/tokens", e.admin, "application/json", `{"name":"p2","scope":"root"}`, 400, nil},
		{"POST", "/v1/tokens/plugin/revoke", e.admin, "", "", 200, nil},
		{"POST", "/v1/tokens/plugin/revoke", e.admin, "", "", 409, nil},
		{"POST", "/v1/tokens/ghost/revoke", e.admin, "", "", 404, nil},
	}
	// Every operation also answers a request without a token, and a scoped
	// one a token below its scope.
	seen2xx := map[string]bool{}
	for _, rt := range e.srv.table() {
		if rt.ui || rt.scope == 0 {
			continue
		}
		path := strings.NewReplacer("{as_of}", dates[1].String(), "{kind}", "mrr", "{id}", cust, "{oid}", "1",
			"{key}", key(3), "{name}", "reader").Replace(rt.path)
		reqs = append(reqs, req{rt.method, path, "", "", "", 401, nil})
		if rt.scope > ScopeRead {
			reqs = append(reqs, req{rt.method, path, e.read, "", "", 403, nil})
		}
	}
	for _, rq := range reqs {
		r, _ := http.NewRequest(rq.method, e.URL+rq.path, bytes.NewReader([]byte(rq.body)))
		if rq.token != "" {
			r.Header.Set("Authorization", "Bearer "+rq.token)
		}
		if rq.ct != "" {
			r.Header.Set("Content-Type", rq.ct)
		}
		for i := 0; i+1 < len(rq.hdr); i += 2 {
			r.Header.Set(rq.hdr[i], rq.hdr[i+1])
		}
		a := send(t, r)
		name := rq.method + " " + rq.path
		if len(name) > 80 {
			name = name[:80]
		}
		if a.status != rq.want {
			t.Errorf("%s: status %d, want %d: %.300s", name, a.status, rq.want, a.body)
			continue
		}
		pattern := routeOf(e.srv, r)
		op := d.operation(rq.method, pattern)
		if op == nil {
			t.Errorf("%s: no documented operation for %s", name, pattern)
			continue
		}
		for _, p := range d.check(op, a) {
			t.Errorf("%s (%d): %s", name, a.status, p)
		}
		if a.status/100 == 2 {
			seen2xx[rq.method+" "+pattern] = true
		}
	}
	var missing []string
	for path, item := range d.paths {
		for method := range item.(map[string]any) {
			if k := strings.ToUpper(method) + " " + path; !seen2xx[k] {
				missing = append(missing, k)
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("operations never answered with success: %v", missing)
	}
}

// routeOf is the documented path of a request: its route's pattern.
func routeOf(s *Server, r *http.Request) string {
	_, pattern := s.mux.Handler(r)
	if _, p, ok := strings.Cut(pattern, " "); ok {
		return p
	}
	return pattern
}

func send(t testing.TB, r *http.Request) answer {
	t.Helper()
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(res.Body)
	return answer{res.StatusCode, res.Header, b.Bytes()}
}
