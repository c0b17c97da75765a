package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/successkit/cs"
)

// Scope is what an API token may do. Scopes are ordered: admin may do what
// write may, and write what read may. The zero Scope is invalid.
type Scope uint8

// The scopes.
const (
	ScopeRead  Scope = iota + 1 // read state
	ScopeWrite                  // also close tasks, set and revoke overrides, run
	ScopeAdmin                  // also manage tokens
)

var scopeNames = [...]string{"", "read", "write", "admin"}

// ParseScope returns the scope named "read", "write" or "admin".
func ParseScope(s string) (Scope, error) {
	for i, n := range scopeNames[1:] {
		if s == n {
			return Scope(i + 1), nil
		}
	}
	return 0, fmt.Errorf("store: scope %q (want read, write or admin): %w", clip(s), cs.ErrUnknownField)
}

// String returns the scope's word, or "Scope(n)" for an invalid one.
func (s Scope) String() string {
	if s >= ScopeRead && s <= ScopeAdmin {
		return scopeNames[s]
	}
	return fmt.Sprintf("Scope(%d)", uint8(s))
}

// Allows reports whether a token of scope s may do what needs scope need.
func (s Scope) Allows(need Scope) bool {
	return s >= ScopeRead && s <= ScopeAdmin && need >= ScopeRead && s >= need
}

// MarshalText encodes the scope's word; an invalid scope is an error.
func (s Scope) MarshalText() ([]byte, error) {
	if s < ScopeRead || s > ScopeAdmin {
		return nil, fmt.Errorf("store: scope %d: %w", uint8(s), cs.ErrUnknownField)
	}
	return []byte(scopeNames[s]), nil
}

