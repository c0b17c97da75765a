package server

import (
	"context"
	"errors"
	"net/http"
	"strings"

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
	return s.identify(r.Context(), tok)
}

// identify looks a token's secret up in the store (by its hash, compared in
// constant time there).
func (s *Server) identify(ctx context.Context, secret string) (Identity, *Problem) {
	tok, err := s.store.Authenticate(ctx, secret)
	if errors.Is(err, store.ErrUnauthorized) {
		return Identity{}, newProblem("unauthorized", "unknown or revoked token")
	}
	if err != nil {
		s.log.Error("authenticating", "err", err)
		return Identity{}, unavailable("the store did not answer")
	}
	return Identity{Name: tok.Name, Scope: tok.Scope}, nil
}

func unavailable(detail string) *Problem {
	p := newProblem("unavailable", detail)
	p.retryAfter = 5
	return p
}
