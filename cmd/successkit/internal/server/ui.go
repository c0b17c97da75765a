package server

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/successkit/cs"
	"github.com/successkit/cs/cycle"
	"github.com/successkit/cs/health"
	"github.com/successkit/cs/playbook"
	"github.com/successkit/cs/store"
	"github.com/successkit/cs/touch"
)

// The dashboard: server-rendered pages under /ui/, no script and no asset
// from elsewhere (a Content-Security-Policy says so to the browser), every
// string escaped by html/template. Charts are inline SVG drawn here.

//go:embed ui/*.html ui/style.css
var uiFiles embed.FS

var uiTemplates = template.Must(template.New("ui").Funcs(template.FuncMap{
	"seg": pathSegment,
	"pct": func(f float64) float64 { return 100 * f },
}).ParseFS(uiFiles, "ui/*.html"))

var uiStyle = func() []byte {
	b, err := uiFiles.ReadFile("ui/style.css")
	if err != nil {
		panic(err)
	}
	return b
}()

// uiCSP allows nothing but this server's stylesheet and forms posting to
// it: no script at all, no frame, no plugin.
const uiCSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// pathSegment escapes s as one URL path segment ("C42/renewal#0" →
// "C42%2Frenewal%230"), dots included when the segment would be "." or "..".
func pathSegment(s string) string {
	e := url.PathEscape(s)
	if e == "." || e == ".." {
		e = strings.ReplaceAll(e, ".", "%2E")
	}
	return e
}

// uiRoutes are the dashboard's routes, added to the API's table.
func uiRoutes() []route {
	return []route{
		{method: "GET", path: "/ui", ui: true, h: func(c *call) error { http.Redirect(c.w, c.r, "/ui/", http.StatusMovedPermanently); return nil }},
		{method: "GET", path: "/ui/style.css", ui: true, h: (*call).uiStyle},
		{method: "GET", path: "/ui/login", ui: true, h: (*call).uiLoginForm},
		{method: "POST", path: "/ui/login", ui: true, body: formBody, h: (*call).uiLogin},
		{method: "POST", path: "/ui/logout", scope: ScopeRead, ui: true, body: formBody, h: (*call).uiLogout},
		{method: "GET", path: "/ui/{$}", scope: ScopeRead, ui: true, h: (*call).uiPortfolio},
		{method: "GET", path: "/ui/customers", scope: ScopeRead, ui: true, h: (*call).uiCustomers},
		{method: "GET", path: "/ui/customers/{id}", scope: ScopeRead, ui: true, h: (*call).uiCustomer},
		{method: "POST", path: "/ui/customers/{id}/overrides", scope: ScopeWrite, ui: true, body: formBody, h: (*call).uiSetOverride},
		{method: "POST", path: "/ui/overrides/{oid}/revoke", scope: ScopeWrite, ui: true, body: formBody, h: (*call).uiRevokeOverride},
		{method: "GET", path: "/ui/tasks", scope: ScopeRead, ui: true, h: (*call).uiTasks},
		{method: "POST", path: "/ui/tasks/{key}/done", scope: ScopeWrite, ui: true, body: formBody, h: (*call).uiTaskDone},
		{method: "POST", path: "/ui/tasks/{key}/skip", scope: ScopeWrite, ui: true, body: formBody, h: (*call).uiTaskSkip},
	}
}

// page is what every page template reads.
type page struct {
	Title, Who, Scope, CSRF, Flash, Return string
	CanWrite                               bool
}

func (c *call) page(title string) page {
	p := page{Title: title, Who: c.id.Name, Scope: c.id.Scope.String(), Return: c.r.URL.RequestURI()}
	if c.sess != nil {
		p.CSRF = c.sess.csrf
	}
	p.CanWrite = c.id.Scope.Allows(ScopeWrite)
	p.Flash = c.r.URL.Query().Get("flash")
	if len(p.Flash) > 200 {
		p.Flash = p.Flash[:200]
	}
	return p
}

// render executes a template into a buffer, so a failure is a clean 500,
// and sends it with the dashboard's security headers.
func (c *call) render(name string, data any) error {
	var b bytes.Buffer
	if err := uiTemplates.ExecuteTemplate(&b, name, data); err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", uiCSP)
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin") // no-referrer would make browsers send "Origin: null" with our own forms
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	c.w.WriteHeader(http.StatusOK)
	_, err := c.w.Write(b.Bytes())
	return err
}

