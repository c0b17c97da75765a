package server

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/successkit/cs/store"
)

// The scopes of tokens, as the store keeps them: admin may do what write
// may, and write what read may.
const (
	ScopeRead  = store.ScopeRead
	ScopeWrite = store.ScopeWrite
	ScopeAdmin = store.ScopeAdmin
)

// Identity is who sent a request: the token's name (the author of its
// writes) and its scope.
type Identity struct {
	Name  string
	Scope store.Scope
}

// maxTokenLen bounds the secret looked up: a longer Authorization value is
// malformed and never reaches the store.
const maxTokenLen = 256

// bearer returns the token of an Authorization header "Bearer <token>"
// (scheme case-insensitive, RFC 6750 §2.1), or ok false when the header is
// absent or malformed.
func bearer(h string) (string, bool) {
	const scheme = "bearer "
	if len(h) <= len(scheme) || !strings.EqualFold(h[:len(scheme)], scheme) {
		return "", false
	}
	tok := strings.TrimLeft(h[len(scheme):], " ")
	if tok == "" || len(tok) > maxTokenLen {
		return "", false
	}
	for i := 0; i < len(tok); i++ { // RFC 6750 b64token
		c := tok[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~+/=", c) >= 0) {
			return "", false
		}
	}
	return tok, true
}

// authenticate finds the identity of an API request from its bearer token.
func (s *Server) authenticate(r *http.Request) (Identity, *Problem) {
	h := r.Header.Values("Authorization")
	if len(h) == 0 {
		return Identity{}, newProblem("unauthorized", "no Authorization header: send Authorization: Bearer <token>")
	}
	tok, ok := "", false
	if len(h) == 1 {
		tok, ok = bearer(h[0])
	}
	if !ok {
		return Identity{}, newProblem("unauthorized", "malformed Authorization header: want one \"Bearer <token>\"")
	}
	if _, ok := s.tokens.get(store.HashToken(tok), s.now()); !ok {
		// A token the store has not confirmed lately costs a lookup: bound
		// them per client address, so random tokens cannot load the store.
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		if ok, wait := s.lookups.allow(host, s.now()); !ok {
			p := newProblem("rate-limited", "too many token lookups from this address")
			p.retryAfter = wait
			return Identity{}, p
		}
	}
	return s.identify(r.Context(), tok)
}

// identify returns the identity of a token's secret: from the cache when
// the store confirmed it less than TokenCacheTTL ago, else from the store
// (by its hash, compared in constant time there).
func (s *Server) identify(ctx context.Context, secret string) (Identity, *Problem) {
	hash := store.HashToken(secret)
	now := s.now()
	if id, ok := s.tokens.get(hash, now); ok {
		return id, nil
	}
	tok, err := s.store.Authenticate(ctx, secret)
	if errors.Is(err, store.ErrUnauthorized) {
		s.tokens.drop(hash)
		return Identity{}, newProblem("unauthorized", "unknown or revoked token")
	}
	if err != nil {
		s.log.Error("authenticating", "err", err)
		return Identity{}, unavailable("the store did not answer")
	}
	id := Identity{Name: tok.Name, Scope: tok.Scope}
	s.tokens.put(hash, id, now)
	return id, nil
}

// TokenCacheTTL is how long the server trusts a token the store confirmed
// without asking again. A token revoked through this server (the API or
// the dashboard) is refused at once; one revoked by another process
// (successkit token revoke, another instance) within this time. Looking a
// token up in the store costs several times the rest of a scoring request.
const TokenCacheTTL = time.Second

// tokenCache maps tokens' hashes to their identities, confirmed at a time.
// Only tokens the store confirmed enter it, so it holds at most one entry
// per active token; unknown tokens are looked up every time.
type tokenCache struct {
	mu sync.Mutex
	m  map[string]cachedIdentity
}

type cachedIdentity struct {
	id Identity
	at time.Time
}

func (c *tokenCache) get(hash string, now time.Time) (Identity, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[hash]
	if !ok || now.Sub(e.at) >= TokenCacheTTL || now.Before(e.at) {
		return Identity{}, false
	}
	return e.id, true
}

func (c *tokenCache) put(hash string, id Identity, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]cachedIdentity{}
	}
	if len(c.m) >= 10000 { // more active tokens than that: start over
		clear(c.m)
	}
	c.m[hash] = cachedIdentity{id, now}
}

func (c *tokenCache) drop(hash string) {
	c.mu.Lock()
	delete(c.m, hash)
	c.mu.Unlock()
}

// dropName forgets the token with the name: it was revoked here.
func (c *tokenCache) dropName(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for h, e := range c.m {
		if e.id.Name == name {
			delete(c.m, h)
		}
	}
}

func unavailable(detail string) *Problem {
	p := newProblem("unavailable", detail)
	p.retryAfter = 5
	return p
}
