package server

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/successkit/cs"
	"github.com/successkit/cs/playbook"
)

// browser is an HTTP client with a cookie jar that does not follow
// redirects, so tests see each answer.
type browser struct {
	t    testing.TB
	c    *http.Client
	base string
}

func newBrowser(t testing.TB, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: base, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) get(path string) (int, http.Header, string) {
	b.t.Helper()
	res, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(body)
}

func (b *browser) post(path string, form url.Values, hdr ...string) (int, http.Header, string) {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(body)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// login logs in with the token and returns the session's CSRF token.
func (b *browser) login(token string) string {
	b.t.Helper()
	_, _, body := b.get("/ui/login")
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("no CSRF field in the login form: %s", body)
	}
	code, h, _ := b.post("/ui/login", url.Values{"token": {token}, "csrf": {m[1]}})
	if code != 303 || h.Get("Location") != "/ui/" {
		b.t.Fatalf("login: %d %v", code, h)
	}
	_, _, body = b.get("/ui/")
	m = csrfRE.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("no CSRF token on the portfolio: %s", body)
	}
	return m[1]
}

func TestDashboard(t *testing.T) {
	e := populated(t)
	b := newBrowser(t, e.URL)
	if code, h, _ := b.get("/ui/"); code != 303 || h.Get("Location") != "/ui/login" {
		t.Fatalf("no session: %d %v", code, h)
	}
	csrf := b.login(e.write)
	code, h, body := b.get("/ui/")
	if code != 200 || !strings.Contains(body, "Portfolio on") || !strings.Contains(body, "<svg") {
		t.Fatalf("%d %s", code, body)
	}
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Fatalf("CSP %q", csp)
	}
	for _, bad := range []string{"http://", "https://", "<script"} {
		if strings.Contains(body, bad) {
			t.Fatalf("the page holds %q", bad)
		}
	}
	code, _, body = b.get("/ui/tasks?state=open")
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	m := regexp.MustCompile(`action="/ui/tasks/([^"]+)/done"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no done form: %s", body)
	}
	code, h, _ = b.post("/ui/tasks/"+m[1]+"/done", url.Values{"csrf": {csrf}, "note": {"done from the dashboard"}, "return": {"/ui/tasks"}})
	if code != 303 || h.Get("Location") != "/ui/tasks" {
		t.Fatalf("done: %d %v", code, h)
	}
	key, _ := url.PathUnescape(m[1])
	rec, err := e.st.Task(t.Context(), key)
	if err != nil || rec.State.String() != "done" || rec.By != "writer" || rec.Note != "done from the dashboard" {
		t.Fatalf("%+v %v", rec, err)
	}
	// A customer page.
	code, _, body = b.get("/ui/customers/" + rec.Task.CustomerID)
	if code != 200 || !strings.Contains(body, "Score history") {
		t.Fatalf("%d %s", code, body)
	}
	// Logging out ends the session.
	b.post("/ui/logout", url.Values{"csrf": {csrf}})
	if code, _, _ := b.get("/ui/"); code != 303 {
		t.Fatalf("after logout: %d", code)
	}
}

const xss = `<script>alert(1)</script>`
const xssAttr = `"><img src=x onerror=alert(2)>`

// TestDashboardEscapes: a customer named <script>…</script>, a task note
// and an override reason breaking out of an attribute, all stored, render
// as text.
func TestDashboardEscapes(t *testing.T) {
	e := newEnv(t, Limits{})
	d := monthEnds(1)[0]
	b := fixtureBook()
	var custs []cs.Customer
	for _, s := range b.Snapshots {
		if s.AsOf == d {
			c := s.Customer
			c.Name = xss + " " + xssAttr
			custs = append(custs, c)
		}
	}
	body, _ := json.Marshal(custs)
	if a := do(t, "PUT", e.URL+"/v1/inputs/"+d.String()+"/customers", e.write, "application/json", body); a.status != 201 {
		t.Fatalf("%d %s", a.status, a.body)
	}
	if a := do(t, "POST", e.URL+"/v1/runs", e.write, "application/json", []byte(`{"as_of":"`+d.String()+`"}`)); a.status != 201 {
		t.Fatalf("%d %s", a.status, a.body)
	}
	rec := firstOpenTask(t, e)
	nb, _ := json.Marshal(map[string]string{"note": xss + xssAttr})
	decode[map[string]any](t, do(t, "POST", e.URL+"/v1/tasks/"+url.PathEscape(rec.Task.Key)+"/done", e.write, "application/json", nb))
	ob, _ := json.Marshal(map[string]any{"points": 20, "reason": xss + xssAttr, "expires": "2027-01-01"})
	decode[map[string]any](t, do(t, "POST", e.URL+"/v1/customers/"+url.PathEscape(rec.Task.CustomerID)+"/overrides", e.write, "application/json", ob))

	br := newBrowser(t, e.URL)
	br.login(e.write)
	for _, p := range []string{"/ui/", "/ui/customers", "/ui/customers/" + url.PathEscape(rec.Task.CustomerID), "/ui/tasks?state=done", "/ui/tasks?state=open"} {
		code, _, body := br.get(p)
		if code != 200 {
			t.Fatalf("%s: %d", p, code)
		}
		if strings.Contains(body, "<script") || strings.Contains(body, "<img") {
			t.Errorf("%s holds a live tag from the data", p)
		}
	}
	_, _, page := br.get("/ui/customers/" + url.PathEscape(rec.Task.CustomerID))
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("the customer's name is not shown escaped")
	}
}