// uiProblem answers a dashboard request that failed: to the login form when
// it has no session, otherwise an HTML page with the problem's title and
// detail, escaped.
func (c *call) uiProblem(p *Problem) {
	if p == errLogin {
		http.Redirect(c.w, c.r, "/ui/login", http.StatusSeeOther)
		return
	}
	if rec, ok := c.w.(*recorder); ok {
		rec.problem = strings.TrimPrefix(p.Type, problemTypeURI)
	}
	var b bytes.Buffer
	uiTemplates.ExecuteTemplate(&b, "error", p)
	h := c.w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", uiCSP)
	h.Set("Cache-Control", "no-store")
	if p.retryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(p.retryAfter))
	}
	c.w.WriteHeader(p.Status)
	c.w.Write(b.Bytes())
}

func init() {
	template.Must(uiTemplates.New("error").Parse(`<!doctype html><html lang="en"><meta charset="utf-8"><title>{{.Title}}</title><link rel="stylesheet" href="/ui/style.css"><main><h1>{{.Title}}</h1><p>{{.Detail}}</p><p><a href="/ui/">Back to the dashboard</a></p></main></html>`))
}

func (c *call) uiStyle() error {
	c.w.Header().Set("Cache-Control", "public, max-age=3600")
	writeBody(c.w, c.r, "text/css; charset=utf-8", uiStyle)
	return nil
}

// uiLoginForm shows the login form with a fresh CSRF token in a cookie.
func (c *call) uiLoginForm() error {
	csrf := randomToken()
	setCookie(c.w, c.r, loginCookie, csrf, 600)
	flash := ""
	if c.r.URL.Query().Has("failed") {
		flash = "That token is unknown or revoked."
	}
	return c.render("login", page{Title: "Log in", CSRF: csrf, Flash: flash})
}

// uiLogin makes a session from a token posted by the login form.
func (c *call) uiLogin() error {
	form, _ := url.ParseQuery(string(c.body))
	secret := form.Get("token")
	if _, ok := bearer("Bearer " + secret); !ok {
		http.Redirect(c.w, c.r, "/ui/login?failed", http.StatusSeeOther)
		return nil
	}
	id, p := c.s.identify(c.r.Context(), secret)
	if p != nil {
		if p.Status == http.StatusUnauthorized {
			http.Redirect(c.w, c.r, "/ui/login?failed", http.StatusSeeOther)
			return nil
		}
		return p
	}
	if ok, wait := c.s.limiter.allow(id.Name, c.s.now()); !ok {
		p := newProblem("rate-limited", "too many requests for this token")
		p.retryAfter = wait
		return p
	}
	sid, _ := c.s.sessions.create(secret, c.s.now())
	setCookie(c.w, c.r, sessionCookie, sid, int(sessionTTL.Seconds()))
	setCookie(c.w, c.r, loginCookie, "", -1)
	http.Redirect(c.w, c.r, "/ui/", http.StatusSeeOther)
	return nil
}

func (c *call) uiLogout() error {
	if ck, err := c.r.Cookie(sessionCookie); err == nil {
		c.s.sessions.drop(ck.Value)
	}
	setCookie(c.w, c.r, sessionCookie, "", -1)
	http.Redirect(c.w, c.r, "/ui/login", http.StatusSeeOther)
	return nil
}

// portfolioPage is the portfolio: the latest run's report and the book's
// grades over time.
type portfolioPage struct {
	page
	Run    *store.Run
	Report cycle.Report
	Chart  trendChart
}

