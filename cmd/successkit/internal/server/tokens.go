package server

import (
	"errors"
	"iter"
	"net/http"
	"strconv"

	"github.com/successkit/cs"
	"github.com/successkit/cs/store"
)

// Token management, for admin tokens. Each write is in the store's audit
// under the admin token's name.

func (c *call) listTokens() error {
	q := c.params("limit", "cursor")
	p := q.page()
	if err := q.err(); err != nil {
		return err
	}
	out, err := collect(c, p, func(p store.Page) iter.Seq2[store.Token, error] { return c.s.store.Tokens(c.r.Context(), p) },
		func(t store.Token) string { return t.Name })
	if err != nil {
		return storeError(err, "")
	}
	return writeJSON(c.w, c.r, out)
}

// tokenRequest is the body of POST /v1/tokens.
type tokenRequest struct {
	Name  string      `json:"name"`
	Scope store.Scope `json:"scope"`
}

// newToken is the answer of POST /v1/tokens: the secret, shown this once.
type newToken struct {
	Secret string `json:"token"`
	store.Token
}

func (c *call) createToken() error {
	var req tokenRequest
	if err := c.decodeBody(&req); err != nil {
		return err
	}
	if req.Scope == 0 {
		return invalidBody(&cs.FieldError{Field: "scope", Err: cs.ErrMissing}, "")
	}
	secret, tok, err := c.s.store.CreateToken(c.r.Context(), req.Name, req.Scope, c.id.Name, c.s.now())
	if err != nil {
		if errors.Is(err, cs.ErrDuplicate) {
			return newProblem("conflict", "a token named "+strconv.Quote(clipValue(req.Name))+" exists (names are never reused)")
		}
		return storeError(err, "")
	}
	c.w.Header().Set("Cache-Control", "no-store")
	return writeStatusJSON(c.w, http.StatusCreated, newToken{Secret: secret, Token: tok})
}

func (c *call) revokeToken() error {
	name, err := c.pathID("name")
	if err != nil {
		return err
	}
	tok, err := c.s.store.RevokeToken(c.r.Context(), name, c.id.Name, c.s.now())
	c.s.tokens.dropName(name)
	if err != nil {
		return storeError(err, "")
	}
	return writeStatusJSON(c.w, http.StatusOK, tok)
}
