package server

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Dashboard sessions. Logging in with a token makes a session kept in the
// server's memory: the browser holds only a random session ID in an HttpOnly,
// SameSite=Strict cookie, never the token. Every request re-checks the token
// with the store, so revoking it ends its sessions at once. Each session has
// its own CSRF token, which every form carries and every POST must return;
// a POST whose Origin or Sec-Fetch-Site shows another site is refused too.

const (
	sessionCookie = "csk_session"
	loginCookie   = "csk_login" // the CSRF token of the login form, before a session exists
	sessionTTL    = 8 * time.Hour
	maxSessions   = 10000
)

type session struct {
	secret  string // the token, to re-check with the store on each request
	csrf    string
	expires time.Time
}

// sessions maps the SHA-256 of a session ID to its session.
type sessions struct {
	mu sync.Mutex
	m  map[[32]byte]*session
}

func newSessions() *sessions { return &sessions{m: map[[32]byte]*session{}} }

// randomToken returns 256 random bits in base64url.
func randomToken() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// create makes a session for the token and returns its ID.
func (ss *sessions) create(secret string, now time.Time) (string, *session) {
	id := randomToken()
	s := &session{secret: secret, csrf: randomToken(), expires: now.Add(sessionTTL)}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if len(ss.m) >= maxSessions {
		for k, v := range ss.m {
			if now.After(v.expires) {
				delete(ss.m, k)
			}
		}
		for k := range ss.m { // still full: drop an arbitrary one
			if len(ss.m) < maxSessions {
				break
			}
			delete(ss.m, k)
		}
	}
	ss.m[sha256.Sum256([]byte(id))] = s
	return id, s
}

func (ss *sessions) get(id string, now time.Time) *session {
	k := sha256.Sum256([]byte(id))
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s := ss.m[k]
	if s != nil && now.After(s.expires) {
		delete(ss.m, k)
		return nil
	}
	return s
}

func (ss *sessions) drop(id string) {
	ss.mu.Lock()
	delete(ss.m, sha256.Sum256([]byte(id)))
	ss.mu.Unlock()
}

// errLogin asks the dashboard to send the browser to the login form.
var errLogin = &Problem{Type: problemTypeURI + "unauthorized", Title: "Log in", Status: http.StatusUnauthorized, Detail: "log in with a token"}

// uiAuth finds the session of a dashboard request and re-checks its token.
func (c *call) uiAuth() *Problem {
	ck, err := c.r.Cookie(sessionCookie)
	if err != nil {
		return errLogin
	}
	sess := c.s.sessions.get(ck.Value, c.s.now())
	if sess == nil {
		return errLogin
	}
	id, p := c.s.identify(c.r.Context(), sess.secret)
	if p != nil {
		if p.Status == http.StatusUnauthorized {
			c.s.sessions.drop(ck.Value)
			return errLogin
		}
		return p
	}
	c.id, c.sess = id, sess
	return nil
}

// checkCSRF refuses a dashboard POST that does not return the CSRF token of
// its session (or, for the login form, of its login cookie), or that a
// browser says came from another site.
func (c *call) checkCSRF() *Problem {
	forbidden := newProblem("forbidden", "cross-site request refused: reload the page and submit the form again")
	if site := c.r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return forbidden
	}
	if o := c.r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != c.r.Host {
			return forbidden
		}
	}
	form, err := url.ParseQuery(string(c.body))
	if err != nil {
		return newProblem("invalid-body", "the form does not parse")
	}
	want := ""
	if c.sess != nil {
		want = c.sess.csrf
	} else if ck, err := c.r.Cookie(loginCookie); err == nil {
		want = ck.Value
	}
	got := form.Get("csrf")
	if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return forbidden
	}
	return nil
}

// setCookie sets an HttpOnly, SameSite=Strict cookie on /ui, Secure when the
// request came over TLS (behind a TLS proxy, set it there).
func setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/ui", MaxAge: maxAge,
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
}
