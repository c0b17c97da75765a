package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/successkit/cs"
	"github.com/successkit/cs/store"
)

// cmdToken manages the API tokens of a store: create (the secret is printed
// once and kept only as a hash), revoke, list.
func cmdToken(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		fmt.Fprint(env.Stdout, `Usage: successkit token create|revoke|list [flags]

Manages the tokens of successkit serve. create prints the new token alone on
standard output: it is shown once, and the store keeps only its hash. revoke
ends a token (and its dashboard sessions) at once; list shows the tokens
without their secrets.

Examples:
  TOKEN=$(successkit token create -db demo.db -name hubspot-plugin -scope read)
  successkit token revoke -db demo.db -name hubspot-plugin
  successkit token list -db demo.db

Run successkit token create -h for its flags.
`)
		if len(args) == 0 {
			return usageErr("successkit token: want create, revoke or list")
		}
		return errHelp
	}
	switch args[0] {
	case "create":
		return tokenCreate(ctx, env, args[1:])
	case "revoke":
		return tokenRevoke(ctx, env, args[1:])
	case "list":
		return tokenList(ctx, env, args[1:])
	}
	return usageErr("successkit token: unknown action %q: want create, revoke or list", args[0])
}

// tokenAuthor is who a token change is recorded by in the audit.
func tokenAuthor(env *Env, by string) string {
	if by != "" {
		return by
	}
	if u := env.Getenv("USER"); u != "" && cs.CheckID(u) == nil {
		return u
	}
	return "successkit token"
}

func tokenCreate(ctx context.Context, env *Env, args []string) error {
	c := newCLI(env, "token create", "-name NAME -scope read|write|admin [flags]",
		`Creates an API token and prints it alone on standard output, once: the store
keeps only its SHA-256. Scopes: read (scoring and reads), write (also tasks,
overrides, ingest and runs), admin (also tokens and the audit). Names are
unique and never reused.`,
		"successkit token create -db demo.db -name hubspot-plugin -scope read").withDB()
	name := c.fs.String("name", "", "the token's `name`: the author of its writes in the audit")
	scope := c.fs.String("scope", "read", "`scope`: read, write or admin")
	by := c.fs.String("by", "", "who creates it, for the audit (default $USER)")
	pos, err := c.parse(args)
	if err != nil {
		return err
	}
	if err := c.want(pos); err != nil {
		return err
	}
	if *name == "" {
		return usageErr("successkit token create: -name is required")
	}
	sc, err := store.ParseScope(*scope)
	if err != nil {
		return usageErr("successkit token create: -scope %q: want read, write or admin", *scope)
	}
	st, err := openStore(ctx, *c.db)
	if err != nil {
		return c.errorf("%w", err)
	}
	defer st.Close()
	secret, tok, err := st.CreateToken(ctx, *name, sc, tokenAuthor(env, *by), env.Now())
	if err != nil {
		if errors.Is(err, cs.ErrDuplicate) {
			return c.errorf("a token named %q exists (names are never reused; revoke it and pick another)", *name)
		}
		return c.errorf("%w", err)
	}
	return c.output(struct {
		Secret string `json:"token"`
		store.Token
	}{secret, tok}, func(w *textOut) { w.printf("%s\n", secret) })
}

func tokenRevoke(ctx context.Context, env *Env, args []string) error {
	c := newCLI(env, "token revoke", "-name NAME [flags]",
		`Revokes a token: from now on every request with it gets 401, and its
dashboard sessions end.`,
		"successkit token revoke -db demo.db -name hubspot-plugin").withDB()
	name := c.fs.String("name", "", "the token's `name`")
	by := c.fs.String("by", "", "who revokes it, for the audit (default $USER)")
	pos, err := c.parse(args)
	if err != nil {
		return err
	}
	if err := c.want(pos); err != nil {
		return err
	}
	if *name == "" {
		return usageErr("successkit token revoke: -name is required")
	}
	st, err := openStore(ctx, *c.db)
	if err != nil {
		return c.errorf("%w", err)
	}
	defer st.Close()
	tok, err := st.RevokeToken(ctx, *name, tokenAuthor(env, *by), env.Now())
	switch {
	case errors.Is(err, store.ErrNotFound):
		return c.errorf("no token named %q (successkit token list shows them)", *name)
	case errors.Is(err, store.ErrClosed):
		return c.errorf("token %q is already revoked", *name)
	case err != nil:
		return c.errorf("%w", err)
	}
	return c.output(tok, func(w *textOut) { w.printf("revoked %s (%s)\n", tok.Name, tok.Scope) })
}

func tokenList(ctx context.Context, env *Env, args []string) error {
	c := newCLI(env, "token list", "[flags]", `Lists the tokens, active and revoked, without their secrets.`,
		"successkit token list -db demo.db").withDB()
	pos, err := c.parse(args)
	if err != nil {
		return err
	}
	if err := c.want(pos); err != nil {
		return err
	}
	st, err := openStore(ctx, *c.db)
	if err != nil {
		return c.errorf("%w", err)
	}
	defer st.Close()
	toks := []store.Token{}
	for t, err := range st.Tokens(ctx, store.Page{}) {
		if err != nil {
			return c.errorf("%w", err)
		}
		toks = append(toks, t)
	}
	return c.output(toks, func(w *textOut) {
		rows := make([][]string, 0, len(toks))
		for _, t := range toks {
			state := "active"
			if !t.Active() {
				state = "revoked " + t.Revoked.Format("2006-01-02") + " by " + t.RevokedBy
			}
			rows = append(rows, []string{t.Name, t.Scope.String(), t.Created.Format("2006-01-02"), t.CreatedBy, state})
		}
		w.table("lllll", []string{"name", "scope", "created", "by", "state"}, rows)
	})
}
