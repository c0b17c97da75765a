package server

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
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
