package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
)

// Scope is what a token may do; scopes are ordered, admin ⊃ write ⊃ read.
type Scope uint8

// The scopes, as the store keeps them.
const (
	ScopeRead Scope = iota + 1
	ScopeWrite
	ScopeAdmin
)

func (s Scope) String() string {
	switch s {
	case ScopeRead:
		return "read"
	case ScopeWrite:
		return "write"
	case ScopeAdmin:
		return "admin"
	}
	return "none"
}

// Identity is who sent a request: the token's name (the author of its
// writes) and its scope.
type Identity struct {
	Name  string
	Scope Scope
}

// ErrUnauthorized is what a Backend's Authenticate returns for a token that
// is unknown, malformed or revoked: the three get the same answer.
var ErrUnauthorized = errors.New("unknown or revoked token")

// Backend is the state the server reads and writes.
type Backend interface {
	// Authenticate returns the identity of an active token's secret, or an
	// error wrapping ErrUnauthorized. Implementations compare hashes in
	// constant time.
	Authenticate(ctx context.Context, secret string) (Identity, error)
	// Ready reports whether the store answers.
	Ready(ctx context.Context) error
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
	id, err := s.backend.Authenticate(r.Context(), tok)
	if errors.Is(err, ErrUnauthorized) {
		return Identity{}, newProblem("unauthorized", "unknown or revoked token")
	}
	if err != nil {
		s.log.Error("authenticating", "err", err)
		return Identity{}, unavailable("the store did not answer")
	}
	return id, nil
}

func unavailable(detail string) *Problem {
	p := newProblem("unavailable", detail)
	p.retryAfter = 5
	return p
}
