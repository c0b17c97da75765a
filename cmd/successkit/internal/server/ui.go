package server

import (
	"html/template"
	"net/http"
)

// uiProblem answers a dashboard request that failed: to the login form when
// it has no session, otherwise an HTML page with the problem's title and
// detail, escaped.
func (c *call) uiProblem(p *Problem) {
	if p == errLogin {
		http.Redirect(c.w, c.r, "/ui/login", http.StatusSeeOther)
		return
	}
	if rec, ok := c.w.(*recorder); ok {
		rec.problem = p.Type[len(problemTypeURI):]
	}
	c.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	c.w.Header().Set("Cache-Control", "no-store")
	c.w.WriteHeader(p.Status)
	errorPage.Execute(c.w, p)
}

var errorPage = template.Must(template.New("error").Parse(`<!doctype html><html lang="en"><meta charset="utf-8"><title>{{.Title}}</title><h1>{{.Title}}</h1><p>{{.Detail}}</p><p><a href="/ui/">Back to the dashboard</a></p></html>`))
