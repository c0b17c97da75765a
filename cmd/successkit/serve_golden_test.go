package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// serve and token in the command's goldens: -h of each, and -format json of
// token create (secret masked), list and revoke.
func TestServeTokenHelp(t *testing.T) {
	for _, words := range [][]string{{"serve"}, {"token", "create"}, {"token", "revoke"}, {"token", "list"}} {
		t.Run(strings.Join(words, " "), func(t *testing.T) {
			r := mustRun(t, append(words, "-h")...)
			checkGolden(t, filepath.Join("help", goldenName(words, ".golden")), []byte(r.stdout))
			for _, want := range []string{"Usage: successkit " + strings.Join(words, " "), "Example", "-format format", "-db file"} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("-h does not say %q:\n%s", want, r.stdout)
				}
			}
		})
	}
	r := mustRun(t, "token", "-h")
	checkGolden(t, filepath.Join("help", "token.golden"), []byte(r.stdout))
	if r := run(t, "token"); r.code != 2 {
		t.Errorf("token without an action: exit %d, want 2", r.code)
	}
}

var secretRE = regexp.MustCompile(`csk_[A-Za-z0-9_-]{43}`)

func TestTokenJSON(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	r := mustRun(t, "token", "create", "-db", db, "-name", "hubspot-plugin", "-scope", "read", "-by", "ana", "-format", "json")
	if !secretRE.MatchString(r.stdout) {
		t.Fatalf("no secret in %s", r.stdout)
	}
	checkGolden(t, filepath.Join("json", "token_create.golden"), []byte(secretRE.ReplaceAllString(r.stdout, "csk_SECRET")))
	r = mustRun(t, "token", "list", "-db", db, "-format", "json")
	checkGolden(t, filepath.Join("json", "token_list.golden"), []byte(r.stdout))
	r = mustRun(t, "token", "revoke", "-db", db, "-name", "hubspot-plugin", "-by", "ben", "-format", "json")
	checkGolden(t, filepath.Join("json", "token_revoke.golden"), []byte(r.stdout))
}