// UnmarshalText decodes a scope's word.
func (s *Scope) UnmarshalText(b []byte) error {
	v, err := ParseScope(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Token is an API token as stored: never the secret, only its hash.
type Token struct {
	Name      string    `json:"name"`
	Scope     Scope     `json:"scope"`
	Hash      string    `json:"-"`          // HashToken of the secret
	Created   time.Time `json:"created"`    // when it was created, in UTC
	CreatedBy string    `json:"created_by"` // who created it
	Revoked   time.Time `json:"revoked,omitzero"`
	RevokedBy string    `json:"revoked_by,omitempty"`
}

// Active reports whether the token is not revoked.
func (t *Token) Active() bool { return t.Revoked.IsZero() }

// tokenPrefix starts every secret, so a leaked token is easy to recognise
// in logs and by secret scanners.
const tokenPrefix = "csk_"

// HashToken returns the hex SHA-256 of a token's secret: what the store
// keeps and looks tokens up by. Secrets are 256 random bits, so a fast hash
// is as safe as a slow one.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateToken creates a token with a new random secret and returns the
// secret, which is shown once and never stored, with the token. Names are
// unique: a name in use, even by a revoked token, gives cs.ErrDuplicate.
func (s *Store) CreateToken(ctx context.Context, name string, scope Scope, by string, at time.Time) (string, Token, error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", Token{}, fmt.Errorf("store: creating token: %w", err)
	}
	secret := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	tok, err := s.AddToken(ctx, name, scope, HashToken(secret), by, at)
	if err != nil {
		return "", Token{}, err
	}
	return secret, tok, nil
}

// AddToken stores a token whose secret the caller made, by its hash
// (HashToken); CreateToken is the usual way.
func (s *Store) AddToken(ctx context.Context, name string, scope Scope, hash, by string, at time.Time) (Token, error) {
	if err := checkID("name", name); err != nil {
		return Token{}, fmt.Errorf("store: token: %w", err)
	}
	if _, err := scope.MarshalText(); err != nil {
		return Token{}, fmt.Errorf("store: token %q: %w", name, err)
	}
	if b, err := hex.DecodeString(hash); err != nil || len(b) != sha256.Size {
		return Token{}, fmt.Errorf("store: token %q: hash is not a hex SHA-256", name)
	}
	if err := checkText("by", by); err != nil || by == "" || at.IsZero() {
		if err == nil {
			err = &cs.FieldError{Field: "by and at", Err: cs.ErrMissing}
		}
		return Token{}, fmt.Errorf("store: token %q: %w", name, err)
	}
	tok := Token{Name: name, Scope: scope, Hash: hash, Created: normTime(at), CreatedBy: by}
	err := s.write(ctx, func(w *wtx) error {
		var n int
		if err := w.queryRow(`SELECT COUNT(*) FROM cs_tokens WHERE name = ?`, name).Scan(&n); err != nil {
			return fmt.Errorf("store: token %q: %w", name, classify(err))
		}
		if n > 0 {
			return fmt.Errorf("store: token %q: name in use: %w", name, cs.ErrDuplicate)
		}
		if _, err := w.exec(`INSERT INTO cs_tokens (hash, name, scope, created_at, created_by) VALUES (?, ?, ?, ?, ?)`,
			hash, name, scope.String(), s.timeArg(tok.Created), by); err != nil {
			return fmt.Errorf("store: token %q: %w", name, err)
		}
		return w.audit(tok.Created, by, "token.create", name, `{"scope":"`+scope.String()+`"}`)
	})
	return tok, err
}

const tokenSelect = `SELECT hash, name, scope, created_at, created_by, revoked_at, revoked_by FROM cs_tokens `

func scanToken(row interface{ Scan(...any) error }) (Token, error) {
	var t Token
	var scope string
	var revokedBy sql.NullString
	if err := row.Scan(&t.Hash, &t.Name, &scope, timeCol{&t.Created}, &t.CreatedBy, timeCol{&t.Revoked}, &revokedBy); err != nil {
		return t, err
	}
	t.RevokedBy = revokedBy.String
	var err error
	t.Scope, err = ParseScope(scope)
	return t, err
}

// Authenticate returns the active token whose secret is given. An unknown,
// malformed or revoked secret gives ErrUnauthorized, the same error for all
// three; hashes are compared in constant time.
func (s *Store) Authenticate(ctx context.Context, secret string) (Token, error) {
	if !strings.HasPrefix(secret, tokenPrefix) || len(secret) > 128 {
		return Token{}, fmt.Errorf("store: %w", ErrUnauthorized)
	}
	hash := HashToken(secret)
	t, err := s.TokenByHash(ctx, hash)
	if errors.Is(err, ErrNotFound) || (err == nil && !t.Active()) ||
		(err == nil && subtle.ConstantTimeCompare([]byte(t.Hash), []byte(hash)) != 1) {
		return Token{}, fmt.Errorf("store: %w", ErrUnauthorized)
	}
	return t, err
}

// TokenByHash returns the token with the hash, active or revoked;
// ErrNotFound if there is none.
func (s *Store) TokenByHash(ctx context.Context, hash string) (Token, error) {
	t, err := scanToken(s.db.QueryRowContext(ctx, s.q(tokenSelect+`WHERE hash = ?`), hash))
	if errors.Is(err, sql.ErrNoRows) {
		return Token{}, fmt.Errorf("store: token: %w", ErrNotFound)
	}
	if err != nil {
		return Token{}, fmt.Errorf("store: token: %w", classify(err))
	}
	return t, nil
}

// Token returns the token with the name; ErrNotFound if there is none.
func (s *Store) Token(ctx context.Context, name string) (Token, error) {
	t, err := scanToken(s.db.QueryRowContext(ctx, s.q(tokenSelect+`WHERE name = ?`), name))
	if errors.Is(err, sql.ErrNoRows) {
		return Token{}, fmt.Errorf("store: token %q: %w", clip(name), ErrNotFound)
	}
	if err != nil {
		return Token{}, fmt.Errorf("store: token %q: %w", clip(name), classify(err))
	}
	return t, nil
}

// RevokeToken revokes the token with the name: from then on Authenticate
// refuses its secret. A revoked token gives ErrClosed, an unknown one
// ErrNotFound.
func (s *Store) RevokeToken(ctx context.Context, name, by string, at time.Time) (Token, error) {
	if err := checkText("by", by); err != nil || by == "" || at.IsZero() {
		if err == nil {
			err = &cs.FieldError{Field: "by and at", Err: cs.ErrMissing}
		}
		return Token{}, fmt.Errorf("store: revoking token %q: %w", clip(name), err)
	}
	var tok Token
	err := s.write(ctx, func(w *wtx) error {
		var err error
		tok, err = scanToken(w.queryRow(tokenSelect+`WHERE name = ?`, name))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: revoking token %q: %w", clip(name), ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("store: revoking token %q: %w", clip(name), classify(err))
		}
		if !tok.Active() {
			return fmt.Errorf("store: revoking token %q: %w", name, ErrClosed)
		}
		tok.Revoked, tok.RevokedBy = normTime(at), by
		if _, err := w.exec(`UPDATE cs_tokens SET revoked_at = ?, revoked_by = ? WHERE name = ?`, s.timeArg(tok.Revoked), by, name); err != nil {
			return fmt.Errorf("store: revoking token %q: %w", name, err)
		}
		return w.audit(tok.Revoked, by, "token.revoke", name, "{}")
	})
	return tok, err
}

// Tokens lists the tokens by name, active and revoked; Page.After is a name.
func (s *Store) Tokens(ctx context.Context, page Page) iter.Seq2[Token, error] {
	return list(ctx, s, "listing tokens", tokenSelect+`WHERE name > ? ORDER BY name LIMIT ?`, []any{page.After, page.limit()},
		func(rows *sql.Rows) (Token, error) { return scanToken(rows) })
}