func (c *call) uiPortfolio() error {
	ctx := c.r.Context()
	p := portfolioPage{page: c.page("Portfolio")}
	run, ok, err := c.s.store.LastRun(ctx)
	if err != nil {
		return err
	}
	if ok {
		p.Run = &run
		if b, err := c.s.store.Doc(ctx, run.AsOf, reportDoc); err == nil {
			if err := json.Unmarshal(b, &p.Report); err != nil {
				return fmt.Errorf("the report of %s: %w", run.AsOf, err)
			}
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		var counts []store.GradeCount
		for g, err := range c.s.store.Grades(ctx, run.AsOf.AddDays(-400), run.AsOf) {
			if err != nil {
				return err
			}
			counts = append(counts, g)
		}
		p.Chart = bookChart(counts)
	}
	return c.render("portfolio", p)
}

// customersPage lists the customers of the latest run.
type customersPage struct {
	page
	AsOf  cs.Date
	Items []customerSummary
	Next  string
}

func (c *call) uiCustomers() error {
	q := c.params("cursor", "limit")
	pg := q.page()
	if err := q.err(); err != nil {
		return err
	}
	d, err := c.lastRun()
	if err != nil {
		return err
	}
	out, err := collect(c, pg, func(p store.Page) iter.Seq2[customerSummary, error] {
		return mapSeq(c.s.store.HealthOn(c.r.Context(), d, p), func(r health.Result) customerSummary { return summaryOf(&r) })
	}, func(s customerSummary) string { return s.CustomerID })
	if err != nil {
		return err
	}
	return c.render("customers", customersPage{page: c.page("Customers"), AsOf: d, Items: out.Items, Next: out.NextCursor})
}

// taskRow is a task with its forms.
type taskRow struct {
	Rec  playbook.TaskRecord
	Form taskForm
}

type taskForm struct {
	Task         playbook.TaskRecord
	CSRF, Return string
	CanWrite     bool
}

// overrideRow is an override event, revocable when it is a set event still
// in force.
type overrideRow struct {
	Event     store.OverrideEvent
	Revocable bool
}

// customerPage is one customer.
type customerPage struct {
	page
	ID        string
	Customer  cs.Customer
	Health    health.Result
	Reasons   []string
	Trend     health.Trend
	Tier      *touch.Assignment
	Chart     scoreChart
	Tasks     []taskRow
	Overrides []overrideRow
}

func (c *call) uiCustomer() error {
	id, err := c.pathID("id")
	if err != nil {
		return err
	}
	d, err := c.lastRun()
	if err != nil {
		return err
	}
	ctx := c.r.Context()
	ch, err := c.s.customerHealth(ctx, id, d)
	if err != nil {
		return storeError(err, "")
	}
	p := customerPage{page: c.page(id), ID: id, Trend: ch.Trend, Tier: ch.Tier}
	if ch.Customer != nil {
		p.Customer = *ch.Customer
		if p.Customer.Name != "" {
			p.Title = p.Customer.Name
		}
	}
	if p.Health, err = c.s.store.Health(ctx, id, d); err != nil {
		return storeError(err, "")
	}
	p.Reasons = p.Health.Reasons()
	var hist []health.Result
	for r, err := range c.s.store.HealthHistory(ctx, id, store.Page{}) {
		if err != nil {
			return err
		}
		hist = append(hist, r)
	}
	p.Chart = historyChart(hist)
	for rec, err := range c.s.store.Tasks(ctx, store.TaskFilter{CustomerID: id}, store.Page{Limit: 200}) {
		if err != nil {
			return err
		}
		p.Tasks = append(p.Tasks, taskRow{Rec: rec, Form: taskForm{Task: rec, CSRF: p.CSRF, Return: p.Return, CanWrite: p.CanWrite}})
	}
	active := map[int64]bool{}
	aos, err := c.s.activeOverrides(ctx, id, c.s.today())
	if err != nil {
		return err
	}
	for _, ao := range aos {
		active[ao.ID] = true
	}
	for ev, err := range c.s.store.OverrideEvents(ctx, id, store.Page{Limit: 200}) {
		if err != nil {
			return err
		}
		p.Overrides = append(p.Overrides, overrideRow{Event: ev, Revocable: p.CanWrite && ev.Action == store.OverrideSet && active[ev.ID]})
	}
	return c.render("customer", p)
}

// tasksPage is the task list.
type tasksPage struct {
	page
	State, Owner   string
	States, Owners []string
	Tasks          []taskRow
	Next           string
}

func (c *call) uiTasks() error {
	q := c.params("state", "owner", "cursor")
	pg := q.page()
	state := q.str("state")
	if state == "" {
		state = "open"
	}
	f := store.TaskFilter{Owner: q.str("owner")}
	if err := f.State.UnmarshalText([]byte(state)); err != nil {
		q.add("state", state, "want open, done, skipped or expired")
	}
	if f.Owner != "" && !contains(playbook.Roles(), f.Owner) {
		q.add("owner", f.Owner, "not an owner role")
	}
	if err := q.err(); err != nil {
		return err
	}
	out, err := collect(c, pg, func(p store.Page) iter.Seq2[playbook.TaskRecord, error] { return c.s.store.Tasks(c.r.Context(), f, p) },
		taskCursorKey)
	if err != nil {
		return err
	}
	p := tasksPage{page: c.page("Tasks"), State: state, Owner: f.Owner,
		States: []string{"open", "done", "skipped", "expired"}, Owners: playbook.Roles()}
	for _, rec := range out.Items {
		p.Tasks = append(p.Tasks, taskRow{Rec: rec, Form: taskForm{Task: rec, CSRF: p.CSRF, Return: p.Return, CanWrite: p.CanWrite}})
	}
	if out.NextCursor != "" {
		v := url.Values{"state": {state}, "cursor": {out.NextCursor}}
		if f.Owner != "" {
			v.Set("owner", f.Owner)
		}
		p.Next = "/ui/tasks?" + v.Encode()
	}
	return c.render("tasks", p)
}

// form returns the posted form.
func (c *call) form() url.Values {
	v, _ := url.ParseQuery(string(c.body))
	return v
}

// back redirects after a form to its return path (a dashboard path only,
// so a form cannot be made to send the browser elsewhere), with a message.
func (c *call) back(form url.Values, flash string) error {
	to := form.Get("return")
	if !strings.HasPrefix(to, "/ui/") || strings.HasPrefix(to, "//") || strings.ContainsAny(to, "\\\r\n") {
		to = "/ui/"
	}
	if flash != "" {
		u, err := url.Parse(to)
		if err != nil {
			u = &url.URL{Path: "/ui/"}
		}
		q := u.Query()
		q.Set("flash", flash)
		u.RawQuery = q.Encode()
		to = u.RequestURI()
	}
	http.Redirect(c.w, c.r, to, http.StatusSeeOther)
	return nil
}

func (c *call) uiTaskDone() error { return c.uiCloseTask(playbook.TaskDone) }
func (c *call) uiTaskSkip() error { return c.uiCloseTask(playbook.TaskSkipped) }

func (c *call) uiCloseTask(state playbook.TaskState) error {
	key, err := c.pathID("key")
	if err != nil {
		return err
	}
	form := c.form()
	note := form.Get("note")
	if state == playbook.TaskSkipped {
		note = form.Get("reason")
	}
	if _, err := c.s.store.CloseTask(c.r.Context(), key, state, c.s.today(), c.id.Name, note, c.s.now()); err != nil {
		return c.back(form, flashOf(err))
	}
	return c.back(form, "")
}

func (c *call) uiSetOverride() error {
	id, err := c.pathID("id")
	if err != nil {
		return err
	}
	form := c.form()
	form.Set("return", "/ui/customers/"+pathSegment(id))
	pts, err := strconv.ParseFloat(form.Get("points"), 64)
	if err != nil {
		return c.back(form, "points: want a number from 0 to 100")
	}
	exp, err := cs.ParseDate(form.Get("expires"))
	if err != nil {
		return c.back(form, "expires: "+errDetail(err))
	}
	o := health.Override{Measure: form.Get("measure"), Points: pts, Reason: form.Get("reason"), Author: c.id.Name,
		SetAt: c.s.today(), Expires: exp}
	if _, err := c.s.store.SetOverride(c.r.Context(), id, o, c.s.now()); err != nil {
		return c.back(form, flashOf(err))
	}
	return c.back(form, "")
}

func (c *call) uiRevokeOverride() error {
	oid, err := c.overrideID()
	if err != nil {
		return err
	}
	form := c.form()
	if _, err := c.s.store.RevokeOverride(c.r.Context(), oid, c.s.today(), c.id.Name, form.Get("reason"), c.s.now()); err != nil {
		return c.back(form, flashOf(err))
	}
	return c.back(form, "")
}

// flashOf is the message shown for a failed form.
func flashOf(err error) string {
	switch {
	case errors.Is(err, store.ErrClosed):
		return "Already closed, perhaps by someone else: nothing was changed."
	case errors.Is(err, store.ErrNotFound):
		return "Not found: nothing was changed."
	case isInputError(err):
		return errDetail(err)
	}
	return "The store refused the change: " + errDetail(err)
}