// TestDashboardCSRF: a form post without the session's CSRF token, with a
// wrong one, or from another site is refused and changes nothing.
func TestDashboardCSRF(t *testing.T) {
	e := populated(t)
	rec := firstOpenTask(t, e)
	path := "/ui/tasks/" + url.PathEscape(rec.Task.Key) + "/done"
	br := newBrowser(t, e.URL)
	csrf := br.login(e.write)
	before := storeState(t, e.st)
	for _, c := range []struct {
		name string
		form url.Values
		hdr  []string
		want int
	}{
		{"no token", url.Values{"note": {"x"}}, nil, 403},
		{"wrong token", url.Values{"note": {"x"}, "csrf": {"forged"}}, nil, 403},
		{"another session's token", url.Values{"csrf": {newBrowser(t, e.URL).login(e.write)}}, nil, 403},
		{"cross-site origin", url.Values{"csrf": {csrf}}, []string{"Origin", "http://evil.example"}, 403},
		{"cross-site fetch", url.Values{"csrf": {csrf}}, []string{"Sec-Fetch-Site", "cross-site"}, 403},
	} {
		code, h, body := br.post(path, c.form, c.hdr...)
		if code != c.want || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
			t.Errorf("%s: %d %s", c.name, code, body)
		}
		if after := storeState(t, e.st); after != before {
			t.Fatalf("%s: the store changed", c.name)
		}
	}
	// Without the session cookie at all: to the login form, nothing changed.
	stranger := newBrowser(t, e.URL)
	if code, h, _ := stranger.post(path, url.Values{"csrf": {csrf}}); code != 303 || h.Get("Location") != "/ui/login" {
		t.Fatalf("no session: %d %v", code, h)
	}
	// The login form itself: a post without the form's cookie is refused.
	if code, _, _ := stranger.post("/ui/login", url.Values{"token": {e.write}, "csrf": {"x"}}); code != 403 {
		t.Fatalf("login CSRF: %d", code)
	}
	if after := storeState(t, e.st); after != before {
		t.Fatal("the store changed")
	}
	// The same form with its token, from the same site, works.
	if code, _, _ := br.post(path, url.Values{"csrf": {csrf}, "note": {"ok"}}, "Origin", e.URL, "Sec-Fetch-Site", "same-origin"); code != 303 {
		t.Fatalf("legitimate post: %d", code)
	}
	if got, _ := e.st.Task(t.Context(), rec.Task.Key); got.State != playbook.TaskDone {
		t.Fatalf("%+v", got)
	}
}

// TestDashboardRevokedToken: revoking the token ends its session at once.
func TestDashboardRevokedToken(t *testing.T) {
	e := populated(t)
	br := newBrowser(t, e.URL)
	br.login(e.write)
	if code, _, _ := br.get("/ui/tasks"); code != 200 {
		t.Fatal(code)
	}
	if _, err := e.st.RevokeToken(t.Context(), "writer", "test", testClock); err != nil {
		t.Fatal(err)
	}
	// Revoked by another process: refused once the server's cache of the
	// token expires.
	e.clock.advance(TokenCacheTTL)
	if code, h, _ := br.get("/ui/tasks"); code != 303 || h.Get("Location") != "/ui/login" {
		t.Fatalf("after revocation: %d %v", code, h)
	}
	if code, _, body := br.get("/ui/login"); code != 200 || !strings.Contains(body, "API token") {
		t.Fatalf("%d", code)
	}
	// Logging in with the revoked token fails.
	_, _, body := br.get("/ui/login")
	m := csrfRE.FindStringSubmatch(body)
	if code, h, _ := br.post("/ui/login", url.Values{"token": {e.write}, "csrf": {m[1]}}); code != 303 || !strings.Contains(h.Get("Location"), "failed") {
		t.Fatalf("login with a revoked token: %d %v", code, h)
	}
}
